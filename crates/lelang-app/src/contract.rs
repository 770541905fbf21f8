//! The contract: the PPK drafts it from the accepted letter of award, the company gives its
//! guarantee, both sign, the PPK issues the work order.

use crate::{App, AppError};
use lelang_core::appeal::Guarantee;
use lelang_core::contract::{self, Contract, Kind};
use lelang_core::ids::PackageId;
use lelang_core::policy::Actor;
use time::Date;

async fn existing(app: &App, package: PackageId) -> Result<Contract, AppError> {
    app.store.contract(package).await?.ok_or(AppError::NotFound)
}

/// The PPK drafts the contract.
pub async fn draft(
    app: &App,
    actor: &Actor,
    package: PackageId,
    kind: Kind,
    number: &str,
    duration_days: u32,
) -> Result<Contract, AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let e = store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    let letters = store.award_letters(package).await?;
    let c = store.contract(package).await?;
    let rules = crate::rules::of(&p)?;
    app.run(|cx| {
        contract::draft(
            actor,
            &p,
            &e,
            letters.as_ref(),
            c.as_ref(),
            rules,
            kind,
            number,
            duration_days,
            cx,
        )
    })
    .await
}

/// The company gives its performance guarantee.
pub async fn guarantee(
    app: &App,
    actor: &Actor,
    package: PackageId,
    g: Guarantee,
) -> Result<Contract, AppError> {
    let c = existing(app, package).await?;
    app.run(|cx| contract::give_guarantee(actor, &c, g, cx)).await
}

/// A party signs.
pub async fn sign(app: &App, actor: &Actor, package: PackageId) -> Result<Contract, AppError> {
    let p = app.store.package(package).await?.ok_or(AppError::NotFound)?;
    let c = existing(app, package).await?;
    app.run(|cx| contract::sign(actor, &p, &c, cx)).await
}

/// The PPK issues the work order.
pub async fn work_order(
    app: &App,
    actor: &Actor,
    package: PackageId,
    number: &str,
    start: Date,
) -> Result<Contract, AppError> {
    let p = app.store.package(package).await?.ok_or(AppError::NotFound)?;
    let c = existing(app, package).await?;
    app.run(|cx| contract::work_order(actor, &p, &c, number, start, cx))
        .await
}
