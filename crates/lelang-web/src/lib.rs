//! lelang's HTTP face: the JSON API under `/api/v1` (OpenAPI 3.1, RFC 9457 errors) and the
//! server-rendered pages (askama + htmx, Bahasa Indonesia and English).
//!
//! Every request passes one context layer that works out who is asking (session cookie or API
//! token), in which language to answer and which CSRF token its forms must carry; every handler
//! then names the [`Action`](lelang_core::Action) it performs and asks the one policy.

pub mod announce;
pub mod api;
pub mod auth;
pub mod award_letter;
pub use lelang_app::blobs;
pub mod cache;
pub mod calendar;
pub mod cancellation;
pub mod case;
pub mod complaint;
pub mod contract;
pub mod dashboard;
pub mod document;
pub mod error;
pub mod evaluation;
pub mod execution;
mod files;
pub mod handover;
pub mod i18n;
pub mod input;
pub mod limits;
pub mod log;
mod metrics;
pub mod objection;
pub mod ocds;
mod openapi;
pub mod package;
pub mod pages;
pub mod plan;
pub mod pokja;
pub mod routes;
pub mod sealing;
pub mod second_factor;
pub mod submission;
mod templates;
pub mod tender;
pub mod vendor;
pub mod view;
pub mod xlsx;
pub use lelang_app::zipcheck;

use crate::auth::{
    Ctx, LANG_COOKIE, PRE_COOKIE, SESSION_COOKIE, TokenRejection, cookie, csrf_token, set_cookie,
};
use crate::error::{ApiError, PROBLEM_JSON};
use crate::i18n::{I18n, Lang};
use crate::routes::Routes;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use lelang_core::clock::Clock;
use lelang_core::policy::Actor;
use lelang_core::store::prelude::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure`. Browsers accept Secure cookies from `http://localhost` and
    /// `http://127.0.0.1`; only a plain-HTTP deployment on another host needs this off.
    pub cookie_secure: bool,
    /// A session ends after this long without a request.
    pub session_idle: time::Duration,
    /// A session ends this long after sign-in, whatever happens.
    pub session_absolute: time::Duration,
    /// Failed sign-ins per account within the window before sign-in is refused.
    pub max_failed_logins_per_account: u32,
    /// Failed sign-ins per client address within the window before sign-in is refused.
    pub max_failed_logins_per_address: u32,
    /// The throttling window.
    pub login_window: time::Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Largest request body accepted (JSON and forms).
    pub max_body_bytes: usize,
    /// The document store's folder.
    pub documents_dir: std::path::PathBuf,
    /// Largest tender document accepted.
    pub max_document_bytes: u64,
    /// The largest sealed bid accepted (bytes).
    pub max_bid_bytes: u64,
    /// How long public list answers are reused (zero: never).
    pub public_cache_ttl: std::time::Duration,
    /// Commitments (and withdrawals) a company may make at once…
    pub bid_burst: u32,
    /// …and per minute after that.
    pub bid_per_minute: u32,
    /// Upload requests a company may have in flight.
    pub uploads_per_vendor: usize,
    /// Commitments (and uploads and closings) waiting to be group-committed before a new one is
    /// told to come back (503, `Retry-After`).
    pub commit_queue: usize,
    /// Who publishes the open data (OCDS), under which OCID prefix, at which public address.
    pub publication: lelang_ocds::Publication,
    /// Expensive jobs (password hashing, plan files) run at once per kind (0: one per core)…
    pub workers: usize,
    /// …and wait beyond those before a request is told to come back (503, `Retry-After`).
    pub work_queue: usize,
    /// Company sign-ups one client address may make at once…
    pub sign_up_burst: u32,
    /// …and per hour after that.
    pub sign_ups_per_hour: u32,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            cookie_secure: true,
            session_idle: time::Duration::minutes(30),
            session_absolute: time::Duration::hours(12),
            max_failed_logins_per_account: 5,
            max_failed_logins_per_address: 50,
            login_window: time::Duration::minutes(15),
            trust_forwarded_for: false,
            max_body_bytes: 64 * 1024,
            documents_dir: std::path::PathBuf::from("lelang-data/documents"),
            max_document_bytes: 25 * 1024 * 1024,
            max_bid_bytes: 200 * 1024 * 1024,
            public_cache_ttl: std::time::Duration::from_secs(1),
            bid_burst: 20,
            bid_per_minute: 20,
            uploads_per_vendor: 4,
            commit_queue: submission::QUEUE,
            publication: lelang_ocds::Publication::default(),
            workers: 0,
            work_queue: 32,
            sign_up_burst: 10,
            sign_ups_per_hour: 30,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The use cases, over the same store and clock, with this process's source of fresh ids.
    pub app: lelang_app::App,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Messages.
    pub i18n: Arc<I18n>,
    /// Key of the CSRF tokens, shared by every app server through the store.
    pub csrf_key: Arc<Vec<u8>>,
    /// Key of the device cookies (see [`auth::device_token`]), shared the same way.
    pub device_key: Arc<Vec<u8>>,
    /// The machine's pools for expensive work.
    pub work: Arc<limits::Work>,
    /// Company sign-ups per client address.
    pub sign_ups: Arc<limits::Buckets<String>>,
    /// Complaints one client address may file (anyone may, signed in or not)…
    pub complaints: Arc<limits::Buckets<String>>,
    /// …and follow-up codes it may try (a code has 120 bits; this keeps the server's work bounded).
    pub complaint_codes: Arc<limits::Buckets<String>>,
    /// Settings.
    pub config: WebConfig,
    /// The transparency log's identity (origin and checkpoint key).
    pub log: Arc<log::TransparencyLog>,
    /// Where tender documents are kept.
    pub blobs: Arc<dyn blobs::BlobStore>,
    /// Public reads, kept for a second.
    pub public_cache: Arc<cache::PublicCache>,
    /// Appends commitments, stamped as appended, in groups.
    pub committer: submission::Committer,
    /// Per-company submission limits.
    pub limits: Arc<submission::Limits>,
    /// The fold of the log into OCDS releases (one per app server; see [`ocds::catch_up`]).
    pub ocds: Arc<tokio::sync::Mutex<lelang_ocds::Publisher>>,
    /// The fold of the log into the dashboard's facts (one per app server).
    pub dashboard: Arc<lelang_app::dashboard::Dashboard>,
    metrics: Arc<metrics::Metrics>,
}

