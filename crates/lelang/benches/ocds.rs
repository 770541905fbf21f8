//! Open data at scale (issue 7): TENDERS tenders × 5 public events each, produced by the domain's
//! own commands (package prepared, tender scheduled, announced, schedule changed, a question
//! asked), then
//!
//! 1. exported: the events folded into OCDS releases and written as JSON Lines (releases/s);
//! 2. compiled: the JSON Lines read back, grouped by process and merged into records, written as
//!    one record package (releases/s);
//!
//! beside `ocdskit compile --package` (PyPI `ocdskit`, the OCDS community's tool) compiling the
//! very same releases in the same run. Both tools' compiled releases are compared and must be
//! equal, so the speed is for the same answer.
//!
//! `cargo bench -p lelang --bench ocds -- [TENDERS]` (default 10000). Needs `ocdskit` on PATH
//! (`pip install ocdskit`); without it only lelang's side is measured.

use anyhow::{Context, bail};
use lelang_core::calendar::WorkingCalendar;
use lelang_core::directory::{CreateTenant, CreateWorkUnit, create_tenant, create_work_unit};
use lelang_core::event::{Event, NewEvent};
use lelang_core::ids::{PlanItemId, UserId, VendorId};
use lelang_core::model::TimeZone;
use lelang_core::package::{HpsLine, NewPackage, create_package};
use lelang_core::plan::PlanItem;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::rules::{Category, EvaluationMethod, Method, StageKind};
use lelang_core::tender::{AnnounceContext, announce, change_schedule, set_up};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::time::Instant;
use time::macros::{date, datetime};

/// The source of the benchmark's ids and salts (seeded: the runs repeat).
static FRESH: lelang_core::Fresh = lelang_core::Fresh::seeded([0x42; 32]);

fn actor(
    role: Role,
    tenant: Option<lelang_core::TenantId>,
    unit: Option<lelang_core::WorkUnitId>,
    vendor: Option<VendorId>,
) -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "bench".into(),
        role,
        tenant_id: tenant,
        work_unit_id: unit,
        vendor_id: vendor,
    })
}

