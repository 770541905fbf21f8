-- Complaints (pengaduan) to a regency's auditor, written whole and versioned. An anonymous
-- complaint keeps no user, name or contact: only its follow-up code's hash.
CREATE TABLE complaints (
    id        BLOB PRIMARY KEY,
    tenant_id BLOB NOT NULL REFERENCES tenants(id),
    number    TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    pending   INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    data      TEXT NOT NULL,
    UNIQUE (tenant_id, number)
) STRICT;
CREATE INDEX complaints_pending ON complaints (pending);
