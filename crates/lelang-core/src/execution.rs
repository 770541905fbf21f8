//! The contract's execution: the PPK plans its terms (milestones, each with an amount and a due
//! date) once the work order started the work; the company reports its progress on each; the
//! PPK's inspection accepts a milestone reported complete (its minutes' number recorded) and the
//! PPK pays it; amendments (addenda) change the scope, time or value with a published reason,
//! value increases held to the rule set's limit (Perpres 16/2018 Pasal 54 ayat (2): at most 10 % of
//! the signed value); the handover (BAST) ends the work once every milestone is accepted; a
//! contract may instead be terminated with its ground and reason (and the company proposed for
//! the blacklist); at the end the PPK rates the company on quality, cost, time and service, as
//! SIKaP does, and the rating joins the company's public record.
//!
//! A milestone is late when its due day passed before it was accepted: that is read from the
//! record, in the regency's time, not stored.

use crate::appeal::Guarantee;
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::contract::Contract;
use crate::fresh::Cx;
use crate::ids::{PackageId, TenantId, VendorId};
use crate::package::{Package, as_ppk as ppk};
use crate::policy::{Action, Actor, authorize};
use crate::rules::{RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The most milestones a contract may have (monthly terms over two years).
pub const MAX_MILESTONES: usize = 24;

/// The longest reason or note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// The longest title or document number, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// A contract's execution, written whole and versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    /// The tender.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The company.
    pub vendor_id: VendorId,
    /// The value the contract was signed at.
    pub signed_value: Rupiah,
    /// The terms, in order.
    pub milestones: Vec<Milestone>,
    /// The addenda, in order.
    pub amendments: Vec<Amendment>,
    /// The handover (BAST) that ended the work.
    pub handover: Option<Stamp>,
    /// The termination that ended it instead.
    pub termination: Option<Termination>,
    /// The company's rating at the end.
    pub rating: Option<Rating>,
    /// The advance payment (uang muka) and the guarantee that covers it.
    #[serde(default)]
    pub advance: Option<Advance>,
    /// The maintenance guarantee given at the handover (construction).
    #[serde(default)]
    pub maintenance_guarantee: Option<Guarantee>,
    /// Bumped by every change.
    pub version: u32,
}

/// A term of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// What is delivered.
    pub title: String,
    /// What is paid for it.
    pub amount: Rupiah,
    /// The day it is due.
    #[serde(with = "crate::rules::iso_date")]
    pub due: Date,
    /// The company's progress reports, in order.
    pub reports: Vec<Report>,
    /// The inspection's acceptance: its minutes' number.
    pub accepted: Option<Stamp>,
    /// The payment: its reference (the SP2D's number).
    pub paid: Option<Stamp>,
}

/// A document's number and when it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    /// Its number.
    pub number: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The share done, in per cent.
    pub percent: u8,
    /// What the company says.
    pub note: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// An addendum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// Its number.
    pub number: String,
    /// The change of value, rupiah (negative: less work).
    pub value_change: Rupiah,
    /// The milestone (1-based) whose amount changes with the value.
    pub milestone: Option<u16>,
    /// The days added to the work's period.
    pub days_added: u32,
    /// Why (public).
    pub reason: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Why a contract is terminated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// The company defaulted (late beyond the penalty period, did not remedy, fraud).
    VendorDefault,
    /// Force majeure made the work impossible.
    ForceMajeure,
    /// Both parties agreed to end it.
    Agreement,
}

impl Ground {
    /// Every ground, as forms list them.
    pub const ALL: [Ground; 3] = [Ground::VendorDefault, Ground::ForceMajeure, Ground::Agreement];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Ground::VendorDefault => "vendor_default",
            Ground::ForceMajeure => "force_majeure",
            Ground::Agreement => "agreement",
        }
    }

    /// The ground of a code.
    pub fn from_code(s: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|g| g.code() == s)
    }
}

/// A termination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// Its ground.
    pub ground: Ground,
    /// Why (public).
    pub reason: String,
    /// Whether the PPK proposes the company for the blacklist (the budget holder decides it).
    pub blacklist_proposed: bool,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not reported yet, not due.
    Planned,
    /// The company reported this share done.
    InProgress(u8),
    /// Accepted, not paid yet.
    Accepted,
    /// Paid.
    Paid,
}

impl Milestone {
    /// Where it stands.
    pub fn status(&self) -> Status {
        match (&self.accepted, &self.paid, self.reports.last()) {
            (_, Some(_), _) => Status::Paid,
            (Some(_), None, _) => Status::Accepted,
            (None, None, Some(r)) => Status::InProgress(r.percent),
            (None, None, None) => Status::Planned,
        }
    }

