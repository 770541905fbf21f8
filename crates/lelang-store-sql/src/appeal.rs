//! Appeals: filed once per rejected objection, answered once.

use crate::sealing::all_json;
use crate::{ApplyError, Db, args, to_json};
use lelang_core::appeal::Appeal;
use lelang_core::ids::PackageId;
use lelang_core::store::Conflict;

/// A tender's appeals, in the order they were filed.
pub async fn appeals<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Appeal>, sqlx::Error> {
    let mut all: Vec<Appeal> = all_json(
        db,
        "SELECT data FROM appeals WHERE package_id = $1",
        args![package.0],
    )
    .await?;
    all.sort_by_key(|a| a.filed_at);
    Ok(all)
}

/// A new appeal.
pub async fn insert_appeal<D: Db>(db: &mut D, a: &Appeal) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO appeals (id, package_id, tenant_id, answered, data) VALUES ($1, $2, $3, 0, $4)",
        args![a.id.0, a.package_id.0, a.tenant_id.0, to_json(a)?],
    )
    .await?;
    Ok(())
}

/// An appeal answered; refused if it already was.
pub async fn answer_appeal<D: Db>(db: &mut D, a: &Appeal) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE appeals SET answered = 1, data = $1 WHERE id = $2 AND answered = 0",
            args![to_json(a)?, a.id.0],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::AlreadyAnswered));
    }
    Ok(())
}
