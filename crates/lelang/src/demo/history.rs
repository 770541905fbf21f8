//! This year's finished and running tenders of Banyuwangi's public works office, run by the real
//! commands under a clock that steps through the past weeks: one whose deadline and grace window
//! have passed with sealed bids ready to open, one in evaluation, one awarded (its announcement
//! public), one failed because every bid is above HPS, one cancelled by its budget holder before
//! its deadline, one with an objection in its period, one whose appeal waits for its answer, and
//! three contracted: one just started, one
//! in execution with a milestone paid and one late, one finished with its company rated. Every
//! event is genuine: the bids are
//! sealed to the ceremony's key, opened by two members' proven partials, corrected from the
//! schedules inside them, and the log verifies.

use super::official_actor;
use super::sealing::{bid_archive, ceremony, member_identity};
use super::tenders::{store_bytes, tiny_pdf, vendor_actor};
use anyhow::{Context, anyhow};
use lelang_app::App;
use lelang_core::FixedClock;
use lelang_core::document::{DocumentKind, NewDocument};
use lelang_core::evaluation::rank::FailureReason;
use lelang_core::evaluation::{Proposal, Step};
use lelang_core::package::{HpsLine, NewPackage};
use lelang_core::plan::NewPlanItem;
use lelang_core::policy::Actor;
use lelang_core::price::{PriceLine, PriceSchedule, Volume};
use lelang_core::rules::{Category, EvaluationMethod, Method};
use lelang_core::sealing::{self, PartialsDecision, member};
use lelang_web::blobs::BlobStore;
use std::sync::Arc;
use time::Duration;

/// How far a past tender went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    /// Deadline and grace window passed; nobody has opened yet.
    ReadyToOpen,
    /// Opened; the pokja is part way through the evaluation.
    Evaluating,
    /// The winner and reserves announced.
    Awarded,
    /// Failed: every corrected price above HPS.
    Failed,
    /// Cancelled by the budget holder before its deadline, with one bid committed (kept sealed).
    Cancelled,
    /// Awarded a few days ago; one objection waits inside its period.
    Objected,
    /// Awarded; the objection rejected and the bidder's appeal (construction) waits for the
    /// budget holder's answer.
    Appealed,
    /// Awarded, no objection; the letter of award accepted and the contract signed and started.
    Contracted,
    /// Contracted weeks ago: its first milestone paid, its second late.
    Executing,
    /// Contracted long ago: every milestone accepted and paid, handed over, the company rated.
    Finished,
}

/// A bid: the company's user and its schedule as (item, volume, unit price, amount written).
type DemoBid = (&'static str, &'static [(&'static str, &'static str, i64, i64)]);

struct Past {
    item: &'static str,
    location: &'static str,
    budget_ceiling: i64,
    /// (description, quantity, unit, unit price)
    hps: &'static [(&'static str, i64, &'static str, i64)],
    /// Days before now that its tender was set up.
    days_ago: i64,
    bids: &'static [DemoBid],
    reached: Reached,
}

const PPK: &str = "bwi.ppk.dpu";
const PA: &str = "bwi.pa.dpu";
const ULP: &str = "bwi.ulp";
const SLUG: &str = "banyuwangi";
const POKJA: [&str; 3] = ["bwi.pokja1", "bwi.pokja4", "bwi.pokja5"];
const UNIT: &str = "DPU";

/// HPS of the first three: Rp 960,000,000 (4,000 m³ × 180,000 + 1 × 240,000,000).
const SALURAN: &[(&str, i64, &str, i64)] = &[
    ("Galian dan normalisasi saluran", 4_000, "m3", 180_000),
    ("Pasangan batu kali dan plesteran", 1, "ls", 240_000_000),
];

