//! The evaluation's API: the tender's pokja begins, records findings, clarifies low prices,
//! schedules proofs and votes; the budget holder decides large awards; auditors read (logged); the
//! public reads the prices read out at the opening and, once announced, the result.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::input::ApiJson;
use crate::tender::load;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use lelang_core::evaluation::rank::{AwardRecord, FailureReason};
use lelang_core::evaluation::{Evaluation, Proposal, Standing, Step, record_sha256};
use lelang_core::ids::{BidId, PackageId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub mod pages;

/// An evaluation as its pokja and auditors read it, with what the pages need beside it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    /// The evaluation as stored: bids with their corrections, findings, decisions, votes, status.
    #[schema(value_type = Object)]
    pub evaluation: Evaluation,
    /// Each bid's standing, in opening order.
    pub standings: Vec<BidStanding>,
    /// Whether the award can be voted now.
    pub award_ready: bool,
    /// The record an award vote would approve now, and its SHA-256.
    #[schema(value_type = Object)]
    pub award_draft: AwardRecord,
    /// SHA-256 of the draft's canonical JSON.
    pub award_draft_sha256: String,
}

/// One bid's place in the evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct BidStanding {
    /// The bid.
    #[schema(value_type = String)]
    pub bid_id: BidId,
    /// `failed`, `passed` or `pending`.
    pub state: &'static str,
    /// The step it failed at or waits for.
    #[schema(value_type = Option<String>)]
    pub step: Option<Step>,
    /// Why it failed.
    pub reason: Option<String>,
    /// Whether the pokja may evaluate its next step now.
    pub in_window: bool,
    /// Its position among the bids not failed, by the method's ranking (from 1).
    pub position: Option<u32>,
}

pub(crate) fn view(e: Evaluation) -> Result<EvaluationView, ApiError> {
    let candidates = e.candidates();
    let standings = e
        .bids
        .iter()
        .map(|b| {
            let (state, step, reason) = match e.standing(b.bid_id) {
                Standing::Failed(s, r) => ("failed", Some(s), Some(r)),
                Standing::Passed => ("passed", None, None),
                Standing::Pending(s) => ("pending", Some(s), None),
            };
            BidStanding {
                bid_id: b.bid_id,
                state,
                step,
                reason,
                in_window: step.is_some_and(|s| state == "pending" && e.in_window(b.bid_id, s)),
                position: candidates
                    .iter()
                    .position(|c| *c == b.bid_id)
                    .map(|i| i as u32 + 1),
            }
        })
        .collect();
    let award_draft = e.record(&Proposal::Award);
    let award_draft_sha256 = record_sha256(&award_draft).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(EvaluationView {
        award_ready: e.award_ready(),
        evaluation: e,
        standings,
        award_draft,
        award_draft_sha256,
    })
}

/// The evaluation of a tender: its pokja and the regency's auditors (whose read is logged).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation", tag = "evaluation",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn evaluation_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<EvaluationView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::read(&state.app, &ctx.actor, l.package.id).await?;
    Ok(Json(view(e)?))
}

/// A member of the tender's pokja begins the evaluation once the opening is complete: each bid's
/// price schedule is corrected, and bids that did not open or are above HPS fail with the reason.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation", tag = "evaluation",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn begin_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<(StatusCode, Json<EvaluationView>), ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::begin(&state.app, &ctx.actor, &l).await?;
    Ok((StatusCode::CREATED, Json(view(e)?)))
}

/// A member's finding on one step of one bid.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// The bid.
    #[schema(value_type = String)]
    pub bid_id: BidId,
    /// `administrative`, `technical`, `price`, `qualification` or `proof`.
    #[schema(value_type = String)]
    pub step: Step,
    /// Pass or fail (ignored where the step is scored).
    #[serde(default)]
    pub pass: bool,
    /// The technical score 0–100, under merit methods.
    pub score: Option<u32>,
    /// Why (2–2000 characters).
    pub reason: String,
}

