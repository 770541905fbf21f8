//! The periods after an award end on the log by the server's timer, on both backends, under an
//! injected clock: the demo's *Rehabilitasi Bendung Sumberwadung* (awarded two days ago, one
//! objection pending) has nothing to end before its objection period closes; the timer of a
//! server started afresh over the same database in the middle of the window ends it at its
//! instant, once; the answer period's end counts the objection still unanswered; a late rejection
//! opens the construction appeal period, whose end is the award's last and settles it.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use lelang_core::period::Period;
use lelang_core::store::EventFilter;
use serde_json::json;
use time::Duration;

const SLUG: &str = "banyuwangi";

async fn period_ended(app: &lelang_app::App) -> Vec<serde_json::Value> {
    app.store
        .events(EventFilter {
            limit: 100_000,
            ..EventFilter::default()
        })
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.event_type == "period_ended")
        .map(|e| serde_json::from_str(&e.payload).expect("json"))
        .collect()
}

async fn the_timer_ends_each_period_once(app: TestApp) {
    let p = app.package_named(SLUG, "Rehabilitasi Bendung Sumberwadung").await;
    let e = app.store.evaluation(p.id).await.expect("q").expect("evaluation");
    let w = lelang_app::objection::window(&app.app, &e)
        .await
        .expect("q")
        .expect("awarded");
    let ends = |app: lelang_app::App| async move {
        let all = period_ended(&app).await;
        all.into_iter()
            .filter(|v| v["package_id"] == p.id.0.to_string())
            .map(|v| {
                (
                    v["period"].as_str().unwrap_or("").to_owned(),
                    v["filed"].as_u64(),
                    v["unanswered"].as_u64(),
                )
            })
            .collect::<Vec<_>>()
    };

    // Inside the window: whatever else ends, nothing of this award.
    lelang_app::period::fire_due(&app.app).await.expect("fire");
    app.clock.set(w.closes - Duration::seconds(1));
    lelang_app::period::fire_due(&app.app).await.expect("fire");
    assert!(ends(app.app.clone()).await.is_empty());
    assert!(app.store.unsettled_awards().await.expect("q").contains(&p.id));

    // A restart in the middle of the window: a new store and app over the same database. At the
    // window's end its timer ends the objection period, with the one objection filed; once.
    let data = tempfile::tempdir().expect("dir");
    let store = lelang::open_store(&app.db_url, data.path())
        .await
        .expect("reopen");
    let restarted = common::use_cases(&store, &app.clock);
    app.clock.set(w.closes);
    assert!(lelang_app::period::fire_due(&restarted).await.expect("fire") >= 1);
    assert_eq!(
        ends(restarted.clone()).await,
        [("objection".to_owned(), Some(1), Some(0))]
    );
    assert_eq!(
        lelang_app::period::fire(&restarted, p.id).await.expect("fire"),
        0,
        "once"
    );
    assert_eq!(
        lelang_app::period::fire(&app.app, p.id).await.expect("fire"),
        0,
        "once, on any server"
    );

    // The answer period ends with the objection unanswered; the award is not settled yet.
    app.clock.set(w.answer_by);
    lelang_app::period::fire_due(&restarted).await.expect("fire");
    assert_eq!(
        ends(restarted.clone()).await[1],
        ("objection_answer".to_owned(), Some(1), Some(1))
    );
    assert!(store.unsettled_awards().await.expect("q").contains(&p.id));

    // The pokja answers late, rejecting it: construction, so the appeal period runs five days
    // from the answer and its end is the last.
    app.clock.set(w.answer_by + Duration::hours(2));
    let objection = app.store.objections(p.id).await.expect("q")[0].id;
    let member = app.pokja_member(p.id).await;
    let mut pokja = app.signed_in(&member).await;
    let r = pokja
        .post_json(
            &format!(
                "/api/v1/tenants/{SLUG}/packages/{}/objections/{}/answer",
                p.id.0, objection.0
            ),
            &json!({ "upheld": false, "reason": "Koreksi aritmetik sesuai ketentuan dokumen pemilihan." }),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let appeal_ends = w.answer_by + Duration::hours(2) + Duration::days(5);
    app.clock.set(appeal_ends - Duration::seconds(1));
    assert_eq!(lelang_app::period::fire(&restarted, p.id).await.expect("fire"), 0);
    app.clock.set(appeal_ends);
    assert_eq!(lelang_app::period::fire(&restarted, p.id).await.expect("fire"), 1);
    let all = ends(restarted.clone()).await;
    assert_eq!(all.last(), Some(&("appeal".to_owned(), Some(0), Some(0))));
    assert_eq!(
        store.period_ends(p.id, e.version).await.expect("q"),
        [Period::Objection, Period::ObjectionAnswer, Period::Appeal]
    );
    assert!(
        !store.unsettled_awards().await.expect("q").contains(&p.id),
        "settled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_ends_each_period_once_on_sqlite() {
    the_timer_ends_each_period_once(TestApp::with_demo().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_ends_each_period_once_on_postgresql() {
    let Some(app) = TestApp::with_demo_on_postgres("the timer ends each period once on PostgreSQL").await
    else {
        return;
    };
    the_timer_ends_each_period_once(app).await;
}
