//! Hand-overs and packages' conversations: each hand-over kept whole as JSON and changed only over
//! the version read; messages appended, read in the order written.

use crate::sealing::{all_json, one_json};
use crate::{ApplyError, Db, args, to_json};
use lelang_core::handover::{Handover, Message};
use lelang_core::ids::{PackageId, TenantId, UserId};
use lelang_core::store::Conflict;

/// A package's hand-over.
pub async fn handover<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Handover>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM handovers WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// A regency's hand-overs.
pub async fn handovers<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Handover>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM handovers WHERE tenant_id = $1",
        args![tenant.0],
    )
    .await
}

/// A hand-over written whole: new when `read_version` is None (a second one is a conflict), else
/// over the version read.
pub async fn save_handover<D: Db>(
    db: &mut D,
    h: &Handover,
    read_version: Option<u32>,
) -> Result<(), ApplyError> {
    let n = match read_version {
        None => {
            db.execute(
                "INSERT INTO handovers (package_id, tenant_id, version, data) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (package_id) DO NOTHING",
                args![h.package_id.0, h.tenant_id.0, i64::from(h.version), to_json(h)?],
            )
            .await?
        }
        Some(read) => {
            db.execute(
                "UPDATE handovers SET version = $1, data = $2 WHERE package_id = $3 AND version = $4",
                args![i64::from(h.version), to_json(h)?, h.package_id.0, i64::from(read)],
            )
            .await?
        }
    };
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::Changed));
    }
    Ok(())
}

/// A package's conversation, oldest first.
pub async fn messages<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Message>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM package_messages WHERE package_id = $1 ORDER BY seq",
        args![package.0],
    )
    .await
}

/// A regency's messages that mention someone or that `user` wrote, oldest first (for the inbox).
pub async fn mentioning<D: Db>(
    db: &mut D,
    tenant: TenantId,
    user: UserId,
) -> Result<Vec<Message>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM package_messages WHERE tenant_id = $1 AND (mentions > 0 OR author = $2) ORDER BY seq",
        args![tenant.0, user.0],
    )
    .await
}

/// A new message.
pub async fn insert_message<D: Db>(db: &mut D, m: &Message) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO package_messages (id, package_id, tenant_id, author, mentions, data) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            m.id.0,
            m.package_id.0,
            m.tenant_id.0,
            m.author.0,
            m.mentions.len() as i64,
            to_json(m)?
        ],
    )
    .await?;
    Ok(())
}
