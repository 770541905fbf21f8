//! A tender's setup and schedule over HTTP: the package's pokja sets the method and the schedule
//! (from the rule set and the working-day calendar) and changes it with a published reason; every
//! official who may see the package sees the schedule, in the regency's local time.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::{StageRow, TenderPage};
use crate::view::{PageForm, fail_page, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::package::Package;
use lelang_core::policy::{Action, authorize};
use lelang_core::rules::{self, EvaluationMethod, Method, RuleSet, StageKind};
use lelang_core::tender::TenderSetup;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// One stage, in UTC and in the regency's local time.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageView {
    /// announcement, clarification, submission, …
    kind: String,
    /// RFC 3339, UTC.
    start: String,
    /// RFC 3339, UTC.
    end: String,
}

/// A tender's setup.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenderView {
    package_id: Uuid,
    method: String,
    evaluation: String,
    /// WIB, WITA or WIT.
    time_zone: String,
    stages: Vec<StageView>,
}

/// Input: set a tender up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    /// tender, tender_cepat, tender_terbatas, seleksi, …
    method: String,
    /// sistem_gugur, sistem_nilai, umur_ekonomis, kualitas_biaya, …
    evaluation: String,
    /// The first day of the announcement, YYYY-MM-DD.
    first_day: String,
}

/// Input: move the end of one stage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeInput {
    /// The stage, e.g. submission.
    stage: String,
    /// Its new last day, YYYY-MM-DD.
    new_last_day: String,
    /// Why (published with the change).
    reason: String,
}

/// The outcome of a schedule change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    /// Whether the submission window was extended to keep its minimum remaining time.
    submission_extended: bool,
}

pub(crate) use lelang_app::tender::Loaded;

/// A package of this regency (another regency's is not found here).
pub(crate) async fn package_of(
    state: &AppState,
    tenant: lelang_core::TenantId,
    id: Uuid,
) -> Result<lelang_core::package::Package, ApiError> {
    Ok(lelang_app::tender::package_of(&state.app, tenant, lelang_core::ids::PackageId(id)).await?)
}

/// Loads a package of a regency for an official who may see packages there.
pub(crate) async fn load(state: &AppState, ctx: &Ctx, slug: &str, id: Uuid) -> Result<Loaded, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    Ok(lelang_app::tender::load(&state.app, &ctx.actor, tenant, lelang_core::ids::PackageId(id)).await?)
}

pub(crate) fn rule_set(package: &Package) -> Result<&'static RuleSet, ApiError> {
    Ok(lelang_app::rules::of(package)?)
}

fn date(s: &str, field: &str) -> Result<Date, ApiError> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ApiError::Invalid {
        field: field.into(),
        code: "invalid-date".into(),
    })
}

fn code<T: serde::de::DeserializeOwned>(s: &str, field: &str, error: &str) -> Result<T, ApiError> {
    rules::from_code(s.trim()).ok_or_else(|| ApiError::Invalid {
        field: field.into(),
        code: error.into(),
    })
}

async fn do_setup(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: SetupInput,
) -> Result<(), ApiError> {
    let l = load(state, ctx, slug, id).await?;
    // Who may, before what they sent is read.
    authorize(&ctx.actor, Action::RunTender(l.tenant.id))?;
    let method: Method = code(&input.method, "method", "invalid-method")?;
    let evaluation: EvaluationMethod = code(&input.evaluation, "evaluation", "invalid-evaluation")?;
    let first_day = date(&input.first_day, "first_day")?;
    lelang_app::tender::set_up(&state.app, &ctx.actor, &l, method, evaluation, first_day).await?;
    Ok(())
}

async fn do_change(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: ChangeInput,
) -> Result<bool, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    authorize(&ctx.actor, Action::RunTender(l.tenant.id))?;
    let stage: StageKind = code(&input.stage, "stage", "schedule-no-stage")?;
    let last = date(&input.new_last_day, "new_last_day")?;
    Ok(lelang_app::tender::change_schedule(&state.app, &ctx.actor, &l, stage, last, &input.reason).await?)
}

fn view(setup: &TenderSetup) -> TenderView {
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    TenderView {
        package_id: setup.package_id.0,
        method: rules::code(&setup.method),
        evaluation: rules::code(&setup.evaluation),
        time_zone: setup.time_zone.code().into(),
        stages: setup
            .schedule()
            .times()
            .into_iter()
            .map(|s| StageView {
                kind: rules::code(&s.kind),
                start: rfc(s.start),
                end: rfc(s.end),
            })
            .collect(),
    }
}

