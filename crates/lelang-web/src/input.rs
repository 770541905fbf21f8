//! What a request brings, checked once for every route module (which all import it, and it none
//! of them): the API's JSON body and query parameters, each refused with a problem when it is not
//! exactly what the route declares; the regency a path names; a time zone; a new password.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use lelang_core::model::{Tenant, TimeZone};
use lelang_core::password::check_new_password;
use serde::de::DeserializeOwned;

/// A JSON body: `application/json`, within the size limit, every field known and well-typed.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Every API change needs someone signed in: say so before reading anything they sent.
        if req.extensions().get::<Ctx>().is_none_or(|c| c.user.is_none()) {
            return Err(ApiError::Unauthenticated);
        }
        PublicJson::from_request(req, state)
            .await
            .map(|PublicJson(v)| ApiJson(v))
    }
}

/// A JSON body anyone may send, signed in or not (a complaint, a follow-up code): otherwise read
/// as [`ApiJson`] is.
pub struct PublicJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PublicJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest(e.body_text())
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(PublicJson)
            .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
    }
}

/// Query parameters with unknown ones rejected.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| ApiError::BadRequest(format!("invalid query: {e}")))
    }
}

/// The regency a path names (404 if there is none).
pub(crate) async fn tenant_or_404(state: &AppState, slug: &str) -> Result<Tenant, ApiError> {
    state.store.tenant_by_slug(slug).await?.ok_or(ApiError::NotFound)
}

pub(crate) fn parse_time_zone(s: &str) -> Result<TimeZone, ApiError> {
    TimeZone::from_code(s.trim()).ok_or(ApiError::Invalid {
        field: "time_zone".into(),
        code: "invalid-time-zone".into(),
    })
}

/// Checks a new password against the rules, naming the user's own words.
pub(crate) fn check_password(password: &str, context: &[&str]) -> Result<(), ApiError> {
    check_new_password(password, context).map_err(|e| ApiError::Invalid {
        field: "password".into(),
        code: e.code().into(),
    })
}
