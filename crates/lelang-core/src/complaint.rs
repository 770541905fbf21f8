//! Complaints (pengaduan): anyone — a company, a citizen, an official — tells the regency's
//! internal auditor (APIP, Perpres 16/2018 Pasal 77) about a package, a tender, a contract or a
//! person, with evidence. The auditor triages it: accepts it, asks for more, merges a duplicate,
//! rejects it with a reason, or closes it once handled.
//!
//! A complainant may stay anonymous. Every complainant gets a follow-up code, shown once and kept
//! only as its SHA-256, with which they read the answers, reply and add evidence; an anonymous
//! complaint keeps nothing else about who filed it (no user, no name, no contact, no actor on its
//! events). Every complaint has a number, a category, an answer due date from the rule set in
//! force (the server's timer puts a missed one on the log) and a public status line; its text,
//! the notes and the complainant's identity reach the regency's auditors only (and the
//! complainant), and on the public log they are commitments.

use crate::calendar::WorkingCalendar;
use crate::command::{Change, CommandError, acting, invalid};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{ComplaintId, PackageId, TenantId, UserId, VendorId};
use crate::model::TimeZone;
use crate::objection::Evidence;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::RuleSet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

pub mod figures;
pub mod mediation;

/// The longest complaint, note or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The most files a complaint may carry.
pub const MAX_EVIDENCE: usize = 10;

/// What a complaint is about, as the complainant files it (the auditor may not recategorise: the
/// category is the complainant's word, and part of the public figures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// The tender's process: schedule, documents, evaluation.
    Process,
    /// Bidders arranging prices or winners among themselves.
    Collusion,
    /// Bribery, extortion or fraud: never mediated, only escalated.
    Bribery,
    /// An official's conflict of interest.
    ConflictOfInterest,
    /// The contract's execution: quality, payment, delay.
    Contract,
    /// An objection out of time or by a company that did not bid (sanggah turned pengaduan).
    LateObjection,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category, in the order the form lists them.
    pub const ALL: [Category; 7] = [
        Category::Process,
        Category::Collusion,
        Category::Bribery,
        Category::ConflictOfInterest,
        Category::Contract,
        Category::LateObjection,
        Category::Other,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Category::Process => "process",
            Category::Collusion => "collusion",
            Category::Bribery => "bribery",
            Category::ConflictOfInterest => "conflict_of_interest",
            Category::Contract => "contract",
            Category::LateObjection => "late_objection",
            Category::Other => "other",
        }
    }

    /// The category of a code.
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// What the complaint is about: one of the regency's packages (as a package, a tender or a
/// contract), a person (named in the text, never in a field), or the unit in general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "package_id", rename_all = "snake_case")]
pub enum Subject {
    /// A package before its tender.
    Package(PackageId),
    /// A tender.
    Tender(PackageId),
    /// A contract.
    Contract(PackageId),
    /// A person (official or vendor staff), named in the text.
    Person,
    /// The unit's service in general.
    General,
}

impl Subject {
    /// The package it concerns, if any.
    pub fn package(self) -> Option<PackageId> {
        match self {
            Subject::Package(p) | Subject::Tender(p) | Subject::Contract(p) => Some(p),
            Subject::Person | Subject::General => None,
        }
    }

    /// The stable code of its kind.
    pub fn kind(self) -> &'static str {
        match self {
            Subject::Package(_) => "package",
            Subject::Tender(_) => "tender",
            Subject::Contract(_) => "contract",
            Subject::Person => "person",
            Subject::General => "general",
        }
    }
}

