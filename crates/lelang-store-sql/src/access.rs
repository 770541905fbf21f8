//! Signing in and staying signed in: sessions, API tokens, sign-in attempts, second factors and
//! the server's own secrets.

use crate::{ApplyError, Db, Row, args};
use lelang_core::ids::{ApiTokenId, SessionId, TenantId, UserId, WorkUnitId};
use lelang_core::model::{ApiToken, RoleGrant, Session, User};
use lelang_core::role::Role;
use lelang_core::second_factor::{Enrolment, Secret};
use lelang_core::store::FailedLogins;
use std::str::FromStr as _;
use time::OffsetDateTime;

fn role(code: &str) -> Result<Role, sqlx::Error> {
    Role::from_str(code).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn session_row(r: &impl Row) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: SessionId(r.uuid("id")?),
        secret_hash: r.bytes("secret_hash")?,
        user_id: UserId(r.uuid("user_id")?),
        role: role(&r.text("role")?)?,
        tenant_id: r.opt_uuid("tenant_id")?.map(TenantId),
        created_at: r.time("created_at")?,
        last_seen_at: r.time("last_seen_at")?,
    })
}

/// A token's columns, each named with `prefix` (a join names them apart).
fn token_columns(r: &impl Row, prefix: &str) -> Result<ApiToken, sqlx::Error> {
    let c = |n: &str| format!("{prefix}{n}");
    Ok(ApiToken {
        id: ApiTokenId(r.uuid(&c("id"))?),
        user_id: UserId(r.uuid(&c("user_id"))?),
        name: r.text(&c("name"))?,
        role: role(&r.text(&c("role"))?)?,
        tenant_id: r.opt_uuid(&c("tenant_id"))?.map(TenantId),
        secret_hash: r.bytes(&c("secret_hash"))?,
        created_at: r.time(&c("created_at"))?,
        expires_at: r.opt_time(&c("expires_at"))?,
        revoked_at: r.opt_time(&c("revoked_at"))?,
        last_used_at: r.opt_time(&c("last_used_at"))?,
    })
}

/// A new session.
pub async fn create_session<D: Db>(db: &mut D, s: &Session) -> Result<(), sqlx::Error> {
    db.execute(
        "INSERT INTO sessions (id, secret_hash, user_id, role, tenant_id, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            s.id.0,
            s.secret_hash.clone(),
            s.user_id.0,
            s.role.code(),
            s.tenant_id.map(|t| t.0),
            s.created_at,
            s.last_seen_at,
        ],
    )
    .await?;
    Ok(())
}

/// The session whose secret hashes to this.
pub async fn session_by_secret<D: Db>(
    db: &mut D,
    secret_hash: &[u8],
) -> Result<Option<Session>, sqlx::Error> {
    db.fetch_optional(
        "SELECT * FROM sessions WHERE secret_hash = $1",
        args![secret_hash.to_vec()],
    )
    .await?
    .as_ref()
    .map(session_row)
    .transpose()
}

/// A session seen now.
pub async fn touch_session<D: Db>(db: &mut D, id: SessionId, at: OffsetDateTime) -> Result<(), sqlx::Error> {
    db.execute(
        "UPDATE sessions SET last_seen_at = $1 WHERE id = $2",
        args![at, id.0],
    )
    .await?;
    Ok(())
}

/// A session ended.
pub async fn delete_session<D: Db>(db: &mut D, id: SessionId) -> Result<(), sqlx::Error> {
    db.execute("DELETE FROM sessions WHERE id = $1", args![id.0])
        .await?;
    Ok(())
}

/// Sessions idle or too old, removed; how many.
pub async fn purge_sessions<D: Db>(
    db: &mut D,
    idle_before: OffsetDateTime,
    created_before: OffsetDateTime,
) -> Result<u64, sqlx::Error> {
    db.execute(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
        args![idle_before, created_before],
    )
    .await
}

