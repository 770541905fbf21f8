//! The contract's execution over HTTP, on the demo's started contract (Peningkatan Saluran
//! Drainase Jalan Gajah Mada): only the PPK plans, accepts, pays, amends, hands over and rates;
//! only the contracted company reports progress; an amendment over the value limit is refused;
//! the public reads the payments, the amendment's reason and the rating on the contract's page
//! and in OCDS (implementation milestones and transactions, the amendment), valid against 1.1.5.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

const SLUG: &str = "banyuwangi";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_contract_runs_to_its_handover_and_rating() {
    let app = TestApp::with_demo().await;
    let p = app
        .package_named(SLUG, "Peningkatan Saluran Drainase Jalan Gajah Mada")
        .await;
    let id = p.id.0;
    let c = app.store.contract(p.id).await.expect("q").expect("contract");
    let start = c.work_order.as_ref().expect("work order").start;
    let end = c.end().expect("end");
    let company = app.user_of(c.vendor_id).await;
    let other = if company == "vendor.ijen" {
        "vendor.blambangan"
    } else {
        "vendor.ijen"
    };
    let base = format!("/api/v1/tenants/{SLUG}/packages/{id}/execution");
    let first = c.value / 3;
    let plan = |second: i64| {
        json!({ "milestones": [
            { "title": "Galian dan pasangan saluran", "amount": first, "due": (start + time::Duration::days(30)).to_string() },
            { "title": "Plesteran, tutup saluran, pembersihan", "amount": second, "due": end.to_string() },
        ]})
    };

    // Only the PPK of the work unit plans; the amounts add up to the contract value.
    let member = app.pokja_member(p.id).await;
    for who in [member.as_str(), "bwi.pa.dpu", "bwi.ulp", company.as_str()] {
        let mut x = app.signed_in(who).await;
        let r = x
            .post_json(&format!("{base}/milestones"), &plan(c.value - first), None)
            .await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {} {}",
            r.status,
            r.body
        );
    }
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let r = ppk
        .post_json(&format!("{base}/milestones"), &plan(c.value - first - 1), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("milestones-not-contract-value"), "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/milestones"), &plan(c.value - first), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The advance: at most 30 % of the value, covered by the company's guarantee through the end.
    let most = c.value * 3 / 10;
    let advance = |amount: i64, covered: i64| {
        json!({ "amount": amount, "reference": "SP2D-UM-00102", "guarantee": {
            "issuer": "Bank Jatim Cabang Banyuwangi", "number": "JUM-2026-0031", "amount": covered,
            "valid_until": end.to_string() } })
    };
    let r = ppk
        .post_json(&format!("{base}/advance"), &advance(most + 1, most + 1), None)
        .await;
    assert!(r.body.contains("advance-over-limit"), "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/advance"), &advance(most, most - 1), None)
        .await;
    assert!(r.body.contains("advance-guarantee-too-small"), "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/advance"), &advance(most, most), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Only the contracted company reports; the PPK accepts a complete milestone and pays it.
    let progress = |n: u16| format!("/api/v1/tenders/{id}/execution/milestones/{n}/progress");
    let report = json!({ "percent": 100, "note": "Galian 400 m dan pasangan batu kali selesai." });
    let mut stranger = app.signed_in(other).await;
    let r = stranger.post_json(&progress(1), &report, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut v = app.signed_in(&company).await;
    let r = v
        .post_json(
            &progress(1),
            &json!({ "percent": 40, "note": "Galian 160 m." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk
        .post_json(
            &format!("{base}/milestones/1/acceptance"),
            &json!({ "number": "BA-1" }),
            None,
        )
        .await;
    assert!(r.body.contains("milestone-not-complete"), "{}", r.body);
    let r = v.post_json(&progress(1), &report, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = v
        .post_json(
            &format!("{base}/milestones/1/acceptance"),
            &json!({ "number": "BA-1" }),
            None,
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.body
    );
    for (path, number) in [
        ("acceptance", "027/BA-PEMERIKSAAN/DPU/01"),
        ("payment", "SP2D-00417"),
    ] {
        let r = ppk
            .post_json(
                &format!("{base}/milestones/1/{path}"),
                &json!({ "number": number }),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }

    // Amendments: 10 % of the signed value at most, all together; the reason is published.
    let limit = c.value / 10;
    let amend = |value_change: i64| {
        json!({ "number": "027/ADD-1/DPU/2026", "value_change": value_change, "milestone": 2, "days_added": 7,
                "reason": "Kondisi lapangan: saluran diperpanjang 30 m sampai gorong-gorong." })
    };
    let r = ppk
        .post_json(&format!("{base}/amendments"), &amend(limit + 1), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("amendment-over-limit"), "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/amendments"), &amend(limit / 2), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["milestones"][1]["amount"], c.value - first + limit / 2);

    // The handover waits for every milestone; then the rating.
    let r = ppk
        .post_json(&format!("{base}/handover"), &json!({ "number": "BAST-1" }), None)
        .await;
    assert!(r.body.contains("milestones-open"), "{}", r.body);
    let r = v
        .post_json(
            &progress(2),
            &json!({ "percent": 100, "note": "Seluruh pekerjaan selesai." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk
        .post_json(
            &format!("{base}/milestones/2/acceptance"),
            &json!({ "number": "027/BA-PEMERIKSAAN/DPU/02" }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rating = json!({ "quality": 3, "cost": 2, "time": 2, "service": 3 });
    let r = ppk.post_json(&format!("{base}/rating"), &rating, None).await;
    assert!(r.body.contains("contract-running"), "{}", r.body);
    let r = ppk
        .post_json(
            &format!("{base}/handover"),
            &json!({ "number": "027/BAST/DPU/2026" }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = ppk
        .post_json(
            &format!("{base}/rating"),
            &json!({ "quality": 4, "cost": 2, "time": 2, "service": 3 }),
            None,
        )
        .await;
    assert!(r.body.contains("invalid-mark"), "{}", r.body);
    let r = ppk.post_json(&format!("{base}/rating"), &rating, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let value_now = r.json()["signed_value"].as_i64().expect("value") + limit / 2;
    let score = r.json()["rating"]["score"].clone();
    // Construction: the company's maintenance guarantee, 5 % of the value now, after the handover.
    let maintenance = format!("/api/v1/tenders/{id}/execution/maintenance-guarantee");
    let g = |amount: i64| json!({ "issuer": "Bank Jatim Cabang Banyuwangi", "number": "JPM-2027-0004", "amount": amount, "valid_until": "2027-12-31" });
    let needed = (value_now * 50 + 999) / 1000;
    let r = ppk.post_json(&maintenance, &g(needed), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = v.post_json(&maintenance, &g(needed - 1), None).await;
    assert!(r.body.contains("maintenance-guarantee-too-small"), "{}", r.body);
    let r = v.post_json(&maintenance, &g(needed), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // (3 + 2 + 2 + 3) / 12 under even weights = 83.3 → 83.
    assert_eq!(score, 83);

    // The public: the JSON, the contract's page, and the open data.
    let mut anon = app.client();
    let x = anon.get(&format!("/api/v1/tenders/{id}/execution")).await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(x.json()["milestones"][0]["paid"]["number"], "SP2D-00417");
    let page = anon.get(&format!("/tenders/{id}/contract")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "SP2D-00417",
        "saluran diperpanjang 30 m",
        "83 / 100",
        "027/BAST/DPU/2026",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("id=\"plan-form\"") && !page.body.contains("progress-form"));
    let record = anon.get(&format!("/api/v1/ocds/records/ocds-lelang-{id}")).await;
    assert!(
        record.body.contains("\"transactions\"") && record.body.contains("\"dateMet\""),
        "{}",
        record.body
    );
    let published = common::ocds::check_everything(&app).await;
    assert!(
        record.body.contains(&format!("advance-{id}")),
        "the advance is a transaction"
    );
    for tag in ["implementation", "implementationUpdate", "contractAmendment"] {
        assert!(published.tags.contains(tag), "{tag}");
    }
}

/// The demo's later stages as a visitor sees them today: Tamansuruh's appeal waiting for its
/// answer (its objection period's end on the log); Sempu's first milestone paid and its second
/// late; Kalibendo's handed over and its company rated, which the company's record carries into
/// its next tenders. Then the PPK terminates Sempu's late contract.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_an_appeal_pending_a_contract_in_execution_and_a_finished_one() {
    use lelang_core::Clock;
    let app = TestApp::with_demo().await;
    let today = app.clock.now().to_offset(time::macros::offset!(+7)).date();
    let sempu = app
        .package_named(SLUG, "Rehabilitasi Saluran Sekunder Sempu")
        .await;
    let x = app
        .store
        .execution(sempu.id)
        .await
        .expect("q")
        .expect("execution");
    assert!(x.milestones[0].paid.is_some(), "the first milestone is paid");
    let late = &x.milestones[1];
    assert!(late.accepted.is_none() && late.percent() == 70);
    assert!(late.late(today, |t| t.date()), "the second is late on {today}");
    assert!(!x.milestones[2].late(today, |t| t.date()));
    let mut anon = app.client();
    let page = anon.get(&format!("/tenders/{}/contract", sempu.id.0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("class=\"late\"").count(), 1, "{}", page.body);

    let kalibendo = app
        .package_named(SLUG, "Pemeliharaan Saluran Primer Kalibendo")
        .await;
    let x = app
        .store
        .execution(kalibendo.id)
        .await
        .expect("q")
        .expect("execution");
    assert!(x.handover.is_some() && x.milestones.iter().all(|m| m.paid.is_some()));
    // Marks 3, 3, 2, 3 under even weights: 11 / 12 = 91.7 → 92.
    assert_eq!(x.rating.as_ref().map(|r| r.score), Some(92));
    let record = lelang_core::execution::record(&app.store.executions_of(x.vendor_id).await.expect("q"));
    assert_eq!(record, Some((1, 92)));
    let mut company = app.signed_in(&app.user_of(x.vendor_id).await).await;
    let profile = company.get("/vendor/profile").await;
    assert!(profile.body.contains("92 / 100"), "{}", profile.body);
    let page = anon.get(&format!("/tenders/{}/contract", kalibendo.id.0)).await;
    assert!(page.body.contains("92 / 100") && page.body.contains("027/BAST/DPU-PENGAIRAN/2026"));

    // The PPK terminates Sempu's late contract for the company's default, proposing the
    // blacklist; the reason is public, the work takes no more reports, and the open data says so.
    let base = format!("/api/v1/tenants/{SLUG}/packages/{}/execution", sempu.id.0);
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let terminate = json!({ "ground": "vendor_default", "reason": "Keterlambatan melampaui batas dan teguran ketiga tidak diindahkan.", "blacklist_proposed": true });
    let sempu_company = app
        .user_of(
            app.store
                .execution(sempu.id)
                .await
                .expect("q")
                .expect("x")
                .vendor_id,
        )
        .await;
    let mut c = app.signed_in(&sempu_company).await;
    let r = c
        .post_json(&format!("{base}/termination"), &terminate, None)
        .await;
    assert!(
        matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.body
    );
    let r = ppk
        .post_json(
            &format!("{base}/termination"),
            &json!({ "ground": "bosan", "reason": "x y" }),
            None,
        )
        .await;
    assert!(r.body.contains("invalid-ground"), "{}", r.body);
    let r = ppk
        .post_json(&format!("{base}/termination"), &terminate, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["termination"]["blacklist_proposed"], true);
    let r = c
        .post_json(
            &format!("/api/v1/tenders/{}/execution/milestones/2/progress", sempu.id.0),
            &json!({ "percent": 90, "note": "Lanjut." }),
            None,
        )
        .await;
    assert!(r.body.contains("contract-ended"), "{}", r.body);
    let page = anon.get(&format!("/tenders/{}/contract", sempu.id.0)).await;
    assert!(page.body.contains("teguran ketiga"), "{}", page.body);
    let record = anon
        .get(&format!("/api/v1/ocds/records/ocds-lelang-{}", sempu.id.0))
        .await;
    assert!(record.body.contains("\"terminated\""), "{}", record.body);
    let published = common::ocds::check_everything(&app).await;
    assert!(published.tags.contains("contractUpdate"));
}
