//! A real headless Chromium signs in as every demo role and sees that role's home page; an
//! anonymous visitor switches language; a regency administrator uses a form. Screenshots go to
//! `target/screenshots/` (CI keeps them as artifacts).
//!
//! Needs Debian's `chromium` and `chromium-driver`. Without them the test says it is skipped; in
//! CI (`CI` set) it fails instead.

mod common;

#[path = "browser/dashboard.rs"]
mod dashboard;
#[path = "browser/disputes.rs"]
mod disputes;

use common::TestApp;
use lelang::demo::DEMO_PASSWORD;
use lelang_core::role::Role;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

fn start_chromedriver() -> Option<(Driver, u16)> {
    let bin = std::env::var("LELANG_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !Path::new(&bin).exists() || !Path::new("/usr/bin/chromium").exists() {
        lelang_store_tests::skip(
            "browser tests",
            "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)",
        );
        return None;
    }
    let port = free_port();
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((Driver(child), port))
}

async fn browser(port: u16, profile: &Path) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary("/usr/bin/chromium").expect("binary");
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,1000",
    ] {
        caps.add_arg(arg).expect("arg");
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.display()))
        .expect("profile");
    // An Indonesian official's browser.
    caps.add_arg("--lang=id").expect("lang");
    caps.add_experimental_option("prefs", serde_json::json!({"intl.accept_languages": "id,en"}))
        .expect("prefs");
    WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
        .await
        .expect("webdriver session")
}

async fn serve(app: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = app.router.clone();
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    addr
}

fn demo_user(role: Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "admin",
        Role::TenantAdmin => "bwi.admin",
        Role::UlpHead => "bwi.ulp",
        Role::PokjaMember => "bwi.pokja1",
        Role::CommitmentOfficer => "bwi.ppk.dpu",
        Role::BudgetHolder => "tgl.pa.dpupr",
        Role::Vendor => "vendor.blambangan",
        Role::Auditor => "bwi.apip",
        Role::LawEnforcement => "tgl.aph",
    }
}

async fn sign_in(d: &WebDriver, app: &TestApp, base: &str, username: &str) -> WebDriverResult<()> {
    d.goto(format!("{base}/login")).await?;
    // A browser that passed the second step for this user before keeps its trusted-device cookie
    // (the tests clear cookies between users; a code is good once, and the test clock stands).
    if let Some(c) = app.second_factors.remembered(username) {
        d.add_cookie(thirtyfour::Cookie::new("lelang_2fa_device", c))
            .await?;
    }
    d.find(By::Id("username")).await?.send_keys(username).await?;
    d.find(By::Id("password")).await?.send_keys(DEMO_PASSWORD).await?;
    d.find(By::Id("login-submit")).await?.click().await?;
    second_step(d, app, username).await
}

