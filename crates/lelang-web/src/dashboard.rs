//! The unit's dashboard over HTTP: a regency's figures as JSON, CSV and a page of server-drawn
//! charts each beside its table; the same figures for several regencies side by side (public data
//! only); a tender's red flags. Who reads decides the view: the regency's ULP head and auditors get
//! the unit's (the pokja's load, every flag), everyone else the public one.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::{Lang, Tr};
use crate::input::{ApiQuery, tenant_or_404};
use crate::view::{decimal, fail_page, nav_for, percent, render, rupiah};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lelang_core::dashboard::capacity::{Forecast, Month};
use lelang_core::dashboard::{Figures, Filter, Flag, FlagKind, Phase, Stage, View};
use lelang_core::ids::{PackageId, WorkUnitId};
use lelang_core::model::{Tenant, WorkUnit};
use lelang_core::rules::{self, Category, Method};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub(crate) mod chart;
use chart::{Bar, bars};

/// The dashboard's filters (each optional; an empty value means "all", as a form sends it).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// The budget year.
    year: Option<String>,
    /// A work unit's id.
    work_unit: Option<String>,
    /// `goods`, `works`, `consulting` or `other_services`.
    category: Option<String>,
    /// `tender`, `tender_cepat`, `tender_terbatas`, `seleksi`, `pengadaan_langsung` or
    /// `penunjukan_langsung`.
    method: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn invalid(field: &str, code: &str) -> ApiError {
    ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    }
}

impl DashboardQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        Ok(Filter {
            year: given(&self.year)
                .map(|y| {
                    y.parse::<i32>()
                        .ok()
                        .filter(|y| (2000..=2100).contains(y))
                        .ok_or_else(|| invalid("year", "invalid-year"))
                })
                .transpose()?,
            work_unit: given(&self.work_unit)
                .map(|w| {
                    Uuid::parse_str(w)
                        .map(WorkUnitId)
                        .map_err(|_| invalid("work_unit", "invalid-work-unit"))
                })
                .transpose()?,
            category: given(&self.category)
                .map(|c| {
                    rules::from_code::<Category>(c).ok_or_else(|| invalid("category", "invalid-category"))
                })
                .transpose()?,
            method: given(&self.method)
                .map(|m| rules::from_code::<Method>(m).ok_or_else(|| invalid("method", "invalid-method")))
                .transpose()?,
        })
    }
}

/// Regencies to compare.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CompareQuery {
    /// Their URL names, comma-separated (two to six; default: every regency, up to six).
    regencies: Option<String>,
    /// The budget year.
    year: Option<String>,
}

/// One regency's figures in a comparison.
#[derive(Debug, Serialize, ToSchema)]
pub struct Compared {
    /// Its URL name.
    pub regency: String,
    /// Its name.
    pub name: String,
    /// Its public figures.
    #[schema(value_type = Object)]
    pub figures: Figures,
}

const MAX_COMPARED: usize = 6;

async fn compared(
    state: &AppState,
    q: &CompareQuery,
) -> Result<(Vec<Tenant>, Vec<Figures>, Filter), ApiError> {
    let filter = DashboardQuery {
        year: q.year.clone(),
        ..DashboardQuery::default()
    }
    .filter()?;
    let all = state.store.tenants().await?;
    let tenants: Vec<Tenant> = match given(&q.regencies) {
        None => all.into_iter().take(MAX_COMPARED).collect(),
        Some(list) => {
            let slugs: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            if slugs.len() > MAX_COMPARED {
                return Err(invalid("regencies", "too-many-regencies"));
            }
            let mut out = Vec::new();
            for s in slugs {
                let t = all
                    .iter()
                    .find(|t| t.slug == s)
                    .ok_or_else(|| invalid("regencies", "unknown-regency"))?;
                if !out.iter().any(|o: &Tenant| o.id == t.id) {
                    out.push(t.clone());
                }
            }
            out
        }
    };
    let figures = lelang_app::dashboard::compare(&state.app, &state.dashboard, &tenants, filter).await?;
    Ok((tenants, figures, filter))
}

