//! Benchmark of the public tender list and search (issue 3): 10,000 announced tenders on SQLite,
//! 64 concurrent keep-alive connections, requests/s and latency percentiles — beside a bare axum
//! handler that returns the very same bytes as the list without doing any work, served and loaded
//! the same way in the same run.
//!
//! `cargo bench -p lelang --bench tenders -- [TENDERS] [CONNECTIONS] [SECONDS]`
//! (defaults 10000, 64, 10).

mod support;
use support::serve;

use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::directory::{CreateTenant, CreateWorkUnit, create_tenant, create_work_unit};
use lelang_core::ids::{PackageId, PlanItemId, UserId};
use lelang_core::model::TimeZone;
use lelang_core::package::Package;
use lelang_core::plan::PlanItem;
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::rules::{Category, Method};
use lelang_core::store::prelude::*;
use lelang_core::tender::PublicTender;
use lelang_store_sqlite::SqliteStore;
use lelang_trust::note::NoteSigner;
use lelang_web::log::TransparencyLog;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The source of the benchmark's ids and salts (seeded: the runs repeat).
static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x42; 32]);

const ACTIONS: &[&str] = &[
    "Pembangunan",
    "Rehabilitasi",
    "Peningkatan",
    "Pemeliharaan",
    "Pengadaan",
    "Perbaikan",
    "Penggantian",
];
const OBJECTS: &[(&str, Category)] = &[
    ("Jalan Desa", Category::Works),
    ("Jembatan", Category::Works),
    ("Saluran Irigasi", Category::Works),
    ("Gedung Sekolah Dasar", Category::Works),
    ("Puskesmas Pembantu", Category::Works),
    ("Drainase Perkotaan", Category::Works),
    ("Kendaraan Dinas Operasional", Category::Goods),
    ("Alat Kesehatan", Category::Goods),
    ("Komputer dan Jaringan", Category::Goods),
    ("Pengawasan Konstruksi", Category::Consulting),
    ("Kebersihan Kantor", Category::OtherServices),
];
const PLACES: &[&str] = &[
    "Kalibaru",
    "Genteng",
    "Rogojampi",
    "Srono",
    "Muncar",
    "Purwoharjo",
    "Tegaldlimo",
    "Bangorejo",
    "Pesanggaran",
    "Siliragung",
    "Cluring",
    "Gambiran",
    "Tegalsari",
    "Glenmore",
    "Sempu",
    "Songgon",
    "Singojuruh",
    "Kabat",
    "Licin",
    "Glagah",
    "Giri",
    "Kalipuro",
    "Wongsorejo",
    "Blimbingsari",
    "Watulimo",
    "Kampak",
    "Munjungan",
    "Panggul",
    "Dongko",
    "Pule",
    "Karangan",
    "Durenan",
];
const QUERIES: &[&str] = &[
    "q=jalan",
    "q=membangun%20jembatan",
    "q=irigasi%20kalibaru",
    "q=pengadaan%20kendaraan&status=open",
    "q=puskesmas&regency=banyuwangi",
    "category=goods&min=500.000.000",
    "q=perbaikan%20drainase&method=tender",
    "q=sekolah&page=3",
];

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

