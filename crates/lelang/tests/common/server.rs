//! The real `lelang` binary as a server, for tests of what only a whole process shows: a crash,
//! its memory, its answers to a foreign client.

use super::TestApp;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_lelang");

/// The database URL of a data folder (its SQLite file unless `database` names another).
pub fn database_url(data: &Path, database: Option<&str>) -> String {
    database.map_or_else(
        || format!("sqlite://{}", data.join("lelang.db").display()),
        str::to_owned,
    )
}

/// Starts `lelang serve` over `data` (and `database`) on a free port with `args` added; returns
/// the process and its base URL once it says it is running.
pub fn start(data: &Path, database: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--data"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env("LELANG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(db) = database {
        cmd.args(["--database", db]);
    }
    let mut child = cmd.spawn().expect("spawn lelang");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(rest) = line.strip_prefix("lelang is running at http://") {
            let addr = rest.split('/').next().expect("addr").to_owned();
            std::thread::spawn(move || for _ in lines {});
            return (child, format!("http://{addr}"));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("lelang did not start");
}

/// Loads the demo into `data` with the real binary (`lelang demo --no-serve`).
pub fn load_demo(data: &Path, database: Option<&str>) {
    let out = Command::new(BIN)
        .args(["demo", "--no-serve", "--data"])
        .arg(data)
        .args(database.map_or(vec![], |d| vec!["--database", d]))
        .env("LELANG_LOG", "warn")
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// API tokens for demo users, made as each would make one: signed in through the pages of an
/// app over the same database.
pub async fn tokens(app: &TestApp, users: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for who in users {
        let mut c = app.signed_in(who).await;
        let r = c
            .post_json("/api/v1/tokens", &json!({"name": "uji otomatis"}), None)
            .await;
        assert_eq!(r.status, axum::http::StatusCode::CREATED, "{who}: {}", r.body);
        out.push(r.json()["secret"].as_str().expect("token").to_owned());
    }
    out
}

/// The peak resident memory of a process, in KiB (0 if it cannot be read).
pub fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
