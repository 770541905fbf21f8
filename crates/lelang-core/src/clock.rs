//! The one source of "now", injectable so that deadlines can be tested to the millisecond.

use std::sync::Mutex;
use time::OffsetDateTime;

/// Where every component asks for the current time.
pub trait Clock: Send + Sync + 'static {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate_to_micros(OffsetDateTime::now_utc())
    }
}

/// Drops sub-microsecond precision: both backends store microseconds, so a time read back equals
/// the time written.
pub fn truncate_to_micros(t: OffsetDateTime) -> OffsetDateTime {
    let ns = t.nanosecond();
    t.replace_nanosecond(ns - ns % 1_000).unwrap_or(t)
}

/// A clock that tests move by hand — or that ticks a fixed step at every reading, so that a burst
/// of concurrent requests is spread across an instant to the microsecond.
#[derive(Debug)]
pub struct FixedClock(Mutex<(OffsetDateTime, time::Duration, u64)>);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new((at, time::Duration::ZERO, 0)))
    }

    /// Moves the clock forward (or back) by `by`.
    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        now.0 += by;
    }

    /// Sets the clock to `at` (and stops it ticking).
    pub fn set(&self, at: OffsetDateTime) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        (g.0, g.1) = (at, time::Duration::ZERO);
    }

    /// Sets the clock to `at`, moving on by `step` after every reading.
    pub fn ticking(&self, at: OffsetDateTime, step: time::Duration) {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        (g.0, g.1) = (at, step);
    }

    /// How many times the clock has been read (to spread a burst across an instant evenly).
    pub fn readings(&self) -> u64 {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).2
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        let mut g = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (t, step, n) = *g;
        *g = (t + step, step, n + 1);
        truncate_to_micros(t)
    }
}
