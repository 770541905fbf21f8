//! Packages (paket): what one tender buys. The PPK turns an announced plan item into a package with
//! its owner's estimate (HPS): the total is public, the breakdown is confidential — only the PPK,
//! the pokja and auditors see it, and the public log holds only a commitment to it.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{PackageId, PlanItemId, TenantId, WorkUnitId};
use crate::plan::PlanItem;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::{Category, RuleSet, Rupiah};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One line of the HPS breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpsLine {
    /// What (uraian).
    pub description: String,
    /// How many (volume), a whole number of units.
    pub quantity: i64,
    /// The unit (satuan), e.g. "m3", "unit", "paket".
    pub unit: String,
    /// Price per unit (harga satuan), rupiah.
    pub unit_price: Rupiah,
}

/// A package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Its id.
    pub id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The work unit.
    pub work_unit_id: WorkUnitId,
    /// The announced plan item it comes from.
    pub plan_item_id: PlanItemId,
    /// Name (from the plan item).
    pub name: String,
    /// Category (from the plan item).
    pub category: Category,
    /// Pagu (from the plan item).
    pub budget_ceiling: Rupiah,
    /// HPS: the sum of the breakdown (public).
    pub owner_estimate: Rupiah,
    /// The breakdown (confidential).
    pub hps_breakdown: Vec<HpsLine>,
    /// Where the work is done or goods delivered.
    pub location: String,
    /// The rule set it runs under.
    pub rule_set: String,
    /// When it was prepared.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The failed tender this one repeats (tender ulang), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<PackageId>,
}

/// Input of [`create_package`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPackage {
    /// The breakdown.
    pub hps_breakdown: Vec<HpsLine>,
    /// The location.
    pub location: String,
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// The HPS of a breakdown, or the rule it breaks.
pub fn owner_estimate(lines: &[HpsLine]) -> Result<Rupiah, CommandError> {
    if lines.is_empty() || lines.len() > 500 {
        return Err(invalid("hps_breakdown", "invalid-hps-lines"));
    }
    let mut total: Rupiah = 0;
    for l in lines {
        let d = l.description.trim();
        if d.chars().count() < 2
            || d.chars().count() > 300
            || l.unit.trim().is_empty()
            || l.unit.chars().count() > 30
        {
            return Err(invalid("hps_breakdown", "invalid-hps-line"));
        }
        if l.quantity <= 0 || l.unit_price <= 0 {
            return Err(invalid("hps_breakdown", "invalid-hps-amount"));
        }
        let line = l
            .quantity
            .checked_mul(l.unit_price)
            .ok_or(invalid("hps_breakdown", "invalid-hps-amount"))?;
        total = total
            .checked_add(line)
            .ok_or(invalid("hps_breakdown", "invalid-hps-amount"))?;
    }
    if total > crate::plan::MAX_BUDGET {
        return Err(invalid("hps_breakdown", "invalid-hps-amount"));
    }
    Ok(total)
}

/// The PPK of the plan item's work unit prepares a package from it. The plan item must be
/// announced; the HPS may not exceed the pagu (the rule is named).
pub fn create_package(
    actor: &Actor,
    plan_item: &PlanItem,
    input: NewPackage,
    rules: &RuleSet,
    cx: &Cx<'_>,
) -> Result<(Package, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(
        actor,
        Action::ManagePackage {
            tenant: plan_item.tenant_id,
            work_unit: plan_item.work_unit_id,
        },
    )?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if plan_item.announced_at.is_none() {
        return Err(invalid("plan_item_id", "package-plan-not-announced"));
    }
    let location = crate::command::valid_name("location", &input.location)?;
    let hps = owner_estimate(&input.hps_breakdown)?;
    rules
        .check_budget(plan_item.budget_ceiling, hps)
        .map_err(|v| invalid("hps_breakdown", v.rule))?;
    let p = Package {
        id: cx.id(),
        tenant_id: plan_item.tenant_id,
        work_unit_id: plan_item.work_unit_id,
        plan_item_id: plan_item.id,
        name: plan_item.name.clone(),
        category: plan_item.category,
        budget_ceiling: plan_item.budget_ceiling,
        owner_estimate: hps,
        hps_breakdown: input.hps_breakdown,
        location,
        rule_set: rules.id.clone(),
        created_at: now,
        repeat_of: None,
    };
    let event = NewEvent::new(
        cx,
        Some(p.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::PackageCreated {
            package_id: p.id,
            plan_item_id: p.plan_item_id,
            work_unit_id: p.work_unit_id,
            name: p.name.clone(),
            budget_ceiling: p.budget_ceiling,
            owner_estimate: p.owner_estimate,
            hps_breakdown: p.hps_breakdown.clone(),
            location: p.location.clone(),
            rule_set: p.rule_set.clone(),
            repeat_of: None,
        },
    )?;
    Ok((
        p.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::InsertPackage(p)],
        },
    ))
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A package was prepared from an announced plan item.
    PackageCreated {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The plan item.
        plan_item_id: crate::ids::PlanItemId,
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// Its name.
        name: String,
        /// Pagu.
        budget_ceiling: i64,
        /// HPS total (public).
        owner_estimate: i64,
        /// HPS breakdown (confidential: committed, not shown, in the public log).
        hps_breakdown: Vec<crate::package::HpsLine>,
        /// Location.
        location: String,
        /// The rule set.
        rule_set: String,
        /// The failed tender it repeats.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        repeat_of: Option<crate::ids::PackageId>,
    },
}

