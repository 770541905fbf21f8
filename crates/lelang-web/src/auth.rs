//! Who is asking: sessions (browser), API tokens (machines), CSRF tokens, password hashing and
//! sign-in throttling.
//!
//! Secrets never rest in the store: a session cookie and an API token are random 256-bit values of
//! which only the SHA-256 is kept, so a copy of the database opens no session.

use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::limits::Pool;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use lelang_core::TenantId;
use lelang_core::model::{RoleGrant, Session, User};
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "lelang_session";
/// Name of the anonymous CSRF anchor cookie.
pub const PRE_COOKIE: &str = "lelang_pre";
/// Name of the language cookie.
pub const LANG_COOKIE: &str = "lelang_lang";
/// Header carrying the CSRF token on cookie-authenticated API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Prefix of API tokens, so that leaked ones are easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "lelang_";

/// 32 random bytes, URL-safe base64 encoded.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    B64.encode(b)
}

/// SHA-256 of a secret, as stored.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A fresh 128-bit salt from the OS generator.
fn new_salt() -> Result<SaltString, argon2::password_hash::Error> {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    SaltString::encode_b64(&b)
}

/// Hashes a password, here and now (argon2 is deliberately slow: call it off the async workers).
fn hash_now(password: &str) -> Result<String, ApiError> {
    let salt = new_salt().map_err(|e| ApiError::Internal(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Hashes a password on the blocking pool, for the command line and the demo loader (one at a
/// time); request handlers use [`hash_password_in`].
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
}

/// Hashes a password in the machine's password pool: a few at a time, the rest refused.
pub async fn hash_password_in(pool: &Pool, password: String) -> Result<String, ApiError> {
    pool.run(move || hash_now(&password)).await?
}

/// A valid hash of a random password, verified against when the account does not exist so that
/// response time does not reveal which usernames exist.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Verifies a password against a stored hash (or the dummy hash when `hash` is None) in the
/// machine's password pool. False for a missing account whatever the password; refused when the
/// pool is full.
pub async fn verify_password_in(
    pool: &Pool,
    password: String,
    hash: Option<String>,
) -> Result<bool, ApiError> {
    pool.run(move || {
        let exists = hash.is_some();
        let hash = hash.unwrap_or_else(|| {
            DUMMY_HASH
                .get_or_init(|| hash_now(&random_secret()).unwrap_or_default())
                .clone()
        });
        let ok =
            PasswordHash::new(&hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok());
        ok && exists
    })
    .await
}

/// Name of the cookie that marks a browser in which an account signed in before.
pub const DEVICE_COOKIE: &str = "lelang_device";

/// A device cookie for `account`: a random nonce and an HMAC binding it to the account. A
/// browser that holds one is not locked out when strangers fail to sign in as its account.
pub fn device_token(key: &[u8], account: &str) -> String {
    let mut nonce = [0u8; 16];
    rand::rng().fill_bytes(&mut nonce);
    let nonce = B64.encode(nonce);
    format!("{nonce}.{}", device_mac(key, account, &nonce))
}

fn device_mac(key: &[u8], account: &str, nonce: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"lelang-device-v1:");
    mac.update(account.as_bytes());
    mac.update(b":");
    mac.update(nonce.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// The nonce of a device cookie, if it was issued for `account` by this deployment.
pub fn device_of<'a>(key: &[u8], account: &str, token: &'a str) -> Option<&'a str> {
    let (nonce, mac) = token.split_once('.')?;
    let expected = device_mac(key, account, nonce);
    (nonce.len() <= 32 && !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(mac.as_bytes())))
        .then_some(nonce)
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly and SameSite always; Secure unless the deployment says it runs
/// without TLS (development only).
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: Option<i64>,
    secure: bool,
    same_site: &str,
) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// The CSRF token for an anchor (a session id, or the anonymous anchor cookie): an HMAC under the
/// deployment's secret, so it cannot be forged and changes with every new session.
pub fn csrf_token(key: &[u8], anchor: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"lelang-csrf-v1:");
    mac.update(anchor.as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// Compares a submitted CSRF token in constant time.
pub fn csrf_ok(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && expected.as_bytes().ct_eq(submitted.as_bytes()).into()
}

/// Everything a handler needs to know about the request's sender.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Who is acting.
    pub actor: Actor,
    /// Their user record, if signed in.
    pub user: Option<User>,
    /// The browser session, if the request came with one.
    pub session: Option<Session>,
    /// Whether the request authenticated with an API token (no CSRF needed, no cookies).
    pub via_token: bool,
    /// The language of the answer.
    pub lang: Lang,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// The anonymous anchor to set as a cookie, when the browser has none yet.
    pub new_pre_anchor: Option<String>,
    /// The client address (for throttling).
    pub address: String,
}

impl Ctx {
    /// The signed-in actor or 401.
    pub fn user_actor(&self) -> Result<&UserActor, ApiError> {
        self.actor.user().ok_or(ApiError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("context layer missing".into()))
    }
}

/// Builds the actor for a user acting in one role grant, if the grant still exists and the user
/// may sign in. Revoking a role or disabling a user therefore takes effect on the next request.
pub fn actor_for(user: &User, grants: &[RoleGrant], role: Role, tenant: Option<TenantId>) -> Option<Actor> {
    if !user.active {
        return None;
    }
    let grant = grants.iter().find(|g| g.role == role && g.tenant_id == tenant)?;
    Some(Actor::User(UserActor {
        user_id: user.id,
        username: user.username.clone(),
        role,
        tenant_id: tenant,
        work_unit_id: grant.work_unit_id,
        vendor_id: user.vendor_id,
    }))
}

/// Why a bearer token was refused.
#[derive(Debug)]
pub enum TokenRejection {
    /// Malformed, unknown, revoked or expired.
    Invalid,
    /// The store failed.
    Store(ApiError),
}

/// Resolves an `Authorization: Bearer` token to an actor.
pub async fn actor_from_token(
    state: &AppState,
    token: &str,
    now: OffsetDateTime,
) -> Result<(Actor, User), TokenRejection> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Err(TokenRejection::Invalid);
    }
    let store = &state.store;
    let (t, user, grants) = store
        .token_with_user(&secret_hash(token))
        .await
        .map_err(|e| TokenRejection::Store(e.into()))?
        .ok_or(TokenRejection::Invalid)?;
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
        return Err(TokenRejection::Invalid);
    }
    let actor = actor_for(&user, &grants, t.role, t.tenant_id).ok_or(TokenRejection::Invalid)?;
    if t.last_used_at
        .is_none_or(|at| now - at > time::Duration::minutes(1))
    {
        // Best effort: a failed bookkeeping write must not fail the request.
        let _ = store.touch_api_token(t.id, now).await;
    }
    Ok((actor, user))
}

