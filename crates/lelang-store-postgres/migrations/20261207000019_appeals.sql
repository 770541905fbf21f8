-- Appeals (sanggah banding) of construction bidders, each with its guarantee and its answer.
CREATE TABLE appeals (
    id         UUID PRIMARY KEY,
    package_id UUID NOT NULL REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    answered   BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX appeals_package ON appeals (package_id);
