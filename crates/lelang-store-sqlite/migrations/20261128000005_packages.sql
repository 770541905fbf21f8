-- Packages: what one tender buys, prepared from an announced plan item (one package per item).
CREATE TABLE packages (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    work_unit_id    BLOB NOT NULL REFERENCES work_units(id),
    plan_item_id    BLOB NOT NULL UNIQUE REFERENCES plan_items(id),
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    budget_ceiling  INTEGER NOT NULL,
    owner_estimate  INTEGER NOT NULL CHECK (owner_estimate > 0 AND owner_estimate <= budget_ceiling),
    hps_breakdown   TEXT NOT NULL,
    location        TEXT NOT NULL,
    rule_set        TEXT NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX packages_tenant ON packages (tenant_id, created_at);
