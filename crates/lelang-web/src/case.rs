//! Law enforcement over HTTP: the ULP head and the auditor record MoUs, escalate cases, revoke
//! them and see every read per case and officer; an officer sees only the cases that grant them
//! access now, and through them exactly the packages in scope — each read logged — and takes
//! away a case file that `lelang verify case-file` checks offline.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::{CasePackagePage, CasePage, CaseRow, CasesPage, EventRow};
use crate::view::{PageForm, fail_page, local_time, nav_for, render, see_other};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use lelang_core::case::file::{CaseFile, Entry, FORMAT, FileDocument};
use lelang_core::case::{self, Case, Mou, NewMou};
use lelang_core::event::Event;
use lelang_core::ids::{CaseId, ComplaintId, MouId, PackageId, UserId};
use lelang_core::model::Tenant;
use lelang_core::store::EventFilter;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An MoU as recorded.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MouInput {
    /// Its number, as signed.
    pub number: String,
    /// The other party.
    pub counterpart: String,
    /// What it covers.
    pub scope: String,
    /// First day (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day (YYYY-MM-DD).
    pub valid_until: String,
    /// The contact officers' sign-in names (law-enforcement users of the regency).
    pub officers: Vec<String>,
}

/// An escalation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    /// The MoU.
    pub mou_id: Uuid,
    /// The complaint escalated (none: the auditor's finding).
    #[serde(default)]
    pub complaint_id: Option<Uuid>,
    /// What the matter is.
    pub summary: String,
    /// The packages in scope.
    pub packages: Vec<Uuid>,
    /// The officers' sign-in names (named in the MoU).
    pub officers: Vec<String>,
    /// Access lasts this many days (1–180).
    pub days: u32,
}

/// A revocation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    /// Why.
    pub reason: String,
}

/// An MoU as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct MouView {
    id: Uuid,
    number: String,
    counterpart: String,
    scope: String,
    valid_from: String,
    valid_until: String,
}

/// A case as shown to the ULP head, the auditor and its officers.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    id: Uuid,
    number: String,
    mou_id: Uuid,
    complaint_id: Option<Uuid>,
    /// `mediation_failed`, `not_mediable` or `finding`.
    ground: &'static str,
    summary: String,
    packages: Vec<Uuid>,
    /// RFC 3339.
    opens: String,
    /// RFC 3339.
    closes: String,
    revoked: bool,
    active: bool,
}

/// Reads per case and officer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadsView {
    case_id: Uuid,
    officer: String,
    count: u64,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn mou_view(m: &Mou) -> MouView {
    MouView {
        id: m.id.0,
        number: m.number.clone(),
        counterpart: m.counterpart.clone(),
        scope: m.scope.clone(),
        valid_from: m.valid_from.to_string(),
        valid_until: m.valid_until.to_string(),
    }
}

fn case_view(c: &Case, m: Option<&Mou>, now: time::OffsetDateTime) -> CaseView {
    CaseView {
        id: c.id.0,
        number: c.number.clone(),
        mou_id: c.mou_id.0,
        complaint_id: c.complaint_id.map(|x| x.0),
        ground: c.ground.code(),
        summary: c.summary.clone(),
        packages: c.packages.iter().map(|p| p.0).collect(),
        opens: rfc3339(c.opens),
        closes: rfc3339(c.closes),
        revoked: c.revoked.is_some(),
        active: m.is_some_and(|m| c.active(m, now)),
    }
}

fn bad(field: &str, code: &str) -> ApiError {
    ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    }
}

fn day(field: &str, s: &str) -> Result<time::Date, ApiError> {
    time::Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| bad(field, "invalid-mou-validity"))
}

/// The users of `names` (sign-in names), or `invalid-mou-officers`.
async fn users_named(state: &AppState, names: &[String]) -> Result<Vec<UserId>, ApiError> {
    if names.len() > case::MAX_SCOPE {
        return Err(bad("officers", "invalid-mou-officers"));
    }
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let c = state
            .store
            .credentials(&n.trim().to_lowercase())
            .await?
            .ok_or_else(|| bad("officers", "invalid-mou-officers"))?;
        out.push(c.user.id);
    }
    Ok(out)
}

/// The regency's auditor (who reads the event log whole).
fn is_auditor(ctx: &Ctx, tenant: &Tenant) -> bool {
    lelang_core::complaint::may_handle(&ctx.actor, tenant.id)
}

