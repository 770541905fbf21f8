-- A tender's letters of award (SPPBJ) and the companies' responses, written whole and versioned.
CREATE TABLE award_letters (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