/// Who filed a complaint, as far as the regency keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Complainant {
    /// Nothing kept: only the follow-up code's hash lets anyone act for them.
    Anonymous,
    /// Someone without an account who gave a name and a way to reach them.
    Named {
        /// Their name.
        name: String,
        /// An address, e-mail or phone number.
        contact: String,
    },
    /// A signed-in user (and the company they acted for, if a vendor).
    User {
        /// The user.
        user_id: UserId,
        /// Their company.
        vendor_id: Option<VendorId>,
    },
}

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum Status {
    /// Filed (or answered by the complainant), waiting for the auditor.
    Received,
    /// The auditor asked the complainant for more.
    AwaitingInformation,
    /// Accepted for handling.
    Accepted,
    /// Being mediated.
    InMediation,
    /// Settled by a mediation's agreement.
    Settled,
    /// Escalated to law enforcement as a case.
    Escalated,
    /// Rejected with a reason.
    Rejected,
    /// A duplicate, handled as the other complaint.
    Merged {
        /// The complaint it joined.
        into: ComplaintId,
    },
    /// Handled and closed.
    Closed,
}

impl Status {
    /// The stable code shown on the public status line.
    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::AwaitingInformation => "awaiting_information",
            Status::Accepted => "accepted",
            Status::InMediation => "in_mediation",
            Status::Settled => "settled",
            Status::Escalated => "escalated",
            Status::Rejected => "rejected",
            Status::Merged { .. } => "merged",
            Status::Closed => "closed",
        }
    }

    /// Whether the complaint is still being handled (it takes replies, evidence and triage).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::AwaitingInformation | Status::Accepted | Status::InMediation
        )
    }
}

/// Who wrote a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    /// The regency's auditor.
    Auditor,
    /// The complainant.
    Complainant,
}

/// One step of the conversation between the auditor and the complainant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Who wrote it.
    pub author: Author,
    /// The auditor's decision it carries (`None` for a complainant's reply).
    pub decision: Option<Decision>,
    /// Its text.
    pub text: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What the auditor decided in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accepted for handling.
    Accept,
    /// Asked the complainant for more.
    AskMore,
    /// Rejected.
    Reject,
    /// Merged into another complaint.
    Merge,
    /// Closed once handled.
    Close,
}

impl Decision {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::AskMore => "ask_more",
            Decision::Reject => "reject",
            Decision::Merge => "merge",
            Decision::Close => "close",
        }
    }

    /// The decision of a code.
    pub fn from_code(s: &str) -> Option<Self> {
        [
            Decision::Accept,
            Decision::AskMore,
            Decision::Reject,
            Decision::Merge,
            Decision::Close,
        ]
        .into_iter()
        .find(|d| d.code() == s)
    }
}

/// A complaint, written whole and versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    /// Its id.
    pub id: ComplaintId,
    /// The regency whose auditor handles it.
    pub tenant_id: TenantId,
    /// Its number, `PGD-<year>-<n>`, one sequence per regency and year.
    pub number: String,
    /// What kind of matter.
    pub category: Category,
    /// What it is about.
    pub subject: Subject,
    /// What the complainant wrote.
    pub text: String,
    /// Who filed it (as far as kept).
    pub complainant: Complainant,
    /// SHA-256 of its follow-up code, hex.
    pub code_hash: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
    /// The auditor's first answer is due by then.
    #[serde(with = "time::serde::rfc3339")]
    pub answer_due: OffsetDateTime,
    /// When the auditor first answered.
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_answer_at: Option<OffsetDateTime>,
    /// Whether the missed due date is on the log.
    pub overdue: bool,
    /// Where it stands.
    pub status: Status,
    /// The conversation, in order.
    pub notes: Vec<Note>,
    /// Files in support, in order.
    pub evidence: Vec<Evidence>,
    /// Its mediations, in order (the last is the current one while in mediation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mediations: Vec<mediation::Mediation>,
    /// Bumped by every change, so that a change holds only on the version read.
    pub version: u32,
}

impl Complaint {
    /// Whether the complainant chose to stay anonymous.
    pub fn anonymous(&self) -> bool {
        self.complainant == Complainant::Anonymous
    }

    /// Whether the first answer is late at `now` (not given and past due, or given after).
    pub fn answer_late(&self, now: OffsetDateTime) -> bool {
        match self.first_answer_at {
            Some(at) => at > self.answer_due,
            None => now > self.answer_due,
        }
    }
}

