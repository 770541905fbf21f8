//! The contract's execution: the PPK plans milestones, the company reports progress, the PPK
//! accepts, pays, amends, records the handover or terminates, and rates the company.

use crate::{App, AppError};
use lelang_core::appeal::Guarantee;
use lelang_core::contract::Contract;
use lelang_core::execution::{self, Addendum, Execution, Ground, Marks, Planned};
use lelang_core::ids::{PackageId, VendorId};
use lelang_core::package::Package;
use lelang_core::policy::Actor;

/// What a command of this stage reads: the package, and the execution.
async fn read(app: &App, package: PackageId) -> Result<(Package, Execution), AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let e = store.execution(package).await?.ok_or(AppError::NotFound)?;
    Ok((p, e))
}

/// The PPK plans (or re-plans, before the first report) the milestones.
pub async fn plan(
    app: &App,
    actor: &Actor,
    package: PackageId,
    items: Vec<Planned>,
) -> Result<Execution, AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let c: Contract = store.contract(package).await?.ok_or(AppError::NotFound)?;
    let e = store.execution(package).await?;
    app.run(|cx| execution::plan(actor, &p, &c, e.as_ref(), items, cx))
        .await
}

/// The company reports progress on milestone `n`.
pub async fn report(
    app: &App,
    actor: &Actor,
    package: PackageId,
    n: u16,
    percent: u8,
    note: &str,
) -> Result<Execution, AppError> {
    let (_, e) = read(app, package).await?;
    app.run(|cx| execution::report(actor, &e, n, percent, note, cx))
        .await
}

/// The PPK's inspection accepts milestone `n`.
pub async fn accept(
    app: &App,
    actor: &Actor,
    package: PackageId,
    n: u16,
    minutes: &str,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    app.run(|cx| execution::accept(actor, &p, &e, n, minutes, cx))
        .await
}

/// The PPK pays milestone `n`.
pub async fn pay(
    app: &App,
    actor: &Actor,
    package: PackageId,
    n: u16,
    reference: &str,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    app.run(|cx| execution::pay(actor, &p, &e, n, reference, cx))
        .await
}

/// The PPK amends the contract.
pub async fn amend(app: &App, actor: &Actor, package: PackageId, d: Addendum) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| execution::amend(actor, &p, &e, rules, d, cx)).await
}

/// The PPK records the handover (BAST).
pub async fn hand_over(
    app: &App,
    actor: &Actor,
    package: PackageId,
    number: &str,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    app.run(|cx| execution::hand_over(actor, &p, &e, number, cx))
        .await
}

/// The PPK terminates the contract.
pub async fn terminate(
    app: &App,
    actor: &Actor,
    package: PackageId,
    ground: Ground,
    reason: &str,
    blacklist: bool,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    app.run(|cx| execution::terminate(actor, &p, &e, ground, reason, blacklist, cx))
        .await
}

/// The PPK rates the company.
pub async fn rate(app: &App, actor: &Actor, package: PackageId, marks: Marks) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| execution::rate(actor, &p, &e, rules, marks, cx))
        .await
}

/// The PPK pays the advance against the company's guarantee.
pub async fn pay_advance(
    app: &App,
    actor: &Actor,
    package: PackageId,
    amount: lelang_core::rules::Rupiah,
    guarantee: Guarantee,
    reference: &str,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    let c = app.store.contract(package).await?.ok_or(AppError::NotFound)?;
    let end = c.end().ok_or(AppError::NotFound)?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| execution::pay_advance(actor, &p, &e, end, rules, amount, guarantee, reference, cx))
        .await
}

/// The company gives its maintenance guarantee after the handover.
pub async fn give_maintenance_guarantee(
    app: &App,
    actor: &Actor,
    package: PackageId,
    guarantee: Guarantee,
) -> Result<Execution, AppError> {
    let (p, e) = read(app, package).await?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| execution::give_maintenance_guarantee(actor, &p, &e, rules, guarantee, cx))
        .await
}

/// A company's record: its rated contracts and their mean score.
pub async fn record(app: &App, vendor: VendorId) -> Result<Option<(usize, u32)>, AppError> {
    Ok(execution::record(&app.store.executions_of(vendor).await?))
}
