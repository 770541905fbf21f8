//! One conformance suite for every [`Store`] backend.
//!
//! Each backend crate instantiates [`conformance_suite!`] with an expression that yields a fresh,
//! migrated store (or `None`, after saying why, when the database is not available on a developer
//! machine). Every case then runs against an empty database of its own.

use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::directory::{
    self, CreateTenant, CreateUser, CreateWorkUnit, RegisterVendor, create_tenant, create_user,
    create_work_unit, register_vendor,
};
use lelang_core::ids::{SessionId, UserId};
use lelang_core::model::{Session, Tenant, TimeZone, User};
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::store::{Conflict, EventFilter, Store, StoreError, Unique};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// A fixed instant, so that the cases do not depend on the wall clock.
pub fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The source of the cases' ids and salts.
static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x5d; 32]);

/// A command context deciding at `at`.
pub fn cx(at: OffsetDateTime) -> lelang_core::Cx<'static> {
    lelang_core::Cx::new(at, &FRESH)
}

/// Whether a missing database must fail the run (in CI) rather than skip.
pub fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Says that a test is skipped, or panics when running in CI where nothing may be skipped.
pub fn skip(what: &str, why: &str) {
    if required() {
        panic!("{what} is required in CI but unavailable: {why}");
    }
    eprintln!("SKIPPED {what}: {why} (set up the prerequisite or run .ci/run to include it)");
}

fn admin() -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "admin".into(),
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: None,
    })
}

async fn tenant(store: &dyn Store, slug: &str) -> Tenant {
    let (t, change) = create_tenant(
        &admin(),
        CreateTenant {
            slug: slug.into(),
            name: format!("Pemkab {slug}"),
            time_zone: TimeZone::Wib,
        },
        &crate::cx(t0()),
    )
    .expect("valid tenant");
    store.commit(change.lift()).await.expect("commit tenant");
    t
}

