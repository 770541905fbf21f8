//! The document store: files kept by the SHA-256 of their bytes in a local folder (zero setup).
//! A file is written to a temporary name while it streams in and is hashed, then fsynced, renamed
//! into place and its folder fsynced, so a document the database names is on disk before the
//! database names it. An S3-compatible backend can take this trait's place at scale.

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Why the document store failed.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The file is larger than allowed.
    #[error("file larger than {0} bytes")]
    TooLarge(u64),
    /// Disk or folder trouble (full, permissions).
    #[error("document store: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes on disk no longer match their name.
    #[error("document {0} is damaged")]
    Damaged(String),
}

/// A file received and hashed but not yet in the store: dropped, it disappears.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    kept: bool,
}

impl Staged {
    /// Where the received bytes are until kept (for reading them back in place, e.g. a ZIP).
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The bytes received, for callers that parse a small upload instead of keeping it.
    pub async fn bytes(&self) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(&self.path).await
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Where documents are kept.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Starts receiving a file: chunks go in with [`Receiving::push`].
    async fn receive(&self, limit: u64) -> Result<Receiving, BlobError>;
    /// Makes a staged file durable under its hash (a second copy of the same bytes is a no-op).
    async fn keep(&self, staged: Staged) -> Result<(), BlobError>;
    /// Reads a document back, checking its hash.
    async fn read(&self, sha256: &str) -> Result<Vec<u8>, BlobError>;
    /// Opens a document to stream it, after checking its bytes against its hash (in bounded
    /// memory; once per version of the file on disk, remembered by size and modification time).
    async fn open(&self, sha256: &str) -> Result<(tokio::fs::File, u64), BlobError>;
    /// Continues the resumable upload `name` (a bid's id) at its current end; what is pushed stays
    /// on disk between requests (synced by [`Receiving::sync`]) until [`BlobStore::complete`].
    async fn resume(&self, name: &str, limit: u64) -> Result<Receiving, BlobError>;
    /// How many bytes the resumable upload `name` holds (0 if none).
    async fn resumed_len(&self, name: &str) -> Result<u64, BlobError>;
    /// Ends the resumable upload `name`: if its bytes hash to `sha256` they are kept under that
    /// hash, durably, and `true` is returned; otherwise they are discarded. `known` is the hash
    /// and length of what the caller received itself from the first byte (see
    /// [`Receiving::sync`]); it saves a re-read only while the file still has that length.
    async fn complete(&self, name: &str, sha256: &str, known: Option<(&str, u64)>)
    -> Result<bool, BlobError>;
    /// Drops the resumable upload `name`, if any (a replaced or withdrawn commitment's bytes).
    async fn discard(&self, name: &str) -> Result<(), BlobError>;
}

/// A file being received.
#[derive(Debug)]
pub struct Receiving {
    file: tokio::fs::File,
    hasher: Sha256,
    staged: Staged,
    limit: u64,
    /// A resumed upload that began with this request: its hash covers every byte, and its new
    /// name is not yet durable.
    fresh: bool,
    /// Bytes not yet written: bodies arrive in small frames, and each file write is a hop to a
    /// blocking thread, so they are written in pieces of [`WRITE_BUFFER`].
    pending: Vec<u8>,
}

/// How much of an upload is gathered before it is written (per upload in flight).
const WRITE_BUFFER: usize = 256 * 1024;

impl Receiving {
    /// Receiving into `file` at `path`, which holds `size` bytes already; a `resumable` one stays
    /// on disk between requests (only [`BlobStore::complete`] removes it) and hashes every byte
    /// only when it starts empty.
    fn new(file: tokio::fs::File, path: PathBuf, size: u64, limit: u64, resumable: bool) -> Self {
        Self {
            file,
            hasher: Sha256::new(),
            staged: Staged {
                path,
                sha256: String::new(),
                size,
                kept: resumable,
            },
            limit,
            fresh: resumable && size == 0,
            pending: Vec::with_capacity(WRITE_BUFFER),
        }
    }

    /// Appends a chunk, refusing to grow past the limit.
    pub async fn push(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.staged.size += chunk.len() as u64;
        if self.staged.size > self.limit {
            return Err(BlobError::TooLarge(self.limit));
        }
        self.hasher.update(chunk);
        self.pending.extend_from_slice(chunk);
        if self.pending.len() >= WRITE_BUFFER {
            self.file.write_all(&self.pending).await?;
            self.pending.clear();
        }
        Ok(())
    }

    /// Bytes held so far (for a resumed upload, from its start).
    pub fn len(&self) -> u64 {
        self.staged.size
    }

    /// Whether nothing is held yet.
    pub fn is_empty(&self) -> bool {
        self.staged.size == 0
    }