fn managing(ctx: &Ctx, tenant: &Tenant) -> Result<(), ApiError> {
    ctx.user_actor()?;
    if case::may_manage(&ctx.actor, tenant.id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The regency's MoUs with law enforcement (the ULP head and the auditor).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/mous", tag = "cases",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<MouView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn mous_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<MouView>>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    managing(&ctx, &tenant)?;
    Ok(Json(
        state.store.mous(tenant.id).await?.iter().map(mou_view).collect(),
    ))
}

/// Records an MoU (the ULP head or the auditor).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/mous", tag = "cases", request_body = MouInput,
    params(("slug" = String, Path)),
    responses((status = 201, body = MouView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn record_mou_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<MouInput>,
) -> Result<(StatusCode, Json<MouView>), ApiError> {
    let m = record_mou(&state, &ctx, &slug, input).await?;
    Ok((StatusCode::CREATED, Json(mou_view(&m))))
}

async fn record_mou(state: &AppState, ctx: &Ctx, slug: &str, input: MouInput) -> Result<Mou, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    managing(ctx, &tenant)?;
    let m = NewMou {
        number: input.number,
        counterpart: input.counterpart,
        scope: input.scope,
        valid_from: day("valid_from", &input.valid_from)?,
        valid_until: day("valid_until", &input.valid_until)?,
        officers: users_named(state, &input.officers).await?,
    };
    Ok(lelang_app::case::record_mou(&state.app, &ctx.actor, tenant.id, m).await?)
}

/// The regency's cases: all of them to the ULP head and the auditor; to an officer, the cases
/// that grant them access now; to anyone else, nothing.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/cases", tag = "cases",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<CaseView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn cases_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    Ok(Json(visible_cases(&state, &ctx, &tenant).await?))
}

async fn visible_cases(state: &AppState, ctx: &Ctx, tenant: &Tenant) -> Result<Vec<CaseView>, ApiError> {
    let a = ctx.user_actor()?;
    let now = state.clock.now();
    if case::may_manage(&ctx.actor, tenant.id) {
        let mut out = Vec::new();
        for c in state.store.cases(tenant.id).await? {
            let m = state.store.mou(c.mou_id).await?;
            out.push(case_view(&c, m.as_ref(), now));
        }
        return Ok(out);
    }
    if a.role != lelang_core::role::Role::LawEnforcement || a.tenant_id != Some(tenant.id) {
        return Err(ApiError::Forbidden);
    }
    let active = lelang_app::case::active_for(&state.app, &ctx.actor, tenant.id).await?;
    Ok(active.iter().map(|(c, m)| case_view(c, Some(m), now)).collect())
}

/// Escalates a matter as a case under an MoU (the ULP head or the auditor).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/cases", tag = "cases", request_body = CaseInput,
    params(("slug" = String, Path)),
    responses((status = 201, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn escalate_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<CaseInput>,
) -> Result<(StatusCode, Json<CaseView>), ApiError> {
    let c = escalate(&state, &ctx, &slug, input).await?;
    let m = state.store.mou(c.mou_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(case_view(&c, m.as_ref(), state.clock.now())),
    ))
}

async fn escalate(state: &AppState, ctx: &Ctx, slug: &str, input: CaseInput) -> Result<Case, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    managing(ctx, &tenant)?;
    // The days bound the instant before it is computed (a huge count would overflow it); the
    // scope's size is the core's rule, checked there.
    if !(1..=180).contains(&input.days) {
        return Err(bad("days", "invalid-case-period"));
    }
    let x = lelang_app::case::Escalate {
        mou: MouId(input.mou_id),
        complaint: input.complaint_id.map(ComplaintId),
        summary: input.summary,
        packages: input.packages.into_iter().map(PackageId).collect(),
        officers: users_named(state, &input.officers).await?,
        closes: state.clock.now() + time::Duration::days(i64::from(input.days)),
    };
    Ok(lelang_app::case::escalate(&state.app, &ctx.actor, tenant.id, x).await?)
}