/// Records a finding; the step is decided once a majority agrees.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/findings", tag = "evaluation", request_body = FindingInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn finding_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<FindingInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::find(
        &state.app,
        &ctx.actor,
        l.package.id,
        input.bid_id,
        input.step,
        input.pass,
        input.score,
        &input.reason,
    )
    .await?;
    Ok(Json(view(e)?))
}

/// The clarification of a price under the rule set's share of HPS.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClarificationInput {
    /// The bid.
    #[schema(value_type = String)]
    pub bid_id: BidId,
    /// Found reasonable.
    pub accepted: bool,
    /// What the bidder showed (2–2000 characters).
    pub reason: String,
}

/// Records the clarification of an unreasonably low price.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/clarifications", tag = "evaluation", request_body = ClarificationInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn clarification_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ClarificationInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::clarify(
        &state.app,
        &ctx.actor,
        l.package.id,
        input.bid_id,
        input.accepted,
        &input.reason,
    )
    .await?;
    Ok(Json(view(e)?))
}

/// A proof-of-qualification meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofInput {
    /// The bid.
    #[schema(value_type = String)]
    pub bid_id: BidId,
    /// When (RFC 3339).
    pub at: String,
    /// Where.
    pub place: String,
}

/// Schedules the proof of qualification of a bid that passed qualification.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/proofs", tag = "evaluation", request_body = ProofInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn proof_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ProofInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    let at = time::OffsetDateTime::parse(input.at.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| ApiError::Invalid {
            field: "at".into(),
            code: "invalid-time".into(),
        })?;
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::schedule_proof(
        &state.app,
        &ctx.actor,
        l.package.id,
        input.bid_id,
        at,
        &input.place,
    )
    .await?;
    Ok(Json(view(e)?))
}

/// A member's vote on the outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    /// `award`, or `fail` with a reason and a note.
    pub outcome: String,
    /// For a failure: `no_bids`, `no_valid_bids`, `all_above_hps`, `all_fail_qualification`,
    /// `collusion` or `evaluation_error`.
    pub failure: Option<String>,
    /// For a failure: the explanation published with it.
    pub note: Option<String>,
    /// Agrees (true) or dissents with a reason.
    pub agree: bool,
    /// A dissent's reason.
    pub reason: Option<String>,
}

pub(crate) fn proposal(
    outcome: &str,
    failure: Option<&str>,
    note: Option<&str>,
) -> Result<Proposal, ApiError> {
    let invalid = |field: &str, code: &str| ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    };
    match outcome {
        "award" => Ok(Proposal::Award),
        "fail" => {
            let reason: FailureReason = failure
                .and_then(lelang_core::rules::from_code)
                .ok_or_else(|| invalid("failure", "invalid-failure-reason"))?;
            Ok(Proposal::Fail {
                reason,
                note: note.unwrap_or_default().to_owned(),
            })
        }
        _ => Err(invalid("outcome", "invalid-outcome")),
    }
}

/// Votes on the award the ranking gives now, or on the tender's failure; a majority announces it
/// (or proposes it to the budget holder above the rule set's limit).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/votes", tag = "evaluation", request_body = VoteInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn vote_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<VoteInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    let p = proposal(&input.outcome, input.failure.as_deref(), input.note.as_deref())?;
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::vote(
        &state.app,
        minutes_store(&state),
        &ctx.actor,
        l.package.id,
        &p,
        input.agree,
        input.reason.as_deref(),
    )
    .await?;
    Ok(Json(view(e)?))
}

pub(crate) fn minutes_store(state: &AppState) -> lelang_app::evaluation::MinutesStore<'_> {
    lelang_app::evaluation::MinutesStore {
        blobs: state.blobs.as_ref(),
        max_bytes: state.config.max_document_bytes,
    }
}

/// Why the evaluation begins again.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReevaluationInput {
    /// What was wrong (2–2000 characters), published.
    pub reason: String,
}