    /// Makes what a resumed upload holds durable and returns its length (the offset a client
    /// continues from) and, when this request received every byte, their hash. `keep_name`: the
    /// upload stays partial, so its new name must survive a crash too (a complete one is renamed
    /// into the store, whose folder is synced then).
    pub async fn sync(mut self, keep_name: bool) -> Result<(u64, Option<String>), BlobError> {
        self.file.write_all(&self.pending).await?;
        self.pending.clear();
        self.file.flush().await?;
        self.file.sync_all().await?;
        if self.fresh
            && keep_name
            && let Some(dir) = self.staged.path.parent()
        {
            sync_dir(dir).await?;
        }
        let hash = self.fresh.then(|| hex(&self.hasher.clone().finalize()));
        Ok((self.staged.size, hash))
    }

    /// Finishes receiving: the bytes are flushed to disk and hashed.
    pub async fn finish(mut self) -> Result<Staged, BlobError> {
        self.file.write_all(&self.pending).await?;
        self.pending.clear();
        self.file.flush().await?;
        self.file.sync_all().await?;
        self.staged.sha256 = hex(&self.hasher.finalize());
        Ok(self.staged)
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The zero-setup store: a local folder.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
    /// Files already checked against their hash, with the size and time they had then.
    verified:
        std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, (u64, std::time::SystemTime)>>>,
}

impl LocalBlobs {
    /// A store in `root` (created if missing).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            verified: Default::default(),
        }
    }

    fn path(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    fn upload_path(&self, name: &str) -> Result<PathBuf, BlobError> {
        let name = uuid::Uuid::parse_str(name).map_err(|_| BlobError::Damaged(name.to_owned()))?;
        Ok(self.root.join("uploads").join(format!("{name}.part")))
    }
}

/// A file's SHA-256 (hex) and length, read in bounded memory.
async fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((hex(&hasher.finalize()), size))
}

/// Creates a folder (and its parents) so that its name survives a crash: each new one is synced
/// into its parent.
async fn create_dir_durably(dir: &Path) -> std::io::Result<()> {
    if tokio::fs::try_exists(dir).await? {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        Box::pin(create_dir_durably(parent)).await?;
    }
    match tokio::fs::create_dir(dir).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(e),
    }
    match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => sync_dir(parent).await,
        None => Ok(()),
    }
}

