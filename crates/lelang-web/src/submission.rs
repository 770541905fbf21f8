//! Sealed submission over HTTP: commit before the deadline (a signed receipt), upload the sealed
//! file until the grace window ends (resumable), withdraw, and fetch the offline proof bundle.
//!
//! Commitments go through the application's group [`Committer`], which stamps each with the clock
//! *as it is appended* and group-commits whatever queued while the previous batch was synced.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use http_body_util::BodyExt;
use lelang_core::command::CommandError;
use lelang_core::ids::{BidId, PackageId, VendorId};
use lelang_core::policy::{Action, authorize};
use lelang_core::public;
use lelang_core::sealing::Bid;
use lelang_core::submission::{self, Closing, ProofBundle, ProvenEntry, Receipt, Submitter};
use lelang_core::tender::PublicTender;
use lelang_trust::merkle;
use lelang_trust::seal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

pub use lelang_app::committer::{Committed, QUEUE};

/// The group committer, refusing in the API's terms.
pub type Committer = lelang_app::committer::Committer<ApiError>;

/// Per-company limits: a token bucket for commitments and withdrawals, a cap on uploads in flight.
#[derive(Debug)]
pub struct Limits {
    uploads: usize,
    buckets: crate::limits::Buckets<VendorId>,
    in_flight: Mutex<HashMap<VendorId, usize>>,
    uploading: Mutex<std::collections::HashSet<BidId>>,
    graces: Mutex<HashMap<PackageId, time::Duration>>,
}

impl Limits {
    /// `burst` commitments at once, refilled at `per_minute`; `uploads` requests in flight.
    pub fn new(burst: u32, per_minute: u32, uploads: usize) -> Self {
        Self {
            uploads: uploads.max(1),
            buckets: crate::limits::Buckets::per_minute(burst, per_minute),
            in_flight: Mutex::default(),
            uploading: Mutex::default(),
            graces: Mutex::default(),
        }
    }

    fn grace_of(&self, p: PackageId) -> Option<time::Duration> {
        self.graces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&p)
            .copied()
    }

    fn remember_grace(&self, p: PackageId, g: time::Duration) {
        self.graces.lock().unwrap_or_else(|e| e.into_inner()).insert(p, g);
    }

    fn take(&self, v: VendorId) -> Result<(), ApiError> {
        self.buckets.take(v)
    }

    /// A slot for one upload of the company's (of this bid, if one is named: two requests writing
    /// the same bid's file at once would interleave their bytes).
    fn upload(self: &Arc<Self>, v: VendorId, bid: Option<BidId>) -> Result<UploadSlot, ApiError> {
        if let Some(b) = bid
            && !self.uploading.lock().unwrap_or_else(|e| e.into_inner()).insert(b)
        {
            return Err(ApiError::TooManyRequests(1));
        }
        // From here on, dropping the slot frees the bid.
        let mut slot = UploadSlot {
            limits: self.clone(),
            vendor: v,
            bid,
            counted: false,
        };
        let mut f = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let n = f.entry(v).or_insert(0);
        if *n >= self.uploads {
            drop(f);
            return Err(ApiError::TooManyRequests(1));
        }
        *n += 1;
        drop(f);
        slot.counted = true;
        Ok(slot)
    }
}

/// An upload in flight; dropping it frees the slot (and the bid).
struct UploadSlot {
    limits: Arc<Limits>,
    vendor: VendorId,
    bid: Option<BidId>,
    counted: bool,
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        if let Some(b) = self.bid {
            self.limits
                .uploading
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&b);
        }
        if self.counted {
            let mut f = self.limits.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(n) = f.get_mut(&self.vendor) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// What the vendor needs to know about its commitment (also the receipt it keeps).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BidStatus {
    /// The commitment's id.
    pub bid_id: Uuid,
    /// SHA-256 of the sealed file, hex.
    pub sha256: String,
    /// Its length.
    pub size: u64,
    /// Bytes of it the server holds.
    pub received: u64,
    /// Whether it arrived whole and matched.
    pub uploaded: bool,
    /// Its leaf in the log.
    pub log_index: Option<u64>,
    /// The server's time of the commitment.
    pub committed_at: String,
    /// The receipt, a note signed by the log key (`lelang verify receipt` checks it).
    pub receipt: String,
}