/// Why the app could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A locale file is broken.
    #[error(transparent)]
    Locale(#[from] i18n::LocaleError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] lelang_core::StoreError),
}

impl AppState {
    /// Prepares the shared state over the application's use cases: loads messages and the
    /// deployment's CSRF key.
    pub async fn new(
        app: lelang_app::App,
        config: WebConfig,
        log: Arc<log::TransparencyLog>,
    ) -> Result<Self, BuildError> {
        let (store, clock) = (app.store.clone(), app.clock.clone());
        let candidate = auth::random_secret();
        let csrf_key = store.server_secret("csrf-hmac", candidate.as_bytes()).await?;
        let candidate = auth::random_secret();
        let device_key = store.server_secret("device-hmac", candidate.as_bytes()).await?;
        let metrics = Arc::new(metrics::Metrics::new());
        Ok(Self {
            app: app.clone(),
            store: store.clone(),
            clock: clock.clone(),
            i18n: I18n::load()?,
            csrf_key: Arc::new(csrf_key),
            device_key: Arc::new(device_key),
            work: Arc::new(limits::Work::new(config.workers, config.work_queue, |name| {
                metrics.pool(name)
            })),
            sign_ups: Arc::new(limits::Buckets::per_hour(
                config.sign_up_burst,
                config.sign_ups_per_hour,
            )),
            complaints: Arc::new(limits::Buckets::per_hour(
                config.sign_up_burst,
                config.sign_ups_per_hour,
            )),
            complaint_codes: Arc::new(limits::Buckets::per_minute(30, 30)),
            blobs: Arc::new(blobs::LocalBlobs::new(config.documents_dir.clone())),
            public_cache: Arc::new(cache::PublicCache::new(config.public_cache_ttl, 10_000)),
            committer: submission::Committer::start(
                app.clone(),
                {
                    let sizes = metrics.batch.clone();
                    move |n| sizes.observe(n as f64)
                },
                config.commit_queue,
            ),
            limits: Arc::new(submission::Limits::new(
                config.bid_burst,
                config.bid_per_minute,
                config.uploads_per_vendor,
            )),
            ocds: Arc::new(tokio::sync::Mutex::new(lelang_ocds::Publisher::new(
                config.publication.clone(),
            ))),
            dashboard: Arc::new(lelang_app::dashboard::Dashboard::new()),
            config,
            log,
            metrics,
        })
    }
}

