-- The procurement plan (RUP): each work unit's plan items per fiscal year.
CREATE TABLE plan_items (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    work_unit_id    BLOB NOT NULL REFERENCES work_units(id),
    fiscal_year     INTEGER NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    budget_ceiling  INTEGER NOT NULL CHECK (budget_ceiling > 0),
    funding_source  TEXT NOT NULL,
    planned_method  TEXT NOT NULL,
    planned_start   TEXT NOT NULL,
    planned_end     TEXT NOT NULL,
    rule_set        TEXT NOT NULL,
    announced_at    INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX plan_items_tenant ON plan_items (tenant_id, fiscal_year, work_unit_id);