/// A commitment: the sealed file's SHA-256 (hex) and length.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitRequest {
    /// SHA-256 of the sealed file, lowercase hex.
    pub sha256: String,
    /// Its length in bytes.
    pub size: u64,
}

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The requesting company, the tender and whether it registered.
#[derive(Clone)]
struct Context {
    vendor: VendorId,
    tender: PublicTender,
    registered: bool,
}

impl Context {
    fn submitter(&self) -> Submitter<'_> {
        Submitter {
            vendor: self.vendor,
            tender: &self.tender,
            registered: self.registered,
        }
    }
}

async fn context(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Context, ApiError> {
    let user = ctx.user_actor()?;
    let vendor = user.vendor_id.ok_or(ApiError::Forbidden)?;
    authorize(&ctx.actor, Action::ActForVendor(vendor))?;
    let package = PackageId(id);
    let (tender, registered) = state
        .store
        .tender_for(package, vendor)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Context {
        vendor,
        tender,
        registered,
    })
}

/// The upload grace window of the tender's rule set (a package's rule set never changes, so it
/// is read once per tender).
async fn grace(state: &AppState, tender: &PublicTender) -> Result<time::Duration, ApiError> {
    if let Some(g) = state.limits.grace_of(tender.package_id) {
        return Ok(g);
    }
    let package = crate::tender::package_of(state, tender.tenant_id, tender.package_id.0).await?;
    let rules = crate::plan::rule_sets()?
        .iter()
        .find(|r| r.id == package.rule_set)
        .ok_or_else(|| ApiError::Internal(format!("rule set {} missing", package.rule_set)))?;
    let g = submission::grace(rules);
    state.limits.remember_grace(tender.package_id, g);
    Ok(g)
}

/// A command refusal, with the server's time when the reason is the deadline.
fn judged(e: CommandError, at: OffsetDateTime) -> ApiError {
    match e {
        CommandError::Invalid {
            code: "submission-closed",
            ..
        } => ApiError::Late(rfc(at)),
        e => e.into(),
    }
}

fn status_of(state: &AppState, bid: &Bid, received: u64) -> Result<BidStatus, ApiError> {
    let receipt = Receipt::of(state.log.origin(), bid)
        .ok_or_else(|| ApiError::Internal("a stored bid without its log index".into()))?;
    Ok(BidStatus {
        bid_id: bid.id.0,
        sha256: bid.sha256.clone(),
        size: bid.size,
        received: if bid.uploaded_at.is_some() {
            bid.size
        } else {
            received
        },
        uploaded: bid.uploaded_at.is_some(),
        log_index: bid.log_index,
        committed_at: rfc(bid.submitted_at),
        receipt: state.log.sign(&receipt.to_text())?,
    })
}

/// The stored bid a committed change inserted, with its log index.
fn committed_bid(bid: Bid, c: &Committed) -> Bid {
    Bid {
        log_index: c.events.first().and_then(|e| u64::try_from(e.seq - 1).ok()),
        ..bid
    }
}

/// Commits to a sealed bid. With `application/json`, the body is a [`CommitRequest`] and the file
/// follows with `PATCH …/content`; with any other type, the body is the sealed (age) file itself,
/// stored and synced before it is committed. Either way the answer carries the signed receipt.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/bids", tag = "submission",
    request_body(content = CommitRequest, description = "the commitment (JSON), or the age file itself (application/octet-stream)"),
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 201, body = BidStatus), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem), (status = 503, body = Problem), (status = 507, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn commit_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<BidStatus>), ApiError> {
    let cx = context(&state, &ctx, id).await?;
    let max = state.config.max_bid_bytes;
    // Refuse before reading a byte what would be refused after.
    let now = state.clock.now();
    submission::may_submit(&ctx.actor, &cx.submitter(), now).map_err(|e| judged(e, now))?;
    state.limits.take(cx.vendor)?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let (sha256, size, staged) = if json {
        let bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        let req: CommitRequest =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        (req.sha256, req.size, None)
    } else {
        let _slot = state.limits.upload(cx.vendor, None)?;
        let staged = receive_sealed(&state, body, max).await?;
        (staged.sha256.clone(), staged.size, Some(staged))
    };
    let uploaded = staged.is_some();
    if let Some(s) = staged {
        state.blobs.keep(s).await?;
    }
    let actor = ctx.actor.clone();
    let (cx_tender, cx_vendor) = (cx.tender.package_id, cx.vendor);
    let (bid, c) = state
        .committer
        .commit_with(move |at| {
            submission::commit_bid(&actor, &cx.submitter(), &sha256, size, max, uploaded, at)
                .map_err(|e| judged(e, at.now))
        })
        .await?;
    let bid = committed_bid(bid, &c);
    discard_partials(&state, cx_tender, cx_vendor, bid.id).await;
    Ok((StatusCode::CREATED, Json(status_of(&state, &bid, 0)?)))
}

