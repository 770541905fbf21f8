-- Complaints (pengaduan) to a regency's auditor, written whole and versioned. An anonymous
-- complaint keeps no user, name or contact: only its follow-up code's hash.
CREATE TABLE complaints (
    id        UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id),
    number    TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    pending   BIGINT NOT NULL,
    version   BIGINT NOT NULL,
    data      TEXT NOT NULL,
    UNIQUE (tenant_id, number)
);
CREATE INDEX complaints_pending ON complaints (pending);
