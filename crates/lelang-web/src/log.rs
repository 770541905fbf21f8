//! The public transparency log over HTTP, exactly as C2SP tlog-tiles says: the signed checkpoint,
//! the verifier key, hash tiles and entry bundles under `/log/`; JSON inclusion and consistency
//! proofs under `/api/v1/log/`; and the human "Log" page.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::templates::{LogPage, LogRow};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use lelang_core::policy::{Action, authorize};
use lelang_core::public;
use lelang_core::store::Store;
use lelang_trust::merkle;
use lelang_trust::tiles::{self, Tile};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use lelang_app::log::TransparencyLog;

/// The log's routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/log", get(log_page))
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/key", get(key))
        .route("/log/tile/{*path}", get(tile))
        .route("/api/v1/log/proof/inclusion", get(inclusion))
        .route("/api/v1/log/proof/consistency", get(consistency))
}

fn text(body: String, cache: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

async fn checkpoint(State(state): State<AppState>) -> Result<Response, ApiError> {
    let c = state
        .log
        .latest(state.store.as_ref(), state.clock.as_ref())
        .await?;
    Ok(text(c.note, "no-cache"))
}

async fn key(State(state): State<AppState>) -> Response {
    text(format!("{}\n", state.log.verifier_key()), "public, max-age=3600")
}

async fn tile(State(state): State<AppState>, Path(path): Path<String>) -> Result<Response, ApiError> {
    let tile = Tile::parse(&format!("tile/{path}")).map_err(|_| ApiError::NotFound)?;
    let width = u64::from(tile.width);
    let body = if tile.entries {
        let range = tile.leaf_range();
        let leaves = state.store.leaves(range.start, width).await?;
        if (leaves.len() as u64) < width {
            return Err(ApiError::NotFound);
        }
        let entries = leaves
            .iter()
            .map(|(e, salt)| public::leaf(e, salt))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        tiles::encode_bundle(entries.iter().map(Vec::as_slice))
            .map_err(|e| ApiError::Internal(e.to_string()))?
    } else {
        let level = tile.level * tiles::TILE_HEIGHT;
        let hashes = state
            .store
            .tree_level(level, tile.index * tiles::TILE_WIDTH, width)
            .await?;
        if (hashes.len() as u64) < width {
            return Err(ApiError::NotFound);
        }
        hashes.concat()
    };
    // A tile's content never changes: a full tile is cached forever, a partial one briefly since a
    // wider one will soon replace it.
    let cache = if width == tiles::TILE_WIDTH {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response())
}

/// Query of an inclusion proof.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// Leaf index (event `seq` − 1).
    index: u64,
    /// Tree size to prove against (default: the newest checkpoint's).
    size: Option<u64>,
}

/// An inclusion proof (RFC 6962 §2.1.1), hashes in base64.
#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProof {
    index: u64,
    size: u64,
    /// RFC 6962 leaf hash of the entry.
    leaf_hash: String,
    /// Root hash at `size`.
    root: String,
    proof: Vec<String>,
}

/// Query of a consistency proof.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The older tree size.
    old: u64,
    /// The newer tree size (default: the newest checkpoint's).
    new: Option<u64>,
}

/// A consistency proof (RFC 6962 §2.1.2), hashes in base64.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProof {
    old: u64,
    new: u64,
    old_root: String,
    new_root: String,
    proof: Vec<String>,
}

pub(crate) async fn proof_hashes(store: &dyn Store, ranges: &[(u64, u64)]) -> Result<Vec<String>, ApiError> {
    let nodes = store.tree_nodes(&merkle::nodes_for(ranges)).await?;
    let hashes = merkle::hash_ranges(ranges, &nodes).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(hashes.iter().map(|h| B64.encode(h)).collect())
}

async fn size_or_latest(state: &AppState, size: Option<u64>) -> Result<u64, ApiError> {
    let tree = state.store.tree_size().await?;
    match size {
        Some(s) if s > tree => Err(ApiError::BadRequest(format!("the log has {tree} leaves"))),
        Some(s) => Ok(s),
        None => Ok(state
            .log
            .latest(state.store.as_ref(), state.clock.as_ref())
            .await?
            .size),
    }
}

