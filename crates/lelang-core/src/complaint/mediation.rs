//! Mediation (mediasi) of a complaint, before any legal route: the mediator — the auditor, or an
//! official the ULP head names — schedules sessions with the parties (the complainant, the
//! tender's pokja, its PPK, the company), records who attended, each party's position and the
//! minutes, whose SHA-256 goes on the log; the parties who attended approve the minutes in the
//! app. The mediation ends in an agreement — actions each party takes by a deadline, tracked, an
//! overdue one flagged by the timer — or without one (the complaint may then be escalated). A
//! settled complaint reopens when an agreed action is not done.
//!
//! A complaint about bribery, extortion or fraud is never mediated: it goes to law enforcement.

use super::{Category, Complaint, Event, Follower, Mutation, Status, put};
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::UserId;
use crate::policy::{Actor, Denied};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The most sessions, parties' positions and agreed actions one mediation holds.
pub const MAX_ITEMS: usize = 20;

/// A party to a mediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Whoever filed the complaint (by their account, or by its code).
    Complainant,
    /// The tender's pokja.
    Pokja,
    /// The package's PPK.
    Ppk,
    /// The company concerned.
    Vendor,
}

impl PartyKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            PartyKind::Complainant => "complainant",
            PartyKind::Pokja => "pokja",
            PartyKind::Ppk => "ppk",
            PartyKind::Vendor => "vendor",
        }
    }

    /// The party of a code.
    pub fn from_code(s: &str) -> Option<Self> {
        [
            PartyKind::Complainant,
            PartyKind::Pokja,
            PartyKind::Ppk,
            PartyKind::Vendor,
        ]
        .into_iter()
        .find(|p| p.code() == s)
    }
}

/// A party and the users who act for it (empty for a complainant who acts by code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Which party.
    pub kind: PartyKind,
    /// Its users.
    pub users: Vec<UserId>,
}

/// A session, scheduled and, once held, recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// When it is held.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Where.
    pub place: String,
    /// What happened, once recorded.
    pub record: Option<Record>,
}

/// A held session's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The parties who attended.
    pub attended: Vec<PartyKind>,
    /// Each party's position, as stated.
    pub positions: Vec<(PartyKind, String)>,
    /// The minutes (berita acara).
    pub minutes: String,
    /// SHA-256 of the minutes, hex (on the log).
    pub minutes_sha256: String,
    /// The attending parties who approved the minutes.
    pub approvals: Vec<PartyKind>,
}

impl Record {
    /// Whether every party who attended approved the minutes.
    pub fn approved(&self) -> bool {
        self.attended.iter().all(|p| self.approvals.contains(p))
    }
}

/// One action a party agreed to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreedAction {
    /// Who takes it.
    pub party: PartyKind,
    /// What.
    pub what: String,
    /// By when.
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// When it was reported done.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done_at: Option<OffsetDateTime>,
    /// Whether its missed deadline is on the log.
    pub overdue: bool,
}

/// How a mediation ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum Outcome {
    /// An agreement, with the actions each party takes.
    Agreement {
        /// The actions.
        actions: Vec<AgreedAction>,
        /// When agreed.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// No agreement.
    NoAgreement {
        /// Why.
        reason: String,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

/// A mediation of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mediation {
    /// The mediator.
    pub mediator: UserId,
    /// When opened.
    #[serde(with = "time::serde::rfc3339")]
    pub opened_at: OffsetDateTime,
    /// The parties.
    pub parties: Vec<Party>,
    /// Its sessions, in order.
    pub sessions: Vec<Session>,
    /// How it ended.
    pub outcome: Option<Outcome>,
}

impl Mediation {
    /// The party `actor` (or a code's holder) acts for, if any.
    pub fn party_of(&self, by: Follower<'_>, c: &Complaint) -> Option<PartyKind> {
        if by.follows(c) {
            return Some(PartyKind::Complainant);
        }
        let Follower::Actor(a) = by else {
            return None;
        };
        let u = a.user()?;
        self.parties
            .iter()
            .find(|p| p.kind != PartyKind::Complainant && p.users.contains(&u.user_id))
            .map(|p| p.kind)
    }
}

/// The current mediation of a complaint, if it is in one.
pub fn current(c: &Complaint) -> Option<&Mediation> {
    c.mediations.last().filter(|_| c.status == Status::InMediation)
}

/// Whether the complaint's last mediation failed (so it may be escalated): it ended without an
/// agreement, or its agreement was not kept and the complaint was reopened.
pub fn failed(c: &Complaint) -> bool {
    c.status == Status::Accepted
        && c.mediations.last().is_some_and(|m| match &m.outcome {
            Some(Outcome::NoAgreement { .. }) => true,
            Some(Outcome::Agreement { actions, .. }) => actions.iter().any(|a| a.done_at.is_none()),
            None => false,
        })
}

fn text(field: &'static str, code: &'static str, s: &str, max: usize) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 3..=max, true)
}

