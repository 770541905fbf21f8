//! The transparency log's identity and its signed checkpoints: what the server, the timers (the
//! closer, the periodic checkpoint) and the HTTP edge all sign with.

use lelang_core::clock::Clock;
use lelang_core::store::{Store, StoreError, StoredCheckpoint};
use lelang_trust::checkpoint::Checkpoint;
use lelang_trust::merkle::{self, Hash};
use lelang_trust::note::NoteSigner;

/// The log's identity: its origin line and the key that signs its checkpoints.
#[derive(Debug)]
pub struct TransparencyLog {
    signer: NoteSigner,
}

impl TransparencyLog {
    /// A log signing as `signer`, whose key name is the origin line.
    pub fn new(signer: NoteSigner) -> Self {
        Self { signer }
    }

    /// The origin line (also the key name).
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The verifier key string, as `/log/key` serves it.
    pub fn verifier_key(&self) -> String {
        self.signer.verifier_key()
    }

    /// Signs `text` (a note body ending in a newline) with the log key: receipts are signed notes
    /// that the same verifier key checks.
    pub fn sign(&self, text: &str) -> Result<String, StoreError> {
        self.signer
            .sign(text)
            .map_err(|e| StoreError::Backend(e.to_string()))
    }

    /// The signed checkpoint of exactly `size` leaves, kept beside the periodic ones. Signatures
    /// are deterministic, so signing the same size again gives the same note.
    pub async fn checkpoint_of(
        &self,
        store: &dyn Store,
        clock: &dyn Clock,
        size: u64,
    ) -> Result<StoredCheckpoint, StoreError> {
        let c = self.signed_checkpoint(store, clock, size).await?;
        store.add_checkpoint(&c).await?;
        Ok(c)
    }

    /// The signed checkpoint of exactly `size` leaves, not stored.
    pub async fn signed_checkpoint(
        &self,
        store: &dyn Store,
        clock: &dyn Clock,
        size: u64,
    ) -> Result<StoredCheckpoint, StoreError> {
        let root = Self::root(store, size).await?;
        let text = Checkpoint {
            origin: self.origin().to_owned(),
            size,
            root,
            extensions: vec![],
        }
        .to_text();
        Ok(StoredCheckpoint {
            size,
            root,
            note: self.sign(&text)?,
            created_at: clock.now(),
        })
    }

    /// The root of the first `size` leaves, from stored nodes.
    pub async fn root(store: &dyn Store, size: u64) -> Result<Hash, StoreError> {
        let ids = merkle::frontier(size);
        let nodes = store.tree_nodes(&ids).await?;
        let hashes = ids
            .iter()
            .map(|id| {
                nodes
                    .get(id)
                    .copied()
                    .ok_or_else(|| StoreError::Backend(format!("log node {id:?} missing")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(merkle::root_from_frontier(&hashes))
    }

    /// The newest checkpoint; the first one is signed on demand so a new log is never without.
    /// Later ones come from [`TransparencyLog::checkpoint`], which the server runs at most once per
    /// configured interval.
    pub async fn latest(&self, store: &dyn Store, clock: &dyn Clock) -> Result<StoredCheckpoint, StoreError> {
        match store.latest_checkpoint().await? {
            Some(c) => Ok(c),
            None => self.checkpoint(store, clock).await,
        }
    }

    /// Signs a checkpoint of the whole tree if it grew since the newest one (or none exists), and
    /// returns the newest checkpoint.
    pub async fn checkpoint(
        &self,
        store: &dyn Store,
        clock: &dyn Clock,
    ) -> Result<StoredCheckpoint, StoreError> {
        let size = store.tree_size().await?;
        if let Some(latest) = store.latest_checkpoint().await?
            && latest.size >= size
        {
            return Ok(latest);
        }
        let c = self.checkpoint_of(store, clock, size).await?;
        Ok(store.latest_checkpoint().await?.unwrap_or(c))
    }
}
