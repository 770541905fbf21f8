//! The dashboard end to end, on SQLite and on PostgreSQL: the fixed log of
//! `lelang_core::dashboard::fixture` committed to the store of a regency with no other tender,
//! its figures read back over HTTP by the public and by the unit, each checked against the
//! hand-computed values; filters and bad input, the page and its CSV, the comparison, a tender's
//! red flags by who reads them.

mod common;

use axum::http::StatusCode;
use common::{Start, TestApp, cx};
use lelang_core::command::Change;
use lelang_core::dashboard::{Figures, FlagKind, fixture};
use lelang_core::event::NewEvent;
use lelang_core::model::Tenant;

/// Banyuwangi with the demo's people and no tender but the fixture's seven.
async fn with_fixture(app: &TestApp) -> Tenant {
    let tenant = app
        .store
        .tenant_by_slug("banyuwangi")
        .await
        .expect("store")
        .expect("banyuwangi");
    let unit = app.store.work_units(tenant.id).await.expect("units")[0].id;
    for (at, payload) in &fixture::log(tenant.id, unit).entries {
        let e = NewEvent::new(&cx(*at), Some(tenant.id), None, None, payload).expect("event");
        app.store
            .commit(Change {
                events: vec![e],
                mutations: Vec::new(),
            })
            .await
            .expect("commit");
    }
    tenant
}

fn figures(body: &str) -> Figures {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("figures ({e}): {body}"))
}

