//! Where new ids and salts come from: a source the caller owns and passes in, beside the time.
//!
//! The core decides; it does not reach for the wall clock or the operating system's generator.
//! A command receives a [`Cx`] — the instant it is decided at and a [`Fresh`] source — so that the
//! same commands, at the same instants, from the same seed give byte-identical events (ids,
//! salts, payloads). The server draws its seed from the operating system once at start; tests
//! and tools that must repeat themselves pass one.
//!
//! The stream is SHA-256 over (seed, block number): a hash-based generator whose output cannot
//! be predicted without the seed. Ids are UUIDv7 stamped with the decision's instant (not the
//! wall clock) and, within one millisecond, a counter, so that rows created together still sort
//! in the order they were created (RFC 9562, § 6.2, method 1).

use sha2::{Digest, Sha256};
use std::sync::Mutex;
use time::OffsetDateTime;
use uuid::Uuid;

/// Random bytes that make each commitment of an event unguessable, one set per event.
pub type Salt = [u8; 32];

/// The operating system would not give a seed.
#[derive(Debug, thiserror::Error)]
#[error("no randomness from the operating system")]
pub struct NoRandomness;

/// A source of fresh ids and salts: seeded once, then deterministic.
#[derive(Debug)]
pub struct Fresh(Mutex<State>);

#[derive(Debug)]
struct State {
    seed: [u8; 32],
    block: u64,
    buf: [u8; 32],
    used: usize,
    last_ms: u64,
    counter: u64,
}

/// The largest value of the 42-bit counter within one millisecond.
const COUNTER_MAX: u64 = (1 << 42) - 1;

impl Fresh {
    /// A source seeded by the operating system (what a server runs on).
    pub fn from_os() -> Result<Self, NoRandomness> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| NoRandomness)?;
        Ok(Self::seeded(seed))
    }

    /// A source that repeats itself: the same seed gives the same ids and salts.
    pub const fn seeded(seed: [u8; 32]) -> Self {
        Self(Mutex::new(State {
            seed,
            block: 0,
            buf: [0; 32],
            used: 32,
            last_ms: 0,
            counter: 0,
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `N` fresh bytes.
    pub fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        self.state().fill(&mut out);
        out
    }

    /// A fresh salt for an event's commitments.
    pub fn salt(&self) -> Salt {
        self.bytes()
    }

    /// A fresh UUIDv7 stamped `at`, greater than every id this source gave before.
    pub fn uuid_v7(&self, at: OffsetDateTime) -> Uuid {
        let mut s = self.state();
        let ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        if ms > s.last_ms {
            // A new millisecond: the counter starts at a random value with room to count up.
            let mut r = [0u8; 8];
            s.fill(&mut r);
            (s.last_ms, s.counter) = (ms, u64::from_be_bytes(r) & (COUNTER_MAX >> 1));
        } else if s.counter == COUNTER_MAX {
            (s.last_ms, s.counter) = (s.last_ms + 1, 0);
        } else {
            s.counter += 1;
        }
        let mut r = [0u8; 4];
        s.fill(&mut r);
        let tail = u128::from(u32::from_be_bytes(r));
        let (ms, counter) = (u128::from(s.last_ms & 0xFFFF_FFFF_FFFF), u128::from(s.counter));
        // unix_ts_ms(48) | ver(4) | counter high 12 (rand_a) | var(2) | counter low 30 | random 32
        Uuid::from_u128(
            ms << 80 | 0x7 << 76 | (counter >> 30) << 64 | 0b10 << 62 | (counter & 0x3FFF_FFFF) << 32 | tail,
        )
    }
}

impl State {
    fn fill(&mut self, out: &mut [u8]) {
        for b in out {
            if self.used == self.buf.len() {
                let mut h = Sha256::new();
                h.update(b"lelang/fresh/v1\n");
                h.update(self.seed);
                h.update(self.block.to_be_bytes());
                self.buf = h.finalize().into();
                self.block += 1;
                self.used = 0;
            }
            *b = self.buf[self.used];
            self.used += 1;
        }
    }
}

/// What a command is decided with: the instant and the source of its new ids and salts.
#[derive(Debug, Clone, Copy)]
pub struct Cx<'a> {
    /// When the command is decided (the caller's clock).
    pub now: OffsetDateTime,
    fresh: &'a Fresh,
}

impl<'a> Cx<'a> {
    /// A context deciding at `now`, drawing from `fresh`.
    pub fn new(now: OffsetDateTime, fresh: &'a Fresh) -> Self {
        Self { now, fresh }
    }

    /// A fresh id of any kind, stamped with the decision's instant.
    pub fn id<T: From<Uuid>>(&self) -> T {
        T::from(self.fresh.uuid_v7(self.now))
    }

    /// A fresh salt.
    pub fn salt(&self) -> Salt {
        self.fresh.salt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn the_same_seed_repeats_and_another_does_not() {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let (a, b, c) = (
            Fresh::seeded([7; 32]),
            Fresh::seeded([7; 32]),
            Fresh::seeded([8; 32]),
        );
        let run = |f: &Fresh| (f.uuid_v7(at), f.salt(), f.uuid_v7(at));
        assert_eq!(run(&a), run(&b));
        assert_ne!(run(&a).1, run(&c).1);
    }

    #[test]
    fn ids_are_version_7_stamped_with_the_instant_and_increase() {
        let f = Fresh::seeded([1; 32]);
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let ids: Vec<Uuid> = (0..1000).map(|_| f.uuid_v7(at)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids sort in creation order");
        let first = ids[0];
        assert_eq!(first.get_version_num(), 7);
        assert_eq!(first.get_variant(), uuid::Variant::RFC4122);
        let (secs, _) = first.get_timestamp().expect("v7 carries a time").to_unix();
        assert_eq!(secs as i64, at.unix_timestamp());
        // A clock that steps back does not make an id smaller.
        let earlier = f.uuid_v7(at - Duration::seconds(5));
        assert!(earlier > ids[999]);
    }

    #[test]
    fn a_full_counter_moves_to_the_next_millisecond() {
        let f = Fresh::seeded([2; 32]);
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let a = f.uuid_v7(at);
        f.state().counter = COUNTER_MAX;
        let b = f.uuid_v7(at);
        assert!(b > a);
        let (ta, tb) = (a.get_timestamp().unwrap(), b.get_timestamp().unwrap());
        let ms = |t: uuid::Timestamp| {
            let (s, n) = t.to_unix();
            s * 1000 + u64::from(n) / 1_000_000
        };
        assert_eq!(ms(tb), ms(ta) + 1);
    }
}
