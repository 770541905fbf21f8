-- A regency's MoUs with law enforcement, and the cases escalated under them (each kept whole).
CREATE TABLE mous (
    id        UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id),
    data      TEXT NOT NULL
);
CREATE INDEX mous_tenant ON mous (tenant_id);
CREATE TABLE cases (
    id        UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id),
    number    TEXT NOT NULL,
    version   BIGINT NOT NULL,
    data      TEXT NOT NULL,
    UNIQUE (tenant_id, number)
);
