//! lelang's [`Store`] on SQLite: one file in WAL mode, zero setup.
//!
//! Writes go through a pool of exactly one connection, so the process has a single writer: log
//! positions are assigned without races and a transaction never fails on a lock upgrade. Reads use
//! a separate pool and run concurrently with the writer, as WAL allows.

use async_trait::async_trait;
use lelang_core::command::{Change, Mutation};
use lelang_core::event::Event;
use lelang_core::ids::{ApiTokenId, EventId, PlanItemId, SessionId, TenantId, UserId, VendorId, WorkUnitId};
use lelang_core::model::{
    ApiToken, Credentials, RoleGrant, Session, Tenant, TimeZone, User, Vendor, WorkUnit,
};
use lelang_core::plan::PlanItem;
use lelang_core::public::{self, Salt};
use lelang_core::role::Role;
use lelang_core::rules;
use lelang_core::store::{Conflict, Unique};
use lelang_core::store::{EventFilter, FailedLogins, Store, StoreError, StoredCheckpoint};
use lelang_trust::merkle::{self, Hash, NodeId};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    /// Moves after every commit of this process (see `Store::data_version`).
    version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

fn backend(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(Conflict::Duplicate(Unique::Record));
    }
    if let sqlx::Error::Database(db) = &e
        && db.is_foreign_key_violation()
    {
        return StoreError::NotFound(db.message().to_owned());
    }
    StoreError::Backend(e.to_string())
}

fn us(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000) as i64
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Backend(format!("stored JSON: {e}")))
}

fn listed_tender_row(r: &SqliteRow) -> Result<lelang_core::tender::ListedTender, sqlx::Error> {
    Ok(lelang_core::tender::ListedTender {
        tender: public_tender_row(r)?,
        regency_slug: r.try_get("regency_slug")?,
        regency_name: r.try_get("regency_name")?,
        work_unit_name: r.try_get("work_unit_name")?,
    })
}

fn public_tender_row(r: &SqliteRow) -> Result<lelang_core::tender::PublicTender, sqlx::Error> {
    let decode = |what: &str| sqlx::Error::Decode(format!("unknown {what}").into());
    Ok(lelang_core::tender::PublicTender {
        package_id: lelang_core::ids::PackageId(r.try_get("package_id")?),
        tenant_id: TenantId(r.try_get("tenant_id")?),
        work_unit_id: WorkUnitId(r.try_get("work_unit_id")?),
        name: r.try_get("name")?,
        location: r.try_get("location")?,
        category: rules::from_code(&r.try_get::<String, _>("category")?).ok_or_else(|| decode("category"))?,
        method: rules::from_code(&r.try_get::<String, _>("method")?).ok_or_else(|| decode("method"))?,
        owner_estimate: r.try_get("owner_estimate")?,
        budget_ceiling: r.try_get("budget_ceiling")?,
        announced_at: from_us(r.try_get("announced_at")?)?,
        submission_deadline: from_us(r.try_get("submission_deadline")?)?,
        search_terms: r.try_get("search_terms")?,
    })
}

fn from_us(v: i64) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(v) * 1_000)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn opt_from_us(v: Option<i64>) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    v.map(from_us).transpose()
}

fn role(s: &str) -> Result<Role, sqlx::Error> {
    Role::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::new().filename(path).create_if_missing(true);
        Self::with_options(opts).await
    }

    /// Opens a database from a `sqlite://` URL.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true);
        Self::with_options(opts).await
    }

    async fn with_options(opts: SqliteConnectOptions) -> Result<Self, StoreError> {
        // synchronous=FULL: a committed change survives power loss, as promise 2 needs.
        let opts = opts
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await
            .map_err(backend)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(backend)?;
        Ok(Self {
            reader,
            writer,
            version: Default::default(),
        })
    }

    /// Closes both pools (tests and shutdown).
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    /// Runs one SQL statement as it is. For operators' maintenance and for tests that must prove
    /// what the database itself refuses (e.g. rewriting the event log); never reachable from HTTP.
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, StoreError> {
        let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(r.rows_affected())
    }

    /// Inserts events as plain rows, without salts or the Merkle tree: the baseline the
    /// log benchmark compares [`Store::commit`] with. Not for use by the application.
    pub async fn raw_insert_events(
        &self,
        after_seq: i64,
        events: &[lelang_core::event::NewEvent],
    ) -> Result<(), StoreError> {
        // IMMEDIATE: take the write lock first, so another process writing the same file makes us
        // wait (busy_timeout) instead of failing a read-then-write upgrade.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        for (i, e) in events.iter().enumerate() {
            let seq = after_seq + 1 + i as i64;
            sqlx::query(
                "INSERT INTO events (seq, id, at, tenant_id, actor_id, actor_role, event_type, payload, public_form) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(seq)
            .bind(e.id.0)
            .bind(us(e.at))
            .bind(e.tenant_id.map(|t| t.0))
            .bind(e.actor_id.map(|u| u.0))
            .bind(e.actor_role.map(Role::code))
            .bind(e.event_type)
            .bind(&e.payload)
            .bind(i16::from(e.public_form))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(())
    }

    /// The journal mode in force (`wal` once opened by lelang).
    pub async fn journal_mode(&self) -> Result<String, StoreError> {
        sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)
    }
}

fn package_row(r: &SqliteRow) -> Result<lelang_core::package::Package, sqlx::Error> {
    let breakdown: String = r.try_get("hps_breakdown")?;
    Ok(lelang_core::package::Package {
        id: lelang_core::ids::PackageId(r.try_get("id")?),
        tenant_id: TenantId(r.try_get("tenant_id")?),
        work_unit_id: WorkUnitId(r.try_get("work_unit_id")?),
        plan_item_id: PlanItemId(r.try_get("plan_item_id")?),
        name: r.try_get("name")?,
        category: rules::from_code(&r.try_get::<String, _>("category")?)
            .ok_or_else(|| sqlx::Error::Decode("unknown category".into()))?,
        budget_ceiling: r.try_get("budget_ceiling")?,
        owner_estimate: r.try_get("owner_estimate")?,
        hps_breakdown: serde_json::from_str(&breakdown).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        location: r.try_get("location")?,
        rule_set: r.try_get("rule_set")?,
        created_at: from_us(r.try_get("created_at")?)?,
    })
}

fn tenant_row(r: &SqliteRow) -> Result<Tenant, sqlx::Error> {
    let tz: String = r.try_get("time_zone")?;
    Ok(Tenant {
        id: TenantId(r.try_get("id")?),
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        time_zone: TimeZone::from_code(&tz)
            .ok_or_else(|| sqlx::Error::Decode(format!("time zone {tz}").into()))?,
        created_at: from_us(r.try_get("created_at")?)?,
        second_factor_required: r.try_get::<i64, _>("second_factor_required")? != 0,
    })
}

fn enrolment_row(r: &SqliteRow) -> Result<lelang_core::second_factor::Enrolment, sqlx::Error> {
    let secret: Vec<u8> = r.try_get("secret")?;
    Ok(lelang_core::second_factor::Enrolment {
        secret: lelang_core::second_factor::Secret(
            secret
                .try_into()
                .map_err(|_| sqlx::Error::Decode("a second-factor secret is not 20 bytes".into()))?,
        ),
        last_step: r.try_get("last_step")?,
        recovery_left: u32::try_from(r.try_get::<i64, _>("left_codes")?).unwrap_or(0),
        epoch: r.try_get("epoch")?,
    })
}

fn user_row(r: &SqliteRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
        vendor_id: r.try_get::<Option<Uuid>, _>("vendor_id")?.map(VendorId),
        active: r.try_get("active")?,
        created_at: from_us(r.try_get("created_at")?)?,
    })
}

fn vendor_row(r: &SqliteRow) -> Result<Vendor, sqlx::Error> {
    Ok(Vendor {
        id: VendorId(r.try_get("id")?),
        name: r.try_get("name")?,
        nib: r.try_get("nib")?,
        home_tenant_id: r.try_get::<Option<Uuid>, _>("home_tenant_id")?.map(TenantId),
        created_at: from_us(r.try_get("created_at")?)?,
    })
}

