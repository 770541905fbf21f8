//! Objections over HTTP: a losing bidder objects to an announced award within its period; the
//! tender's pokja answers each one once the period ends. Everyone sees that an objection exists,
//! by which company and how it was answered; its text and the answer's reasons reach only the
//! tender's bidders, its pokja and the regency's auditors.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::ApiJson;
use crate::templates::{ObjectionRow, ObjectionsPanel};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use lelang_core::evaluation::Evaluation;
use lelang_core::ids::{ObjectionId, PackageId};
use lelang_core::model::Tenant;
use lelang_core::objection::{self, Objection, Window};
use lelang_core::policy::Actor;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An objection as asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    /// The reasons (10–10,000 characters).
    pub text: String,
}

/// An answer as given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// Upheld (the evaluation reopens) or rejected.
    pub upheld: bool,
    /// Why (10–10,000 characters).
    pub reason: String,
}

/// An objection as the API shows it to its reader.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionView {
    id: Uuid,
    vendor_id: Uuid,
    /// RFC 3339.
    filed_at: String,
    /// Only to the tender's bidders, its pokja and auditors.
    text: Option<String>,
    /// `pending`, `upheld` or `rejected`.
    status: &'static str,
    /// Only to the tender's bidders, its pokja and auditors.
    reason: Option<String>,
    /// Whether the answer came after the answer period.
    late: bool,
}

fn status(o: &Objection) -> &'static str {
    match &o.answer {
        None => "pending",
        Some(a) if a.upheld => "upheld",
        Some(_) => "rejected",
    }
}

fn view(o: &Objection, reads: bool) -> ObjectionView {
    ObjectionView {
        id: o.id.0,
        vendor_id: o.vendor_id.0,
        filed_at: o
            .filed_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        text: reads.then(|| o.text.clone()),
        status: status(o),
        reason: o.answer.as_ref().filter(|_| reads).map(|a| a.reason.clone()),
        late: o.answer.as_ref().is_some_and(|a| a.late),
    }
}

async fn evaluation(state: &AppState, package: PackageId) -> Result<Evaluation, ApiError> {
    state.store.evaluation(package).await?.ok_or(ApiError::NotFound)
}

/// A tender's objections (public: that they exist and how they were answered; the texts to the
/// tender's bidders, its pokja and auditors).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/objections", tag = "objections",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Vec<ObjectionView>), (status = 404, body = Problem)))]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<ObjectionView>>, ApiError> {
    let e = evaluation(&state, PackageId(id)).await?;
    let reads = objection::may_read(&ctx.actor, &e);
    let all = state.store.objections(e.package_id).await?;
    Ok(Json(all.iter().map(|o| view(o, reads)).collect()))
}

/// The signed-in company objects to the tender's announced award, within the objection period.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/objections", tag = "objections", request_body = ObjectionInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = ObjectionView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn file_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<(StatusCode, Json<ObjectionView>), ApiError> {
    ctx.user_actor()?;
    let o = lelang_app::objection::file(&state.app, &ctx.actor, PackageId(id), &input.text).await?;
    Ok((StatusCode::CREATED, Json(view(&o, true))))
}

/// A member of the tender's pokja answers an objection, once the objection period has ended.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/objections/{objection}/answer", tag = "objections", request_body = AnswerInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id"), ("objection" = Uuid, Path)),
    responses((status = 200, body = ObjectionView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn answer_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, objection)): Path<(String, Uuid, Uuid)>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Json<ObjectionView>, ApiError> {
    let o = answer(&state, &ctx, &slug, id, objection, input.upheld, &input.reason).await?;
    Ok(Json(view(&o, true)))
}

/// Answers an objection of a package of the regency named by `slug`.
pub(crate) async fn answer(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    objection: Uuid,
    upheld: bool,
    reason: &str,
) -> Result<Objection, ApiError> {
    ctx.user_actor()?;
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    let package = lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id)).await?;
    Ok(lelang_app::objection::answer(
        &state.app,
        &ctx.actor,
        package.id,
        ObjectionId(objection),
        upheld,
        reason,
    )
    .await?)
}

/// Adds a file in support of the signed-in company's objection (multipart: `file`), inside the
/// objection period and before the answer; the files' names and contents reach those who read the
/// objection's text.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/objections/{objection}/evidence", tag = "objections",
    request_body(content_type = "multipart/form-data", description = "file"),
    params(("id" = Uuid, Path, description = "Package id"), ("objection" = Uuid, Path)),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn evidence_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, objection)): Path<(Uuid, Uuid)>,
    up: crate::files::Upload,
) -> Result<(StatusCode, Json<Vec<objection::Evidence>>), ApiError> {
    let o = add_evidence(&state, &ctx, id, objection, up).await?;
    Ok((StatusCode::CREATED, Json(o.evidence)))
}

