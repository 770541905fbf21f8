//! Appeals (sanggah banding), for construction works only: a bidder whose objection was rejected
//! may appeal within the rule set's period after the answer (5 calendar days), with an appeal
//! guarantee of at least the rule set's share of HPS (1 %) valid until the appeal is answered.
//! The budget holder (PA/KPA) of the package's work unit answers within the rule set's period
//! (14 calendar days): upheld, the award is withdrawn and the evaluation reopens and the guarantee
//! is returned; rejected, the guarantee is forfeited (recorded here; cashing it is the treasury's).
//! The letter of award waits while an appeal is open.
//!
//! Who answers an appeal could not be confirmed from current sources for Perpres 16/2018 as
//! amended (earlier rules sent it to the head of the region); lelang has the budget holder answer,
//! in one place (`answer`).

use crate::command::{Change, CommandError, acting, event, invalid};
use crate::evaluation::Evaluation;
use crate::fresh::Cx;
use crate::ids::{AppealId, ObjectionId, PackageId, TenantId, UserId, VendorId};
use crate::objection::{Objection, Window};
use crate::package::Package;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::{Category, RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// The longest text of an appeal or its answer, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The appeal guarantee (jaminan sanggah banding), as its issuer wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    /// The bank or insurer.
    pub issuer: String,
    /// Its number.
    pub number: String,
    /// Its amount.
    pub amount: Rupiah,
    /// The last day it is valid.
    #[serde(with = "crate::rules::iso_date")]
    pub valid_until: Date,
}

/// An appeal and, once given, its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    /// Its id.
    pub id: AppealId,
    /// The tender.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The appealing company.
    pub vendor_id: VendorId,
    /// The objection whose answer it appeals.
    pub objection_id: ObjectionId,
    /// Its reasons.
    pub text: String,
    /// The guarantee.
    pub guarantee: Guarantee,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
    /// The answer.
    pub answer: Option<AppealAnswer>,
}

/// The budget holder's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealAnswer {
    /// Upheld (the evaluation reopens) or rejected (the guarantee is forfeited).
    pub upheld: bool,
    /// Why.
    pub reason: String,
    /// Who answered.
    pub by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Whether it came after the answer period.
    pub late: bool,
}

impl Appeal {
    /// Whether its guarantee is forfeited (a rejected appeal).
    pub fn forfeited(&self) -> bool {
        self.answer.as_ref().is_some_and(|a| !a.upheld)
    }
}

fn text(field: &'static str, code: &'static str, s: &str, min: usize) -> Result<String, CommandError> {
    crate::command::bounded(field, code, s, min..=MAX_TEXT_CHARS, true)
}

/// What [`file`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    /// The package.
    pub package: &'a Package,
    /// Its evaluation, awarded.
    pub evaluation: &'a Evaluation,
    /// The award's objection window.
    pub window: &'a Window,
    /// Its objections.
    pub objections: &'a [Objection],
    /// Its appeals so far.
    pub appeals: &'a [Appeal],
    /// The rule set.
    pub rules: &'a RuleSet,
}

/// A company whose objection to this award was rejected appeals, for construction works only,
/// within the appeal period after the answer, once, with a sufficient guarantee.
pub fn file(
    actor: &Actor,
    vendor: VendorId,
    x: Filing<'_>,
    reasons: &str,
    guarantee: Guarantee,
    cx: &Cx<'_>,
) -> Result<(Appeal, Change<Mutation>), CommandError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let a = acting(actor)?;
    let p = x.package;
    if p.category != Category::Works {
        return Err(invalid("package_id", "appeal-not-allowed"));
    }
    if crate::objection::announced(x.evaluation).is_none() {
        return Err(invalid("package_id", "no-award-announced"));
    }
    let Some((objection, answered)) = x.objections.iter().find_map(|o| {
        let ans = o.answer.as_ref()?;
        (o.vendor_id == vendor && o.filed_at >= x.window.opens && !ans.upheld).then_some((o, ans.at))
    }) else {
        return Err(invalid("package_id", "appeal-needs-objection"));
    };
    let closes = answered + Duration::days(i64::from(x.rules.periods.appeal_calendar_days));
    if cx.now >= closes {
        return Err(invalid("package_id", "appeal-period-closed"));
    }
    if x.appeals.iter().any(|ap| ap.objection_id == objection.id) {
        return Err(invalid("package_id", "appeal-exists"));
    }
    let reasons = text("text", "invalid-appeal-text", reasons, 10)?;
    let guarantee = Guarantee {
        issuer: text("issuer", "invalid-guarantee", &guarantee.issuer, 2)?,
        number: text("number", "invalid-guarantee", &guarantee.number, 2)?,
        ..guarantee
    };
    let needed = x.rules.appeal_guarantee(p.owner_estimate);
    if guarantee.amount < needed {
        return Err(invalid("amount", "appeal-guarantee-too-small"));
    }
    let answer_by = cx.now + Duration::days(i64::from(x.rules.periods.appeal_answer_calendar_days));
    if guarantee.valid_until < answer_by.date() {
        return Err(invalid("valid_until", "appeal-guarantee-expires"));
    }
    let ap = Appeal {
        id: cx.id(),
        package_id: p.id,
        tenant_id: p.tenant_id,
        vendor_id: vendor,
        objection_id: objection.id,
        text: reasons.clone(),
        guarantee: guarantee.clone(),
        filed_at: cx.now,
        answer: None,
    };
    let ev = event(
        a,
        cx,
        Some(p.tenant_id),
        Event::AppealFiled {
            appeal_id: ap.id,
            package_id: p.id,
            vendor_id: vendor,
            text: reasons,
            guarantee,
        },
    )?;
    Ok((
        ap.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertAppeal(ap)],
        },
    ))
}

