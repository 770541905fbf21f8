//! The procurement plan (RUP) over HTTP: the JSON API and the plan page of a regency. Work units'
//! PPKs and budget holders enter items (one by one or from a CSV file, all-or-nothing with a
//! row-by-row report); the budget holder announces; announced items are public.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, FieldError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, ApiQuery, tenant_or_404};
use crate::templates::{PlanPage, PlanRow};
use crate::view::{PageForm, fail_page, nav_for, render, rupiah};
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lelang_core::model::{Tenant, WorkUnit};
use lelang_core::plan::{self, NewPlanItem, PlanItem, RowError};
use lelang_core::policy::{Action, authorize};
use lelang_core::rules::{self, Category, Method, RuleSet};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest plan file accepted.
const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// The built-in rule sets, parsed once per process.
pub(crate) fn rule_sets() -> Result<&'static [RuleSet], ApiError> {
    Ok(lelang_app::rules::sets()?)
}

/// The rule set in force today.
pub(crate) fn rules_today(state: &AppState) -> Result<&'static RuleSet, ApiError> {
    Ok(lelang_app::rules::today(&state.app)?)
}

/// A plan item, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanItemView {
    id: Uuid,
    work_unit_id: Uuid,
    fiscal_year: i32,
    name: String,
    /// goods, works, consulting, other_services
    category: String,
    /// Pagu, in rupiah.
    budget_ceiling: i64,
    funding_source: String,
    planned_method: String,
    /// YYYY-MM-DD
    planned_start: String,
    /// YYYY-MM-DD
    planned_end: String,
    rule_set: String,
    announced: bool,
}

impl From<&PlanItem> for PlanItemView {
    fn from(p: &PlanItem) -> Self {
        Self {
            id: p.id.0,
            work_unit_id: p.work_unit_id.0,
            fiscal_year: p.fiscal_year,
            name: p.name.clone(),
            category: rules::code(&p.category),
            budget_ceiling: p.budget_ceiling,
            funding_source: p.funding_source.clone(),
            planned_method: rules::code(&p.planned_method),
            planned_start: p.planned_start.to_string(),
            planned_end: p.planned_end.to_string(),
            rule_set: p.rule_set.clone(),
            announced: p.announced_at.is_some(),
        }
    }
}

/// Input: one plan item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItemInput {
    fiscal_year: i32,
    name: String,
    /// goods, works, consulting, other_services
    category: String,
    /// Pagu, in rupiah.
    budget_ceiling: i64,
    /// APBD, APBN, DAK, BLUD, HIBAH, LAINNYA
    funding_source: String,
    /// tender, tender_cepat, tender_terbatas, seleksi, pengadaan_langsung, penunjukan_langsung
    planned_method: String,
    /// YYYY-MM-DD
    planned_start: String,
    /// YYYY-MM-DD
    planned_end: String,
}

impl PlanItemInput {
    fn parse(self) -> Result<NewPlanItem, ApiError> {
        let invalid = |field: &str, code: &str| ApiError::Invalid {
            field: field.into(),
            code: code.into(),
        };
        let date = |s: &str, field: &str| {
            time::Date::parse(
                s.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|_| invalid(field, "invalid-date"))
        };
        Ok(NewPlanItem {
            fiscal_year: self.fiscal_year,
            name: self.name,
            category: rules::from_code::<Category>(&self.category)
                .ok_or_else(|| invalid("category", "invalid-category"))?,
            budget_ceiling: self.budget_ceiling,
            funding_source: self.funding_source,
            planned_method: rules::from_code::<Method>(&self.planned_method)
                .ok_or_else(|| invalid("planned_method", "invalid-method"))?,
            planned_start: date(&self.planned_start, "planned_start")?,
            planned_end: date(&self.planned_end, "planned_end")?,
        })
    }
}

/// Input: plan items to enter together.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanItemsInput {
    items: Vec<PlanItemInput>,
}

/// Input: which fiscal year to announce.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnounceInput {
    fiscal_year: i32,
}

/// The outcome of an announcement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Announced {
    /// How many items became public.
    announced: usize,
}

/// Query of the plan list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlanQuery {
    /// Include items not announced yet (officials of the regency, auditors).
    drafts: Option<bool>,
}

async fn unit_or_404(state: &AppState, tenant: &Tenant, code: &str) -> Result<WorkUnit, ApiError> {
    let code = code.to_uppercase();
    state
        .store
        .work_units(tenant.id)
        .await?
        .into_iter()
        .find(|w| w.code == code)
        .ok_or(ApiError::NotFound)
}