fn session_row(r: &SqliteRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: SessionId(r.try_get("id")?),
        secret_hash: r.try_get("secret_hash")?,
        user_id: UserId(r.try_get("user_id")?),
        role: role(r.try_get("role")?)?,
        tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
        created_at: from_us(r.try_get("created_at")?)?,
        last_seen_at: from_us(r.try_get("last_seen_at")?)?,
    })
}

fn token_row(r: &SqliteRow) -> Result<ApiToken, sqlx::Error> {
    token_columns(r, "")
}

/// A token from columns named with `prefix` (a join names the token's columns `t_…`).
fn token_columns(r: &SqliteRow, prefix: &str) -> Result<ApiToken, sqlx::Error> {
    let c = |n: &str| format!("{prefix}{n}");
    Ok(ApiToken {
        id: ApiTokenId(r.try_get(c("id").as_str())?),
        user_id: UserId(r.try_get(c("user_id").as_str())?),
        name: r.try_get(c("name").as_str())?,
        role: role(r.try_get(c("role").as_str())?)?,
        tenant_id: r
            .try_get::<Option<Uuid>, _>(c("tenant_id").as_str())?
            .map(TenantId),
        secret_hash: r.try_get(c("secret_hash").as_str())?,
        created_at: from_us(r.try_get(c("created_at").as_str())?)?,
        expires_at: opt_from_us(r.try_get(c("expires_at").as_str())?)?,
        revoked_at: opt_from_us(r.try_get(c("revoked_at").as_str())?)?,
        last_used_at: opt_from_us(r.try_get(c("last_used_at").as_str())?)?,
    })
}

fn plan_item_row(r: &SqliteRow) -> Result<PlanItem, sqlx::Error> {
    let decode = |what: &str| sqlx::Error::Decode(format!("unknown {what}").into());
    Ok(PlanItem {
        id: PlanItemId(r.try_get("id")?),
        tenant_id: TenantId(r.try_get("tenant_id")?),
        work_unit_id: WorkUnitId(r.try_get("work_unit_id")?),
        fiscal_year: r.try_get("fiscal_year")?,
        name: r.try_get("name")?,
        category: rules::from_code(&r.try_get::<String, _>("category")?).ok_or_else(|| decode("category"))?,
        budget_ceiling: r.try_get("budget_ceiling")?,
        funding_source: r.try_get("funding_source")?,
        planned_method: rules::from_code(&r.try_get::<String, _>("planned_method")?)
            .ok_or_else(|| decode("method"))?,
        planned_start: r.try_get("planned_start")?,
        planned_end: r.try_get("planned_end")?,
        rule_set: r.try_get("rule_set")?,
        announced_at: opt_from_us(r.try_get("announced_at")?)?,
        created_at: from_us(r.try_get("created_at")?)?,
    })
}

fn event_row(r: &SqliteRow) -> Result<Event, sqlx::Error> {
    Ok(Event {
        seq: r.try_get("seq")?,
        id: EventId(r.try_get("id")?),
        at: from_us(r.try_get("at")?)?,
        tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
        actor_id: r.try_get::<Option<Uuid>, _>("actor_id")?.map(UserId),
        actor_role: r
            .try_get::<Option<String>, _>("actor_role")?
            .as_deref()
            .map(role)
            .transpose()?,
        event_type: r.try_get("event_type")?,
        payload: r.try_get("payload")?,
        public_form: u8::try_from(r.try_get::<i16, _>("public_form")?)
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
    })
}

fn hash_of(v: Vec<u8>) -> Result<Hash, sqlx::Error> {
    v.try_into()
        .map_err(|_| sqlx::Error::Decode("a stored hash is not 32 bytes".into()))
}

fn checkpoint_row(r: &SqliteRow) -> Result<StoredCheckpoint, sqlx::Error> {
    let size: i64 = r.try_get("size")?;
    Ok(StoredCheckpoint {
        size: size as u64,
        root: hash_of(r.try_get("root")?)?,
        note: r.try_get("note")?,
        created_at: from_us(r.try_get("created_at")?)?,
    })
}

/// Reads stored nodes by id. The ids are numbers computed here, never input, so they are written
/// into the statement directly.
async fn load_nodes(
    conn: &mut sqlx::SqliteConnection,
    ids: &[NodeId],
) -> Result<HashMap<NodeId, Hash>, StoreError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(200) {
        let list = chunk
            .iter()
            .map(|id| format!("({}, {})", id.level, id.index))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT level, idx, hash FROM tree_nodes WHERE (level, idx) IN (VALUES {list})");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await
            .map_err(backend)?;
        for r in rows {
            let level: i64 = r.try_get("level").map_err(backend)?;
            let idx: i64 = r.try_get("idx").map_err(backend)?;
            let hash = hash_of(r.try_get("hash").map_err(backend)?).map_err(backend)?;
            out.insert(NodeId::new(level as u8, idx as u64), hash);
        }
    }
    Ok(out)
}

/// Appends the leaves of `events` to a tree of `size` leaves, inside the caller's transaction:
/// the salts, the leaf hashes and every node they complete. Returns the new frontier.
async fn append_leaves(
    conn: &mut sqlx::SqliteConnection,
    size: u64,
    frontier: &[(NodeId, Hash)],
    events: &[(Event, Salt)],
) -> Result<Vec<(NodeId, Hash)>, StoreError> {
    append_leaves_from(conn, size, frontier.to_vec(), events, &[]).await
}

/// The frontier hashes of a tree of `size` leaves, from the stored nodes.
async fn load_frontier(
    conn: &mut sqlx::SqliteConnection,
    size: u64,
) -> Result<Vec<(NodeId, Hash)>, StoreError> {
    let ids = merkle::frontier(size);
    let known = load_nodes(conn, &ids).await?;
    ids.iter()
        .map(|id| {
            known
                .get(id)
                .map(|h| (*id, *h))
                .ok_or_else(|| StoreError::Backend(format!("log node {id:?} missing")))
        })
        .collect()
}