/// The second step, when the page asks for it: the code of the user's key (the demo's), typed as
/// a person reads it off their phone; the device is then trusted.
async fn second_step(d: &WebDriver, app: &TestApp, username: &str) -> WebDriverResult<()> {
    // Wait for the next page: a home page, the second step, or the sign-in page with its error.
    d.query(By::Css("h1[data-role], #second-factor-submit, .errors"))
        .first()
        .await?;
    if !d.current_url().await?.path().starts_with("/login/second-factor") {
        return Ok(());
    }
    let key = app.second_factors.key_of(username);
    let code = app.second_factors.code(&key);
    d.find(By::Id("code")).await?.send_keys(&code).await?;
    if let Ok(remember) = d.find(By::Id("remember")).await {
        remember.click().await?;
    }
    d.find(By::Id("second-factor-submit")).await?.click().await?;
    d.query(By::Css("h1[data-role]")).first().await?;
    if let Ok(c) = d.get_named_cookie("lelang_2fa_device").await {
        app.second_factors.remember(username, c.value.clone());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_signs_in_and_sees_its_home_page() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let tenant = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("tenant");
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let result: WebDriverResult<()> = async {
        // The public landing page, in Indonesian, then in English by the language switch.
        d.goto(&base).await?;
        let h1 = d.query(By::Css("h1")).first().await?.text().await?;
        assert_eq!(h1, "Pengadaan yang aman dan selalu lancar");
        d.screenshot(&shots.join("landing-id.png")).await?;
        d.find(By::Id("lang-select")).await?.send_keys("English").await?;
        d.find(By::Css("form[action='/lang'] button"))
            .await?
            .click()
            .await?;
        d.query(By::XPath(
            "//h1[text()='Procurement that is safe and always runs smoothly']",
        ))
        .first()
        .await?;
        d.screenshot(&shots.join("landing-en.png")).await?;
        // The open data page, linked from every page's footer.
        d.find(By::Id("footer-open-data")).await?.click().await?;
        d.query(By::XPath("//h1[text()='Open data (OCDS 1.1.5)']")).first().await?;
        d.find(By::Id("od-releases-link")).await?;
        d.screenshot(&shots.join("open-data-en.png")).await?;
        // Keyboard users reach the skip link first.
        d.find(By::Tag("body")).await?.send_keys(Key::Tab).await?;
        let focused = d.active_element().await?;
        assert_eq!(focused.class_name().await?.as_deref(), Some("skip"));

        for role in Role::ALL {
            d.delete_all_cookies().await?;
            sign_in(&d, &app, &base, demo_user(role)).await?;
            let h1 = d.query(By::Css("h1[data-role]")).first().await?;
            assert_eq!(
                h1.attr("data-role").await?.as_deref(),
                Some(role.code()),
                "{role:?}"
            );
            assert!(d.current_url().await?.path() == "/home");
            assert!(d.find(By::Id("sign-out")).await.is_ok());
            d.screenshot(&shots.join(format!("home-{}.png", role.code())))
                .await?;
            d.find(By::Id("sign-out")).await?.click().await?;
            d.query(By::Id("sign-in")).first().await?;
        }

        // A regency administrator adds a work unit through the form (hx-boost navigation).
        d.delete_all_cookies().await?;
        sign_in(&d, &app, &base, "bwi.admin").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/work-units")).await?;
        d.find(By::Id("code")).await?.send_keys("BAPPEDA").await?;
        d.find(By::Id("name"))
            .await?
            .send_keys("Badan Perencanaan Pembangunan Daerah")
            .await?;
        d.find(By::Css("form[action='/t/banyuwangi/work-units'] button"))
            .await?
            .click()
            .await?;
        let flash = d.query(By::Css(".flash")).first().await?.text().await?;
        assert!(
            flash == "Unit kerja ditambahkan." || flash == "Work unit added.",
            "{flash}"
        );
        assert!(d.source().await?.contains("Badan Perencanaan Pembangunan Daerah"));
        // A broken rule comes back as a form error beside the form.
        d.find(By::Id("code")).await?.send_keys("kode salah!").await?;
        d.find(By::Id("name")).await?.send_keys("Unit").await?;
        d.find(By::Css("form[action='/t/banyuwangi/work-units'] button"))
            .await?
            .click()
            .await?;
        d.query(By::Css(".errors")).first().await?;
        d.screenshot(&shots.join("work-units-error.png")).await?;
        d.goto(format!("{base}/account")).await?;
        d.screenshot(&shots.join("account.png")).await?;
        // The procurement plan: the PPK enters an item, the budget holder announces, the public sees it.
        d.delete_all_cookies().await?;
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/plan")).await?;
        d.find(By::Id("plan-name")).await?.send_keys("Rehabilitasi Jembatan Kali Setail").await?;
        d.find(By::Id("plan-category")).await?.send_keys("Pekerjaan konstruksi").await?;
        d.find(By::Id("plan-pagu")).await?.send_keys("2.750.000.000").await?;
        d.find(By::Css("#plan-method option[value='tender']")).await?.click().await?;
        d.execute(
            "document.getElementById('plan-start').value='2026-12-01'; document.getElementById('plan-end').value='2026-12-31';",
            vec![],
        )
        .await?;
        d.find(By::Css("form[action='/t/banyuwangi/plan/items'] button")).await?.click().await?;
        let flash = d.query(By::Css(".flash")).first().await?.text().await?;
        assert_eq!(flash, "Paket rencana ditambahkan.");
        d.screenshot(&shots.join("plan-ppk.png")).await?;
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;
        d.delete_all_cookies().await?;
        sign_in(&d, &app, &base, "bwi.pa.dpu").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/plan")).await?;
        d.find(By::Id("announce-plan")).await?.click().await?;
        let flash = d.query(By::Css(".flash")).first().await?.text().await?;
        assert!(flash.starts_with("Rencana diumumkan"), "{flash}");
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;
        d.delete_all_cookies().await?;
        d.goto(format!("{base}/t/banyuwangi/plan")).await?;
        let public = d.source().await?;
        assert!(public.contains("Rehabilitasi Jembatan Kali Setail"), "the public sees the announced item");
        assert!(public.contains("Rp2.750.000.000"));
        d.screenshot(&shots.join("plan-public.png")).await?;

        // The PPK prepares a package from an announced plan item; the breakdown is theirs to see.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/packages")).await?;
        d.find(By::Id("pkg-location")).await?.send_keys("Desa Kedungasri, Kecamatan Tegaldlimo").await?;
        d.find(By::Id("pkg-breakdown")).await?.send_keys("Pekerjaan tanah; 300; m3; 150.000\nBeton K-250; 40; m3; 1.750.000").await?;
        d.find(By::Id("pkg-create")).await?.click().await?;
        assert_eq!(d.query(By::Css(".flash")).first().await?.text().await?, "Paket disiapkan.");
        assert!(d.source().await?.contains("Rp115.000.000"), "HPS = 45 jt + 70 jt");
        d.screenshot(&shots.join("packages-ppk.png")).await?;
        // It is handed over to the unit with its checklist (the hand-over's own scenario is
        // `from_package_to_addendum_as_new_users_would`).
        d.find(By::XPath("//tr[contains(., 'Rp115.000.000')]//a[contains(@href, '/handover')]"))
            .await?
            .click()
            .await?;
        d.query(By::Id("item-specification")).first().await?;
        for item in ["specification", "owner_estimate", "draft_contract", "budget_document"] {
            d.find(By::Id(format!("item-{item}"))).await?.send_keys("027/401/429.107/2026").await?;
        }
        d.find(By::Css("#handover-submit button")).await?.click().await?;
        self::flash(&d, "Paket diserahkan ke UKPBJ.").await?;
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;

        // The ULP head accepts it, then assigns a pokja, taking the suggested least-loaded
        // members; a member declares.
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.find(By::Css("#inbox a[href$='/handover']")).await?.click().await?;
        d.query(By::Id("handover-accept")).first().await?.click().await?;
        self::flash(&d, "Paket diterima. Pokja dapat ditetapkan.").await?;
        d.goto(format!("{base}/t/banyuwangi/pokja")).await?;
        d.screenshot(&shots.join("pokja-ulp.png")).await?;
        let assigned_before: Vec<_> = app
            .store
            .pokja_assignments(tenant.id)
            .await
            .expect("q")
            .into_iter()
            .map(|a| a.package_id)
            .collect();
        d.find(By::Css("button.assign")).await?.click().await?;
        assert_eq!(d.query(By::Css(".flash")).first().await?.text().await?, "Pokja ditetapkan.");
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;
        // One of the members the ULP head took (the least loaded) declares. (The clock stands
        // still: the new assignment is the one that was not there before, not the latest.)
        let newest = app
            .store
            .pokja_assignments(tenant.id)
            .await
            .expect("q")
            .into_iter()
            .find(|a| !assigned_before.contains(&a.package_id))
            .expect("assigned");
        let member = app
            .store
            .user(newest.members[0])
            .await
            .expect("q")
            .expect("user")
            .username;
        sign_in(&d, &app, &base, &member).await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/pokja")).await?;
        d.find(By::Css("button.declare")).await?.click().await?;
        assert_eq!(
            d.query(By::Css(".flash")).first().await?.text().await?,
            "Pernyataan tidak ada benturan kepentingan dicatat."
        );
        d.screenshot(&shots.join("pokja-member.png")).await?;
        // The member sets the tender's method and schedule, then moves the upload deadline.
        d.find(By::LinkText("Rehabilitasi Jembatan Kali Setail")).await?.click().await?;
        d.query(By::Id("tender-first-day")).first().await?;
        d.execute("document.getElementById('tender-first-day').value='2026-11-16';", vec![]).await?;
        d.find(By::Id("tender-submit")).await?.click().await?;
        assert_eq!(d.query(By::Css(".flash")).first().await?.text().await?, "Metode dan jadwal ditetapkan.");
        let end = d.find(By::Css("tr[data-stage='submission'] .stage-end")).await?.text().await?;
        assert_eq!(end, "2026-11-24 16:00 WIB");
        d.find(By::Css("#change-stage option[value='submission']")).await?.click().await?;
        d.execute("document.getElementById('change-day').value='2026-11-27';", vec![]).await?;
        d.find(By::Id("change-reason")).await?.send_keys("Adendum spesifikasi teknis jembatan").await?;
        d.find(By::Id("change-submit")).await?.click().await?;
// Wait for the new page: the old one carries a flash message too.
        d.query(By::XPath("//p[@class='flash' and text()='Jadwal diubah dan diumumkan.']")).first().await?;
        let end = d.find(By::Css("tr[data-stage='submission'] .stage-end")).await?.text().await?;
        assert_eq!(end, "2026-11-27 16:00 WIB");
        d.screenshot(&shots.join("tender-schedule.png")).await?;
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;

        // The platform administrator keeps the working-day calendar.
        sign_in(&d, &app, &base, "admin").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/calendar?year=2026")).await?;
        d.execute("document.getElementById('day-date').value='2026-12-24';", vec![]).await?;
        d.find(By::Css("#day-kind option[value='cuti_bersama']")).await?.click().await?;
        d.find(By::Id("day-name")).await?.send_keys("Cuti bersama Hari Raya Natal").await?;
        d.find(By::Id("day-save")).await?.click().await?;
        assert_eq!(d.query(By::Css(".flash")).first().await?.text().await?, "Hari libur dicatat.");
        assert!(d.source().await?.contains("Cuti bersama Hari Raya Natal"));
        d.screenshot(&shots.join("calendar.png")).await?;
        d.find(By::Id("sign-out")).await?.click().await?;
        d.query(By::Id("sign-in")).first().await?;

        // The public log, as anyone sees it.
        d.delete_all_cookies().await?;
        d.goto(format!("{base}/log")).await?;
        let size: u64 = d
            .find(By::Id("log-size"))
            .await?
            .text()
            .await?
            .parse()
            .expect("a number");
        assert!(size > 60, "the demo's events are on the log: {size}");
        assert!(
            d.find(By::Id("log-vkey"))
                .await?
                .text()
                .await?
                .starts_with("test.lelang.local/log+")
        );
        assert!(
            !d.source().await?.contains("@banyuwangikab.go.id"),
            "no personal data on the public log"
        );
        d.screenshot(&shots.join("log.png")).await?;
        Ok(())
    }
    .await;
    let _ = d.quit().await;
    result.expect("browser scenario");
    let units = app
        .store
        .work_units(
            app.store
                .tenant_by_slug("banyuwangi")
                .await
                .expect("q")
                .expect("t")
                .id,
        )
        .await
        .expect("q");
    assert!(
        units.iter().any(|w| w.code == "BAPPEDA"),
        "the form's change is stored"
    );
}

async fn sign_out(d: &WebDriver) -> WebDriverResult<()> {
    d.find(By::Id("sign-out")).await?.click().await?;
    d.query(By::Id("sign-in")).first().await?;
    d.delete_all_cookies().await?;
    Ok(())
}

async fn flash(d: &WebDriver, text: &str) -> WebDriverResult<()> {
    d.query(By::XPath(format!("//p[@class='flash' and text()='{text}']")))
        .first()
        .await?;
    Ok(())
}

/// The scenario, as new users would do it in a browser: the PPK prepares a package and
/// uploads its tender document → the ULP head assigns the suggested least-loaded pokja → each
/// member declares no conflict → a member sets method and schedule and announces → an anonymous
/// visitor finds it by an Indonesian keyword → a company signs up, the regency verifies it, it
/// registers and asks → the pokja answers → an addendum is published and the vendor sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_package_to_addendum_as_new_users_would() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let files = tempfile::tempdir().expect("files");
    let spec = files.path().join("kak-konsultan-pengawas.pdf");
    std::fs::write(&spec, b"%PDF-1.4\n% KAK konsultan pengawas, versi 1\n").expect("spec");
    let addendum = files.path().join("kak-konsultan-pengawas-adendum-1.pdf");
    std::fs::write(&addendum, b"%PDF-1.4\n% KAK konsultan pengawas, adendum 1\n").expect("addendum");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let tenant = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("q")
        .expect("tenant");
    let result: WebDriverResult<()> = async {
        // The PPK prepares the package from the announced plan item and uploads the KAK.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/packages")).await?;
        d.find(By::Css("#pkg-item option"))
            .await?;
        let option = d
            .find(By::XPath("//select[@id='pkg-item']/option[contains(text(), 'Konsultan Pengawas')]"))
            .await?;
        option.click().await?;
        d.find(By::Id("pkg-location")).await?.send_keys("Kecamatan Rogojampi").await?;
        d.find(By::Id("pkg-breakdown"))
            .await?
            .send_keys("Tenaga ahli pengawas; 6; orang-bulan; 60.000.000")
            .await?;
        d.find(By::Id("pkg-create")).await?.click().await?;
        flash(&d, "Paket disiapkan.").await?;
        d.find(By::LinkText("Konsultan Pengawas Rehabilitasi Irigasi")).await?.click().await?;
        d.query(By::Id("doc-title")).first().await?;
        let package_path = d.current_url().await?.path().to_owned();
        d.find(By::Id("doc-title")).await?.send_keys("Kerangka Acuan Kerja").await?;
        d.find(By::Id("doc-file"))
            .await?
            .send_keys(spec.display().to_string())
            .await?;
        d.find(By::Id("doc-upload")).await?.click().await?;
        flash(&d, "Dokumen diterbitkan.").await?;
        assert!(d.source().await?.contains("kak-konsultan-pengawas.pdf"));
        d.screenshot(&shots.join("tender-documents-ppk.png")).await?;
        let package_id = package_path
            .trim_start_matches("/t/banyuwangi/packages/")
            .trim_end_matches("/tender")
            .to_owned();
        let handover = format!("/t/banyuwangi/packages/{package_id}/handover");

        // The PPK hands it over to the unit with the readiness checklist, from the packages list.
        d.goto(format!("{base}/t/banyuwangi/packages")).await?;
        d.find(By::Css(format!("a[href='{handover}']"))).await?.click().await?;
        d.query(By::Id("item-specification")).first().await?;
        for (item, reference) in [
            ("specification", "KAK No. 027/311/429.107/2026, 14 Oktober 2026"),
            ("owner_estimate", "Penetapan HPS No. 027/312/429.107/2026"),
            ("draft_contract", "Rancangan kontrak No. 027/313/429.107/2026"),
            ("budget_document", "DPA-SKPD 1.03.01 Tahun 2026"),
        ] {
            d.find(By::Id(format!("item-{item}"))).await?.send_keys(reference).await?;
        }
        d.find(By::Css("#handover-submit button")).await?.click().await?;
        flash(&d, "Paket diserahkan ke UKPBJ.").await?;
        sign_out(&d).await?;

        // The ULP head finds it in the inbox and returns it with a note.
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.find(By::Css(format!("#inbox a[href='{handover}']"))).await?.click().await?;
        d.query(By::Id("handover-checklist")).first().await?;
        d.find(By::Id("return-notes"))
            .await?
            .send_keys("Rancangan kontrak belum memuat jaminan pemeliharaan.")
            .await?;
        d.screenshot(&shots.join("handover-review.png")).await?;
        d.find(By::Css("#handover-return button")).await?.click().await?;
        flash(&d, "Paket dikembalikan ke PPK dengan catatan.").await?;
        sign_out(&d).await?;

        // The PPK reads the note, fixes the draft contract and hands it over again.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.find(By::Css(format!("#inbox a[href='{handover}']"))).await?.click().await?;
        let notes = d.query(By::Id("handover-notes")).first().await?.text().await?;
        assert!(notes.contains("jaminan pemeliharaan"), "{notes}");
        let contract = d.find(By::Id("item-draft_contract")).await?;
        contract.clear().await?;
        contract
            .send_keys("Rancangan kontrak No. 027/313/429.107/2026 (revisi 1)")
            .await?;
        d.find(By::Id("note"))
            .await?
            .send_keys("Pasal jaminan pemeliharaan 5% ditambahkan.")
            .await?;
        d.screenshot(&shots.join("handover-returned-ppk.png")).await?;
        d.find(By::Css("#handover-submit button")).await?.click().await?;
        flash(&d, "Paket diserahkan ke UKPBJ.").await?;
        sign_out(&d).await?;

        // The ULP head accepts it and, from there, assigns the pokja the system suggests (the
        // least loaded).
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.find(By::Css(format!("#inbox a[href='{handover}']"))).await?.click().await?;
        d.query(By::Id("handover-accept")).first().await?.click().await?;
        flash(&d, "Paket diterima. Pokja dapat ditetapkan.").await?;
        let steps = d.find_all(By::Css("#history + ol li")).await?;
        assert_eq!(steps.len(), 4, "submitted, returned, submitted, accepted");
        d.screenshot(&shots.join("handover-accepted.png")).await?;
        d.find(By::Id("handover-assign")).await?.click().await?;
        d.query(By::Css(format!("form[action='/t/banyuwangi/packages/{package_id}/pokja'] button.assign")))
            .first()
            .await?
            .click()
            .await?;
        flash(&d, "Pokja ditetapkan.").await?;
        sign_out(&d).await?;
        let assignment = app
            .store
            .pokja_assignments(tenant.id)
            .await
            .expect("q")
            .into_iter()
            .find(|a| a.package_id.to_string() == package_id)
            .expect("assigned");
        let mut members = Vec::new();
        for m in &assignment.members {
            members.push(app.store.user(*m).await.expect("q").expect("user").username);
        }
        assert_eq!(members.len(), 3);
        assert!(
            !members.contains(&"bwi.pokja1".to_owned()),
            "the demo's busiest member is not suggested: {members:?}"
        );

        // Every member finds the new tender in the inbox, and declares no conflict of interest.
        for m in &members {
            sign_in(&d, &app, &base, m).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            let inbox = d.find(By::Id("inbox")).await?.text().await?;
            assert!(inbox.contains("Konsultan Pengawas Rehabilitasi Irigasi"), "{m}: {inbox}");
            d.goto(format!("{base}/t/banyuwangi/pokja")).await?;
            d.find(By::Css(format!("form[action='/t/banyuwangi/packages/{package_id}/declare'] button")))
                .await?
                .click()
                .await?;
            flash(&d, "Pernyataan tidak ada benturan kepentingan dicatat.").await?;
            sign_out(&d).await?;
        }

        // A member sets method and schedule, then announces.
        sign_in(&d, &app, &base, &members[0]).await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}{package_path}")).await?;
        d.execute("document.getElementById('tender-first-day').value='2026-11-02';", vec![]).await?;
        d.find(By::Id("tender-submit")).await?.click().await?;
        flash(&d, "Metode dan jadwal ditetapkan.").await?;
        // The key ceremony, run on the members' own side (the CLI's code; the browser side of
        // it is still to come).
        lelang::demo::sealing::ceremony_for(&app.app,
            lelang_core::ids::PackageId(package_id.parse().expect("uuid")),
        )
        .await
        .expect("ceremony");
        d.find(By::Id("tender-announce")).await?.click().await?;
        flash(&d, "Tender diumumkan kepada publik.").await?;
        d.screenshot(&shots.join("tender-announced-pokja.png")).await?;
        sign_out(&d).await?;

        // An anonymous visitor finds it by an Indonesian keyword in another form of the word.
        d.goto(format!("{base}/tenders")).await?;
        d.find(By::Id("tq")).await?.send_keys("pengawasan irigasi").await?;
        d.find(By::Id("tenders-search")).await?.click().await?;
        d.query(By::XPath("//p[@id='tenders-count' and starts-with(text(), '1 ')]"))
            .first()
            .await?;
        d.screenshot(&shots.join("tenders-search.png")).await?;
        d.find(By::LinkText("Konsultan Pengawas Rehabilitasi Irigasi")).await?.click().await?;
        d.query(By::Id("tender-name")).first().await?;
        assert!(d.source().await?.contains("Kerangka Acuan Kerja"));
        d.screenshot(&shots.join("tender-public.png")).await?;

        // A company signs up; the regency's administrator verifies it.
        d.goto(format!("{base}/vendors/register")).await?;
        for (id, value) in [
            ("vr-company", "CV Sritanjung Konsultan"),
            ("vr-nib", "9120301299901"),
            ("vr-npwp", "05.678.901.2-627.000"),
            ("vr-address", "Jl. Brawijaya No. 7, Banyuwangi"),
            ("vr-name", "Sekar Ayu Wulandari"),
            ("vr-email", "sekar@sritanjung.co.id"),
            ("vr-username", "sekar.sritanjung"),
            ("vr-password", "kopi osing di kemiren pagi"),
        ] {
            d.find(By::Id(id)).await?.send_keys(value).await?;
        }
        d.screenshot(&shots.join("vendor-register.png")).await?;
        d.find(By::Id("vr-submit")).await?.click().await?;
        flash(&d, "Perusahaan terdaftar. Silakan masuk; lengkapi profil lalu minta verifikasi ke pemerintah daerah.").await?;
        sign_in(&d, &app, &base, "bwi.admin").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/t/banyuwangi/vendors")).await?;
        let row = d
            .find(By::XPath("//tr[td[contains(., 'CV Sritanjung Konsultan')]]"))
            .await?;
        row.find(By::Css("button.verify")).await?.click().await?;
        flash(&d, "Keputusan verifikasi dicatat.").await?;
        d.screenshot(&shots.join("vendor-review.png")).await?;
        sign_out(&d).await?;

        // The vendor registers for the tender and asks a question.
        d.goto(format!("{base}/login")).await?;
        d.find(By::Id("username")).await?.send_keys("sekar.sritanjung").await?;
        d.find(By::Id("password")).await?.send_keys("kopi osing di kemiren pagi").await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/tenders/{package_id}")).await?;
        d.find(By::Id("tender-join")).await?.click().await?;
        flash(&d, "Perusahaan Anda terdaftar pada tender ini.").await?;
        d.find(By::Id("question-text"))
            .await?
            .send_keys("Apakah tenaga ahli K3 wajib bersertifikat SKK Madya?")
            .await?;
        d.find(By::Id("question-submit")).await?.click().await?;
        flash(&d, "Pertanyaan terkirim. Jawaban pokja akan tampil di halaman ini.").await?;
        sign_out(&d).await?;

        // The pokja answers in public and publishes an addendum.
        sign_in(&d, &app, &base, &members[1]).await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}{package_path}")).await?;
        let answer = d.find(By::Css("#pokja-questions textarea")).await?;
        answer
            .send_keys("Ya, minimal SKK Ahli Madya K3 Konstruksi sesuai KAK Bab 5.")
            .await?;
        d.find(By::Css("#pokja-questions button.answer-submit")).await?.click().await?;
        flash(&d, "Jawaban diterbitkan.").await?;
        d.find(By::Id("add-file"))
            .await?
            .send_keys(addendum.display().to_string())
            .await?;
        d.find(By::Id("add-note"))
            .await?
            .send_keys("Persyaratan tenaga ahli K3 dipertegas: SKK Ahli Madya.")
            .await?;
        d.find(By::Id("add-upload")).await?.click().await?;
        flash(&d, "Adendum diterbitkan; peserta terdaftar melihat perubahannya.").await?;
        d.screenshot(&shots.join("tender-addendum-pokja.png")).await?;
        sign_out(&d).await?;

        // The vendor sees the answer and the addendum.
        d.goto(format!("{base}/login")).await?;
        d.find(By::Id("username")).await?.send_keys("sekar.sritanjung").await?;
        d.find(By::Id("password")).await?.send_keys("kopi osing di kemiren pagi").await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        let home = d.source().await?;
        assert!(
            home.contains("Konsultan Pengawas Rehabilitasi Irigasi"),
            "the vendor's home lists its tender"
        );
        d.goto(format!("{base}/tenders/{package_id}")).await?;
        let page = d.source().await?;
        assert!(page.contains("SKK Ahli Madya K3 Konstruksi"), "the answer is public");
        let addenda = d.find(By::Id("tender-addenda")).await?.text().await?;
        assert!(addenda.contains("Persyaratan tenaga ahli K3 dipertegas"), "{addenda}");
        assert!(page.contains("pertanyaan Anda"), "the vendor sees which question is its own");
        d.screenshot(&shots.join("tender-vendor.png")).await?;
        Ok(())
    }
    .await;
    let _ = d.quit().await;
    result.expect("browser scenario");
    // Who asked is nowhere on the public page.
    let mut anon = app.client();
    let page = anon.get("/api/v1/tenders").await.json();
    let id = page["tenders"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|t| t["name"] == "Konsultan Pengawas Rehabilitasi Irigasi")
        .expect("listed")["package_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let detail = anon.get(&format!("/api/v1/tenders/{id}")).await.body;
    assert!(!detail.contains("Sritanjung"), "the asker stays hidden");
}

