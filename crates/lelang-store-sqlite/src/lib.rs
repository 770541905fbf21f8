//! lelang's [`Store`] on SQLite: one file in WAL mode, zero setup.
//!
//! Writes go through a pool of exactly one connection, so the process has a single writer: log
//! positions are assigned without races and a transaction never fails on a lock upgrade. Reads use
//! a separate pool and run concurrently with the writer, as WAL allows.

use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::event::Event;
use lelang_core::ids::{ApiTokenId, SessionId, TenantId, UserId, VendorId};
use lelang_core::model::{ApiToken, Credentials, RoleGrant, Session, Tenant, User, Vendor, WorkUnit};
use lelang_core::plan::PlanItem;
use lelang_core::public::Salt;
use lelang_core::role::Role;
use lelang_core::rules;
use lelang_core::store::{EventFilter, FailedLogins, StoreError, StoredCheckpoint};
use lelang_store_sql::{self as sql, store_error as backend};
use lelang_trust::merkle::{Hash, NodeId};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    /// Moves after every commit of this process (see `Store::data_version`).
    version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// An instant as this store keeps it (microseconds since the epoch).
use lelang_store_sql::sqlite_micros as us;

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

/// Brings the log up to the events: leaves for events that have none yet (a database created
/// before the log existed), with fresh salts where an event has none; a thousand at a time.
async fn catch_up_log(pool: &SqlitePool) -> Result<u64, StoreError> {
    let mut added = 0;
    loop {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let n = sql::append::catch_up_step(&mut *tx).await?;
        if n == 0 {
            // Explicitly: a dropped transaction keeps its locks until the pool reuses the
            // connection.
            tx.rollback().await.map_err(backend)?;
            return Ok(added);
        }
        tx.commit().await.map_err(backend)?;
        added += n;
    }
}

lelang_store_sql::sql_store!(SqliteStore {
    log {
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

        async fn commit(&self, change: Change<Mutation>) -> Result<Vec<Event>, StoreError> {
            // IMMEDIATE: take the write lock first, so another process writing the same file makes us
            // wait (busy_timeout) instead of failing a read-then-write upgrade.
            let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
            match sql::append::commit_in(&mut *tx, &change).await {
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
            changes: Vec<Change<Mutation>>,
        ) -> Result<Vec<Result<Vec<Event>, StoreError>>, StoreError> {
            // Optimistically all at once; if a change is refused, again change by change.
            let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
            let at = sql::append::tip(&mut *tx).await?;
            match sql::append::commit_all(&mut *tx, &changes, &at).await {
                Ok(all) => {
                    tx.commit().await.map_err(backend)?;
                    self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                    return Ok(all.into_iter().map(Ok).collect());
                }
                Err(_) => tx.rollback().await.map_err(backend)?,
            }
            let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
            let mut out = Vec::with_capacity(changes.len());
            let mut at = sql::append::tip(&mut *tx).await?;
            for change in &changes {
                out.push(sql::append::commit_one_of_batch(&mut *tx, change, &mut at).await?);
            }
            tx.commit().await.map_err(backend)?;
            self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            Ok(out)
        }
    }
    tender {
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
                    // A cancelled tender is closed for bids whatever its deadline says.
                    b.push(match s {
                        lelang_core::tender::TenderStatus::Open => {
                            " AND t.cancelled_at IS NULL AND (t.submission_deadline > "
                        }
                        lelang_core::tender::TenderStatus::Closed => {
                            " AND NOT (t.cancelled_at IS NULL AND t.submission_deadline > "
                        }
                    })
                    .push_bind(us(now))
                    .push(")");
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
                .map(sql::tender::listed_tender_row)
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            Ok(lelang_core::tender::TenderPage {
                tenders,
                total: u64::try_from(total).unwrap_or(0),
            })
        }
    }
    open_data {
        async fn publish_releases(
            &self,
            from: i64,
            to: i64,
            releases: &[lelang_core::store::OcdsRelease],
        ) -> Result<bool, StoreError> {
            let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
            match sql::ocds::publish_releases(&mut *tx, from, to, releases).await {
                Ok(true) => {
                    tx.commit().await.map_err(backend)?;
                    Ok(true)
                }
                // Roll back now: a dropped transaction keeps its locks until the pool reuses
                // the connection.
                other => {
                    let _ = tx.rollback().await;
                    other
                }
            }
        }

        async fn process_releases(
            &self,
            ocids: &[String],
        ) -> Result<Vec<lelang_core::store::OcdsRelease>, StoreError> {
            sql::ocds::process_releases(&mut &self.reader, ocids).await
        }
    }
});
