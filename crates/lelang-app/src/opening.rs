//! Opening the bids (pembukaan penawaran): once the submission has closed and the upload grace
//! period has passed, a member of the pokja starts the opening over each company's counting bid;
//! the members' partial decryptions then open them.

use crate::blobs::{BlobError, BlobStore};
use crate::committer::Committer;
use crate::log::TransparencyLog;
use crate::tender::Loaded;
use crate::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::ids::PackageId;
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::sealing::{self, Ceremony, Opening, OpeningBid};
use lelang_core::submission;
use lelang_core::tender::PublicTender;
use lelang_trust::seal;

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
    authorize(actor, Action::RunTender(l.tenant.id)).map_err(AppError::from)?;
    let store = app.store.as_ref();
    let tender = store
        .public_tender(l.package.id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::Command(CommandError::Invalid {
            field: "package_id",
            code: "not-announced",
        }))?;
    let c = store.ceremony(l.package.id).await.map_err(AppError::from)?;
    let existing = store.opening(l.package.id).await.map_err(AppError::from)?;
    let facts = sealing::OpeningFacts {
        tender: &tender,
        assignment: l.assignment.as_ref(),
        ceremony: c.as_ref(),
        existing: existing.as_ref(),
        grace: submission::grace(crate::rules::of(&l.package)?),
    };
    sealing::start_opening(actor, &facts, Vec::new(), &app.cx()).map_err(AppError::from)?;
    crate::closing::ensure_closed(app, committer, log, &tender).await?;
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
