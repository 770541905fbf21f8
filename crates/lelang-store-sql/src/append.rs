//! Appending to the log inside a change's transaction: the events (many rows per statement), their
//! salts and leaves, every tree node they complete, then the change's mutations; and the group
//! commit that does the same for a batch of changes, falling back to one savepoint per change.
//! The transaction itself (and, on SQLite, its `BEGIN IMMEDIATE`) is the backend's.

use crate::{Db, Row, apply, insert_rows, refused, store_error};
use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::event::{Event, NewEvent};
use lelang_core::public::{self, Salt};
use lelang_core::role::Role;
use lelang_core::store::StoreError;
use lelang_trust::merkle::{self, Hash, NodeId};
use std::collections::HashMap;
use time::OffsetDateTime;

/// How many rows one multi-row statement carries.
const ROWS_PER_STATEMENT: usize = 500;

/// An instant as both engines keep it: to the microsecond.
fn stored(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

/// How many leaves the tree has.
pub async fn tree_size<D: Db>(db: &mut D) -> Result<u64, StoreError> {
    let n = db
        .fetch_optional(
            "SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM tree_nodes WHERE level = 0",
            crate::args![],
        )
        .await
        .map_err(store_error)?
        .map(|r| r.int("n"))
        .transpose()
        .map_err(store_error)?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The stored hashes of these nodes (those that exist).
pub async fn load_nodes<D: Db>(db: &mut D, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        // Numbers only: the ids are the tree's own.
        let list = chunk
            .iter()
            .map(|id| format!("({}, {})", id.level, id.index))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT level, idx, hash FROM tree_nodes WHERE (level, idx) IN (VALUES {list})");
        for r in db
            .fetch_all_generated(sql, Vec::new())
            .await
            .map_err(store_error)?
        {
            let level = r.int16("level").map_err(store_error)?;
            let idx = r.int("idx").map_err(store_error)?;
            let hash = crate::log::hash_of(r.bytes("hash").map_err(store_error)?).map_err(store_error)?;
            out.insert(
                NodeId::new(
                    u8::try_from(level).unwrap_or_default(),
                    u64::try_from(idx).unwrap_or_default(),
                ),
                hash,
            );
        }
    }
    Ok(out)
}

/// The frontier hashes of a tree of `size` leaves, from the stored nodes.
pub async fn load_frontier<D: Db>(db: &mut D, size: u64) -> Result<Vec<(NodeId, Hash)>, StoreError> {
    let ids = merkle::frontier(size);
    let known = load_nodes(db, &ids).await?;
    ids.iter()
        .map(|id| {
            known
                .get(id)
                .map(|h| (*id, *h))
                .ok_or_else(|| StoreError::Backend(format!("log node {id:?} missing")))
        })
        .collect()
}

/// Appends the leaves of `events` to a tree of `size` leaves: the salts not stored yet (those in
/// `salts_stored` are), the leaf hashes and every node they complete. Returns the new frontier.
pub async fn append_leaves<D: Db>(
    db: &mut D,
    size: u64,
    frontier: Vec<(NodeId, Hash)>,
    events: &[(Event, Salt)],
    salts_stored: &[i64],
) -> Result<Vec<(NodeId, Hash)>, StoreError> {
    if events.is_empty() {
        return Ok(frontier);
    }
    let leaves = events
        .iter()
        .map(|(e, salt)| public::leaf_hash(e, salt))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    let nodes = merkle::append(size, &frontier, &leaves).map_err(|e| StoreError::Backend(e.to_string()))?;
    let new_salts: Vec<&(Event, Salt)> = events
        .iter()
        .filter(|(e, _)| !salts_stored.contains(&e.seq))
        .collect();
    for chunk in new_salts.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|(e, salt)| crate::args![e.seq, salt.to_vec()])
            .collect();
        insert_rows(db, "INSERT INTO event_salts (seq, salt)", rows, "").await?;
    }
    for chunk in nodes.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|(id, h)| {
                crate::args![
                    i64::from(id.level),
                    i64::try_from(id.index).unwrap_or(i64::MAX),
                    h.to_vec()
                ]
            })
            .collect();
        insert_rows(db, "INSERT INTO tree_nodes (level, idx, hash)", rows, "").await?;
    }
    let mut all: HashMap<NodeId, Hash> = frontier.into_iter().chain(nodes).collect();
    merkle::frontier(size + events.len() as u64)
        .into_iter()
        .map(|id| {
            all.remove(&id)
                .map(|h| (id, h))
                .ok_or_else(|| StoreError::Backend(format!("log node {id:?} missing")))
        })
        .collect()
}

