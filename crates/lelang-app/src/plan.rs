//! The procurement plan (RUP): entering a work unit's items under the rule set in force, and
//! announcing its drafts.

use crate::{App, AppError};
use lelang_core::ids::{TenantId, WorkUnitId};
use lelang_core::plan::{self, NewPlanItem, PlanItem};
use lelang_core::policy::{Action, Actor, authorize};

/// A work unit's new plan items, checked against the rule set in force today.
pub async fn enter(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    work_unit: WorkUnitId,
    items: &[NewPlanItem],
) -> Result<Vec<PlanItem>, AppError> {
    let rules = crate::rules::today(app)?;
    app.run(|cx| plan::create_plan_items(actor, tenant, work_unit, items, rules, cx))
        .await
}

/// Announces a work unit's draft items of a fiscal year; returns how many became public. The
/// drafts are read only once the actor may announce them.
pub async fn announce(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    work_unit: WorkUnitId,
    year: i32,
) -> Result<usize, AppError> {
    authorize(actor, Action::AnnouncePlan { tenant, work_unit })?;
    let drafts = app.store.plan_items(tenant, false).await?;
    app.run(|cx| {
        let change = plan::announce_plan(actor, tenant, work_unit, year, &drafts, cx)?;
        let n = change
            .mutations
            .iter()
            .map(|m| match m {
                plan::Mutation::AnnouncePlanItems { ids, .. } => ids.len(),
                _ => 0,
            })
            .sum();
        Ok((n, change))
    })
    .await
}
