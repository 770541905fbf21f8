//! Sealing and submission: members' keys, key ceremonies, sealed bids, the closing and the
//! opening. Ceremonies and openings are versioned: a change holds only on the version it read.

use crate::{ApplyError, Db, Row, args, from_json, to_json};
use lelang_core::ids::{PackageId, UserId, VendorId};
use lelang_core::sealing::{Bid, Ceremony, MemberKey, Opening};
use lelang_core::store::Conflict;
use lelang_core::submission::Closing;
use time::OffsetDateTime;

pub(crate) async fn one_json<D: Db, T: serde::de::DeserializeOwned>(
    db: &mut D,
    sql: &'static str,
    args: Vec<crate::Value>,
) -> Result<Option<T>, sqlx::Error> {
    match db.fetch_optional(sql, args).await? {
        Some(r) => Ok(Some(from_json(&r.text("data")?)?)),
        None => Ok(None),
    }
}

pub(crate) async fn all_json<D: Db, T: serde::de::DeserializeOwned>(
    db: &mut D,
    sql: &'static str,
    args: Vec<crate::Value>,
) -> Result<Vec<T>, sqlx::Error> {
    db.fetch_all(sql, args)
        .await?
        .iter()
        .map(|r| from_json(&r.text("data")?))
        .collect()
}

/// A member's sealing key.
pub async fn member_key<D: Db>(db: &mut D, user: UserId) -> Result<Option<MemberKey>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM member_keys WHERE user_id = $1",
        args![user.0],
    )
    .await
}

/// A tender's latest ceremony.
pub async fn ceremony<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Ceremony>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM ceremonies WHERE package_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1",
        args![package.0],
    )
    .await
}

/// A tender's bids in log order.
pub async fn bids<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Bid>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM bids WHERE package_id = $1 ORDER BY log_index",
        args![package.0],
    )
    .await
}

/// One company's bids for a tender, in log order.
pub async fn vendor_bids<D: Db>(
    db: &mut D,
    package: PackageId,
    vendor: VendorId,
) -> Result<Vec<Bid>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM bids WHERE package_id = $1 AND vendor_id = $2 ORDER BY log_index",
        args![package.0, vendor.0],
    )
    .await
}

/// A tender's closing entry.
pub async fn closing<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Closing>, sqlx::Error> {
    let Some(r) = db
        .fetch_optional("SELECT * FROM closings WHERE package_id = $1", args![package.0])
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Closing {
        package_id: package,
        log_index: u64::try_from(r.int("log_index")?).unwrap_or_default(),
        at: r.time("at")?,
    }))
}

/// Announced tenders past their deadline without a closing entry, earliest first.
pub async fn unclosed_tenders<D: Db>(db: &mut D, now: OffsetDateTime) -> Result<Vec<PackageId>, sqlx::Error> {
    db.fetch_all(
        "SELECT t.package_id FROM public_tenders t LEFT JOIN closings c ON c.package_id = t.package_id \
         WHERE c.package_id IS NULL AND t.submission_deadline <= $1 ORDER BY t.submission_deadline",
        args![now],
    )
    .await?
    .iter()
    .map(|r| r.uuid("package_id").map(PackageId))
    .collect()
}

/// A tender's opening.
pub async fn opening<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Opening>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM openings WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// Enrols (or replaces) a member's key.
pub async fn upsert_member_key<D: Db>(db: &mut D, k: &MemberKey) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO member_keys (user_id, data) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        args![k.user_id.0, to_json(k)?],
    )
    .await?;
    Ok(())
}

/// A new ceremony (`expected` none), or the next version of the one read at `expected`.
pub async fn put_ceremony<D: Db>(db: &mut D, c: &Ceremony, expected: Option<u32>) -> Result<(), ApplyError> {
    match expected {
        None => {
            db.execute(
                "INSERT INTO ceremonies (id, package_id, started_at, version, data) VALUES ($1, $2, $3, $4, $5)",
                args![c.id.0, c.package_id.0, c.started_at, i64::from(c.version), to_json(c)?],
            )
            .await?;
        }
        Some(v) => {
            let n = db
                .execute(
                    "UPDATE ceremonies SET version = $1, data = $2 WHERE id = $3 AND version = $4",
                    args![i64::from(c.version), to_json(c)?, c.id.0, i64::from(v)],
                )
                .await?;
            if n != 1 {
                return Err(ApplyError::Refused(Conflict::CeremonyChanged));
            }
        }
    }
    Ok(())
}

