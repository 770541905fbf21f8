//! Open data: the public record as OCDS 1.1.5 release and record packages, a change feed a
//! scraper can follow (cursor paging in publication order), per-process endpoints with ETags,
//! the bulk export shared by `lelang export ocds` and the daily dump, and the page that explains
//! it all.
//!
//! Releases are a projection of the log: before answering, the server folds whatever events were
//! appended since it last looked ([`catch_up`]) and keeps their releases in the store, so every
//! app server answers the same bytes for the same cursor.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::input::{ApiQuery, tenant_or_404};
use askama::Template;
use axum::body::Body;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use lelang_core::Store;
use lelang_core::ids::TenantId;
use lelang_core::policy::{Action, authorize};
use lelang_core::store::{EventFilter, OcdsRelease, ReleaseFilter, StoreError};
use lelang_ocds::Publisher;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

/// Brings the store's releases up to the end of the log. Each app server folds the log itself
/// (the fold remembers names and stages); only releases past the store's cursor are written, and
/// when another server wrote them first, nothing is.
pub async fn catch_up(store: &dyn Store, publisher: &mut Publisher) -> Result<i64, StoreError> {
    loop {
        let events = store
            .events(EventFilter {
                tenant: None,
                after_seq: publisher.folded(),
                limit: 1000,
                newest_first: false,
            })
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(publisher.folded());
        };
        let releases: Vec<OcdsRelease> = events.iter().filter_map(|e| publisher.fold(e)).collect();
        let mut cursor = store.ocds_cursor().await?;
        while cursor < last {
            let fresh: Vec<OcdsRelease> = releases.iter().filter(|r| r.seq > cursor).cloned().collect();
            if store.publish_releases(cursor, last, &fresh).await? {
                break;
            }
            cursor = store.ocds_cursor().await?;
        }
    }
}

async fn caught_up(state: &AppState) -> Result<(), ApiError> {
    let mut p = state.ocds.lock().await;
    catch_up(state.store.as_ref(), &mut p).await?;
    Ok(())
}

/// Paging of the feeds.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The cursor: only what was published after this position (the `after` of the previous
    /// page's `links.next`). Default 0: from the beginning.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// Page size: 1–1000 releases (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// Only this regency's processes (its URL name).
    regency: Option<String>,
}

/// Paging of the records feed: as [`FeedQuery`], with smaller pages (a record holds every
/// release of its process).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordFeedQuery {
    /// The cursor: only what was published after this position (the `after` of the previous
    /// page's `links.next`). Default 0: from the beginning.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// Page size: 1–100 records (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// Only this regency's processes (its URL name).
    regency: Option<String>,
}

impl From<RecordFeedQuery> for FeedQuery {
    fn from(q: RecordFeedQuery) -> Self {
        Self {
            after: q.after,
            limit: q.limit,
            regency: q.regency,
        }
    }
}

async fn feed_params(
    state: &AppState,
    q: &FeedQuery,
    max: u32,
    default: u32,
) -> Result<(i64, u32, Option<TenantId>), ApiError> {
    let limit = q.limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::BadRequest(format!("limit must be 1–{max}")));
    }
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::BadRequest("after must be 0 or more".into()));
    }
    let tenant = match &q.regency {
        Some(slug) => Some(tenant_or_404(state, slug).await?.id),
        None => None,
    };
    Ok((after, limit, tenant))
}

fn next_url(state: &AppState, path: &str, after: i64, limit: u32, regency: Option<&str>) -> String {
    let mut url = state
        .config
        .publication
        .url(&format!("{path}?after={after}&limit={limit}"));
    if let Some(r) = regency {
        url.push_str("&regency=");
        url.push_str(r);
    }
    url
}

