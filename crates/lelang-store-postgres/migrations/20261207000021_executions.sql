-- A contract's execution, written whole and versioned: milestones, progress, payments,
-- amendments, handover or termination, and the company's rating (read per company).
CREATE TABLE executions (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    vendor_id  UUID NOT NULL REFERENCES vendors(id),
    version    BIGINT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX executions_vendor ON executions (vendor_id);
