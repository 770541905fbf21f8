//! Evaluation and award: the pokja begins from the completed opening, records findings, clarifies
//! low prices, schedules proofs and votes on the outcome; the budget holder decides large awards;
//! auditors read (each read logged); everyone reads the published result.
//!
//! Each change is decided on the version of the evaluation it read. Two members recording at the
//! same moment do not lose each other's work: the one that lost the race is decided again on the
//! newer version, a few times, before the conflict is reported.

use crate::blobs::BlobStore;
use crate::tender::Loaded;
use crate::{App, AppError};
use lelang_core::command::{Change, CommandError};
use lelang_core::document::{DocumentKind, NewDocument};
use lelang_core::evaluation::{self, Begin, Evaluation, Proposal, Status, Step, rank::AwardRecord};
use lelang_core::fresh::Cx;
use lelang_core::ids::{BidId, PackageId};
use lelang_core::policy::Actor;
use lelang_core::store::{Conflict, StoreError};
use time::OffsetDateTime;

fn refused(code: &'static str) -> AppError {
    AppError::Command(CommandError::Invalid {
        field: "package_id",
        code,
    })
}

/// A member of the pokja begins the evaluation of a tender whose opening is complete.
pub async fn begin(app: &App, actor: &Actor, l: &Loaded) -> Result<Evaluation, AppError> {
    let store = app.store.as_ref();
    let tender = store
        .public_tender(l.package.id)
        .await?
        .ok_or(refused("not-announced"))?;
    let setup = l.setup.as_ref().ok_or(refused("not-set-up"))?;
    let assignment = l.assignment.as_ref().ok_or(refused("no-pokja"))?;
    let opening = store
        .opening(l.package.id)
        .await?
        .ok_or(refused("opening-not-complete"))?;
    let existing = store.evaluation(l.package.id).await?;
    let rules = crate::rules::of(&l.package)?;
    let b = Begin {
        tender: &tender,
        setup,
        assignment,
        opening: &opening,
        rules,
    };
    app.run(|cx| evaluation::begin(actor, &b, existing.as_ref(), cx))
        .await
}

/// A change to an evaluation: how to decide it on the version read.
type Decide<'a> = dyn Fn(&Evaluation, &Cx<'_>) -> Result<(Evaluation, Change<evaluation::Mutation>), CommandError>
    + Send
    + Sync
    + 'a;

/// Reads the evaluation, decides, commits; decides again on a newer version if another member
/// changed it in between.
async fn change(app: &App, package: PackageId, decide: &Decide<'_>) -> Result<Evaluation, AppError> {
    let mut tries = 0;
    loop {
        let e = app.store.evaluation(package).await?.ok_or(AppError::NotFound)?;
        match app.run(|cx| decide(&e, cx)).await {
            Err(AppError::Store(StoreError::Conflict(Conflict::EvaluationChanged))) if tries < 4 => {
                tries += 1
            }
            r => return r,
        }
    }
}

/// A member's finding on a step of a bid.
#[allow(clippy::too_many_arguments)]
pub async fn find(
    app: &App,
    actor: &Actor,
    package: PackageId,
    bid: BidId,
    step: Step,
    pass: bool,
    score: Option<u32>,
    reason: &str,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        let f = evaluation::NewFinding {
            bid,
            step,
            pass,
            score,
            reason,
        };
        evaluation::record_finding(actor, e, &f, cx)
    })
    .await
}

/// The clarification of a low price.
pub async fn clarify(
    app: &App,
    actor: &Actor,
    package: PackageId,
    bid: BidId,
    accepted: bool,
    reason: &str,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        evaluation::clarify_price(actor, e, bid, accepted, reason, cx)
    })
    .await
}

/// A proof-of-qualification meeting.
pub async fn schedule_proof(
    app: &App,
    actor: &Actor,
    package: PackageId,
    bid: BidId,
    at: OffsetDateTime,
    place: &str,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        evaluation::schedule_proof(actor, e, bid, at, place, cx)
    })
    .await
}

/// Where the minutes of a concluded evaluation are kept.
#[derive(Clone, Copy)]
pub struct MinutesStore<'a> {
    /// The document store.
    pub blobs: &'a dyn BlobStore,
    /// The largest document.
    pub max_bytes: u64,
}

/// A member's vote on the outcome; the vote that concludes it publishes the minutes.
#[allow(clippy::too_many_arguments)]
pub async fn vote(
    app: &App,
    minutes: MinutesStore<'_>,
    actor: &Actor,
    package: PackageId,
    proposal: &Proposal,
    agree: bool,
    reason: Option<&str>,
) -> Result<Evaluation, AppError> {
    let e = change(app, package, &|e, cx| {
        evaluation::approve(actor, e, proposal, agree, reason, cx)
    })
    .await?;
    publish_minutes(app, minutes, actor, &e).await?;
    Ok(e)
}

/// A member begins the evaluation again after a failure for an error in it.
pub async fn reevaluate(
    app: &App,
    actor: &Actor,
    package: PackageId,
    reason: &str,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        evaluation::reevaluate(actor, e, reason, cx)
    })
    .await
}

