-- Objections (sanggah) to an announced award, each with its answer once given.
CREATE TABLE objections (
    id         BLOB PRIMARY KEY,
    package_id BLOB NOT NULL REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    vendor_id  BLOB NOT NULL REFERENCES vendors(id),
    answered   INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX objections_package ON objections (package_id);