/// The budget holder of the package's work unit answers an appeal. Upheld, the award is withdrawn
/// and the evaluation reopens; rejected, the guarantee is forfeited.
#[allow(clippy::too_many_arguments)]
pub fn answer(
    actor: &Actor,
    ap: &Appeal,
    package: &Package,
    e: &Evaluation,
    rules: &RuleSet,
    upheld: bool,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Appeal, Change<Mutation>), CommandError> {
    authorize(actor, Action::ViewPackages(package.tenant_id))?;
    let a = acting(actor)?;
    let holder = a.role == crate::role::Role::BudgetHolder && a.work_unit_id == Some(package.work_unit_id);
    if !holder || ap.package_id != package.id || e.package_id != package.id {
        return Err(Denied::Forbidden.into());
    }
    if ap.answer.is_some() {
        return Err(invalid("appeal_id", "appeal-answered-already"));
    }
    let reason = text("reason", "invalid-appeal-answer", reason, 10)?;
    let due = ap.filed_at + Duration::days(i64::from(rules.periods.appeal_answer_calendar_days));
    let mut n = ap.clone();
    n.answer = Some(AppealAnswer {
        upheld,
        reason: reason.clone(),
        by: a.user_id,
        at: cx.now,
        late: cx.now > due,
    });
    let mut events = vec![event(
        a,
        cx,
        Some(package.tenant_id),
        Event::AppealAnswered {
            appeal_id: ap.id,
            package_id: package.id,
            upheld,
            guarantee_forfeited: !upheld,
            reason,
        },
    )?];
    let mut mutations = vec![Mutation::AnswerAppeal(n.clone())];
    if upheld {
        let (_, change) = crate::evaluation::reopen_after_objection(
            a,
            e,
            format!("Sanggah banding diterima: {}", ap.id.0),
            cx,
        )?;
        events.extend(change.events);
        mutations.extend(change.mutations.into_iter().map(Mutation::Evaluation));
    }
    Ok((n, Change { events, mutations }))
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A bidder appealed the answer to its objection, with its guarantee.
    AppealFiled {
        /// The appeal.
        appeal_id: AppealId,
        /// The tender.
        package_id: PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Its reasons.
        text: String,
        /// The guarantee.
        guarantee: Guarantee,
    },
    /// The budget holder answered an appeal.
    AppealAnswered {
        /// The appeal.
        appeal_id: AppealId,
        /// The tender.
        package_id: PackageId,
        /// Upheld or rejected.
        upheld: bool,
        /// Whether the guarantee is forfeited.
        guarantee_forfeited: bool,
        /// Why.
        reason: String,
    },
}

crate::privacy::event_table! {
    AppealFiled "appeal_filed" actor: PERSONAL, role: PUBLIC, {
        appeal_id: PUBLIC => "the appeal",
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "the bidders are public from the opening",
        text: PERSONAL => "its reasons may name people",
        guarantee: PUBLIC => "the guarantee's issuer, number, amount and validity are checked by anyone",
    }
    AppealAnswered "appeal_answered" actor: PERSONAL, role: PUBLIC, {
        appeal_id: PUBLIC => "the appeal",
        package_id: PUBLIC => "the tender",
        upheld: PUBLIC => "whether the award stands is public",
        guarantee_forfeited: PUBLIC => "a forfeited guarantee is public",
        reason: PERSONAL => "its reasons may name people",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// An upheld appeal reopens the evaluation.
    Evaluation(crate::evaluation::Mutation),
    /// A new appeal.
    InsertAppeal(Appeal),
    /// An appeal answered; refused if it already was.
    AnswerAppeal(Appeal),
}

#[cfg(test)]
mod tests;