/// The release package of the feed: every release, in publication order, after a cursor.
#[utoipa::path(get, path = "/api/v1/ocds/releases", tag = "open data", params(FeedQuery),
    responses((status = 200, description = "an OCDS 1.1 release package; `links.next` continues the feed", content_type = "application/json"),
        (status = 204, description = "nothing published after the cursor yet: ask again later"),
        (status = 304, description = "unchanged (If-None-Match)"), (status = 400, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub(crate) async fn releases_api(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let (after, limit, tenant) = feed_params(&state, &q, 1000, 100).await?;
    caught_up(&state).await?;
    let rows = state
        .store
        .releases(&ReleaseFilter { after, limit, tenant })
        .await?;
    if rows.is_empty() {
        // A package holds at least one release (the schema says so): nothing new is no content.
        return Ok(nothing_new());
    }
    // A change feed: the next page starts after this one's last release, whether or not this
    // one is full (a follower polls it until something new is published); an empty page ends.
    let next = rows.last().map(|r| {
        next_url(
            &state,
            "/api/v1/ocds/releases",
            r.seq,
            limit,
            q.regency.as_deref(),
        )
    });
    let complete = rows.len() == limit as usize;
    let items: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
    Ok(answer(
        &state,
        &uri,
        &headers,
        ExportKind::Releases,
        &items,
        published(&rows),
        next,
        complete,
    ))
}

/// The releases of one contracting process, oldest first.
#[utoipa::path(get, path = "/api/v1/ocds/releases/{ocid}", tag = "open data",
    params(("ocid" = String, Path, description = "ocds-<prefix>-<package id>")),
    responses((status = 200, description = "an OCDS 1.1 release package", content_type = "application/json"),
        (status = 304, description = "unchanged (If-None-Match)"), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn process_releases_api(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(ocid): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    caught_up(&state).await?;
    let rows = process(&state, &ocid).await?;
    let items: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
    Ok(answer(
        &state,
        &uri,
        &headers,
        ExportKind::Releases,
        &items,
        published(&rows),
        None,
        false,
    ))
}

/// The feed of records: each process whose record changed after the cursor, once, at its newest
/// release, with its releases and compiled release.
#[utoipa::path(get, path = "/api/v1/ocds/records", tag = "open data", params(RecordFeedQuery),
    responses((status = 200, description = "an OCDS 1.1 record package; `links.next` continues the feed", content_type = "application/json"),
        (status = 204, description = "no record changed after the cursor yet: ask again later"),
        (status = 304, description = "unchanged (If-None-Match)"), (status = 400, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem)))]
pub(crate) async fn records_api(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<RecordFeedQuery>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let q = FeedQuery::from(q);
    let (after, limit, tenant) = feed_params(&state, &q, 100, 20).await?;
    caught_up(&state).await?;
    let heads = state.store.changed_processes(after, tenant, limit).await?;
    if heads.is_empty() {
        return Ok(nothing_new());
    }
    let records = records_of(state.store.as_ref(), &heads)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let next = heads
        .last()
        .map(|h| next_url(&state, "/api/v1/ocds/records", h.1, limit, q.regency.as_deref()));
    let complete = heads.len() == limit as usize;
    let items: Vec<&str> = records.iter().map(|r| r.1.as_str()).collect();
    let dated = records
        .iter()
        .map(|r| r.2)
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Ok(answer(
        &state,
        &uri,
        &headers,
        ExportKind::Records,
        &items,
        dated,
        next,
        complete,
    ))
}

/// The record of one contracting process.
#[utoipa::path(get, path = "/api/v1/ocds/records/{ocid}", tag = "open data",
    params(("ocid" = String, Path, description = "ocds-<prefix>-<package id>")),
    responses((status = 200, description = "an OCDS 1.1 record package with one record", content_type = "application/json"),
        (status = 304, description = "unchanged (If-None-Match)"), (status = 404, body = crate::error::Problem)))]
