//! The core is deterministic: ids and salts come from the source the caller passes in, times from
//! its clock. The demo loader — the real use cases, from the platform's first administrator to
//! the tenders' key ceremonies — run twice from one seed at one instant writes byte-identical
//! events (ids, times, payloads and the salts behind their public commitments); from another
//! seed, it does not.
//!
//! The comparison stops at the first key dealing: a pokja member's share polynomial is the
//! member's own secret, drawn by the member's client from the operating system, not by the core.

mod common;

use lelang_core::Fresh;
use lelang_core::clock::FixedClock;
use lelang_core::event::Event;
use lelang_core::public::Salt;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The log the demo leaves, loaded from `seed` at the tests' start time.
async fn demo_log(seed: [u8; 32]) -> Vec<(Event, Salt)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("lelang.db").display());
    let store = lelang::open_store(&url, dir.path()).await.expect("store");
    let clock = Arc::new(FixedClock::new(common::start_time()));
    let app = lelang_app::App::new(store.clone(), clock, Arc::new(Fresh::seeded(seed)));
    let documents = lelang_web::blobs::LocalBlobs::new(dir.path().join("documents"));
    lelang::demo::load(&app, &documents).await.expect("demo");
    let size = store.tree_size().await.expect("size");
    store.leaves(0, size).await.expect("leaves")
}

/// The events before the first one a member's own randomness decided.
fn decided_by_the_core(log: &[(Event, Salt)]) -> &[(Event, Salt)] {
    let end = log
        .iter()
        .position(|(e, _)| e.event_type == "key_dealt")
        .unwrap_or(log.len());
    &log[..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_writes_the_same_events_byte_for_byte() {
    let seed = [0x11; 32];
    let (a, b, other) = (
        demo_log(seed).await,
        demo_log(seed).await,
        demo_log([0x22; 32]).await,
    );
    let (a, b) = (decided_by_the_core(&a), decided_by_the_core(&b));
    assert_eq!(
        a.len(),
        b.len(),
        "the same number of events before the first dealing"
    );
    for ((x, sx), (y, sy)) in a.iter().zip(b) {
        assert_eq!(
            (x.seq, x.id, x.at, &x.event_type, &x.payload, x.public_form),
            (y.seq, y.id, y.at, &y.event_type, &y.payload, y.public_form),
            "event {} differs",
            x.seq
        );
        assert_eq!(sx, sy, "the salt of event {} differs", x.seq);
        assert_eq!(
            lelang_core::public::leaf(x, sx).expect("leaf"),
            lelang_core::public::leaf(y, sy).expect("leaf"),
            "the public entry {} differs",
            x.seq
        );
    }
    // What was compared is most of the domain, not a handful of events.
    let types: BTreeSet<&str> = a.iter().map(|(e, _)| e.event_type.as_str()).collect();
    for t in [
        "tenant_created",
        "work_unit_created",
        "vendor_registered",
        "user_created",
        "plan_item_created",
        "plan_announced",
        "day_off_set",
        "package_created",
        "pokja_assigned",
        "no_conflict_declared",
        "tender_scheduled",
        "vendor_profile_updated",
        "vendor_verified",
        "document_published",
        "sealing_key_enrolled",
        "key_ceremony_started",
    ] {
        assert!(types.contains(t), "the comparison covers {t}");
    }
    assert!(a.len() > 100, "{} events compared", a.len());
    // Another seed: other ids and salts for the same history.
    let other = decided_by_the_core(&other);
    assert_eq!(other.len(), a.len());
    for ((x, sx), (y, sy)) in a.iter().zip(other) {
        assert_eq!((x.at, &x.event_type), (y.at, &y.event_type));
        assert_ne!(x.id, y.id, "event {} has the same id from another seed", x.seq);
        assert_ne!(sx, sy, "event {} has the same salt from another seed", x.seq);
    }
}
