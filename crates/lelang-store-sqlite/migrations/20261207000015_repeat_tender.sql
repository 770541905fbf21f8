-- no-transaction
-- A failed tender is repeated as a new package of the same plan item, linked to the one it
-- repeats: one package per plan item becomes one first package per plan item. SQLite cannot drop
-- a column's UNIQUE, so the table is rebuilt (the documented procedure: foreign keys off, copy,
-- swap, check, foreign keys on), in one transaction of its own.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE packages_new (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    work_unit_id    BLOB NOT NULL REFERENCES work_units(id),
    plan_item_id    BLOB NOT NULL REFERENCES plan_items(id),
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    budget_ceiling  INTEGER NOT NULL,
    owner_estimate  INTEGER NOT NULL CHECK (owner_estimate > 0 AND owner_estimate <= budget_ceiling),
    hps_breakdown   TEXT NOT NULL,
    location        TEXT NOT NULL,
    rule_set        TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    repeat_of       BLOB REFERENCES packages(id)
) STRICT;
INSERT INTO packages_new (id, tenant_id, work_unit_id, plan_item_id, name, category, budget_ceiling,
    owner_estimate, hps_breakdown, location, rule_set, created_at)
SELECT id, tenant_id, work_unit_id, plan_item_id, name, category, budget_ceiling, owner_estimate,
    hps_breakdown, location, rule_set, created_at FROM packages;
DROP TABLE packages;
ALTER TABLE packages_new RENAME TO packages;
CREATE INDEX packages_tenant ON packages (tenant_id, created_at);
CREATE UNIQUE INDEX packages_first_of_item ON packages (plan_item_id) WHERE repeat_of IS NULL;
CREATE UNIQUE INDEX packages_one_repeat ON packages (repeat_of) WHERE repeat_of IS NOT NULL;
COMMIT;
PRAGMA foreign_keys = ON;
