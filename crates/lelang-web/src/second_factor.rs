//! The second step of signing in: a code from an authenticator app (or a recovery code) for the
//! officials who must have one and anyone who set one up; enrolment on first sign-in; a device
//! the user chose to trust skips the step for 30 days (until the second factor is set up anew or
//! reset). Also the account's own enrolment, an administrator's reset, and a regency's policy.
//!
//! Between the password and the code nothing is stored: a short-lived cookie, signed with the
//! deployment's key, carries who passed the password (and, while enrolling, the new secret).

use crate::AppState;
use crate::auth::{self, Ctx, SESSION_COOKIE, set_cookie};
use crate::error::{ApiError, Problem};
use crate::input::{ApiJson, tenant_or_404};
use crate::templates::{RecoveryCodesPage, SecondFactorPage};
use crate::view::{PageForm, fail_page, form_done, nav_for, render};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use lelang_core::UserId;
use lelang_core::model::{RoleGrant, User};
use lelang_core::second_factor::{self as core2fa, Secret};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use uuid::Uuid;

/// The cookie between the password and the code.
pub const PENDING_COOKIE: &str = "lelang_2fa";
/// The cookie of a device trusted not to ask for a code.
pub const REMEMBER_COOKIE: &str = "lelang_2fa_device";
/// How long the step after the password waits.
const PENDING_SECONDS: i64 = 600;
/// How long a trusted device is trusted.
const REMEMBER_DAYS: i64 = 30;

/// Who passed the password, until when, where to go after, and (while enrolling) the new secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    user: Uuid,
    until: i64,
    next: String,
    secret: Option<String>,
}

impl Pending {
    /// The secret being enrolled: the same until the step is done (it travels in the signed
    /// cookie), a new one the first time.
    fn enrolling_secret(&mut self) -> Secret {
        if let Some(s) = self.secret.as_deref().and_then(Secret::from_base32) {
            return s;
        }
        let s = new_secret();
        self.secret = Some(s.to_base32());
        s
    }
}

fn mac(key: &[u8], label: &str, data: &str) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    m.update(label.as_bytes());
    m.update(b":");
    m.update(data.as_bytes());
    B64.encode(m.finalize().into_bytes())
}

fn verified(key: &[u8], label: &str, data: &str, tag: &str) -> bool {
    let expected = mac(key, label, data);
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(tag.as_bytes()))
}

fn pending_value(state: &AppState, p: &Pending) -> String {
    let data = B64.encode(serde_json::to_vec(p).unwrap_or_default());
    let tag = mac(&state.device_key, "lelang-2fa-pending-v1", &data);
    format!("{data}.{tag}")
}

fn read_pending(state: &AppState, headers: &HeaderMap) -> Option<Pending> {
    let v = auth::cookie(headers, PENDING_COOKIE)?;
    let (data, tag) = v.split_once('.')?;
    if data.len() > 4096 || !verified(&state.device_key, "lelang-2fa-pending-v1", data, tag) {
        return None;
    }
    let p: Pending = serde_json::from_slice(&B64.decode(data).ok()?).ok()?;
    (p.until > state.clock.now().unix_timestamp()).then_some(p)
}

fn remember_value(state: &AppState, user: UserId, epoch: i64) -> String {
    let until = state.clock.now().unix_timestamp() + REMEMBER_DAYS * 86_400;
    let data = format!("{}.{until}.{epoch}", user.0);
    let tag = mac(&state.device_key, "lelang-2fa-device-v1", &data);
    format!("{data}.{tag}")
}

