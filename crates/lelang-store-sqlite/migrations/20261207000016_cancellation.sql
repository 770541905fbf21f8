-- A tender cancelled by its budget holder: the ground and published reason, and the mark on the
-- public list that closes it for bids whatever its deadline says.
CREATE TABLE cancellations (
    package_id BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    data       TEXT NOT NULL
) STRICT;
ALTER TABLE public_tenders ADD COLUMN cancelled_at INTEGER;
