//! Limits on what requests may cost: token buckets per sender, and pools that run expensive work
//! (password hashing, spreadsheet parsing, bid decryption) a few jobs at a time with a bounded
//! queue. A request that finds the queue full is told to come back (503 with `Retry-After`) at
//! once, instead of piling up threads and memory until the machine gives out.

use crate::error::ApiError;
use prometheus_client::metrics::counter::Counter;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::sync::Semaphore;

/// A token bucket per key: `burst` at once, refilled at a steady rate. Keys whose bucket is full
/// again are forgotten when the map grows, so many senders cannot grow it without bound.
#[derive(Debug)]
pub struct Buckets<K> {
    burst: f64,
    per_second: f64,
    max_keys: usize,
    map: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq> Buckets<K> {
    /// `burst` at once, then `per_minute`.
    pub fn per_minute(burst: u32, per_minute: u32) -> Self {
        Self::new(burst, f64::from(per_minute.max(1)) / 60.0)
    }

    /// `burst` at once, then `per_hour`.
    pub fn per_hour(burst: u32, per_hour: u32) -> Self {
        Self::new(burst, f64::from(per_hour.max(1)) / 3600.0)
    }

    fn new(burst: u32, per_second: f64) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second,
            max_keys: 100_000,
            map: Mutex::default(),
        }
    }

    /// Takes one token for `key`, or says after how many seconds one will be there.
    pub fn take(&self, key: K) -> Result<(), ApiError> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if map.len() >= self.max_keys {
            let (burst, rate) = (self.burst, self.per_second);
            map.retain(|_, (tokens, last)| *tokens + now.duration_since(*last).as_secs_f64() * rate < burst);
        }
        let (tokens, last) = map.entry(key).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - *tokens) / self.per_second).ceil();
            Err(ApiError::TooManyRequests(wait as u64))
        }
    }
}

/// Expensive work on the blocking pool, at most `workers` jobs at once and at most `queue` more
/// waiting; beyond that, [`ApiError::Overloaded`] at once.
#[derive(Debug)]
pub struct Pool {
    permits: Arc<Semaphore>,
    admitted: AtomicUsize,
    capacity: usize,
    /// Jobs run (on `/metrics`).
    jobs: Counter,
    /// Jobs refused because the queue was full (on `/metrics`).
    refused: Counter,
}

/// A place in a pool's queue, given back when dropped (also when the request is abandoned).
struct Admitted<'a>(&'a AtomicUsize);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A worker of a pool, held by a job that streams (and so cannot be a closure run whole): the
/// worker is freed when this is dropped.
#[derive(Debug)]
pub struct Worker {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Pool {
    /// A pool of `workers` (at least one) with room for `queue` waiting jobs.
    pub fn new(workers: usize, queue: usize) -> Self {
        Self::counted(workers, queue, Counter::default(), Counter::default())
    }

    /// The same, counting jobs run and refused on these counters.
    pub(crate) fn counted(workers: usize, queue: usize, jobs: Counter, refused: Counter) -> Self {
        let workers = workers.max(1);
        Self {
            permits: Arc::new(Semaphore::new(workers)),
            admitted: AtomicUsize::new(0),
            capacity: workers + queue,
            jobs,
            refused,
        }
    }

    /// Jobs running or waiting now.
    pub fn load(&self) -> usize {
        self.admitted.load(Ordering::Acquire)
    }

    /// Runs `job` when a worker is free, or refuses at once when the queue is full.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let admitted = self.admit()?;
        let worker = self.wait(&admitted).await?;
        let done = tokio::task::spawn_blocking(move || {
            let _worker = worker;
            job()
        })
        .await
        .map_err(|e| ApiError::Internal(format!("work pool job: {e}")));
        drop(admitted);
        done
    }

    /// A worker for a streaming job, when one is free; refused at once when the queue is full.
    /// The job's place in the queue is held until the worker is dropped.
    pub async fn worker(&self) -> Result<Worker, ApiError> {
        let admitted = self.admit()?;
        let worker = self.wait(&admitted).await?;
        // Running now: its place in the queue is the worker's.
        drop(admitted);
        Ok(worker)
    }

