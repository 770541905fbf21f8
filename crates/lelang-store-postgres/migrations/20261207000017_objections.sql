-- Objections (sanggah) to an announced award, each with its answer once given.
CREATE TABLE objections (
    id         UUID PRIMARY KEY,
    package_id UUID NOT NULL REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    vendor_id  UUID NOT NULL REFERENCES vendors(id),
    answered   BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX objections_package ON objections (package_id);
