//! Hand-over (penyerahan dokumen persiapan pengadaan): the PPK hands a prepared package to the
//! procurement unit with a readiness checklist; the ULP head reviews it and returns it with notes
//! or accepts it; only an accepted package is given a pokja. Beside it, every package has a
//! conversation among its PPK, its pokja and the ULP head, kept with the package and read by the
//! regency's auditors — so that questions are settled before the tender, not in a dispute after.
//!
//! The rule: the PPK sets the technical specification or terms of reference (KAK), the draft
//! contract and the HPS (Perpres 16/2018 Pasal 11 ayat (1) huruf c–e, as amended by Perpres
//! 12/2021), and hands the preparation documents to the UKPBJ, whose head then assigns the pokja
//! (Perpres 16/2018 Pasal 13; Peraturan LKPP 12/2021, Lampiran I, "persiapan pemilihan"). The
//! four items of the checklist — KAK/specification, HPS with its breakdown, draft contract, budget
//! document (DPA) — follow that list; the exact enumeration in Peraturan LKPP 12/2021 was not
//! confirmed from its text here (it also names e.g. a market analysis), so the items are data of
//! this module, kept in one place ([`Item::ALL`]).

use crate::command::{Change, CommandError, acting, bounded, event, invalid};
use crate::fresh::Cx;
use crate::ids::{MessageId, PackageId, TenantId, UserId, WorkUnitId};
use crate::package::Package;
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, authorize};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One item of the readiness checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// The technical specification or terms of reference (spesifikasi teknis / KAK).
    Specification,
    /// The owner's estimate with its breakdown (HPS), as set by the PPK.
    OwnerEstimate,
    /// The draft contract (rancangan kontrak).
    DraftContract,
    /// The budget document that funds it (DPA).
    BudgetDocument,
}

impl Item {
    /// Every item, in the order forms list them.
    pub const ALL: [Item; 4] = [
        Item::Specification,
        Item::OwnerEstimate,
        Item::DraftContract,
        Item::BudgetDocument,
    ];

    /// The stable code (message keys, forms, the API).
    pub fn code(self) -> &'static str {
        match self {
            Item::Specification => "specification",
            Item::OwnerEstimate => "owner_estimate",
            Item::DraftContract => "draft_contract",
            Item::BudgetDocument => "budget_document",
        }
    }

    /// The item of a code.
    pub fn from_code(code: &str) -> Option<Item> {
        Item::ALL.into_iter().find(|i| i.code() == code)
    }
}

/// One ticked item: which document stands for it, by its number and date as the PPK set it
/// (e.g. "KAK No. 027/114/429.107/2027, 3 Februari 2027").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The item.
    pub item: Item,
    /// The document's reference.
    pub reference: String,
}

/// Where a hand-over stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the ULP head's review.
    Submitted,
    /// Returned to the PPK with notes, to be fixed and submitted again.
    Returned,
    /// Accepted: the package may be given a pokja.
    Accepted,
}

impl Status {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Accepted => "accepted",
        }
    }
}