const PAST: &[Past] = &[
    Past {
        item: "Normalisasi Saluran Kalibaru",
        location: "Kecamatan Kalibaru",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 40,
        // Corrected: Blambangan 4,000 × 175,000 = 700,000,000 + 210,000,000 = 910,000,000 (it
        // wrote 690,000,000 for the first line: read out 900,000,000, corrected up by 10,000,000);
        // Ijen 905,000,000; Prigi 930,000,000. Ijen wins; the correction moved Blambangan behind it.
        bids: KALIBARU_BIDS,
        reached: Reached::Awarded,
    },
    Past {
        item: "Peningkatan Jalan Inspeksi Saluran Sekunder Rogojampi",
        location: "Kecamatan Rogojampi",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 34,
        // Both above HPS (960,000,000) once corrected: 985,000,000 and 1,010,000,000.
        bids: &[
            (
                "vendor.blambangan",
                &[
                    ("Galian dan normalisasi saluran", "4000", 190_000, 760_000_000),
                    ("Pasangan batu kali dan plesteran", "1", 225_000_000, 225_000_000),
                ],
            ),
            (
                "vendor.ijen",
                &[
                    ("Galian dan normalisasi saluran", "4000", 195_000, 780_000_000),
                    ("Pasangan batu kali dan plesteran", "1", 230_000_000, 200_000_000),
                ],
            ),
        ],
        reached: Reached::Failed,
    },
    Past {
        item: "Talud Penahan Tebing Sungai Kalilo",
        location: "Kelurahan Kepatihan",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 26,
        bids: &[
            (
                "vendor.blambangan",
                &[
                    ("Galian dan normalisasi saluran", "4000", 172_500, 690_000_000),
                    ("Pasangan batu kali dan plesteran", "1", 215_000_000, 215_000_000),
                ],
            ),
            (
                "vendor.ijen",
                &[
                    ("Galian dan normalisasi saluran", "4000", 160_000, 640_000_000),
                    ("Pasangan batu kali dan plesteran", "1", 100_000_000, 100_000_000),
                ],
            ),
        ],
        reached: Reached::Evaluating,
    },
    Past {
        item: "Perbaikan Pintu Air Dam Kedungrejo",
        location: "Kecamatan Tegalsari",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 18,
        bids: &[
            (
                "vendor.blambangan",
                &[("Rehabilitasi pintu air", "1", 890_000_000, 890_000_000)],
            ),
            (
                "vendor.ijen",
                &[("Rehabilitasi pintu air", "1", 915_000_000, 915_000_000)],
            ),
            (
                "vendor.prigi",
                &[
                    ("Pembongkaran pintu lama", "2", 45_000_000, 90_000_000),
                    ("Pintu air baja dan pemasangan", "2", 402_500_000, 805_000_000),
                ],
            ),
        ],
        reached: Reached::ReadyToOpen,
    },
    Past {
        item: "Rehabilitasi Saluran Irigasi Tersier Desa Sumberarum",
        location: "Kecamatan Songgon",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 12,
        bids: &[(
            "vendor.ijen",
            &[
                ("Galian dan normalisasi saluran", "4000", 176_000, 704_000_000),
                ("Pasangan batu kali dan plesteran", "1", 230_000_000, 230_000_000),
            ],
        )],
        reached: Reached::Cancelled,
    },
    Past {
        item: "Peningkatan Saluran Drainase Jalan Gajah Mada",
        location: "Kecamatan Banyuwangi",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 24,
        bids: KALIBARU_BIDS,
        reached: Reached::Contracted,
    },
    Past {
        item: "Rehabilitasi Saluran Tersier Desa Tamansuruh",
        location: "Kecamatan Glagah",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 19,
        bids: KALIBARU_BIDS,
        reached: Reached::Appealed,
    },
    Past {
        item: "Rehabilitasi Saluran Sekunder Sempu",
        location: "Kecamatan Sempu",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 50,
        bids: KALIBARU_BIDS,
        reached: Reached::Executing,
    },
    Past {
        item: "Pemeliharaan Saluran Primer Kalibendo",
        location: "Kecamatan Glagah",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 75,
        bids: KALIBARU_BIDS,
        reached: Reached::Finished,
    },
    Past {
        item: "Rehabilitasi Bendung Sumberwadung",
        location: "Kecamatan Tegalsari",
        budget_ceiling: 1_000_000_000,
        hps: SALURAN,
        days_ago: 11,
        bids: KALIBARU_BIDS,
        reached: Reached::Objected,
    },
];

