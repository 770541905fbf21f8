-- A tender's contract, written whole and versioned: drafted, guaranteed, signed, started.
CREATE TABLE contracts (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
