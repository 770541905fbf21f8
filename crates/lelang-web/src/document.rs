//! Tender documents over HTTP: uploads (multipart, streamed to the document store and hashed on
//! the way, with a size limit), downloads checked against their published hash, and the
//! clarification minutes generated from the questions and answers.

use crate::AppState;
use crate::WebConfig;
use crate::auth::{self, Ctx};
use crate::blobs::{BlobError, Staged};
use crate::error::{ApiError, Problem};
use crate::tender::load;
use crate::view::error_page;
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lelang_core::document::{Document, DocumentKind, NewDocument};
use lelang_core::ids::{DocumentId, PackageId};
use lelang_core::policy::{Action, authorize};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

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
    fn text(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

async fn read_upload(req: Request, state: &AppState) -> Result<Upload, ApiError> {
    let ctx = req.extensions().get::<Ctx>().cloned();
    // Nobody signed in uploads anything: refused before a byte is read or written.
    if ctx.as_ref().is_none_or(|c| c.user.is_none()) {
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

/// A published document.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    id: Uuid,
    /// specification, addendum, minutes
    kind: String,
    title: String,
    filename: String,
    media_type: String,
    size: u64,
    /// SHA-256 of the file, as published on the log.
    sha256: String,
    version: u32,
    /// What an addendum changed.
    change_note: Option<String>,
    /// RFC 3339.
    published_at: String,
    /// Where to download it.
    href: String,
}

/// The view of a document.
pub(crate) fn view(d: &Document) -> DocumentView {
    DocumentView {
        id: d.id.0,
        kind: d.kind.code().into(),
        title: d.title.clone(),
        filename: d.filename.clone(),
        media_type: d.media_type.clone(),
        size: d.size,
        sha256: d.sha256.clone(),
        version: d.version,
        change_note: d.change_note.clone(),
        published_at: d
            .published_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        href: crate::view::href(d),
    }
}

/// Publishes an uploaded document (specification before the announcement, addendum after).
pub(crate) async fn publish_upload(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    up: Upload,
) -> Result<Document, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    ctx.user_actor()?;
    let Some((filename, staged)) = up.file.as_ref().map(|(n, s)| (n.clone(), s)) else {
        return Err(ApiError::Invalid {
            field: "file".into(),
            code: "file-missing".into(),
        });
    };
    let kind = match up.text("kind").trim() {
        "" | "specification" => DocumentKind::Specification,
        "addendum" => DocumentKind::Addendum,
        _ => {
            return Err(ApiError::Invalid {
                field: "kind".into(),
                code: "invalid-document-kind".into(),
            });
        }
    };
    let supersedes = match up.text("supersedes").trim() {
        "" => None,
        s => Some(DocumentId(Uuid::parse_str(s).map_err(|_| ApiError::Invalid {
            field: "supersedes".into(),
            code: "unknown-document".into(),
        })?)),
    };
    let note = up.text("change_note");
    let title = up.text("title");
    let (size, sha256) = (staged.size, staged.sha256.clone());
    let file = up.file;
    lelang_app::document::publish(
        &state.app,
        &ctx.actor,
        &l.package,
        l.assignment.as_ref(),
        NewDocument {
            kind,
            title,
            filename,
            size,
            sha256,
            supersedes,
            change_note: (!note.trim().is_empty()).then_some(note),
        },
        state.config.max_document_bytes,
        || async {
            if let Some((_, staged)) = file {
                state.blobs.keep(staged).await?;
            }
            Ok(())
        },
    )
    .await
}

/// Generates the clarification minutes from the questions and answers and publishes them as a new
/// version of the tender's minutes (a member of its pokja).
pub(crate) async fn publish_minutes(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
) -> Result<Document, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    authorize(&ctx.actor, Action::RunTender(l.tenant.id))?;
    let tender = state
        .store
        .public_tender(l.package.id)
        .await?
        .ok_or(ApiError::Invalid {
            field: "kind".into(),
            code: "not-announced".into(),
        })?;
    let questions = state.store.questions(l.package.id).await?;
    let now = state.clock.now();
    let text = lelang_core::clarification::minutes_text(
        &tender,
        &l.tenant.name,
        l.assignment.as_ref().map_or(0, |a| a.members.len()),
        &questions,
        &crate::view::local_time(&l.tenant, now),
    );
    let mut r = state.blobs.receive(state.config.max_document_bytes).await?;
    r.push(text.as_bytes()).await?;
    let staged = r.finish().await?;
    lelang_app::document::publish(
        &state.app,
        &ctx.actor,
        &l.package,
        l.assignment.as_ref(),
        NewDocument {
            kind: DocumentKind::Minutes,
            title: "Berita Acara Pemberian Penjelasan".into(),
            filename: "berita-acara-pemberian-penjelasan.txt".into(),
            size: staged.size,
            sha256: staged.sha256.clone(),
            supersedes: None,
            change_note: None,
        },
        state.config.max_document_bytes,
        || async { Ok(state.blobs.keep(staged).await?) },
    )
    .await
}

