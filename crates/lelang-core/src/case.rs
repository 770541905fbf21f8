//! Law enforcement under an MoU (APH: police, prosecutors). The regency records its memoranda —
//! the counterpart, the scope, the validity, the contact officers. A matter that must go the legal
//! route (a complaint that mediation cannot settle, a finding that must not be mediated: bribery,
//! fraud) is escalated under an MoU as a **case**, approved by the ULP head or the auditor: it
//! grants named officers of the MoU read access to exactly the packages in its scope, until its
//! end, and may be revoked. The law-enforcement role reads nothing by itself: only through a case
//! active now, and every read is logged (who and what committed, the case public, so the count of
//! reads per case is public).

use crate::command::{Change, CommandError, acting, event, invalid};
use crate::complaint::{Category, Complaint, Status};
use crate::fresh::Cx;
use crate::ids::{CaseId, ComplaintId, MouId, PackageId, TenantId, UserId};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

pub mod file;

/// The most packages in one case's scope, and officers named in an MoU or a case.
pub const MAX_SCOPE: usize = 50;
/// The longest access a case grants at once, in days (renewed by a new case).
pub const MAX_ACCESS_DAYS: i64 = 180;

/// A memorandum of understanding between the regency and a law-enforcement body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mou {
    /// Its id.
    pub id: MouId,
    /// The regency.
    pub tenant_id: TenantId,
    /// Its number, as signed.
    pub number: String,
    /// The other party (e.g. "Kepolisian Resor Banyuwangi").
    pub counterpart: String,
    /// What it covers.
    pub scope: String,
    /// First day in force.
    #[serde(with = "crate::rules::iso_date")]
    pub valid_from: Date,
    /// Last day in force.
    #[serde(with = "crate::rules::iso_date")]
    pub valid_until: Date,
    /// The counterpart's contact officers (users in the law-enforcement role of this regency).
    pub officers: Vec<UserId>,
    /// When recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

impl Mou {
    /// Whether it is in force on the day of `now` (UTC date: an MoU's days are whole days).
    pub fn in_force(&self, now: OffsetDateTime) -> bool {
        let d = now.date();
        self.valid_from <= d && d <= self.valid_until
    }
}

/// Why a matter went to law enforcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// A complaint mediation could not settle.
    MediationFailed,
    /// A complaint that must not be mediated (bribery, extortion, fraud).
    NotMediable,
    /// The auditor's own finding.
    Finding,
}

impl Ground {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Ground::MediationFailed => "mediation_failed",
            Ground::NotMediable => "not_mediable",
            Ground::Finding => "finding",
        }
    }
}

/// A revocation of a case's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Who revoked it.
    pub by: UserId,
    /// Why.
    pub reason: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// An escalated matter and the access it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Its id.
    pub id: CaseId,
    /// The regency.
    pub tenant_id: TenantId,
    /// Its number, `KAS-<year>-<n>`.
    pub number: String,
    /// The MoU it is under.
    pub mou_id: MouId,
    /// The complaint it comes from, if any.
    pub complaint_id: Option<ComplaintId>,
    /// Why it was escalated.
    pub ground: Ground,
    /// What the matter is, for the officers.
    pub summary: String,
    /// The packages (and their tenders, contracts and documents) the officers may read.
    pub packages: Vec<PackageId>,
    /// The officers granted access.
    pub officers: Vec<UserId>,
    /// Access from…
    #[serde(with = "time::serde::rfc3339")]
    pub opens: OffsetDateTime,
    /// …until (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub closes: OffsetDateTime,
    /// Who approved the escalation (the ULP head or the auditor).
    pub approved_by: UserId,
    /// Its revocation, if revoked.
    pub revoked: Option<Revocation>,
    /// Bumped by every change.
    pub version: u32,
}

impl Case {
    /// Whether the case grants access at `now`: approved, not revoked, within its period and its
    /// MoU's.
    pub fn active(&self, mou: &Mou, now: OffsetDateTime) -> bool {
        self.revoked.is_none() && self.opens <= now && now < self.closes && mou.in_force(now)
    }

