//! The ends of the periods after an award: one row per award (the evaluation's version) and
//! period, so that the timer of any server records each once.

use crate::{ApplyError, Db, Row as _, args};
use lelang_core::ids::PackageId;
use lelang_core::period::Period;

/// Records a period's end; a second one for the same award and period is a duplicate.
pub async fn insert<D: Db>(
    db: &mut D,
    package: PackageId,
    version: u32,
    period: Period,
    last: bool,
) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO period_ends (package_id, evaluation_version, period, last) VALUES ($1, $2, $3, $4)",
        args![package.0, i64::from(version), period.code(), i64::from(last)],
    )
    .await?;
    Ok(())
}

/// The periods already ended of the award at `version`, in the order periods run.
pub async fn ends<D: Db>(db: &mut D, package: PackageId, version: u32) -> Result<Vec<Period>, sqlx::Error> {
    let rows = db
        .fetch_all(
            "SELECT period FROM period_ends WHERE package_id = $1 AND evaluation_version = $2",
            args![package.0, i64::from(version)],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let code = r.text("period")?;
        out.push(
            Period::from_code(&code).ok_or_else(|| sqlx::Error::Decode(format!("period {code}").into()))?,
        );
    }
    out.sort();
    Ok(out)
}

/// Concluded tenders whose award is not settled (no last end for the current version) and that
/// have no contract yet (a contract comes only after every period).
pub async fn unsettled<D: Db>(db: &mut D) -> Result<Vec<PackageId>, sqlx::Error> {
    let rows = db
        .fetch_all(
            "SELECT e.package_id FROM evaluations e
             WHERE e.concluded = 1
               AND NOT EXISTS (SELECT 1 FROM period_ends p
                               WHERE p.package_id = e.package_id
                                 AND p.evaluation_version = e.version AND p.last = 1)
               AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.package_id = e.package_id)
             ORDER BY e.package_id",
            args![],
        )
        .await?;
    rows.iter().map(|r| r.uuid("package_id").map(PackageId)).collect()
}