/// The three bids of the awarded tenders: Blambangan's written total is corrected up behind
/// Ijen's (see the first tender).
const KALIBARU_BIDS: &[DemoBid] = &[
    (
        "vendor.blambangan",
        &[
            ("Galian dan normalisasi saluran", "4000", 175_000, 690_000_000),
            ("Pasangan batu kali dan plesteran", "1", 210_000_000, 210_000_000),
        ],
    ),
    (
        "vendor.ijen",
        &[
            ("Galian dan normalisasi saluran", "4000", 170_000, 680_000_000),
            ("Pasangan batu kali dan plesteran", "1", 225_000_000, 225_000_000),
        ],
    ),
    (
        "vendor.prigi",
        &[
            ("Galian dan normalisasi saluran", "4000", 180_000, 720_000_000),
            ("Pasangan batu kali dan plesteran", "1", 210_000_000, 210_000_000),
        ],
    ),
];

/// The objection of the bidder a correction moved behind the winner, and the pokja's answer.
const OBJECTION: &str = "Kami keberatan atas koreksi aritmetik penawaran kami: jumlah pada baris galian \
    ditulis Rp690.000.000 dan seharusnya itu yang berlaku, sehingga penawaran kami yang terendah.";
const OBJECTION_ANSWER: &str = "Sanggah ditolak. Dalam koreksi aritmetik, hasil perkalian volume dengan \
    harga satuan yang berlaku (4.000 m3 × Rp175.000 = Rp700.000.000); total terkoreksi Rp910.000.000 \
    berada di atas penawaran pemenang Rp905.000.000.";

/// The appeal of the bidder whose objection was rejected.
const APPEAL: &str = "Kami mengajukan sanggah banding: jawaban sanggah tidak menanggapi bahwa dokumen pemilihan \
    menyatakan jumlah harga yang tertulis pada daftar kuantitas yang berlaku bila terdapat perbedaan.";

/// Why the budget holder cancels the demo's cancelled tender (published).
const CANCEL_REASON: &str = "Anggaran kegiatan dialihkan untuk penanganan darurat banjir bandang \
    di Kecamatan Songgon sesuai keputusan kepala daerah; saluran ditangani lewat kegiatan tahun depan.";

