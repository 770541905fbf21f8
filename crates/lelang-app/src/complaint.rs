//! Complaints (pengaduan): anyone files one (anonymously if they wish) and gets its follow-up code
//! once; the complainant follows it with the code (or their account); the regency's auditor reads
//! and triages it, each full read logged; the timer logs a missed first answer.

use crate::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::complaint::mediation::{self, Party, PartyKind};
use lelang_core::complaint::{self, Complaint, Decision, Filing, Follower};
use lelang_core::ids::{ComplaintId, TenantId, UserId, VendorId};
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

/// Logs every complaint whose first answer is past due, and every agreed action of a settled one
/// past its deadline and not done; how many complaints it logged. A complaint another
/// server logged (or answered) first is passed over.
pub async fn fire_overdue(app: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for c in app.store.pending_complaints().await? {
        let cx = app.cx();
        let Some((_, change)) = complaint::overdue(&c, &cx)?.or(mediation::overdue_actions(&c, &cx)?) else {
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

/// The users who act for each kind of party of a complaint about `c`'s package: its pokja's
/// members, its work unit's PPK, the company's users.
async fn parties(
    app: &App,
    c: &Complaint,
    kinds: &[PartyKind],
    vendor: Option<VendorId>,
) -> Result<Vec<Party>, AppError> {
    let store = app.store.as_ref();
    let package = match c.subject.package() {
        Some(p) => store.package(p).await?,
        None => None,
    };
    let mut out = Vec::new();
    for kind in kinds {
        let users = match kind {
            PartyKind::Complainant => continue,
            PartyKind::Pokja => {
                let p = package
                    .as_ref()
                    .ok_or(invalid("parties", "mediation-party-unknown"))?;
                store
                    .pokja_assignment(p.id)
                    .await?
                    .map(|a| a.members)
                    .ok_or(invalid("parties", "mediation-party-unknown"))?
            }
            PartyKind::Ppk => {
                let p = package
                    .as_ref()
                    .ok_or(invalid("parties", "mediation-party-unknown"))?;
                let mut ppk = Vec::new();
                for u in store.users(Some(c.tenant_id)).await? {
                    let grants = store.role_grants(u.id).await?;
                    if grants.iter().any(|g| {
                        g.role == lelang_core::role::Role::CommitmentOfficer
                            && g.work_unit_id == Some(p.work_unit_id)
                    }) {
                        ppk.push(u.id);
                    }
                }
                ppk
            }
            PartyKind::Vendor => {
                let v = vendor.ok_or(invalid("vendor_id", "mediation-party-unknown"))?;
                // A company of the tender: registered for it (or it is not a party at all).
                let p = package
                    .as_ref()
                    .ok_or(invalid("parties", "mediation-party-unknown"))?;
                if !store.participants(p.id).await?.iter().any(|(x, _)| *x == v) {
                    return Err(invalid("vendor_id", "mediation-party-unknown"));
                }
                store
                    .users(None)
                    .await?
                    .into_iter()
                    .filter(|u| u.vendor_id == Some(v))
                    .map(|u| u.id)
                    .collect()
            }
        };
        if users.is_empty() {
            return Err(invalid("parties", "mediation-party-unknown"));
        }
        out.push(Party { kind: *kind, users });
    }
    Ok(out)
}

async fn of_tenant(app: &App, tenant: TenantId, id: ComplaintId) -> Result<Complaint, AppError> {
    app.store
        .complaint(id)
        .await?
        .filter(|c| c.tenant_id == tenant)
        .ok_or(AppError::NotFound)
}

/// The auditor or the ULP head opens a mediation with `mediator` (an official of the regency)
/// and the parties of `kinds` (the company's: `vendor`).
pub async fn open_mediation(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: ComplaintId,
    mediator: UserId,
    kinds: &[PartyKind],
    vendor: Option<VendorId>,
) -> Result<Complaint, AppError> {
    let c = of_tenant(app, tenant, id).await?;
    let official = app.store.role_grants(mediator).await?.iter().any(|g| {
        g.tenant_id == Some(tenant) && !g.role.is_read_only() && g.role != lelang_core::role::Role::Vendor
    });
    if !official {
        return Err(invalid("mediator", "mediation-mediator-not-official"));
    }
    let parties = parties(app, &c, kinds, vendor).await?;
    app.run(|cx| mediation::open(actor, &c, mediator, parties, cx))
        .await
}

/// A mediator's step on a complaint of `tenant`.
pub async fn mediate(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: ComplaintId,
    step: Step,
) -> Result<Complaint, AppError> {
    let c = of_tenant(app, tenant, id).await?;
    app.run(|cx| match step {
        Step::Schedule { at, place } => mediation::schedule(actor, &c, at, &place, cx),
        Step::Record(h) => mediation::record(actor, &c, h, cx),
        Step::Conclude(how) => mediation::conclude(actor, &c, how, cx),
        Step::Reopen(reason) => mediation::reopen(actor, &c, &reason, cx),
    })
    .await
}

/// What a mediator (or, to reopen, the auditor) does.
#[derive(Debug, Clone)]
pub enum Step {
    /// Schedule the next session.
    Schedule {
        /// When.
        at: time::OffsetDateTime,
        /// Where.
        place: String,
    },
    /// Record the pending session.
    Record(mediation::Held),
    /// End the mediation.
    Conclude(mediation::Conclusion),
    /// Reopen a settled complaint whose agreed action was not done.
    Reopen(String),
}

/// A party approves the last session's minutes (the complainant by account or code).
pub async fn approve(
    app: &App,
    actor: &Actor,
    by: Follower<'_>,
    id: ComplaintId,
) -> Result<Complaint, AppError> {
    let c = followed_or_party(app, by, id).await?;
    app.run(|cx| mediation::approve(by, actor, &c, cx)).await
}

/// A party (or the mediator) reports agreed action `i` done.
pub async fn action_done(
    app: &App,
    actor: &Actor,
    by: Follower<'_>,
    id: ComplaintId,
    i: usize,
) -> Result<Complaint, AppError> {
    let c = followed_or_party(app, by, id).await?;
    app.run(|cx| mediation::action_done(by, actor, &c, i, cx)).await
}

/// The complaint a code opens, or (for a signed-in party) by id.
async fn followed_or_party(app: &App, by: Follower<'_>, id: ComplaintId) -> Result<Complaint, AppError> {
    let c = match by {
        Follower::Code(code) => by_code(app, code).await?,
        Follower::Actor(_) => app.store.complaint(id).await?.ok_or(AppError::NotFound)?,
    };
    if c.id != id {
        return Err(AppError::NotFound);
    }
    Ok(c)
}
