//! Law enforcement under an MoU: the ULP head or the auditor records MoUs and escalates cases;
//! an officer reads a case's packages while it is active, each read logged; the ULP head sees the
//! reads per case and officer.

use crate::{App, AppError};
use lelang_core::case::{self, Case, Escalation, Mou, NewMou};
use lelang_core::command::CommandError;
use lelang_core::ids::{CaseId, ComplaintId, MouId, PackageId, TenantId, UserId};
use lelang_core::policy::{Actor, Denied};
use lelang_core::role::Role;
use lelang_core::store::{Conflict, EventFilter, StoreError};

fn invalid(field: &'static str, code: &'static str) -> AppError {
    AppError::Command(CommandError::Invalid { field, code })
}

/// Whether every one of `users` holds the law-enforcement role in `tenant`.
async fn all_officers(app: &App, tenant: TenantId, users: &[UserId]) -> Result<bool, AppError> {
    for u in users {
        let ok = app
            .store
            .role_grants(*u)
            .await?
            .iter()
            .any(|g| g.role == Role::LawEnforcement && g.tenant_id == Some(tenant));
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Records an MoU; its officers must hold the law-enforcement role in the regency.
pub async fn record_mou(app: &App, actor: &Actor, tenant: TenantId, m: NewMou) -> Result<Mou, AppError> {
    if !case::may_manage(actor, tenant) {
        return Err(Denied::Forbidden.into());
    }
    if !all_officers(app, tenant, &m.officers).await? {
        return Err(invalid("officers", "invalid-mou-officers"));
    }
    app.run(|cx| case::record_mou(actor, tenant, m, cx)).await
}

/// What an escalation names by id.
#[derive(Debug, Clone)]
pub struct Escalate {
    /// The MoU.
    pub mou: MouId,
    /// The complaint, if any.
    pub complaint: Option<ComplaintId>,
    /// What the matter is.
    pub summary: String,
    /// The packages in scope.
    pub packages: Vec<PackageId>,
    /// The officers granted access.
    pub officers: Vec<UserId>,
    /// Until.
    pub closes: time::OffsetDateTime,
}

/// Escalates a matter of `tenant` as a case, numbered `KAS-<year>-<n>` in the regency.
pub async fn escalate(app: &App, actor: &Actor, tenant: TenantId, x: Escalate) -> Result<Case, AppError> {
    let store = app.store.as_ref();
    if !case::may_manage(actor, tenant) {
        return Err(Denied::Forbidden.into());
    }
    let mou = store
        .mou(x.mou)
        .await?
        .filter(|m| m.tenant_id == tenant)
        .ok_or(invalid("mou_id", "mou-unknown"))?;
    let complaint = match x.complaint {
        Some(id) => Some(
            store
                .complaint(id)
                .await?
                .filter(|c| c.tenant_id == tenant)
                .ok_or(invalid("complaint_id", "case-complaint-not-escalable"))?,
        ),
        None => None,
    };
    for p in &x.packages {
        if store.package(*p).await?.is_none_or(|p| p.tenant_id != tenant) {
            return Err(invalid("packages", "invalid-case-scope"));
        }
    }
    for attempt in 0..5u32 {
        let year = app.clock.now().year();
        let prefix = format!("KAS-{year}-");
        let taken = store
            .cases(tenant)
            .await?
            .iter()
            .filter(|c| c.number.starts_with(&prefix))
            .count();
        let number = format!("{prefix}{:04}", taken as u32 + 1 + attempt);
        let e = Escalation {
            complaint: complaint.clone(),
            summary: x.summary.clone(),
            packages: x.packages.clone(),
            officers: x.officers.clone(),
            closes: x.closes,
        };
        let r = app
            .run(|cx| case::escalate(actor, &mou, e, number, cx).map(|(c, _, ch)| (c, ch)))
            .await;
        match r {
            Err(AppError::Store(StoreError::Conflict(Conflict::Duplicate(_)))) => continue,
            other => return other,
        }
    }
    Err(AppError::Busy)
}

/// A case of `tenant` with its MoU.
pub async fn with_mou(app: &App, tenant: TenantId, id: CaseId) -> Result<(Case, Mou), AppError> {
    let c = app
        .store
        .case(id)
        .await?
        .filter(|c| c.tenant_id == tenant)
        .ok_or(AppError::NotFound)?;
    let m = app.store.mou(c.mou_id).await?.ok_or(AppError::NotFound)?;
    Ok((c, m))
}

/// Revokes a case's access.
pub async fn revoke(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: CaseId,
    reason: &str,
) -> Result<Case, AppError> {
    let (c, _) = with_mou(app, tenant, id).await?;
    app.run(|cx| case::revoke(actor, &c, reason, cx)).await
}

/// The cases of `tenant` that grant `actor` access now (an officer's own list).
pub async fn active_for(app: &App, actor: &Actor, tenant: TenantId) -> Result<Vec<(Case, Mou)>, AppError> {
    let now = app.clock.now();
    let mut out = Vec::new();
    for c in app.store.cases(tenant).await? {
        if let Some(m) = app.store.mou(c.mou_id).await?
            && c.grants_officer(&m, actor, now)
        {
            out.push((c, m));
        }
    }
    Ok(out)
}

/// An officer opens a case (logged); to anyone its access does not grant, it does not exist.
pub async fn open_as_officer(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    id: CaseId,
) -> Result<(Case, Mou), AppError> {
    let (c, m) = with_mou(app, tenant, id).await?;
    log_read(app, actor, &c, &m, None, "case").await?;
    Ok((c, m))
}

/// Logs an officer's read through a case; refused (as not found) outside its grant.
pub async fn log_read(
    app: &App,
    actor: &Actor,
    c: &Case,
    m: &Mou,
    package: Option<PackageId>,
    what: &str,
) -> Result<(), AppError> {
    match case::read(actor, c, m, package, what, &app.cx()) {
        Ok(change) => app.commit(change).await,
        Err(CommandError::Denied(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// One row of the reads report: a case, an officer, how many reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads {
    /// The case.
    pub case: CaseId,
    /// The officer.
    pub officer: UserId,
    /// How many reads.
    pub count: u64,
}

/// The reads through the regency's cases, per case and officer (for the ULP head and the
/// auditor), from the log.
pub async fn reads(app: &App, actor: &Actor, tenant: TenantId) -> Result<Vec<Reads>, AppError> {
    if !case::may_manage(actor, tenant) {
        return Err(Denied::Forbidden.into());
    }
    let events = app
        .store
        .events(EventFilter {
            tenant: Some(Some(tenant)),
            limit: 1_000_000,
            ..EventFilter::default()
        })
        .await?;
    let mut counts: std::collections::BTreeMap<(CaseId, UserId), u64> = Default::default();
    for e in events.iter().filter(|e| e.event_type == "case_read") {
        let v: serde_json::Value =
            serde_json::from_str(&e.payload).map_err(|e| AppError::Broken(e.to_string()))?;
        let case = v["case_id"]
            .as_str()
            .and_then(|s| uuid::Uuid::parse_str(s).ok())
            .map(CaseId);
        if let (Some(case), Some(officer)) = (case, e.actor_id) {
            *counts.entry((case, officer)).or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|((case, officer), count)| Reads { case, officer, count })
        .collect())
}
