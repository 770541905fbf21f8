//! Benchmark of the unit's dashboard (issue 17): 10,000 tenders' histories on SQLite — each a
//! plan item, a package, a schedule, an announcement, bids committed, closed and opened, and an
//! award or a failure (about 14 events a tender) — then the dashboard asked over HTTP one request
//! at a time: p50 and p99 of the JSON figures and of the HTML page with its charts. In the same
//! run, the baselines: the raw engine answering one aggregate over the same log
//! (`SELECT event_type, count(*) … GROUP BY event_type`, sqlx on the same file) and a bare axum
//! handler answering the dashboard's bytes (the HTTP floor).
//!
//! The events are written straight to the log (the fixture's builders of
//! `lelang_core::dashboard::fixture`), not decided by the domain's commands: the dashboard reads
//! only the log, and deciding 10,000 sealed tenders would take the benchmark's whole budget.
//!
//! `cargo bench -p lelang --bench dashboard -- [TENDERS] [REQUESTS]` (defaults 10000, 300).

mod support;
use support::serve;

use lelang_core::command::Change;
use lelang_core::dashboard::fixture::{self, Log, Tender, id};
use lelang_core::directory::{CreateTenant, CreateWorkUnit, create_tenant, create_work_unit};
use lelang_core::evaluation::rank::FailureReason;
use lelang_core::event::NewEvent;
use lelang_core::ids::UserId;
use lelang_core::model::TimeZone;
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::rules::Category;
use lelang_core::store::prelude::*;
use lelang_store_sqlite::SqliteStore;
use lelang_trust::note::NoteSigner;
use lelang_web::log::TransparencyLog;
use std::sync::Arc;
use std::time::Instant;
use time::macros::{date, datetime};

static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x17; 32]);
const M: i64 = 1_000_000;

fn admin() -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "bench".into(),
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: None,
    })
}

/// One tender's history: three to five bids; most awarded, one in seven failed, one in eleven
/// still in evaluation.
fn history(log: &mut Log, i: usize) {
    let n = 10_000_000 + 1_000 * i as u128;
    let category = [
        Category::Works,
        Category::Goods,
        Category::OtherServices,
        Category::Consulting,
    ][i % 4];
    let hps = (200 + (i as i64 % 97) * 45) * M;
    let t = Tender {
        n,
        category,
        hps,
        pagu: hps + hps / 10,
    };
    fixture::create(log, &t);
    let deadline = datetime!(2026-03-20 07:00 UTC);
    fixture::schedule_and_announce(
        log,
        &t,
        fixture::plan(
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 20),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 10),
        ),
        deadline,
    );
    let bidders = 3 + i % 3;
    let bids: Vec<(u128, u128, i64)> = (0..bidders)
        .map(|k| {
            let vendor = 500 + ((i * 7 + k * 13) % 40) as u128;
            (n + 1 + k as u128, vendor, hps - hps / 20 * (k as i64 + 1))
        })
        .collect();
    fixture::bid_close_open(log, &t, &bids, deadline);
    if i.is_multiple_of(11) {
        return;
    }
    let lines: Vec<_> = bids
        .iter()
        .rev()
        .enumerate()
        .map(|(rank, &(b, v, p))| fixture::line(b, v, p, Some(rank as u32 + 1)))
        .collect();
    let at = datetime!(2026-04-01 03:00 UTC);
    if i.is_multiple_of(7) {
        log.push(
            at,
            lelang_core::evaluation::Event::TenderFailed {
                package_id: id(n),
                reason: FailureReason::NoValidBids,
                note: String::new(),
                record: fixture::record(&t, lines, None),
            },
        );
    } else {
        let winner = bids.last().map(|b| b.0);
        log.push(
            at,
            lelang_core::evaluation::Event::AwardAnnounced {
                package_id: id(n),
                record: fixture::record(&t, lines, winner),
            },
        );
    }
}

async fn fill(store: &SqliteStore, n: usize) -> anyhow::Result<(String, usize)> {
    let now = time::OffsetDateTime::now_utc();
    let mut logs = Vec::new();
    for (slug, name) in [
        ("banyuwangi", "Pemerintah Kabupaten Banyuwangi"),
        ("trenggalek", "Pemerintah Kabupaten Trenggalek"),
    ] {
        let cx = lelang_core::Cx::new(now, &FRESH);
        let (t, c) = create_tenant(
            &admin(),
            CreateTenant {
                slug: slug.into(),
                name: name.into(),
                time_zone: TimeZone::Wib,
            },
            &cx,
        )?;
        store.commit(c.lift()).await?;
        let (w, c) = create_work_unit(
            &admin(),
            t.id,
            CreateWorkUnit {
                code: "DPU".into(),
                name: "Dinas Pekerjaan Umum".into(),
            },
            &cx,
        )?;
        store.commit(c.lift()).await?;
        let log = Log::new(t.id, w.id);
        logs.push((t, log));
    }
    let mut events = 0;
    let mut change = Change::default();
    for i in 0..n {
        let (tenant, log) = &mut logs[i % 2];
        log.entries.clear();
        history(log, i);
        for (at, payload) in &log.entries {
            let cx = lelang_core::Cx::new(*at, &FRESH);
            change
                .events
                .push(NewEvent::new(&cx, Some(tenant.id), None, None, payload)?);
        }
        if change.events.len() >= 2_000 {
            events += change.events.len();
            store.commit(std::mem::take(&mut change)).await?;
        }
    }
    events += change.events.len();
    store.commit(change).await?;
    Ok((logs[0].0.slug.clone(), events))
}

