//! Announced tenders over HTTP: the public search and its filters, documents checked on the way in
//! and out, and what vendors and the pokja do during the clarification — each with the clear
//! refusal bad input gets, and nothing stored changed by a refusal.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_web::WebConfig;
use serde_json::{Value, json};

fn names(v: &Value) -> Vec<String> {
    v["tenders"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| t["name"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn q(c: &mut common::Client, query: &str) -> Vec<String> {
    let r = c.get(&format!("/api/v1/tenders?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    names(&r.json())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_search_filters_and_refuses_bad_parameters() {
    let app = TestApp::with_demo().await;
    let mut anon = app.client();
    let all = anon.get("/api/v1/tenders").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    assert_eq!(
        all["total"], 13,
        "the demo announces one open tender per regency, ten of this year's in Banyuwangi (nine closed, one cancelled) and the repeat of the one that failed (open): {all}"
    );
    assert_eq!(
        q(&mut anon, "q=irigasi").await,
        [
            "Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren",
            "Rehabilitasi Saluran Irigasi Tersier Desa Sumberarum"
        ]
    );
    assert_eq!(
        q(&mut anon, "q=jembatan%20kampak&regency=trenggalek").await,
        ["Rehabilitasi Jembatan Kali Ngasinan Kecamatan Kampak"]
    );
    assert!(q(&mut anon, "q=jembatan&regency=banyuwangi").await.is_empty());
    assert!(q(&mut anon, "category=goods").await.is_empty());
    assert_eq!(
        q(&mut anon, "category=works&method=tender&status=open")
            .await
            .len(),
        3
    );
    assert_eq!(
        q(&mut anon, "status=closed").await.len(),
        10,
        "the cancelled tender is closed too"
    );
    assert_eq!(
        q(&mut anon, "min=3.000.000.000").await,
        ["Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren"],
        "HPS filter, with thousands separators"
    );
    assert!(q(&mut anon, "max=1000").await.is_empty());
    assert_eq!(
        q(&mut anon, "page=0").await.len(),
        13,
        "page 0 reads as the first"
    );
    let long = format!("/api/v1/tenders?q={}", "a".repeat(201));
    for (path, status, code) in [
        (
            "/api/v1/tenders?category=kapal",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-category",
        ),
        (
            "/api/v1/tenders?method=lelang",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-method",
        ),
        (
            "/api/v1/tenders?min=banyak",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-amount",
        ),
        (
            "/api/v1/tenders?status=maybe",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-status",
        ),
        (
            "/api/v1/tenders?regency=atlantis",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-regency",
        ),
        (
            "/api/v1/tenders?work_unit=dpu",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-work-unit",
        ),
        (long.as_str(), StatusCode::UNPROCESSABLE_ENTITY, "query-too-long"),
        ("/api/v1/tenders?page=-1", StatusCode::BAD_REQUEST, "bad-request"),
        (
            "/api/v1/tenders?sort=price",
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "/api/v1/tenders/not-a-uuid",
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "/api/v1/tenders/01a2201a-54ce-71a0-8e4d-085735e08eef",
            StatusCode::NOT_FOUND,
            "not-found",
        ),
    ] {
        let r = anon.get(path).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert_eq!(r.content_type(), "application/problem+json", "{path}");
        assert_eq!(r.json()["code"], code, "{path}");
    }
    // The page says what is wrong, in the visitor's language, beside the form.
    let r = anon.get("/tenders?category=kapal&q=jalan").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Jenis pengadaan tidak dikenal."), "{}", r.body);
    assert!(
        r.body.contains("value=\"jalan\""),
        "the keywords stay in the form"
    );
    let r = anon.get("/tenders?q=irigasi&utm_source=wa&page=dua").await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "extra parameters from shared links are ignored"
    );
    assert!(r.body.contains("2 tender ditemukan"), "{}", r.body);
    assert!(
        r.body.contains(">Dibatalkan<"),
        "the cancelled one says so: {}",
        r.body
    );
    let r = anon.get("/tenders?q=membangun").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("0 tender ditemukan"),
        "nothing is built in the demo's tenders"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_checked_on_the_way_in_and_out() {
    let app = TestApp::with_demo_config(WebConfig {
        max_document_bytes: 1024,
        ..WebConfig::default()
    })
    .await;
    let package = app
        .package_named("banyuwangi", "Pembangunan Jembatan Desa Kedungasri")
        .await;
    let member = app.pokja_member(package.id).await;
    let mut m = app.signed_in(&member).await;
    let url = format!("/api/v1/tenants/banyuwangi/packages/{}/documents", package.id);
    let before = app.store.event_count().await.expect("count");
    let spec = b"%PDF-1.4 spesifikasi jembatan".to_vec();
    for (fields, file, status, code) in [
        (
            vec![("title", "Spesifikasi")],
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file-missing",
        ),
        (
            vec![("title", "Spesifikasi")],
            Some(("pasang.exe", spec.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file-type-not-allowed",
        ),
        (
            vec![("title", "Spesifikasi")],
            Some(("besar.pdf", vec![b'x'; 2048])),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
        ),
        (
            vec![("title", "Spesifikasi"), ("kind", "memo")],
            Some(("spek.pdf", spec.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-document-kind",
        ),
        (
            vec![("title", "Spesifikasi"), ("kind", "addendum")],
            Some(("spek.pdf", spec.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-announced",
        ),
    ] {
        let r = m
            .post_multipart(&url, &fields, file.as_ref().map(|(n, b)| (*n, b.as_slice())))
            .await;
        assert_eq!(r.status, status, "{code}: {}", r.body);
        assert_eq!(r.json()["code"], code);
    }
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "nothing logged"
    );
    // The too-large upload was received into this folder, so it exists; it must now be empty.
    let incoming = std::fs::read_dir(app.documents_dir().join("incoming"))
        .expect("the folder uploads are received into")
        .count();
    assert_eq!(incoming, 0, "no partial files left behind");
    // Broken multipart is a 400, a page upload without its CSRF token a 403.
    let r = m
        .send(
            axum::http::Request::post(&url)
                .header("content-type", "multipart/form-data; boundary=x")
                .header("x-csrf-token", m.csrf.clone().unwrap_or_default())
                .body(axum::body::Body::from("--x\r\nnonsense"))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let page = format!("/t/banyuwangi/packages/{}/tender/documents", package.id);
    let saved = m.csrf.take();
    m.csrf = Some("forged".into());
    let r = m
        .post_multipart(&page, &[("title", "Spesifikasi")], Some(("spek.pdf", &spec)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    m.csrf = saved;

    let r = m
        .post_multipart(
            &url,
            &[("title", "Spesifikasi Teknis")],
            Some(("Spesifikasi Teknis.pdf", &spec)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let doc = r.json();
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(&spec)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(doc["sha256"], sha.as_str());
    let href = doc["href"].as_str().expect("href").to_owned();
    // Not public before the announcement; the pokja reads it, with its hash as the ETag.
    assert_eq!(app.client().get(&href).await.status, StatusCode::NOT_FOUND);
    let r = m.get(&href).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_bytes(), spec.as_slice());
    assert_eq!(r.content_type(), "application/pdf");
    let disposition = r.headers["content-disposition"].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Spesifikasi%20Teknis.pdf"),
        "{disposition}"
    );
    assert_eq!(r.headers["etag"].to_str().expect("ascii"), format!("\"{sha}\""));
    let r = m
        .send(
            axum::http::Request::get(&href)
                .header("if-none-match", format!("\"{sha}\""))
                .body(axum::body::Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_MODIFIED,
        "a cached copy is not sent again"
    );

    // The pokja's key ceremony, run as the members' own side would.
    lelang::demo::sealing::ceremony_for(&app.app, package.id)
        .await
        .expect("ceremony");
    let r = m
        .post_json(
            &format!(
                "/api/v1/tenants/banyuwangi/packages/{}/tender/announce",
                package.id
            ),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.client().get(&href).await;
    assert_eq!(r.status, StatusCode::OK, "public once announced");
    // A file altered on disk is never served as the published document.
    let path = app.documents_dir().join("sha256").join(&sha[..2]).join(&sha);
    std::fs::write(&path, b"%PDF-1.4 diubah diam-diam").expect("tamper");
    let r = app.client().get(&href).await;
    assert!(r.status.is_server_error(), "{}", r.status);
    assert!(!r.body.contains("diubah"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendors_register_ask_and_read_answers_and_minutes() {
    let app = TestApp::with_demo().await;
    let mut anon = app.client();
    let list = anon.get("/api/v1/tenders?regency=trenggalek").await.json();
    let id = list["tenders"][0]["package_id"].as_str().expect("id").to_owned();
    let mut v = app.signed_in("vendor.blambangan").await;
    let join = format!("/api/v1/tenders/{id}/registrations");
    let ask = format!("/api/v1/tenders/{id}/questions");
    let r = v.post_json(&ask, &json!({"text": "Apakah boleh?"}), None).await;
    assert_eq!(r.json()["code"], "not-registered", "{}", r.body);
    let r = v.post_json(&join, &json!({}), None).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "verified in Banyuwangi, it may bid in Trenggalek: {}",
        r.body
    );
    let r = v.post_json(&join, &json!({}), None).await;
    assert_eq!(r.json()["code"], "already-registered");
    let mut unverified = app.signed_in("vendor.medika").await;
    let r = unverified.post_json(&join, &json!({}), None).await;
    assert_eq!(r.json()["code"], "vendor-not-verified");
    for (body, status, code) in [
        (
            json!({"text": "Ya?"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "clarification-text",
        ),
        (
            json!({"text": "Apakah ada?", "vendor": "x"}),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
    ] {
        let r = v.post_json(&ask, &body, None).await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (status, json!(code)),
            "{}",
            r.body
        );
    }
    let r = v
        .post_json(
            "/api/v1/tenders/01a2201a-54ce-71a0-8e4d-085735e08eef/questions",
            &json!({"text": "Apakah ada jadwal peninjauan lapangan?"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = v
        .post_json(
            &ask,
            &json!({"text": "Apakah ada jadwal peninjauan lapangan?"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let qid = r.json()["id"].as_str().expect("id").to_owned();

    // A member of the tender's pokja answers, once.
    let member = app
        .pokja_member(lelang_core::PackageId(id.parse().expect("uuid")))
        .await;
    let mut p = app.signed_in(&member).await;
    let answer = format!("/api/v1/tenants/trenggalek/packages/{id}/questions/{qid}/answer");
    let r = p
        .post_json(
            &answer,
            &json!({"text": "Ada, Senin pukul 09.00 WIB di lokasi."}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = p.post_json(&answer, &json!({"text": "Lagi."}), None).await;
    assert_eq!(r.json()["code"], "already-answered");
    let r = v
        .post_json(&answer, &json!({"text": "Saya jawab sendiri."}), None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "vendors do not answer");

    // Everyone reads the question and the answer; only the asker sees that it is theirs.
    let public = anon.get(&format!("/api/v1/tenders/{id}")).await;
    let detail = public.json();
    let q = detail["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == qid.as_str())
        .expect("listed")
        .clone();
    assert_eq!(q["answer"], "Ada, Senin pukul 09.00 WIB di lokasi.");
    assert_eq!(q["mine"], false);
    let vendor_id = app
        .store
        .vendors()
        .await
        .expect("q")
        .into_iter()
        .find(|x| x.name == "CV Blambangan Karya")
        .expect("v")
        .id
        .to_string();
    assert!(!public.body.contains(&vendor_id), "who asked is not public");
    let mine = v.get(&format!("/api/v1/tenders/{id}")).await.json();
    assert!(
        mine["questions"]
            .as_array()
            .expect("q")
            .iter()
            .any(|q| q["mine"] == true)
    );
    assert_eq!(mine["registered"], true);

    // The minutes are generated from the Q&A and published as a document with its hash.
    let r = p
        .post_json(
            &format!("/api/v1/tenants/trenggalek/packages/{id}/tender/minutes"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let minutes = anon.get(r.json()["href"].as_str().expect("href")).await;
    assert_eq!(minutes.status, StatusCode::OK);
    assert!(minutes.body.starts_with("BERITA ACARA PEMBERIAN PENJELASAN"));
    assert!(minutes.body.contains("Apakah ada jadwal peninjauan lapangan?"));
    assert!(minutes.body.contains("Ada, Senin pukul 09.00 WIB di lokasi."));
    assert!(!minutes.body.contains("Blambangan"));

    // A verifier's bad decision is refused; a changed profile needs verification again.
    let mut admin = app.signed_in("tgl.admin").await;
    let r = admin
        .post_json(
            &format!("/api/v1/tenants/trenggalek/vendors/{vendor_id}/verification"),
            &json!({"status": "maybe"}),
            None,
        )
        .await;
    assert_eq!(r.json()["code"], "invalid-verification");
    let r = admin
        .post_json(
            &format!("/api/v1/tenants/trenggalek/vendors/{vendor_id}/verification"),
            &json!({"status": "rejected", "note": "x"}),
            None,
        )
        .await;
    assert_eq!(r.json()["code"], "verification-note", "a rejection says why");
    let profile_url = format!("/api/v1/vendors/{vendor_id}/profile");
    let mut profile = v.get(&profile_url).await.json()["profile"].clone();
    let mut bad = profile.clone();
    bad["npwp"] = json!("123");
    assert_eq!(
        v.put_json(&profile_url, &bad).await.json()["code"],
        "invalid-npwp"
    );
    bad["shoe_size"] = json!(42);
    assert_eq!(
        v.put_json(&profile_url, &bad).await.status,
        StatusCode::BAD_REQUEST
    );
    profile["address"] = json!("Jl. Gajah Mada No. 3, Banyuwangi");
    assert_eq!(
        v.put_json(&profile_url, &profile).await.status,
        StatusCode::NO_CONTENT
    );
    let after = v.get(&profile_url).await.json();
    assert_eq!(after["verified"], false, "{after}");
    let bwi = anon.get("/api/v1/tenders?regency=banyuwangi").await.json();
    let other = bwi["tenders"][0]["package_id"].as_str().expect("id").to_owned();
    let r = v
        .post_json(
            &format!("/api/v1/tenders/{other}/registrations"),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(
        r.json()["code"],
        "vendor-not-verified",
        "a changed profile must be verified again"
    );
    let mut ijen = app.signed_in("vendor.ijen").await;
    let r = ijen.get(&profile_url).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "another company's profile is not yours to read"
    );

    // On pages, a bad line of a list says which line; a weak password is refused in Indonesian.
    let r = v
        .post_form(
            "/vendor/profile",
            &[
                ("npwp", "01.234.567.8-627.000"),
                ("address", "Jl. Ahmad Yani No. 12, Banyuwangi"),
                ("licences", "SBU; 1; 42101\nSBU; 2; 4210"),
                ("experience", ""),
                ("personnel", ""),
                ("equipment", "Excavator; dua; milik"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("equipment:1"), "{}", r.body);
    let mut visitor = app.client();
    let before = app.store.event_count().await.expect("count");
    let r = visitor
        .post_form(
            "/vendors/register",
            &[
                ("company", "CV Coba"),
                ("nib", "9120301299977"),
                ("npwp", "05.678.901.2-627.000"),
                ("address", "Jl. Coba No. 1"),
                ("home_regency", ""),
                ("username", "coba.coba"),
                ("display_name", "Coba"),
                ("email", "coba@example.co.id"),
                ("password", "password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("class=\"errors\""));
    assert!(r.body.contains("value=\"CV Coba\""), "what was typed stays");
    assert_eq!(app.store.event_count().await.expect("count"), before);
}
