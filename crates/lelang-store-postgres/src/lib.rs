//! lelang's [`Store`] on PostgreSQL: many regencies, many app servers.
//!
//! Log positions are assigned under a transaction-scoped advisory lock, so that any number of app
//! servers append to one gapless, totally ordered log, and commit order is log order.

use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::event::Event;
use lelang_core::ids::{ApiTokenId, SessionId, TenantId, UserId, VendorId};
use lelang_core::model::{ApiToken, Credentials, RoleGrant, Session, Tenant, User, Vendor, WorkUnit};
use lelang_core::plan::PlanItem;
use lelang_core::public::Salt;
use lelang_core::rules;
use lelang_core::store::{EventFilter, FailedLogins, StoreError, StoredCheckpoint};
use lelang_store_sql::{self as sql, store_error as backend};
use lelang_trust::merkle::{Hash, NodeId};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::collections::HashMap;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    reader: PgPool,
    writer: PgPool,
    /// Moves after every commit of this process (see `Store::data_version`).
    version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl PgStore {
    /// Connects to a `postgres://` URL.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(backend)?;
        Ok(Self {
            reader: pool.clone(),
            writer: pool,
            version: Default::default(),
        })
    }

    /// Closes the pool (tests and shutdown).
    pub async fn close(&self) {
        self.writer.close().await;
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

    /// Creates an empty database with a unique name on the server at `admin_url` and returns its
    /// URL: every test gets a database of its own.
    pub async fn create_test_database(admin_url: &str) -> Result<String, StoreError> {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(3))
            .connect(admin_url)
            .await
            .map_err(backend)?;
        let name = format!("lelang_test_{}", Uuid::new_v4().simple());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .map_err(backend)?;
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
        Ok(format!("{base}/{name}"))
    }
}

/// The server tests create their databases on: `LELANG_TEST_PG_URL`, or the local default.
pub fn test_admin_url() -> String {
    std::env::var("LELANG_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Brings the log up to the events: leaves for events that have none yet (a database created
/// before the log existed), with fresh salts where an event has none; a thousand at a time.
async fn catch_up_log(pool: &PgPool) -> Result<u64, StoreError> {
    let mut added = 0;
    loop {
        let mut tx = pool.begin().await.map_err(backend)?;
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

lelang_store_sql::sql_store!(PgStore {
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
            "postgres"
        }

        fn data_version(&self) -> u64 {
            self.version.load(std::sync::atomic::Ordering::Acquire)
        }

        async fn commit(&self, change: Change<Mutation>) -> Result<Vec<Event>, StoreError> {
            let mut tx = self.writer.begin().await.map_err(backend)?;
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
            let mut tx = self.writer.begin().await.map_err(backend)?;
            let at = sql::append::tip(&mut *tx).await?;
            match sql::append::commit_all(&mut *tx, &changes, &at).await {
                Ok(all) => {
                    tx.commit().await.map_err(backend)?;
                    self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
                    return Ok(all.into_iter().map(Ok).collect());
                }
                Err(_) => tx.rollback().await.map_err(backend)?,
            }
            let mut tx = self.writer.begin().await.map_err(backend)?;
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
            let tsquery = (!terms.is_empty()).then(|| terms.join(" & "));
            let build = |select: &str, names: bool| {
                let mut b = sqlx::QueryBuilder::<sqlx::Postgres>::new(select);
                b.push(" FROM public_tenders t");
                if names {
                    b.push(" JOIN tenants tn ON tn.id = t.tenant_id JOIN work_units w ON w.id = t.work_unit_id");
                }
                b.push(" WHERE 1 = 1");
                if let Some(m) = &tsquery {
                    b.push(" AND t.search @@ to_tsquery('simple', ")
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
                    .push_bind(now)
                    .push(")");
                }
                b
            };
            // Rows come newest first, as on SQLite, so a search answers the same on both backends.
            let mut b = build(
                "SELECT t.*, tn.slug AS regency_slug, tn.name AS regency_name, w.name AS work_unit_name",
                true,
            );
            b.push(" ORDER BY t.announced_at DESC, t.seq DESC");
            b.push(" LIMIT ").push_bind(i64::from(q.limit.clamp(1, 200)));
            b.push(" OFFSET ").push_bind(i64::from(q.offset));
            let rows = b.build().fetch_all(&self.reader).await.map_err(backend)?;
            let total: i64 = build("SELECT COUNT(*)", false)
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
            let mut tx = self.writer.begin().await.map_err(backend)?;
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
