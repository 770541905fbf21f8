//! The demo's disputes, as history: Banyuwangi records its MoU with the police; an anonymous
//! citizen's complaint about the Kalibendo contract is mediated with the PPK and settled by an
//! agreement; a company's objection that came too late arrives as a complaint; an anonymous
//! bribery complaint about the Sumberwadung tender is escalated to the police under the MoU and the
//! officer reads it (each read logged). The real commands run under a stepping clock.

use super::official_actor;
use super::tenders::vendor_actor;
use anyhow::{Context, anyhow};
use lelang_app::App;
use lelang_app::complaint::Step;
use lelang_core::FixedClock;
use lelang_core::case::NewMou;
use lelang_core::complaint::mediation::{Conclusion, Held, PartyKind};
use lelang_core::complaint::{Category, Decision, Filing, Follower, Subject};
use lelang_core::policy::Actor;
use std::sync::Arc;
use time::Duration;

const SLUG: &str = "banyuwangi";

/// Loads the disputes once (a second load finds the MoU and stops).
pub(super) async fn load(app: &App) -> anyhow::Result<()> {
    let store = app.store.as_ref();
    let tenant = store
        .tenant_by_slug(SLUG)
        .await?
        .ok_or_else(|| anyhow!("no regency {SLUG}"))?;
    if !store.mous(tenant.id).await?.is_empty() {
        return Ok(());
    }
    let now = app.clock.now();
    let clock = Arc::new(FixedClock::new(now));
    let past = App::new(app.store.clone(), clock.clone(), app.fresh.clone());
    let at = |days: i64, hours: i64| {
        clock.ticking(
            now - Duration::days(days) + Duration::hours(hours),
            Duration::seconds(1),
        );
    };
    let ulp = official_actor(store, "bwi.ulp").await?;
    let apip = official_actor(store, "bwi.apip").await?;
    let ppk = official_actor(store, "bwi.ppk.dpu").await?;
    let aph = official_actor(store, "bwi.aph").await?;
    let package = |name: &'static str| async move {
        store
            .packages(tenant.id)
            .await?
            .into_iter()
            .find(|p| p.name == name && p.repeat_of.is_none())
            .ok_or_else(|| anyhow!("no package {name}"))
    };
    let kalibendo = package("Pemeliharaan Saluran Primer Kalibendo").await?;
    let sumberwadung = package("Rehabilitasi Bendung Sumberwadung").await?;
    let tamansuruh = package("Rehabilitasi Saluran Tersier Desa Tamansuruh").await?;

    // The MoU with the police, in force for the year and the next.
    at(30, 0);
    let year = now.year();
    let mou = lelang_app::case::record_mou(
        &past,
        &ulp,
        tenant.id,
        NewMou {
            number: format!("180/27/429.011/{year}"),
            counterpart: "Kepolisian Resor Banyuwangi".into(),
            scope: "Koordinasi pengawasan dan penanganan pengaduan serta perkara pengadaan barang/jasa \
                    pemerintah daerah; mediasi didahulukan sebelum proses hukum."
                .into(),
            valid_from: time::Date::from_calendar_date(year, time::Month::January, 1)?,
            valid_until: time::Date::from_calendar_date(year + 1, time::Month::December, 31)?,
            officers: vec![aph.user().ok_or_else(|| anyhow!("aph"))?.user_id],
        },
    )
    .await
    .context("demo: the MoU")?;

    // An anonymous citizen complains about the Kalibendo works; mediated and settled.
    at(20, 0);
    let (c, code) = lelang_app::complaint::file(
        &past,
        &Actor::Anonymous,
        Filing {
            tenant_id: tenant.id,
            category: Category::Contract,
            subject: Subject::Contract(kalibendo.id),
            text: "Pekerjaan saluran di Kalibendo meninggalkan tumpukan lumpur di jalan desa selama dua \
                   minggu dan warga tidak tahu kepada siapa harus melapor."
                .into(),
            anonymous: true,
            identity: None,
        },
    )
    .await
    .context("demo: the citizen's complaint")?;
    at(19, 2);
    lelang_app::complaint::triage(
        &past,
        &apip,
        tenant.id,
        c.id,
        Decision::Accept,
        "Diterima. Inspektorat akan memfasilitasi mediasi dengan PPK Dinas PU.",
        None,
    )
    .await?;
    let me = apip.user().ok_or_else(|| anyhow!("apip"))?.user_id;
    lelang_app::complaint::open_mediation(&past, &apip, tenant.id, c.id, me, &[PartyKind::Ppk], None).await?;
    let session = now - Duration::days(17);
    lelang_app::complaint::mediate(
        &past,
        &apip,
        tenant.id,
        c.id,
        Step::Schedule {
            at: session,
            place: "Ruang rapat Inspektorat Kabupaten Banyuwangi".into(),
        },
    )
    .await?;
    at(17, 2);
    lelang_app::complaint::mediate(
        &past,
        &apip,
        tenant.id,
        c.id,
        Step::Record(Held {
            attended: vec![PartyKind::Complainant, PartyKind::Ppk],
            positions: vec![
                (
                    PartyKind::Complainant,
                    "Lumpur galian menutup jalan desa dan membahayakan pengendara.".into(),
                ),
                (
                    PartyKind::Ppk,
                    "Penyedia akan diminta membersihkan dan memasang rambu.".into(),
                ),
            ],
            minutes: "Mediasi dihadiri pengadu (anonim, melalui kode) dan PPK Dinas PU. Para pihak sepakat \
                      lumpur dibersihkan dan rambu dipasang; PPK menyampaikan hasilnya kepada pengadu."
                .into(),
        }),
    )
    .await?;
    lelang_app::complaint::approve(&past, &Actor::Anonymous, Follower::Code(&code), c.id).await?;
    lelang_app::complaint::approve(&past, &ppk, Follower::Actor(&ppk), c.id).await?;
    lelang_app::complaint::mediate(
        &past,
        &apip,
        tenant.id,
        c.id,
        Step::Conclude(Conclusion::Agreement(vec![
            (
                PartyKind::Ppk,
                "Memerintahkan penyedia membersihkan lumpur dan memasang rambu.".into(),
                now - Duration::days(10),
            ),
            (
                PartyKind::Ppk,
                "Menyampaikan foto hasil pembersihan kepada pengadu.".into(),
                now + Duration::days(5),
            ),
        ])),
    )
    .await?;
    at(12, 0);
    lelang_app::complaint::action_done(&past, &ppk, Follower::Actor(&ppk), c.id, 0).await?;

    // A company that did not object in time sends its objection as a complaint.
    at(8, 3);
    let (vendor, _) = vendor_actor(store, "vendor.ijen").await?;
    lelang_app::complaint::file(
        &past,
        &vendor,
        Filing {
            tenant_id: tenant.id,
            category: Category::LateObjection,
            subject: Subject::Tender(tamansuruh.id),
            text: "Kami terlambat mengajukan sanggah karena gangguan jaringan pada hari terakhir masa \
                   sanggah; kami mohon APIP memeriksa koreksi aritmetik penawaran kami."
                .into(),
            anonymous: false,
            identity: None,
        },
    )
    .await
    .context("demo: the late objection")?;

    // An anonymous bribery complaint about Sumberwadung goes to the police under the MoU.
    at(5, 0);
    let (bribe, _) = lelang_app::complaint::file(
        &past,
        &Actor::Anonymous,
        Filing {
            tenant_id: tenant.id,
            category: Category::Bribery,
            subject: Subject::Tender(sumberwadung.id),
            text: "Ada pihak yang mengaku dapat mengatur hasil evaluasi tender bendung Sumberwadung \
                   dengan imbalan sejumlah uang."
                .into(),
            anonymous: true,
            identity: None,
        },
    )
    .await?;
    at(4, 0);
    let case = lelang_app::case::escalate(
        &past,
        &ulp,
        tenant.id,
        lelang_app::case::Escalate {
            mou: mou.id,
            complaint: Some(bribe.id),
            summary: "Dugaan tawaran suap untuk mengatur hasil evaluasi tender Rehabilitasi Bendung \
                      Sumberwadung."
                .into(),
            packages: vec![sumberwadung.id],
            officers: vec![aph.user().ok_or_else(|| anyhow!("aph"))?.user_id],
            closes: now + Duration::days(25),
        },
    )
    .await
    .context("demo: the case")?;
    at(3, 0);
    let (c, m) = lelang_app::case::open_as_officer(&past, &aph, tenant.id, case.id).await?;
    lelang_app::case::log_read(
        &past,
        &aph,
        &c,
        &m,
        Some(sumberwadung.id),
        "package, estimate, documents, events",
    )
    .await?;
    Ok(())
}