/// Every route of the application, registered once: the router serves them and tests list them.
pub fn routes(config: &WebConfig) -> Routes {
    Routes::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(log::routes())
        .merge(plan::routes())
        .merge(calendar::routes())
        .merge(package::routes())
        .merge(pokja::routes())
        .merge(handover::routes())
        .merge(tender::routes())
        .merge(document::routes(config))
        .merge(sealing::routes(config))
        .merge(submission::routes(config))
        .merge(evaluation::routes())
        .merge(cancellation::routes())
        .merge(objection::routes())
        .merge(complaint::routes())
        .merge(dashboard::routes())
        .merge(case::routes())
        .merge(award_letter::routes())
        .merge(contract::routes())
        .merge(execution::routes())
        .merge(announce::routes())
        .merge(vendor::routes())
        .merge(ocds::routes())
        .merge(second_factor::routes())
        .merge(api::docs())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .route("/metrics", axum::routing::get(metrics::render))
        .route("/static/{file}", axum::routing::get(pages::static_file))
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.max_body_bytes;
    routes(&state.config)
        .into_router()
        .fallback(fallback)
        .layer(from_fn_with_state(state.clone(), context))
        .layer(from_fn_with_state(state.clone(), finalize))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("handler panicked".into()).into_response()
        }))
        // Per-extractor limit, so that a route may allow more (plan imports).
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let rid = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            // The path only: query strings may carry search terms, never secrets, but stay out anyway.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %rid)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn(security_headers))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => ApiError::Unavailable(e.to_string()).into_response(),
    }
}

async fn fallback() -> ApiError {
    ApiError::NotFound
}

/// Paths answered for machines (problem+json errors) rather than people (error pages).
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/log/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

fn client_address(req: &Request, trust_forwarded: bool) -> String {
    if trust_forwarded
        && let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return first.trim().chars().take(64).collect();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ci| ci.0.ip().to_string())
}

