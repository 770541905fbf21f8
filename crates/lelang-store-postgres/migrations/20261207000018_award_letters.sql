-- A tender's letters of award (SPPBJ) and the companies' responses, written whole and versioned.
CREATE TABLE award_letters (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