/// p50 and p99 of `runs` calls, in milliseconds.
async fn timed<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut lat = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        lat.push(t.elapsed());
    }
    lat.sort();
    let at = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    Ok((at(0.5), at(0.99)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let runs: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(300);
    let root = tempfile::tempdir()?;
    let db = root.path().join("lelang.db");
    let store = SqliteStore::open(&db).await?;
    store.migrate().await?;
    let t = Instant::now();
    let (slug, events) = fill(&store, n).await?;
    println!(
        "lelang dashboard: {n} tenders, {events} events on SQLite (WAL); written in {:.1} s; {runs} requests each, one at a time\n",
        t.elapsed().as_secs_f64()
    );
    let log = Arc::new(TransparencyLog::new(NoteSigner::generate(
        "bench.lelang.local/log",
    )?));
    let app = lelang::app(
        lelang_app::App::system(Arc::new(store.clone())).expect("randomness"),
        lelang_web::WebConfig {
            documents_dir: root.path().join("documents"),
            ..lelang_web::WebConfig::default()
        },
        log,
    )
    .await?;
    let base = format!("http://{}", serve(app).await?);
    let client = reqwest::Client::new();
    let api = format!("{base}/api/v1/tenants/{slug}/dashboard");
    let page = format!("{base}/t/{slug}/dashboard");

    // The first answer folds the whole log into the process's ledger.
    let t = Instant::now();
    let first = client.get(&api).send().await?;
    anyhow::ensure!(first.status().is_success(), "dashboard: {}", first.status());
    let body = first.bytes().await?;
    let cold = t.elapsed().as_secs_f64() * 1000.0;
    let figures: serde_json::Value = serde_json::from_slice(&body)?;
    anyhow::ensure!(
        figures["tenders"].as_u64() == Some((n / 2 + n % 2) as u64),
        "{}",
        figures["tenders"]
    );

    let get = |url: String| {
        let client = client.clone();
        move || {
            let client = client.clone();
            let url = url.clone();
            async move {
                let r = client.get(&url).send().await?;
                anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
                r.bytes().await?;
                Ok(())
            }
        }
    };
    let json = timed(runs, get(api.clone())).await?;
    let filtered = timed(runs, get(format!("{api}?category=works&year=2026"))).await?;
    let html = timed(runs, get(page.clone())).await?;
    let page_bytes = client.get(&page).send().await?.bytes().await?.len();

    // Baseline 1: the raw engine, one aggregate over the same log.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await?;
    let raw = timed(runs, || {
        let pool = pool.clone();
        async move {
            let rows: Vec<(String, i64)> =
                sqlx::query_as("SELECT event_type, count(*) FROM events GROUP BY event_type")
                    .fetch_all(&pool)
                    .await?;
            anyhow::ensure!(!rows.is_empty());
            Ok(())
        }
    })
    .await?;

    // Baseline 2: a bare handler answering the same bytes (the HTTP floor).
    let bare = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let bare = format!("http://{}/", serve(bare).await?);
    let floor = timed(runs, get(bare)).await?;

    println!("first answer (folds the whole log): {cold:.0} ms; the page: {page_bytes} bytes uncompressed\n");
    println!("| what | p50 | p99 | raw SQLite aggregate p99 | ratio | bare handler p99 | ratio |");
    println!("|---|---|---|---|---|---|---|");
    for (what, (p50, p99)) in [
        ("JSON figures (`GET /api/v1/tenants/{slug}/dashboard`)", json),
        ("JSON, filtered (`?category=works&year=2026`)", filtered),
        ("HTML page with its charts (`GET /t/{slug}/dashboard`)", html),
    ] {
        println!(
            "| {what} | {p50:.1} ms | {p99:.1} ms | {:.1} ms | {:.2}× | {:.2} ms | {:.1}× |",
            raw.1,
            p99 / raw.1,
            floor.1,
            p99 / floor.1
        );
    }
    println!(
        "\nraw aggregate p50 {:.1} ms; bare handler p50 {:.2} ms",
        raw.0, floor.0
    );
    Ok(())
}
