//! Evaluation and award: the pokja begins from the completed opening, records findings, clarifies
//! low prices, schedules proofs and votes on the outcome; the budget holder decides large awards;
//! auditors read (each read logged); everyone reads the published result.
//!
//! Each change is decided on the version of the evaluation it read. Two members recording at the
//! same moment do not lose each other's work: the one that lost the race is decided again on the
//! newer version, a few times, before the conflict is reported.

use crate::tender::Loaded;
use crate::{App, AppError};
use lelang_core::command::{Change, CommandError};
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
        evaluation::record_finding(actor, e, bid, step, pass, score, reason, cx)
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

/// A member's vote on the outcome.
pub async fn vote(
    app: &App,
    actor: &Actor,
    package: PackageId,
    proposal: &Proposal,
    agree: bool,
    reason: Option<&str>,
) -> Result<Evaluation, AppError> {
    change(app, package, &|e, cx| {
        evaluation::approve(actor, e, proposal, agree, reason, cx)
    })
    .await
}

/// The budget holder confirms or returns a proposed award.
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

/// The evaluation as the tender's pokja or an auditor reads it before the announcement; an
/// auditor's read is logged first. Anyone else: not found.
pub async fn read(app: &App, actor: &Actor, package: PackageId) -> Result<Evaluation, AppError> {
    let e = app.store.evaluation(package).await?.ok_or(AppError::NotFound)?;
    if !evaluation::may_read(actor, &e) {
        return Err(AppError::NotFound);
    }
    let member = actor.user().is_some_and(|u| e.members.contains(&u.user_id));
    if !member {
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
