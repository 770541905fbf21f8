//! The group committer: one task that decides each queued change with the clock *as it is
//! appended* and group-commits whatever queued while the previous batch was being synced, so that
//! time-stamping and appending are one step and a burst costs one sync per batch, not per request.
//! The deadline rush's commitments go through it, and so do the closings the timers append.
//!
//! Its error type is the caller's (`E`), so a decision can refuse in the caller's own terms (a
//! commitment judged late at the instant it was appended); the committer's own failures arrive as
//! an [`AppError`] converted into it.

use crate::{App, AppError};
use lelang_core::Cx;
use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::event::Event;
use lelang_core::store::StoreError;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Changes queued beyond this are refused as [`AppError::Busy`] instead of waiting.
pub const QUEUE: usize = 4096;
/// The most changes in one transaction.
pub const BATCH: usize = 512;

/// Decides a change at the instant it is appended.
type Decide<E> = Box<dyn FnOnce(&Cx<'_>) -> Result<Change<Mutation>, E> + Send>;

struct Job<E> {
    decide: Decide<E>,
    reply: oneshot::Sender<Result<Committed, E>>,
}

/// A change as appended: its stored events, with their log positions.
#[derive(Debug)]
pub struct Committed {
    /// Its events.
    pub events: Vec<Event>,
}

/// The group committer (see the module's comment).
pub struct Committer<E> {
    tx: mpsc::Sender<Job<E>>,
}

impl<E> Clone for Committer<E> {
    fn clone(&self) -> Self {
        Self { tx: self.tx.clone() }
    }
}

impl<E: From<AppError> + Send + 'static> Committer<E> {
    /// Starts the committing task over the application's store, deciding with its clock and
    /// source of fresh ids, with room for `queue` waiting changes; `sizes` hears how many changes
    /// each group commit carried.
    pub fn start(app: App, sizes: impl Fn(usize) + Send + 'static, queue: usize) -> Self {
        let (tx, rx) = mpsc::channel(queue.max(1));
        tokio::spawn(run(app, rx, sizes));
        Self { tx }
    }

    /// Appends the change `decide` makes at the instant of appending; answers once it is durable.
    pub async fn commit<M: Into<Mutation>>(
        &self,
        decide: impl FnOnce(&Cx<'_>) -> Result<Change<M>, E> + Send + 'static,
    ) -> Result<Committed, E> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            decide: Box::new(move |cx: &Cx<'_>| decide(cx).map(Change::lift)),
            reply,
        };
        match self.tx.try_send(job) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => return Err(AppError::Busy.into()),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(AppError::Stopped.into()),
        }
        answer.await.map_err(|_| E::from(AppError::Stopped))?
    }

    /// [`Committer::commit`] for a command that also decides a value (the bid it stores).
    pub async fn commit_with<T: Send + 'static, M: Into<Mutation>>(
        &self,
        decide: impl FnOnce(&Cx<'_>) -> Result<(T, Change<M>), E> + Send + 'static,
    ) -> Result<(T, Committed), E> {
        let slot: Arc<Mutex<Option<T>>> = Arc::default();
        let fill = slot.clone();
        let c = self
            .commit(move |cx| -> Result<Change<M>, E> {
                let (value, change) = decide(cx)?;
                *fill.lock().unwrap_or_else(|e| e.into_inner()) = Some(value);
                Ok(change)
            })
            .await?;
        let value = slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| E::from(AppError::Broken("committed without its value".into())))?;
        Ok((value, c))
    }
}

async fn run<E: From<AppError>>(app: App, mut rx: mpsc::Receiver<Job<E>>, sizes: impl Fn(usize)) {
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut changes = Vec::with_capacity(jobs.len());
        let mut waiting = Vec::with_capacity(jobs.len());
        for j in jobs {
            match (j.decide)(&app.cx()) {
                Ok(c) => {
                    changes.push(c);
                    waiting.push(j.reply);
                }
                Err(e) => {
                    let _ = j.reply.send(Err(e));
                }
            }
        }
        if changes.is_empty() {
            continue;
        }
        sizes(changes.len());
        match app.store.commit_batch(changes).await {
            Ok(outcomes) => {
                for (reply, out) in waiting.into_iter().zip(outcomes) {
                    let _ = reply.send(
                        out.map(|events| Committed { events })
                            .map_err(|e| E::from(AppError::Store(e))),
                    );
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for reply in waiting {
                    let failed = AppError::Store(StoreError::Backend(msg.clone()));
                    let _ = reply.send(Err(failed.into()));
                }
            }
        }
    }
}
