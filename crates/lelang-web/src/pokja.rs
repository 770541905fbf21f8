//! Pokja assignment over HTTP: the ULP head's workload view and assignment (the least-loaded
//! members suggested), and each member's declaration of no conflict of interest.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::{AssignRow, CandidateRow, DeclareRow, PokjaPage};
use crate::view::{PageForm, fail_page, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::model::Tenant;
use lelang_core::pokja::{Candidate, PokjaAssignment};
use lelang_core::policy::{Action, authorize};
use lelang_core::{PackageId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A pokja member with their current workload.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    user_id: Uuid,
    name: String,
    /// Packages assigned now.
    workload: u32,
}

/// Input: the members of a pokja.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PokjaInput {
    /// 3 or 5 pokja members of the regency.
    members: Vec<Uuid>,
}

/// The active pokja members of a regency, with names.
pub(crate) async fn members(state: &AppState, tenant: &Tenant) -> Result<Vec<(UserId, String)>, ApiError> {
    Ok(lelang_app::pokja::members(&state.app, tenant).await?)
}

async fn ranked(
    state: &AppState,
    tenant: &Tenant,
) -> Result<(Vec<Candidate>, Vec<PokjaAssignment>), ApiError> {
    Ok(lelang_app::pokja::ranked(&state.app, tenant).await?)
}

async fn assign(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    id: Uuid,
    chosen: Vec<UserId>,
) -> Result<(), ApiError> {
    lelang_app::pokja::assign(&state.app, &ctx.actor, tenant, PackageId(id), &chosen).await?;
    Ok(())
}

async fn declare(state: &AppState, ctx: &Ctx, tenant: &Tenant, id: Uuid) -> Result<(), ApiError> {
    Ok(lelang_app::pokja::declare(&state.app, &ctx.actor, tenant, PackageId(id)).await?)
}

/// The regency's pokja members, least loaded first (the ULP head).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/pokja/workload", tag = "pokja", params(("slug" = String, Path)),
    responses((status = 200, body = [CandidateView]), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn workload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<CandidateView>>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    authorize(&ctx.actor, Action::AssignPokja(t.id))?;
    let (candidates, _) = ranked(&state, &t).await?;
    Ok(Json(
        candidates
            .into_iter()
            .map(|c| CandidateView {
                user_id: c.user_id.0,
                name: c.name,
                workload: c.workload,
            })
            .collect(),
    ))
}

/// Assigns a pokja of 3 or 5 members to a package (the ULP head).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/pokja", tag = "pokja", request_body = PokjaInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn assign_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<PokjaInput>,
) -> Result<StatusCode, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    assign(
        &state,
        &ctx,
        &t,
        id,
        input.members.into_iter().map(UserId).collect(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who leaves a package's pokja, who joins, and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplacementInput {
    /// The member who leaves.
    out: Uuid,
    /// The pokja member of the regency who joins (and then declares).
    replacement: Uuid,
    /// Why (10–1000 characters; committed on the public log, read by auditors).
    reason: String,
}

/// Replaces a member of a package's pokja before the announcement (the ULP head); a key
/// ceremony already run is run again with the new pokja.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/pokja/replacement", tag = "pokja", request_body = ReplacementInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn replace_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ReplacementInput>,
) -> Result<StatusCode, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    lelang_app::pokja::replace(
        &state.app,
        &ctx.actor,
        &t,
        lelang_core::ids::PackageId(id),
        UserId(input.out),
        UserId(input.replacement),
        &input.reason,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn page_replace(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        let user = |k: &str| {
            form.get(k)
                .and_then(|v| Uuid::parse_str(v).ok())
                .map(UserId)
                .ok_or(ApiError::Invalid {
                    field: k.into(),
                    code: "pokja-not-member".into(),
                })
        };
        lelang_app::pokja::replace(
            &state.app,
            &ctx.actor,
            &tenant,
            lelang_core::ids::PackageId(id),
            user("out")?,
            user("replacement")?,
            form.get("reason").map(String::as_str).unwrap_or(""),
        )
        .await?;
        Ok(())
    }
    .await;
    finish(state, ctx, slug, "pokja-replaced", result).await
}

