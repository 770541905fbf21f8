//! Sealed bids nobody can open alone, end to end through the HTTP API: bids made by the stock
//! `age` CLI to the recipient the pokja's ceremony published open with any k members' proven
//! partials, a forged partial is rejected and its member named on the log, a cheating dealer is
//! caught and named, and neither the tender's secret nor any member's share is ever stored.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use lelang::demo::sealing::member_identity;
use lelang_core::ids::PackageId;
use lelang_core::sealing::{Ceremony, Opening, member};
use lelang_trust::ceremony::signing_key_hex;
use lelang_trust::seal::{hex32, unhex32};
use lelang_web::WebConfig;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::Command;

const SLUG: &str = "banyuwangi";
const ANNOUNCED: &str = "Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren";

fn age_cli() -> bool {
    if Command::new("age").arg("--version").output().is_ok() {
        return true;
    }
    lelang_store_tests::skip("sealing with the stock age CLI", "install the Debian package age");
    false
}

/// A bid archive: `manifest.json` naming the tender and vendor, and the priced offer.
fn bid_zip(tender: PackageId, vendor: uuid::Uuid, price: i64) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        let offer = format!("Surat penawaran: harga Rp {price}\n");
        z.start_file("penawaran.txt", opts).expect("zip");
        z.write_all(offer.as_bytes()).expect("zip");
        let manifest = json!({
            "tender": tender.0, "vendor": vendor, "price": price,
            "documents": [{"name": "penawaran.txt", "sha256": lelang_trust::seal::hex(&<sha2::Sha256 as sha2::Digest>::digest(offer.as_bytes()))}],
        });
        z.start_file("manifest.json", opts).expect("zip");
        z.write_all(manifest.to_string().as_bytes()).expect("zip");
        z.finish().expect("zip");
    }
    buf.into_inner()
}

/// `age -r RECIPIENT` over the bytes, by the stock CLI.
fn age_encrypt(dir: &Path, recipient: &str, plain: &[u8]) -> Vec<u8> {
    let input = dir.join(format!("bid-{}.zip", uuid::Uuid::new_v4()));
    let output = input.with_extension("age");
    std::fs::write(&input, plain).expect("write");
    let st = Command::new("age")
        .args(["-r", recipient, "-o"])
        .arg(&output)
        .arg(&input)
        .status()
        .expect("age");
    assert!(st.success(), "age -r failed");
    std::fs::read(&output).expect("read")
}

async fn package_named(app: &TestApp, name: &str) -> PackageId {
    let tenant = app.store.tenant_by_slug(SLUG).await.expect("db").expect("tenant");
    app.store
        .packages(tenant.id)
        .await
        .expect("db")
        .into_iter()
        .find(|p| p.name == name)
        .expect("package")
        .id
}

/// The ceremony's members as (username, signed-in client, index).
async fn members(app: &TestApp, c: &Ceremony) -> Vec<(String, Client, u16)> {
    let mut out = Vec::new();
    for (i, m) in c.members.iter().enumerate() {
        let u = app.store.user(m.user_id).await.expect("db").expect("user");
        let client = app.signed_in(&u.username).await;
        out.push((u.username, client, i as u16 + 1));
    }
    out
}

async fn vendor_id(app: &TestApp, username: &str) -> uuid::Uuid {
    let c = app.store.credentials(username).await.expect("db").expect("user");
    c.user.vendor_id.expect("vendor").0
}

