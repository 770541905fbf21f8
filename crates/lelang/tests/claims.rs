//! What the README promises and no other test held it to: the content security policy,
//! `lelang create-admin`, 503 with `Retry-After` when the commit queue is full, the newest 14 daily
//! dumps kept, `Link: rel="next"` on the feeds and `--log-format json`. (Four uploads in flight per
//! company: `submission::tests` in lelang-web.)

mod common;

use axum::http::StatusCode;
use common::{TestApp, server};
use lelang_core::Clock;
use lelang_web::WebConfig;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::process::{Command, Stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_the_api_carry_a_strict_content_security_policy() {
    let app = TestApp::with_demo().await;
    let mut c = app.client();
    let strict = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
    for path in [
        "/",
        "/tenders",
        "/login",
        "/api/v1/tenders",
        "/no-such-page",
        "/log",
    ] {
        let r = c.get(path).await;
        let h = |name: &str| {
            r.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(h("content-security-policy"), strict, "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
    // The one exception: Swagger UI styles itself inline, and still runs only its own scripts.
    let r = c.get("/api/v1/docs/").await;
    assert_eq!(
        r.headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
        )
    );
    // No page carries an inline script the policy would have to allow.
    let home = c.get("/").await.body;
    assert!(
        !home.contains("<script>") && !home.contains("onclick="),
        "inline script"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_admin_makes_the_first_administrator() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let run = |username: &str, password: &str| {
        Command::new(server::BIN)
            .args([
                "create-admin",
                "--username",
                username,
                "--name",
                "Admin Pertama",
                "--data",
            ])
            .arg(&data)
            .env("LELANG_ADMIN_PASSWORD", password)
            .env("LELANG_LOG", "warn")
            .output()
            .expect("run")
    };
    let weak = run("pertama", "password1");
    assert!(!weak.status.success(), "a weak password is refused");
    let ok = run("pertama", "pulau merah di ujung pesanggaran");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let again = run("pertama", "pulau merah di ujung pesanggaran");
    assert!(!again.status.success(), "the name is taken now");
    // Through stdin, when the environment does not hold it.
    let mut child = Command::new(server::BIN)
        .args(["create-admin", "--username", "kedua", "--data"])
        .arg(&data)
        .env_remove("LELANG_ADMIN_PASSWORD")
        .env("LELANG_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "kawah ijen biru di malam hari").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let app = TestApp::over(&server::database_url(&data, None), &data).await;
    for (who, password) in [
        ("pertama", "pulau merah di ujung pesanggaran"),
        ("kedua", "kawah ijen biru di malam hari"),
    ] {
        let mut c = app.client();
        let r = c.login(who, password).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{who}: {}", r.body);
        let me = c.get("/api/v1/me").await.json();
        assert_eq!(me["role"], "platform_admin", "{me}");
    }
}

/// Commits a bid of `body` for the demo tender as `c`.
async fn commit(c: &mut common::Client, tender: &str, body: &[u8]) -> common::Resp {
    let sha: String = Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect();
    c.post_json(
        &format!("/api/v1/tenders/{tender}/bids"),
        &json!({"sha256": sha, "size": body.len()}),
        None,
    )
    .await
}

/// While the database is held by another writer, commitments wait in the commit queue; one more
/// than it holds is told at once to come back (503 with `Retry-After`), and the waiting ones are
/// made durable once the database is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_commit_queue_answers_503_with_retry_after() {
    use sqlx::Connection;
    let app = TestApp::with_demo_config(WebConfig {
        commit_queue: 1,
        ..WebConfig::default()
    })
    .await;
    let tender = app.demo_tender("Singolatren").await.package_id.0.to_string();
    let mut v = app.signed_in("vendor.blambangan").await;
    let mut w = app.signed_in("vendor.ijen").await;
    // Another writer holds the database.
    let mut other = sqlx::SqliteConnection::connect(&app.db_url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    let first = tokio::spawn({
        let (mut v, tender) = (v.clone(), tender.clone());
        async move { commit(&mut v, &tender, b"penawaran pertama").await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let second = tokio::spawn({
        let (mut w, tender) = (w.clone(), tender.clone());
        async move { commit(&mut w, &tender, b"penawaran kedua").await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let r = commit(&mut v, &tender, b"penawaran ketiga").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(r.json()["code"], "overloaded");
    assert_eq!(
        r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.expect("unlock");
    for t in [first, second] {
        let r = t.await.expect("join");
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // And the queue takes commitments again.
    let r = commit(&mut w, &tender, b"penawaran keempat").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_14_daily_dumps_are_kept() {
    let app = TestApp::with_demo().await;
    let docs = tempfile::tempdir().expect("docs");
    let config = WebConfig {
        documents_dir: docs.path().to_owned(),
        ..WebConfig::default()
    };
    let state = lelang_web::AppState::new(app.app.clone(), config, app.log.clone())
        .await
        .expect("state");
    let first = app.clock.now().date();
    for _ in 0..17 {
        let name = lelang_web::ocds::write_daily_dump(&state)
            .await
            .expect("dump")
            .expect("a new day's dump");
        assert_eq!(name, format!("releases-{}.jsonl.gz", app.clock.now().date()));
        app.clock.advance(time::Duration::days(1));
    }
    let kept: Vec<String> = lelang_web::ocds::dumps(&lelang_web::ocds::dumps_dir(&state))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(kept.len(), 14, "{kept:?}");
    let newest = first + time::Duration::days(16);
    let oldest_kept = first + time::Duration::days(3);
    assert_eq!(kept[0], format!("releases-{newest}.jsonl.gz"));
    assert_eq!(kept[13], format!("releases-{oldest_kept}.jsonl.gz"));
    assert!(
        !docs
            .path()
            .join(format!("open-data/releases-{first}.jsonl.gz"))
            .exists()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feeds_link_their_next_page() {
    let app = TestApp::with_demo().await;
    let mut c = app.client();
    for (feed, list) in [("releases", "releases"), ("records", "records")] {
        let r = c.get(&format!("/api/v1/ocds/{feed}?limit=2")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let next = r.json()["links"]["next"].as_str().expect("links.next").to_owned();
        let link = r
            .headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .expect("a Link header")
            .to_owned();
        assert_eq!(link, format!("<{next}>; rel=\"next\""), "{feed}");
        assert_eq!(r.json()[list].as_array().map(Vec::len), Some(2));
        // Following it gives the next page, which differs from this one.
        let path = next
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
        let following = c.get(path.expect("a path")).await;
        assert_eq!(following.status, StatusCode::OK);
        assert_ne!(following.json()[list], r.json()[list]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_format_json_writes_one_json_object_a_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let mut child = Command::new(server::BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data",
        ])
        .arg(&data)
        .env("LELANG_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let base = {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut base = None;
        for line in lines.by_ref().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("lelang is running at http://") {
                base = Some(format!("http://{}", rest.split('/').next().expect("addr")));
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        base.expect("it started")
    };
    let r = reqwest::get(format!("{base}/tenders")).await.expect("get");
    assert_eq!(r.status(), 200);
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait");
    let logs = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() >= 2, "it logged: {logs}");
    for l in &lines {
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}"));
        assert!(v["level"].is_string() && v["timestamp"].is_string(), "{l}");
    }
    assert!(
        lines.iter().any(|l| l.contains("\"path\":\"/tenders\"")),
        "the request is in the log: {logs}"
    );
}
