//! Sealed submission: commitments at the deadline's edge, receipts and their offline proofs,
//! resumable uploads, withdrawal, per-company limits, a full disk, and who may do what.

mod common;

use axum::http::StatusCode;
use common::{Client, Resp, TestApp};
use lelang_core::ids::PackageId;
use lelang_core::submission::{ProofBundle, verify_bundle};
use lelang_core::tender::PublicTender;
use lelang_web::WebConfig;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const BIN: &str = env!("CARGO_BIN_EXE_lelang");

/// The demo's Banyuwangi tender: announced, its key ceremony done, two companies registered.
async fn demo_tender(app: &TestApp) -> PublicTender {
    app.demo_tender("Singolatren").await
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A sealed file as a vendor's client makes it: an age file to the tender's recipient.
fn sealed(recipient: &str, bytes: usize, seed: u8) -> Vec<u8> {
    let plain: Vec<u8> = (0..bytes).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect();
    lelang_trust::seal::encrypt_to(&[recipient], &plain).expect("seal")
}

async fn commit(c: &mut Client, package: PackageId, file: &[u8]) -> Resp {
    c.post_json(
        &format!("/api/v1/tenders/{}/bids", package.0),
        &json!({"sha256": hex(&Sha256::digest(file)), "size": file.len()}),
        None,
    )
    .await
}

fn generous() -> WebConfig {
    WebConfig {
        bid_burst: 10_000,
        bid_per_minute: 10_000,
        ..WebConfig::default()
    }
}

fn server_time_of(problem: &Value) -> OffsetDateTime {
    let detail = problem["detail"].as_str().expect("detail");
    let at = detail
        .strip_prefix("server time ")
        .and_then(|d| d.split(": the").next())
        .expect("server time in the detail");
    OffsetDateTime::parse(at, &Rfc3339).expect("rfc3339")
}

/// 200 commitments race the deadline, the clock ticking through it a microsecond-scale step at
/// every reading: each is accepted exactly when its own append-time stamp is before the deadline,
/// none fails with a 5xx, and every accepted one lies before the tender's closing entry.
async fn deadline_second(app: TestApp) {
    let tender = demo_tender(&app).await;
    let deadline = tender.submission_deadline;
    app.clock.set(deadline - Duration::minutes(1));
    let vendors = [
        app.signed_in("vendor.blambangan").await,
        app.signed_in("vendor.ijen").await,
    ];
    // Wave one: 100 commitments with the clock ticking a microsecond per reading from T − 1 ms.
    // Once 30 have been answered, wave two: 100 more with the clock at T + 1 ms, while the rest
    // of wave one is still in flight (those are judged by the clock when they are appended).
    app.clock
        .ticking(deadline - Duration::milliseconds(1), Duration::microseconds(1));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let launch = |i: u32, tx: tokio::sync::mpsc::UnboundedSender<(usize, Resp)>| {
        let mut c = vendors[(i % 2) as usize].clone();
        let package = tender.package_id;
        tokio::spawn(async move {
            let file = i.to_be_bytes().repeat(100);
            let _ = tx.send(((i % 2) as usize, commit(&mut c, package, &file).await));
        });
    };
    for i in 0..100u32 {
        launch(i, tx.clone());
    }
    let mut answers = Vec::new();
    while answers.len() < 30 {
        answers.push(rx.recv().await.expect("answer"));
    }
    app.clock
        .ticking(deadline + Duration::milliseconds(1), Duration::microseconds(1));
    for i in 100..200u32 {
        launch(i, tx.clone());
    }
    drop(tx);
    while let Some(a) = rx.recv().await {
        answers.push(a);
    }
    assert_eq!(answers.len(), 200);
    let mut accepted = Vec::new();
    let mut refused = 0;
    for (who, r) in answers {
        assert!(
            !r.status.is_server_error(),
            "a 5xx at the deadline: {} {}",
            r.status,
            r.body
        );
        match r.status {
            StatusCode::CREATED => {
                let at = OffsetDateTime::parse(r.json()["committed_at"].as_str().expect("time"), &Rfc3339)
                    .expect("rfc3339");
                assert!(at < deadline, "accepted at {at}, deadline {deadline}");
                accepted.push((who, r.json()));
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                let p = r.json();
                assert_eq!(p["code"], "submission-closed", "{}", r.body);
                let at = server_time_of(&p);
                assert!(at >= deadline, "refused at {at}, before the deadline {deadline}");
                refused += 1;
            }
            s => panic!("unexpected {s}: {}", r.body),
        }
    }
    assert!(
        accepted.len() >= 10 && refused >= 10,
        "the burst must straddle the deadline: {} accepted, {refused} refused",
        accepted.len()
    );
    // After the deadline the tender closes; every accepted commitment lies before its closing,
    // and proves so offline.
    app.clock.set(deadline + Duration::seconds(1));
    // The commitment that counts for a company is its latest.
    let (who, mine) = accepted
        .iter()
        .max_by_key(|(_, a)| a["log_index"].as_u64())
        .expect("accepted");
    let mut c = vendors[*who].clone();
    let r = c
        .get(&format!(
            "/api/v1/tenders/{}/bids/{}/proof",
            tender.package_id.0,
            mine["bid_id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bundle: ProofBundle = serde_json::from_str(&r.body).expect("bundle");
    let proven = verify_bundle(&bundle, &app.log.verifier_key()).expect("proven");
    let closing = app
        .store
        .closing(tender.package_id)
        .await
        .expect("db")
        .expect("closed");
    assert_eq!(proven.closing_size, closing.size());
    for (_, a) in &accepted {
        assert!(a["log_index"].as_u64().expect("index") < closing.log_index);
    }
    let late = app.store.leaves(closing.log_index, 1).await.expect("leaf");
    assert_eq!(late[0].0.event_type, "submission_closed");
    // Nothing for this tender was appended after its closing but the closing itself.
    let after = app
        .store
        .leaves(
            closing.size(),
            app.store.tree_size().await.expect("size") - closing.size(),
        )
        .await
        .expect("leaves");
    assert!(
        after
            .iter()
            .all(|(e, _)| e.event_type != "bid_submitted"
                || !e.payload.contains(&tender.package_id.0.to_string())),
        "a commitment after the closing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitments_at_the_deadline_second_on_sqlite() {
    deadline_second(TestApp::with_demo_config(generous()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commitments_at_the_deadline_second_on_postgresql() {
    let Some(app) =
        TestApp::with_demo_on_postgres_config("the deadline-second test on PostgreSQL", generous()).await
    else {
        return;
    };
    deadline_second(app).await;
}

/// The whole life of a commitment: receipt, resumable upload (a wrong offset is answered with the
/// right one), a file that does not match, a replacement that makes the older one stale, a
/// withdrawal, the grace window, and the proof bundle that `lelang verify receipt` checks offline
/// — and refuses once tampered with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commit_upload_resume_withdraw_and_prove_offline() {
    let app = TestApp::with_demo().await;
    let tender = demo_tender(&app).await;
    let rcpt = app.recipient_of(&tender).await;
    let base = format!("/api/v1/tenders/{}/bids", tender.package_id.0);
    let mut v = app.signed_in("vendor.blambangan").await;

    // Bad commitments get clear answers.
    let r = v
        .post_json(&base, &json!({"sha256": "xyz", "size": 10}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "sha256");
    let r = v
        .post_json(
            &base,
            &json!({"sha256": "ab".repeat(32), "size": 300 * 1024 * 1024}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "size");
    let r = v
        .post_json(&base, &json!({"sha256": "ab".repeat(32)}), None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    let file = sealed(&rcpt, 300_000, 1);
    let r = commit(&mut v, tender.package_id, &file).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let receipt = r.json();
    let bid = receipt["bid_id"].as_str().expect("id").to_owned();
    let note = receipt["receipt"].as_str().expect("receipt");
    let text = lelang_trust::note::NoteVerifier::parse(&app.log.verifier_key())
        .expect("key")
        .open(note)
        .expect("signed by the log key")
        .to_owned();
    assert!(
        text.contains(&format!("sha256 {}", hex(&Sha256::digest(&file)))),
        "{text}"
    );
    assert!(
        text.contains(&format!("index {}", receipt["log_index"])),
        "{text}"
    );

    // Upload in pieces; a wrong offset is answered with what the server holds.
    let content = format!("{base}/{bid}/content");
    let part = |from: usize, to: usize| file[from..to].to_vec();
    let r = v
        .request(
            "PATCH",
            &content,
            &[
                ("upload-offset", "0"),
                ("content-type", "application/octet-stream"),
            ],
            part(0, 100_000),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["received"], 100_000);
    assert_eq!(r.json()["uploaded"], false);
    let r = v
        .request(
            "PATCH",
            &content,
            &[("upload-offset", "50000")],
            part(50_000, 60_000),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["received"], 100_000);
    let r = v.get(&format!("{base}/{bid}")).await;
    assert_eq!(r.json()["received"], 100_000);
    let r = v
        .request(
            "PATCH",
            &content,
            &[("upload-offset", "100000")],
            part(100_000, file.len()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["uploaded"], true, "{}", r.body);
    let stored = app.store.bids(tender.package_id).await.expect("bids");
    let b = stored.iter().find(|b| b.id.0.to_string() == bid).expect("bid");
    assert!(b.uploaded_at.is_some());
    let on_disk = app.stored(&b.sha256);
    assert_eq!(on_disk, file);

    // A second commitment replaces the first; bytes that do not match it are refused, and a
    // stale commitment takes no more bytes.
    let second = sealed(&rcpt, 50_000, 2);
    let r = commit(&mut v, tender.package_id, &second).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bid2 = r.json()["bid_id"].as_str().expect("id").to_owned();
    let wrong = sealed(&rcpt, 50_000, 3);
    let wrong = wrong[..second.len().min(wrong.len())].to_vec();
    let mut wrong = wrong;
    wrong.resize(second.len(), 0);
    let r = v
        .request("PATCH", &format!("{base}/{bid2}/content"), &[], wrong)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("bid-mismatch"), "{}", r.body);
    let r = v.get(&format!("{base}/{bid2}")).await;
    assert_eq!(r.json()["received"], 0, "mismatching bytes are discarded");
    let r = v
        .request("PATCH", &format!("{base}/{bid2}/content"), &[], second.clone())
        .await;
    assert_eq!(r.json()["uploaded"], true, "{}", r.body);

    // Withdrawing the current bid; the older one stays withdrawn too (the latest counts).
    let r = v.request("DELETE", &format!("{base}/{bid}"), &[], vec![]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only the current bid: {}",
        r.body
    );
    let r = v.request("DELETE", &format!("{base}/{bid2}"), &[], vec![]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let bids = app.store.bids(tender.package_id).await.expect("bids");
    let vendor = bids
        .iter()
        .find(|b| b.id.0.to_string() == bid)
        .expect("bid")
        .vendor_id;
    assert!(lelang_core::submission::current_bid(&bids, vendor).is_none());

    // A third commitment, committed before the deadline and uploaded within the grace window.
    let third = sealed(&rcpt, 10_000, 4);
    let r = commit(&mut v, tender.package_id, &third).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bid3 = r.json()["bid_id"].as_str().expect("id").to_owned();
    let r = v.get(&format!("{base}/{bid3}/proof")).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no proof before the deadline: {}",
        r.body
    );
    app.clock.set(tender.submission_deadline + Duration::minutes(30));
    let mut v = app.signed_in("vendor.blambangan").await;
    let r = commit(&mut v, tender.package_id, &sealed(&rcpt, 100, 5)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["code"], "submission-closed");
    let r = v
        .request("PATCH", &format!("{base}/{bid3}/content"), &[], third.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "within the grace window: {}", r.body);
    assert_eq!(r.json()["uploaded"], true);

    // Only the commitment that counts has a proof (a replaced one was on time but did not count).
    let r = v.get(&format!("{base}/{bid}/proof")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("bid-not-current"), "{}", r.body);

    // The proof bundle, checked in-process and by the real CLI, offline.
    let r = v.get(&format!("{base}/{bid3}/proof")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bundle: ProofBundle = serde_json::from_str(&r.body).expect("bundle");
    let key = app.log.verifier_key();
    verify_bundle(&bundle, &key).expect("proven");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, &r.body).expect("write");
    let out = std::process::Command::new(BIN)
        .args(["verify", "receipt"])
        .arg(&path)
        .args(["--key", &key])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("receipt verified"), "{stdout}");
    assert!(stdout.contains(&bid3), "{stdout}");

    // Tampering with anything breaks the proof: the receipt's size, the entry, the key.
    let mut forged = bundle.clone();
    forged.receipt = forged.receipt.replacen("size ", "size 9", 1);
    let mut other_entry = bundle.clone();
    other_entry.commitment = bundle.closing.clone();
    for (what, b, k) in [
        ("receipt", forged, key.clone()),
        ("entry", other_entry, key.clone()),
        (
            "key",
            bundle.clone(),
            lelang_trust::note::NoteSigner::generate("test.lelang.local/log")
                .expect("key")
                .verifier_key(),
        ),
    ] {
        assert!(verify_bundle(&b, &k).is_err(), "a tampered {what} was accepted");
        std::fs::write(&path, serde_json::to_string(&b).expect("json")).expect("write");
        let out = std::process::Command::new(BIN)
            .args(["verify", "receipt"])
            .arg(&path)
            .args(["--key", &k])
            .output()
            .expect("run");
        assert!(!out.status.success(), "the CLI accepted a tampered {what}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("not proven"));
    }

    // After the grace window, no more bytes.
    app.clock.set(tender.submission_deadline + Duration::hours(3));
    let mut v = app.signed_in("vendor.blambangan").await;
    let r = commit(&mut v, tender.package_id, &third).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let events = app.store.events(lelang_core::store::EventFilter {
        limit: 10_000,
        ..Default::default()
    });
    let types: Vec<String> = events
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    for t in [
        "bid_submitted",
        "bid_uploaded",
        "bid_withdrawn",
        "submission_closed",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} is not on the log");
    }
}

/// A bid sent whole (the age file as the body) is committed and uploaded in one change; its receipt
/// names the commitment's entry, the same one its status and its proof give.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_sent_whole_has_one_receipt_and_proves() {
    let app = TestApp::with_demo().await;
    let tender = demo_tender(&app).await;
    let rcpt = app.recipient_of(&tender).await;
    let base = format!("/api/v1/tenders/{}/bids", tender.package_id.0);
    let mut v = app.signed_in("vendor.ijen").await;
    let file = sealed(&rcpt, 70_000, 9);
    let r = v.post_bytes(&base, file.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json();
    assert_eq!(first["uploaded"], true);
    let bid = first["bid_id"].as_str().expect("id").to_owned();
    let again = v.get(&format!("{base}/{bid}")).await.json();
    assert_eq!(again["receipt"], first["receipt"], "one bid, one receipt");
    assert_eq!(app.stored(&hex(&Sha256::digest(&file))), file);
    app.clock.set(tender.submission_deadline + Duration::seconds(1));
    let mut v = app.signed_in("vendor.ijen").await;
    let r = v.get(&format!("{base}/{bid}/proof")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let bundle: ProofBundle = serde_json::from_str(&r.body).expect("bundle");
    assert_eq!(Some(bundle.receipt.as_str()), first["receipt"].as_str());
    let proven = verify_bundle(&bundle, &app.log.verifier_key()).expect("proven");
    assert_eq!(Some(proven.receipt.index), first["log_index"].as_u64());
}

/// Per-company limits: a burst of commitments beyond the allowance gets 429 with Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_that_floods_gets_429_with_retry_after() {
    let app = TestApp::with_demo_config(WebConfig {
        bid_burst: 3,
        bid_per_minute: 1,
        ..WebConfig::default()
    })
    .await;
    let tender = demo_tender(&app).await;
    let mut v = app.signed_in("vendor.ijen").await;
    for i in 0..3u8 {
        let r = commit(&mut v, tender.package_id, &[i; 10]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = commit(&mut v, tender.package_id, &[9; 10]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.get("retry-after").is_some());
    assert_eq!(r.content_type(), "application/problem+json");
    // Another company is not held back by it.
    let mut other = app.signed_in("vendor.blambangan").await;
    let r = commit(&mut other, tender.package_id, &[1; 10]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

/// Who may use the submission routes: the registered company, for its own bids only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submission_routes_refuse_everyone_else() {
    let app = TestApp::with_demo().await;
    let tender = demo_tender(&app).await;
    let base = format!("/api/v1/tenders/{}/bids", tender.package_id.0);
    let mut owner = app.signed_in("vendor.blambangan").await;
    let r = commit(&mut owner, tender.package_id, &[7; 64]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bid = r.json()["bid_id"].as_str().expect("id").to_owned();
    let routes = [
        ("GET", format!("{base}/{bid}")),
        ("PATCH", format!("{base}/{bid}/content")),
        ("DELETE", format!("{base}/{bid}")),
        ("GET", format!("{base}/{bid}/proof")),
    ];
    let mut anon = app.client();
    for (m, p) in &routes {
        let r = anon.request(m, p, &[], vec![]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {p}: {}", r.body);
    }
    let r = commit(&mut anon, tender.package_id, &[1; 8]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let page = format!("/tenders/{}/bid", tender.package_id.0);
    let mut checked = 0;
    let r = anon.get(&page).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    // Officials in every role — the tender's own pokja, administrators, auditors and law
    // enforcement included — never submit or see a company's bid or its page; another company,
    // registered or not, cannot touch this one.
    let everyone_else = [
        "admin",
        "bwi.admin",
        "bwi.ulp",
        "bwi.pokja1",
        "bwi.ppk.dpu",
        "bwi.pa.dpu",
        "bwi.apip",
        "bwi.aph",
        "tgl.admin",
        "vendor.ijen",
        "vendor.prigi",
    ];
    for who in everyone_else {
        // A sign-in that fails fails the test: nobody is skipped.
        let mut c = app.signed_in(who).await;
        let r = c.get(&page).await;
        if who != "vendor.ijen" {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {page}: {}", r.body);
        }
        for (m, p) in &routes {
            let r = c.request(m, p, &[], vec![]).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{who} {m} {p}: {} {}",
                r.status,
                r.body
            );
        }
        if !who.starts_with("vendor.") {
            let r = commit(&mut c, tender.package_id, &[1; 8]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        }
        checked += 1;
    }
    assert_eq!(checked, everyone_else.len());
    // A company not registered for the tender may not commit.
    let mut prigi = app.signed_in("vendor.prigi").await;
    let r = commit(&mut prigi, tender.package_id, &[1; 8]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("not-registered"), "{}", r.body);
}

/// Whether this process may mount a tmpfs (root, or CAP_SYS_ADMIN).
fn mount_tmpfs(dir: &std::path::Path, size: &str) -> Result<(), String> {
    let out = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// A document store on a 4 MiB tmpfs: a bid that does not fit gets 507 and no receipt, nothing
/// stored before is damaged, and once space is freed the same bid goes through and verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_a_clean_error_and_no_receipt() {
    let docs = tempfile::tempdir().expect("tmp");
    if let Err(e) = mount_tmpfs(docs.path(), "4m") {
        lelang_store_tests::skip("the full-disk test", &format!("cannot mount a tmpfs: {e}"));
        return;
    }
    let _guard = Unmount(docs.path().to_owned());
    let app = TestApp::with_demo_config(WebConfig {
        documents_dir: docs.path().to_owned(),
        ..generous()
    })
    .await;
    // The demo's documents went to the app's own folder; this store starts empty.
    let tender = demo_tender(&app).await;
    let rcpt = app.recipient_of(&tender).await;
    let base = format!("/api/v1/tenders/{}/bids", tender.package_id.0);
    let mut v = app.signed_in("vendor.blambangan").await;
    let first = sealed(&rcpt, 1024 * 1024, 1);
    let r = v.post_bytes(&base, first.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let filler = docs.path().join("filler");
    std::fs::write(&filler, vec![0u8; 2 * 1024 * 1024]).expect("filler");

    let before = app.store.event_count().await.expect("count");
    let second = sealed(&rcpt, 1536 * 1024, 2);
    let r = v.post_bytes(&base, second.clone()).await;
    assert_eq!(r.status, StatusCode::INSUFFICIENT_STORAGE, "{}", r.body);
    assert_eq!(r.content_type(), "application/problem+json");
    assert_eq!(r.json()["code"], "insufficient-storage");
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "no receipt, no entry"
    );

    // Committed first, uploaded into the full disk: the bytes that fitted stay, the upload says
    // so, and it resumes once there is room.
    let r = commit(&mut v, tender.package_id, &second).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bid = r.json()["bid_id"].as_str().expect("id").to_owned();
    let r = v
        .request("PATCH", &format!("{base}/{bid}/content"), &[], second.clone())
        .await;
    assert_eq!(r.status, StatusCode::INSUFFICIENT_STORAGE, "{}", r.body);
    let held = v.get(&format!("{base}/{bid}")).await.json()["received"]
        .as_u64()
        .expect("received");
    assert!(held < second.len() as u64);

    // Nothing stored earlier was damaged.
    let sha = hex(&Sha256::digest(&first));
    let kept = common::stored_in(docs.path(), &sha);
    assert_eq!(kept, first);

    std::fs::remove_file(&filler).expect("free");
    let r = v
        .request(
            "PATCH",
            &format!("{base}/{bid}/content"),
            &[("upload-offset", &held.to_string())],
            second[held as usize..].to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["uploaded"], true, "{}", r.body);
    let sha2 = hex(&Sha256::digest(&second));
    let kept = common::stored_in(docs.path(), &sha2);
    assert_eq!(kept, second);
}

fn cli(args: Vec<String>, token: String) -> Result<String, String> {
    let out = std::process::Command::new(BIN)
        .args(&args)
        .env("LELANG_TOKEN", token)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A company seals, submits and proves its bid with the real `lelang bid` commands against a
/// served app: the sealed file is what the server stores, the receipt is written beside it, and
/// after the deadline the proof bundle verifies offline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_seals_submits_and_proves_with_the_cli() {
    let app = TestApp::with_demo().await;
    let tender = demo_tender(&app).await;
    let base = app.serve().await;
    let mut v = app.signed_in("vendor.ijen").await;
    let r = v
        .post_json("/api/v1/tokens", &json!({"name": "bid CLI"}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = r.json()["secret"].as_str().expect("secret").to_owned();
    let dir = tempfile::tempdir().expect("tmp");
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("adm.pdf"), b"%PDF administrasi").expect("w");
    std::fs::write(p("tek.pdf"), vec![7u8; 9 * 1024 * 1024]).expect("w");
    std::fs::write(p("harga.pdf"), b"%PDF harga").expect("w");
    let id = tender.package_id.0.to_string();
    let run = |args: Vec<String>| {
        let token = token.clone();
        tokio::task::spawn_blocking(move || cli(args, token))
    };
    let s = |x: &str| x.to_owned();
    let out = run(vec![
        s("bid"),
        s("seal"),
        s("--server"),
        base.clone(),
        s("--tender"),
        id.clone(),
        s("--administrative"),
        p("adm.pdf"),
        s("--technical"),
        p("tek.pdf"),
        s("--price-document"),
        p("harga.pdf"),
        s("--price"),
        s("1187500000"),
        s("-o"),
        p("bid.age"),
    ])
    .await
    .expect("join")
    .expect("seal");
    let recipient = app.recipient_of(&tender).await;
    assert!(
        out.contains(&lelang_core::sealing::fingerprint(&recipient)),
        "{out}"
    );
    let out = run(vec![
        s("bid"),
        s("submit"),
        s("--server"),
        base.clone(),
        s("--tender"),
        id.clone(),
        p("bid.age"),
    ])
    .await
    .expect("join")
    .expect("submit");
    assert!(out.contains("committed and uploaded"), "{out}");
    let sealed = std::fs::read(p("bid.age")).expect("sealed");
    let sha = hex(&Sha256::digest(&sealed));
    let stored = app.stored(&sha);
    assert_eq!(stored, sealed);
    let receipt = std::fs::read_to_string(p("bid.receipt.txt")).expect("receipt");
    assert!(receipt.contains(&format!("sha256 {sha}")), "{receipt}");
    let bid = receipt
        .lines()
        .find_map(|l| l.strip_prefix("bid "))
        .expect("bid line")
        .to_owned();
    // Before the deadline there is no proof; after it, there is, and it verifies offline.
    let early = run(vec![
        s("bid"),
        s("proof"),
        s("--server"),
        base.clone(),
        s("--tender"),
        id.clone(),
        s("--bid"),
        bid.clone(),
        s("-o"),
        p("proof.json"),
    ])
    .await
    .expect("join");
    assert!(early.is_err_and(|e| e.contains("submission-open")));
    app.clock.set(tender.submission_deadline + Duration::minutes(1));
    run(vec![
        s("bid"),
        s("proof"),
        s("--server"),
        base.clone(),
        s("--tender"),
        id.clone(),
        s("--bid"),
        bid,
        s("-o"),
        p("proof.json"),
    ])
    .await
    .expect("join")
    .expect("proof");
    let out = run(vec![
        s("verify"),
        s("receipt"),
        p("proof.json"),
        s("--key"),
        app.log.verifier_key(),
    ])
    .await
    .expect("join")
    .expect("verify");
    assert!(out.contains("receipt verified"), "{out}");
}

/// The server closes a tender at its deadline by itself, with no request asking for it, signs the
/// closing's checkpoint, and asking again appends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closer_closes_a_tender_at_its_deadline_unasked() {
    use lelang_app::AppError;
    use lelang_app::closing::{ensure_closed, run_closer};
    use lelang_app::committer::Committer;
    let app = TestApp::with_demo().await;
    let tender = demo_tender(&app).await;
    let deadline = tender.submission_deadline;
    // Every tender due then (the demo has more than this one) is closed by the closer.
    let due = app
        .store
        .unclosed_tenders(deadline + Duration::seconds(1))
        .await
        .expect("db");
    assert!(due.contains(&tender.package_id), "{due:?}");
    let committer = Committer::<AppError>::start(app.app.clone(), |_| {}, 16);
    app.clock.set(deadline - Duration::seconds(5));
    let closer = tokio::spawn(run_closer(app.app.clone(), committer.clone(), app.log.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        app.store.closing(tender.package_id).await.expect("db").is_none(),
        "closed before its deadline"
    );
    app.clock.set(deadline + Duration::seconds(1));
    // Each closing's checkpoint is signed and kept right after it is appended: once every due
    // tender is closed, the newest checkpoint is the last closing's.
    let mut closings = Vec::new();
    let mut newest = None;
    for _ in 0..100 {
        closings.clear();
        for p in &due {
            closings.extend(app.store.closing(*p).await.expect("db"));
        }
        newest = app.store.latest_checkpoint().await.expect("db").map(|c| c.size);
        let last = closings.iter().map(|c| c.size()).max();
        if closings.len() == due.len() && newest == last {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    closer.abort();
    assert_eq!(
        closings.len(),
        due.len(),
        "the closer did not close every due tender within 10 s"
    );
    let last = closings.iter().map(|c| c.size()).max();
    assert_eq!(
        newest, last,
        "the last closing's checkpoint was not signed within 10 s"
    );
    let closing = app
        .store
        .closing(tender.package_id)
        .await
        .expect("db")
        .expect("closed");
    let size = app.store.tree_size().await.expect("size");
    let again = ensure_closed(&app.app, &committer, &app.log, &tender)
        .await
        .expect("read")
        .expect("closed");
    assert_eq!(again.log_index, closing.log_index);
    assert_eq!(
        app.store.tree_size().await.expect("size"),
        size,
        "a second closing was appended"
    );
}
