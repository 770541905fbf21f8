-- Pokja assignments (one per package) and their members' declarations of no conflict of interest.
CREATE TABLE pokja_members (
    package_id  BLOB NOT NULL REFERENCES packages(id),
    tenant_id   BLOB NOT NULL REFERENCES tenants(id),
    member_id   BLOB NOT NULL REFERENCES users(id),
    assigned_at INTEGER NOT NULL,
    declared_at INTEGER,
    PRIMARY KEY (package_id, member_id)
) STRICT;
CREATE INDEX pokja_members_tenant ON pokja_members (tenant_id);
