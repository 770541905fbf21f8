//! The API against its own OpenAPI document, by an outside tool: schemathesis generates requests
//! for every operation — valid ones and broken ones — anonymously and with the API tokens of five
//! roles, against the real server over the demo. No answer may be a server error, and every
//! answer must be what the document says: its status, its media type, its headers and its body's
//! schema, with broken input refused. A bounded run here (`LELANG_SCHEMATHESIS_EXAMPLES`, default
//! 4 per operation and phase); the longer one is in the README.

mod common;

use common::{TestApp, server};
use std::process::Command;

/// The checks run: every one that concerns the server and its document.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,negative_data_rejection";

/// Where schemathesis' `st` is, if it is installed.
fn schemathesis() -> Option<std::path::PathBuf> {
    let out = Command::new("st").arg("--version").output().ok()?;
    out.status.success().then(|| "st".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_as_its_document_says() {
    let Some(st) = schemathesis() else {
        lelang_store_tests::skip(
            "the schemathesis run",
            "`st` is not installed (python3 -m pip install schemathesis)",
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    server::load_demo(&data, None);
    let app = TestApp::over(&server::database_url(&data, None), &data).await;
    let users = [
        "admin",
        "bwi.admin",
        "bwi.pokja1",
        "bwi.ppk.dpu",
        "vendor.blambangan",
    ];
    let tokens = server::tokens(&app, &users).await;
    let (mut child, base) = server::start(&data, None, &[], &[]);
    let examples = std::env::var("LELANG_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "4".into());
    let mut failures = Vec::new();
    let runs = std::iter::once(("anonymous", None)).chain(users.iter().copied().zip(tokens.iter().map(Some)));
    for (who, token) in runs {
        let mut cmd = Command::new(&st);
        cmd.arg("run")
            .arg(format!("{base}/api/v1/openapi.json"))
            .args(["--checks", CHECKS])
            .args(["--max-examples", &examples])
            // One worker: CPython 3.11.7's parser fails under schemathesis' threads ("AST
            // constructor recursion depth mismatch"), and the server has two cores anyway.
            .args(["--workers", "1"])
            .args(["--seed", "20261203"])
            .args(["--request-timeout", "30"])
            .args(["--generation-deterministic"])
            // A token that revokes itself or its owner's sessions ends the run's authentication.
            .args(["--exclude-path-regex", "revoke"])
            .env("NO_COLOR", "1");
        if let Some(t) = token {
            cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
        }
        let out = cmd.output().expect("run st");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let summary: String = text
            .lines()
            .skip_while(|l| !l.contains("SUMMARY"))
            .collect::<Vec<_>>()
            .join("\n");
        eprintln!("schemathesis as {who}:\n{summary}");
        if !out.status.success() {
            failures.push(format!(
                "as {who}:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
