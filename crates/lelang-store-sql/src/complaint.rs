//! Complaints, written whole and versioned: a number unique in its regency, a follow-up code's
//! hash unique everywhere, and `pending` set while the first answer is neither given nor logged
//! overdue (what the timer scans).

use crate::sealing::{all_json, one_json};
use crate::{ApplyError, Db, args, to_json};
use lelang_core::complaint::Complaint;
use lelang_core::ids::{ComplaintId, TenantId};
use lelang_core::store::Conflict;

/// Whether the timer has something to watch: a first answer not given nor logged overdue, or an
/// agreed action of a settled complaint neither done nor logged overdue.
fn pending(c: &Complaint) -> i64 {
    let answer = c.first_answer_at.is_none() && !c.overdue && c.status.is_open();
    let action = c.status == lelang_core::complaint::Status::Settled
        && lelang_core::complaint::mediation::actions(c)
            .iter()
            .any(|a| a.done_at.is_none() && !a.overdue);
    i64::from(answer || action)
}

/// A complaint by id.
pub async fn complaint<D: Db>(db: &mut D, id: ComplaintId) -> Result<Option<Complaint>, sqlx::Error> {
    one_json(db, "SELECT data FROM complaints WHERE id = $1", args![id.0]).await
}

/// The complaint whose follow-up code hashes to `code_hash`.
pub async fn by_code<D: Db>(db: &mut D, code_hash: &str) -> Result<Option<Complaint>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM complaints WHERE code_hash = $1",
        args![code_hash.to_owned()],
    )
    .await
}

/// A regency's complaints, in the order they were filed.
pub async fn complaints<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Complaint>, sqlx::Error> {
    let mut all: Vec<Complaint> = all_json(
        db,
        "SELECT data FROM complaints WHERE tenant_id = $1",
        args![tenant.0],
    )
    .await?;
    all.sort_by(|a, b| (a.filed_at, &a.number).cmp(&(b.filed_at, &b.number)));
    Ok(all)
}

/// Complaints still waiting for their first answer, the overdue not yet logged.
pub async fn pending_complaints<D: Db>(db: &mut D) -> Result<Vec<Complaint>, sqlx::Error> {
    all_json(db, "SELECT data FROM complaints WHERE pending = 1", args![]).await
}

/// A new complaint; a number or code taken is a duplicate.
pub async fn insert<D: Db>(db: &mut D, c: &Complaint) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO complaints (id, tenant_id, number, code_hash, pending, version, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            c.id.0,
            c.tenant_id.0,
            c.number.clone(),
            c.code_hash.clone(),
            pending(c),
            i64::from(c.version),
            to_json(c)?
        ],
    )
    .await?;
    Ok(())
}

/// A complaint written whole over the version the command read.
pub async fn put<D: Db>(db: &mut D, c: &Complaint, read_version: u32) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE complaints SET pending = $1, version = $2, data = $3 WHERE id = $4 AND version = $5",
            args![
                pending(c),
                i64::from(c.version),
                to_json(c)?,
                c.id.0,
                i64::from(read_version)
            ],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::Changed));
    }
    Ok(())
}
