//! The dashboard in the browser, over the demo's history: the ULP head follows the navigation to
//! the unit's dashboard, filters it by category and sees every chart beside its table and the
//! pokja's load; an anonymous visitor sees the public dashboard without the load, compares the
//! two regencies; a pokja member finds the inbox of what to act on at home.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_and_the_comparison_render_with_their_charts() {
    let Some((_driver, port)) = start_chromedriver() else {
        return;
    };
    let app = TestApp::with_demo().await;
    let base = format!("http://{}", serve(&app).await);
    let shots = screenshots();
    let profile = tempfile::tempdir().expect("profile");
    let d = browser(port, profile.path()).await;
    let result: WebDriverResult<()> = async {
        sign_in(&d, &app, &base, "bwi.ulp").await?;
        d.query(By::LinkText("Dasbor")).first().await?.click().await?;
        d.query(By::Id("dashboard-headline")).first().await?;
        for id in [
            "by-stage", "cycle", "bidders", "savings", "failed", "flags", "load",
        ] {
            let chart = d.query(By::Css(format!("#{id} svg.chart"))).first().await?;
            assert!(chart.is_displayed().await?, "{id}");
            let rows = d.find_all(By::Css(format!("#{id}-table tbody tr"))).await?;
            assert!(
                !rows.is_empty() || id == "failed" || id == "load",
                "{id} has no rows"
            );
        }
        d.screenshot(&shots.join("dashboard-unit.png")).await?;
        for id in ["by-stage", "cycle", "flags", "load", "forecast-heading"] {
            d.execute(
                &format!("document.getElementById('{id}').scrollIntoView()"),
                Vec::new(),
            )
            .await?;
            d.screenshot(&shots.join(format!("dashboard-unit-{id}.png")))
                .await?;
        }
        d.query(By::Css("#filter-category option[value='works']"))
            .first()
            .await?
            .click()
            .await?;
        d.query(By::Css("#dashboard-filters button"))
            .first()
            .await?
            .click()
            .await?;
        // The answer to the filter shows it chosen.
        d.query(By::Css("#filter-category option[value='works'][selected]"))
            .first()
            .await?;
        let url = d.current_url().await?;
        assert!(url.as_str().contains("category=works"), "{url}");
        d.screenshot(&shots.join("dashboard-unit-works.png")).await?;
        let verdict = d.query(By::Id("forecast-verdict")).first().await?.text().await?;
        assert!(!verdict.is_empty());
        sign_out(&d).await?;

        // A pokja member's home: the inbox of what to act on, each item a link to where.
        sign_in(&d, &app, &base, "bwi.pokja1").await?;
        let items = d.find_all(By::Css("#inbox li a")).await?;
        assert!(!items.is_empty(), "the pokja member's inbox is empty");
        d.screenshot(&shots.join("home-inbox-pokja.png")).await?;
        sign_out(&d).await?;

        // The public: the same charts, no pokja load; then the regencies side by side.
        d.goto(format!("{base}/t/banyuwangi/dashboard")).await?;
        d.query(By::Id("by-stage-table")).first().await?;
        assert!(d.find_all(By::Id("load")).await?.is_empty());
        d.screenshot(&shots.join("dashboard-public.png")).await?;
        // By default every regency (up to six) is compared: here both.
        d.query(By::Id("dashboard-compare"))
            .first()
            .await?
            .click()
            .await?;
        let table = d.query(By::Id("compare-table")).first().await?.text().await?;
        assert!(
            table.contains("Banyuwangi") && table.contains("Trenggalek"),
            "{table}"
        );
        assert!(!d.find_all(By::Css("svg.chart")).await?.is_empty());
        d.screenshot(&shots.join("compare.png")).await?;
        d.execute(
            "document.getElementById('compare-table').scrollIntoView()",
            Vec::new(),
        )
        .await?;
        d.screenshot(&shots.join("compare-charts.png")).await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = d.screenshot(&shots.join("dashboard-failed.png")).await;
    }
    let _ = d.quit().await;
    result.expect("the dashboard in the browser");
}