/// A tender's method and schedule (officials who may see the package).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages/{id}/tender", tag = "tenders",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = TenderView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn get_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<TenderView>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    Ok(Json(view(l.setup.as_ref().ok_or(ApiError::NotFound)?)))
}

/// Sets a tender up: method, evaluation method and schedule (a member of the package's pokja).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/tender", tag = "tenders", request_body = SetupInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn setup_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<SetupInput>,
) -> Result<StatusCode, ApiError> {
    do_setup(&state, &ctx, &slug, id, input).await?;
    Ok(StatusCode::CREATED)
}

/// Moves the end of a stage, with a published reason (a member of the package's pokja).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/tender/schedule-change", tag = "tenders", request_body = ChangeInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Changed), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn change_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ChangeInput>,
) -> Result<Json<Changed>, ApiError> {
    let submission_extended = do_change(&state, &ctx, &slug, id, input).await?;
    Ok(Json(Changed { submission_extended }))
}

/// Declares the tender's qualification requirements, until the announcement (a member of the
/// package's pokja). Fields left out require nothing.
#[utoipa::path(put, path = "/api/v1/tenants/{slug}/packages/{id}/tender/requirements", tag = "tenders", request_body(content = Object),
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn requirements_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<lelang_core::qualification::Requirements>,
) -> Result<Json<lelang_core::qualification::Requirements>, ApiError> {
    let l = load(&state, &ctx, &slug, id).await?;
    let s = lelang_app::tender::declare_requirements(&state.app, &ctx.actor, &l, input).await?;
    Ok(Json(s.requirements))
}

/// The requirements form: lists as comma-separated text, amounts with thousands separators.
#[derive(Debug, Deserialize)]
struct RequirementsForm {
    #[serde(default)]
    kbli: String,
    #[serde(default)]
    sbu: Option<String>,
    #[serde(default)]
    min_experience_value: String,
    #[serde(default)]
    experience_years: String,
    #[serde(default)]
    key_personnel: String,
    #[serde(default)]
    equipment: String,
    #[serde(default)]
    tax: Option<String>,
    #[serde(default)]
    min_performance_score: String,
}

impl RequirementsForm {
    fn parse(self) -> Result<lelang_core::qualification::Requirements, ApiError> {
        let invalid = || ApiError::Invalid {
            field: "requirements".into(),
            code: "invalid-requirements".into(),
        };
        let list = |s: &str| -> Vec<String> {
            s.split([',', ';', '\n'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let number = |s: &str| -> Result<Option<i64>, ApiError> {
            let digits: String = s.chars().filter(|c| !matches!(c, '.' | ' ' | '_')).collect();
            if digits.is_empty() {
                return Ok(None);
            }
            digits.parse::<i64>().map(Some).map_err(|_| invalid())
        };
        let small = |s: &str| -> Result<u32, ApiError> {
            u32::try_from(number(s)?.unwrap_or(0)).map_err(|_| invalid())
        };
        Ok(lelang_core::qualification::Requirements {
            kbli: list(&self.kbli),
            sbu: self.sbu.is_some(),
            min_experience_value: number(&self.min_experience_value)?,
            experience_years: small(&self.experience_years)?,
            key_personnel: small(&self.key_personnel)?,
            equipment: list(&self.equipment),
            tax: self.tax.is_some(),
            min_performance_score: number(&self.min_performance_score)?
                .map(|s| u32::try_from(s).map_err(|_| invalid()))
                .transpose()?,
        })
    }
}

async fn page_requirements(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<RequirementsForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let r = f.parse()?;
        let l = load(&state, &ctx, &slug, id).await?;
        lelang_app::tender::declare_requirements(&state.app, &ctx.actor, &l, r).await?;
        Ok(())
    }
    .await;
    finish(state.clone(), ctx, slug, id, "requirements-declared", result).await
}

/// The tender routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/tender",
            get(get_api).post(setup_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/tender/schedule-change",
            post(change_api),
        )
        .route("/t/{slug}/packages/{id}/tender", get(page).post(page_setup))
        .route("/t/{slug}/packages/{id}/tender/schedule", post(page_change))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/tender/requirements",
            axum::routing::put(requirements_api),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/requirements",
            post(page_requirements),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/objections/{objection}/answer",
            post(page_objection_answer),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/award-letters",
            post(page_award_letter),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/appeals/{appeal}/answer",
            post(page_appeal_answer),
        )
        .route("/t/{slug}/packages/{id}/tender/contract", post(page_contract))
        .route(
            "/t/{slug}/packages/{id}/tender/execution/{action}",
            post(page_execution),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/contract/signature",
            post(page_contract_sign),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/contract/work-order",
            post(page_work_order),
        )
}

