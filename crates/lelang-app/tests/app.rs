//! The application layer on a real SQLite store: what it commits, what it refuses, and where its
//! ids come from.

use lelang_app::{App, AppError};
use lelang_core::command::CommandError;
use lelang_core::directory::{CreateTenant, bootstrap_platform_admin, create_tenant};
use lelang_core::model::TimeZone;
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::store::prelude::*;
use lelang_core::store::{Conflict, StoreError, Unique};
use lelang_core::{FixedClock, Fresh};
use lelang_store_sqlite::SqliteStore;
use std::sync::Arc;
use time::macros::datetime;

async fn app(dir: &tempfile::TempDir) -> (App, Actor) {
    let store = SqliteStore::open(&dir.path().join("lelang.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-02 02:00 UTC)));
    let app = App::new(Arc::new(store), clock, Arc::new(Fresh::seeded([3; 32])));
    let admin = app
        .run(|cx| bootstrap_platform_admin("admin", "Administrator Platform", "$argon2id$x".into(), cx))
        .await
        .expect("admin");
    let actor = Actor::User(UserActor {
        user_id: admin.id,
        username: admin.username,
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: None,
    });
    (app, actor)
}

fn regency(slug: &str) -> CreateTenant {
    CreateTenant {
        slug: slug.into(),
        name: "Kabupaten Banyuwangi".into(),
        time_zone: TimeZone::Wib,
    }
}

#[tokio::test]
async fn a_decision_is_committed_with_ids_stamped_at_the_clocks_instant() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, admin) = app(&dir).await;
    let before = app.store.event_count().await.expect("count");
    let t = app
        .run(|cx| create_tenant(&admin, regency("banyuwangi"), cx))
        .await
        .expect("created");
    assert_eq!(app.store.event_count().await.expect("count"), before + 1);
    assert_eq!(
        app.store.tenant(t.id).await.expect("read").map(|t| t.slug),
        Some("banyuwangi".into())
    );
    // UUIDv7 carries the decision's instant, from the app's clock, not the wall clock.
    let (secs, _) = t.id.0.get_timestamp().expect("v7").to_unix();
    assert_eq!(secs as i64, app.clock.now().unix_timestamp());
}

#[tokio::test]
async fn a_refused_decision_commits_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, admin) = app(&dir).await;
    let before = app.store.event_count().await.expect("count");
    let err = app
        .run(|cx| create_tenant(&admin, regency("Bukan Slug!"), cx))
        .await
        .expect_err("an invalid slug");
    assert!(
        matches!(
            err,
            AppError::Command(CommandError::Invalid { field: "slug", .. })
        ),
        "{err:?}"
    );
    assert_eq!(app.store.event_count().await.expect("count"), before);
}

#[tokio::test]
async fn a_store_refusal_arrives_typed_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, admin) = app(&dir).await;
    app.run(|cx| create_tenant(&admin, regency("banyuwangi"), cx))
        .await
        .expect("first");
    let before = app.store.event_count().await.expect("count");
    let err = app
        .run(|cx| create_tenant(&admin, regency("banyuwangi"), cx))
        .await
        .expect_err("the same slug twice");
    assert!(
        matches!(
            err,
            AppError::Store(StoreError::Conflict(Conflict::Duplicate(Unique::TenantSlug)))
        ),
        "{err:?}"
    );
    assert_eq!(app.store.event_count().await.expect("count"), before);
    assert_eq!(app.store.tenants().await.expect("tenants").len(), 1);
}
