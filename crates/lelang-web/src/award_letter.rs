//! The letter of award over HTTP: the PPK issues it, the company named accepts or declines, and
//! everyone sees who holds which letter (a decline's reason only the PPK, the company, the pokja
//! and auditors).

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::ApiJson;
use crate::templates::{LetterRow, LettersPanel};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use lelang_core::award_letter::{Letter, Letters};
use lelang_core::ids::PackageId;
use lelang_core::model::Tenant;
use lelang_core::policy::{Action, Actor, authorize};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A letter as asked for by the PPK.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// The letter's number, as the work unit numbers its letters.
    pub number: String,
}

/// A company's response.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    /// Accept (true) or decline.
    pub accepted: bool,
    /// A decline's reason.
    pub reason: Option<String>,
}

/// A letter as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterView {
    vendor_id: Uuid,
    bid_id: Uuid,
    amount: i64,
    number: String,
    /// RFC 3339.
    issued_at: String,
    /// `pending`, `accepted` or `declined`.
    status: &'static str,
    /// A decline's reason (to the PPK, the company, the pokja and auditors).
    reason: Option<String>,
}

fn status(l: &Letter) -> &'static str {
    match &l.response {
        None => "pending",
        Some(r) if r.accepted => "accepted",
        Some(_) => "declined",
    }
}

/// Whether `actor` reads decline reasons of a package's letters.
fn reads(
    state_actor: &Actor,
    letters: &Letters,
    work_unit: lelang_core::ids::WorkUnitId,
    members: &[lelang_core::ids::UserId],
) -> bool {
    let Some(u) = state_actor.user() else {
        return false;
    };
    authorize(
        state_actor,
        Action::ManagePackage {
            tenant: letters.tenant_id,
            work_unit,
        },
    )
    .is_ok()
        || authorize(state_actor, Action::ViewEvaluation(letters.tenant_id)).is_ok()
        || members.contains(&u.user_id)
        || u.vendor_id
            .is_some_and(|v| letters.letters.iter().any(|l| l.vendor_id == v))
}

async fn reader(state: &AppState, actor: &Actor, letters: &Letters) -> Result<bool, ApiError> {
    let p = state
        .store
        .package(letters.package_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let members = state
        .store
        .evaluation(letters.package_id)
        .await?
        .map(|e| e.members)
        .unwrap_or_default();
    Ok(reads(actor, letters, p.work_unit_id, &members))
}

fn view(l: &Letter, reads: bool) -> LetterView {
    LetterView {
        vendor_id: l.vendor_id.0,
        bid_id: l.bid_id.0,
        amount: l.amount,
        number: l.number.clone(),
        issued_at: l
            .issued_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        status: status(l),
        reason: l
            .response
            .as_ref()
            .filter(|_| reads)
            .and_then(|r| r.reason.clone()),
    }
}

/// A tender's letters of award (public; decline reasons to those concerned).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/award-letters", tag = "award letters",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Vec<LetterView>), (status = 404, body = Problem)))]
pub(crate) async fn list_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<LetterView>>, ApiError> {
    let Some(letters) = state.store.award_letters(PackageId(id)).await? else {
        return Ok(Json(vec![]));
    };
    let r = reader(&state, &ctx.actor, &letters).await?;
    Ok(Json(letters.letters.iter().map(|l| view(l, r)).collect()))
}

/// The PPK of the package's work unit issues the letter of award to the next in line.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/award-letters", tag = "award letters", request_body = IssueInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = Vec<LetterView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn issue_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<IssueInput>,
) -> Result<(StatusCode, Json<Vec<LetterView>>), ApiError> {
    let l = issue(&state, &ctx, &slug, id, &input.number).await?;
    Ok((
        StatusCode::CREATED,
        Json(l.letters.iter().map(|x| view(x, true)).collect()),
    ))
}

pub(crate) async fn issue(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    number: &str,
) -> Result<Letters, ApiError> {
    ctx.user_actor()?;
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    let package = lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id)).await?;
    Ok(lelang_app::award_letter::issue(&state.app, &ctx.actor, package.id, number).await?)
}

/// The company named by the pending letter accepts or declines it.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/award-letters/response", tag = "award letters", request_body = ResponseInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Vec<LetterView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn respond_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ResponseInput>,
) -> Result<Json<Vec<LetterView>>, ApiError> {
    ctx.user_actor()?;
    let l = lelang_app::award_letter::respond(
        &state.app,
        &ctx.actor,
        PackageId(id),
        input.accepted,
        input.reason.as_deref(),
    )
    .await?;
    Ok(Json(l.letters.iter().map(|x| view(x, true)).collect()))
}

/// The letters panel of a tender's pages, once the award is announced.
pub(crate) async fn panel(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    package: PackageId,
) -> Result<Option<LettersPanel>, ApiError> {
    let Some(e) = state.store.evaluation(package).await? else {
        return Ok(None);
    };
    if lelang_core::objection::announced(&e).is_none() {
        return Ok(None);
    }
    let p = state.store.package(package).await?.ok_or(ApiError::NotFound)?;
    let letters = state.store.award_letters(package).await?;
    let mut rows = Vec::new();
    let mut can_respond = false;
    if let Some(ls) = &letters {
        let r = reads(actor, ls, p.work_unit_id, &e.members);
        for l in &ls.letters {
            rows.push(LetterRow {
                company: state
                    .store
                    .vendor(l.vendor_id)
                    .await?
                    .map(|v| v.name)
                    .unwrap_or_default(),
                amount: crate::view::rupiah(l.amount),
                number: l.number.clone(),
                issued: crate::view::local_time(tenant, l.issued_at),
                status: t.get(&format!("letter-status-{}", status(l))),
                reason: l.response.as_ref().filter(|_| r).and_then(|x| x.reason.clone()),
            });
        }
        let vendor = actor.user().and_then(|u| u.vendor_id);
        can_respond = ls.pending().is_some_and(|l| Some(l.vendor_id) == vendor);
    }
    let ppk = authorize(
        actor,
        Action::ManagePackage {
            tenant: p.tenant_id,
            work_unit: p.work_unit_id,
        },
    )
    .is_ok();
    let can_issue = ppk
        && letters
            .as_ref()
            .is_none_or(|l| l.pending().is_none() && l.accepted().is_none())
        && lelang_core::award_letter::next_in_line(
            lelang_core::objection::announced(&e)
                .map(|(r, _)| r)
                .ok_or(ApiError::NotFound)?,
            letters.as_ref(),
        )
        .is_some();
    Ok(Some(LettersPanel {
        rows,
        can_issue,
        can_respond,
        issue_action: format!("/t/{}/packages/{}/tender/award-letters", tenant.slug, package.0),
        respond_action: format!("/tenders/{}/award-letters/response", package.0),
    }))
}

/// The routes (their page forms live with the pages they sit on).
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenders/{id}/award-letters", get(list_api))
        .route("/api/v1/tenders/{id}/award-letters/response", post(respond_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/award-letters",
            post(issue_api),
        )
}
