//! The contract over HTTP: the PPK drafts it, the company gives its performance guarantee, both
//! sign, the PPK issues the work order; the public reads the contract (its value, terms,
//! guarantee, signatures and period), as it reads the award.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::ApiJson;
use crate::templates::ContractPanel;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use lelang_core::contract::{Contract, Kind};
use lelang_core::ids::PackageId;
use lelang_core::model::Tenant;
use lelang_core::policy::Actor;
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// A contract as drafted by the PPK.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// `lump_sum`, `unit_price` or `combined`.
    pub kind: String,
    /// Its number.
    pub number: String,
    /// The work's duration from the work order, in calendar days.
    pub duration_days: u32,
}

/// A guarantee as given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuaranteeInput {
    /// The bank or insurer.
    pub issuer: String,
    /// Its number.
    pub number: String,
    /// Its amount, rupiah.
    pub amount: i64,
    /// Its last valid day, YYYY-MM-DD.
    pub valid_until: String,
}

/// A work order as issued.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderInput {
    /// Its number.
    pub number: String,
    /// The work's first day, YYYY-MM-DD.
    pub start: String,
}

pub(crate) fn date(s: &str, field: &str) -> Result<Date, ApiError> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ApiError::Invalid {
        field: field.into(),
        code: "invalid-date".into(),
    })
}

async fn package(state: &AppState, slug: &str, id: Uuid) -> Result<PackageId, ApiError> {
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    Ok(
        lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id))
            .await?
            .id,
    )
}

/// A tender's contract (public).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/contract", tag = "contracts",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn get_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Contract>, ApiError> {
    state
        .store
        .contract(PackageId(id))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The PPK of the package's work unit drafts the contract with the company that accepted the
/// letter of award.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/contract", tag = "contracts", request_body = DraftInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn draft_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<DraftInput>,
) -> Result<(StatusCode, Json<Contract>), ApiError> {
    let c = draft(&state, &ctx, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

pub(crate) async fn draft(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: &DraftInput,
) -> Result<Contract, ApiError> {
    ctx.user_actor()?;
    let kind = Kind::from_code(input.kind.trim()).ok_or_else(|| ApiError::Invalid {
        field: "kind".into(),
        code: "invalid-contract-kind".into(),
    })?;
    let p = package(state, slug, id).await?;
    Ok(lelang_app::contract::draft(
        &state.app,
        &ctx.actor,
        p,
        kind,
        &input.number,
        input.duration_days,
    )
    .await?)
}

/// The company gives its performance guarantee.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/contract/guarantee", tag = "contracts", request_body = GuaranteeInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn guarantee_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<GuaranteeInput>,
) -> Result<Json<Contract>, ApiError> {
    Ok(Json(guarantee(&state, &ctx, id, &input).await?))
}

pub(crate) async fn guarantee(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: &GuaranteeInput,
) -> Result<Contract, ApiError> {
    ctx.user_actor()?;
    let g = lelang_core::appeal::Guarantee {
        issuer: input.issuer.clone(),
        number: input.number.clone(),
        amount: input.amount,
        valid_until: date(&input.valid_until, "valid_until")?,
    };
    Ok(lelang_app::contract::guarantee(&state.app, &ctx.actor, PackageId(id), g).await?)
}

/// A party signs the contract: the company first, then the PPK.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/contract/signature", tag = "contracts",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn sign_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Contract>, ApiError> {
    ctx.user_actor()?;
    Ok(Json(
        lelang_app::contract::sign(&state.app, &ctx.actor, PackageId(id)).await?,
    ))
}

/// The PPK issues the work order (SPMK) of the signed contract.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/contract/work-order", tag = "contracts", request_body = WorkOrderInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn work_order_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<WorkOrderInput>,
) -> Result<Json<Contract>, ApiError> {
    Ok(Json(work_order(&state, &ctx, &slug, id, &input).await?))
}

pub(crate) async fn work_order(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: &WorkOrderInput,
) -> Result<Contract, ApiError> {
    ctx.user_actor()?;
    let start = date(&input.start, "start")?;
    let p = package(state, slug, id).await?;
    Ok(lelang_app::contract::work_order(&state.app, &ctx.actor, p, &input.number, start).await?)
}

