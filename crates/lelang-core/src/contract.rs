//! The contract: once the company accepted the letter of award, the PPK of the work unit drafts
//! the contract (its type, number, value from the letter, duration); the company gives its
//! performance guarantee where one is required (above Rp200,000,000: Perpres 16/2018 Pasal 33
//! ayat (1)) of at least the rule set's share — 5 % of the contract value, or 5 % of HPS for an
//! accepted unreasonably low price (Pasal 33 ayat (3)); the PPK and the company each sign (each
//! signature an event, the PPK signing last, after the guarantee); the PPK then issues the work
//! order (SPMK) with the start date, and the work's period follows from it.
//!
//! The threshold is rule-set data; the article's exemptions (e.g. e-purchasing) are not modelled.
//! Milestones, progress, handover, payments, amendments and the company's rating are the next
//! stage, [`crate::execution`].

use crate::appeal::Guarantee;
use crate::award_letter::Letters;
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::evaluation::Evaluation;
use crate::fresh::Cx;
use crate::ids::{BidId, PackageId, TenantId, VendorId};
use crate::package::{Package, as_ppk as ppk};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::{RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// The longest number or text field, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// How the contract prices the work (Perpres 16/2018 Pasal 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Lump sum (lumsum): a fixed price for the whole work.
    LumpSum,
    /// Unit price (harga satuan): paid on the volumes actually done.
    UnitPrice,
    /// Both, for parts of the work.
    Combined,
}

impl Kind {
    /// Every kind, as forms list them.
    pub const ALL: [Kind; 3] = [Kind::LumpSum, Kind::UnitPrice, Kind::Combined];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::LumpSum => "lump_sum",
            Kind::UnitPrice => "unit_price",
            Kind::Combined => "combined",
        }
    }

    /// The kind of a code.
    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The tender.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The company.
    pub vendor_id: VendorId,
    /// The bid awarded.
    pub bid_id: BidId,
    /// Its kind.
    pub kind: Kind,
    /// Its number.
    pub number: String,
    /// Its value: the accepted letter's amount.
    pub value: Rupiah,
    /// The work's duration from the work order, in calendar days.
    pub duration_days: u32,
    /// The performance guarantee required (none: not required at this value).
    pub guarantee_required: Option<Rupiah>,
    /// The guarantee given.
    pub guarantee: Option<Guarantee>,
    /// When the company signed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub vendor_signed_at: Option<OffsetDateTime>,
    /// When the PPK signed (the contract is then signed).
    #[serde(with = "time::serde::rfc3339::option")]
    pub ppk_signed_at: Option<OffsetDateTime>,
    /// The work order (SPMK): its number and the work's first day.
    pub work_order: Option<WorkOrder>,
    /// When it was drafted.
    #[serde(with = "time::serde::rfc3339")]
    pub drafted_at: OffsetDateTime,
    /// Bumped by every change.
    pub version: u32,
}

/// The work order (SPMK).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkOrder {
    /// Its number.
    pub number: String,
    /// The work's first day.
    #[serde(with = "crate::rules::iso_date")]
    pub start: Date,
}

impl Contract {
    /// Whether both parties have signed.
    pub fn signed(&self) -> bool {
        self.vendor_signed_at.is_some() && self.ppk_signed_at.is_some()
    }

    /// The work's last day, once the work order names the first.
    pub fn end(&self) -> Option<Date> {
        let w = self.work_order.as_ref()?;
        w.start
            .checked_add(Duration::days(i64::from(self.duration_days.max(1)) - 1))
    }
}

fn clean(field: &'static str, code: &'static str, s: &str) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 2..=MAX_TEXT_CHARS, false)
}

/// The longest duration a contract may name, in days: lelang's bound (a multi-year contract runs
/// at most a few years), not a regulation's.
pub const MAX_DURATION_DAYS: u32 = 3 * 366;

/// Whether `actor` may draft the contract now: the PPK, once, after a letter was accepted.
pub fn may_draft(
    actor: &Actor,
    p: &Package,
    letters: Option<&Letters>,
    existing: Option<&Contract>,
) -> Result<(), CommandError> {
    ppk(actor, p)?;
    if existing.is_some() {
        return Err(invalid("package_id", "contract-exists"));
    }
    if letters.and_then(Letters::accepted).is_none() {
        return Err(invalid("package_id", "no-letter-accepted"));
    }
    Ok(())
}

