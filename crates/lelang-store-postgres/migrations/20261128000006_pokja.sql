-- Pokja assignments (one per package) and their members' declarations of no conflict of interest.
CREATE TABLE pokja_members (
    package_id  UUID NOT NULL REFERENCES packages(id),
    tenant_id   UUID NOT NULL REFERENCES tenants(id),
    member_id   UUID NOT NULL REFERENCES users(id),
    assigned_at TIMESTAMPTZ NOT NULL,
    declared_at TIMESTAMPTZ,
    PRIMARY KEY (package_id, member_id)
);
CREATE INDEX pokja_members_tenant ON pokja_members (tenant_id);