/// Revokes a case's access (the ULP head or the auditor).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/cases/{id}/revocation", tag = "cases", request_body = RevokeInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn revoke_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<RevokeInput>,
) -> Result<Json<CaseView>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    managing(&ctx, &tenant)?;
    let c = lelang_app::case::revoke(&state.app, &ctx.actor, tenant.id, CaseId(id), &input.reason).await?;
    let m = state.store.mou(c.mou_id).await?;
    Ok(Json(case_view(&c, m.as_ref(), state.clock.now())))
}

/// The reads through the regency's cases per case and officer (the ULP head and the auditor).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/cases/reads", tag = "cases",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ReadsView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn reads_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<ReadsView>>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    managing(&ctx, &tenant)?;
    Ok(Json(reads(&state, &ctx, &tenant).await?))
}

async fn reads(state: &AppState, ctx: &Ctx, tenant: &Tenant) -> Result<Vec<ReadsView>, ApiError> {
    let rows = lelang_app::case::reads(&state.app, &ctx.actor, tenant.id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let officer = state
            .store
            .user(r.officer)
            .await?
            .map(|u| u.username)
            .unwrap_or_default();
        out.push(ReadsView {
            case_id: r.case.0,
            officer,
            count: r.count,
        });
    }
    Ok(out)
}

/// A package's events in clear for an officer of an active case whose scope holds it (logged).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/cases/{id}/packages/{package}/events", tag = "cases",
    params(("slug" = String, Path), ("id" = Uuid, Path), ("package" = Uuid, Path)),
    responses((status = 200, body = Vec<Object>), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn package_events_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, package)): Path<(String, Uuid, Uuid)>,
) -> Result<Json<Vec<Event>>, ApiError> {
    ctx.user_actor()?;
    let tenant = tenant_or_404(&state, &slug).await?;
    let (c, m) = lelang_app::case::with_mou(&state.app, tenant.id, CaseId(id)).await?;
    let package = PackageId(package);
    lelang_app::case::log_read(&state.app, &ctx.actor, &c, &m, Some(package), "events").await?;
    Ok(Json(package_events(&state, &tenant, &[package], None).await?))
}

/// The regency's events about `packages` (or about the case `case`), in log order.
async fn package_events(
    state: &AppState,
    tenant: &Tenant,
    packages: &[PackageId],
    case: Option<CaseId>,
) -> Result<Vec<Event>, ApiError> {
    let all = state
        .store
        .events(EventFilter {
            tenant: Some(Some(tenant.id)),
            limit: 1_000_000,
            ..EventFilter::default()
        })
        .await?;
    let wanted: Vec<String> = packages.iter().map(|p| p.0.to_string()).collect();
    let case = case.map(|c| c.0.to_string());
    Ok(all
        .into_iter()
        .filter(|e| {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&e.payload) else {
                return false;
            };
            let pkg = v["package_id"]
                .as_str()
                .or_else(|| v["document"]["package_id"].as_str());
            // Another case's events (its reads, its revocation) are that case's: an officer does
            // not learn who else investigates the package, or when.
            if let Some(other) = v["case_id"].as_str() {
                return case.as_deref() == Some(other);
            }
            pkg.is_some_and(|p| wanted.iter().any(|w| w == p))
        })
        .collect())
}

/// The largest documents' total a case file carries in full (larger ones are left to the
/// documents' own downloads).
const MAX_FILE_DOCUMENTS_BYTES: u64 = 64 * 1024 * 1024;

/// The case file: the case, its scope's events in clear with their salts and inclusion proofs in
/// one signed checkpoint, and its documents — for its officers and the regency's auditor, each
/// fetch logged. `lelang verify case-file` checks it offline.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/cases/{id}/file", tag = "cases",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn file_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Response, ApiError> {
    ctx.user_actor()?;
    let tenant = tenant_or_404(&state, &slug).await?;
    let (c, m) = lelang_app::case::with_mou(&state.app, tenant.id, CaseId(id)).await?;
    // The file holds the scope's events in clear with their salts: its officers (each fetch a
    // case read) and the regency's auditors (who read the log whole; the fetch logged as their
    // confidential read) — not the ULP head, whose role does not read HPS breakdowns or bids.
    if is_auditor(&ctx, &tenant) {
        state
            .app
            .apply_some(|cx| {
                lelang_core::directory::confidential_read(&ctx.actor, tenant.id, "case_file", 1, cx)
            })
            .await?;
    } else {
        lelang_app::case::log_read(&state.app, &ctx.actor, &c, &m, None, "case file").await?;
    }
    let f = case_file(&state, &tenant, &c).await?;
    let mut r = Json(f).into_response();
    r.headers_mut().insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{}.json\"", c.number))
            .map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok(r)
}