/// The mediator of the complaint's current mediation, acting.
fn as_mediator<'a>(
    actor: &'a Actor,
    c: &'a Complaint,
) -> Result<(&'a crate::policy::UserActor, Mediation), CommandError> {
    let a = acting(actor)?;
    let m = current(c).ok_or(invalid("complaint_id", "complaint-not-in-mediation"))?;
    if m.mediator != a.user_id || a.tenant_id != Some(c.tenant_id) {
        return Err(Denied::Forbidden.into());
    }
    Ok((a, m.clone()))
}

fn with_current(c: &Complaint, m: Mediation) -> Complaint {
    let mut n = c.clone();
    if let Some(last) = n.mediations.last_mut() {
        *last = m;
    }
    n
}

/// The auditor, or the ULP head, opens a mediation of an accepted (or received) complaint with
/// a mediator — themself, or an official of the regency they name — and its parties (the
/// complainant always among them). A complaint about bribery is never mediated.
pub fn open(
    actor: &Actor,
    c: &Complaint,
    mediator: UserId,
    mut parties: Vec<Party>,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    let a = acting(actor)?;
    let allowed = matches!(a.role, Role::Auditor | Role::UlpHead) && a.tenant_id == Some(c.tenant_id);
    if !allowed {
        return Err(Denied::Forbidden.into());
    }
    if c.category == Category::Bribery {
        return Err(invalid("complaint_id", "complaint-not-mediable"));
    }
    // The auditor triages and may mediate at once; the ULP head names a mediator for a complaint
    // the auditor accepted (so it never opens, or reads, one the auditor has not seen).
    let open_now = match a.role {
        Role::Auditor => matches!(c.status, Status::Received | Status::Accepted),
        _ => c.status == Status::Accepted,
    };
    if !open_now {
        return Err(invalid("complaint_id", "complaint-decision-not-now"));
    }
    parties.retain(|p| p.kind != PartyKind::Complainant);
    parties.sort_by_key(|p| p.kind);
    parties.dedup_by_key(|p| p.kind);
    let complainant = Party {
        kind: PartyKind::Complainant,
        users: match &c.complainant {
            super::Complainant::User { user_id, .. } => vec![*user_id],
            _ => vec![],
        },
    };
    parties.insert(0, complainant);
    if parties.len() < 2 {
        return Err(invalid("parties", "mediation-needs-parties"));
    }
    // A mediator is not one of the parties (nor the complainant).
    if parties.iter().any(|p| p.users.contains(&mediator)) {
        return Err(invalid("mediator", "mediation-mediator-is-party"));
    }
    let mut n = c.clone();
    n.status = Status::InMediation;
    n.first_answer_at.get_or_insert(cx.now);
    n.mediations.push(Mediation {
        mediator,
        opened_at: cx.now,
        parties: parties.clone(),
        sessions: Vec::new(),
        outcome: None,
    });
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::MediationOpened {
            complaint_id: c.id,
            mediator,
            parties: parties.iter().map(|p| p.kind).collect(),
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// The mediator schedules a session (after the last one is recorded).
pub fn schedule(
    actor: &Actor,
    c: &Complaint,
    at: OffsetDateTime,
    place: &str,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    let (a, mut m) = as_mediator(actor, c)?;
    if m.sessions.len() >= MAX_ITEMS {
        return Err(invalid("at", "mediation-too-many"));
    }
    if m.sessions.last().is_some_and(|s| s.record.is_none()) {
        return Err(invalid("at", "mediation-session-pending"));
    }
    if at < cx.now {
        return Err(invalid("at", "mediation-session-in-past"));
    }
    let place = text("place", "invalid-mediation-place", place, 300)?;
    m.sessions.push(Session {
        at,
        place: place.clone(),
        record: None,
    });
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::MediationSessionScheduled {
            complaint_id: c.id,
            session: m.sessions.len() as u32,
            at,
            place,
        },
    )?;
    Ok(put(c, with_current(c, m), vec![ev]))
}

/// What the mediator records of a held session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The parties who attended.
    pub attended: Vec<PartyKind>,
    /// Their positions.
    pub positions: Vec<(PartyKind, String)>,
    /// The minutes.
    pub minutes: String,
}