/// Declares no conflict of interest with a package one is a pokja member of.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/pokja/declare", tag = "pokja",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn declare_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<StatusCode, ApiError> {
    ctx.user_actor()?;
    let t = tenant_or_404(&state, &slug).await?;
    declare(&state, &ctx, &t, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The pokja routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenants/{slug}/pokja/workload", get(workload))
        .route("/api/v1/tenants/{slug}/packages/{id}/pokja", post(assign_api))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/pokja/declare",
            post(declare_api),
        )
        .route("/t/{slug}/pokja", get(page))
        .route("/t/{slug}/packages/{id}/pokja", post(page_assign))
        .route("/t/{slug}/packages/{id}/declare", post(page_declare))
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/pokja/replacement",
            post(replace_api),
        )
        .route("/t/{slug}/packages/{id}/pokja/replacement", post(page_replace))
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let head = authorize(&ctx.actor, Action::AssignPokja(tenant.id)).is_ok();
    let member = authorize(&ctx.actor, Action::DeclareNoConflict(tenant.id)).is_ok();
    if !head && !member {
        authorize(&ctx.actor, Action::AssignPokja(tenant.id))?;
    }
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let packages = state.store.packages(tenant.id).await?;
    let (candidates, assignments) = ranked(state, &tenant).await?;
    let concluded = lelang_app::pokja::concluded(&state.app, &tenant).await?;
    let name_of = |id: &UserId| {
        candidates
            .iter()
            .find(|c| c.user_id == *id)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let workload = if head {
        candidates
            .iter()
            .map(|c| CandidateRow {
                name: c.name.clone(),
                workload: c.workload,
                packages: assignments
                    .iter()
                    .filter(|a| a.members.contains(&c.user_id) && !concluded.contains(&a.package_id))
                    .filter_map(|a| {
                        packages
                            .iter()
                            .find(|p| p.id == a.package_id)
                            .map(|p| p.name.clone())
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect()
    } else {
        vec![]
    };
    // Before the announcement the ULP head may replace a member who cannot serve.
    let mut replaceable = Vec::new();
    if head {
        for a in &assignments {
            if state.store.public_tender(a.package_id).await?.is_some() {
                continue;
            }
            let Some(p) = packages.iter().find(|p| p.id == a.package_id) else {
                continue;
            };
            replaceable.push(crate::templates::ReplaceRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                members: a.members.iter().map(|m| (m.to_string(), name_of(m))).collect(),
                others: candidates
                    .iter()
                    .filter(|c| !a.members.contains(&c.user_id))
                    .map(|c| (c.user_id.to_string(), c.name.clone()))
                    .collect(),
            });
        }
    }
    let unassigned = if head {
        // The suggestion: the three members with the least load weighted by each tender's
        // category, method and value (the dashboard's forecast; rule-set data), then the fewest
        // tenders, checked in advance.
        let (forecast, _) =
            lelang_app::dashboard::forecast(&state.app, &state.dashboard, &ctx.actor, &tenant).await?;
        let weighted = |id: &UserId| {
            forecast
                .per_member
                .iter()
                .find(|m| m.member == *id)
                .map_or(0, |m| m.weighted_permille)
        };
        let suggested = lelang_core::pokja::suggest(&candidates, |id| weighted(&id));
        // Only packages whose hand-over the unit accepted are given a pokja.
        let accepted: Vec<PackageId> = state
            .store
            .handovers(tenant.id)
            .await?
            .iter()
            .filter(|h| h.status == lelang_core::handover::Status::Accepted)
            .map(|h| h.package_id)
            .collect();
        packages
            .iter()
            .filter(|p| !assignments.iter().any(|a| a.package_id == p.id) && accepted.contains(&p.id))
            .map(|p| AssignRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                candidates: suggested
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let w = weighted(&c.user_id);
                        (
                            c.user_id.to_string(),
                            format!(
                                "{} ({}, {})",
                                c.name,
                                t.count("pokja-workload-count", c.workload),
                                t.arg(
                                    "pokja-weighted-load",
                                    "load",
                                    &crate::view::decimal(t.lang, w, 1000)
                                )
                            ),
                            i < 3,
                        )
                    })
                    .collect(),
            })
            .collect()
    } else {
        vec![]
    };
    let me = ctx.actor.user().map(|a| a.user_id);
    let mine = assignments
        .iter()
        .filter(|a| me.is_some_and(|m| a.members.contains(&m)))
        .filter_map(|a| {
            let p = packages.iter().find(|p| p.id == a.package_id)?;
            Some(DeclareRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                members: a.members.iter().map(name_of).collect::<Vec<_>>().join(", "),
                declared: me.is_some_and(|m| a.declared.contains(&m)),
            })
        })
        .collect();
    let mut nav = nav_for(state, ctx, &format!("/t/{slug}/pokja")).await;
    nav.flash = flash
        .filter(|k| ["pokja-assigned", "pokja-declared", "pokja-replaced"].contains(k))
        .map(|k| t.get(k));
    let page = PokjaPage {
        nav,
        slug: tenant.slug.clone(),
        tenant: tenant.name.clone(),
        workload,
        unassigned,
        replaceable,
        mine,
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<OkQuery>,
) -> Response {
    view(&state, &ctx, &slug, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/pokja"), e))
}

async fn finish(state: AppState, ctx: Ctx, slug: String, ok: &str, result: Result<(), ApiError>) -> Response {
    let path = format!("/t/{slug}/pokja");
    let to = format!("{path}?ok={ok}");
    let again = |errors| {
        view(
            &state,
            &ctx,
            &slug,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    crate::view::form_done(&state, &ctx, &path, result.map(|()| to), again).await
}

async fn page_assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        ctx.user_actor()?;
        let chosen: Vec<UserId> = form
            .keys()
            .filter_map(|k| k.strip_prefix("m-"))
            .filter_map(|u| Uuid::parse_str(u).ok())
            .map(UserId)
            .collect();
        assign(&state, &ctx, &tenant, id, chosen).await
    }
    .await;
    finish(state, ctx, slug, "pokja-assigned", result).await
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn page_declare(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        ctx.user_actor()?;
        declare(&state, &ctx, &tenant, id).await
    }
    .await;
    finish(state, ctx, slug, "pokja-declared", result).await
}
