//! The dashboard's pages: a regency's, its CSV, and regencies compared.

use super::*;
use crate::templates::{Choice, ComparePage, DashboardPage};
use std::collections::HashMap;

fn choices<T: Copy + PartialEq>(
    all: &[T],
    picked: Option<T>,
    value: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: value(v),
            label: label(v),
            selected: picked == Some(v),
        })
        .collect()
}

fn years(state: &AppState, picked: Option<i32>) -> Vec<Choice> {
    let now = state.clock.now().year();
    let all: Vec<i32> = (now - 4..=now + 1).rev().collect();
    choices(&all, picked, |y| y.to_string(), |y| y.to_string())
}

/// The members' names for the unit's view.
async fn member_names(
    state: &AppState,
    tenant: &Tenant,
) -> Result<HashMap<lelang_core::ids::UserId, String>, ApiError> {
    Ok(state
        .store
        .users(Some(tenant.id))
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

struct Built {
    tenant: Tenant,
    units: Vec<WorkUnit>,
    filter: Filter,
    figures: Figures,
    sections: Vec<Section>,
}

async fn build(
    state: &AppState,
    ctx: &Ctx,
    t: &Tr,
    slug: &str,
    q: &DashboardQuery,
) -> Result<Built, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    let filter = q.filter()?;
    let figures =
        lelang_app::dashboard::figures(&state.app, &state.dashboard, &ctx.actor, &tenant, filter).await?;
    let names = if figures.view == View::Unit {
        member_names(state, &tenant).await?
    } else {
        HashMap::new()
    };
    let unknown = t.get("dashboard-unknown-member");
    let sections = super::sections(t, &figures, &|id| {
        names.get(&id).cloned().unwrap_or_else(|| unknown.clone())
    });
    let units = state.store.work_units(tenant.id).await?;
    Ok(Built {
        tenant,
        units,
        filter,
        figures,
        sections,
    })
}

fn query_string(q: &DashboardQuery) -> String {
    let pairs = [
        ("year", &q.year),
        ("work_unit", &q.work_unit),
        ("category", &q.category),
        ("method", &q.method),
    ];
    let s: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", crate::view::urlencode(v))))
        .collect();
    if s.is_empty() {
        String::new()
    } else {
        format!("?{}", s.join("&"))
    }
}

pub(super) async fn dashboard_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Response {
    let path = format!("/t/{slug}/dashboard");
    page(&state, &ctx, &slug, &q, &path)
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    q: &DashboardQuery,
    path: &str,
) -> Result<Response, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let b = build(state, ctx, &t, slug, q).await?;
    let (forecast, forecast_sections) = if b.figures.view == View::Unit {
        let (f, names) =
            lelang_app::dashboard::forecast(&state.app, &state.dashboard, &ctx.actor, &b.tenant).await?;
        let unknown = t.get("dashboard-unknown-member");
        let (verdict, sections) = super::forecast_sections(&t, &f, &|id| {
            names.get(&id).cloned().unwrap_or_else(|| unknown.clone())
        });
        (Some(verdict), sections)
    } else {
        (None, Vec::new())
    };
    let complaints = state.store.complaints(b.tenant.id).await?;
    let complaints = crate::complaint::pages::facts(
        &t,
        &lelang_core::complaint::figures::figures(&complaints, state.clock.now()),
    );
    let page = DashboardPage {
        nav: nav_for(state, ctx, path).await,
        regency: b.tenant.name.clone(),
        slug: slug.to_owned(),
        unit: b.figures.view == View::Unit,
        years: years(state, b.filter.year),
        work_units: b
            .units
            .iter()
            .map(|u| Choice {
                value: u.id.0.to_string(),
                label: u.name.clone(),
                selected: b.filter.work_unit == Some(u.id),
            })
            .collect(),
        categories: choices(
            &Category::ALL,
            b.filter.category,
            |c| rules::code(&c),
            |c| t.get(&format!("category-{}", rules::code(&c))),
        ),
        methods: choices(
            &Method::ALL,
            b.filter.method,
            |m| rules::code(&m),
            |m| t.get(&format!("method-{}", rules::code(&m))),
        ),
        headline: headline(&t, &b.figures),
        sections: b.sections,
        forecast,
        forecast_sections,
        csv_href: format!("/t/{slug}/dashboard.csv{}", query_string(q)),
        complaints,
        t,
    };
    Ok(private(render(StatusCode::OK, &page)))
}

