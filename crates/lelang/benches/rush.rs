//! The deadline rush: 1,000 companies commit to their sealed bids, then upload 1 MiB each, over
//! real HTTP to the real app on SQLite (and PostgreSQL when `LELANG_BENCH_POSTGRES` names an admin
//! URL, or the local one answers), each phase beside its raw baseline measured in the same run:
//!
//! 1. commitments — arrivals spread over 10 s (latency p50/p99), and all at once (commitments/s)
//!    — beside a loop of single-row commits on the same engine (SQLite WAL, synchronous=FULL; or
//!    PostgreSQL autocommit INSERTs);
//! 2. uploads of 1 MiB (uploads/s, MB/s) beside a bare axum handler that writes and fsyncs the
//!    same bodies (file and directory), at the same concurrency.
//!
//! `cargo bench -p lelang --bench rush -- [VENDORS] [UPLOAD_KIB] [CONCURRENCY]` (defaults 1000,
//! 1024, 32).

use axum::body::Bytes;
use lelang_core::Mutation;
use lelang_core::command::Change;
use lelang_core::ids::{ApiTokenId, PackageId, UserId, VendorId};
use lelang_core::model::{ApiToken, RoleGrant, User, Vendor};
use lelang_core::role::Role;
use lelang_core::store::prelude::*;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    format!("http://{addr}")
}

/// The demo, plus `n` companies registered for its Banyuwangi tender, each with an API token
/// used within the last minute (as during a rush).
async fn setup(url: &str, data: &Path, n: usize) -> (Arc<dyn Store>, PackageId, Vec<String>) {
    let store = lelang::open_store(url, data).await.expect("store");
    let docs = lelang_web::blobs::LocalBlobs::new(data.join("documents"));
    let app = lelang_app::App::system(store.clone()).expect("randomness");
    lelang::demo::load(&app, &docs).await.expect("demo");
    let tenant = store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("db")
        .expect("tenant");
    let mut package = None;
    for p in store.packages(tenant.id).await.expect("packages") {
        if store
            .public_tender(p.id)
            .await
            .expect("db")
            .is_some_and(|t| t.name.contains("Singolatren"))
        {
            package = Some(p.id);
        }
    }
    let package = package.expect("the demo tender");
    let hash = lelang_web::auth::hash_password("kata sandi penyedia bangku uji".into())
        .await
        .expect("hash");
    let now = app.clock.now();
    let mut tokens = Vec::with_capacity(n);
    let mut mutations = Vec::new();
    for i in 0..n {
        let vendor = Vendor {
            id: VendorId::new(),
            name: format!("CV Uji Beban {i}"),
            nib: format!("9{i:012}"),
            home_tenant_id: Some(tenant.id),
            created_at: now,
        };
        let user = User {
            id: UserId::new(),
            username: format!("bench.vendor{i}"),
            display_name: format!("Penyedia {i}"),
            email: None,
            tenant_id: None,
            vendor_id: Some(vendor.id),
            active: true,
            created_at: now,
        };
        let secret = format!("{}bench{i:06}{}", lelang_web::auth::TOKEN_PREFIX, "x".repeat(32));
        mutations.push(Mutation::Directory(
            lelang_core::directory::Mutation::InsertVendor(vendor.clone()),
        ));
        mutations.push(Mutation::Directory(
            lelang_core::directory::Mutation::InsertUser {
                user: user.clone(),
                password_hash: hash.clone(),
            },
        ));
        mutations.push(Mutation::Directory(
            lelang_core::directory::Mutation::InsertRoleGrant(RoleGrant {
                user_id: user.id,
                role: Role::Vendor,
                tenant_id: None,
                work_unit_id: None,
            }),
        ));
        mutations.push(Mutation::Vendor(
            lelang_core::vendor::Mutation::InsertParticipant {
                package_id: package,
                vendor_id: vendor.id,
                at: now,
            },
        ));
        mutations.push(Mutation::Directory(
            lelang_core::directory::Mutation::InsertApiToken(ApiToken {
                id: ApiTokenId::new(),
                user_id: user.id,
                name: "bangku uji".into(),
                role: Role::Vendor,
                tenant_id: None,
                secret_hash: lelang_web::auth::secret_hash(&secret),
                created_at: now,
                expires_at: None,
                revoked_at: None,
                last_used_at: Some(now),
            }),
        ));
        tokens.push(secret);
    }
    for chunk in mutations.chunks(500) {
        store
            .commit(Change {
                events: vec![],
                mutations: chunk.to_vec(),
            })
            .await
            .expect("setup");
    }
    (store, package, tokens)
}

/// Creates the table and times `n` single-row inserts, each its own durable commit.
macro_rules! insert_loop {
    ($pool:expr, $create:expr, $insert:expr, $n:expr) => {{
        sqlx::query($create).execute(&$pool).await.expect("table");
        let start = Instant::now();
        for i in 0..$n as i64 {
            sqlx::query($insert)
                .bind(i)
                .bind(hex(&Sha256::digest(i.to_le_bytes())))
                .bind(i)
                .execute(&$pool)
                .await
                .expect("insert");
        }
        $n as f64 / start.elapsed().as_secs_f64()
    }};
}