/// After the tender failed for an error in the evaluation, a member of its pokja begins the
/// evaluation again (Perpres 16/2018 Pasal 51 ayat (6) huruf a).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/reevaluation", tag = "evaluation", request_body = ReevaluationInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = EvaluationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn reevaluation_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ReevaluationInput>,
) -> Result<Json<EvaluationView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let e = lelang_app::evaluation::reevaluate(&state.app, &ctx.actor, l.package.id, &input.reason).await?;
    Ok(Json(view(e)?))
}

/// The repeat tender made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Repeated {
    /// The new package: set it up, run its key ceremony and announce it.
    pub package_id: Uuid,
}

/// Repeats a failed tender (tender ulang, Perpres 16/2018 Pasal 51 ayat (6) huruf c) as a new
/// package of the same plan item, HPS and pokja, linked to the failed one (a member of its pokja).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/repeat", tag = "evaluation",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = Repeated), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn repeat_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<(StatusCode, Json<Repeated>), ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let p = lelang_app::evaluation::repeat(&state.app, &ctx.actor, l.package.id).await?;
    Ok((StatusCode::CREATED, Json(Repeated { package_id: p.id.0 })))
}

/// The budget holder's decision on a proposed award.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Confirm and announce (true) or return to the pokja.
    pub confirm: bool,
    /// Why it is returned.
    pub reason: Option<String>,
}

/// The budget holder of the package's work unit confirms or returns a proposed award.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/evaluation/decision", tag = "evaluation", request_body = DecisionInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn decision_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tenant = crate::input::tenant_or_404(&state, &slug).await?;
    let package = lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id)).await?;
    let e = lelang_app::evaluation::decide_award(
        &state.app,
        &ctx.actor,
        package.id,
        input.confirm,
        input.reason.as_deref(),
    )
    .await?;
    Ok(Json(serde_json::json!({ "status": e.status })))
}

/// One bid as read out at the opening.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadOut {
    /// The bid.
    #[schema(value_type = String)]
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: Uuid,
    /// Its name.
    pub vendor_name: String,
    /// Whether it opened.
    pub opened: bool,
    /// The price read out.
    pub price: Option<i64>,
}

/// The prices read out at the opening, once it is complete (public, as the opening minutes are).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/prices", tag = "evaluation",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Vec<ReadOut>), (status = 404, body = Problem)))]
pub(crate) async fn prices_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<ReadOut>>, ApiError> {
    Ok(Json(read_out(&state, PackageId(id)).await?))
}

pub(crate) async fn read_out(state: &AppState, package: PackageId) -> Result<Vec<ReadOut>, ApiError> {
    let o = state
        .store
        .opening(package)
        .await?
        .filter(|o| o.completed_at.is_some())
        .ok_or(ApiError::NotFound)?;
    let mut out = Vec::with_capacity(o.bids.len());
    for b in &o.bids {
        let name = state
            .store
            .vendor(b.vendor_id)
            .await?
            .map(|v| v.name)
            .unwrap_or_default();
        let outcome = b.outcome.as_ref();
        out.push(ReadOut {
            bid_id: b.bid_id,
            vendor_id: b.vendor_id.0,
            vendor_name: name,
            opened: outcome.is_some_and(|o| o.opened),
            price: outcome.and_then(|o| o.price),
        });
    }
    Ok(out)
}

/// The published result: the winner and reserves with every bid's read-out and corrected price
/// and the reason each failure failed, or the tender's failure — the record `lelang verify award`
/// checks. Not found until it is announced.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/award", tag = "evaluation",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn award_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<AwardRecord>, ApiError> {
    lelang_app::evaluation::published(&state.app, PackageId(id))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The evaluation routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation",
            get(evaluation_api).post(begin_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/findings",
            post(finding_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/clarifications",
            post(clarification_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/proofs",
            post(proof_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/votes",
            post(vote_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/decision",
            post(decision_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/reevaluation",
            post(reevaluation_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/evaluation/repeat",
            post(repeat_api),
        )
        .route("/api/v1/tenders/{id}/prices", get(prices_api))
        .route("/api/v1/tenders/{id}/award", get(award_api))
        .merge(pages::page_routes())
}
