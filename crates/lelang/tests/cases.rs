//! Law enforcement under an MoU, end to end on both backends: an officer reads nothing by the
//! role alone; a bribery complaint escalated by the ULP head grants the named officer exactly the
//! tender in scope, each read logged (the case in clear, who and what committed on the public
//! log) and reported to the ULP head; nothing after the case's end or its revocation; another
//! regency's officer and unnamed officers nothing at any time. The case file fetched by the CLI
//! verifies offline and fails when one byte is changed.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::store::EventFilter;
use serde_json::{Value, json};
use std::process::Command;

const SLUG: &str = "banyuwangi";
const BIN: &str = env!("CARGO_BIN_EXE_lelang");

async fn case_reads(app: &TestApp) -> Vec<lelang_core::event::Event> {
    app.store
        .events(EventFilter {
            limit: 100_000,
            ..EventFilter::default()
        })
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == "case_read")
        .collect()
}

/// Files an anonymous bribery complaint about `package`; its id.
async fn bribery(app: &TestApp, package: &str) -> String {
    let mut anon = app.client();
    let r = anon
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/complaints"),
            &json!({ "category": "bribery", "subject": "tender", "package_id": package, "anonymous": true,
                     "text": "Peserta diminta menyetor uang agar lulus evaluasi teknis." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["complaint"]["id"].as_str().expect("id").to_owned()
}

async fn an_officer_reads_exactly_an_active_case(app: TestApp) {
    let tender = app.demo_tender("Sumberwadung").await;
    let other = app.demo_tender("Kalibendo").await;
    let (pkg, other_pkg) = (tender.package_id.0.to_string(), other.package_id.0.to_string());
    let mut aph = app.signed_in("bwi.aph").await;
    let mut ulp = app.signed_in("bwi.ulp").await;

    // Nothing by the role alone: no event log; of cases only the demo's own (Sumberwadung,
    // escalated under the demo's MoU), never one holding Kalibendo.
    assert_eq!(
        aph.get(&format!("/api/v1/events?tenant={SLUG}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        aph.get(&format!("/t/{SLUG}/events")).await.status,
        StatusCode::FORBIDDEN
    );
    let listed = aph.get(&format!("/api/v1/tenants/{SLUG}/cases")).await;
    assert_eq!(listed.status, StatusCode::OK);
    let demo_cases = listed.json().as_array().map(Vec::len).unwrap_or(0);
    assert!(!listed.body.contains(&other_pkg), "{}", listed.body);
    assert_eq!(
        aph.get(&format!("/api/v1/tenants/{SLUG}/mous")).await.status,
        StatusCode::FORBIDDEN
    );

    // The ULP head records the MoU; an officer not of law enforcement cannot be named.
    let mou = |officers: Value| {
        json!({ "number": "180/45/429.011/2026", "counterpart": "Kepolisian Resor Banyuwangi",
                "scope": "Penanganan perkara pengadaan barang/jasa pemerintah daerah",
                "valid_from": "2026-01-01", "valid_until": "2027-12-31", "officers": officers })
    };
    let r = ulp
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/mous"),
            &mou(json!(["bwi.pokja1"])),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = ulp
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/mous"),
            &mou(json!(["bwi.aph"])),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mou_id = r.json()["id"].as_str().expect("id").to_owned();
    assert_eq!(
        aph.post_json(
            &format!("/api/v1/tenants/{SLUG}/mous"),
            &mou(json!(["bwi.aph"])),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // A scope too wide is the scope's refusal, not the period's.
    let wide: Vec<String> = (0..51).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let r = ulp
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/cases"),
            &json!({ "mou_id": mou_id, "packages": wide, "officers": ["bwi.aph"], "days": 30,
                     "summary": "Lingkup terlalu luas untuk satu kasus." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["code"], "invalid-case-scope", "{}", r.body);
    // A bribery complaint escalated: the complaint's public line says so.
    let complaint = bribery(&app, &pkg).await;
    let escalation = |complaint: Option<&str>, days: u32| {
        json!({ "mou_id": mou_id, "complaint_id": complaint, "packages": [pkg.clone()],
                "officers": ["bwi.aph"], "days": days,
                "summary": "Dugaan suap dalam evaluasi teknis tender bendung." })
    };
    let r = ulp
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/cases"),
            &escalation(Some(&complaint), 30),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let case = r.json();
    let case_id = case["id"].as_str().expect("id").to_owned();
    assert_eq!(
        (case["active"].as_bool(), case["ground"].as_str()),
        (Some(true), Some("not_mediable"))
    );
    let lines = app
        .client()
        .get(&format!("/api/v1/tenants/{SLUG}/complaints"))
        .await
        .json();
    let line = lines
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["id"] == complaint.as_str())
        .cloned()
        .expect("line");
    assert_eq!(line["status"], "escalated");
    assert!(
        line["package_id"].is_null(),
        "the public line does not name the investigated tender"
    );

    // The officer reads the tender in scope — its events in clear — and nothing else.
    let listed = aph.get(&format!("/api/v1/tenants/{SLUG}/cases")).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(demo_cases + 1));
    let events = aph
        .get(&format!(
            "/api/v1/tenants/{SLUG}/cases/{case_id}/packages/{pkg}/events"
        ))
        .await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.body);
    let events = events.json();
    assert!(
        events
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["event_type"] == "objection_filed"))
    );
    // Another case's reads of the same tender (the demo's) are not shown: an officer does not
    // learn who else investigates it.
    for e in events.as_array().expect("events") {
        if e["event_type"].as_str().is_some_and(|t| t.starts_with("case_")) {
            assert!(e["payload"].as_str().is_some_and(|p| p.contains(&case_id)), "{e}");
        }
    }
    let outside = aph
        .get(&format!(
            "/api/v1/tenants/{SLUG}/cases/{case_id}/packages/{other_pkg}/events"
        ))
        .await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    let page = aph
        .get(&format!("/t/{SLUG}/cases/{case_id}/packages/{pkg}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("hps-breakdown"),
        "the owner's estimate breakdown"
    );
    assert_eq!(
        aph.get(&format!("/t/{SLUG}/cases/{case_id}")).await.status,
        StatusCode::OK
    );

    // Another regency's officer, an officer not named, and other roles: nothing.
    for who in ["tgl.aph", "bwi.pokja1", "bwi.ppk.dpu"] {
        let mut c = app.signed_in(who).await;
        let r = c
            .get(&format!(
                "/api/v1/tenants/{SLUG}/cases/{case_id}/packages/{pkg}/events"
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        let page = c.get(&format!("/t/{SLUG}/cases/{case_id}")).await;
        assert!(!page.status.is_success(), "{who}: {}", page.status);
    }

    // Every read is on the log: the case in clear, who read and what committed; the ULP head
    // sees them per officer.
    let reads = case_reads(&app).await;
    assert!(reads.len() >= 3, "{}", reads.len());
    let officer = app
        .store
        .credentials("bwi.aph")
        .await
        .expect("q")
        .expect("aph")
        .user
        .id;
    let index = (reads.last().expect("a read").seq - 1) as u64;
    let (event, salt) = app
        .store
        .leaves(index, 1)
        .await
        .expect("leaf")
        .pop()
        .expect("one");
    let leaf = String::from_utf8(lelang_core::public::leaf(&event, &salt).expect("leaf")).expect("utf8");
    assert!(leaf.contains(&case_id), "{leaf}");
    assert!(
        !leaf.contains(&officer.0.to_string()) && !leaf.contains(&pkg),
        "{leaf}"
    );
    let report = ulp
        .get(&format!("/api/v1/tenants/{SLUG}/cases/reads"))
        .await
        .json();
    // One row per case and officer: this case's, and the demo's own.
    let rows = report.as_array().expect("rows");
    let ours = rows
        .iter()
        .find(|r| r["officer"] == "bwi.aph" && r["case_id"] == case_id.as_str())
        .cloned()
        .expect("row");
    assert_eq!(
        ours["count"].as_u64(),
        Some(3),
        "the events, the package page, the case page"
    );
    let all: u64 = rows
        .iter()
        .filter(|r| r["officer"] == "bwi.aph")
        .filter_map(|r| r["count"].as_u64())
        .sum();
    assert_eq!(all, reads.len() as u64);
    let page = ulp.get(&format!("/t/{SLUG}/cases")).await;
    assert!(page.body.contains("bwi.aph"));

    // The case file holds the events in clear: not for the ULP head (who reads no HPS breakdown);
    // fetched by the CLI with the auditor's token it verifies offline; one byte changed, it does not.
    assert_eq!(
        ulp.get(&format!("/api/v1/tenants/{SLUG}/cases/{case_id}/file"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut c = app.signed_in("bwi.apip").await;
    c.get("/account").await;
    let r = c
        .post_form("/account/tokens", &[("name", "berkas perkara")])
        .await;
    let start = r.body.find(r#"<code id="new-token">"#).expect("token") + r#"<code id="new-token">"#.len();
    let token = r.body[start..].split('<').next().expect("token").to_owned();
    let base = app.serve().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("kasus.json");
    let out = Command::new(BIN)
        .args([
            "case-file",
            "--server",
            &base,
            "--regency",
            SLUG,
            "--case",
            &case_id,
            "--out",
        ])
        .arg(&file)
        .env("LELANG_TOKEN", &token)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = app.log.verifier_key();
    let verify = |path: &std::path::Path| {
        Command::new(BIN)
            .args(["verify", "case-file"])
            .arg(path)
            .args(["--key", &key])
            .output()
            .expect("run")
    };
    // The header rewritten (another number): refused.
    let mut f: Value = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    f["case"]["number"] = json!("KAS-2026-9999");
    let header = dir.path().join("kasus-kepala.json");
    std::fs::write(&header, serde_json::to_vec(&f).expect("json")).expect("write");
    assert!(
        !verify(&header).status.success(),
        "a rewritten header must not verify"
    );
    let ok = verify(&file);
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("case file verified"));
    let bytes = std::fs::read(&file).expect("read");
    let f: Value = serde_json::from_slice(&bytes).expect("json");
    assert!(f["entries"].as_array().is_some_and(|e| e.len() > 3));
    // One byte of an event's content changed: refused.
    let text = String::from_utf8(bytes).expect("utf8");
    let at = text.find("objection_filed").expect("an event") + 2;
    let mut tampered = text.into_bytes();
    tampered[at] = if tampered[at] == b'j' { b'k' } else { b'j' };
    let bad = dir.path().join("kasus-diubah.json");
    std::fs::write(&bad, &tampered).expect("write");
    let refused = verify(&bad);
    assert!(!refused.status.success(), "a changed byte must not verify");
    // Under another log's key: refused.
    let other_key = Command::new(BIN)
        .args(["verify", "case-file"])
        .arg(&file)
        .args(["--key", "lain+00000000+AAAA"])
        .output()
        .expect("run");
    assert!(!other_key.status.success());

    // A second case, the auditor's finding, revoked: nothing through it any more.
    let mut apip = app.signed_in("bwi.apip").await;
    let r = apip
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/cases"),
            &escalation(None, 10),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let second = r.json()["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/tenants/{SLUG}/cases/{second}/packages/{pkg}/events");
    assert_eq!(aph.get(&path).await.status, StatusCode::OK);
    assert_eq!(
        aph.post_json(
            &format!("/api/v1/tenants/{SLUG}/cases/{second}/revocation"),
            &json!({"reason": "Saya petugas"}),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = apip
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/cases/{second}/revocation"),
            &json!({"reason": "Penyelidikan dihentikan."}),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["revoked"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    assert_eq!(aph.get(&path).await.status, StatusCode::NOT_FOUND, "revoked");

    // The first case's end: nothing after it.
    let closes = time::OffsetDateTime::parse(
        case["closes"].as_str().expect("closes"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339");
    app.clock.set(closes);
    // (Signed in afresh: a month later the old session has long ended.)
    let mut aph = app.signed_in("bwi.aph").await;
    let r = aph
        .get(&format!(
            "/api/v1/tenants/{SLUG}/cases/{case_id}/packages/{pkg}/events"
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "expired");
    // (The demo's own case closes earlier still.)
    assert_eq!(
        aph.get(&format!("/api/v1/tenants/{SLUG}/cases")).await.json(),
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_reads_exactly_an_active_case_on_sqlite() {
    an_officer_reads_exactly_an_active_case(TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_reads_exactly_an_active_case_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("cases on PostgreSQL").await else {
        return;
    };
    an_officer_reads_exactly_an_active_case(app).await;
}
