//! Objections to an award: filed once per bidder, answered once.

use crate::sealing::all_json;
use crate::{ApplyError, Db, args, to_json};
use lelang_core::ids::PackageId;
use lelang_core::objection::Objection;
use lelang_core::store::Conflict;

/// A tender's objections, in the order they were filed.
pub async fn objections<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Objection>, sqlx::Error> {
    let mut all: Vec<Objection> = all_json(
        db,
        "SELECT data FROM objections WHERE package_id = $1",
        args![package.0],
    )
    .await?;
    all.sort_by_key(|o| o.filed_at);
    Ok(all)
}

/// A new objection.
pub async fn insert_objection<D: Db>(db: &mut D, o: &Objection) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO objections (id, package_id, tenant_id, vendor_id, answered, data) VALUES ($1, $2, $3, $4, 0, $5)",
        args![o.id.0, o.package_id.0, o.tenant_id.0, o.vendor_id.0, to_json(o)?],
    )
    .await?;
    Ok(())
}

/// An objection answered; refused if it already was.
pub async fn answer_objection<D: Db>(db: &mut D, o: &Objection) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE objections SET answered = 1, data = $1 WHERE id = $2 AND answered = 0",
            args![to_json(o)?, o.id.0],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::AlreadyAnswered));
    }
    Ok(())
}

/// Evidence added: the objection written whole, only over the text read and while unanswered.
pub async fn add_evidence<D: Db>(db: &mut D, o: &Objection, read: &Objection) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE objections SET data = $1 WHERE id = $2 AND answered = 0 AND data = $3",
            args![to_json(o)?, o.id.0, to_json(read)?],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::Changed));
    }
    Ok(())
}