async fn fill(store: &SqliteStore, n: usize) -> anyhow::Result<()> {
    let now = time::OffsetDateTime::now_utc();
    let mut units = Vec::new();
    for (slug, name) in [
        ("banyuwangi", "Pemerintah Kabupaten Banyuwangi"),
        ("trenggalek", "Pemerintah Kabupaten Trenggalek"),
    ] {
        let (t, c) = create_tenant(
            &admin(),
            CreateTenant {
                slug: slug.into(),
                name: name.into(),
                time_zone: TimeZone::Wib,
            },
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        store.commit(c.lift()).await?;
        for (code, unit) in [
            ("DPU", "Dinas Pekerjaan Umum"),
            ("DINKES", "Dinas Kesehatan"),
            ("DIKPORA", "Dinas Pendidikan"),
        ] {
            let (w, c) = create_work_unit(
                &admin(),
                t.id,
                CreateWorkUnit {
                    code: code.into(),
                    name: unit.into(),
                },
                &lelang_core::Cx::new(now, &FRESH),
            )?;
            store.commit(c.lift()).await?;
            units.push((t.clone(), w));
        }
    }
    let mut change = Change::default();
    for i in 0..n {
        let (tenant, unit) = &units[i % units.len()];
        let (object, category) = OBJECTS[(i / 7) % OBJECTS.len()];
        let name = format!(
            "{} {} {} Tahap {}",
            ACTIONS[i % ACTIONS.len()],
            object,
            PLACES[(i / 77) % PLACES.len()],
            i % 4 + 1
        );
        let value = 200_000_000 + (i as i64 % 97) * 45_000_000;
        let item = PlanItem {
            id: PlanItemId::new(),
            tenant_id: tenant.id,
            work_unit_id: unit.id,
            fiscal_year: 2027,
            name: name.clone(),
            category,
            budget_ceiling: value,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: time::macros::date!(2027 - 02 - 01),
            planned_end: time::macros::date!(2027 - 10 - 31),
            rule_set: "perpres-46-2025".into(),
            created_at: now,
            announced_at: Some(now),
        };
        let package = Package {
            id: PackageId::new(),
            tenant_id: tenant.id,
            work_unit_id: unit.id,
            plan_item_id: item.id,
            name: name.clone(),
            category,
            budget_ceiling: value,
            owner_estimate: value - value / 20,
            hps_breakdown: vec![],
            location: format!("Kecamatan {}", PLACES[(i / 77) % PLACES.len()]),
            rule_set: "perpres-46-2025".into(),
            created_at: now,
            repeat_of: None,
        };
        let words = format!("{} {} {} {}", name, package.location, unit.name, tenant.name);
        let tender = PublicTender {
            package_id: package.id,
            tenant_id: tenant.id,
            work_unit_id: unit.id,
            name,
            location: package.location.clone(),
            category,
            method: if category == Category::Consulting {
                Method::Seleksi
            } else {
                Method::Tender
            },
            owner_estimate: package.owner_estimate,
            budget_ceiling: value,
            announced_at: now - time::Duration::minutes((n - i) as i64),
            submission_deadline: now + time::Duration::days(i as i64 % 30 - 10),
            search_terms: lelang_core::stem::index_text(&words),
            cancelled_at: None,
        };
        change
            .mutations
            .push(Mutation::Plan(lelang_core::plan::Mutation::InsertPlanItem(item)));
        change
            .mutations
            .push(Mutation::Package(lelang_core::package::Mutation::InsertPackage(
                package,
            )));
        change.mutations.push(Mutation::Tender(
            lelang_core::tender::Mutation::InsertPublicTender(tender),
        ));
        if change.mutations.len() >= 1500 {
            store.commit(std::mem::take(&mut change)).await?;
        }
    }
    store.commit(change).await?;
    Ok(())
}

struct Load {
    requests: usize,
    errors: usize,
    secs: f64,
    latencies_us: Vec<u64>,
}

impl Load {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.secs
    }

    fn pct(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

/// `connections` tasks, each with its own keep-alive connection, request back to back for `secs`
/// seconds (after one second of warm-up), cycling through `paths`.
async fn load(base: &str, paths: &[String], connections: usize, secs: u64) -> anyhow::Result<Load> {
    let warm = Instant::now() + Duration::from_secs(1);
    let end = warm + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build()?;
        let urls: Vec<String> = paths.iter().map(|p| format!("{base}{p}")).collect();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let (mut ok, mut err) = (0usize, 0usize);
            let mut k = c;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let url = &urls[k % urls.len()];
                k += 1;
                let good = match client.get(url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if t0 >= warm {
                    lat.push(t0.elapsed().as_micros() as u64);
                    if good {
                        ok += 1;
                    } else {
                        err += 1;
                    }
                }
            }
            (ok, err, lat)
        }));
    }
    let mut out = Load {
        requests: 0,
        errors: 0,
        secs: secs as f64,
        latencies_us: Vec::new(),
    };
    for t in tasks {
        let (ok, err, lat) = t.await?;
        out.requests += ok;
        out.errors += err;
        out.latencies_us.extend(lat);
    }
    out.latencies_us.sort_unstable();
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let connections: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(64);
    let secs: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir()?;
    // LELANG_BENCH_KEEP keeps the database for EXPLAIN QUERY PLAN and friends.
    let (root, _cleanup) = if std::env::var_os("LELANG_BENCH_KEEP").is_some() {
        (dir.keep(), None)
    } else {
        (dir.path().to_path_buf(), Some(dir))
    };
    let db = root.join("lelang.db");
    if _cleanup.is_none() {
        println!("database kept at {}", db.display());
    }
    let store = SqliteStore::open(&db).await?;
    store.migrate().await?;
    let t = Instant::now();
    fill(&store, n).await?;
    println!(
        "lelang public tender list: {n} announced tenders on SQLite (WAL), {connections} connections, \
         {secs} s per run after 1 s warm-up; filled in {:.1} s\n",
        t.elapsed().as_secs_f64()
    );
    // The store alone, one request at a time: where the time goes.
    let probe = |text: Option<&str>| lelang_core::tender::TenderQuery {
        text: text.map(str::to_owned),
        limit: 20,
        now: Some(time::OffsetDateTime::now_utc()),
        ..Default::default()
    };
    for (what, q) in [
        ("list", probe(None)),
        ("q=jalan", probe(Some("jalan"))),
        ("q=membangun jembatan", probe(Some("membangun jembatan"))),
    ] {
        let t = Instant::now();
        for _ in 0..200 {
            store.search_tenders(&q).await?;
        }
        let tenants = Instant::now();
        for _ in 0..200 {
            store.tenants().await?;
        }
        println!(
            "  store alone, {what}: search {:.0} µs, tenants() {:.0} µs",
            (tenants - t).as_micros() as f64 / 200.0,
            tenants.elapsed().as_micros() as f64 / 200.0
        );
    }
    let log = Arc::new(TransparencyLog::new(NoteSigner::generate(
        "bench.lelang.local/log",
    )?));
    let app = lelang::app(
        lelang_app::App::system(Arc::new(store.clone())).expect("randomness"),
        lelang_web::WebConfig {
            documents_dir: root.join("documents"),
            ..lelang_web::WebConfig::default()
        },
        log,
    )
    .await?;
    let lelang = format!("http://{}", serve(app).await?);
    // The same app with its public cache off: every request reads the database.
    let uncached = lelang::app(
        lelang_app::App::system(Arc::new(store.clone())).expect("randomness"),
        lelang_web::WebConfig {
            documents_dir: root.join("documents"),
            public_cache_ttl: Duration::ZERO,
            ..lelang_web::WebConfig::default()
        },
        Arc::new(TransparencyLog::new(NoteSigner::generate(
            "bench.lelang.local/log",
        )?)),
    )
    .await?;
    let uncached = format!("http://{}", serve(uncached).await?);
    // The bare handler answers with the bytes of the first page of the list, doing nothing else.
    let body = reqwest::get(format!("{lelang}/api/v1/tenders"))
        .await?
        .bytes()
        .await?;
    let bare_router = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let bare = format!("http://{}", serve(bare_router).await?);
    let queries: Vec<String> = QUERIES.iter().map(|q| format!("/api/v1/tenders?{q}")).collect();
    let pages: Vec<String> = QUERIES.iter().map(|q| format!("/tenders?{q}")).collect();
    for q in &queries {
        let r = reqwest::get(format!("{lelang}{q}")).await?;
        anyhow::ensure!(r.status().is_success(), "{q}: {}", r.status());
        let v: serde_json::Value = serde_json::from_slice(&r.bytes().await?)?;
        println!("  {q}: {} matches", v["total"]);
    }
    println!();
    let base = load(&bare, &["/".to_owned()], connections, secs).await?;
    let list = vec!["/api/v1/tenders".to_owned()];
    let runs = [
        ("list, first page (`GET /api/v1/tenders`)", &lelang, list.clone()),
        (
            "search, 8 keyword/filter queries in turn (`GET /api/v1/tenders?q=…`)",
            &lelang,
            queries.clone(),
        ),
        ("search page in HTML (`GET /tenders?q=…`)", &lelang, pages),
        (
            "list, public cache off (every request reads SQLite)",
            &uncached,
            list,
        ),
        (
            "search, public cache off (every request reads SQLite)",
            &uncached,
            queries,
        ),
    ];
    println!(
        "| what | requests/s | p50 | p99 | errors | bare axum handler, same bytes: {:.0} req/s, p99 {:.1} ms | ratio |",
        base.rps(),
        base.pct(0.99)
    );
    println!("|---|---|---|---|---|---|---|");
    for (what, server, paths) in runs {
        let l = load(server, &paths, connections, secs).await?;
        println!(
            "| {what} | {:.0} | {:.1} ms | {:.1} ms | {} | {:.0} req/s | {:.2}× |",
            l.rps(),
            l.pct(0.5),
            l.pct(0.99),
            l.errors,
            base.rps(),
            l.rps() / base.rps()
        );
    }
    Ok(())
}