/// A regency's dashboard: tenders by stage, cycle time against the schedule, on-time decisions,
/// savings against HPS and pagu, bids per tender, failures and cancellations by ground,
/// objections, red flags; the pokja's load for the regency's ULP head and auditors.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/dashboard", tag = "dashboard",
    params(("slug" = String, Path), DashboardQuery),
    responses((status = 200, body = Object), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn dashboard_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let f = lelang_app::dashboard::figures(&state.app, &state.dashboard, &ctx.actor, &tenant, q.filter()?)
        .await?;
    Ok(private(Json(f).into_response()))
}

/// Regencies side by side, from public data only.
#[utoipa::path(get, path = "/api/v1/compare", tag = "dashboard",
    params(CompareQuery),
    responses((status = 200, body = [Compared]), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn compare_api(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> Result<Json<Vec<Compared>>, ApiError> {
    let (tenants, figures, _) = compared(&state, &q).await?;
    Ok(Json(
        tenants
            .into_iter()
            .zip(figures)
            .map(|(t, figures)| Compared {
                regency: t.slug,
                name: t.name,
                figures,
            })
            .collect(),
    ))
}

/// A tender's red flags as the reader may see them (its pokja, the ULP head and the auditors: all,
/// from the opening; anyone: those from public data, once it is decided). Indicators to look
/// closer at, never decisions.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/flags", tag = "dashboard",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Object>), (status = 404, body = Problem)))]
pub(crate) async fn flags_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let flags = lelang_app::dashboard::tender_flags(&state.app, &state.dashboard, &ctx.actor, PackageId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    let out: Vec<FlagOut> = flags.into_iter().map(FlagOut::from).collect();
    Ok(private(Json(out).into_response()))
}

/// A raised flag with its source.
#[derive(Debug, Serialize)]
struct FlagOut {
    kind: FlagKind,
    code: &'static str,
    value: i64,
    source: &'static str,
}

impl From<Flag> for FlagOut {
    fn from(f: Flag) -> Self {
        Self {
            kind: f.kind,
            code: f.kind.code(),
            value: f.value,
            source: f.kind.source(),
        }
    }
}

/// Answers that depend on who asks are kept by nobody on the way.
fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

fn days(t: &Tr, d: Option<i64>) -> String {
    d.map_or_else(|| "—".into(), |d| t.count("dashboard-days", d))
}

/// A chart with the table of its numbers.
pub struct Section {
    /// Its anchor and the chart title's id.
    pub id: String,
    /// Its heading.
    pub title: String,
    /// The chart (escaped SVG built by [`chart::bars`]).
    pub svg: String,
    /// The table's column heads.
    pub head: Vec<String>,
    /// Its rows, the first cell of each a row head.
    pub rows: Vec<Vec<String>>,
    /// A note under it.
    pub note: Option<String>,
}

fn section(id: &str, title: String, chart: Vec<Bar>, head: Vec<String>, rows: Vec<Vec<String>>) -> Section {
    Section {
        svg: bars(id, &title, &chart),
        id: id.to_owned(),
        title,
        head,
        rows,
        note: None,
    }
}

fn bar(label: String, value: i64, text: String) -> Bar {
    Bar {
        label,
        value,
        text,
        muted: false,
    }
}

/// The headline numbers of a regency's figures.
pub(crate) fn headline(t: &Tr, f: &Figures) -> Vec<(String, String)> {
    let s = &f.savings;
    vec![
        (t.get("dashboard-tenders"), f.tenders.to_string()),
        (t.get("dashboard-hps-total"), rupiah(f.owner_estimate)),
        (
            t.get("dashboard-awarded"),
            format!("{} ({})", rupiah(s.awarded), s.tenders),
        ),
        (
            t.get("dashboard-savings-hps"),
            format!(
                "{} ({})",
                rupiah(s.vs_owner_estimate),
                percent(t.lang, s.vs_owner_estimate_permille)
            ),
        ),
        (
            t.get("dashboard-savings-pagu"),
            format!(
                "{} ({})",
                rupiah(s.vs_budget_ceiling),
                percent(t.lang, s.vs_budget_ceiling_permille)
            ),
        ),
        (
            t.get("dashboard-on-time"),
            format!(
                "{} / {} ({})",
                f.on_time.on_time,
                f.on_time.decided,
                percent(t.lang, f.on_time.permille.map(i64::from))
            ),
        ),
        (
            t.get("dashboard-mean-bidders"),
            f.bidders
                .mean_tenths
                .map_or_else(|| "—".into(), |m| decimal(t.lang, i64::from(m), 10)),
        ),
        (
            t.get("dashboard-objections"),
            format!(
                "{} / {} / {}",
                f.objections.filed, f.objections.upheld, f.objections.appeals
            ),
        ),
    ]
}

/// The charts of one regency's figures; `members` names the pokja for the unit's view.
pub(crate) fn sections(
    t: &Tr,
    f: &Figures,
    members: &dyn Fn(lelang_core::ids::UserId) -> String,
) -> Vec<Section> {
    let mut out = Vec::new();
    let stage = |s: Stage| t.get(&format!("dashboard-stage-{}", s.code()));
    out.push(section(
        "by-stage",
        t.get("dashboard-by-stage"),
        f.by_stage
            .iter()
            .map(|c| bar(stage(c.key), i64::from(c.count), c.count.to_string()))
            .collect(),
        vec![t.get("dashboard-stage"), t.get("dashboard-count")],
        f.by_stage
            .iter()
            .map(|c| vec![stage(c.key), c.count.to_string()])
            .collect(),
    ));

    let phase = |p: Phase| t.get(&format!("dashboard-phase-{}", p.code()));
    let mut cycle_bars = Vec::new();
    for c in &f.cycle {
        cycle_bars.push(bar(
            phase(c.phase),
            c.median_days.unwrap_or(0),
            days(t, c.median_days),
        ));
        if c.planned_median_days.is_some() {
            cycle_bars.push(Bar {
                label: t.get("dashboard-plan"),
                value: c.planned_median_days.unwrap_or(0),
                text: days(t, c.planned_median_days),
                muted: true,
            });
        }
    }
    let mut cycle = section(
        "cycle",
        t.get("dashboard-cycle"),
        cycle_bars,
        vec![
            t.get("dashboard-phase"),
            t.get("dashboard-count"),
            t.get("dashboard-median"),
            t.get("dashboard-planned-median"),
            t.get("dashboard-late"),
        ],
        f.cycle
            .iter()
            .map(|c| {
                vec![
                    phase(c.phase),
                    c.tenders.to_string(),
                    days(t, c.median_days),
                    days(t, c.planned_median_days),
                    c.late.to_string(),
                ]
            })
            .collect(),
    );
    cycle.note = Some(t.get("dashboard-cycle-note"));
    out.push(cycle);

    let buckets = ["0", "1", "2", "3–5", "6+"];
    out.push(section(
        "bidders",
        t.get("dashboard-bidders"),
        buckets
            .iter()
            .zip(f.bidders.distribution)
            .map(|(b, n)| bar(t.arg("dashboard-bids", "n", b), i64::from(n), n.to_string()))
            .collect(),
        vec![t.get("dashboard-bids-per-tender"), t.get("dashboard-count")],
        buckets
            .iter()
            .zip(f.bidders.distribution)
            .map(|(b, n)| vec![t.arg("dashboard-bids", "n", b), n.to_string()])
            .collect(),
    ));

    let s = &f.savings;
    let money = [
        (t.get("dashboard-pagu"), s.budget_ceiling),
        (t.get("dashboard-hps"), s.owner_estimate),
        (t.get("dashboard-award-value"), s.awarded),
    ];
    let mut savings = section(
        "savings",
        t.get("dashboard-savings"),
        money
            .iter()
            .map(|(l, v)| bar(l.clone(), *v, rupiah(*v)))
            .collect(),
        vec![t.get("dashboard-measure"), t.get("dashboard-amount")],
        money.iter().map(|(l, v)| vec![l.clone(), rupiah(*v)]).collect(),
    );
    savings.note = Some(t.count("dashboard-savings-note", s.tenders));
    out.push(savings);

    let mut grounds: Vec<(String, u32)> = f
        .failed
        .iter()
        .map(|c| (t.get(&format!("evaluation-failure-{}", c.key)), c.count))
        .collect();
    grounds.extend(
        f.cancelled
            .iter()
            .map(|c| (t.get(&format!("cancel-ground-{}", c.key)), c.count)),
    );
    out.push(section(
        "failed",
        t.get("dashboard-failed"),
        grounds
            .iter()
            .map(|(l, n)| bar(l.clone(), i64::from(*n), n.to_string()))
            .collect(),
        vec![t.get("dashboard-ground"), t.get("dashboard-count")],
        grounds
            .iter()
            .map(|(l, n)| vec![l.clone(), n.to_string()])
            .collect(),
    ));

    let flag = |k: FlagKind| t.get(&format!("flag-{}", k.code()));
    let mut flags = section(
        "flags",
        t.get("dashboard-flags"),
        f.flags
            .iter()
            .map(|c| bar(flag(c.key), i64::from(c.count), c.count.to_string()))
            .collect(),
        vec![
            t.get("dashboard-flag"),
            t.get("dashboard-count"),
            t.get("dashboard-flag-definition"),
        ],
        f.flags
            .iter()
            .map(|c| {
                vec![
                    flag(c.key),
                    c.count.to_string(),
                    format!(
                        "{} ({})",
                        t.get(&format!("flag-{}-definition", c.key.code())),
                        c.key.source()
                    ),
                ]
            })
            .collect(),
    );
    flags.note = Some(t.get(if f.view == View::Unit {
        "dashboard-flags-note-unit"
    } else {
        "dashboard-flags-note-public"
    }));
    out.push(flags);

    if f.view == View::Unit {
        out.push(section(
            "load",
            t.get("dashboard-load"),
            f.pokja_load
                .iter()
                .map(|l| bar(members(l.member), i64::from(l.active), l.active.to_string()))
                .collect(),
            vec![
                t.get("dashboard-member"),
                t.get("dashboard-active"),
                t.get("dashboard-hps"),
            ],
            f.pokja_load
                .iter()
                .map(|l| vec![members(l.member), l.active.to_string(), rupiah(l.owner_estimate)])
                .collect(),
        ));
    }
    out
}

/// A regency's pokja forecast, for its ULP head and auditors: month by month, the tenders under
/// way and the announced plan's items against the members available, and the members short.
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/pokja/forecast", tag = "dashboard",
    params(("slug" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)))]
