//! The real server binary under a burst of commitments and uploads, killed with SIGKILL at a random
//! moment and restarted: every receipt it gave must still hold (signature, log inclusion under a
//! signed checkpoint, the stored ciphertext's hash for every acknowledged upload). A few cycles
//! here, `LELANG_CRASH_CYCLES=100` for the stress run. Also: 50 concurrent 100 MiB uploads keep
//! the server's resident memory under 200 MiB.

mod common;

use common::{TestApp, server};
use lelang_core::submission::Receipt;
use lelang_trust::checkpoint::Checkpoint;
use lelang_trust::merkle;
use lelang_trust::note::NoteVerifier;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The server binary over `data` (and `database`), with limits high enough for a burst.
fn start(data: &Path, database: Option<&str>) -> (Child, String) {
    server::start(
        data,
        database,
        &["--bid-rate", "1000000", "--checkpoint-interval-ms", "200"],
        &[("LELANG_UPLOADS_PER_VENDOR", "64")],
    )
}

/// Loads the demo into `data` and makes an API token for each registered company of the demo
/// tender; returns the tender's id, its recipient and the tokens.
async fn prepare(data: &Path, database: Option<&str>) -> (String, String, Vec<String>) {
    server::load_demo(data, database);
    // The same database through the in-process app: tokens, as a vendor would make them.
    let app = TestApp::over(&server::database_url(data, database), data).await;
    let tender = app.demo_tender("Singolatren").await;
    let recipient = app.recipient_of(&tender).await;
    let tokens = server::tokens(&app, &["vendor.blambangan", "vendor.ijen"]).await;
    (tender.package_id.0.to_string(), recipient, tokens)
}

/// What a client was told, to be checked after the crash.
#[derive(Debug, Clone)]
struct Told {
    receipt: String,
    sha256: String,
    uploaded: bool,
}

