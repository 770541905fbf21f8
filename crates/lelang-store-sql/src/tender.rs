//! Announced tenders, their documents, participants and clarification, and vendors' profiles and
//! verifications. (Search is each backend's own: full-text search differs.)

use crate::{ApplyError, Db, Row, args, from_json, to_json};
use lelang_core::clarification::Question;
use lelang_core::document::Document;
use lelang_core::ids::{PackageId, TenantId, VendorId, WorkUnitId};
use lelang_core::rules;
use lelang_core::store::Conflict;
use lelang_core::tender::{ListedTender, PublicTender};
use lelang_core::vendor::{VendorProfile, Verification};
use time::OffsetDateTime;

fn code_of<T: serde::de::DeserializeOwned>(r: &impl Row, col: &str) -> Result<T, sqlx::Error> {
    let code = r.text(col)?;
    rules::from_code(&code).ok_or_else(|| sqlx::Error::Decode(format!("unknown {col} {code}").into()))
}

/// A row of `public_tenders`.
pub fn public_tender_row(r: &impl Row) -> Result<PublicTender, sqlx::Error> {
    Ok(PublicTender {
        package_id: PackageId(r.uuid("package_id")?),
        tenant_id: TenantId(r.uuid("tenant_id")?),
        work_unit_id: WorkUnitId(r.uuid("work_unit_id")?),
        name: r.text("name")?,
        location: r.text("location")?,
        category: code_of(r, "category")?,
        method: code_of(r, "method")?,
        owner_estimate: r.int("owner_estimate")?,
        budget_ceiling: r.int("budget_ceiling")?,
        announced_at: r.time("announced_at")?,
        submission_deadline: r.time("submission_deadline")?,
        search_terms: r.text("search_terms")?,
        cancelled_at: r.opt_time("cancelled_at")?,
    })
}

/// A row of the public list: the tender with its regency's and work unit's names.
pub fn listed_tender_row(r: &impl Row) -> Result<ListedTender, sqlx::Error> {
    Ok(ListedTender {
        tender: public_tender_row(r)?,
        regency_slug: r.text("regency_slug")?,
        regency_name: r.text("regency_name")?,
        work_unit_name: r.text("work_unit_name")?,
    })
}

async fn all_json<D: Db, T: serde::de::DeserializeOwned>(
    db: &mut D,
    sql: &'static str,
    col: &str,
    args: Vec<crate::Value>,
) -> Result<Vec<T>, sqlx::Error> {
    db.fetch_all(sql, args)
        .await?
        .iter()
        .map(|r| from_json(&r.text(col)?))
        .collect()
}

/// A company's profile.
pub async fn vendor_profile<D: Db>(
    db: &mut D,
    vendor: VendorId,
) -> Result<Option<VendorProfile>, sqlx::Error> {
    db.fetch_optional(
        "SELECT profile FROM vendor_profiles WHERE vendor_id = $1",
        args![vendor.0],
    )
    .await?
    .map(|r| from_json(&r.text("profile")?))
    .transpose()
}

/// Verifications of one company, or of all.
pub async fn verifications<D: Db>(
    db: &mut D,
    vendor: Option<VendorId>,
) -> Result<Vec<Verification>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM vendor_verifications WHERE $1 IS NULL OR vendor_id = $1 ORDER BY vendor_id, tenant_id",
        "data",
        args![vendor.map(|v| v.0)],
    )
    .await
}

/// An announced tender.
pub async fn public_tender<D: Db>(
    db: &mut D,
    package: PackageId,
) -> Result<Option<PublicTender>, sqlx::Error> {
    db.fetch_optional(
        "SELECT * FROM public_tenders WHERE package_id = $1",
        args![package.0],
    )
    .await?
    .as_ref()
    .map(public_tender_row)
    .transpose()
}

/// An announced tender and whether this company registered for it.
pub async fn tender_for<D: Db>(
    db: &mut D,
    package: PackageId,
    vendor: VendorId,
) -> Result<Option<(PublicTender, bool)>, sqlx::Error> {
    db.fetch_optional(
        "SELECT t.*, EXISTS (SELECT 1 FROM participants p WHERE p.package_id = t.package_id \
         AND p.vendor_id = $1) AS registered FROM public_tenders t WHERE t.package_id = $2",
        args![vendor.0, package.0],
    )
    .await?
    .map(|r| Ok((public_tender_row(&r)?, r.boolean("registered")?)))
    .transpose()
}

/// A tender's documents, in publication order.
pub async fn documents<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Document>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM documents WHERE package_id = $1 ORDER BY published_at, id",
        "data",
        args![package.0],
    )
    .await
}