/// The PPK drafts the contract with the company whose letter of award was accepted.
#[allow(clippy::too_many_arguments)]
pub fn draft(
    actor: &Actor,
    p: &Package,
    e: &Evaluation,
    letters: Option<&Letters>,
    existing: Option<&Contract>,
    rules: &RuleSet,
    kind: Kind,
    number: &str,
    duration_days: u32,
    cx: &Cx<'_>,
) -> Result<(Contract, Change<Mutation>), CommandError> {
    may_draft(actor, p, letters, existing)?;
    let a = acting(actor)?;
    let Some(letter) = letters.and_then(Letters::accepted) else {
        return Err(invalid("package_id", "no-letter-accepted"));
    };
    if !(1..=MAX_DURATION_DAYS).contains(&duration_days) {
        return Err(invalid("duration_days", "invalid-duration"));
    }
    let number = clean("number", "invalid-contract-number", number)?;
    let guarantee_required = (letter.amount > rules.contract.performance_guarantee_above.value)
        .then(|| e.performance_guarantee(letter.bid_id, rules))
        .flatten();
    let c = Contract {
        package_id: p.id,
        tenant_id: p.tenant_id,
        vendor_id: letter.vendor_id,
        bid_id: letter.bid_id,
        kind,
        number: number.clone(),
        value: letter.amount,
        duration_days,
        guarantee_required,
        guarantee: None,
        vendor_signed_at: None,
        ppk_signed_at: None,
        work_order: None,
        drafted_at: cx.now,
        version: 1,
    };
    let ev = event(
        a,
        cx,
        Some(p.tenant_id),
        Event::ContractDrafted {
            package_id: p.id,
            vendor_id: c.vendor_id,
            kind,
            number,
            value: c.value,
            duration_days,
            guarantee_required,
        },
    )?;
    Ok(put(c, None, ev))
}

fn put(c: Contract, expected: Option<u32>, ev: crate::event::NewEvent) -> (Contract, Change<Mutation>) {
    (
        c.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::PutContract {
                contract: c,
                expected_version: expected,
            }],
        },
    )
}

fn next(c: &Contract) -> Contract {
    let mut n = c.clone();
    n.version += 1;
    n
}

/// Whether `actor` may give the performance guarantee: the company, where one is required,
/// before the PPK signs; the amount required.
pub fn may_give_guarantee(actor: &Actor, c: &Contract) -> Result<Rupiah, CommandError> {
    authorize(actor, Action::ActForVendor(c.vendor_id))?;
    let Some(required) = c.guarantee_required else {
        return Err(invalid("package_id", "guarantee-not-required"));
    };
    if c.ppk_signed_at.is_some() {
        return Err(invalid("package_id", "contract-signed-already"));
    }
    Ok(required)
}

/// The company gives its performance guarantee, before the contract is signed: at least the
/// amount required, valid at least until the work's planned end plus a margin of the duration.
pub fn give_guarantee(
    actor: &Actor,
    c: &Contract,
    g: Guarantee,
    cx: &Cx<'_>,
) -> Result<(Contract, Change<Mutation>), CommandError> {
    let required = may_give_guarantee(actor, c)?;
    let a = acting(actor)?;
    let g = Guarantee {
        issuer: clean("issuer", "invalid-guarantee", &g.issuer)?,
        number: clean("number", "invalid-guarantee", &g.number)?,
        ..g
    };
    if g.amount < required {
        return Err(invalid("amount", "performance-guarantee-too-small"));
    }
    // Valid through the work: the duration from today, at the least (the work order comes later).
    let through = (cx.now + Duration::days(i64::from(c.duration_days))).date();
    if g.valid_until < through {
        return Err(invalid("valid_until", "performance-guarantee-expires"));
    }
    let mut n = next(c);
    n.guarantee = Some(g.clone());
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::PerformanceGuaranteeGiven {
            package_id: c.package_id,
            guarantee: g,
        },
    )?;
    Ok(put(n, Some(c.version), ev))
}

/// Which party `actor` may sign for now: the company first, then the PPK once any guarantee
/// required is given.
pub fn may_sign(actor: &Actor, p: &Package, c: &Contract) -> Result<Party, CommandError> {
    if authorize(actor, Action::ActForVendor(c.vendor_id)).is_ok() {
        if c.vendor_signed_at.is_some() {
            return Err(invalid("package_id", "already-signed"));
        }
        return Ok(Party::Vendor);
    }
    ppk(actor, p).map_err(|_| CommandError::Denied(Denied::Forbidden))?;
    if c.ppk_signed_at.is_some() {
        return Err(invalid("package_id", "already-signed"));
    }
    if c.vendor_signed_at.is_none() {
        return Err(invalid("package_id", "vendor-signs-first"));
    }
    if c.guarantee_required.is_some() && c.guarantee.is_none() {
        return Err(invalid("package_id", "performance-guarantee-missing"));
    }
    Ok(Party::Ppk)
}