/// A loop of single-row durable commits on the same engine: the raw baseline of a commitment.
async fn raw_commits(url: &str, data: &Path, n: usize) -> f64 {
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.expect("pg");
        insert_loop!(
            pool,
            "CREATE TABLE raw_commits (id BIGINT PRIMARY KEY, sha256 TEXT NOT NULL, size BIGINT NOT NULL)",
            "INSERT INTO raw_commits VALUES ($1, $2, $3)",
            n
        )
    } else {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
        let opts = SqliteConnectOptions::new()
            .filename(data.join("raw.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = sqlx::SqlitePool::connect_with(opts).await.expect("sqlite");
        insert_loop!(
            pool,
            "CREATE TABLE raw_commits (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL)",
            "INSERT INTO raw_commits VALUES (?, ?, ?)",
            n
        )
    }
}

async fn commit_one(
    http: &reqwest::Client,
    base: &str,
    package: PackageId,
    token: &str,
    body: &[u8],
) -> (Duration, String) {
    let t = Instant::now();
    let r = http
        .post(format!("{base}/api/v1/tenders/{}/bids", package.0))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"sha256":"{}","size":{}}}"#,
            hex(&Sha256::digest(body)),
            body.len()
        ))
        .send()
        .await
        .expect("commit");
    let status = r.status();
    let text = r.text().await.expect("body");
    assert_eq!(status.as_u16(), 201, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    (t.elapsed(), v["bid_id"].as_str().expect("id").to_owned())
}

/// Every company commits once: spread evenly over `spread` seconds, or all at once. Returns the
/// latencies, the bid ids (in company order) and the seconds the phase took.
async fn commit_phase(
    http: &reqwest::Client,
    base: &str,
    package: PackageId,
    tokens: &[String],
    bodies: &Arc<Vec<Bytes>>,
    spread: Option<f64>,
) -> (Vec<Duration>, Vec<String>, f64) {
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (http, base, token, body) = (http.clone(), base.to_owned(), token.clone(), bodies[i].clone());
        let at = Duration::from_secs_f64(spread.unwrap_or(0.0) * i as f64 / tokens.len() as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(start + at)).await;
            commit_one(&http, &base, package, &token, &body).await
        }));
    }
    let mut lat = Vec::new();
    let mut ids = Vec::new();
    for t in tasks {
        let (d, id) = t.await.expect("task");
        lat.push(d);
        ids.push(id);
    }
    (lat, ids, start.elapsed().as_secs_f64())
}

/// A bare handler that writes the body to a file and syncs it and its folder: the raw baseline
/// of an upload.
async fn bare_upload(dir: Arc<std::path::PathBuf>, body: Bytes) -> &'static str {
    use tokio::io::AsyncWriteExt;
    let path = dir.join(uuid::Uuid::new_v4().to_string());
    let mut f = tokio::fs::File::create(&path).await.expect("create");
    f.write_all(&body).await.expect("write");
    f.sync_all().await.expect("sync");
    tokio::fs::File::open(dir.as_path())
        .await
        .expect("dir")
        .sync_all()
        .await
        .expect("sync dir");
    "ok"
}

