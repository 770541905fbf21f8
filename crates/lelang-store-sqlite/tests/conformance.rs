//! The conformance suite on SQLite, each case in a fresh database file.

use lelang_core::store::prelude::*;
use lelang_store_sqlite::SqliteStore;
use std::sync::Arc;

async fn fresh() -> Option<Arc<dyn Store>> {
    // The directory lives as long as the process: each case gets its own, removed at exit by the OS
    // temp cleaner; keeping it avoids closing the pool under a running case.
    let dir = tempfile::tempdir().expect("tempdir").keep();
    let store = SqliteStore::open(&dir.join("lelang.db")).await.expect("open");
    store.migrate().await.expect("migrate");
    Some(Arc::new(store))
}

lelang_store_tests::conformance_suite!(fresh());

/// The log refuses to be rewritten through SQL, not only through the Store API.
#[tokio::test]
async fn events_table_is_append_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lelang.db");
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("migrate");
    lelang_store_tests::cases::events_gapless_and_ordered(Arc::new(store.clone())).await;
    for sql in [
        "UPDATE events SET payload = '{}' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 1",
    ] {
        let err = store.raw_execute(sql).await.expect_err("must be refused");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(store.event_count().await.expect("count"), 4);
}

/// A fresh database is created in WAL mode, as promised for one machine.
#[tokio::test]
async fn wal_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open(&dir.path().join("lelang.db"))
        .await
        .expect("open");
    assert_eq!(store.journal_mode().await.expect("pragma"), "wal");
}
