//! Complaints over HTTP: anyone files one with a regency (anonymously if they wish) and is shown
//! its follow-up code once; the code, typed into a form (never put in an address), opens the
//! complaint to read the answers, reply and add files; the regency's auditors read every complaint
//! in full (each read logged) and triage it. Everyone sees each complaint's public status line.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, PublicJson, tenant_or_404};
use crate::templates::{
    ComplaintFollowPage, ComplaintLineRow, ComplaintNewPage, ComplaintNoteRow, ComplaintPage, ComplaintsPage,
};
use crate::view::{PageForm, PageQuery, fail_page, form_error, local_time, nav_for, render, see_other};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lelang_core::complaint::{
    self, Category, Complainant, Complaint, Decision, Filing, Follower, Status, Subject,
};
use lelang_core::ids::{ComplaintId, PackageId};
use lelang_core::model::Tenant;
use lelang_core::objection::Evidence;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A complaint as filed over the API.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingInput {
    /// `process`, `collusion`, `bribery`, `conflict_of_interest`, `contract`, `late_objection`
    /// or `other`.
    pub category: String,
    /// `package`, `tender`, `contract` (with `package_id`), `person` or `general`.
    pub subject: String,
    /// The package, for a package, tender or contract.
    #[serde(default)]
    pub package_id: Option<Uuid>,
    /// What happened (10–10,000 characters).
    pub text: String,
    /// Keep nothing about the sender, even when signed in.
    #[serde(default)]
    pub anonymous: bool,
    /// The sender's name, when signed out and not anonymous.
    #[serde(default)]
    pub name: Option<String>,
    /// How to reach them (address, e-mail or phone), likewise.
    #[serde(default)]
    pub contact: Option<String>,
}

/// A follow-up code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeInput {
    /// The code shown when the complaint was filed.
    pub code: String,
}

/// A complainant's reply by its code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeReplyInput {
    /// The follow-up code.
    pub code: String,
    /// The reply (10–10,000 characters).
    pub text: String,
}

/// A signed-in complainant's reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// The reply (10–10,000 characters).
    pub text: String,
}

/// The auditor's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageInput {
    /// `accept`, `ask_more`, `reject`, `merge` or `close`.
    pub decision: String,
    /// The note to the complainant (10–10,000 characters).
    pub note: String,
    /// For `merge`: the complaint it joins.
    #[serde(default)]
    pub into: Option<Uuid>,
}

/// A complaint's public status line: no text, no complainant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintLine {
    id: Uuid,
    number: String,
    category: &'static str,
    /// `package`, `tender`, `contract`, `person` or `general`.
    subject: &'static str,
    package_id: Option<Uuid>,
    /// `received`, `awaiting_information`, `accepted`, `rejected`, `merged` or `closed`.
    status: &'static str,
    /// RFC 3339.
    filed_at: String,
    /// The first answer is due by then (RFC 3339).
    answer_due: String,
    /// When the auditor first answered (RFC 3339).
    first_answer_at: Option<String>,
    /// Whether the first answer came (or is) past due.
    late: bool,
}

/// A note of the conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    /// `auditor` or `complainant`.
    author: &'static str,
    /// The auditor's decision it carries.
    decision: Option<&'static str>,
    text: String,
    /// RFC 3339.
    at: String,
}

/// A complaint in full, to its auditors and its complainant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintView {
    #[serde(flatten)]
    line: ComplaintLine,
    text: String,
    /// `anonymous`, `named` or `user`; the name and contact to the auditors only.
    complainant: &'static str,
    complainant_name: Option<String>,
    complainant_contact: Option<String>,
    notes: Vec<NoteView>,
    evidence: Vec<EvidenceView>,
}

/// A file in support, in the order added (its bytes by `sha256`).
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    filename: String,
    media_type: String,
    size: u64,
    sha256: String,
}

/// A complaint just filed, with its follow-up code: shown this once, kept nowhere.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledView {
    complaint: ComplaintView,
    follow_up_code: String,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The package a complaint's public line names: none for bribery or an escalated complaint, so
