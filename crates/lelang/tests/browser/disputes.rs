//! Disputes in the browser: an anonymous citizen files a complaint and follows it with the code;
//! the auditor opens a mediation with the PPK, holds and records a session; the citizen (by code)
//! and the PPK approve the minutes; the auditor concludes with an agreement; a second complaint is
//! escalated by the ULP head; the police officer reads the case; the ULP head sees the reads.

use super::*;
use serde_json::json;

const NAME: &str = "Wahyuni Kartikasari";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_is_mediated_and_another_escalated_in_the_browser() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let tender = app.demo_tender("Sumberwadung").await;
    let pkg = tender.package_id.0.to_string();
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let result: WebDriverResult<()> = async {
        // The citizen, signed out: from the regency's page to the form, anonymous.
        d.goto(format!("{base}/t/banyuwangi")).await?;
        d.query(By::Id("tenant-complaints"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("complaint-new")).first().await?.click().await?;
        d.query(By::Css("#c-category option[value='process']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Css("#c-subject option[value='tender']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Css(format!("#c-package option[value='{pkg}']")))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("c-text"))
            .first()
            .await?
            .send_keys("Jadwal pembuktian kualifikasi dimajukan tanpa pengumuman di aplikasi.")
            .await?;
        d.query(By::Id("c-name")).first().await?.send_keys(NAME).await?;
        d.screenshot(&shots.join("complaint-form-citizen.png")).await?;
        d.query(By::Id("complaint-submit")).first().await?.click().await?;
        let code = d.query(By::Id("complaint-code")).first().await?.text().await?;
        let number = d.query(By::Id("complaint-number")).first().await?.text().await?;
        assert_eq!(code.len(), 29, "{code}");
        d.screenshot(&shots.join("complaint-filed-code.png")).await?;
        // Followed with the code: received, nothing of the name kept.
        d.goto(format!("{base}/complaints/follow-up")).await?;
        d.query(By::Id("f-code")).first().await?.send_keys(&code).await?;
        d.query(By::Id("follow-submit")).first().await?.click().await?;
        let status = d.query(By::Id("complaint-status")).first().await?.text().await?;
        assert_eq!(status, "diterima");
        assert!(!d.source().await?.contains(NAME));

        // The auditor opens a mediation with the PPK and schedules a session.
        sign_in(&d, &app, &base, "bwi.apip").await?;
        d.goto(format!("{base}/t/banyuwangi/complaints")).await?;
        d.query(By::LinkText(&number)).first().await?.click().await?;
        assert_eq!(
            d.query(By::Id("complaint-complainant"))
                .first()
                .await?
                .text()
                .await?,
            "Anonim"
        );
        d.query(By::Css("label[for='mp-ppk']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("mediation-open-submit"))
            .first()
            .await?
            .click()
            .await?;
        flash(&d, "Mediasi diperbarui.").await?;
        let now = lelang_core::Clock::now(app.clock.as_ref());
        let local = (now + time::Duration::hours(7) + time::Duration::minutes(20))
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]"
            ))
            .expect("local");
        d.execute(
            &format!("document.getElementById('ms-at').value='{local}';"),
            vec![],
        )
        .await?;
        d.query(By::Id("ms-place"))
            .first()
            .await?
            .send_keys("Ruang rapat Inspektorat")
            .await?;
        d.query(By::Id("schedule-submit")).first().await?.click().await?;
        flash(&d, "Mediasi diperbarui.").await?;
        let page = d.current_url().await?.to_string();
        let page = page.split('?').next().unwrap_or_default().to_owned();

        // Held: the auditor records it (signed in afresh: the session has passed).
        app.clock.set(now + time::Duration::hours(1));
        d.delete_all_cookies().await?;
        sign_in(&d, &app, &base, "bwi.apip").await?;
        d.goto(&page).await?;
        d.query(By::Css("label[for='att-complainant']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Css("label[for='att-ppk']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("pos-ppk"))
            .first()
            .await?
            .send_keys("Jadwal diubah karena libur daerah.")
            .await?;
        d.query(By::Id("mr-minutes"))
            .first()
            .await?
            .send_keys("Para pihak hadir. PPK akan mengumumkan ulang jadwal di aplikasi.")
            .await?;
        d.query(By::Id("record-submit")).first().await?.click().await?;
        flash(&d, "Mediasi diperbarui.").await?;
        sign_out(&d).await?;

        // The citizen approves the minutes by the code; the PPK by account.
        d.goto(format!("{base}/complaints/follow-up")).await?;
        d.query(By::Id("f-code")).first().await?.send_keys(&code).await?;
        d.query(By::Id("follow-submit")).first().await?.click().await?;
        d.query(By::Id("approve-submit")).first().await?.click().await?;
        flash(&d, "Mediasi diperbarui.").await?;
        sign_in(&d, &app, &base, "bwi.ppk.dpu").await?;
        d.goto(&page).await?;
        d.query(By::Id("approve-submit")).first().await?.click().await?;
        flash(&d, "Mediasi diperbarui.").await?;
        sign_out(&d).await?;

        // The auditor concludes with an agreement: settled.
        sign_in(&d, &app, &base, "bwi.apip").await?;
        d.goto(&page).await?;
        d.query(By::Css("label[for='mo-agree']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("ma-what-1"))
            .first()
            .await?
            .send_keys("Mengumumkan ulang jadwal pembuktian.")
            .await?;
        let due = (now + time::Duration::days(7)).date();
        d.execute(
            &format!("document.getElementById('ma-due-1').value='{due}';"),
            vec![],
        )
        .await?;
        d.query(By::Css("#ma-party-1 option[value='ppk']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("conclude-submit")).first().await?.click().await?;
        flash(&d, "Mediasi diperbarui.").await?;
        assert_eq!(
            d.query(By::Id("complaint-status")).first().await?.text().await?,
            "selesai dengan mediasi"
        );
        let section = d.query(By::Id("mediation")).first().await?.text().await?;
        assert!(
            section.contains("Sepakat") && section.contains("Mengumumkan ulang"),
            "{section}"
        );
        d.screenshot(&shots.join("complaint-mediated-auditor.png"))
            .await?;
        sign_out(&d).await?;

        // A second complaint, bribery, escalated by the ULP head under the demo's MoU.
        let mut anon = app.client();
        let r = anon
            .post_json(
                "/api/v1/tenants/banyuwangi/complaints",
                &json!({ "category": "bribery", "subject": "tender", "package_id": pkg, "anonymous": true,
                         "text": "Ada yang meminta uang agar penawaran lulus evaluasi teknis." }),
                None,
            )
            .await;
        let second = r.json()["complaint"]["number"]
            .as_str()
            .expect("number")
            .to_owned();
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.goto(format!("{base}/t/banyuwangi/cases")).await?;
        d.query(By::XPath(format!(
            "//select[@id='e-complaint']/option[text()='{second}']"
        )))
        .first()
        .await?
        .click()
        .await?;
        d.query(By::Css(format!("label[for='scope-{pkg}']")))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("e-officers"))
            .first()
            .await?
            .send_keys("bwi.aph")
            .await?;
        d.query(By::Id("e-summary"))
            .first()
            .await?
            .send_keys("Dugaan permintaan uang dalam evaluasi teknis.")
            .await?;
        d.query(By::Id("escalate-submit")).first().await?.click().await?;
        let case = d.query(By::Id("case-number")).first().await?.text().await?;
        d.screenshot(&shots.join("case-escalated-ulp.png")).await?;
        sign_out(&d).await?;

        // The officer sees the case at home, opens it and reads the tender in scope.
        sign_in(&d, &app, &base, "bwi.aph").await?;
        let home = d.query(By::Css("main")).first().await?.text().await?;
        assert!(home.contains(&case), "{home}");
        d.goto(format!("{base}/t/banyuwangi/cases")).await?;
        d.query(By::LinkText(&case)).first().await?.click().await?;
        d.query(By::Css("#case-packages a"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Id("hps-breakdown")).first().await?;
        d.screenshot(&shots.join("case-read-officer.png")).await?;
        sign_out(&d).await?;

        // The ULP head sees the officer's reads.
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.goto(format!("{base}/t/banyuwangi/cases")).await?;
        let reads = d.query(By::Id("case-reads")).first().await?.text().await?;
        assert!(reads.contains(&case) && reads.contains("bwi.aph"), "{reads}");
        d.screenshot(&shots.join("case-reads-ulp.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("disputes-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("disputes in the browser");
}
