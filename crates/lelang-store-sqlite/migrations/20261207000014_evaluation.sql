-- A tender's evaluation, written whole and versioned (like openings).
CREATE TABLE evaluations (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    version    INTEGER NOT NULL,
    concluded  INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX evaluations_concluded ON evaluations (tenant_id, concluded);
