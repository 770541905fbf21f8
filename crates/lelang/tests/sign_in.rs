//! Sign-in and what hangs on it: cookies, throttling, timeouts, sign-out, revocation, password
//! change, API tokens — and the event each change leaves in the log.

mod common;

use axum::http::{StatusCode, header};
use common::{Start, TestApp};
use lelang::demo::DEMO_PASSWORD;
use lelang_core::store::EventFilter;
use lelang_web::WebConfig;
use serde_json::json;

async fn event_types(app: &TestApp) -> Vec<String> {
    let events = app
        .store
        .events(EventFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("events");
    events.into_iter().map(|e| e.event_type).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookie_is_locked_down_and_sign_out_ends_it() {
    let app = TestApp::with_people().await;
    let mut c = app.client();
    c.get("/login").await;
    let r = c
        .post_form(
            "/login",
            &[
                ("username", "BWI.ULP"),
                ("password", DEMO_PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    // The ULP head signs in in two steps: no session before the second.
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/login/second-factor");
    assert!(!c.cookies.contains_key("lelang_session"));
    assert_eq!(c.get("/home").await.status, StatusCode::SEE_OTHER);
    let r = c.second_step("bwi.ulp").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/account", "next is honoured for local paths");
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lelang_session="))
        .expect("session cookie")
        .to_owned();
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} missing in {cookie}");
    }
    let stolen = c.cookies.clone();
    let home = c.get("/home").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(
        home.headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert!(home.body.contains(r#"data-role="ulp_head""#));
    c.refresh_csrf().await;
    let r = c.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The old cookie opens nothing any more.
    let mut replay = app.client();
    replay.cookies = stolen;
    let r = replay.get("/home").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_redirects_are_refused() {
    let app = TestApp::with_people().await;
    for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
        let mut c = app.client();
        c.get("/login").await;
        let r = c
            .post_form(
                "/login",
                &[
                    ("username", "bwi.ppk.dpu"),
                    ("password", DEMO_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), "/home", "next={next}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_throttled_with_a_clear_message() {
    let app = TestApp::with_people().await;
    let mut c = app.client();
    for _ in 0..5 {
        let r = c.login("bwi.pokja2", "bukan sandinya").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Nama pengguna atau kata sandi salah"));
    }
    // The sixth try is refused before the password is even checked — the right one too.
    let r = c.login("bwi.pokja2", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body
            .contains("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."),
        "{}",
        r.body
    );
    assert_eq!(
        r.headers.get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()),
        Some("900")
    );
    c.lang = Some("en");
    let r = c.login("bwi.pokja2", DEMO_PASSWORD).await;
    assert!(
        r.body
            .contains("Too many failed sign-in attempts. Try again in 15 minutes.")
    );
    // Other accounts are not locked out by it, and after the window the account opens again.
    assert_eq!(
        app.client().login("bwi.pokja3", DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    app.clock.advance(time::Duration::minutes(16));
    assert_eq!(
        app.client().login("bwi.pokja2", DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // An unknown account answers exactly like a wrong password.
    let r = app.client().login("tidak.ada", "apa saja").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Nama pengguna atau kata sandi salah"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_per_address_are_throttled_too() {
    let config = WebConfig {
        max_failed_logins_per_address: 8,
        ..WebConfig::default()
    };
    let app = TestApp::builder()
        .start(Start::People)
        .config(config)
        .build()
        .await;
    for i in 0..8 {
        let r = app.client().login(&format!("tebak{i}"), "apa saja").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        app.client().login("bwi.pokja4", DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let app = TestApp::with_people().await;
    let mut c = app.signed_in("bwi.apip").await;
    app.clock.advance(time::Duration::minutes(29));
    assert_eq!(
        c.get("/home").await.status,
        StatusCode::OK,
        "activity within the idle limit keeps it alive"
    );
    app.clock.advance(time::Duration::minutes(31));
    assert_eq!(
        c.get("/home").await.status,
        StatusCode::SEE_OTHER,
        "31 idle minutes end it"
    );

    let mut c = app.signed_in("bwi.apip").await;
    // Never idle for long: 25 × 28 min = 11 h 40 min, still within the absolute limit…
    for i in 0..25 {
        app.clock.advance(time::Duration::minutes(28));
        assert_eq!(
            c.get("/home").await.status,
            StatusCode::OK,
            "alive after {} minutes",
            (i + 1) * 28
        );
    }
    app.clock.advance(time::Duration::minutes(19));
    assert_eq!(
        c.get("/home").await.status,
        StatusCode::OK,
        "alive at 11 h 59 min"
    );
    // …and at 12 h 1 min the absolute limit ends it although it was never idle.
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        c.get("/home").await.status,
        StatusCode::SEE_OTHER,
        "ended after 12 h"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_ends_every_session_of_a_user() {
    let app = TestApp::with_people().await;
    let mut laptop = app.signed_in("bwi.ppk.dinkes").await;
    let mut phone = app.signed_in("bwi.ppk.dinkes").await;
    let user = app
        .store
        .credentials("bwi.ppk.dinkes")
        .await
        .expect("q")
        .expect("user")
        .user;
    assert_eq!(app.store.session_count(user.id).await.expect("count"), 2);
    // A token of theirs ends with the sessions: "end everything" means everything.
    laptop.get("/account").await;
    let r = laptop.post_form("/account/tokens", &[("name", "skrip")]).await;
    let start = r.body.find(r#"<code id="new-token">"#).expect("secret") + r#"<code id="new-token">"#.len();
    let secret = r.body[start..].split('<').next().expect("secret").to_owned();
    assert_eq!(
        app.client().get_bearer("/api/v1/me", &secret).await.status,
        StatusCode::OK
    );
    let mut admin = app.signed_in("bwi.admin").await;
    admin.get("/t/banyuwangi/users").await;
    let r = admin
        .post_form(&format!("/t/banyuwangi/users/{}/revoke-sessions", user.id), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.session_count(user.id).await.expect("count"), 0);
    assert_eq!(laptop.get("/home").await.status, StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/home").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client().get_bearer("/api/v1/me", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        event_types(&app).await.last().map(String::as_str),
        Some("sessions_revoked")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_change_follows_the_rules_and_ends_sessions() {
    let app = TestApp::with_people().await;
    let mut c = app.signed_in("bwi.pokja1").await;
    let mut other_device = app.signed_in("bwi.pokja1").await;
    c.get("/account").await;
    let r = c
        .post_form(
            "/account/password",
            &[("current", DEMO_PASSWORD), ("new", "bwi.pokja1x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("tidak boleh berupa nama pengguna"), "{}", r.body);
    let r = c
        .post_form(
            "/account/password",
            &[("current", DEMO_PASSWORD), ("new", "1234567")],
        )
        .await;
    assert!(r.body.contains("minimal 8 karakter"));
    let r = c
        .post_form(
            "/account/password",
            &[("current", "salah"), ("new", "ombak besar di pulau merah")],
        )
        .await;
    assert!(r.body.contains("Kata sandi saat ini salah"));
    let r = c
        .post_form(
            "/account/password",
            &[("current", DEMO_PASSWORD), ("new", "ombak besar di pulau merah")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        other_device.get("/home").await.status,
        StatusCode::SEE_OTHER,
        "every session ended"
    );
    assert_eq!(
        app.client().login("bwi.pokja1", DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .login("bwi.pokja1", "ombak besar di pulau merah")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let types = event_types(&app).await;
    assert!(types.contains(&"password_changed".to_owned()));
    let events = app
        .store
        .events(EventFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("events");
    assert!(
        events.iter().all(|e| !e.payload.contains("argon2")),
        "no hash ever reaches the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_shown_once_scoped_and_revocable() {
    let app = TestApp::with_people().await;
    let mut c = app.signed_in("bwi.apip").await;
    c.get("/account").await;
    let r = c.post_form("/account/tokens", &[("name", "rekap harian")]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let start =
        r.body.find(r#"<code id="new-token">"#).expect("secret shown") + r#"<code id="new-token">"#.len();
    let secret = r.body[start..].split('<').next().expect("secret").to_owned();
    assert!(secret.starts_with("lelang_"));
    // Shown once: the account page never shows it again, nor does the API.
    let page = c.get("/account").await;
    assert!(!page.body.contains(&secret));
    assert!(page.body.contains("rekap harian"));
    let mut machine = app.client();
    let me = machine.get_bearer("/api/v1/me", &secret).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert_eq!(me.json()["role"], "auditor");
    assert_eq!(me.json()["tenant"]["slug"], "banyuwangi");
    assert!(
        me.json()["csrf_token"].is_null(),
        "token clients need no CSRF token"
    );
    let listed = machine.get_bearer("/api/v1/tokens", &secret).await;
    assert!(!listed.body.contains(&secret));
    let token_id = listed.json()[0]["id"].as_str().expect("id").to_owned();
    // A token cannot mint a token (it could outlive its own expiry or revocation that way).
    let minted = machine
        .send(
            axum::http::Request::post("/api/v1/tokens")
                .header(header::AUTHORIZATION, format!("Bearer {secret}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(json!({"name": "anak"}).to_string()))
                .expect("req"),
        )
        .await;
    assert_eq!(minted.status, StatusCode::FORBIDDEN);
    assert_eq!(
        machine
            .get_bearer("/api/v1/events?tenant=banyuwangi", &secret)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        machine
            .get_bearer("/api/v1/events?tenant=trenggalek", &secret)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A token acts as its role, not beyond: an auditor's token cannot create officials.
    let r = machine
        .send(
            axum::http::Request::post("/api/v1/tenants/banyuwangi/work-units")
                .header(header::AUTHORIZATION, format!("Bearer {secret}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    json!({"code": "X", "name": "Unit X"}).to_string(),
                ))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    c.get("/account").await;
    let r = c
        .post_form(&format!("/account/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        machine.get_bearer("/api/v1/me", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    let types = event_types(&app).await;
    // The auditor's token read the event log, personal data included: that read is on the record.
    assert!(types.contains(&"confidential_data_read".to_owned()));
    let changes: Vec<&String> = types.iter().filter(|t| *t != "confidential_data_read").collect();
    assert!(
        changes.ends_with(&[&"api_token_created".to_owned(), &"api_token_revoked".to_owned()]),
        "{types:?}"
    );
    let events = app
        .store
        .events(EventFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("events");
    assert!(
        events.iter().all(|e| !e.payload.contains(&secret[7..])),
        "no secret ever reaches the log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_follows_the_browser_then_the_users_choice() {
    let app = TestApp::with_people().await;
    let mut c = app.client();
    let r = c.get("/").await;
    assert!(r.body.contains(r#"<html lang="id">"#), "Indonesian by default");
    c.lang = Some("en-GB,en;q=0.9");
    assert!(c.get("/").await.body.contains(r#"<html lang="en">"#));
    let r = c
        .post_form("/lang", &[("lang", "id"), ("next", "/t/banyuwangi")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/t/banyuwangi");
    let r = c.get("/t/banyuwangi").await;
    assert!(
        r.body.contains(r#"<html lang="id">"#),
        "the cookie wins over the header"
    );
    assert!(r.body.contains("Dinas Kesehatan"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let app = TestApp::with_people().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.body, "ok");
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    c.get("/t/banyuwangi").await;
    let m = c.get("/metrics").await;
    assert!(
        m.body
            .contains(r#"lelang_http_requests_total{method="GET",route="/t/{slug}",status="200"} 1"#),
        "{}",
        m.body
    );
    assert!(m.body.contains("lelang_http_request_duration_seconds_bucket"));
    let doc = c.get("/api/v1/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let ui = c.get("/api/v1/docs/").await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.body.contains("swagger"), "the vendored Swagger UI is served");
}

/// An empty deployment: an empty log, no regency, and nobody signs in — until its first platform
/// administrator is created (what `lelang create-admin` does), who then can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_deployment_has_no_one_until_its_first_administrator() {
    let app = TestApp::empty().await;
    assert_eq!(app.store.event_count().await.expect("count"), 0);
    assert!(app.store.tenants().await.expect("tenants").is_empty());
    let r = app.client().login("admin", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let hash = lelang_web::auth::hash_password(DEMO_PASSWORD.into())
        .await
        .expect("hash");
    let admin = app
        .app
        .run(|cx| {
            lelang_core::directory::bootstrap_platform_admin("admin", "Administrator Platform", hash, cx)
        })
        .await
        .expect("the first administrator");
    assert_eq!(
        event_types(&app).await,
        ["user_created", "role_granted"],
        "the administrator's creation is the log's first entries"
    );
    let r = app.client().login("admin", DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store.user(admin.id).await.expect("user").map(|u| u.username),
        Some("admin".to_owned())
    );
}