    /// Whether `actor` reads `package` through this case at `now`: one of its officers, in the
    /// law-enforcement role of its regency, while it is active.
    pub fn grants(&self, mou: &Mou, actor: &Actor, package: PackageId, now: OffsetDateTime) -> bool {
        self.grants_officer(mou, actor, now) && self.packages.contains(&package)
    }

    /// Whether `actor` is one of its officers and it is active at `now`.
    pub fn grants_officer(&self, mou: &Mou, actor: &Actor, now: OffsetDateTime) -> bool {
        actor.user().is_some_and(|u| {
            u.role == Role::LawEnforcement
                && u.tenant_id == Some(self.tenant_id)
                && self.officers.contains(&u.user_id)
        }) && self.active(mou, now)
    }
}

/// Who may record MoUs, escalate and revoke: the ULP head and the auditor of the regency.
pub fn may_manage(actor: &Actor, tenant: TenantId) -> bool {
    actor
        .user()
        .is_some_and(|u| matches!(u.role, Role::UlpHead | Role::Auditor) && u.tenant_id == Some(tenant))
}

fn text(field: &'static str, code: &'static str, s: &str, max: usize) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 3..=max, true)
}

/// An MoU as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMou {
    /// Its number.
    pub number: String,
    /// The other party.
    pub counterpart: String,
    /// What it covers.
    pub scope: String,
    /// First day.
    pub valid_from: Date,
    /// Last day.
    pub valid_until: Date,
    /// Contact officers: users in the law-enforcement role of the regency (the caller checked).
    pub officers: Vec<UserId>,
}

/// The ULP head or the auditor records an MoU of their regency.
pub fn record_mou(
    actor: &Actor,
    tenant: TenantId,
    m: NewMou,
    cx: &Cx<'_>,
) -> Result<(Mou, Change<Mutation>), CommandError> {
    if !may_manage(actor, tenant) {
        return Err(Denied::Forbidden.into());
    }
    let a = acting(actor)?;
    let number = text("number", "invalid-mou-number", &m.number, 100)?;
    let counterpart = crate::command::valid_name("counterpart", &m.counterpart)?;
    let scope = text("scope", "invalid-mou-scope", &m.scope, 2000)?;
    if m.valid_until < m.valid_from {
        return Err(invalid("valid_until", "invalid-mou-validity"));
    }
    if m.officers.is_empty() || m.officers.len() > MAX_SCOPE {
        return Err(invalid("officers", "invalid-mou-officers"));
    }
    let mut officers = m.officers;
    officers.sort();
    officers.dedup();
    let mou = Mou {
        id: cx.id(),
        tenant_id: tenant,
        number,
        counterpart,
        scope,
        valid_from: m.valid_from,
        valid_until: m.valid_until,
        officers,
        recorded_at: cx.now,
    };
    let ev = event(
        a,
        cx,
        Some(tenant),
        Event::MouRecorded {
            mou_id: mou.id,
            number: mou.number.clone(),
            counterpart: mou.counterpart.clone(),
            scope: mou.scope.clone(),
            valid_from: mou.valid_from.to_string(),
            valid_until: mou.valid_until.to_string(),
            officers: mou.officers.clone(),
        },
    )?;
    Ok((
        mou.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertMou(mou)],
        },
    ))
}

/// A case as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    /// The complaint escalated (none: the auditor's own finding).
    pub complaint: Option<Complaint>,
    /// What the matter is.
    pub summary: String,
    /// The packages in scope (of this regency: the caller checked they exist here).
    pub packages: Vec<PackageId>,
    /// The officers granted access (named in the MoU).
    pub officers: Vec<UserId>,
    /// Access until (from now).
    pub closes: OffsetDateTime,
}

