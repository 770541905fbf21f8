//! From the opening to the award over HTTP, on the demo's tender in evaluation: the pokja
//! records findings (one member dissents), clarifies an unreasonably low price, schedules and
//! holds the proof of qualification, and votes; the winner is announced with a record that
//! `lelang verify award` checks offline — and refuses once a corrected price or a failure reason
//! in it is changed. Nobody but the tender's pokja and the regency's auditors reads the evaluation
//! before the announcement, and each auditor's read is on the log.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::Clock;
use lelang_core::evaluation::rank::AwardRecord;
use serde_json::{Value, json};
use std::process::Command;

const SLUG: &str = "banyuwangi";
const IN_EVALUATION: &str = "Talud Penahan Tebing Sungai Kalilo";
const AWARDED: &str = "Normalisasi Saluran Kalibaru";
const FAILED: &str = "Peningkatan Jalan Inspeksi Saluran Sekunder Rogojampi";
const READY: &str = "Perbaikan Pintu Air Dam Kedungrejo";

fn lelang(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lelang"))
        .args(args)
        .output()
        .expect("lelang");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A demo package by name, not its repeat.
async fn first_of(app: &TestApp, name: &str) -> lelang_core::package::Package {
    let tenant = app.store.tenant_by_slug(SLUG).await.expect("q").expect("tenant");
    app.store
        .packages(tenant.id)
        .await
        .expect("q")
        .into_iter()
        .find(|p| p.name == name && p.repeat_of.is_none())
        .expect("package")
}

async fn count_events(app: &TestApp, ty: &str) -> usize {
    app.store
        .events(lelang_core::store::EventFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("events")
        .iter()
        .filter(|e| e.event_type == ty)
        .count()
}

/// Posts as a member, expecting 200, and returns the evaluation view.
async fn post_ok(c: &mut common::Client, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body, None).await;
    assert_eq!(r.status, StatusCode::OK, "{path} {body}: {}", r.body);
    r.json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pokja_evaluates_and_awards_and_anyone_can_verify_the_award() {
    let app = TestApp::with_demo().await;
    let package = app.package_named(SLUG, IN_EVALUATION).await;
    let pokja = app.pokja_of(package.id).await;
    let mut names = Vec::new();
    for m in &pokja.members {
        names.push(app.store.user(*m).await.expect("q").expect("u").username);
    }
    let base = format!("/api/v1/tenants/{SLUG}/packages/{}/evaluation", package.id.0);
    let award = format!("/api/v1/tenders/{}/award", package.id.0);

    // Before the announcement: nobody outside the pokja and the auditors reads the evaluation or a
    // bid, and nothing is published but the prices read out.
    let other_member = [
        "bwi.pokja1",
        "bwi.pokja2",
        "bwi.pokja3",
        "bwi.pokja4",
        "bwi.pokja5",
    ]
    .into_iter()
    .find(|u| !names.iter().any(|n| n == u))
    .expect("a member of another pokja");
    let v = app
        .store
        .evaluation(package.id)
        .await
        .expect("q")
        .expect("evaluation");
    let first_bid = v.bids[0].bid_id.0;
    for who in [
        other_member,
        "vendor.blambangan",
        "vendor.ijen",
        "bwi.ppk.dpu",
        "bwi.ulp",
        "bwi.pa.dpu",
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.get(&base).await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{who} read the evaluation: {}",
            r.status
        );
        let r = c
            .post_json(
                &format!("{base}/findings"),
                &json!({"bid_id": first_bid, "step": "price", "pass": true, "reason": "ok ok"}),
                None,
            )
            .await;
        assert!(
            r.status.is_client_error(),
            "{who} recorded a finding: {}",
            r.status
        );
        let page = c
            .get(&format!(
                "/t/{SLUG}/packages/{}/bids/{first_bid}/archive",
                package.id.0
            ))
            .await;
        assert!(
            matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{who} downloaded a bid: {}",
            page.status
        );
    }
    let mut anon = app.client();
    assert_eq!(anon.get(&base).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.get(&award).await.status, StatusCode::NOT_FOUND);
    let prices = anon
        .get(&format!("/api/v1/tenders/{}/prices", package.id.0))
        .await;
    assert_eq!(prices.status, StatusCode::OK, "{}", prices.body);
    assert_eq!(prices.json().as_array().map(Vec::len), Some(2));
    let public = anon.get(&format!("/tenders/{}", package.id.0)).await;
    assert!(
        public.body.contains("tender-results"),
        "the public page lists the prices read out"
    );
    assert!(!public.body.contains(&names[0]), "no pokja member is named");

    // The auditor reads, and the read is on the log.
    let reads = count_events(&app, "evaluation_read").await;
    let mut apip = app.signed_in("bwi.apip").await;
    let r = apip.get(&base).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(count_events(&app, "evaluation_read").await, reads + 1);
    let r = apip
        .post_json(
            &format!("{base}/votes"),
            &json!({"outcome": "award", "agree": true}),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "auditors read, they do not decide"
    );

    let mut m0 = app.signed_in(&names[0]).await;
    let mut m1 = app.signed_in(&names[1]).await;
    let mut m2 = app.signed_in(&names[2]).await;
    let view = m0.get(&base).await.json();
    let bids: Vec<(String, Option<i64>)> = view["evaluation"]["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|b| {
            (
                b["bid_id"].as_str().unwrap_or_default().to_owned(),
                b["corrected"]["total"].as_i64(),
            )
        })
        .collect();
    // Ijen's 740,000,000 is under 80 % of HPS (960,000,000 × 0.8 = 768,000,000).
    let (low, _) = bids
        .iter()
        .find(|(_, p)| *p == Some(740_000_000))
        .expect("low bid")
        .clone();
    let (other, _) = bids
        .iter()
        .find(|(_, p)| *p == Some(905_000_000))
        .expect("other bid")
        .clone();

    // The price of the low bid waits for its clarification; a bad input gets a problem body.
    let r = m0
        .post_json(
            &format!("{base}/findings"),
            &json!({"bid_id": low, "step": "price", "pass": true, "reason": "sesuai"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("reasonableness-first"), "{}", r.body);
    let r = m0
        .post_json(
            &format!("{base}/findings"),
            &json!({"bid_id": low, "step": "nonsense"}),
            None,
        )
        .await;
    assert!(r.status.is_client_error() && r.content_type() == "application/problem+json");
    post_ok(
        &mut m0,
        &format!("{base}/clarifications"),
        json!({"bid_id": low, "accepted": true, "reason": "Harga satuan galian didukung kontrak sewa alat dan upah setempat."}),
    )
    .await;
    let now = app.clock.now();
    for (bid, dissent) in [(&low, true), (&other, false)] {
        for step in ["administrative", "technical", "price", "qualification"] {
            for c in [&mut m0, &mut m1] {
                let path = format!("{base}/findings");
                let body = json!({"bid_id": bid, "step": step, "pass": true, "reason": "Memenuhi persyaratan dokumen."});
                // Steps already decided by the demo are refused as recorded; the rest pass.
                let r = c.post_json(&path, &body, None).await;
                assert!(
                    r.status == StatusCode::OK || r.body.contains("finding-recorded"),
                    "{step}: {}",
                    r.body
                );
            }
        }
        if dissent {
            post_ok(
                &mut m2,
                &format!("{base}/findings"),
                json!({"bid_id": bid, "step": "technical", "pass": false, "reason": "Metode kerja kurang rinci."}),
            )
            .await;
        }
        let at = (now + time::Duration::hours(1))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("time");
        post_ok(
            &mut m0,
            &format!("{base}/proofs"),
            json!({"bid_id": bid, "at": at, "place": "Kantor UKPBJ"}),
        )
        .await;
        let r = m0
            .post_json(
                &format!("{base}/findings"),
                &json!({"bid_id": bid, "step": "proof", "pass": true, "reason": "asli"}),
                None,
            )
            .await;
        assert!(r.body.contains("proof-not-held"), "{}", r.body);
    }
    app.clock.set(now + time::Duration::hours(2));
    let mut m0 = app.signed_in(&names[0]).await;
    let mut m1 = app.signed_in(&names[1]).await;
    for bid in [&low, &other] {
        for c in [&mut m0, &mut m1] {
            post_ok(
                c,
                &format!("{base}/findings"),
                json!({"bid_id": bid, "step": "proof", "pass": true, "reason": "Dokumen asli sesuai."}),
            )
            .await;
        }
    }
    let v = post_ok(
        &mut m0,
        &format!("{base}/votes"),
        json!({"outcome": "award", "agree": true}),
    )
    .await;
    assert_eq!(v["evaluation"]["status"]["state"], "evaluating");
    assert_eq!(anon.get(&award).await.status, StatusCode::NOT_FOUND);
    let v = post_ok(
        &mut m1,
        &format!("{base}/votes"),
        json!({"outcome": "award", "agree": true}),
    )
    .await;
    assert_eq!(v["evaluation"]["status"]["state"], "awarded", "{v}");

    // Announced: public, verifiable, and its minutes' hash is on the log.
    let r = anon.get(&award).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let record: AwardRecord = serde_json::from_str(&r.body).expect("record");
    assert_eq!(record.winner.map(|w| w.0.to_string()), Some(low.clone()));
    assert_eq!(record.reserves.len(), 1);
    let docs = app.store.documents(package.id).await.expect("docs");
    assert!(
        docs.iter()
            .any(|d| d.title == lelang_app::evaluation::MINUTES_TITLE)
    );
    let public = anon.get(&format!("/tenders/{}", package.id.0)).await;
    assert!(public.body.contains("class=\"winner\""), "{}", public.body);

    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("award.json");
    std::fs::write(&file, &r.body).expect("write");
    let (ok, out) = lelang(&["verify", "award", file.to_str().expect("path")]);
    assert!(ok, "{out}");
    assert!(out.contains("verified"), "{out}");
    // The auditor checks every correction from the archives the opening decrypted.
    let mut archive_args = vec![];
    for b in &record.bids {
        let sha = b.plaintext_sha256.clone().expect("opened");
        let p = dir.path().join(format!("{}.zip", b.bid_id));
        std::fs::write(&p, app.stored(&sha)).expect("write");
        archive_args.push(p);
    }
    let mut args: Vec<String> = vec!["verify".into(), "award".into(), file.display().to_string()];
    for p in &archive_args {
        args.push("--bid".into());
        args.push(p.display().to_string());
    }
    let (ok, out) = lelang(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(ok, "{out}");
    assert!(out.contains("2 bid archive(s)"), "{out}");

    // One corrected price changed: named.
    let mut forged: Value = serde_json::from_str(&r.body).expect("json");
    forged["bids"][0]["corrected"] =
        json!(forged["bids"][0]["corrected"].as_i64().unwrap_or(0) + 100_000_000);
    std::fs::write(&file, forged.to_string()).expect("write");
    let (ok, out) = lelang(&["verify", "award", file.to_str().expect("path")]);
    assert!(!ok, "a changed price verified: {out}");
    assert!(out.contains("does not hold"), "{out}");
    // With the bidder's own archive, a changed correction is named against its schedule.
    let mut forged: Value = serde_json::from_str(&r.body).expect("json");
    let i = record
        .bids
        .iter()
        .position(|b| b.status != lelang_core::evaluation::rank::BidStatus::NotEvaluated)
        .expect("bid");
    forged["bids"][i]["corrected"] = json!(forged["bids"][i]["corrected"].as_i64().unwrap_or(0) - 1);
    std::fs::write(&file, forged.to_string()).expect("write");
    let (ok, out) = lelang(&[
        "verify",
        "award",
        file.to_str().expect("path"),
        "--bid",
        archive_args[i].to_str().expect("path"),
    ]);
    assert!(!ok, "{out}");
    assert!(out.contains("its schedule corrects to"), "{out}");
}

/// Every concluded tender of the demo verifies; a changed failure reason does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lelang_verify_award_agrees_with_the_demo_and_refuses_a_changed_reason() {
    let app = TestApp::with_demo().await;
    let mut anon = app.client();
    let dir = tempfile::tempdir().expect("tmp");
    for (name, failed) in [(AWARDED, false), (FAILED, true)] {
        let p = first_of(&app, name).await;
        let r = anon.get(&format!("/api/v1/tenders/{}/award", p.id.0)).await;
        assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
        let file = dir.path().join("award.json");
        std::fs::write(&file, &r.body).expect("write");
        let (ok, out) = lelang(&["verify", "award", file.to_str().expect("path")]);
        assert!(ok, "{name}: {out}");
        let record: Value = serde_json::from_str(&r.body).expect("json");
        assert_eq!(record["failure"].is_null(), !failed, "{record}");
        // A bid above HPS whose failure reason is rewritten.
        let mut forged = record.clone();
        let bids = forged["bids"].as_array_mut().expect("bids");
        let Some(b) = bids.iter_mut().find(|b| b["status"]["reason"] == "above-hps") else {
            // The awarded demo tender has no bid above HPS: change a ranked one's price instead.
            continue;
        };
        b["status"]["reason"] = json!("dokumen tidak lengkap");
        std::fs::write(&file, forged.to_string()).expect("write");
        let (ok, out) = lelang(&["verify", "award", file.to_str().expect("path")]);
        assert!(!ok, "{name}: a rewritten reason verified: {out}");
        assert!(out.contains("which its figures contradict"), "{out}");
    }
    // Every concluded tender of the demo (six awarded — one contracted, one in execution, one
    // finished, one objected to, one appealed — and the failed one) verifies offline.
    let regency = app.store.tenant_by_slug(SLUG).await.expect("q").expect("tenant");
    let concluded = app.store.concluded(regency.id).await.expect("q");
    assert_eq!(concluded.len(), 7);
    let file = dir.path().join("concluded.json");
    for record in concluded {
        let r = anon
            .get(&format!("/api/v1/tenders/{}/award", record.package_id.0))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        std::fs::write(&file, &r.body).expect("write");
        let (ok, out) = lelang(&["verify", "award", file.to_str().expect("path")]);
        assert!(ok, "{}: {out}", record.package_id.0);
    }
    // The failed tender is repeated (once), linked both ways, and the repeat's open data names
    // the process that failed.
    let failed = first_of(&app, FAILED).await;
    let tenant = app.store.tenant_by_slug(SLUG).await.expect("q").expect("tenant");
    let repeat = app
        .store
        .packages(tenant.id)
        .await
        .expect("q")
        .into_iter()
        .find(|p| p.repeat_of == Some(failed.id))
        .expect("the demo repeats the failed tender");
    assert!(
        app.store.public_tender(repeat.id).await.expect("q").is_some(),
        "announced"
    );
    let page = anon.get(&format!("/tenders/{}", failed.id.0)).await;
    assert!(
        page.body.contains(&format!("/tenders/{}", repeat.id.0)),
        "the failed tender links its repeat"
    );
    let page = anon.get(&format!("/tenders/{}", repeat.id.0)).await;
    assert!(
        page.body.contains("tender-repeat-of"),
        "the repeat links the failed tender"
    );
    let member = app.pokja_member(failed.id).await;
    let mut m = app.signed_in(&member).await;
    let r = m
        .post_json(
            &format!(
                "/api/v1/tenants/{SLUG}/packages/{}/evaluation/repeat",
                failed.id.0
            ),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("repeat-exists"), "{}", r.body);
    let record = anon
        .get(&format!("/api/v1/ocds/records/ocds-lelang-{}", repeat.id.0))
        .await;
    assert!(
        record.body.contains("unsuccessfulProcess")
            && record.body.contains(&format!("ocds-lelang-{}", failed.id.0)),
        "{}",
        record.body
    );

    // A concluded tender no longer weighs on its pokja: the workload the ULP head sees counts the
    // open ones only.
    let pokja1 = app
        .store
        .credentials("bwi.pokja1")
        .await
        .expect("q")
        .expect("user")
        .user
        .id;
    let concluded: Vec<_> = app
        .store
        .concluded(tenant.id)
        .await
        .expect("q")
        .iter()
        .map(|r| r.package_id)
        .collect();
    assert_eq!(
        concluded.len(),
        7,
        "the six awarded tenders (three contracted, one objected, one appealed) and the failed one"
    );
    let cancelled: Vec<_> = app
        .store
        .cancellations(tenant.id)
        .await
        .expect("q")
        .iter()
        .map(|c| c.package_id)
        .collect();
    assert_eq!(cancelled.len(), 1, "the cancelled tender");
    let open = app
        .store
        .pokja_assignments(tenant.id)
        .await
        .expect("q")
        .iter()
        .filter(|a| {
            a.members.contains(&pokja1)
                && !concluded.contains(&a.package_id)
                && !cancelled.contains(&a.package_id)
        })
        .count();
    let mut ulp = app.signed_in("bwi.ulp").await;
    let w = ulp
        .get(&format!("/api/v1/tenants/{SLUG}/pokja/workload"))
        .await
        .json();
    let shown = w
        .as_array()
        .and_then(|ws| ws.iter().find(|c| c["user_id"] == json!(pokja1.0)))
        .and_then(|c| c["workload"].as_u64())
        .expect("pokja1's workload");
    assert_eq!(shown, open as u64);

    // The tender ready to open has no result, and its prices are not out yet.
    let p = app.package_named(SLUG, READY).await;
    assert_eq!(
        anon.get(&format!("/api/v1/tenders/{}/award", p.id.0))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anon.get(&format!("/api/v1/tenders/{}/prices", p.id.0))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.store.closing(p.id).await.expect("q").is_some(),
        "its submission has closed"
    );
    assert!(app.store.opening(p.id).await.expect("q").is_none());
}
