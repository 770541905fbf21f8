//! The server-rendered pages. Each handler names its [`Action`], asks the one policy, and answers
//! in the user's language; forms carry a CSRF token and, when an input breaks a rule, come back
//! with the message beside them (status 422) and nothing stored.

use crate::AppState;
use crate::api::{self, NewOfficialForm};
use crate::auth::{self, Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::templates::*;
use crate::view::*;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lelang_core::UserId;
use lelang_core::directory::{self, CreateTenant, CreateWorkUnit};
use lelang_core::policy::{Action, authorize};
use lelang_core::role::Role;
use lelang_core::store::EventFilter;
use serde::Deserialize;
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
        let t = crate::input::tenant_or_404(&state, &slug).await?;
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
