//! Complaints end to end, on both backends: an anonymous citizen files one against a demo tender
//! and follows it with the code (read, reply, evidence) while the regency's auditor asks for more,
//! accepts and closes it; a company's complaint is kept under its name, a duplicate merged, another
//! rejected; everyone else finds nothing; the timer logs a missed first answer once, under an
//! injected clock; and what the anonymous citizen typed as their name and address — and their
//! code — is nowhere in the database or the documents, while their complaint's text is.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use lelang_core::store::EventFilter;
use serde_json::{Value, json};
use std::process::Command;
use time::Duration;

const SLUG: &str = "banyuwangi";
const NAME: &str = "Sulastri Wulandari Kusumawardhani";
const ADDRESS: &str = "Jl. Kenanga Gang Tujuh 17 Rogojampi";
const TEXT: &str = "Seorang anggota panitia meminta imbalan kepada peserta sebelum pembukaan penawaran.";

/// The code shown once on the page that answers the filing.
fn code_on(page: &str) -> String {
    let marker = r#"id="complaint-code" class="big">"#;
    let start = page.find(marker).expect("the code is shown") + marker.len();
    let end = page[start..].find('<').expect("end") + start;
    page[start..end].to_owned()
}

async fn events_of(app: &TestApp, kind: &str) -> Vec<Value> {
    app.store
        .events(EventFilter {
            limit: 100_000,
            ..EventFilter::default()
        })
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == kind)
        .map(|e| serde_json::from_str(&e.payload).expect("json"))
        .collect()
}