/// The demo package whose ceremony has not run yet, and its pokja.
async fn kedungasri(app: &TestApp) -> (lelang_core::package::Package, lelang_core::pokja::PokjaAssignment) {
    let package = app
        .package_named("banyuwangi", "Pembangunan Jembatan Desa Kedungasri")
        .await;
    let assignment = app.pokja_of(package.id).await;
    (package, assignment)
}

/// Clicks a sealing action and waits for the page that follows (`expect`), failing at once with the
/// page script's message if the action failed.
async fn seal_step(d: &WebDriver, button: &str, expect: &str) -> WebDriverResult<()> {
    d.find(By::Id(button)).await?.click().await?;
    let hit = d
        .query(By::Css(format!(
            "{expect}, #sealing-status[data-result]:not([data-result='ok'])"
        )))
        .wait(Duration::from_secs(90), Duration::from_millis(200))
        .first()
        .await?;
    if hit.id().await?.as_deref() == Some("sealing-status") {
        let text = hit.text().await?;
        let code = hit.attr("data-result").await?.unwrap_or_default();
        if code != "ok" {
            panic!("{button}: {code}: {text}");
        }
    }
    Ok(())
}

/// Three pokja members, each signed in on their own, make their sealing keys in the browser (kept on
/// the server under their passphrases), run the tender's key ceremony, and after the deadline two
/// of them open the bids — every secret step in the browser, every proof checked by the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_members_run_the_ceremony_and_open_the_bids_in_their_browsers() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let (package, assignment) = kedungasri(&app).await;
    let mut members = Vec::new();
    for m in &assignment.members {
        members.push(app.store.user(*m).await.expect("q").expect("user").username);
    }
    // Long, varied, and without the user name: the page refuses weaker ones.
    let passphrase = |m: &str| format!("kopi osing pagi di pantai boom {}", m.len());
    let page = format!("{base}/t/banyuwangi/packages/{}/sealing", package.id);
    let result: WebDriverResult<()> = async {
        // Each member makes a key in the browser and keeps it sealed under a passphrase.
        for (i, m) in members.iter().enumerate() {
            sign_in(&d, &app, &base, m).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            d.goto(format!("{base}/account/sealing-key")).await?;
            d.find(By::Id("enrol-passphrase"))
                .await?
                .send_keys(passphrase(m))
                .await?;
            d.find(By::Id("enrol-passphrase-again"))
                .await?
                .send_keys(passphrase(m))
                .await?;
            // A member who already has a key confirms keeping the old identity.
            if let Ok(replace) = d.find(By::Id("enrol-replace")).await {
                replace.click().await?;
            }
            seal_step(&d, "enrol", "#sealing-status[data-result='ok']").await?;
            d.query(By::Css("#enrol-download:not([hidden])")).first().await?;
            // The fingerprint the page shows is computed in the browser from the new identity,
            // and is the one of the keys the server now holds.
            let shown = d
                .query(By::Css("#sealing-member-fingerprint[data-computed]"))
                .first()
                .await?
                .text()
                .await?;
            let uid = app.store.credentials(m).await.expect("q").expect("user").user.id;
            let k = app.store.member_key(uid).await.expect("q").expect("key");
            assert_eq!(
                shown,
                lelang_core::sealing::member_fingerprint(&k.recipient, &k.signing_key)
            );
            if i == 0 {
                d.screenshot(&shots.join("sealing-key-enrolled.png")).await?;
                // The tender's page leads to the ceremony; the member starts it.
                d.goto(format!("{base}/t/banyuwangi/packages/{}/tender", package.id))
                    .await?;
                d.find(By::Id("sealing-link")).await?.click().await?;
                d.query(By::Css("#ceremony-stage[data-stage='none']"))
                    .first()
                    .await?;
            }
            sign_out(&d).await?;
        }
        sign_in(&d, &app, &base, &members[0]).await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(&page).await?;
        seal_step(&d, "ceremony-start", "#ceremony-deal").await?;
        sign_out(&d).await?;
        // Each deals, then each checks what it received.
        for (i, m) in members.iter().enumerate() {
            sign_in(&d, &app, &base, m).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            d.goto(&page).await?;
            let next = if i + 1 < members.len() {
                "#sealing-waiting"
            } else {
                "#ceremony-check"
            };
            // Dealing signs, with the member's own key.
            d.find(By::Id("sealing-passphrase"))
                .await?
                .send_keys(passphrase(m))
                .await?;
            seal_step(&d, "ceremony-deal", next).await?;
            sign_out(&d).await?;
        }
        for (i, m) in members.iter().enumerate() {
            sign_in(&d, &app, &base, m).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            d.goto(&page).await?;
            d.find(By::Id("sealing-passphrase"))
                .await?
                .send_keys(passphrase(m))
                .await?;
            let next = if i + 1 < members.len() {
                "#sealing-waiting"
            } else {
                "#tender-recipient"
            };
            seal_step(&d, "ceremony-check", next).await?;
            if i + 1 == members.len() {
                // The key's fingerprint as this browser computed it from the signed commitments
                // is the one the server shows.
                let computed = d
                    .query(By::Css("#sealing-fingerprint-computed[data-computed]"))
                    .first()
                    .await?
                    .text()
                    .await?;
                let shown = d.find(By::Id("tender-fingerprint")).await?.text().await?;
                assert_eq!(computed, shown);
                d.screenshot(&shots.join("sealing-ceremony-complete.png")).await?;
            }
            sign_out(&d).await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = result {
        let _ = d.screenshot(&shots.join("sealing-failed.png")).await;
        let _ = d.quit().await;
        panic!("the ceremony in the browser: {e}");
    }
    let c = app
        .store
        .ceremony(package.id)
        .await
        .expect("q")
        .expect("ceremony");
    let recipient = c.recipient().expect("complete").to_owned();
    assert_eq!(c.members.len(), 3);

    // Announced (through the API here), a company bids, and the deadline passes.
    let mut lead = app.signed_in(&members[0]).await;
    let r = lead
        .post_multipart(
            &format!("/api/v1/tenants/banyuwangi/packages/{}/documents", package.id),
            &[
                ("kind", "specification"),
                ("title", "Dokumen Pemilihan (uji peramban)"),
            ],
            Some(("dokumen-pemilihan.pdf", b"%PDF-1.4\n% jembatan\n")),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    let r = lead
        .post_json(
            &format!(
                "/api/v1/tenants/banyuwangi/packages/{}/tender/announce",
                package.id
            ),
            &serde_json::json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    let vendor_user = app
        .store
        .credentials("vendor.blambangan")
        .await
        .expect("q")
        .expect("vendor")
        .user;
    let vendor = vendor_user.vendor_id.expect("company");
    let mut v = app.signed_in("vendor.blambangan").await;
    let r = v
        .post_json(
            &format!("/api/v1/tenders/{}/registrations", package.id),
            &serde_json::json!({}),
            None,
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    let manifest = serde_json::json!({"tender": package.id, "vendor": vendor, "price": 2_400_000_000i64});
    let mut zip = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(&mut zip);
        z.start_file("manifest.json", zip::write::SimpleFileOptions::default())
            .expect("zip");
        z.write_all(manifest.to_string().as_bytes()).expect("zip");
        z.finish().expect("zip");
    }
    let sealed = lelang_trust::seal::encrypt_to(&[&recipient], &zip.into_inner()).expect("seal");
    let r = v
        .post_bytes(&format!("/api/v1/tenders/{}/bids", package.id), sealed)
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    let t = app
        .store
        .public_tender(package.id)
        .await
        .expect("q")
        .expect("tender");
    app.clock
        .set(t.submission_deadline + lelang_core::sealing::UPLOAD_GRACE + time::Duration::minutes(1));

    let result: WebDriverResult<()> = async {
        for (i, m) in members.iter().take(2).enumerate() {
            sign_in(&d, &app, &base, m).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            d.goto(&page).await?;
            if i == 0 {
                seal_step(&d, "opening-start", "#opening-partials").await?;
            }
            d.find(By::Id("sealing-passphrase"))
                .await?
                .send_keys(passphrase(m))
                .await?;
            let next = if i == 0 {
                "#sealing-waiting"
            } else {
                "#opening-bids tr[data-opened='true']"
            };
            seal_step(&d, "opening-partials", next).await?;
            if i == 1 {
                d.screenshot(&shots.join("sealing-opened.png")).await?;
            }
            sign_out(&d).await?;
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("sealing-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the opening in the browser");
    let o = app.store.opening(package.id).await.expect("q").expect("opening");
    assert!(o.completed_at.is_some());
    assert!(!o.bids.is_empty(), "the opening had bids to open");
    assert!(
        o.bids
            .iter()
            .all(|b| b.outcome.as_ref().is_some_and(|x| x.opened)),
        "{o:?}"
    );
}

/// A company seals its bid in Chromium — three documents and a price packed with their manifest,
/// encrypted to the tender's key — commits, uploads, and keeps the signed receipt; the file the
/// server stored is exactly the commitment, and opens (with two members' shares) to the ZIP whose
/// manifest names this tender, this company and the price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vendor_seals_commits_and_uploads_a_bid_in_the_browser() {
    use lelang_core::sealing::member;
    use std::io::Read;
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let files = tempfile::tempdir().expect("files");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let tender = app.demo_tender("Singolatren").await;
    let parts = [
        (
            "bid-admin",
            "administrasi.pdf",
            b"%PDF-1.4 surat penawaran".to_vec(),
        ),
        ("bid-technical", "teknis.pdf", vec![b't'; 300_000]),
        ("bid-price-file", "rincian harga.pdf", b"%PDF-1.4 RAB".to_vec()),
    ];
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "vendor.blambangan").await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        d.goto(format!("{base}/tenders/{}", tender.package_id)).await?;
        d.find(By::Id("tender-bid")).await?.click().await?;
        // The fingerprint is computed in the browser from the very recipient it will seal to.
        let fp = d
            .query(By::Css("#bid-fingerprint[data-computed='true']"))
            .first()
            .await?
            .text()
            .await?;
        let c = app
            .store
            .ceremony(tender.package_id)
            .await
            .expect("q")
            .expect("ceremony");
        assert_eq!(fp, lelang_core::sealing::fingerprint(c.recipient().expect("key")));
        d.screenshot(&shots.join("bid-page.png")).await?;
        for (input, name, bytes) in &parts {
            let path = files.path().join(name);
            std::fs::write(&path, bytes).expect("file");
            d.find(By::Id(*input))
                .await?
                .send_keys(path.display().to_string())
                .await?;
        }
        d.find(By::Id("bid-price")).await?.send_keys("1175000000").await?;
        d.find(By::Id("bid-seal")).await?.click().await?;
        d.query(By::Css(
            "#bid-app[data-state='uploaded'], #bid-app[data-state='failed']",
        ))
        .wait(Duration::from_secs(60), Duration::from_millis(200))
        .first()
        .await?;
        let state = d.find(By::Id("bid-app")).await?.attr("data-state").await?;
        let status = d.find(By::Id("bid-status")).await?.text().await?;
        assert_eq!(state.as_deref(), Some("uploaded"), "{status}");
        assert_eq!(status, "Penawaran terunggah.");
        let receipt = d.find(By::Id("bid-receipt-text")).await?.text().await?;
        assert!(receipt.starts_with("lelang bid receipt v1"), "{receipt}");
        d.screenshot(&shots.join("bid-uploaded.png")).await?;
        // The page, reloaded, shows the bid as received whole.
        d.refresh().await?;
        let shown = d.find(By::Id("bid-uploaded")).await?.text().await?;
        assert!(shown.contains("cocok"), "{shown}");
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("bid-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("sealing a bid in the browser");

    // What the server holds is the committed file, and it opens to the vendor's archive.
    let bids = app.store.bids(tender.package_id).await.expect("bids");
    let b = bids.last().expect("bid");
    assert!(b.uploaded_at.is_some());
    let file = app.stored(&b.sha256);
    let c = app
        .store
        .ceremony(tender.package_id)
        .await
        .expect("db")
        .expect("ceremony");
    let mut shares = Vec::new();
    for (i, m) in c.members.iter().enumerate().take(2) {
        let name = app
            .store
            .user(m.user_id)
            .await
            .expect("db")
            .expect("user")
            .username;
        let id = lelang::demo::sealing::member_identity(&name).expect("identity");
        shares.push(member::share(&c, (i + 1) as u16, &id).expect("share"));
    }
    // Members 1 and 2: λ1 = 2, λ2 = −1.
    let s = shares[0] + shares[0] - shares[1];
    let shared = lelang_trust::seal::ephemeral_shares(file.as_slice())
        .expect("an age file")
        .into_iter()
        .map(|e| {
            let p = lelang_trust::seal::lift(&e).expect("point") * s;
            (e, p.to_montgomery().to_bytes())
        })
        .collect();
    let mut plain = Vec::new();
    lelang_trust::seal::open(
        file.as_slice(),
        lelang_core::sealing::tender_x25519(&c).expect("key"),
        shared,
    )
    .expect("opens")
    .read_to_end(&mut plain)
    .expect("read");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(plain)).expect("zip");
    let mut manifest = String::new();
    zip.by_name("manifest.json")
        .expect("manifest")
        .read_to_string(&mut manifest)
        .expect("read");
    let m: lelang_core::sealing::BidManifest = serde_json::from_str(&manifest).expect("manifest");
    assert_eq!(m.tender, tender.package_id);
    assert_eq!(m.vendor, b.vendor_id);
    assert_eq!(m.price, Some(1_175_000_000));
    assert_eq!(m.documents.len(), 3);
    let names: Vec<_> = m.documents.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "administrasi/administrasi.pdf",
            "teknis/teknis.pdf",
            "harga/rincian_harga.pdf"
        ]
    );
    let mut technical = Vec::new();
    zip.by_name("teknis/teknis.pdf")
        .expect("technical")
        .read_to_end(&mut technical)
        .expect("read");
    assert_eq!(technical, parts[1].2);
}

/// A new pokja member sets up two-step verification at the first sign-in — the QR code and the key
/// on the page, a code typed from the app, the recovery codes shown once — and signs in with a
/// code the next time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_official_sets_up_two_step_verification_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in("bwi.admin").await;
    let r = admin
        .post_json(
            "/api/v1/tenants/banyuwangi/users",
            &serde_json::json!({"username": "bwi.pokja8", "display_name": "Dimas Pokja Baru",
                "role": "pokja_member", "password": "gandrung menari di taman blambangan"}),
            None,
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let result: WebDriverResult<()> = async {
        d.goto(format!("{base}/login")).await?;
        d.find(By::Id("username")).await?.send_keys("bwi.pokja8").await?;
        d.find(By::Id("password"))
            .await?
            .send_keys("gandrung menari di taman blambangan")
            .await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        let key = d
            .query(By::Id("second-factor-secret"))
            .first()
            .await?
            .attr("data-secret")
            .await?
            .expect("the key")
            .replace(' ', "");
        assert!(d.find(By::Css("figure.qr svg")).await.is_ok(), "a QR code");
        d.screenshot(&shots.join("second-factor-enrol.png")).await?;
        // A wrong code first: the message beside the form.
        d.find(By::Id("code")).await?.send_keys("000000").await?;
        d.find(By::Id("second-factor-submit")).await?.click().await?;
        d.query(By::Css(".errors")).first().await?;
        d.find(By::Id("code")).await?.clear().await?;
        d.find(By::Id("code"))
            .await?
            .send_keys(app.second_factors.code(&key))
            .await?;
        d.find(By::Id("second-factor-submit")).await?.click().await?;
        let codes = d.query(By::Css("#recovery-codes li")).all_from_selector().await?;
        assert_eq!(codes.len(), 10, "ten recovery codes");
        d.screenshot(&shots.join("second-factor-recovery-codes.png"))
            .await?;
        d.find(By::Id("recovery-continue")).await?.click().await?;
        let h1 = d.query(By::Css("h1[data-role]")).first().await?;
        assert_eq!(h1.attr("data-role").await?.as_deref(), Some("pokja_member"));
        sign_out(&d).await?;
        // The next sign-in, a step later: the code.
        app.clock.advance(time::Duration::seconds(30));
        d.goto(format!("{base}/login")).await?;
        d.find(By::Id("username")).await?.send_keys("bwi.pokja8").await?;
        d.find(By::Id("password"))
            .await?
            .send_keys("gandrung menari di taman blambangan")
            .await?;
        d.find(By::Id("login-submit")).await?.click().await?;
        d.query(By::Id("second-factor-submit")).first().await?;
        assert!(
            d.find(By::Id("second-factor-secret")).await.is_err(),
            "the key is not shown again"
        );
        d.screenshot(&shots.join("second-factor-code.png")).await?;
        d.find(By::Id("code"))
            .await?
            .send_keys(app.second_factors.code(&key))
            .await?;
        d.find(By::Id("second-factor-submit")).await?.click().await?;
        d.query(By::Css("h1[data-role]")).first().await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("second-factor-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("two-step verification in the browser");
}

/// The dishonest server in the browser: after every member dealt, it rewrites a dealing in its
/// database (a polynomial it knows, sealed to the members' real recipients). Each member's browser
/// checks the transcript before anything else and refuses to confirm; nothing is confirmed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_members_browser_refuses_a_rewritten_ceremony() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let profile = tempfile::tempdir().expect("profile");
    let files = tempfile::tempdir().expect("files");
    let d = browser(port, profile.path()).await;
    let shots = screenshots();
    let (package, assignment) = kedungasri(&app).await;
    // The members enrol identity files of their own and deal honestly (through the API here).
    let api = format!("/api/v1/tenants/banyuwangi/packages/{}", package.id);
    let mut members = Vec::new();
    for m in &assignment.members {
        let name = app.store.user(*m).await.expect("q").expect("user").username;
        let id = lelang::demo::sealing::member_identity(&name).expect("identity");
        let file = files.path().join(format!("{name}.txt"));
        std::fs::write(
            &file,
            format!("{}\n", age::secrecy::ExposeSecret::expose_secret(&id.to_string())),
        )
        .expect("write");
        let mut cl = app.signed_in(&name).await;
        let r = cl
            .put_json(
                "/api/v1/me/sealing-key",
                &serde_json::json!({"recipient": id.to_public().to_string(),
                    "signing_key": lelang_trust::ceremony::signing_key_hex(&id)}),
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
        members.push((name, id, file, cl));
    }
    let r = members[0]
        .3
        .post_json(&format!("{api}/ceremony"), &serde_json::json!({}), None)
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED, "{}", r.body);
    for (_, id, _, cl) in &mut members {
        let v = cl.get(&format!("{api}/ceremony")).await.json();
        let c: lelang_core::sealing::Ceremony =
            serde_json::from_value(v["ceremony"].clone()).expect("ceremony");
        let me = u16::try_from(v["me"].as_u64().expect("me")).expect("index");
        let deal = lelang_core::sealing::member::deal(&c, me, id).expect("deal");
        let r = cl
            .post_json(
                &format!("{api}/ceremony/deal"),
                &serde_json::to_value(&deal).expect("json"),
                None,
            )
            .await;
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
    }
    let c = app
        .store
        .ceremony(package.id)
        .await
        .expect("q")
        .expect("ceremony");
    common::dishonest::rewrite(app.store.as_ref(), &c, 1).await;
    let page = format!("{base}/t/banyuwangi/packages/{}/sealing", package.id);
    let result: WebDriverResult<()> = async {
        for (i, (name, _, file, _)) in members.iter().enumerate() {
            sign_in(&d, &app, &base, name).await?;
            d.query(By::Css("h1[data-role]")).first().await?;
            d.goto(&page).await?;
            d.find(By::Id("sealing-identity-file"))
                .await?
                .send_keys(file.display().to_string())
                .await?;
            d.find(By::Id("ceremony-check")).await?.click().await?;
            let status = d
                .query(By::Css("#sealing-status[data-result]:not([data-result='ok'])"))
                .wait(Duration::from_secs(60), Duration::from_millis(200))
                .first()
                .await?;
            assert_eq!(
                status.attr("data-result").await?.as_deref(),
                Some("transcript-tampered"),
                "{name}"
            );
            if i == 0 {
                d.screenshot(&shots.join("sealing-transcript-tampered.png"))
                    .await?;
            }
            sign_out(&d).await?;
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("sealing-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("every browser refuses");
    let after = app
        .store
        .ceremony(package.id)
        .await
        .expect("q")
        .expect("ceremony");
    assert!(
        after.confirmed.is_empty() && after.recipient().is_none(),
        "nothing was confirmed"
    );
}

/// Three browsers, one per member of a package's pokja, signed in.
async fn members_signed_in(
    app: &TestApp,
    base: &str,
    port: u16,
    members: &[String],
) -> (Vec<WebDriver>, Vec<tempfile::TempDir>) {
    let mut ds = Vec::new();
    let mut profiles = Vec::new();
    for m in members {
        let profile = tempfile::tempdir().expect("profile");
        let d = browser(port, profile.path()).await;
        sign_in(&d, app, base, m).await.expect("sign in");
        ds.push(d);
        profiles.push(profile);
    }
    (ds, profiles)
}

/// The evaluation page's section of one bid.
fn bid_section(bid: &str) -> By {
    By::Css(format!("section[aria-labelledby='h-{bid}']"))
}

/// A member records a finding on the next step of a bid, from its section's form.
async fn record(d: &WebDriver, bid: &str, pass: bool, reason: &str) -> WebDriverResult<()> {
    let form = d
        .find(bid_section(bid))
        .await?
        .find(By::Css("form.finding"))
        .await?;
    if !pass {
        form.find(By::Css("input[value='fail']")).await?.click().await?;
    }
    form.find(By::Css("textarea[name='reason']"))
        .await?
        .send_keys(reason)
        .await?;
    submitted(d, &form, "Temuan dicatat.").await
}

/// Submits a form and waits for the page that answers it (not the flash still on the old one).
async fn submitted(d: &WebDriver, form: &WebElement, expect: &str) -> WebDriverResult<()> {
    form.find(By::Css("button[type='submit']")).await?.click().await?;
    form.wait_until().stale().await?;
    flash(d, expect).await
}

/// A member schedules a bid's proof of qualification at `at` (the regency's local time).
async fn schedule_proof(d: &WebDriver, bid: &str, at: &str) -> WebDriverResult<()> {
    let form = d
        .find(bid_section(bid))
        .await?
        .find(By::Css("form.proof"))
        .await?;
    let input = form.find(By::Css("input[name='at']")).await?;
    d.execute(
        "arguments[0].value = arguments[1];",
        vec![input.to_json()?, serde_json::json!(at)],
    )
    .await?;
    form.find(By::Css("input[name='place']"))
        .await?
        .send_keys("Kantor UKPBJ Banyuwangi")
        .await?;
    submitted(d, &form, "Pembuktian kualifikasi dijadwalkan.").await
}

/// A member votes on the award shown, agreeing or dissenting with a reason.
async fn vote(d: &WebDriver, agree: bool) -> WebDriverResult<()> {
    if !agree {
        d.find(By::Id("agree-no")).await?.click().await?;
        d.find(By::Id("vote-reason"))
            .await?
            .send_keys("Metode pelaksanaan pemenang kurang rinci untuk musim hujan.")
            .await?;
    }
    let button = d.find(By::Id("evaluation-vote")).await?;
    button.click().await?;
    button.wait_until().stale().await?;
    flash(d, "Suara Anda dicatat.").await
}

/// The local date and time a `datetime-local` input takes, `minutes` after the test clock's now.
fn local_input(app: &TestApp, minutes: i64) -> (String, time::OffsetDateTime) {
    use lelang_core::Clock;
    let at = app.clock.now() + time::Duration::minutes(minutes);
    let local = at.to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("WIB"));
    let text = local
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]"
        ))
        .expect("format");
    (text, at)
}

/// Every bid of the demo's tender that is ready to open, in its order on the evaluation page.
async fn bid_ids(app: &TestApp, package: lelang_core::PackageId) -> Vec<String> {
    app.store
        .evaluation(package)
        .await
        .expect("q")
        .expect("evaluation")
        .bids
        .iter()
        .map(|b| b.bid_id.0.to_string())
        .collect()
}

/// The scenario in three browsers: the pokja of the demo's tender whose deadline has
/// passed opens its three bids with their kept keys, begins the evaluation, reads each bid's
/// documents and corrections, records findings step by step (one member dissents), holds the
/// proof of qualification, and votes (one member dissents again); the winner is announced and an
/// anonymous visitor sees the announcement with every bid's result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_members_open_evaluate_and_announce_the_winner_in_their_browsers() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let package = app
        .package_named("banyuwangi", "Perbaikan Pintu Air Dam Kedungrejo")
        .await;
    let assignment = app.pokja_of(package.id).await;
    let mut members = Vec::new();
    for m in &assignment.members {
        members.push(app.store.user(*m).await.expect("q").expect("user").username);
    }
    let (ds, _profiles) = members_signed_in(&app, &base, port, &members).await;
    let sealing = format!("{base}/t/banyuwangi/packages/{}/sealing", package.id);
    let page = format!("{base}/t/banyuwangi/packages/{}/evaluation", package.id);
    let result: WebDriverResult<()> = async {
        // Two members open with the identities kept under their passphrases (the demo's password).
        for (i, d) in ds.iter().take(2).enumerate() {
            d.goto(&sealing).await?;
            if i == 0 {
                seal_step(d, "opening-start", "#opening-partials").await?;
            }
            d.find(By::Id("sealing-passphrase"))
                .await?
                .send_keys(DEMO_PASSWORD)
                .await?;
            let next = if i == 0 {
                "#sealing-waiting"
            } else {
                "#opening-bids tr[data-opened='true']"
            };
            seal_step(d, "opening-partials", next).await?;
        }
        let d0 = &ds[0];
        d0.goto(&page).await?;
        let begin = d0.find(By::Id("evaluation-begin")).await?;
        begin.click().await?;
        begin.wait_until().stale().await?;
        flash(d0, "Evaluasi dimulai; harga telah dikoreksi.").await?;
        let bids = bid_ids(&app, package.id).await;
        assert_eq!(bids.len(), 3);
        // Blambangan 890,000,000; Prigi 2 × 45,000,000 + 2 × 402,500,000 = 895,000,000; Ijen
        // 915,000,000. Every bid's documents are listed for download.
        for b in &bids {
            let s = d0.find(bid_section(b)).await?;
            assert!(s.find(By::Css("ul.docs a")).await.is_ok(), "documents of {b}");
        }
        for step in ["administrative", "technical", "price", "qualification"] {
            for (m, d) in ds.iter().enumerate().take(2) {
                d.goto(&page).await?;
                for b in &bids {
                    d.query(By::Css(format!(
                        "section[aria-labelledby='h-{b}'] form.finding[data-step='{step}']"
                    )))
                    .first()
                    .await?;
                    record(d, b, true, "Memenuhi persyaratan dokumen pemilihan.").await?;
                }
                if step == "technical" && m == 0 {
                    // The third member dissents on the first bid's technical step.
                    ds[2].goto(&page).await?;
                    record(&ds[2], &bids[0], false, "Jadwal pelaksanaan tidak realistis.").await?;
                }
            }
        }
        ds[0].screenshot(&shots.join("evaluation-pokja.png")).await?;
        let (at, when) = local_input(&app, 2);
        ds[0].goto(&page).await?;
        for b in &bids {
            schedule_proof(&ds[0], b, &at).await?;
        }
        app.clock.set(when + time::Duration::minutes(5));
        for d in ds.iter().take(2) {
            d.goto(&page).await?;
            for b in &bids {
                record(d, b, true, "Dokumen asli sesuai dengan isian kualifikasi.").await?;
            }
        }
        ds[2].goto(&page).await?;
        vote(&ds[2], false).await?;
        ds[0].goto(&page).await?;
        vote(&ds[0], true).await?;
        ds[1].goto(&page).await?;
        vote(&ds[1], true).await?;
        let status = ds[1].find(By::Id("evaluation-status")).await?.text().await?;
        assert_eq!(status, "Pemenang diumumkan");
        ds[1]
            .goto(format!(
                "{base}/t/banyuwangi/packages/{}/evaluation/minutes",
                package.id
            ))
            .await?;
        let minutes = ds[1].find(By::Id("minutes-text")).await?.text().await?;
        assert!(minutes.contains("berbeda pendapat: anggota 3"), "{minutes}");
        assert!(minutes.contains("Anggota 3: tidak setuju"), "{minutes}");
        ds[1].screenshot(&shots.join("evaluation-minutes.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        for (i, d) in ds.iter().enumerate() {
            let _ = d
                .screenshot(&shots.join(format!("evaluation-failed-{i}.png")))
                .await;
        }
    }
    for d in ds {
        let _ = d.quit().await;
    }
    result.expect("the evaluation in three browsers");

    // Announced: the lowest corrected price (Blambangan's) wins, and anyone sees every bid's result.
    let record = lelang_app::evaluation::published(&app.app, package.id)
        .await
        .expect("q")
        .expect("announced");
    assert_eq!(lelang_core::evaluation::rank::verify(&record), vec![]);
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let seen: WebDriverResult<String> = async {
        d.goto(format!("{base}/tenders/{}", package.id)).await?;
        let section = d.find(By::Id("tender-results")).await?;
        d.screenshot(&shots.join("tender-award-public.png")).await?;
        section.find(By::Css("tr.winner")).await?.text().await
    }
    .await;
    let _ = d.quit().await;
    let winner_row = seen.expect("the public announcement");
    assert!(winner_row.contains("CV Blambangan Karya"), "{winner_row}");
    assert!(winner_row.contains("Rp890.000.000"), "{winner_row}");
}

/// On the demo's tender in evaluation, the lowest bid's price is clarified as reasonable but its
/// proof of qualification fails: the first reserve wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_proof_of_qualification_passes_the_award_to_the_first_reserve_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let package = app
        .package_named("banyuwangi", "Talud Penahan Tebing Sungai Kalilo")
        .await;
    let assignment = app.pokja_of(package.id).await;
    let mut members = Vec::new();
    for m in assignment.members.iter().take(2) {
        members.push(app.store.user(*m).await.expect("q").expect("user").username);
    }
    let e = app
        .store
        .evaluation(package.id)
        .await
        .expect("q")
        .expect("evaluation");
    let low = e.candidates()[0].0.to_string();
    let reserve = e.candidates()[1].0.to_string();
    let (ds, _profiles) = members_signed_in(&app, &base, port, &members).await;
    let page = format!("{base}/t/banyuwangi/packages/{}/evaluation", package.id);
    let result: WebDriverResult<()> = async {
        // 740,000,000 is under 80 % of HPS (768,000,000): the price waits for its clarification.
        ds[0].goto(&page).await?;
        let form = ds[0]
            .find(bid_section(&low))
            .await?
            .find(By::Css("form.clarify"))
            .await?;
        form.find(By::Css("textarea[name='reason']"))
            .await?
            .send_keys("Harga satuan didukung kontrak sewa alat dan upah setempat.")
            .await?;
        submitted(&ds[0], &form, "Klarifikasi kewajaran harga dicatat.").await?;
        ds[0].screenshot(&shots.join("evaluation-clarified.png")).await?;
        for (step, bids) in [
            ("administrative", vec![&reserve]),
            ("technical", vec![&reserve]),
            ("price", vec![&low, &reserve]),
            ("qualification", vec![&low, &reserve]),
        ] {
            for d in &ds {
                d.goto(&page).await?;
                for b in &bids {
                    d.query(By::Css(format!(
                        "section[aria-labelledby='h-{b}'] form.finding[data-step='{step}']"
                    )))
                    .first()
                    .await?;
                    record(d, b, true, "Memenuhi persyaratan.").await?;
                }
            }
        }
        let (at, when) = local_input(&app, 2);
        ds[0].goto(&page).await?;
        schedule_proof(&ds[0], &low, &at).await?;
        schedule_proof(&ds[0], &reserve, &at).await?;
        app.clock.set(when + time::Duration::minutes(5));
        for d in &ds {
            d.goto(&page).await?;
            record(d, &low, false, "SBU asli tidak dapat ditunjukkan.").await?;
            record(d, &reserve, true, "Dokumen asli sesuai.").await?;
        }
        for d in &ds {
            d.goto(&page).await?;
            vote(d, true).await?;
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        for (i, d) in ds.iter().enumerate() {
            let _ = d
                .screenshot(&shots.join(format!("evaluation-proof-failed-{i}.png")))
                .await;
        }
    }
    for d in ds {
        let _ = d.quit().await;
    }
    result.expect("the evaluation in the browser");
    let record = lelang_app::evaluation::published(&app.app, package.id)
        .await
        .expect("q")
        .expect("announced");
    assert_eq!(record.winner.map(|w| w.0.to_string()), Some(reserve));
    assert!(record.reserves.is_empty());
    let failed = record
        .bids
        .iter()
        .find(|b| b.bid_id.0.to_string() == low)
        .expect("low");
    assert!(matches!(
        &failed.status,
        lelang_core::evaluation::rank::BidStatus::Failed {
            step: lelang_core::evaluation::Step::Proof,
            ..
        }
    ));
    assert_eq!(lelang_core::evaluation::rank::verify(&record), vec![]);
}

/// The budget holder cancels a running tender from its page, with a ground and a reason; the pokja
/// and an anonymous visitor then see the cancellation and why, and the list marks it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_holder_cancels_a_tender_in_the_browser_and_a_visitor_sees_why() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let tender = app.demo_tender("Singolatren").await;
    let id = tender.package_id.0;
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let reason = "Banjir bandang merusak bendung; pekerjaan dirancang ulang tahun depan.";
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "bwi.pa.dpu").await?;
        d.goto(format!("{base}/t/banyuwangi/packages/{id}/tender"))
            .await?;
        d.find(By::Css("#cancel-tender summary")).await?.click().await?;
        d.find(By::Css("#cancel-ground option[value='force_majeure']"))
            .await?
            .click()
            .await?;
        d.find(By::Id("cancel-reason")).await?.send_keys(reason).await?;
        d.screenshot(&shots.join("tender-cancel-form.png")).await?;
        d.find(By::Id("cancel-submit")).await?.click().await?;
        flash(&d, "Tender dibatalkan; alasannya diumumkan.").await?;
        let banner = d.find(By::Id("tender-cancelled")).await?.text().await?;
        assert!(
            banner.contains("Keadaan kahar") && banner.contains("Banjir bandang"),
            "{banner}"
        );
        assert!(d.find(By::Id("cancel-tender")).await.is_err(), "cancelled once");
        d.screenshot(&shots.join("tender-cancelled-pa.png")).await?;
        sign_out(&d).await?;

        d.goto(format!("{base}/tenders/{id}")).await?;
        let banner = d.find(By::Id("tender-cancelled")).await?.text().await?;
        assert!(
            banner.contains("Tender ini dibatalkan") && banner.contains("Banjir bandang"),
            "{banner}"
        );
        d.screenshot(&shots.join("tender-cancelled-public.png")).await?;
        d.goto(format!("{base}/tenders?q=singolatren")).await?;
        let row = d.find(By::Css("table tbody tr")).await?.text().await?;
        assert!(row.contains("Dibatalkan"), "{row}");
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("tender-cancel-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the cancellation in the browser");
    assert!(
        app.store
            .cancellation(tender.package_id)
            .await
            .expect("q")
            .is_some()
    );
}

