//! A package's hand-over and conversation over HTTP: the PPK submits the package with its
//! readiness checklist, the ULP head returns it with notes or accepts it, and its PPK, pokja and
//! ULP head write to one another on one page (auditors read it). Field-level: the HPS breakdown
//! is shown only to those who may see it; the page itself only to participants and auditors.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::handover::{ChecklistRow, HandoverPage, MessageRow, StepRow};
use crate::view::{PageForm, fail_page, local_time, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_app::handover::{Decision, Loaded};
use lelang_core::handover::{self, Entry, Handover, Item, Message, Status, Step};
use lelang_core::ids::PackageId;
use lelang_core::model::Tenant;
use lelang_core::policy::{Action, authorize};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

/// Input: the package handed over, every checklist item with its document's reference.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitInput {
    /// By item (`specification`, `owner_estimate`, `draft_contract`, `budget_document`): the
    /// document's number and date (3–200 characters).
    checklist: BTreeMap<String, String>,
    /// What was fixed since the return (required when submitting again; up to 4000 characters).
    #[serde(default)]
    note: String,
}

/// Input: why the package goes back to its PPK.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnInput {
    /// What must change (10–4000 characters).
    notes: String,
}

/// Input: a message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// The text (1–4000 characters); `@name` mentions a participant by sign-in name.
    body: String,
}

/// A message as its readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    id: Uuid,
    /// The writer's name.
    author: String,
    body: String,
    /// The names of the participants it mentions.
    mentions: Vec<String>,
    /// RFC 3339.
    at: String,
}

/// A package's hand-over and conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverView {
    package_id: Uuid,
    /// `not_submitted`, `submitted`, `returned` or `accepted`.
    status: String,
    /// The current submission (0: none yet).
    round: u32,
    /// By item: the reference last submitted.
    checklist: BTreeMap<String, String>,
    /// The notes of the last return, while it is returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    /// Every step, oldest first.
    #[schema(value_type = Vec<Object>)]
    history: Vec<Step>,
    messages: Vec<MessageView>,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn message_view(l: &Loaded, m: &Message) -> MessageView {
    MessageView {
        id: m.id.0,
        author: l.name_of(m.author).to_owned(),
        body: m.body.clone(),
        mentions: m.mentions.iter().map(|u| l.name_of(*u).to_owned()).collect(),
        at: rfc3339(m.at),
    }
}

fn handover_view(l: &Loaded) -> HandoverView {
    let h = l.handover.as_ref();
    HandoverView {
        package_id: l.package.id.0,
        status: h.map_or("not_submitted", |h| h.status.code()).to_owned(),
        round: h.map_or(0, |h| h.round),
        checklist: h
            .map(|h| {
                h.checklist
                    .iter()
                    .map(|e| (e.item.code().to_owned(), e.reference.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        notes: h.and_then(Handover::open_notes).map(str::to_owned),
        history: h.map(|h| h.history.clone()).unwrap_or_default(),
        messages: l.messages.iter().map(|m| message_view(l, m)).collect(),
    }
}

fn entries(checklist: &BTreeMap<String, String>) -> Result<Vec<Entry>, ApiError> {
    if checklist.len() > Item::ALL.len() {
        return Err(ApiError::Invalid {
            field: "checklist".into(),
            code: "handover-item-missing".into(),
        });
    }
    checklist
        .iter()
        .map(|(k, v)| {
            Item::from_code(k)
                .map(|item| Entry {
                    item,
                    reference: v.clone(),
                })
                .ok_or(ApiError::Invalid {
                    field: "checklist".into(),
                    code: "handover-item-missing".into(),
                })
        })
        .collect()
}

async fn load(state: &AppState, ctx: &Ctx, tenant: &Tenant, id: Uuid) -> Result<Loaded, ApiError> {
    Ok(lelang_app::handover::load(&state.app, &ctx.actor, tenant, PackageId(id)).await?)
}

/// A package's hand-over and conversation (its PPK, the ULP head, its pokja, the regency's
/// auditors).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages/{id}/handover", tag = "packages",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = HandoverView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn get_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<HandoverView>, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let l = load(&state, &ctx, &tenant, id).await?;
    Ok(Json(handover_view(&l)))
}

async fn submit(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: &SubmitInput,
) -> Result<(), ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let checklist = entries(&input.checklist)?;
    lelang_app::handover::submit(
        &state.app,
        &ctx.actor,
        &tenant,
        PackageId(id),
        &checklist,
        &input.note,
    )
    .await?;
    Ok(())
}

async fn decide(state: &AppState, ctx: &Ctx, slug: &str, id: Uuid, d: Decision<'_>) -> Result<(), ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    lelang_app::handover::decide(&state.app, &ctx.actor, &tenant, PackageId(id), d).await?;
    Ok(())
}

async fn post_message(state: &AppState, ctx: &Ctx, slug: &str, id: Uuid, body: &str) -> Result<(), ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    lelang_app::handover::post(&state.app, &ctx.actor, &tenant, PackageId(id), body).await?;
    Ok(())
}

/// The PPK of the package's work unit submits it to the procurement unit (again, after a return).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/handover", tag = "packages", request_body = SubmitInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = HandoverView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn submit_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<SubmitInput>,
) -> Result<(StatusCode, Json<HandoverView>), ApiError> {
    submit(&state, &ctx, &slug, id, &input).await?;
    let tenant = tenant_or_404(&state, &slug).await?;
    let l = load(&state, &ctx, &tenant, id).await?;
    Ok((StatusCode::CREATED, Json(handover_view(&l))))
}