pub(crate) async fn record_api(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path(ocid): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    caught_up(&state).await?;
    let rows = process(&state, &ocid).await?;
    let dated = published(&rows);
    let record = lelang_ocds::record(
        &ocid,
        parsed(&rows).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    let record = serde_json::to_string(&record).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(answer(
        &state,
        &uri,
        &headers,
        ExportKind::Records,
        &[&record],
        dated,
        None,
        false,
    ))
}

/// A package of the items, as new as the newest release they hold, as a conditional JSON answer.
#[allow(clippy::too_many_arguments)]
fn answer(
    state: &AppState,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    kind: ExportKind,
    items: &[&str],
    dated: OffsetDateTime,
    next: Option<String>,
    complete: bool,
) -> Response {
    let p = &state.config.publication;
    let body = wrap(p, kind, &p.url(&uri.to_string()), dated, items, next.as_deref());
    conditional(headers, body, next.as_deref(), complete)
}

/// Releases into a release package, records into a record package.
fn wrap(
    p: &lelang_ocds::Publication,
    kind: ExportKind,
    uri: &str,
    date: OffsetDateTime,
    items: &[&str],
    next: Option<&str>,
) -> String {
    let items = items.iter().copied();
    match kind {
        ExportKind::Releases => p.release_package(uri, date, items, next),
        ExportKind::Records => p.record_package(uri, date, items, next),
    }
}

/// The end of a feed, for now: `204`, to be asked again later with the same cursor.
fn nothing_new() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CACHE_CONTROL, "public, max-age=10")],
    )
        .into_response()
}

/// Every release of a process, as kept (404 for an OCID that is not ours or has none).
async fn process(state: &AppState, ocid: &str) -> Result<Vec<OcdsRelease>, ApiError> {
    if !state.config.publication.owns(ocid) {
        return Err(ApiError::NotFound);
    }
    let rows = state.store.process_releases(&[ocid.to_owned()]).await?;
    if rows.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(rows)
}

/// The records of a page of changed processes, in the page's order, from one read of their
/// releases: (position of the newest release, record as JSON, its date).
async fn records_of(
    store: &dyn Store,
    heads: &[(String, i64)],
) -> Result<Vec<(i64, String, OffsetDateTime)>, ExportError> {
    let ocids: Vec<String> = heads.iter().map(|h| h.0.clone()).collect();
    let mut by_ocid: std::collections::HashMap<String, Vec<OcdsRelease>> = Default::default();
    for r in store.process_releases(&ocids).await? {
        by_ocid.entry(r.ocid.clone()).or_default().push(r);
    }
    heads
        .iter()
        .map(|(ocid, seq)| {
            let rows = by_ocid.remove(ocid).unwrap_or_default();
            let record = lelang_ocds::record(ocid, parsed(&rows)?);
            Ok((*seq, serde_json::to_string(&record)?, published(&rows)))
        })
        .collect()
}

/// The kept releases as JSON values, to compile.
fn parsed(rows: &[OcdsRelease]) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    rows.iter().map(|r| serde_json::from_str(&r.body)).collect()
}

/// A package is as new as its newest release, so that an unchanged page keeps its bytes (and its
/// ETag). Packages are never empty (an empty feed page is a 204), so the fallback is never shown.
fn published(rows: &[OcdsRelease]) -> OffsetDateTime {
    #[derive(Deserialize)]
    struct Dated {
        date: String,
    }
    rows.iter()
        .filter_map(|r| serde_json::from_str::<Dated>(&r.body).ok())
        .filter_map(|d| OffsetDateTime::parse(&d.date, &Rfc3339).ok())
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A JSON answer with a strong ETag of its bytes; `304` when the client has them already. A full
/// page of a feed never changes (releases are immutable), so caches may keep it longer.
fn conditional(headers: &HeaderMap, body: String, next: Option<&str>, complete: bool) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let tag = format!(
        "\"{}\"",
        digest
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == tag
        });
    let cache = if complete {
        "public, max-age=3600"
    } else {
        "public, max-age=10"
    };
    let mut r = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Some(n) = next.and_then(|n| HeaderValue::from_str(&format!("<{n}>; rel=\"next\"")).ok()) {
        h.insert(header::LINK, n);
    }
    r
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Every release, in publication order.
    Releases,
    /// Every process's record (releases and compiled release), in the order of their newest
    /// release.
    Records,
}

