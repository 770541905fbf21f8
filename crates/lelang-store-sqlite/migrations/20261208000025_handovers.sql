-- Packages handed over by their PPK to the procurement unit (each kept whole, changed over its
-- version), and each package's conversation among its PPK, its pokja and the ULP head.
CREATE TABLE handovers (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX handovers_tenant ON handovers (tenant_id);
CREATE TABLE package_messages (
    seq        INTEGER PRIMARY KEY,
    id         BLOB NOT NULL UNIQUE,
    package_id BLOB NOT NULL REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    author     BLOB NOT NULL,
    mentions   INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX package_messages_package ON package_messages (package_id, seq);
CREATE INDEX package_messages_mentions ON package_messages (tenant_id, seq) WHERE mentions > 0;
