//! Reading the log: its events, the tree's levels and leaves, and its checkpoints. (Appending is
//! each backend's own: it takes the log's lock, which differs.)

use crate::{Db, Row, args};
use lelang_core::event::Event;
use lelang_core::ids::{EventId, TenantId, UserId};
use lelang_core::public::Salt;
use lelang_core::role::Role;
use lelang_core::store::{EventFilter, StoredCheckpoint};
use lelang_trust::merkle::Hash;
use std::str::FromStr as _;

/// A stored hash (32 bytes).
pub fn hash_of(v: Vec<u8>) -> Result<Hash, sqlx::Error> {
    v.try_into()
        .map_err(|_| sqlx::Error::Decode("a stored hash is not 32 bytes".into()))
}

/// A row of `events`.
pub fn event_row(r: &impl Row) -> Result<Event, sqlx::Error> {
    Ok(Event {
        seq: r.int("seq")?,
        id: EventId(r.uuid("id")?),
        at: r.time("at")?,
        tenant_id: r.opt_uuid("tenant_id")?.map(TenantId),
        actor_id: r.opt_uuid("actor_id")?.map(UserId),
        actor_role: r
            .opt_text("actor_role")?
            .map(|c| Role::from_str(&c).map_err(|e| sqlx::Error::Decode(Box::new(e))))
            .transpose()?,
        event_type: r.text("event_type")?,
        payload: r.text("payload")?,
        public_form: u8::try_from(r.int16("public_form")?).map_err(|e| sqlx::Error::Decode(e.into()))?,
    })
}

fn checkpoint_row(r: &impl Row) -> Result<StoredCheckpoint, sqlx::Error> {
    Ok(StoredCheckpoint {
        size: u64::try_from(r.int("size")?).unwrap_or_default(),
        root: hash_of(r.bytes("root")?)?,
        note: r.text("note")?,
        created_at: r.time("created_at")?,
    })
}

/// Events after a position, of one regency (or only platform-wide ones) or all, in either order.
pub async fn events<D: Db>(db: &mut D, f: EventFilter) -> Result<Vec<Event>, sqlx::Error> {
    let limit = i64::from(if f.limit == 0 { 100 } else { f.limit });
    let (sql, args) = match (f.tenant, f.newest_first) {
        (None, false) => (
            "SELECT * FROM events WHERE seq > $1 ORDER BY seq ASC LIMIT $2",
            args![f.after_seq, limit],
        ),
        (None, true) => (
            "SELECT * FROM events WHERE seq > $1 ORDER BY seq DESC LIMIT $2",
            args![f.after_seq, limit],
        ),
        (Some(t), false) => (
            "SELECT * FROM events WHERE (($1 IS NULL AND tenant_id IS NULL) OR tenant_id = $1) \
             AND seq > $2 ORDER BY seq ASC LIMIT $3",
            args![t.map(|t| t.0), f.after_seq, limit],
        ),
        (Some(t), true) => (
            "SELECT * FROM events WHERE (($1 IS NULL AND tenant_id IS NULL) OR tenant_id = $1) \
             AND seq > $2 ORDER BY seq DESC LIMIT $3",
            args![t.map(|t| t.0), f.after_seq, limit],
        ),
    };
    let rows = db.fetch_all(sql, args).await?;
    rows.iter().map(event_row).collect()
}

/// The last event's position (0 for none).
pub async fn event_count<D: Db>(db: &mut D) -> Result<i64, sqlx::Error> {
    db.fetch_optional("SELECT COALESCE(MAX(seq), 0) AS n FROM events", args![])
        .await?
        .ok_or(sqlx::Error::RowNotFound)?
        .int("n")
}

/// Hashes of one level of the tree, from `start`, `count` of them.
pub async fn tree_level<D: Db>(
    db: &mut D,
    level: u8,
    start: u64,
    count: u64,
) -> Result<Vec<Hash>, sqlx::Error> {
    let i = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    db.fetch_all(
        "SELECT hash FROM tree_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
        args![i64::from(level), i(start), i(start.saturating_add(count))],
    )
    .await?
    .iter()
    .map(|r| hash_of(r.bytes("hash")?))
    .collect()
}

/// Leaves `start..start+count`: each event with its salt.
pub async fn leaves<D: Db>(db: &mut D, start: u64, count: u64) -> Result<Vec<(Event, Salt)>, sqlx::Error> {
    let i = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    db.fetch_all(
        "SELECT e.*, s.salt FROM events e JOIN event_salts s ON s.seq = e.seq \
         WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq",
        args![i(start), i(start.saturating_add(count))],
    )
    .await?
    .iter()
    .map(|r| Ok((event_row(r)?, hash_of(r.bytes("salt")?)?)))
    .collect()
}

/// A signed checkpoint kept (once per size).
pub async fn add_checkpoint<D: Db>(db: &mut D, c: &StoredCheckpoint) -> Result<(), sqlx::Error> {
    db.execute(
        "INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (size) DO NOTHING",
        args![
            i64::try_from(c.size).unwrap_or(i64::MAX),
            c.root.to_vec(),
            c.note.as_str(),
            c.created_at
        ],
    )
    .await?;
    Ok(())
}

/// The latest checkpoint.
pub async fn latest_checkpoint<D: Db>(db: &mut D) -> Result<Option<StoredCheckpoint>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1", args![])
        .await?
        .as_ref()
        .map(checkpoint_row)
        .transpose()
}
