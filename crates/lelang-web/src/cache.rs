//! A short-lived cache of public reads (the tender list and its searches): the page everyone
//! opens is read from the database at most once a second per query, and never served stale after
//! a change committed by this server (the store's data version moves). Changes committed by
//! another server of a PostgreSQL deployment show within the time-to-live.

use crate::error::ApiError;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Value = Arc<dyn Any + Send + Sync>;

struct Entry {
    at: Instant,
    version: u64,
    /// Filled once by the first request; the others wait for it instead of asking the database
    /// too (no stampede when a popular answer expires).
    cell: Arc<tokio::sync::OnceCell<Value>>,
}

/// The cache.
pub struct PublicCache {
    ttl: Duration,
    max_entries: usize,
    entries: Mutex<HashMap<String, Entry>>,
}

impl PublicCache {
    /// A cache keeping answers for `ttl`, at most `max_entries` of them.
    pub fn new(ttl: Duration, max_entries: usize) -> Self {
        Self {
            ttl,
            max_entries,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached answer for `key` if it is younger than the time-to-live and the data has not
    /// changed since (`version`), else `load`'s answer, kept for the next request.
    pub async fn get_or_load<T, F, Fut>(&self, key: String, version: u64, load: F) -> Result<Arc<T>, ApiError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        if self.ttl == Duration::ZERO {
            return Ok(Arc::new(load().await?));
        }
        let now = Instant::now();
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            match entries.get(&key) {
                Some(e) if e.version == version && now.duration_since(e.at) < self.ttl => e.cell.clone(),
                _ => {
                    if entries.len() >= self.max_entries {
                        let ttl = self.ttl;
                        entries.retain(|_, e| now.duration_since(e.at) < ttl && e.version == version);
                        if entries.len() >= self.max_entries {
                            entries.clear();
                        }
                    }
                    let cell = Arc::new(tokio::sync::OnceCell::new());
                    entries.insert(
                        key,
                        Entry {
                            at: now,
                            version,
                            cell: cell.clone(),
                        },
                    );
                    cell
                }
            }
        };
        let value = cell
            .get_or_try_init(|| async { load().await.map(|v| Arc::new(v) as Value) })
            .await?;
        value
            .clone()
            .downcast::<T>()
            .map_err(|_| ApiError::Internal("public cache: one key, two types".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn answers_are_reused_until_they_age_or_the_data_changes() {
        let cache = PublicCache::new(Duration::from_millis(200), 2);
        let loads = AtomicU32::new(0);
        let load = || async { Ok::<_, ApiError>(loads.fetch_add(1, Ordering::SeqCst)) };
        assert_eq!(*cache.get_or_load("a".into(), 1, load).await.expect("a"), 0);
        assert_eq!(
            *cache.get_or_load("a".into(), 1, load).await.expect("a"),
            0,
            "reused"
        );
        assert_eq!(
            *cache.get_or_load("a".into(), 2, load).await.expect("a"),
            1,
            "data changed"
        );
        assert_eq!(*cache.get_or_load("b".into(), 2, load).await.expect("b"), 2);
        assert_eq!(
            *cache.get_or_load("c".into(), 2, load).await.expect("c"),
            3,
            "bounded"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(
            *cache.get_or_load("c".into(), 2, load).await.expect("c"),
            4,
            "aged"
        );
        let off = PublicCache::new(Duration::ZERO, 2);
        assert_eq!(*off.get_or_load("a".into(), 1, load).await.expect("a"), 5);
        assert_eq!(
            *off.get_or_load("a".into(), 1, load).await.expect("a"),
            6,
            "disabled"
        );
    }
}