/// How many sessions a user has.
pub async fn session_count<D: Db>(db: &mut D, user: UserId) -> Result<u64, sqlx::Error> {
    let r = db
        .fetch_optional(
            "SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1",
            args![user.0],
        )
        .await?;
    Ok(r.map(|r| r.int("n"))
        .transpose()?
        .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// The token whose secret hashes to this, with its user and the user's grants, in one read.
pub async fn token_with_user<D: Db>(
    db: &mut D,
    secret_hash: &[u8],
) -> Result<Option<(ApiToken, User, Vec<RoleGrant>)>, sqlx::Error> {
    let rows = db
        .fetch_all(
            "SELECT t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, t.role AS t_role, \
             t.tenant_id AS t_tenant_id, t.secret_hash AS t_secret_hash, t.created_at AS t_created_at, \
             t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, t.last_used_at AS t_last_used_at, \
             u.id, u.username, u.display_name, u.email, u.tenant_id, u.vendor_id, u.active, u.created_at, \
             g.role AS g_role, g.tenant_id AS g_tenant_id, g.work_unit_id AS g_work_unit_id \
             FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN role_grants g ON g.user_id = u.id \
             WHERE t.secret_hash = $1 ORDER BY g.role",
            args![secret_hash.to_vec()],
        )
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let token = token_columns(first, "t_")?;
    let user = crate::directory::user_row(first)?;
    let mut grants = Vec::new();
    for r in &rows {
        let Some(code) = r.opt_text("g_role")? else {
            continue;
        };
        grants.push(RoleGrant {
            user_id: user.id,
            role: role(&code)?,
            tenant_id: r.opt_uuid("g_tenant_id")?.map(TenantId),
            work_unit_id: r.opt_uuid("g_work_unit_id")?.map(WorkUnitId),
        });
    }
    Ok(Some((token, user, grants)))
}

/// A user's tokens, newest first.
pub async fn api_tokens<D: Db>(db: &mut D, user: UserId) -> Result<Vec<ApiToken>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        args![user.0],
    )
    .await?
    .iter()
    .map(|r| token_columns(r, ""))
    .collect()
}

/// A token.
pub async fn api_token<D: Db>(db: &mut D, id: ApiTokenId) -> Result<Option<ApiToken>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM api_tokens WHERE id = $1", args![id.0])
        .await?
        .as_ref()
        .map(|r| token_columns(r, ""))
        .transpose()
}

/// A token used now.
pub async fn touch_api_token<D: Db>(
    db: &mut D,
    id: ApiTokenId,
    at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    db.execute(
        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
        args![at, id.0],
    )
    .await?;
    Ok(())
}

/// A sign-in attempt.
pub async fn record_login_attempt<D: Db>(
    db: &mut D,
    account: &str,
    address: &str,
    success: bool,
    at: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    db.execute(
        "INSERT INTO login_attempts (account, address, success, at) VALUES ($1, $2, $3, $4)",
        args![account, address, success, at],
    )
    .await?;
    Ok(())
}

/// Failed attempts since `since`, by account and by address.
pub async fn failed_logins<D: Db>(
    db: &mut D,
    account: &str,
    address: &str,
    since: OffsetDateTime,
) -> Result<FailedLogins, sqlx::Error> {
    let r = db
        .fetch_optional(
            "SELECT \
               (SELECT COUNT(*) FROM login_attempts WHERE account = $1 AND success = $3 AND at >= $4) AS by_account, \
               (SELECT COUNT(*) FROM login_attempts WHERE address = $2 AND success = $3 AND at >= $4) AS by_address",
            args![account, address, false, since],
        )
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let count = |c: &str| r.int(c).map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    Ok(FailedLogins {
        by_account: count("by_account")?,
        by_address: count("by_address")?,
    })
}

/// An account's failed attempts forgotten (after it signed in).
pub async fn clear_failed_logins<D: Db>(db: &mut D, account: &str) -> Result<(), sqlx::Error> {
    db.execute(
        "DELETE FROM login_attempts WHERE account = $1 AND success = $2",
        args![account, false],
    )
    .await?;
    Ok(())
}

/// The server's secret of this name: the first candidate ever offered wins.
pub async fn server_secret<D: Db>(db: &mut D, name: &str, candidate: &[u8]) -> Result<Vec<u8>, sqlx::Error> {
    db.execute(
        "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        args![name, candidate.to_vec()],
    )
    .await?;
    db.fetch_optional("SELECT value FROM server_secrets WHERE name = $1", args![name])
        .await?
        .ok_or(sqlx::Error::RowNotFound)?
        .bytes("value")
}

