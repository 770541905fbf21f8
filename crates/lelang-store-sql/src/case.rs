//! MoUs with law enforcement and the cases escalated under them: each kept whole as JSON; a case
//! changed only over the version read, its number unique in its regency.

use crate::sealing::{all_json, one_json};
use crate::{ApplyError, Db, args, to_json};
use lelang_core::case::{Case, Mou};
use lelang_core::ids::{CaseId, MouId, TenantId};
use lelang_core::store::Conflict;

/// A regency's MoUs, oldest first.
pub async fn mous<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Mou>, sqlx::Error> {
    let mut all: Vec<Mou> =
        all_json(db, "SELECT data FROM mous WHERE tenant_id = $1", args![tenant.0]).await?;
    all.sort_by_key(|m| m.recorded_at);
    Ok(all)
}

/// An MoU by id.
pub async fn mou<D: Db>(db: &mut D, id: MouId) -> Result<Option<Mou>, sqlx::Error> {
    one_json(db, "SELECT data FROM mous WHERE id = $1", args![id.0]).await
}

/// A regency's cases, oldest first.
pub async fn cases<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Case>, sqlx::Error> {
    let mut all: Vec<Case> =
        all_json(db, "SELECT data FROM cases WHERE tenant_id = $1", args![tenant.0]).await?;
    all.sort_by(|a, b| (a.opens, &a.number).cmp(&(b.opens, &b.number)));
    Ok(all)
}

/// A case by id.
pub async fn case<D: Db>(db: &mut D, id: CaseId) -> Result<Option<Case>, sqlx::Error> {
    one_json(db, "SELECT data FROM cases WHERE id = $1", args![id.0]).await
}

/// A new MoU.
pub async fn insert_mou<D: Db>(db: &mut D, m: &Mou) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO mous (id, tenant_id, data) VALUES ($1, $2, $3)",
        args![m.id.0, m.tenant_id.0, to_json(m)?],
    )
    .await?;
    Ok(())
}

/// A new case; a number taken in its regency is a duplicate.
pub async fn insert_case<D: Db>(db: &mut D, c: &Case) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO cases (id, tenant_id, number, version, data) VALUES ($1, $2, $3, $4, $5)",
        args![
            c.id.0,
            c.tenant_id.0,
            c.number.clone(),
            i64::from(c.version),
            to_json(c)?
        ],
    )
    .await?;
    Ok(())
}

/// A case written whole over the version read.
pub async fn put_case<D: Db>(db: &mut D, c: &Case, read_version: u32) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE cases SET version = $1, data = $2 WHERE id = $3 AND version = $4",
            args![i64::from(c.version), to_json(c)?, c.id.0, i64::from(read_version)],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::Changed));
    }
    Ok(())
}