/// The mediator records the pending session once its time has come.
pub fn record(
    actor: &Actor,
    c: &Complaint,
    h: Held,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    let (a, mut m) = as_mediator(actor, c)?;
    let n = m.sessions.len();
    let kinds: Vec<PartyKind> = m.parties.iter().map(|p| p.kind).collect();
    let Some(s) = m.sessions.last_mut().filter(|s| s.record.is_none()) else {
        return Err(invalid("session", "mediation-no-session-pending"));
    };
    if cx.now < s.at {
        return Err(invalid("session", "mediation-session-not-yet"));
    }
    let mut attended = h.attended;
    attended.sort();
    attended.dedup();
    if attended.is_empty() || !attended.iter().all(|p| kinds.contains(p)) || h.positions.len() > MAX_ITEMS {
        return Err(invalid("attended", "mediation-unknown-party"));
    }
    let mut positions = Vec::with_capacity(h.positions.len());
    for (p, t) in h.positions {
        if !attended.contains(&p) {
            return Err(invalid("positions", "mediation-unknown-party"));
        }
        positions.push((p, text("positions", "invalid-mediation-text", &t, 5000)?));
    }
    let minutes = text("minutes", "invalid-mediation-text", &h.minutes, 20_000)?;
    let sha = hex(&Sha256::digest(minutes.as_bytes()));
    s.record = Some(Record {
        attended: attended.clone(),
        positions,
        minutes,
        minutes_sha256: sha.clone(),
        approvals: Vec::new(),
    });
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::MediationSessionRecorded {
            complaint_id: c.id,
            session: n as u32,
            attended,
            minutes_sha256: sha,
        },
    )?;
    Ok(put(c, with_current(c, m), vec![ev]))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A party who attended approves the last session's minutes (the complainant by account or code).
pub fn approve(
    by: Follower<'_>,
    actor: &Actor,
    c: &Complaint,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    let mut m = current(c)
        .cloned()
        .ok_or(invalid("complaint_id", "complaint-not-in-mediation"))?;
    let party = m.party_of(by, c).ok_or(Denied::Forbidden)?;
    let n = m.sessions.len();
    let Some(r) = m.sessions.last_mut().and_then(|s| s.record.as_mut()) else {
        return Err(invalid("session", "mediation-no-minutes"));
    };
    if !r.attended.contains(&party) {
        return Err(Denied::Forbidden.into());
    }
    if r.approvals.contains(&party) {
        return Err(invalid("session", "mediation-approved-already"));
    }
    r.approvals.push(party);
    let payload = Event::MediationMinutesApproved {
        complaint_id: c.id,
        session: n as u32,
        party,
        minutes_sha256: r.minutes_sha256.clone(),
    };
    // The complainant's approval is signed by nobody when they act by code or anonymously.
    let who = match (by, actor.user()) {
        (Follower::Actor(_), Some(u)) if party != PartyKind::Complainant || !c.anonymous() => Some(u),
        _ => None,
    };
    let ev = NewEvent::new(
        cx,
        Some(c.tenant_id),
        who.map(|u| u.user_id),
        who.map(|u| u.role),
        &payload,
    )?;
    Ok(put(c, with_current(c, m), vec![ev]))
}

/// How the mediator concludes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conclusion {
    /// The parties agreed on these actions: (party, what, due).
    Agreement(Vec<(PartyKind, String, OffsetDateTime)>),
    /// They did not, for this reason.
    NoAgreement(String),
}

