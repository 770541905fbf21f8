//! The demo's tenders, one at each stage in both regencies: pokja assigned but declarations
//! pending, scheduled but not announced, and announced with documents, registered vendors,
//! questions (answered and not) and an addendum. Vendors get profiles and verifications first.

use super::official_actor;
use anyhow::anyhow;
use lelang_app::App;
use lelang_core::document::{DocumentKind, NewDocument};
use lelang_core::package::{HpsLine, NewPackage};
use lelang_core::rules::{EvaluationMethod, Method};
use lelang_core::store::prelude::*;
use lelang_core::vendor::{
    Equipment, Experience, Licence, Person, TaxStatus, VendorProfile, VerificationStatus,
};
use lelang_web::blobs::BlobStore;

/// How far a demo tender goes.
struct Case {
    slug: &'static str,
    item: &'static str,
    ppk: &'static str,
    ulp: &'static str,
    location: &'static str,
    lines: &'static [(&'static str, i64, &'static str, i64)],
    announce: bool,
    /// (vendor user, question, answer)
    questions: &'static [(&'static str, &'static str, Option<&'static str>)],
    addendum: Option<&'static str>,
    /// Whether the registered companies have submitted sealed bids.
    bids: bool,
}

const CASES: &[Case] = &[
    Case {
        slug: "banyuwangi",
        item: "Rehabilitasi Jaringan Irigasi D.I. Bendung Singolatren",
        ppk: "bwi.ppk.dpu",
        ulp: "bwi.ulp",
        location: "Kecamatan Rogojampi",
        lines: &[],
        announce: true,
        questions: &[
            (
                "vendor.blambangan",
                "Apakah pasangan batu kali boleh memakai batu dari quarry Kalibaru, atau harus dari lokasi lain?",
                Some("Boleh, sepanjang memenuhi spesifikasi teknis Bab 3.2 dan disertai hasil uji material."),
            ),
            (
                "vendor.ijen",
                "Apakah pintu air baja termasuk pekerjaan pemasangan dan uji fungsi, atau pengadaan saja?",
                None,
            ),
        ],
        addendum: Some(
            "Volume galian tanah saluran dikoreksi dari 4.200 m3 menjadi 4.350 m3 sesuai hasil peninjauan lapangan.",
        ),
        bids: true,
    },
    Case {
        slug: "banyuwangi",
        item: "Pembangunan Jembatan Desa Kedungasri",
        ppk: "bwi.ppk.dpu",
        ulp: "bwi.ulp",
        location: "Desa Kedungasri, Kecamatan Tegaldlimo",
        lines: &[
            ("Pondasi tiang pancang", 24, "titik", 18_500_000),
            ("Beton K-300 lantai jembatan", 160, "m3", 2_150_000),
            ("Rangka baja bentang 30 m", 1, "unit", 980_000_000),
        ],
        announce: false,
        questions: &[],
        addendum: None,
        bids: false,
    },
    Case {
        slug: "trenggalek",
        item: "Rehabilitasi Jembatan Kali Ngasinan Kecamatan Kampak",
        ppk: "tgl.ppk.dpupr",
        ulp: "tgl.ulp",
        location: "Kecamatan Kampak",
        lines: &[
            ("Pembongkaran lantai lama", 1, "ls", 85_000_000),
            ("Beton K-300 lantai dan balok", 210, "m3", 2_050_000),
            ("Sandaran dan perlengkapan jembatan", 1, "ls", 240_000_000),
        ],
        announce: true,
        questions: &[(
            "vendor.prigi",
            "Apakah jalan lingkar sementara selama pekerjaan disediakan oleh penyedia?",
            None,
        )],
        addendum: None,
        bids: false,
    },
];