    /// Whether it is late on `today` (the regency's day): due before, and not accepted by then.
    pub fn late(&self, today: Date, accepted_on: impl Fn(OffsetDateTime) -> Date) -> bool {
        match &self.accepted {
            Some(a) => accepted_on(a.at) > self.due,
            None => today > self.due,
        }
    }

    /// The share reported last.
    pub fn percent(&self) -> u8 {
        self.reports.last().map_or(0, |r| r.percent)
    }
}

impl Execution {
    /// The contract's value now: the signed value and every amendment's change.
    pub fn value(&self) -> Rupiah {
        self.signed_value + self.amendments.iter().map(|a| a.value_change).sum::<Rupiah>()
    }

    /// What the amendments added (their increases only).
    pub fn increases(&self) -> Rupiah {
        self.amendments.iter().map(|a| a.value_change.max(0)).sum()
    }

    /// The days amendments added to the period.
    pub fn days_added(&self) -> u32 {
        self.amendments.iter().map(|a| a.days_added).sum()
    }

    /// What was paid so far for the milestones (the advance apart).
    pub fn paid(&self) -> Rupiah {
        self.milestones
            .iter()
            .filter(|m| m.paid.is_some())
            .map(|m| m.amount)
            .sum()
    }

    /// Whether the work has ended (handed over or terminated).
    pub fn ended(&self) -> bool {
        self.handover.is_some() || self.termination.is_some()
    }

    /// Whether no milestone was reported on yet (the plan may still change).
    fn untouched(&self) -> bool {
        self.milestones
            .iter()
            .all(|m| m.reports.is_empty() && m.accepted.is_none())
    }

    fn milestone(&self, n: u16) -> Result<&Milestone, CommandError> {
        usize::from(n)
            .checked_sub(1)
            .and_then(|i| self.milestones.get(i))
            .ok_or(invalid("milestone", "unknown-milestone"))
    }

    fn next(&self) -> Execution {
        let mut n = self.clone();
        n.version += 1;
        n
    }
}

fn text(field: &'static str, code: &'static str, s: &str, max: usize) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, 2..=max, true)
}

fn running(e: &Execution) -> Result<(), CommandError> {
    if e.ended() {
        return Err(invalid("package_id", "contract-ended"));
    }
    Ok(())
}

/// A milestone as the PPK plans it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// What is delivered.
    pub title: String,
    /// What is paid for it.
    pub amount: Rupiah,
    /// The day it is due.
    pub due: Date,
}

/// Whether `actor` may plan (or, before the first report, re-plan) the milestones.
pub fn may_plan(actor: &Actor, p: &Package, c: &Contract, e: Option<&Execution>) -> Result<(), CommandError> {
    ppk(actor, p)?;
    if c.work_order.is_none() {
        return Err(invalid("package_id", "work-order-missing"));
    }
    if let Some(e) = e {
        running(e)?;
        if !e.untouched() {
            return Err(invalid("package_id", "milestones-started"));
        }
    }
    Ok(())
}

/// The PPK plans the milestones of a started contract: their amounts add up to the contract's
/// value, each due within the work's period.
pub fn plan(
    actor: &Actor,
    p: &Package,
    c: &Contract,
    existing: Option<&Execution>,
    items: Vec<Planned>,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_plan(actor, p, c, existing)?;
    let a = acting(actor)?;
    if items.is_empty() || items.len() > MAX_MILESTONES {
        return Err(invalid("milestones", "invalid-milestone-count"));
    }
    let (start, end) = match (&c.work_order, c.end()) {
        (Some(w), Some(end)) => (w.start, end),
        _ => return Err(invalid("package_id", "work-order-missing")),
    };
    let days = existing.map_or(0, Execution::days_added);
    let end = end
        .checked_add(time::Duration::days(i64::from(days)))
        .unwrap_or(end);
    let value = existing.map_or(c.value, Execution::value);
    let mut milestones = Vec::with_capacity(items.len());
    let mut total: Rupiah = 0;
    for m in items {
        if m.amount <= 0 {
            return Err(invalid("amount", "invalid-amount"));
        }
        if m.due < start || m.due > end {
            return Err(invalid("due", "milestone-outside-period"));
        }
        total = total.saturating_add(m.amount);
        milestones.push(Milestone {
            title: text("title", "invalid-milestone-title", &m.title, MAX_TITLE_CHARS)?,
            amount: m.amount,
            due: m.due,
            reports: Vec::new(),
            accepted: None,
            paid: None,
        });
    }
    if total != value {
        return Err(invalid("amount", "milestones-not-contract-value"));
    }
    let e = match existing {
        Some(e) => Execution {
            milestones,
            ..e.next()
        },
        None => Execution {
            package_id: c.package_id,
            tenant_id: c.tenant_id,
            vendor_id: c.vendor_id,
            signed_value: c.value,
            milestones,
            amendments: Vec::new(),
            handover: None,
            termination: None,
            rating: None,
            advance: None,
            maintenance_guarantee: None,
            version: 1,
        },
    };
    let ev = event(
        a,
        cx,
        Some(c.tenant_id),
        Event::MilestonesPlanned {
            package_id: c.package_id,
            milestones: e
                .milestones
                .iter()
                .map(|m| PlannedMilestone {
                    title: m.title.clone(),
                    amount: m.amount,
                    due: m.due,
                })
                .collect(),
        },
    )?;
    Ok(put(e, existing.map(|e| e.version), ev))
}

