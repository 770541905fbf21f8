//! Fuzzing, on stable Rust, of every parser of untrusted input: plan workbooks (XLSX) and CSV
//! files, bids' age headers, bids' ZIP manifests, signed receipts, proof bundles, and document
//! uploads (multipart, through the real handler). Each starts from a corpus of real inputs kept in
//! `tests/fuzz-corpus/<parser>/` — each seed must parse, so the fuzzer starts from the inside —
//! and mutates them (bit flips, interesting bytes, insertions, deletions, duplicated runs,
//! truncations, splices of two seeds). No input may panic, take long, or get a server error.
//!
//! CI runs `LELANG_FUZZ_CASES` cases per parser (default 256); the long run is
//! `LELANG_FUZZ_CASES=200000 cargo nextest run -p lelang --test fuzz --no-capture`. Failures are
//! kept by proptest in `tests/fuzz-corpus/regressions.txt` and replayed first. `LELANG_BLESS=1` writes the
//! corpus anew from the code that makes real inputs.

mod common;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn corpus_dir(parser: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(parser)
}

/// The seeds of a parser's corpus, in file-name order.
fn corpus(parser: &str) -> Vec<Vec<u8>> {
    let dir = corpus_dir(parser);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (LELANG_BLESS=1 writes the corpus)", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let seeds: Vec<Vec<u8>> = names.iter().map(|p| std::fs::read(p).expect("seed")).collect();
    assert!(!seeds.is_empty(), "{}: an empty corpus", dir.display());
    seeds
}

fn write_corpus(parser: &str, seeds: &[(&str, Vec<u8>)]) {
    let dir = corpus_dir(parser);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).expect("write seed");
    }
}

fn blessing() -> bool {
    std::env::var_os("LELANG_BLESS").is_some()
}

fn cases() -> u32 {
    std::env::var("LELANG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One change to an input.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Interesting(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize, usize),
    Truncate(usize),
    Splice(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, 1 << bit)),
        (
            any::<usize>(),
            prop::sample::select(vec![
                0u8, 0xFF, 0x7F, 0x80, b'<', b'>', b'"', b'\n', b',', b';', b'9'
            ])
        )
            .prop_map(|(at, b)| Mutation::Interesting(at, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..32))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1usize..256, 1usize..16)
            .prop_map(|(at, n, times)| Mutation::Duplicate(at, n, times)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(s, at, n)| Mutation::Splice(s, at, n)),
    ]
}

fn apply(mut b: Vec<u8>, ms: &[Mutation], seeds: &[Vec<u8>]) -> Vec<u8> {
    for m in ms {
        let len = b.len().max(1);
        match m {
            Mutation::Flip(at, bit) if !b.is_empty() => b[at % len] ^= bit,
            Mutation::Interesting(at, x) if !b.is_empty() => b[at % len] = *x,
            Mutation::Insert(at, x) => {
                let at = at % (b.len() + 1);
                b.splice(at..at, x.iter().copied());
            }
            Mutation::Delete(at, n) if !b.is_empty() => {
                let at = at % b.len();
                let end = (at + n).min(b.len());
                b.drain(at..end);
            }
            Mutation::Duplicate(at, n, times) if !b.is_empty() => {
                let at = at % b.len();
                let run: Vec<u8> = b[at..(at + n).min(b.len())].to_vec();
                for _ in 0..*times {
                    b.splice(at..at, run.iter().copied());
                }
            }
            Mutation::Truncate(at) => b.truncate(at % (b.len() + 1)),
            Mutation::Splice(s, at, n) => {
                let other = &seeds[s % seeds.len()];
                if !other.is_empty() {
                    let from = at % other.len();
                    let part = &other[from..(from + n % 512).min(other.len())];
                    let at = at % (b.len() + 1);
                    b.splice(at..at, part.iter().copied());
                }
            }
            _ => {}
        }
    }
    b
}

