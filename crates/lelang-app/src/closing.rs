//! A tender's closing: appended once its deadline has passed, by whoever asks first — the closer
//! timer every second, or a request that needs it (a bid's proof, the opening) — and its
//! checkpoint signed and kept, so that every commitment before the deadline is provably in it.

use crate::committer::Committer;
use crate::log::TransparencyLog;
use crate::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::submission::{self, Closing};
use lelang_core::tender::PublicTender;
use std::time::Duration;

/// The tender's closing, appending it first if the deadline has passed and nobody has yet (None
/// before the deadline). Its checkpoint is signed and kept.
pub async fn ensure_closed<E: From<AppError> + Send + 'static>(
    app: &App,
    committer: &Committer<E>,
    log: &TransparencyLog,
    tender: &PublicTender,
) -> Result<Option<Closing>, E> {
    let store = app.store.as_ref();
    if let Some(c) = store.closing(tender.package_id).await.map_err(AppError::from)? {
        return Ok(Some(c));
    }
    if app.clock.now() < tender.submission_deadline {
        return Ok(None);
    }
    let t = tender.clone();
    let appended = committer
        .commit(move |cx| {
            submission::close_submission(&t, false, cx)
                .map_err(AppError::from)?
                .ok_or_else(|| {
                    AppError::Command(CommandError::Invalid {
                        field: "package_id",
                        code: "submission-open",
                    })
                    .into()
                })
        })
        .await;
    // Whoever appended it (this call, another request, another server), the closing is read back;
    // only when there is none does the failure to append it count.
    let closing = store.closing(tender.package_id).await.map_err(AppError::from)?;
    let c = match (closing, appended) {
        (Some(c), _) => c,
        (None, Err(e)) => return Err(e),
        (None, Ok(_)) => return Err(AppError::Broken("closing not stored".into()).into()),
    };
    log.checkpoint_of(store, app.clock.as_ref(), c.size())
        .await
        .map_err(AppError::from)?;
    Ok(Some(c))
}

/// Closes every tender whose deadline has passed, once a second: the server's own clock work.
pub async fn run_closer<E: From<AppError> + std::fmt::Debug + Send + 'static>(
    app: App,
    committer: Committer<E>,
    log: std::sync::Arc<TransparencyLog>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let due = match app.store.unclosed_tenders(app.clock.now()).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(error = %e, "reading tenders to close failed");
                continue;
            }
        };
        for package in due {
            let closed = match app.store.public_tender(package).await {
                Ok(Some(t)) => ensure_closed(&app, &committer, &log, &t).await.map(|_| ()),
                Ok(None) => Ok(()),
                Err(e) => Err(E::from(AppError::from(e))),
            };
            if let Err(e) = closed {
                tracing::warn!(?e, %package, "closing a tender failed");
            }
        }
    }
}
