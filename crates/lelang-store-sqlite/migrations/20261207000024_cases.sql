-- A regency's MoUs with law enforcement, and the cases escalated under them (each kept whole).
CREATE TABLE mous (
    id        BLOB PRIMARY KEY,
    tenant_id BLOB NOT NULL REFERENCES tenants(id),
    data      TEXT NOT NULL
) STRICT;
CREATE INDEX mous_tenant ON mous (tenant_id);
CREATE TABLE cases (
    id        BLOB PRIMARY KEY,
    tenant_id BLOB NOT NULL REFERENCES tenants(id),
    number    TEXT NOT NULL,
    version   INTEGER NOT NULL,
    data      TEXT NOT NULL,
    UNIQUE (tenant_id, number)
) STRICT;
