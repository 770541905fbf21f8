//! Sealing over HTTP: members enrol their age recipients, run the key ceremony, vendors submit
//! sealed bids, and the pokja opens them with k proven partial decryptions. The server only relays
//! and checks: it never holds a member's identity in clear, a share, or the tender's secret.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::input::ApiJson;
use crate::tender::load;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use lelang_core::ids::PackageId;
use lelang_core::policy::{Action, authorize};
use lelang_core::sealing::{
    self, Ceremony, MemberKey, Opening, PartialJson, PartialsDecision,
    member::{DealRequest, Verdict},
};
use lelang_core::submission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Openings being finished by this server: one at a time per tender (another server of the same
/// deployment racing it loses on the opening's version).
static FINISHING: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<PackageId>>> =
    std::sync::LazyLock::new(Default::default);

/// A member's enrolment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    /// The age recipient (`age1…`) made on the member's side.
    recipient: String,
    /// The Ed25519 key (hex) derived from the same identity, which signs the member's dealings
    /// and confirmations.
    signing_key: String,
    /// Optionally, the identity sealed under a passphrase only the member knows (armored age
    /// scrypt), to fetch back on another device.
    #[serde(default)]
    sealed_identity: Option<String>,
}

/// A member's sealing key as they see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberKeyView {
    recipient: String,
    signing_key: String,
    /// The fingerprint of both keys, read out to the pokja in person.
    fingerprint: String,
    sealed_identity: Option<String>,
    enrolled_at: String,
}

fn key_view(k: &MemberKey) -> MemberKeyView {
    MemberKeyView {
        recipient: k.recipient.clone(),
        signing_key: k.signing_key.clone(),
        fingerprint: sealing::member_fingerprint(&k.recipient, &k.signing_key),
        sealed_identity: k.sealed_identity.clone(),
        enrolled_at: rfc(k.enrolled_at),
    }
}

fn rfc(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Enrols (or replaces) the requesting pokja member's sealing key.
#[utoipa::path(put, path = "/api/v1/me/sealing-key", tag = "sealing", request_body = EnrolInput,
    responses((status = 200, body = MemberKeyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn enrol_api(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<EnrolInput>,
) -> Result<Json<MemberKeyView>, ApiError> {
    let key = state
        .app
        .run(|cx| {
            sealing::enrol(
                &ctx.actor,
                &input.recipient,
                &input.signing_key,
                input.sealed_identity.as_deref(),
                *sealing::SEALED_WORK_FACTOR.start(),
                cx,
            )
        })
        .await?;
    Ok(Json(key_view(&key)))
}

/// The requesting member's sealing key (with their passphrase-sealed identity, if kept here).
#[utoipa::path(get, path = "/api/v1/me/sealing-key", tag = "sealing",
    responses((status = 200, body = MemberKeyView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn my_key_api(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<MemberKeyView>, ApiError> {
    let u = ctx.user_actor()?;
    let k = state
        .store
        .member_key(u.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(key_view(&k)))
}

/// Starting a ceremony.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    /// k; a majority of the pokja by default, never fewer.
    #[serde(default)]
    threshold: Option<u16>,
}

/// A ceremony as members and the regency's officials see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CeremonyView {
    /// Dealing, checking, completed or failed.
    #[schema(value_type = String)]
    stage: sealing::CeremonyStage,
    /// The requester's member index, if a member.
    me: Option<u16>,
    /// The whole ceremony (sub-shares are encrypted to their members).
    #[schema(value_type = Object)]
    ceremony: Ceremony,
}

async fn ceremony_of(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
) -> Result<(crate::tender::Loaded, Ceremony), ApiError> {
    let l = load(state, ctx, slug, id).await?;
    let c = lelang_app::sealing::ceremony_of(&state.app, &ctx.actor, &l).await?;
    Ok((l, c))
}

fn view(ctx: &Ctx, c: Ceremony) -> CeremonyView {
    CeremonyView {
        stage: c.stage(),
        me: ctx.actor.user().and_then(|u| c.index_of(u.user_id)),
        ceremony: c,
    }
}

/// The tender's key ceremony (its pokja and the regency's officials who run tenders).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages/{id}/ceremony", tag = "sealing",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = CeremonyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn ceremony_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<CeremonyView>, ApiError> {
    let (_, c) = ceremony_of(&state, &ctx, &slug, id).await?;
    Ok(Json(view(&ctx, c)))
}

/// Starts the tender's key ceremony (a member of its pokja, every member enrolled, before the
/// announcement).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/ceremony", tag = "sealing", request_body = StartInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = CeremonyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn start_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<StartInput>,
) -> Result<(StatusCode, Json<CeremonyView>), ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let c = lelang_app::sealing::start(&state.app, &ctx.actor, &l, input.threshold).await?;
    Ok((StatusCode::CREATED, Json(view(&ctx, c))))
}

/// Posts the requesting member's deal: k commitments and a sub-share (base64 age file) per member.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/ceremony/deal", tag = "sealing", request_body(content = Object),
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = CeremonyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn deal_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<DealRequest>,
) -> Result<Json<CeremonyView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let n = lelang_app::sealing::deal(&state.app, &ctx.actor, &l, input).await?;
    Ok(Json(view(&ctx, n)))
}