fn flags(body: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    v.as_array()
        .expect("a list")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

async fn every_figure_over_http(app: &TestApp) {
    with_fixture(app).await;
    let api = "/api/v1/tenants/banyuwangi/dashboard";

    // The public: figures from the public record only.
    let mut anyone = app.client();
    let r = anyone.get(api).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("private, no-store")
    );
    fixture::check_public(&figures(&r.body));

    // The unit: the ULP head and the auditor; a PPK and another regency's auditor get the public view.
    for who in ["bwi.ulp", "bwi.apip"] {
        let mut c = app.signed_in(who).await;
        let r = c.get(api).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.body);
        fixture::check_unit(&figures(&r.body));
    }
    for who in ["bwi.ppk.dpu", "tgl.apip", "vendor.ijen"] {
        let mut c = app.signed_in(who).await;
        fixture::check_public(&figures(&c.get(api).await.body));
    }

    // Filters: goods are B, D and F; only B has a winner (200 − 198 = 2 M of 200 M = 10 ‰).
    let goods = figures(&anyone.get(&format!("{api}?category=goods")).await.body);
    assert_eq!(goods.tenders, 3);
    assert_eq!(goods.savings.vs_owner_estimate_permille, Some(10));
    assert_eq!(
        figures(&anyone.get(&format!("{api}?year=2025")).await.body).tenders,
        0
    );
    assert_eq!(
        figures(&anyone.get(&format!("{api}?year=2026&method=tender")).await.body).tenders,
        7
    );
    for (query, status) in [
        ("category=bricks", StatusCode::UNPROCESSABLE_ENTITY),
        ("year=20x6", StatusCode::UNPROCESSABLE_ENTITY),
        ("work_unit=nope", StatusCode::UNPROCESSABLE_ENTITY),
        ("colour=red", StatusCode::BAD_REQUEST),
    ] {
        let r = anyone.get(&format!("{api}?{query}")).await;
        assert_eq!(r.status, status, "{query}: {}", r.body);
        assert!(
            r.content_type().starts_with("application/problem+json"),
            "{query}"
        );
    }
    assert_eq!(
        anyone.get("/api/v1/tenants/nowhere/dashboard").await.status,
        StatusCode::NOT_FOUND
    );

    // The page: charts beside their tables; the pokja's load only in the unit's view.
    let mut ulp = app.signed_in("bwi.ulp").await;
    let page = ulp.get("/t/banyuwangi/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    for id in [
        "by-stage", "cycle", "bidders", "savings", "failed", "flags", "load",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}-table\"")), "{id}");
        assert!(
            page.body.contains(&format!("aria-labelledby=\"{id}-title\"")),
            "{id}"
        );
    }
    assert!(page.body.len() < 100 * 1024, "{} bytes", page.body.len());
    let public = anyone.get("/t/banyuwangi/dashboard?category=works").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("<svg") && !public.body.contains("id=\"load-table\""));
    assert_eq!(
        anyone.get("/t/banyuwangi/dashboard?year=x").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The pokja forecast (the unit's): D, E and G are under way. E's and G's planned ends are
    // past, so they weigh on this month only; D has no schedule yet, so it weighs for the rule
    // set's two months. November: (1000 goods + 1200 works + 1200 works) × 3 members = 10 200
    // against 5 members × 4000; December: D alone, 1000 × 3 = 3000; then nothing.
    assert!(page.body.contains("id=\"forecast-verdict\"") && page.body.contains("id=\"forecast-table\""));
    let r = ulp.get("/api/v1/tenants/banyuwangi/pokja/forecast").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let f = r.json();
    assert_eq!(f["members"], 5);
    assert_eq!(f["months"].as_array().map(Vec::len), Some(12));
    assert_eq!(
        (f["months"][0]["year"].as_i64(), f["months"][0]["month"].as_i64()),
        (Some(2026), Some(11))
    );
    assert_eq!(f["months"][0]["tenders"], 3);
    assert_eq!(f["months"][0]["load_permille"], 10_200);
    assert_eq!(f["months"][0]["capacity_permille"], 20_000);
    assert_eq!(
        (
            f["months"][1]["tenders"].as_i64(),
            f["months"][1]["load_permille"].as_i64()
        ),
        (Some(1), Some(3000))
    );
    assert_eq!(f["months"][2]["tenders"], 0);
    assert_eq!(f["peak_short"], 0);
    assert_eq!(
        anyone
            .get("/api/v1/tenants/banyuwangi/pokja/forecast")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    assert_eq!(
        ppk.get("/api/v1/tenants/banyuwangi/pokja/forecast").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!public.body.contains("forecast-verdict"));

    // The CSV: the same rows, one per line, under their section's title.
    let csv = ulp.get("/t/banyuwangi/dashboard.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(
        csv.body
            .lines()
            .any(|l| l.starts_with("Paket per tahap,Persiapan,1")),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .lines()
            .any(|l| l.starts_with("Tanda bahaya,Harga sama,1")),
        "{}",
        csv.body
    );

    // Regencies compared: public figures only.
    let r = anyone
        .get("/api/v1/compare?regencies=banyuwangi,trenggalek")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let both: serde_json::Value = r.json();
    assert_eq!(both.as_array().map(Vec::len), Some(2));
    assert_eq!(both[0]["regency"], "banyuwangi");
    fixture::check_public(&figures(&both[0]["figures"].to_string()));
    assert_eq!(figures(&both[1]["figures"].to_string()).tenders, 0);
    assert_eq!(
        anyone
            .get("/api/v1/compare?regencies=banyuwangi,nowhere")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        anyone.get("/api/v1/compare?regencies=a,b,c,d,e,f,g").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let page = anyone.get("/compare?r-banyuwangi=1&r-trenggalek=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"compare-table\"") && page.body.contains("Trenggalek"));

    // A tender's flags: C is decided, everyone sees its public flags; G is still in evaluation,
    // so only the unit sees that its lowest bid failed and that two bidders share an address.
    let c = fixture::id::<uuid::Uuid>(fixture::C.n);
    let mut public = flags(&anyone.get(&format!("/api/v1/tenders/{c}/flags")).await.body);
    public.sort();
    assert_eq!(
        public,
        [
            FlagKind::IdenticalPrices,
            FlagKind::LateScheduleChange,
            FlagKind::LowestDisqualified,
            FlagKind::MostDisqualified,
            FlagKind::NearEstimate,
        ]
        .map(|k| k.code().to_owned())
    );
    let g = fixture::id::<uuid::Uuid>(fixture::G.n);
    assert!(flags(&anyone.get(&format!("/api/v1/tenders/{g}/flags")).await.body).is_empty());
    let unit = flags(&ulp.get(&format!("/api/v1/tenders/{g}/flags")).await.body);
    assert!(unit.contains(&"lowest-disqualified".to_owned()) && unit.contains(&"shared-address".to_owned()));
    // D was never announced: the public may not learn it exists.
    let d = fixture::id::<uuid::Uuid>(fixture::D.n);
    assert_eq!(
        anyone.get(&format!("/api/v1/tenders/{d}/flags")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ulp.get(&format!("/api/v1/tenders/{d}/flags")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_figure_and_flag_over_http_is_the_hand_computed_one_on_sqlite() {
    let app = TestApp::builder().start(Start::People).build().await;
    every_figure_over_http(&app).await;
}

#[tokio::test]
async fn every_figure_and_flag_over_http_is_the_hand_computed_one_on_postgresql() {
    let Some(app) = TestApp::builder()
        .start(Start::People)
        .build_on_postgres("the dashboard on PostgreSQL")
        .await
    else {
        return;
    };
    every_figure_over_http(&app).await;
}

/// The demo's history: every page of the dashboard renders for every role that reads it, and a
/// tender decided since the fold began is counted at the next answer (the fold catches up).
#[tokio::test]
async fn the_demo_dashboard_answers_every_role_and_catches_up() {
    let app = TestApp::with_demo().await;
    let mut anyone = app.client();
    let before = figures(&anyone.get("/api/v1/tenants/banyuwangi/dashboard").await.body);
    assert!(before.tenders > 0);
    for who in [
        "bwi.ulp",
        "bwi.apip",
        "bwi.ppk.dpu",
        "bwi.pokja1",
        "vendor.blambangan",
        "bwi.aph",
    ] {
        let mut c = app.signed_in(who).await;
        let page = c.get("/t/banyuwangi/dashboard").await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        assert!(page.body.contains("<svg"), "{who}");
    }
    let tenant = with_fixture(&app).await;
    let after = figures(&anyone.get("/api/v1/tenants/banyuwangi/dashboard").await.body);
    assert_eq!(after.tenders, before.tenders + 7, "{}", tenant.slug);
}

/// The demo's officials each find in their inbox what is theirs to act on, and only that.
#[tokio::test]
async fn the_inbox_lists_what_each_official_must_act_on() {
    let app = TestApp::with_demo().await;
    let inbox = |c: &mut common::Client| {
        let mut c = c.clone();
        async move {
            let r = c.get("/api/v1/me/inbox").await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json().as_array().cloned().expect("a list")
        }
    };
    let package = |item: &serde_json::Value| {
        lelang_core::ids::PackageId(
            item["package_id"]
                .as_str()
                .expect("package")
                .parse()
                .expect("uuid"),
        )
    };

    // A pokja member: only tenders of their own pokja, each at the stage the item names.
    let mut pokja = app.signed_in("bwi.pokja1").await;
    let items = inbox(&mut pokja).await;
    assert!(!items.is_empty());
    let me = app
        .store
        .credentials("bwi.pokja1")
        .await
        .expect("store")
        .expect("user")
        .user
        .id;
    for item in &items {
        let kind = item["kind"].as_str().expect("kind");
        assert!(
            [
                "announce",
                "opening_ready",
                "evaluation_due",
                "objections_to_answer"
            ]
            .contains(&kind),
            "{item}"
        );
        assert!(app.pokja_of(package(item)).await.members.contains(&me), "{item}");
    }
    let home = pokja.get("/home").await;
    assert!(home.body.contains("id=\"inbox\""), "{}", home.body);

    // The auditor: the company's late objection, filed as a complaint, is past its first answer.
    let mut apip = app.signed_in("bwi.apip").await;
    let items = inbox(&mut apip).await;
    assert!(
        items
            .iter()
            .any(|i| i["kind"] == "complaint_due" && i["late"] == true),
        "{items:?}"
    );

    // The PPK: winners of its own work unit only.
    let mut ppk = app.signed_in("bwi.ppk.dpu").await;
    let contracts = inbox(&mut ppk).await;
    assert!(
        !contracts.is_empty(),
        "the demo has a winner of DPU without a signed contract"
    );
    let unit = app.work_unit_of("bwi.ppk.dpu").await;
    for item in contracts {
        assert_eq!(item["kind"], "contract", "{item}");
        let p = app
            .store
            .package(package(&item))
            .await
            .expect("store")
            .expect("package");
        assert_eq!(p.work_unit_id, unit);
    }

    // A company has nothing here; nobody signed in has no inbox.
    let mut vendor = app.signed_in("vendor.blambangan").await;
    assert!(inbox(&mut vendor).await.is_empty());
    assert_eq!(
        app.client().get("/api/v1/me/inbox").await.status,
        StatusCode::UNAUTHORIZED
    );
}
