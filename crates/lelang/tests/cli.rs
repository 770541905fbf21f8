//! The real binary, as an IT officer runs it: zero-setup `serve`, graceful shutdown, `migrate`
//! and an idempotent `demo` on SQLite and PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_lelang");

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

/// Starts the binary and waits for the line that says where it listens.
fn start(args: &[&str], cwd: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("LELANG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn lelang");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut printed = String::new();
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.strip_prefix("lelang is running at http://") {
            let addr = rest.split('/').next().expect("addr").to_owned();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return (child, addr);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("lelang did not report its address; it printed:\n{printed}");
}

fn terminate(mut child: Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let ok = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "did not stop within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_with_no_configuration_creates_its_data_folder_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Port 0 only so that parallel tests do not collide; everything else is the default.
    let (child, addr) = start(&["serve", "--listen", "127.0.0.1:0"], dir.path());
    let data = dir.path().join("lelang-data");
    assert!(data.join("lelang.db").is_file(), "SQLite database created");
    assert!(data.join("lelang.db-wal").exists(), "in WAL mode");
    assert!(data.join("documents").is_dir(), "documents folder created");
    // The log's signing key was generated, readable by its owner only.
    let key = data.join("log-signing.key");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key).expect("key file").permissions());
    assert_eq!(mode & 0o777, 0o600, "log key permissions {mode:o}");
    assert!(
        std::fs::read_to_string(&key)
            .expect("key")
            .starts_with("PRIVATE+KEY+")
    );
    let served_key = http_get(&addr, "/log/key");
    assert!(served_key.contains("/lelang+"), "{served_key}");
    assert!(
        http_get(&addr, "/log/checkpoint").contains("\n\n\u{2014} "),
        "a signed checkpoint"
    );
    let health = http_get(&addr, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = http_get(&addr, "/readyz");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let landing = http_get(&addr, "/");
    assert!(landing.contains("Pengadaan yang aman"), "Indonesian landing page");
    let status = terminate(child);
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    // The key names the log: starting under another origin is refused, not silently re-keyed.
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-origin",
            "another.example/log",
        ])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("rotating the log key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn config_file_environment_and_flags_in_that_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("lelang.toml"),
        "data = \"from-file\"\nlisten = \"127.0.0.1:0\"\n",
    )
    .expect("toml");
    let out = Command::new(BIN)
        .args(["migrate"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        dir.path().join("from-file/lelang.db").is_file(),
        "the file's data folder"
    );
    let out = Command::new(BIN)
        .args(["migrate"])
        .env("LELANG_DATA", "from-env")
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(
        dir.path().join("from-env/lelang.db").is_file(),
        "the environment beats the file"
    );
    let out = Command::new(BIN)
        .args(["migrate", "--data", "from-flag"])
        .env("LELANG_DATA", "from-env")
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(
        dir.path().join("from-flag/lelang.db").is_file(),
        "the flag beats the environment"
    );
    std::fs::write(dir.path().join("bad.toml"), "colour = \"blue\"\n").expect("toml");
    let out = Command::new(BIN)
        .args(["migrate", "--config", "bad.toml"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success(), "unknown keys are refused");
    let out = Command::new(BIN)
        .args(["migrate", "--database", "mysql://nope"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

fn demo_no_serve(dir: &std::path::Path, database: Option<&str>) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(["demo", "--no-serve", "--data", "data"])
        .current_dir(dir)
        .env("LELANG_LOG", "warn");
    if let Some(db) = database {
        cmd.args(["--database", db]);
    }
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn event_count(url: &str, dir: &std::path::Path) -> i64 {
    let store = lelang::open_store(url, dir).await.expect("store");
    store.event_count().await.expect("count")
}

#[tokio::test]
async fn demo_is_idempotent_and_prints_every_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let printed = demo_no_serve(dir.path(), None);
    for role in [
        "platform_admin",
        "tenant_admin",
        "ulp_head",
        "pokja_member",
        "commitment_officer",
        "budget_holder",
        "vendor",
        "auditor",
        "law_enforcement",
    ] {
        assert!(printed.contains(role), "{role} missing from:\n{printed}");
    }
    assert!(printed.contains(lelang::demo::DEMO_PASSWORD));
    let url = format!("sqlite://{}", dir.path().join("data/lelang.db").display());
    let first = event_count(&url, dir.path()).await;
    assert!(first > 50, "the demo is substantial: {first} events");
    demo_no_serve(dir.path(), None);
    assert_eq!(
        event_count(&url, dir.path()).await,
        first,
        "loading twice adds nothing"
    );
}

#[tokio::test]
async fn migrate_and_demo_on_postgresql() {
    let admin = lelang_store_postgres::test_admin_url();
    let url = match lelang_store_postgres::PgStore::create_test_database(&admin).await {
        Ok(url) => url,
        Err(e) => return lelang_store_tests::skip("PostgreSQL CLI test", &e.to_string()),
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args(["migrate", "--database", &url])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    demo_no_serve(dir.path(), Some(&url));
    let first = event_count(&url, dir.path()).await;
    demo_no_serve(dir.path(), Some(&url));
    assert_eq!(event_count(&url, dir.path()).await, first);
    let (child, addr) = start(
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database",
            &url,
            "--data",
            "data",
        ],
        dir.path(),
    );
    let tenants = http_get(&addr, "/api/v1/tenants");
    assert!(tenants.contains("Pemerintah Kabupaten Trenggalek"), "{tenants}");
    assert!(terminate(child).success());
}
