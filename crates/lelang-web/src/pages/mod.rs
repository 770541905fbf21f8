//! The server-rendered pages. Each handler names its [`Action`], asks the one policy, and answers
//! in the user's language; forms carry a CSRF token and, when an input breaks a rule, come back
//! with the message beside them (status 422) and nothing stored.

use crate::AppState;
use crate::api::{self, NewOfficialForm};
use crate::auth::{self, Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use crate::error::ApiError;
use crate::i18n::{Lang, Tr};
use crate::templates::*;
use askama::Template;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lelang_core::UserId;
use lelang_core::directory::{self, CreateTenant, CreateWorkUnit};
use lelang_core::policy::{Action, authorize};
use lelang_core::role::Role;
use lelang_core::store::EventFilter;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

mod account;
mod admin;
mod home;

use account::{account, change_password, create_token, revoke_my_sessions, revoke_token};
use admin::{
    create_official, create_tenant, create_work_unit, directory, events, revoke_user_sessions, tenants,
    work_units,
};
use home::home;

/// The page routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/", get(landing))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(set_lang))
        .route("/home", get(home))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/sessions/revoke", post(revoke_my_sessions))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/tenants", get(tenants).post(create_tenant))
        .route("/t/{slug}", get(tenant_page))
        .route("/t/{slug}/users", get(directory).post(create_official))
        .route("/t/{slug}/users/{id}/revoke-sessions", post(revoke_user_sessions))
        .route("/t/{slug}/work-units", get(work_units).post(create_work_unit))
        .route("/t/{slug}/events", get(events))
}

static CSS: &str = include_str!("../../static/lelang.css");
static HTMX: &str = include_str!("../../static/htmx-2.0.11.min.js");
static SEALING: &str = include_str!("../../static/sealing.js");
static BID: &str = include_str!("../../static/bid.js");

/// The vendored static assets, cached for a day (htmx's file name carries its version).
pub async fn static_file(Path(file): Path<String>) -> Response {
    let (body, ctype, cache) = match file.as_str() {
        "lelang.css" => (CSS, "text/css; charset=utf-8", "public, max-age=3600"),
        "htmx-2.0.11.min.js" => (
            HTMX,
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        // The pokja's sealing code, bundled from web/sealing (see its package-lock.json).
        "sealing.js" => (SEALING, "text/javascript; charset=utf-8", "public, max-age=3600"),
        "bid.js" => (BID, "text/javascript; charset=utf-8", "public, max-age=3600"),
        _ => return ApiError::NotFound.into_response(),
    };
    (
        [(header::CONTENT_TYPE, ctype), (header::CACHE_CONTROL, cache)],
        body,
    )
        .into_response()
}

fn html<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => ApiError::Internal(format!("template: {e}")).into_response(),
    }
}

fn tr(state: &AppState, lang: Lang) -> Tr {
    Tr::new(state.i18n.clone(), lang)
}

/// A page that says what went wrong, in the user's language.
pub fn error_page(state: &AppState, lang: Lang, status: StatusCode, key: &str) -> Response {
    error_page_with(state, lang, "", status, key)
}

