-- Packages handed over by their PPK to the procurement unit (each kept whole, changed over its
-- version), and each package's conversation among its PPK, its pokja and the ULP head.
CREATE TABLE handovers (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX handovers_tenant ON handovers (tenant_id);
CREATE TABLE package_messages (
    seq        BIGSERIAL PRIMARY KEY,
    id         UUID NOT NULL UNIQUE,
    package_id UUID NOT NULL REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    author     UUID NOT NULL,
    mentions   BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX package_messages_package ON package_messages (package_id, seq);
CREATE INDEX package_messages_mentions ON package_messages (tenant_id, seq) WHERE mentions > 0;
