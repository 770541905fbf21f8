//! The transparency log, checked from the outside: by our own `lelang verify` and by Go's
//! `golang.org/x/mod/sumdb/tlog` and `sumdb/note` (Debian `golang-go` +
//! `golang-golang-x-mod-dev`, built offline). A flipped bit in any tile, entry bundle or signature
//! is caught by both; so is an event row altered or deleted directly in the database, on SQLite
//! and on PostgreSQL.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use common::TestApp;
use lelang::verify::{self, Report};
use lelang_core::directory::{CreateWorkUnit, create_work_unit};
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_trust::merkle;
use lelang_web::WebConfig;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the Go checker once per test binary; None (after saying so) where Go is missing.
fn go_checker() -> Option<PathBuf> {
    static BIN: OnceLock<Option<PathBuf>> = OnceLock::new();
    BIN.get_or_init(|| {
        let gopath = "/usr/share/gocode";
        if Command::new("go").arg("version").output().is_err()
            || !Path::new(gopath).join("src/golang.org/x/mod/sumdb/tlog").exists()
        {
            lelang_store_tests::skip(
                "Go tlog cross-check",
                "install golang-go and golang-golang-x-mod-dev",
            );
            return None;
        }
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tlogcheck");
        let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/go-cache");
        let status = Command::new("go")
            .args(["build", "-o"])
            .arg(&out)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/tlogcheck.go"))
            .env("GO111MODULE", "off")
            .env("GOPATH", gopath)
            .env("GOCACHE", cache)
            .env("GOFLAGS", "-mod=mod")
            .status()
            .expect("run go build");
        assert!(status.success(), "building the Go checker failed");
        Some(out)
    })
    .clone()
}

/// Runs the Go checker; Ok(stdout) or Err(stderr).
fn go_check(bin: &Path, base: &str, vkey: &str, extra: &[String]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(["-base", base, "-vkey", vkey])
        .args(extra)
        .output()
        .expect("run tlogcheck");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

async fn ours(
    source: &str,
    key: &str,
    state: &Path,
    events: Vec<u64>,
    mirror: Option<PathBuf>,
) -> anyhow::Result<Report> {
    let opts = verify::Options {
        source: source.to_owned(),
        key: Some(key.to_owned()),
        state: state.to_owned(),
        events,
        mirror,
        progress: false,
    };
    tokio::task::spawn_blocking(move || verify::run(&opts))
        .await
        .expect("join")
}

/// Adds `n` events (work units), as a regency administrator would.
async fn grow(app: &TestApp, n: usize, tag: &str) {
    let t = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("tenant");
    let admin = app
        .store
        .credentials("bwi.admin")
        .await
        .expect("q")
        .expect("admin")
        .user;
    let actor = Actor::User(UserActor {
        user_id: admin.id,
        username: admin.username,
        role: Role::TenantAdmin,
        tenant_id: Some(t.id),
        work_unit_id: None,
        vendor_id: None,
    });
    for i in 0..n {
        let (_, c) = create_work_unit(
            &actor,
            t.id,
            CreateWorkUnit {
                code: format!("{tag}{i}"),
                name: format!("UPT Puskesmas {tag} {i}"),
            },
            &common::cx(time::OffsetDateTime::now_utc()),
        )
        .expect("valid");
        app.store.commit(c.lift()).await.expect("commit");
    }
}

async fn sign(app: &TestApp) -> lelang_core::store::StoredCheckpoint {
    app.log
        .checkpoint(app.store.as_ref(), app.clock.as_ref())
        .await
        .expect("checkpoint")
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&entry, &dest).expect("copy");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

fn flip_bit(path: &Path, byte: usize) {
    let mut b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        byte < b.len(),
        "{} has {} bytes, not {}",
        path.display(),
        b.len(),
        byte + 1
    );
    b[byte] ^= 0x01;
    std::fs::write(path, b).expect("write");
}

/// A way to damage a copy of the log.
type Damage<'a> = Box<dyn Fn(&Path) + 'a>;

