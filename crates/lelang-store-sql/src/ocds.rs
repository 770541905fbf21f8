//! Reading the open data: the releases published so far and which processes changed. (Publishing
//! is each backend's own: it writes many rows in one statement.)

use crate::{Db, Row, args};
use lelang_core::ids::TenantId;
use lelang_core::store::{OcdsRelease, ReleaseFilter};

/// A row of `ocds_releases`.
pub fn release_row(r: &impl Row) -> Result<OcdsRelease, sqlx::Error> {
    Ok(OcdsRelease {
        seq: r.int("seq")?,
        ocid: r.text("ocid")?,
        tenant_id: r.opt_uuid("tenant_id")?.map(TenantId),
        body: r.text("body")?,
    })
}

/// The event position the releases are published up to.
pub async fn ocds_cursor<D: Db>(db: &mut D) -> Result<i64, sqlx::Error> {
    db.fetch_optional("SELECT seq FROM ocds_cursor WHERE id = 1", args![])
        .await?
        .ok_or(sqlx::Error::RowNotFound)?
        .int("seq")
}

/// Releases after a position, of one regency or all.
pub async fn releases<D: Db>(db: &mut D, f: &ReleaseFilter) -> Result<Vec<OcdsRelease>, sqlx::Error> {
    let limit = i64::from(if f.limit == 0 { 100 } else { f.limit });
    let rows = match f.tenant {
        None => {
            db.fetch_all(
                "SELECT seq, ocid, tenant_id, body FROM ocds_releases WHERE seq > $1 ORDER BY seq LIMIT $2",
                args![f.after, limit],
            )
            .await?
        }
        Some(t) => {
            db.fetch_all(
                "SELECT seq, ocid, tenant_id, body FROM ocds_releases WHERE seq > $1 AND tenant_id = $2 \
                 ORDER BY seq LIMIT $3",
                args![f.after, t.0, limit],
            )
            .await?
        }
    };
    rows.iter().map(release_row).collect()
}

/// Processes whose record changed after a position: each with its newest release's position.
pub async fn changed_processes<D: Db>(
    db: &mut D,
    after: i64,
    tenant: Option<TenantId>,
    limit: u32,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let limit = i64::from(if limit == 0 { 100 } else { limit });
    let rows = match tenant {
        None => {
            db.fetch_all(
                "SELECT ocid, last_seq FROM ocds_records WHERE last_seq > $1 ORDER BY last_seq LIMIT $2",
                args![after, limit],
            )
            .await?
        }
        Some(t) => {
            db.fetch_all(
                "SELECT ocid, last_seq FROM ocds_records WHERE last_seq > $1 AND tenant_id = $2 \
                 ORDER BY last_seq LIMIT $3",
                args![after, t.0, limit],
            )
            .await?
        }
    };
    rows.iter()
        .map(|r| Ok((r.text("ocid")?, r.int("last_seq")?)))
        .collect()
}
