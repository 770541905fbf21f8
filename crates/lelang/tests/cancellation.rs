//! Cancelling a tender over HTTP, on the demo: only the budget holder of the package's work unit
//! cancels, once, before the award, with a ground and a published reason; a bid committed before
//! stays sealed and provable, a later one is refused, the schedule no longer moves, and the public
//! sees the cancellation on the page, in the list and in the open data.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;
use sha2::{Digest, Sha256};

const SLUG: &str = "banyuwangi";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_holder_cancels_a_running_tender_and_it_changes_no_more() {
    let app = TestApp::with_demo().await;
    let t = app.demo_tender("Singolatren").await;
    let id = t.package_id.0;
    let cancel = format!("/api/v1/tenants/{SLUG}/packages/{id}/cancellation");
    let bids = format!("/api/v1/tenders/{id}/bids");
    let reason = "Anggaran dialihkan untuk penanganan banjir bandang di Kecamatan Songgon.";
    let body = json!({ "ground": "budget_unavailable", "reason": reason });

    // A bid committed while the tender runs.
    let recipient = app.recipient_of(&t).await;
    let file = lelang_trust::seal::encrypt_to(&[recipient.as_str()], b"penawaran").expect("seal");
    let commitment = json!({ "sha256": hex(&Sha256::digest(&file)), "size": file.len() });
    let mut vendor = app.signed_in("vendor.blambangan").await;
    let r = vendor.post_json(&bids, &commitment, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Nobody else cancels: not the PPK, the pokja, the ULP head, an auditor, a vendor, another
    // regency's budget holder; nobody signed out.
    let member = app.pokja_member(t.package_id).await;
    for who in [
        "bwi.ppk.dpu",
        member.as_str(),
        "bwi.ulp",
        "bwi.apip",
        "vendor.ijen",
        "tgl.pa.dpupr",
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.post_json(&cancel, &body, None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {} {}",
            r.status,
            r.body
        );
    }
    let r = app.client().post_json(&cancel, &body, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);

    // Bad input gets a clear answer, and nothing is cancelled.
    let mut pa = app.signed_in("bwi.pa.dpu").await;
    for (bad, code) in [
        (
            json!({ "ground": "bribery", "reason": reason }),
            "invalid-cancellation-ground",
        ),
        (
            json!({ "ground": "other", "reason": "batal" }),
            "invalid-cancellation-reason",
        ),
    ] {
        let r = pa.post_json(&cancel, &bad, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(code), "{}", r.body);
    }
    assert!(app.store.cancellation(t.package_id).await.expect("q").is_none());

    let r = pa.post_json(&cancel, &body, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["ground"], "budget_unavailable");
    let r = pa.post_json(&cancel, &body, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("tender-cancelled"), "{}", r.body);

    // The bid committed before stays on the log with its commitment; a new one is refused.
    let commitments = app
        .store
        .bids(t.package_id)
        .await
        .expect("q")
        .into_iter()
        .filter(|b| b.sha256 == hex(&Sha256::digest(&file)))
        .count();
    assert_eq!(
        commitments, 1,
        "the bid committed before the cancellation is kept"
    );
    let other = lelang_trust::seal::encrypt_to(&[recipient.as_str()], b"terlambat").expect("seal");
    let mut ijen = app.signed_in("vendor.ijen").await;
    let r = ijen
        .post_json(
            &bids,
            &json!({ "sha256": hex(&Sha256::digest(&other)), "size": other.len() }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("tender-cancelled"), "{}", r.body);

    // The schedule no longer moves.
    let setup = app
        .store
        .tender_setup(t.package_id)
        .await
        .expect("q")
        .expect("set up");
    let later = lelang_core::tender::submission_deadline(&setup).expect("deadline") + time::Duration::days(3);
    let mut pokja = app.signed_in(&member).await;
    let r = pokja
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{id}/tender/schedule-change"),
            &json!({ "stage": "submission", "new_last_day": later.date().to_string(), "reason": "Perpanjangan waktu penawaran." }),
            None,
        )
        .await;
    assert!(
        r.status.is_client_error() && r.body.contains("tender-cancelled"),
        "{} {}",
        r.status,
        r.body
    );

    // The public sees it: the cancellation, the page, the list, the open data.
    let mut anon = app.client();
    let r = anon.get(&format!("/api/v1/tenders/{id}/cancellation")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["reason"], reason);
    let page = anon.get(&format!("/tenders/{id}")).await;
    assert!(page.body.contains("id=\"tender-cancelled\""), "{}", page.body);
    assert!(page.body.contains("Songgon"));
    assert!(!page.body.contains("id=\"tender-join\""));
    let open = anon.get("/api/v1/tenders?status=open").await.json();
    assert!(
        open["tenders"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|x| x["package_id"] != id.to_string()),
        "{open}"
    );
    let closed = anon.get("/api/v1/tenders?status=closed").await.json();
    let row = closed["tenders"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["package_id"] == id.to_string())
        .cloned()
        .expect("listed as closed");
    assert_eq!(row["status"], "cancelled");
    let record = anon.get(&format!("/api/v1/ocds/records/ocds-lelang-{id}")).await;
    assert!(
        record.body.contains("tenderCancellation") && record.body.contains("\"cancelled\""),
        "{}",
        record.body
    );
    let events = app
        .store
        .events(lelang_core::store::EventFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("events");
    let ours = events
        .iter()
        .filter(|e| e.event_type == "tender_cancelled" && e.payload.contains(&id.to_string()))
        .count();
    assert_eq!(ours, 1, "one cancellation of this tender on the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_awarded_tender_is_not_cancelled() {
    let app = TestApp::with_demo().await;
    let tenant = app.store.tenant_by_slug(SLUG).await.expect("q").expect("tenant");
    let awarded = app
        .store
        .packages(tenant.id)
        .await
        .expect("q")
        .into_iter()
        .find(|p| p.name == "Normalisasi Saluran Kalibaru")
        .expect("the demo's awarded tender");
    let mut pa = app.signed_in("bwi.pa.dpu").await;
    let r = pa
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{}/cancellation", awarded.id.0),
            &json!({ "ground": "no_longer_needed", "reason": "Kebutuhan sudah dipenuhi dari kegiatan lain." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("tender-awarded"), "{}", r.body);
    assert!(app.store.cancellation(awarded.id).await.expect("q").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_holder_cancels_from_the_tender_page_and_the_pokja_sees_why() {
    let app = TestApp::with_demo().await;
    let t = app.demo_tender("Singolatren").await;
    let page = format!("/t/{SLUG}/packages/{}/tender", t.package_id.0);
    let member = app.pokja_member(t.package_id).await;
    let mut pokja = app.signed_in(&member).await;
    let before = pokja.get(&page).await;
    assert!(
        !before.body.contains("id=\"cancel-tender\""),
        "the pokja does not cancel"
    );

    let mut pa = app.signed_in("bwi.pa.dpu").await;
    let form = pa.get(&page).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("id=\"cancel-tender\""), "{}", form.body);
    // A reason too short is a form error in the user's language, and nothing is cancelled.
    let r = pa
        .post_form(
            &format!("{page}/cancellation"),
            &[("ground", "force_majeure"), ("reason", "banjir")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Tulis alasan pembatalan"), "{}", r.body);
    let r = pa
        .post_form(
            &format!("{page}/cancellation"),
            &[
                ("ground", "force_majeure"),
                (
                    "reason",
                    "Banjir bandang merusak lokasi bendung; pekerjaan tidak dapat dilaksanakan.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().contains("ok=tender-cancelled-done"),
        "{}",
        r.location()
    );
    let after = pa.get(r.location()).await;
    assert!(
        after.body.contains("Tender dibatalkan; alasannya diumumkan."),
        "{}",
        after.body
    );
    assert!(!after.body.contains("id=\"cancel-tender\""), "cancelled once");

    let seen = pokja.get(&page).await;
    assert!(seen.body.contains("id=\"tender-cancelled\""), "{}", seen.body);
    assert!(seen.body.contains("Keadaan kahar"), "{}", seen.body);
    assert!(
        !seen.body.contains("id=\"change-submit\""),
        "a cancelled tender's schedule does not move"
    );
}
