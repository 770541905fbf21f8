//! Appeals: a construction bidder whose objection was rejected appeals with its guarantee; the
//! budget holder answers.

use crate::{App, AppError};
use lelang_core::appeal::{self, Appeal, Filing, Guarantee};
use lelang_core::ids::{AppealId, PackageId};
use lelang_core::policy::{Actor, Denied};

/// The signed-in company appeals the answer to its objection.
pub async fn file(
    app: &App,
    actor: &Actor,
    package: PackageId,
    text: &str,
    guarantee: Guarantee,
) -> Result<Appeal, AppError> {
    let vendor = actor
        .user()
        .and_then(|u| u.vendor_id)
        .ok_or(AppError::Command(Denied::Forbidden.into()))?;
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let e = store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    let window = crate::objection::window(app, &e).await?.ok_or(AppError::Command(
        lelang_core::command::CommandError::Invalid {
            field: "package_id",
            code: "no-award-announced",
        },
    ))?;
    let objections = store.objections(package).await?;
    let appeals = store.appeals(package).await?;
    let x = Filing {
        package: &p,
        evaluation: &e,
        window: &window,
        objections: &objections,
        appeals: &appeals,
        rules: crate::rules::of(&p)?,
    };
    app.run(|cx| appeal::file(actor, vendor, x, text, guarantee, cx))
        .await
}

/// The budget holder of the package's work unit answers an appeal.
pub async fn answer(
    app: &App,
    actor: &Actor,
    package: PackageId,
    id: AppealId,
    upheld: bool,
    reason: &str,
) -> Result<Appeal, AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let e = store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    let ap = store
        .appeals(package)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| appeal::answer(actor, &ap, &p, &e, rules, upheld, reason, cx))
        .await
}