/// Flips one bit of the checkpoint's Ed25519 signature (inside its base64), keeping the note
/// well-formed so that only the signature check can catch it.
fn flip_signature_bit(path: &Path) {
    let note = std::fs::read_to_string(path).expect("read");
    let (text, sig_line) = note.rsplit_once("\n\u{2014} ").expect("signature line");
    let (name, b64) = sig_line.trim_end().split_once(' ').expect("name and signature");
    let mut blob = B64.decode(b64).expect("base64");
    blob[10] ^= 0x01;
    std::fs::write(path, format!("{text}\n\u{2014} {name} {}\n", B64.encode(blob))).expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_verifier_and_gos_agree_and_catch_every_flipped_bit() {
    let app = TestApp::with_demo().await;
    grow(&app, 260, "P").await; // more than 256 leaves: full tiles, partial tiles, a level-1 tile
    let first = sign(&app).await;
    assert!(first.size > 256);
    // Nothing new, nothing signed: the same checkpoint comes back.
    assert_eq!(sign(&app).await, first);
    let base = app.serve().await;
    let vkey = app.log.verifier_key();
    let work = tempfile::tempdir().expect("tempdir");
    let state = work.path().join("state");
    let mirror = work.path().join("mirror");

    let report = ours(&base, &vkey, &state, vec![3, first.size], Some(mirror.clone()))
        .await
        .expect("verifies");
    assert_eq!(report.size, first.size);
    assert_eq!(report.root, B64.encode(first.root));
    assert!(report.entries[0].1.contains("tenant_created"));
    assert!(
        !report
            .entries
            .iter()
            .any(|(_, e)| e.contains("@banyuwangikab.go.id")),
        "personal data stays out"
    );

    // Go's tlog and note, on the live server and on the copy.
    let go = go_checker();
    if let Some(bin) = &go {
        // The old root is computed here from the events themselves, not asked of the server
        // under test: Go then checks the server's consistency proof against it.
        let leaves: Vec<merkle::Hash> = app
            .store
            .leaves(0, 50)
            .await
            .expect("leaves")
            .iter()
            .map(|(e, salt)| lelang_core::public::leaf_hash(e, salt).expect("leaf"))
            .collect();
        assert_eq!(leaves.len(), 50);
        let old_root = B64.encode(merkle::root_of(&leaves));
        let c = reqwest_json(&format!("{base}/api/v1/log/proof/consistency?old=50")).await;
        assert_eq!(
            c["old_root"],
            old_root.as_str(),
            "the server's old root is the events'"
        );
        let args = vec![
            "-index".into(),
            "200".into(),
            "-old-size".into(),
            "50".into(),
            "-old-root".into(),
            old_root,
        ];
        let out = go_check(bin, &base, &vkey, &args).expect("Go verifies the live log and lelang's proofs");
        assert!(
            out.starts_with(&format!("ok test.lelang.local/log size={}", first.size)),
            "{out}"
        );
        go_check(bin, mirror.to_str().expect("utf8"), &vkey, &[]).expect("Go verifies the offline copy");
    }

    // The log grows; the next run proves it consistent with what was verified before.
    grow(&app, 5, "Q").await;
    let second = sign(&app).await;
    let report = ours(&base, &vkey, &state, vec![], None)
        .await
        .expect("still verifies");
    assert_eq!(
        (report.previous_size, report.size),
        (Some(first.size), second.size)
    );

    // A flipped bit anywhere in the copy is caught by both verifiers.
    // The last, partial tile of each kind: the demo's size decides which (tlog's three-digit names).
    let (full, rest) = (first.size / 256, first.size % 256);
    assert!(rest > 0 && full < 1000, "a partial tile at {}", first.size);
    let entries_last = format!("log/tile/entries/{full:03}.p/{rest}");
    let level0_last = format!("log/tile/0/{full:03}.p/{rest}");
    let level1 = format!("log/tile/1/000.p/{full}");
    let targets: Vec<(&str, Damage<'_>)> = vec![
        (
            "a full level-0 tile",
            Box::new(|p: &Path| flip_bit(&p.join("log/tile/0/000"), 100)),
        ),
        (
            "a partial level-0 tile",
            Box::new(move |p: &Path| flip_bit(&p.join(&level0_last), 5)),
        ),
        (
            "the level-1 tile",
            Box::new(move |p: &Path| flip_bit(&p.join(&level1), 31)),
        ),
        (
            "a full entry bundle",
            Box::new(|p: &Path| flip_bit(&p.join("log/tile/entries/000"), 2000)),
        ),
        (
            "a partial entry bundle",
            Box::new(move |p: &Path| flip_bit(&p.join(&entries_last), 40)),
        ),
        (
            "the checkpoint's signature",
            Box::new(|p: &Path| flip_signature_bit(&p.join("log/checkpoint"))),
        ),
    ];
    // The positive control: an undamaged copy verifies with both, so a refusal below is the
    // damage's doing.
    let intact = work.path().join("intact");
    copy_dir(&mirror, &intact);
    ours(
        intact.to_str().expect("utf8"),
        &vkey,
        &intact.join("state"),
        vec![],
        None,
    )
    .await
    .expect("lelang verify accepts the undamaged copy");
    if let Some(bin) = &go {
        go_check(bin, intact.to_str().expect("utf8"), &vkey, &[]).expect("Go accepts the undamaged copy");
    }
    for (what, damage) in targets {
        let copy = work.path().join(format!("damaged-{}", what.replace(' ', "-")));
        copy_dir(&mirror, &copy);
        damage(&copy);
        let fresh_state = copy.join("state");
        let ours_err = ours(copy.to_str().expect("utf8"), &vkey, &fresh_state, vec![], None).await;
        assert!(ours_err.is_err(), "lelang verify missed a flipped bit in {what}");
        if let Some(bin) = &go {
            assert!(
                go_check(bin, copy.to_str().expect("utf8"), &vkey, &[]).is_err(),
                "Go missed a flipped bit in {what}"
            );
        }
    }

    // A key that is not the log's is refused.
    let other = lelang_trust::note::NoteSigner::generate("test.lelang.local/log")
        .expect("key")
        .verifier_key();
    let err = ours(&base, &other, &work.path().join("s2"), vec![], None)
        .await
        .expect_err("wrong key");
    assert!(err.to_string().contains("signature"), "{err}");
}

async fn reqwest_json(url: &str) -> serde_json::Value {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let body = ureq_get(&url);
        serde_json::from_str(&body).expect("json")
    })
    .await
    .expect("join")
}