/// An anonymous citizen files on the page, giving a name and an address they then choose not to
/// send; returns the complaint's id and code.
async fn file_anonymously(citizen: &mut Client, package: &str) -> (String, String) {
    let form = citizen
        .get(&format!("/t/{SLUG}/complaints/new?package={package}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(package), "the tender is preselected");
    let r = citizen
        .post_form(
            &format!("/t/{SLUG}/complaints/new"),
            &[
                ("category", "bribery"),
                ("subject", "tender"),
                ("package_id", package),
                ("text", TEXT),
                ("anonymous", "on"),
                ("name", NAME),
                ("contact", ADDRESS),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.headers["cache-control"], "no-store");
    assert!(!r.body.contains(NAME) && !r.body.contains(ADDRESS));
    let code = code_on(&r.body);
    let id = citizen
        .post_json("/api/v1/complaints/follow-up", &json!({ "code": code }), None)
        .await
        .json()["id"]
        .clone();
    let list = citizen
        .get(&format!("/api/v1/tenants/{SLUG}/complaints"))
        .await
        .json();
    let line = list
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["id"] == id)
        .expect("its line")
        .clone();
    // A bribery complaint's line does not name the tender: that would warn its subject.
    assert!(line["package_id"].is_null(), "{line}");
    assert_eq!(
        (line["status"].as_str(), line["category"].as_str()),
        (Some("received"), Some("bribery"))
    );
    assert!(line.get("text").is_none(), "the public line has no text");
    assert!(r.body.contains(line["number"].as_str().expect("number")));
    (line["id"].as_str().expect("id").to_owned(), code)
}

async fn an_anonymous_complaint_is_followed_and_triaged(app: TestApp) {
    let tender = app.demo_tender("Sumberwadung").await;
    let package = tender.package_id.0.to_string();
    let mut citizen = app.client();
    let (id, code) = file_anonymously(&mut citizen, &package).await;

    // The code opens it (in the body, never the address); a wrong one opens nothing.
    let seen = citizen
        .post_json(
            "/api/v1/complaints/follow-up",
            &json!({ "code": code.to_lowercase() }),
            None,
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.json()["text"], TEXT);
    assert_eq!(seen.json()["complainant"], "anonymous");
    let wrong = citizen
        .post_json(
            "/api/v1/complaints/follow-up",
            &json!({ "code": "0000-0000-0000-0000-0000-0000" }),
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert!(wrong.content_type().starts_with("application/problem+json"));

    // The auditor reads it in full — nothing of who sent it — and the read is logged.
    let reads_before = events_of(&app, "confidential_data_read").await.len();
    let mut apip = app.signed_in("bwi.apip").await;
    let full = apip.get(&format!("/api/v1/tenants/{SLUG}/complaints/{id}")).await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.body);
    let full = full.json();
    assert_eq!(
        (full["complainant"].as_str(), full["complainant_name"].as_str()),
        (Some("anonymous"), None)
    );
    let reads = events_of(&app, "confidential_data_read").await;
    assert_eq!(reads.len(), reads_before + 1);
    assert_eq!(reads.last().expect("read")["subject"], "complaint");

    // Nobody else finds it: law enforcement, the ULP head, a pokja member, another regency's
    // auditor, a company — and none of them may triage it.
    for who in ["bwi.aph", "bwi.ulp", "bwi.pokja1", "tgl.apip"] {
        let mut c = app.signed_in(who).await;
        let r = c.get(&format!("/api/v1/tenants/{SLUG}/complaints/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} reads it");
        let r = c
            .post_json(
                &format!("/api/v1/tenants/{SLUG}/complaints/{id}/triage"),
                &json!({ "decision": "reject", "note": "Tidak berdasar sama sekali." }),
                None,
            )
            .await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{who} triages: {}",
            r.status
        );
    }

    // Asked for more, the citizen replies by the code on the page and adds a file by the API.
    let triage = |decision: &str, note: &str| json!({ "decision": decision, "note": note });
    let path = format!("/api/v1/tenants/{SLUG}/complaints/{id}/triage");
    let r = apip
        .post_json(
            &path,
            &triage("ask_more", "Mohon sebutkan waktu dan tempat kejadian."),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "awaiting_information");
    let r = apip
        .post_json(&path, &triage("accept", "Diterima untuk ditangani."), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not while it waits: {}",
        r.body
    );
    let page = citizen
        .post_form("/complaints/follow-up", &[("code", &code)])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Mohon sebutkan waktu"),
        "the auditor's question"
    );
    let replied = citizen
        .post_form(
            "/complaints/follow-up/replies",
            &[
                ("code", &code),
                ("text", "Pada 20 November 2026 di kantor ULP lantai dua."),
            ],
        )
        .await;
    assert_eq!(replied.status, StatusCode::OK, "{}", replied.body);
    assert!(replied.body.contains("kantor ULP lantai dua"));
    let photo = b"%PDF-1.4 bukti percakapan";
    let added = citizen
        .post_multipart(
            "/api/v1/complaints/follow-up/evidence",
            &[("code", &code)],
            Some(("tangkapan-layar.pdf", photo)),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["evidence"][0]["filename"], "tangkapan-layar.pdf");
    // The file comes back by the code (posted, never in the address) and to the auditor; to a
    // pokja member it does not exist.
    let back = citizen
        .post_form("/complaints/follow-up/evidence/1", &[("code", &code)])
        .await;
    assert_eq!((back.status, back.body.as_bytes()), (StatusCode::OK, &photo[..]));
    let by_auditor = apip.get(&format!("/t/{SLUG}/complaints/{id}/evidence/1")).await;
    assert_eq!(by_auditor.status, StatusCode::OK);
    let mut member = app.signed_in("bwi.pokja1").await;
    assert_eq!(
        member
            .get(&format!("/t/{SLUG}/complaints/{id}/evidence/1"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // With a wrong code no byte is kept.
    let refused = citizen
        .post_multipart(
            "/api/v1/complaints/follow-up/evidence",
            &[("code", "ZZZZ")],
            Some(("lain.pdf", b"%PDF-1.4 lain")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);

    let r = apip
        .post_json(
            &path,
            &triage("accept", "Diterima untuk ditangani Inspektorat."),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    let r = apip
        .post_json(
            &path,
            &triage("close", "Sudah diperiksa; anggota pokja diganti."),
            None,
        )
        .await;
    assert_eq!(r.json()["status"], "closed");
    let r = citizen
        .post_json(
            "/api/v1/complaints/follow-up/replies",
            &json!({ "code": code, "text": "Terima kasih atas tindak lanjutnya." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "closed: {}", r.body);

    // The log: filed, replied, evidence, three decisions; the filing has no actor.
    let filed = app
        .store
        .events(EventFilter {
            limit: 100_000,
            ..EventFilter::default()
        })
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type.starts_with("complaint_"))
        .map(|e| (e.event_type.clone(), e.actor_id.is_some()))
        .collect::<Vec<_>>();
    assert_eq!(filed.first(), Some(&("complaint_filed".to_owned(), false)));
    assert!(filed.iter().filter(|(t, _)| t == "complaint_triaged").count() >= 3);
    assert!(filed.iter().any(|(t, actor)| t == "complaint_replied" && !actor));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_complaint_is_followed_and_triaged_on_sqlite() {
    an_anonymous_complaint_is_followed_and_triaged(TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_complaint_is_followed_and_triaged_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("complaints on PostgreSQL").await else {
        return;
    };
    an_anonymous_complaint_is_followed_and_triaged(app).await;
}

/// A company's own complaint is kept under its name for the auditor; a duplicate merges into it;
/// a third is rejected; bad input gets a problem.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_complains_by_name_and_the_auditor_merges_and_rejects() {
    let app = TestApp::with_demo().await;
    let tender = app.demo_tender("Sumberwadung").await;
    let vendor = app.store.objections(tender.package_id).await.expect("q")[0].vendor_id;
    let company = app.store.vendor(vendor).await.expect("q").expect("vendor").name;
    let mut v = app.signed_in(&app.user_of(vendor).await).await;
    let filing = |anonymous: bool| {
        json!({ "category": "process", "subject": "tender", "package_id": tender.package_id.0,
                "text": "Jadwal pembuktian kualifikasi dimajukan tanpa pemberitahuan.", "anonymous": anonymous })
    };
    let path = format!("/api/v1/tenants/{SLUG}/complaints");
    let first = v.post_json(&path, &filing(false), None).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let first = first.json();
    assert!(first["follow_up_code"].as_str().is_some_and(|c| c.len() == 29));
    let first_id = first["complaint"]["id"].as_str().expect("id").to_owned();
    // Its company reads it through its account; the auditor sees who filed it.
    let own = v.get(&format!("{path}/{first_id}")).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let mut apip = app.signed_in("bwi.apip").await;
    let page = apip.get(&format!("/t/{SLUG}/complaints/{first_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&company), "the auditor sees the company");
    let second = v.post_json(&path, &filing(false), None).await.json();
    let second_id = second["complaint"]["id"].as_str().expect("id").to_owned();
    assert_ne!(second["complaint"]["number"], first["complaint"]["number"]);
    let merged = apip
        .post_form(
            &format!("/t/{SLUG}/complaints/{second_id}/triage"),
            &[
                ("decision", "merge"),
                ("into", &first_id),
                ("note", "Sama dengan pengaduan sebelumnya."),
            ],
        )
        .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    let line = |all: &Value, id: &str| {
        all.as_array()
            .expect("lines")
            .iter()
            .find(|l| l["id"] == id)
            .cloned()
            .expect("line")
    };
    let all = v.get(&path).await.json();
    assert_eq!(line(&all, &second_id)["status"], "merged");
    let third = v.post_json(&path, &filing(true), None).await.json();
    let third_id = third["complaint"]["id"].as_str().expect("id").to_owned();
    // Its company replies on the complaint's page and adds a file by the API, by its account.
    let replied = v
        .post_form(
            &format!("/t/{SLUG}/complaints/{first_id}/replies"),
            &[("text", "Pengumuman perubahan jadwal tidak kami terima.")],
        )
        .await;
    assert_eq!(replied.status, StatusCode::SEE_OTHER, "{}", replied.body);
    let added = v
        .post_multipart(
            &format!("{path}/{first_id}/evidence"),
            &[],
            Some(("surel.pdf", b"%PDF-1.4 surel")),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let own = v.get(&format!("{path}/{first_id}")).await.json();
    assert_eq!(own["notes"][0]["author"], "complainant");
    assert_eq!(own["evidence"][0]["filename"], "surel.pdf");
    // Signed in but anonymous: its company cannot read it by account, only by code.
    assert_eq!(
        v.get(&format!("{path}/{third_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let rejected = apip
        .post_json(
            &format!("{path}/{third_id}/triage"),
            &json!({ "decision": "reject", "note": "Jadwal diubah dengan adendum yang diumumkan." }),
            None,
        )
        .await;
    assert_eq!(rejected.json()["status"], "rejected");
    // Bad input: a problem, nothing stored.
    let before = app.store.complaints(tender.tenant_id).await.expect("q").len();
    for (body, field) in [
        (
            json!({ "category": "nope", "subject": "general", "text": "Teks yang cukup panjang." }),
            "category",
        ),
        (
            json!({ "category": "other", "subject": "tender", "text": "Teks yang cukup panjang." }),
            "package_id",
        ),
        (
            json!({ "category": "other", "subject": "tender", "package_id": uuid::Uuid::nil(), "text": "Teks yang cukup panjang." }),
            "package_id",
        ),
        (
            json!({ "category": "other", "subject": "general", "text": "x".repeat(10_001) }),
            "text",
        ),
        (
            json!({ "category": "other", "subject": "general", "text": "Teks yang cukup panjang." }),
            "name",
        ),
    ] {
        let mut anon = app.client();
        let r = anon.post_json(&path, &body, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], field, "{}", r.body);
    }
    assert_eq!(
        app.store.complaints(tender.tenant_id).await.expect("q").len(),
        before
    );
}

async fn the_timer_logs_a_missed_first_answer_once(app: TestApp) {
    let mut anon = app.client();
    let r = anon
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/complaints"),
            &json!({ "category": "other", "subject": "general", "anonymous": true,
                     "text": "Layanan informasi ULP tidak menjawab telepon selama sepekan." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let c = r.json()["complaint"].clone();
    let due = time::OffsetDateTime::parse(
        c["answer_due"].as_str().expect("due"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("rfc3339");
    let overdue = || async {
        events_of(&app, "complaint_answer_overdue")
            .await
            .iter()
            .filter(|e| e["complaint_id"] == c["id"])
            .count()
    };
    app.clock.set(due);
    lelang_app::complaint::fire_overdue(&app.app).await.expect("fire");
    assert_eq!(overdue().await, 0, "not before its due instant has passed");
    // A server started afresh over the same database logs it, once, and so does no other.
    let data = tempfile::tempdir().expect("dir");
    let store = lelang::open_store(&app.db_url, data.path())
        .await
        .expect("reopen");
    let restarted = common::use_cases(&store, &app.clock);
    app.clock.set(due + Duration::minutes(1));
    assert_eq!(
        lelang_app::complaint::fire_overdue(&restarted)
            .await
            .expect("fire"),
        1
    );
    assert_eq!(
        lelang_app::complaint::fire_overdue(&app.app).await.expect("fire"),
        0
    );
    assert_eq!(overdue().await, 1);
    let all = anon
        .get(&format!("/api/v1/tenants/{SLUG}/complaints"))
        .await
        .json();
    let line = all
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["id"] == c["id"])
        .cloned()
        .expect("line");
    assert_eq!(line["late"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_logs_a_missed_first_answer_once_on_sqlite() {
    the_timer_logs_a_missed_first_answer_once(TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_logs_a_missed_first_answer_once_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("complaint timer on PostgreSQL").await else {
        return;
    };
    the_timer_logs_a_missed_first_answer_once(app).await;
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The anonymous citizen's name, address and code are in no database file and no document, on
/// SQLite; the complaint's own text is (so the search would have found them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_complainant_is_in_no_file_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_owned();
    let url = format!("sqlite://{}", root.join("lelang.db").display());
    let app = TestApp::with_demo_at(url, dir, lelang_web::WebConfig::default()).await;
    let tender = app.demo_tender("Sumberwadung").await;
    let mut citizen = app.client();
    let (_, code) = file_anonymously(&mut citizen, &tender.package_id.0.to_string()).await;
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut all = Vec::new();
    for f in &files {
        all.extend(std::fs::read(f).unwrap_or_default());
    }
    assert!(
        contains(&all, TEXT.as_bytes()),
        "the search finds the complaint's text"
    );
    for needle in [NAME, ADDRESS, code.as_str(), &code.replace('-', "")] {
        assert!(!contains(&all, needle.as_bytes()), "{needle} is stored");
    }
}

/// The same on PostgreSQL: the whole database as `pg_dump` writes it, and the documents.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_complainant_is_in_no_row_on_postgresql() {
    let Ok(v) = Command::new("pg_dump").arg("--version").output() else {
        return lelang_store_tests::skip(
            "PostgreSQL complainant search",
            "install postgresql-client (pg_dump)",
        );
    };
    assert!(v.status.success());
    let Some(app) = TestApp::with_demo_on_postgres("PostgreSQL complainant search").await else {
        return;
    };
    let tender = app.demo_tender("Sumberwadung").await;
    let mut citizen = app.client();
    let (_, code) = file_anonymously(&mut citizen, &tender.package_id.0.to_string()).await;
    let dump = Command::new("pg_dump")
        .args(["--data-only", "--dbname", &app.db_url])
        .output()
        .expect("pg_dump");
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let mut all = dump.stdout;
    let mut files = Vec::new();
    files_under(&app.documents_dir(), &mut files);
    for f in &files {
        all.extend(std::fs::read(f).unwrap_or_default());
    }
    assert!(
        contains(&all, TEXT.as_bytes()),
        "the search finds the complaint's text"
    );
    for needle in [NAME, ADDRESS, code.as_str(), &code.replace('-', "")] {
        assert!(!contains(&all, needle.as_bytes()), "{needle} is stored");
    }
}
