//! Opening the bids (pembukaan penawaran): once the submission has closed and the upload grace
//! period has passed, a member of the pokja starts the opening over each company's counting bid;
//! the members' partial decryptions then open them.

use crate::blobs::{BlobError, BlobStore};
use crate::committer::Committer;
use crate::log::TransparencyLog;
use crate::tender::Loaded;
use crate::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::document::{Document, DocumentKind};
use lelang_core::ids::PackageId;
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::sealing::{self, Ceremony, Opening, OpeningBid};
use lelang_core::sealing::{BidManifest, BidOutcome};
use lelang_core::submission;
use lelang_core::tender::PublicTender;
use lelang_trust::seal;
use std::io::Read;

/// A machine-wide bound on the bids being decrypted at once (the server's pool; nothing in the
/// demo loader, which runs alone).
#[async_trait::async_trait]
pub trait Slots: Send + Sync {
    /// Waits for a free slot, held until the returned value drops.
    async fn slot(&self) -> Result<Box<dyn Send>, AppError>;
}

/// No bound.
pub struct Unbounded;

#[async_trait::async_trait]
impl Slots for Unbounded {
    async fn slot(&self) -> Result<Box<dyn Send>, AppError> {
        Ok(Box::new(()))
    }
}

/// Why a commitment whose file never arrived cannot be opened.
pub const NOT_UPLOADED: &str = "the sealed file did not arrive within the grace window";

/// Why a bid whose stored file changed cannot be opened.
pub const MISMATCH: &str = "the ciphertext does not match its commitment";

/// A stored bid is gone or no longer matches its hash.
pub fn lost(e: &BlobError) -> bool {
    match e {
        BlobError::Damaged(_) => true,
        BlobError::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        BlobError::TooLarge(_) => false,
    }
}

/// An opening as started, with what its views need beside it.
#[derive(Debug)]
pub struct Started {
    /// The opening.
    pub opening: Opening,
    /// The ceremony whose key opens the bids.
    pub ceremony: Ceremony,
    /// The tender.
    pub tender: PublicTender,
}

/// A member of the pokja starts opening the bids: who and when are checked before any bid is
/// read; the closing is appended first if nobody has yet (it fixes which commitments were on
/// time); then each company's counting bid is fixed with the points every member computes
/// partials for.
pub async fn start<E: From<AppError> + Send + 'static>(
    app: &App,
    committer: &Committer<E>,
    log: &TransparencyLog,
    blobs: &dyn BlobStore,
    actor: &Actor,
    l: &Loaded,
) -> Result<Started, E> {
    let (tender, ..) = facts_of(app, actor, l, true).await?;
    crate::closing::ensure_closed(app, committer, log, &tender).await?;
    Ok(start_closed(app, blobs, actor, l).await?)
}

/// The opening of a tender whose closing is on the log already (the server closes through
/// [`start`]; the demo's history closes its past tenders itself).
pub async fn start_closed(
    app: &App,
    blobs: &dyn BlobStore,
    actor: &Actor,
    l: &Loaded,
) -> Result<Started, AppError> {
    let (tender, c, existing) = facts_of(app, actor, l, false).await?;
    if app.store.closing(l.package.id).await?.is_none() {
        return Err(AppError::Command(CommandError::Invalid {
            field: "package_id",
            code: "submission-open",
        }));
    }
    let facts = sealing::OpeningFacts {
        tender: &tender,
        assignment: l.assignment.as_ref(),
        ceremony: c.as_ref(),
        existing: existing.as_ref(),
        grace: submission::grace(crate::rules::of(&l.package)?),
    };
    let bids = opening_bids(app, blobs, l.package.id).await?;
    let opening = app
        .run(|cx| sealing::start_opening(actor, &facts, bids, cx))
        .await?;
    let ceremony = c.ok_or(AppError::NotFound)?;
    Ok(Started {
        opening,
        ceremony,
        tender,
    })
}

/// The announced tender, its ceremony and any opening; with `check`, whether the actor may open
/// now (decided on no bids, before any is read).
async fn facts_of(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    check: bool,
) -> Result<(PublicTender, Option<Ceremony>, Option<Opening>), AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let store = app.store.as_ref();
    let tender =
        store
            .public_tender(l.package.id)
            .await?
            .ok_or(AppError::Command(CommandError::Invalid {
                field: "package_id",
                code: "not-announced",
            }))?;
    let c = store.ceremony(l.package.id).await?;
    let existing = store.opening(l.package.id).await?;
    if check {
        let facts = sealing::OpeningFacts {
            tender: &tender,
            assignment: l.assignment.as_ref(),
            ceremony: c.as_ref(),
            existing: existing.as_ref(),
            grace: submission::grace(crate::rules::of(&l.package)?),
        };
        sealing::start_opening(actor, &facts, Vec::new(), &app.cx())?;
    }
    Ok((tender, c, existing))
}