/// Holds only if the tender's latest ceremony is still `latest` (id and version).
pub async fn expect_latest_ceremony<D: Db>(
    db: &mut D,
    package: PackageId,
    latest: Option<(lelang_core::ids::CeremonyId, u32)>,
) -> Result<(), ApplyError> {
    let row = db
        .fetch_optional(
            "SELECT id, version FROM ceremonies WHERE package_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1",
            args![package.0],
        )
        .await?;
    let found = row
        .map(|r| Ok::<_, sqlx::Error>((r.uuid("id")?, r.int("version")?)))
        .transpose()?;
    if found != latest.map(|(id, v)| (id.0, i64::from(v))) {
        return Err(ApplyError::Refused(Conflict::CeremonyChanged));
    }
    Ok(())
}

/// A bid's commitment; `seq` is its event's position, whose leaf is the receipt index.
pub async fn insert_bid<D: Db>(db: &mut D, b: &Bid, seq: i64) -> Result<(), ApplyError> {
    let bid = Bid {
        log_index: u64::try_from(seq - 1).ok(),
        ..b.clone()
    };
    db.execute(
        "INSERT INTO bids (id, package_id, vendor_id, submitted_at, log_index, data) VALUES ($1, $2, $3, $4, $5, $6)",
        args![b.id.0, b.package_id.0, b.vendor_id.0, b.submitted_at, seq - 1, to_json(&bid)?],
    )
    .await?;
    Ok(())
}

/// A bid's upload or withdrawal, refused once its tender's opening has started.
pub async fn update_bid<D: Db>(db: &mut D, b: &Bid) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE bids SET data = $1 WHERE id = $2 \
             AND NOT EXISTS (SELECT 1 FROM openings o WHERE o.package_id = bids.package_id)",
            args![to_json(b)?, b.id.0],
        )
        .await?;
    if n == 0 {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}

/// Holds only while the tender has no closing entry.
pub async fn expect_submission_open<D: Db>(db: &mut D, package: PackageId) -> Result<(), ApplyError> {
    let closed = db
        .fetch_optional(
            "SELECT log_index FROM closings WHERE package_id = $1",
            args![package.0],
        )
        .await?;
    if closed.is_some() {
        return Err(ApplyError::Refused(Conflict::SubmissionClosed));
    }
    Ok(())
}

/// The closing entry; `seq` is the closing's own event, whose leaf ends the closing checkpoint.
pub async fn insert_closing<D: Db>(
    db: &mut D,
    package: PackageId,
    at: OffsetDateTime,
    seq: i64,
) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO closings (package_id, log_index, at) VALUES ($1, $2, $3)",
        args![package.0, seq - 1, at],
    )
    .await?;
    Ok(())
}

/// A new opening (`expected` none), or the next version of the one read at `expected`.
pub async fn put_opening<D: Db>(db: &mut D, o: &Opening, expected: Option<u32>) -> Result<(), ApplyError> {
    match expected {
        None => {
            db.execute(
                "INSERT INTO openings (package_id, version, data) VALUES ($1, $2, $3)",
                args![o.package_id.0, i64::from(o.version), to_json(o)?],
            )
            .await?;
        }
        Some(v) => {
            let n = db
                .execute(
                    "UPDATE openings SET version = $1, data = $2 WHERE package_id = $3 AND version = $4",
                    args![i64::from(o.version), to_json(o)?, o.package_id.0, i64::from(v)],
                )
                .await?;
            if n != 1 {
                return Err(ApplyError::Refused(Conflict::OpeningChanged));
            }
        }
    }
    Ok(())
}
