-- Each tender's setup by its pokja (method, evaluation method, schedule), as JSON; its history is
-- the event log (tender_scheduled, schedule_changed).
CREATE TABLE tender_setups (
    package_id  BLOB PRIMARY KEY REFERENCES packages(id),
    tenant_id   BLOB NOT NULL REFERENCES tenants(id),
    setup       TEXT NOT NULL
) STRICT;
CREATE INDEX tender_setups_tenant ON tender_setups (tenant_id);