/// One step of a hand-over's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// The PPK submitted (round 1) or submitted again, answering the notes.
    Submitted {
        /// Which submission.
        round: u32,
        /// The PPK's note (what was fixed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The ULP head returned it.
    Returned {
        /// Which submission.
        round: u32,
        /// What must change.
        notes: String,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The ULP head accepted it.
    Accepted {
        /// Which submission.
        round: u32,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

/// A package's hand-over to the procurement unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The work unit that hands it over.
    pub work_unit_id: WorkUnitId,
    /// Where it stands.
    pub status: Status,
    /// The current submission, from 1.
    pub round: u32,
    /// The checklist as last submitted.
    pub checklist: Vec<Entry>,
    /// Every step, oldest first.
    pub history: Vec<Step>,
    /// Bumped by every change: the store refuses a change read from an older one.
    pub version: u32,
}

impl Handover {
    /// The notes of the last return, while it is returned.
    pub fn open_notes(&self) -> Option<&str> {
        if self.status != Status::Returned {
            return None;
        }
        self.history.iter().rev().find_map(|s| match s {
            Step::Returned { notes, .. } => Some(notes.as_str()),
            _ => None,
        })
    }

    /// When it was last submitted.
    pub fn submitted_at(&self) -> Option<OffsetDateTime> {
        self.history.iter().rev().find_map(|s| match s {
            Step::Submitted { at, .. } => Some(*at),
            _ => None,
        })
    }
}

/// The longest reference of a checklist item, in characters.
pub const MAX_REFERENCE_CHARS: usize = 200;
/// The longest note or message, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// The ULP head reviews hand-overs: the same authority that assigns the pokja.
fn as_unit_head(actor: &Actor, tenant: TenantId) -> Result<(), CommandError> {
    authorize(actor, Action::AssignPokja(tenant)).map_err(Into::into)
}

/// The PPK of the package's work unit submits it for tender with its checklist (every item, each
/// with its document's reference), first or again after a return, with a note saying what changed.
pub fn submit(
    actor: &Actor,
    package: &Package,
    current: Option<&Handover>,
    checklist: &[Entry],
    note: &str,
    cx: &Cx<'_>,
) -> Result<(Handover, Change<Mutation>), CommandError> {
    crate::package::as_ppk(actor, package)?;
    let a = acting(actor)?;
    match current.map(|h| h.status) {
        Some(Status::Submitted) => return Err(invalid("package_id", "handover-pending")),
        Some(Status::Accepted) => return Err(invalid("package_id", "handover-already-accepted")),
        None | Some(Status::Returned) => {}
    }
    if package.hps_breakdown.is_empty() {
        return Err(invalid("owner_estimate", "handover-no-breakdown"));
    }
    let mut entries = Vec::with_capacity(Item::ALL.len());
    for item in Item::ALL {
        let mut given = checklist.iter().filter(|e| e.item == item);
        let (Some(e), None) = (given.next(), given.next()) else {
            return Err(invalid(item.code(), "handover-item-missing"));
        };
        let reference = bounded(
            item.code(),
            "handover-reference",
            &e.reference,
            3..=MAX_REFERENCE_CHARS,
            false,
        )?;
        if !crate::text::is_clean_line(&reference) {
            return Err(invalid(item.code(), "handover-reference"));
        }
        entries.push(Entry { item, reference });
    }
    if checklist.len() != entries.len() {
        return Err(invalid("checklist", "handover-item-missing"));
    }
    let note = bounded("note", "handover-note-invalid", note, 0..=MAX_NOTE_CHARS, true)?;
    if !crate::text::is_clean_prose(&note) {
        return Err(invalid("note", "handover-note-invalid"));
    }
    if current.is_some() && note.is_empty() {
        // A resubmission says what was fixed, so the reviewer need not guess.
        return Err(invalid("note", "handover-note-invalid"));
    }
    let note = (!note.is_empty()).then_some(note);
    let round = current.map_or(1, |h| h.round + 1);
    let mut history = current.map(|h| h.history.clone()).unwrap_or_default();
    history.push(Step::Submitted {
        round,
        note: note.clone(),
        at: cx.now,
    });
    let h = Handover {
        package_id: package.id,
        tenant_id: package.tenant_id,
        work_unit_id: package.work_unit_id,
        status: Status::Submitted,
        round,
        checklist: entries.clone(),
        history,
        version: current.map_or(1, |h| h.version + 1),
    };
    let ev = event(
        a,
        cx,
        Some(package.tenant_id),
        Event::PackageSubmitted {
            package_id: package.id,
            round,
            checklist: entries,
            note,
        },
    )?;
    Ok(saved(h, current, ev))
}

fn saved(h: Handover, read: Option<&Handover>, ev: crate::event::NewEvent) -> (Handover, Change<Mutation>) {
    (
        h.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::SaveHandover {
                handover: h,
                read_version: read.map(|r| r.version),
            }],
        },
    )
}