/// Escalates a matter under an MoU in force: from a complaint whose mediation ended without an
/// agreement, or one that must not be mediated (bribery, extortion, fraud) — or, by the auditor
/// alone, a finding. Approved by whoever escalates (the ULP head or the auditor); the complaint
/// becomes escalated. `number` comes from the caller (the regency's sequence).
pub fn escalate(
    actor: &Actor,
    mou: &Mou,
    x: Escalation,
    number: String,
    cx: &Cx<'_>,
) -> Result<(Case, Option<Complaint>, Change<Mutation>), CommandError> {
    if !may_manage(actor, mou.tenant_id) {
        return Err(Denied::Forbidden.into());
    }
    let a = acting(actor)?;
    if !mou.in_force(cx.now) {
        return Err(invalid("mou_id", "mou-not-in-force"));
    }
    let summary = text("summary", "invalid-case-summary", &x.summary, 10_000)?;
    let mut packages = x.packages;
    packages.sort();
    packages.dedup();
    let mut officers = x.officers;
    officers.sort();
    officers.dedup();
    if packages.is_empty() || packages.len() > MAX_SCOPE {
        return Err(invalid("packages", "invalid-case-scope"));
    }
    if officers.is_empty() || !officers.iter().all(|o| mou.officers.contains(o)) {
        return Err(invalid("officers", "case-officer-not-in-mou"));
    }
    if x.closes <= cx.now || x.closes - cx.now > time::Duration::days(MAX_ACCESS_DAYS) {
        return Err(invalid("closes", "invalid-case-period"));
    }
    let (ground, complaint) = match x.complaint {
        None => {
            if authorize(actor, Action::HandleComplaints(mou.tenant_id)).is_err() {
                return Err(invalid("complaint_id", "case-finding-by-auditor"));
            }
            (Ground::Finding, None)
        }
        Some(c) => {
            if c.tenant_id != mou.tenant_id {
                return Err(invalid("complaint_id", "case-complaint-not-escalable"));
            }
            let ground = if c.category == Category::Bribery && c.status.is_open() {
                Ground::NotMediable
            } else if crate::complaint::mediation::failed(&c) {
                Ground::MediationFailed
            } else {
                return Err(invalid("complaint_id", "case-complaint-not-escalable"));
            };
            let mut n = c.clone();
            n.status = Status::Escalated;
            n.first_answer_at.get_or_insert(cx.now);
            n.version = c.version + 1;
            (ground, Some((c, n)))
        }
    };
    let case = Case {
        id: cx.id(),
        tenant_id: mou.tenant_id,
        number,
        mou_id: mou.id,
        complaint_id: complaint.as_ref().map(|(c, _)| c.id),
        ground,
        summary: summary.clone(),
        packages: packages.clone(),
        officers: officers.clone(),
        opens: cx.now,
        closes: x.closes,
        approved_by: a.user_id,
        revoked: None,
        version: 1,
    };
    let ev = event(
        a,
        cx,
        Some(mou.tenant_id),
        Event::CaseEscalated {
            case_id: case.id,
            number: case.number.clone(),
            mou_id: mou.id,
            complaint_id: case.complaint_id,
            ground,
            summary,
            packages,
            officers,
            closes: case.closes,
        },
    )?;
    let mut mutations = vec![Mutation::InsertCase(case.clone())];
    let changed = complaint.map(|(read, next)| {
        mutations.push(Mutation::Complaint(crate::complaint::Mutation::PutComplaint {
            complaint: next.clone(),
            read_version: read.version,
        }));
        next
    });
    Ok((
        case,
        changed,
        Change {
            events: vec![ev],
            mutations,
        },
    ))
}

/// The ULP head or the auditor revokes a case's access before its end.
pub fn revoke(
    actor: &Actor,
    case: &Case,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Case, Change<Mutation>), CommandError> {
    if !may_manage(actor, case.tenant_id) {
        return Err(Denied::Forbidden.into());
    }
    let a = acting(actor)?;
    if case.revoked.is_some() {
        return Err(invalid("case_id", "case-revoked-already"));
    }
    let reason = text("reason", "invalid-case-reason", reason, 2000)?;
    let mut n = case.clone();
    n.revoked = Some(Revocation {
        by: a.user_id,
        reason: reason.clone(),
        at: cx.now,
    });
    n.version += 1;
    let ev = event(
        a,
        cx,
        Some(case.tenant_id),
        Event::CaseRevoked {
            case_id: case.id,
            reason,
        },
    )?;
    Ok((
        n.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::PutCase {
                case: n,
                read_version: case.version,
            }],
        },
    ))
}

