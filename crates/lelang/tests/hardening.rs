//! Regression tests for what an attacker and a careless user found (issue 20): each test here
//! failed on the code before its fix. Bad input gets a clear 4xx and nothing already stored
//! changes; no request can grow the server's state without bound.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use lelang::demo::DEMO_PASSWORD;
use serde_json::json;

/// Finding 4: a made-up method must not become a label of its own on `/metrics`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_do_not_grow_the_metrics() {
    let app = TestApp::with_demo().await;
    let mut c = app.client();
    let before = c.get("/metrics").await.body.len();
    for i in 0..200 {
        let req = Request::builder()
            .method(format!("BREW{i}").as_str())
            .uri("/healthz")
            .body(Body::empty())
            .expect("request");
        let r = c.send(req).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    }
    let m = c.get("/metrics").await.body;
    assert!(!m.contains("BREW"), "a made-up method is a label: {m}");
    assert!(
        m.contains(r#"method="other",route="/healthz",status="405"} 200"#),
        "made-up methods are counted together: {m}"
    );
    assert!(
        m.len() < before + 4096,
        "the metrics grew by {} bytes",
        m.len() - before
    );
}

/// Finding 6 and 7: `next` may only name a local path, and nothing in it reaches a header raw.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_cannot_leave_the_site_or_break_the_answer() {
    let app = TestApp::with_demo().await;
    let hostile = [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/home\r\nSet-Cookie: x=1",
        "/home\u{7f}",
        "/ /evil.example",
        "/\u{3000}/evil.example",
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ];
    for next in hostile {
        // Sign-in: the session is started and the answer goes home.
        let mut c = app.client();
        c.get("/login").await;
        let r = c
            .post_form(
                "/login",
                &[
                    ("username", "bwi.ulp"),
                    ("password", DEMO_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "next={next:?}: {}", r.body);
        assert_eq!(r.location(), "/home", "next={next:?}");
        assert!(
            c.cookies.contains_key("lelang_session"),
            "next={next:?}: the session's cookie was lost"
        );
        assert_eq!(c.get("/home").await.status, StatusCode::OK, "next={next:?}");
        // The language switch.
        let mut anon = app.client();
        let r = anon.post_form("/lang", &[("lang", "en"), ("next", next)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "lang next={next:?}: {}", r.body);
        assert_eq!(r.location(), "/", "lang next={next:?}");
        // The sign-in page carries only a safe `next` in its form.
        let page = anon.get(&format!("/login?next={}", urlencoding(next))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains(r#"name="next" value="/home""#),
            "next={next:?}"
        );
    }
    // The finding as it was sent: a tab, percent-encoded in the sign-in page's address.
    let mut anon = app.client();
    let page = anon.get("/login?next=/%09/evil.example/").await;
    assert!(page.body.contains(r#"name="next" value="/home""#));
    // A real local path still works, query included.
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post_form(
            "/login",
            &[
                ("username", "bwi.ulp"),
                ("password", DEMO_PASSWORD),
                ("next", "/tenders?q=jembatan&page=2"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/tenders?q=jembatan&page=2");
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Finding 7: dates at the end of the calendar are refused as input, not a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_future_dates_are_refused_not_a_server_error() {
    let app = TestApp::with_demo().await;
    let tgl = app
        .store
        .tenant_by_slug("trenggalek")
        .await
        .expect("q")
        .expect("t");
    let prigi = app
        .store
        .packages(tgl.id)
        .await
        .expect("q")
        .into_iter()
        .find(|p| p.name.contains("Prigi"))
        .expect("demo package with a pokja, not set up");
    let member = app.pokja_member(prigi.id).await;
    let mut m = app.signed_in(&member).await;
    let before = app.store.event_count().await.expect("count");
    let setup = format!("/api/v1/tenants/trenggalek/packages/{}/tender", prigi.id);
    for day in ["9999-12-29", "9999-12-31", "9000-01-01", "2040-01-01"] {
        let r = m
            .post_json(
                &setup,
                &json!({"method": "tender", "evaluation": "sistem_gugur", "first_day": day}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], "first_day", "{day}");
    }
    let bwi = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    let irigasi = app.demo_tender("Irigasi").await;
    let member = app.pokja_member(irigasi.package_id).await;
    let mut m = app.signed_in(&member).await;
    let change = format!(
        "/api/v1/tenants/banyuwangi/packages/{}/tender/schedule-change",
        irigasi.package_id
    );
    for day in ["9999-12-30", "9999-12-31", "2040-06-01"] {
        let r = m
            .post_json(
                &change,
                &json!({"stage": "submission", "new_last_day": day, "reason": "Uji tanggal yang sangat jauh di depan"}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], "new_last_day", "{day}");
    }
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "nothing logged"
    );
    let _ = bwi;
}

/// Finding 8: a file name that reads differently from what it is (a right-to-left override, a
/// zero-width character) is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misleading_file_names_are_refused() {
    let app = TestApp::with_demo().await;
    let tenant = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    let package = app
        .store
        .packages(tenant.id)
        .await
        .expect("q")
        .into_iter()
        .find(|p| p.name == "Pembangunan Jembatan Desa Kedungasri")
        .expect("demo package, set up but not announced");
    let member = app.pokja_member(package.id).await;
    let mut m = app.signed_in(&member).await;
    let url = format!("/api/v1/tenants/banyuwangi/packages/{}/documents", package.id);
    let before = app.store.event_count().await.expect("count");
    let pdf = b"%PDF-1.4 spesifikasi".to_vec();
    for name in [
        "spesifikasi\u{202E}fdp.exe.pdf",
        "spek\u{200B}.pdf",
        "\u{2066}spek.pdf",
        "spek\u{FEFF}.pdf",
        "spek\u{061C}.pdf",
        "spek\u{E0041}.pdf",
    ] {
        let r = m
            .post_multipart(&url, &[("title", "Spesifikasi")], Some((name, &pdf)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}: {}", r.body);
        assert_eq!(r.json()["code"], "invalid-filename", "{name:?}");
    }
    for title in ["Spesifikasi\u{202E}exe", "Spek\u{200D}"] {
        let r = m
            .post_multipart(&url, &[("title", title)], Some(("spek.pdf", &pdf)))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{title:?}: {}",
            r.body
        );
    }
    assert_eq!(app.store.event_count().await.expect("count"), before);
    // Indonesian and other scripts are fine.
    let r = m
        .post_multipart(
            &url,
            &[("title", "Spesifikasi Teknis — Jembatan")],
            Some(("Spesifikasi Jembatan (revisi) 2026.pdf", &pdf)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}
