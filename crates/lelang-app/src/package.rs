//! Packages: a PPK turns an announced plan item into a package with its owner's estimate (HPS),
//! under the rule set in force.

use crate::{App, AppError};
use lelang_core::ids::{PlanItemId, TenantId};
use lelang_core::package::{NewPackage, Package, create_package};
use lelang_core::policy::{Action, Actor, authorize};

/// A package from a plan item of the regency (not found: no such item in this regency).
pub async fn create(
    app: &App,
    actor: &Actor,
    tenant: TenantId,
    plan_item: PlanItemId,
    input: NewPackage,
) -> Result<Package, AppError> {
    let item = app
        .store
        .plan_items(tenant, false)
        .await?
        .into_iter()
        .find(|p| p.id == plan_item)
        .ok_or(AppError::NotFound)?;
    authorize(
        actor,
        Action::ManagePackage {
            tenant,
            work_unit: item.work_unit_id,
        },
    )?;
    let rules = crate::rules::today(app)?;
    app.run(|cx| create_package(actor, &item, input, rules, cx)).await
}
