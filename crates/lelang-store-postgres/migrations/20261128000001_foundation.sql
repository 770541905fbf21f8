-- lelang on PostgreSQL: the foundation.

CREATE TABLE tenants (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL CHECK (time_zone IN ('WIB', 'WITA', 'WIT')),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE work_units (
    id          UUID PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES tenants(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, code)
);

CREATE TABLE vendors (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL,
    nib             TEXT NOT NULL UNIQUE,
    home_tenant_id  UUID REFERENCES tenants(id),
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    tenant_id       UUID REFERENCES tenants(id),
    vendor_id       UUID REFERENCES vendors(id),
    password_hash   TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id);

CREATE TABLE role_grants (
    user_id         UUID NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    tenant_id       UUID REFERENCES tenants(id),
    work_unit_id    UUID REFERENCES work_units(id),
    UNIQUE NULLS NOT DISTINCT (user_id, role, tenant_id, work_unit_id)
);

CREATE TABLE sessions (
    id              UUID PRIMARY KEY,
    secret_hash     BYTEA NOT NULL UNIQUE,
    user_id         UUID NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    tenant_id       UUID,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id              UUID PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users(id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    tenant_id       UUID,
    secret_hash     BYTEA NOT NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_attempts (
    id          BIGSERIAL PRIMARY KEY,
    account     TEXT NOT NULL,
    address     TEXT NOT NULL,
    success     BOOLEAN NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

-- The append-only log. seq is assigned as max+1 while holding a transaction-scoped advisory lock,
-- so positions are gapless and commit order is log order even with many app servers.
CREATE TABLE events (
    seq         BIGINT PRIMARY KEY,
    id          UUID NOT NULL UNIQUE,
    at          TIMESTAMPTZ NOT NULL,
    tenant_id   UUID,
    actor_id    UUID,
    actor_role  TEXT,
    event_type  TEXT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX events_tenant ON events (tenant_id, seq);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

CREATE TABLE server_secrets (
    name    TEXT PRIMARY KEY,
    value   BYTEA NOT NULL
);