fn pending(h: &Handover) -> Result<(), CommandError> {
    if h.status == Status::Submitted {
        Ok(())
    } else {
        Err(invalid("package_id", "handover-not-submitted"))
    }
}

/// The ULP head returns a submitted package to its PPK with notes saying what must change.
pub fn return_to_ppk(
    actor: &Actor,
    h: &Handover,
    notes: &str,
    cx: &Cx<'_>,
) -> Result<(Handover, Change<Mutation>), CommandError> {
    as_unit_head(actor, h.tenant_id)?;
    let a = acting(actor)?;
    pending(h)?;
    let notes = bounded(
        "notes",
        "handover-notes-invalid",
        notes,
        10..=MAX_NOTE_CHARS,
        true,
    )?;
    if !crate::text::is_clean_prose(&notes) {
        return Err(invalid("notes", "handover-notes-invalid"));
    }
    let mut n = h.clone();
    n.status = Status::Returned;
    n.version += 1;
    n.history.push(Step::Returned {
        round: h.round,
        notes: notes.clone(),
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(h.tenant_id),
        Event::PackageReturned {
            package_id: h.package_id,
            round: h.round,
            notes,
        },
    )?;
    Ok(saved(n, Some(h), ev))
}

/// The ULP head accepts a submitted package: it may now be given a pokja.
pub fn accept(
    actor: &Actor,
    h: &Handover,
    cx: &Cx<'_>,
) -> Result<(Handover, Change<Mutation>), CommandError> {
    as_unit_head(actor, h.tenant_id)?;
    let a = acting(actor)?;
    pending(h)?;
    let mut n = h.clone();
    n.status = Status::Accepted;
    n.version += 1;
    n.history.push(Step::Accepted {
        round: h.round,
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(h.tenant_id),
        Event::PackageAccepted {
            package_id: h.package_id,
            round: h.round,
        },
    )?;
    Ok(saved(n, Some(h), ev))
}

/// Whether a package's hand-over was accepted: the pokja's assignment waits for it.
pub fn is_accepted(h: Option<&Handover>) -> bool {
    h.is_some_and(|h| h.status == Status::Accepted)
}

/// One message of a package's conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Its id.
    pub id: MessageId,
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// Who wrote it.
    pub author: UserId,
    /// What they wrote.
    pub body: String,
    /// The participants it mentions (`@name`), who find it in their inbox.
    pub mentions: Vec<UserId>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Who takes part in a package's conversation: its work unit's PPKs, its pokja once assigned, and
/// the ULP head — each with a sign-in name by which a message mentions them.
#[derive(Debug, Clone, Copy)]
pub struct Conversation<'a> {
    /// The package.
    pub package: &'a Package,
    /// Its pokja, once assigned.
    pub pokja: Option<&'a PokjaAssignment>,
    /// The people who may take part, with their sign-in names (the work unit's PPKs, the pokja,
    /// the ULP heads of the regency).
    pub people: &'a [(UserId, String)],
}

/// Whether `actor` may write in the package's conversation: the PPK of its work unit, the ULP
/// head of its regency, a member of its pokja.
pub fn may_post(actor: &Actor, c: Conversation<'_>) -> bool {
    let p = c.package;
    let ppk = authorize(
        actor,
        Action::ManagePackage {
            tenant: p.tenant_id,
            work_unit: p.work_unit_id,
        },
    )
    .is_ok();
    let head = authorize(actor, Action::AssignPokja(p.tenant_id)).is_ok();
    let member = authorize(actor, Action::RunTender(p.tenant_id)).is_ok()
        && actor
            .user()
            .zip(c.pokja)
            .is_some_and(|(u, k)| k.members.contains(&u.user_id));
    ppk || head || member
}

/// Whether `actor` may read the package's conversation and hand-over: its participants, and the
/// regency's auditors.
pub fn may_read(actor: &Actor, c: Conversation<'_>) -> bool {
    may_post(actor, c) || authorize(actor, Action::ReadConversations(c.package.tenant_id)).is_ok()
}

/// The longest message, in characters (the same as a note).
pub const MAX_MESSAGE_CHARS: usize = MAX_NOTE_CHARS;

/// The participants a text mentions: each `@name` that is a participant's sign-in name, once,
/// never the writer.
pub fn mentions(body: &str, people: &[(UserId, String)], writer: UserId) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    for token in body.split('@').skip(1) {
        let name: String = token
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
            .collect();
        let name = name.trim_end_matches('.').to_lowercase();
        if let Some((id, _)) = people.iter().find(|(_, n)| *n == name)
            && *id != writer
            && !out.contains(id)
        {
            out.push(*id);
        }
    }
    out
}

