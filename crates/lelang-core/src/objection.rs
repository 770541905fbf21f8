//! Objections (sanggah): after the winner is announced, a bidder who lost may object to the result
//! within the rule set's period (5 calendar days after the announcement under Perpres 16/2018 as
//! amended); the pokja answers each objection, upheld or rejected with its reasons, within the
//! rule set's period after the objection period ends (3 calendar days). An upheld objection
//! reopens the evaluation (the pokja then awards anew or declares the tender failed). An objection
//! out of time or from someone who did not bid is refused here: it is a complaint (pengaduan), for
//! the complaints stage.
//!
//! Who sees what: that an objection exists, by which company and whether it was upheld is public
//! (the bidders are public from the opening); its text and the answer's reasons may name people, so
//! the public log holds commitments to them and the app shows them to the tender's bidders, its
//! pokja and auditors.

use crate::calendar::WorkingCalendar;
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::evaluation::rank::AwardRecord;
use crate::evaluation::{Evaluation, Status};
use crate::fresh::Cx;
use crate::ids::{ObjectionId, PackageId, TenantId, UserId, VendorId};
use crate::model::TimeZone;
use crate::policy::{Action, Actor, authorize};
use crate::rules::RuleSet;
use crate::schedule::WorkingHours;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The longest objection or answer, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// An objection and, once given, its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objection {
    /// Its id.
    pub id: ObjectionId,
    /// The tender.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The objecting company (a bidder).
    pub vendor_id: VendorId,
    /// Its reasons.
    pub text: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
    /// The pokja's answer.
    pub answer: Option<Answer>,
    /// Files the company filed in support, in order (read by those who read the text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

/// A file in support of an objection; its bytes are kept by their SHA-256 in the document store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The file's name as uploaded.
    pub filename: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The most files an objection may carry.
pub const MAX_EVIDENCE: usize = 5;

/// The pokja's answer to an objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// Whether the objection is upheld (reopening the evaluation).
    pub upheld: bool,
    /// Why.
    pub reason: String,
    /// The member who recorded it.
    pub by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether it came after the answer period.
    pub late: bool,
}

/// An award's objection period and answer deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The winner's announcement.
    pub opens: OffsetDateTime,
    /// Objections are taken until this instant.
    pub closes: OffsetDateTime,
    /// The pokja answers by this instant.
    pub answer_by: OffsetDateTime,
}

impl Window {
    /// The window of an award announced at `announced`, under `rules`: the objection period runs
    /// the rule set's calendar days after the day of the announcement and, like every calendar
    /// period of the schedule, ends on a working day at the close of working hours (the regency's
    /// local time); the answer period runs its calendar days after that.
    pub fn of(rules: &RuleSet, announced: OffsetDateTime, tz: TimeZone, cal: &WorkingCalendar) -> Self {
        let offset = UtcOffset::from_hms(tz.utc_offset_hours(), 0, 0).unwrap_or(UtcOffset::UTC);
        let day = announced.to_offset(offset).date();
        let last = day
            .checked_add(Duration::days(i64::from(rules.periods.objection_calendar_days)))
            .unwrap_or(day);
        let last = cal.next_working_day(last).unwrap_or(last);
        let closes = PrimitiveDateTime::new(last, WorkingHours::default().end)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC);
        Self {
            opens: announced,
            closes,
            answer_by: closes + Duration::days(i64::from(rules.periods.objection_answer_calendar_days)),
        }
    }

    /// Whether objections are still taken at `now`.
    pub fn open_at(&self, now: OffsetDateTime) -> bool {
        now >= self.opens && now < self.closes
    }
}

/// The objection window of an evaluation's announced award.
pub fn window_of(e: &Evaluation, rules: &RuleSet, tz: TimeZone, cal: &WorkingCalendar) -> Option<Window> {
    announced(e).map(|(_, at)| Window::of(rules, at, tz, cal))
}

/// The announced award of an evaluation and when it was announced.
pub fn announced(e: &Evaluation) -> Option<(&AwardRecord, OffsetDateTime)> {
    match &e.status {
        Status::Awarded { record, at } => Some((record, *at)),
        _ => None,
    }
}

/// Whether `actor` reads objections' texts and answers' reasons: the tender's bidders, its pokja
/// and the regency's auditors (everyone else sees that they exist and how they were answered).
pub fn may_read(actor: &Actor, e: &Evaluation) -> bool {
    let Some(u) = actor.user() else {
        return false;
    };
    let bidder = u.vendor_id.is_some_and(|v| {
        authorize(actor, Action::ActForVendor(v)).is_ok() && e.bids.iter().any(|b| b.vendor_id == v)
    });
    let member = authorize(actor, Action::RunTender(e.tenant_id)).is_ok() && e.members.contains(&u.user_id);
    bidder || member || authorize(actor, Action::ViewEvaluation(e.tenant_id)).is_ok()
}