fn put(e: Execution, expected: Option<u32>, ev: crate::event::NewEvent) -> (Execution, Change<Mutation>) {
    (
        e.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::PutExecution {
                execution: e,
                expected_version: expected,
            }],
        },
    )
}

/// Whether `actor` may report progress on milestone `n`.
pub fn may_report(actor: &Actor, e: &Execution, n: u16) -> Result<(), CommandError> {
    authorize(actor, Action::ActForVendor(e.vendor_id))?;
    running(e)?;
    if e.milestone(n)?.accepted.is_some() {
        return Err(invalid("milestone", "milestone-accepted-already"));
    }
    Ok(())
}

/// The company reports the share done of a milestone, never less than it reported before.
pub fn report(
    actor: &Actor,
    e: &Execution,
    n: u16,
    percent: u8,
    note: &str,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_report(actor, e, n)?;
    let a = acting(actor)?;
    let m = e.milestone(n)?;
    if !(1..=100).contains(&percent) || percent < m.percent() {
        return Err(invalid("percent", "invalid-percent"));
    }
    let note = text("note", "invalid-note", note, MAX_NOTE_CHARS)?;
    let mut x = e.next();
    x.milestones[usize::from(n) - 1].reports.push(Report {
        percent,
        note: note.clone(),
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ProgressReported {
            package_id: e.package_id,
            milestone: n,
            percent,
            note,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// Whether `actor` may accept milestone `n`: the company reported it complete.
pub fn may_accept(actor: &Actor, p: &Package, e: &Execution, n: u16) -> Result<(), CommandError> {
    ppk(actor, p)?;
    running(e)?;
    let m = e.milestone(n)?;
    if m.accepted.is_some() {
        return Err(invalid("milestone", "milestone-accepted-already"));
    }
    if m.percent() < 100 {
        return Err(invalid("milestone", "milestone-not-complete"));
    }
    Ok(())
}

/// The PPK's inspection accepts a milestone reported complete, with its minutes' number.
pub fn accept(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    n: u16,
    minutes: &str,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_accept(actor, p, e, n)?;
    let a = acting(actor)?;
    let number = text("number", "invalid-document-number", minutes, MAX_TITLE_CHARS)?;
    let mut x = e.next();
    x.milestones[usize::from(n) - 1].accepted = Some(Stamp {
        number: number.clone(),
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::MilestoneAccepted {
            package_id: e.package_id,
            milestone: n,
            number,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// Whether `actor` may pay milestone `n`: accepted and not paid.
pub fn may_pay(actor: &Actor, p: &Package, e: &Execution, n: u16) -> Result<(), CommandError> {
    ppk(actor, p)?;
    let m = e.milestone(n)?;
    if m.paid.is_some() {
        return Err(invalid("milestone", "milestone-paid-already"));
    }
    if m.accepted.is_none() {
        return Err(invalid("milestone", "milestone-not-accepted"));
    }
    Ok(())
}

/// The PPK records the payment of an accepted milestone (its amount), with its reference.
pub fn pay(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    n: u16,
    reference: &str,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_pay(actor, p, e, n)?;
    let a = acting(actor)?;
    let number = text("number", "invalid-document-number", reference, MAX_TITLE_CHARS)?;
    let mut x = e.next();
    let m = &mut x.milestones[usize::from(n) - 1];
    m.paid = Some(Stamp {
        number: number.clone(),
        at: cx.now,
    });
    let amount = m.amount;
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::MilestonePaid {
            package_id: e.package_id,
            vendor_id: e.vendor_id,
            milestone: n,
            amount,
            reference: number,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// An addendum as the PPK enters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addendum {
    /// Its number.
    pub number: String,
    /// The change of value (negative: less work).
    pub value_change: Rupiah,
    /// The milestone whose amount changes with the value.
    pub milestone: Option<u16>,
    /// Days added to the period.
    pub days_added: u32,
    /// Why.
    pub reason: String,
}

/// Whether `actor` may amend the contract now.
pub fn may_amend(actor: &Actor, p: &Package, e: &Execution) -> Result<(), CommandError> {
    ppk(actor, p)?;
    running(e)
}

/// The PPK amends the contract: a value change lands on a milestone not yet accepted; all
/// increases together stay within the rule set's share of the signed value; the reason is public.
pub fn amend(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    rules: &RuleSet,
    d: Addendum,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_amend(actor, p, e)?;
    let a = acting(actor)?;
    if d.value_change == 0 && d.days_added == 0 {
        return Err(invalid("value_change", "amendment-changes-nothing"));
    }
    if d.days_added > crate::contract::MAX_DURATION_DAYS {
        return Err(invalid("days_added", "invalid-duration"));
    }
    let number = text("number", "invalid-document-number", &d.number, MAX_TITLE_CHARS)?;
    let reason = text("reason", "invalid-reason", &d.reason, MAX_NOTE_CHARS)?;
    let mut x = e.next();
    let milestone = if d.value_change == 0 {
        None
    } else {
        let n = d.milestone.ok_or(invalid("milestone", "unknown-milestone"))?;
        let m = e.milestone(n)?;
        if m.accepted.is_some() {
            return Err(invalid("milestone", "milestone-accepted-already"));
        }
        let amount = m.amount.checked_add(d.value_change).unwrap_or(0);
        if amount <= 0 {
            return Err(invalid("value_change", "invalid-amount"));
        }
        let limit = rules.amendment_increase_limit(e.signed_value);
        if e.increases().saturating_add(d.value_change.max(0)) > limit {
            return Err(invalid("value_change", "amendment-over-limit"));
        }
        x.milestones[usize::from(n) - 1].amount = amount;
        Some(n)
    };
    x.amendments.push(Amendment {
        number: number.clone(),
        value_change: d.value_change,
        milestone,
        days_added: d.days_added,
        reason: reason.clone(),
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ContractAmended {
            package_id: e.package_id,
            number,
            value_change: d.value_change,
            milestone,
            days_added: d.days_added,
            value: x.value(),
            reason,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// Whether `actor` may record the handover: every milestone accepted.
pub fn may_hand_over(actor: &Actor, p: &Package, e: &Execution) -> Result<(), CommandError> {
    ppk(actor, p)?;
    running(e)?;
    if e.milestones.iter().any(|m| m.accepted.is_none()) {
        return Err(invalid("package_id", "milestones-open"));
    }
    Ok(())
}

/// The PPK records the handover (BAST) of the finished work.
pub fn hand_over(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    number: &str,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_hand_over(actor, p, e)?;
    let a = acting(actor)?;
    let number = text("number", "invalid-document-number", number, MAX_TITLE_CHARS)?;
    let mut x = e.next();
    x.handover = Some(Stamp {
        number: number.clone(),
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::WorkHandedOver {
            package_id: e.package_id,
            number,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// The PPK terminates a running contract, with its ground and a public reason.
pub fn terminate(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    ground: Ground,
    reason: &str,
    blacklist_proposed: bool,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_amend(actor, p, e)?;
    let a = acting(actor)?;
    let reason = text("reason", "invalid-reason", reason, MAX_NOTE_CHARS)?;
    // Only a default is the company's fault.
    let blacklist_proposed = blacklist_proposed && ground == Ground::VendorDefault;
    let mut x = e.next();
    x.termination = Some(Termination {
        ground,
        reason: reason.clone(),
        blacklist_proposed,
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ContractTerminated {
            package_id: e.package_id,
            vendor_id: e.vendor_id,
            ground,
            reason,
            blacklist_proposed,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// A milestone as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedMilestone {
    /// What is delivered.
    pub title: String,
    /// What is paid for it.
    pub amount: Rupiah,
    /// The day it is due.
    #[serde(with = "crate::rules::iso_date")]
    pub due: Date,
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The PPK planned (or re-planned) the milestones.
    MilestonesPlanned {
        /// The tender.
        package_id: PackageId,
        /// The milestones, in order.
        milestones: Vec<PlannedMilestone>,
    },
    /// The company reported progress.
    ProgressReported {
        /// The tender.
        package_id: PackageId,
        /// The milestone (1-based).
        milestone: u16,
        /// The share done, in per cent.
        percent: u8,
        /// What the company says.
        note: String,
    },
    /// The PPK's inspection accepted a milestone.
    MilestoneAccepted {
        /// The tender.
        package_id: PackageId,
        /// The milestone.
        milestone: u16,
        /// The inspection minutes' number.
        number: String,
    },
    /// The PPK paid a milestone.
    MilestonePaid {
        /// The tender.
        package_id: PackageId,
        /// The company paid.
        vendor_id: VendorId,
        /// The milestone.
        milestone: u16,
        /// The amount.
        amount: Rupiah,
        /// The payment's reference.
        reference: String,
    },
    /// The PPK amended the contract.
    ContractAmended {
        /// The tender.
        package_id: PackageId,
        /// The addendum's number.
        number: String,
        /// The change of value.
        value_change: Rupiah,
        /// The milestone it lands on.
        milestone: Option<u16>,
        /// Days added.
        days_added: u32,
        /// The contract's value after it.
        value: Rupiah,
        /// Why.
        reason: String,
    },
    /// The work was handed over (BAST).
    WorkHandedOver {
        /// The tender.
        package_id: PackageId,
        /// The handover's number.
        number: String,
    },
    /// The PPK terminated the contract.
    ContractTerminated {
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Its ground.
        ground: Ground,
        /// Why.
        reason: String,
        /// Whether the company is proposed for the blacklist.
        blacklist_proposed: bool,
    },
    /// The PPK paid an advance against the company's guarantee.
    AdvancePaid {
        /// The tender.
        package_id: PackageId,
        /// The company paid.
        vendor_id: VendorId,
        /// The amount.
        amount: Rupiah,
        /// The advance guarantee.
        guarantee: Guarantee,
        /// The payment's reference.
        reference: String,
    },
    /// The company gave its maintenance guarantee.
    MaintenanceGuaranteeGiven {
        /// The tender.
        package_id: PackageId,
        /// The guarantee.
        guarantee: Guarantee,
    },
    /// The PPK rated the company.
    VendorRated {
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// The marks.
        marks: Marks,
        /// The score.
        score: u32,
    },
}

crate::privacy::event_table! {
    MilestonesPlanned "milestones_planned" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        milestones: PUBLIC => "the contract's terms are public",
    }
    ProgressReported "progress_reported" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        milestone: PUBLIC => "which term",
        percent: PUBLIC => "the work's progress is public",
        note: PUBLIC => "the company's public report (the form says so)",
    }
    MilestoneAccepted "milestone_accepted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        milestone: PUBLIC => "which term",
        number: PUBLIC => "an official document's number",
    }
    MilestonePaid "milestone_paid" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the contracted company is public",
        milestone: PUBLIC => "which term",
        amount: PUBLIC => "payments of public money are public",
        reference: PUBLIC => "an official document's number",
    }
    ContractAmended "contract_amended" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        number: PUBLIC => "an official document's number",
        value_change: PUBLIC => "the contract's terms are public",
        milestone: PUBLIC => "which term",
        days_added: PUBLIC => "the contract's terms are public",
        value: PUBLIC => "the contract value is public",
        reason: PUBLIC => "the reason of an amendment is published (the form says so)",
    }
    WorkHandedOver "work_handed_over" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        number: PUBLIC => "an official document's number",
    }
    ContractTerminated "contract_terminated" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the contracted company is public",
        ground: PUBLIC => "the ground is published",
        reason: PUBLIC => "the reason of a termination is published (the form says so)",
        blacklist_proposed: PUBLIC => "a sanction proposed against a company is public",
    }
    AdvancePaid "advance_paid" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the contracted company is public",
        amount: PUBLIC => "payments of public money are public",
        guarantee: PUBLIC => "anyone may check it with its issuer",
        reference: PUBLIC => "an official document's number",
    }
    MaintenanceGuaranteeGiven "maintenance_guarantee_given" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        guarantee: PUBLIC => "anyone may check it with its issuer",
    }
    VendorRated "vendor_rated" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the company rated",
        marks: PUBLIC => "a company's performance record is public",
        score: PUBLIC => "a company's performance record is public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The execution written whole, held only on the version read (none: a new one).
    PutExecution {
        /// The execution.
        execution: Execution,
        /// The version read.
        expected_version: Option<u32>,
    },
}

mod guarantee;
mod rating;
pub use guarantee::*;
pub use rating::*;

#[cfg(test)]
mod tests;
