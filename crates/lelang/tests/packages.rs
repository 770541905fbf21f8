//! Field-level authorization on packages: the HPS total for every official who may see the
//! package, the breakdown only for the PPK, the pokja and auditors — and never on the public log.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hps_breakdown_is_seen_only_by_the_ppk_the_pokja_and_auditors() {
    let app = TestApp::with_demo().await;
    let t = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    let mut items = app.unpackaged_items("banyuwangi").await;
    items.sort_by_key(|i| std::cmp::Reverse(i.budget_ceiling));
    let (item, second) = (items[0].clone(), items[1].clone());
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    ppk.csrf = ppk.get("/api/v1/me").await.json()["csrf_token"]
        .as_str()
        .map(str::to_owned);
    let body = json!({"location": "Desa Bajulmati, Kecamatan Wongsorejo", "hps_breakdown": [
        {"description": "Beton struktur K-300 kode-7731", "quantity": 100, "unit": "m3", "unit_price": 2_100_000},
        {"description": "Baja tulangan", "quantity": 10_000, "unit": "kg", "unit_price": 16_500}]});
    let r = ppk
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/plan-items/{}/package", item.id),
            &body,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["owner_estimate"], 375_000_000);

    // Another unit's PPK may not prepare it, and the HPS may not exceed the pagu.
    let mut other_ppk = app.signed_in("bwi.ppk.dinkes").await;
    other_ppk.csrf = other_ppk.get("/api/v1/me").await.json()["csrf_token"]
        .as_str()
        .map(str::to_owned);
    let r = other_ppk
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/plan-items/{}/package", second.id),
            &body,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let too_much = json!({"location": "Genteng", "hps_breakdown": [
        {"description": "Pekerjaan", "quantity": 1, "unit": "ls", "unit_price": second.budget_ceiling + 1}]});
    let r = ppk
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/plan-items/{}/package", second.id),
            &too_much,
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pagu-below-hps"))
    );

    // The ULP head assigns a pokja; only its members among the pokja see the breakdown.
    let mut ulp = app.signed_in("bwi.ulp").await;
    ulp.csrf = ulp.get("/api/v1/me").await.json()["csrf_token"]
        .as_str()
        .map(str::to_owned);
    let pkg_id = app
        .store
        .packages(t.id)
        .await
        .expect("packages")
        .iter()
        .find(|p| p.owner_estimate == 375_000_000)
        .expect("ours")
        .id;
    // Once its PPK has handed it over and the unit accepted it.
    let handover = format!("/api/v1/tenants/banyuwangi/packages/{pkg_id}/handover");
    let checklist = json!({"checklist": {
        "specification": "KAK No. 027/201/2026", "owner_estimate": "HPS No. 027/202/2026",
        "draft_contract": "Rancangan kontrak No. 027/203/2026", "budget_document": "DPA-SKPD 2026"}});
    let r = ppk.post_json(&handover, &checklist, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = ulp
        .post_json(&format!("{handover}/accept"), &json!(null), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut members = Vec::new();
    for u in ["bwi.pokja1", "bwi.pokja2", "bwi.pokja3"] {
        members.push(
            app.store
                .credentials(u)
                .await
                .expect("q")
                .expect("member")
                .user
                .id
                .to_string(),
        );
    }
    let r = ulp
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/packages/{pkg_id}/pokja"),
            &json!({"members": members}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    for (user, sees_breakdown) in [
        ("bwi.ppk.dpu", true),
        ("bwi.pokja2", true),
        ("bwi.pokja5", false),
        ("bwi.ppk.dinkes", false),
        ("bwi.apip", true),
        ("bwi.ulp", false),
        ("bwi.pa.dpu", false),
        ("bwi.admin", false),
        ("admin", false),
    ] {
        let mut c = app.signed_in(user).await;
        let list = c.get("/api/v1/tenants/banyuwangi/packages").await;
        assert_eq!(list.status, StatusCode::OK, "{user}");
        let list = list.json();
        let p = list
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["owner_estimate"] == 375_000_000)
            .expect("ours");
        assert_eq!(p["owner_estimate"], 375_000_000, "{user} sees the total");
        assert_eq!(p.get("hps_breakdown").is_some(), sees_breakdown, "{user}: {p}");
        let page = c.get("/t/banyuwangi/packages").await;
        assert_eq!(
            page.body.contains("Beton struktur K-300 kode-7731"),
            sees_breakdown,
            "{user} on the page"
        );
    }
    for user in ["bwi.aph", "vendor.blambangan", "tgl.apip"] {
        let mut c = app.signed_in(user).await;
        assert_eq!(
            c.get("/api/v1/tenants/banyuwangi/packages").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    // Law enforcement reads no event log by its role (only a case's scope: tests/cases.rs); the
    // auditor reads it whole — and every read of confidential data is on the record.
    let mut aph = app.signed_in("bwi.aph").await;
    let events = aph.get("/api/v1/events?tenant=banyuwangi&limit=1000").await;
    assert_eq!(events.status, StatusCode::FORBIDDEN);
    assert!(!events.body.contains("kode-7731"));
    let mut apip = app.signed_in("bwi.apip").await;
    let events = apip.get("/api/v1/events?tenant=banyuwangi&limit=1000").await;
    assert!(
        events.body.contains("kode-7731") && events.body.contains("@banyuwangikab.go.id"),
        "the auditor reads it whole"
    );
    let all = app
        .store
        .events(lelang_core::store::EventFilter {
            limit: 5000,
            ..Default::default()
        })
        .await
        .expect("events");
    let reads: Vec<_> = all
        .iter()
        .filter(|e| e.event_type == "confidential_data_read")
        .collect();
    assert!(reads.iter().any(
        |e| e.actor_role == Some(lelang_core::role::Role::Auditor) && e.payload.contains("hps_breakdown")
    ));
    assert!(
        reads.iter().any(
            |e| e.actor_role == Some(lelang_core::role::Role::Auditor) && e.payload.contains("event_log")
        )
    );
    assert!(
        !reads
            .iter()
            .any(|e| e.actor_role == Some(lelang_core::role::Role::CommitmentOfficer)),
        "a PPK's reads are daily work"
    );

    // The public log commits to the breakdown without showing it.
    let mut anon = app.client();
    let log = anon.get("/log").await;
    assert!(
        log.body.contains("Desa Bajulmati"),
        "the package is on the public log"
    );
    assert!(!log.body.contains("kode-7731"), "its breakdown is not");
}

/// Before the announcement the ULP head replaces a pokja member who cannot serve: the newcomer
/// declares, the one who left can no longer act, and the key ceremony is run again with the new
/// pokja before the tender can be announced. After the announcement the pokja stays as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ulp_head_replaces_a_member_before_the_announcement() {
    let app = TestApp::with_demo().await;
    let package = app
        .package_named("banyuwangi", "Pembangunan Jembatan Desa Kedungasri")
        .await;
    let before = app.pokja_of(package.id).await;
    let out = before.members[0];
    let mut eligible = Vec::new();
    for u in [
        "bwi.pokja1",
        "bwi.pokja2",
        "bwi.pokja3",
        "bwi.pokja4",
        "bwi.pokja5",
    ] {
        let id = app.store.credentials(u).await.expect("q").expect("user").user.id;
        if !before.members.contains(&id) {
            eligible.push((u, id));
        }
    }
    let (newcomer_name, newcomer) = eligible[0];
    let path = format!(
        "/api/v1/tenants/banyuwangi/packages/{}/pokja/replacement",
        package.id.0
    );
    let body = json!({"out": out.0, "replacement": newcomer.0, "reason": "Anggota sedang cuti melahirkan tiga bulan."});
    for who in [
        "bwi.pokja1",
        "bwi.ppk.dpu",
        "vendor.blambangan",
        "bwi.apip",
        "tgl.ulp",
    ] {
        let mut c = app.signed_in(who).await;
        let r = c.post_json(&path, &body, None).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who} replaced a member: {}",
            r.status
        );
    }
    let mut head = app.signed_in("bwi.ulp").await;
    let r = head
        .post_json(
            &path,
            &json!({"out": out.0, "replacement": newcomer.0, "reason": "pendek"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = head.post_json(&path, &body, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let after = app.pokja_of(package.id).await;
    assert!(after.members.contains(&newcomer) && !after.members.contains(&out));
    assert!(
        !after.declared.contains(&newcomer),
        "the newcomer declares afresh"
    );
    // The newcomer declares; the one who left cannot.
    let declare = format!(
        "/api/v1/tenants/banyuwangi/packages/{}/pokja/declare",
        package.id.0
    );
    let mut n = app.signed_in(newcomer_name).await;
    assert_eq!(
        n.post_json(&declare, &json!({}), None).await.status,
        StatusCode::NO_CONTENT
    );
    let old = app.store.user(out).await.expect("q").expect("user").username;
    let mut o = app.signed_in(&old).await;
    assert_eq!(
        o.post_json(&declare, &json!({}), None).await.status,
        StatusCode::FORBIDDEN
    );
    // Replacing again the member who already left is refused; so is anything after the announcement.
    let r = head.post_json(&path, &body, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let announced = app.demo_tender("Singolatren").await;
    let a = app.pokja_of(announced.package_id).await;
    let spare = [
        "bwi.pokja1",
        "bwi.pokja2",
        "bwi.pokja3",
        "bwi.pokja4",
        "bwi.pokja5",
    ];
    let mut other = None;
    for u in spare {
        let id = app.store.credentials(u).await.expect("q").expect("user").user.id;
        if !a.members.contains(&id) {
            other = Some(id);
        }
    }
    let r = head
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/packages/{}/pokja/replacement", announced.package_id.0),
            &json!({"out": a.members[0].0, "replacement": other.expect("a spare member").0, "reason": "Anggota berhalangan tetap karena sakit."}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("already-announced"), "{}", r.body);
    // The event names no one in clear on the public log.
    let size = app.store.tree_size().await.expect("size");
    let leaves = app.store.leaves(0, size).await.expect("leaves");
    let (e, salt) = leaves
        .iter()
        .rev()
        .find(|(e, _)| e.event_type == "pokja_member_replaced")
        .expect("the replacement is on the log");
    let public = String::from_utf8(lelang_core::public::leaf(e, salt).expect("leaf")).expect("utf-8");
    assert!(
        !public.contains("cuti melahirkan"),
        "the reason may name the member: committed, not in clear: {public}"
    );
    assert!(
        !public.contains(&newcomer.0.to_string()) && !public.contains(&out.0.to_string()),
        "{public}"
    );
}

/// The hand-over on SQLite: see [`hand_over_and_talk`].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_is_handed_over_returned_fixed_and_accepted_before_its_pokja() {
    hand_over_and_talk(&TestApp::with_demo().await).await;
}

/// The hand-over on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_is_handed_over_returned_fixed_and_accepted_before_its_pokja_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("the hand-over").await else {
        return;
    };
    hand_over_and_talk(&app).await;
}

/// The PPK hands a new package over with its checklist; no pokja before the unit accepts it; the
/// ULP head returns it with notes, the PPK fixes it and hands it over again, the head accepts and
/// assigns; the package's conversation mentions reach the inbox; each reader sees what is theirs.
async fn hand_over_and_talk(app: &TestApp) {
    let t = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    let unit = app.work_unit_of("bwi.ppk.dpu").await;
    let item = app
        .unpackaged_items("banyuwangi")
        .await
        .into_iter()
        .find(|i| i.work_unit_id == unit && i.planned_method != lelang_core::rules::Method::PengadaanLangsung)
        .expect("a plan item of DPU without a package");
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    ppk.refresh_csrf().await;
    let body = json!({"location": "Desa Sumberagung, Kecamatan Pesanggaran", "hps_breakdown": [
        {"description": "Pasangan batu kali 1:4", "quantity": 300, "unit": "m3", "unit_price": 950_000}]});
    let r = ppk
        .post_json(
            &format!("/api/v1/tenants/banyuwangi/plan-items/{}/package", item.id),
            &body,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().expect("id").to_owned();
    let api = format!("/api/v1/tenants/banyuwangi/packages/{id}");
    let kinds_for = |items: &[serde_json::Value]| -> Vec<String> {
        items
            .iter()
            .filter(|i| i["package_id"] == id.as_str())
            .map(|i| i["kind"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(kinds_for(&inbox_of(&mut ppk).await), ["hand_over"]);
    let r = ppk.get(&format!("{api}/handover")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "not_submitted");

    // No pokja before the hand-over is accepted.
    let mut ulp = app.signed_in("bwi.ulp").await;
    ulp.refresh_csrf().await;
    let members: Vec<String> = app
        .store
        .pokja_assignments(t.id)
        .await
        .expect("q")
        .first()
        .expect("an assignment")
        .members
        .iter()
        .map(|m| m.to_string())
        .collect();
    let assign = json!({ "members": members });
    let r = ulp.post_json(&format!("{api}/pokja"), &assign, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.content_type().starts_with("application/problem+json"));
    assert!(r.body.contains("handover-not-accepted"), "{}", r.body);

    // An incomplete checklist is refused; the complete one is taken.
    let mut checklist = json!({
        "specification": "KAK No. 027/301/429.107/2026, 12 Oktober 2026",
        "owner_estimate": "Penetapan HPS No. 027/302/429.107/2026, 12 Oktober 2026",
        "draft_contract": "Rancangan kontrak No. 027/303/429.107/2026",
    });
    let r = ppk
        .post_json(
            &format!("{api}/handover"),
            &json!({ "checklist": checklist }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("handover-item-missing"), "{}", r.body);
    checklist["budget_document"] = json!("DPA-SKPD No. 1.03.01/2026");
    let r = ppk
        .post_json(
            &format!("{api}/handover"),
            &json!({ "checklist": checklist }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["status"].clone(), r.json()["round"].clone()),
        (json!("submitted"), json!(1))
    );
    assert_eq!(kinds_for(&inbox_of(&mut ulp).await), ["handover_to_review"]);

    // Who reads it: the participants and the regency's auditor; not another unit's PPK, another
    // regency's head, a company or the public.
    for (who, status) in [
        ("bwi.apip", StatusCode::OK),
        ("bwi.ppk.dinkes", StatusCode::FORBIDDEN),
        ("tgl.ulp", StatusCode::NOT_FOUND),
        ("vendor.ijen", StatusCode::FORBIDDEN),
    ] {
        let mut c = app.signed_in(who).await;
        let path = if who.starts_with("tgl") {
            format!("/api/v1/tenants/trenggalek/packages/{id}/handover")
        } else {
            format!("{api}/handover")
        };
        assert_eq!(c.get(&path).await.status, status, "{who}");
    }
    assert_eq!(
        app.client().get(&format!("{api}/handover")).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Returned with notes; the PPK cannot accept; a resubmission must say what was fixed.
    let notes = "Rancangan kontrak belum memuat jaminan pemeliharaan 5% (kode-4417).";
    assert_eq!(
        ppk.post_json(&format!("{api}/handover/accept"), &json!(null), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = ulp
        .post_json(
            &format!("{api}/handover/return"),
            &json!({ "notes": notes }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["status"].clone(), r.json()["notes"].clone()),
        (json!("returned"), json!(notes))
    );
    assert_eq!(kinds_for(&inbox_of(&mut ppk).await), ["handover_returned"]);
    let r = ppk
        .post_json(
            &format!("{api}/handover"),
            &json!({ "checklist": checklist }),
            None,
        )
        .await;
    assert!(r.body.contains("handover-note-invalid"), "{}", r.body);
    checklist["draft_contract"] = json!("Rancangan kontrak No. 027/303/429.107/2026 (revisi 1)");
    let r = ppk
        .post_json(
            &format!("{api}/handover"),
            &json!({ "checklist": checklist, "note": "Jaminan pemeliharaan 5% ditambahkan." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["round"], 2);

    // The conversation: a mention reaches the PPK's inbox until they write back; the auditor
    // reads but does not write.
    let r = ulp
        .post_json(
            &format!("{api}/messages"),
            &json!({ "body": "@bwi.ppk.dpu apakah lokasi sudah bebas sengketa lahan?" }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["mentions"].as_array().map(Vec::len), Some(1));
    assert_eq!(kinds_for(&inbox_of(&mut ppk).await), ["mentioned"]);
    let r = ppk
        .post_json(
            &format!("{api}/messages"),
            &json!({ "body": "Sudah, surat camat terlampir." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(kinds_for(&inbox_of(&mut ppk).await).is_empty());
    let mut apip = app.signed_in("bwi.apip").await;
    apip.refresh_csrf().await;
    let r = apip.get(&format!("{api}/handover")).await;
    assert_eq!(r.json()["messages"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        apip.post_json(
            &format!("{api}/messages"),
            &json!({ "body": "Catatan auditor" }),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = ppk
        .post_json(&format!("{api}/messages"), &json!({ "body": "" }), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Accepted, then assigned; the history holds every step.
    let r = ulp
        .post_json(&format!("{api}/handover/accept"), &json!(null), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let steps: Vec<String> = r.json()["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|s| s["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(steps, ["submitted", "returned", "submitted", "accepted"]);
    assert_eq!(kinds_for(&inbox_of(&mut ulp).await), ["assign_pokja"]);
    let r = ulp.post_json(&format!("{api}/pokja"), &assign, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    // The public log shows the steps, never the notes or the messages.
    let log = app.client().get("/log").await;
    assert!(log.status == StatusCode::OK);
    assert!(!log.body.contains("kode-4417") && !log.body.contains("sengketa lahan"));
    let events = apip.get("/api/v1/events?tenant=banyuwangi&limit=1000").await;
    assert!(
        events.body.contains("kode-4417"),
        "the auditor reads the notes in clear"
    );
}

/// What the signed-in official's inbox lists.
async fn inbox_of(c: &mut common::Client) -> Vec<serde_json::Value> {
    let r = c.get("/api/v1/me/inbox").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_array().cloned().expect("a list")
}
