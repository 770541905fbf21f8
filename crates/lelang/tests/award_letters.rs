//! The letter of award over HTTP, on the demo's awarded tender (its objection answered and the
//! appeal period long past): only the PPK issues it; only the company named responds; the winner
//! declines with its reason and the letter passes to the first reserve, who accepts — and the open
//! data follows (the first award withdrawn, a new one to the reserve), valid against OCDS 1.1.5.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::Clock;
use lelang_core::evaluation::Status;
use serde_json::json;

const SLUG: &str = "banyuwangi";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ppk_issues_the_letter_and_a_decline_passes_it_to_the_first_reserve() {
    let app = TestApp::with_demo().await;
    let p = app.package_named(SLUG, "Normalisasi Saluran Kalibaru").await;
    let id = p.id.0;
    let e = app.store.evaluation(p.id).await.expect("q").expect("evaluation");
    let Status::Awarded { record, .. } = e.status else {
        panic!("awarded")
    };
    let winner = record
        .bids
        .iter()
        .find(|b| Some(b.bid_id) == record.winner)
        .expect("winner");
    let reserve = record
        .bids
        .iter()
        .find(|b| b.bid_id == record.reserves[0])
        .expect("reserve");
    let issue = format!("/api/v1/tenants/{SLUG}/packages/{id}/award-letters");
    let respond = format!("/api/v1/tenders/{id}/award-letters/response");
    let number = json!({ "number": "027/SPPBJ/DPU-PENGAIRAN/2026" });

    // Only the PPK of the work unit issues.
    let member = app.pokja_member(p.id).await;
    for who in [member.as_str(), "bwi.pa.dpu", "bwi.ulp", "vendor.ijen"] {
        let mut c = app.signed_in(who).await;
        let r = c.post_json(&issue, &number, None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {} {}",
            r.status,
            r.body
        );
    }
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let r = ppk.post_json(&issue, &json!({ "number": " " }), None).await;
    assert!(r.body.contains("invalid-letter-number"), "{}", r.body);
    let r = ppk.post_json(&issue, &number, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()[0]["vendor_id"], winner.vendor_id.0.to_string());
    assert_eq!(r.json()[0]["amount"], winner.corrected.expect("corrected"));
    let r = ppk.post_json(&issue, &number, None).await;
    assert!(r.body.contains("award-letter-exists"), "{}", r.body);

    // Only the company named responds; its decline needs a reason.
    let winner_user = app.user_of(winner.vendor_id).await;
    let reserve_user = app.user_of(reserve.vendor_id).await;
    let mut other = app.signed_in(&reserve_user).await;
    let r = other
        .post_json(&respond, &json!({ "accepted": true }), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut w = app.signed_in(&winner_user).await;
    let r = w.post_json(&respond, &json!({ "accepted": false }), None).await;
    assert!(r.body.contains("invalid-reason"), "{}", r.body);
    let r = w
        .post_json(
            &respond,
            &json!({ "accepted": false, "reason": "Alat berat kami terikat kontrak lain sampai akhir tahun." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The public sees the decline, not its reason.
    let mut anon = app.client();
    let list = anon
        .get(&format!("/api/v1/tenders/{id}/award-letters"))
        .await
        .json();
    assert_eq!(list[0]["status"], "declined");
    assert_eq!(list[0]["reason"], serde_json::Value::Null, "{list}");

    // The next letter goes to the first reserve, at its own corrected price; it accepts.
    let r = ppk.post_json(&issue, &number, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()[1]["vendor_id"], reserve.vendor_id.0.to_string());
    assert_eq!(r.json()[1]["amount"], reserve.corrected.expect("corrected"));
    let mut rs = app.signed_in(&reserve_user).await;
    let r = rs.post_json(&respond, &json!({ "accepted": true }), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()[1]["status"], "accepted");
    let page = anon.get(&format!("/tenders/{id}")).await;
    assert!(
        page.body.contains("id=\"award-letters\"") && page.body.contains("Diterima"),
        "{}",
        page.body
    );

    // The contract with the reserve: drafted by the PPK, its guarantee (5 % of the value), both
    // signatures (the company first), the work order.
    let draft = format!("/api/v1/tenants/{SLUG}/packages/{id}/contract");
    let contract =
        json!({ "kind": "unit_price", "number": "027/KONTRAK/DPU-PENGAIRAN/2026", "duration_days": 90 });
    let r = rs.post_json(&draft, &contract, None).await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.body
    );
    let r = ppk.post_json(&draft, &contract, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let value = reserve.corrected.expect("corrected");
    assert_eq!(r.json()["value"], value);
    let required = r.json()["guarantee_required"].as_i64().expect("required");
    assert_eq!(
        required,
        (value * 50 + 999) / 1000,
        "5 % of the contract value, rounded up"
    );
    let sign = format!("/api/v1/tenders/{id}/contract/signature");
    let r = ppk.post_json(&sign, &json!({}), None).await;
    assert!(r.body.contains("vendor-signs-first"), "{}", r.body);
    let r = rs.post_json(&sign, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk.post_json(&sign, &json!({}), None).await;
    assert!(r.body.contains("performance-guarantee-missing"), "{}", r.body);
    let guarantee = format!("/api/v1/tenders/{id}/contract/guarantee");
    let g = |amount: i64| json!({ "issuer": "Bank Jatim Cabang Banyuwangi", "number": "JP-2026-0117", "amount": amount, "valid_until": "2027-12-31" });
    let r = rs.post_json(&guarantee, &g(required - 1), None).await;
    assert!(r.body.contains("performance-guarantee-too-small"), "{}", r.body);
    let r = rs.post_json(&guarantee, &g(required), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk.post_json(&sign, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let start = (app.clock.now() + time::Duration::days(7)).date();
    let r = ppk
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{id}/contract/work-order"),
            &json!({ "number": "027/SPMK/DPU-PENGAIRAN/2026", "start": start.to_string() }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let public = anon.get(&format!("/api/v1/tenders/{id}/contract")).await.json();
    assert_eq!(public["work_order"]["start"], start.to_string());
    assert!(public["ppk_signed_at"].is_string() && public["vendor_signed_at"].is_string());
    let page = anon.get(&format!("/tenders/{id}")).await;
    assert!(
        page.body.contains("id=\"tender-contract\"") && page.body.contains("027/SPMK/DPU-PENGAIRAN/2026")
    );

    // The open data: the first award withdrawn, an award to the reserve, the contract active with
    // its period; every release valid.
    let record = anon.get(&format!("/api/v1/ocds/records/ocds-lelang-{id}")).await;
    assert!(
        record.body.contains("Penunjukan pemenang cadangan"),
        "{}",
        record.body
    );
    assert!(
        record.body.contains("\"dateSigned\"") && record.body.contains("contractUpdate"),
        "{}",
        record.body
    );
    let published = common::ocds::check_everything(&app).await;
    for tag in ["awardUpdate", "contract", "contractUpdate"] {
        assert!(published.tags.contains(tag), "{tag}");
    }
}