/// Drops the partial uploads of the company's other commitments for the tender: once a newer
/// commitment counts (or none does), their bytes can never complete. Best effort.
async fn discard_partials(state: &AppState, package: PackageId, vendor: VendorId, keep: BidId) {
    let Ok(bids) = state.store.vendor_bids(package, vendor).await else {
        return;
    };
    for b in bids.iter().filter(|b| b.id != keep && b.uploaded_at.is_none()) {
        if let Err(e) = state.blobs.discard(&b.id.0.to_string()).await {
            tracing::warn!(error = %e, "discarding a stale partial upload failed");
        }
    }
}

/// The first bytes kept to check that a body is an age file before it is committed.
const HEAD_BYTES: usize = 64 * 1024;

/// Streams a sealed file into the document store, hashed, and checks that it is an age file of
/// X25519 stanzas.
async fn receive_sealed(state: &AppState, body: Body, max: u64) -> Result<crate::blobs::Staged, ApiError> {
    let mut r = state.blobs.receive(max).await?;
    let mut body = body;
    let mut head: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::BadRequest(e.to_string()))?;
        if let Ok(chunk) = frame.into_data() {
            if head.len() < HEAD_BYTES {
                head.extend_from_slice(&chunk[..chunk.len().min(HEAD_BYTES - head.len())]);
            }
            r.push(&chunk).await?;
        }
    }
    let staged = r.finish().await?;
    if staged.size == 0 || seal::ephemeral_shares(head.as_slice()).is_err() {
        return Err(ApiError::Invalid {
            field: "body".into(),
            code: "bid-not-sealed".into(),
        });
    }
    Ok(staged)
}

/// The company's own commitment, by id.
async fn own_bid(state: &AppState, cx: &Context, bid: Uuid) -> Result<(Bid, bool), ApiError> {
    let bids = state.store.vendor_bids(cx.tender.package_id, cx.vendor).await?;
    let current = submission::current_bid(&bids, cx.vendor).map(|b| b.id);
    let b = bids
        .into_iter()
        .find(|b| b.id == BidId(bid) && b.vendor_id == cx.vendor && !b.withdrawn)
        .ok_or(ApiError::NotFound)?;
    let is_current = current == Some(b.id);
    Ok((b, is_current))
}

/// The company's commitment: how much of the file has arrived, and the receipt again.
#[utoipa::path(get, path = "/api/v1/tenders/{id}/bids/{bid}", tag = "submission",
    params(("id" = Uuid, Path, description = "Package id"), ("bid" = Uuid, Path, description = "Bid id")),
    responses((status = 200, body = BidStatus), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn status_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(Uuid, Uuid)>,
) -> Result<Json<BidStatus>, ApiError> {
    let cx = context(&state, &ctx, id).await?;
    let (b, _) = own_bid(&state, &cx, bid).await?;
    let received = state.blobs.resumed_len(&b.id.0.to_string()).await?;
    Ok(Json(status_of(&state, &b, received)?))
}

