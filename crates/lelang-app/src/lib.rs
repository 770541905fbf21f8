//! The application layer: one function per use case between the edges (HTTP, the demo loader,
//! the timers, the benchmarks) and the pure core.
//!
//! A use case loads what the decision needs from the [`Store`], asks the core with a [`Cx`] —
//! the clock's instant and this process's [`Fresh`] source of ids and salts — and commits the
//! [`Change`] the core decided, atomically. The edges translate their input and the
//! [`AppError`]; they never commit on their own.

use lelang_core::Mutation;
use lelang_core::command::{Change, CommandError};
use lelang_core::policy::Denied;
use lelang_core::{Clock, Cx, Fresh, Store, StoreError, SystemClock};
use std::sync::Arc;

pub mod appeal;
pub mod award_letter;
pub mod blobs;
pub mod cancellation;
pub mod case;
pub mod closing;
pub mod committer;
pub mod complaint;
pub mod contract;
pub mod dashboard;
pub mod document;
pub mod evaluation;
pub mod execution;
pub mod handover;
pub mod inbox;
pub mod log;
pub mod objection;
pub mod opening;
pub mod package;
pub mod period;
pub mod plan;
pub mod pokja;
pub mod rules;
pub mod sealing;
pub mod tender;
pub mod vendor;
pub mod zipcheck;

/// What a use case needs of the process: the store, the clock and the source of fresh ids.
#[derive(Clone)]
pub struct App {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Where new ids and salts come from.
    pub fresh: Arc<Fresh>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// What it names does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// The core refused (not allowed, or an input broke a rule).
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The store refused (a typed conflict) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Too many changes are waiting to be committed: try again in a moment.
    #[error("busy")]
    Busy,
    /// The committing task has stopped (the server is shutting down).
    #[error("the committer stopped")]
    Stopped,
    /// Data built into the program is broken (a bug, never the user's input).
    #[error("broken: {0}")]
    Broken(String),
    /// The document store refused or failed.
    #[error(transparent)]
    Blob(#[from] blobs::BlobError),
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        AppError::Command(CommandError::Denied(d))
    }
}

impl App {
    /// An application over `store`, reading `clock` and drawing from `fresh`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, fresh: Arc<Fresh>) -> Self {
        Self { store, clock, fresh }
    }

    /// An application on the wall clock, seeded by the operating system: what a server and the
    /// command line run on.
    pub fn system(store: Arc<dyn Store>) -> Result<Self, lelang_core::fresh::NoRandomness> {
        Ok(Self::new(
            store,
            Arc::new(SystemClock),
            Arc::new(Fresh::from_os()?),
        ))
    }

    /// A context deciding now.
    pub fn cx(&self) -> Cx<'_> {
        Cx::new(self.clock.now(), &self.fresh)
    }

    /// Decides with a context of now and commits the change; returns what the decision made.
    pub async fn run<T, M: Into<Mutation>>(
        &self,
        decide: impl FnOnce(&Cx<'_>) -> Result<(T, Change<M>), CommandError>,
    ) -> Result<T, AppError> {
        let (made, change) = decide(&self.cx())?;
        self.store.commit(change.lift()).await?;
        Ok(made)
    }

    /// Decides a change that makes nothing to return, and commits it.
    pub async fn apply<M: Into<Mutation>>(
        &self,
        decide: impl FnOnce(&Cx<'_>) -> Result<Change<M>, CommandError>,
    ) -> Result<(), AppError> {
        self.run(|cx| Ok(((), decide(cx)?))).await
    }

    /// Commits a change decided with [`App::cx`], for a use case that must do something between
    /// deciding and committing (keep the file a document names before the document exists).
    pub async fn commit<M: Into<Mutation>>(&self, change: Change<M>) -> Result<(), AppError> {
        self.store.commit(change.lift()).await?;
        Ok(())
    }

    /// Decides a change that may be nothing at all (a read logged only for some readers), and
    /// commits it if there is one.
    pub async fn apply_some<M: Into<Mutation>>(
        &self,
        decide: impl FnOnce(&Cx<'_>) -> Result<Option<Change<M>>, CommandError>,
    ) -> Result<(), AppError> {
        if let Some(change) = decide(&self.cx())? {
            self.store.commit(change.lift()).await?;
        }
        Ok(())
    }
}
