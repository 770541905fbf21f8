//! The open data: publishing releases (many rows in one statement), reading the releases
//! published so far, and which processes changed.

use crate::{Db, Row, args, insert_rows, store_error};
use lelang_core::ids::TenantId;
use lelang_core::store::{OcdsRelease, ReleaseFilter, StoreError};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many rows one statement carries.
const CHUNK: usize = 500;

/// Appends releases and moves the publication cursor from `from` to `to`, inside the caller's
/// transaction; false (nothing written) when another server moved the cursor first.
pub async fn publish_releases<D: Db>(
    db: &mut D,
    from: i64,
    to: i64,
    releases: &[OcdsRelease],
) -> Result<bool, StoreError> {
    let moved = db
        .execute(
            "UPDATE ocds_cursor SET seq = $1 WHERE id = 1 AND seq = $2",
            args![to, from],
        )
        .await
        .map_err(store_error)?;
    if moved != 1 {
        return Ok(false);
    }
    for chunk in releases.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|r| args![r.seq, r.ocid.clone(), r.tenant_id.map(|t| t.0), r.body.clone()])
            .collect();
        insert_rows(
            db,
            "INSERT INTO ocds_releases (seq, ocid, tenant_id, body)",
            rows,
            "",
        )
        .await?;
    }
    // One row per process (a statement may not update a row twice): its newest release.
    let mut newest: BTreeMap<&str, (Option<TenantId>, i64)> = BTreeMap::new();
    for r in releases {
        let e = newest.entry(r.ocid.as_str()).or_insert((r.tenant_id, r.seq));
        e.1 = e.1.max(r.seq);
    }
    let newest: Vec<_> = newest.into_iter().collect();
    for chunk in newest.chunks(CHUNK) {
        let rows = chunk
            .iter()
            .map(|(ocid, (tenant, seq))| args![(*ocid).to_owned(), tenant.map(|t| t.0), *seq])
            .collect();
        insert_rows(
            db,
            "INSERT INTO ocds_records (ocid, tenant_id, last_seq)",
            rows,
            // The larger of the two, in words both engines read (MAX against GREATEST).
            " ON CONFLICT (ocid) DO UPDATE SET last_seq = CASE WHEN excluded.last_seq > ocds_records.last_seq \
             THEN excluded.last_seq ELSE ocds_records.last_seq END",
        )
        .await?;
    }
    Ok(true)
}

/// Every release of these processes, in log order.
pub async fn process_releases<D: Db>(db: &mut D, ocids: &[String]) -> Result<Vec<OcdsRelease>, StoreError> {
    let mut out = Vec::new();
    for chunk in ocids.chunks(CHUNK) {
        let mut sql = String::from("SELECT seq, ocid, tenant_id, body FROM ocds_releases WHERE ocid IN (");
        for i in 1..=chunk.len() {
            let _ = write!(sql, "{}${i}", if i == 1 { "" } else { ", " });
        }
        sql.push_str(") ORDER BY seq");
        let args = chunk.iter().map(|o| crate::Value::from(o.clone())).collect();
        for r in db.fetch_all_generated(sql, args).await.map_err(store_error)? {
            out.push(release_row(&r).map_err(store_error)?);
        }
    }
    out.sort_by_key(|r| r.seq);
    Ok(out)
}

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