/// An officer's read through a case (`what`: the package and the part read), for the log: the
/// case is public, so the count of reads per case is; who read and what stay committed. Refused
/// unless the case grants the package to the officer now.
pub fn read(
    actor: &Actor,
    case: &Case,
    mou: &Mou,
    package: Option<PackageId>,
    what: &str,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let allowed = match package {
        Some(p) => case.grants(mou, actor, p, cx.now),
        None => case.grants_officer(mou, actor, cx.now),
    };
    if !allowed {
        return Err(Denied::Forbidden.into());
    }
    let a = acting(actor)?;
    let ev = event(
        a,
        cx,
        Some(case.tenant_id),
        Event::CaseRead {
            case_id: case.id,
            package_id: package,
            what: what.to_owned(),
        },
    )?;
    Ok(Change {
        events: vec![ev],
        mutations: vec![],
    })
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// An MoU with law enforcement was recorded.
    MouRecorded {
        /// The MoU.
        mou_id: MouId,
        /// Its number.
        number: String,
        /// The other party.
        counterpart: String,
        /// What it covers.
        scope: String,
        /// First day (ISO).
        valid_from: String,
        /// Last day (ISO).
        valid_until: String,
        /// Its contact officers.
        officers: Vec<UserId>,
    },
    /// A matter was escalated to law enforcement as a case.
    CaseEscalated {
        /// The case.
        case_id: CaseId,
        /// Its number.
        number: String,
        /// The MoU.
        mou_id: MouId,
        /// The complaint escalated.
        complaint_id: Option<ComplaintId>,
        /// Why.
        ground: Ground,
        /// What the matter is.
        summary: String,
        /// The packages in scope.
        packages: Vec<PackageId>,
        /// The officers granted access.
        officers: Vec<UserId>,
        /// Access until.
        #[serde(with = "time::serde::rfc3339")]
        closes: OffsetDateTime,
    },
    /// A case's access was revoked.
    CaseRevoked {
        /// The case.
        case_id: CaseId,
        /// Why.
        reason: String,
    },
    /// An officer read confidential data through a case.
    CaseRead {
        /// The case.
        case_id: CaseId,
        /// The package read.
        package_id: Option<PackageId>,
        /// What was read.
        what: String,
    },
}

crate::privacy::event_table! {
    MouRecorded "mou_recorded" actor: PERSONAL, role: PUBLIC, {
        mou_id: PUBLIC => "the MoU",
        number: PUBLIC => "an MoU between public bodies is public",
        counterpart: PUBLIC => "the law-enforcement body, a public body",
        scope: PUBLIC => "what the MoU covers",
        valid_from: PUBLIC => "its validity",
        valid_until: PUBLIC => "its validity",
        officers: PERSONAL => "who the contact officers are is personal data",
    }
    CaseEscalated "case_escalated" actor: PERSONAL, role: PUBLIC, {
        case_id: PUBLIC => "that a case exists and its reads are counted in public",
        number: PUBLIC => "its number",
        mou_id: PUBLIC => "the MoU it is under",
        complaint_id: PUBLIC => "the complaint's status line says it was escalated",
        ground: PUBLIC => "why, by kind",
        summary: COMPLAINT => "the matter may name people: the regency's auditors only",
        packages: COMPLAINT => "which packages are investigated must not warn anyone",
        officers: PERSONAL => "who investigates is personal data",
        closes: PUBLIC => "how long access lasts",
    }
    CaseRevoked "case_revoked" actor: PERSONAL, role: PUBLIC, {
        case_id: PUBLIC => "the case",
        reason: COMPLAINT => "it may name people: the regency's auditors only",
    }
    CaseRead "case_read" actor: PERSONAL, role: PUBLIC, {
        case_id: PUBLIC => "the count of reads per case is public",
        package_id: COMPLAINT => "what was read stays private",
        what: COMPLAINT => "what was read stays private",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A new MoU.
    InsertMou(Mou),
    /// A new case (its number unique in its regency).
    InsertCase(Case),
    /// A case written whole over the version read.
    PutCase {
        /// The case as changed.
        case: Case,
        /// The version read.
        read_version: u32,
    },
    /// The escalated complaint.
    Complaint(crate::complaint::Mutation),
}

#[cfg(test)]
mod tests;
