//! The national working-day calendar over HTTP: anyone reads it (schedules depend on it), the
//! platform administrator keeps it, from the government's joint decree (SKB) each year.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, ApiQuery};
use crate::templates::{CalendarPage, CalendarRow};
use crate::view::{PageForm, fail_page, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lelang_core::calendar::{DayOff, DayOffKind, remove_day_off, set_day_off};
use lelang_core::policy::{Action, authorize};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

/// A day off, as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOffView {
    /// YYYY-MM-DD
    date: String,
    /// holiday or cuti_bersama
    kind: String,
    /// As the decree names it.
    name: String,
}

/// Query of the calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// Only this year.
    year: Option<i32>,
}

fn parse_date(s: &str) -> Result<Date, ApiError> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ApiError::Invalid {
        field: "date".into(),
        code: "invalid-date".into(),
    })
}

fn parse_day(v: DayOffView) -> Result<DayOff, ApiError> {
    Ok(DayOff {
        date: parse_date(&v.date)?,
        kind: DayOffKind::from_code(&v.kind).ok_or(ApiError::Invalid {
            field: "kind".into(),
            code: "invalid-day-kind".into(),
        })?,
        name: v.name,
    })
}

/// The days off (national holidays and cuti bersama) that schedules skip (public).
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", params(YearQuery),
    responses((status = 200, body = [DayOffView]), (status = 400, body = Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<Vec<DayOffView>>, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let days = state.store.days_off(q.year).await?;
    Ok(Json(
        days.into_iter()
            .map(|d| DayOffView {
                date: d.date.to_string(),
                kind: d.kind.code().into(),
                name: d.name,
            })
            .collect(),
    ))
}

/// Records a day off, or renames it (platform administrator).
#[utoipa::path(post, path = "/api/v1/calendar/days-off", tag = "calendar", request_body = DayOffView,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn set(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<DayOffView>,
) -> Result<StatusCode, ApiError> {
    authorize(&ctx.actor, Action::ManageCalendar)?;
    let day = parse_day(input)?;
    state.app.apply(|cx| set_day_off(&ctx.actor, day, cx)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a day off (platform administrator).
#[utoipa::path(post, path = "/api/v1/calendar/days-off/{date}/remove", tag = "calendar",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(date): Path<String>,
) -> Result<StatusCode, ApiError> {
    authorize(&ctx.actor, Action::ManageCalendar)?;
    let date = parse_date(&date)?;
    state.app.apply(|cx| remove_day_off(&ctx.actor, date, cx)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calendar routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/calendar", get(list))
        .route("/api/v1/calendar/days-off", post(set))
        .route("/api/v1/calendar/days-off/{date}/remove", post(remove))
        .route("/calendar", get(page))
        .route("/calendar/days-off", post(page_set))
        .route("/calendar/days-off/{date}/remove", post(page_remove))
}

#[derive(Debug, Deserialize, Default)]
struct PageQuery {
    year: Option<i32>,
    ok: Option<String>,
}

async fn view(
    state: &AppState,
    ctx: &Ctx,
    year: i32,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let rows = state
        .store
        .days_off(Some(year))
        .await?
        .into_iter()
        .map(|d| CalendarRow {
            date: d.date.to_string(),
            kind: t.get(&format!("day-kind-{}", d.kind.code())),
            name: d.name,
        })
        .collect();
    let mut nav = nav_for(state, ctx, "/calendar").await;
    nav.flash = flash
        .filter(|k| ["calendar-saved", "calendar-removed"].contains(k))
        .map(|k| t.get(k));
    let page = CalendarPage {
        nav,
        year,
        rows,
        can_manage: authorize(&ctx.actor, Action::ManageCalendar).is_ok(),
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Response {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| state.clock.now().year());
    view(&state, &ctx, year, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, "/calendar", e))
}

#[derive(Debug, Deserialize)]
struct DayForm {
    date: String,
    kind: String,
    name: String,
}

async fn page_set(State(state): State<AppState>, ctx: Ctx, PageForm(f): PageForm<DayForm>) -> Response {
    let result = async {
        authorize(&ctx.actor, Action::ManageCalendar)?;
        let day = parse_day(DayOffView {
            date: f.date.clone(),
            kind: f.kind,
            name: f.name,
        })?;
        let year = day.date.year();
        state.app.apply(|cx| set_day_off(&ctx.actor, day, cx)).await?;
        Ok::<_, ApiError>(year)
    }
    .await;
    match result {
        Ok(year) => Redirect::to(&format!("/calendar?year={year}&ok=calendar-saved")).into_response(),
        Err(ApiError::Invalid { code, .. }) => {
            let t = Tr::new(state.i18n.clone(), ctx.lang);
            let year = state.clock.now().year();
            view(
                &state,
                &ctx,
                year,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![t.get(&code)],
                None,
            )
            .await
            .unwrap_or_else(|e| fail_page(&state, &ctx, "/calendar", e))
        }
        Err(e) => fail_page(&state, &ctx, "/calendar", e),
    }
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn page_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(date): Path<String>,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let result = async {
        authorize(&ctx.actor, Action::ManageCalendar)?;
        let date = parse_date(&date)?;
        state.app.apply(|cx| remove_day_off(&ctx.actor, date, cx)).await?;
        Ok::<_, ApiError>(date.year())
    }
    .await;
    match result {
        Ok(year) => Redirect::to(&format!("/calendar?year={year}&ok=calendar-removed")).into_response(),
        Err(e) => fail_page(&state, &ctx, "/calendar", e),
    }
}
