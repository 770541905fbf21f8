//! What every page shares, below every route module: rendering, the navigation, form handling
//! (CSRF-checked forms, errors shown in the user's language, redirects that keep a flash message),
//! error pages, and the formats of money, local time and a document's address.

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::templates::*;
use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use lelang_core::document::Document;
use lelang_core::model::Tenant;
use lelang_core::policy::{Action, authorize};
use lelang_core::role::Role;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

pub(crate) fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

pub(crate) fn tr(state: &AppState, lang: Lang) -> Tr {
    Tr::new(state.i18n.clone(), lang)
}

/// A page that says what went wrong, in the user's language.
pub(crate) fn error_page(state: &AppState, lang: Lang, status: StatusCode, key: &str) -> Response {
    error_page_with(state, lang, "", status, key)
}

/// The same, keeping the page's CSRF token so its language switch still works.
pub(crate) fn error_page_with(
    state: &AppState,
    lang: Lang,
    csrf: &str,
    status: StatusCode,
    key: &str,
) -> Response {
    let t = tr(state, lang);
    let nav = Nav {
        user: None,
        links: vec![link(&t, "/", "nav-public", "")],
        csrf: csrf.to_owned(),
        path: "/".into(),
        flash: None,
    };
    let message = t.get(key);
    html(status, &ErrorPage { t, nav, message })
}

pub(crate) fn link(t: &Tr, href: &str, key: &str, current: &str) -> NavLink {
    NavLink {
        href: href.to_owned(),
        label: t.get(key),
        current: href == current,
    }
}

/// Only local paths may be redirected to, so that `next` cannot send a user elsewhere: a path
/// that starts with one `/`, written only in the characters of a URL's path and query (no
/// whitespace, control or non-ASCII character, which browsers drop or rewrite before they read
/// `/\t/host` as `//host`; no backslash, which they read as a slash).
pub(crate) fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/-._~!$&'()*+,;=:@%?".contains(c);
    let ok = n.len() < 512 && n.starts_with('/') && !n.starts_with("//") && n.chars().all(allowed);
    ok.then(|| n.to_owned())
}

/// Success messages that may appear after a redirect (`?ok=`): only these keys, never free text.
pub(crate) const FLASH_KEYS: &[&str] = &[
    "handover-submitted-done",
    "handover-returned-done",
    "handover-accepted-done",
    "message-posted",
    "signed-out",
    "account-password-changed",
    "tenants-created",
    "directory-created",
    "directory-revoked",
    "work-units-created",
    "vendor-registered",
    "second-factor-expired",
    "second-factor-reset",
    "second-factor-policy",
    "complaint-replied",
    "complaint-evidence-added",
    "complaint-triaged",
    "complaint-mediation-saved",
];

#[derive(Debug, Deserialize, Default)]
pub(crate) struct PageQuery {
    pub(crate) ok: Option<String>,
    pub(crate) next: Option<String>,
    pub(crate) after: Option<i64>,
}

/// The navigation for a page outside this module.
pub(crate) async fn nav_for(state: &AppState, ctx: &Ctx, path: &str) -> Nav {
    nav(state, ctx, path, None).await
}

/// Renders a page outside this module.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    html(status, page)
}

/// The browser's answer to a failed request outside this module.
pub(crate) fn fail_page(state: &AppState, ctx: &Ctx, path: &str, e: ApiError) -> Response {
    fail(state, ctx, path, e)
}