/// The hex SHA-256 of a follow-up code (how it is kept and looked up), read as typed: letters
/// and digits only, in upper case, so spaces, dashes and case do not matter.
pub fn code_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let d = Sha256::digest(norm.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A follow-up code from 15 random bytes (120 bits): 24 characters of Crockford's base32 (no I,
/// L, O or U to misread), in groups of four.
pub fn format_code(bytes: [u8; 15]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = String::with_capacity(29);
    let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
    for b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            if n > 0 && n % 4 == 0 {
                out.push('-');
            }
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
            n += 1;
        }
        acc &= (1 << bits) - 1;
    }
    out
}

/// Who acts on a complaint as its complainant: a signed-in user, or anyone holding its code.
#[derive(Debug, Clone, Copy)]
pub enum Follower<'a> {
    /// The signed-in actor (their own complaint).
    Actor(&'a Actor),
    /// The follow-up code typed in.
    Code(&'a str),
}

impl Follower<'_> {
    /// Whether this follower is the complainant of `c`.
    pub fn follows(&self, c: &Complaint) -> bool {
        match self {
            Follower::Code(code) => {
                let h = code_hash(code);
                code.chars().any(|c| c.is_ascii_alphanumeric())
                    && h.len() == c.code_hash.len()
                    && constant_eq(&h, &c.code_hash)
            }
            Follower::Actor(a) => match (&c.complainant, a.user()) {
                (Complainant::User { user_id, .. }, Some(u)) => *user_id == u.user_id,
                _ => false,
            },
        }
    }
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `actor` reads complaints of `tenant` in full: its auditors (APIP).
pub fn may_handle(actor: &Actor, tenant: TenantId) -> bool {
    authorize(actor, Action::HandleComplaints(tenant)).is_ok()
}

/// Whether `actor` (or a code's holder) reads complaint `c` in full: its complainant, the
/// regency's auditors, and — while a mediation runs — its mediator and the parties at the table
/// (the complainant's identity stays with the auditors: see the views). A past mediation's
/// parties read nothing more once it ends.
pub fn may_read(by: Follower<'_>, c: &Complaint) -> bool {
    let at_the_table = |a: &Actor| {
        a.user().is_some_and(|u| {
            u.tenant_id.is_none_or(|t| t == c.tenant_id)
                && mediation::current(c).is_some_and(|m| {
                    m.mediator == u.user_id
                        || m.parties.iter().any(|p| {
                            p.kind != mediation::PartyKind::Complainant && p.users.contains(&u.user_id)
                        })
                })
        })
    };
    by.follows(c) || matches!(by, Follower::Actor(a) if may_handle(a, c.tenant_id) || at_the_table(a))
}

/// The day a complaint filed at `filed` must first be answered by: the rule set's working days
/// after the day it was filed, at the close of working hours in the regency's time.
pub fn answer_due(
    rules: &RuleSet,
    filed: OffsetDateTime,
    tz: TimeZone,
    cal: &WorkingCalendar,
) -> OffsetDateTime {
    let offset = UtcOffset::from_hms(tz.utc_offset_hours(), 0, 0).unwrap_or(UtcOffset::UTC);
    let day = filed.to_offset(offset).date();
    let days = u32::try_from(rules.complaint.answer_working_days.value).unwrap_or(5);
    let first = day.next_day().unwrap_or(day);
    let last = cal.working_days_end(first, days.max(1)).unwrap_or(first);
    PrimitiveDateTime::new(last, crate::schedule::WorkingHours::default().end)
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

fn text(field: &'static str, code: &'static str, s: &str) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 10..=MAX_TEXT_CHARS, true)
}

/// A complaint as filed, before the regency numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    /// The regency.
    pub tenant_id: TenantId,
    /// Its category.
    pub category: Category,
    /// What it is about (a package of this regency: the caller checked it exists here).
    pub subject: Subject,
    /// What the complainant wrote.
    pub text: String,
    /// Stay anonymous: nothing about the sender is kept, even when signed in.
    pub anonymous: bool,
    /// A name and contact, when not signed in and not anonymous.
    pub identity: Option<(String, String)>,
}

