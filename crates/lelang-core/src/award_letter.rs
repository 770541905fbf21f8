//! The letter of award (SPPBJ, surat penunjukan penyedia barang/jasa): once the objection period
//! has ended with every objection answered — and, for construction, once the appeal period after
//! the last answer has passed too — the PPK of the package's work unit issues the letter to the
//! winner, who accepts or declines it. A decline (recorded with its reason) passes the letter to
//! the first reserve, then the second; with no one left the PPK reports it to the pokja, who
//! declares the tender failed.
//!
//! The letter waits for the appeal period after the last answer (construction), and for every
//! appeal filed to be answered, so that it never pre-empts an appeal the rules allow.

use crate::command::{Change, CommandError, acting, event, invalid};
use crate::evaluation::Evaluation;
use crate::evaluation::rank::AwardRecord;
use crate::fresh::Cx;
use crate::ids::{BidId, PackageId, TenantId, VendorId};
use crate::objection::{Objection, Window};
use crate::package::Package;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::{Category, RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// The longest letter number and decline reason, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// One letter of award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    /// The bid it awards.
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: VendorId,
    /// Its corrected price.
    pub amount: Rupiah,
    /// The letter's number, as the work unit numbers its letters.
    pub number: String,
    /// When it was issued.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// The company's response.
    pub response: Option<Response>,
}

/// A company's response to its letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Accepted or declined.
    pub accepted: bool,
    /// A decline's reason.
    pub reason: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A tender's letters of award, in the order they were issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Letters {
    /// The tender.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The letters.
    pub letters: Vec<Letter>,
    /// Bumped by every change.
    pub version: u32,
}

impl Letters {
    /// The letter accepted, if one is: the contract's counterpart.
    pub fn accepted(&self) -> Option<&Letter> {
        self.letters
            .iter()
            .find(|l| l.response.as_ref().is_some_and(|r| r.accepted))
    }

    /// The letter waiting for its company's response.
    pub fn pending(&self) -> Option<&Letter> {
        self.letters.iter().find(|l| l.response.is_none())
    }
}

/// The bids a letter goes to, in order: the winner, then the reserves.
fn in_line(record: &AwardRecord) -> Vec<BidId> {
    record.winner.iter().chain(&record.reserves).copied().collect()
}

/// The next bid in line, past every declined letter.
pub fn next_in_line(record: &AwardRecord, letters: Option<&Letters>) -> Option<BidId> {
    let declined: Vec<BidId> = letters
        .map(|l| l.letters.iter().map(|x| x.bid_id).collect())
        .unwrap_or_default();
    in_line(record).into_iter().find(|b| !declined.contains(b))
}

/// When the letter may be issued: the objection period over, every objection filed against this
/// award answered; for construction, also the appeal period after the last answer (Perpres
/// 16/2018 as amended: sanggah banding for construction works only).
pub fn issuable_from(
    window: &Window,
    objections: &[Objection],
    category: Category,
    rules: &RuleSet,
) -> Result<OffsetDateTime, CommandError> {
    let current: Vec<&Objection> = objections.iter().filter(|o| o.filed_at >= window.opens).collect();
    if current.iter().any(|o| o.answer.is_none()) {
        return Err(invalid("package_id", "objection-unanswered"));
    }
    let last_answer = current
        .iter()
        .filter_map(|o| o.answer.as_ref().map(|a| a.at))
        .max();
    Ok(match (category, last_answer) {
        (Category::Works, Some(at)) => window
            .closes
            .max(at + Duration::days(i64::from(rules.periods.appeal_calendar_days))),
        _ => window.closes,
    })
}

/// What [`issue`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a> {
    /// The package.
    pub package: &'a Package,
    /// Its evaluation, awarded.
    pub evaluation: &'a Evaluation,
    /// The award's objection window.
    pub window: &'a Window,
    /// Its objections.
    pub objections: &'a [Objection],
    /// Its appeals.
    pub appeals: &'a [crate::appeal::Appeal],
    /// The letters so far.
    pub letters: Option<&'a Letters>,
    /// The rule set.
    pub rules: &'a RuleSet,
}

fn clean(field: &'static str, code: &'static str, s: &str) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 2..=MAX_TEXT_CHARS, false)
}

