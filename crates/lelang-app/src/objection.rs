//! Objections to an award: a losing bidder files one in the objection period; the pokja answers
//! once it ends (an upheld objection reopens the evaluation).

use crate::{App, AppError};
use lelang_core::evaluation::Evaluation;
use lelang_core::ids::{ObjectionId, PackageId, VendorId};
use lelang_core::objection::{self, Evidence, Objection, Window};
use lelang_core::policy::{Actor, Denied};

/// The objection window of a tender's announced award, in its regency's time and calendar.
pub async fn window(app: &App, e: &Evaluation) -> Result<Option<Window>, AppError> {
    let store = app.store.as_ref();
    let package = store.package(e.package_id).await?.ok_or(AppError::NotFound)?;
    let tenant = store.tenant(e.tenant_id).await?.ok_or(AppError::NotFound)?;
    let rules = crate::rules::of(&package)?;
    let cal = crate::tender::calendar(app).await?;
    Ok(objection::window_of(e, rules, tenant.time_zone, &cal))
}

async fn awarded(app: &App, package: PackageId) -> Result<(Evaluation, Window), AppError> {
    let e = app.store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    let w = window(app, &e)
        .await?
        .ok_or(AppError::Command(lelang_core::command::CommandError::Invalid {
            field: "package_id",
            code: "no-award-announced",
        }))?;
    Ok((e, w))
}

/// The signed-in vendor's company objects to the award of `package`.
pub async fn file(app: &App, actor: &Actor, package: PackageId, text: &str) -> Result<Objection, AppError> {
    let vendor: VendorId = actor
        .user()
        .and_then(|u| u.vendor_id)
        .ok_or(AppError::Command(Denied::Forbidden.into()))?;
    let (e, w) = awarded(app, package).await?;
    let existing = app.store.objections(package).await?;
    app.run(|cx| objection::file(actor, vendor, &e, &w, &existing, text, cx))
        .await
}

/// A member of the tender's pokja answers one of its objections.
pub async fn answer(
    app: &App,
    actor: &Actor,
    package: PackageId,
    id: ObjectionId,
    upheld: bool,
    reason: &str,
) -> Result<Objection, AppError> {
    let (e, w) = awarded(app, package).await?;
    let o = app
        .store
        .objections(package)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(AppError::NotFound)?;
    app.run(|cx| objection::answer(actor, &o, &e, &w, upheld, reason, cx))
        .await
}

/// The company adds a file in support of its objection: decided first, then its bytes kept (by
/// `keep`), then committed — so a refused file is never kept.
pub async fn add_evidence<E, F>(
    app: &App,
    actor: &Actor,
    package: PackageId,
    id: ObjectionId,
    file: Evidence,
    max_bytes: u64,
    keep: impl FnOnce() -> F,
) -> Result<Objection, E>
where
    E: From<AppError>,
    F: std::future::Future<Output = Result<(), E>>,
{
    let (_, w) = awarded(app, package).await?;
    let o = app
        .store
        .objections(package)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(AppError::NotFound)?;
    let (next, change) =
        objection::add_evidence(actor, &w, &o, file, max_bytes, &app.cx()).map_err(AppError::from)?;
    keep().await?;
    app.commit(change).await?;
    Ok(next)
}