/// The counting bid of each company, with the ephemeral shares of its header (or why it has
/// none: its file never arrived, or no longer matches its commitment).
async fn opening_bids(
    app: &App,
    blobs: &dyn BlobStore,
    package: PackageId,
) -> Result<Vec<OpeningBid>, AppError> {
    let all = app.store.bids(package).await?;
    let mut out = Vec::new();
    for b in submission::counting_bids(&all).into_iter().cloned() {
        let opened = if b.uploaded_at.is_none() {
            Err(BlobError::Damaged(NOT_UPLOADED.to_owned()))
        } else {
            blobs.open(&b.sha256).await
        };
        let (points, problem) = match opened {
            Ok((file, _)) => {
                let file = file.into_std().await;
                let shares = tokio::task::spawn_blocking(move || {
                    seal::ephemeral_shares(std::io::BufReader::new(file))
                })
                .await
                .map_err(|e| AppError::Broken(e.to_string()))?;
                match shares {
                    Ok(es) => (es.iter().map(seal::hex32).collect(), None),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                }
            }
            Err(_) if b.uploaded_at.is_none() => (Vec::new(), Some(NOT_UPLOADED.to_owned())),
            Err(e) if lost(&e) => (Vec::new(), Some(MISMATCH.to_owned())),
            Err(e) => return Err(e.into()),
        };
        out.push(OpeningBid {
            bid_id: b.id,
            vendor_id: b.vendor_id,
            sha256: b.sha256,
            size: b.size,
            log_index: b.log_index,
            points,
            problem,
            outcome: None,
        });
    }
    Ok(out)
}

/// Opens one bid: decrypts it with the combined secrets into the document store (streamed, hashed)
/// and checks its manifest.
async fn open_one(
    blobs: &dyn BlobStore,
    slots: &dyn Slots,
    max_bid_bytes: u64,
    c: &Ceremony,
    o: &Opening,
    i: usize,
) -> Result<BidOutcome, AppError> {
    let b = &o.bids[i];
    let fail = |reason: String| BidOutcome {
        opened: false,
        reason: Some(reason),
        plaintext_sha256: None,
        plaintext_size: None,
        price: None,
        schedule: None,
        documents: Vec::new(),
    };
    if let Some(p) = &b.problem {
        return Ok(fail(p.clone()));
    }
    let (Some(secrets), Some(pk)) = (sealing::combined_secrets(c, o, i), sealing::tender_x25519(c)) else {
        return Ok(fail(seal::OpenError::NotForThisTender.to_string()));
    };
    let file = match blobs.open(&b.sha256).await {
        Ok((f, _)) => f.into_std().await,
        Err(e) if lost(&e) => return Ok(fail(MISMATCH.into())),
        Err(e) => return Err(e.into()),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    // One of the machine's decryption workers, held while the bid is decrypted.
    let worker = slots.slot().await?;
    let decrypting = tokio::task::spawn_blocking(move || -> Result<(), seal::OpenError> {
        let _worker = worker;
        let mut r = seal::open(std::io::BufReader::new(file), pk, secrets)?;
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = r
                .read(&mut buf)
                .map_err(|e| seal::OpenError::Payload(e.to_string()))?;
            if n == 0 || tx.blocking_send(buf[..n].to_vec()).is_err() {
                return Ok(());
            }
        }
    });
    let mut recv = blobs.receive(max_bid_bytes).await?;
    while let Some(chunk) = rx.recv().await {
        recv.push(&chunk).await?;
    }
    match decrypting.await.map_err(|e| AppError::Broken(e.to_string()))? {
        Ok(()) => {}
        Err(e) => return Ok(fail(e.to_string())),
    }
    let staged = recv.finish().await?;
    let path = staged.path().to_owned();
    let manifest = tokio::task::spawn_blocking(move || read_manifest(&path))
        .await
        .map_err(|e| AppError::Broken(e.to_string()))?;
    let (sha, size) = (staged.sha256.clone(), staged.size);
    blobs.keep(staged).await?;
    let (reason, price, schedule, documents) = match manifest {
        Err(r) => (Some(r.to_owned()), None, None, Vec::new()),
        Ok(m) => (
            sealing::check_manifest(&m, b, o.package_id)
                .err()
                .map(str::to_owned),
            m.price,
            m.schedule,
            m.documents,
        ),
    };
    Ok(BidOutcome {
        opened: reason.is_none(),
        reason,
        plaintext_sha256: Some(sha),
        plaintext_size: Some(size),
        price,
        schedule,
        documents,
    })
}

/// The manifest at the root of a bid's ZIP archive.
fn read_manifest(path: &std::path::Path) -> Result<BidManifest, &'static str> {
    let f = std::fs::File::open(path).map_err(|_| "the plaintext could not be read")?;
    manifest_of(std::io::BufReader::new(f))
}

/// The most entries a bid's archive may declare (its documents and the manifest), and the
/// largest central directory, checked before the archive is read.
const MAX_BID_ENTRIES: u64 = 1_000;
const MAX_BID_DIRECTORY: u64 = 1024 * 1024;
/// The largest manifest read: a price schedule of a few thousand lines fits.
const MAX_MANIFEST: u64 = 1024 * 1024;