fn text(field: &'static str, code: &'static str, s: &str) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 10..=MAX_TEXT_CHARS, true)
}

/// A company that bid objects to the announced award, inside the objection period, once (as SPSE
/// takes one objection per bidder). The winner does not object to its own award.
pub fn file(
    actor: &Actor,
    vendor: VendorId,
    e: &Evaluation,
    window: &Window,
    existing: &[Objection],
    reasons: &str,
    cx: &Cx<'_>,
) -> Result<(Objection, Change<Mutation>), CommandError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let a = acting(actor)?;
    let Some((record, _)) = announced(e) else {
        return Err(invalid("package_id", "no-award-announced"));
    };
    let bid = record.bids.iter().find(|b| b.vendor_id == vendor);
    let Some(bid) = bid else {
        return Err(invalid("package_id", "objection-not-a-bidder"));
    };
    if record.winner == Some(bid.bid_id) {
        return Err(invalid("package_id", "objection-by-winner"));
    }
    if !window.open_at(cx.now) {
        return Err(invalid("package_id", "objection-period-closed"));
    }
    // Once per bidder and award: an award announced again after an upheld objection may be
    // objected to afresh.
    if existing
        .iter()
        .any(|o| o.vendor_id == vendor && o.filed_at >= window.opens)
    {
        return Err(invalid("package_id", "objection-exists"));
    }
    let text = text("text", "invalid-objection-text", reasons)?;
    let o = Objection {
        id: cx.id(),
        package_id: e.package_id,
        tenant_id: e.tenant_id,
        vendor_id: vendor,
        text: text.clone(),
        filed_at: cx.now,
        answer: None,
        evidence: Vec::new(),
    };
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ObjectionFiled {
            objection_id: o.id,
            package_id: o.package_id,
            vendor_id: vendor,
            text,
        },
    )?;
    Ok((
        o.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertObjection(o)],
        },
    ))
}

/// A member of the tender's pokja answers an objection once the objection period has ended.
/// Upheld, it reopens the evaluation (every finding set aside, the arithmetic kept).
pub fn answer(
    actor: &Actor,
    o: &Objection,
    e: &Evaluation,
    window: &Window,
    upheld: bool,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Objection, Change<Mutation>), CommandError> {
    authorize(actor, Action::RunTender(e.tenant_id))?;
    let a = acting(actor)?;
    if !e.members.contains(&a.user_id) || o.package_id != e.package_id {
        return Err(crate::policy::Denied::Forbidden.into());
    }
    if o.answer.is_some() {
        return Err(invalid("objection_id", "objection-answered-already"));
    }
    if announced(e).is_none() {
        return Err(invalid("package_id", "no-award-announced"));
    }
    if o.filed_at < window.opens {
        // Filed against an award an upheld objection has since reopened: the new award stands
        // on its own evaluation.
        return Err(invalid("objection_id", "objection-superseded"));
    }
    if cx.now < window.closes {
        return Err(invalid("objection_id", "objection-period-running"));
    }
    let reason = text("reason", "invalid-objection-answer", reason)?;
    let mut n = o.clone();
    n.answer = Some(Answer {
        upheld,
        reason: reason.clone(),
        by: a.user_id,
        at: cx.now,
        late: cx.now > window.answer_by,
    });
    let mut events = vec![event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ObjectionAnswered {
            objection_id: o.id,
            package_id: o.package_id,
            upheld,
            reason,
        },
    )?];
    let mut mutations = vec![Mutation::AnswerObjection(n.clone())];
    if upheld {
        let (_, change) =
            crate::evaluation::reopen_after_objection(a, e, format!("Sanggah diterima: {}", o.id.0), cx)?;
        events.extend(change.events);
        mutations.extend(change.mutations.into_iter().map(Mutation::Evaluation));
    }
    Ok((n, Change { events, mutations }))
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A bidder objected to the award.
    ObjectionFiled {
        /// The objection.
        objection_id: ObjectionId,
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Its reasons.
        text: String,
    },
    /// The company added a file in support of its objection.
    ObjectionEvidenceAdded {
        /// The objection.
        objection_id: ObjectionId,
        /// The tender.
        package_id: PackageId,
        /// The file's name.
        filename: String,
        /// Its size in bytes.
        size: u64,
        /// SHA-256 of its bytes, hex.
        sha256: String,
    },
    /// The pokja answered an objection.
    ObjectionAnswered {
        /// The objection.
        objection_id: ObjectionId,
        /// The tender.
        package_id: PackageId,
        /// Upheld or rejected.
        upheld: bool,
        /// Why.
        reason: String,
    },
}

