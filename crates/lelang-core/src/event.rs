//! Events: the append-only, totally ordered record under every change.
//!
//! Each state-changing command produces one or more events, stored in the same transaction as the
//! state change. An event's payload is kept as canonical JSON (RFC 8785) so that its bytes are
//! stable: the transparency log hashes exactly these bytes (with confidential fields replaced by
//! commitments in the public form).

//!
//! Each stage owns the enum of its own events (`crate::plan::Event`, …);
//! [`crate::payload::EventPayload`] gathers them above the stages. This module holds only what
//! every event shares, below the stages: the envelope and the [`Payload`] it is built from.

use crate::canonical::{CanonicalError, to_canonical_string};
use crate::ids::{EventId, TenantId, UserId};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// An event's payload: its canonical JSON carries a `type` tag, and it knows its type's name.
pub trait Payload: Serialize {
    /// The event type, as stored in its own column for filtering (from the stage's privacy
    /// table's match, which names every field of every variant).
    fn type_name(&self) -> &'static str;
}

/// The public form new events are published under: the [privacy table](crate::privacy).
pub const PUBLIC_FORM: u8 = 2;

/// The largest payload an event may carry, leaving room for the envelope within a 64 KiB entry.
pub const MAX_PAYLOAD_BYTES: usize = 60_000;

/// An event about to be appended: everything but its position in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Its id.
    pub id: EventId,
    /// When the command was decided.
    pub at: OffsetDateTime,
    /// The regency it belongs to (None: platform-wide).
    pub tenant_id: Option<TenantId>,
    /// Who did it (None: the system itself, e.g. the demo loader or a migration).
    pub actor_id: Option<UserId>,
    /// In which role.
    pub actor_role: Option<Role>,
    /// The event type.
    pub event_type: &'static str,
    /// The payload as canonical JSON.
    pub payload: String,
    /// Random bytes for the commitments that hide its confidential fields in the public log.
    pub salt: crate::fresh::Salt,
    /// The public form it is logged under ([`PUBLIC_FORM`]).
    pub public_form: u8,
}

impl NewEvent {
    /// Builds an event, canonicalising its payload once, here.
    pub fn new(
        cx: &crate::Cx<'_>,
        tenant_id: Option<TenantId>,
        actor_id: Option<UserId>,
        actor_role: Option<Role>,
        payload: &impl Payload,
    ) -> Result<Self, CanonicalError> {
        let payload_text = to_canonical_string(payload)?;
        // A log entry is at most 65,535 bytes (C2SP entry bundles); the envelope needs a little.
        if payload_text.len() > MAX_PAYLOAD_BYTES {
            return Err(CanonicalError::TooLarge(payload_text.len()));
        }
        Ok(Self {
            id: cx.id(),
            // In UTC: the store reads instants back in UTC, and a leaf's bytes (its time as text)
            // must not depend on the offset a caller's clock happened to carry.
            at: cx.now.to_offset(time::UtcOffset::UTC),
            tenant_id,
            actor_id,
            actor_role,
            event_type: payload.type_name(),
            payload: payload_text,
            salt: cx.salt(),
            public_form: PUBLIC_FORM,
        })
    }
}

/// An event as stored: its position `seq` is gapless and totally orders the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the log, from 1.
    pub seq: i64,
    /// Its id.
    pub id: EventId,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Its regency.
    pub tenant_id: Option<TenantId>,
    /// Who did it.
    pub actor_id: Option<UserId>,
    /// In which role.
    pub actor_role: Option<Role>,
    /// The event type.
    pub event_type: String,
    /// The payload as canonical JSON.
    pub payload: String,
    /// The public form it was logged under: 1 before the privacy table, then
    /// [`PUBLIC_FORM`].
    #[serde(skip)]
    pub public_form: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// A clock carrying the regency's offset decides the same instant, and the event holds it in
    /// UTC: the store reads it back in UTC and the log's leaf must hash the same text both times.
    #[test]
    fn an_event_decided_at_a_local_offset_is_held_in_utc() {
        let local = datetime!(2026-11-20 10:00 +7);
        let e = NewEvent::new(
            &crate::fixtures::cx(local),
            None,
            None,
            None,
            &crate::calendar::Event::DayOffRemoved {
                date: time::macros::date!(2026 - 12 - 25),
            },
        )
        .expect("event");
        assert_eq!(e.at, local);
        assert_eq!(e.at.offset(), time::UtcOffset::UTC);
        assert_eq!(e.at, datetime!(2026-11-20 03:00 UTC));
    }
}
