-- lelang on SQLite: the foundation. Times are INTEGER microseconds since the Unix epoch (UTC), so
-- that comparisons in SQL are numeric; ids are 16-byte UUID blobs.

CREATE TABLE tenants (
    id          BLOB PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT')),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE work_units (
    id          BLOB PRIMARY KEY,
    tenant_id   BLOB NOT NULL REFERENCES tenants(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, code)
) STRICT;

CREATE TABLE vendors (
    id              BLOB PRIMARY KEY,
    name            TEXT NOT NULL,
    nib             TEXT NOT NULL UNIQUE,
    home_tenant_id  BLOB REFERENCES tenants(id),
    created_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id              BLOB PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    tenant_id       BLOB REFERENCES tenants(id),
    vendor_id       BLOB REFERENCES vendors(id),
    password_hash   TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE role_grants (
    user_id         BLOB NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    tenant_id       BLOB REFERENCES tenants(id),
    work_unit_id    BLOB REFERENCES work_units(id)
) STRICT;
CREATE UNIQUE INDEX role_grants_unique
    ON role_grants (user_id, role, coalesce(tenant_id, x''), coalesce(work_unit_id, x''));

CREATE TABLE sessions (
    id              BLOB PRIMARY KEY,
    secret_hash     BLOB NOT NULL UNIQUE,
    user_id         BLOB NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    tenant_id       BLOB,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              BLOB PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    tenant_id       BLOB,
    secret_hash     BLOB NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    revoked_at      INTEGER,
    last_used_at    INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    address     TEXT NOT NULL,
    success     INTEGER NOT NULL,
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

-- The append-only log. seq is assigned by the single writer as max+1 inside the transaction that
-- applies the change, so it is gapless and commit order is log order.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    id          BLOB NOT NULL UNIQUE,
    at          INTEGER NOT NULL,
    tenant_id   BLOB,
    actor_id    BLOB,
    actor_role  TEXT,
    event_type  TEXT NOT NULL,
    payload     TEXT NOT NULL
) STRICT;
CREATE INDEX events_tenant ON events (tenant_id, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE server_secrets (
    name    TEXT PRIMARY KEY,
    value   BLOB NOT NULL
) STRICT;