pub(crate) async fn nav(state: &AppState, ctx: &Ctx, path: &str, flash: Option<&str>) -> Nav {
    let t = tr(state, ctx.lang);
    let mut links = vec![
        link(&t, "/", "nav-public", path),
        link(&t, "/tenders", "nav-tenders", path),
        link(&t, "/log", "nav-log", path),
        link(&t, "/compare", "nav-compare", path),
    ];
    let mut user = None;
    if let (Some(a), Some(u)) = (ctx.actor.user(), &ctx.user) {
        user = Some(NavUser {
            name: u.display_name.clone(),
            role: t.role(&a.role),
        });
        links.push(link(&t, "/home", "nav-home", path));
        let slug = match a.tenant_id {
            Some(id) => state.store.tenant(id).await.ok().flatten().map(|t| t.slug),
            None => None,
        };
        if a.role == Role::PlatformAdmin {
            links.push(link(&t, "/admin/tenants", "nav-tenants", path));
            links.push(link(&t, "/calendar", "nav-calendar", path));
        }
        if let Some(slug) = slug {
            let mut tenant_link = |suffix: &str, key: &str, action: Action| {
                if authorize(&ctx.actor, action).is_ok() {
                    links.push(link(&t, &format!("/t/{slug}/{suffix}"), key, path));
                }
            };
            if let Some(tid) = a.tenant_id {
                tenant_link("users", "nav-directory", Action::ViewTenantDirectory(tid));
                tenant_link("work-units", "nav-work-units", Action::ManageWorkUnits(tid));
                tenant_link("events", "nav-events", Action::ReadEventLog(Some(tid)));
                tenant_link("plan", "nav-plan", Action::ViewPlanDrafts(tid));
                tenant_link("packages", "nav-packages", Action::ViewPackages(tid));
                tenant_link("vendors", "nav-vendors", Action::ReviewVendors(tid));
                tenant_link("complaints", "nav-complaints", Action::HandleComplaints(tid));
                tenant_link("dashboard", "nav-dashboard", Action::ViewUnitDashboard(tid));
                if lelang_core::case::may_manage(&ctx.actor, tid) || a.role == Role::LawEnforcement {
                    links.push(link(&t, &format!("/t/{slug}/cases"), "nav-cases", path));
                }
                if authorize(&ctx.actor, Action::AssignPokja(tid)).is_ok()
                    || authorize(&ctx.actor, Action::DeclareNoConflict(tid)).is_ok()
                {
                    links.push(link(&t, &format!("/t/{slug}/pokja"), "nav-pokja", path));
                }
            }
        }
        if a.role == Role::Vendor && a.vendor_id.is_some() {
            links.push(link(&t, "/vendor/profile", "nav-vendor-profile", path));
        }
        if a.role == Role::PokjaMember {
            links.push(link(&t, "/account/sealing-key", "nav-sealing-key", path));
        }
        links.push(link(&t, "/account", "nav-account", path));
    }
    let flash = flash.filter(|k| FLASH_KEYS.contains(k)).map(|k| t.get(k));
    Nav {
        user,
        links,
        csrf: ctx.csrf.clone(),
        path: path.to_owned(),
        flash,
    }
}

/// Turns a failed request into the right answer for a browser: sign in first, a refusal page,
/// or an error page — all in the user's language.
pub(crate) fn fail(state: &AppState, ctx: &Ctx, path: &str, e: ApiError) -> Response {
    match e {
        ApiError::Unauthenticated => {
            let target = format!("/login?next={}", urlencode(path));
            Redirect::to(&target).into_response()
        }
        ApiError::Forbidden => error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::FORBIDDEN,
            "error-forbidden",
        ),
        ApiError::NotFound => error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::NOT_FOUND,
            "error-not-found",
        ),
        ApiError::Csrf => error_page_with(state, ctx.lang, &ctx.csrf, StatusCode::FORBIDDEN, "error-csrf"),
        ApiError::BadRequest(_) | ApiError::UnsupportedMediaType => error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::BAD_REQUEST,
            "error-bad-form",
        ),
        ApiError::PayloadTooLarge => error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::PAYLOAD_TOO_LARGE,
            "error-payload-too-large",
        ),
        ApiError::Unavailable(_) => error_page_with(
            state,
            ctx.lang,
            &ctx.csrf,
            StatusCode::SERVICE_UNAVAILABLE,
            "error-unavailable",
        ),
        ApiError::TooManyRequests(secs) | ApiError::Overloaded(secs) => {
            let (status, key) = match e {
                ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "error-too-many-requests"),
                _ => (StatusCode::SERVICE_UNAVAILABLE, "error-busy"),
            };
            let mut resp = error_page_with(state, ctx.lang, &ctx.csrf, status, key);
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        other => other.into_response(),
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The message of a form error in the user's language (`None` when it is not a form error).
pub(crate) fn form_error(t: &Tr, e: &ApiError) -> Option<String> {
    match e {
        // A line of a list field ("licences:3"): the message says which line.
        ApiError::Invalid { code, field } if field.contains(':') => {
            Some(format!("{} ({field})", t.get(code)))
        }
        ApiError::Invalid { code, .. } => Some(t.get(code)),
        ApiError::Conflict(_) => Some(t.get("error-conflict")),
        _ => None,
    }
}

