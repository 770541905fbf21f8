//! Bad input gets a clear 4xx — problem+json from the API, a page in the user's language from a
//! form — never a 500, and nothing already stored changes.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_rejects_bad_bodies_with_problems() {
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("admin").await;
    let token = {
        let r = c.post_json("/api/v1/tokens", &json!({"name": "uji"}), None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["secret"].as_str().expect("secret").to_owned()
    };
    let before = app.store.event_count().await.expect("count");
    let post = |path: &str, ctype: Option<&str>, body: Vec<u8>| {
        let mut b = Request::post(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
        if let Some(ct) = ctype {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).expect("request")
    };
    let big = format!(
        r#"{{"slug":"x","name":"{}","time_zone":"WIB"}}"#,
        "a".repeat(70 * 1024)
    );
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        ("malformed JSON", post("/api/v1/tenants", Some("application/json"), b"{\"slug\": ".to_vec()), StatusCode::BAD_REQUEST, "bad-request"),
        (
            "unknown field",
            post("/api/v1/tenants", Some("application/json"), br#"{"slug":"abc","name":"Pemkab","time_zone":"WIB","admin":true}"#.to_vec()),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "wrong type",
            post("/api/v1/tenants", Some("application/json"), br#"{"slug":5,"name":"Pemkab","time_zone":"WIB"}"#.to_vec()),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "invalid UTF-8",
            post("/api/v1/tenants", Some("application/json"), b"{\"slug\":\"ab\xff\xfe\",\"name\":\"P\",\"time_zone\":\"WIB\"}".to_vec()),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        ("oversized body", post("/api/v1/tenants", Some("application/json"), big.into_bytes()), StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large"),
        ("not JSON", post("/api/v1/tenants", Some("text/plain"), b"slug=x".to_vec()), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
        ("no content type", post("/api/v1/tenants", None, b"{}".to_vec()), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type"),
        (
            "rule broken",
            post("/api/v1/tenants", Some("application/json"), br#"{"slug":"Bad Slug","name":"Pemkab","time_zone":"WIB"}"#.to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-slug",
        ),
        (
            "unknown time zone",
            post("/api/v1/tenants", Some("application/json"), br#"{"slug":"abc","name":"Pemkab","time_zone":"GMT"}"#.to_vec()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-time-zone",
        ),
        (
            "duplicate",
            post("/api/v1/tenants", Some("application/json"), br#"{"slug":"banyuwangi","name":"Pemkab Lagi","time_zone":"WIB"}"#.to_vec()),
            StatusCode::CONFLICT,
            "conflict",
        ),
        (
            "weak password",
            post(
                "/api/v1/tenants/banyuwangi/users",
                Some("application/json"),
                br#"{"username":"baru","display_name":"Baru Sekali","role":"auditor","password":"password1"}"#.to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "password-weak",
        ),
        (
            "unknown role",
            post(
                "/api/v1/tenants/banyuwangi/users",
                Some("application/json"),
                br#"{"username":"baru","display_name":"Baru Sekali","role":"root","password":"tiga kata acak sekali"}"#.to_vec(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-role",
        ),
        ("bad id in path", post("/api/v1/users/not-a-uuid/revoke-sessions", Some("application/json"), b"{}".to_vec()), StatusCode::BAD_REQUEST, "bad-request"),
        ("unknown path", post("/api/v1/nothing-here", Some("application/json"), b"{}".to_vec()), StatusCode::NOT_FOUND, "not-found"),
        (
            "wrong method",
            Request::delete("/api/v1/tenants").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("req"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
        ),
        (
            "bad query",
            Request::get("/api/v1/events?tenant=banyuwangi&limit=lots").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "unknown query parameter",
            Request::get("/api/v1/events?tenant=banyuwangi&drop=1").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "limit out of range",
            Request::get("/api/v1/events?tenant=banyuwangi&limit=0").header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "absurd tile index",
            Request::get("/log/tile/0/x999/x999/x999/x999/x999/x999/999").body(Body::empty()).expect("req"),
            StatusCode::NOT_FOUND,
            "not-found",
        ),
        (
            "proof beyond the log",
            Request::get("/api/v1/log/proof/inclusion?index=5&size=999999999999").body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "negative proof index",
            Request::get("/api/v1/log/proof/inclusion?index=-1").body(Body::empty()).expect("req"),
            StatusCode::BAD_REQUEST,
            "bad-request",
        ),
        (
            "forged bearer token",
            Request::get("/api/v1/me").header(header::AUTHORIZATION, "Bearer lelang_forged").body(Body::empty()).expect("req"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            "not a bearer scheme",
            Request::get("/api/v1/me").header(header::AUTHORIZATION, "Basic YWRtaW46YWRtaW4=").body(Body::empty()).expect("req"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ];
    let mut anon = app.client();
    for (what, req, status, code) in cases {
        let r = anon.send(req).await;
        assert_eq!(r.status, status, "{what}: {}", r.body);
        assert_eq!(r.content_type(), "application/problem+json", "{what}");
        let p = r.json();
        assert_eq!(p["status"], status.as_u16(), "{what}");
        assert_eq!(p["code"], code, "{what}: {p}");
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{what}");
        assert!(
            r.headers.contains_key("x-request-id"),
            "{what}: every answer has a request id"
        );
    }
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "bad input changed nothing"
    );
    assert_eq!(app.store.tenants().await.expect("tenants").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_sessions_need_the_csrf_header_on_api_changes() {
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("admin").await;
    let before = app.store.event_count().await.expect("count");
    let body = json!({"slug": "kab-csrf", "name": "Pemkab CSRF", "time_zone": "WIB"});
    for token in [None, Some("forged-token")] {
        c.csrf = token.map(str::to_owned);
        let r = c.post_json("/api/v1/tenants", &body, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["code"], "csrf");
    }
    assert_eq!(app.store.event_count().await.expect("count"), before);
    // With the token from /api/v1/me it goes through.
    let me = c.get("/api/v1/me").await.json();
    c.csrf = me["csrf_token"].as_str().map(str::to_owned);
    let r = c.post_json("/api/v1/tenants", &body, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(app.store.event_count().await.expect("count"), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_reject_missing_or_forged_csrf_in_the_users_language() {
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("bwi.admin").await;
    let before = app.store.event_count().await.expect("count");
    let form = |csrf: Option<&str>| {
        let mut f = vec![("code", "CSRF"), ("name", "Unit Palsu")];
        if let Some(t) = csrf {
            f.push(("csrf", t));
        }
        serde_urlencoded::to_string(&f).expect("form").into_bytes()
    };
    let r = c.post_raw_form("/t/banyuwangi/work-units", form(None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("Formulir kedaluwarsa atau tidak sah"),
        "{}",
        r.body
    );
    c.lang = Some("en");
    let r = c
        .post_raw_form("/t/banyuwangi/work-units", form(Some("Zm9yZ2Vk")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.body.contains("The form has expired or is not valid"),
        "{}",
        r.body
    );
    // A token of another visitor does not work either.
    let mut other = app.client();
    other.refresh_csrf().await;
    let foreign = other.csrf.clone().expect("token");
    let r = c
        .post_raw_form("/t/banyuwangi/work-units", form(Some(&foreign)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A cross-site request is refused whatever it carries.
    let token = c.csrf.clone().expect("token");
    let req = Request::post("/t/banyuwangi/work-units")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(form(Some(&token))))
        .expect("req");
    assert_eq!(c.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.event_count().await.expect("count"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_answer_bad_input_with_form_errors_not_500() {
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("bwi.admin").await;
    let before = app.store.event_count().await.expect("count");
    // A rule broken: the form comes back with the message, in Indonesian.
    let r = c
        .post_form(
            "/t/banyuwangi/work-units",
            &[("code", "bad code!"), ("name", "Unit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Kode 1–20 karakter"), "{}", r.body);
    assert!(r.body.contains(r#"role="alert""#));
    // A duplicate.
    let r = c
        .post_form(
            "/t/banyuwangi/work-units",
            &[("code", "DPU"), ("name", "Dinas Lain")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Data tersebut sudah ada"), "{}", r.body);
    // A weak password, in English.
    c.lang = Some("en");
    let r = c
        .post_form(
            "/t/banyuwangi/users",
            &[
                ("username", "baru.sekali"),
                ("display_name", "Baru Sekali"),
                ("role", "auditor"),
                ("password", "qwertyuiop"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("too common or easy to guess"), "{}", r.body);
    assert!(
        r.body.contains(r#"value="baru.sekali""#),
        "the form keeps what was typed"
    );
    // Missing fields, invalid UTF-8 and an oversized form: an error page, no 500.
    let token = c.csrf.clone().expect("token");
    let r = c
        .post_raw_form("/t/banyuwangi/work-units", format!("csrf={token}").into_bytes())
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut raw = format!("csrf={token}&code=").into_bytes();
    raw.extend_from_slice(b"%FF%FE&name=x");
    let r = c.post_raw_form("/t/banyuwangi/work-units", raw).await;
    // Read as replacement characters, the code breaks its rule: the form again, with the message.
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "bad UTF-8 in a form");
    assert!(r.content_type().starts_with("text/html") && r.body.contains("class=\"errors\""));
    let big = format!("csrf={token}&code=X&name={}", "a".repeat(100 * 1024));
    let r = c
        .post_raw_form("/t/banyuwangi/work-units", big.into_bytes())
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.content_type().starts_with("text/html"));
    // An unknown page, in the user's language.
    let r = c.get("/tidak/ada").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page not found"), "{}", r.body);
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "nothing was stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_plan_file_is_refused_row_by_row_and_nothing_is_imported() {
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("bwi.ppk.dpu").await;
    let me = c.get("/api/v1/me").await.json();
    c.csrf = me["csrf_token"].as_str().map(str::to_owned);
    let before = app.store.event_count().await.expect("count");
    let csv = "nama;kategori;pagu;sumber_dana;tahun_anggaran;metode;mulai;selesai\n\
        Rehabilitasi jaringan irigasi Bendung Karangdoro;pekerjaan konstruksi;3.200.000.000;APBD;2027;tender;2027-02-01;2027-09-30\n\
        Pengecatan kantor;pekerjaan konstruksi;seratus juta;APBD;2027;pengadaan langsung;2027-02-01;2027-03-31\n\
        Pengawasan jembatan;jasa konsultansi;600.000.000;APBD;2027;tender;2027-02-01;2027-09-30\n\
        Talud sungai;pekerjaan konstruksi;750.000.000;APBD;2027;tender;2027-02-30;2027-09-30\n";
    let token = c.csrf.clone().expect("csrf token");
    let send = |ctype: &'static str, body: String| {
        Request::post("/api/v1/tenants/banyuwangi/work-units/DPU/plan-items/import")
            .header(header::CONTENT_TYPE, ctype)
            .header("x-csrf-token", token.as_str())
            .body(Body::from(body))
            .expect("request")
    };
    let req = send("text/csv", csv.to_owned());
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.content_type(), "application/problem+json");
    let p = r.json();
    let errors: Vec<(String, String)> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        vec![
            ("row 3 pagu".to_owned(), "invalid-budget".to_owned()),
            ("row 4 metode".to_owned(), "method-not-for-category".to_owned()),
            ("row 5 mulai".to_owned(), "invalid-date".to_owned()),
        ]
    );
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "not even the good row was stored"
    );
    let t = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    assert!(
        app.store
            .plan_items(t.id, false)
            .await
            .expect("plan")
            .iter()
            .all(|i| !i.name.contains("Karangdoro"))
    );
    let req = send("application/json", "{}".into());
    assert_eq!(c.send(req).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let req = send("text/csv", "nama,pagu\nx,1\n".into());
    let r = c.send(req).await;
    assert_eq!(r.json()["errors"][0]["code"], "import-missing-column");
    // Fixed, the same file goes in whole.
    let fixed = csv
        .replace("seratus juta", "100.000.000")
        .replace(
            "jasa konsultansi;600.000.000;APBD;2027;tender",
            "jasa konsultansi;600.000.000;APBD;2027;seleksi",
        )
        .replace("2027-02-30", "2027-02-28");
    let req = send("text/csv", fixed);
    let r = c.send(req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json().as_array().map(Vec::len), Some(4));
    assert_eq!(app.store.event_count().await.expect("count"), before + 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_workbook_is_imported_like_a_csv() {
    use Cell::{Date, Number, Text};
    use common::xlsx::{Cell, workbook};
    use time::macros::date;
    let app = TestApp::with_demo().await;
    let mut c = app.signed_in("bwi.ppk.dpu").await;
    let token = c.csrf.clone().expect("csrf");
    let header = || {
        [
            "nama",
            "kategori",
            "pagu",
            "sumber_dana",
            "tahun_anggaran",
            "metode",
            "mulai",
            "selesai",
        ]
        .map(Text)
        .into_iter()
        .collect::<Vec<_>>()
    };
    let row = |name, category| {
        vec![
            Text(name),
            Text(category),
            Number(1_250_000_000),
            Text("APBD"),
            Number(2027),
            Text("tender"),
            Date(date!(2027 - 03 - 01)),
            Date(date!(2027 - 10 - 31)),
        ]
    };
    let send = |body: Vec<u8>| {
        Request::post("/api/v1/tenants/banyuwangi/work-units/DPU/plan-items/import")
            .header(header::CONTENT_TYPE, lelang_web::plan::XLSX)
            .header("x-csrf-token", token.as_str())
            .body(Body::from(body))
            .expect("request")
    };
    let before = app.store.event_count().await.expect("count");
    let with_bad_row = workbook(&[
        header(),
        row("Normalisasi Sungai Kalilo", "pekerjaan konstruksi"),
        row("Pengadaan ekskavator", "kendaraan"),
    ]);
    let r = c.send(send(with_bad_row)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "row 3 kategori");
    assert_eq!(r.json()["errors"][0]["code"], "invalid-category");
    let r = c.send(send(b"PK\x03\x04 not really a workbook".to_vec())).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["code"], "import-bad-xlsx");
    // A cell far away (the last cell of a sheet) is refused without sizing a grid to reach it.
    let far = workbook(&[header(), vec![Cell::At("XFD1048576", 1)]]);
    let r = c.send(send(far)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["code"], "import-too-many-rows");
    let wide = workbook(&[header(), vec![Cell::At("ZZ2", 1)]]);
    let r = c.send(send(wide)).await;
    assert_eq!(r.json()["errors"][0]["code"], "import-too-many-columns");
    assert_eq!(
        app.store.event_count().await.expect("count"),
        before,
        "nothing half-imported"
    );
    let good = workbook(&[
        header(),
        row("Normalisasi Sungai Kalilo", "pekerjaan konstruksi"),
        row("Pembangunan Talud Sungai Badeng", "pekerjaan konstruksi"),
    ]);
    let r = c.send(send(good.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let items = r.json();
    assert_eq!(items[0]["budget_ceiling"], 1_250_000_000_i64);
    assert_eq!(
        items[0]["planned_start"], "2027-03-01",
        "a date cell reads as its date"
    );
    // The same workbook through the page's file upload; a broken one gets a form error.
    let r = c
        .post_multipart(
            "/t/banyuwangi/plan/import-file",
            &[],
            Some(("rup-dpu.xlsx", &good)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c
        .post_multipart(
            "/t/banyuwangi/plan/import-file",
            &[],
            Some(("rusak.xlsx", b"PK\x03\x04")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("class=\"errors\""));
    let t = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("t");
    let kalilo = app
        .store
        .plan_items(t.id, false)
        .await
        .expect("plan")
        .iter()
        .filter(|i| i.name == "Normalisasi Sungai Kalilo")
        .count();
    assert_eq!(kalilo, 2, "once from the API, once from the page");
}