/// A small but valid PDF with a title and lines of text, so demo downloads open in any viewer.
pub(crate) fn tiny_pdf(title: &str, lines: &[&str]) -> Vec<u8> {
    let esc = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii)
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect()
    };
    let mut text = format!("BT /F1 16 Tf 56 780 Td ({}) Tj /F1 11 Tf", esc(title));
    for l in lines {
        text.push_str(&format!(" 0 -22 Td ({}) Tj", esc(l)));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

pub(super) async fn store_bytes(docs: &dyn BlobStore, bytes: &[u8]) -> anyhow::Result<(String, u64)> {
    let mut r = docs.receive(u64::MAX).await?;
    r.push(bytes).await?;
    let staged = r.finish().await?;
    let out = (staged.sha256.clone(), staged.size);
    docs.keep(staged).await?;
    Ok(out)
}

pub(super) async fn vendor_actor(
    store: &dyn Store,
    username: &str,
) -> anyhow::Result<(lelang_core::policy::Actor, lelang_core::VendorId)> {
    let actor = official_actor(store, username).await?;
    let vendor = actor
        .user()
        .and_then(|u| u.vendor_id)
        .ok_or_else(|| anyhow!("{username} is not a vendor user"))?;
    Ok((actor, vendor))
}

/// (vendor user, NPWP, address, KBLI codes, verified by (regency, official)).
type DemoProfile = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

async fn load_vendors(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    let profiles: [DemoProfile; 4] = [
        (
            "vendor.blambangan",
            "01.234.567.8-627.000",
            "Jl. Ahmad Yani No. 12, Banyuwangi",
            &["42101", "42911"],
            Some(("banyuwangi", "bwi.admin")),
        ),
        (
            "vendor.ijen",
            "02.345.678.9-627.000",
            "Jl. Raya Jember No. 88, Genteng, Banyuwangi",
            &["42101", "42201"],
            Some(("banyuwangi", "bwi.ulp")),
        ),
        (
            "vendor.prigi",
            "03.456.789.0-629.000",
            "Jl. Raya Prigi No. 5, Watulimo, Trenggalek",
            &["42101"],
            Some(("trenggalek", "tgl.admin")),
        ),
        (
            "vendor.medika",
            "04.567.890.1-012.000",
            "Jl. Raya Darmo No. 101, Surabaya",
            &["46691"],
            None,
        ),
    ];
    for (username, npwp, address, kbli, verifier) in profiles {
        let (actor, vendor) = vendor_actor(store, username).await?;
        if store.vendor_profile(vendor).await?.is_some() {
            continue;
        }
        let profile = VendorProfile {
            npwp: npwp.into(),
            address: address.into(),
            licences: vec![Licence {
                kind: "NIB/OSS".into(),
                number: format!("OSS-{}", &npwp[..2]),
                kbli: kbli.iter().map(|k| (*k).to_owned()).collect(),
                valid_until: None,
            }],
            experience: vec![Experience {
                project: "Peningkatan jalan desa".into(),
                client: "Dinas PU".into(),
                year: app.clock.now().year() - 1,
                value: 1_250_000_000,
            }],
            personnel: vec![Person {
                // Each company its own site manager, except that two name the same one: a red
                // flag (shared personnel) the dashboard can show wherever both bid.
                name: match username {
                    "vendor.ijen" => "Dwi Hartono, S.T.",
                    "vendor.medika" => "Rina Kusumawati, S.Farm.",
                    _ => "Bambang Sutrisno, S.T.",
                }
                .into(),
                position: "Manajer lapangan".into(),
                certificate: Some("SKK Ahli Muda Teknik Jalan".into()),
            }],
            equipment: vec![Equipment {
                name: "Excavator 0,8 m3".into(),
                quantity: 2,
                owned: true,
            }],
            tax: TaxStatus {
                pkp: true,
                last_return_year: Some(app.clock.now().year() - 1),
            },
        };
        lelang_app::vendor::update(app, &actor, vendor, &profile).await?;
        if let Some((slug, who)) = verifier {
            let tenant = store
                .tenant_by_slug(slug)
                .await?
                .ok_or_else(|| anyhow!("no regency {slug}"))?;
            let by = official_actor(store, who).await?;
            lelang_app::vendor::check(
                app,
                &by,
                tenant.id,
                vendor,
                VerificationStatus::Verified,
                "Dokumen asli NIB, NPWP dan SBU diperiksa sesuai.",
            )
            .await?;
        }
    }
    Ok(())
}

/// Loads the demo tenders (idempotent: each step is skipped once done).
pub(crate) async fn load(app: &App, docs: &dyn BlobStore) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    load_vendors(app).await?;
    for c in CASES {
        let tenant = store
            .tenant_by_slug(c.slug)
            .await?
            .ok_or_else(|| anyhow!("no regency {}", c.slug))?;
        let Some(item) = store
            .plan_items(tenant.id, true)
            .await?
            .into_iter()
            .find(|i| i.name == c.item)
        else {
            continue;
        };
        let ppk = official_actor(store, c.ppk).await?;
        let package = match store
            .packages(tenant.id)
            .await?
            .into_iter()
            .find(|p| p.plan_item_id == item.id)
        {
            Some(p) => p,
            None => {
                let lines = c
                    .lines
                    .iter()
                    .map(|(d, q, u, p)| HpsLine {
                        description: (*d).into(),
                        quantity: *q,
                        unit: (*u).into(),
                        unit_price: *p,
                    })
                    .collect();
                lelang_app::package::create(
                    app,
                    &ppk,
                    tenant.id,
                    item.id,
                    NewPackage {
                        hps_breakdown: lines,
                        location: c.location.into(),
                    },
                )
                .await?
            }
        };
        let find_assignment = || async {
            anyhow::Ok(
                store
                    .pokja_assignments(tenant.id)
                    .await?
                    .into_iter()
                    .find(|a| a.package_id == package.id),
            )
        };
        if find_assignment().await?.is_none() {
            let (candidates, _) = lelang_app::pokja::ranked(app, &tenant).await?;
            let chosen: Vec<_> = candidates.iter().take(3).map(|x| x.user_id).collect();
            super::hand_over(app, &tenant, package.id, c.ppk, c.ulp).await?;
            let by = official_actor(store, c.ulp).await?;
            lelang_app::pokja::assign(app, &by, &tenant, package.id, &chosen).await?;
        }
        let assignment = find_assignment().await?.ok_or_else(|| anyhow!("pokja"))?;
        let mut member_actors = Vec::new();
        for m in &assignment.members {
            let u = store.user(*m).await?.ok_or_else(|| anyhow!("member"))?;
            let actor = official_actor(store, &u.username).await?;
            if !assignment.declared.contains(m) {
                lelang_app::pokja::declare(app, &actor, &tenant, package.id).await?;
            }
            member_actors.push(actor);
        }
        let assignment = find_assignment().await?.ok_or_else(|| anyhow!("pokja"))?;
        let lead = member_actors.first().ok_or_else(|| anyhow!("no members"))?;
        let loaded = lelang_app::tender::load(app, lead, tenant.clone(), package.id).await?;
        if loaded.setup.is_none() {
            let offset = time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)?;
            let today = app.clock.now().to_offset(offset).date();
            let (method, evaluation) = (Method::Tender, EvaluationMethod::SistemGugur);
            lelang_app::tender::set_up(app, lead, &loaded, method, evaluation, today).await?;
        }
        if !c.announce || store.public_tender(package.id).await?.is_some() {
            continue;
        }
        let mut existing = store.documents(package.id).await?;
        if existing.is_empty() {
            let pdf = tiny_pdf(
                &format!("Dokumen Pemilihan: {}", package.name),
                &[
                    &tenant.name,
                    &format!("Lokasi: {}", package.location),
                    "Spesifikasi teknis, gambar dan rancangan kontrak terlampir.",
                    "Dokumen contoh untuk demo lelang.",
                ],
            );
            let (sha256, size) = store_bytes(docs, &pdf).await?;
            // The file is kept already (demo data): nothing to keep between deciding and committing.
            let d = lelang_app::document::publish::<anyhow::Error, _>(
                app,
                &ppk,
                &package,
                Some(&assignment),
                NewDocument {
                    kind: DocumentKind::Specification,
                    title: "Dokumen Pemilihan".into(),
                    filename: "dokumen-pemilihan.pdf".into(),
                    size,
                    sha256,
                    supersedes: None,
                    change_note: None,
                },
                u64::MAX,
                || async { Ok(()) },
            )
            .await?;
            existing.push(d);
        }
        let key = super::sealing::ceremony(app, package.id, &assignment, &member_actors).await?;
        let loaded = lelang_app::tender::load(app, lead, tenant.clone(), package.id).await?;
        let tender = lelang_app::tender::announce(app, lead, &loaded).await?;
        for (username, question, reply) in c.questions {
            let (actor, vendor) = vendor_actor(store, username).await?;
            let joined = store
                .participants(package.id)
                .await?
                .iter()
                .any(|(v, _)| *v == vendor);
            if !joined {
                lelang_app::tender::join(app, &actor, vendor, package.id).await?;
            }
            let q = lelang_app::tender::ask(app, &actor, vendor, package.id, question).await?;
            if let Some(reply) = reply {
                lelang_app::tender::answer(app, lead, &loaded, q.id, reply).await?;
            }
        }
        if let Some(note) = c.addendum {
            let old = existing
                .iter()
                .find(|d| d.kind == DocumentKind::Specification)
                .ok_or_else(|| anyhow!("no document to amend"))?;
            let pdf = tiny_pdf(
                &format!("Dokumen Pemilihan (Adendum 1): {}", package.name),
                &[&tenant.name, note],
            );
            let (sha256, size) = store_bytes(docs, &pdf).await?;
            lelang_app::document::publish::<anyhow::Error, _>(
                app,
                lead,
                &package,
                Some(&assignment),
                NewDocument {
                    kind: DocumentKind::Addendum,
                    title: String::new(),
                    filename: "dokumen-pemilihan-adendum-1.pdf".into(),
                    size,
                    sha256,
                    supersedes: Some(old.id),
                    change_note: Some(note.into()),
                },
                u64::MAX,
                || async { Ok(()) },
            )
            .await?;
        }
        if c.bids {
            // Sealed bids from the registered companies: ready to open once the deadline passes.
            let recipient = key.recipient().ok_or_else(|| anyhow!("no tender key"))?;
            for (username, price) in [
                ("vendor.blambangan", 1_150_000_000),
                ("vendor.ijen", 1_187_500_000),
            ] {
                let (actor, vendor) = vendor_actor(store, username).await?;
                let company = store.vendor(vendor).await?.map(|v| v.name).unwrap_or_default();
                let schedule = lelang_core::price::PriceSchedule {
                    lines: vec![lelang_core::price::PriceLine {
                        item: "Pekerjaan sesuai daftar kuantitas".into(),
                        unit: "ls".into(),
                        volume: lelang_core::price::Volume(lelang_core::price::Volume::SCALE),
                        unit_price: price,
                        amount: price,
                    }],
                    total: price,
                    life_cycle: vec![],
                };
                let plain = super::sealing::bid_archive(package.id, vendor, &company, &schedule)?;
                let sealed = lelang_trust::seal::encrypt_to(&[recipient], &plain).map_err(|e| anyhow!(e))?;
                let (sha256, size) = store_bytes(docs, &sealed).await?;
                let submitter = lelang_core::submission::Submitter {
                    vendor,
                    tender: &tender,
                    registered: true,
                };
                app.run(|cx| {
                    lelang_core::submission::commit_bid(&actor, &submitter, &sha256, size, u64::MAX, true, cx)
                })
                .await?;
            }
        }
    }
    Ok(())
}
