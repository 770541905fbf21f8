-- The procurement plan (RUP): each work unit's plan items per fiscal year.
CREATE TABLE plan_items (
    id              UUID PRIMARY KEY,
    tenant_id       UUID NOT NULL REFERENCES tenants(id),
    work_unit_id    UUID NOT NULL REFERENCES work_units(id),
    fiscal_year     INTEGER NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT NOT NULL,
    budget_ceiling  BIGINT NOT NULL CHECK (budget_ceiling > 0),
    funding_source  TEXT NOT NULL,
    planned_method  TEXT NOT NULL,
    planned_start   DATE NOT NULL,
    planned_end     DATE NOT NULL,
    rule_set        TEXT NOT NULL,
    announced_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX plan_items_tenant ON plan_items (tenant_id, fiscal_year, work_unit_id);
