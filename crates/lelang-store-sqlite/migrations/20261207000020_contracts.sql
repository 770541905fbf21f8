-- A tender's contract, written whole and versioned: drafted, guaranteed, signed, started.
CREATE TABLE contracts (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