async fn official(store: &dyn Store, t: &Tenant, username: &str, role: Role) -> User {
    let (u, change) = create_user(
        &admin(),
        CreateUser {
            username: username.into(),
            display_name: format!("Pejabat {username}"),
            email: Some(format!("{username}@example.go.id")),
            tenant_id: Some(t.id),
            vendor_id: None,
            roles: vec![(role, None)],
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid user");
    store.commit(change.lift()).await.expect("commit user");
    u
}

/// A regency's package (its work unit and announced plan item) and a company, stored directly:
/// what the cases of the stages after the announcement start from.
pub async fn package_with_vendor(
    store: &dyn Store,
) -> (
    lelang_core::model::Tenant,
    lelang_core::package::Package,
    lelang_core::model::Vendor,
) {
    use lelang_core::Mutation;
    use lelang_core::command::Change;
    use lelang_core::ids::{PackageId, PlanItemId};
    use lelang_core::model::Vendor;
    use lelang_core::rules::{Category, Method};
    let bwi = tenant(store, "banyuwangi").await;
    let (wu, c) = create_work_unit(
        &admin(),
        bwi.id,
        CreateWorkUnit {
            code: "DPU".into(),
            name: "Dinas PU".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("unit");
    let item = lelang_core::plan::PlanItem {
        id: PlanItemId::new(),
        tenant_id: bwi.id,
        work_unit_id: wu.id,
        fiscal_year: 2027,
        name: "Jembatan".into(),
        category: Category::Works,
        budget_ceiling: 1_000_000_000,
        funding_source: "APBD".into(),
        planned_method: Method::Tender,
        planned_start: time::macros::date!(2027 - 02 - 01),
        planned_end: time::macros::date!(2027 - 08 - 31),
        rule_set: "perpres-46-2025".into(),
        created_at: t0(),
        announced_at: Some(t0()),
    };
    let package = lelang_core::package::Package {
        id: PackageId::new(),
        tenant_id: bwi.id,
        work_unit_id: wu.id,
        plan_item_id: item.id,
        name: "Jembatan".into(),
        category: Category::Works,
        budget_ceiling: 1_000_000_000,
        owner_estimate: 1_000_000_000,
        hps_breakdown: vec![],
        location: "Kabupaten".into(),
        rule_set: "perpres-46-2025".into(),
        created_at: t0(),
        repeat_of: None,
    };
    let vendor = Vendor {
        id: lelang_core::VendorId::new(),
        name: "CV Uji".into(),
        nib: "1234567890123".into(),
        home_tenant_id: Some(bwi.id),
        created_at: t0(),
    };
    store
        .commit(Change {
            events: vec![],
            mutations: vec![
                Mutation::Plan(lelang_core::plan::Mutation::InsertPlanItem(item)),
                Mutation::Package(lelang_core::package::Mutation::InsertPackage(package.clone())),
                Mutation::Directory(lelang_core::directory::Mutation::InsertVendor(vendor.clone())),
            ],
        })
        .await
        .expect("package");
    (bwi, package, vendor)
}

/// The cases, each taking a fresh migrated store.
pub mod cases {
    mod award_letter;
    mod calendar;
    mod cancellation;
    mod complaint;
    mod directory;
    mod evaluation;
    mod event_log;
    mod objection;
    mod ocds;
    mod plan;
    mod sealing;
    mod tender;

    pub use award_letter::*;
    pub use calendar::*;
    pub use cancellation::*;
    pub use complaint::*;
    pub use directory::*;
    pub use evaluation::*;
    pub use event_log::*;
    pub use objection::*;
    pub use ocds::*;
    pub use plan::*;
    pub use sealing::*;
    pub use tender::*;
}

/// Spawns onto the caller's tokio runtime (the suite itself does not depend on tokio's macros).
pub fn tokio_spawn<F>(f: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(f)
}

mod serde_json_value {
    pub use serde_json::Value;
    pub fn from_str(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or(Value::Null)
    }
}

/// Instantiates every conformance case as a `#[tokio::test]` for one backend. `$make` is an async
/// expression yielding `Option<Arc<dyn Store>>`: a fresh, migrated, empty store, or `None` when the
/// backend is unavailable on this machine (after [`skip`] said so).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            migrate_twice, events_gapless_and_ordered, commit_is_atomic, directory_round_trip_and_isolation,
            sessions_lifecycle, api_tokens_lifecycle, login_attempts_counted, server_secret_first_wins,
            log_tree_follows_the_events, plan_items_round_trip, calendar_days_off,
            announcement_search_and_clarification, sealing_state_is_versioned,
            concurrent_commits_stay_gapless, ocds_releases_follow_the_cursor, second_factor_lifecycle,
            evaluations_are_versioned, cancellations_close_the_tender_for_good,
            objections_are_answered_once, award_letters_are_versioned,
            complaints_are_versioned_and_numbered_once);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(store) = $make.await else { return };
                $crate::cases::$case(store).await;
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    /// Every case of [`crate::cases`] is in [`conformance_suite!`]'s list: a new case cannot be
    /// written and silently never run on a backend.
    #[test]
    fn every_case_is_in_the_suite() {
        let source = include_str!("lib.rs");
        let cases = [
            include_str!("cases/event_log.rs"),
            include_str!("cases/directory.rs"),
            include_str!("cases/plan.rs"),
            include_str!("cases/tender.rs"),
            include_str!("cases/sealing.rs"),
            include_str!("cases/calendar.rs"),
            include_str!("cases/ocds.rs"),
            include_str!("cases/evaluation.rs"),
            include_str!("cases/cancellation.rs"),
            include_str!("cases/objection.rs"),
            include_str!("cases/award_letter.rs"),
            include_str!("cases/complaint.rs"),
        ]
        .concat();
        let macro_start = source.find("macro_rules! conformance_suite").expect("the macro");
        let written: std::collections::BTreeSet<&str> = cases
            .split("pub async fn ")
            .skip(1)
            .filter_map(|rest| {
                let (name, after) = rest.split_once('(')?;
                after.starts_with("store: Arc<dyn Store>").then_some(name.trim())
            })
            .collect();
        let list = &source[macro_start..];
        let list = &list[list.find("@cases $make;").expect("the list") + "@cases $make;".len()..];
        let list = &list[..list.find(");").expect("the end of the list")];
        let listed: std::collections::BTreeSet<&str> =
            list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        assert!(written.len() >= 10, "found only {written:?}");
        assert_eq!(written, listed, "cases written vs cases the suite runs");
    }
}
