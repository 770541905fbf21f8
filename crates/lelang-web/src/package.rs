//! Packages over HTTP. Field-level authorization lives here: every viewer of a package sees its
//! HPS total, only the PPK, the pokja and auditors see the breakdown.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::{PackageRow, PackagesPage};
use crate::view::rupiah;
use crate::view::{PageForm, fail_page, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::ids::PlanItemId;
use lelang_core::model::Tenant;
use lelang_core::package::{HpsLine, NewPackage, Package};
use lelang_core::policy::{Action, authorize};
use lelang_core::rules;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One HPS line.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HpsLineView {
    description: String,
    quantity: i64,
    unit: String,
    /// Rupiah per unit.
    unit_price: i64,
}

/// A package. `hps_breakdown` is present only for those allowed to see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PackageView {
    id: Uuid,
    plan_item_id: Uuid,
    work_unit_id: Uuid,
    name: String,
    category: String,
    budget_ceiling: i64,
    /// HPS total.
    owner_estimate: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    hps_breakdown: Option<Vec<HpsLineView>>,
    location: String,
    rule_set: String,
}

fn view(p: &Package, breakdown: bool) -> PackageView {
    PackageView {
        id: p.id.0,
        plan_item_id: p.plan_item_id.0,
        work_unit_id: p.work_unit_id.0,
        name: p.name.clone(),
        category: rules::code(&p.category),
        budget_ceiling: p.budget_ceiling,
        owner_estimate: p.owner_estimate,
        hps_breakdown: breakdown.then(|| {
            p.hps_breakdown
                .iter()
                .map(|l| HpsLineView {
                    description: l.description.clone(),
                    quantity: l.quantity,
                    unit: l.unit.clone(),
                    unit_price: l.unit_price,
                })
                .collect()
        }),
        location: p.location.clone(),
        rule_set: p.rule_set.clone(),
    }
}

/// Input: a package from an announced plan item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageInput {
    location: String,
    hps_breakdown: Vec<HpsLineView>,
}

async fn create(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    plan_item: Uuid,
    input: NewPackage,
) -> Result<Package, ApiError> {
    Ok(lelang_app::package::create(&state.app, &ctx.actor, tenant.id, PlanItemId(plan_item), input).await?)
}

/// Which packages' HPS breakdowns this actor may read: an auditor of the regency every one; the
/// PPK those of their own work unit; a pokja member those of the packages they are assigned to.
async fn visible_breakdowns(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    packages: &[Package],
) -> Result<Vec<bool>, ApiError> {
    if authorize(&ctx.actor, Action::ViewHpsBreakdown(tenant.id)).is_err() {
        return Ok(vec![false; packages.len()]);
    }
    let Some(a) = ctx.actor.user() else {
        return Ok(vec![false; packages.len()]);
    };
    let assignments = state.store.pokja_assignments(tenant.id).await?;
    Ok(packages
        .iter()
        .map(|p| match a.role {
            lelang_core::role::Role::Auditor => true,
            lelang_core::role::Role::CommitmentOfficer => a.work_unit_id == Some(p.work_unit_id),
            lelang_core::role::Role::PokjaMember => assignments
                .iter()
                .any(|x| x.package_id == p.id && x.members.contains(&a.user_id)),
            _ => false,
        })
        .collect())
}

/// An auditor's (or law enforcement's) read of HPS breakdowns goes on the record.
async fn log_breakdown_read(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    shown: bool,
    count: usize,
) -> Result<(), ApiError> {
    if !shown {
        return Ok(());
    }
    state
        .app
        .apply_some(|cx| {
            lelang_core::directory::confidential_read(
                &ctx.actor,
                tenant.id,
                "hps_breakdown",
                count as u64,
                cx,
            )
        })
        .await?;
    Ok(())
}

/// A regency's packages (its officials and auditors); the HPS breakdown only for the PPK, the
/// pokja and auditors.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/packages", tag = "packages", params(("slug" = String, Path)),
    responses((status = 200, body = [PackageView]), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<PackageView>>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    authorize(&ctx.actor, Action::ViewPackages(t.id))?;
    let packages = state.store.packages(t.id).await?;
    let visible = visible_breakdowns(&state, &ctx, &t, &packages).await?;
    let shown = visible.iter().filter(|v| **v).count();
    log_breakdown_read(&state, &ctx, &t, shown > 0, shown).await?;
    Ok(Json(
        packages.iter().zip(visible).map(|(p, v)| view(p, v)).collect(),
    ))
}

/// Prepares a package from an announced plan item (the PPK of its work unit).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/plan-items/{id}/package", tag = "packages", request_body = PackageInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Plan item id")),
    responses((status = 201, body = PackageView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn create_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<PackageInput>,
) -> Result<(StatusCode, Json<PackageView>), ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let lines = input
        .hps_breakdown
        .into_iter()
        .map(|l| HpsLine {
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
        })
        .collect();
    let pkg = create(
        &state,
        &ctx,
        &t,
        id,
        NewPackage {
            hps_breakdown: lines,
            location: input.location,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view(&pkg, true))))
}

