//! Complaints (pengaduan): anyone files one (anonymously if they wish) and gets its follow-up code
//! once; the complainant follows it with the code (or their account); the regency's auditor reads
//! and triages it, each full read logged; the timer logs a missed first answer.

use crate::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::complaint::{self, Complaint, Decision, Filing, Follower};
use lelang_core::ids::{ComplaintId, TenantId};
use lelang_core::objection::Evidence;
use lelang_core::policy::Actor;
use lelang_core::store::{Conflict, StoreError};

fn invalid(field: &'static str, code: &'static str) -> AppError {
    AppError::Command(CommandError::Invalid { field, code })
}

/// Files a complaint; returns it and its follow-up code, which exists nowhere else afterwards.
/// The number is the regency's next of the year (in its time zone); two filings racing for one
/// number are told apart by the store, and the later one takes the next.
pub async fn file(app: &App, actor: &Actor, f: Filing) -> Result<(Complaint, String), AppError> {
    let store = app.store.as_ref();
    let tenant = store.tenant(f.tenant_id).await?.ok_or(AppError::NotFound)?;
    if let Some(p) = f.subject.package() {
        let known = store.package(p).await?.is_some_and(|p| p.tenant_id == tenant.id);
        if !known {
            return Err(invalid("package_id", "complaint-package-unknown"));
        }
    }
    let rules = crate::rules::today(app)?;
    let cal = crate::tender::calendar(app).await?;
    for attempt in 0..5u32 {
        let now = app.clock.now();
        let due = complaint::answer_due(rules, now, tenant.time_zone, &cal);
        let offset = time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)
            .unwrap_or(time::UtcOffset::UTC);
        let year = now.to_offset(offset).year();
        let prefix = format!("PGD-{year}-");
        let taken = store
            .complaints(tenant.id)
            .await?
            .iter()
            .filter(|c| c.number.starts_with(&prefix))
            .count();
        let number = format!("{prefix}{:04}", taken as u32 + 1 + attempt);
        let code = complaint::format_code(app.fresh.bytes());
        let hash = complaint::code_hash(&code);
        match app
            .run(|cx| complaint::file(actor, f.clone(), number, hash, due, cx))
            .await
        {
            Ok(c) => return Ok((c, code)),
            Err(AppError::Store(StoreError::Conflict(Conflict::Duplicate(_)))) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Busy)
}

/// The complaint a follow-up code opens (not found for any other code).
pub async fn by_code(app: &App, code: &str) -> Result<Complaint, AppError> {
    if code.len() > 100 {
        return Err(AppError::NotFound);
    }
    let c = app
        .store
        .complaint_by_code(&complaint::code_hash(code))
        .await?
        .ok_or(AppError::NotFound)?;
    if Follower::Code(code).follows(&c) {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

/// A complaint of `tenant` read in full by `actor`: its auditor (the read is logged) or its
/// signed-in complainant; to anyone else it does not exist.
pub async fn read(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: ComplaintId,
) -> Result<Complaint, AppError> {
    let c = app
        .store
        .complaint(id)
        .await?
        .filter(|c| c.tenant_id == tenant)
        .ok_or(AppError::NotFound)?;
    if !complaint::may_read(Follower::Actor(actor), &c) {
        return Err(AppError::NotFound);
    }
    app.apply_some(|cx| lelang_core::directory::confidential_read(actor, tenant, "complaint", 1, cx))
        .await?;
    Ok(c)
}

/// The complaint a follower acts on: by its code, or by its id for a signed-in complainant.
async fn followed(app: &App, by: Follower<'_>, id: ComplaintId) -> Result<Complaint, AppError> {
    let c = match by {
        Follower::Code(code) => by_code(app, code).await?,
        Follower::Actor(_) => app.store.complaint(id).await?.ok_or(AppError::NotFound)?,
    };
    if c.id != id || !by.follows(&c) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

/// The complainant replies.
pub async fn reply(
    app: &App,
    actor: &Actor,
    by: Follower<'_>,
    id: ComplaintId,
    text: &str,
) -> Result<Complaint, AppError> {
    let c = followed(app, by, id).await?;
    app.run(|cx| complaint::reply(by, actor, &c, text, cx)).await
}

/// The complainant adds a file: decided first, then its bytes kept (by `keep`), then committed.
pub async fn add_evidence<E, F>(
    app: &App,
    actor: &Actor,
    by: Follower<'_>,
    id: ComplaintId,
    file: Evidence,
    max_bytes: u64,
    keep: impl FnOnce() -> F,
) -> Result<Complaint, E>
where
    E: From<AppError>,
    F: std::future::Future<Output = Result<(), E>>,
{
    let c = followed(app, by, id).await?;
    let (next, change) =
        complaint::add_evidence(by, actor, &c, file, max_bytes, &app.cx()).map_err(AppError::from)?;
    keep().await?;
    app.commit(change).await?;
    Ok(next)
}

/// The regency's auditor decides on a complaint (`into`: the complaint a duplicate joins).
pub async fn triage(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: ComplaintId,
    decision: Decision,
    note: &str,
    into: Option<ComplaintId>,
) -> Result<Complaint, AppError> {
    let store = app.store.as_ref();
    let c = store
        .complaint(id)
        .await?
        .filter(|c| c.tenant_id == tenant && complaint::may_handle(actor, tenant))
        .ok_or(AppError::NotFound)?;
    let other = match into {
        Some(o) => Some(
            store
                .complaint(o)
                .await?
                .ok_or(invalid("into", "complaint-merge-target-invalid"))?,
        ),
        None => None,
    };
    app.run(|cx| complaint::triage(actor, &c, decision, note, other.as_ref(), cx))
        .await
}

/// Logs every complaint whose first answer is past due; how many it logged. A complaint another
/// server logged (or answered) first is passed over.
pub async fn fire_overdue(app: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for c in app.store.pending_complaints().await? {
        let Some((_, change)) = complaint::overdue(&c, &app.cx())? else {
            continue;
        };
        match app.commit(change).await {
            Ok(()) => n += 1,
            Err(AppError::Store(StoreError::Conflict(Conflict::Changed))) => {}
            Err(e) => tracing::warn!(error = %e, complaint = %c.id, "logging an overdue complaint failed"),
        }
    }
    Ok(n)
}