async fn uploads(
    http: &reqwest::Client,
    urls: Vec<(String, String)>,
    bodies: Arc<Vec<Bytes>>,
    concurrency: usize,
) -> f64 {
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (i, (url, token)) in urls.into_iter().enumerate() {
        let (http, sem, bodies) = (http.clone(), sem.clone(), bodies.clone());
        tasks.push(tokio::spawn(async move {
            let _p = sem.acquire().await.expect("permit");
            let r = http
                .patch(url)
                .bearer_auth(token)
                .header("upload-offset", "0")
                .body(bodies[i].clone())
                .send()
                .await
                .expect("upload");
            let status = r.status();
            let text = r.text().await.expect("text");
            assert!(status.is_success(), "{status}: {text}");
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    start.elapsed().as_secs_f64()
}

async fn run(name: &str, url: &str, data: &Path, n: usize, kib: usize, concurrency: usize) {
    println!("\n== {name} ==");
    let (store, package, tokens) = setup(url, data, n).await;
    let log = Arc::new(lelang_web::log::TransparencyLog::new(
        lelang_trust::note::NoteSigner::generate("bench.lelang.local/log").expect("key"),
    ));
    let config = lelang_web::WebConfig {
        documents_dir: data.join("documents"),
        bid_burst: 1_000_000,
        bid_per_minute: 1_000_000,
        uploads_per_vendor: 1_000,
        ..lelang_web::WebConfig::default()
    };
    let router = lelang::app(
        lelang_app::App::system(store.clone()).expect("randomness"),
        config,
        log,
    )
    .await
    .expect("app");
    let base = serve(router).await;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");
    let bodies: Arc<Vec<Bytes>> = Arc::new(
        (0..n)
            .map(|i| {
                let mut b = vec![0u8; kib * 1024];
                b[..8].copy_from_slice(&(i as u64).to_le_bytes());
                Bytes::from(b)
            })
            .collect(),
    );

    // Baseline 1: single-row durable commits on the same engine.
    let raw = raw_commits(url, data, n).await;
    println!("raw single-row commits:        {raw:>8.0}/s");

    // Arrivals spread over 10 s: latency as a company sees it.
    let (mut lat, _, _) = commit_phase(&http, &base, package, &tokens, &bodies, Some(10.0)).await;
    lat.sort();
    println!(
        "commitments over 10 s:         p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );

    // All at once: how many the server makes durable per second (each company replaces its
    // commitment, so its upload below goes to its current one).
    let (mut lat, ids, secs) = commit_phase(&http, &base, package, &tokens, &bodies, None).await;
    let burst = n as f64 / secs;
    lat.sort();
    println!(
        "commitments all at once:       {burst:>8.0}/s (p50 {:.0} ms, p99 {:.0} ms) = {:.2}× raw",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        burst / raw
    );

    // For reference: the same client's HTTP round trips to a handler that does nothing.
    let echo = axum::Router::new().route("/commit", axum::routing::post(|body: Bytes| async move { body }));
    let echo_base = serve(echo).await;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..n {
        let (http, url, body) = (
            http.clone(),
            format!("{echo_base}/commit"),
            format!(r#"{{"n":{i}}}"#),
        );
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .body(body)
                .send()
                .await
                .expect("echo")
                .text()
                .await
                .expect("text")
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let floor = n as f64 / start.elapsed().as_secs_f64();
    println!("(HTTP floor: empty handler     {floor:>8.0}/s all at once)");

    // Uploads of the committed files, beside the bare handler.
    let urls: Vec<(String, String)> = ids
        .iter()
        .zip(&tokens)
        .map(|(id, t)| {
            (
                format!("{base}/api/v1/tenders/{}/bids/{id}/content", package.0),
                t.clone(),
            )
        })
        .collect();
    let secs = uploads(&http, urls, bodies.clone(), concurrency).await;
    let mb = (n * kib * 1024) as f64 / 1e6;
    let ours = n as f64 / secs;
    let bare_dir = Arc::new(data.join("bare"));
    std::fs::create_dir_all(bare_dir.as_path()).expect("dir");
    let bare = axum::Router::new()
        .route(
            "/upload",
            axum::routing::patch(move |body: Bytes| bare_upload(bare_dir.clone(), body)),
        )
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
    let bare_base = serve(bare).await;
    let urls: Vec<(String, String)> = (0..n)
        .map(|_| (format!("{bare_base}/upload"), String::new()))
        .collect();
    let bare_secs = uploads(&http, urls, bodies.clone(), concurrency).await;
    let theirs = n as f64 / bare_secs;
    println!(
        "uploads of {kib} KiB (x{concurrency}):     {ours:>8.0}/s {:>7.0} MB/s",
        mb / secs
    );
    println!(
        "bare write+fsync handler:      {theirs:>8.0}/s {:>7.0} MB/s  → {:.2}× bare",
        mb / bare_secs,
        ours / theirs
    );
    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let field = |k: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(k).map(str::trim).map(str::to_owned))
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "group commits:                 {} carrying {} changes",
        field("lelang_group_commit_changes_count"),
        field("lelang_group_commit_changes_sum")
    );
    let done = store
        .bids(package)
        .await
        .expect("bids")
        .iter()
        .filter(|b| b.uploaded_at.is_some())
        .count();
    assert!(done >= n, "only {done} uploads recorded");
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let kib = args.get(1).copied().unwrap_or(1024);
    let concurrency = args.get(2).copied().unwrap_or(32);
    println!("deadline rush: {n} companies, uploads of {kib} KiB at concurrency {concurrency}");
    let dir = tempfile::tempdir().expect("tmp");
    let sqlite = format!("sqlite://{}", dir.path().join("lelang.db").display());
    run(
        "SQLite (WAL, synchronous=FULL)",
        &sqlite,
        dir.path(),
        n,
        kib,
        concurrency,
    )
    .await;
    let admin =
        std::env::var("LELANG_BENCH_POSTGRES").unwrap_or_else(|_| lelang_store_postgres::test_admin_url());
    match lelang_store_postgres::PgStore::create_test_database(&admin).await {
        Ok(url) => {
            let pg_dir = tempfile::tempdir().expect("tmp");
            run("PostgreSQL", &url, pg_dir.path(), n, kib, concurrency).await;
        }
        Err(e) => println!("\nPostgreSQL skipped: {e}"),
    }
}
