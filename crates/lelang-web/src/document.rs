//! Tender documents over HTTP: uploads (multipart, streamed to the document store and hashed on
//! the way, with a size limit), downloads checked against their published hash, and the
//! clarification minutes generated from the questions and answers.

use crate::AppState;
use crate::WebConfig;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::files::{Upload, serve_blob};
use crate::tender::load;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::document::{Document, DocumentKind, NewDocument};
use lelang_core::ids::{DocumentId, PackageId};
use lelang_core::policy::{Action, authorize};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

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