pub(crate) async fn forecast_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let (f, _) = lelang_app::dashboard::forecast(&state.app, &state.dashboard, &ctx.actor, &tenant).await?;
    Ok(private(Json(f).into_response()))
}

/// The forecast as the dashboard shows it: a plain sentence, a chart of each month's load against
/// the capacity, and the members' weighted load now.
pub(crate) fn forecast_sections(
    t: &Tr,
    f: &Forecast,
    names: &dyn Fn(lelang_core::ids::UserId) -> String,
) -> (String, Vec<Section>) {
    let month = |m: &Month| format!("{}-{:02}", m.year, m.month);
    let verdict = match f.first_short {
        None => t.count("forecast-enough", f.months.len()),
        Some((y, m)) => t.arg2(
            "forecast-short",
            ("month", &format!("{y}-{m:02}")),
            ("peak", &f.peak_short.to_string()),
        ),
    };
    let units = |p: i64| decimal(t.lang, p, 1000);
    let mut chart = Vec::new();
    for m in &f.months {
        chart.push(bar(month(m), m.load_permille, units(m.load_permille)));
    }
    let mut months = section(
        "forecast",
        t.arg("forecast-title", "members", &f.members.to_string()),
        chart,
        vec![
            t.get("forecast-month"),
            t.get("forecast-tenders"),
            t.get("forecast-load"),
            t.get("forecast-capacity"),
            t.get("forecast-short-members"),
        ],
        f.months
            .iter()
            .map(|m| {
                vec![
                    month(m),
                    m.tenders.to_string(),
                    units(m.load_permille),
                    units(m.capacity_permille),
                    m.short_members.to_string(),
                ]
            })
            .collect(),
    );
    months.note = Some(t.get("forecast-note"));
    let per = section(
        "weighted-load",
        t.get("forecast-weighted"),
        f.per_member
            .iter()
            .map(|m| bar(names(m.member), m.weighted_permille, units(m.weighted_permille)))
            .collect(),
        vec![
            t.get("dashboard-member"),
            t.get("dashboard-active"),
            t.get("forecast-load"),
        ],
        f.per_member
            .iter()
            .map(|m| vec![names(m.member), m.active.to_string(), units(m.weighted_permille)])
            .collect(),
    );
    (verdict, vec![months, per])
}