/// The problem for a plan file with bad rows: 422, one field error per row and column.
fn row_problem(errors: &[RowError]) -> Response {
    let mut p = ApiError::Invalid {
        field: "file".into(),
        code: "import-rows".into(),
    }
    .problem();
    p.errors = errors
        .iter()
        .map(|e| FieldError {
            field: format!("row {} {}", e.row, e.column).trim().to_owned(),
            code: e.code.into(),
        })
        .collect();
    p.detail = Some(format!("{} problem(s); nothing was imported", errors.len()));
    let mut resp = (StatusCode::UNPROCESSABLE_ENTITY, Json(p)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(crate::error::PROBLEM_JSON),
    );
    resp
}

async fn enter(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    unit: &WorkUnit,
    items: &[NewPlanItem],
) -> Result<Vec<PlanItem>, ApiError> {
    Ok(lelang_app::plan::enter(&state.app, &ctx.actor, tenant.id, unit.id, items).await?)
}

async fn announce(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    unit: &WorkUnit,
    year: i32,
) -> Result<usize, ApiError> {
    Ok(lelang_app::plan::announce(&state.app, &ctx.actor, tenant.id, unit.id, year).await?)
}

/// The plan items of a regency: announced ones for everyone, drafts too for its officials.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/plan-items", tag = "plan", params(("slug" = String, Path), PlanQuery),
    responses((status = 200, body = [PlanItemView]), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn list_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<Vec<PlanItemView>>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let drafts = q.drafts.unwrap_or(false);
    authorize(
        &ctx.actor,
        if drafts {
            Action::ViewPlanDrafts(t.id)
        } else {
            Action::ViewPublic
        },
    )?;
    Ok(Json(
        state
            .store
            .plan_items(t.id, !drafts)
            .await?
            .iter()
            .map(PlanItemView::from)
            .collect(),
    ))
}

/// Enters plan items for a work unit (its PPK or budget holder); all or none.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/work-units/{code}/plan-items", tag = "plan", request_body = PlanItemsInput,
    params(("slug" = String, Path), ("code" = String, Path, description = "Work unit code")),
    responses((status = 201, body = [PlanItemView]), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn create_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, code)): Path<(String, String)>,
    ApiJson(input): ApiJson<PlanItemsInput>,
) -> Result<(StatusCode, Json<Vec<PlanItemView>>), ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let unit = unit_or_404(&state, &t, &code).await?;
    authorize(
        &ctx.actor,
        Action::ManagePlan {
            tenant: t.id,
            work_unit: unit.id,
        },
    )?;
    let items = input
        .items
        .into_iter()
        .map(PlanItemInput::parse)
        .collect::<Result<Vec<_>, _>>()?;
    let created = enter(&state, &ctx, &t, &unit, &items).await?;
    Ok((
        StatusCode::CREATED,
        Json(created.iter().map(PlanItemView::from).collect()),
    ))
}

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A plan file: CSV or an XLSX workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    /// UTF-8 CSV, comma or semicolon separated.
    Csv,
    /// The first sheet of an Excel workbook.
    Xlsx,
}

/// A plan file's body, after the sender is known to be signed in.
pub struct CsvBody(pub PlanFormat, pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if req.extensions().get::<Ctx>().is_none_or(|c| c.user.is_none()) {
            return Err(ApiError::Unauthenticated);
        }
        let media = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let format = match media.as_str() {
            "text/csv" => PlanFormat::Csv,
            XLSX => PlanFormat::Xlsx,
            _ => return Err(ApiError::UnsupportedMediaType),
        };
        axum::body::Bytes::from_request(req, state)
            .await
            .map(|b| CsvBody(format, b))
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })
    }
}

/// A header row and the rows under it, as text.
type Table = (Vec<String>, Vec<Vec<String>>);

/// The first sheet of a workbook as text rows (header first), read within the limits of a plan:
/// its rows, eight columns and some spare, and short cells.
fn xlsx_table(bytes: &[u8]) -> Result<Table, Vec<RowError>> {
    let limits = crate::xlsx::Limits {
        rows: u32::try_from(plan::MAX_IMPORT_ROWS + 1).unwrap_or(u32::MAX),
        ..crate::xlsx::Limits::default()
    };
    let table = crate::xlsx::first_sheet(bytes, &limits).map_err(|e| {
        vec![RowError {
            row: e.row(),
            column: String::new(),
            code: e.code(),
        }]
    })?;
    // Blank rows above the header are not part of the table.
    let first = table
        .iter()
        .position(|row| row.iter().any(|c| !c.trim().is_empty()))
        .unwrap_or(0);
    let mut rows = table.into_iter().skip(first);
    let headers = rows.next().unwrap_or_default();
    Ok((headers, rows.collect()))
}