crate::privacy::event_table! {
    ObjectionFiled "objection_filed" actor: PERSONAL, role: PUBLIC, {
        objection_id: PUBLIC => "the objection",
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the bidders are public from the opening",
        text: PERSONAL => "its reasons may name people; the bidders, the pokja and auditors read them",
    }
    ObjectionEvidenceAdded "objection_evidence_added" actor: PERSONAL, role: PUBLIC, {
        objection_id: PUBLIC => "the objection",
        package_id: PUBLIC => "the tender",
        filename: PERSONAL => "a file's name may name people; the bidders, the pokja and auditors read it",
        size: PUBLIC => "a size says nothing of the content",
        sha256: PERSONAL => "what the bidders, the pokja and auditors read, committed",
    }
    ObjectionAnswered "objection_answered" actor: PERSONAL, role: PUBLIC, {
        objection_id: PUBLIC => "the objection",
        package_id: PUBLIC => "the tender",
        upheld: PUBLIC => "whether the award stands is public",
        reason: PERSONAL => "its reasons may name people; the bidders, the pokja and auditors read them",
    }
}

/// Whether `actor` may add evidence to objection `o`: its company, inside the objection period,
/// before the answer, up to [`MAX_EVIDENCE`] files.
pub fn may_add_evidence(
    actor: &Actor,
    window: &Window,
    o: &Objection,
    now: OffsetDateTime,
) -> Result<(), CommandError> {
    authorize(actor, Action::ActForVendor(o.vendor_id))?;
    if o.filed_at < window.opens || !window.open_at(now) {
        return Err(invalid("package_id", "objection-period-closed"));
    }
    if o.answer.is_some() {
        return Err(invalid("package_id", "objection-answered-already"));
    }
    if o.evidence.len() >= MAX_EVIDENCE {
        return Err(invalid("file", "too-much-evidence"));
    }
    Ok(())
}

/// The company adds a file in support of its objection (its name and type checked as a tender
/// document's; its bytes stored by their hash once this is decided; `max_bytes` is the
/// deployment's upload limit). The `media_type` given is replaced by the one its name implies.
pub fn add_evidence(
    actor: &Actor,
    window: &Window,
    o: &Objection,
    file: Evidence,
    max_bytes: u64,
    cx: &Cx<'_>,
) -> Result<(Objection, Change<Mutation>), CommandError> {
    may_add_evidence(actor, window, o, cx.now)?;
    let a = acting(actor)?;
    let added = checked_evidence(file, max_bytes, cx.now)?;
    let mut next = o.clone();
    next.evidence.push(added.clone());
    let ev = event(
        a,
        cx,
        Some(o.tenant_id),
        Event::ObjectionEvidenceAdded {
            objection_id: o.id,
            package_id: o.package_id,
            filename: added.filename,
            size: added.size,
            sha256: added.sha256,
        },
    )?;
    Ok((
        next.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::AddEvidence {
                objection: next,
                read: o.clone(),
            }],
        },
    ))
}

/// A file in support of a claim (an objection's, a complaint's), checked: its name and type by
/// the documents' rules (no path, a known type, the type its name implies), its size within
/// `max_bytes`, its hash well formed; stamped `now`.
pub fn checked_evidence(
    file: Evidence,
    max_bytes: u64,
    now: OffsetDateTime,
) -> Result<Evidence, CommandError> {
    let (filename, media_type) = crate::document::check_filename(&file.filename)?;
    if file.size == 0 || file.size > max_bytes {
        return Err(invalid("file", "invalid-file-size"));
    }
    if file.sha256.len() != 64 || !file.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("file", "invalid-file"));
    }
    Ok(Evidence {
        filename,
        media_type: media_type.to_owned(),
        at: now,
        ..file
    })
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// An upheld objection reopens the evaluation.
    Evaluation(crate::evaluation::Mutation),
    /// A new objection.
    InsertObjection(Objection),
    /// An objection answered; refused if it already was.
    AnswerObjection(Objection),
    /// Evidence added: the objection written whole, only over the one read.
    AddEvidence {
        /// The objection with the file.
        objection: Objection,
        /// As it was read.
        read: Objection,
    },
}

#[cfg(test)]
mod tests;