async fn case_file(state: &AppState, tenant: &Tenant, c: &Case) -> Result<CaseFile, ApiError> {
    // The tree's size first: every event in the file lies within the checkpoint.
    let size = state.store.tree_size().await?;
    let events = package_events(state, tenant, &c.packages, Some(c.id)).await?;
    let checkpoint = state
        .log
        .signed_checkpoint(state.store.as_ref(), state.clock.as_ref(), size)
        .await?;
    let mut entries = Vec::with_capacity(events.len());
    for e in events.iter().filter(|e| (e.seq as u64) <= size) {
        let index = e.seq as u64 - 1;
        let (event, salt) = state
            .store
            .leaves(index, 1)
            .await?
            .pop()
            .ok_or(ApiError::NotFound)?;
        let proven = crate::submission::proven(state, index, size).await?;
        entries.push(Entry {
            public_form: event.public_form,
            event,
            salt: B64.encode(salt),
            leaf: proven.entry,
            proof: proven.proof,
        });
    }
    // Only the documents the file's events name (one published since has no event here yet).
    let named: std::collections::BTreeSet<String> = events
        .iter()
        .filter(|e| (e.seq as u64) <= size && e.event_type == "document_published")
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.payload).ok())
        .filter_map(|v| v["document"]["sha256"].as_str().map(str::to_owned))
        .collect();
    let mut documents = Vec::new();
    let mut total = 0u64;
    for p in &c.packages {
        for d in state.store.documents(*p).await? {
            if !named.contains(&d.sha256) {
                continue;
            }
            total += d.size;
            if total > MAX_FILE_DOCUMENTS_BYTES {
                break;
            }
            let bytes = state.blobs.read(&d.sha256).await?;
            documents.push(FileDocument {
                filename: d.filename,
                sha256: d.sha256,
                content: B64.encode(bytes),
            });
        }
    }
    Ok(CaseFile {
        format: FORMAT.into(),
        case: c.clone(),
        checkpoint: checkpoint.note,
        log_key: state.log.verifier_key(),
        entries,
        documents,
    })
}

/// The case routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenants/{slug}/mous", get(mous_api).post(record_mou_api))
        .route("/api/v1/tenants/{slug}/cases", get(cases_api).post(escalate_api))
        .route("/api/v1/tenants/{slug}/cases/reads", get(reads_api))
        .route("/api/v1/tenants/{slug}/cases/{id}/revocation", post(revoke_api))
        .route(
            "/api/v1/tenants/{slug}/cases/{id}/packages/{package}/events",
            get(package_events_api),
        )
        .route("/api/v1/tenants/{slug}/cases/{id}/file", get(file_api))
        .route("/t/{slug}/cases", get(cases_page).post(escalate_page))
        .route("/t/{slug}/mous", post(record_mou_page))
        .route("/t/{slug}/cases/{id}", get(case_page))
        .route("/t/{slug}/cases/{id}/revocation", post(revoke_page))
        .route("/t/{slug}/cases/{id}/packages/{package}", get(package_page))
}

// ---- pages ----