/// Reads a plan file into items, or every problem row by row.
pub fn parse_plan(
    format: PlanFormat,
    bytes: &[u8],
    rules: &lelang_core::rules::RuleSet,
) -> Result<Vec<lelang_core::plan::NewPlanItem>, Vec<RowError>> {
    match format {
        PlanFormat::Csv => plan::parse_csv(bytes, rules),
        PlanFormat::Xlsx => {
            let (headers, rows) = xlsx_table(bytes)?;
            plan::parse_table(&headers, rows.into_iter().map(Some), rules)
        }
    }
}

/// Imports a work unit's plan from CSV or XLSX (columns nama, kategori, pagu, sumber_dana,
/// tahun_anggaran, metode, mulai, selesai; the first sheet of a workbook): every row is checked;
/// either all are entered or the answer lists every problem by row and column, and nothing is
/// stored.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/work-units/{code}/plan-items/import", tag = "plan",
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    params(("slug" = String, Path), ("code" = String, Path, description = "Work unit code")),
    responses((status = 201, body = [PlanItemView]), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn import_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, code)): Path<(String, String)>,
    CsvBody(format, body): CsvBody,
) -> Result<Response, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let unit = unit_or_404(&state, &t, &code).await?;
    authorize(
        &ctx.actor,
        Action::ManagePlan {
            tenant: t.id,
            work_unit: unit.id,
        },
    )?;
    let rules = rules_today(&state)?;
    // Parsing a workbook is CPU work: off the async workers.
    let parsed = state
        .work
        .parsing
        .run(move || parse_plan(format, &body, rules))
        .await?;
    let items = match parsed {
        Ok(items) => items,
        Err(errors) => return Ok(row_problem(&errors)),
    };
    let created = enter(&state, &ctx, &t, &unit, &items).await?;
    Ok((
        StatusCode::CREATED,
        Json(created.iter().map(PlanItemView::from).collect::<Vec<_>>()),
    )
        .into_response())
}

/// Announces a work unit's plan for a fiscal year (its budget holder): the items become public.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/work-units/{code}/plan/announce", tag = "plan", request_body = AnnounceInput,
    params(("slug" = String, Path), ("code" = String, Path, description = "Work unit code")),
    responses((status = 200, body = Announced), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn announce_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, code)): Path<(String, String)>,
    ApiJson(input): ApiJson<AnnounceInput>,
) -> Result<Json<Announced>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let unit = unit_or_404(&state, &t, &code).await?;
    let announced = announce(&state, &ctx, &t, &unit, input.fiscal_year).await?;
    Ok(Json(Announced { announced }))
}