/// The same, keeping the page's CSRF token so its language switch still works.
fn error_page_with(state: &AppState, lang: Lang, csrf: &str, status: StatusCode, key: &str) -> Response {
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

fn link(t: &Tr, href: &str, key: &str, current: &str) -> NavLink {
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
fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/-._~!$&'()*+,;=:@%?".contains(c);
    let ok = n.len() < 512 && n.starts_with('/') && !n.starts_with("//") && n.chars().all(allowed);
    ok.then(|| n.to_owned())
}

/// Success messages that may appear after a redirect (`?ok=`): only these keys, never free text.
const FLASH_KEYS: &[&str] = &[
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
];

#[derive(Debug, Deserialize, Default)]
struct PageQuery {
    ok: Option<String>,
    next: Option<String>,
    after: Option<i64>,
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

async fn nav(state: &AppState, ctx: &Ctx, path: &str, flash: Option<&str>) -> Nav {
    let t = tr(state, ctx.lang);
    let mut links = vec![
        link(&t, "/", "nav-public", path),
        link(&t, "/tenders", "nav-tenders", path),
        link(&t, "/log", "nav-log", path),
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
fn fail(state: &AppState, ctx: &Ctx, path: &str, e: ApiError) -> Response {
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

fn urlencode(s: &str) -> String {
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
async fn again_with<Fut>(
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

fn with_cookie(mut resp: Response, cookie: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

// ---------------------------------------------------------------------------------------------
// Public pages

async fn landing(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Response {
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ViewPublic)?;
        let mut tenants = Vec::new();
        for t in state.store.tenants().await? {
            let n = state.store.work_units(t.id).await?.len() as i64;
            tenants.push((t.slug, t.name, n));
        }
        let nav = nav(&state, &ctx, "/", q.ok.as_deref()).await;
        Ok(html(
            StatusCode::OK,
            &LandingPage {
                t: tr(&state, ctx.lang),
                nav,
                tenants,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/", e))
}

async fn tenant_page(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Response {
    let path = format!("/t/{slug}");
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ViewPublic)?;
        let t = api::tenant_or_404(&state, &slug).await?;
        let units = state
            .store
            .work_units(t.id)
            .await?
            .into_iter()
            .map(|w| (w.code, w.name))
            .collect();
        let nav = nav(&state, &ctx, &path, None).await;
        Ok(html(
            StatusCode::OK,
            &TenantPage {
                t: tr(&state, ctx.lang),
                nav,
                slug: t.slug,
                name: t.name,
                time_zone: t.time_zone.code().into(),
                units,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, &path, e))
}

// ---------------------------------------------------------------------------------------------
// Sign-in, sign-out, language

async fn login_form(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Response {
    if ctx.user.is_some() {
        return see_other("/home");
    }
    let nav = nav(&state, &ctx, "/login", q.ok.as_deref()).await;
    let next = safe_next(q.next.as_deref()).unwrap_or_else(|| "/home".into());
    html(
        StatusCode::OK,
        &LoginPage {
            t: tr(&state, ctx.lang),
            nav,
            username: String::new(),
            next,
            errors: vec![],
        },
    )
}

#[derive(Debug, Deserialize)]
struct LoginInput {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    PageForm(input): PageForm<LoginInput>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let account: String = input.username.trim().to_lowercase().chars().take(64).collect();
    let next = safe_next(input.next.as_deref()).unwrap_or_else(|| "/home".into());
    let page = |status: StatusCode, nav: Nav, error: String| {
        html(
            status,
            &LoginPage {
                t: t.clone(),
                nav,
                username: account.clone(),
                next: next.clone(),
                errors: vec![error],
            },
        )
    };
    let r: Result<Response, ApiError> = async {
        let now = state.clock.now();
        let cfg = &state.config;
        // A browser in which this account signed in before has failures of its own: strangers
        // failing to sign in as a named official do not lock that official's own browser out.
        let device = auth::cookie(&headers, auth::DEVICE_COOKIE)
            .and_then(|t| auth::device_of(&state.device_key, &account, t));
        let key = match device {
            Some(nonce) => format!("device:{nonce}"),
            None => account.clone(),
        };
        // Each attempt counts as a failure before it is checked, and is forgiven when it
        // succeeds: concurrent attempts then see each other, and no more than the limit reach
        // the password check.
        state
            .store
            .record_login_attempt(&key, &ctx.address, false, now)
            .await?;
        let failed = state
            .store
            .failed_logins(&key, &ctx.address, now - cfg.login_window)
            .await?;
        if failed.by_account > cfg.max_failed_logins_per_account
            || failed.by_address > cfg.max_failed_logins_per_address
        {
            let minutes = cfg.login_window.whole_minutes().to_string();
            let mut resp = page(
                StatusCode::TOO_MANY_REQUESTS,
                nav(&state, &ctx, "/login", None).await,
                t.arg("login-throttled", "minutes", &minutes),
            );
            if let Ok(v) = HeaderValue::from_str(&cfg.login_window.whole_seconds().to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(resp);
        }
        let creds = state.store.credentials(&account).await?;
        let ok = auth::verify_password_in(
            &state.work.passwords,
            input.password,
            creds.as_ref().map(|c| c.password_hash.clone()),
        )
        .await?;
        let Some(creds) = creds.filter(|_| ok) else {
            tracing::info!(account = %account, "sign-in failed");
            return Ok(page(
                StatusCode::UNAUTHORIZED,
                nav(&state, &ctx, "/login", None).await,
                t.get("login-failed"),
            ));
        };
        if !creds.user.active {
            return Ok(page(
                StatusCode::FORBIDDEN,
                nav(&state, &ctx, "/login", None).await,
                t.get("login-inactive"),
            ));
        }
        state.store.clear_failed_logins(&key).await?;
        state
            .store
            .record_login_attempt(&key, &ctx.address, true, now)
            .await?;
        let grants = state.store.role_grants(creds.user.id).await?;
        if grants.is_empty() {
            return Ok(page(
                StatusCode::FORBIDDEN,
                nav(&state, &ctx, "/login", None).await,
                t.get("error-forbidden"),
            ));
        }
        // The session now, or the second step first.
        crate::second_factor::after_password(&state, &headers, &creds.user, &grants, &next).await
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/login", e))
}

#[derive(Debug, Deserialize)]
struct Empty {}

async fn logout(State(state): State<AppState>, ctx: Ctx, PageForm(_): PageForm<Empty>) -> Response {
    if let Some(s) = &ctx.session
        && let Err(e) = state.store.delete_session(s.id).await
    {
        return fail(&state, &ctx, "/", e.into());
    }
    with_cookie(
        see_other("/login?ok=signed-out"),
        set_cookie(SESSION_COOKIE, "", Some(0), state.config.cookie_secure, "Lax"),
    )
}

#[derive(Debug, Deserialize)]
struct LangInput {
    lang: String,
    next: Option<String>,
}

async fn set_lang(State(state): State<AppState>, ctx: Ctx, PageForm(input): PageForm<LangInput>) -> Response {
    let Some(lang) = Lang::from_tag(&input.lang) else {
        return error_page(
            &state,
            ctx.lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-form",
        );
    };
    let next = safe_next(input.next.as_deref()).unwrap_or_else(|| "/".into());
    with_cookie(
        see_other(&next),
        set_cookie(
            LANG_COOKIE,
            lang.tag(),
            Some(365 * 24 * 3600),
            state.config.cookie_secure,
            "Lax",
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Home pages, one per role