/// A member repeats a failed tender (tender ulang) as a new package run by the same pokja.
pub async fn repeat(
    app: &App,
    actor: &Actor,
    package: PackageId,
) -> Result<lelang_core::package::Package, AppError> {
    let store = app.store.as_ref();
    let e = store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    let failed = store.package(package).await?.ok_or(AppError::NotFound)?;
    let assignment = store.pokja_assignment(package).await?.ok_or(AppError::NotFound)?;
    let repeated = store
        .packages(e.tenant_id)
        .await?
        .iter()
        .any(|p| p.repeat_of == Some(package));
    app.run(|cx| evaluation::repeat_tender(actor, &e, &failed, &assignment, repeated, cx))
        .await
}

/// The budget holder confirms or returns a proposed award (the pokja's minutes were published
/// with its proposal; the decision is its own event).
pub async fn decide_award(
    app: &App,
    actor: &Actor,
    package: PackageId,
    confirm: bool,
    reason: Option<&str>,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        evaluation::decide_award(actor, e, confirm, reason, cx)
    })
    .await
}

/// The title the minutes of an evaluation are published under.
pub const MINUTES_TITLE: &str = "Berita Acara Hasil Evaluasi dan Penetapan Pemenang";

/// The minutes of the evaluation as they stand (the printable page shows them at any time).
pub async fn minutes(app: &App, e: &Evaluation) -> Result<String, AppError> {
    let store = app.store.as_ref();
    let tenant = store.tenant(e.tenant_id).await?.ok_or(AppError::NotFound)?;
    let package = store.package(e.package_id).await?.ok_or(AppError::NotFound)?;
    let mut companies = std::collections::HashMap::new();
    for b in &e.bids {
        if let Some(v) = store.vendor(b.vendor_id).await? {
            companies.insert(b.bid_id, v.name);
        }
    }
    let record = match &e.status {
        Status::Awarded { record, .. } | Status::Failed { record, .. } | Status::Proposed { record } => {
            (**record).clone()
        }
        Status::Evaluating => e.record(&Proposal::Award),
    };
    let sha = evaluation::record_sha256(&record)?;
    let hours = tenant.time_zone.utc_offset_hours();
    let local = time::UtcOffset::from_hms(hours, 0, 0)
        .ok()
        .and_then(|o| {
            app.clock
                .now()
                .to_offset(o)
                .format(time::macros::format_description!(
                    "[day]-[month]-[year] [hour]:[minute]"
                ))
                .ok()
        })
        .map(|t| format!("{t} (UTC+{hours})"))
        .unwrap_or_default();
    Ok(evaluation::minutes::minutes_text(
        e,
        &package.name,
        &tenant.name,
        &companies,
        &record,
        &sha,
        &local,
    ))
}

/// Publishes the minutes of the pokja's decision — announced, failed, or proposed to the budget
/// holder — as a document of the tender, by the member whose vote decided it: their SHA-256 goes
/// on the log with it.
async fn publish_minutes(
    app: &App,
    m: MinutesStore<'_>,
    actor: &Actor,
    e: &Evaluation,
) -> Result<(), AppError> {
    if matches!(e.status, Status::Evaluating) {
        return Ok(());
    }
    let text = minutes(app, e).await?;
    let package = app.store.package(e.package_id).await?.ok_or(AppError::NotFound)?;
    let assignment = app.store.pokja_assignment(e.package_id).await?;
    let mut r = m.blobs.receive(m.max_bytes).await?;
    r.push(text.as_bytes()).await?;
    let staged = r.finish().await?;
    let input = NewDocument {
        kind: DocumentKind::Minutes,
        title: MINUTES_TITLE.into(),
        filename: "berita-acara-hasil-evaluasi.txt".into(),
        size: staged.size,
        sha256: staged.sha256.clone(),
        supersedes: None,
        change_note: None,
    };
    crate::document::publish::<AppError, _>(
        app,
        actor,
        &package,
        assignment.as_ref(),
        input,
        m.max_bytes,
        || async { m.blobs.keep(staged).await.map_err(AppError::from) },
    )
    .await?;
    Ok(())
}

/// The evaluation as the tender's pokja or an auditor reads it before the announcement; an
/// auditor's read is logged first. Anyone else: not found.
pub async fn read(app: &App, actor: &Actor, package: PackageId) -> Result<Evaluation, AppError> {
    let e = app.store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    if !evaluation::may_read(actor, &e) {
        return Err(AppError::NotFound);
    }
    let member = actor.user().is_some_and(|u| e.members.contains(&u.user_id));
    let auditor =
        lelang_core::policy::authorize(actor, lelang_core::policy::Action::ViewEvaluation(e.tenant_id))
            .is_ok();
    if auditor && !member {
        app.apply(|cx| evaluation::audit_read(actor, &e, cx)).await?;
    }
    Ok(e)
}

/// The published result of a tender (announced or failed), for anyone.
pub async fn published(app: &App, package: PackageId) -> Result<Option<AwardRecord>, AppError> {
    Ok(app.store.evaluation(package).await?.and_then(|e| match e.status {
        Status::Awarded { record, .. } | Status::Failed { record, .. } => Some(*record),
        _ => None,
    }))
}
