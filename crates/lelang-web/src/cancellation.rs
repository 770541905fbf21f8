//! Cancelling a tender over HTTP: the budget holder of the package's work unit cancels it with a
//! ground and a reason, from the tender's page or the API; anyone reads a cancellation.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::input::{ApiJson, tenant_or_404};
use crate::view::PageForm;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::cancellation::{Cancellation, Ground};
use lelang_core::ids::PackageId;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A cancellation as asked for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    /// `budget_unavailable`, `no_longer_needed`, `force_majeure` or `other`.
    pub ground: String,
    /// Why, published (10–2000 characters).
    pub reason: String,
}

fn ground(code: &str) -> Result<Ground, ApiError> {
    Ground::from_code(code.trim()).ok_or_else(|| ApiError::Invalid {
        field: "ground".into(),
        code: "invalid-cancellation-ground".into(),
    })
}

async fn cancel(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: &CancelInput,
) -> Result<Cancellation, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let package = lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id)).await?;
    let g = ground(&input.ground)?;
    Ok(lelang_app::cancellation::cancel(&state.app, &ctx.actor, package.id, g, &input.reason).await?)
}

/// The budget holder of the package's work unit cancels its tender before the award.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/cancellation", tag = "tenders", request_body = CancelInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn cancel_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<(StatusCode, Json<Cancellation>), ApiError> {
    let c = cancel(&state, &ctx, &slug, id, &input).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// A tender's cancellation: its ground, reason and time (public, as the announcement is).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/cancellation", tag = "tenders",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn cancellation_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Cancellation>, ApiError> {
    state
        .store
        .cancellation(PackageId(id))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// The page's form (its CSRF field is read before this).
#[derive(Debug, Deserialize)]
struct CancelForm {
    ground: String,
    reason: String,
}

async fn page_cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<CancelForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let input = CancelInput {
            ground: f.ground,
            reason: f.reason,
        };
        cancel(&state, &ctx, &slug, id, &input).await.map(|_| ())
    }
    .await;
    crate::tender::finish(state.clone(), ctx, slug, id, "tender-cancelled-done", result).await
}

/// The cancellation routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/cancellation",
            post(cancel_api),
        )
        .route("/api/v1/tenders/{id}/cancellation", get(cancellation_api))
        .route("/t/{slug}/packages/{id}/tender/cancellation", post(page_cancel))
}