/// Files a complaint. Anyone may: a signed-in user is recorded as its complainant unless they ask
/// to stay anonymous; someone signed out either stays anonymous or gives a name and a contact.
/// `number`, `code_hash` and `due` come from the caller (the regency's sequence, the random code
/// it shows once, the rule set's due date).
pub fn file(
    actor: &Actor,
    f: Filing,
    number: String,
    code_hash: String,
    due: OffsetDateTime,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    if actor.user().is_some_and(|u| u.role.is_read_only()) {
        return Err(Denied::Forbidden.into());
    }
    let body = text("text", "invalid-complaint-text", &f.text)?;
    if code_hash.len() != 64 || !code_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid("code", "invalid-complaint-code"));
    }
    let complainant = match (f.anonymous, actor.user(), f.identity) {
        (true, _, _) => Complainant::Anonymous,
        (false, Some(u), _) => Complainant::User {
            user_id: u.user_id,
            vendor_id: u.vendor_id,
        },
        (false, None, Some((name, contact))) => Complainant::Named {
            name: crate::command::valid_name("name", &name)?,
            contact: crate::command::bounded(
                "contact",
                "invalid-complaint-contact",
                &contact,
                5..=200,
                false,
            )?,
        },
        (false, None, None) => return Err(invalid("name", "complaint-identity-missing")),
    };
    let c = Complaint {
        id: cx.id(),
        tenant_id: f.tenant_id,
        number,
        category: f.category,
        subject: f.subject,
        text: body.clone(),
        complainant: complainant.clone(),
        code_hash,
        filed_at: cx.now,
        answer_due: due,
        first_answer_at: None,
        overdue: false,
        status: Status::Received,
        notes: Vec::new(),
        evidence: Vec::new(),
        mediations: Vec::new(),
        version: 1,
    };
    let payload = Event::ComplaintFiled {
        complaint_id: c.id,
        number: c.number.clone(),
        category: c.category,
        subject: c.subject,
        anonymous: f.anonymous,
        complainant: match &complainant {
            Complainant::Named { name, contact } => Some(format!("{name} <{contact}>")),
            _ => None,
        },
        text: body,
        answer_due: due,
    };
    let ev = as_complainant(actor, &c, cx, payload)?;
    Ok((
        c.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertComplaint(c)],
        },
    ))
}

/// The event of something the complainant did: signed by the user who filed it, by no one when
/// anonymous or signed out (the code is not a person).
fn as_complainant(
    actor: &Actor,
    c: &Complaint,
    cx: &Cx<'_>,
    payload: Event,
) -> Result<NewEvent, CommandError> {
    let who = match (&c.complainant, actor.user()) {
        (Complainant::User { user_id, .. }, Some(u)) if *user_id == u.user_id => Some(u),
        _ => None,
    };
    Ok(NewEvent::new(
        cx,
        Some(c.tenant_id),
        who.map(|u| u.user_id),
        who.map(|u| u.role),
        &payload,
    )?)
}

