//! Files over HTTP, below the pages that take and give them: a multipart upload streamed to the
//! document store and hashed on the way (its CSRF token checked before any file byte is written),
//! and a stored file served as an attachment after its bytes are checked against their hash.

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::blobs::{BlobError, Staged};
use crate::error::ApiError;
use crate::view::error_page;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

impl From<BlobError> for ApiError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::TooLarge(_) => ApiError::PayloadTooLarge,
            BlobError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull => ApiError::InsufficientStorage,
            BlobError::Io(e) => ApiError::Unavailable(format!("document store: {e}")),
            BlobError::Damaged(d) => ApiError::Internal(format!("document {d} damaged")),
        }
    }
}

/// A multipart upload: its text fields and at most one file, already streamed into the document
/// store's incoming folder and hashed. On pages the CSRF token must come before the file, so an
/// upload without it is refused before any file byte is written.
pub(crate) struct Upload {
    pub(crate) fields: HashMap<String, String>,
    pub(crate) file: Option<(String, Staged)>,
}

impl Upload {
    pub(crate) fn text(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

async fn read_upload(req: Request, state: &AppState) -> Result<Upload, ApiError> {
    let ctx = req.extensions().get::<Ctx>().cloned();
    // Nobody signed in uploads anything — but a complainant, who may be anonymous, adds files
    // with their follow-up code, which must open a complaint before a byte of the file is written.
    let by_code = req.uri().path().ends_with("/complaints/follow-up/evidence");
    if !by_code && ctx.as_ref().is_none_or(|c| c.user.is_none()) {
        return Err(ApiError::Unauthenticated);
    }
    let page = !req.uri().path().starts_with("/api/");
    let mut mp = Multipart::from_request(req, state)
        .await
        .map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    let mut csrf_ok = !page;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(e.body_text())
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if !csrf_ok {
                return Err(ApiError::Csrf);
            }
            if up.file.is_some() {
                return Err(ApiError::BadRequest("one file per upload".into()));
            }
            if by_code {
                let address = ctx.as_ref().map(|c| c.address.clone()).unwrap_or_default();
                state.complaint_codes.take(address)?;
                lelang_app::complaint::by_code(&state.app, &up.text("code")).await?;
            }
            let filename = field.file_name().unwrap_or("").to_owned();
            let mut r = state.blobs.receive(state.config.max_document_bytes).await?;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                r.push(&chunk).await?;
            }
            up.file = Some((filename, r.finish().await?));
        } else {
            // Text fields are small: read in chunks and refused past 16 KiB, never whole.
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if bytes.len() + chunk.len() > 16 * 1024 || up.fields.len() >= 20 {
                    return Err(ApiError::PayloadTooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(bytes)
                .map_err(|_| ApiError::BadRequest(format!("field {name} is not UTF-8")))?;
            if name == "csrf" && page {
                let expected = ctx.as_ref().map(|c| c.csrf.as_str()).unwrap_or("");
                if !auth::csrf_ok(expected, &value) {
                    return Err(ApiError::Csrf);
                }
                csrf_ok = true;
            }
            up.fields.insert(name, value);
        }
    }
    if !csrf_ok {
        return Err(ApiError::Csrf);
    }
    Ok(up)
}

impl FromRequest<AppState> for Upload {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = req.extensions().get::<Ctx>().map(|c| c.lang).unwrap_or_default();
        let page = !req.uri().path().starts_with("/api/");
        read_upload(req, state).await.map_err(|e| {
            if !page {
                return e.into_response();
            }
            let (status, key) = match e {
                ApiError::Unauthenticated => {
                    let path = "/login";
                    return axum::response::Redirect::to(path).into_response();
                }
                ApiError::Csrf => (StatusCode::FORBIDDEN, "error-csrf"),
                ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error-payload-too-large"),
                ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable"),
                _ => (StatusCode::BAD_REQUEST, "error-bad-form"),
            };
            error_page(state, lang, status, key)
        })
    }
}

/// A stored file's bytes as an attachment: `304` to a matching `If-None-Match`, else streamed
/// from disk in bounded memory after the bytes were checked against `sha256`, with its name,
/// type, ETag and digest.
pub(crate) async fn serve_blob(
    state: &AppState,
    sha256: &str,
    filename: &str,
    media_type: &str,
    headers: &axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let etag = format!("\"{sha256}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    // Streamed from disk in bounded memory, after the bytes were checked against the hash.
    let (file, len) = state.blobs.open(sha256).await?;
    let mut resp = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("sha-256=:{}:", base64_of_hex(sha256))) {
        h.insert("repr-digest", v);
    }
    Ok(resp)
}

fn base64_of_hex(hex: &str) -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