fn ureq_get(url: &str) -> String {
    // std only: a tiny HTTP/1.1 GET against the local test server.
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http");
    let (host, path) = rest.split_once('/').expect("path");
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

/// Alters, then deletes, an event row behind lelang's back; `lelang verify` notices each.
async fn tampering_is_detected(
    app: TestApp,
    raw: impl Fn(&'static str) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
) {
    sign(&app).await;
    let base = app.serve().await;
    let vkey = app.log.verifier_key();
    let work = tempfile::tempdir().expect("tempdir");
    let state = work.path().join("state");
    ours(&base, &vkey, &state, vec![], None)
        .await
        .expect("untouched, it verifies");

    raw("UPDATE events SET payload = replace(payload, 'Banyuwangi', 'Banyuwangy') WHERE seq = 3").await;
    let err = ours(&base, &vkey, &state, vec![], None)
        .await
        .expect_err("an altered event must be detected");
    assert!(
        err.to_string().contains("do not produce the signed root"),
        "{err}"
    );
    if let Some(bin) = go_checker() {
        assert!(go_check(&bin, &base, &vkey, &[]).is_err(), "Go notices too");
    }
    raw("UPDATE events SET payload = replace(payload, 'Banyuwangy', 'Banyuwangi') WHERE seq = 3").await;
    ours(&base, &vkey, &state, vec![], None)
        .await
        .expect("restored, it verifies again");

    raw("DELETE FROM event_salts WHERE seq = 7").await;
    raw("DELETE FROM events WHERE seq = 7").await;
    let err = ours(&base, &vkey, &state, vec![], None)
        .await
        .expect_err("a deleted event must be detected");
    assert!(
        err.to_string().contains("entries") || err.to_string().contains("404"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_tampering_is_detected_on_sqlite() {
    let app = TestApp::with_demo().await;
    let path = app.db_url.strip_prefix("sqlite://").expect("sqlite").to_owned();
    let raw = lelang_store_sqlite::SqliteStore::open(Path::new(&path))
        .await
        .expect("open");
    // The triggers refuse it first; an attacker with the file drops them.
    assert!(
        raw.raw_execute("UPDATE events SET payload = '{}' WHERE seq = 3")
            .await
            .is_err()
    );
    for t in ["events_no_update", "events_no_delete", "event_salts_no_delete"] {
        raw.raw_execute(&format!("DROP TRIGGER {t}"))
            .await
            .expect("drop trigger");
    }
    tampering_is_detected(app, move |sql| {
        let raw = raw.clone();
        Box::pin(async move {
            raw.raw_execute(sql).await.expect("tamper");
        })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_tampering_is_detected_on_postgresql() {
    let url =
        match lelang_store_postgres::PgStore::create_test_database(&lelang_store_postgres::test_admin_url())
            .await
        {
            Ok(url) => url,
            Err(e) => return lelang_store_tests::skip("PostgreSQL tampering test", &e.to_string()),
        };
    let app = TestApp::with_demo_at(
        url.clone(),
        tempfile::tempdir().expect("tempdir"),
        WebConfig::default(),
    )
    .await;
    let raw = lelang_store_postgres::PgStore::connect(&url)
        .await
        .expect("connect");
    assert!(
        raw.raw_execute("UPDATE events SET payload = '{}' WHERE seq = 3")
            .await
            .is_err()
    );
    for t in ["events", "event_salts"] {
        raw.raw_execute(&format!("ALTER TABLE {t} DISABLE TRIGGER ALL"))
            .await
            .expect("disable");
    }
    tampering_is_detected(app, move |sql| {
        let raw = raw.clone();
        Box::pin(async move {
            raw.raw_execute(sql).await.expect("tamper");
        })
    })
    .await;
}