/// What the signed-in official must act on now, derived from the record at each look (empty for
/// roles that act on no tender or complaint).
#[utoipa::path(get, path = "/api/v1/me/inbox", tag = "dashboard",
    responses((status = 200, body = Vec<Object>), (status = 401, body = Problem)))]
pub(crate) async fn inbox_api(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let a = ctx.user_actor()?;
    let items = match a.tenant_id {
        Some(id) => {
            let tenant = state.store.tenant(id).await?.ok_or(ApiError::NotFound)?;
            lelang_app::inbox::items(&state.app, &state.dashboard, &ctx.actor, &tenant).await?
        }
        None => Vec::new(),
    };
    Ok(private(Json(items).into_response()))
}

mod pages;

/// The dashboard routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenants/{slug}/dashboard", get(dashboard_api))
        .route("/api/v1/compare", get(compare_api))
        .route("/api/v1/tenders/{id}/flags", get(flags_api))
        .route("/api/v1/tenants/{slug}/pokja/forecast", get(forecast_api))
        .route("/api/v1/me/inbox", get(inbox_api))
        .route("/t/{slug}/dashboard", get(pages::dashboard_page))
        .route("/t/{slug}/dashboard.csv", get(pages::dashboard_csv))
        .route("/compare", get(pages::compare_page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_print_in_the_page_language() {
        assert_eq!(percent(Lang::Id, Some(433)), "43,3 %");
        assert_eq!(percent(Lang::En, Some(433)), "43.3 %");
        assert_eq!(percent(Lang::Id, Some(-5)), "-0,5 %");
        assert_eq!(percent(Lang::Id, None), "—");
        // Tenths and per mille alike, one decimal, rounded down.
        assert_eq!(decimal(Lang::Id, 20, 10), "2,0");
        assert_eq!(decimal(Lang::En, 4500, 1000), "4.5");
        assert_eq!(decimal(Lang::Id, 2250, 1000), "2,2");
        assert_eq!(decimal(Lang::Id, i64::MIN, 1000), "-9223372036854775,8");
    }

    #[test]
    fn a_filter_refuses_what_it_cannot_read() {
        let q = |year: &str, cat: &str| DashboardQuery {
            year: Some(year.into()),
            category: Some(cat.into()),
            ..DashboardQuery::default()
        };
        assert!(q("2026", "works").filter().is_ok());
        assert!(q("", "").filter().is_ok_and(|f| f == Filter::default()));
        assert!(matches!(q("20x6", "").filter(), Err(ApiError::Invalid { field, .. }) if field == "year"));
        assert!(
            matches!(q("", "bricks").filter(), Err(ApiError::Invalid { field, .. }) if field == "category")
        );
        assert!(matches!(q("99999", "").filter(), Err(ApiError::Invalid { .. })));
    }
}
