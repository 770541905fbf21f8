//! The contract's guarantees during execution: the advance payment and the guarantee that
//! covers it, and the maintenance guarantee of construction after the handover.

use super::{Event, Execution, MAX_TITLE_CHARS, Mutation, Stamp, ppk, put, running, text};
use crate::appeal::Guarantee;
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::fresh::Cx;
use crate::package::Package;
use crate::policy::{Action, Actor, authorize};
use crate::rules::{RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::Date;

/// An advance payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// What was advanced.
    pub amount: Rupiah,
    /// The company's advance guarantee, covering it.
    pub guarantee: Guarantee,
    /// The payment's reference and time.
    pub paid: Stamp,
}

fn guarantee_of(g: Guarantee) -> Result<Guarantee, CommandError> {
    Ok(Guarantee {
        issuer: text("issuer", "invalid-guarantee", &g.issuer, MAX_TITLE_CHARS)?,
        number: text("number", "invalid-guarantee", &g.number, MAX_TITLE_CHARS)?,
        ..g
    })
}

/// Whether `actor` may pay the advance: the PPK, once, while the work runs and before any
/// milestone is paid.
pub fn may_pay_advance(actor: &Actor, p: &Package, e: &Execution) -> Result<(), CommandError> {
    ppk(actor, p)?;
    running(e)?;
    if e.advance.is_some() {
        return Err(invalid("package_id", "advance-paid-already"));
    }
    if e.milestones.iter().any(|m| m.paid.is_some()) {
        return Err(invalid("package_id", "milestones-paid"));
    }
    Ok(())
}

/// The PPK pays an advance, at most the rule set's share of the contract value, against the
/// company's advance guarantee of at least the amount, valid through the work's planned end.
#[allow(clippy::too_many_arguments)]
pub fn pay_advance(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    end: Date,
    rules: &RuleSet,
    amount: Rupiah,
    guarantee: Guarantee,
    reference: &str,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_pay_advance(actor, p, e)?;
    let a = acting(actor)?;
    let most = e.value() * rules.contract.advance_payment_max_permille.value / 1000;
    if amount <= 0 || amount > most {
        return Err(invalid("amount", "advance-over-limit"));
    }
    let guarantee = guarantee_of(guarantee)?;
    if guarantee.amount < amount {
        return Err(invalid("guarantee_amount", "advance-guarantee-too-small"));
    }
    if guarantee.valid_until < end {
        return Err(invalid("valid_until", "advance-guarantee-expires"));
    }
    let number = text("number", "invalid-document-number", reference, MAX_TITLE_CHARS)?;
    let mut x = e.next();
    x.advance = Some(Advance {
        amount,
        guarantee: guarantee.clone(),
        paid: Stamp {
            number: number.clone(),
            at: cx.now,
        },
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::AdvancePaid {
            package_id: e.package_id,
            vendor_id: e.vendor_id,
            amount,
            guarantee,
            reference: number,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// The maintenance guarantee a construction contract's company owes at the handover: at least
/// the rule set's share of the contract value (none for other categories).
pub fn maintenance_guarantee_required(p: &Package, e: &Execution, rules: &RuleSet) -> Option<Rupiah> {
    (p.category == crate::rules::Category::Works)
        .then(|| RuleSet::permille_up(e.value(), &rules.contract.maintenance_guarantee_permille))
}

/// Whether `actor` may give the maintenance guarantee: the company, after the handover of
/// construction, once.
pub fn may_give_maintenance_guarantee(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    rules: &RuleSet,
) -> Result<Rupiah, CommandError> {
    authorize(actor, Action::ActForVendor(e.vendor_id))?;
    let Some(required) = maintenance_guarantee_required(p, e, rules) else {
        return Err(invalid("package_id", "guarantee-not-required"));
    };
    if e.handover.is_none() {
        return Err(invalid("package_id", "contract-running"));
    }
    if e.maintenance_guarantee.is_some() {
        return Err(invalid("package_id", "maintenance-guarantee-given"));
    }
    Ok(required)
}

/// The company gives its maintenance guarantee after the handover.
pub fn give_maintenance_guarantee(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    rules: &RuleSet,
    g: Guarantee,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    let required = may_give_maintenance_guarantee(actor, p, e, rules)?;
    let a = acting(actor)?;
    let g = guarantee_of(g)?;
    if g.amount < required {
        return Err(invalid("amount", "maintenance-guarantee-too-small"));
    }
    if g.valid_until <= cx.now.date() {
        return Err(invalid("valid_until", "maintenance-guarantee-expires"));
    }
    let mut x = e.next();
    x.maintenance_guarantee = Some(g.clone());
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::MaintenanceGuaranteeGiven {
            package_id: e.package_id,
            guarantee: g,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}
