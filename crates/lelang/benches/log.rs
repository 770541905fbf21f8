//! Benchmarks of the transparency log, each beside its baseline measured in the same run:
//!
//! 1. appending leaves through `Store::commit` in batches (1000 events, as an import or the demo
//!    commits them, and 1 event, as most requests do), beside raw SQLite inserts of the same rows
//!    in the same transactions without the tree (what the log costs on top of the engine);
//! 2. an inclusion proof at the full size, beside a raw primary-key lookup of one event row;
//! 3. `lelang verify` over a directory copy of the whole log, beside Go's sumdb/tlog checker
//!    (tests/go/tlogcheck.go) over the same copy.
//!
//! `cargo bench -p lelang --bench log -- [LEAVES] [BATCH]` (defaults 1000000 and 1000).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use lelang_core::EventPayload;
use lelang_core::clock::SystemClock;
use lelang_core::command::Change;
use lelang_core::event::NewEvent;
use lelang_core::ids::{TenantId, WorkUnitId};
use lelang_core::store::prelude::*;
use lelang_store_sqlite::SqliteStore;
use lelang_trust::merkle;
use lelang_trust::note::NoteSigner;
use lelang_web::log::TransparencyLog;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

/// The source of the benchmark's ids and salts (seeded: the runs repeat).
static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x42; 32]);

fn event(i: u64, tenant: TenantId) -> NewEvent {
    let payload = EventPayload::Directory(lelang_core::directory::Event::WorkUnitCreated {
        work_unit_id: WorkUnitId::new(),
        tenant_id: tenant,
        code: format!("U{i}"),
        name: format!("UPT Puskesmas Kecamatan nomor {i}"),
    });
    NewEvent::new(
        &lelang_core::Cx::new(time::OffsetDateTime::now_utc(), &FRESH),
        Some(tenant),
        None,
        None,
        &payload,
    )
    .expect("event")
}