/// The company's evidence, from the API or the page's form.
pub(crate) async fn add_evidence(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    objection: Uuid,
    up: crate::files::Upload,
) -> Result<Objection, ApiError> {
    ctx.user_actor()?;
    let Some((filename, staged)) = up.file else {
        return Err(ApiError::Invalid {
            field: "file".into(),
            code: "file-missing".into(),
        });
    };
    let file = objection::Evidence {
        filename,
        media_type: String::new(),
        size: staged.size,
        sha256: staged.sha256.clone(),
        at: state.clock.now(),
    };
    lelang_app::objection::add_evidence(
        &state.app,
        &ctx.actor,
        PackageId(id),
        ObjectionId(objection),
        file,
        state.config.max_document_bytes,
        || async { Ok::<(), ApiError>(state.blobs.keep(staged).await?) },
    )
    .await
}

/// Downloads a file filed with an objection: only for those who read the objection's text (the
/// tender's bidders, its pokja, auditors); to anyone else it does not exist.
pub(crate) async fn evidence_download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, objection, n)): Path<(Uuid, Uuid, usize)>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    let package = PackageId(id);
    let e = state.store.evaluation(package).await?.ok_or(ApiError::NotFound)?;
    if !objection::may_read(&ctx.actor, &e) {
        return Err(ApiError::NotFound);
    }
    let all = state.store.objections(package).await?;
    let file = all
        .iter()
        .find(|o| o.id.0 == objection)
        .and_then(|o| n.checked_sub(1).and_then(|i| o.evidence.get(i)))
        .ok_or(ApiError::NotFound)?;
    crate::files::serve_blob(&state, &file.sha256, &file.filename, &file.media_type, &headers).await
}

/// The objections panel of a tender's pages, once its award is announced or objected to.
pub(crate) async fn panel(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    package: PackageId,
) -> Result<Option<ObjectionsPanel>, ApiError> {
    let Some(e) = state.store.evaluation(package).await? else {
        return Ok(None);
    };
    let all = state.store.objections(package).await?;
    let window: Option<Window> = lelang_app::objection::window(&state.app, &e).await?;
    let Some(w) = window else {
        if all.is_empty() {
            return Ok(None);
        }
        return Ok(Some(rows_only(state, actor, t, tenant, &e, &all).await?));
    };
    let now = state.clock.now();
    let mut panel = rows_only(state, actor, t, tenant, &e, &all).await?;
    let member = actor.user().is_some_and(|u| e.members.contains(&u.user_id));
    for (row, o) in panel.rows.iter_mut().zip(&all) {
        row.can_answer = member && o.answer.is_none() && now >= w.closes && o.filed_at >= w.opens;
        row.can_add_evidence = objection::may_add_evidence(actor, &w, o, now).is_ok();
    }
    let vendor = actor.user().and_then(|u| u.vendor_id);
    panel.closes = crate::view::local_time(tenant, w.closes);
    panel.answer_by = crate::view::local_time(tenant, w.answer_by);
    panel.open = w.open_at(now);
    panel.can_file = vendor.is_some_and(|v| {
        panel.open
            && objection::announced(&e).is_some_and(|(r, _)| {
                r.bids
                    .iter()
                    .any(|b| b.vendor_id == v && r.winner != Some(b.bid_id))
            })
            && !all.iter().any(|o| o.vendor_id == v && o.filed_at >= w.opens)
    });
    Ok(Some(panel))
}

