//! The public face of a tender: the list of announced tenders with Indonesian full-text search and
//! filters, the detail page with its schedule, documents and clarification, and what vendors do
//! there (register, ask). The pokja's side (announce, answer) is here too, since it is the same
//! tender seen from inside.

use crate::AppState;
use crate::auth::Ctx;
use crate::document::{DocumentView, view as doc_view};
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, ApiQuery};
use crate::templates::{PublicDocRow, PublicQuestion, StageRow, TenderDetailPage, TenderListPage, TenderRow};
use crate::tender::load;
use crate::view::{PageForm, fail_page, form_done, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::document::current;
use lelang_core::ids::{PackageId, QuestionId, TenantId, WorkUnitId};
use lelang_core::model::{Tenant, WorkUnit};
use lelang_core::rules::{self, Category, Method};
use lelang_core::tender::{ListedTender, PublicTender, TenderPage, TenderQuery, TenderStatus, current_stage};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Rows per page of the public list.
pub const PAGE_SIZE: u32 = 20;

fn rfc(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Search parameters of the public tender list.
#[derive(Debug, Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Keywords in Indonesian (matched on word stems: "membangun" finds "Pembangunan").
    q: Option<String>,
    /// A regency's URL name.
    regency: Option<String>,
    /// A work unit id.
    work_unit: Option<String>,
    /// goods, works, consulting, other_services
    category: Option<String>,
    /// tender, seleksi, tender_cepat, …
    method: Option<String>,
    /// open or closed (for bids, now).
    status: Option<String>,
    /// HPS at least, rupiah.
    min: Option<String>,
    /// HPS at most, rupiah.
    max: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 0, maximum = 10000)]
    page: Option<u32>,
}

fn some(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad(field: &str, code: &str) -> ApiError {
    ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    }
}

fn amount(s: Option<&str>, field: &str) -> Result<Option<i64>, ApiError> {
    s.map(|v| lelang_core::plan::parse_rupiah(v).ok_or_else(|| bad(field, "invalid-amount")))
        .transpose()
}

async fn query_of(state: &AppState, p: &SearchParams) -> Result<TenderQuery, ApiError> {
    let tenant = match some(&p.regency) {
        Some(slug) => Some(
            tenants(state)
                .await?
                .iter()
                .find(|t| t.slug == slug)
                .ok_or_else(|| bad("regency", "unknown-regency"))?
                .id,
        ),
        None => None,
    };
    let text = some(&p.q).map(str::to_owned);
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(bad("q", "query-too-long"));
    }
    let page = p.page.unwrap_or(1).max(1);
    if page > 10_000 {
        return Err(bad("page", "invalid-page"));
    }
    Ok(TenderQuery {
        text,
        tenant,
        work_unit: some(&p.work_unit)
            .map(|s| {
                Uuid::parse_str(s)
                    .map(WorkUnitId)
                    .map_err(|_| bad("work_unit", "unknown-work-unit"))
            })
            .transpose()?,
        category: some(&p.category)
            .map(|s| rules::from_code::<Category>(s).ok_or_else(|| bad("category", "invalid-category")))
            .transpose()?,
        method: some(&p.method)
            .map(|s| rules::from_code::<Method>(s).ok_or_else(|| bad("method", "invalid-method")))
            .transpose()?,
        status: some(&p.status)
            .map(|s| match s {
                "open" => Ok(TenderStatus::Open),
                "closed" => Ok(TenderStatus::Closed),
                _ => Err(bad("status", "invalid-status")),
            })
            .transpose()?,
        min_value: amount(some(&p.min), "min")?,
        max_value: amount(some(&p.max), "max")?,
        now: Some(state.clock.now()),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
    })
}

/// A search through the public cache: the same query within a second, with no change committed
/// in between, is answered without the database.
async fn search(state: &AppState, q: &TenderQuery) -> Result<Arc<TenderPage>, ApiError> {
    let mut key = q.clone();
    // The status filter depends on the time; to the second is close enough for the key.
    key.now = q
        .now
        .filter(|_| q.status.is_some())
        .and_then(|t| t.replace_nanosecond(0).ok());
    let store = state.store.clone();
    let q = q.clone();
    state
        .public_cache
        .get_or_load(
            format!("search:{key:?}"),
            state.store.data_version(),
            || async move { Ok(store.search_tenders(&q).await?) },
        )
        .await
}

