//! Evaluations, versioned like openings: a member's finding holds only on the version it read,
//! so two members recording at once cannot lose one another's work.

use crate::sealing::{all_json, one_json};
use crate::{ApplyError, Db, args, to_json};
use lelang_core::evaluation::{Evaluation, Status, rank::AwardRecord};
use lelang_core::ids::{PackageId, TenantId};
use lelang_core::store::Conflict;

/// A tender's evaluation.
pub async fn evaluation<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Evaluation>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM evaluations WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// A regency's concluded tenders' records (announced or failed), newest first.
pub async fn concluded<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<AwardRecord>, sqlx::Error> {
    let mut es: Vec<Evaluation> = all_json(
        db,
        "SELECT data FROM evaluations WHERE tenant_id = $1 AND concluded = 1",
        args![tenant.0],
    )
    .await?;
    let at = |e: &Evaluation| match &e.status {
        Status::Awarded { at, .. } | Status::Failed { at, .. } => Some(*at),
        _ => None,
    };
    es.sort_by_key(|e| std::cmp::Reverse(at(e)));
    Ok(es
        .into_iter()
        .filter_map(|e| match e.status {
            Status::Awarded { record, .. } | Status::Failed { record, .. } => Some(*record),
            _ => None,
        })
        .collect())
}

/// A new evaluation (`expected` none), or the next version of the one read at `expected`.
pub async fn put_evaluation<D: Db>(
    db: &mut D,
    e: &Evaluation,
    expected: Option<u32>,
) -> Result<(), ApplyError> {
    let concluded = i64::from(matches!(e.status, Status::Awarded { .. } | Status::Failed { .. }));
    match expected {
        None => {
            db.execute(
                "INSERT INTO evaluations (package_id, tenant_id, version, concluded, data) VALUES ($1, $2, $3, $4, $5)",
                args![e.package_id.0, e.tenant_id.0, i64::from(e.version), concluded, to_json(e)?],
            )
            .await?;
        }
        Some(v) => {
            let n = db
                .execute(
                    "UPDATE evaluations SET version = $1, concluded = $2, data = $3 WHERE package_id = $4 AND version = $5",
                    args![i64::from(e.version), concluded, to_json(e)?, e.package_id.0, i64::from(v)],
                )
                .await?;
            if n != 1 {
                return Err(ApplyError::Refused(Conflict::EvaluationChanged));
            }
        }
    }
    Ok(())
}