async fn rows_only(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    e: &Evaluation,
    all: &[Objection],
) -> Result<ObjectionsPanel, ApiError> {
    let reads = objection::may_read(actor, e);
    let (appeals, can_appeal) = appeal_rows(state, actor, t, tenant, e, all).await?;
    let mut rows = Vec::with_capacity(all.len());
    for o in all {
        let company = state
            .store
            .vendor(o.vendor_id)
            .await?
            .map(|v| v.name)
            .unwrap_or_default();
        rows.push(ObjectionRow {
            id: o.id.0.to_string(),
            company,
            filed: crate::view::local_time(tenant, o.filed_at),
            text: reads.then(|| o.text.clone()),
            status: t.get(&format!("objection-status-{}", status(o))),
            reason: o.answer.as_ref().filter(|_| reads).map(|a| a.reason.clone()),
            answered_at: o.answer.as_ref().map(|a| crate::view::local_time(tenant, a.at)),
            late: o.answer.as_ref().is_some_and(|a| a.late),
            can_answer: false,
            evidence: if reads {
                o.evidence
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        (
                            format!(
                                "/tenders/{}/objections/{}/evidence/{}",
                                o.package_id.0,
                                o.id.0,
                                i + 1
                            ),
                            format!("{} ({:.1} KB)", f.filename, f.size as f64 / 1024.0),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            },
            can_add_evidence: false,
        });
    }
    Ok(ObjectionsPanel {
        closes: String::new(),
        answer_by: String::new(),
        open: false,
        rows,
        can_file: false,
        file_action: format!("/tenders/{}/objections", e.package_id.0),
        answer_base: format!("/t/{}/packages/{}/tender/objections", tenant.slug, e.package_id.0),
        appeals,
        can_appeal,
        appeal_action: format!("/tenders/{}/appeals", e.package_id.0),
        appeal_answer_base: format!("/t/{}/packages/{}/tender/appeals", tenant.slug, e.package_id.0),
        complaint_href: format!(
            "/t/{}/complaints/new?package={}&category=late_objection",
            tenant.slug, e.package_id.0
        ),
    })
}

/// The objection routes (their page forms live with the pages they sit on).
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenders/{id}/objections", get(list_api).post(file_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/objections/{objection}/answer",
            post(answer_api),
        )
        .route(
            "/api/v1/tenders/{id}/objections/{objection}/evidence",
            post(evidence_api),
        )
        .route(
            "/tenders/{id}/objections/{objection}/evidence/{n}",
            get(evidence_download),
        )
        .route("/api/v1/tenders/{id}/appeals", get(appeals_api).post(appeal_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/appeals/{appeal}/answer",
            post(appeal_answer_api),
        )
}

/// An appeal as asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealInput {
    /// The reasons (10–10,000 characters).
    pub text: String,
    /// The guarantee's issuer (bank or insurer).
    pub issuer: String,
    /// Its number.
    pub number: String,
    /// Its amount, rupiah (at least the rule set's share of HPS).
    pub amount: i64,
    /// Its last valid day, YYYY-MM-DD.
    pub valid_until: String,
}

impl AppealInput {
    fn guarantee(&self) -> Result<lelang_core::appeal::Guarantee, ApiError> {
        let valid_until = time::Date::parse(
            self.valid_until.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| ApiError::Invalid {
            field: "valid_until".into(),
            code: "invalid-date".into(),
        })?;
        Ok(lelang_core::appeal::Guarantee {
            issuer: self.issuer.clone(),
            number: self.number.clone(),
            amount: self.amount,
            valid_until,
        })
    }
}

/// An appeal as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppealView {
    id: Uuid,
    vendor_id: Uuid,
    /// RFC 3339.
    filed_at: String,
    /// Only to the tender's bidders, its pokja, auditors and the budget holder.
    text: Option<String>,
    /// The guarantee (public: anyone may check it with its issuer).
    #[schema(value_type = Object)]
    guarantee: lelang_core::appeal::Guarantee,
    /// `pending`, `upheld` or `rejected`.
    status: &'static str,
    /// Whether the guarantee is forfeited.
    forfeited: bool,
    /// Only to those who read the text.
    reason: Option<String>,
}

fn appeal_status(a: &lelang_core::appeal::Appeal) -> &'static str {
    match &a.answer {
        None => "pending",
        Some(x) if x.upheld => "upheld",
        Some(_) => "rejected",
    }
}

fn appeal_view(a: &lelang_core::appeal::Appeal, reads: bool) -> AppealView {
    AppealView {
        id: a.id.0,
        vendor_id: a.vendor_id.0,
        filed_at: a
            .filed_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        text: reads.then(|| a.text.clone()),
        guarantee: a.guarantee.clone(),
        status: appeal_status(a),
        forfeited: a.forfeited(),
        reason: a.answer.as_ref().filter(|_| reads).map(|x| x.reason.clone()),
    }
}

/// Whether `actor` is the budget holder of the package's work unit (who answers appeals).
async fn budget_holder(state: &AppState, actor: &Actor, package: PackageId) -> Result<bool, ApiError> {
    let p = state.store.package(package).await?.ok_or(ApiError::NotFound)?;
    Ok(actor.user().is_some_and(|u| {
        u.role == lelang_core::role::Role::BudgetHolder
            && u.tenant_id == Some(p.tenant_id)
            && u.work_unit_id == Some(p.work_unit_id)
    }))
}

