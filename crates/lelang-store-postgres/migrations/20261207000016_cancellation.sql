-- A tender cancelled by its budget holder: the ground and published reason, and the mark on the
-- public list that closes it for bids whatever its deadline says.
CREATE TABLE cancellations (
    package_id UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id  UUID NOT NULL REFERENCES tenants(id),
    data       TEXT NOT NULL
);
ALTER TABLE public_tenders ADD COLUMN cancelled_at TIMESTAMPTZ;