/// Where the log ends inside a write transaction: the last event's position and the tree's
/// frontier. A group commit carries it from one change to the next instead of reading it again.
#[derive(Debug, Clone)]
pub struct Tip {
    last: i64,
    frontier: Vec<(NodeId, Hash)>,
}

/// The log's end, read once the transaction holds the log.
pub async fn tip<D: Db>(db: &mut D) -> Result<Tip, StoreError> {
    db.lock_log().await.map_err(store_error)?;
    let last = crate::log::event_count(db).await.map_err(store_error)?;
    let frontier = load_frontier(db, u64::try_from(last).unwrap_or(0)).await?;
    Ok(Tip { last, frontier })
}

/// Inserts events after position `last`, many rows per statement; returns them as stored.
async fn insert_events<'a, D: Db>(
    db: &mut D,
    last: i64,
    events: impl Iterator<Item = &'a NewEvent>,
) -> Result<Vec<Event>, StoreError> {
    let events: Vec<&NewEvent> = events.collect();
    let mut out = Vec::with_capacity(events.len());
    for (n, chunk) in events.chunks(ROWS_PER_STATEMENT).enumerate() {
        let first = last + 1 + (n * ROWS_PER_STATEMENT) as i64;
        let rows = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| {
                crate::args![
                    first + i as i64,
                    e.id.0,
                    e.at,
                    e.tenant_id.map(|t| t.0),
                    e.actor_id.map(|u| u.0),
                    e.actor_role.map(Role::code),
                    e.event_type,
                    e.payload.clone(),
                    i16::from(e.public_form),
                ]
            })
            .collect();
        insert_rows(
            db,
            "INSERT INTO events (seq, id, at, tenant_id, actor_id, actor_role, event_type, payload, public_form)",
            rows,
            "",
        )
        .await?;
        for (i, e) in chunk.iter().enumerate() {
            out.push(Event {
                seq: first + i as i64,
                id: e.id,
                at: stored(e.at),
                tenant_id: e.tenant_id,
                actor_id: e.actor_id,
                actor_role: e.actor_role,
                event_type: e.event_type.to_owned(),
                payload: e.payload.clone(),
                public_form: e.public_form,
            });
        }
    }
    Ok(out)
}

/// One change at a known tip: its events and leaves, then its mutations; the stored events and
/// the new tip.
pub async fn commit_at<D: Db>(
    db: &mut D,
    change: &Change<Mutation>,
    tip: &Tip,
) -> Result<(Vec<Event>, Tip), StoreError> {
    let last = tip.last;
    let stored = insert_events(db, last, change.events.iter()).await?;
    let with_salts: Vec<(Event, Salt)> = stored
        .iter()
        .cloned()
        .zip(change.events.iter().map(|e| e.salt))
        .collect();
    let frontier = append_leaves(
        db,
        u64::try_from(last).unwrap_or(0),
        tip.frontier.clone(),
        &with_salts,
        &[],
    )
    .await?;
    let new_last = last + stored.len() as i64;
    for m in &change.mutations {
        apply(db, m, (last + 1, new_last))
            .await
            .map_err(|e| refused(m, e))?;
    }
    Ok((
        stored,
        Tip {
            last: new_last,
            frontier,
        },
    ))
}