/// Runs `check` on every seed, then on `cases()` mutations of them; each must finish within
/// `within` and not panic.
fn fuzz(parser: &str, within: Duration, check: impl Fn(&[u8])) {
    let seeds = corpus(parser);
    for s in &seeds {
        check(s);
    }
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        // Relative to the crate, where the tests run: failures found are replayed first.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz-corpus/regressions.txt",
        ))),
        ..Config::default()
    });
    let strategy = (0..seeds.len(), prop::collection::vec(mutation(), 1..8));
    let slowest = std::cell::Cell::new(Duration::ZERO);
    let result = runner.run(&strategy, |(i, ms)| {
        let input = apply(seeds[i].clone(), &ms, &seeds);
        let t = Instant::now();
        check(&input);
        let took = t.elapsed();
        slowest.set(slowest.get().max(took));
        prop_assert!(took < within, "{parser}: {} bytes took {took:?}", input.len());
        Ok(())
    });
    eprintln!(
        "{parser}: {} seeds, {} cases, slowest {:?}",
        seeds.len(),
        cases(),
        slowest.get()
    );
    if let Err(e) = result {
        panic!("{parser}: {e}");
    }
}

fn rules() -> &'static lelang_core::rules::RuleSet {
    static SETS: std::sync::OnceLock<Vec<lelang_core::rules::RuleSet>> = std::sync::OnceLock::new();
    let sets = SETS.get_or_init(|| lelang_core::rules::built_in().expect("rules"));
    lelang_core::rules::in_force(sets, time::macros::date!(2026 - 11 - 02)).expect("in force")
}