/// A participant writes in the package's conversation.
pub fn post(
    actor: &Actor,
    c: Conversation<'_>,
    body: &str,
    cx: &Cx<'_>,
) -> Result<(Message, Change<Mutation>), CommandError> {
    let a = acting(actor)?;
    if !may_post(actor, c) {
        return Err(crate::policy::Denied::Forbidden.into());
    }
    let body = bounded("body", "message-body", body, 1..=MAX_MESSAGE_CHARS, true)?;
    if !crate::text::is_clean_prose(&body) {
        return Err(invalid("body", "message-body"));
    }
    let m = Message {
        id: cx.id(),
        package_id: c.package.id,
        tenant_id: c.package.tenant_id,
        author: a.user_id,
        mentions: mentions(&body, c.people, a.user_id),
        body,
        at: cx.now,
    };
    let ev = event(
        a,
        cx,
        Some(m.tenant_id),
        Event::MessagePosted {
            package_id: m.package_id,
            message_id: m.id,
            body: m.body.clone(),
            mentions: m.mentions.clone(),
        },
    )?;
    Ok((
        m.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertMessage(m)],
        },
    ))
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The PPK submitted a package for tender with its checklist.
    PackageSubmitted {
        /// The package.
        package_id: PackageId,
        /// Which submission.
        round: u32,
        /// The checklist.
        checklist: Vec<Entry>,
        /// What changed since the last return.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The ULP head returned a package to its PPK.
    PackageReturned {
        /// The package.
        package_id: PackageId,
        /// Which submission.
        round: u32,
        /// What must change.
        notes: String,
    },
    /// The ULP head accepted a package for tender.
    PackageAccepted {
        /// The package.
        package_id: PackageId,
        /// Which submission.
        round: u32,
    },
    /// A participant wrote in a package's conversation.
    MessagePosted {
        /// The package.
        package_id: PackageId,
        /// The message.
        message_id: MessageId,
        /// What was written.
        body: String,
        /// Who is mentioned.
        mentions: Vec<UserId>,
    },
}

crate::privacy::event_table! {
    PackageSubmitted "package_submitted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package went to the procurement unit",
        round: PUBLIC => "how many times it was submitted",
        checklist: PUBLIC => "the documents a tender rests on are named by number and date (no content)",
        note: CONVERSATION => "officials' working notes may name people or the HPS: participants and auditors",
    }
    PackageReturned "package_returned" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package went back to its work unit",
        round: PUBLIC => "which submission",
        notes: CONVERSATION => "officials' working notes may name people or the HPS: participants and auditors",
    }
    PackageAccepted "package_accepted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package may be given a pokja",
        round: PUBLIC => "which submission",
    }
    MessagePosted "message_posted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package's conversation moved",
        message_id: PUBLIC => "the message",
        body: CONVERSATION => "officials' conversation may name people or the HPS: participants and auditors",
        mentions: CONVERSATION => "names the people asked, who may sit on a running tender's pokja",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A hand-over, new or changed; refused if it changed since `read_version` was read (None:
    /// refused if one exists).
    SaveHandover {
        /// The hand-over as it now stands.
        handover: Handover,
        /// The version the command read.
        read_version: Option<u32>,
    },
    /// A message of a conversation.
    InsertMessage(Message),
}

#[cfg(test)]
mod tests;
