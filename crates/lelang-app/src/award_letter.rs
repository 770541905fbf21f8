//! The letter of award: the PPK issues it once the periods allow; the company accepts or declines.

use crate::{App, AppError};
use lelang_core::award_letter::{self, Issue, Letters};
use lelang_core::command::CommandError;
use lelang_core::ids::PackageId;
use lelang_core::objection::Window;
use lelang_core::policy::{Actor, Denied};

fn invalid(code: &'static str) -> AppError {
    AppError::Command(CommandError::Invalid {
        field: "package_id",
        code,
    })
}

/// The PPK of the package's work unit issues the letter to the next in line.
pub async fn issue(app: &App, actor: &Actor, package: PackageId, number: &str) -> Result<Letters, AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let e = store
        .evaluation(package)
        .await?
        .ok_or(invalid("no-award-announced"))?;
    let window: Window = crate::objection::window(app, &e)
        .await?
        .ok_or(invalid("no-award-announced"))?;
    let objections = store.objections(package).await?;
    let appeals = store.appeals(package).await?;
    let letters = store.award_letters(package).await?;
    let rules = crate::rules::of(&p)?;
    let x = Issue {
        package: &p,
        evaluation: &e,
        window: &window,
        objections: &objections,
        appeals: &appeals,
        letters: letters.as_ref(),
        rules,
    };
    app.run(|cx| award_letter::issue(actor, x, number, cx)).await
}

/// The signed-in company accepts or declines the letter that names it.
pub async fn respond(
    app: &App,
    actor: &Actor,
    package: PackageId,
    accepted: bool,
    reason: Option<&str>,
) -> Result<Letters, AppError> {
    let vendor = actor
        .user()
        .and_then(|u| u.vendor_id)
        .ok_or(AppError::Command(Denied::Forbidden.into()))?;
    let store = app.store.as_ref();
    let letters = store
        .award_letters(package)
        .await?
        .ok_or(invalid("no-letter-pending"))?;
    let e = store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    app.run(|cx| award_letter::respond(actor, vendor, &letters, &e, accepted, reason, cx))
        .await
}