#[test]
fn plan_workbooks() {
    use common::xlsx::{Cell, shared_strings, with_parts, workbook};
    if blessing() {
        let header: Vec<Cell> = common::xlsx::PLAN_HEADER.map(Cell::Text).into_iter().collect();
        let row = |name| {
            vec![
                Cell::Text(name),
                Cell::Text("pekerjaan konstruksi"),
                Cell::Number(1_250_000_000),
                Cell::Text("APBD"),
                Cell::Number(2027),
                Cell::Text("tender"),
                Cell::Date(time::macros::date!(2027 - 03 - 01)),
                Cell::Date(time::macros::date!(2027 - 10 - 31)),
            ]
        };
        let shared_header: String = (0..8)
            .map(|i| format!(r#"<c r="{}1" t="s"><v>{i}</v></c>"#, (b'A' + i) as char))
            .collect();
        write_corpus(
            "xlsx",
            &[
                ("plan.xlsx", workbook(&[header, row("Normalisasi Sungai Kalilo")])),
                (
                    "shared-strings.xlsx",
                    with_parts(
                        &format!(
                            r#"<row r="1">{shared_header}</row><row r="2"><c r="A2" t="inlineStr"><is><r><t>Talud </t></r><r><t>Badeng &amp; Kalibaru</t></r></is></c><c r="C2"><v>4.5E8</v></c><c r="D2" t="str"><v>APBD</v></c><c r="E2" t="b"><v>1</v></c><c r="G2" s="1"><v>46082.5</v></c></row>"#
                        ),
                        Some(shared_strings(&common::xlsx::PLAN_HEADER, 8)),
                    ),
                ),
            ],
        );
    }
    let limits = lelang_web::xlsx::Limits::default();
    fuzz("xlsx", Duration::from_secs(2), |b| {
        if let Ok(table) = lelang_web::xlsx::first_sheet(b, &limits) {
            let cells: usize = table
                .iter()
                .map(|r| r.iter().map(String::len).sum::<usize>())
                .sum();
            assert!(cells <= limits.table_bytes);
            assert!(table.len() <= limits.rows as usize);
        }
        let _ = lelang_web::plan::parse_plan(lelang_web::plan::PlanFormat::Xlsx, b, rules());
    });
    for seed in corpus("xlsx") {
        assert!(
            lelang_web::xlsx::first_sheet(&seed, &limits).is_ok(),
            "a seed that does not parse"
        );
    }
}

#[test]
fn plan_csv_files() {
    if blessing() {
        write_corpus(
            "csv",
            &[
                (
                    "comma.csv",
                    b"nama,kategori,pagu,sumber_dana,tahun_anggaran,metode,mulai,selesai\nDrainase Kota,pekerjaan konstruksi,900.000.000,APBD,2027,tender,2027-02-01,2027-12-31\n\"Jalan \"\"Lingkar\"\" Timur\",works,1250000000,APBD,2027,tender,2027-03-01,2027-11-30\n".to_vec(),
                ),
                (
                    "semicolon.csv",
                    "\u{feff}nama;kategori;pagu;sumber_dana;tahun_anggaran;metode;mulai;selesai\r\nPengadaan Laptop;barang;Rp 150.000.000;APBD;2027;pengadaan_langsung;2027-02-01;2027-03-31\r\n".as_bytes().to_vec(),
                ),
            ],
        );
    }
    fuzz("csv", Duration::from_secs(1), |b| {
        let _ = lelang_core::plan::parse_csv(b, rules());
    });
    for seed in corpus("csv") {
        assert!(
            lelang_core::plan::parse_csv(&seed, rules()).is_ok(),
            "a seed that does not parse"
        );
    }
}

/// A bid's plaintext: a ZIP with its manifest and one document.
fn bid_plaintext() -> Vec<u8> {
    use std::io::Write;
    let doc = b"%PDF-1.4 penawaran harga";
    let sha: String = <sha2::Sha256 as sha2::Digest>::digest(doc)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = serde_json::json!({
        "tender": "01a2201a-54ce-71a0-8e4d-085735e08eef",
        "vendor": "01a2201a-54ce-71a0-8e4d-085735e08ef0",
        "price": 1_175_000_000,
        "documents": [{"name": "harga.pdf", "sha256": sha}],
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("manifest.json", opts).expect("entry");
    z.write_all(manifest.to_string().as_bytes()).expect("write");
    z.start_file("harga.pdf", opts).expect("entry");
    z.write_all(doc).expect("write");
    z.finish().expect("zip");
    out.into_inner()
}

#[test]
fn bid_age_headers() {
    if blessing() {
        let one = age::x25519::Identity::generate().to_public().to_string();
        let two = age::x25519::Identity::generate().to_public().to_string();
        write_corpus(
            "age",
            &[
                (
                    "one-recipient.age",
                    lelang_trust::seal::encrypt_to(&[&one], &bid_plaintext()).expect("seal"),
                ),
                (
                    "two-recipients.age",
                    lelang_trust::seal::encrypt_to(&[&one, &two], b"x").expect("seal"),
                ),
            ],
        );
    }
    // A header is read a line at a time: age's parser starting over after each byte made a 4 KiB
    // header cost a second (found by this fuzzer; the case is in the regressions file).
    fuzz("age", Duration::from_millis(250), |b| {
        let _ = lelang_trust::seal::ephemeral_shares(b);
        let _ = lelang_trust::seal::open(b, [9; 32], vec![([1; 32], [2; 32])]).map(|mut r| {
            let mut sink = Vec::new();
            std::io::Read::read_to_end(&mut r, &mut sink)
        });
    });
    for seed in corpus("age") {
        assert!(
            lelang_trust::seal::ephemeral_shares(seed.as_slice()).is_ok(),
            "a seed that does not parse"
        );
    }
}

#[test]
fn bid_manifests() {
    if blessing() {
        write_corpus("manifest", &[("bid.zip", bid_plaintext())]);
    }
    fuzz("manifest", Duration::from_secs(1), |b| {
        let _ = lelang_web::sealing::manifest_of(std::io::Cursor::new(b));
    });
    for seed in corpus("manifest") {
        assert!(lelang_web::sealing::manifest_of(std::io::Cursor::new(&seed)).is_ok());
    }
}

/// The key the receipt seeds are signed with.
fn receipt_signer() -> lelang_trust::note::NoteSigner {
    lelang_trust::note::NoteSigner::from_seed("fuzz.lelang.local/log", [42; 32]).expect("signer")
}

#[test]
fn signed_receipts() {
    use lelang_core::submission::Receipt;
    let signer = receipt_signer();
    if blessing() {
        let r = Receipt {
            origin: "fuzz.lelang.local/log".into(),
            tender: lelang_core::PackageId::new(),
            vendor: lelang_core::VendorId::new(),
            bid: lelang_core::ids::BidId::new(),
            sha256: "ab".repeat(32),
            size: 1_048_576,
            time: time::macros::datetime!(2026-11-02 06:59:59.123456 UTC),
            index: 4242,
        };
        write_corpus(
            "receipt",
            &[(
                "receipt.note",
                signer.sign(&r.to_text()).expect("sign").into_bytes(),
            )],
        );
    }
    let verifier = lelang_trust::note::NoteVerifier::parse(&signer.verifier_key()).expect("key");
    fuzz("receipt", Duration::from_millis(500), |b| {
        let text = String::from_utf8_lossy(b);
        let _ = Receipt::parse(&text);
        if let Ok(t) = verifier.open(&text) {
            let _ = Receipt::parse(t);
        }
    });
    for seed in corpus("receipt") {
        let text = String::from_utf8(seed).expect("utf8");
        assert!(Receipt::parse(verifier.open(&text).expect("signed")).is_some());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proof_bundles() {
    use lelang_core::submission::{ProofBundle, verify_bundle};
    if blessing() {
        let app = common::TestApp::with_demo().await;
        let tender = app.demo_tender("Singolatren").await;
        let mut v = app.signed_in("vendor.blambangan").await;
        let body = b"sealed bytes of a bid";
        let sha: String = <sha2::Sha256 as sha2::Digest>::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let r = v
            .post_json(
                &format!("/api/v1/tenders/{}/bids", tender.package_id.0),
                &serde_json::json!({"sha256": sha, "size": body.len()}),
                None,
            )
            .await;
        let bid = r.json()["bid_id"].as_str().expect("bid").to_owned();
        app.clock
            .set(tender.submission_deadline + time::Duration::seconds(1));
        let mut v = app.signed_in("vendor.blambangan").await;
        let r = v
            .get(&format!(
                "/api/v1/tenders/{}/bids/{bid}/proof",
                tender.package_id.0
            ))
            .await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
        write_corpus("bundle", &[("bundle.json", r.body.into_bytes())]);
    }
    tokio::task::spawn_blocking(|| {
        fuzz("bundle", Duration::from_millis(500), |b| {
            if let Ok(bundle) = ProofBundle::parse(b) {
                let key = bundle.log_key.clone();
                let _ = verify_bundle(&bundle, &key);
            }
        });
        for seed in corpus("bundle") {
            let b = ProofBundle::parse(&seed).expect("a bundle");
            verify_bundle(&b, &b.log_key.clone()).expect("the seed proves");
        }
    })
    .await
    .expect("join");
}

/// Document uploads through the real handler: no body gets a server error, and none stores
/// anything it should not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_uploads() {
    if blessing() {
        let boundary = "----lelang-fuzz";
        let part = |name: &str, file: Option<&str>, value: &[u8]| {
            let mut p = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"");
            if let Some(f) = file {
                p.push_str(&format!("; filename=\"{f}\"\r\nContent-Type: application/pdf"));
            }
            p.push_str("\r\n\r\n");
            let mut b = p.into_bytes();
            b.extend_from_slice(value);
            b.extend_from_slice(b"\r\n");
            b
        };
        let mut body = Vec::new();
        body.extend(part("kind", None, b"specification"));
        body.extend(part("title", None, b"Spesifikasi Teknis Uji"));
        body.extend(part("file", Some("spesifikasi.pdf"), b"%PDF-1.4 isi dokumen"));
        body.extend(format!("--{boundary}--\r\n").into_bytes());
        write_corpus("multipart", &[("upload.txt", body)]);
    }
    let app = common::TestApp::with_demo().await;
    let package = app
        .package_named("banyuwangi", "Pembangunan Jembatan Desa Kedungasri")
        .await;
    let member = app.pokja_member(package.id).await;
    let c = app.signed_in(&member).await;
    let url = format!("/api/v1/tenants/banyuwangi/packages/{}/documents", package.id);
    let handle = tokio::runtime::Handle::current();
    let seeds_ok = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let ok = seeds_ok.clone();
    tokio::task::spawn_blocking(move || {
        fuzz("multipart", Duration::from_secs(2), |b| {
            let mut c = c.clone();
            let r = handle.block_on(c.request(
                "POST",
                &url,
                &[("content-type", "multipart/form-data; boundary=----lelang-fuzz")],
                b.to_vec(),
            ));
            assert!(!r.status.is_server_error(), "{} {}", r.status, r.body);
            if r.status.is_success() {
                ok.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
    })
    .await
    .expect("join");
    assert!(
        seeds_ok.load(std::sync::atomic::Ordering::Relaxed) >= 1,
        "the seed uploads"
    );
}