/// that the list never warns the subject of an investigation.
fn public_package(c: &Complaint) -> Option<PackageId> {
    let sensitive = c.category == Category::Bribery || c.status == Status::Escalated;
    c.subject.package().filter(|_| !sensitive)
}

fn line(c: &Complaint, now: time::OffsetDateTime) -> ComplaintLine {
    ComplaintLine {
        id: c.id.0,
        number: c.number.clone(),
        category: c.category.code(),
        subject: c.subject.kind(),
        package_id: public_package(c).map(|p| p.0),
        status: c.status.code(),
        filed_at: rfc3339(c.filed_at),
        answer_due: rfc3339(c.answer_due),
        first_answer_at: c.first_answer_at.map(rfc3339),
        late: c.status.is_open() && c.answer_late(now)
            || c.first_answer_at.is_some_and(|_| c.answer_late(now)),
    }
}

fn view(c: &Complaint, auditor: bool, now: time::OffsetDateTime) -> ComplaintView {
    let (kind, name, contact) = match &c.complainant {
        Complainant::Anonymous => ("anonymous", None, None),
        Complainant::Named { name, contact } => ("named", Some(name.clone()), Some(contact.clone())),
        Complainant::User { .. } => ("user", None, None),
    };
    ComplaintView {
        line: line(c, now),
        text: c.text.clone(),
        complainant: kind,
        complainant_name: name.filter(|_| auditor),
        complainant_contact: contact.filter(|_| auditor),
        notes: c
            .notes
            .iter()
            .map(|n| NoteView {
                author: match n.author {
                    complaint::Author::Auditor => "auditor",
                    complaint::Author::Complainant => "complainant",
                },
                decision: n.decision.map(Decision::code),
                text: n.text.clone(),
                at: rfc3339(n.at),
            })
            .collect(),
        evidence: c
            .evidence
            .iter()
            .map(|f| EvidenceView {
                filename: f.filename.clone(),
                media_type: f.media_type.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
            })
            .collect(),
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn bad(field: &str, code: &str) -> ApiError {
    ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    }
}

/// Reads a filing's category and subject; the sender's identity is dropped here when they ask to
/// stay anonymous, so it never reaches the core, the store or a log.
fn filing(tenant: &Tenant, f: FilingInput) -> Result<Filing, ApiError> {
    let category = Category::from_code(f.category.trim())
        .ok_or_else(|| bad("category", "invalid-complaint-category"))?;
    let package = || {
        f.package_id
            .map(PackageId)
            .ok_or_else(|| bad("package_id", "complaint-package-unknown"))
    };
    let subject = match f.subject.trim() {
        "package" => Subject::Package(package()?),
        "tender" => Subject::Tender(package()?),
        "contract" => Subject::Contract(package()?),
        "person" => Subject::Person,
        "general" => Subject::General,
        _ => return Err(bad("subject", "invalid-complaint-subject")),
    };
    let identity = match (f.anonymous, f.name, f.contact) {
        (false, Some(n), Some(c)) if !n.trim().is_empty() || !c.trim().is_empty() => Some((n, c)),
        _ => None,
    };
    Ok(Filing {
        tenant_id: tenant.id,
        category,
        subject,
        text: f.text,
        anonymous: f.anonymous,
        identity,
    })
}

async fn file(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    f: FilingInput,
) -> Result<(Tenant, Complaint, String), ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    state.complaints.take(ctx.address.clone())?;
    let f = filing(&tenant, f)?;
    let (c, code) = lelang_app::complaint::file(&state.app, &ctx.actor, f).await?;
    Ok((tenant, c, code))
}

/// A regency's complaints, as public status lines (no text, no complainant).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/complaints", tag = "complaints",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ComplaintLine>), (status = 404, body = Problem)))]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<ComplaintLine>>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let now = state.clock.now();
    let all = state.store.complaints(tenant.id).await?;
    Ok(Json(all.iter().map(|c| line(c, now)).collect()))
}