/// The complainant replies (answering a request for more, or adding to an open complaint); a
/// complaint awaiting information goes back to the auditor.
pub fn reply(
    by: Follower<'_>,
    actor: &Actor,
    c: &Complaint,
    body: &str,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    if !by.follows(c) {
        return Err(Denied::Forbidden.into());
    }
    if !c.status.is_open() {
        return Err(invalid("complaint_id", "complaint-closed"));
    }
    let body = text("text", "invalid-complaint-text", body)?;
    let mut n = c.clone();
    n.notes.push(Note {
        author: Author::Complainant,
        decision: None,
        text: body.clone(),
        at: cx.now,
    });
    if n.status == Status::AwaitingInformation {
        n.status = Status::Received;
    }
    let ev = as_complainant(
        actor,
        c,
        cx,
        Event::ComplaintReplied {
            complaint_id: c.id,
            text: body,
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// The complainant adds a file (named and typed as a tender document; its bytes kept by hash once
/// this is decided), while the complaint is open, up to [`MAX_EVIDENCE`].
pub fn add_evidence(
    by: Follower<'_>,
    actor: &Actor,
    c: &Complaint,
    file: Evidence,
    max_bytes: u64,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    may_add_evidence(by, c)?;
    let file = crate::objection::checked_evidence(file, max_bytes, cx.now)?;
    let mut n = c.clone();
    n.evidence.push(file.clone());
    let ev = as_complainant(
        actor,
        c,
        cx,
        Event::ComplaintEvidenceAdded {
            complaint_id: c.id,
            filename: file.filename,
            size: file.size,
            sha256: file.sha256,
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// Whether `by` may add a file to `c` now.
pub fn may_add_evidence(by: Follower<'_>, c: &Complaint) -> Result<(), CommandError> {
    if !by.follows(c) {
        return Err(Denied::Forbidden.into());
    }
    if !c.status.is_open() {
        return Err(invalid("complaint_id", "complaint-closed"));
    }
    if c.evidence.len() >= MAX_EVIDENCE {
        return Err(invalid("file", "too-much-evidence"));
    }
    Ok(())
}

/// The decisions the auditor may take on `c` now.
pub fn decisions(c: &Complaint) -> Vec<Decision> {
    match c.status {
        Status::Received => vec![
            Decision::Accept,
            Decision::AskMore,
            Decision::Reject,
            Decision::Merge,
        ],
        Status::AwaitingInformation => vec![Decision::Reject, Decision::Merge],
        Status::Accepted => vec![Decision::AskMore, Decision::Close],
        Status::InMediation
        | Status::Settled
        | Status::Escalated
        | Status::Rejected
        | Status::Merged { .. }
        | Status::Closed => vec![],
    }
}

/// The regency's auditor decides on a complaint with a note to the complainant. Merging names the
/// complaint it joins (`into`: open, of the same regency, not itself nor merged into it).
pub fn triage(
    actor: &Actor,
    c: &Complaint,
    decision: Decision,
    note: &str,
    into: Option<&Complaint>,
    cx: &Cx<'_>,
) -> Result<(Complaint, Change<Mutation>), CommandError> {
    authorize(actor, Action::HandleComplaints(c.tenant_id))?;
    let a = acting(actor)?;
    if !decisions(c).contains(&decision) {
        return Err(invalid("decision", "complaint-decision-not-now"));
    }
    let body = text("note", "invalid-complaint-note", note)?;
    let mut n = c.clone();
    n.status = match decision {
        Decision::Accept => Status::Accepted,
        Decision::AskMore => Status::AwaitingInformation,
        Decision::Reject => Status::Rejected,
        Decision::Close => Status::Closed,
        Decision::Merge => {
            let Some(other) = into else {
                return Err(invalid("into", "complaint-merge-target-missing"));
            };
            if other.id == c.id || other.tenant_id != c.tenant_id || !other.status.is_open() {
                return Err(invalid("into", "complaint-merge-target-invalid"));
            }
            Status::Merged { into: other.id }
        }
    };
    n.notes.push(Note {
        author: Author::Auditor,
        decision: Some(decision),
        text: body.clone(),
        at: cx.now,
    });
    n.first_answer_at.get_or_insert(cx.now);
    let ev = crate::command::event(
        a,
        cx,
        Some(c.tenant_id),
        Event::ComplaintTriaged {
            complaint_id: c.id,
            decision,
            into: match n.status {
                Status::Merged { into } => Some(into),
                _ => None,
            },
            note: body,
            late: n.answer_late(cx.now) && c.first_answer_at.is_none(),
        },
    )?;
    Ok(put(c, n, vec![ev]))
}

/// The server's timer: a complaint whose first answer is past due goes on the log, once.
pub fn overdue(c: &Complaint, cx: &Cx<'_>) -> Result<Option<(Complaint, Change<Mutation>)>, CommandError> {
    if c.overdue || c.first_answer_at.is_some() || !c.status.is_open() || cx.now <= c.answer_due {
        return Ok(None);
    }
    let mut n = c.clone();
    n.overdue = true;
    let ev = NewEvent::new(
        cx,
        Some(c.tenant_id),
        None,
        None,
        &Event::ComplaintAnswerOverdue {
            complaint_id: c.id,
            answer_due: c.answer_due,
        },
    )?;
    Ok(Some(put(c, n, vec![ev])))
}

fn put(read: &Complaint, mut next: Complaint, events: Vec<NewEvent>) -> (Complaint, Change<Mutation>) {
    next.version = read.version + 1;
    (
        next.clone(),
        Change {
            events,
            mutations: vec![Mutation::PutComplaint {
                complaint: next,
                read_version: read.version,
            }],
        },
    )
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A complaint was filed.
    ComplaintFiled {
        /// The complaint.
        complaint_id: ComplaintId,
        /// Its number.
        number: String,
        /// Its category.
        category: Category,
        /// What it is about.
        subject: Subject,
        /// Whether its complainant stays anonymous.
        anonymous: bool,
        /// The name and contact of a complainant without an account who gave them.
        complainant: Option<String>,
        /// What they wrote.
        text: String,
        /// The first answer is due by then.
        #[serde(with = "time::serde::rfc3339")]
        answer_due: OffsetDateTime,
    },
    /// The complainant replied.
    ComplaintReplied {
        /// The complaint.
        complaint_id: ComplaintId,
        /// What they wrote.
        text: String,
    },
    /// The complainant added a file.
    ComplaintEvidenceAdded {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The file's name.
        filename: String,
        /// Its size in bytes.
        size: u64,
        /// SHA-256 of its bytes, hex.
        sha256: String,
    },
    /// The auditor decided in triage.
    ComplaintTriaged {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The decision.
        decision: Decision,
        /// The complaint it was merged into.
        into: Option<ComplaintId>,
        /// The note to the complainant.
        note: String,
        /// Whether this first answer came after its due date.
        late: bool,
    },
    /// A complaint's first answer is past due (the server's timer).
    ComplaintAnswerOverdue {
        /// The complaint.
        complaint_id: ComplaintId,
        /// When it was due.
        #[serde(with = "time::serde::rfc3339")]
        answer_due: OffsetDateTime,
    },
    /// A mediation of the complaint opened.
    MediationOpened {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The mediator.
        mediator: UserId,
        /// The parties, by kind.
        parties: Vec<mediation::PartyKind>,
    },
    /// A session was scheduled.
    MediationSessionScheduled {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The session's number (from 1).
        session: u32,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        /// Where.
        place: String,
    },
    /// A held session was recorded: who attended, the minutes' hash.
    MediationSessionRecorded {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The session's number.
        session: u32,
        /// The parties who attended.
        attended: Vec<mediation::PartyKind>,
        /// SHA-256 of the minutes, hex.
        minutes_sha256: String,
    },
    /// A party approved a session's minutes.
    MediationMinutesApproved {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The session's number.
        session: u32,
        /// The party.
        party: mediation::PartyKind,
        /// The minutes approved, by their hash.
        minutes_sha256: String,
    },
    /// The mediation ended: an agreement (with its number of actions) or none (with why).
    MediationConcluded {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The number of agreed actions, when agreed.
        agreed_actions: Option<u32>,
        /// Why there is no agreement.
        reason: Option<String>,
    },
    /// An agreed action was reported done.
    MediationActionDone {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The action (from 0).
        action: u32,
        /// Whether after its deadline.
        late: bool,
    },
    /// An agreed action is past its deadline and not done (the server's timer).
    MediationActionOverdue {
        /// The complaint.
        complaint_id: ComplaintId,
        /// The action (from 0).
        action: u32,
        /// Its deadline.
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
    },
    /// A settled complaint reopened: an agreed action was not done.
    ComplaintReopened {
        /// The complaint.
        complaint_id: ComplaintId,
        /// Why.
        reason: String,
    },
}

crate::privacy::event_table! {
    ComplaintFiled "complaint_filed" actor: PERSONAL, role: PERSONAL, {
        complaint_id: PUBLIC => "the complaint",
        number: PUBLIC => "its public number",
        category: PUBLIC => "the public figures count complaints by category",
        subject: COMPLAINT => "which package a complaint concerns could warn the subject of an investigation: the status line shows it only for complaints neither about bribery nor escalated",
        anonymous: PUBLIC => "that a complainant stays anonymous says nothing of who they are",
        complainant: COMPLAINT => "a complainant's identity: the regency's auditors only, each read logged",
        text: COMPLAINT => "it may name people and the complainant: the regency's auditors only",
        answer_due: PUBLIC => "the service level is public",
    }
    ComplaintReplied "complaint_replied" actor: PERSONAL, role: PERSONAL, {
        complaint_id: PUBLIC => "the complaint",
        text: COMPLAINT => "it may name people and the complainant: the regency's auditors only",
    }
    ComplaintEvidenceAdded "complaint_evidence_added" actor: PERSONAL, role: PERSONAL, {
        complaint_id: PUBLIC => "the complaint",
        filename: COMPLAINT => "a file's name may name people: the regency's auditors only",
        size: PUBLIC => "a size says nothing of the content",
        sha256: COMPLAINT => "what the auditors read, committed",
    }
    ComplaintTriaged "complaint_triaged" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the complaint",
        decision: PUBLIC => "the public status line",
        into: PUBLIC => "a duplicate's complaint is public by its number",
        note: COMPLAINT => "it may name people: the regency's auditors and the complainant only",
        late: PUBLIC => "the service level is public",
    }
    ComplaintAnswerOverdue "complaint_answer_overdue" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the complaint",
        answer_due: PUBLIC => "the service level is public",
    }
    MediationOpened "mediation_opened" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the status line says it is in mediation",
        mediator: PERSONAL => "who mediates is personal data",
        parties: PUBLIC => "which kinds of party sit at the table",
    }
    MediationSessionScheduled "mediation_session_scheduled" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the complaint",
        session: PUBLIC => "how many sessions a mediation takes is a public figure",
        at: PUBLIC => "when",
        place: COMPLAINT => "where the parties meet: the regency's auditors only",
    }
    MediationSessionRecorded "mediation_session_recorded" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the complaint",
        session: PUBLIC => "the session",
        attended: PUBLIC => "which kinds of party came",
        minutes_sha256: PUBLIC => "the minutes' hash: anyone given the minutes can check them against the log",
    }
    MediationMinutesApproved "mediation_minutes_approved" actor: PERSONAL, role: PERSONAL, {
        complaint_id: PUBLIC => "the complaint",
        session: PUBLIC => "the session",
        party: PUBLIC => "which kind of party approved",
        minutes_sha256: PUBLIC => "what they approved, by its hash",
    }
    MediationConcluded "mediation_concluded" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "settled or not is on the status line",
        agreed_actions: PUBLIC => "how many actions were agreed",
        reason: COMPLAINT => "it may name people: the regency's auditors only",
    }
    MediationActionDone "mediation_action_done" actor: PERSONAL, role: PERSONAL, {
        complaint_id: PUBLIC => "the complaint",
        action: PUBLIC => "which action",
        late: PUBLIC => "overdue agreed actions are a public figure",
    }
    MediationActionOverdue "mediation_action_overdue" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the complaint",
        action: PUBLIC => "which action",
        due: PUBLIC => "overdue agreed actions are a public figure",
    }
    ComplaintReopened "complaint_reopened" actor: PERSONAL, role: PUBLIC, {
        complaint_id: PUBLIC => "the status line",
        reason: COMPLAINT => "it may name people: the regency's auditors only",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A new complaint (its number unique in its regency, its code's hash unique).
    InsertComplaint(Complaint),
    /// A complaint written whole, only over the version read.
    PutComplaint {
        /// The complaint as changed.
        complaint: Complaint,
        /// The version the command read.
        read_version: u32,
    },
}

#[cfg(test)]
mod tests;
