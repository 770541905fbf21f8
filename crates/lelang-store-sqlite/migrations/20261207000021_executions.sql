-- A contract's execution, written whole and versioned: milestones, progress, payments,
-- amendments, handover or termination, and the company's rating (read per company).
CREATE TABLE executions (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    vendor_id  BLOB NOT NULL REFERENCES vendors(id),
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL
) STRICT;
CREATE INDEX executions_vendor ON executions (vendor_id);