/// The plan routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenants/{slug}/plan-items", get(list_items))
        .route(
            "/api/v1/tenants/{slug}/work-units/{code}/plan-items",
            post(create_items),
        )
        .route(
            "/api/v1/tenants/{slug}/work-units/{code}/plan-items/import",
            post(import_items).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(
            "/api/v1/tenants/{slug}/work-units/{code}/plan/announce",
            post(announce_plan),
        )
        .route("/t/{slug}/plan", get(plan_page))
        .route("/t/{slug}/plan/items", post(page_create))
        .route(
            "/t/{slug}/plan/import",
            post(page_import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(
            "/t/{slug}/plan/import-file",
            post(page_import_file).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/t/{slug}/plan/announce", post(page_announce))
}

/// The unit the signed-in PPK or budget holder enters plan items for, in this regency.
fn own_unit<'a>(ctx: &Ctx, tenant: &Tenant, units: &'a [WorkUnit]) -> Option<&'a WorkUnit> {
    let a = ctx.actor.user()?;
    units
        .iter()
        .find(|w| Some(w.id) == a.work_unit_id && w.tenant_id == tenant.id && a.tenant_id == Some(tenant.id))
}

async fn plan_view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let drafts = authorize(&ctx.actor, Action::ViewPlanDrafts(tenant.id)).is_ok();
    let units = state.store.work_units(tenant.id).await?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let rows = state
        .store
        .plan_items(tenant.id, !drafts)
        .await?
        .iter()
        .map(|p| PlanRow {
            year: p.fiscal_year,
            unit: units
                .iter()
                .find(|w| w.id == p.work_unit_id)
                .map(|w| w.code.clone())
                .unwrap_or_default(),
            name: p.name.clone(),
            category: t.get(&format!("category-{}", rules::code(&p.category))),
            pagu: rupiah(p.budget_ceiling),
            source: p.funding_source.clone(),
            method: t.get(&format!("method-{}", rules::code(&p.planned_method))),
            period: format!("{} – {}", p.planned_start, p.planned_end),
            announced: p.announced_at.is_some(),
        })
        .collect();
    let unit = own_unit(ctx, &tenant, &units);
    let can_enter = unit.is_some_and(|u| {
        authorize(
            &ctx.actor,
            Action::ManagePlan {
                tenant: tenant.id,
                work_unit: u.id,
            },
        )
        .is_ok()
    });
    let can_announce = unit.is_some_and(|u| {
        authorize(
            &ctx.actor,
            Action::AnnouncePlan {
                tenant: tenant.id,
                work_unit: u.id,
            },
        )
        .is_ok()
    });
    let mut nav = nav_for(state, ctx, &format!("/t/{slug}/plan")).await;
    nav.flash = flash
        .filter(|k| ["plan-created", "plan-imported", "plan-announced"].contains(k))
        .map(|k| t.get(k));
    let page = PlanPage {
        nav,
        slug: tenant.slug.clone(),
        tenant: tenant.name.clone(),
        unit: unit.map(|u| format!("{} — {}", u.code, u.name)),
        rows,
        drafts,
        can_enter,
        can_announce,
        categories: Category::ALL
            .iter()
            .map(|c| (rules::code(c), t.get(&format!("category-{}", rules::code(c)))))
            .collect(),
        methods: [
            Method::Tender,
            Method::TenderCepat,
            Method::TenderTerbatas,
            Method::Seleksi,
            Method::PengadaanLangsung,
            Method::PenunjukanLangsung,
        ]
        .iter()
        .map(|m| (rules::code(m), t.get(&format!("method-{}", rules::code(m)))))
        .collect(),
        sources: plan::FUNDING_SOURCES.iter().map(|s| (*s).to_owned()).collect(),
        year: state.clock.now().year(),
        errors,
        t,
    };
    Ok(render(status, &page))
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

async fn plan_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    axum::extract::Query(q): axum::extract::Query<OkQuery>,
) -> Response {
    let path = format!("/t/{slug}/plan");
    match async {
        authorize(&ctx.actor, Action::ViewPublic)?;
        plan_view(&state, &ctx, &slug, StatusCode::OK, vec![], q.ok.as_deref()).await
    }
    .await
    {
        Ok(r) => r,
        Err(e) => fail_page(&state, &ctx, &path, e),
    }
}

/// Runs a plan form: on success, back to the plan page with a message; on a broken rule, the
/// page again with every message (422); anything else, the error page.
async fn plan_form<F>(state: AppState, ctx: Ctx, slug: String, ok: &str, work: F) -> Response
where
    F: std::future::Future<Output = Result<(), Result<ApiError, Vec<RowError>>>>,
{
    let path = format!("/t/{slug}/plan");
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let errors = match work.await {
        Ok(()) => return Redirect::to(&format!("{path}?ok={ok}")).into_response(),
        Err(Ok(e @ (ApiError::Invalid { .. } | ApiError::Conflict(_)))) => {
            let code = match &e {
                ApiError::Invalid { code, .. } => code.clone(),
                _ => "error-conflict".into(),
            };
            vec![t.get(&code)]
        }
        Err(Ok(e)) => return fail_page(&state, &ctx, &path, e),
        Err(Err(rows)) => rows
            .iter()
            .map(|r| {
                format!(
                    "{} {}{}: {}",
                    t.get("plan-row"),
                    r.row,
                    if r.column.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", r.column)
                    },
                    t.get(r.code)
                )
            })
            .collect(),
    };
    plan_view(
        &state,
        &ctx,
        &slug,
        StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        None,
    )
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn page_unit(state: &AppState, ctx: &Ctx, slug: &str) -> Result<(Tenant, WorkUnit), ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    ctx.user_actor()?;
    let units = state.store.work_units(tenant.id).await?;
    let unit = own_unit(ctx, &tenant, &units)
        .cloned()
        .ok_or(ApiError::Forbidden)?;
    Ok((tenant, unit))
}

