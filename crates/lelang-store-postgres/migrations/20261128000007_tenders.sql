-- Each tender's setup by its pokja (method, evaluation method, schedule), as JSON; its history is
-- the event log (tender_scheduled, schedule_changed).
CREATE TABLE tender_setups (
    package_id  UUID PRIMARY KEY REFERENCES packages(id),
    tenant_id   UUID NOT NULL REFERENCES tenants(id),
    setup       TEXT NOT NULL
);
CREATE INDEX tender_setups_tenant ON tender_setups (tenant_id);