/// Resolves a session cookie to an actor, ending the session if it timed out.
pub async fn actor_from_session(
    state: &AppState,
    secret: &str,
    now: OffsetDateTime,
) -> Result<Option<(Actor, User, Session)>, ApiError> {
    let store = &state.store;
    let Some(s) = store.session_by_secret(&secret_hash(secret)).await? else {
        return Ok(None);
    };
    let cfg = &state.config;
    if now - s.last_seen_at > cfg.session_idle || now - s.created_at > cfg.session_absolute {
        store.delete_session(s.id).await?;
        return Ok(None);
    }
    let Some(user) = store.user(s.user_id).await? else {
        return Ok(None);
    };
    let grants = store.role_grants(user.id).await?;
    let Some(actor) = actor_for(&user, &grants, s.role, s.tenant_id) else {
        store.delete_session(s.id).await?;
        return Ok(None);
    };
    if now - s.last_seen_at > time::Duration::minutes(1) {
        store.touch_session(s.id, now).await?;
    }
    Ok(Some((actor, user, s)))
}

/// Starts a session for a user in their first role grant; returns the cookie secret.
pub async fn start_session(
    state: &AppState,
    user: &User,
    grants: &[RoleGrant],
) -> Result<Option<String>, ApiError> {
    let Some(grant) = grants.first() else {
        return Ok(None);
    };
    let now = state.clock.now();
    let secret = random_secret();
    let session = Session {
        id: state.app.cx().id(),
        secret_hash: secret_hash(&secret),
        user_id: user.id,
        role: grant.role,
        tenant_id: grant.tenant_id,
        created_at: now,
        last_seen_at: now,
    };
    state.store.create_session(&session).await?;
    Ok(Some(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_bind_to_anchor_and_key() {
        let a = csrf_token(b"key-one", "session-1");
        assert_eq!(a, csrf_token(b"key-one", "session-1"));
        assert_ne!(a, csrf_token(b"key-one", "session-2"));
        assert_ne!(a, csrf_token(b"key-two", "session-1"));
        assert!(csrf_ok(&a, &a));
        assert!(!csrf_ok(&a, ""));
        assert!(!csrf_ok("", ""));
    }

    #[test]
    fn cookies_parse_and_render() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; lelang_session=abc=; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, "lelang_session"), Some("abc="));
        assert_eq!(cookie(&h, "missing"), None);
        let c = set_cookie("x", "y", Some(60), true, "Lax");
        assert_eq!(c, "x=y; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
    }

    #[tokio::test]
    async fn password_hash_round_trip() {
        let pool = Pool::new(1, 4);
        let h = hash_password_in(&pool, "kopi tubruk di ketapang".into())
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let verify = |pw: &str, h: Option<String>| verify_password_in(&pool, pw.to_owned(), h);
        assert!(
            verify("kopi tubruk di ketapang", Some(h.clone()))
                .await
                .expect("pool")
        );
        assert!(!verify("kopi tubruk", Some(h)).await.expect("pool"));
        assert!(!verify("anything", None).await.expect("pool"));
    }

    #[test]
    fn device_cookies_bind_to_their_account_and_key() {
        let t = device_token(b"key", "bwi.ulp");
        let nonce = device_of(b"key", "bwi.ulp", &t).expect("valid");
        assert!(t.starts_with(nonce));
        assert!(device_of(b"key", "bwi.pokja1", &t).is_none(), "another account");
        assert!(device_of(b"other", "bwi.ulp", &t).is_none(), "another deployment");
        assert!(device_of(b"key", "bwi.ulp", "x.y").is_none());
        assert_ne!(t, device_token(b"key", "bwi.ulp"), "a fresh nonce each time");
    }
}