/// A cell a spreadsheet would run as a formula is written as text (CSV injection); the `csv`
/// writer does the quoting.
fn csv_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// The dashboard's figures as CSV: one line per table row, under its section's title.
pub(super) async fn dashboard_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> Result<Response, ApiError> {
    let t = crate::view::tr(&state, ctx.lang);
    let b = build(&state, &ctx, &t, &slug, &q).await?;
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let heading = t.get("dashboard-headline");
    let written: Result<(), csv::Error> = headline(&t, &b.figures)
        .iter()
        .try_for_each(|(l, v)| w.write_record([csv_cell(&heading), csv_cell(l), csv_cell(v)]))
        .and_then(|()| {
            b.sections.iter().try_for_each(|s| {
                s.rows.iter().try_for_each(|r| {
                    w.write_record(std::iter::once(csv_cell(&s.title)).chain(r.iter().map(|c| csv_cell(c))))
                })
            })
        });
    let out = written
        .map_err(|e| ApiError::Internal(e.to_string()))
        .and_then(|()| w.into_inner().map_err(|e| ApiError::Internal(e.to_string())))?;
    let mut r = (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dashboard-{slug}.csv\""),
            ),
        ],
        out,
    )
        .into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

/// The comparison page's query: `r-<slug>` for each ticked regency, and the year.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ComparePageQuery {
    year: Option<String>,
    #[serde(flatten)]
    picked: HashMap<String, String>,
}

pub(super) async fn compare_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<ComparePageQuery>,
) -> Response {
    compare_view(&state, &ctx, q)
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, "/compare", e))
}

async fn compare_view(state: &AppState, ctx: &Ctx, q: ComparePageQuery) -> Result<Response, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let mut slugs = Vec::new();
    for k in q.picked.keys() {
        let slug = k.strip_prefix("r-").ok_or_else(|| invalid(k, "unknown-field"))?;
        slugs.push(slug.to_owned());
    }
    slugs.sort();
    let query = CompareQuery {
        regencies: (!slugs.is_empty()).then(|| slugs.join(",")),
        year: q.year.clone(),
    };
    let (tenants, figures, filter) = compared(state, &query).await?;
    let all = state.store.tenants().await?;
    let names: Vec<String> = tenants.iter().map(|t| t.name.clone()).collect();
    let lines: Vec<Vec<(String, String)>> = figures.iter().map(|f| headline(&t, f)).collect();
    let mut table: Vec<Vec<String>> = Vec::new();
    if let Some(first) = lines.first() {
        for (i, (label, _)) in first.iter().enumerate() {
            let mut row = vec![label.clone()];
            row.extend(
                lines
                    .iter()
                    .map(|l| l.get(i).map(|c| c.1.clone()).unwrap_or_default()),
            );
            table.push(row);
        }
    }
    let page = ComparePage {
        nav: nav_for(state, ctx, "/compare").await,
        regencies: all
            .iter()
            .map(|r| Choice {
                value: r.slug.clone(),
                label: r.name.clone(),
                selected: tenants.iter().any(|x| x.id == r.id),
            })
            .collect(),
        years: years(state, filter.year),
        sections: compare_sections(&t, &names, &figures),
        names,
        table,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// One chart per comparable figure, a bar per regency.
fn compare_sections(t: &Tr, names: &[String], figures: &[Figures]) -> Vec<Section> {
    type Measure = (
        &'static str,
        fn(&Figures) -> Option<i64>,
        fn(Lang, Option<i64>) -> String,
    );
    fn plain(_: Lang, v: Option<i64>) -> String {
        v.map_or_else(|| "—".into(), |v| v.to_string())
    }
    fn tenths(lang: Lang, v: Option<i64>) -> String {
        v.map_or_else(|| "—".into(), |v| crate::view::decimal(lang, v, 10))
    }
    let measures: [Measure; 5] = [
        ("dashboard-tenders", |f| Some(i64::from(f.tenders)), plain),
        (
            "dashboard-savings-hps",
            |f| f.savings.vs_owner_estimate_permille,
            percent,
        ),
        (
            "dashboard-on-time",
            |f| f.on_time.permille.map(i64::from),
            percent,
        ),
        (
            "dashboard-mean-bidders",
            |f| f.bidders.mean_tenths.map(i64::from),
            tenths,
        ),
        (
            "dashboard-single-bid-share",
            |f| {
                (f.bidders.tenders > 0)
                    .then(|| i64::from(f.bidders.distribution[1]) * 1000 / i64::from(f.bidders.tenders))
            },
            percent,
        ),
    ];
    measures
        .iter()
        .map(|(key, get, show)| {
            let title = t.get(key);
            let values: Vec<Option<i64>> = figures.iter().map(get).collect();
            section(
                &format!("compare-{}", key.trim_start_matches("dashboard-")),
                title,
                names
                    .iter()
                    .zip(&values)
                    .map(|(n, v)| bar(n.clone(), v.unwrap_or(0), show(t.lang, *v)))
                    .collect(),
                vec![t.get("compare-regency"), t.get(key)],
                names
                    .iter()
                    .zip(&values)
                    .map(|(n, v)| vec![n.clone(), show(t.lang, *v)])
                    .collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_written_as_text() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-0,5 %"), "'-0,5 %");
        assert_eq!(csv_cell("Rp1.000"), "Rp1.000");
    }
}
