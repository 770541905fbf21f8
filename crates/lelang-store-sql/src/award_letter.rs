//! Letters of award, written whole and versioned: a response or a new letter holds only on the
//! version read, and only on the evaluation version read.

use crate::sealing::one_json;
use crate::versioned::{Table, put};
use crate::{ApplyError, Db, Row as _, args, to_json};
use lelang_core::award_letter::Letters;
use lelang_core::ids::PackageId;
use lelang_core::store::Conflict;

/// A tender's letters of award.
pub async fn letters<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Letters>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM award_letters WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// Refuses the change unless the evaluation is still at `version`.
pub async fn expect_evaluation<D: Db>(
    db: &mut D,
    package: PackageId,
    version: u32,
) -> Result<(), ApplyError> {
    let now = db
        .fetch_optional(
            "SELECT version FROM evaluations WHERE package_id = $1",
            args![package.0],
        )
        .await?
        .map(|r| r.int("version"))
        .transpose()?;
    if now != Some(i64::from(version)) {
        return Err(ApplyError::Refused(Conflict::EvaluationChanged));
    }
    Ok(())
}

/// The letters, new (`expected` none) or the next version of those read at `expected`.
pub async fn put_letters<D: Db>(db: &mut D, l: &Letters, expected: Option<u32>) -> Result<(), ApplyError> {
    let keys = vec![
        ("package_id", l.package_id.0.into()),
        ("tenant_id", l.tenant_id.0.into()),
    ];
    put(
        db,
        Table::AwardLetters,
        keys,
        l.package_id,
        l.version,
        to_json(l)?,
        expected,
    )
    .await
}