/// The inclusion proof of one leaf (public).
#[utoipa::path(get, path = "/api/v1/log/proof/inclusion", tag = "log", params(InclusionQuery),
    responses((status = 200, body = InclusionProof), (status = 400, body = Problem)))]
pub(crate) async fn inclusion(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::input::ApiQuery(q): crate::input::ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let size = size_or_latest(&state, q.size).await?;
    if q.index >= size {
        return Err(ApiError::BadRequest(format!(
            "index must be below the tree size {size}"
        )));
    }
    let leaf = state
        .store
        .tree_level(0, q.index, 1)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let proof = proof_hashes(state.store.as_ref(), &merkle::inclusion_ranges(q.index, size)).await?;
    let root = TransparencyLog::root(state.store.as_ref(), size).await?;
    Ok(Json(InclusionProof {
        index: q.index,
        size,
        leaf_hash: B64.encode(leaf),
        root: B64.encode(root),
        proof,
    }))
}

/// The consistency proof between two tree sizes (public).
#[utoipa::path(get, path = "/api/v1/log/proof/consistency", tag = "log", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProof), (status = 400, body = Problem)))]
pub(crate) async fn consistency(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::input::ApiQuery(q): crate::input::ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let new = size_or_latest(&state, q.new).await?;
    if q.old > new {
        return Err(ApiError::BadRequest("old must not exceed new".into()));
    }
    let proof = proof_hashes(state.store.as_ref(), &merkle::consistency_ranges(q.old, new)).await?;
    let old_root = TransparencyLog::root(state.store.as_ref(), q.old).await?;
    let new_root = TransparencyLog::root(state.store.as_ref(), new).await?;
    Ok(Json(ConsistencyProof {
        old: q.old,
        new,
        old_root: B64.encode(old_root),
        new_root: B64.encode(new_root),
        proof,
    }))
}

#[derive(Debug, Deserialize, Default)]
struct LogPageQuery {
    before: Option<u64>,
}

/// The public "Log" page: the newest checkpoint, the key to check it with, and the newest
/// entries in their public form, each with its leaf index and a link to its proof.
async fn log_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<LogPageQuery>,
) -> Response {
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ViewPublic)?;
        let c = state
            .log
            .latest(state.store.as_ref(), state.clock.as_ref())
            .await?;
        const PAGE: u64 = 50;
        let end = q.before.unwrap_or(c.size).min(c.size);
        let start = end.saturating_sub(PAGE);
        let leaves = state.store.leaves(start, end - start).await?;
        let mut rows = Vec::with_capacity(leaves.len());
        for (e, salt) in leaves.iter().rev() {
            let leaf = public::leaf(e, salt).map_err(|e| ApiError::Internal(e.to_string()))?;
            let index = (e.seq - 1) as u64;
            rows.push(LogRow {
                index,
                kind: e.event_type.clone(),
                at: e
                    .at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                leaf: String::from_utf8_lossy(&leaf).into_owned(),
                proof: format!("/api/v1/log/proof/inclusion?index={index}&size={}", c.size),
            });
        }
        let t = Tr::new(state.i18n.clone(), ctx.lang);
        for r in &mut rows {
            r.kind = t.get(&format!("event-{}", r.kind));
        }
        let nav = crate::view::nav_for(&state, &ctx, "/log").await;
        let page = LogPage {
            t,
            nav,
            origin: state.log.origin().to_owned(),
            size: c.size,
            root: B64.encode(c.root),
            signed_at: c
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            vkey: state.log.verifier_key(),
            rows,
            older: (start > 0).then(|| format!("/log?before={start}")),
        };
        Ok(crate::view::render(StatusCode::OK, &page))
    }
    .await;
    r.unwrap_or_else(|e| crate::view::fail_page(&state, &ctx, "/log", e))
}