fn rate(n: u64, secs: f64) -> String {
    format!("{:.0}/s", n as f64 / secs)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let leaves: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let batch: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let tenant = TenantId::new();
    println!(
        "lelang log benchmark: {leaves} leaves in commits of {batch} events; SQLite WAL, synchronous=FULL\n"
    );

    // 1. Append, and the raw-insert baseline.
    let store = SqliteStore::open(&dir.path().join("lelang.db")).await?;
    store.migrate().await?;
    let start = Instant::now();
    let mut done = 0;
    while done < leaves {
        let k = batch.min(leaves - done);
        let change = Change {
            events: (done..done + k).map(|i| event(i, tenant)).collect(),
            mutations: vec![],
        };
        store.commit(change).await?;
        done += k;
    }
    let append = start.elapsed().as_secs_f64();
    let raw = SqliteStore::open(&dir.path().join("raw.db")).await?;
    raw.migrate().await?;
    raw.raw_execute("DROP TRIGGER events_no_update").await?;
    let start = Instant::now();
    let mut done = 0;
    while done < leaves {
        let k = batch.min(leaves - done);
        let events: Vec<NewEvent> = (done..done + k).map(|i| event(i, tenant)).collect();
        raw.raw_insert_events(done as i64, &events).await?;
        done += k;
    }
    let baseline = start.elapsed().as_secs_f64();
    println!(
        "| append {leaves} leaves (commits of {batch}) | {:.1} s | {} | raw inserts of the same rows, no tree: {:.1} s, {} | {:.2}× |",
        append,
        rate(leaves, append),
        baseline,
        rate(leaves, baseline),
        baseline / append
    );

    // 1b. The shape of most requests: one event per commit, each durable on its own.
    let singles = 5000u64;
    let one = SqliteStore::open(&dir.path().join("one.db")).await?;
    one.migrate().await?;
    let start = Instant::now();
    for i in 0..singles {
        one.commit(Change {
            events: vec![event(i, tenant)],
            mutations: vec![],
        })
        .await?;
    }
    let ours_one = start.elapsed().as_secs_f64();
    let raw_one = SqliteStore::open(&dir.path().join("raw-one.db")).await?;
    raw_one.migrate().await?;
    let start = Instant::now();
    for i in 0..singles {
        raw_one.raw_insert_events(i as i64, &[event(i, tenant)]).await?;
    }
    let base_one = start.elapsed().as_secs_f64();
    println!(
        "| append {singles} leaves, one event per commit | {:.1} s | {} | raw single-row commits: {:.1} s, {} | {:.2}× |",
        ours_one,
        rate(singles, ours_one),
        base_one,
        rate(singles, base_one),
        base_one / ours_one
    );

    // 2. Inclusion proofs at full size, and a primary-key lookup.
    let size = store.tree_size().await?;
    let root = TransparencyLog::root(&store, size).await?;
    let n = 2000u64;
    let start = Instant::now();
    for i in 0..n {
        let index = (i * 7919) % size;
        let ranges = merkle::inclusion_ranges(index, size);
        let nodes = store.tree_nodes(&merkle::nodes_for(&ranges)).await?;
        let proof = merkle::hash_ranges(&ranges, &nodes)?;
        let leaf = store.tree_level(0, index, 1).await?[0];
        merkle::verify_inclusion(index, size, &leaf, &proof, &root)?;
    }
    let proof_us = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let start = Instant::now();
    for i in 0..n {
        let seq = ((i * 7919) % size + 1) as i64;
        let _ = store
            .events(lelang_core::store::EventFilter {
                after_seq: seq - 1,
                limit: 1,
                ..Default::default()
            })
            .await?;
    }
    let lookup_us = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "| inclusion proof at {size} leaves (read + verify) | {proof_us:.0} µs | | one event row by primary key: {lookup_us:.0} µs | {:.2}× |",
        lookup_us / proof_us
    );

    // 3. lelang verify over a directory copy, and Go's tlog over the same copy.
    let signer = NoteSigner::generate("bench.lelang.local/log")?;
    let vkey = signer.verifier_key();
    let log = Arc::new(TransparencyLog::new(signer));
    log.checkpoint(&store, &SystemClock).await?;
    let app = lelang::app(
        lelang_app::App::system(Arc::new(store.clone())).expect("randomness"),
        lelang_web::WebConfig::default(),
        log,
    )
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let mirror = dir.path().join("mirror");
    let opts = lelang::verify::Options {
        source: base.clone(),
        key: Some(vkey.clone()),
        state: dir.path().join("state-http"),
        events: vec![],
        mirror: Some(mirror.clone()),
        progress: false,
    };
    let start = Instant::now();
    let r = tokio::task::spawn_blocking(move || lelang::verify::run(&opts)).await??;
    let over_http = start.elapsed().as_secs_f64();
    assert_eq!(r.root, B64.encode(root));
    let opts = lelang::verify::Options {
        source: mirror.display().to_string(),
        key: Some(vkey.clone()),
        state: dir.path().join("state-dir"),
        events: vec![],
        mirror: None,
        progress: false,
    };
    let start = Instant::now();
    tokio::task::spawn_blocking(move || lelang::verify::run(&opts)).await??;
    let ours = start.elapsed().as_secs_f64();
    let go = build_go();
    let go_line = match go {
        Some(bin) => {
            let start = Instant::now();
            let out = Command::new(&bin)
                .args(["-base"])
                .arg(&mirror)
                .args(["-vkey", &vkey])
                .output()?;
            let secs = start.elapsed().as_secs_f64();
            anyhow::ensure!(
                out.status.success(),
                "Go checker failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            format!(
                "Go sumdb/tlog over the same copy: {secs:.1} s, {} | {:.2}× |",
                rate(size, secs),
                secs / ours
            )
        }
        None => "Go not installed | – |".into(),
    };
    println!(
        "| lelang verify, {size} leaves from a directory copy | {ours:.1} s | {} | {go_line}",
        rate(size, ours)
    );
    println!(
        "| lelang verify, {size} leaves over HTTP from the in-process server (fetch + mirror) | {over_http:.1} s | {} | | |",
        rate(size, over_http)
    );
    Ok(())
}

fn build_go() -> Option<std::path::PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/tlogcheck.go");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tlogcheck");
    let ok = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(src)
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env(
            "GOCACHE",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/go-cache"),
        )
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(out)
}