/// Every regency, through the public cache.
async fn tenants(state: &AppState) -> Result<Arc<Vec<Tenant>>, ApiError> {
    let store = state.store.clone();
    state
        .public_cache
        .get_or_load("tenants".into(), state.store.data_version(), || async move {
            Ok(store.tenants().await?)
        })
        .await
}

/// One announced tender in the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderSummary {
    package_id: Uuid,
    name: String,
    /// The regency's URL name.
    regency: String,
    regency_name: String,
    work_unit: String,
    location: String,
    /// goods, works, consulting, other_services
    category: String,
    method: String,
    /// HPS, rupiah.
    owner_estimate: i64,
    /// Pagu, rupiah.
    budget_ceiling: i64,
    /// RFC 3339.
    announced_at: String,
    /// RFC 3339.
    submission_deadline: String,
    /// open, closed or cancelled.
    status: String,
    /// The public page.
    href: String,
}

/// A page of the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderList {
    /// All matches.
    total: u64,
    /// This page, from 1.
    page: u32,
    /// Rows per page.
    page_size: u32,
    tenders: Vec<TenderSummary>,
}

/// Names of the regencies and work units the rows refer to, read once per request.
struct Names {
    tenants: Arc<Vec<Tenant>>,
    units: Vec<WorkUnit>,
}

impl Names {
    async fn of(state: &AppState, rows: &[PublicTender]) -> Result<Self, ApiError> {
        let tenants = tenants(state).await?;
        let mut ids: Vec<TenantId> = rows.iter().map(|r| r.tenant_id).collect();
        ids.sort();
        ids.dedup();
        let mut units = Vec::new();
        for t in ids {
            units.extend(state.store.work_units(t).await?);
        }
        Ok(Self { tenants, units })
    }

    fn tenant(&self, id: TenantId) -> Option<&Tenant> {
        self.tenants.iter().find(|t| t.id == id)
    }

    fn unit(&self, id: WorkUnitId) -> String {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    }
    /// One tender with its names, as the list would show it.
    fn listed(&self, t: &PublicTender) -> ListedTender {
        let tenant = self.tenant(t.tenant_id);
        ListedTender {
            tender: t.clone(),
            regency_slug: tenant.map(|x| x.slug.clone()).unwrap_or_default(),
            regency_name: tenant.map(|x| x.name.clone()).unwrap_or_default(),
            work_unit_name: self.unit(t.work_unit_id),
        }
    }
}

pub(crate) fn status_of(t: &PublicTender, now: OffsetDateTime) -> &'static str {
    if t.cancelled_at.is_some() {
        "cancelled"
    } else if now < t.submission_deadline {
        "open"
    } else {
        "closed"
    }
}

fn summary(t: &ListedTender, now: OffsetDateTime) -> TenderSummary {
    let (x, t) = (t, &t.tender);
    TenderSummary {
        package_id: t.package_id.0,
        name: t.name.clone(),
        regency: x.regency_slug.clone(),
        regency_name: x.regency_name.clone(),
        work_unit: x.work_unit_name.clone(),
        location: t.location.clone(),
        category: rules::code(&t.category),
        method: rules::code(&t.method),
        owner_estimate: t.owner_estimate,
        budget_ceiling: t.budget_ceiling,
        announced_at: rfc(t.announced_at),
        submission_deadline: rfc(t.submission_deadline),
        status: status_of(t, now).into(),
        href: format!("/tenders/{}", t.package_id.0),
    }
}

/// Searches the announced tenders of every regency.
#[utoipa::path(get, path = "/api/v1/tenders", tag = "tenders", params(SearchParams),
    responses((status = 200, body = TenderList), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<TenderList>, ApiError> {
    let q = query_of(&state, &p).await?;
    let found = search(&state, &q).await?;
    let now = state.clock.now();
    Ok(Json(TenderList {
        total: found.total,
        page: q.offset / PAGE_SIZE + 1,
        page_size: PAGE_SIZE,
        tenders: found.tenders.iter().map(|t| summary(t, now)).collect(),
    }))
}

/// A question as everyone sees it: without who asked.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    id: Uuid,
    text: String,
    /// RFC 3339.
    asked_at: String,
    answer: Option<String>,
    /// RFC 3339.
    answered_at: Option<String>,
    /// Whether the requesting vendor asked it.
    mine: bool,
}