    fn admit(&self) -> Result<Admitted<'_>, ApiError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            self.refused.inc();
            return Err(ApiError::Overloaded(1));
        }
        self.jobs.inc();
        Ok(Admitted(&self.admitted))
    }

    async fn wait(&self, _admitted: &Admitted<'_>) -> Result<Worker, ApiError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(format!("work pool closed: {e}")))?;
        Ok(Worker { _permit: permit })
    }
}

/// The machine's pools, sized to its cores.
#[derive(Debug)]
pub struct Work {
    /// argon2id: 19 MiB and tens of milliseconds each.
    pub passwords: Pool,
    /// Plan files (CSV and XLSX).
    pub parsing: Pool,
    /// Opening bids: age decryption of files of up to the bid limit, streamed (never refused:
    /// bids wait).
    pub decryption: Pool,
}

impl Work {
    /// Pools of `workers` each (0: one per core), with `queue` waiting jobs each, counted on
    /// `/metrics` by the pool's name.
    pub(crate) fn new(workers: usize, queue: usize, counters: impl Fn(&str) -> (Counter, Counter)) -> Self {
        let workers = if workers == 0 {
            std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
        } else {
            workers
        };
        let pool = |name: &str, queue: usize| {
            let (jobs, refused) = counters(name);
            Pool::counted(workers, queue, jobs, refused)
        };
        Self {
            passwords: pool("passwords", queue),
            parsing: pool("parsing", queue),
            // An opening finishes in the background once begun: its bids wait their turn for a
            // worker rather than fail.
            decryption: pool("decryption", usize::MAX / 2),
        }
    }
}

/// The decryption pool bounds the application layer's opening.
#[async_trait::async_trait]
impl lelang_app::opening::Slots for Pool {
    async fn slot(&self) -> Result<Box<dyn Send>, lelang_app::AppError> {
        self.worker()
            .await
            .map(|w| Box::new(w) as Box<dyn Send>)
            .map_err(|_| lelang_app::AppError::Busy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_refill_and_forget_full_keys() {
        let b = Buckets::per_minute(2, 60);
        assert!(b.take("a").is_ok());
        assert!(b.take("a").is_ok());
        assert!(matches!(b.take("a"), Err(ApiError::TooManyRequests(1))));
        assert!(b.take("b").is_ok(), "each key has its own bucket");
        let small = Buckets {
            max_keys: 3,
            ..Buckets::per_minute(1, 6_000_000)
        };
        for k in 0..10 {
            small.take(k).expect("fresh key");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let kept = small.map.lock().expect("lock").len();
        assert!(kept <= 3, "full buckets are forgotten: {kept} kept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_pool_refuses_at_once_and_frees_its_places() {
        let pool = Arc::new(Pool::new(1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = Arc::new(Mutex::new(rx));
        let blocked = |rx: Arc<Mutex<std::sync::mpsc::Receiver<()>>>| {
            move || {
                let _ = rx.lock().expect("lock").recv();
            }
        };
        let running = tokio::spawn({
            let (pool, rx) = (pool.clone(), rx.clone());
            async move { pool.run(blocked(rx)).await }
        });
        while pool.load() < 1 {
            tokio::task::yield_now().await;
        }
        let waiting = tokio::spawn({
            let (pool, rx) = (pool.clone(), rx.clone());
            async move { pool.run(blocked(rx)).await }
        });
        while pool.load() < 2 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(pool.run(|| ()).await, Err(ApiError::Overloaded(1))));
        tx.send(()).expect("send");
        tx.send(()).expect("send");
        running.await.expect("join").expect("ran");
        waiting.await.expect("join").expect("ran");
        assert_eq!(pool.load(), 0);
        assert_eq!(pool.run(|| 7).await.expect("room again"), 7);
    }
}