/// The events of `n` tenders, in log order, each produced by the command a user would run.
fn events(n: usize) -> anyhow::Result<Vec<Event>> {
    let now = datetime!(2026-11-02 02:00 UTC);
    let rules = lelang_core::rules::built_in()?.pop().context("rule set")?;
    let calendar = WorkingCalendar::default();
    let admin = actor(Role::PlatformAdmin, None, None, None);
    let mut out: Vec<NewEvent> = Vec::with_capacity(n * 5 + 10);
    let mut units = Vec::new();
    for (slug, name) in [
        ("banyuwangi", "Pemerintah Kabupaten Banyuwangi"),
        ("trenggalek", "Pemerintah Kabupaten Trenggalek"),
    ] {
        let (t, c) = create_tenant(
            &admin,
            CreateTenant {
                slug: slug.into(),
                name: name.into(),
                time_zone: TimeZone::Wib,
            },
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
        for (code, unit) in [
            ("DPU", "Dinas Pekerjaan Umum"),
            ("DINKES", "Dinas Kesehatan"),
            ("DIKPORA", "Dinas Pendidikan"),
        ] {
            let (w, c) = create_work_unit(
                &admin,
                t.id,
                CreateWorkUnit {
                    code: code.into(),
                    name: unit.into(),
                },
                &lelang_core::Cx::new(now, &FRESH),
            )?;
            out.extend(c.events);
            units.push((t.clone(), w));
        }
    }
    for i in 0..n {
        let (tenant, unit) = &units[i % units.len()];
        let value = 800_000_000 + (i as i64 % 97) * 25_000_000;
        let item = PlanItem {
            id: PlanItemId::new(),
            tenant_id: tenant.id,
            work_unit_id: unit.id,
            fiscal_year: 2027,
            name: format!("Rehabilitasi Jalan Desa Ruas {i} Tahap {}", i % 4 + 1),
            category: Category::Works,
            budget_ceiling: value,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: date!(2027 - 02 - 01),
            planned_end: date!(2027 - 10 - 31),
            rule_set: rules.id.clone(),
            created_at: now,
            announced_at: Some(now),
        };
        let ppk = actor(Role::CommitmentOfficer, Some(tenant.id), Some(unit.id), None);
        let (package, c) = create_package(
            &ppk,
            &item,
            NewPackage {
                hps_breakdown: vec![HpsLine {
                    description: "Lapis aspal beton AC-WC".into(),
                    quantity: 1,
                    unit: "ls".into(),
                    unit_price: value - value / 10,
                }],
                location: format!(
                    "Kecamatan {}",
                    ["Kalibaru", "Genteng", "Rogojampi", "Srono"][i % 4]
                ),
            },
            &rules,
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
        let members: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        let pokja = PokjaAssignment {
            package_id: package.id,
            tenant_id: tenant.id,
            members: members.clone(),
            declared: members.clone(),
            assigned_at: now,
        };
        let lead = Actor::User(UserActor {
            user_id: members[0],
            username: "pokja".into(),
            role: Role::PokjaMember,
            tenant_id: Some(tenant.id),
            work_unit_id: None,
            vendor_id: None,
        });
        let (setup, c) = set_up(
            &lead,
            &package,
            Some(&pokja),
            Method::Tender,
            EvaluationMethod::SistemGugur,
            date!(2026 - 11 - 02),
            TimeZone::Wib,
            &rules,
            &calendar,
            None,
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
        let (tender, c) = announce(
            &lead,
            &package,
            AnnounceContext {
                assignment: Some(&pokja),
                setup: Some(&setup),
                announced: false,
                documents: 1,
                work_unit_name: &unit.name,
                regency_name: &tenant.name,
                bid_recipient: Some("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"),
            },
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
        let submission = setup
            .stages
            .iter()
            .find(|s| s.kind == StageKind::Submission)
            .context("submission stage")?;
        let (setup, _, c) = change_schedule(
            &lead,
            &setup,
            Some(&pokja),
            StageKind::Submission,
            submission.last_day + time::Duration::days(7),
            "Waktu penyusunan penawaran diperpanjang atas banyaknya pertanyaan.",
            &rules,
            &calendar,
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
        let vendor = VendorId::new();
        let (_, c) = lelang_core::clarification::ask(
            &actor(Role::Vendor, None, None, Some(vendor)),
            vendor,
            &tender,
            &setup,
            true,
            "Apakah pekerjaan marka jalan termasuk dalam lingkup pekerjaan?",
            &lelang_core::Cx::new(now, &FRESH),
        )?;
        out.extend(c.events);
    }
    Ok(out
        .into_iter()
        .enumerate()
        .map(|(i, e)| Event {
            seq: i as i64 + 1,
            id: e.id,
            at: e.at,
            tenant_id: e.tenant_id,
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            event_type: e.event_type.to_owned(),
            payload: e.payload,
            public_form: e.public_form,
        })
        .collect())
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let log = events(n)?;
    println!(
        "{} events of {n} tenders produced by the domain in {:.2?}",
        log.len(),
        started.elapsed()
    );

    // 1. Export: fold the log into releases, written as JSON Lines.
    let publication = lelang_ocds::Publication::default();
    let releases_path = dir.path().join("releases.jsonl");
    let t = Instant::now();
    let mut publisher = lelang_ocds::Publisher::new(publication.clone());
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&releases_path)?);
    let mut count = 0usize;
    for e in &log {
        if let Some(r) = publisher.fold(e) {
            out.write_all(r.body.as_bytes())?;
            out.write_all(b"\n")?;
            count += 1;
        }
    }
    out.flush()?;
    drop(out);
    let export = t.elapsed();
    if count != n * 5 {
        bail!("{count} releases, expected {}", n * 5);
    }

    // 2. Compile: read back, group by process, merge, one record package.
    let records_path = dir.path().join("records.json");
    let t = Instant::now();
    let mut by_ocid: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for line in std::io::BufReader::new(std::fs::File::open(&releases_path)?).lines() {
        let r: serde_json::Value = serde_json::from_str(&line?)?;
        let ocid = r["ocid"].as_str().context("ocid")?.to_owned();
        by_ocid.entry(ocid).or_default().push(r);
    }
    let records: Vec<String> = by_ocid
        .into_iter()
        .map(|(ocid, releases)| serde_json::to_string(&lelang_ocds::record(&ocid, releases)))
        .collect::<Result<_, _>>()?;
    let package = publication.record_package(
        "https://example.invalid/records.json",
        time::OffsetDateTime::now_utc(),
        records.iter().map(String::as_str),
        None,
    );
    std::fs::write(&records_path, &package)?;
    let compile = t.elapsed();
    let per_s = |d: std::time::Duration| count as f64 / d.as_secs_f64();
    println!(
        "machine: {} cores; releases: {count}; processes: {}",
        std::thread::available_parallelism().map_or(1, |p| p.get()),
        records.len()
    );
    println!(
        "lelang export  (fold + JSON Lines): {export:>10.2?}  {:>10.0} releases/s",
        per_s(export)
    );
    println!(
        "lelang compile (read + merge + package): {compile:>10.2?}  {:>10.0} releases/s",
        per_s(compile)
    );
    println!(
        "lelang export + compile: {:>10.2?}  {:>10.0} releases/s",
        export + compile,
        per_s(export + compile)
    );

    // The peer: ocdskit compile on the same releases (as release packages of 1,000, the form it
    // reads without guessing the OCDS version), with the release schema from disk (no network).
    let packages_path = dir.path().join("release-packages.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&packages_path)?);
        let text = std::fs::read_to_string(&releases_path)?;
        let lines: Vec<&str> = text.lines().collect();
        for chunk in lines.chunks(1000) {
            let p = publication.release_package(
                "https://example.invalid/releases.json",
                time::OffsetDateTime::now_utc(),
                chunk.iter().copied(),
                None,
            );
            w.write_all(p.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
    }
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ocds-1.1.5/release-schema.json");
    let theirs_path = dir.path().join("ocdskit.json");
    let t = Instant::now();
    let status = std::process::Command::new("ocdskit")
        .args(["compile", "--package", "--schema"])
        .arg(&schema)
        .stdin(std::fs::File::open(&packages_path)?)
        .stdout(std::fs::File::create(&theirs_path)?)
        .status();
    let peer = t.elapsed();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => bail!("ocdskit compile failed: {s}"),
        Err(e) => {
            println!("ocdskit not run ({e}): pip install ocdskit to measure the peer");
            return Ok(());
        }
    }
    println!(
        "ocdskit compile --package: {peer:>10.2?}  {:>10.0} releases/s",
        per_s(peer)
    );
    println!(
        "ratio: compile {:.1}x ocdskit; export + compile {:.1}x ocdskit (goal >= 10x)",
        peer.as_secs_f64() / compile.as_secs_f64(),
        peer.as_secs_f64() / (export + compile).as_secs_f64()
    );

    // The same answer: every compiled release equal.
    let theirs: serde_json::Value = serde_json::from_slice(&std::fs::read(&theirs_path)?)?;
    let ours: serde_json::Value = serde_json::from_str(&package)?;
    let index = |v: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        v["records"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                (
                    r["ocid"].as_str().unwrap_or_default().to_owned(),
                    r["compiledRelease"].clone(),
                )
            })
            .collect()
    };
    let (a, b) = (index(&theirs), index(&ours));
    if a.len() != b.len() || a != b {
        let diff = a
            .iter()
            .find(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, _)| k.clone());
        bail!(
            "compiled releases differ from ocdskit's ({} vs {} records; first: {diff:?})",
            a.len(),
            b.len()
        );
    }
    println!(
        "compiled releases: identical to ocdskit's for all {} processes",
        a.len()
    );
    Ok(())
}