/// A party signs: the company first, then the PPK, once any guarantee required is given.
pub fn sign(
    actor: &Actor,
    p: &Package,
    c: &Contract,
    cx: &Cx<'_>,
) -> Result<(Contract, Change<Mutation>), CommandError> {
    let party = may_sign(actor, p, c)?;
    let a = acting(actor)?;
    let mut n = next(c);
    match party {
        Party::Vendor => n.vendor_signed_at = Some(cx.now),
        Party::Ppk => n.ppk_signed_at = Some(cx.now),
    }
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::ContractSigned {
            package_id: c.package_id,
            party,
        },
    )?;
    Ok(put(n, Some(c.version), ev))
}

/// Whether `actor` may issue the work order: the PPK, once, after both signatures.
pub fn may_issue_work_order(actor: &Actor, p: &Package, c: &Contract) -> Result<(), CommandError> {
    ppk(actor, p)?;
    if !c.signed() {
        return Err(invalid("package_id", "contract-not-signed"));
    }
    if c.work_order.is_some() {
        return Err(invalid("package_id", "work-order-exists"));
    }
    Ok(())
}

/// The PPK issues the work order (SPMK) of a signed contract, with the work's first day (not
/// before today).
pub fn work_order(
    actor: &Actor,
    p: &Package,
    c: &Contract,
    number: &str,
    start: Date,
    cx: &Cx<'_>,
) -> Result<(Contract, Change<Mutation>), CommandError> {
    may_issue_work_order(actor, p, c)?;
    let a = acting(actor)?;
    if start < cx.now.date() || start > cx.now.date() + Duration::days(366) {
        return Err(invalid("start", "invalid-start"));
    }
    let number = clean("number", "invalid-work-order-number", number)?;
    let mut n = next(c);
    n.work_order = Some(WorkOrder {
        number: number.clone(),
        start,
    });
    let end = n.end().ok_or(invalid("start", "invalid-start"))?;
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::WorkOrderIssued {
            package_id: c.package_id,
            number,
            start,
            end,
        },
    )?;
    Ok(put(n, Some(c.version), ev))
}

/// Who signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The company.
    Vendor,
    /// The PPK.
    Ppk,
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The PPK drafted the contract.
    ContractDrafted {
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Its kind.
        kind: Kind,
        /// Its number.
        number: String,
        /// Its value.
        value: Rupiah,
        /// The work's duration, in days.
        duration_days: u32,
        /// The performance guarantee required.
        guarantee_required: Option<Rupiah>,
    },
    /// The company gave its performance guarantee.
    PerformanceGuaranteeGiven {
        /// The tender.
        package_id: PackageId,
        /// The guarantee.
        guarantee: Guarantee,
    },
    /// A party signed the contract.
    ContractSigned {
        /// The tender.
        package_id: PackageId,
        /// Who.
        party: Party,
    },
    /// The PPK issued the work order.
    WorkOrderIssued {
        /// The tender.
        package_id: PackageId,
        /// Its number.
        number: String,
        /// The work's first day.
        #[serde(with = "crate::rules::iso_date")]
        start: Date,
        /// Its last day.
        #[serde(with = "crate::rules::iso_date")]
        end: Date,
    },
}

crate::privacy::event_table! {
    ContractDrafted "contract_drafted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the contracted company is public",
        kind: PUBLIC => "the contract's terms are public",
        number: PUBLIC => "an official document's number",
        value: PUBLIC => "the contract value is public",
        duration_days: PUBLIC => "the contract's terms are public",
        guarantee_required: PUBLIC => "the rule applied is public",
    }
    PerformanceGuaranteeGiven "performance_guarantee_given" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        guarantee: PUBLIC => "anyone may check it with its issuer",
    }
    ContractSigned "contract_signed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        party: PUBLIC => "which party signed (not who)",
    }
    WorkOrderIssued "work_order_issued" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        number: PUBLIC => "an official document's number",
        start: PUBLIC => "the work's period is public",
        end: PUBLIC => "the work's period is public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The contract written whole, held only on the version read (none: a new one).
    PutContract {
        /// The contract.
        contract: Contract,
        /// The version read.
        expected_version: Option<u32>,
    },
}

#[cfg(test)]
mod tests;