/// The PPK's forms of the contract's execution.
async fn page_execution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, action)): Path<(String, Uuid, String)>,
    PageForm(f): PageForm<std::collections::HashMap<String, String>>,
) -> Response {
    let (ok, result) = crate::execution::page_action(&state, &ctx, &slug, id, &action, &f).await;
    finish(state.clone(), ctx, slug, id, ok, result).await
}

#[derive(Debug, Deserialize)]
struct ContractForm {
    kind: String,
    number: String,
    duration_days: String,
}

async fn page_contract(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<ContractForm>,
) -> Response {
    let result = async {
        let duration_days = f
            .duration_days
            .trim()
            .parse::<u32>()
            .map_err(|_| ApiError::Invalid {
                field: "duration_days".into(),
                code: "invalid-duration".into(),
            })?;
        let input = crate::contract::DraftInput {
            kind: f.kind,
            number: f.number,
            duration_days,
        };
        crate::contract::draft(&state, &ctx, &slug, id, &input)
            .await
            .map(|_| ())
    }
    .await;
    finish(state.clone(), ctx, slug, id, "contract-drafted", result).await
}

async fn page_contract_sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<std::collections::HashMap<String, String>>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let tenant = tenant_or_404(&state, &slug).await?;
        let p =
            lelang_app::tender::package_of(&state.app, tenant.id, lelang_core::ids::PackageId(id)).await?;
        lelang_app::contract::sign(&state.app, &ctx.actor, p.id).await?;
        Ok(())
    }
    .await;
    finish(state.clone(), ctx, slug, id, "contract-signed", result).await
}

#[derive(Debug, Deserialize)]
struct WorkOrderForm {
    number: String,
    start: String,
}

async fn page_work_order(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<WorkOrderForm>,
) -> Response {
    let input = crate::contract::WorkOrderInput {
        number: f.number,
        start: f.start,
    };
    let result = crate::contract::work_order(&state, &ctx, &slug, id, &input)
        .await
        .map(|_| ());
    finish(state.clone(), ctx, slug, id, "work-order-issued", result).await
}

async fn page_appeal_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, appeal)): Path<(String, Uuid, Uuid)>,
    PageForm(f): PageForm<ObjectionAnswerForm>,
) -> Response {
    let result = async {
        let upheld = f.upheld()?;
        crate::objection::answer_appeal(&state, &ctx, &slug, id, appeal, upheld, &f.reason).await?;
        Ok(())
    }
    .await;
    finish(state.clone(), ctx, slug, id, "appeal-answered", result).await
}

#[derive(Debug, Deserialize)]
struct LetterForm {
    number: String,
}

async fn page_award_letter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<LetterForm>,
) -> Response {
    let result = crate::award_letter::issue(&state, &ctx, &slug, id, &f.number)
        .await
        .map(|_| ());
    finish(state.clone(), ctx, slug, id, "award-letter-issued", result).await
}

#[derive(Debug, Deserialize)]
struct ObjectionAnswerForm {
    upheld: String,
    reason: String,
}

impl ObjectionAnswerForm {
    /// The radio button's choice.
    fn upheld(&self) -> Result<bool, ApiError> {
        match self.upheld.as_str() {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(ApiError::Invalid {
                field: "upheld".into(),
                code: "invalid-objection-decision".into(),
            }),
        }
    }
}