/// A losing bidder objects on the public page of the demo's awarded tender (the clock set into its
/// objection period); after the period a pokja member rejects it on the tender's page; the bidder
/// reads the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidder_objects_and_the_pokja_answers_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let p = app
        .package_named("banyuwangi", "Normalisasi Saluran Kalibaru")
        .await;
    let e = app.store.evaluation(p.id).await.expect("q").expect("evaluation");
    let w = lelang_app::objection::window(&app.app, &e)
        .await
        .expect("window")
        .expect("announced");
    let member = app.pokja_member(p.id).await;
    app.clock.set(w.opens + time::Duration::hours(2));
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "vendor.prigi").await?;
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        d.find(By::Id("objection-text"))
            .await?
            .send_keys("Pemenang tidak melampirkan bukti dukungan peralatan yang disyaratkan.")
            .await?;
        d.find(By::Id("objection-submit")).await?.click().await?;
        flash(&d, "Sanggah Anda diterima dan dicatat.").await?;
        let section = d.find(By::Id("tender-objections")).await?.text().await?;
        assert!(
            section.contains("Menunggu jawaban") && section.contains("bukti dukungan"),
            "{section}"
        );
        // Its evidence: a file chosen in the form, then listed for the company to download.
        let evidence = profile.path().join("bukti-peralatan.pdf");
        std::fs::write(&evidence, b"%PDF-1.4 bukti dukungan peralatan").expect("file");
        let input = d.find(By::Css("input[type='file'][name='file']")).await?;
        input.send_keys(evidence.to_str().expect("path")).await?;
        d.find(By::Css("form[id^='evidence-form-'] button[type='submit']"))
            .await?
            .click()
            .await?;
        flash(&d, "Bukti sanggah diunggah.").await?;
        let section = d.find(By::Id("tender-objections")).await?.text().await?;
        assert!(section.contains("bukti-peralatan.pdf"), "{section}");
        d.screenshot(&shots.join("objection-filed-vendor.png")).await?;
        sign_out(&d).await?;

        app.clock.set(w.closes + time::Duration::hours(1));
        sign_in(&d, &app, &base, &member).await?;
        d.goto(format!("{base}/t/banyuwangi/packages/{}/tender", p.id))
            .await?;
        let form = d.find(By::Css("form.objection-answer")).await?;
        form.find(By::Css("input[value='no']")).await?.click().await?;
        form.find(By::Css("textarea[name='reason']"))
            .await?
            .send_keys("Bukti dukungan peralatan ada pada dokumen kualifikasi halaman 12.")
            .await?;
        d.screenshot(&shots.join("objection-answer-pokja.png")).await?;
        form.find(By::Css("button[type='submit']")).await?.click().await?;
        flash(&d, "Jawaban atas sanggah dicatat.").await?;
        sign_out(&d).await?;

        sign_in(&d, &app, &base, "vendor.prigi").await?;
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        let section = d.find(By::Id("tender-objections")).await?.text().await?;
        assert!(
            section.contains("Ditolak") && section.contains("halaman 12"),
            "{section}"
        );
        d.screenshot(&shots.join("objection-answered-vendor.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("objection-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the objection in the browser");
    let all = app.store.objections(p.id).await.expect("q");
    assert_eq!(all.iter().filter(|o| o.answer.is_some()).count(), 2);
}

/// From the announced winner (whose loser's objection the demo's pokja rejected; the objection
/// itself is filed and answered in the browser by the test above) to a finished contract, in the
/// browser: the PPK issues the letter of award once the periods are over, the winner accepts it,
/// the PPK drafts the contract, the company gives its performance guarantee and signs, the PPK
/// signs and issues the work order and plans its milestone, the company reports it complete on
/// the contract's page, the PPK accepts and pays it, records the handover and rates the company,
/// and an anonymous visitor sees all of it on the contract's public page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_the_letter_of_award_to_a_finished_and_rated_contract_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let p = app
        .package_named("banyuwangi", "Normalisasi Saluran Kalibaru")
        .await;
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.goto(format!("{base}/t/banyuwangi/packages/{}/tender", p.id))
            .await?;
        d.find(By::Id("letter-number"))
            .await?
            .send_keys("027/SPPBJ/DPU-PENGAIRAN/2026")
            .await?;
        d.find(By::Id("letter-submit")).await?.click().await?;
        flash(&d, "SPPBJ diterbitkan.").await?;
        let section = d.find(By::Id("award-letters")).await?.text().await?;
        assert!(
            section.contains("PT Ijen Konstruksi Utama") && section.contains("Menunggu tanggapan"),
            "{section}"
        );
        d.screenshot(&shots.join("award-letter-ppk.png")).await?;
        sign_out(&d).await?;

        sign_in(&d, &app, &base, "vendor.ijen").await?;
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        d.find(By::Id("letter-accept")).await?.click().await?;
        d.screenshot(&shots.join("award-letter-vendor.png")).await?;
        d.find(By::Id("letter-respond-submit")).await?.click().await?;
        flash(&d, "Tanggapan Anda atas SPPBJ dicatat.").await?;
        let section = d.find(By::Id("award-letters")).await?.text().await?;
        assert!(section.contains("Diterima"), "{section}");
        assert!(d.find(By::Id("letter-response")).await.is_err(), "answered once");
        sign_out(&d).await?;

        // The PPK drafts the contract.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        let tender = format!("{base}/t/banyuwangi/packages/{}/tender", p.id);
        d.goto(&tender).await?;
        d.find(By::Css("#contract-kind option[value='unit_price']"))
            .await?
            .click()
            .await?;
        d.find(By::Id("contract-number"))
            .await?
            .send_keys("027/KONTRAK/DPU-PENGAIRAN/2026")
            .await?;
        d.find(By::Id("contract-days")).await?.send_keys("90").await?;
        d.find(By::Id("contract-submit")).await?.click().await?;
        flash(&d, "Kontrak disusun.").await?;
        sign_out(&d).await?;

        // The company gives its guarantee (5 % of Rp905,000,000 = Rp45,250,000) and signs.
        sign_in(&d, &app, &base, "vendor.ijen").await?;
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        for (id, value) in [
            ("guarantee-issuer", "Bank Jatim Cabang Banyuwangi"),
            ("guarantee-number", "JP-2026-0117"),
            ("guarantee-amount", "45.250.000"),
        ] {
            d.find(By::Id(id)).await?.send_keys(value).await?;
        }
        let valid = d.find(By::Id("guarantee-valid")).await?;
        d.execute(
            "arguments[0].value = arguments[1];",
            vec![valid.to_json()?, serde_json::json!("2027-12-31")],
        )
        .await?;
        d.find(By::Id("guarantee-submit")).await?.click().await?;
        flash(&d, "Jaminan pelaksanaan dicatat.").await?;
        d.find(By::Id("contract-sign")).await?.click().await?;
        flash(&d, "Tanda tangan Anda pada kontrak dicatat.").await?;
        sign_out(&d).await?;

        // The PPK signs and issues the work order.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.goto(&tender).await?;
        d.find(By::Id("contract-sign")).await?.click().await?;
        flash(&d, "Tanda tangan dicatat.").await?;
        d.find(By::Id("spmk-number"))
            .await?
            .send_keys("027/SPMK/DPU-PENGAIRAN/2026")
            .await?;
        let start = d.find(By::Id("spmk-start")).await?;
        let first = {
            use lelang_core::Clock;
            (app.clock.now() + time::Duration::days(7)).date().to_string()
        };
        d.execute(
            "arguments[0].value = arguments[1];",
            vec![start.to_json()?, serde_json::json!(first)],
        )
        .await?;
        d.find(By::Id("spmk-submit")).await?.click().await?;
        flash(&d, "SPMK diterbitkan; masa pelaksanaan dimulai.").await?;
        sign_out(&d).await?;

        // Anyone sees the signed contract and its period.
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        let facts = d.find(By::Id("contract-facts")).await?.text().await?;
        assert!(
            facts.contains("027/KONTRAK/DPU-PENGAIRAN/2026")
                && facts.contains("JP-2026-0117")
                && facts.contains(&first),
            "{facts}"
        );
        d.find(By::Id("tender-contract"))
            .await?
            .screenshot(&shots.join("contract-public.png"))
            .await?;

        // The PPK plans one milestone for the whole value, due a month into the work.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.goto(&tender).await?;
        let due = {
            use lelang_core::Clock;
            (app.clock.now() + time::Duration::days(37)).date().to_string()
        };
        d.find(By::Id("plan-title-1"))
            .await?
            .send_keys("Normalisasi dan pasangan saluran")
            .await?;
        d.find(By::Id("plan-amount-1"))
            .await?
            .send_keys("905.000.000")
            .await?;
        let due_input = d.find(By::Id("plan-due-1")).await?;
        d.execute(
            "arguments[0].value = arguments[1];",
            vec![due_input.to_json()?, serde_json::json!(due)],
        )
        .await?;
        d.find(By::Id("plan-submit")).await?.click().await?;
        flash(&d, "Termin ditetapkan.").await?;
        sign_out(&d).await?;

        // The company reports it complete on the contract's page.
        sign_in(&d, &app, &base, "vendor.ijen").await?;
        d.goto(format!("{base}/tenders/{}/contract", p.id)).await?;
        d.find(By::Id("progress-percent-1"))
            .await?
            .send_keys("100")
            .await?;
        d.find(By::Id("progress-note-1"))
            .await?
            .send_keys("Normalisasi 1,2 km dan pasangan batu kali selesai.")
            .await?;
        d.screenshot(&shots.join("contract-progress-vendor.png")).await?;
        d.find(By::Id("progress-submit-1")).await?.click().await?;
        flash(&d, "Laporan kemajuan dicatat.").await?;
        sign_out(&d).await?;

        // The PPK accepts, pays, records the handover and rates the company.
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.goto(&tender).await?;
        d.find(By::Id("accept-number-1"))
            .await?
            .send_keys("027/BA-PEMERIKSAAN/DPU-PENGAIRAN/2026")
            .await?;
        d.find(By::Id("accept-submit-1")).await?.click().await?;
        flash(&d, "Hasil pekerjaan termin diterima.").await?;
        d.find(By::Id("pay-number-1"))
            .await?
            .send_keys("SP2D-00931")
            .await?;
        d.find(By::Id("pay-submit-1")).await?.click().await?;
        flash(&d, "Pembayaran dicatat.").await?;
        d.find(By::Id("handover-number"))
            .await?
            .send_keys("027/BAST/DPU-PENGAIRAN/2026")
            .await?;
        d.find(By::Id("handover-submit")).await?.click().await?;
        flash(&d, "Serah terima pekerjaan dicatat.").await?;
        for (aspect, mark) in [("quality", "3"), ("cost", "2"), ("time", "3"), ("service", "3")] {
            d.find(By::Css(format!("#rate-{aspect} option[value='{mark}']")))
                .await?
                .click()
                .await?;
        }
        d.screenshot(&shots.join("contract-execution-ppk.png")).await?;
        d.find(By::Id("rate-submit")).await?.click().await?;
        flash(&d, "Penilaian kinerja penyedia disimpan.").await?;
        sign_out(&d).await?;

        // Anyone reads the contract's public page: the payment, the handover and the rating
        // ((3 + 2 + 3 + 3) / 12 = 91.7 → 92).
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        let link = d.find(By::Id("contract-page-link")).await?.attr("href").await?;
        assert_eq!(link, Some(format!("/tenders/{}/contract", p.id)));
        d.goto(format!("{base}/tenders/{}/contract", p.id)).await?;
        let section = d.find(By::Id("contract-execution")).await?.text().await?;
        for text in ["SP2D-00931", "027/BAST/DPU-PENGAIRAN/2026", "92 / 100", "Dibayar"] {
            assert!(section.contains(text), "{text}: {section}");
        }
        d.screenshot(&shots.join("contract-page-public.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("award-letter-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the letter of award in the browser");
    let letters = app.store.award_letters(p.id).await.expect("q").expect("letters");
    assert!(letters.accepted().is_some());
    let x = app.store.execution(p.id).await.expect("q").expect("execution");
    assert_eq!((x.paid(), x.rating.map(|r| r.score)), (905_000_000, Some(92)));
}

/// The bidder whose objection the demo's pokja rejected appeals on the public page, with its
/// guarantee; the budget holder rejects the appeal on the tender's page and the guarantee is
/// shown forfeited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bidder_appeals_and_the_budget_holder_answers_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let p = app
        .package_named("banyuwangi", "Normalisasi Saluran Kalibaru")
        .await;
    let answered = app.store.objections(p.id).await.expect("q")[0]
        .answer
        .as_ref()
        .expect("answered")
        .at;
    app.clock.set(answered + time::Duration::days(1));
    let valid = (answered + time::Duration::days(40)).date();
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "vendor.blambangan").await?;
        d.goto(format!("{base}/tenders/{}", p.id)).await?;
        for (id, value) in [
            (
                "appeal-text",
                "Jawaban pokja tidak menanggapi pokok sanggah kami.",
            ),
            ("appeal-issuer", "Bank Jatim Cabang Banyuwangi"),
            ("appeal-number", "JSB-2026-0042"),
            ("appeal-amount", "9.600.000"),
        ] {
            d.find(By::Id(id)).await?.send_keys(value).await?;
        }
        let date = d.find(By::Id("appeal-valid")).await?;
        d.execute(
            "arguments[0].value = arguments[1];",
            vec![date.to_json()?, serde_json::json!(valid.to_string())],
        )
        .await?;
        d.screenshot(&shots.join("appeal-form-vendor.png")).await?;
        d.find(By::Id("appeal-submit")).await?.click().await?;
        flash(&d, "Sanggah banding Anda diterima dan dicatat.").await?;
        sign_out(&d).await?;

        sign_in(&d, &app, &base, "bwi.pa.dpu").await?;
        d.goto(format!("{base}/t/banyuwangi/packages/{}/tender", p.id))
            .await?;
        let form = d.find(By::Css("form.appeal-answer")).await?;
        form.find(By::Css("input[value='no']")).await?.click().await?;
        form.find(By::Css("textarea[name='reason']"))
            .await?
            .send_keys("Koreksi aritmetik sudah sesuai ketentuan; jawaban pokja tepat.")
            .await?;
        form.find(By::Css("button[type='submit']")).await?.click().await?;
        flash(&d, "Jawaban atas sanggah banding dicatat.").await?;
        let section = d.find(By::Id("tender-appeals")).await?.text().await?;
        assert!(
            section.contains("jaminan dicairkan") && section.contains("JSB-2026-0042"),
            "{section}"
        );
        d.screenshot(&shots.join("appeal-answered-pa.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("appeal-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the appeal in the browser");
    assert!(app.store.appeals(p.id).await.expect("q")[0].forfeited());
}