async fn event_types(app: &TestApp) -> Vec<(String, Option<uuid::Uuid>, serde_json::Value)> {
    app.store
        .events(lelang_core::store::EventFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .expect("events")
        .into_iter()
        .map(|e| {
            (
                e.event_type,
                e.actor_id.map(|a| a.0),
                serde_json::from_str(&e.payload).unwrap_or_default(),
            )
        })
        .collect()
}

/// Everything from the announced demo tender's bids to its opening minutes, on one backend.
async fn bids_open_with_any_k_partials(app: &TestApp) {
    let dir = tempfile::tempdir().expect("tmp");
    let package = package_named(app, ANNOUNCED).await;
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    let recipient = c.recipient().expect("complete").to_owned();
    assert_eq!((c.threshold, c.members.len()), (2, 3));

    // The public tender names the recipient bids are sealed to.
    let mut public = app.client();
    let t = public.get(&format!("/api/v1/tenders/{}", package.0)).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    assert_eq!(t.json()["bid_recipient"], json!(recipient));

    // Two registered companies seal with the stock age CLI; one also replaces its bid.
    let blambangan = vendor_id(app, "vendor.blambangan").await;
    let ijen = vendor_id(app, "vendor.ijen").await;
    let mut vb = app.signed_in("vendor.blambangan").await;
    let good = age_encrypt(
        dir.path(),
        &recipient,
        &bid_zip(package, blambangan, 1_150_000_000),
    );
    let r = vb
        .post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), good.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let receipt = r.json();
    assert!(receipt["log_index"].as_u64().is_some());
    // Not an age file: refused at once, with a problem body.
    let r = vb
        .post_bytes(
            &format!("/api/v1/tenders/{}/bids", package.0),
            b"PK\x03\x04 plain zip".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.content_type(), "application/problem+json");

    let mut vi = app.signed_in("vendor.ijen").await;
    // First a bid to some other key, then the replacement that counts: its manifest names another
    // tender.
    let stranger = age::x25519::Identity::generate().to_public().to_string();
    let wrong_key = age_encrypt(dir.path(), &stranger, &bid_zip(package, ijen, 1));
    let r = vi
        .post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), wrong_key)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let misnamed = age_encrypt(
        dir.path(),
        &recipient,
        &bid_zip(PackageId(uuid::Uuid::new_v4()), ijen, 1_200_000_000),
    );
    let r = vi
        .post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), misnamed)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Nobody may open before the deadline and the upload grace period.
    let mut ms = members(app, &c).await;
    let open_path = format!("/api/v1/tenants/{SLUG}/packages/{}/opening", package.0);
    let r = ms[0].1.post_json(&open_path, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("opening-too-early"), "{}", r.body);

    let tender = app
        .store
        .public_tender(package)
        .await
        .expect("db")
        .expect("tender");
    let opens = tender.submission_deadline + lelang_core::sealing::UPLOAD_GRACE;
    app.clock.set(opens + time::Duration::minutes(1));
    // Sessions have gone idle meanwhile: everyone signs in again.
    let mut vb = app.signed_in("vendor.blambangan").await;
    let mut ms = members(app, &c).await;
    // A vendor cannot open, nor submit now.
    let r = vb.post_json(&open_path, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = vb
        .post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), good.clone())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let r = ms[0].1.post_json(&open_path, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let o: Opening = serde_json::from_value(r.json()["opening"].clone()).expect("opening");
    assert_eq!(o.bids.len(), 2, "the latest bid of each company");
    assert!(o.bids.iter().all(|b| b.points.len() == 1 && b.problem.is_none()));

    // The third member's partials alone (k − 1) open nothing.
    let (name3, i3) = (ms[2].0.clone(), ms[2].2);
    let p3 =
        member::partials(&c, &o, i3, &member_identity(&name3).expect("id"), opens, opens).expect("partials");
    let r = ms[2]
        .1
        .post_json(&format!("{open_path}/partials"), &json!({ "partials": p3 }), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after: Opening = serde_json::from_value(r.json()["opening"].clone()).expect("opening");
    assert!(after.completed_at.is_none() && after.bids.iter().all(|b| b.outcome.is_none()));
    assert!(lelang_core::sealing::combined_secrets(&c, &after, 0).is_none());

    // The second member forges a proof: rejected, named on the log, nothing stored.
    let name2 = ms[1].0.clone();
    let i2 = ms[1].2;
    let honest =
        member::partials(&c, &o, i2, &member_identity(&name2).expect("id"), opens, opens).expect("partials");
    let mut forged = honest.clone();
    let mut d = unhex32(&forged[1][0].d).expect("hex");
    d[0] ^= 1;
    forged[1][0].d = hex32(&d);
    let r = ms[1]
        .1
        .post_json(
            &format!("{open_path}/partials"),
            &json!({ "partials": forged }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("partial-proof"), "{}", r.body);
    let member2 = c.members[usize::from(i2) - 1].user_id.0;
    assert!(
        event_types(app)
            .await
            .iter()
            .any(|(t, actor, p)| t == "partials_rejected"
                && *actor == Some(member2)
                && p["bid_id"] == json!(o.bids[1].bid_id)),
        "the rejection names the member"
    );

    // With its honest partials, k = 2 are in: every bid is opened, with its exact outcome.
    let r = ms[1]
        .1
        .post_json(
            &format!("{open_path}/partials"),
            &json!({ "partials": honest }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let done: Opening = serde_json::from_value(r.json()["opening"].clone()).expect("opening");
    assert!(done.completed_at.is_some());
    let by_vendor = |v: uuid::Uuid| {
        done.bids
            .iter()
            .find(|b| b.vendor_id.0 == v)
            .and_then(|b| b.outcome.clone())
            .expect("outcome")
    };
    let ob = by_vendor(blambangan);
    assert!(ob.opened, "{ob:?}");
    assert_eq!(
        ob.plaintext_size,
        Some(bid_zip(package, blambangan, 1_150_000_000).len() as u64)
    );
    let oi = by_vendor(ijen);
    assert!(!oi.opened);
    assert_eq!(oi.reason.as_deref(), Some("the manifest names another tender"));
    // The plaintext's hash is on the log; the opening minutes are published.
    let events = event_types(app).await;
    let ours = |p: &serde_json::Value| p["package_id"] == json!(package.0);
    assert_eq!(
        events
            .iter()
            .filter(|(t, _, p)| t == "bid_opened" && ours(p))
            .count(),
        2
    );
    let docs = app.store.documents(package).await.expect("docs");
    let minutes = docs
        .iter()
        .find(|d| d.title == "Berita Acara Pembukaan Penawaran")
        .expect("minutes");
    // The store's layout is its own business; find the file by its name, the hash.
    let text = find_file(&app.documents_dir(), &minutes.sha256).expect("minutes text");
    assert!(
        text.contains("CV Blambangan") || text.contains("Blambangan"),
        "{text}"
    );
    assert!(
        text.contains("tidak dapat dibuka: the manifest names another tender"),
        "{text}"
    );
    assert!(text.contains(&recipient));
    // Only once.
    let r = ms[0].1.post_json(&open_path, &json!({}), None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Any other pair of members opens the same bids to the same plaintext (k of n, any k).
    let p1 = member::partials(
        &c,
        &o,
        ms[0].2,
        &member_identity(&ms[0].0).expect("id"),
        opens,
        opens,
    )
    .expect("p");
    let mut again = o.clone();
    again.partials = vec![
        lelang_core::sealing::MemberPartials {
            member: ms[0].2,
            partials: p1,
            at: o.started_at,
        },
        lelang_core::sealing::MemberPartials {
            member: i3,
            partials: p3,
            at: o.started_at,
        },
    ];
    let i = done
        .bids
        .iter()
        .position(|b| b.vendor_id.0 == blambangan)
        .expect("bid");
    let secrets = lelang_core::sealing::combined_secrets(&c, &again, i).expect("k partials");
    let pk = lelang_core::sealing::tender_x25519(&c).expect("pk");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut lelang_trust::seal::open(good.as_slice(), pk, secrets).expect("opens"),
        &mut plain,
    )
    .expect("read");
    assert_eq!(plain, bid_zip(package, blambangan, 1_150_000_000));
    assert_eq!(
        lelang_trust::seal::hex(&<sha2::Sha256 as sha2::Digest>::digest(&plain)),
        ob.plaintext_sha256.clone().expect("hash")
    );

    // The opening is on the public record: the open data, valid OCDS 1.1.5, now names the
    // companies whose bids were opened and counts the bids.
    let published = common::ocds::check_everything(app).await;
    let compiled = &published.records[&format!("ocds-lelang-{}", package.0)]["compiledRelease"];
    let details = compiled["bids"]["details"].as_array().expect("bid details");
    assert_eq!(details.len(), done.bids.len());
    assert_eq!(compiled["tender"]["numberOfTenderers"], done.bids.len());
    assert_eq!(compiled["bids"]["statistics"][0]["value"], done.bids.len());
    let tenderers = compiled["parties"]
        .as_array()
        .expect("parties")
        .iter()
        .filter(|p| p["roles"] == json!(["tenderer"]))
        .count();
    assert_eq!(tenderers, done.bids.len());
    assert!(
        details
            .iter()
            .any(|d| d["tenderers"][0]["id"] == format!("penyedia-{blambangan}"))
    );
}

fn find_file(dir: &Path, name: &str) -> Option<String> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.is_dir() {
            if let Some(s) = find_file(&p, name) {
                return Some(s);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return std::fs::read_to_string(p).ok();
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn age_cli_bids_open_with_any_k_proven_partials_on_sqlite() {
    if !age_cli() {
        return;
    }
    bids_open_with_any_k_partials(&TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn age_cli_bids_open_with_any_k_proven_partials_on_postgresql() {
    if !age_cli() {
        return;
    }
    let Some(app) = TestApp::with_demo_on_postgres("PostgreSQL sealing test").await else {
        return;
    };
    bids_open_with_any_k_partials(&app).await;
}

/// The server's log lines during a test, at every level, kept to search them for secrets.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Option<Captured> {
    let c = Captured::default();
    let writer = c.clone();
    let sub = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(sub).ok().map(|_| c)
}

/// Every file under `dir` (the database and its journals, the documents folder).
fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for e in entries {
        let p = e.expect("a readable folder entry").path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// After a full ceremony and opening, neither the tender's secret nor any member's share (nor any
/// member's identity) is in the database files, the documents folder or the server's log lines.
/// Runs a full opening on `app` and returns what must never be stored: the tender's secret (rebuilt
/// here from two members' shares and checked against the published key), every member's share
/// (raw, hex, base64) and every member's identity.
async fn secrets_after_an_opening(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    use base64::Engine as _;
    let package = package_named(app, ANNOUNCED).await;
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    let ms = members(app, &c).await;
    // Each member's share, and the tender's secret from shares 1 and 2 (λ1 = 2, λ2 = −1).
    let shares: Vec<curve25519_dalek::Scalar> = ms
        .iter()
        .map(|(name, _, i)| member::share(&c, *i, &member_identity(name).expect("id")).expect("share"))
        .collect();
    let s = shares[0] + shares[0] - shares[1];
    let pk = curve25519_dalek::constants::ED25519_BASEPOINT_POINT * s;
    assert_eq!(
        Some(pk.to_montgomery().to_bytes()),
        lelang_core::sealing::tender_x25519(&c),
        "the secret rebuilt in this test is the tender's"
    );
    // Run the opening too, so that its code paths have stored and logged what they do.
    bids_open_with_any_k_partials(app).await;
    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    for (what, x) in std::iter::once(("tender secret".to_owned(), s)).chain(
        shares
            .iter()
            .enumerate()
            .map(|(i, x)| (format!("share of member {}", i + 1), *x)),
    ) {
        let b = x.to_bytes();
        needles.push((format!("{what} (raw)"), b.to_vec()));
        needles.push((format!("{what} (hex)"), hex32(&b).into_bytes()));
        needles.push((
            format!("{what} (base64)"),
            base64::engine::general_purpose::STANDARD_NO_PAD
                .encode(b)
                .into_bytes(),
        ));
    }
    for (name, _, _) in &ms {
        let id = member_identity(name).expect("id");
        let text = age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        needles.push((format!("identity of {name}"), text.into_bytes()));
    }
    needles
}

async fn recipient_of(app: &TestApp) -> String {
    let package = package_named(app, ANNOUNCED).await;
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    c.recipient().expect("complete").to_owned()
}

/// One place searched: what it holds, and a public value stored there the same way as the secrets
/// would be, which the search must find (else the search is blind and would pass anything).
struct Haystack {
    name: String,
    bytes: Vec<u8>,
    control: Vec<u8>,
}

/// Every file under `root` whose name passes `keep`, read whole (an unreadable file fails the
/// test rather than reading as empty), as one haystack.
fn files_as(name: &str, root: &Path, keep: impl Fn(&Path) -> bool, control: &[u8]) -> Haystack {
    let mut files = Vec::new();
    files_under(root, &mut files);
    files.retain(|f| keep(f));
    assert!(!files.is_empty(), "{name}: no files under {}", root.display());
    let mut bytes = Vec::new();
    for f in &files {
        bytes.extend(std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
        bytes.push(0);
    }
    Haystack {
        name: name.into(),
        bytes,
        control: control.to_vec(),
    }
}

/// Asserts that no needle is in any haystack, each of which holds its control value.
fn assert_nowhere(needles: &[(String, Vec<u8>)], haystacks: &[Haystack]) {
    for h in haystacks {
        assert!(
            contains(&h.bytes, &h.control),
            "the control value was not found in {}: the search there is blind",
            h.name
        );
        for (what, n) in needles {
            assert!(!contains(&h.bytes, n), "{what} found in {}", h.name);
        }
    }
}

/// After a full ceremony and opening on SQLite, neither the tender's secret nor any member's share
/// (nor any member's identity) is in the database files, the documents folder or the server's log
/// lines (every level, captured from the server's own tracing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_share_is_ever_stored_or_logged() {
    if !age_cli() {
        return;
    }
    let logs = capture_logs();
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_owned();
    let url = format!("sqlite://{}", root.join("lelang.db").display());
    let app = TestApp::with_demo_at(url, dir, WebConfig::default()).await;
    let needles = secrets_after_an_opening(&app).await;
    assert!(root.join("lelang.db").exists());
    let text = logs
        .map(|l| l.0.lock().map(|v| v.clone()).unwrap_or_default())
        .unwrap_or_default();
    let recipient = recipient_of(&app).await;
    let is_db = |f: &Path| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("lelang.db"))
    };
    assert_nowhere(
        &needles,
        &[
            files_as("the database files", &root, is_db, recipient.as_bytes()),
            files_as(
                "the documents",
                &root.join("documents"),
                |_| true,
                recipient.as_bytes(),
            ),
            Haystack {
                name: "the server's log".into(),
                bytes: text,
                control: b"signed in".to_vec(),
            },
        ],
    );
}

/// The same on PostgreSQL: the whole database, as `pg_dump` writes it, and the documents folder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_share_is_ever_stored_on_postgresql() {
    if !age_cli() {
        return;
    }
    let Ok(dump_version) = Command::new("pg_dump").arg("--version").output() else {
        return lelang_store_tests::skip("PostgreSQL secret search", "install postgresql-client (pg_dump)");
    };
    assert!(dump_version.status.success());
    let Some(app) = TestApp::with_demo_on_postgres("PostgreSQL secret search").await else {
        return;
    };
    let documents = app.documents_dir();
    let needles = secrets_after_an_opening(&app).await;
    let dump = Command::new("pg_dump")
        .args(["--data-only", "--dbname", &app.db_url])
        .output()
        .expect("pg_dump");
    assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(text.contains("key_ceremony_completed"), "the dump holds the log");
    let recipient = recipient_of(&app).await;
    assert_nowhere(
        &needles,
        &[
            Haystack {
                name: "the database dump".into(),
                bytes: dump.stdout,
                control: recipient.as_bytes().to_vec(),
            },
            files_as("the documents", &documents, |_| true, recipient.as_bytes()),
        ],
    );
}

/// Starts a new ceremony as the first member and has every member deal honestly through the API
/// (each signed in as themselves); the ceremony as it then stands.
async fn start_and_deal_honestly(clients: &mut [(String, Client)], base: &str) -> Ceremony {
    let r = clients[0]
        .1
        .post_json(&format!("{base}/ceremony"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut c: Ceremony = serde_json::from_value(r.json()["ceremony"].clone()).expect("ceremony");
    for (name, cl) in clients.iter_mut() {
        let me = cl.get(&format!("{base}/ceremony")).await.json()["me"]
            .as_u64()
            .and_then(|m| u16::try_from(m).ok())
            .expect("a member");
        let d = member::deal(&c, me, &member_identity(name).expect("id")).expect("deal");
        let r = cl
            .post_json(
                &format!("{base}/ceremony/deal"),
                &serde_json::to_value(&d).expect("json"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        c = serde_json::from_value(r.json()["ceremony"].clone()).expect("ceremony");
    }
    c
}

/// A dealer who sends a member a sub-share off its committed polynomial is caught by that member,
/// proven with one revealed file key, and named on the log; a false complaint is refused; the pokja
/// then runs a new ceremony and announces.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cheating_dealer_is_detected_and_named() {
    use base64::Engine as _;
    let app = TestApp::with_demo().await;
    let package = package_named(&app, "Pembangunan Jembatan Desa Kedungasri").await;
    let assignment = app.pokja_of(package).await;
    let mut clients = Vec::new();
    for m in &assignment.members {
        let u = app.store.user(*m).await.expect("db").expect("user");
        let mut cl = app.signed_in(&u.username).await;
        let id = member_identity(&u.username).expect("id");
        // A sealed identity that is not an age scrypt file is refused.
        let r = cl
            .put_json(
                "/api/v1/me/sealing-key",
                &json!({"recipient": id.to_public().to_string(), "signing_key": signing_key_hex(&id), "sealed_identity": "AGE-SECRET-KEY-1 in clear"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let r = cl
            .put_json(
                "/api/v1/me/sealing-key",
                &json!({"recipient": id.to_public().to_string(), "signing_key": signing_key_hex(&id)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // The server's copy gives the fingerprint the member computes from its own identity.
        assert_eq!(r.json()["fingerprint"], json!(lelang::member::fingerprint(&id)));
        clients.push((u.username, cl));
    }
    let base = format!("/api/v1/tenants/{SLUG}/packages/{}", package.0);
    if app.store.documents(package).await.expect("docs").is_empty() {
        let r = clients[0]
            .1
            .post_multipart(
                &format!("{base}/documents"),
                &[("kind", "specification"), ("title", "Dokumen Pemilihan")],
                Some(("dokumen.pdf", b"%PDF-1.4\n%demo\n")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // No announcement without the tender's key.
    let r = clients[0]
        .1
        .post_json(&format!("{base}/tender/announce"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ceremony-incomplete"), "{}", r.body);
    // Fewer than a majority may not open.
    let r = clients[0]
        .1
        .post_json(&format!("{base}/ceremony"), &json!({"threshold": 1}), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = clients[0]
        .1
        .post_json(&format!("{base}/ceremony"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = clients[1]
        .1
        .post_json(&format!("{base}/ceremony"), &json!({}), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a second ceremony while one runs"
    );

    let ceremony = |v: serde_json::Value| -> Ceremony {
        serde_json::from_value(v["ceremony"].clone()).expect("ceremony")
    };
    let c = ceremony(clients[0].1.get(&format!("{base}/ceremony")).await.json());
    let usernames: Vec<String> = clients.iter().map(|(n, _)| n.clone()).collect();
    let index = |name: &str, c: &Ceremony| {
        let uid = assignment.members[usernames.iter().position(|n| n == name).expect("member")];
        c.index_of(uid).expect("index")
    };
    // A malformed deal is refused whole.
    let r = clients[0]
        .1
        .post_json(
            &format!("{base}/ceremony/deal"),
            &json!({"commitments": ["00"], "proof": {"r": "00", "z": "00"}, "sub_shares": [], "signature": "00"}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Members 1 and 3 deal honestly; member 2 sends member 3 a sub-share off its polynomial.
    let names: Vec<String> = clients.iter().map(|(n, _)| n.clone()).collect();
    let (cheat_name, victim_name) = (names[1].clone(), names[2].clone());
    for (name, cl) in clients.iter_mut() {
        let i = index(name, &c);
        let id = member_identity(name).expect("id");
        let mut d = member::deal(&c, i, &id).expect("deal");
        if *name == cheat_name {
            let victim = index(&victim_name, &c);
            let msg = json!({
                "ceremony": c.id, "dealer": i, "member": victim,
                "sub_share": hex32(&lelang_trust::seal::random_scalar().to_bytes()),
            });
            let ct = lelang_trust::seal::encrypt_to(
                &[&c.members[usize::from(victim) - 1].recipient],
                msg.to_string().as_bytes(),
            )
            .expect("encrypt");
            d.sub_shares[usize::from(victim) - 1] = base64::engine::general_purpose::STANDARD.encode(ct);
            // It signs what it sent: the cheat is its own, provably.
            member::sign_deal(&c, i, &id, &mut d);
        }
        let r = cl
            .post_json(
                &format!("{base}/ceremony/deal"),
                &serde_json::to_value(&d).expect("json"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let c = ceremony(clients[0].1.get(&format!("{base}/ceremony")).await.json());
    assert_eq!(c.stage(), lelang_core::sealing::CeremonyStage::Checking);
    // Member 1 finds nothing wrong; member 3 finds dealer 2's sub-share bad.
    let v1 =
        member::verdict(&c, index(&names[0], &c), &member_identity(&names[0]).expect("id")).expect("verdict");
    assert!(v1.confirmation().is_some(), "{v1:?}");
    // A confirmation without a valid signature is refused.
    let mut unsigned = serde_json::to_value(&v1).expect("json");
    unsigned["signature"] = json!("00".repeat(64));
    let r = clients[0]
        .1
        .post_json(&format!("{base}/ceremony/verdict"), &unsigned, None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ceremony-confirmation"), "{}", r.body);
    let r = clients[0]
        .1
        .post_json(
            &format!("{base}/ceremony/verdict"),
            &serde_json::to_value(&v1).expect("json"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let victim_id = member_identity(&victim_name).expect("id");
    let v3 = member::verdict(&c, index(&victim_name, &c), &victim_id).expect("verdict");
    let member::Verdict::Complain { dealer, .. } = v3.clone() else {
        panic!("the victim should complain: {v3:?}");
    };
    assert_eq!(dealer, index(&cheat_name, &c));
    // A reveal that is not the member's proves nothing and changes nothing.
    let stranger = age::x25519::Identity::generate();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(
            &c.dealings
                .iter()
                .find(|d| d.dealer == dealer)
                .expect("dealing")
                .sub_shares[usize::from(index(&victim_name, &c)) - 1],
        )
        .expect("b64");
    let ctx = lelang_core::sealing::complaint_context(&c, dealer, index(&victim_name, &c));
    let (point, partial) =
        lelang_trust::ceremony::reveal_shared(&stranger, &raw, ctx.as_bytes()).expect("reveal");
    let r = clients[2]
        .1
        .post_json(
            &format!("{base}/ceremony/verdict"),
            &json!({"verdict": "complain", "dealer": dealer, "point": hex32(&point),
                "partial": lelang_core::sealing::PartialJson::from(partial)}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("complaint-unfounded"), "{}", r.body);
    // The real complaint fails the ceremony and names the dealer.
    let r = clients[2]
        .1
        .post_json(
            &format!("{base}/ceremony/verdict"),
            &serde_json::to_value(&v3).expect("json"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["stage"], json!("failed"));
    let cheat_uid = assignment.members[1].0;
    assert!(
        event_types(&app)
            .await
            .iter()
            .any(|(t, _, p)| t == "key_ceremony_failed"
                && p["dealer"] == json!(cheat_uid)
                && p["proven"] == json!(true)),
        "the log names the cheating dealer"
    );

    // In a second ceremony everyone deals honestly, and member 3 accuses dealer 1 falsely, with
    // that sub-share's real key: the complaint does not hold, and since the sub-share is now
    // revealed the ceremony ends too, the log naming the member whose complaint failed.
    let c = start_and_deal_honestly(&mut clients, &base).await;
    let honest = &c
        .dealings
        .iter()
        .find(|d| d.dealer == index(&names[0], &c))
        .expect("deal")
        .sub_shares[usize::from(index(&victim_name, &c)) - 1];
    let accused = index(&names[0], &c);
    let ctx = lelang_core::sealing::complaint_context(&c, accused, index(&victim_name, &c));
    let (point, partial) = lelang_trust::ceremony::reveal_shared(
        &victim_id,
        &base64::engine::general_purpose::STANDARD
            .decode(honest)
            .expect("b64"),
        ctx.as_bytes(),
    )
    .expect("reveal");
    let r = clients[2]
        .1
        .post_json(
            &format!("{base}/ceremony/verdict"),
            &json!({"verdict": "complain", "dealer": accused, "point": hex32(&point),
                "partial": lelang_core::sealing::PartialJson::from(partial)}),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["stage"], json!("failed"));
    let victim_uid = assignment.members[2].0;
    assert!(
        event_types(&app)
            .await
            .iter()
            .any(|(t, actor, p)| t == "key_ceremony_failed"
                && *actor == Some(victim_uid)
                && p["proven"] == json!(false)),
        "the log names the member whose complaint did not hold"
    );

    // A third ceremony, all honest, completes; the tender can be announced.
    let c = start_and_deal_honestly(&mut clients, &base).await;
    let mut last = json!(null);
    for (name, cl) in clients.iter_mut() {
        let v = member::verdict(&c, index(name, &c), &member_identity(name).expect("id")).expect("verdict");
        let r = cl
            .post_json(
                &format!("{base}/ceremony/verdict"),
                &serde_json::to_value(&v).expect("json"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        last = r.json();
    }
    assert_eq!(last["stage"], json!("completed"));
    let recipient = last["ceremony"]["outcome"]["recipient"]
        .as_str()
        .expect("recipient")
        .to_owned();
    let r = clients[0]
        .1
        .post_json(&format!("{base}/tender/announce"), &json!({}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = app.client().get(&format!("/api/v1/tenders/{}", package.0)).await;
    assert_eq!(t.json()["bid_recipient"], json!(recipient));
}

/// Who may not touch a ceremony or an opening is refused before anything is read: nobody signed in
/// (401), and officials other than the tender's pokja, vendors, auditors and another regency's
/// pokja (403); officials may not submit bids and only pokja members enrol sealing keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealing_routes_refuse_everyone_else() {
    let app = TestApp::with_demo().await;
    let package = package_named(&app, ANNOUNCED).await;
    let base = format!("/api/v1/tenants/{SLUG}/packages/{}", package.0);
    let bodies = [
        (format!("{base}/ceremony"), json!({})),
        (
            format!("{base}/ceremony/deal"),
            json!({"commitments": [], "proof": {"r": "", "z": ""}, "sub_shares": [], "signature": ""}),
        ),
        (
            format!("{base}/ceremony/verdict"),
            json!({"verdict": "confirm", "transcript_sha256": "", "recipient": "", "signature": ""}),
        ),
        (format!("{base}/opening"), json!({})),
        (format!("{base}/opening/partials"), json!({"partials": []})),
    ];
    let gets = [format!("{base}/ceremony"), format!("{base}/opening")];
    let stranger = age::x25519::Identity::generate();
    let recipient = stranger.to_public().to_string();
    let signing_key = signing_key_hex(&stranger);

    let mut anon = app.client();
    for (p, b) in &bodies {
        assert_eq!(
            anon.post_json(p, b, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{p}"
        );
    }
    for p in &gets {
        assert_eq!(anon.get(p).await.status, StatusCode::UNAUTHORIZED, "{p}");
    }
    assert_eq!(
        anon.post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), b"age".to_vec())
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anon.put_json(
            "/api/v1/me/sealing-key",
            &json!({"recipient": recipient, "signing_key": signing_key})
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    let page = format!("/t/{SLUG}/packages/{}/sealing", package.0);
    for p in ["/account/sealing-key", page.as_str()] {
        let r = anon.get(p).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{p}");
        assert!(r.location().starts_with("/login"), "{p}: {}", r.location());
    }

    for who in [
        "vendor.blambangan",
        "bwi.apip",
        "bwi.aph",
        "bwi.ulp",
        "bwi.ppk.dpu",
        "bwi.admin",
        "tgl.pokja1",
        "admin",
    ] {
        let mut c = app.signed_in(who).await;
        for (p, b) in &bodies {
            let r = c.post_json(p, b, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} POST {p}: {}", r.body);
        }
        for p in &gets {
            let r = c.get(p).await;
            assert!(
                r.status == StatusCode::FORBIDDEN
                    || (r.status == StatusCode::NOT_FOUND && who == "tgl.pokja1"),
                "{who} GET {p}: {} {}",
                r.status,
                r.body
            );
        }
        assert_eq!(
            c.get(&page).await.status,
            StatusCode::FORBIDDEN,
            "{who} GET {page}"
        );
        if who != "tgl.pokja1" {
            assert_eq!(
                c.get("/account/sealing-key").await.status,
                StatusCode::FORBIDDEN,
                "{who} GET the key page"
            );
        }
        let r = c
            .put_json(
                "/api/v1/me/sealing-key",
                &json!({"recipient": recipient, "signing_key": signing_key}),
            )
            .await;
        let expected = if who == "tgl.pokja1" {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(r.status, expected, "{who} enrols: {}", r.body);
        if who != "vendor.blambangan" {
            let r = c
                .post_bytes(&format!("/api/v1/tenders/{}/bids", package.0), b"age".to_vec())
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} bids: {}", r.body);
        }
    }
    // A pokja member of this regency not in this tender's pokja reads nothing of its ceremony.
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    for n in 1..=5 {
        let who = format!("bwi.pokja{n}");
        let uid = app
            .store
            .credentials(&who)
            .await
            .expect("db")
            .expect("user")
            .user
            .id;
        if c.index_of(uid).is_some() {
            continue;
        }
        let mut cl = app.signed_in(&who).await;
        let r = cl
            .post_json(
                &format!("{base}/ceremony/verdict"),
                &json!({"verdict": "confirm", "transcript_sha256": "", "recipient": "", "signature": ""}),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        for p in &gets {
            assert_eq!(cl.get(p).await.status, StatusCode::FORBIDDEN, "{who} GET {p}");
        }
        assert_eq!(
            cl.get(&page).await.status,
            StatusCode::FORBIDDEN,
            "{who} GET {page}"
        );
    }
}

/// Runs the real `lelang` binary as a member would, with their token in the environment.
fn lelang_cli(args: &[&str], token: &str, passphrase: Option<&str>) -> Result<String, String> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lelang"));
    cmd.args(args)
        .env("LELANG_TOKEN", token)
        .env_remove("LELANG_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("LELANG_PASSPHRASE", p);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

async fn token_of(app: &TestApp, username: &str) -> String {
    let mut c = app.signed_in(username).await;
    let r = c
        .post_json("/api/v1/tokens", &json!({"name": "sealing CLI"}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["secret"].as_str().expect("secret").to_owned()
}

/// Three members run a whole ceremony with `lelang keys` (one keeps its identity on the server,
/// sealed under a passphrase), and two open the demo tender's bids with `lelang bids partial`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_run_the_ceremony_and_the_opening_with_the_cli() {
    if !age_cli() {
        return;
    }
    let app = TestApp::with_demo().await;
    let server = app.serve().await;
    let dir = tempfile::tempdir().expect("tmp");
    let package = package_named(&app, "Pembangunan Jembatan Desa Kedungasri").await;
    let assignment = app.pokja_of(package).await;
    let tender = format!("{SLUG}/{}", package.0);
    let mut members = Vec::new();
    for (n, m) in assignment.members.iter().enumerate() {
        let u = app.store.user(*m).await.expect("db").expect("user");
        let token = token_of(&app, &u.username).await;
        let file = dir.path().join(format!("member{n}.txt"));
        let f = file.to_str().expect("utf-8").to_owned();
        let out = lelang_cli(&["keys", "new", "--identity", &f], &token, None).expect("keys new");
        assert!(out.contains("recipient age1"), "{out}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the identity file is its owner's only");
        }
        let keep = n == 0;
        let mut args = vec!["keys", "enrol", "--server", &server, "--identity", &f];
        if keep {
            args.push("--keep-on-server");
        }
        let out = lelang_cli(&args, &token, keep.then_some("frasa sandi anggota pokja")).expect("enrol");
        assert!(out.starts_with("enrolled age1"), "{out}");
        members.push((u.username, token, f, keep));
    }
    let (_, t0, _, _) = &members[0];
    let mut lead = app.client();
    let r = lead
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{}/ceremony", package.0),
            &json!({}),
            Some(t0),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // A member runs a step with its identity file, or with the copy kept on the server and its
    // passphrase.
    let step = |what: &str, token: &str, file: &str, keep: bool, passphrase: &str| {
        let mut args = vec!["keys", what, "--server", &server, &tender];
        if !keep {
            args.extend(["--identity", file]);
        }
        lelang_cli(&args, token, keep.then_some(passphrase))
    };
    const PASSPHRASE: &str = "frasa sandi anggota pokja";
    for (_, token, file, keep) in &members {
        // Dealing signs: it needs the identity.
        let out = step("deal", token, file, *keep, PASSPHRASE).expect("deal");
        assert!(out.starts_with("dealt as member"), "{out}");
    }
    let mut last = String::new();
    for (_, token, file, keep) in &members {
        if *keep {
            assert!(
                step("check", token, file, true, "salah").is_err(),
                "a wrong passphrase does not open the kept identity"
            );
        }
        last = step("check", token, file, *keep, PASSPHRASE).expect("check");
    }
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    let recipient = c.recipient().expect("completed").to_owned();
    assert!(last.contains(&recipient), "{last}");

    // The opening of the announced demo tender, by two members with identity files.
    let announced = package_named(&app, ANNOUNCED).await;
    let c = app
        .store
        .ceremony(announced)
        .await
        .expect("db")
        .expect("ceremony");
    let recipient = c.recipient().expect("complete").to_owned();
    let blambangan = vendor_id(&app, "vendor.blambangan").await;
    let mut vb = app.signed_in("vendor.blambangan").await;
    let bid = age_encrypt(
        dir.path(),
        &recipient,
        &bid_zip(announced, blambangan, 990_000_000),
    );
    let r = vb
        .post_bytes(&format!("/api/v1/tenders/{}/bids", announced.0), bid)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = app
        .store
        .public_tender(announced)
        .await
        .expect("db")
        .expect("tender");
    app.clock
        .set(t.submission_deadline + lelang_core::sealing::UPLOAD_GRACE + time::Duration::minutes(5));
    let mut tokens = Vec::new();
    for m in c.members.iter().take(2) {
        let u = app.store.user(m.user_id).await.expect("db").expect("user");
        let file = dir.path().join(format!("{}.txt", u.username));
        let secret =
            age::secrecy::ExposeSecret::expose_secret(&member_identity(&u.username).expect("id").to_string())
                .to_owned();
        std::fs::write(&file, format!("{secret}\n")).expect("write");
        tokens.push((token_of(&app, &u.username).await, file));
    }
    let r = app
        .client()
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{}/opening", announced.0),
            &json!({}),
            Some(&tokens[0].0),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let atender = format!("{SLUG}/{}", announced.0);
    let mut outs = Vec::new();
    for (token, file) in &tokens {
        let f = file.to_str().expect("utf-8");
        outs.push(
            lelang_cli(
                &["bids", "partial", "--server", &server, &atender, "--identity", f],
                token,
                None,
            )
            .expect("partial"),
        );
    }
    assert!(outs[0].contains("waiting for more members"), "{outs:?}");
    assert!(outs[1].contains("the opening is complete"), "{outs:?}");
    let o = app.store.opening(announced).await.expect("db").expect("opening");
    let ob = o
        .bids
        .iter()
        .find(|b| b.vendor_id.0 == blambangan)
        .and_then(|b| b.outcome.clone())
        .expect("outcome");
    assert!(ob.opened, "{ob:?}");
}

/// The dishonest server: between dealing and checking it rewrites a dealing in its own database
/// (a polynomial it knows, sub-shares sealed to the members' real recipients). Every member's
/// command line refuses to confirm, nothing is confirmed, and the ceremony never gives a key.
async fn members_refuse_a_rewritten_ceremony(app: &TestApp) {
    let server = app.serve().await;
    let dir = tempfile::tempdir().expect("tmp");
    let package = package_named(app, "Pembangunan Jembatan Desa Kedungasri").await;
    let assignment = app.pokja_of(package).await;
    let tender = format!("{SLUG}/{}", package.0);
    let mut members = Vec::new();
    for m in &assignment.members {
        let u = app.store.user(*m).await.expect("db").expect("user");
        let token = token_of(app, &u.username).await;
        let file = dir.path().join(format!("{}.txt", u.username));
        let id = member_identity(&u.username).expect("id");
        std::fs::write(
            &file,
            format!("{}\n", age::secrecy::ExposeSecret::expose_secret(&id.to_string())),
        )
        .expect("write");
        let f = file.to_str().expect("utf-8").to_owned();
        let out = lelang_cli(
            &["keys", "enrol", "--server", &server, "--identity", &f],
            &token,
            None,
        )
        .expect("enrol");
        assert!(out.contains(&lelang::member::fingerprint(&id)), "{out}");
        members.push((token, f));
    }
    let r = app
        .client()
        .post_json(
            &format!("/api/v1/tenants/{SLUG}/packages/{}/ceremony", package.0),
            &json!({}),
            Some(&members[0].0),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for (token, f) in &members {
        lelang_cli(
            &["keys", "deal", "--server", &server, &tender, "--identity", f],
            token,
            None,
        )
        .expect("deal");
    }
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    assert_eq!(c.stage(), lelang_core::sealing::CeremonyStage::Checking);
    common::dishonest::rewrite(app.store.as_ref(), &c, 2).await;
    for (token, f) in &members {
        let err = lelang_cli(
            &["keys", "check", "--server", &server, &tender, "--identity", f],
            token,
            None,
        )
        .expect_err("every member refuses");
        assert!(err.contains("transcript-tampered"), "{err}");
        assert!(
            err.contains("dealer 2"),
            "it says which dealing does not hold: {err}"
        );
    }
    let after = app.store.ceremony(package).await.expect("db").expect("ceremony");
    assert!(
        after.confirmed.is_empty() && after.recipient().is_none(),
        "nothing was confirmed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_refuse_a_rewritten_ceremony_on_sqlite() {
    members_refuse_a_rewritten_ceremony(&TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_refuse_a_rewritten_ceremony_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("PostgreSQL dishonest-server test").await else {
        return;
    };
    members_refuse_a_rewritten_ceremony(&app).await;
}

/// `lelang verify ceremony` checks every demo ceremony from its published transcript, and fails
/// when one commitment, one signature or one confirmation in it is changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lelang_verify_checks_published_ceremonies() {
    let app = TestApp::with_demo().await;
    let server = app.serve().await;
    let dir = tempfile::tempdir().expect("tmp");
    let package = package_named(&app, ANNOUNCED).await;
    let url = format!("{server}/api/v1/tenders/{}/ceremony", package.0);
    let out = lelang_cli(&["verify", "ceremony", &url], "", None).expect("verifies");
    let c = app.store.ceremony(package).await.expect("db").expect("ceremony");
    assert!(out.contains(c.recipient().expect("complete")), "{out}");
    // The published transcript names no one: keys, not people.
    let body = app
        .client()
        .get(&format!("/api/v1/tenders/{}/ceremony", package.0))
        .await
        .body;
    for m in &c.members {
        assert!(
            !body.contains(&m.user_id.to_string()),
            "a member's id in the transcript"
        );
    }
    // Every announced demo tender's ceremony verifies.
    let tenders = app.client().get("/api/v1/tenders").await.json();
    let mut checked = 0;
    for t in tenders["tenders"].as_array().into_iter().flatten() {
        let id = t["package_id"].as_str().expect("id");
        let out = lelang_cli(
            &[
                "verify",
                "ceremony",
                &format!("{server}/api/v1/tenders/{id}/ceremony"),
            ],
            "",
            None,
        );
        if let Ok(out) = out {
            assert!(out.contains("verified"), "{out}");
            checked += 1;
        }
    }
    assert!(checked >= 1, "{tenders}");
    // Offline, from a file; then with one thing changed at a time.
    let t: serde_json::Value = serde_json::from_str(&body).expect("json");
    let file = dir.path().join("ceremony.json");
    let check = |v: &serde_json::Value| {
        std::fs::write(&file, v.to_string()).expect("write");
        lelang_cli(&["verify", "ceremony", file.to_str().expect("utf-8")], "", None)
    };
    check(&t).expect("the saved transcript verifies offline");
    let flip = |h: &str| {
        let mut b = unhex32(h).expect("hex");
        b[5] ^= 1;
        hex32(&b)
    };
    let mut commitment = t.clone();
    let h = commitment["dealings"][0]["commitments"][1]
        .as_str()
        .expect("hex")
        .to_owned();
    commitment["dealings"][0]["commitments"][1] = json!(hex32(
        &(curve25519_dalek::constants::ED25519_BASEPOINT_POINT * lelang_trust::seal::random_scalar())
            .compress()
            .to_bytes()
    ));
    assert_ne!(commitment["dealings"][0]["commitments"][1], json!(h));
    let mut signature = t.clone();
    let sig = signature["dealings"][1]["signature"]
        .as_str()
        .expect("sig")
        .to_owned();
    signature["dealings"][1]["signature"] = json!(format!("{}{}", flip(&sig[..64]), &sig[64..]));
    let mut confirmation = t.clone();
    let sig = confirmation["confirmations"][2]["signature"]
        .as_str()
        .expect("sig")
        .to_owned();
    confirmation["confirmations"][2]["signature"] = json!(format!("{}{}", &sig[..64], flip(&sig[64..])));
    let mut dropped = t.clone();
    dropped["confirmations"].as_array_mut().expect("array").pop();
    for (what, v) in [
        ("commitment", commitment),
        ("signature", signature),
        ("confirmation", confirmation),
        ("missing confirmation", dropped),
    ] {
        let err = check(&v).expect_err(what);
        assert!(err.contains("does not hold"), "{what}: {err}");
    }
}