async fn page_objection_answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, objection)): Path<(String, Uuid, Uuid)>,
    PageForm(f): PageForm<ObjectionAnswerForm>,
) -> Response {
    let result = async {
        let upheld = f.upheld()?;
        crate::objection::answer(&state, &ctx, &slug, id, objection, upheld, &f.reason).await?;
        Ok(())
    }
    .await;
    finish(state.clone(), ctx, slug, id, "objection-answered", result).await
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

pub(crate) async fn page_view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let offset = time::UtcOffset::from_hms(l.tenant.time_zone.utc_offset_hours(), 0, 0)
        .unwrap_or(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let tz = l.tenant.time_zone.code();
    let local =
        |x: time::OffsetDateTime| format!("{} {tz}", x.to_offset(offset).format(&fmt).unwrap_or_default());
    let stages = l
        .setup
        .as_ref()
        .map(|s| {
            s.schedule()
                .times()
                .into_iter()
                .map(|st| StageRow {
                    code: rules::code(&st.kind),
                    kind: t.get(&format!("stage-{}", rules::code(&st.kind))),
                    start: local(st.start),
                    end: local(st.end),
                })
                .collect()
        })
        .unwrap_or_default();
    let me = ctx.actor.user().map(|a| a.user_id);
    let is_member = authorize(&ctx.actor, Action::RunTender(l.tenant.id)).is_ok()
        && l.assignment
            .as_ref()
            .is_some_and(|a| me.is_some_and(|m| a.members.contains(&m)));
    let rules = rule_set(&l.package)?;
    let methods = rules
        .allowed_methods(l.package.category, l.package.owner_estimate)
        .iter()
        .map(|m| (rules::code(m), t.get(&format!("method-{}", rules::code(m)))))
        .collect();
    let evaluations = rules
        .evaluation_methods
        .get(&l.package.category)
        .map(|v| {
            v.iter()
                .map(|e| (rules::code(e), t.get(&format!("evaluation-{}", rules::code(e)))))
                .collect()
        })
        .unwrap_or_default();
    let mut nav = nav_for(state, ctx, &format!("/t/{slug}/packages/{id}/tender")).await;
    nav.flash = flash
        .filter(|k| {
            [
                "tender-set-up-done",
                "schedule-changed",
                "schedule-extended",
                "requirements-declared",
                "tender-repeated",
                "document-published",
                "addendum-published",
                "minutes-published",
                "tender-announced",
                "question-answered",
                "tender-cancelled-done",
                "objection-answered",
                "award-letter-issued",
                "appeal-answered",
                "contract-drafted",
                "contract-signed",
                "work-order-issued",
                "milestones-planned",
                "advance-paid",
                "milestone-accepted",
                "milestone-paid",
                "contract-amended",
                "work-handed-over",
                "contract-terminated",
                "vendor-rated",
            ]
            .contains(k)
        })
        .map(|k| t.get(k));
    let public = state.store.public_tender(l.package.id).await?;
    let docs = state.store.documents(l.package.id).await?;
    let now = state.clock.now();
    let is_ppk = authorize(
        &ctx.actor,
        Action::ManagePackage {
            tenant: l.tenant.id,
            work_unit: l.package.work_unit_id,
        },
    )
    .is_ok();
    let current = lelang_core::document::current(&docs);
    let documents = current
        .iter()
        .map(|doc| crate::templates::PublicDocRow {
            href: crate::view::href(doc),
            title: doc.title.clone(),
            filename: doc.filename.clone(),
            kind: t.get(&format!("document-kind-{}", doc.kind.code())),
            version: doc.version,
            size: format!("{:.1} KB", doc.size as f64 / 1024.0),
            sha256: doc.sha256.clone(),
            published: crate::view::local_time(&l.tenant, doc.published_at),
        })
        .collect();
    let doc_choices = current
        .iter()
        .filter(|d| d.kind != lelang_core::document::DocumentKind::Minutes)
        .map(|d| (d.id.0.to_string(), format!("{} (v{})", d.title, d.version)))
        .collect();
    let questions = if public.is_some() {
        state
            .store
            .questions(l.package.id)
            .await?
            .into_iter()
            .map(|q| crate::templates::PokjaQuestion {
                id: q.id.0.to_string(),
                text: q.text,
                asked: crate::view::local_time(&l.tenant, q.asked_at),
                answer: q.answer,
            })
            .collect()
    } else {
        vec![]
    };
    let cancelled = state.store.cancellation(l.package.id).await?;
    let live = cancelled.is_none();
    let may_cancel = authorize(
        &ctx.actor,
        Action::CancelTender {
            tenant: l.tenant.id,
            work_unit: l.package.work_unit_id,
        },
    )
    .is_ok();
    // The rule is the core's; its facts are read only for those the policy lets cancel at all.
    let can_cancel = may_cancel
        && lelang_core::cancellation::may_cancel(
            &ctx.actor,
            lelang_app::cancellation::facts(&state.app, l.package.id)
                .await?
                .tender(),
        );
    let open = live && public.as_ref().is_some_and(|p| now < p.submission_deadline);
    let opened = state
        .store
        .opening(l.package.id)
        .await?
        .is_some_and(|o| o.completed_at.is_some());
    let page = TenderPage {
        nav,
        slug: l.tenant.slug.clone(),
        id: id.to_string(),
        name: l.package.name.clone(),
        hps: crate::view::rupiah(l.package.owner_estimate),
        method: l
            .setup
            .as_ref()
            .map(|s| t.get(&format!("method-{}", rules::code(&s.method)))),
        evaluation: l
            .setup
            .as_ref()
            .map(|s| t.get(&format!("evaluation-{}", rules::code(&s.evaluation)))),
        stages,
        can_set_up: live && is_member && l.setup.is_none(),
        can_change: live && is_member && l.setup.is_some(),
        requirements: crate::templates::RequirementsView::of(
            &t,
            &l.setup
                .as_ref()
                .map(|s| s.requirements.clone())
                .unwrap_or_default(),
        ),
        can_declare: live && is_member && l.setup.is_some() && public.is_none(),
        evaluation_href: (is_member || authorize(&ctx.actor, Action::ViewEvaluation(l.tenant.id)).is_ok())
            .then(|| format!("/t/{}/packages/{id}/evaluation", l.tenant.slug))
            .filter(|_| opened),
        methods,
        evaluations,
        today: state.clock.now().to_offset(offset).date().to_string(),
        errors,
        public_href: public.as_ref().map(|p| format!("/tenders/{}", p.package_id.0)),
        can_announce: live && is_member && l.setup.is_some() && public.is_none(),
        can_upload: live && (is_member || is_ppk) && public.is_none(),
        can_addendum: is_member && open,
        can_answer: is_member && open,
        documents,
        doc_choices,
        questions,
        max_mib: state.config.max_document_bytes / (1024 * 1024),
        cancelled: cancelled
            .as_ref()
            .map(|c| crate::view::cancelled(&t, &l.tenant, c)),
        objections: crate::objection::panel(state, &ctx.actor, &t, &l.tenant, l.package.id).await?,
        letters: crate::award_letter::panel(state, &ctx.actor, &t, &l.tenant, l.package.id).await?,
        contract: crate::contract::panel(state, &ctx.actor, &t, &l.tenant, l.package.id, true).await?,
        execution: crate::execution::panel(state, &ctx.actor, &t, &l.tenant, l.package.id, true).await?,
        can_cancel,
        cancel_grounds: crate::view::cancel_grounds(&t),
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
    page_view(&state, &ctx, &slug, id, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/packages/{id}/tender"), e))
}

pub(crate) async fn finish(
    state: AppState,
    ctx: Ctx,
    slug: String,
    id: Uuid,
    ok: &str,
    result: Result<(), ApiError>,
) -> Response {
    let path = format!("/t/{slug}/packages/{id}/tender");
    let to = format!("{path}?ok={ok}");
    let again = |errors| {
        page_view(
            &state,
            &ctx,
            &slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    crate::view::form_done(&state, &ctx, &path, result.map(|()| to), again).await
}

#[derive(Debug, Deserialize)]
struct SetupForm {
    method: String,
    evaluation: String,
    first_day: String,
}

async fn page_setup(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<SetupForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        do_setup(
            &state,
            &ctx,
            &slug,
            id,
            SetupInput {
                method: f.method,
                evaluation: f.evaluation,
                first_day: f.first_day,
            },
        )
        .await
    }
    .await;
    finish(state.clone(), ctx, slug, id, "tender-set-up-done", result).await
}

#[derive(Debug, Deserialize)]
struct ChangeForm {
    stage: String,
    new_last_day: String,
    reason: String,
}

async fn page_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<ChangeForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        do_change(
            &state,
            &ctx,
            &slug,
            id,
            ChangeInput {
                stage: f.stage,
                new_last_day: f.new_last_day,
                reason: f.reason,
            },
        )
        .await
    }
    .await;
    let ok = if matches!(result, Ok(true)) {
        "schedule-extended"
    } else {
        "schedule-changed"
    };
    finish(state.clone(), ctx, slug, id, ok, result.map(|_| ())).await
}