/// [`append_leaves`], for events some of whose salts are stored already.
async fn append_leaves_from(
    conn: &mut sqlx::SqliteConnection,
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
    for chunk in new_salts.chunks(500) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO event_salts (seq, salt) ");
        q.push_values(chunk, |mut b, (e, salt)| {
            b.push_bind(e.seq).push_bind(salt.to_vec());
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    for chunk in nodes.chunks(500) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO tree_nodes (level, idx, hash) ");
        q.push_values(chunk, |mut b, (id, h)| {
            b.push_bind(id.level as i64)
                .push_bind(id.index as i64)
                .push_bind(h.to_vec());
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
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

async fn tree_size_in(conn: &mut sqlx::SqliteConnection) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(idx) + 1, 0) FROM tree_nodes WHERE level = 0")
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    Ok(n as u64)
}

/// Brings the log up to the events: leaves for events that have none yet (a database created
/// before the log existed), with fresh salts where an event has none.
async fn catch_up_log(pool: &SqlitePool) -> Result<u64, StoreError> {
    let mut added = 0;
    loop {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;

        let size = tree_size_in(&mut tx).await?;
        let rows = sqlx::query(
            "SELECT e.*, s.salt FROM events e LEFT JOIN event_salts s ON s.seq = e.seq WHERE e.seq > ? ORDER BY e.seq LIMIT 1000",
        )
        .bind(size as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        if rows.is_empty() {
            // Explicitly: a dropped transaction would hold its advisory lock until the pool
            // reuses the connection.
            tx.rollback().await.map_err(backend)?;
            return Ok(added);
        }
        let mut events = Vec::with_capacity(rows.len());
        let mut fresh = Vec::new();
        for r in &rows {
            let e = event_row(r).map_err(backend)?;
            let salt: Option<Vec<u8>> = r.try_get("salt").map_err(backend)?;
            let salt: Salt = match salt {
                Some(s) => hash_of(s).map_err(backend)?,
                None => {
                    let s = public::new_salt().map_err(|e| StoreError::Backend(e.to_string()))?;
                    fresh.push(e.seq);
                    s
                }
            };
            events.push((e, salt));
        }
        // Salts that already exist are kept; append_leaves inserts only the missing ones.
        let (have, _): (Vec<_>, Vec<_>) = events.iter().partition(|(e, _)| !fresh.contains(&e.seq));
        let already: Vec<i64> = have.iter().map(|(e, _)| e.seq).collect();
        let frontier = load_frontier(&mut tx, size).await?;
        append_leaves_from(&mut tx, size, frontier, &events, &already).await?;
        tx.commit().await.map_err(backend)?;
        added += rows.len() as u64;
    }
}

/// Where the log ends inside a write transaction: the last event's position and the tree's
/// frontier. A group commit carries it from one change to the next instead of reading it again.
#[derive(Debug, Clone)]
struct Tip {
    last: i64,
    frontier: Vec<(NodeId, Hash)>,
}

/// The log's end, read once the transaction holds the log.
async fn tip(conn: &mut sqlx::SqliteConnection) -> Result<Tip, StoreError> {
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
        .fetch_one(&mut *conn)
        .await
        .map_err(backend)?;
    let frontier = load_frontier(&mut *conn, last as u64).await?;
    Ok(Tip { last, frontier })
}

/// The work of [`Store::commit`] inside its transaction: append the events and their leaves, then
/// apply the mutations.
async fn commit_in(conn: &mut sqlx::SqliteConnection, change: &Change) -> Result<Vec<Event>, StoreError> {
    let t = tip(&mut *conn).await?;
    Ok(commit_at(conn, change, &t).await?.0)
}

/// [`commit_in`] at a known tip; returns the stored events and the new tip.
async fn commit_at(
    conn: &mut sqlx::SqliteConnection,
    change: &Change,
    tip: &Tip,
) -> Result<(Vec<Event>, Tip), StoreError> {
    let last = tip.last;
    let stored = insert_events(&mut *conn, last, change.events.iter()).await?;
    let with_salts: Vec<(Event, Salt)> = stored
        .iter()
        .cloned()
        .zip(change.events.iter().map(|e| e.salt))
        .collect();
    let frontier = append_leaves(&mut *conn, last as u64, &tip.frontier, &with_salts).await?;
    let new_last = last + stored.len() as i64;
    for m in &change.mutations {
        apply(&mut *conn, m, (last + 1, new_last))
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

/// A mutation's failure as the store reports it.
/// A mutation that did not apply: the database's error, or a refusal this store decided.
enum ApplyError {
    Sql(sqlx::Error),
    Refused(Conflict),
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::Sql(e)
    }
}

/// Why a mutation did not apply, by type: a duplicate names what must be unique.
fn refused(m: &Mutation, e: ApplyError) -> StoreError {
    match e {
        ApplyError::Refused(c) => StoreError::Conflict(c),
        ApplyError::Sql(sqlx::Error::RowNotFound) => {
            StoreError::NotFound(format!("{m:?}").chars().take(80).collect())
        }
        ApplyError::Sql(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            StoreError::Conflict(Conflict::Duplicate(m.unique()))
        }
        ApplyError::Sql(e) => backend(e),
    }
}

/// Inserts events after position `last`, many rows per statement; returns them as stored.
async fn insert_events<'a>(
    conn: &mut sqlx::SqliteConnection,
    last: i64,
    events: impl Iterator<Item = &'a lelang_core::event::NewEvent>,
) -> Result<Vec<Event>, StoreError> {
    let events: Vec<&lelang_core::event::NewEvent> = events.collect();
    let mut stored = Vec::with_capacity(events.len());
    for (n, chunk) in events.chunks(500).enumerate() {
        let first = last + 1 + (n * 500) as i64;
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO events (seq, id, at, tenant_id, actor_id, actor_role, event_type, payload, public_form) ",
        );
        q.push_values(chunk.iter().enumerate(), |mut b, (i, e)| {
            b.push_bind(first + i as i64)
                .push_bind(e.id.0)
                .push_bind(us(e.at))
                .push_bind(e.tenant_id.map(|t| t.0))
                .push_bind(e.actor_id.map(|u| u.0))
                .push_bind(e.actor_role.map(Role::code))
                .push_bind(e.event_type)
                .push_bind(e.payload.clone())
                .push_bind(i16::from(e.public_form));
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
        for (i, e) in chunk.iter().enumerate() {
            stored.push(Event {
                seq: first + i as i64,
                id: e.id,
                at: from_us(us(e.at)).map_err(backend)?,
                tenant_id: e.tenant_id,
                actor_id: e.actor_id,
                actor_role: e.actor_role,
                event_type: e.event_type.to_owned(),
                payload: e.payload.clone(),
                public_form: e.public_form,
            });
        }
    }
    Ok(stored)
}

/// The optimistic group commit: every change's events and leaves in a few many-row statements,
/// then each change's mutations in order. It stops at the first refused change; the caller rolls
/// back and commits the batch change by change instead.
async fn commit_all(
    conn: &mut sqlx::SqliteConnection,
    changes: &[Change],
    tip: &Tip,
) -> Result<Vec<Vec<Event>>, StoreError> {
    let stored = insert_events(&mut *conn, tip.last, changes.iter().flat_map(|c| c.events.iter())).await?;
    let with_salts: Vec<(Event, Salt)> = stored
        .iter()
        .cloned()
        .zip(changes.iter().flat_map(|c| c.events.iter().map(|e| e.salt)))
        .collect();
    append_leaves(&mut *conn, tip.last as u64, &tip.frontier, &with_salts).await?;
    let mut out = Vec::with_capacity(changes.len());
    let mut rest = stored.into_iter();
    let mut log_tip = tip.last;
    for c in changes {
        let first = log_tip + 1;
        log_tip += c.events.len() as i64;
        for m in &c.mutations {
            apply(&mut *conn, m, (first, log_tip))
                .await
                .map_err(|e| refused(m, e))?;
        }
        out.push(rest.by_ref().take(c.events.len()).collect());
    }
    Ok(out)
}

/// One change of a group commit, under a savepoint: a refused change is rolled back alone and
/// reported as its own outcome; an error of the savepoint itself fails the whole batch.
async fn commit_one_of_batch(
    conn: &mut sqlx::SqliteConnection,
    change: &Change,
    tip: &mut Tip,
) -> Result<Result<Vec<Event>, StoreError>, StoreError> {
    sqlx::query("SAVEPOINT one_change")
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    match commit_at(&mut *conn, change, tip).await {
        Ok((stored, next)) => {
            sqlx::query("RELEASE SAVEPOINT one_change")
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            *tip = next;
            Ok(Ok(stored))
        }
        Err(e) => {
            sqlx::query("ROLLBACK TO SAVEPOINT one_change")
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            sqlx::query("RELEASE SAVEPOINT one_change")
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            Ok(Err(e))
        }
    }
}

/// Applies one mutation; `span` is the positions of the change's first and last events (a bid's
/// receipt index is its first event's, a closing's leaf its last's).
async fn apply(tx: &mut sqlx::SqliteConnection, m: &Mutation, span: (i64, i64)) -> Result<(), ApplyError> {
    match m {
        Mutation::InsertTenant(t) => {
            sqlx::query(
                "INSERT INTO tenants (id, slug, name, time_zone, created_at, second_factor_required) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(t.id.0)
            .bind(&t.slug)
            .bind(&t.name)
            .bind(t.time_zone.code())
            .bind(us(t.created_at))
            .bind(t.second_factor_required)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::SetSecondFactor {
            user_id,
            secret,
            recovery_hashes,
            at,
        } => {
            sqlx::query(
                "INSERT INTO second_factors (user_id, secret, enrolled_at, last_step, epoch) VALUES (?, ?, ?, NULL, 1) \
                 ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enrolled_at = excluded.enrolled_at, \
                 last_step = NULL, epoch = second_factors.epoch + 1",
            )
            .bind(user_id.0)
            .bind(secret.0.to_vec())
            .bind(us(*at))
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
            for h in recovery_hashes {
                sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)")
                    .bind(user_id.0)
                    .bind(h)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Mutation::SpendRecoveryCode {
            user_id,
            code_hash,
            at,
        } => {
            let r = sqlx::query(
                "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            )
            .bind(us(*at))
            .bind(user_id.0)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::ClearSecondFactor { user_id } => {
            sqlx::query("UPDATE second_factors SET secret = NULL, last_step = NULL, epoch = epoch + 1 WHERE user_id = ?")
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
        }
        Mutation::SetSecondFactorPolicy { tenant, required } => {
            let r = sqlx::query("UPDATE tenants SET second_factor_required = ? WHERE id = ?")
                .bind(required)
                .bind(tenant.0)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::InsertWorkUnit(w) => {
            sqlx::query(
                "INSERT INTO work_units (id, tenant_id, code, name, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(w.id.0)
            .bind(w.tenant_id.0)
            .bind(&w.code)
            .bind(&w.name)
            .bind(us(w.created_at))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertVendor(v) => {
            sqlx::query(
                "INSERT INTO vendors (id, name, nib, home_tenant_id, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(v.id.0)
            .bind(&v.name)
            .bind(&v.nib)
            .bind(v.home_tenant_id.map(|t| t.0))
            .bind(us(v.created_at))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertUser {
            user: u,
            password_hash,
        } => {
            sqlx::query(
                "INSERT INTO users (id, username, display_name, email, tenant_id, vendor_id, password_hash, active, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(u.id.0)
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.email)
            .bind(u.tenant_id.map(|t| t.0))
            .bind(u.vendor_id.map(|v| v.0))
            .bind(password_hash)
            .bind(u.active)
            .bind(us(u.created_at))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertRoleGrant(g) => {
            sqlx::query(
                "INSERT INTO role_grants (user_id, role, tenant_id, work_unit_id) VALUES (?, ?, ?, ?)",
            )
            .bind(g.user_id.0)
            .bind(g.role.code())
            .bind(g.tenant_id.map(|t| t.0))
            .bind(g.work_unit_id.map(|w| w.0))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::SetPasswordHash {
            user_id,
            password_hash,
        } => {
            let r = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
                .bind(password_hash)
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::DeleteSessions { user_id } => {
            sqlx::query("DELETE FROM sessions WHERE user_id = ?")
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
        }
        Mutation::RevokeAllApiTokens { user_id, at } => {
            sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
                .bind(us(*at))
                .bind(user_id.0)
                .execute(&mut *tx)
                .await?;
        }
        Mutation::InsertApiToken(t) => {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, name, role, tenant_id, secret_hash, created_at, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(t.id.0)
            .bind(t.user_id.0)
            .bind(&t.name)
            .bind(t.role.code())
            .bind(t.tenant_id.map(|x| x.0))
            .bind(&t.secret_hash)
            .bind(us(t.created_at))
            .bind(t.expires_at.map(us))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertPlanItem(p) => {
            sqlx::query(
                "INSERT INTO plan_items (id, tenant_id, work_unit_id, fiscal_year, name, category, budget_ceiling, funding_source, \
                 planned_method, planned_start, planned_end, rule_set, announced_at, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(p.id.0)
            .bind(p.tenant_id.0)
            .bind(p.work_unit_id.0)
            .bind(p.fiscal_year)
            .bind(&p.name)
            .bind(rules::code(&p.category))
            .bind(p.budget_ceiling)
            .bind(&p.funding_source)
            .bind(rules::code(&p.planned_method))
            .bind(p.planned_start)
            .bind(p.planned_end)
            .bind(&p.rule_set)
            .bind(p.announced_at.map(us))
            .bind(us(p.created_at))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::AnnouncePlanItems { ids, at } => {
            for id in ids {
                let r = sqlx::query(
                    "UPDATE plan_items SET announced_at = ? WHERE id = ? AND announced_at IS NULL",
                )
                .bind(us(*at))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() != 1 {
                    return Err(sqlx::Error::RowNotFound.into());
                }
            }
        }
        Mutation::InsertPackage(p) => {
            let breakdown =
                serde_json::to_string(&p.hps_breakdown).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            sqlx::query(
                "INSERT INTO packages (id, tenant_id, work_unit_id, plan_item_id, name, category, budget_ceiling, owner_estimate, \
                 hps_breakdown, location, rule_set, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(p.id.0)
            .bind(p.tenant_id.0)
            .bind(p.work_unit_id.0)
            .bind(p.plan_item_id.0)
            .bind(&p.name)
            .bind(rules::code(&p.category))
            .bind(p.budget_ceiling)
            .bind(p.owner_estimate)
            .bind(breakdown)
            .bind(&p.location)
            .bind(&p.rule_set)
            .bind(us(p.created_at))
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertPokjaAssignment(a) => {
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pokja_members WHERE package_id = ?")
                .bind(a.package_id.0)
                .fetch_one(&mut *tx)
                .await?;
            if taken > 0 {
                // One pokja per package, even if two ULP heads assign at the same moment.
                return Err(ApplyError::Refused(Conflict::PokjaAssigned));
            }
            for m in &a.members {
                sqlx::query(
                    "INSERT INTO pokja_members (package_id, tenant_id, member_id, assigned_at) VALUES (?, ?, ?, ?)",
                )
                .bind(a.package_id.0)
                .bind(a.tenant_id.0)
                .bind(m.0)
                .bind(us(a.assigned_at))
                .execute(&mut *tx)
                .await?;
            }
        }
        Mutation::InsertDeclaration {
            package_id,
            member,
            at,
        } => {
            let r = sqlx::query(
                "UPDATE pokja_members SET declared_at = ? WHERE package_id = ? AND member_id = ? AND declared_at IS NULL",
            )
            .bind(us(*at))
            .bind(package_id.0)
            .bind(member.0)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::UpsertTenderSetup(t) => {
            let json = serde_json::to_string(t).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            sqlx::query(
                "INSERT INTO tender_setups (package_id, tenant_id, setup) VALUES (?, ?, ?) \
                 ON CONFLICT (package_id) DO UPDATE SET setup = excluded.setup",
            )
            .bind(t.package_id.0)
            .bind(t.tenant_id.0)
            .bind(json)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::UpsertVendorProfile {
            vendor_id,
            profile,
            clear_verifications,
            at,
        } => {
            sqlx::query(
                "INSERT INTO vendor_profiles (vendor_id, profile, updated_at) VALUES (?, ?, ?) \
                 ON CONFLICT (vendor_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
            )
            .bind(vendor_id.0)
            .bind(to_json(profile)?)
            .bind(us(*at))
            .execute(&mut *tx)
            .await?;
            if *clear_verifications {
                sqlx::query("DELETE FROM vendor_verifications WHERE vendor_id = ?")
                    .bind(vendor_id.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Mutation::UpsertVerification(v) => {
            sqlx::query(
                "INSERT INTO vendor_verifications (vendor_id, tenant_id, data) VALUES (?, ?, ?) \
                 ON CONFLICT (vendor_id, tenant_id) DO UPDATE SET data = excluded.data",
            )
            .bind(v.vendor_id.0)
            .bind(v.tenant_id.0)
            .bind(to_json(v)?)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertPublicTender(t) => {
            sqlx::query(
                "INSERT INTO public_tenders (package_id, tenant_id, work_unit_id, name, location, category, \
                 method, owner_estimate, budget_ceiling, announced_at, submission_deadline, search_terms) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(t.package_id.0)
            .bind(t.tenant_id.0)
            .bind(t.work_unit_id.0)
            .bind(&t.name)
            .bind(&t.location)
            .bind(rules::code(&t.category))
            .bind(rules::code(&t.method))
            .bind(t.owner_estimate)
            .bind(t.budget_ceiling)
            .bind(us(t.announced_at))
            .bind(us(t.submission_deadline))
            .bind(&t.search_terms)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::ExpectTenderSetup(expected) => {
            let stored: Option<String> =
                sqlx::query_scalar("SELECT setup FROM tender_setups WHERE package_id = ?")
                    .bind(expected.package_id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let same = stored
                .and_then(|s| serde_json::from_str::<lelang_core::tender::TenderSetup>(&s).ok())
                .is_some_and(|s| s == *expected);
            if !same {
                return Err(ApplyError::Refused(Conflict::SetupChanged));
            }
        }
        Mutation::SetSubmissionDeadline { package_id, deadline } => {
            sqlx::query("UPDATE public_tenders SET submission_deadline = ? WHERE package_id = ?")
                .bind(us(*deadline))
                .bind(package_id.0)
                .execute(&mut *tx)
                .await?;
        }
        Mutation::InsertDocument(d) => {
            sqlx::query(
                "INSERT INTO documents (id, package_id, tenant_id, title, version, published_at, data) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(d.id.0)
            .bind(d.package_id.0)
            .bind(d.tenant_id.0)
            .bind(&d.title)
            .bind(i64::from(d.version))
            .bind(us(d.published_at))
            .bind(to_json(d)?)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::InsertParticipant {
            package_id,
            vendor_id,
            at,
        } => {
            sqlx::query("INSERT INTO participants (package_id, vendor_id, joined_at) VALUES (?, ?, ?)")
                .bind(package_id.0)
                .bind(vendor_id.0)
                .bind(us(*at))
                .execute(&mut *tx)
                .await?;
        }
        Mutation::InsertQuestion(q) => {
            sqlx::query(
                "INSERT INTO questions (id, package_id, vendor_id, asked_at, answered, data) VALUES (?, ?, ?, ?, 0, ?)",
            )
            .bind(q.id.0)
            .bind(q.package_id.0)
            .bind(q.vendor_id.0)
            .bind(us(q.asked_at))
            .bind(to_json(q)?)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::AnswerQuestion(q) => {
            let r = sqlx::query("UPDATE questions SET answered = 1, data = ? WHERE id = ? AND answered = 0")
                .bind(to_json(q)?)
                .bind(q.id.0)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() != 1 {
                return Err(ApplyError::Refused(Conflict::AlreadyAnswered));
            }
        }
        Mutation::UpsertMemberKey(k) => {
            sqlx::query(
                "INSERT INTO member_keys (user_id, data) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
            )
            .bind(k.user_id.0)
            .bind(to_json(k)?)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::PutCeremony {
            ceremony: c,
            expected_version,
        } => match expected_version {
            None => {
                sqlx::query(
                    "INSERT INTO ceremonies (id, package_id, started_at, version, data) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(c.id.0)
                .bind(c.package_id.0)
                .bind(us(c.started_at))
                .bind(i64::from(c.version))
                .bind(to_json(c)?)
                .execute(&mut *tx)
                .await?;
            }
            Some(v) => {
                let r =
                    sqlx::query("UPDATE ceremonies SET version = ?, data = ? WHERE id = ? AND version = ?")
                        .bind(i64::from(c.version))
                        .bind(to_json(c)?)
                        .bind(c.id.0)
                        .bind(i64::from(*v))
                        .execute(&mut *tx)
                        .await?;
                if r.rows_affected() != 1 {
                    return Err(ApplyError::Refused(Conflict::CeremonyChanged));
                }
            }
        },
        Mutation::ExpectLatestCeremony { package_id, latest } => {
            let row: Option<(Uuid, i64)> = sqlx::query_as("SELECT id, version FROM ceremonies WHERE package_id = ? ORDER BY started_at DESC, id DESC LIMIT 1")
                .bind(package_id.0)
                .fetch_optional(&mut *tx)
                .await?;
            let expected = latest.map(|(id, v)| (id.0, i64::from(v)));
            if row != expected {
                return Err(ApplyError::Refused(Conflict::CeremonyChanged));
            }
        }
        Mutation::InsertBid(b) => {
            // The bid's commitment is the change's first event: its leaf is the receipt index.
            let seq = span.0;
            let bid = lelang_core::sealing::Bid {
                log_index: u64::try_from(seq - 1).ok(),
                ..b.clone()
            };
            sqlx::query(
                "INSERT INTO bids (id, package_id, vendor_id, submitted_at, log_index, data) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(b.id.0)
            .bind(b.package_id.0)
            .bind(b.vendor_id.0)
            .bind(us(b.submitted_at))
            .bind(seq - 1)
            .bind(to_json(&bid)?)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::UpdateBid(b) => {
            let r = sqlx::query(
                "UPDATE bids SET data = ? WHERE id = ? \
                 AND NOT EXISTS (SELECT 1 FROM openings o WHERE o.package_id = bids.package_id)",
            )
            .bind(to_json(b)?)
            .bind(b.id.0)
            .execute(&mut *tx)
            .await?;
            if r.rows_affected() == 0 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::ExpectSubmissionOpen(package) => {
            let closed: Option<i64> =
                sqlx::query_scalar("SELECT log_index FROM closings WHERE package_id = ?")
                    .bind(package.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if closed.is_some() {
                return Err(ApplyError::Refused(Conflict::SubmissionClosed));
            }
        }
        Mutation::InsertClosing { package_id, at } => {
            // The closing's own event is the change's last: its leaf ends the closing checkpoint.
            let seq = span.1;
            sqlx::query("INSERT INTO closings (package_id, log_index, at) VALUES (?, ?, ?)")
                .bind(package_id.0)
                .bind(seq - 1)
                .bind(us(*at))
                .execute(&mut *tx)
                .await?;
        }
        Mutation::PutOpening {
            opening: o,
            expected_version,
        } => match expected_version {
            None => {
                sqlx::query("INSERT INTO openings (package_id, version, data) VALUES (?, ?, ?)")
                    .bind(o.package_id.0)
                    .bind(i64::from(o.version))
                    .bind(to_json(o)?)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(v) => {
                let r = sqlx::query(
                    "UPDATE openings SET version = ?, data = ? WHERE package_id = ? AND version = ?",
                )
                .bind(i64::from(o.version))
                .bind(to_json(o)?)
                .bind(o.package_id.0)
                .bind(i64::from(*v))
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() != 1 {
                    return Err(ApplyError::Refused(Conflict::OpeningChanged));
                }
            }
        },
        Mutation::UpsertDayOff(d) => {
            sqlx::query(
                "INSERT INTO days_off (date, kind, name) VALUES (?, ?, ?) \
                 ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            )
            .bind(d.date)
            .bind(d.kind.code())
            .bind(&d.name)
            .execute(&mut *tx)
            .await?;
        }
        Mutation::DeleteDayOff(date) => {
            let r = sqlx::query("DELETE FROM days_off WHERE date = ?")
                .bind(*date)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
        Mutation::RevokeApiToken { id, at } => {
            let r = sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(us(*at))
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() != 1 {
                return Err(sqlx::Error::RowNotFound.into());
            }
        }
    }
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("./migrations")
            .run(&self.writer)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        catch_up_log(&self.writer).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map_err(backend)?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn data_version(&self) -> u64 {
        self.version.load(std::sync::atomic::Ordering::Acquire)
    }

    async fn commit(&self, change: Change) -> Result<Vec<Event>, StoreError> {
        // IMMEDIATE: take the write lock first, so another process writing the same file makes us
        // wait (busy_timeout) instead of failing a read-then-write upgrade.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        match commit_in(&mut tx, &change).await {
            Ok(stored) => {
                tx.commit().await.map_err(backend)?;
                self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                Ok(stored)
            }
            Err(e) => {
                // Roll back now: a dropped transaction keeps its locks until the pool reuses
                // the connection.
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn commit_batch(
        &self,
        changes: Vec<Change>,
    ) -> Result<Vec<Result<Vec<Event>, StoreError>>, StoreError> {
        // Optimistically all at once; if a change is refused, again change by change.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let at = tip(&mut tx).await?;
        match commit_all(&mut tx, &changes, &at).await {
            Ok(all) => {
                tx.commit().await.map_err(backend)?;
                self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                return Ok(all.into_iter().map(Ok).collect());
            }
            Err(_) => tx.rollback().await.map_err(backend)?,
        }
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let mut out = Vec::with_capacity(changes.len());
        let mut at = tip(&mut tx).await?;
        for change in &changes {
            out.push(commit_one_of_batch(&mut tx, change, &mut at).await?);
        }
        tx.commit().await.map_err(backend)?;
        self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Ok(out)
    }

    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = sqlx::query("SELECT * FROM tenants ORDER BY name")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(tenant_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT * FROM tenants WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(tenant_row).transpose().map_err(backend)
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT * FROM tenants WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(tenant_row).transpose().map_err(backend)
    }

    async fn work_units(&self, tenant: TenantId) -> Result<Vec<WorkUnit>, StoreError> {
        let rows = sqlx::query("SELECT * FROM work_units WHERE tenant_id = ? ORDER BY code")
            .bind(tenant.0)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(WorkUnit {
                    id: WorkUnitId(r.try_get("id")?),
                    tenant_id: TenantId(r.try_get("tenant_id")?),
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    created_at: from_us(r.try_get("created_at")?)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn vendors(&self) -> Result<Vec<Vendor>, StoreError> {
        let rows = sqlx::query("SELECT * FROM vendors ORDER BY name")
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(vendor_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn vendor(&self, id: VendorId) -> Result<Option<Vendor>, StoreError> {
        let row = sqlx::query("SELECT * FROM vendors WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(vendor_row).transpose().map_err(backend)
    }

    async fn users(&self, tenant: Option<TenantId>) -> Result<Vec<User>, StoreError> {
        let rows = sqlx::query("SELECT * FROM users WHERE tenant_id IS ? ORDER BY username")
            .bind(tenant.map(|t| t.0))
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(user_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(user_row).transpose().map_err(backend)
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref()
            .map(|r| {
                Ok(Credentials {
                    user: user_row(r)?,
                    password_hash: r.try_get("password_hash")?,
                })
            })
            .transpose()
            .map_err(backend)
    }

    async fn role_grants(&self, user: UserId) -> Result<Vec<RoleGrant>, StoreError> {
        let rows = sqlx::query("SELECT * FROM role_grants WHERE user_id = ? ORDER BY role")
            .bind(user.0)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(RoleGrant {
                    user_id: UserId(r.try_get("user_id")?),
                    role: role(r.try_get("role")?)?,
                    tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
                    work_unit_id: r.try_get::<Option<Uuid>, _>("work_unit_id")?.map(WorkUnitId),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn tenant_role_grants(&self, tenant: TenantId) -> Result<Vec<RoleGrant>, StoreError> {
        let rows = sqlx::query("SELECT * FROM role_grants WHERE tenant_id = ? ORDER BY user_id, role")
            .bind(tenant.0)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(|r| {
                Ok(RoleGrant {
                    user_id: UserId(r.try_get("user_id")?),
                    role: role(r.try_get("role")?)?,
                    tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
                    work_unit_id: r.try_get::<Option<Uuid>, _>("work_unit_id")?.map(WorkUnitId),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, secret_hash, user_id, role, tenant_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(s.id.0)
        .bind(&s.secret_hash)
        .bind(s.user_id.0)
        .bind(s.role.code())
        .bind(s.tenant_id.map(|t| t.0))
        .bind(us(s.created_at))
        .bind(us(s.last_seen_at))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn session_by_secret(&self, secret_hash: &[u8]) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query("SELECT * FROM sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(session_row).transpose().map_err(backend)
    }

    async fn touch_session(&self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id = ?")
            .bind(us(at))
            .bind(id.0)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id.0)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?")
            .bind(us(idle_before))
            .bind(us(created_before))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(r.rows_affected())
    }

    async fn session_count(&self, user: UserId) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = ?")
            .bind(user.0)
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        Ok(n as u64)
    }

    async fn token_with_user(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(ApiToken, User, Vec<RoleGrant>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id AS t_id, t.user_id AS t_user_id, t.name AS t_name, t.role AS t_role, \
             t.tenant_id AS t_tenant_id, t.secret_hash AS t_secret_hash, t.created_at AS t_created_at, \
             t.expires_at AS t_expires_at, t.revoked_at AS t_revoked_at, t.last_used_at AS t_last_used_at, \
             u.id, u.username, u.display_name, u.email, u.tenant_id, u.vendor_id, u.active, u.created_at, \
             g.role AS g_role, g.tenant_id AS g_tenant_id, g.work_unit_id AS g_work_unit_id \
             FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN role_grants g ON g.user_id = u.id \
             WHERE t.secret_hash = ? ORDER BY g.role",
        )
        .bind(secret_hash)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let token = token_columns(first, "t_").map_err(backend)?;
        let user = user_row(first).map_err(backend)?;
        let mut grants = Vec::new();
        for r in &rows {
            let Some(code) = r.try_get::<Option<String>, _>("g_role").map_err(backend)? else {
                continue;
            };
            grants.push(RoleGrant {
                user_id: user.id,
                role: role(&code).map_err(backend)?,
                tenant_id: r
                    .try_get::<Option<Uuid>, _>("g_tenant_id")
                    .map_err(backend)?
                    .map(TenantId),
                work_unit_id: r
                    .try_get::<Option<Uuid>, _>("g_work_unit_id")
                    .map_err(backend)?
                    .map(WorkUnitId),
            });
        }
        Ok(Some((token, user, grants)))
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC")
                .bind(user.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(token_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn api_token(&self, id: ApiTokenId) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query("SELECT * FROM api_tokens WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(token_row).transpose().map_err(backend)
    }

    async fn touch_api_token(&self, id: ApiTokenId, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(us(at))
            .bind(id.0)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn record_login_attempt(
        &self,
        account: &str,
        address: &str,
        success: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_attempts (account, address, success, at) VALUES (?, ?, ?, ?)")
            .bind(account)
            .bind(address)
            .bind(success)
            .bind(us(at))
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn failed_logins(
        &self,
        account: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<FailedLogins, StoreError> {
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM login_attempts WHERE account = ? AND success = 0 AND at >= ?) AS by_account, \
               (SELECT COUNT(*) FROM login_attempts WHERE address = ? AND success = 0 AND at >= ?) AS by_address",
        )
        .bind(account)
        .bind(us(since))
        .bind(address)
        .bind(us(since))
        .fetch_one(&self.reader)
        .await
        .map_err(backend)?;
        let a: i64 = row.try_get("by_account").map_err(backend)?;
        let b: i64 = row.try_get("by_address").map_err(backend)?;
        Ok(FailedLogins {
            by_account: a as u32,
            by_address: b as u32,
        })
    }

    async fn clear_failed_logins(&self, account: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_attempts WHERE account = ? AND success = 0")
            .bind(account)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn plan_items(&self, tenant: TenantId, announced_only: bool) -> Result<Vec<PlanItem>, StoreError> {
        let sql: &'static str = if announced_only {
            "SELECT * FROM plan_items WHERE tenant_id = ? AND announced_at IS NOT NULL ORDER BY fiscal_year, work_unit_id, name"
        } else {
            "SELECT * FROM plan_items WHERE tenant_id = ? ORDER BY fiscal_year, work_unit_id, name"
        };
        let rows = sqlx::query(sql)
            .bind(tenant.0)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(plan_item_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn packages(&self, tenant: TenantId) -> Result<Vec<lelang_core::package::Package>, StoreError> {
        let rows = sqlx::query("SELECT * FROM packages WHERE tenant_id = ? ORDER BY created_at DESC, id")
            .bind(tenant.0)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(package_row)
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn package(
        &self,
        id: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::package::Package>, StoreError> {
        let row = sqlx::query("SELECT * FROM packages WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(package_row).transpose().map_err(backend)
    }

    async fn pokja_assignments(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<lelang_core::pokja::PokjaAssignment>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM pokja_members WHERE tenant_id = ? ORDER BY assigned_at, package_id, member_id",
        )
        .bind(tenant.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        let mut out: Vec<lelang_core::pokja::PokjaAssignment> = Vec::new();
        for r in &rows {
            let package_id = lelang_core::ids::PackageId(r.try_get("package_id").map_err(backend)?);
            let member = UserId(r.try_get("member_id").map_err(backend)?);
            let declared = (|| -> Result<bool, sqlx::Error> {
                Ok(r.try_get::<Option<i64>, _>("declared_at")?.is_some())
            })()
            .map_err(backend)?;
            let assigned_at = from_us(r.try_get("assigned_at").map_err(backend)?).map_err(backend)?;
            match out.iter_mut().find(|a| a.package_id == package_id) {
                Some(a) => a.members.push(member),
                None => out.push(lelang_core::pokja::PokjaAssignment {
                    package_id,
                    tenant_id: tenant,
                    members: vec![member],
                    declared: vec![],
                    assigned_at,
                }),
            }
            if declared && let Some(a) = out.iter_mut().find(|a| a.package_id == package_id) {
                a.declared.push(member);
            }
        }
        Ok(out)
    }

    async fn tender_setups(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<lelang_core::tender::TenderSetup>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT setup FROM tender_setups WHERE tenant_id = ? ORDER BY package_id")
                .bind(tenant.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter()
            .map(|r| serde_json::from_str(r).map_err(|e| StoreError::Backend(format!("tender setup: {e}"))))
            .collect()
    }

    async fn vendor_profile(
        &self,
        vendor: VendorId,
    ) -> Result<Option<lelang_core::vendor::VendorProfile>, StoreError> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT profile FROM vendor_profiles WHERE vendor_id = ?")
                .bind(vendor.0)
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        row.map(|s| from_json(&s)).transpose()
    }

    async fn verifications(
        &self,
        vendor: Option<VendorId>,
    ) -> Result<Vec<lelang_core::vendor::Verification>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM vendor_verifications WHERE ? IS NULL OR vendor_id = ? ORDER BY vendor_id, tenant_id",
        )
        .bind(vendor.map(|v| v.0))
        .bind(vendor.map(|v| v.0))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter().map(|s| from_json(s)).collect()
    }

    async fn search_tenders(
        &self,
        q: &lelang_core::tender::TenderQuery,
    ) -> Result<lelang_core::tender::TenderPage, StoreError> {
        let terms = q.terms();
        let fts = (!terms.is_empty()).then(|| {
            terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "")))
                .collect::<Vec<_>>()
                .join(" ")
        });
        // Keywords select through the full-text index (all must occur); rows come newest first on
        // both backends, so a search answers the same everywhere and never ranks every match.
        // The conditions, on the table aliased `t`. For a page, `+t.seq` (`walk`) keeps SQLite from
        // fetching every match by rowid: it walks the date index and stops after a page; for a
        // count, fetching the matches by rowid is the faster way.
        let filters = |b: &mut sqlx::QueryBuilder<sqlx::Sqlite>, walk: bool| {
            b.push(" WHERE 1 = 1");
            if let Some(m) = &fts {
                b.push(if walk { " AND +t.seq" } else { " AND t.seq" })
                    .push(" IN (SELECT rowid FROM public_tenders_fts WHERE public_tenders_fts MATCH ")
                    .push_bind(m.clone())
                    .push(")");
            }
            if let Some(t) = q.tenant {
                b.push(" AND t.tenant_id = ").push_bind(t.0);
            }
            if let Some(w) = q.work_unit {
                b.push(" AND t.work_unit_id = ").push_bind(w.0);
            }
            if let Some(c) = q.category {
                b.push(" AND t.category = ").push_bind(rules::code(&c));
            }
            if let Some(m) = q.method {
                b.push(" AND t.method = ").push_bind(rules::code(&m));
            }
            if let Some(v) = q.min_value {
                b.push(" AND t.owner_estimate >= ").push_bind(v);
            }
            if let Some(v) = q.max_value {
                b.push(" AND t.owner_estimate <= ").push_bind(v);
            }
            if let (Some(s), Some(now)) = (q.status, q.now) {
                b.push(match s {
                    lelang_core::tender::TenderStatus::Open => " AND t.submission_deadline > ",
                    lelang_core::tender::TenderStatus::Closed => " AND t.submission_deadline <= ",
                })
                .push_bind(us(now));
            }
        };
        // The page is chosen on the narrow index first; only its rows are read whole and named.
        let mut b = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT t.*, tn.slug AS regency_slug, tn.name AS regency_name, w.name AS work_unit_name \
             FROM (SELECT t.seq FROM public_tenders t",
        );
        filters(&mut b, true);
        b.push(" ORDER BY t.announced_at DESC, t.seq DESC LIMIT ")
            .push_bind(i64::from(q.limit.clamp(1, 200)))
            .push(" OFFSET ")
            .push_bind(i64::from(q.offset))
            .push(
                ") p JOIN public_tenders t ON t.seq = p.seq JOIN tenants tn ON tn.id = t.tenant_id \
                 JOIN work_units w ON w.id = t.work_unit_id ORDER BY t.announced_at DESC, t.seq DESC",
            );
        let rows = b.build().fetch_all(&self.reader).await.map_err(backend)?;
        let keywords_only = q.tenant.is_none()
            && q.work_unit.is_none()
            && q.category.is_none()
            && q.method.is_none()
            && q.min_value.is_none()
            && q.max_value.is_none()
            && q.status.is_none();
        let mut c = match &fts {
            // Keywords alone: the full-text index counts its own matches.
            Some(m) if keywords_only => {
                let mut c = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                    "SELECT COUNT(*) FROM public_tenders_fts WHERE public_tenders_fts MATCH ",
                );
                c.push_bind(m.clone());
                c
            }
            _ => {
                let mut c = sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT COUNT(*) FROM public_tenders t");
                filters(&mut c, false);
                c
            }
        };
        let total: i64 = c
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        let tenders = rows
            .iter()
            .map(listed_tender_row)
            .collect::<Result<_, _>>()
            .map_err(backend)?;
        Ok(lelang_core::tender::TenderPage {
            tenders,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    async fn public_tender(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::tender::PublicTender>, StoreError> {
        let row = sqlx::query("SELECT * FROM public_tenders WHERE package_id = ?")
            .bind(package.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(public_tender_row).transpose().map_err(backend)
    }

    async fn documents(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::document::Document>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM documents WHERE package_id = ? ORDER BY published_at, id")
                .bind(package.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter().map(|s| from_json(s)).collect()
    }

    async fn participants(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<(VendorId, OffsetDateTime)>, StoreError> {
        let rows: Vec<(Uuid, i64)> = sqlx::query_as(
            "SELECT vendor_id, joined_at FROM participants WHERE package_id = ? ORDER BY joined_at, vendor_id",
        )
        .bind(package.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(|(v, at)| Ok((VendorId(v), from_us(at)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn vendor_tenders(&self, vendor: VendorId) -> Result<Vec<lelang_core::ids::PackageId>, StoreError> {
        let rows: Vec<Uuid> = sqlx::query_scalar(
            "SELECT package_id FROM participants WHERE vendor_id = ? ORDER BY joined_at DESC, package_id",
        )
        .bind(vendor.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(rows.into_iter().map(lelang_core::ids::PackageId).collect())
    }

    async fn questions(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::clarification::Question>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM questions WHERE package_id = ? ORDER BY asked_at, id")
                .bind(package.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter().map(|s| from_json(s)).collect()
    }

    async fn member_key(&self, user: UserId) -> Result<Option<lelang_core::sealing::MemberKey>, StoreError> {
        let row: Option<String> = sqlx::query_scalar("SELECT data FROM member_keys WHERE user_id = ?")
            .bind(user.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_deref().map(from_json).transpose()
    }

    async fn ceremony(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::sealing::Ceremony>, StoreError> {
        let row: Option<String> = sqlx::query_scalar(
            "SELECT data FROM ceremonies WHERE package_id = ? ORDER BY started_at DESC, id DESC LIMIT 1",
        )
        .bind(package.0)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        row.as_deref().map(from_json).transpose()
    }

    async fn bids(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::sealing::Bid>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM bids WHERE package_id = ? ORDER BY log_index")
                .bind(package.0)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        rows.iter().map(|s| from_json(s)).collect()
    }

    async fn vendor_bids(
        &self,
        package: lelang_core::ids::PackageId,
        vendor: VendorId,
    ) -> Result<Vec<lelang_core::sealing::Bid>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM bids WHERE package_id = ? AND vendor_id = ? ORDER BY log_index",
        )
        .bind(package.0)
        .bind(vendor.0)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter().map(|s| from_json(s)).collect()
    }

    async fn tender_for(
        &self,
        package: lelang_core::ids::PackageId,
        vendor: VendorId,
    ) -> Result<Option<(lelang_core::tender::PublicTender, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT t.*, EXISTS (SELECT 1 FROM participants p WHERE p.package_id = t.package_id \
             AND p.vendor_id = ?) AS registered FROM public_tenders t WHERE t.package_id = ?",
        )
        .bind(vendor.0)
        .bind(package.0)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        row.map(|r| -> Result<_, sqlx::Error> { Ok((public_tender_row(&r)?, r.try_get("registered")?)) })
            .transpose()
            .map_err(backend)
    }

    async fn closing(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::submission::Closing>, StoreError> {
        let row = sqlx::query("SELECT * FROM closings WHERE package_id = ?")
            .bind(package.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.map(|r| -> Result<_, sqlx::Error> {
            let index: i64 = r.try_get("log_index")?;
            Ok(lelang_core::submission::Closing {
                package_id: package,
                log_index: u64::try_from(index).unwrap_or_default(),
                at: from_us(r.try_get("at")?)?,
            })
        })
        .transpose()
        .map_err(backend)
    }

    async fn unclosed_tenders(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<lelang_core::ids::PackageId>, StoreError> {
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT t.package_id FROM public_tenders t LEFT JOIN closings c ON c.package_id = t.package_id \
             WHERE c.package_id IS NULL AND t.submission_deadline <= ? ORDER BY t.submission_deadline",
        )
        .bind(us(now))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(ids.into_iter().map(lelang_core::ids::PackageId).collect())
    }

    async fn opening(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::sealing::Opening>, StoreError> {
        let row: Option<String> = sqlx::query_scalar("SELECT data FROM openings WHERE package_id = ?")
            .bind(package.0)
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_deref().map(from_json).transpose()
    }

    async fn days_off(&self, year: Option<i32>) -> Result<Vec<lelang_core::calendar::DayOff>, StoreError> {
        let rows = match year {
            None => {
                sqlx::query("SELECT * FROM days_off ORDER BY date")
                    .fetch_all(&self.reader)
                    .await
            }
            Some(y) => {
                sqlx::query("SELECT * FROM days_off WHERE substr(date, 1, 4) = ? ORDER BY date")
                    .bind(format!("{y:04}"))
                    .fetch_all(&self.reader)
                    .await
            }
        }
        .map_err(backend)?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(lelang_core::calendar::DayOff {
                    date: r.try_get("date")?,
                    kind: lelang_core::calendar::DayOffKind::from_code(&kind)
                        .ok_or_else(|| sqlx::Error::Decode(format!("day-off kind {kind}").into()))?,
                    name: r.try_get("name")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn events(&self, f: EventFilter) -> Result<Vec<Event>, StoreError> {
        let limit = i64::from(if f.limit == 0 { 100 } else { f.limit });
        let sql: &'static str = match (f.tenant.is_some(), f.newest_first) {
            (false, false) => "SELECT * FROM events WHERE seq > ? ORDER BY seq ASC LIMIT ?",
            (false, true) => "SELECT * FROM events WHERE seq > ? ORDER BY seq DESC LIMIT ?",
            (true, false) => "SELECT * FROM events WHERE tenant_id IS ? AND seq > ? ORDER BY seq ASC LIMIT ?",
            (true, true) => "SELECT * FROM events WHERE tenant_id IS ? AND seq > ? ORDER BY seq DESC LIMIT ?",
        };
        let mut query = sqlx::query(sql);
        if let Some(t) = f.tenant {
            query = query.bind(t.map(|t| t.0));
        }
        let rows = query
            .bind(f.after_seq)
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        rows.iter()
            .map(event_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn event_count(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)
    }

    async fn tree_size(&self) -> Result<u64, StoreError> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        tree_size_in(&mut conn).await
    }

    async fn tree_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError> {
        let mut conn = self.reader.acquire().await.map_err(backend)?;
        load_nodes(&mut conn, ids).await
    }

    async fn tree_level(&self, level: u8, start: u64, count: u64) -> Result<Vec<Hash>, StoreError> {
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT hash FROM tree_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx",
        )
        .bind(level as i64)
        .bind(start as i64)
        .bind((start + count) as i64)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.into_iter()
            .map(hash_of)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn leaves(&self, start: u64, count: u64) -> Result<Vec<(Event, Salt)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.*, s.salt FROM events e JOIN event_salts s ON s.seq = e.seq \
             WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq",
        )
        .bind(start as i64)
        .bind((start + count) as i64)
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        rows.iter()
            .map(|r| Ok((event_row(r)?, hash_of(r.try_get("salt")?)?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }

    async fn add_checkpoint(&self, c: &StoredCheckpoint) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (size) DO NOTHING",
        )
        .bind(c.size as i64)
        .bind(c.root.to_vec())
        .bind(&c.note)
        .bind(us(c.created_at))
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query("SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&self.reader)
            .await
            .map_err(backend)?;
        row.as_ref().map(checkpoint_row).transpose().map_err(backend)
    }

    async fn second_factor(
        &self,
        user: UserId,
    ) -> Result<Option<lelang_core::second_factor::Enrolment>, StoreError> {
        let row = sqlx::query(
            "SELECT secret, last_step, epoch, \
             (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = s.user_id AND r.used_at IS NULL) AS left_codes \
             FROM second_factors s WHERE user_id = ? AND secret IS NOT NULL",
        )
        .bind(user.0)
        .fetch_optional(&self.writer)
        .await
        .map_err(backend)?;
        row.map(|r| enrolment_row(&r)).transpose().map_err(backend)
    }

    async fn use_second_factor_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND secret IS NOT NULL \
             AND (last_step IS NULL OR last_step < ?)",
        )
        .bind(step)
        .bind(user.0)
        .bind(step)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(r.rows_affected() == 1)
    }

    async fn server_secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.writer)
            .await
            .map_err(backend)?;
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&self.writer)
            .await
            .map_err(backend)
    }

    async fn ocds_cursor(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT seq FROM ocds_cursor WHERE id = 1")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)
    }

    async fn publish_releases(
        &self,
        from: i64,
        to: i64,
        releases: &[lelang_core::store::OcdsRelease],
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let moved = sqlx::query("UPDATE ocds_cursor SET seq = ? WHERE id = 1 AND seq = ?")
            .bind(to)
            .bind(from)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        for chunk in releases.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO ocds_releases (seq, ocid, tenant_id, body) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(r.seq)
                    .push_bind(&r.ocid)
                    .push_bind(r.tenant_id.map(|t| t.0))
                    .push_bind(&r.body);
            });
            q.build().execute(&mut *tx).await.map_err(backend)?;
        }
        // One row per process (a statement may not update a row twice): its newest release.
        let mut newest: std::collections::BTreeMap<&str, (Option<TenantId>, i64)> = Default::default();
        for r in releases {
            let e = newest.entry(r.ocid.as_str()).or_insert((r.tenant_id, r.seq));
            e.1 = e.1.max(r.seq);
        }
        let newest: Vec<_> = newest.into_iter().collect();
        for chunk in newest.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO ocds_records (ocid, tenant_id, last_seq) ",
            );
            q.push_values(chunk, |mut b, (ocid, (tenant, seq))| {
                b.push_bind(*ocid).push_bind(tenant.map(|t| t.0)).push_bind(*seq);
            });
            q.push(" ON CONFLICT (ocid) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)");
            q.build().execute(&mut *tx).await.map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn releases(
        &self,
        f: &lelang_core::store::ReleaseFilter,
    ) -> Result<Vec<lelang_core::store::OcdsRelease>, StoreError> {
        let limit = i64::from(if f.limit == 0 { 100 } else { f.limit });
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT seq, ocid, tenant_id, body FROM ocds_releases WHERE seq > ",
        );
        q.push_bind(f.after);
        if let Some(t) = f.tenant {
            q.push(" AND tenant_id = ").push_bind(t.0);
        }
        q.push(" ORDER BY seq LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(release_row)
            .collect::<Result<_, _>>()
            .map_err(backend)
    }

    async fn process_releases(
        &self,
        ocids: &[String],
    ) -> Result<Vec<lelang_core::store::OcdsRelease>, StoreError> {
        let mut out = Vec::new();
        for chunk in ocids.chunks(500) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT seq, ocid, tenant_id, body FROM ocds_releases WHERE ocid IN (",
            );
            let mut list = q.separated(", ");
            for o in chunk {
                list.push_bind(o.clone());
            }
            q.push(") ORDER BY seq");
            let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
            for r in &rows {
                out.push(release_row(r).map_err(backend)?);
            }
        }
        out.sort_by_key(|r| r.seq);
        Ok(out)
    }

    async fn changed_processes(
        &self,
        after: i64,
        tenant: Option<TenantId>,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let limit = i64::from(if limit == 0 { 100 } else { limit });
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT ocid, last_seq FROM ocds_records WHERE last_seq > ",
        );
        q.push_bind(after);
        if let Some(t) = tenant {
            q.push(" AND tenant_id = ").push_bind(t.0);
        }
        q.push(" ORDER BY last_seq LIMIT ").push_bind(limit);
        let rows = q.build().fetch_all(&self.reader).await.map_err(backend)?;
        rows.iter()
            .map(|r| Ok((r.try_get("ocid")?, r.try_get("last_seq")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(backend)
    }
}

/// A kept OCDS release.
fn release_row(r: &sqlx::sqlite::SqliteRow) -> Result<lelang_core::store::OcdsRelease, sqlx::Error> {
    Ok(lelang_core::store::OcdsRelease {
        seq: r.try_get("seq")?,
        ocid: r.try_get("ocid")?,
        tenant_id: r.try_get::<Option<Uuid>, _>("tenant_id")?.map(TenantId),
        body: r.try_get("body")?,
    })
}