/// The package routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenants/{slug}/packages", get(list))
        .route("/api/v1/tenants/{slug}/plan-items/{id}/package", post(create_api))
        .route("/t/{slug}/packages", get(page).post(page_create))
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

async fn page_view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    authorize(&ctx.actor, Action::ViewPackages(tenant.id))?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let packages = state.store.packages(tenant.id).await?;
    let visible = visible_breakdowns(state, ctx, &tenant, &packages).await?;
    let shown = visible.iter().filter(|v| **v).count();
    log_breakdown_read(state, ctx, &tenant, shown > 0, shown).await?;
    let breakdown = shown > 0;
    let handovers = state.store.handovers(tenant.id).await?;
    let pokja = state.store.pokja_assignments(tenant.id).await?;
    let handover_of = |p: &Package| {
        let status = handovers
            .iter()
            .find(|h| h.package_id == p.id)
            .map_or("not_submitted", |h| h.status.code());
        let c = lelang_core::handover::Conversation {
            package: p,
            pokja: pokja.iter().find(|a| a.package_id == p.id),
            people: &[],
        };
        (
            t.get(&format!("handover-status-{status}")),
            lelang_core::handover::may_read(&ctx.actor, c),
        )
    };
    let rows = packages
        .iter()
        .zip(visible)
        .map(|(p, breakdown)| PackageRow {
            handover: handover_of(p),
            id: p.id.to_string(),
            name: p.name.clone(),
            location: p.location.clone(),
            pagu: rupiah(p.budget_ceiling),
            hps: rupiah(p.owner_estimate),
            lines: if breakdown {
                p.hps_breakdown
                    .iter()
                    .map(|l| {
                        format!(
                            "{} — {} {} × {} = {}",
                            l.description,
                            l.quantity,
                            l.unit,
                            rupiah(l.unit_price),
                            rupiah(l.quantity.saturating_mul(l.unit_price))
                        )
                    })
                    .collect()
            } else {
                vec![]
            },
        })
        .collect();
    // The PPK's own announced plan items that have no package yet.
    let a = ctx.actor.user();
    let choices: Vec<(String, String)> = match a.and_then(|a| a.work_unit_id) {
        Some(unit)
            if authorize(
                &ctx.actor,
                Action::ManagePackage {
                    tenant: tenant.id,
                    work_unit: unit,
                },
            )
            .is_ok() =>
        {
            state
                .store
                .plan_items(tenant.id, true)
                .await?
                .into_iter()
                .filter(|i| i.work_unit_id == unit && !packages.iter().any(|p| p.plan_item_id == i.id))
                .map(|i| {
                    (
                        i.id.to_string(),
                        format!("{} — {} ({})", i.fiscal_year, i.name, rupiah(i.budget_ceiling)),
                    )
                })
                .collect()
        }
        _ => vec![],
    };
    let mut nav = nav_for(state, ctx, &format!("/t/{slug}/packages")).await;
    nav.flash = flash.filter(|k| *k == "package-created").map(|k| t.get(k));
    let page = PackagesPage {
        nav,
        slug: tenant.slug.clone(),
        tenant: tenant.name.clone(),
        rows,
        breakdown,
        choices,
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
    page_view(&state, &ctx, &slug, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/packages"), e))
}

#[derive(Debug, Deserialize)]
struct PackageForm {
    plan_item_id: String,
    location: String,
    breakdown: String,
}

/// `uraian; volume; satuan; harga satuan`, one line each.
fn parse_lines(text: &str) -> Result<Vec<HpsLine>, ApiError> {
    let bad = || ApiError::Invalid {
        field: "hps_breakdown".into(),
        code: "invalid-hps-line".into(),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split(';').map(str::trim).collect();
            let [description, quantity, unit, price] = parts.as_slice() else {
                return Err(bad());
            };
            Ok(HpsLine {
                description: (*description).to_owned(),
                quantity: quantity.replace('.', "").parse().map_err(|_| bad())?,
                unit: (*unit).to_owned(),
                unit_price: price
                    .trim_start_matches("Rp")
                    .trim()
                    .replace('.', "")
                    .parse()
                    .map_err(|_| bad())?,
            })
        })
        .collect()
}

async fn page_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(f): PageForm<PackageForm>,
) -> Response {
    let path = format!("/t/{slug}/packages");
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        ctx.user_actor()?;
        let id = Uuid::parse_str(f.plan_item_id.trim()).map_err(|_| ApiError::Invalid {
            field: "plan_item_id".into(),
            code: "invalid-plan-item".into(),
        })?;
        let lines = parse_lines(&f.breakdown)?;
        create(
            &state,
            &ctx,
            &tenant,
            id,
            NewPackage {
                hps_breakdown: lines,
                location: f.location,
            },
        )
        .await
    }
    .await;
    let again = |errors| {
        page_view(
            &state,
            &ctx,
            &slug,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    crate::view::form_done(
        &state,
        &ctx,
        &path,
        result.map(|_| format!("{path}?ok=package-created")),
        again,
    )
    .await
}