/// The contract panel of a tender's pages: `ppk_page` is the tender page (the PPK's forms), else
/// the public page (the company's).
pub(crate) async fn panel(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    package: PackageId,
    ppk_page: bool,
) -> Result<Option<ContractPanel>, ApiError> {
    let letters = state.store.award_letters(package).await?;
    let accepted = letters.as_ref().and_then(|l| l.accepted()).is_some();
    let c = state.store.contract(package).await?;
    if !accepted && c.is_none() {
        return Ok(None);
    }
    let p = state.store.package(package).await?.ok_or(ApiError::NotFound)?;
    let mut lines = Vec::new();
    if let Some(c) = &c {
        let company = state
            .store
            .vendor(c.vendor_id)
            .await?
            .map(|v| v.name)
            .unwrap_or_default();
        let when = |x: Option<time::OffsetDateTime>| {
            x.map(|x| crate::view::local_time(tenant, x))
                .unwrap_or_else(|| t.get("contract-not-yet"))
        };
        lines.push((t.get("contract-number"), c.number.clone()));
        lines.push((t.get("evaluation-company"), company));
        lines.push((
            t.get("contract-kind"),
            t.get(&format!("contract-kind-{}", c.kind.code())),
        ));
        lines.push((t.get("contract-value"), crate::view::rupiah(c.value)));
        lines.push((t.get("contract-duration"), c.duration_days.to_string()));
        lines.push((
            t.get("contract-guarantee"),
            match (&c.guarantee_required, &c.guarantee) {
                (None, _) => t.get("contract-guarantee-none"),
                (Some(r), None) => format!("{} ({})", crate::view::rupiah(*r), t.get("contract-not-yet")),
                (Some(_), Some(g)) => format!(
                    "{} · {} · {} · {}",
                    g.issuer,
                    g.number,
                    crate::view::rupiah(g.amount),
                    g.valid_until
                ),
            },
        ));
        lines.push((t.get("contract-signed-vendor"), when(c.vendor_signed_at)));
        lines.push((t.get("contract-signed-ppk"), when(c.ppk_signed_at)));
        if let (Some(w), Some(end)) = (&c.work_order, c.end()) {
            lines.push((t.get("contract-spmk-number"), w.number.clone()));
            lines.push((t.get("contract-period"), format!("{} – {}", w.start, end)));
        }
    }
    let today = state
        .clock
        .now()
        .to_offset(
            time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)
                .unwrap_or(time::UtcOffset::UTC),
        )
        .date()
        .to_string();
    use lelang_core::contract::{self as rules, Party};
    let can_sign = c.as_ref().is_some_and(|c| match rules::may_sign(actor, &p, c) {
        Ok(Party::Ppk) => ppk_page,
        Ok(Party::Vendor) => !ppk_page,
        Err(_) => false,
    });
    Ok(Some(ContractPanel {
        lines,
        drafted: c.is_some(),
        can_draft: ppk_page && rules::may_draft(actor, &p, letters.as_ref(), c.as_ref()).is_ok(),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), t.get(&format!("contract-kind-{}", k.code()))))
            .collect(),
        can_guarantee: !ppk_page
            && c.as_ref()
                .is_some_and(|c| rules::may_give_guarantee(actor, c).is_ok()),
        guarantee_required: c
            .as_ref()
            .and_then(|c| c.guarantee_required)
            .map(crate::view::rupiah)
            .unwrap_or_default(),
        can_sign,
        can_work_order: ppk_page
            && c.as_ref()
                .is_some_and(|c| rules::may_issue_work_order(actor, &p, c).is_ok()),
        today,
        ppk_base: format!("/t/{}/packages/{}/tender/contract", tenant.slug, package.0),
        vendor_base: if ppk_page {
            String::new()
        } else {
            format!("/tenders/{}/contract", package.0)
        },
    }))
}

/// The contract routes (their page forms live with the pages they sit on).
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenders/{id}/contract", get(get_api))
        .route("/api/v1/tenders/{id}/contract/guarantee", post(guarantee_api))
        .route("/api/v1/tenders/{id}/contract/signature", post(sign_api))
        .route("/api/v1/tenants/{slug}/packages/{id}/contract", post(draft_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/contract/work-order",
            post(work_order_api),
        )
}