/// The manifest of a bid's plaintext: a ZIP archive whose declared size is checked first, and
/// whose `manifest.json` (with its price schedule) is read up to 1 MiB.
pub fn manifest_of<R: Read + std::io::Seek>(mut r: R) -> Result<BidManifest, &'static str> {
    crate::zipcheck::check(&mut r, MAX_BID_ENTRIES, MAX_BID_DIRECTORY).map_err(|e| match e {
        crate::zipcheck::ZipRefused::TooLarge => "the archive declares too many entries",
        crate::zipcheck::ZipRefused::Malformed => "the plaintext is not a ZIP archive",
    })?;
    let mut z = zip::ZipArchive::new(r).map_err(|_| "the plaintext is not a ZIP archive")?;
    let m = z
        .by_name("manifest.json")
        .map_err(|_| "the archive has no manifest.json")?;
    let mut s = String::new();
    m.take(MAX_MANIFEST)
        .read_to_string(&mut s)
        .map_err(|_| "the manifest is not readable")?;
    serde_json::from_str(&s).map_err(|_| "the manifest is malformed")
}

/// What an opening's last step is bounded by: the largest bid, the largest document.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest plaintext a bid may decrypt to.
    pub max_bid_bytes: u64,
    /// The largest document (the minutes).
    pub max_document_bytes: u64,
}

/// Opens every bid once k members' partials are in, and publishes the minutes (berita acara
/// pembukaan penawaran) listing each company with its read-out price. `local_now` is the time as
/// the regency reads it, for the minutes.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    app: &App,
    blobs: &dyn BlobStore,
    slots: &dyn Slots,
    limits: Limits,
    actor: &Actor,
    l: &Loaded,
    c: &Ceremony,
    o: &Opening,
    local_now: &str,
) -> Result<Opening, AppError> {
    let mut outcomes = Vec::with_capacity(o.bids.len());
    for i in 0..o.bids.len() {
        outcomes.push(open_one(blobs, slots, limits.max_bid_bytes, c, o, i).await?);
    }
    let now = app.clock.now();
    let vendors = app.store.vendors().await?;
    let text = minutes_text(l, c, o, &outcomes, &vendors, local_now);
    let mut r = blobs.receive(limits.max_document_bytes).await?;
    r.push(text.as_bytes()).await?;
    let staged = r.finish().await?;
    let title = "Berita Acara Pembukaan Penawaran";
    let version = app
        .store
        .documents(l.package.id)
        .await?
        .iter()
        .filter(|d| d.title == title)
        .map(|d| d.version)
        .max()
        .unwrap_or(0)
        + 1;
    let by = actor
        .user()
        .ok_or(AppError::Command(CommandError::Denied(
            lelang_core::Denied::Unauthenticated,
        )))?
        .user_id;
    let doc = Document {
        id: app.cx().id(),
        tenant_id: l.tenant.id,
        package_id: l.package.id,
        kind: DocumentKind::Minutes,
        title: title.into(),
        filename: "berita-acara-pembukaan-penawaran.txt".into(),
        media_type: "text/plain".into(),
        size: staged.size,
        sha256: staged.sha256.clone(),
        version,
        supersedes: None,
        change_note: None,
        published_by: by,
        published_at: now,
    };
    blobs.keep(staged).await?;
    app.run(|cx| sealing::complete_opening(actor, c, o, outcomes, Some(doc), cx))
        .await
}

fn minutes_text(
    l: &Loaded,
    c: &Ceremony,
    o: &Opening,
    outcomes: &[BidOutcome],
    vendors: &[lelang_core::model::Vendor],
    local_now: &str,
) -> String {
    let mut s = format!(
        "BERITA ACARA PEMBUKAAN PENAWARAN\n\nPaket: {}\nPemerintah: {}\nWaktu: {}\nKunci tender: {}\nAmbang: {} dari {} anggota pokja; bagian dekripsi diterima dari anggota {}\n\n",
        l.package.name,
        l.tenant.name,
        local_now,
        c.recipient().unwrap_or("-"),
        c.threshold,
        c.members.len(),
        o.partials
            .iter()
            .map(|p| p.member.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    if o.bids.is_empty() {
        s.push_str("Tidak ada penawaran masuk.\n");
    }
    for (n, (b, out)) in o.bids.iter().zip(outcomes).enumerate() {
        let name = vendors
            .iter()
            .find(|v| v.id == b.vendor_id)
            .map_or("-", |v| v.name.as_str());
        s.push_str(&format!(
            "{}. {}\n   Komitmen (SHA-256): {}\n   Ukuran: {} byte; indeks tanda terima: {}\n   Hasil: {}\n",
            n + 1,
            name,
            b.sha256,
            b.size,
            b.log_index.map_or("-".to_owned(), |i| i.to_string()),
            if out.opened {
                format!(
                    "dibuka; harga penawaran {}; SHA-256 isi {}",
                    out.price
                        .map_or("tidak tercantum".to_owned(), |p| format!("Rp {p}")),
                    out.plaintext_sha256.as_deref().unwrap_or("-")
                )
            } else {
                format!("tidak dapat dibuka: {}", out.reason.as_deref().unwrap_or("-"))
            }
        ));
    }
    s
}
