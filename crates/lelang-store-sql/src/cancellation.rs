//! Cancelled tenders: the record, the mark on the public list, and the check every change of a
//! running tender makes that it is not cancelled.

use crate::sealing::{all_json, one_json};
use crate::{ApplyError, Db, Row as _, args, to_json};
use lelang_core::cancellation::Cancellation;
use lelang_core::ids::{PackageId, TenantId};
use lelang_core::store::Conflict;

/// A tender's cancellation.
pub async fn cancellation<D: Db>(
    db: &mut D,
    package: PackageId,
) -> Result<Option<Cancellation>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM cancellations WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// A regency's cancellations, newest first.
pub async fn cancellations<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Cancellation>, sqlx::Error> {
    let mut all: Vec<Cancellation> = all_json(
        db,
        "SELECT data FROM cancellations WHERE tenant_id = $1",
        args![tenant.0],
    )
    .await?;
    all.sort_by_key(|c| std::cmp::Reverse(c.at));
    Ok(all)
}

/// Refuses the change if the tender is cancelled.
pub async fn expect_not_cancelled<D: Db>(db: &mut D, package: PackageId) -> Result<(), ApplyError> {
    let row = db
        .fetch_optional(
            "SELECT package_id FROM cancellations WHERE package_id = $1",
            args![package.0],
        )
        .await?;
    if row.is_some() {
        return Err(ApplyError::Refused(Conflict::TenderCancelled));
    }
    Ok(())
}

/// Cancels a tender read with its evaluation at `evaluation_version` (none: no evaluation then):
/// refused if it is already cancelled or its evaluation moved on meanwhile (an award announced
/// between the read and this write must not be cancelled unseen).
pub async fn insert_cancellation<D: Db>(
    db: &mut D,
    c: &Cancellation,
    evaluation_version: Option<u32>,
) -> Result<(), ApplyError> {
    expect_not_cancelled(db, c.package_id).await?;
    let now = db
        .fetch_optional(
            "SELECT version FROM evaluations WHERE package_id = $1",
            args![c.package_id.0],
        )
        .await?
        .map(|r| r.int("version"))
        .transpose()?;
    if now != evaluation_version.map(i64::from) {
        return Err(ApplyError::Refused(Conflict::EvaluationChanged));
    }
    db.execute(
        "INSERT INTO cancellations (package_id, tenant_id, data) VALUES ($1, $2, $3)",
        args![c.package_id.0, c.tenant_id.0, to_json(c)?],
    )
    .await?;
    db.execute(
        "UPDATE public_tenders SET cancelled_at = $1 WHERE package_id = $2",
        args![c.at, c.package_id.0],
    )
    .await?;
    Ok(())
}