async fn cases_page(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Response {
    let path = format!("/t/{slug}/cases");
    async {
        let tenant = tenant_or_404(&state, &slug).await?;
        let t = crate::view::tr(&state, ctx.lang);
        let cases = visible_cases(&state, &ctx, &tenant).await?;
        let managing = case::may_manage(&ctx.actor, tenant.id);
        let mous = if managing {
            state.store.mous(tenant.id).await?
        } else {
            Vec::new()
        };
        let reads = if managing {
            reads(&state, &ctx, &tenant).await?
        } else {
            Vec::new()
        };
        let numbers: std::collections::HashMap<Uuid, String> =
            cases.iter().map(|c| (c.id, c.number.clone())).collect();
        let (complaint_options, package_options) = if managing {
            let complaints = state.store.complaints(tenant.id).await?;
            let tenders = state
                .store
                .search_tenders(&lelang_core::tender::TenderQuery {
                    tenant: Some(tenant.id),
                    limit: 500,
                    ..Default::default()
                })
                .await?;
            (
                complaints
                    .iter()
                    .filter(|c| c.status.is_open())
                    .map(|c| (c.id.0.to_string(), c.number.clone()))
                    .collect(),
                tenders
                    .tenders
                    .iter()
                    .map(|x| (x.tender.package_id.0.to_string(), x.tender.name.clone()))
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let page = CasesPage {
            nav: nav_for(&state, &ctx, &path).await,
            regency: tenant.name.clone(),
            slug: slug.clone(),
            managing,
            mou_options: mous
                .iter()
                .filter(|m| m.in_force(state.clock.now()))
                .map(|m| (m.id.0.to_string(), format!("{} — {}", m.number, m.counterpart)))
                .collect(),
            complaint_options,
            package_options,
            mous: mous
                .iter()
                .map(|m| {
                    format!(
                        "{} — {} ({} – {})",
                        m.number, m.counterpart, m.valid_from, m.valid_until
                    )
                })
                .collect(),
            cases: cases
                .iter()
                .map(|c| CaseRow {
                    href: format!("/t/{slug}/cases/{}", c.id),
                    number: c.number.clone(),
                    ground: t.get(&format!("case-ground-{}", c.ground)),
                    closes: c.closes.clone(),
                    status: t.get(if c.revoked {
                        "case-revoked"
                    } else if c.active {
                        "case-active"
                    } else {
                        "case-inactive"
                    }),
                })
                .collect(),
            reads: reads
                .iter()
                .map(|r| {
                    (
                        numbers.get(&r.case_id).cloned().unwrap_or_default(),
                        r.officer.clone(),
                        r.count,
                    )
                })
                .collect(),
            t,
        };
        Ok::<_, ApiError>(render(StatusCode::OK, &page))
    }
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn case_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let path = format!("/t/{slug}/cases/{id}");
    async {
        ctx.user_actor()?;
        let tenant = tenant_or_404(&state, &slug).await?;
        let managing = case::may_manage(&ctx.actor, tenant.id);
        let (c, m) = if managing {
            lelang_app::case::with_mou(&state.app, tenant.id, CaseId(id)).await?
        } else {
            lelang_app::case::open_as_officer(&state.app, &ctx.actor, tenant.id, CaseId(id)).await?
        };
        let t = crate::view::tr(&state, ctx.lang);
        let mut packages = Vec::new();
        for p in &c.packages {
            let name = state.store.package(*p).await?.map(|p| p.name).unwrap_or_default();
            packages.push((format!("/t/{slug}/cases/{id}/packages/{}", p.0), name));
        }
        let now = state.clock.now();
        let page = CasePage {
            nav: nav_for(&state, &ctx, &path).await,
            number: c.number.clone(),
            counterpart: m.counterpart.clone(),
            ground: t.get(&format!("case-ground-{}", c.ground.code())),
            summary: c.summary.clone(),
            opens: local_time(&tenant, c.opens),
            closes: local_time(&tenant, c.closes),
            status: t.get(if c.revoked.is_some() {
                "case-revoked"
            } else if c.active(&m, now) {
                "case-active"
            } else {
                "case-inactive"
            }),
            packages: if managing || c.active(&m, now) {
                packages
            } else {
                Vec::new()
            },
            file_href: if managing && !is_auditor(&ctx, &tenant) {
                String::new()
            } else {
                format!("/api/v1/tenants/{slug}/cases/{id}/file")
            },
            can_revoke: managing && c.revoked.is_none(),
            revoke_action: format!("/t/{slug}/cases/{id}/revocation"),
            errors: vec![],
            t,
        };
        Ok::<_, ApiError>(render(StatusCode::OK, &page))
    }
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

/// The escalation form: the packages in scope are ticked (`package-<id>` fields), the officers
/// named by their sign-in names.
#[derive(Debug, Deserialize)]
pub(crate) struct EscalateForm {
    mou_id: Uuid,
    #[serde(default)]
    complaint_id: String,
    summary: String,
    officers: String,
    days: u32,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MouForm {
    number: String,
    counterpart: String,
    scope: String,
    valid_from: String,
    valid_until: String,
    officers: String,
}

fn names(s: &str) -> Vec<String> {
    s.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn escalate_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::view::PageForm(f): crate::view::PageForm<EscalateForm>,
) -> Response {
    let input = CaseInput {
        mou_id: f.mou_id,
        complaint_id: Uuid::parse_str(f.complaint_id.trim()).ok(),
        summary: f.summary,
        packages: f
            .rest
            .keys()
            .filter_map(|k| k.strip_prefix("package-"))
            .filter_map(|id| Uuid::parse_str(id).ok())
            .collect(),
        officers: names(&f.officers),
        days: f.days,
    };
    let result = escalate(&state, &ctx, &slug, input)
        .await
        .map(|c| format!("/t/{slug}/cases/{}", c.id.0));
    page_done(&state, &ctx, &format!("/t/{slug}/cases"), result)
}

async fn record_mou_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    crate::view::PageForm(f): crate::view::PageForm<MouForm>,
) -> Response {
    let input = MouInput {
        number: f.number,
        counterpart: f.counterpart,
        scope: f.scope,
        valid_from: f.valid_from,
        valid_until: f.valid_until,
        officers: names(&f.officers),
    };
    let result = record_mou(&state, &ctx, &slug, input)
        .await
        .map(|_| format!("/t/{slug}/cases"));
    page_done(&state, &ctx, &format!("/t/{slug}/cases"), result)
}

/// After a manager's form: where it leads, or the refusal in the user's language.
fn page_done(state: &AppState, ctx: &Ctx, path: &str, result: Result<String, ApiError>) -> Response {
    match result {
        Ok(to) => see_other(&to),
        Err(ApiError::Invalid { code, .. }) => crate::view::error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::UNPROCESSABLE_ENTITY,
            &code,
        ),
        Err(e) => fail_page(state, ctx, path, e),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct RevokeForm {
    reason: String,
}

async fn revoke_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<RevokeForm>,
) -> Response {
    let path = format!("/t/{slug}/cases/{id}");
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        managing(&ctx, &tenant)?;
        lelang_app::case::revoke(&state.app, &ctx.actor, tenant.id, CaseId(id), &f.reason).await?;
        Ok::<_, ApiError>(path.clone())
    }
    .await;
    page_done(&state, &ctx, &path, result)
}

/// An officer's view of one package of an active case: its owner's estimate with the breakdown,
/// its documents and its events in clear — each view logged.
async fn package_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, package)): Path<(String, Uuid, Uuid)>,
) -> Response {
    let path = format!("/t/{slug}/cases/{id}/packages/{package}");
    async {
        ctx.user_actor()?;
        let tenant = tenant_or_404(&state, &slug).await?;
        let (c, m) = lelang_app::case::with_mou(&state.app, tenant.id, CaseId(id)).await?;
        let pid = PackageId(package);
        lelang_app::case::log_read(
            &state.app,
            &ctx.actor,
            &c,
            &m,
            Some(pid),
            "package, estimate, documents, events",
        )
        .await?;
        let p = state.store.package(pid).await?.ok_or(ApiError::NotFound)?;
        let t = crate::view::tr(&state, ctx.lang);
        let events = package_events(&state, &tenant, &[pid], None).await?;
        let page = CasePackagePage {
            nav: nav_for(&state, &ctx, &path).await,
            case_number: c.number.clone(),
            case_href: format!("/t/{slug}/cases/{id}"),
            name: p.name.clone(),
            estimate: crate::view::rupiah(p.owner_estimate),
            breakdown: p
                .hps_breakdown
                .iter()
                .map(|l| {
                    (
                        l.description.clone(),
                        format!("{} {}", l.quantity, l.unit),
                        crate::view::rupiah(l.unit_price),
                    )
                })
                .collect(),
            documents: state
                .store
                .documents(pid)
                .await?
                .iter()
                .map(|d| {
                    (
                        format!("/tenders/{}/documents/{}", pid.0, d.id.0),
                        d.title.clone(),
                    )
                })
                .collect(),
            events: events
                .iter()
                .map(|e| EventRow {
                    seq: e.seq,
                    at: local_time(&tenant, e.at),
                    kind: t.get(&format!("event-{}", e.event_type)),
                    role: e.actor_role.map(|r| t.role(&r)).unwrap_or_default(),
                    payload: e.payload.clone(),
                })
                .collect(),
            t,
        };
        Ok::<_, ApiError>(render(StatusCode::OK, &page))
    }
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}