/// A tender's appeals (public: who appealed, the guarantee and the outcome).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/appeals", tag = "objections",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Vec<AppealView>), (status = 404, body = Problem)))]
pub(crate) async fn appeals_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<AppealView>>, ApiError> {
    let e = evaluation(&state, PackageId(id)).await?;
    let reads =
        objection::may_read(&ctx.actor, &e) || budget_holder(&state, &ctx.actor, e.package_id).await?;
    let all = state.store.appeals(e.package_id).await?;
    Ok(Json(all.iter().map(|a| appeal_view(a, reads)).collect()))
}

/// The signed-in company appeals the answer to its objection (construction works only).
#[utoipa::path(post, path = "/api/v1/tenders/{id}/appeals", tag = "objections", request_body = AppealInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = AppealView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn appeal_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<AppealInput>,
) -> Result<(StatusCode, Json<AppealView>), ApiError> {
    let a = appeal(&state, &ctx, id, &input).await?;
    Ok((StatusCode::CREATED, Json(appeal_view(&a, true))))
}

pub(crate) async fn appeal(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: &AppealInput,
) -> Result<lelang_core::appeal::Appeal, ApiError> {
    ctx.user_actor()?;
    let g = input.guarantee()?;
    Ok(lelang_app::appeal::file(&state.app, &ctx.actor, PackageId(id), &input.text, g).await?)
}

/// The budget holder of the package's work unit answers an appeal.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/appeals/{appeal}/answer", tag = "objections", request_body = AnswerInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id"), ("appeal" = Uuid, Path)),
    responses((status = 200, body = AppealView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn appeal_answer_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, appeal)): Path<(String, Uuid, Uuid)>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Json<AppealView>, ApiError> {
    let a = answer_appeal(&state, &ctx, &slug, id, appeal, input.upheld, &input.reason).await?;
    Ok(Json(appeal_view(&a, true)))
}

/// Answers an appeal of a package of the regency named by `slug`.
pub(crate) async fn answer_appeal(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    appeal: Uuid,
    upheld: bool,
    reason: &str,
) -> Result<lelang_core::appeal::Appeal, ApiError> {
    ctx.user_actor()?;
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    let package = lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id)).await?;
    Ok(lelang_app::appeal::answer(
        &state.app,
        &ctx.actor,
        package.id,
        lelang_core::ids::AppealId(appeal),
        upheld,
        reason,
    )
    .await?)
}

/// Appeal rows of the panel, and whether the reader may appeal now.
async fn appeal_rows(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    e: &Evaluation,
    objections: &[Objection],
) -> Result<(Vec<crate::templates::AppealRow>, bool), ApiError> {
    let all = state.store.appeals(e.package_id).await?;
    let holder = budget_holder(state, actor, e.package_id).await?;
    let reads = objection::may_read(actor, e) || holder;
    let mut rows = Vec::with_capacity(all.len());
    for a in &all {
        let company = state
            .store
            .vendor(a.vendor_id)
            .await?
            .map(|v| v.name)
            .unwrap_or_default();
        let g = &a.guarantee;
        rows.push(crate::templates::AppealRow {
            id: a.id.0.to_string(),
            company,
            filed: crate::view::local_time(tenant, a.filed_at),
            text: reads.then(|| a.text.clone()),
            guarantee: format!(
                "{} · {} · {} · {}",
                g.issuer,
                g.number,
                crate::view::rupiah(g.amount),
                g.valid_until
            ),
            status: t.get(&format!("objection-status-{}", appeal_status(a))),
            reason: a.answer.as_ref().filter(|_| reads).map(|x| x.reason.clone()),
            forfeited: a.forfeited(),
            can_answer: holder && a.answer.is_none(),
        });
    }
    let p = state
        .store
        .package(e.package_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let rules = lelang_app::rules::of(&p)?;
    let now = state.clock.now();
    let vendor = actor.user().and_then(|u| u.vendor_id);
    let can_appeal = p.category == lelang_core::rules::Category::Works
        && vendor.is_some_and(|v| {
            objections.iter().any(|o| {
                o.vendor_id == v
                    && o.answer.as_ref().is_some_and(|x| {
                        !x.upheld
                            && now
                                < x.at + time::Duration::days(i64::from(rules.periods.appeal_calendar_days))
                    })
                    && !all.iter().any(|a| a.objection_id == o.id)
            })
        });
    Ok((rows, can_appeal))
}
