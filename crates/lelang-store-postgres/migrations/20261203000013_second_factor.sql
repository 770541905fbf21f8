-- A second factor for officials: each user's TOTP secret and recovery codes (security
-- bookkeeping, like passwords: never on the public record), and each regency's policy.
ALTER TABLE tenants ADD COLUMN second_factor_required BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE second_factors (
    user_id     UUID PRIMARY KEY REFERENCES users(id),
    -- NULL once reset; the row stays so that the epoch keeps counting.
    secret      BYTEA,
    enrolled_at TIMESTAMPTZ,
    last_step   BIGINT,
    epoch       BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    user_id     UUID NOT NULL REFERENCES users(id),
    code_hash   BYTEA NOT NULL,
    used_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