/// The mediator concludes, once the last session's minutes are approved by everyone who
/// attended: an agreement settles the complaint; none returns it to the auditor, who may escalate.
pub fn conclude(
    actor: &Actor,
    c: &Complaint,
    how: Conclusion,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    let (a, mut m) = as_mediator(actor, c)?;
    let approved = m
        .sessions
        .last()
        .and_then(|s| s.record.as_ref())
        .is_some_and(Record::approved);
    if !approved {
        return Err(invalid("session", "mediation-minutes-not-approved"));
    }
    let kinds: Vec<PartyKind> = m.parties.iter().map(|p| p.kind).collect();
    let (status, outcome, agreed) = match how {
        Conclusion::Agreement(actions) => {
            if actions.is_empty() || actions.len() > MAX_ITEMS {
                return Err(invalid("actions", "mediation-needs-actions"));
            }
            let mut out = Vec::with_capacity(actions.len());
            for (party, what, due) in actions {
                if !kinds.contains(&party) {
                    return Err(invalid("actions", "mediation-unknown-party"));
                }
                if due <= cx.now {
                    return Err(invalid("actions", "mediation-action-due-in-past"));
                }
                out.push(AgreedAction {
                    party,
                    what: text("actions", "invalid-mediation-text", &what, 2000)?,
                    due,
                    done_at: None,
                    overdue: false,
                });
            }
            let n = out.len() as u32;
            (
                Status::Settled,
                Outcome::Agreement {
                    actions: out,
                    at: cx.now,
                },
                Some(n),
            )
        }
        Conclusion::NoAgreement(reason) => (
            Status::Accepted,
            Outcome::NoAgreement {
                reason: text("reason", "invalid-mediation-text", &reason, 5000)?,
                at: cx.now,
            },
            None,
        ),
    };
    let reason = match &outcome {
        Outcome::NoAgreement { reason, .. } => Some(reason.clone()),
        Outcome::Agreement { .. } => None,
    };
    m.outcome = Some(outcome);
    let mut n = with_current(c, m);
    n.status = status;
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::MediationConcluded {
            complaint_id: c.id,
            agreed_actions: agreed,
            reason,
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// The agreed actions of the complaint's last mediation, if it ended in an agreement.
pub fn actions(c: &Complaint) -> &[AgreedAction] {
    match c.mediations.last().and_then(|m| m.outcome.as_ref()) {
        Some(Outcome::Agreement { actions, .. }) => actions,
        _ => &[],
    }
}

/// The mediator, or the party who owes it, reports agreed action `i` (from 0) done.
pub fn action_done(
    by: Follower<'_>,
    actor: &Actor,
    c: &Complaint,
    i: usize,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    if c.status != Status::Settled {
        return Err(invalid("action", "mediation-not-settled"));
    }
    let mut m = c
        .mediations
        .last()
        .cloned()
        .ok_or(invalid("action", "mediation-not-settled"))?;
    let mediator = actor.user().is_some_and(|u| u.user_id == m.mediator);
    let party = m.party_of(by, c);
    let Some(Outcome::Agreement { actions, .. }) = m.outcome.as_mut() else {
        return Err(invalid("action", "mediation-not-settled"));
    };
    let a = actions
        .get_mut(i)
        .ok_or(invalid("action", "mediation-unknown-action"))?;
    if !(mediator || party == Some(a.party)) {
        return Err(Denied::Forbidden.into());
    }
    if a.done_at.is_some() {
        return Err(invalid("action", "mediation-action-done-already"));
    }
    a.done_at = Some(cx.now);
    let late = cx.now > a.due;
    let mut n = c.clone();
    if let Some(last) = n.mediations.last_mut() {
        *last = m;
    }
    let who = match by {
        Follower::Actor(_) if !(party == Some(PartyKind::Complainant) && c.anonymous()) => actor.user(),
        _ => None,
    };
    let ev = NewEvent::new(
        cx,
        Some(c.tenant_id),
        who.map(|u| u.user_id),
        who.map(|u| u.role),
        &Event::MediationActionDone {
            complaint_id: c.id,
            action: i as u32,
            late,
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// The server's timer: each agreed action past its deadline and not done goes on the log, once.
pub fn overdue_actions(
    c: &Complaint,
    cx: &Cx<'_>,
) -> Result<Option<(Complaint, Change<Mutation>)>, CommandError> {
    if c.status != Status::Settled {
        return Ok(None);
    }
    let mut n = c.clone();
    let mut events = Vec::new();
    if let Some(Some(Outcome::Agreement { actions, .. })) =
        n.mediations.last_mut().map(|m| m.outcome.as_mut())
    {
        for (i, a) in actions.iter_mut().enumerate() {
            if a.done_at.is_none() && !a.overdue && cx.now > a.due {
                a.overdue = true;
                events.push(NewEvent::new(
                    cx,
                    Some(c.tenant_id),
                    None,
                    None,
                    &Event::MediationActionOverdue {
                        complaint_id: c.id,
                        action: i as u32,
                        due: a.due,
                    },
                )?);
            }
        }
    }
    if events.is_empty() {
        return Ok(None);
    }
    Ok(Some(put(c, n, events)))
}

/// The auditor reopens a settled complaint whose agreed action was not done (past due and not
/// reported done): it returns to them, to mediate again or escalate.
pub fn reopen(
    actor: &Actor,
    c: &Complaint,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    crate::policy::authorize(actor, crate::policy::Action::HandleComplaints(c.tenant_id))?;
    let a = acting(actor)?;
    if c.status != Status::Settled {
        return Err(invalid("complaint_id", "mediation-not-settled"));
    }
    if !actions(c).iter().any(|x| x.done_at.is_none() && cx.now > x.due) {
        return Err(invalid("complaint_id", "mediation-nothing-overdue"));
    }
    let reason = text("reason", "invalid-mediation-text", reason, 5000)?;
    let mut n = c.clone();
    n.status = Status::Accepted;
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::ComplaintReopened {
            complaint_id: c.id,
            reason,
        },
    )?;
    Ok(put(c, n, vec![ev]))
}