/// The PPK of the package's work unit issues the letter to the next in line.
pub fn issue(
    actor: &Actor,
    x: Issue<'_>,
    number: &str,
    cx: &Cx<'_>,
) -> Result<(Letters, Change<Mutation>), CommandError> {
    let p = x.package;
    authorize(
        actor,
        Action::ManagePackage {
            tenant: p.tenant_id,
            work_unit: p.work_unit_id,
        },
    )?;
    let a = acting(actor)?;
    let Some((record, _)) = crate::objection::announced(x.evaluation) else {
        return Err(invalid("package_id", "no-award-announced"));
    };
    if x.letters
        .is_some_and(|l| l.pending().is_some() || l.accepted().is_some())
    {
        return Err(invalid("package_id", "award-letter-exists"));
    }
    if x.appeals
        .iter()
        .any(|ap| ap.answer.is_none() && ap.filed_at >= x.window.opens)
    {
        return Err(invalid("package_id", "appeal-unanswered"));
    }
    if cx.now < issuable_from(x.window, x.objections, p.category, x.rules)? {
        return Err(invalid("package_id", "objection-period-running"));
    }
    let Some(bid) = next_in_line(record, x.letters) else {
        return Err(invalid("package_id", "no-one-in-line"));
    };
    let b = record
        .bids
        .iter()
        .find(|r| r.bid_id == bid)
        .ok_or(invalid("package_id", "no-one-in-line"))?;
    let amount = b.corrected.ok_or(invalid("package_id", "no-one-in-line"))?;
    let number = clean("number", "invalid-letter-number", number)?;
    let letter = Letter {
        bid_id: bid,
        vendor_id: b.vendor_id,
        amount,
        number: number.clone(),
        issued_at: cx.now,
        response: None,
    };
    let mut n = x.letters.cloned().unwrap_or(Letters {
        package_id: p.id,
        tenant_id: p.tenant_id,
        letters: Vec::new(),
        version: 0,
    });
    let expected = x.letters.map(|l| l.version);
    n.letters.push(letter);
    n.version += 1;
    let ev = event(
        a,
        cx,
        Some(p.tenant_id),
        Event::AwardLetterIssued {
            package_id: p.id,
            bid_id: bid,
            vendor_id: b.vendor_id,
            amount,
            number,
        },
    )?;
    Ok(put(n, expected, vec![ev], x.evaluation))
}

fn put(
    n: Letters,
    expected: Option<u32>,
    events: Vec<crate::event::NewEvent>,
    e: &Evaluation,
) -> (Letters, Change<Mutation>) {
    (
        n.clone(),
        Change {
            events,
            mutations: vec![
                // Issued on the award read: an award reopened meanwhile takes the letter back.
                Mutation::ExpectEvaluation {
                    package_id: e.package_id,
                    version: e.version,
                },
                Mutation::PutLetters {
                    letters: n,
                    expected_version: expected,
                },
            ],
        },
    )
}

/// The company the pending letter names accepts or declines it (a decline needs its reason).
pub fn respond(
    actor: &Actor,
    vendor: VendorId,
    letters: &Letters,
    e: &Evaluation,
    accepted: bool,
    reason: Option<&str>,
    cx: &Cx<'_>,
) -> Result<(Letters, Change<Mutation>), CommandError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let a = acting(actor)?;
    let Some(pending) = letters.pending() else {
        return Err(invalid("package_id", "no-letter-pending"));
    };
    if pending.vendor_id != vendor {
        return Err(Denied::Forbidden.into());
    }
    let reason = if accepted {
        None
    } else {
        Some(clean("reason", "invalid-reason", reason.unwrap_or(""))?)
    };
    let mut n = letters.clone();
    n.version += 1;
    for l in &mut n.letters {
        if l.response.is_none() {
            l.response = Some(Response {
                accepted,
                reason: reason.clone(),
                at: cx.now,
            });
        }
    }
    let ev = event(
        a,
        cx,
        Some(letters.tenant_id),
        if accepted {
            Event::AwardLetterAccepted {
                package_id: letters.package_id,
                vendor_id: vendor,
            }
        } else {
            Event::AwardLetterDeclined {
                package_id: letters.package_id,
                vendor_id: vendor,
                reason: reason.unwrap_or_default(),
            }
        },
    )?;
    Ok(put(n, Some(letters.version), vec![ev], e))
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The PPK issued a letter of award.
    AwardLetterIssued {
        /// The tender.
        package_id: PackageId,
        /// The bid.
        bid_id: BidId,
        /// The company.
        vendor_id: VendorId,
        /// Its corrected price.
        amount: Rupiah,
        /// The letter's number.
        number: String,
    },
    /// The company accepted its letter.
    AwardLetterAccepted {
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
    },
    /// The company declined its letter; the next in line may receive one.
    AwardLetterDeclined {
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Why.
        reason: String,
    },
}

crate::privacy::event_table! {
    AwardLetterIssued "award_letter_issued" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "the award is public",
        vendor_id: PUBLIC => "the awarded company is public",
        amount: PUBLIC => "the awarded price is public",
        number: PUBLIC => "an official letter's number",
    }
    AwardLetterAccepted "award_letter_accepted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the awarded company is public",
    }
    AwardLetterDeclined "award_letter_declined" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the awarded company is public",
        reason: PERSONAL => "a company's reasons may name its people",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The change holds only on the evaluation version read.
    ExpectEvaluation {
        /// The tender.
        package_id: PackageId,
        /// The version read.
        version: u32,
    },
    /// The letters written whole, held only on the version read (none: the first).
    PutLetters {
        /// The letters.
        letters: Letters,
        /// The version read.
        expected_version: Option<u32>,
    },
}

#[cfg(test)]
mod tests;