#[derive(Debug, Deserialize)]
struct ItemForm {
    fiscal_year: String,
    name: String,
    category: String,
    budget_ceiling: String,
    funding_source: String,
    planned_method: String,
    planned_start: String,
    planned_end: String,
}

/// The work unit of the signed-in planner (PPK or budget holder), who may enter its plan.
async fn planner_unit(state: &AppState, ctx: &Ctx, slug: &str) -> Result<(Tenant, WorkUnit), ApiError> {
    let (tenant, unit) = page_unit(state, ctx, slug).await?;
    authorize(
        &ctx.actor,
        Action::ManagePlan {
            tenant: tenant.id,
            work_unit: unit.id,
        },
    )?;
    Ok((tenant, unit))
}

async fn page_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(f): PageForm<ItemForm>,
) -> Response {
    let (st, cx, sl) = (state.clone(), ctx.clone(), slug.clone());
    let work = async move {
        let (tenant, unit) = planner_unit(&st, &cx, &sl).await.map_err(Ok)?;
        let invalid = |field: &str, code: &str| {
            Ok(ApiError::Invalid {
                field: field.into(),
                code: code.into(),
            })
        };
        let input = PlanItemInput {
            fiscal_year: f
                .fiscal_year
                .trim()
                .parse()
                .map_err(|_| invalid("fiscal_year", "invalid-fiscal-year"))?,
            name: f.name,
            category: f.category,
            budget_ceiling: f
                .budget_ceiling
                .trim()
                .replace('.', "")
                .parse()
                .map_err(|_| invalid("budget_ceiling", "invalid-budget"))?,
            funding_source: f.funding_source,
            planned_method: f.planned_method,
            planned_start: f.planned_start,
            planned_end: f.planned_end,
        };
        let item = input.parse().map_err(Ok)?;
        enter(&st, &cx, &tenant, &unit, &[item]).await.map_err(Ok)?;
        Ok(())
    };
    plan_form(state, ctx, slug, "plan-created", work).await
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    csv: String,
}

async fn page_import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(f): PageForm<ImportForm>,
) -> Response {
    let (st, cx, sl) = (state.clone(), ctx.clone(), slug.clone());
    let work = async move {
        let (tenant, unit) = planner_unit(&st, &cx, &sl).await.map_err(Ok)?;
        let items = plan::parse_csv(f.csv.as_bytes(), rules_today(&st).map_err(Ok)?).map_err(Err)?;
        enter(&st, &cx, &tenant, &unit, &items).await.map_err(Ok)?;
        Ok(())
    };
    plan_form(state, ctx, slug, "plan-imported", work).await
}

async fn page_import_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    up: crate::files::Upload,
) -> Response {
    let (st, cx, sl) = (state.clone(), ctx.clone(), slug.clone());
    let work = async move {
        let (tenant, unit) = planner_unit(&st, &cx, &sl).await.map_err(Ok)?;
        let Some((name, staged)) = up.file.as_ref() else {
            return Err(Ok(ApiError::Invalid {
                field: "file".into(),
                code: "file-missing".into(),
            }));
        };
        let format = if name.to_ascii_lowercase().ends_with(".xlsx") {
            PlanFormat::Xlsx
        } else {
            PlanFormat::Csv
        };
        let bytes = staged
            .bytes()
            .await
            .map_err(|e| Ok(ApiError::Unavailable(e.to_string())))?;
        let rules = rules_today(&st).map_err(Ok)?;
        let items = st
            .work
            .parsing
            .run(move || parse_plan(format, &bytes, rules))
            .await
            .map_err(Ok)?
            .map_err(Err)?;
        enter(&st, &cx, &tenant, &unit, &items).await.map_err(Ok)?;
        Ok(())
    };
    plan_form(state, ctx, slug, "plan-imported", work).await
}

#[derive(Debug, Deserialize)]
struct AnnounceForm {
    fiscal_year: String,
}

async fn page_announce(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(f): PageForm<AnnounceForm>,
) -> Response {
    let (st, cx, sl) = (state.clone(), ctx.clone(), slug.clone());
    let work = async move {
        let (tenant, unit) = page_unit(&st, &cx, &sl).await.map_err(Ok)?;
        let year = f.fiscal_year.trim().parse().map_err(|_| {
            Ok(ApiError::Invalid {
                field: "fiscal_year".into(),
                code: "invalid-fiscal-year".into(),
            })
        })?;
        announce(&st, &cx, &tenant, &unit, year).await.map_err(Ok)?;
        Ok(())
    };
    plan_form(state, ctx, slug, "plan-announced", work).await
}