/// A bulk export.
#[derive(Debug, Clone)]
pub struct Export {
    /// Releases or records.
    pub kind: ExportKind,
    /// 0: JSON Lines of bare releases (records); N: JSON Lines of packages of N each.
    pub package_size: usize,
    /// Only one regency's.
    pub tenant: Option<TenantId>,
    /// The package `uri`.
    pub uri: String,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Writing failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    /// A stored release is not JSON.
    #[error("a stored release is not JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Streams an export to `out`, page by page (memory stays flat whatever the size), after
/// bringing the releases up to the end of the log. `progress` hears the count written so far.
/// Returns the number of releases (or records) written.
pub async fn export(
    store: &dyn Store,
    publisher: &mut Publisher,
    spec: &Export,
    out: &mut (dyn Write + Send),
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<u64, ExportError> {
    catch_up(store, publisher).await?;
    let publication = publisher.publication().clone();
    let mut written = 0u64;
    let mut after = 0i64;
    let mut batch: Vec<String> = Vec::new();
    let flush = |batch: &mut Vec<String>,
                 out: &mut (dyn Write + Send),
                 dated: OffsetDateTime|
     -> std::io::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let items: Vec<&str> = batch.iter().map(String::as_str).collect();
        let line = wrap(&publication, spec.kind, &spec.uri, dated, &items, None);
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        batch.clear();
        Ok(())
    };
    let mut newest = OffsetDateTime::UNIX_EPOCH;
    loop {
        let items: Vec<(i64, String, OffsetDateTime)> = match spec.kind {
            ExportKind::Releases => store
                .releases(&ReleaseFilter {
                    after,
                    limit: 1000,
                    tenant: spec.tenant,
                })
                .await?
                .into_iter()
                .map(|r| {
                    let d = published(std::slice::from_ref(&r));
                    (r.seq, r.body, d)
                })
                .collect(),
            ExportKind::Records => {
                let heads = store.changed_processes(after, spec.tenant, 200).await?;
                records_of(store, &heads).await?
            }
        };
        let Some(last) = items.last().map(|i| i.0) else {
            break;
        };
        after = last;
        for (_, item, dated) in items {
            written += 1;
            newest = newest.max(dated);
            if spec.package_size == 0 {
                out.write_all(item.as_bytes())?;
                out.write_all(b"\n")?;
            } else {
                batch.push(item);
                if batch.len() == spec.package_size {
                    flush(&mut batch, out, newest)?;
                }
            }
        }
        progress(written);
    }
    flush(&mut batch, out, newest)?;
    out.flush()?;
    Ok(written)
}

/// The daily dumps: `releases-YYYY-MM-DD.jsonl.gz` in the document store's `open-data` folder.
pub fn dumps_dir(state: &AppState) -> std::path::PathBuf {
    state.config.documents_dir.join("open-data")
}

/// The dumps kept, newest first: (file name, size in bytes).
pub fn dumps(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            dump_date(&name)?;
            Some((name, e.metadata().ok()?.len()))
        })
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0));
    v
}

/// The date in a dump's file name, if it is one.
fn dump_date(name: &str) -> Option<&str> {
    let date = name.strip_prefix("releases-")?.strip_suffix(".jsonl.gz")?;
    (date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }))
    .then_some(date)
}

/// How many daily dumps are kept.
const KEEP_DUMPS: usize = 14;