/// A regency's complaint figures (public): by category, time to the first answer, settled by
/// mediation, escalated, overdue agreed actions.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/complaints/figures", tag = "complaints",
    params(("slug" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn figures_api(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<complaint::figures::Figures>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let all = state.store.complaints(tenant.id).await?;
    Ok(Json(complaint::figures::figures(&all, state.clock.now())))
}

/// Files a complaint with a regency: signed in or not, anonymously if asked (then nothing about
/// the sender is kept). The answer carries the follow-up code, shown this once.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints", tag = "complaints", request_body = FilingInput,
    params(("slug" = String, Path)),
    responses((status = 201, body = FiledView), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn file_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PublicJson(input): PublicJson<FilingInput>,
) -> Result<Response, ApiError> {
    let (_, c, code) = file(&state, &ctx, &slug, input).await?;
    let body = FiledView {
        complaint: view(&c, false, state.clock.now()),
        follow_up_code: code,
    };
    Ok(no_store((StatusCode::CREATED, Json(body)).into_response()))
}

/// One complaint in full: to the regency's auditors (the read is logged) and its signed-in
/// complainant; to anyone else it does not exist.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/complaints/{id}", tag = "complaints",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn get_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let c = lelang_app::complaint::read(&state.app, &ctx.actor, tenant.id, ComplaintId(id)).await?;
    let auditor = complaint::may_handle(&ctx.actor, tenant.id);
    Ok(no_store(
        Json(view(&c, auditor, state.clock.now())).into_response(),
    ))
}

/// The regency's auditor decides on a complaint: accept, ask for more, reject, merge into another
/// (`into`) or close, with a note to the complainant.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/triage", tag = "complaints", request_body = TriageInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn triage_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<TriageInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let c = triage(&state, &ctx, &slug, id, &input).await?;
    Ok(Json(view(&c, true, state.clock.now())))
}

async fn triage(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: &TriageInput,
) -> Result<Complaint, ApiError> {
    ctx.user_actor()?;
    let tenant = tenant_or_404(state, slug).await?;
    let decision = Decision::from_code(input.decision.trim())
        .ok_or_else(|| bad("decision", "complaint-decision-not-now"))?;
    Ok(lelang_app::complaint::triage(
        &state.app,
        &ctx.actor,
        tenant.id,
        ComplaintId(id),
        decision,
        &input.note,
        input.into.map(ComplaintId),
    )
    .await?)
}

/// The signed-in complainant replies to their complaint.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/replies", tag = "complaints", request_body = ReplyInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn reply_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    ctx.user_actor()?;
    tenant_or_404(&state, &slug).await?;
    let c = lelang_app::complaint::reply(
        &state.app,
        &ctx.actor,
        Follower::Actor(&ctx.actor),
        ComplaintId(id),
        &input.text,
    )
    .await?;
    Ok(Json(view(&c, false, state.clock.now())))
}

/// Opens a complaint by its follow-up code (sent in the body, never in the address).
#[utoipa::path(post, path = "/api/v1/complaints/follow-up", tag = "complaints", request_body = CodeInput,
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn follow_api(
    State(state): State<AppState>,
    ctx: Ctx,
    PublicJson(input): PublicJson<CodeInput>,
) -> Result<Response, ApiError> {
    let c = by_code(&state, &ctx, &input.code).await?;
    Ok(no_store(Json(view(&c, false, state.clock.now())).into_response()))
}

async fn by_code(state: &AppState, ctx: &Ctx, code: &str) -> Result<Complaint, ApiError> {
    state.complaint_codes.take(ctx.address.clone())?;
    Ok(lelang_app::complaint::by_code(&state.app, code).await?)
}

