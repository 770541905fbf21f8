//! Officials sign in in two steps: a code from an authenticator app (RFC 6238) after the password,
//! enrolment at the first sign-in, single-use codes and recovery codes, a device trusted for 30
//! days, an administrator's reset, and each regency's policy. Adversaries: a stranger with the
//! password (refused without the code, throttled), a replayed code, a forged or borrowed
//! second-step cookie, a stolen trusted-device cookie of another user.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use lelang::demo::{DEMO_PASSWORD, DEMO_SECOND_FACTOR};
use serde_json::json;

/// The password step, as a browser posts it.
async fn password(c: &mut Client, username: &str, pw: &str) -> common::Resp {
    c.get("/login").await;
    c.post_form(
        "/login",
        &[("username", username), ("password", pw), ("next", "/home")],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_official_needs_the_code_once_per_step_or_a_recovery_code() {
    let app = TestApp::with_people().await;
    let codes = &app.second_factors;
    let mut c = app.client();
    let r = password(&mut c, "bwi.pokja2", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/login/second-factor");
    assert!(
        !c.cookies.contains_key("lelang_session"),
        "no session after the password"
    );
    let page = c.get("/login/second-factor").await;
    assert!(page.body.contains(r#"autocomplete="one-time-code""#));
    assert!(!page.body.contains("data-secret"), "the key is never shown again");
    // A wrong code: the page again, no session.
    let r = c.post_form("/login/second-factor", &[("code", "000000")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Kode salah"), "{}", r.body);
    assert!(!c.cookies.contains_key("lelang_session"));
    // The right code signs in.
    let code = codes.code(DEMO_SECOND_FACTOR);
    let r = c.post_form("/login/second-factor", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/home");
    assert!(c.cookies.contains_key("lelang_session"));
    assert!(
        !c.cookies.contains_key("lelang_2fa_device"),
        "not trusted unless asked"
    );
    // The same code again, in another browser: refused (a code is good once).
    let mut other = app.client();
    password(&mut other, "bwi.pokja2", DEMO_PASSWORD).await;
    let r = other.post_form("/login/second-factor", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a replayed code");
    // The next step's code works, once the clock gets there.
    app.clock.advance(time::Duration::seconds(30));
    let mut other = app.client();
    password(&mut other, "bwi.pokja2", DEMO_PASSWORD).await;
    let next_code = codes.code(DEMO_SECOND_FACTOR);
    let r = other
        .post_form(
            "/login/second-factor",
            &[("code", &next_code), ("remember", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let trusted = other.cookies.get("lelang_2fa_device").cloned().expect("trusted");
    // A recovery code (the demo's first) signs in once.
    let demo_codes = {
        let mut bytes = [0u8; lelang_core::second_factor::RECOVERY_CODES * 8];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(97).wrapping_add(13);
        }
        lelang_core::second_factor::recovery_codes(&bytes)
    };
    let mut phone_lost = app.client();
    password(&mut phone_lost, "bwi.pokja2", DEMO_PASSWORD).await;
    let r = phone_lost
        .post_form(
            "/login/second-factor",
            &[("recovery", &demo_codes[0].to_uppercase())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let me = phone_lost.get("/api/v1/me").await.json();
    assert_eq!(me["second_factor"]["recovery_codes_left"], 9, "{me}");
    let mut again = app.client();
    password(&mut again, "bwi.pokja2", DEMO_PASSWORD).await;
    let r = again
        .post_form("/login/second-factor", &[("recovery", &demo_codes[0])])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a spent recovery code");
    // The trusted device skips the step; in another user's browser it is worth nothing.
    let mut device = app.client();
    device.cookies.insert("lelang_2fa_device".into(), trusted.clone());
    let r = password(&mut device, "bwi.pokja2", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/home", "a trusted device");
    let mut borrowed = app.client();
    borrowed
        .cookies
        .insert("lelang_2fa_device".into(), trusted.clone());
    let r = password(&mut borrowed, "bwi.pokja3", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/login/second-factor", "not for another user");
    // After an administrator's reset, the device is forgotten and the user enrols anew.
    let mut admin = app.signed_in("bwi.admin").await;
    let pokja2 = app
        .store
        .credentials("bwi.pokja2")
        .await
        .expect("q")
        .expect("u")
        .user;
    let r = admin
        .post_json(
            &format!("/api/v1/users/{}/second-factor/reset", pokja2.id),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let mut device = app.client();
    device.cookies.insert("lelang_2fa_device".into(), trusted);
    let r = password(&mut device, "bwi.pokja2", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/login/second-factor");
    let page = device.get("/login/second-factor").await;
    assert!(
        page.body.contains("data-secret"),
        "enrolment again, with a new key"
    );
    assert!(!page.body.contains(&DEMO_SECOND_FACTOR[..8]));
    // The log says what happened, and nothing secret.
    let events = app
        .store
        .events(lelang_core::store::EventFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert!(kinds.contains(&"recovery_code_used") && kinds.contains(&"second_factor_reset"));
    assert!(events.iter().all(|e| !e.payload.contains(DEMO_SECOND_FACTOR)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_official_enrols_at_the_first_sign_in() {
    let app = TestApp::with_people().await;
    let mut admin = app.signed_in("bwi.admin").await;
    let r = admin
        .post_json(
            "/api/v1/tenants/banyuwangi/users",
            &json!({"username": "bwi.pokja9", "display_name": "Ratna Pokja Baru", "role": "pokja_member",
                "password": "layang layang di pantai cacalan"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut c = app.client();
    let r = password(&mut c, "bwi.pokja9", "layang layang di pantai cacalan").await;
    assert_eq!(r.location(), "/login/second-factor");
    let page = c.get("/login/second-factor").await;
    assert!(page.body.contains("<svg"), "a QR code drawn on the server");
    let key: String = page
        .body
        .split("data-secret=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the key")
        .replace(' ', "");
    assert_eq!(key.len(), 32);
    // Reloading shows the same key (it travels in the signed cookie until confirmed).
    let again = c.get("/login/second-factor").await;
    assert!(again.body.contains(&key[..4]));
    let r = c.post_form("/login/second-factor", &[("code", "123456")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let code = app.second_factors.code(&key);
    let r = c.post_form("/login/second-factor", &[("code", &code)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let shown: Vec<&str> = r
        .body
        .split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .collect();
    assert_eq!(shown.len(), 10, "ten recovery codes, shown once");
    assert!(c.cookies.contains_key("lelang_session"));
    let me = c.get("/api/v1/me").await.json();
    assert_eq!(me["second_factor"]["enrolled"], true);
    assert_eq!(me["second_factor"]["recovery_codes_left"], 10);
    // A code of that step cannot be used again; the next sign-in asks for a fresh one.
    app.clock.advance(time::Duration::seconds(30));
    let mut next = app.client();
    password(&mut next, "bwi.pokja9", "layang layang di pantai cacalan").await;
    let page = next.get("/login/second-factor").await;
    assert!(!page.body.contains("data-secret"));
    let r = next
        .post_form(
            "/login/second-factor",
            &[("code", &app.second_factors.code(&key))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_regency_chooses_and_others_may_enrol() {
    let app = TestApp::with_people().await;
    // Trenggalek chose not to require it (the demo): its pokja signs in with the password.
    let mut c = app.client();
    let r = password(&mut c, "tgl.pokja1", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/home");
    // Its administrator requires it: the next sign-in enrols.
    let mut admin = app.signed_in("tgl.admin").await;
    let r = admin
        .post_json(
            "/api/v1/tenants/trenggalek/second-factor",
            &json!({"required": true}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "a PUT, not a POST");
    let r = admin
        .request(
            "PUT",
            "/api/v1/tenants/trenggalek/second-factor",
            &[("content-type", "application/json")],
            br#"{"required": true}"#.to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let mut c = app.client();
    let r = password(&mut c, "tgl.pokja1", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/login/second-factor");
    // Another regency's administrator may not change it.
    let mut bwi = app.signed_in("bwi.admin").await;
    let r = bwi
        .request(
            "PUT",
            "/api/v1/tenants/trenggalek/second-factor",
            &[("content-type", "application/json")],
            br#"{"required": false}"#.to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A vendor is not asked, but may set one up; then it is asked.
    let mut v = app.signed_in("vendor.blambangan").await;
    let page = v.get("/account/second-factor").await;
    let key: String = page
        .body
        .split("data-secret=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("key")
        .replace(' ', "");
    let r = v
        .post_form(
            "/account/second-factor",
            &[("code", &app.second_factors.code(&key))],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"recovery-codes\""));
    let account = v.get("/account").await;
    assert!(
        account.body.contains("id=\"second-factor-status\""),
        "{}",
        account.body
    );
    let mut again = app.client();
    let r = password(&mut again, "vendor.blambangan", DEMO_PASSWORD).await;
    assert_eq!(r.location(), "/login/second-factor");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_step_is_throttled_and_its_cookie_cannot_be_forged() {
    let app = TestApp::with_people().await;
    let mut c = app.client();
    password(&mut c, "bwi.apip", DEMO_PASSWORD).await;
    for _ in 0..5 {
        let r = c.post_form("/login/second-factor", &[("code", "111111")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let code = app.second_factors.code(DEMO_SECOND_FACTOR);
    let r = c.post_form("/login/second-factor", &[("code", &code)]).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "guessing stops after five"
    );
    assert!(r.headers.contains_key("retry-after"));
    // A second-step cookie edited to name another user is refused: back to the sign-in.
    let mut forger = app.client();
    password(&mut forger, "bwi.ppk.dpu", DEMO_PASSWORD).await;
    let mut c = app.client();
    password(&mut c, "bwi.aph", DEMO_PASSWORD).await;
    let pending = c.cookies.get("lelang_2fa").cloned().expect("pending");
    let (data, tag) = pending.split_once('.').expect("two parts");
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut p: serde_json::Value = serde_json::from_slice(&b64.decode(data).expect("b64")).expect("json");
    let ulp = app
        .store
        .credentials("bwi.ulp")
        .await
        .expect("q")
        .expect("u")
        .user;
    p["user"] = json!(ulp.id);
    let forged = format!("{}.{tag}", b64.encode(serde_json::to_vec(&p).expect("json")));
    c.cookies.insert("lelang_2fa".into(), forged);
    let r = c.get("/login/second-factor").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"), "{}", r.location());
    // An expired one too.
    let mut late = app.client();
    password(&mut late, "bwi.aph", DEMO_PASSWORD).await;
    app.clock.advance(time::Duration::minutes(11));
    let r = late
        .post_form(
            "/login/second-factor",
            &[("code", &app.second_factors.code(DEMO_SECOND_FACTOR))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!late.cookies.contains_key("lelang_session"));
}
