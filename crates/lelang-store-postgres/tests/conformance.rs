//! The conformance suite on PostgreSQL, each case in a database of its own.
//!
//! Set `LELANG_TEST_PG_URL` to a server where the user may create databases (default:
//! `postgres://postgres@127.0.0.1:5432/test`). Without a reachable server the cases say they are
//! skipped; in CI (`CI` set) they fail instead.

use lelang_core::store::prelude::*;
use lelang_store_postgres::PgStore;
use std::sync::Arc;

async fn fresh() -> Option<Arc<dyn Store>> {
    let admin = lelang_store_postgres::test_admin_url();
    match PgStore::create_test_database(&admin).await {
        Ok(url) => {
            let store = PgStore::connect(&url).await.expect("connect");
            store.migrate().await.expect("migrate");
            Some(Arc::new(store))
        }
        Err(e) => {
            lelang_store_tests::skip("PostgreSQL conformance", &e.to_string());
            None
        }
    }
}

lelang_store_tests::conformance_suite!(fresh());

/// The log refuses to be rewritten through SQL, not only through the Store API.
#[tokio::test]
async fn events_table_is_append_only() {
    let url = match PgStore::create_test_database(&lelang_store_postgres::test_admin_url()).await {
        Ok(url) => url,
        Err(e) => return lelang_store_tests::skip("PostgreSQL append-only", &e.to_string()),
    };
    let pg = PgStore::connect(&url).await.expect("connect");
    pg.migrate().await.expect("migrate");
    lelang_store_tests::cases::events_gapless_and_ordered(Arc::new(pg.clone())).await;
    for sql in [
        "UPDATE events SET payload = '{}' WHERE seq = 1",
        "DELETE FROM events WHERE seq = 1",
        "TRUNCATE events CASCADE",
    ] {
        let err = pg.raw_execute(sql).await.expect_err("must be refused");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
    assert_eq!(pg.event_count().await.expect("count"), 4);
}