/// The work of a single commit inside its transaction.
pub async fn commit_in<D: Db>(db: &mut D, change: &Change<Mutation>) -> Result<Vec<Event>, StoreError> {
    let t = tip(db).await?;
    Ok(commit_at(db, change, &t).await?.0)
}

/// The optimistic group commit: every change's events and leaves in a few many-row statements,
/// then each change's mutations in order. It stops at the first refused change; the caller rolls
/// back and commits the batch change by change instead.
pub async fn commit_all<D: Db>(
    db: &mut D,
    changes: &[Change<Mutation>],
    tip: &Tip,
) -> Result<Vec<Vec<Event>>, StoreError> {
    let stored = insert_events(db, tip.last, changes.iter().flat_map(|c| c.events.iter())).await?;
    let with_salts: Vec<(Event, Salt)> = stored
        .iter()
        .cloned()
        .zip(changes.iter().flat_map(|c| c.events.iter().map(|e| e.salt)))
        .collect();
    append_leaves(
        db,
        u64::try_from(tip.last).unwrap_or(0),
        tip.frontier.clone(),
        &with_salts,
        &[],
    )
    .await?;
    let mut out = Vec::with_capacity(changes.len());
    let mut rest = stored.into_iter();
    let mut log_tip = tip.last;
    for c in changes {
        let first = log_tip + 1;
        log_tip += c.events.len() as i64;
        for m in &c.mutations {
            apply(db, m, (first, log_tip)).await.map_err(|e| refused(m, e))?;
        }
        out.push(rest.by_ref().take(c.events.len()).collect());
    }
    Ok(out)
}

/// One change of a group commit, under a savepoint: a refused change is rolled back alone and
/// reported as its own outcome; an error of the savepoint itself fails the whole batch.
pub async fn commit_one_of_batch<D: Db>(
    db: &mut D,
    change: &Change<Mutation>,
    tip: &mut Tip,
) -> Result<Result<Vec<Event>, StoreError>, StoreError> {
    db.execute("SAVEPOINT one_change", Vec::new())
        .await
        .map_err(store_error)?;
    match commit_at(db, change, tip).await {
        Ok((stored, next)) => {
            db.execute("RELEASE SAVEPOINT one_change", Vec::new())
                .await
                .map_err(store_error)?;
            *tip = next;
            Ok(Ok(stored))
        }
        Err(e) => {
            db.execute("ROLLBACK TO SAVEPOINT one_change", Vec::new())
                .await
                .map_err(store_error)?;
            db.execute("RELEASE SAVEPOINT one_change", Vec::new())
                .await
                .map_err(store_error)?;
            Ok(Err(e))
        }
    }
}

/// One step of bringing the log up to the events (a database made before the log existed): up to
/// 1,000 events without leaves get theirs, with fresh salts where an event has none. How many;
/// 0 when the log is caught up. The caller holds the log (its transaction, `lock_log`).
pub async fn catch_up_step<D: Db>(db: &mut D) -> Result<u64, StoreError> {
    db.lock_log().await.map_err(store_error)?;
    let size = tree_size(db).await?;
    let rows = db
        .fetch_all(
            "SELECT e.*, s.salt FROM events e LEFT JOIN event_salts s ON s.seq = e.seq WHERE e.seq > $1 \
             ORDER BY e.seq LIMIT 1000",
            crate::args![i64::try_from(size).unwrap_or(i64::MAX)],
        )
        .await
        .map_err(store_error)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut events = Vec::with_capacity(rows.len());
    let mut already = Vec::new();
    for r in &rows {
        let e = crate::log::event_row(r).map_err(store_error)?;
        let salt = match r.opt_bytes("salt").map_err(store_error)? {
            Some(s) => {
                already.push(e.seq);
                crate::log::hash_of(s).map_err(store_error)?
            }
            None => public::new_salt().map_err(|e| StoreError::Backend(e.to_string()))?,
        };
        events.push((e, salt));
    }
    let frontier = load_frontier(db, size).await?;
    append_leaves(db, size, frontier, &events, &already).await?;
    Ok(rows.len() as u64)
}
