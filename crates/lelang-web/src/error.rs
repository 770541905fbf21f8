//! Errors as RFC 9457 problem details (`application/problem+json`) for the API, and as pages in the
//! user's language for the browser. Nothing a user sends can produce a 500: every rejection has a
//! 4xx here, and the only 5xx are the store failing (503) or a bug (500, logged).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lelang_core::command::CommandError;
use lelang_core::policy::Denied;
use lelang_core::store::{Conflict, StoreError, Unique};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document, with lelang's `code` and per-field `errors` as extensions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type; `about:blank` where the status says it all.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, human-readable summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// An explanation specific to this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable, machine-readable code (also the message key of the web UI).
    pub code: String,
    /// Field errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid input.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The input's name.
    pub field: String,
    /// The rule it broke (a message key).
    pub code: String,
}

/// Every way an API request fails.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body or query could not be read (malformed JSON, wrong types, unknown fields, bad UTF-8).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The body was read but an input broke a rule.
    #[error("invalid {field}: {code}")]
    Invalid {
        /// The input.
        field: String,
        /// The rule.
        code: String,
    },
    /// No or bad credentials.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Signed in, not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Missing or wrong CSRF token on a cookie-authenticated change.
    #[error("csrf")]
    Csrf,
    /// No such thing (or not visible to this actor).
    #[error("not found")]
    NotFound,
    /// The method is not allowed on this path.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// It exists already.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The body is larger than allowed.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Too many attempts; retry after the given seconds.
    #[error("too many requests")]
    TooManyRequests(u64),
    /// The store is unreachable.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Too busy right now: try again after this many seconds.
    #[error("overloaded")]
    Overloaded(u64),
    /// The document store is full: nothing was stored.
    #[error("insufficient storage")]
    InsufficientStorage,
    /// A commitment judged at this server time (RFC 3339), at or after the deadline.
    #[error("late: {0}")]
    Late(String),
    /// A bug.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    /// Status, title and code of this error.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "Bad request", "bad-request".into()),
            ApiError::Invalid { code, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", code.clone())
            }
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "Sign-in required",
                "unauthenticated".into(),
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "Forbidden", "forbidden".into()),
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                "Missing or invalid CSRF token",
                "csrf".into(),
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not found", "not-found".into()),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed",
                "method-not-allowed".into(),
            ),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "Already exists", "conflict".into()),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Payload too large",
                "payload-too-large".into(),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Expected application/json",
                "unsupported-media-type".into(),
            ),
            ApiError::TooManyRequests(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many requests",
                "too-many-requests".into(),
            ),
            ApiError::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "unavailable".into(),
            ),
            ApiError::Overloaded(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Server busy",
                "overloaded".into(),
            ),
            ApiError::InsufficientStorage => (
                StatusCode::INSUFFICIENT_STORAGE,
                "Insufficient storage",
                "insufficient-storage".into(),
            ),
            ApiError::Late(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Submission closed",
                "submission-closed".into(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                "internal".into(),
            ),
        }
    }

    /// The problem document of this error.
    pub fn problem(&self) -> Problem {
        let (status, title, code) = self.parts();
        let detail = match self {
            ApiError::BadRequest(d) => Some(d.clone()),
            ApiError::Conflict(d) => Some(d.clone()),
            ApiError::Late(at) => Some(format!("server time {at}: the submission deadline has passed")),
            // Never echo internal details to clients; they are in the server log.
            _ => None,
        };
        let errors = match self {
            ApiError::Invalid { field, code } => vec![FieldError {
                field: field.clone(),
                code: code.clone(),
            }],
            _ => Vec::new(),
        };
        Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status: status.as_u16(),
            detail,
            code,
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(e) => tracing::error!(error = %e, "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "store unavailable"),
            _ => {}
        }
        let p = self.problem();
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&p).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let ApiError::TooManyRequests(secs) | ApiError::Overloaded(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if matches!(self, ApiError::Unauthenticated) {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"lelang\""),
            );
        }
        resp
    }
}

impl From<Denied> for ApiError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::Unauthenticated => ApiError::Unauthenticated,
            Denied::Forbidden => ApiError::Forbidden,
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Denied(d) => d.into(),
            CommandError::Invalid { field, code } => ApiError::Invalid {
                field: field.into(),
                code: code.into(),
            },
            CommandError::Canonical(lelang_core::canonical::CanonicalError::TooLarge(_)) => {
                ApiError::Invalid {
                    field: "payload".into(),
                    code: "event-too-large".into(),
                }
            }
            CommandError::Canonical(c) => ApiError::Internal(c.to_string()),
        }
    }
}

impl From<lelang_app::AppError> for ApiError {
    fn from(e: lelang_app::AppError) -> Self {
        match e {
            lelang_app::AppError::NotFound => ApiError::NotFound,
            lelang_app::AppError::Command(c) => c.into(),
            lelang_app::AppError::Store(s) => s.into(),
            lelang_app::AppError::Broken(b) => ApiError::Internal(b),
            lelang_app::AppError::Blob(b) => b.into(),
            lelang_app::AppError::Busy => ApiError::Overloaded(1),
            lelang_app::AppError::Stopped => ApiError::Unavailable("committer stopped".into()),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(c) => c.into(),
            StoreError::NotFound(_) => ApiError::NotFound,
            StoreError::Backend(d) | StoreError::Migration(d) => ApiError::Unavailable(d),
        }
    }
}

/// Every refusal of the store, answered in this one place: a closed submission is the vendor's
/// to read as such; the rest are conflicts that say what collided, never database internals.
impl From<Conflict> for ApiError {
    fn from(c: Conflict) -> Self {
        match c {
            Conflict::SubmissionClosed => ApiError::Invalid {
                field: "package_id".into(),
                code: "submission-closed".into(),
            },
            Conflict::TenderCancelled => ApiError::Invalid {
                field: "package_id".into(),
                code: "tender-cancelled".into(),
            },
            Conflict::Duplicate(u) => ApiError::Conflict(match u {
                Unique::TenantSlug => "a regency with this short name exists".into(),
                Unique::Username => "this username is taken".into(),
                Unique::VendorNib => "a vendor with this NIB exists".into(),
                Unique::WorkUnitCode => "a work unit with this code exists in this regency".into(),
                Unique::RoleGrant => "this role is already granted".into(),
                Unique::Record => "already exists".into(),
            }),
            c @ (Conflict::PokjaAssigned
            | Conflict::SetupChanged
            | Conflict::AlreadyAnswered
            | Conflict::CeremonyChanged
            | Conflict::OpeningChanged
            | Conflict::EvaluationChanged
            | Conflict::Changed) => ApiError::Conflict(c.to_string()),
        }
    }
}