/// Works out who is asking and in which language, enforces CSRF on state-changing requests that
/// a browser's cookies authenticate, and hands the handlers a [`Ctx`].
async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let now = state.clock.now();
    let headers = req.headers().clone();
    let path = req.uri().path().to_owned();
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let lang = cookie(&headers, LANG_COOKIE)
        .and_then(Lang::from_tag)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let address = client_address(&req, state.config.trust_forwarded_for);

    let mut ctx = Ctx {
        actor: Actor::Anonymous,
        user: None,
        session: None,
        via_token: false,
        lang,
        csrf: String::new(),
        new_pre_anchor: None,
        address,
    };
    let mut clear_session_cookie = false;

    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token else {
            return ApiError::Unauthenticated.into_response();
        };
        match auth::actor_from_token(&state, token, now).await {
            Ok((actor, user)) => {
                ctx.actor = actor;
                ctx.user = Some(user);
                ctx.via_token = true;
            }
            Err(TokenRejection::Invalid) => return ApiError::Unauthenticated.into_response(),
            Err(TokenRejection::Store(e)) => return e.into_response(),
        }
    } else if let Some(secret) = cookie(&headers, SESSION_COOKIE) {
        match auth::actor_from_session(&state, secret, now).await {
            Ok(Some((actor, user, session))) => {
                ctx.actor = actor;
                ctx.user = Some(user);
                ctx.session = Some(session);
            }
            Ok(None) => clear_session_cookie = true,
            Err(e) => return e.into_response(),
        }
    }

    if !ctx.via_token {
        let anchor = match (&ctx.session, cookie(&headers, PRE_COOKIE)) {
            (Some(s), _) => s.id.to_string(),
            (None, Some(pre)) if pre.len() >= 32 && pre.len() <= 64 => pre.to_owned(),
            (None, _) => {
                let fresh = auth::random_secret();
                ctx.new_pre_anchor = Some(fresh.clone());
                fresh
            }
        };
        ctx.csrf = csrf_token(&state.csrf_key, &anchor);
        if unsafe_method {
            // Browsers say where a request comes from; a cross-site change is refused outright.
            let cross_site =
                headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
            let api_token_missing = is_api(&path)
                && ctx.session.is_some()
                && !headers
                    .get(auth::CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| auth::csrf_ok(&ctx.csrf, v));
            if cross_site || api_token_missing {
                return if is_api(&path) {
                    ApiError::Csrf.into_response()
                } else {
                    view::error_page(&state, lang, StatusCode::FORBIDDEN, "error-csrf")
                };
            }
        }
    }

    let signed_in = ctx.user.is_some();
    let new_pre = ctx.new_pre_anchor.clone();
    req.extensions_mut().insert(ctx);
    let mut resp = next.run(req).await;
    let secure = state.config.cookie_secure;
    if let Some(pre) = new_pre
        && let Ok(v) = HeaderValue::from_str(&set_cookie(PRE_COOKIE, &pre, None, secure, "Strict"))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    if clear_session_cookie
        && let Ok(v) = HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", Some(0), secure, "Lax"))
    {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    if signed_in && !resp.headers().contains_key(header::CACHE_CONTROL) {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Makes sure every error leaves in the right shape: problem+json under `/api/`, a page in the
/// user's language elsewhere — including axum's own rejections (405, 413, …) and panics.
async fn finalize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let lang = req
        .headers()
        .get(header::COOKIE)
        .and_then(|_| cookie(req.headers(), LANG_COOKIE))
        .and_then(Lang::from_tag)
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let shaped = if is_api(&path) {
        ctype == PROBLEM_JSON
    } else {
        ctype.starts_with("text/html")
    };
    if shaped {
        return resp;
    }
    let retry_after = resp.headers().get(header::RETRY_AFTER).cloned();
    let allow = resp.headers().get(header::ALLOW).cloned();
    let err = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ApiError::Unauthenticated,
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable("upstream".into()),
        s if s.is_client_error() => {
            ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").into())
        }
        _ => ApiError::Internal(format!("unshaped {status} on {path}")),
    };
    let mut out = if is_api(&path) {
        err.into_response()
    } else {
        let key = match status {
            StatusCode::NOT_FOUND => "error-not-found",
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "error-forbidden",
            StatusCode::PAYLOAD_TOO_LARGE => "error-payload-too-large",
            StatusCode::SERVICE_UNAVAILABLE => "error-unavailable",
            StatusCode::TOO_MANY_REQUESTS => "error-too-many-requests",
            s if s.is_client_error() => "error-bad-form",
            _ => "error-internal",
        };
        view::error_page(&state, lang, status, key)
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if let Some(v) = allow {
        out.headers_mut().insert(header::ALLOW, v);
    }
    out
}

/// Headers every response carries: no framing, no sniffing, a strict content security policy
/// (the pages load only their own scripts and styles).
async fn security_headers(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/v1/docs");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    let csp = if docs {
        // Swagger UI styles itself inline.
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    } else {
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
    };
    h.insert("content-security-policy", HeaderValue::from_static(csp));
    resp
}

/// The route template of a request (for metrics and logs), never the raw path.
pub(crate) fn route_of(req: &Request) -> String {
    req.extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned())
}

/// Elapsed seconds since `start`, for histograms.
pub(crate) fn secs_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
