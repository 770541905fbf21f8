//! Objections over HTTP, on the demo's awarded tender with the test clock set back into its
//! objection period: a losing bidder objects once, the winner and strangers cannot, everyone sees
//! that objections exist but only the bidders, the pokja and auditors read them; the pokja answers
//! once the period ends — a rejection keeps the award, an upheld objection withdraws it and the
//! evaluation reopens (in the open data too).

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::evaluation::Status;
use serde_json::{Value, json};

const SLUG: &str = "banyuwangi";
const AWARDED: &str = "Normalisasi Saluran Kalibaru";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_bidders_object_and_the_pokja_answers_after_the_period() {
    let app = TestApp::with_demo().await;
    let p = app.package_named(SLUG, AWARDED).await;
    let id = p.id.0;
    let e = app.store.evaluation(p.id).await.expect("q").expect("evaluation");
    let Status::Awarded { at, .. } = e.status else {
        panic!("the demo's tender is awarded")
    };
    let w = lelang_app::objection::window(
        &app.app,
        &app.store.evaluation(p.id).await.expect("q").expect("e"),
    )
    .await
    .expect("window")
    .expect("announced");
    let list = format!("/api/v1/tenders/{id}/objections");
    // The demo's history holds one objection, answered: rejected.
    let before = app.client().get(&list).await.json();
    assert_eq!(before.as_array().map(Vec::len), Some(1), "{before}");
    assert_eq!(before[0]["status"], "rejected");
    assert_eq!(before[0]["text"], Value::Null, "the public does not read it");

    app.clock.set(at + time::Duration::hours(3));
    let reasons = json!({ "text": "Pemenang tidak melampirkan bukti dukungan peralatan yang disyaratkan." });
    for (who, code) in [
        ("vendor.ijen", "objection-by-winner"),
        ("vendor.medika", "objection-not-a-bidder"),
        ("vendor.blambangan", "objection-exists"),
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.post_json(&list, &reasons, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{who}: {}", r.body);
        assert!(r.body.contains(code), "{who}: {}", r.body);
    }
    let r = app.client().post_json(&list, &reasons, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let mut prigi = app.signed_in("vendor.prigi").await;
    let r = prigi.post_json(&list, &json!({ "text": "terlalu" }), None).await;
    assert!(r.body.contains("invalid-objection-text"), "{}", r.body);
    let r = prigi.post_json(&list, &reasons, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let objection = r.json()["id"].as_str().expect("id").to_owned();

    // Evidence: only the objecting company adds files; those who read the text read the files.
    let evidence = format!("/api/v1/tenders/{id}/objections/{objection}/evidence");
    let photo: &[u8] = b"%PDF-1.4 foto lapangan: ekskavator milik pihak lain";
    let mut blambangan = app.signed_in("vendor.blambangan").await;
    let r = blambangan
        .post_multipart(&evidence, &[], Some(("bukti.pdf", photo)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = prigi
        .post_multipart(&evidence, &[], Some(("bukti.exe", photo)))
        .await;
    assert!(r.body.contains("file-type-not-allowed"), "{}", r.body);
    let r = prigi
        .post_multipart(&evidence, &[], Some(("bukti-peralatan.pdf", photo)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()[0]["filename"], "bukti-peralatan.pdf");
    let file = format!("/tenders/{id}/objections/{objection}/evidence/1");
    let got = blambangan.get(&file).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body.as_bytes(), photo, "a bidder reads it");
    for who in ["vendor.medika", "bwi.ppk.dpu"] {
        let mut c = app.signed_in(who).await;
        assert_eq!(c.get(&file).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    assert_eq!(app.client().get(&file).await.status, StatusCode::NOT_FOUND);

    // Who reads what.
    for (who, reads) in [
        ("vendor.blambangan", true),
        ("bwi.apip", true),
        ("bwi.ppk.dpu", false),
        ("vendor.medika", false),
    ] {
        let mut c = app.signed_in(who).await;
        let v = c.get(&list).await.json();
        assert_eq!(v.as_array().map(Vec::len), Some(2), "{who}: {v}");
        let new = v
            .as_array()
            .and_then(|a| a.iter().find(|o| o["id"] == objection.as_str()))
            .expect("listed");
        assert_eq!(new["status"], "pending");
        assert_eq!(new["text"].is_string(), reads, "{who}: {v}");
    }
    let page = prigi.get(&format!("/tenders/{id}")).await;
    assert!(page.body.contains("id=\"tender-objections\""), "{}", page.body);
    assert!(page.body.contains("bukti dukungan peralatan"));
    assert!(
        !page.body.contains("id=\"objection-form\""),
        "one objection per bidder"
    );

    // The pokja answers after the period, and only the tender's pokja.
    let answer = format!("/api/v1/tenants/{SLUG}/packages/{id}/objections/{objection}/answer");
    let member = app.pokja_member(p.id).await;
    let mut pokja = app.signed_in(&member).await;
    let reject = json!({ "upheld": false, "reason": "Bukti dukungan peralatan ada pada dokumen kualifikasi halaman 12." });
    let r = pokja.post_json(&answer, &reject, None).await;
    assert!(r.body.contains("objection-period-running"), "{}", r.body);
    app.clock.set(w.closes + time::Duration::hours(1));
    let mut prigi = app.signed_in("vendor.prigi").await;
    let r = prigi
        .post_multipart(&evidence, &[], Some(("bukti-2.pdf", photo)))
        .await;
    assert!(
        r.body.contains("objection-period-closed"),
        "late evidence: {}",
        r.body
    );
    // Days later: the session has expired; the member signs in again.
    let mut pokja = app.signed_in(&member).await;
    let r = pokja
        .post_json(&format!("/api/v1/tenders/{id}/objections"), &reasons, None)
        .await;
    assert!(r.status.is_client_error(), "a member does not object: {}", r.body);
    let mut outsider = app.signed_in("bwi.pokja2").await;
    let r = outsider.post_json(&answer, &reject, None).await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{} {}",
        r.status,
        r.body
    );
    // After the period every bidder is told it closed (before being told it already objected).
    for who in ["vendor.blambangan", "vendor.prigi"] {
        let mut late = app.signed_in(who).await;
        let r = late.post_json(&list, &reasons, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{who}: {}", r.body);
        assert!(r.body.contains("objection-period-closed"), "{who}: {}", r.body);
    }

    // Upheld: the award is withdrawn and the evaluation reopens.
    let uphold =
        json!({ "upheld": true, "reason": "Bukti dukungan peralatan pemenang ternyata untuk paket lain." });
    let r = pokja.post_json(&answer, &uphold, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "upheld");
    let r = pokja.post_json(&answer, &reject, None).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "answered once: {}",
        r.body
    );
    let e = app.store.evaluation(p.id).await.expect("q").expect("evaluation");
    assert_eq!(e.status, Status::Evaluating);
    let mut anon = app.client();
    assert_eq!(
        anon.get(&format!("/api/v1/tenders/{id}/award")).await.status,
        StatusCode::NOT_FOUND,
        "no award is published while the evaluation runs again"
    );
    let record = anon.get(&format!("/api/v1/ocds/records/ocds-lelang-{id}")).await;
    assert!(
        record.body.contains("awardUpdate") && record.body.contains("\"cancelled\""),
        "{}",
        record.body
    );
}

/// The demo's rejected objection is appealed (construction works) with a guarantee of at least 1 %
/// of HPS; the letter of award waits; only the budget holder answers, and a rejection forfeits
/// the guarantee — public, like the guarantee itself, while the texts stay with those concerned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_objection_is_appealed_and_the_budget_holder_answers() {
    let app = TestApp::with_demo().await;
    let p = app.package_named(SLUG, AWARDED).await;
    let id = p.id.0;
    let objections = app.store.objections(p.id).await.expect("q");
    let answered = objections[0].answer.as_ref().expect("the demo's answer").at;
    app.clock.set(answered + time::Duration::days(1));
    let appeals = format!("/api/v1/tenders/{id}/appeals");
    let valid = (answered + time::Duration::days(40)).date().to_string();
    let appeal = |amount: i64| {
        json!({
            "text": "Jawaban pokja tidak menanggapi pokok sanggah kami tentang koreksi aritmetik.",
            "issuer": "Bank Jatim Cabang Banyuwangi",
            "number": "JSB-2026-0042",
            "amount": amount,
            "valid_until": valid,
        })
    };
    // 1 % of HPS 960,000,000 is 9,600,000.
    let mut prigi = app.signed_in("vendor.prigi").await;
    let r = prigi.post_json(&appeals, &appeal(9_600_000), None).await;
    assert!(r.body.contains("appeal-needs-objection"), "{}", r.body);
    let mut blambangan = app.signed_in("vendor.blambangan").await;
    let r = blambangan.post_json(&appeals, &appeal(9_599_999), None).await;
    assert!(r.body.contains("appeal-guarantee-too-small"), "{}", r.body);
    let r = blambangan.post_json(&appeals, &appeal(9_600_000), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let appeal_id = r.json()["id"].as_str().expect("id").to_owned();

    // The letter of award waits for the answer.
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let issue = format!("/api/v1/tenants/{SLUG}/packages/{id}/award-letters");
    let r = ppk
        .post_json(&issue, &json!({ "number": "027/SPPBJ/DPU/2026" }), None)
        .await;
    assert!(r.body.contains("appeal-unanswered"), "{}", r.body);

    // Only the budget holder of the work unit answers.
    let answer = format!("/api/v1/tenants/{SLUG}/packages/{id}/appeals/{appeal_id}/answer");
    let reject = json!({ "upheld": false, "reason": "Koreksi aritmetik sudah sesuai ketentuan; jawaban pokja tepat." });
    let member = app.pokja_member(p.id).await;
    for who in [member.as_str(), "bwi.ppk.dpu", "tgl.pa.dpupr"] {
        let mut c = app.signed_in(who).await;
        let r = c.post_json(&answer, &reject, None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {} {}",
            r.status,
            r.body
        );
    }
    let mut pa = app.signed_in("bwi.pa.dpu").await;
    let r = pa.post_json(&answer, &reject, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["forfeited"], true);
    let r = pa.post_json(&answer, &reject, None).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "answered once: {}",
        r.body
    );
    let public = app.client().get(&appeals).await.json();
    assert_eq!(public[0]["status"], "rejected");
    assert_eq!(public[0]["forfeited"], true);
    assert_eq!(public[0]["guarantee"]["amount"], 9_600_000);
    assert_eq!(public[0]["text"], Value::Null, "{public}");

    // Once the appeal period after the answer has passed, the letter of award is issued.
    app.clock.set(answered + time::Duration::days(6));
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let r = ppk
        .post_json(&issue, &json!({ "number": "027/SPPBJ/DPU/2026" }), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}