/// Posts the requesting member's verdict on what it received: `confirm` with its signature over
/// the transcript hash and the tender key it computed, or `complain` with the dealer's index and
/// the proven X25519 secret that opens the bad sub-share (the server opens it and checks).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/ceremony/verdict", tag = "sealing", request_body(content = Object),
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = CeremonyView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn verdict_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<Verdict>,
) -> Result<Json<CeremonyView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let app = &state.app;
    let n = match &input {
        Verdict::Confirm(req) => lelang_app::sealing::confirm(app, &ctx.actor, &l, req).await?,
        Verdict::Complain { dealer, .. } => {
            let revealed = input.revealed();
            lelang_app::sealing::complain(app, &ctx.actor, &l, *dealer, revealed.as_ref()).await?
        }
    };
    Ok(Json(view(&ctx, n)))
}

/// The signed transcript of an announced tender's key ceremony, for anyone to check without
/// trusting this server (`lelang verify ceremony`): the members by their keys only, every dealing's
/// commitments, proof, sub-share hashes and signature, every member's signed confirmation.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/ceremony", tag = "sealing",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn transcript_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<sealing::transcript::Transcript>, ApiError> {
    let package = PackageId(id);
    // Before the announcement the tender is not public, nor is its ceremony.
    state
        .store
        .public_tender(package)
        .await?
        .ok_or(ApiError::NotFound)?;
    let c = state.store.ceremony(package).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(c.transcript()))
}

/// An opening as the pokja and the regency's officials see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningView {
    /// The requester's member index, if a member of the ceremony.
    me: Option<u16>,
    /// The published schedule the opening must follow: each member's client checks by its own
    /// clock that the deadline and the grace window have passed before it computes a partial.
    schedule: OpeningSchedule,
    /// k.
    threshold: u16,
    /// The opening.
    #[schema(value_type = Object)]
    opening: Opening,
}

async fn opening_of(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
) -> Result<(crate::tender::Loaded, Ceremony, Opening, OpeningSchedule), ApiError> {
    let (l, c) = ceremony_of(state, ctx, slug, id).await?;
    let o = state
        .store
        .opening(l.package.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let tender = state
        .store
        .public_tender(l.package.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let schedule = OpeningSchedule::of(&tender, crate::tender::rule_set(&l.package)?);
    Ok((l, c, o, schedule))
}

/// The schedule an opening is held to.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningSchedule {
    /// The submission deadline (RFC 3339).
    submission_deadline: String,
    /// How long after it sealed files may still arrive.
    upload_grace_minutes: u32,
    /// The earliest moment bids may be opened.
    opens_at: String,
}

impl OpeningSchedule {
    fn of(tender: &lelang_core::tender::PublicTender, rules: &lelang_core::rules::RuleSet) -> Self {
        OpeningSchedule {
            submission_deadline: rfc(tender.submission_deadline),
            upload_grace_minutes: rules.periods.upload_grace_minutes,
            opens_at: rfc(sealing::opens_at(tender, submission::grace(rules))),
        }
    }
}

fn opening_view(ctx: &Ctx, c: &Ceremony, o: Opening, schedule: OpeningSchedule) -> OpeningView {
    OpeningView {
        me: ctx.actor.user().and_then(|u| c.index_of(u.user_id)),
        schedule,
        threshold: c.threshold,
        opening: o,
    }
}

/// Starts opening the bids (a member of the pokja, once the submission window and the upload grace
/// period have closed): fixes the bids and the points every member computes partials for.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/opening", tag = "sealing",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = OpeningView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn start_opening_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<(StatusCode, Json<OpeningView>), ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let started = lelang_app::opening::start(
        &state.app,
        &state.committer,
        &state.log,
        state.blobs.as_ref(),
        &ctx.actor,
        &l,
    )
    .await?;
    let schedule = OpeningSchedule::of(&started.tender, crate::tender::rule_set(&l.package)?);
    let (c, o) = (started.ceremony, started.opening);
    Ok((StatusCode::CREATED, Json(opening_view(&ctx, &c, o, schedule))))
}