/// The complainant replies by the follow-up code.
#[utoipa::path(post, path = "/api/v1/complaints/follow-up/replies", tag = "complaints", request_body = CodeReplyInput,
    responses((status = 200, body = ComplaintView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn code_reply_api(
    State(state): State<AppState>,
    ctx: Ctx,
    PublicJson(input): PublicJson<CodeReplyInput>,
) -> Result<Response, ApiError> {
    let c = code_reply(&state, &ctx, &input.code, &input.text).await?;
    Ok(no_store(Json(view(&c, false, state.clock.now())).into_response()))
}

async fn code_reply(state: &AppState, ctx: &Ctx, code: &str, text: &str) -> Result<Complaint, ApiError> {
    let c = by_code(state, ctx, code).await?;
    Ok(lelang_app::complaint::reply(&state.app, &ctx.actor, Follower::Code(code), c.id, text).await?)
}

/// The complainant adds a file by the follow-up code (multipart: `code` before `file`; the code
/// is checked before any byte of the file is written).
#[utoipa::path(post, path = "/api/v1/complaints/follow-up/evidence", tag = "complaints",
    request_body(content_type = "multipart/form-data", description = "code, then file"),
    responses((status = 201, body = ComplaintView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn code_evidence_api(
    State(state): State<AppState>,
    ctx: Ctx,
    up: crate::files::Upload,
) -> Result<Response, ApiError> {
    let code = up.text("code");
    let c = add_evidence(&state, &ctx, Follower::Code(&code), None, up).await?;
    Ok(no_store(
        (StatusCode::CREATED, Json(view(&c, false, state.clock.now()))).into_response(),
    ))
}

/// The signed-in complainant adds a file (multipart: `file`).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/evidence", tag = "complaints",
    request_body(content_type = "multipart/form-data", description = "file"),
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 201, body = ComplaintView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn evidence_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    up: crate::files::Upload,
) -> Result<(StatusCode, Json<ComplaintView>), ApiError> {
    tenant_or_404(&state, &slug).await?;
    let c = add_evidence(
        &state,
        &ctx,
        Follower::Actor(&ctx.actor),
        Some(ComplaintId(id)),
        up,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&c, false, state.clock.now()))))
}

async fn add_evidence(
    state: &AppState,
    ctx: &Ctx,
    by: Follower<'_>,
    id: Option<ComplaintId>,
    up: crate::files::Upload,
) -> Result<Complaint, ApiError> {
    let id = match (id, by) {
        (Some(id), _) => id,
        (None, Follower::Code(code)) => by_code(state, ctx, code).await?.id,
        (None, Follower::Actor(_)) => return Err(ApiError::NotFound),
    };
    let Some((filename, staged)) = up.file else {
        return Err(bad("file", "file-missing"));
    };
    let file = Evidence {
        filename,
        media_type: String::new(),
        size: staged.size,
        sha256: staged.sha256.clone(),
        at: state.clock.now(),
    };
    lelang_app::complaint::add_evidence(
        &state.app,
        &ctx.actor,
        by,
        id,
        file,
        state.config.max_document_bytes,
        || async { Ok::<(), ApiError>(state.blobs.keep(staged).await?) },
    )
    .await
}

pub(crate) mod mediation;
pub(crate) mod pages;

/// The complaint routes.
pub fn routes() -> crate::routes::Routes {
    use pages::*;
    let r = crate::routes::Routes::new();
    mediation::routes(r)
        .route("/api/v1/tenants/{slug}/complaints", get(list_api).post(file_api))
        .route("/api/v1/tenants/{slug}/complaints/figures", get(figures_api))
        .route("/api/v1/tenants/{slug}/complaints/{id}", get(get_api))
        .route("/api/v1/tenants/{slug}/complaints/{id}/triage", post(triage_api))
        .route("/api/v1/tenants/{slug}/complaints/{id}/replies", post(reply_api))
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/evidence",
            post(evidence_api),
        )
        .route("/api/v1/complaints/follow-up", post(follow_api))
        .route("/api/v1/complaints/follow-up/replies", post(code_reply_api))
        .route("/api/v1/complaints/follow-up/evidence", post(code_evidence_api))
        .route("/t/{slug}/complaints", get(list_page))
        .route("/t/{slug}/complaints/new", get(new_page).post(new_post))
        .route("/t/{slug}/complaints/{id}", get(detail_page))
        .route("/t/{slug}/complaints/{id}/triage", post(triage_page))
        .route("/t/{slug}/complaints/{id}/replies", post(reply_page))
        .route("/t/{slug}/complaints/{id}/evidence", post(evidence_page))
        .route("/t/{slug}/complaints/{id}/evidence/{n}", get(evidence_download))
        .route("/complaints/follow-up", get(follow_page).post(follow_post))
        .route("/complaints/follow-up/replies", post(code_reply_page))
        .route("/complaints/follow-up/evidence", post(code_evidence_page))
        .route("/complaints/follow-up/evidence/{n}", post(code_evidence_download))
}