/// Writes today's dump (UTC date) unless it exists, then removes dumps beyond the newest
/// [`KEEP_DUMPS`]. The file appears whole or not at all (written aside, synced, renamed).
pub async fn write_daily_dump(state: &AppState) -> Result<Option<String>, ExportError> {
    let dir = dumps_dir(state);
    let today = state.clock.now().date();
    let name = format!("releases-{today}.jsonl.gz");
    let path = dir.join(&name);
    if path.exists() {
        return Ok(None);
    }
    tokio::fs::create_dir_all(&dir).await?;
    let temp = dir.join(format!(".{name}.part"));
    let file = std::fs::File::create(&temp)?;
    let mut gz = flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::default());
    let spec = Export {
        kind: ExportKind::Releases,
        package_size: 0,
        tenant: None,
        uri: state.config.publication.url(&format!("/open-data/{name}")),
    };
    {
        let mut p = state.ocds.lock().await;
        export(state.store.as_ref(), &mut p, &spec, &mut gz, &mut |_| {}).await?;
    }
    let file = gz.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&temp, &path)?;
    for (old, _) in dumps(&dir).into_iter().skip(KEEP_DUMPS) {
        let _ = std::fs::remove_file(dir.join(old));
    }
    Ok(Some(name))
}

/// Keeps a dump of each day: checks every hour (and at start). The dump is compressed on a
/// blocking thread, away from the request handlers.
pub async fn run_dumps(state: AppState) {
    loop {
        let handle = tokio::runtime::Handle::current();
        let st = state.clone();
        let done = tokio::task::spawn_blocking(move || handle.block_on(write_daily_dump(&st))).await;
        match done.unwrap_or_else(|e| Err(ExportError::Io(std::io::Error::other(e.to_string())))) {
            Ok(Some(name)) => tracing::info!(%name, "wrote the daily OCDS dump"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the daily OCDS dump failed; retrying in an hour"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

async fn dump_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    if dump_date(&name).is_none() {
        return Err(ApiError::NotFound);
    }
    let file = tokio::fs::File::open(dumps_dir(&state).join(&name))
        .await
        .map_err(|_| ApiError::NotFound)?;
    let len = file.metadata().await.map_err(|_| ApiError::NotFound)?.len();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        [
            (header::CONTENT_TYPE, "application/gzip".to_owned()),
            (header::CONTENT_LENGTH, len.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// One dump on the page.
pub struct DumpRow {
    /// Its file name.
    pub name: String,
    /// Its size, readable.
    pub size: String,
}

/// The open data page.
#[derive(Template)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    t: Tr,
    nav: crate::templates::Nav,
    prefix_example: String,
    dumps: Vec<DumpRow>,
}

async fn open_data_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ViewPublic)?;
        let t = Tr::new(state.i18n.clone(), ctx.lang);
        let nav = crate::view::nav_for(&state, &ctx, "/open-data").await;
        let page = OpenDataPage {
            t,
            nav,
            prefix_example: state
                .config
                .publication
                .ocid(lelang_core::PackageId(uuid::Uuid::nil())),
            dumps: dumps(&dumps_dir(&state))
                .into_iter()
                .map(|(name, size)| DumpRow {
                    name,
                    size: if size >= 1 << 20 {
                        format!("{:.1} MiB", size as f64 / f64::from(1 << 20))
                    } else {
                        format!("{:.1} KiB", size as f64 / 1024.0)
                    },
                })
                .collect(),
        };
        Ok(crate::view::render(StatusCode::OK, &page))
    }
    .await;
    r.unwrap_or_else(|e| crate::view::fail_page(&state, &ctx, "/open-data", e))
}

/// The open data routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/ocds/releases", get(releases_api))
        .route("/api/v1/ocds/releases/{ocid}", get(process_releases_api))
        .route("/api/v1/ocds/records", get(records_api))
        .route("/api/v1/ocds/records/{ocid}", get(record_api))
        .route("/open-data", get(open_data_page))
        .route("/open-data/{file}", get(dump_file))
}