/// Uploads a tender document (multipart: `file`, `title`, `kind` = specification | addendum,
/// `supersedes`, `change_note`): the PPK or the pokja before the announcement, the pokja's addenda
/// after it.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/documents", tag = "tenders",
    request_body(content_type = "multipart/form-data", description = "file, title, kind, supersedes, change_note"),
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = DocumentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn upload_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    up: Upload,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let doc = publish_upload(&state, &ctx, &slug, id, up).await?;
    Ok((StatusCode::CREATED, Json(view(&doc))))
}

/// Generates and publishes the clarification minutes (a member of the tender's pokja).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/packages/{id}/tender/minutes", tag = "tenders",
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = DocumentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn minutes_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let doc = publish_minutes(&state, &ctx, &slug, id).await?;
    Ok((StatusCode::CREATED, Json(view(&doc))))
}

/// Downloads a document: public once its tender is announced, before that only for the regency's
/// officials who see packages. The bytes are checked against the published hash on the way out.
pub(crate) async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(Uuid, Uuid)>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let package = PackageId(id);
    let d = state
        .store
        .documents(package)
        .await?
        .into_iter()
        .find(|d| d.id.0 == doc)
        .ok_or(ApiError::NotFound)?;
    if state.store.public_tender(package).await?.is_none()
        && authorize(&ctx.actor, Action::ViewPackages(d.tenant_id)).is_err()
    {
        return Err(ApiError::NotFound);
    }
    serve_blob(&state, &d.sha256, &d.filename, &d.media_type, &headers).await
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

async fn upload_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    up: Upload,
) -> Response {
    let kind = up.text("kind");
    let result = async {
        ctx.user_actor()?;
        publish_upload(&state, &ctx, &slug, id, up).await.map(|_| ())
    }
    .await;
    let ok = if kind == "addendum" {
        "addendum-published"
    } else {
        "document-published"
    };
    crate::tender::finish(state.clone(), ctx, slug, id, ok, result).await
}

async fn minutes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    crate::view::PageForm(_): crate::view::PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        publish_minutes(&state, &ctx, &slug, id).await.map(|_| ())
    }
    .await;
    crate::tender::finish(state.clone(), ctx, slug, id, "minutes-published", result).await
}

/// The document routes; uploads may be as large as the configured document limit.
pub fn routes(config: &WebConfig) -> crate::routes::Routes {
    let limit = DefaultBodyLimit::max(
        usize::try_from(config.max_document_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(64 * 1024),
    );
    crate::routes::Routes::new()
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/documents",
            post(upload_api).layer(limit),
        )
        .route(
            "/t/{slug}/packages/{id}/tender/documents",
            post(upload_page).layer(limit),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/tender/minutes",
            post(minutes_api),
        )
        .route("/t/{slug}/packages/{id}/tender/minutes", post(minutes_page))
        .route("/tenders/{id}/documents/{doc}", get(download))
}
