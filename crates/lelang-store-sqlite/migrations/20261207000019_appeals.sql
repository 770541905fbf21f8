-- Appeals (sanggah banding) of construction bidders, each with its guarantee and its answer.
CREATE TABLE appeals (
    id         BLOB PRIMARY KEY,
    package_id BLOB NOT NULL REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    answered   INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX appeals_package ON appeals (package_id);
