//! The timer of the periods after an award: every few seconds, each award not yet settled gets
//! the ends that have passed put on the log (see [`lelang_core::period`]). Tests call
//! [`fire_due`] under an injected clock; the server runs [`run_timer`].

use crate::{App, AppError};
use lelang_core::ids::PackageId;
use lelang_core::period::{self, Award};
use lelang_core::store::{Conflict, StoreError};
use std::time::Duration;

/// Ends every period that has passed, on every unsettled award; how many it recorded. A tender
/// that fails (a broken record, a store error on its rows) is logged and passed over, so that
/// one tender never holds up every other award's periods.
pub async fn fire_due(app: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for package in app.store.unsettled_awards().await? {
        match fire(app, package).await {
            Ok(k) => n += k,
            Err(e) => tracing::warn!(error = %e, %package, "ending a tender's periods failed"),
        }
    }
    Ok(n)
}

/// Ends the passed periods of one tender's award; how many it recorded (a failed tender has none).
pub async fn fire(app: &App, package: PackageId) -> Result<usize, AppError> {
    let store = app.store.as_ref();
    let Some(e) = store.evaluation(package).await? else {
        return Ok(0);
    };
    let Some(w) = crate::objection::window(app, &e).await? else {
        return Ok(0);
    };
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let rules = crate::rules::of(&p)?;
    let objections = store.objections(package).await?;
    let appeals = store.appeals(package).await?;
    let fired = store.period_ends(package, e.version).await?;
    let x = Award {
        evaluation: &e,
        window: &w,
        objections: &objections,
        appeals: &appeals,
        category: p.category,
        rules,
    };
    let mut n = 0;
    for end in period::due(x, &fired, app.clock.now()) {
        match app
            .apply(|cx| period::record(package, e.tenant_id, e.version, end, cx))
            .await
        {
            Ok(()) => n += 1,
            // Another server's timer recorded it first.
            Err(AppError::Store(StoreError::Conflict(Conflict::Duplicate(_)))) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(n)
}

/// Fires the periods' ends and logs complaints' missed first answers every five seconds: the
/// server's own clock work.
pub async fn run_timer(app: App) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = fire_due(&app).await {
            tracing::warn!(error = %e, "ending the periods after awards failed");
        }
        if let Err(e) = crate::complaint::fire_overdue(&app).await {
            tracing::warn!(error = %e, "logging overdue complaints failed");
        }
    }
}