fn schedule(lines: &[(&str, &str, i64, i64)]) -> anyhow::Result<PriceSchedule> {
    let lines = lines
        .iter()
        .map(|(item, volume, unit_price, amount)| {
            Ok(PriceLine {
                item: (*item).into(),
                unit: String::new(),
                volume: Volume::parse(volume).ok_or_else(|| anyhow!("volume {volume}"))?,
                unit_price: *unit_price,
                amount: *amount,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(PriceSchedule {
        lines,
        total,
        life_cycle: vec![],
    })
}

/// Runs the past tenders (each once: a tender whose plan item exists is left as it is), on a
/// clock of their own that steps from `days_ago` forward; the application's clock is not moved.
pub(crate) async fn load(app: &App, docs: &dyn BlobStore) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    let tenant = store
        .tenant_by_slug(SLUG)
        .await?
        .ok_or_else(|| anyhow!("no regency {SLUG}"))?;
    let unit = store
        .work_units(tenant.id)
        .await?
        .into_iter()
        .find(|w| w.code == UNIT)
        .ok_or_else(|| anyhow!("no unit {UNIT}"))?;
    let now = app.clock.now();
    let year = now.year();
    let existing = store.plan_items(tenant.id, false).await?;
    if existing
        .iter()
        .any(|i| i.fiscal_year == year && PAST.iter().any(|p| p.item == i.name))
    {
        return Ok(());
    }
    let first = PAST.iter().map(|p| p.days_ago).max().unwrap_or(0);
    let clock = Arc::new(FixedClock::new(now));
    // Each reading moves a second on, so that every event of the past has its own moment.
    clock.ticking(now - Duration::days(first + 5), Duration::seconds(1));
    let past = App::new(app.store.clone(), clock.clone(), app.fresh.clone());
    let ppk = official_actor(store, PPK).await?;
    let pa = official_actor(store, PA).await?;
    let items: Vec<NewPlanItem> = PAST
        .iter()
        .map(|p| {
            Ok(NewPlanItem {
                fiscal_year: year,
                name: p.item.into(),
                category: Category::Works,
                budget_ceiling: p.budget_ceiling,
                funding_source: "APBD".into(),
                planned_method: Method::Tender,
                planned_start: time::Date::from_calendar_date(year, time::Month::January, 2)?,
                planned_end: time::Date::from_calendar_date(year, time::Month::December, 15)?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    lelang_app::plan::enter(&past, &ppk, tenant.id, unit.id, &items).await?;
    lelang_app::plan::announce(&past, &pa, tenant.id, unit.id, year).await?;
    for p in PAST {
        clock.ticking(now - Duration::days(p.days_ago), Duration::seconds(1));
        run(&past, &clock, docs, &tenant, p, now)
            .await
            .with_context(|| format!("demo history: {}", p.item))?;
    }
    // Today the pokja repeats the tender that failed (tender ulang) and announces the repeat.
    let failed = PAST
        .iter()
        .find(|p| p.reached == Reached::Failed)
        .ok_or_else(|| anyhow!("no failed tender"))?;
    let package = store
        .packages(tenant.id)
        .await?
        .into_iter()
        .find(|p| p.name == failed.item && p.repeat_of.is_none())
        .ok_or_else(|| anyhow!("the failed package"))?;
    let mut members = Vec::new();
    for username in POKJA {
        members.push(official_actor(store, username).await?);
    }
    // Today the server's timer ends the periods that have passed since.
    lelang_app::period::fire_due(app).await?;
    let repeat = lelang_app::evaluation::repeat(app, &members[0], package.id).await?;
    announce(app, docs, &tenant, &repeat, &members)
        .await
        .context("demo history: the repeat tender")?;
    Ok(())
}

async fn run(
    app: &App,
    clock: &FixedClock,
    docs: &dyn BlobStore,
    tenant: &lelang_core::model::Tenant,
    p: &Past,
    present: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    let ppk = official_actor(store, PPK).await?;
    let item = store
        .plan_items(tenant.id, true)
        .await?
        .into_iter()
        .find(|i| i.name == p.item)
        .ok_or_else(|| anyhow!("plan item"))?;
    let hps = p
        .hps
        .iter()
        .map(|(d, q, u, price)| HpsLine {
            description: (*d).into(),
            quantity: *q,
            unit: (*u).into(),
            unit_price: *price,
        })
        .collect();
    let package = lelang_app::package::create(
        app,
        &ppk,
        tenant.id,
        item.id,
        NewPackage {
            hps_breakdown: hps,
            location: p.location.into(),
        },
    )
    .await?;
    // The same three members ran this year's past tenders (the least-loaded suggestion is for
    // the ULP head's new assignments; its demo story is that pokja1 is the busiest).
    let mut chosen = Vec::new();
    for username in POKJA {
        chosen.push(
            official_actor(store, username)
                .await?
                .user()
                .ok_or_else(|| anyhow!("member"))?
                .user_id,
        );
    }
    super::hand_over(app, tenant, package.id, PPK, ULP).await?;
    let ulp = official_actor(store, ULP).await?;
    lelang_app::pokja::assign(app, &ulp, tenant, package.id, &chosen).await?;
    let mut members = Vec::new();
    for m in &chosen {
        let u = store.user(*m).await?.ok_or_else(|| anyhow!("member"))?;
        let actor = official_actor(store, &u.username).await?;
        lelang_app::pokja::declare(app, &actor, tenant, package.id).await?;
        members.push((u.username, actor));
    }
    let lead = members[0].1.clone();
    let offset = time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)?;
    let actors: Vec<Actor> = members.iter().map(|(_, a)| a.clone()).collect();
    let (tender, key) = announce(app, docs, tenant, &package, &actors).await?;
    let loaded = lelang_app::tender::load(app, &lead, tenant.clone(), package.id).await?;

    // The companies register and seal their bids the day before the deadline.
    clock.ticking(
        tender.submission_deadline - Duration::days(1),
        Duration::seconds(1),
    );
    let recipient = key.recipient().ok_or_else(|| anyhow!("no tender key"))?;
    for (username, lines) in p.bids {
        let (actor, vendor) = vendor_actor(store, username).await?;
        lelang_app::tender::join(app, &actor, vendor, package.id).await?;
        let company = store.vendor(vendor).await?.map(|v| v.name).unwrap_or_default();
        let plain = bid_archive(package.id, vendor, &company, &schedule(lines)?)?;
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
    if p.reached == Reached::Cancelled {
        // The budget holder cancels before the deadline: the bid stays sealed and is never opened.
        let pa = official_actor(store, PA).await?;
        lelang_app::cancellation::cancel(
            app,
            &pa,
            package.id,
            lelang_core::cancellation::Ground::BudgetUnavailable,
            CANCEL_REASON,
        )
        .await?;
        return Ok(());
    }
    // The deadline passes: the submission closes.
    clock.ticking(tender.submission_deadline, Duration::seconds(1));
    let closing = lelang_core::submission::close_submission(&tender, false, &app.cx())?;
    if let Some(change) = closing {
        app.commit(change).await?;
    }
    if p.reached == Reached::ReadyToOpen {
        return Ok(());
    }

    // After the grace window, two members open: each computes partials on its own side.
    let grace = lelang_core::submission::grace(lelang_app::rules::of(&package)?);
    clock.ticking(
        tender.submission_deadline + grace + Duration::minutes(5),
        Duration::seconds(1),
    );
    let started = lelang_app::opening::start_closed(app, docs, &lead, &loaded).await?;
    let (c, mut o) = (started.ceremony, started.opening);
    for (username, actor) in members.iter().take(usize::from(c.threshold)) {
        let user = actor.user().ok_or_else(|| anyhow!("member"))?;
        let i = c.index_of(user.user_id).ok_or_else(|| anyhow!("not a member"))?;
        let now = app.clock.now();
        let partials = member::partials(&c, &o, i, &member_identity(username)?, now, now)
            .map_err(|e| anyhow!("{e:?}"))?;
        o = match sealing::submit_partials(actor, &c, &o, partials, &app.cx())? {
            PartialsDecision::Accepted(n, change) => {
                app.commit(change).await?;
                n
            }
            PartialsDecision::Rejected { .. } => return Err(anyhow!("demo partials rejected")),
        };
    }
    let limits = lelang_app::opening::Limits {
        max_bid_bytes: u64::MAX,
        max_document_bytes: u64::MAX,
    };
    let local_now = app
        .clock
        .now()
        .to_offset(offset)
        .format(time::macros::format_description!(
            "[day]-[month]-[year] [hour]:[minute]"
        ))?;
    lelang_app::opening::finish(
        app,
        docs,
        &lelang_app::opening::Unbounded,
        limits,
        &lead,
        &loaded,
        &c,
        &o,
        &local_now,
    )
    .await?;

    // The next working morning the pokja evaluates.
    clock.ticking(app.clock.now() + Duration::days(1), Duration::seconds(1));
    let e = lelang_app::evaluation::begin(app, &lead, &loaded).await?;
    let vote = |m: usize, proposal: Proposal| {
        let actor = members[m].1.clone();
        let minutes = lelang_app::evaluation::MinutesStore {
            blobs: docs,
            max_bytes: u64::MAX,
        };
        async move { lelang_app::evaluation::vote(app, minutes, &actor, package.id, &proposal, true, None).await }
    };
    match p.reached {
        Reached::Failed => {
            let fail = Proposal::Fail {
                reason: FailureReason::AllAboveHps,
                note: "Seluruh penawaran terkoreksi melebihi HPS; tender diulang.".into(),
            };
            vote(0, fail.clone()).await?;
            vote(1, fail).await?;
        }
        Reached::Evaluating => {
            // The lowest bid (Ijen, 740,000,000: under 80 % of HPS) waits for its clarification.
            let low = e.candidates()[0];
            for step in [Step::Administrative, Step::Technical] {
                for (_, actor) in members.iter().take(2) {
                    lelang_app::evaluation::find(
                        app,
                        actor,
                        package.id,
                        low,
                        step,
                        true,
                        None,
                        "Lengkap dan sesuai.",
                    )
                    .await?;
                }
            }
        }
        Reached::Awarded
        | Reached::Objected
        | Reached::Appealed
        | Reached::Contracted
        | Reached::Executing
        | Reached::Finished => {
            // Each candidate through every step, by the first two members; the third dissents once.
            for bid in e.candidates() {
                for step in [
                    Step::Administrative,
                    Step::Technical,
                    Step::Price,
                    Step::Qualification,
                ] {
                    for (_, actor) in members.iter().take(2) {
                        lelang_app::evaluation::find(
                            app,
                            actor,
                            package.id,
                            bid,
                            step,
                            true,
                            None,
                            "Memenuhi persyaratan.",
                        )
                        .await?;
                    }
                }
                let meeting = app.clock.now() + Duration::hours(2);
                lelang_app::evaluation::schedule_proof(
                    app,
                    &lead,
                    package.id,
                    bid,
                    meeting,
                    "Kantor UKPBJ Kabupaten Banyuwangi",
                )
                .await?;
                clock.ticking(meeting + Duration::minutes(30), Duration::seconds(1));
                for (_, actor) in members.iter().take(2) {
                    lelang_app::evaluation::find(
                        app,
                        actor,
                        package.id,
                        bid,
                        Step::Proof,
                        true,
                        None,
                        "Dokumen asli sesuai.",
                    )
                    .await?;
                }
            }
            let dissent = e.candidates()[0];
            lelang_app::evaluation::find(
                app,
                &members[2].1,
                package.id,
                dissent,
                Step::Technical,
                false,
                None,
                "Metode pelaksanaan kurang rinci untuk pekerjaan di musim hujan.",
            )
            .await?;
            vote(0, Proposal::Award).await?;
            vote(1, Proposal::Award).await?;
            after_award(app, clock, &lead, package.id, p.reached, present).await?;
        }
        Reached::ReadyToOpen | Reached::Cancelled => {}
    }
    Ok(())
}

/// What follows the award in the demo: an objection answered (rejected), an objection still in
/// its period, or — no objection — the letter of award, the contract, its guarantee, both
/// signatures and the work order.
async fn after_award(
    app: &App,
    clock: &FixedClock,
    lead: &Actor,
    package: lelang_core::PackageId,
    reached: Reached,
    present: time::OffsetDateTime,
) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    let e = store
        .evaluation(package)
        .await?
        .ok_or_else(|| anyhow!("evaluation"))?;
    let w = lelang_app::objection::window(app, &e)
        .await?
        .ok_or_else(|| anyhow!("no objection window"))?;
    match reached {
        Reached::Awarded | Reached::Objected | Reached::Appealed => {
            // The next day the bidder the correction moved behind objects.
            clock.ticking(app.clock.now() + Duration::days(1), Duration::seconds(1));
            let (objector, _) = vendor_actor(store, "vendor.blambangan").await?;
            lelang_app::objection::file(app, &objector, package, OBJECTION).await?;
            if reached != Reached::Objected {
                // Once the period ends (the server's timer puts its end on the log), the pokja
                // answers: the correction stands.
                clock.ticking(w.closes + Duration::hours(17), Duration::seconds(1));
                lelang_app::period::fire(app, package).await?;
                let filed = store.objections(package).await?;
                let o = filed.first().ok_or_else(|| anyhow!("the objection"))?;
                lelang_app::objection::answer(app, lead, package, o.id, false, OBJECTION_ANSWER).await?;
                if reached == Reached::Appealed {
                    // The next morning the bidder appeals, with its guarantee of 1 % of HPS.
                    clock.ticking(app.clock.now() + Duration::hours(20), Duration::seconds(1));
                    let p = store.package(package).await?.ok_or_else(|| anyhow!("package"))?;
                    let rules = lelang_app::rules::of(&p)?;
                    let g = lelang_core::appeal::Guarantee {
                        issuer: "Bank Jatim Cabang Genteng".into(),
                        number: "JSB-2026-0042".into(),
                        amount: rules.appeal_guarantee(p.owner_estimate),
                        valid_until: (app.clock.now() + Duration::days(30)).date(),
                    };
                    lelang_app::appeal::file(app, &objector, package, APPEAL, g).await?;
                }
            }
        }
        Reached::Contracted | Reached::Executing | Reached::Finished => {
            // No objection: the morning after the period the PPK issues the letter of award,
            // the winner accepts, and the contract follows over the next days.
            clock.ticking(w.closes + Duration::hours(17), Duration::seconds(1));
            lelang_app::period::fire(app, package).await?;
            let ppk = official_actor(store, PPK).await?;
            lelang_app::award_letter::issue(app, &ppk, package, "027/SPPBJ/DPU-PENGAIRAN/2026").await?;
            let letters = store
                .award_letters(package)
                .await?
                .ok_or_else(|| anyhow!("letters"))?;
            let winner = letters
                .pending()
                .ok_or_else(|| anyhow!("no letter pending"))?
                .vendor_id;
            let username = if store
                .vendor(winner)
                .await?
                .is_some_and(|v| v.name.contains("Ijen"))
            {
                "vendor.ijen"
            } else {
                "vendor.blambangan"
            };
            let (company, _) = vendor_actor(store, username).await?;
            lelang_app::award_letter::respond(app, &company, package, true, None).await?;
            clock.ticking(app.clock.now() + Duration::days(1), Duration::seconds(1));
            let c = lelang_app::contract::draft(
                app,
                &ppk,
                package,
                lelang_core::contract::Kind::UnitPrice,
                "027/KONTRAK/DPU-PENGAIRAN/2026",
                if reached == Reached::Finished { 30 } else { 120 },
            )
            .await?;
            if let Some(required) = c.guarantee_required {
                let g = lelang_core::appeal::Guarantee {
                    issuer: "Bank Jatim Cabang Banyuwangi".into(),
                    number: "JP-2026-0117".into(),
                    amount: required,
                    valid_until: (app.clock.now() + Duration::days(240)).date(),
                };
                lelang_app::contract::guarantee(app, &company, package, g).await?;
            }
            lelang_app::contract::sign(app, &company, package).await?;
            lelang_app::contract::sign(app, &ppk, package).await?;
            let start = (app.clock.now() + Duration::days(2)).date();
            lelang_app::contract::work_order(app, &ppk, package, "027/SPMK/DPU-PENGAIRAN/2026", start)
                .await?;
            if reached != Reached::Contracted {
                execute(
                    app,
                    clock,
                    &ppk,
                    &company,
                    package,
                    reached == Reached::Finished,
                    present,
                )
                .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The execution of a started contract: milestones planned on its first day; the first reported
/// complete, accepted and paid; then either the second reported part done and now late
/// (`finished` false), or every milestone done and paid, the handover, and the company rated.
async fn execute(
    app: &App,
    clock: &FixedClock,
    ppk: &Actor,
    company: &Actor,
    package: lelang_core::PackageId,
    finished: bool,
    present: time::OffsetDateTime,
) -> anyhow::Result<()> {
    use lelang_app::execution as x;
    use lelang_core::execution::{Marks, Planned};
    let c = app
        .store
        .contract(package)
        .await?
        .ok_or_else(|| anyhow!("contract"))?;
    let start = c.work_order.as_ref().ok_or_else(|| anyhow!("work order"))?.start;
    let end = c.end().ok_or_else(|| anyhow!("end"))?;
    // 10:00 WIB of day `d` after the start; never past the demo's present.
    let at = |d: i64| -> anyhow::Result<()> {
        let t = time::PrimitiveDateTime::new(start + Duration::days(d), time::macros::time!(10:00))
            .assume_offset(time::macros::offset!(+7));
        anyhow::ensure!(t < present, "the demo's execution would pass the present");
        clock.ticking(t, Duration::seconds(1));
        Ok(())
    };
    let days = (end - start).whole_days();
    let first = c.value * 3 / 10;
    let plan = if finished {
        vec![
            Planned {
                title: "Pembersihan sedimen dan galian".into(),
                amount: first,
                due: start + Duration::days(14),
            },
            Planned {
                title: "Perbaikan pasangan dan pembersihan akhir".into(),
                amount: c.value - first,
                due: end,
            },
        ]
    } else {
        let second = c.value * 4 / 10;
        vec![
            Planned {
                title: "Galian dan normalisasi saluran".into(),
                amount: first,
                due: start + Duration::days(10),
            },
            Planned {
                title: "Pasangan batu kali".into(),
                amount: second,
                due: start + Duration::days(20),
            },
            Planned {
                title: "Plesteran dan pembersihan akhir".into(),
                amount: c.value - first - second,
                due: end,
            },
        ]
    };
    let first_due = (plan[0].due - start).whole_days();
    at(0)?;
    x::plan(app, ppk, package, plan).await?;
    at(first_due - 1)?;
    x::report(
        app,
        company,
        package,
        1,
        100,
        "Pekerjaan termin pertama selesai seluruhnya.",
    )
    .await?;
    at(first_due)?;
    x::accept(app, ppk, package, 1, "027/BA-PEMERIKSAAN/DPU-PENGAIRAN/01").await?;
    at(first_due + 2)?;
    x::pay(app, ppk, package, 1, "SP2D-00873").await?;
    if !finished {
        at(19)?;
        x::report(
            app,
            company,
            package,
            2,
            70,
            "Pasangan batu kali 70 %: hujan menghentikan pekerjaan empat hari.",
        )
        .await?;
        return Ok(());
    }
    at(days - 1)?;
    x::report(app, company, package, 2, 100, "Seluruh pekerjaan selesai.").await?;
    at(days)?;
    x::accept(app, ppk, package, 2, "027/BA-PEMERIKSAAN/DPU-PENGAIRAN/02").await?;
    at(days + 1)?;
    x::hand_over(app, ppk, package, "027/BAST/DPU-PENGAIRAN/2026").await?;
    at(days + 2)?;
    x::pay(app, ppk, package, 2, "SP2D-00991").await?;
    let marks = Marks {
        quality: 3,
        cost: 3,
        time: 2,
        service: 3,
    };
    x::rate(app, ppk, package, marks).await?;
    Ok(())
}

/// Sets a package's tender up from today, declares its requirements, publishes its document, runs
/// its key ceremony and announces it: what each of this year's tenders went through.
async fn announce(
    app: &App,
    docs: &dyn BlobStore,
    tenant: &lelang_core::model::Tenant,
    package: &lelang_core::package::Package,
    members: &[Actor],
) -> anyhow::Result<(lelang_core::tender::PublicTender, lelang_core::sealing::Ceremony)> {
    let store = app.store.as_ref();
    let ppk = official_actor(store, PPK).await?;
    let lead = members.first().ok_or_else(|| anyhow!("no members"))?.clone();
    let assignment = store
        .pokja_assignment(package.id)
        .await?
        .ok_or_else(|| anyhow!("pokja"))?;
    let loaded = lelang_app::tender::load(app, &lead, tenant.clone(), package.id).await?;
    let offset = time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)?;
    let today = app.clock.now().to_offset(offset).date();
    lelang_app::tender::set_up(
        app,
        &lead,
        &loaded,
        Method::Tender,
        EvaluationMethod::SistemGugur,
        today,
    )
    .await?;
    // Irrigation works (KBLI 42911) or civil engineering (42101), one contract of half a billion in
    // four years, and a clean tax standing: the demo companies' profiles meet them.
    let loaded = lelang_app::tender::load(app, &lead, tenant.clone(), package.id).await?;
    lelang_app::tender::declare_requirements(
        app,
        &lead,
        &loaded,
        lelang_core::qualification::Requirements {
            kbli: vec!["42101".into(), "42911".into()],
            min_experience_value: Some(500_000_000),
            experience_years: 4,
            tax: true,
            ..Default::default()
        },
    )
    .await?;
    let pdf = tiny_pdf(
        &format!("Dokumen Pemilihan: {}", package.name),
        &[
            &tenant.name,
            &format!("Lokasi: {}", package.location),
            "Dokumen contoh untuk demo lelang.",
        ],
    );
    let (sha256, size) = store_bytes(docs, &pdf).await?;
    lelang_app::document::publish::<anyhow::Error, _>(
        app,
        &ppk,
        package,
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
    let key = ceremony(app, package.id, &assignment, members).await?;
    let loaded = lelang_app::tender::load(app, &lead, tenant.clone(), package.id).await?;
    let tender = lelang_app::tender::announce(app, &lead, &loaded).await?;
    Ok((tender, key))
}
