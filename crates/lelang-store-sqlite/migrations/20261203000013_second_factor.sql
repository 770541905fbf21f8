-- A second factor for officials: each user's TOTP secret and recovery codes (security
-- bookkeeping, like passwords: never on the public record), and each regency's policy.
ALTER TABLE tenants ADD COLUMN second_factor_required INTEGER NOT NULL DEFAULT 1;

CREATE TABLE second_factors (
    user_id     BLOB PRIMARY KEY REFERENCES users(id),
    -- NULL once reset; the row stays so that the epoch keeps counting.
    secret      BLOB,
    enrolled_at INTEGER,
    last_step   INTEGER,
    epoch       INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE recovery_codes (
    user_id     BLOB NOT NULL REFERENCES users(id),
    code_hash   BLOB NOT NULL,
    used_at     INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;