/// One client task: commit a 1–5 MiB sealed file, upload it, again, until the server dies.
async fn drive(
    base: String,
    tender: String,
    token: String,
    seed: u64,
    header: Arc<Vec<u8>>,
    told: Arc<Mutex<Vec<Told>>>,
) {
    let http = reqwest::Client::new();
    let mut n = seed;
    loop {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let size = 1024 * 1024 + (n >> 33) as usize % (4 * 1024 * 1024);
        let mut file = header.as_ref().clone();
        file.extend(
            n.to_le_bytes()
                .iter()
                .cycle()
                .take(size.saturating_sub(header.len())),
        );
        let sha = hex(&Sha256::digest(&file));
        let r = http
            .post(format!("{base}/api/v1/tenders/{tender}/bids"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(json!({"sha256": sha, "size": file.len()}).to_string())
            .send()
            .await;
        let Ok(r) = r else { return };
        if r.status().as_u16() != 201 {
            let status = r.status();
            let Ok(body) = r.text().await else { return };
            // Busy (503 overloaded) and the company's own rate (429) are answers to come back
            // after; anything else is a fault.
            assert!(
                status == 429 || status == 503 && body.contains("\"overloaded\""),
                "a commitment answered {status}: {body}"
            );
            continue;
        }
        let Ok(body) = r.text().await else { return };
        let v: Value = serde_json::from_str(&body).expect("json");
        let bid = v["bid_id"].as_str().expect("id").to_owned();
        let i = {
            let mut t = told.lock().expect("lock");
            t.push(Told {
                receipt: v["receipt"].as_str().expect("receipt").to_owned(),
                sha256: sha.clone(),
                uploaded: false,
            });
            t.len() - 1
        };
        let r = http
            .patch(format!("{base}/api/v1/tenders/{tender}/bids/{bid}/content"))
            .bearer_auth(&token)
            .header("upload-offset", "0")
            .body(file)
            .send()
            .await;
        let Ok(r) = r else { return };
        let status = r.status();
        let Ok(body) = r.text().await else { return };
        // Stored, or: replaced by the same company's newer commitment (another task of its), its
        // uploads in flight at their limit, the server busy. Anything else is a fault.
        assert!(
            status.is_success()
                || status == 422 && body.contains("\"bid-replaced\"")
                || status == 429
                || status == 503 && body.contains("\"overloaded\""),
            "an upload answered {status}: {body}"
        );
        if let Ok(v) = serde_json::from_str::<Value>(&body)
            && v["uploaded"] == true
        {
            told.lock().expect("lock")[i].uploaded = true;
        }
    }
}

async fn get(http: &reqwest::Client, url: &str) -> String {
    http.get(url)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text")
}

/// After a restart: every receipt is signed, its entry is in the log under a signed checkpoint and
/// is its commitment, and every acknowledged upload is stored with its hash.
async fn check(base: &str, data: &Path, database: Option<&str>, told: &[Told]) {
    let http = reqwest::Client::new();
    let key = get(&http, &format!("{base}/log/key")).await;
    let verifier = NoteVerifier::parse(key.trim()).expect("key");
    let receipts: Vec<Receipt> = told
        .iter()
        .map(|t| Receipt::parse(verifier.open(&t.receipt).expect("receipt signature")).expect("receipt"))
        .collect();
    let highest = receipts.iter().map(|r| r.index).max().unwrap_or(0);
    let until = Instant::now() + Duration::from_secs(30);
    let cp = loop {
        let note = get(&http, &format!("{base}/log/checkpoint")).await;
        let cp = Checkpoint::parse(verifier.open(&note).expect("checkpoint signature")).expect("checkpoint");
        if cp.size > highest || Instant::now() > until {
            break cp;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(cp.size > highest, "no checkpoint covers the receipts");
    let url = database.map_or_else(
        || format!("sqlite://{}", data.join("lelang.db").display()),
        str::to_owned,
    );
    let store = lelang::open_store(&url, data).await.expect("store");
    for (t, r) in told.iter().zip(&receipts) {
        let proof: Value = serde_json::from_str(
            &get(
                &http,
                &format!(
                    "{base}/api/v1/log/proof/inclusion?index={}&size={}",
                    r.index, cp.size
                ),
            )
            .await,
        )
        .expect("proof");
        let hashes: Vec<merkle::Hash> = proof["proof"]
            .as_array()
            .expect("proof")
            .iter()
            .map(|h| {
                let b = base64::Engine::decode(
                    &base64::engine::general_purpose::STANDARD,
                    h.as_str().expect("b64"),
                )
                .expect("b64");
                <merkle::Hash>::try_from(b.as_slice()).expect("32 bytes")
            })
            .collect();
        let (event, salt) = store
            .leaves(r.index, 1)
            .await
            .expect("leaf")
            .pop()
            .expect("entry");
        let leaf = merkle::leaf_hash(&lelang_core::public::leaf(&event, &salt).expect("leaf"));
        merkle::verify_inclusion(r.index, cp.size, &leaf, &hashes, &cp.root)
            .unwrap_or_else(|e| panic!("receipt {} not in the log: {e}", r.index));
        assert_eq!(event.event_type, "bid_submitted");
        assert!(event.payload.contains(&r.bid.0.to_string()) && event.payload.contains(&t.sha256));
        if t.uploaded {
            let path = data.join("documents/sha256").join(&t.sha256[..2]).join(&t.sha256);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("acknowledged upload lost: {e}"));
            assert_eq!(
                hex(&Sha256::digest(&bytes)),
                t.sha256,
                "stored ciphertext damaged"
            );
            let bids = store.bids(r.tender).await.expect("bids");
            let b = bids.iter().find(|b| b.id == r.bid).expect("bid");
            assert!(b.uploaded_at.is_some(), "an acknowledged upload is not recorded");
        }
    }
}

async fn crash_cycles(database: Option<String>) {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let db = database.as_deref();
    let (tender, recipient, tokens) = prepare(&data, db).await;
    let header = Arc::new(lelang_trust::seal::encrypt_to(&[recipient.as_str()], b"x").expect("seal"));
    let cycles: u32 = std::env::var("LELANG_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let told: Arc<Mutex<Vec<Told>>> = Arc::default();
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut checked = 0;
    for cycle in 0..cycles {
        let (mut child, base) = start(&data, db);
        let mut tasks = Vec::new();
        for t in 0..12u64 {
            tasks.push(tokio::spawn(drive(
                base.clone(),
                tender.clone(),
                tokens[(t % 2) as usize].clone(),
                t + u64::from(cycle) * 100,
                header.clone(),
                told.clone(),
            )));
        }
        // The kill comes mid-burst: once this cycle has given a receipt (and, until one has been
        // seen, acknowledged an upload), then after a random 0–1.6 s more. A disk slowed by the
        // tests beside this one delays the crash instead of leaving it nothing to lose.
        let before = told.lock().expect("lock").len();
        let until = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < until {
            let seen = told.lock().expect("lock").clone();
            if seen.len() > before && seen.iter().any(|t| t.uploaded) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1);
        let wait = (rng >> 40) % 1600;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        for t in tasks {
            t.await.expect("client task");
        }
        // After each crash, the receipts given since the last check; after the last, all of them
        // again (so every receipt is checked after the crash that followed it, and at the end).
        let (mut child, base) = start(&data, db);
        let seen = told.lock().expect("lock").clone();
        let from = if cycle + 1 == cycles { 0 } else { checked };
        check(&base, &data, db, &seen[from..]).await;
        checked = seen.len();
        let _ = child.kill();
        let _ = child.wait();
    }
    let seen = told.lock().expect("lock");
    assert!(
        seen.len() >= cycles as usize && seen.iter().any(|t| t.uploaded),
        "the burst produced {} receipts, {} uploads",
        seen.len(),
        seen.iter().filter(|t| t.uploaded).count()
    );
    eprintln!(
        "{cycles} crash cycles: {} receipts, {} acknowledged uploads, none lost",
        seen.len(),
        seen.iter().filter(|t| t.uploaded).count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_receipt_is_lost_when_the_server_is_killed_on_sqlite() {
    crash_cycles(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_receipt_is_lost_when_the_server_is_killed_on_postgresql() {
    match lelang_store_postgres::PgStore::create_test_database(&lelang_store_postgres::test_admin_url()).await
    {
        Ok(url) => crash_cycles(Some(url)).await,
        Err(e) => lelang_store_tests::skip("the crash test on PostgreSQL", &e.to_string()),
    }
}

/// 50 concurrent 100 MiB bids streamed to the real server: its peak resident memory stays under
/// 200 MiB (bodies go to disk as they arrive, never whole into memory).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_100_mib_uploads_stay_under_200_mib() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let (tender, recipient, tokens) = prepare(&data, None).await;
    let (mut child, base) = start(&data, None);
    let mut file = lelang_trust::seal::encrypt_to(&[recipient.as_str()], b"x").expect("seal");
    file.resize(100 * 1024 * 1024, 7);
    let file = axum::body::Bytes::from(file);
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for i in 0..50usize {
        let (http, url, token, body) = (
            http.clone(),
            format!("{base}/api/v1/tenders/{tender}/bids"),
            tokens[i % 2].clone(),
            file.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await
                .expect("send");
            r.status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("task"), 201);
    }
    let peak = server::peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    eprintln!(
        "peak RSS of the server over 50 concurrent 100 MiB uploads: {} MiB",
        peak / 1024
    );
    assert!(peak > 0, "could not read the server's memory");
    assert!(peak < 200 * 1024, "peak RSS {} MiB", peak / 1024);
}