/// Sends (part of) the sealed file of a commitment: the body is appended at `Upload-Offset`
/// (default 0), which must be what the server holds — a 409 answers the right offset. The file
/// may arrive until the deadline plus the rule set's grace window; once whole it is checked
/// against the commitment, kept, and the bid is complete.
#[utoipa::path(patch, path = "/api/v1/tenders/{id}/bids/{bid}/content", tag = "submission",
    request_body(content_type = "application/octet-stream", description = "bytes of the age file from Upload-Offset"),
    params(("id" = Uuid, Path, description = "Package id"), ("bid" = Uuid, Path, description = "Bid id"),
        ("upload-offset" = Option<u64>, Header, description = "where this body starts in the file")),
    responses((status = 200, body = BidStatus), (status = 409, body = BidStatus), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem), (status = 507, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn upload_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let cx = context(&state, &ctx, id).await?;
    let (b, current) = own_bid(&state, &cx, bid).await?;
    let grace = grace(&state, &cx.tender).await?;
    if b.uploaded_at.is_some() {
        return Ok((StatusCode::OK, Json(status_of(&state, &b, b.size)?)).into_response());
    }
    submission::may_upload(&ctx.actor, &cx.submitter(), &b, current, grace, state.clock.now())?;
    let _slot = state.limits.upload(cx.vendor, Some(b.id))?;
    let offset = match headers.get("upload-offset") {
        None => 0,
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| ApiError::BadRequest("Upload-Offset must be a byte offset".into()))?,
    };
    let name = b.id.0.to_string();
    let mut r = state.blobs.resume(&name, b.size).await?;
    if r.len() != offset {
        let held = r.len();
        drop(r);
        return offset_mismatch(&state, &b, held);
    }
    let mut body = body;
    let mut failed = None;
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => {
                if let Ok(chunk) = f.into_data()
                    && let Err(e) = r.push(&chunk).await
                {
                    failed = Some(ApiError::from(e));
                    break;
                }
            }
            Err(_) => break,
        }
    }
    // What arrived before a cut or a refusal stays, durably: the client resumes from there.
    let whole = r.len() == b.size && failed.is_none();
    let (held, hash) = r.sync(!whole).await?;
    if let Some(e) = failed {
        return Err(e);
    }
    if held < b.size {
        return Ok((StatusCode::OK, Json(status_of(&state, &b, held)?)).into_response());
    }
    if !state
        .blobs
        .complete(&name, &b.sha256, hash.as_deref().map(|h| (h, held)))
        .await
        .map_err(replaced_meanwhile)?
    {
        return Err(ApiError::Invalid {
            field: "body".into(),
            code: "bid-mismatch".into(),
        });
    }
    let actor = ctx.actor.clone();
    let pending = b.clone();
    let (b, _) = state
        .committer
        .commit_with(move |at| {
            Ok(submission::complete_upload(
                &actor,
                &cx.submitter(),
                &pending,
                current,
                grace,
                at,
            )?)
        })
        .await?;
    Ok((StatusCode::OK, Json(status_of(&state, &b, b.size)?)).into_response())
}

/// A partial upload that vanished under its request was dropped because a newer commitment (or a
/// withdrawal) replaced this one meanwhile: the client's mistake to hear about, not a server fault.
fn replaced_meanwhile(e: crate::blobs::BlobError) -> ApiError {
    match e {
        crate::blobs::BlobError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => ApiError::Invalid {
            field: "bid_id".into(),
            code: "bid-replaced".into(),
        },
        e => e.into(),
    }
}

/// 409 as problem+json that also carries the bid's status, so a client resumes from `received`.
fn offset_mismatch(state: &AppState, b: &Bid, held: u64) -> Result<Response, ApiError> {
    let mut body =
        serde_json::to_value(status_of(state, b, held)?).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let serde_json::Value::Object(m) = &mut body {
        m.insert("type".into(), "about:blank".into());
        m.insert("title".into(), "Upload offset mismatch".into());
        m.insert("status".into(), 409.into());
        m.insert("code".into(), "upload-offset".into());
        m.insert(
            "detail".into(),
            format!("the server holds {held} bytes of this file: continue from there").into(),
        );
    }
    let mut resp = (StatusCode::CONFLICT, Json(body)).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(crate::error::PROBLEM_JSON),
    );
    Ok(resp)
}

