-- A tender's evaluation, written whole and versioned (like openings).
CREATE TABLE evaluations (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    version    BIGINT NOT NULL,
    concluded  BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX evaluations_concluded ON evaluations (tenant_id, concluded);
