//! Contracts, written whole and versioned: each change holds only on the version read.

use crate::sealing::one_json;
use crate::{ApplyError, Db, args, to_json};
use lelang_core::contract::Contract;
use lelang_core::ids::PackageId;
use lelang_core::store::Conflict;

/// A tender's contract.
pub async fn contract<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Contract>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM contracts WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// The contract, new (`expected` none) or the next version of the one read at `expected`.
pub async fn put_contract<D: Db>(db: &mut D, c: &Contract, expected: Option<u32>) -> Result<(), ApplyError> {
    match expected {
        None => {
            db.execute(
                "INSERT INTO contracts (package_id, tenant_id, version, data) VALUES ($1, $2, $3, $4)",
                args![c.package_id.0, c.tenant_id.0, i64::from(c.version), to_json(c)?],
            )
            .await?;
        }
        Some(v) => {
            let n = db
                .execute(
                    "UPDATE contracts SET version = $1, data = $2 WHERE package_id = $3 AND version = $4",
                    args![i64::from(c.version), to_json(c)?, c.package_id.0, i64::from(v)],
                )
                .await?;
            if n != 1 {
                return Err(ApplyError::Refused(Conflict::EvaluationChanged));
            }
        }
    }
    Ok(())
}