/// Withdraws the company's current bid before the deadline (logged).
#[utoipa::path(delete, path = "/api/v1/tenders/{id}/bids/{bid}", tag = "submission",
    params(("id" = Uuid, Path, description = "Package id"), ("bid" = Uuid, Path, description = "Bid id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn withdraw_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    let cx = context(&state, &ctx, id).await?;
    let (b, current) = own_bid(&state, &cx, bid).await?;
    if !current {
        return Err(ApiError::Invalid {
            field: "bid_id".into(),
            code: "bid-not-current".into(),
        });
    }
    state.limits.take(cx.vendor)?;
    let actor = ctx.actor.clone();
    state
        .committer
        .commit_with(move |at| {
            submission::withdraw_bid(&actor, &cx.submitter(), Some(&b), at).map_err(|e| judged(e, at.now))
        })
        .await?;
    if let Err(e) = state.blobs.discard(&bid.to_string()).await {
        tracing::warn!(error = %e, "discarding a withdrawn bid's partial upload failed");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The tender's closing, appending it first if the deadline has passed and nobody has yet (None
/// before the deadline): [`lelang_app::closing::ensure_closed`] on the server's committer and log.
pub async fn ensure_closed(state: &AppState, tender: &PublicTender) -> Result<Option<Closing>, ApiError> {
    lelang_app::closing::ensure_closed(&state.app, &state.committer, &state.log, tender).await
}

pub(crate) async fn proven(state: &AppState, index: u64, size: u64) -> Result<ProvenEntry, ApiError> {
    let (event, salt) = state
        .store
        .leaves(index, 1)
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    let entry = public::leaf(&event, &salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    let proof =
        crate::log::proof_hashes(state.store.as_ref(), &merkle::inclusion_ranges(index, size)).await?;
    Ok(ProvenEntry {
        index,
        entry: B64.encode(entry),
        proof,
    })
}

/// The offline proof that a commitment was on time: its receipt, the tender's signed closing
/// checkpoint, and the commitment's and the closing's entries with their inclusion proofs. Only
/// after the deadline (the closing is appended first if nobody has yet).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/bids/{bid}/proof", tag = "submission",
    params(("id" = Uuid, Path, description = "Package id"), ("bid" = Uuid, Path, description = "Bid id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn proof_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(Uuid, Uuid)>,
) -> Result<Json<ProofBundle>, ApiError> {
    let cx = context(&state, &ctx, id).await?;
    let (b, current) = own_bid(&state, &cx, bid).await?;
    // A replaced or withdrawn commitment was on time too, but did not count: no proof says it did.
    if !current {
        return Err(ApiError::Invalid {
            field: "bid_id".into(),
            code: "bid-not-current".into(),
        });
    }
    let closing = ensure_closed(&state, &cx.tender)
        .await?
        .ok_or(ApiError::Invalid {
            field: "package_id".into(),
            code: "submission-open".into(),
        })?;
    let index = b
        .log_index
        .ok_or_else(|| ApiError::Internal("a stored bid without its log index".into()))?;
    let size = closing.size();
    // Signed again rather than stored again: signatures are deterministic, and ensure_closed kept it.
    let checkpoint = state
        .log
        .signed_checkpoint(state.store.as_ref(), state.clock.as_ref(), size)
        .await?;
    Ok(Json(ProofBundle {
        receipt: status_of(&state, &b, 0)?.receipt,
        checkpoint: checkpoint.note,
        commitment: proven(&state, index, size).await?,
        closing: proven(&state, closing.log_index, size).await?,
        log_key: state.log.verifier_key(),
    }))
}

/// The messages the page script shows, by key (`data-msg-KEY`), in the user's language.
fn messages(t: &crate::i18n::Tr) -> Vec<(String, String)> {
    const KEYS: &[&str] = &[
        "sealing",
        "committing",
        "uploading",
        "uploaded",
        "failed",
        "mismatch",
        "withdrawn",
        "missing",
        "retrying",
        "confirm-withdraw",
    ];
    // Refusals the page words itself, by their problem code.
    const CODES: &[&str] = &[
        "submission-closed",
        "not-registered",
        "bid-size",
        "bid-sha256",
        "bid-mismatch",
        "bid-replaced",
        "upload-closed",
        "too-many-requests",
        "overloaded",
        "insufficient-storage",
        "payload-too-large",
    ];
    KEYS.iter()
        .map(|k| ((*k).to_owned(), t.get(&format!("bid-msg-{k}"))))
        .chain(
            CODES
                .iter()
                .map(|c| (format!("code-{c}"), t.get(&format!("bid-error-{c}")))),
        )
        .collect()
}

/// The vendor's sealed-bid page.
#[derive(askama::Template)]
#[template(path = "bid.html")]
pub struct BidPage {
    t: crate::i18n::Tr,
    nav: crate::templates::Nav,
    id: String,
    name: String,
    vendor: String,
    recipient: String,
    fingerprint: String,
    deadline: String,
    grace_end: String,
    open: bool,
    closed: bool,
    can_resume: bool,
    current: Option<BidStatus>,
    messages: Vec<(String, String)>,
}

/// The registered company's page to seal, commit, upload, withdraw and prove its bid.
async fn bid_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<Uuid>) -> Response {
    let path = format!("/tenders/{id}/bid");
    let r = async {
        let cx = context(&state, &ctx, id).await?;
        if !cx.registered {
            return Err(ApiError::Forbidden);
        }
        let recipient = state
            .store
            .ceremony(cx.tender.package_id)
            .await?
            .and_then(|c| c.recipient().map(str::to_owned))
            .ok_or(ApiError::NotFound)?;
        let tenant = state
            .store
            .tenant(cx.tender.tenant_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let grace = grace(&state, &cx.tender).await?;
        let now = state.clock.now();
        let bids = state.store.bids(cx.tender.package_id).await?;
        let current = match submission::current_bid(&bids, cx.vendor) {
            Some(b) => {
                let received = state.blobs.resumed_len(&b.id.0.to_string()).await?;
                let mut s = status_of(&state, b, received)?;
                // People read the regency's local time; the receipt keeps UTC.
                s.committed_at = crate::view::local_time(&tenant, b.submitted_at);
                Some(s)
            }
            None => None,
        };
        let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
        let open = now < cx.tender.submission_deadline;
        let can_resume =
            current.as_ref().is_some_and(|b| !b.uploaded) && submission::upload_open(&cx.tender, grace, now);
        Ok(crate::view::render(
            StatusCode::OK,
            &BidPage {
                messages: messages(&t),
                nav: crate::view::nav_for(&state, &ctx, &path).await,
                id: id.to_string(),
                name: cx.tender.name.clone(),
                vendor: cx.vendor.0.to_string(),
                fingerprint: lelang_core::sealing::fingerprint(&recipient),
                recipient,
                deadline: crate::view::local_time(&tenant, cx.tender.submission_deadline),
                grace_end: crate::view::local_time(&tenant, cx.tender.submission_deadline + grace),
                open,
                closed: state.store.closing(cx.tender.package_id).await?.is_some() || !open,
                can_resume,
                current,
                t,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| crate::view::fail_page(&state, &ctx, &path, e))
}

/// The submission routes; uploads may be as large as the configured bid limit.
pub fn routes(config: &crate::WebConfig) -> crate::routes::Routes {
    let limit = DefaultBodyLimit::max(usize::try_from(config.max_bid_bytes).unwrap_or(usize::MAX));
    crate::routes::Routes::new()
        .route("/api/v1/tenders/{id}/bids", post(commit_api).layer(limit))
        .route(
            "/api/v1/tenders/{id}/bids/{bid}",
            get(status_api).delete(withdraw_api),
        )
        .route(
            "/api/v1/tenders/{id}/bids/{bid}/content",
            patch(upload_api).layer(limit),
        )
        .route("/api/v1/tenders/{id}/bids/{bid}/proof", get(proof_api))
        .route("/tenders/{id}/bid", get(bid_page))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A company has at most `uploads_per_vendor` uploads in flight (4 unless configured), one
    /// per bid; the fifth is told to come back, and a finished one frees its slot.
    #[test]
    fn uploads_in_flight_are_limited_per_company() {
        let defaults = crate::WebConfig::default();
        assert_eq!(defaults.uploads_per_vendor, 4);
        let limits = Arc::new(Limits::new(20, 20, defaults.uploads_per_vendor));
        let (me, other) = (VendorId::new(), VendorId::new());
        let mut slots: Vec<UploadSlot> = (0..4)
            .map(|_| limits.upload(me, Some(BidId::new())).expect("a slot"))
            .collect();
        assert!(matches!(
            limits.upload(me, Some(BidId::new())),
            Err(ApiError::TooManyRequests(1))
        ));
        assert!(
            limits.upload(other, Some(BidId::new())).is_ok(),
            "another company is not held back"
        );
        // One bid is written by one request at a time.
        let bid = BidId::new();
        slots.pop();
        let held = limits.upload(me, Some(bid)).expect("a freed slot");
        assert!(matches!(
            limits.upload(other, Some(bid)),
            Err(ApiError::TooManyRequests(1))
        ));
        drop(held);
        assert!(limits.upload(me, Some(bid)).is_ok());
    }
}