/// The companies registered for a tender, and when.
pub async fn participants<D: Db>(
    db: &mut D,
    package: PackageId,
) -> Result<Vec<(VendorId, OffsetDateTime)>, sqlx::Error> {
    db.fetch_all(
        "SELECT vendor_id, joined_at FROM participants WHERE package_id = $1 ORDER BY joined_at, vendor_id",
        args![package.0],
    )
    .await?
    .iter()
    .map(|r| Ok((VendorId(r.uuid("vendor_id")?), r.time("joined_at")?)))
    .collect()
}

/// The tenders a company registered for, latest first.
pub async fn vendor_tenders<D: Db>(db: &mut D, vendor: VendorId) -> Result<Vec<PackageId>, sqlx::Error> {
    db.fetch_all(
        "SELECT package_id FROM participants WHERE vendor_id = $1 ORDER BY joined_at DESC, package_id",
        args![vendor.0],
    )
    .await?
    .iter()
    .map(|r| r.uuid("package_id").map(PackageId))
    .collect()
}

/// A tender's questions, in the order asked.
pub async fn questions<D: Db>(db: &mut D, package: PackageId) -> Result<Vec<Question>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM questions WHERE package_id = $1 ORDER BY asked_at, id",
        "data",
        args![package.0],
    )
    .await
}

/// A company's profile, new or changed; a change clears its verifications when asked.
pub async fn upsert_vendor_profile<D: Db>(
    db: &mut D,
    vendor: VendorId,
    profile: &VendorProfile,
    clear_verifications: bool,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO vendor_profiles (vendor_id, profile, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (vendor_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
        args![vendor.0, to_json(profile)?, at],
    )
    .await?;
    if clear_verifications {
        db.execute(
            "DELETE FROM vendor_verifications WHERE vendor_id = $1",
            args![vendor.0],
        )
        .await?;
    }
    Ok(())
}

/// A regency's verification of a company, new or changed.
pub async fn upsert_verification<D: Db>(db: &mut D, v: &Verification) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO vendor_verifications (vendor_id, tenant_id, data) VALUES ($1, $2, $3) \
         ON CONFLICT (vendor_id, tenant_id) DO UPDATE SET data = excluded.data",
        args![v.vendor_id.0, v.tenant_id.0, to_json(v)?],
    )
    .await?;
    Ok(())
}

/// The announcement.
pub async fn insert_public_tender<D: Db>(db: &mut D, t: &PublicTender) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO public_tenders (package_id, tenant_id, work_unit_id, name, location, category, \
         method, owner_estimate, budget_ceiling, announced_at, submission_deadline, search_terms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        args![
            t.package_id.0,
            t.tenant_id.0,
            t.work_unit_id.0,
            t.name.as_str(),
            t.location.as_str(),
            rules::code(&t.category),
            rules::code(&t.method),
            t.owner_estimate,
            t.budget_ceiling,
            t.announced_at,
            t.submission_deadline,
            t.search_terms.as_str(),
        ],
    )
    .await?;
    Ok(())
}

/// A new submission deadline (an addendum).
pub async fn set_submission_deadline<D: Db>(
    db: &mut D,
    package: PackageId,
    deadline: OffsetDateTime,
) -> Result<(), ApplyError> {
    db.execute(
        "UPDATE public_tenders SET submission_deadline = $1 WHERE package_id = $2",
        args![deadline, package.0],
    )
    .await?;
    Ok(())
}

/// A published document (a title's next version).
pub async fn insert_document<D: Db>(db: &mut D, d: &Document) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO documents (id, package_id, tenant_id, title, version, published_at, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            d.id.0,
            d.package_id.0,
            d.tenant_id.0,
            d.title.as_str(),
            i32::try_from(d.version).unwrap_or(i32::MAX),
            d.published_at,
            to_json(d)?,
        ],
    )
    .await?;
    Ok(())
}

/// A company's registration for a tender.
pub async fn insert_participant<D: Db>(
    db: &mut D,
    package: PackageId,
    vendor: VendorId,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO participants (package_id, vendor_id, joined_at) VALUES ($1, $2, $3)",
        args![package.0, vendor.0, at],
    )
    .await?;
    Ok(())
}

/// A question.
pub async fn insert_question<D: Db>(db: &mut D, q: &Question) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO questions (id, package_id, vendor_id, asked_at, answered, data) VALUES ($1, $2, $3, $4, $5, $6)",
        args![q.id.0, q.package_id.0, q.vendor_id.0, q.asked_at, false, to_json(q)?],
    )
    .await?;
    Ok(())
}

/// Its answer, once.
pub async fn answer_question<D: Db>(db: &mut D, q: &Question) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE questions SET answered = $1, data = $2 WHERE id = $3 AND answered = $4",
            args![true, to_json(q)?, q.id.0, false],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::AlreadyAnswered));
    }
    Ok(())
}