async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    tokio::fs::File::open(dir).await?.sync_all().await
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn receive(&self, limit: u64) -> Result<Receiving, BlobError> {
        let dir = self.root.join("incoming");
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.part", uuid::Uuid::new_v4()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Receiving::new(file, path, 0, limit, false))
    }

    async fn keep(&self, mut staged: Staged) -> Result<(), BlobError> {
        let target = self
            .path(&staged.sha256)
            .ok_or_else(|| BlobError::Damaged(staged.sha256.clone()))?;
        if tokio::fs::try_exists(&target).await? {
            return Ok(());
        }
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        create_dir_durably(&dir).await?;
        tokio::fs::rename(&staged.path, &target).await?;
        staged.kept = true;
        sync_dir(&dir).await?;
        Ok(())
    }

    async fn read(&self, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let path = self
            .path(sha256)
            .ok_or_else(|| BlobError::Damaged(sha256.to_owned()))?;
        let bytes = tokio::fs::read(&path).await?;
        if hex(&Sha256::digest(&bytes)) != sha256 {
            return Err(BlobError::Damaged(sha256.to_owned()));
        }
        Ok(bytes)
    }

    async fn open(&self, sha256: &str) -> Result<(tokio::fs::File, u64), BlobError> {
        let path = self
            .path(sha256)
            .ok_or_else(|| BlobError::Damaged(sha256.to_owned()))?;
        let meta = tokio::fs::metadata(&path).await?;
        let stamp = (meta.len(), meta.modified()?);
        let known = self
            .verified
            .lock()
            .map(|v| v.get(sha256) == Some(&stamp))
            .unwrap_or(false);
        if !known {
            if hash_file(&path).await?.0 != sha256 {
                return Err(BlobError::Damaged(sha256.to_owned()));
            }
            if let Ok(mut v) = self.verified.lock() {
                v.insert(sha256.to_owned(), stamp);
            }
        }
        Ok((tokio::fs::File::open(&path).await?, meta.len()))
    }

    async fn resume(&self, name: &str, limit: u64) -> Result<Receiving, BlobError> {
        let path = self.upload_path(name)?;
        create_dir_durably(&self.root.join("uploads")).await?;
        let file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        let size = file.metadata().await?.len();
        Ok(Receiving::new(file, path, size, limit, true))
    }

    async fn discard(&self, name: &str) -> Result<(), BlobError> {
        match tokio::fs::remove_file(self.upload_path(name)?).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn resumed_len(&self, name: &str) -> Result<u64, BlobError> {
        match tokio::fs::metadata(self.upload_path(name)?).await {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    async fn complete(
        &self,
        name: &str,
        sha256: &str,
        known: Option<(&str, u64)>,
    ) -> Result<bool, BlobError> {
        let path = self.upload_path(name)?;
        let on_disk = tokio::fs::metadata(&path).await?.len();
        // Trust the caller's hash only for exactly the bytes it received; else read them again.
        let (hash, size) = match known {
            Some((k, n)) if n == on_disk => (k.to_owned(), n),
            _ => hash_file(&path).await?,
        };
        let staged = Staged {
            path,
            sha256: hash,
            size,
            kept: false,
        };
        if staged.sha256 != sha256 {
            return Ok(false);
        }
        self.keep(staged).await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn resumed_uploads_keep_their_bytes_and_are_checked_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = LocalBlobs::new(dir.path());
        let name = uuid::Uuid::new_v4().to_string();
        let whole = b"sealed bid bytes, in two requests".to_vec();
        let sha = hex(&Sha256::digest(&whole));
        // First request: part of the file, kept on disk (its name synced), no hash claimed yet.
        let mut r = blobs.resume(&name, whole.len() as u64).await.expect("resume");
        r.push(&whole[..10]).await.expect("push");
        let (held, hash) = r.sync(true).await.expect("sync");
        assert_eq!(held, 10);
        assert_eq!(blobs.resumed_len(&name).await.expect("len"), 10);
        assert!(hash.is_some(), "a fresh upload hashes what it received");
        // Second request continues where the first stopped; its hash covers only its own bytes.
        let mut r = blobs.resume(&name, whole.len() as u64).await.expect("resume");
        assert_eq!(r.len(), 10);
        r.push(&whole[10..]).await.expect("push");
        let (held, hash) = r.sync(false).await.expect("sync");
        assert_eq!((held, hash), (whole.len() as u64, None));
        // A claimed hash for a different length is not trusted: the bytes are read again.
        assert!(
            blobs
                .complete(&name, &sha, Some(("00", 3)))
                .await
                .expect("complete")
        );
        assert_eq!(blobs.read(&sha).await.expect("kept"), whole);
        assert_eq!(blobs.resumed_len(&name).await.expect("len"), 0);
        // Bytes that do not match the commitment are discarded, not kept.
        let other = uuid::Uuid::new_v4().to_string();
        let mut r = blobs.resume(&other, 100).await.expect("resume");
        r.push(b"not what was committed").await.expect("push");
        let (_, hash) = r.sync(false).await.expect("sync");
        let claimed = hash.expect("fresh");
        assert!(
            !blobs
                .complete(&other, &sha, Some((&claimed, 22)))
                .await
                .expect("complete")
        );
        assert_eq!(blobs.resumed_len(&other).await.expect("len"), 0);
        // More than the commitment's size is refused; a name that is not an id is refused.
        let mut r = blobs
            .resume(&uuid::Uuid::new_v4().to_string(), 4)
            .await
            .expect("resume");
        assert!(matches!(r.push(b"12345").await, Err(BlobError::TooLarge(4))));
        assert!(blobs.resume("../../etc/passwd", 4).await.is_err());
    }

    #[tokio::test]
    async fn stored_by_hash_checked_on_read_and_limited() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blobs = LocalBlobs::new(dir.path());
        let mut r = blobs.receive(10).await.expect("receive");
        r.push(b"spek").await.expect("push");
        r.push(b" v1").await.expect("push");
        let staged = r.finish().await.expect("finish");
        let sha = staged.sha256.clone();
        assert_eq!(sha, hex(&Sha256::digest(b"spek v1")));
        blobs.keep(staged).await.expect("keep");
        assert_eq!(blobs.read(&sha).await.expect("read"), b"spek v1");
        // Nothing left behind in the incoming folder.
        let incoming = std::fs::read_dir(dir.path().join("incoming"))
            .expect("dir")
            .count();
        assert_eq!(incoming, 0);
        // A flipped byte on disk is caught.
        let path = blobs.path(&sha).expect("path");
        std::fs::write(&path, b"spek v2").expect("tamper");
        assert!(matches!(blobs.read(&sha).await, Err(BlobError::Damaged(_))));
        // Past the limit: refused, and the partial file is gone once dropped.
        let mut r = blobs.receive(4).await.expect("receive");
        assert!(matches!(r.push(b"12345").await, Err(BlobError::TooLarge(4))));
        drop(r);
        let incoming = std::fs::read_dir(dir.path().join("incoming"))
            .expect("dir")
            .count();
        assert_eq!(incoming, 0);
        assert!(blobs.read("../../etc/passwd").await.is_err());
    }
}