/// The ULP head returns a submitted package to its PPK with notes.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/handover/return", tag = "packages", request_body = ReturnInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = HandoverView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn return_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> Result<Json<HandoverView>, ApiError> {
    decide(&state, &ctx, &slug, id, Decision::Return(&input.notes)).await?;
    let tenant = tenant_or_404(&state, &slug).await?;
    Ok(Json(handover_view(&load(&state, &ctx, &tenant, id).await?)))
}

/// The ULP head accepts a submitted package: it may now be given a pokja.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/handover/accept", tag = "packages",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = HandoverView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn accept_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<HandoverView>, ApiError> {
    decide(&state, &ctx, &slug, id, Decision::Accept).await?;
    let tenant = tenant_or_404(&state, &slug).await?;
    Ok(Json(handover_view(&load(&state, &ctx, &tenant, id).await?)))
}

/// A participant writes in the package's conversation.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/messages", tag = "packages", request_body = MessageInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = MessageView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn message_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<MessageInput>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let m = lelang_app::handover::post(&state.app, &ctx.actor, &tenant, PackageId(id), &input.body).await?;
    let l = load(&state, &ctx, &tenant, id).await?;
    Ok((StatusCode::CREATED, Json(message_view(&l, &m))))
}

/// The hand-over routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/handover",
            get(get_api).post(submit_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/handover/return",
            post(return_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/handover/accept",
            post(accept_api),
        )
        .route("/api/v1/tenants/{slug}/packages/{id}/messages", post(message_api))
        .route("/t/{slug}/packages/{id}/handover", get(page).post(page_submit))
        .route("/t/{slug}/packages/{id}/handover/return", post(page_return))
        .route("/t/{slug}/packages/{id}/handover/accept", post(page_accept))
        .route("/t/{slug}/packages/{id}/messages", post(page_message))
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

fn step_row(t: &Tr, tenant: &Tenant, s: &Step) -> StepRow {
    let (key, round, text, at) = match s {
        Step::Submitted { round, note, at } => ("handover-step-submitted", round, note.clone(), at),
        Step::Returned { round, notes, at } => ("handover-step-returned", round, Some(notes.clone()), at),
        Step::Accepted { round, at } => ("handover-step-accepted", round, None, at),
    };
    StepRow {
        what: t.arg(key, "round", &round.to_string()),
        at: local_time(tenant, *at),
        text: text.unwrap_or_default(),
    }
}

/// Submitted values to show again in a form that failed.
type Kept = HashMap<String, String>;

#[allow(clippy::too_many_arguments)]
async fn view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    status: StatusCode,
    errors: Vec<String>,
    kept: &Kept,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let l = load(state, ctx, &tenant, id).await?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let names = l.by_username();
    let c = l.conversation(&names);
    let h = l.handover.as_ref();
    let p = &l.package;
    let is_ppk = authorize(
        &ctx.actor,
        Action::ManagePackage {
            tenant: p.tenant_id,
            work_unit: p.work_unit_id,
        },
    )
    .is_ok();
    let is_head = authorize(&ctx.actor, Action::AssignPokja(tenant.id)).is_ok();
    let breakdown = authorize(&ctx.actor, Action::ViewHpsBreakdown(tenant.id)).is_ok();
    let may_submit = is_ppk && h.is_none_or(|h| h.status == Status::Returned);
    let checklist = Item::ALL
        .iter()
        .map(|item| {
            let last = h
                .and_then(|h| h.checklist.iter().find(|e| e.item == *item))
                .map(|e| e.reference.clone());
            ChecklistRow {
                code: item.code(),
                label: t.get(&format!("handover-item-{}", item.code())),
                value: kept
                    .get(&format!("item-{}", item.code()))
                    .cloned()
                    .or(last)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let hps = t.arg("handover-hps", "lines", &p.hps_breakdown.len().to_string())
        + " · "
        + &crate::view::rupiah(p.owner_estimate);
    let path = format!("/t/{slug}/packages/{id}/handover");
    let nav = crate::view::nav(state, ctx, &path, flash).await;
    let page = HandoverPage {
        nav,
        slug: slug.to_owned(),
        id: id.to_string(),
        name: p.name.clone(),
        hps,
        breakdown: if breakdown {
            p.hps_breakdown
                .iter()
                .map(|l| {
                    (
                        l.description.clone(),
                        format!("{} {}", l.quantity, l.unit),
                        crate::view::rupiah(l.unit_price),
                    )
                })
                .collect()
        } else {
            vec![]
        },
        status: t.get(&format!(
            "handover-status-{}",
            h.map_or("not_submitted", |h| h.status.code())
        )),
        round: h.map_or(0, |h| h.round),
        notes: h.and_then(Handover::open_notes).map(str::to_owned),
        checklist,
        submitted: h.is_some(),
        may_submit,
        resubmit: h.is_some_and(|h| h.status == Status::Returned),
        note: kept.get("note").cloned().unwrap_or_default(),
        may_decide: is_head && h.is_some_and(|h| h.status == Status::Submitted),
        assign: is_head && h.is_some_and(|h| h.status == Status::Accepted) && l.pokja.is_none(),
        history: h
            .map(|h| h.history.iter().map(|s| step_row(&t, &tenant, s)).collect())
            .unwrap_or_default(),
        messages: l
            .messages
            .iter()
            .map(|m| MessageRow {
                author: l.name_of(m.author).to_owned(),
                at: local_time(&tenant, m.at),
                body: m.body.clone(),
                mine: ctx.actor.user().is_some_and(|u| u.user_id == m.author),
            })
            .collect(),
        may_post: handover::may_post(&ctx.actor, c),
        people: l
            .people
            .iter()
            .map(|(_, u, n)| format!("{n} (@{u})"))
            .collect::<Vec<_>>()
            .join(", "),
        body: kept.get("body").cloned().unwrap_or_default(),
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<OkQuery>,
) -> Response {
    let path = format!("/t/{slug}/packages/{id}/handover");
    view(
        &state,
        &ctx,
        &slug,
        id,
        StatusCode::OK,
        vec![],
        &Kept::new(),
        q.ok.as_deref(),
    )
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn finish(
    state: AppState,
    ctx: Ctx,
    slug: String,
    id: Uuid,
    ok: &str,
    kept: Kept,
    result: Result<(), ApiError>,
) -> Response {
    let path = format!("/t/{slug}/packages/{id}/handover");
    let anchor = if ok == "message-posted" {
        "#conversation"
    } else {
        ""
    };
    let to = format!("{path}?ok={ok}{anchor}");
    let again = |errors| {
        view(
            &state,
            &ctx,
            &slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            &kept,
            None,
        )
    };
    crate::view::form_done(&state, &ctx, &path, result.map(|()| to), again).await
}

async fn page_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<Kept>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let checklist: BTreeMap<String, String> = Item::ALL
            .iter()
            .map(|i| {
                let v = form
                    .get(&format!("item-{}", i.code()))
                    .cloned()
                    .unwrap_or_default();
                (i.code().to_owned(), v)
            })
            .collect();
        let input = SubmitInput {
            checklist,
            note: form.get("note").cloned().unwrap_or_default(),
        };
        submit(&state, &ctx, &slug, id, &input).await
    }
    .await;
    finish(state, ctx, slug, id, "handover-submitted-done", form, result).await
}

async fn page_return(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<Kept>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let notes = form.get("notes").map(String::as_str).unwrap_or("");
        decide(&state, &ctx, &slug, id, Decision::Return(notes)).await
    }
    .await;
    finish(state, ctx, slug, id, "handover-returned-done", form, result).await
}

async fn page_accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<Kept>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        decide(&state, &ctx, &slug, id, Decision::Accept).await
    }
    .await;
    finish(state, ctx, slug, id, "handover-accepted-done", form, result).await
}

async fn page_message(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<Kept>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let body = form.get("body").map(String::as_str).unwrap_or("");
        post_message(&state, &ctx, &slug, id, body).await
    }
    .await;
    finish(state, ctx, slug, id, "message-posted", form, result).await
}