/// A stage in UTC and local time.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStage {
    kind: String,
    /// RFC 3339.
    start: String,
    /// RFC 3339.
    end: String,
}

/// An announced tender in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderDetail {
    #[serde(flatten)]
    summary: TenderSummary,
    evaluation: Option<String>,
    /// The stage it is in now, if any.
    current_stage: Option<String>,
    stages: Vec<PublicStage>,
    /// Every version of every document.
    documents: Vec<DocumentView>,
    questions: Vec<QuestionView>,
    /// For a vendor: whether its company is registered.
    registered: Option<bool>,
    /// The age recipient (`age1…`) bids are sealed to, from the pokja's key ceremony.
    bid_recipient: Option<String>,
}

struct Detail {
    tender: PublicTender,
    tenant: Tenant,
    setup: Option<lelang_core::tender::TenderSetup>,
    documents: Vec<lelang_core::document::Document>,
    questions: Vec<lelang_core::clarification::Question>,
    registered: Option<bool>,
    verified: Option<bool>,
    names: Names,
    bid_recipient: Option<String>,
}

async fn detail(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Detail, ApiError> {
    let package = PackageId(id);
    let tender = state
        .store
        .public_tender(package)
        .await?
        .ok_or(ApiError::NotFound)?;
    let tenant = state
        .store
        .tenant(tender.tenant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let setup = state
        .store
        .tender_setups(tenant.id)
        .await?
        .into_iter()
        .find(|s| s.package_id == package);
    let vendor = ctx
        .actor
        .user()
        .filter(|u| u.role == lelang_core::Role::Vendor)
        .and_then(|u| u.vendor_id);
    let (registered, verified) = match vendor {
        Some(v) => (
            Some(
                state
                    .store
                    .participants(package)
                    .await?
                    .iter()
                    .any(|(p, _)| *p == v),
            ),
            Some(lelang_core::vendor::is_verified(
                &state.store.verifications(Some(v)).await?,
            )),
        ),
        None => (None, None),
    };
    let names = Names::of(state, std::slice::from_ref(&tender)).await?;
    Ok(Detail {
        bid_recipient: state
            .store
            .ceremony(package)
            .await?
            .and_then(|c| c.recipient().map(str::to_owned)),
        documents: state.store.documents(package).await?,
        questions: state.store.questions(package).await?,
        tender,
        tenant,
        setup,
        registered,
        verified,
        names,
    })
}

fn my_vendor(ctx: &Ctx) -> Option<lelang_core::VendorId> {
    ctx.actor
        .user()
        .filter(|u| u.role == lelang_core::Role::Vendor)
        .and_then(|u| u.vendor_id)
}

/// One announced tender: schedule, documents, questions and answers.
#[utoipa::path(get, path = "/api/v1/tenders/{id}", tag = "tenders",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = TenderDetail), (status = 404, body = Problem)))]
pub(crate) async fn detail_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<TenderDetail>, ApiError> {
    let d = detail(&state, &ctx, id).await?;
    let now = state.clock.now();
    let mine = my_vendor(&ctx);
    Ok(Json(TenderDetail {
        summary: summary(&d.names.listed(&d.tender), now),
        evaluation: d.setup.as_ref().map(|s| rules::code(&s.evaluation)),
        current_stage: d
            .setup
            .as_ref()
            .and_then(|s| current_stage(s, now))
            .map(|k| rules::code(&k)),
        stages: d
            .setup
            .as_ref()
            .map(|s| {
                s.schedule()
                    .times()
                    .into_iter()
                    .map(|st| PublicStage {
                        kind: rules::code(&st.kind),
                        start: rfc(st.start),
                        end: rfc(st.end),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        documents: d.documents.iter().map(doc_view).collect(),
        questions: d
            .questions
            .iter()
            .map(|q| QuestionView {
                id: q.id.0,
                text: q.text.clone(),
                asked_at: rfc(q.asked_at),
                answer: q.answer.clone(),
                answered_at: q.answered_at.map(rfc),
                mine: mine == Some(q.vendor_id),
            })
            .collect(),
        registered: d.registered,
        bid_recipient: d.bid_recipient.clone(),
    }))
}

async fn do_join(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(), ApiError> {
    let vendor = ctx.user_actor()?.vendor_id.ok_or(ApiError::Forbidden)?;
    Ok(lelang_app::tender::join(&state.app, &ctx.actor, vendor, PackageId(id)).await?)
}

/// Registers the requesting vendor's company for a tender (a verified company, before the
/// submission deadline).
#[utoipa::path(post, path = "/api/v1/tenders/{id}/registrations", tag = "tenders",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 201), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn join_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    do_join(&state, &ctx, id).await?;
    Ok(StatusCode::CREATED)
}

/// Input: a question, or an answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    /// 5 to 4,000 characters.
    text: String,
}

/// The id of something created.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    id: Uuid,
}

async fn do_ask(state: &AppState, ctx: &Ctx, id: Uuid, text: &str) -> Result<QuestionId, ApiError> {
    let vendor = ctx.user_actor()?.vendor_id.ok_or(ApiError::Forbidden)?;
    let q = lelang_app::tender::ask(&state.app, &ctx.actor, vendor, PackageId(id), text).await?;
    Ok(q.id)
}

/// Asks the pokja a question (a registered company, until the clarification closes). Other vendors
/// and the public see the question and its answer, never who asked.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/questions", tag = "tenders", request_body = TextInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = Created), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn ask_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<TextInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let q = do_ask(&state, &ctx, id, &input.text).await?;
    Ok((StatusCode::CREATED, Json(Created { id: q.0 })))
}

pub(crate) async fn do_announce(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
) -> Result<PublicTender, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    Ok(lelang_app::tender::announce(&state.app, &ctx.actor, &l).await?)
}

/// Announces a tender: public, searchable, open for registration (a member of its pokja, once the
/// schedule is set, every member has declared no conflict, and a document is published).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/tender/announce", tag = "tenders",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = TenderSummary), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn announce_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<(StatusCode, Json<TenderSummary>), ApiError> {
    let t = do_announce(&state, &ctx, &slug, id).await?;
    let names = Names::of(&state, std::slice::from_ref(&t)).await?;
    Ok((
        StatusCode::CREATED,
        Json(summary(&names.listed(&t), state.clock.now())),
    ))
}

pub(crate) async fn do_answer(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    question: Uuid,
    text: &str,
) -> Result<(), ApiError> {
    let l = load(state, ctx, slug, id).await?;
    lelang_app::tender::answer(&state.app, &ctx.actor, &l, QuestionId(question), text).await?;
    Ok(())
}

/// Answers a clarification question in public (a member of the tender's pokja, once).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/questions/{qid}/answer", tag = "tenders", request_body = TextInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id"), ("qid" = Uuid, Path, description = "Question id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn answer_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, qid)): Path<(String, Uuid, Uuid)>,
    ApiJson(input): ApiJson<TextInput>,
) -> Result<StatusCode, ApiError> {
    do_answer(&state, &ctx, &slug, id, qid, &input.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The public tender routes, and the pokja's announce and answer.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenders", get(list_api))
        .route("/api/v1/tenders/{id}", get(detail_api))
        .route("/api/v1/tenders/{id}/registrations", post(join_api))
        .route("/api/v1/tenders/{id}/questions", post(ask_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/tender/announce",
            post(announce_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/questions/{qid}/answer",
            post(answer_api),
        )
        .route("/tenders", get(list_page))
        .route("/tenders/{id}", get(detail_page))
        .route("/tenders/{id}/join", post(join_page))
        .route("/tenders/{id}/questions", post(ask_page))
        .route("/tenders/{id}/objections", post(pages::objection_page))
        .route(
            "/tenders/{id}/objections/{objection}/evidence",
            post(pages::evidence_page),
        )
        .route("/tenders/{id}/appeals", post(pages::appeal_page))
        .route("/tenders/{id}/contract/guarantee", post(pages::guarantee_page))
        .route("/tenders/{id}/contract/signature", post(pages::sign_page))
        .route(
            "/tenders/{id}/award-letters/response",
            post(pages::letter_response_page),
        )
        .route("/t/{slug}/packages/{id}/tender/announce", post(announce_page))
        .route(
            "/t/{slug}/packages/{id}/tender/questions/{qid}/answer",
            post(answer_page),
        )
}

mod pages;
use pages::{announce_page, answer_page, ask_page, detail_page, join_page, list_page};