/// A user's second factor, if enrolled.
pub async fn second_factor<D: Db>(db: &mut D, user: UserId) -> Result<Option<Enrolment>, sqlx::Error> {
    let Some(r) = db
        .fetch_optional(
            "SELECT secret, last_step, epoch, \
             (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = s.user_id AND r.used_at IS NULL) AS left_codes \
             FROM second_factors s WHERE user_id = $1 AND secret IS NOT NULL",
            args![user.0],
        )
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Enrolment {
        secret: Secret(
            r.bytes("secret")?
                .try_into()
                .map_err(|_| sqlx::Error::Decode("a second-factor secret is not 20 bytes".into()))?,
        ),
        last_step: r.opt_int("last_step")?,
        recovery_left: u32::try_from(r.int("left_codes")?).unwrap_or(0),
        epoch: r.int("epoch")?,
    }))
}

/// Takes a time step for a user's code, once: false if it (or a later one) was used.
pub async fn use_second_factor_step<D: Db>(db: &mut D, user: UserId, step: i64) -> Result<bool, sqlx::Error> {
    Ok(db
        .execute(
            "UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND secret IS NOT NULL \
             AND (last_step IS NULL OR last_step < $1)",
            args![step, user.0],
        )
        .await?
        == 1)
}

/// A user's (new) second factor: its secret and recovery codes replace any earlier ones, and the
/// epoch moves so that devices trusted before no longer are.
pub async fn set_second_factor<D: Db>(
    db: &mut D,
    user: UserId,
    secret: &Secret,
    recovery_hashes: &[Vec<u8>],
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO second_factors (user_id, secret, enrolled_at, last_step, epoch) VALUES ($1, $2, $3, NULL, 1) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enrolled_at = excluded.enrolled_at, \
         last_step = NULL, epoch = second_factors.epoch + 1",
        args![user.0, secret.0.to_vec(), at],
    )
    .await?;
    db.execute("DELETE FROM recovery_codes WHERE user_id = $1", args![user.0])
        .await?;
    for h in recovery_hashes {
        db.execute(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
            args![user.0, h.clone()],
        )
        .await?;
    }
    Ok(())
}

/// A recovery code used, once.
pub async fn spend_recovery_code<D: Db>(
    db: &mut D,
    user: UserId,
    code_hash: &[u8],
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            args![at, user.0, code_hash.to_vec()],
        )
        .await?;
    if n != 1 {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}

/// A user's second factor removed (an administrator's reset).
pub async fn clear_second_factor<D: Db>(db: &mut D, user: UserId) -> Result<(), ApplyError> {
    db.execute(
        "UPDATE second_factors SET secret = NULL, last_step = NULL, epoch = epoch + 1 WHERE user_id = $1",
        args![user.0],
    )
    .await?;
    db.execute("DELETE FROM recovery_codes WHERE user_id = $1", args![user.0])
        .await?;
    Ok(())
}

/// Every session of a user ended.
pub async fn delete_sessions<D: Db>(db: &mut D, user: UserId) -> Result<(), ApplyError> {
    db.execute("DELETE FROM sessions WHERE user_id = $1", args![user.0])
        .await?;
    Ok(())
}

/// Every token of a user revoked.
pub async fn revoke_all_api_tokens<D: Db>(
    db: &mut D,
    user: UserId,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    db.execute(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        args![at, user.0],
    )
    .await?;
    Ok(())
}

/// A new token.
pub async fn insert_api_token<D: Db>(db: &mut D, t: &ApiToken) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO api_tokens (id, user_id, name, role, tenant_id, secret_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            t.id.0,
            t.user_id.0,
            t.name.as_str(),
            t.role.code(),
            t.tenant_id.map(|x| x.0),
            t.secret_hash.clone(),
            t.created_at,
            t.expires_at,
        ],
    )
    .await?;
    Ok(())
}

/// A token revoked, once.
pub async fn revoke_api_token<D: Db>(
    db: &mut D,
    id: ApiTokenId,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            args![at, id.0],
        )
        .await?;
    if n != 1 {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}