/// A form body: urlencoded, its CSRF token checked against the session (or the anonymous
/// anchor), then read into `T`. A bad token or an unreadable body is refused before the handler.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let ctx = req.extensions().get::<Ctx>().cloned();
        let lang = ctx.as_ref().map(|c| c.lang).unwrap_or_default();
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                error_page(
                    state,
                    lang,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "error-payload-too-large",
                )
            } else {
                error_page(state, lang, StatusCode::BAD_REQUEST, "error-bad-form")
            }
        })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| error_page(state, lang, StatusCode::BAD_REQUEST, "error-bad-form"))?;
        let submitted = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let expected = ctx.as_ref().map(|c| c.csrf.as_str()).unwrap_or("");
        if !auth::csrf_ok(expected, submitted) {
            return Err(error_page(state, lang, StatusCode::FORBIDDEN, "error-csrf"));
        }
        let fields: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "csrf").collect();
        let encoded = serde_urlencoded::to_string(&fields)
            .map_err(|_| error_page(state, lang, StatusCode::BAD_REQUEST, "error-bad-form"))?;
        serde_urlencoded::from_str(&encoded)
            .map(PageForm)
            .map_err(|_| error_page(state, lang, StatusCode::BAD_REQUEST, "error-bad-form"))
    }
}

/// The end of a form handler outside this module: on success the redirect to `to`; on a broken
/// rule or a conflict the page again (via `again`, status 422) with the message in the user's
/// language; anything else the error page.
pub(crate) async fn form_done<Fut>(
    state: &AppState,
    ctx: &Ctx,
    path: &str,
    result: Result<String, ApiError>,
    again: impl FnOnce(Vec<String>) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let t = tr(state, ctx.lang);
    match result {
        Ok(to) => see_other(&to),
        Err(e) => match form_error(&t, &e) {
            Some(msg) => again(vec![msg])
                .await
                .unwrap_or_else(|e| fail(state, ctx, path, e)),
            None => fail(state, ctx, path, e),
        },
    }
}

/// A failed form: on a broken rule, the form again with the message beside it (via `again`);
/// anything else fails the request.
pub(crate) async fn again_with<Fut>(
    t: &Tr,
    e: ApiError,
    again: impl FnOnce(Vec<String>) -> Fut,
) -> Result<Response, ApiError>
where
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    match form_error(t, &e) {
        Some(msg) => again(vec![msg]).await,
        None => Err(e),
    }
}

pub(crate) fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Rupiah as Indonesians write it: `Rp2.750.000.000`.
pub(crate) use lelang_core::text::rupiah;

/// `value` counted in `per` parts of a unit (10: tenths, 1000: per mille) as a number with one
/// decimal, in the page's language: `decimal(Id, 433, 10)` is `43,3`, in English `43.3`.
pub(crate) fn decimal(lang: crate::i18n::Lang, value: i64, per: i64) -> String {
    let per = per.max(1);
    let sep = if lang == crate::i18n::Lang::En { '.' } else { ',' };
    let sign = if value < 0 { "-" } else { "" };
    let v = value.unsigned_abs();
    let per = per.unsigned_abs();
    format!("{sign}{}{sep}{}", v / per, v % per * 10 / per)
}

/// A per-mille figure as a percentage with one decimal (`43,3 %`), or a dash when there is none.
pub(crate) fn percent(lang: crate::i18n::Lang, permille: Option<i64>) -> String {
    permille.map_or_else(|| "—".into(), |p| format!("{} %", decimal(lang, p, 10)))
}

/// A time in the regency's zone, as people there read it: `2026-11-16 08:00 WIB`.
pub(crate) fn local_time(tenant: &Tenant, t: OffsetDateTime) -> String {
    let offset =
        time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0).unwrap_or(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    format!(
        "{} {}",
        t.to_offset(offset).format(&fmt).unwrap_or_default(),
        tenant.time_zone.code()
    )
}

/// The download address of a document.
pub(crate) fn href(d: &Document) -> String {
    format!("/tenders/{}/documents/{}", d.package_id.0, d.id.0)
}

/// A cancellation as pages show it, in the reader's language and the regency's time.
pub(crate) fn cancelled(
    t: &crate::i18n::Tr,
    tenant: &Tenant,
    c: &lelang_core::cancellation::Cancellation,
) -> crate::templates::CancelledView {
    crate::templates::CancelledView {
        at: local_time(tenant, c.at),
        ground: t.get(&format!("cancel-ground-{}", c.ground.code())),
        reason: c.reason.clone(),
    }
}

/// The grounds a cancellation form offers, as (code, label).
pub(crate) fn cancel_grounds(t: &crate::i18n::Tr) -> Vec<(String, String)> {
    lelang_core::cancellation::Ground::ALL
        .iter()
        .map(|g| (g.code().to_owned(), t.get(&format!("cancel-ground-{}", g.code()))))
        .collect()
}