/// The tender's opening: its bids, their points, the partials accepted and, once done, each bid's
/// outcome.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages/{id}/opening", tag = "sealing",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = OpeningView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn opening_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<OpeningView>, ApiError> {
    let (_, c, o, schedule) = opening_of(&state, &ctx, &slug, id).await?;
    Ok(Json(opening_view(&ctx, &c, o, schedule)))
}

/// A member's partials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartialsInput {
    /// Per bid (in opening order), per point: `{d, c, z}` (hex).
    #[schema(value_type = Vec<Vec<Object>>)]
    partials: Vec<Vec<PartialJson>>,
}

/// Posts the requesting member's partial decryptions. Every proof is checked; one that fails
/// rejects them all and the rejection, naming the member, goes on the log. With k members' partials
/// accepted, every bid is opened and the opening minutes are published.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/opening/partials", tag = "sealing", request_body = PartialsInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = OpeningView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn partials_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<PartialsInput>,
) -> Result<Json<OpeningView>, ApiError> {
    let (l, c, o, schedule) = opening_of(&state, &ctx, &slug, id).await?;
    let me = ctx.user_actor().ok().and_then(|u| c.index_of(u.user_id));
    if o.completed_at.is_none()
        && o.partials.len() >= usize::from(c.threshold)
        && o.partials.iter().any(|p| Some(p.member) == me)
    {
        // An opening interrupted after k members' partials (a full disk, a restart) resumes when a
        // member who sent theirs posts again.
        let o = finish_detached(&state, &ctx, l, &c, &o).await?;
        return Ok(Json(opening_view(&ctx, &c, o, schedule)));
    }
    let o = match sealing::submit_partials(&ctx.actor, &c, &o, input.partials, &state.app.cx())? {
        PartialsDecision::Rejected { change, .. } => {
            state.app.commit(change).await?;
            return Err(ApiError::Invalid {
                field: "partials".into(),
                code: "partial-proof".into(),
            });
        }
        PartialsDecision::Accepted(n, change) => {
            state.app.commit(change).await?;
            n
        }
    };
    let o = if o.partials.len() >= usize::from(c.threshold) {
        finish_detached(&state, &ctx, l, &c, &o).await?
    } else {
        o
    };
    Ok(Json(opening_view(&ctx, &c, o, schedule)))
}

/// Runs [`finish`] in a task of its own, so that a client who disconnects does not cut the opening
/// short halfway.
async fn finish_detached(
    state: &AppState,
    ctx: &Ctx,
    l: crate::tender::Loaded,
    c: &Ceremony,
    o: &Opening,
) -> Result<Opening, ApiError> {
    let package = o.package_id;
    let claimed = FINISHING.lock().map(|mut f| f.insert(package)).unwrap_or(false);
    if !claimed {
        // Already being opened here: answer with where it stands.
        return Ok(o.clone());
    }
    let (state, ctx, c, o) = (state.clone(), ctx.clone(), c.clone(), o.clone());
    let r = tokio::spawn(async move {
        let limits = lelang_app::opening::Limits {
            max_bid_bytes: state.config.max_bid_bytes,
            max_document_bytes: state.config.max_document_bytes,
        };
        let local_now = crate::view::local_time(&l.tenant, state.clock.now());
        let r = lelang_app::opening::finish(
            &state.app,
            state.blobs.as_ref(),
            &state.work.decryption,
            limits,
            &ctx.actor,
            &l,
            &c,
            &o,
            &local_now,
        )
        .await
        .map_err(ApiError::from);
        if let Ok(mut f) = FINISHING.lock() {
            f.remove(&package);
        }
        r
    })
    .await;
    r.map_err(|e| ApiError::Internal(e.to_string()))?
}

/// The largest partials body (bytes).
const PARTIALS_LIMIT: usize = 16 * 1024 * 1024;

/// The sealing routes; bids may be as large as the configured bid limit.
pub fn routes(_config: &crate::WebConfig) -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/me/sealing-key", put(enrol_api).get(my_key_api))
        .route("/api/v1/tenders/{id}/ceremony", get(transcript_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/ceremony",
            get(ceremony_api).post(start_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/ceremony/deal",
            post(deal_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/ceremony/verdict",
            post(verdict_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/opening",
            get(opening_api).post(start_opening_api),
        )
        // A few hundred bytes per bid and point: room for thousands of bids.
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/opening/partials",
            post(partials_api).layer(DefaultBodyLimit::max(PARTIALS_LIMIT)),
        )
        .merge(page_routes())
}

mod pages;
pub use lelang_app::opening::manifest_of;
pub use pages::page_routes;