fn remembered(state: &AppState, headers: &HeaderMap, user: UserId, epoch: i64) -> bool {
    let Some(v) = auth::cookie(headers, REMEMBER_COOKIE) else {
        return false;
    };
    let Some((data, tag)) = v.rsplit_once('.') else {
        return false;
    };
    let mut parts = data.split('.');
    let (Some(u), Some(until), Some(e), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    verified(&state.device_key, "lelang-2fa-device-v1", data, tag)
        && u == user.0.to_string()
        && e == epoch.to_string()
        && until
            .parse::<i64>()
            .is_ok_and(|t| t > state.clock.now().unix_timestamp())
}

fn cookie_header(mut resp: Response, value: String) -> Response {
    if let Ok(v) = HeaderValue::from_str(&value) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Whether any of a user's roles needs a second factor under its regency's policy.
async fn needed(state: &AppState, grants: &[RoleGrant]) -> Result<bool, ApiError> {
    for g in grants {
        let policy = match g.tenant_id {
            Some(t) => state
                .store
                .tenant(t)
                .await?
                .is_none_or(|t| t.second_factor_required),
            None => true,
        };
        if core2fa::required(g.role, policy) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// After a right password: the session at once, or the second step first.
pub(crate) async fn after_password(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    grants: &[RoleGrant],
    next: &str,
) -> Result<Response, ApiError> {
    let enrolled = state.store.second_factor(user.id).await?;
    let skip = match &enrolled {
        Some(e) => remembered(state, headers, user.id, e.epoch),
        None => !needed(state, grants).await?,
    };
    if skip {
        return finish(state, user, grants, None, Redirect::to(next).into_response()).await;
    }
    let p = Pending {
        user: user.id.0,
        until: state.clock.now().unix_timestamp() + PENDING_SECONDS,
        next: next.to_owned(),
        secret: None,
    };
    Ok(cookie_header(
        Redirect::to("/login/second-factor").into_response(),
        pending_cookie(state, &p),
    ))
}

fn pending_cookie(state: &AppState, p: &Pending) -> String {
    set_cookie(
        PENDING_COOKIE,
        &pending_value(state, p),
        Some(PENDING_SECONDS),
        state.config.cookie_secure,
        "Strict",
    )
}

/// Starts the session and answers with `resp`, carrying the session's cookies (and the trusted
/// device's, when asked for with the second factor's epoch).
async fn finish(
    state: &AppState,
    user: &User,
    grants: &[RoleGrant],
    remember: Option<i64>,
    resp: Response,
) -> Result<Response, ApiError> {
    let secret = auth::start_session(state, user, grants)
        .await?
        .ok_or(ApiError::Forbidden)?;
    tracing::info!(user = %user.id, "signed in");
    let secure = state.config.cookie_secure;
    // A session cookie (no Max-Age): it ends with the browser, and the server ends it after the
    // idle or absolute timeout whichever comes first.
    let mut resp = cookie_header(resp, set_cookie(SESSION_COOKIE, &secret, None, secure, "Lax"));
    resp = cookie_header(
        resp,
        set_cookie(
            auth::DEVICE_COOKIE,
            &auth::device_token(&state.device_key, &user.username),
            Some(365 * 24 * 3600),
            secure,
            "Strict",
        ),
    );
    resp = cookie_header(resp, set_cookie(PENDING_COOKIE, "", Some(0), secure, "Strict"));
    if let Some(epoch) = remember {
        resp = cookie_header(
            resp,
            set_cookie(
                REMEMBER_COOKIE,
                &remember_value(state, user.id, epoch),
                Some(REMEMBER_DAYS * 86_400),
                secure,
                "Strict",
            ),
        );
    }
    Ok(resp)
}

/// A new secret from the operating system's generator.
fn new_secret() -> Secret {
    let mut s = [0u8; core2fa::SECRET_BYTES];
    rand::rng().fill_bytes(&mut s);
    Secret(s)
}

fn new_recovery_codes() -> Vec<String> {
    let mut r = [0u8; core2fa::RECOVERY_CODES * 8];
    rand::rng().fill_bytes(&mut r);
    core2fa::recovery_codes(&r)
}

/// A QR code of `text` as SVG, drawn on the server.
fn qr_svg(text: &str) -> String {
    let Ok(qr) = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="220" height="220" role="img" aria-labelledby="qr-label" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    )
}

#[derive(Debug, Deserialize, Default)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    recovery: String,
    #[serde(default)]
    remember: Option<String>,
}

/// The page of the second step: a code, or the enrolment with its QR code.
#[allow(clippy::too_many_arguments)]
async fn step_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    action: &str,
    username: &str,
    enrolling: Option<&Secret>,
    may_remember: bool,
    errors: Vec<String>,
) -> Response {
    let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
    let (secret, qr) = match enrolling {
        Some(s) => {
            let issuer = "lelang";
            (
                Some(
                    s.to_base32()
                        .as_bytes()
                        .chunks(4)
                        .map(|c| String::from_utf8_lossy(c).into_owned())
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                qr_svg(&s.otpauth_uri(issuer, username)),
            )
        }
        None => (None, String::new()),
    };
    render(
        status,
        &SecondFactorPage {
            nav: nav_for(state, ctx, action).await,
            t,
            action: action.to_owned(),
            secret,
            qr,
            may_remember,
            errors,
        },
    )
}

/// The second step without a live first one (expired, forged, or never begun): sign in again.
fn back_to_sign_in() -> Response {
    Redirect::to("/login?ok=second-factor-expired").into_response()
}

async fn pending_user(state: &AppState, headers: &HeaderMap) -> Result<Option<(Pending, User)>, ApiError> {
    let Some(p) = read_pending(state, headers) else {
        return Ok(None);
    };
    let user = state.store.user(UserId(p.user)).await?.filter(|u| u.active);
    Ok(user.map(|u| (p, u)))
}

async fn step_get(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let r: Result<Response, ApiError> = async {
        let Some((mut p, user)) = pending_user(&state, &headers).await? else {
            return Ok(back_to_sign_in());
        };
        if state.store.second_factor(user.id).await?.is_some() {
            return Ok(step_page(
                &state,
                &ctx,
                StatusCode::OK,
                "/login/second-factor",
                &user.username,
                None,
                true,
                vec![],
            )
            .await);
        }
        let secret = p.enrolling_secret();
        let page = step_page(
            &state,
            &ctx,
            StatusCode::OK,
            "/login/second-factor",
            &user.username,
            Some(&secret),
            false,
            vec![],
        )
        .await;
        Ok(cookie_header(page, pending_cookie(&state, &p)))
    }
    .await;
    r.unwrap_or_else(|e| fail_page(&state, &ctx, "/login/second-factor", e))
}

/// Counts an attempt at the second step as failed until it succeeds (as the password step does);
/// when there were too many, the seconds to wait.
async fn throttle(state: &AppState, ctx: &Ctx, user: UserId) -> Result<Option<u64>, ApiError> {
    let cfg = &state.config;
    let now = state.clock.now();
    let key = format!("2fa:{}", user.0);
    state
        .store
        .record_login_attempt(&key, &ctx.address, false, now)
        .await?;
    let failed = state
        .store
        .failed_logins(&key, &ctx.address, now - cfg.login_window)
        .await?;
    if failed.by_account > cfg.max_failed_logins_per_account {
        return Ok(Some(cfg.login_window.whole_seconds().max(1) as u64));
    }
    Ok(None)
}

async fn step_post(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PageForm(input): PageForm<CodeForm>,
) -> Response {
    let r: Result<Response, ApiError> = async {
        let Some((p, user)) = pending_user(&state, &headers).await? else {
            return Ok(back_to_sign_in());
        };
        let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
        if let Some(retry) = throttle(&state, &ctx, user.id).await? {
            return Err(ApiError::TooManyRequests(retry));
        }
        let now = state.clock.now();
        let grants = state.store.role_grants(user.id).await?;
        let tenant = user.tenant_id;
        match state.store.second_factor(user.id).await? {
            Some(e) => {
                let ok = if !input.code.trim().is_empty() {
                    match core2fa::check(&e.secret, &input.code, now, e.last_step) {
                        Ok(step) => state.store.use_second_factor_step(user.id, step).await?,
                        Err(_) => false,
                    }
                } else if !input.recovery.trim().is_empty() {
                    let spent = state
                        .app
                        .apply(|cx| core2fa::spend_recovery_code(user.id, tenant, &input.recovery, cx))
                        .await;
                    match spent {
                        Ok(()) => true,
                        Err(lelang_app::AppError::Store(
                            lelang_core::StoreError::NotFound(_) | lelang_core::StoreError::Conflict(_),
                        )) => false,
                        Err(e) => return Err(e.into()),
                    }
                } else {
                    false
                };
                if !ok {
                    return Ok(step_page(
                        &state,
                        &ctx,
                        StatusCode::UNAUTHORIZED,
                        "/login/second-factor",
                        &user.username,
                        None,
                        true,
                        vec![t.get("second-factor-wrong")],
                    )
                    .await);
                }
                state
                    .store
                    .clear_failed_logins(&format!("2fa:{}", user.id.0))
                    .await?;
                let remember = input.remember.is_some().then_some(e.epoch);
                finish(
                    &state,
                    &user,
                    &grants,
                    remember,
                    Redirect::to(&p.next).into_response(),
                )
                .await
            }
            None => {
                let Some(secret) = p.secret.as_deref().and_then(Secret::from_base32) else {
                    return Ok(back_to_sign_in());
                };
                let Ok(step) = core2fa::check(&secret, &input.code, now, None) else {
                    return Ok(step_page(
                        &state,
                        &ctx,
                        StatusCode::UNAUTHORIZED,
                        "/login/second-factor",
                        &user.username,
                        Some(&secret),
                        false,
                        vec![t.get("second-factor-wrong")],
                    )
                    .await);
                };
                let codes = new_recovery_codes();
                state
                    .app
                    .apply(|cx| core2fa::enrol(user.id, tenant, &secret, &codes, cx))
                    .await?;
                state.store.use_second_factor_step(user.id, step).await?;
                state
                    .store
                    .clear_failed_logins(&format!("2fa:{}", user.id.0))
                    .await?;
                let page = recovery_page(&state, &ctx, &codes, &p.next).await;
                finish(&state, &user, &grants, None, page).await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail_page(&state, &ctx, "/login/second-factor", e))
}

async fn recovery_page(state: &AppState, ctx: &Ctx, codes: &[String], next: &str) -> Response {
    let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
    render(
        StatusCode::OK,
        &RecoveryCodesPage {
            nav: nav_for(state, ctx, "/account").await,
            t,
            codes: codes.to_vec(),
            next: next.to_owned(),
        },
    )
}

/// The account's own enrolment (or a new secret and new recovery codes), while signed in.
async fn account_get(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Response {
    let r: Result<Response, ApiError> = async {
        lelang_core::policy::authorize(&ctx.actor, lelang_core::Action::ManageOwnAccount)?;
        let user = ctx.user.clone().ok_or(ApiError::Unauthenticated)?;
        let existing = read_pending(&state, &headers).filter(|p| p.user == user.id.0);
        let mut p = existing.unwrap_or(Pending {
            user: user.id.0,
            until: state.clock.now().unix_timestamp() + PENDING_SECONDS,
            next: "/account".into(),
            secret: None,
        });
        let secret = p.enrolling_secret();
        let page = step_page(
            &state,
            &ctx,
            StatusCode::OK,
            "/account/second-factor",
            &user.username,
            Some(&secret),
            false,
            vec![],
        )
        .await;
        Ok(cookie_header(page, pending_cookie(&state, &p)))
    }
    .await;
    r.unwrap_or_else(|e| fail_page(&state, &ctx, "/account/second-factor", e))
}

async fn account_post(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PageForm(input): PageForm<CodeForm>,
) -> Response {
    let r: Result<Response, ApiError> = async {
        let user = ctx.user.clone().ok_or(ApiError::Unauthenticated)?;
        lelang_core::policy::authorize(&ctx.actor, lelang_core::Action::ManageOwnAccount)?;
        let Some(secret) = read_pending(&state, &headers)
            .filter(|p| p.user == user.id.0)
            .and_then(|p| p.secret)
            .and_then(|s| Secret::from_base32(&s))
        else {
            return Ok(Redirect::to("/account/second-factor").into_response());
        };
        if let Some(retry) = throttle(&state, &ctx, user.id).await? {
            return Err(ApiError::TooManyRequests(retry));
        }
        let now = state.clock.now();
        let Ok(step) = core2fa::check(&secret, &input.code, now, None) else {
            let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
            return Ok(step_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "/account/second-factor",
                &user.username,
                Some(&secret),
                false,
                vec![t.get("second-factor-wrong")],
            )
            .await);
        };
        let codes = new_recovery_codes();
        state
            .app
            .apply(|cx| core2fa::enrol(user.id, user.tenant_id, &secret, &codes, cx))
            .await?;
        state.store.use_second_factor_step(user.id, step).await?;
        let page = recovery_page(&state, &ctx, &codes, "/account").await;
        Ok(cookie_header(
            page,
            set_cookie(PENDING_COOKIE, "", Some(0), state.config.cookie_secure, "Strict"),
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail_page(&state, &ctx, "/account/second-factor", e))
}

async fn do_reset(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<lelang_core::model::User, ApiError> {
    let user = state.store.user(UserId(id)).await?.ok_or(ApiError::NotFound)?;
    state
        .app
        .apply(|cx| core2fa::reset(&ctx.actor, user.id, user.tenant_id, cx))
        .await?;
    Ok(user)
}

/// Removes a user's second factor (a lost phone): they enrol again at their next sign-in. Their
/// regency's administrator, or the platform's.
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor/reset", tag = "regencies",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn reset_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    do_reset(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn reset_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let path = format!("/t/{slug}/users");
    let result = async {
        tenant_or_404(&state, &slug).await?;
        do_reset(&state, &ctx, id).await?;
        Ok(format!("/t/{slug}/users?ok=second-factor-reset"))
    }
    .await;
    form_done(&state, &ctx, &path, result, |_| async {
        Err::<Response, _>(ApiError::Forbidden)
    })
    .await
}

#[derive(Debug, Deserialize, Default)]
struct Empty {}

/// Input: a regency's second-factor policy.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// Whether administrators, the ULP head, pokja members, auditors and law enforcement must
    /// sign in with a second factor.
    required: bool,
}

async fn do_policy(state: &AppState, ctx: &Ctx, slug: &str, required: bool) -> Result<(), ApiError> {
    let t = tenant_or_404(state, slug).await?;
    state
        .app
        .apply(|cx| core2fa::set_policy(&ctx.actor, t.id, required, cx))
        .await?;
    Ok(())
}

/// Sets whether a regency's officials in the roles that need one sign in with a second factor
/// (its administrator, the platform's).
#[utoipa::path(put, path = "/api/v1/tenants/{slug}/second-factor", tag = "regencies", request_body = PolicyInput,
    params(("slug" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn policy_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<StatusCode, ApiError> {
    do_policy(&state, &ctx, &slug, input.required).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, Default)]
struct PolicyForm {
    #[serde(default)]
    required: Option<String>,
}

async fn policy_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(input): PageForm<PolicyForm>,
) -> Response {
    let path = format!("/t/{slug}/users");
    let result = async {
        do_policy(&state, &ctx, &slug, input.required.is_some()).await?;
        Ok(format!("/t/{slug}/users?ok=second-factor-policy"))
    }
    .await;
    form_done(&state, &ctx, &path, result, |_| async {
        Err::<Response, _>(ApiError::Forbidden)
    })
    .await
}

/// The second factor's routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/login/second-factor", get(step_get).post(step_post))
        .route("/account/second-factor", get(account_get).post(account_post))
        .route("/api/v1/users/{id}/second-factor/reset", post(reset_api))
        .route("/t/{slug}/users/{id}/second-factor/reset", post(reset_page))
        .route("/api/v1/tenants/{slug}/second-factor", put(policy_api))
        .route("/t/{slug}/second-factor", post(policy_page))
}

/// What `/api/v1/me` says of the caller's second factor.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorStatus {
    /// Whether one is set up.
    pub enrolled: bool,
    /// Recovery codes not yet spent.
    pub recovery_codes_left: u32,
}

/// The caller's second factor.
pub(crate) async fn status(state: &AppState, user: UserId) -> Result<SecondFactorStatus, ApiError> {
    let e = state.store.second_factor(user).await?;
    Ok(SecondFactorStatus {
        enrolled: e.is_some(),
        recovery_codes_left: e.map_or(0, |e| e.recovery_left),
    })
}