crate::privacy::event_table! {
    PackageCreated "package_created" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package",
        plan_item_id: PUBLIC => "its announced plan item",
        work_unit_id: PUBLIC => "its work unit",
        name: PUBLIC => "what is bought",
        budget_ceiling: PUBLIC => "the pagu is in the published plan",
        owner_estimate: PUBLIC => "the HPS total is announced (Perpres 16/2018 Pasal 26)",
        hps_breakdown: Visibility::Commit(Confidential::HpsBreakdown) => "only the total is announced (Perpres 16/2018 Pasal 26)",
        location: PUBLIC => "where",
        rule_set: PUBLIC => "the regulation it runs under",
        repeat_of: PUBLIC => "a repeat tender names the failed one",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A new package.
    InsertPackage(crate::package::Package),
}

/// Refused unless `actor` is the PPK of the package's work unit (who drafts, signs and manages its
/// contract).
pub(crate) fn as_ppk(actor: &Actor, p: &Package) -> Result<(), CommandError> {
    authorize(
        actor,
        Action::ManagePackage {
            tenant: p.tenant_id,
            work_unit: p.work_unit_id,
        },
    )
    .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::plan::{NewPlanItem, create_plan_items};
    use crate::policy::UserActor;
    use crate::role::Role;
    use crate::rules::Method;
    use time::macros::date;

    fn line(q: i64, p: Rupiah) -> HpsLine {
        HpsLine {
            description: "Beton K-250".into(),
            quantity: q,
            unit: "m3".into(),
            unit_price: p,
        }
    }

    #[test]
    fn hps_is_the_sum_and_stays_under_the_pagu() {
        let (t, wu) = (TenantId::new(), WorkUnitId::new());
        let ppk = Actor::User(UserActor {
            user_id: UserId::new(),
            username: "ppk".into(),
            role: Role::CommitmentOfficer,
            tenant_id: Some(t),
            work_unit_id: Some(wu),
            vendor_id: None,
        });
        let rules = crate::rules::built_in().expect("rules").pop().expect("newest");
        let item = NewPlanItem {
            fiscal_year: 2027,
            name: "Jembatan".into(),
            category: Category::Works,
            budget_ceiling: 1_000_000_000,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: date!(2027 - 02 - 01),
            planned_end: date!(2027 - 08 - 01),
        };
        let (mut items, _) = create_plan_items(
            &ppk,
            t,
            wu,
            &[item],
            &rules,
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect("plan");
        let mut plan = items.remove(0);
        let input = |lines| NewPackage {
            hps_breakdown: lines,
            location: "Kecamatan Glagah".into(),
        };
        assert_eq!(
            create_package(
                &ppk,
                &plan,
                input(vec![line(10, 1)]),
                &rules,
                &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH)
            )
            .expect_err("draft"),
            invalid("plan_item_id", "package-plan-not-announced")
        );
        plan.announced_at = Some(OffsetDateTime::UNIX_EPOCH);
        let (p, change) = create_package(
            &ppk,
            &plan,
            input(vec![line(400, 1_500_000), line(1, 300_000_000)]),
            &rules,
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect("ok");
        assert_eq!(p.owner_estimate, 900_000_000);
        assert_eq!(change.events[0].event_type, "package_created");
        let e = create_package(
            &ppk,
            &plan,
            input(vec![line(1000, 1_500_000)]),
            &rules,
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .expect_err("over pagu");
        assert_eq!(e, invalid("hps_breakdown", "pagu-below-hps"));
        assert_eq!(
            owner_estimate(&[line(i64::MAX, 2)]),
            Err(invalid("hps_breakdown", "invalid-hps-amount"))
        );
        assert_eq!(
            owner_estimate(&[]),
            Err(invalid("hps_breakdown", "invalid-hps-lines"))
        );
        let ulp = Actor::User(UserActor {
            user_id: UserId::new(),
            username: "ulp".into(),
            role: Role::UlpHead,
            tenant_id: Some(t),
            work_unit_id: None,
            vendor_id: None,
        });
        assert!(matches!(
            create_package(
                &ulp,
                &plan,
                input(vec![line(1, 1)]),
                &rules,
                &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH)
            ),
            Err(CommandError::Denied(_))
        ));
    }
}
