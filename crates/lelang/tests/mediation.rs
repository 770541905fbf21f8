//! Mediation end to end, on both backends: an anonymous citizen's complaint about the demo's
//! Sumberwadung tender is mediated with the tender's PPK and pokja; the minutes are approved by
//! everyone who attended (the citizen by code, signed by nobody); the agreement settles it; one
//! agreed action is done, the other goes overdue and the timer flags it once; the auditor reopens
//! it; a second mediation ends without agreement, and the complaint is escalated under the MoU.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::store::EventFilter;
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

const SLUG: &str = "banyuwangi";

fn at(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("rfc3339")
}

async fn events(app: &TestApp, kind: &str) -> Vec<lelang_core::event::Event> {
    app.store
        .events(EventFilter {
            limit: 100_000,
            ..EventFilter::default()
        })
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == kind)
        .collect()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    let all = app
        .client()
        .get(&format!("/api/v1/tenants/{SLUG}/complaints"))
        .await
        .json();
    all.as_array()
        .expect("lines")
        .iter()
        .find(|l| l["id"] == id)
        .and_then(|l| l["status"].as_str())
        .expect("status")
        .to_owned()
}

async fn a_complaint_is_mediated_settled_reopened_and_escalated(app: TestApp) {
    let tender = app.demo_tender("Sumberwadung").await;
    let pkg = tender.package_id.0.to_string();
    let mut citizen = app.client();
    let figures = format!("/api/v1/tenants/{SLUG}/complaints/figures");
    let before = citizen.get(&figures).await.json();
    let r = citizen
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/complaints"),
            &json!({ "category": "process", "subject": "tender", "package_id": pkg, "anonymous": true,
                     "text": "Jadwal pembuktian kualifikasi dimajukan tanpa pengumuman di aplikasi." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.json()["follow_up_code"].as_str().expect("code").to_owned();
    let id = r.json()["complaint"]["id"].as_str().expect("id").to_owned();
    let base = format!("/api/v1/tenants/{SLUG}/complaints/{id}");
    let mut apip = app.signed_in("bwi.apip").await;
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let member = app.pokja_member(tender.package_id).await;

    // Before the mediation the PPK does not read the complaint; the auditor opens it.
    assert_eq!(ppk.get(&base).await.status, StatusCode::NOT_FOUND);
    let open = |parties: Value| json!({ "parties": parties });
    let r = ppk
        .post_json(&format!("{base}/mediation"), &open(json!(["ppk"])), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = apip
        .post_json(&format!("{base}/mediation"), &open(json!(["ppk", "pokja"])), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status_of(&app, &id).await, "in_mediation");
    let seen = ppk.get(&base).await;
    assert_eq!(seen.status, StatusCode::OK, "a party reads it: {}", seen.body);
    assert!(seen.json()["complainant_name"].is_null());

    // One session: scheduled, held, recorded with everyone present.
    let now = lelang_core::Clock::now(app.clock.as_ref());
    let session = now + Duration::days(1);
    let r = apip
        .post_json(
            &format!("{base}/mediation/sessions"),
            &json!({ "at": at(session), "place": "Ruang rapat Inspektorat" }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.clock.set(session + Duration::hours(2));
    let mut apip = app.signed_in("bwi.apip").await;
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let mut pokja_member = app.signed_in(&member).await;
    let record = json!({ "attended": ["complainant", "ppk", "pokja"],
        "positions": [{ "party": "complainant", "text": "Jadwal diubah tanpa pengumuman." },
                      { "party": "ppk", "text": "Perubahan diumumkan di papan pengumuman." }],
        "minutes": "Para pihak hadir. PPK dan pokja bersedia mengumumkan ulang jadwal di aplikasi." });
    let r = apip
        .post_json(&format!("{base}/mediation/record"), &record, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let recorded = events(&app, "mediation_session_recorded").await;
    assert!(
        recorded
            .last()
            .expect("recorded")
            .payload
            .contains("minutes_sha256")
    );

    // Concluding waits for every approval; the citizen approves by code, signed by nobody.
    let due = session + Duration::days(7);
    let agreement = json!({ "actions": [
        { "party": "ppk", "what": "Mengumumkan ulang jadwal pembuktian di aplikasi.", "due": at(due) },
        { "party": "pokja", "what": "Memberi klarifikasi tertulis kepada pengadu.", "due": at(due) }] });
    let r = apip
        .post_json(&format!("{base}/mediation/conclusion"), &agreement, None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = citizen
        .post_json(
            "/api/v1/complaints/follow-up/approval",
            &json!({ "code": code }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        events(&app, "mediation_minutes_approved")
            .await
            .last()
            .expect("approval")
            .actor_id,
        None
    );
    for c in [&mut ppk, &mut pokja_member] {
        let r = c
            .post_json(&format!("{base}/mediation/approval"), &json!({}), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = apip
        .post_json(&format!("{base}/mediation/conclusion"), &agreement, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status_of(&app, &id).await, "settled");

    // The PPK does its action, not the pokja's; the pokja's goes overdue, flagged once.
    let r = ppk
        .post_json(&format!("{base}/mediation/actions/1/done"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/mediation/actions/2/done"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = apip
        .post_json(
            &format!("{base}/reopening"),
            &json!({ "reason": "Klarifikasi belum diberikan." }),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing overdue yet: {}",
        r.body
    );
    app.clock.set(due + Duration::minutes(1));
    // (The demo's own settled complaint may have an action overdue by then too.)
    assert!(lelang_app::complaint::fire_overdue(&app.app).await.expect("fire") >= 1);
    assert_eq!(
        lelang_app::complaint::fire_overdue(&app.app).await.expect("fire"),
        0
    );
    let ours = events(&app, "mediation_action_overdue")
        .await
        .into_iter()
        .filter(|e| e.payload.contains(&id))
        .collect::<Vec<_>>();
    assert_eq!(ours.len(), 1, "only the action not done, once");
    assert!(ours[0].payload.contains("\"action\":1"));
    let mut apip = app.signed_in("bwi.apip").await;
    let r = apip
        .post_json(
            &format!("{base}/reopening"),
            &json!({ "reason": "Klarifikasi belum diberikan." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(status_of(&app, &id).await, "accepted");

    // A second mediation ends without agreement; the complaint goes to law enforcement.
    let r = apip
        .post_json(&format!("{base}/mediation"), &open(json!(["ppk"])), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let now = lelang_core::Clock::now(app.clock.as_ref());
    apip.post_json(
        &format!("{base}/mediation/sessions"),
        &json!({ "at": at(now + Duration::hours(1)), "place": "Aula ULP" }),
        None,
    )
    .await;
    app.clock.set(now + Duration::hours(2));
    let mut apip = app.signed_in("bwi.apip").await;
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let r = apip
        .post_json(
            &format!("{base}/mediation/record"),
            &json!({ "attended": ["complainant", "ppk"], "minutes": "PPK menolak memberi klarifikasi." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    citizen
        .post_json(
            "/api/v1/complaints/follow-up/approval",
            &json!({ "code": code }),
            None,
        )
        .await;
    ppk.post_json(&format!("{base}/mediation/approval"), &json!({}), None)
        .await;
    let r = apip
        .post_json(
            &format!("{base}/mediation/conclusion"),
            &json!({ "reason": "PPK menolak memberi klarifikasi tertulis." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = apip
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/mous"),
            &json!({ "number": "180/45/429.011/2026", "counterpart": "Kejaksaan Negeri Banyuwangi", "scope": "Perkara pengadaan",
                     "valid_from": "2026-01-01", "valid_until": "2027-12-31", "officers": ["bwi.aph"] }),
            None,
        )
        .await;
    let mou = r.json()["id"].as_str().expect("mou").to_owned();
    let r = apip
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/cases"),
            &json!({ "mou_id": mou, "complaint_id": id, "packages": [pkg], "officers": ["bwi.aph"], "days": 30,
                     "summary": "Mediasi gagal; dugaan penyimpangan jadwal pembuktian." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["ground"], "mediation_failed");
    assert_eq!(status_of(&app, &id).await, "escalated");
    // The public figures count it: one more complaint, mediated, escalated.
    let after = app.client().get(&figures).await.json();
    for (k, more) in [
        ("total", 1),
        ("mediated", 1),
        ("escalated", 1),
        ("settled_by_mediation", 0),
    ] {
        assert_eq!(after[k].as_u64(), before[k].as_u64().map(|b| b + more), "{k}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_is_mediated_settled_reopened_and_escalated_on_sqlite() {
    a_complaint_is_mediated_settled_reopened_and_escalated(TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_is_mediated_settled_reopened_and_escalated_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("mediation on PostgreSQL").await else {
        return;
    };
    a_complaint_is_mediated_settled_reopened_and_escalated(app).await;
}
