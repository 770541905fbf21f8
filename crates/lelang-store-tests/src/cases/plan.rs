//! Procurement plans and packages.

use crate::*;

/// Plan items read back as entered; announcing makes them public, once.
pub async fn plan_items_round_trip(store: Arc<dyn Store>) {
    use lelang_core::plan::{NewPlanItem, announce_plan, create_plan_items};
    use lelang_core::rules::{Category, Method, built_in};
    let t = tenant(store.as_ref(), "banyuwangi").await;
    let (wu, c) = create_work_unit(
        &admin(),
        t.id,
        CreateWorkUnit {
            code: "DPU".into(),
            name: "Dinas PU".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("unit");
    let ppk = Actor::User(UserActor {
        user_id: UserId::new(),
        username: "ppk".into(),
        role: Role::CommitmentOfficer,
        tenant_id: Some(t.id),
        work_unit_id: Some(wu.id),
        vendor_id: None,
    });
    let rules = built_in().expect("rules").pop().expect("newest");
    let item = |name: &str, pagu| NewPlanItem {
        fiscal_year: 2027,
        name: name.into(),
        category: Category::Works,
        budget_ceiling: pagu,
        funding_source: "DAK".into(),
        planned_method: Method::Tender,
        planned_start: time::macros::date!(2027 - 02 - 01),
        planned_end: time::macros::date!(2027 - 08 - 31),
    };
    let (items, c) = create_plan_items(
        &ppk,
        t.id,
        wu.id,
        &[
            item("Jembatan Bajulmati", 4_800_000_000),
            item("Jalan Lingkar Genteng", 2_100_000_000),
        ],
        &rules,
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("commit");
    let mut read = store.plan_items(t.id, false).await.expect("plan");
    read.sort_by(|a, b| a.name.cmp(&b.name));
    let mut expected = items.clone();
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(read, expected);
    assert!(store.plan_items(t.id, true).await.expect("public").is_empty());
    let pa = Actor::User(UserActor {
        user_id: UserId::new(),
        username: "pa".into(),
        role: Role::BudgetHolder,
        tenant_id: Some(t.id),
        work_unit_id: Some(wu.id),
        vendor_id: None,
    });
    let c = announce_plan(&pa, t.id, wu.id, 2027, &items, &crate::cx(t0())).expect("announce");
    store.commit(c.lift()).await.expect("commit");
    let public = store.plan_items(t.id, true).await.expect("public");
    assert_eq!(public.len(), 2);
    assert!(public.iter().all(|p| p.announced_at == Some(t0())));
    // A package from an announced item reads back whole; a second one from the same item is refused.
    use lelang_core::package::{HpsLine, NewPackage, create_package};
    let announced = store.plan_items(t.id, true).await.expect("public");
    let line = HpsLine {
        description: "Beton K-250".into(),
        quantity: 120,
        unit: "m3".into(),
        unit_price: 1_750_000,
    };
    let (pkg, c) = create_package(
        &ppk,
        &announced[0],
        NewPackage {
            hps_breakdown: vec![line.clone()],
            location: "Desa Bajulmati".into(),
        },
        &rules,
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("package");
    assert_eq!(store.packages(t.id).await.expect("packages"), vec![pkg.clone()]);
    // One row by its id; an unknown id is none.
    assert_eq!(store.package(pkg.id).await.expect("package"), Some(pkg));
    assert_eq!(
        store
            .package(lelang_core::ids::PackageId::new())
            .await
            .expect("package"),
        None
    );
    let (_, c) = create_package(
        &ppk,
        &announced[0],
        NewPackage {
            hps_breakdown: vec![line],
            location: "Lagi".into(),
        },
        &rules,
        &crate::cx(t0()),
    )
    .expect("valid");
    assert!(
        matches!(store.commit(c.lift()).await, Err(StoreError::Conflict(_))),
        "one package per plan item"
    );
    // A pokja of three; a second assignment of the same package is refused; declarations once.
    use lelang_core::pokja::{assign_pokja, declare_no_conflict};
    let mut members = Vec::new();
    for i in 0..3 {
        members.push(
            official(store.as_ref(), &t, &format!("pokja{i}"), Role::PokjaMember)
                .await
                .id,
        );
    }
    let ulp = Actor::User(UserActor {
        user_id: UserId::new(),
        username: "ulp".into(),
        role: Role::UlpHead,
        tenant_id: Some(t.id),
        work_unit_id: None,
        vendor_id: None,
    });
    let pkg = store.packages(t.id).await.expect("packages").remove(0);
    // The hand-over: kept whole, changed only over the version read; its conversation in order.
    use lelang_core::handover::{self, Entry, Item, Status};
    let checklist: Vec<Entry> = Item::ALL
        .iter()
        .map(|i| Entry {
            item: *i,
            reference: format!("027/{}/2027", i.code()),
        })
        .collect();
    let (submitted, c) = handover::submit(&ppk, &pkg, None, &checklist, "", &crate::cx(t0())).expect("valid");
    store.commit(c.lift()).await.expect("submit");
    let (_, twice) =
        handover::submit(&ppk, &pkg, None, &checklist, "", &crate::cx(t0())).expect("built blind");
    assert!(
        matches!(
            store.commit(twice.lift()).await,
            Err(StoreError::Conflict(Conflict::Changed))
        ),
        "a second first submission"
    );
    let (accepted, c) = handover::accept(&ulp, &submitted, &crate::cx(t0())).expect("valid");
    store.commit(c.lift()).await.expect("accept");
    let (_, stale) = handover::return_to_ppk(&ulp, &submitted, "Rancangan kontrak kurang.", &crate::cx(t0()))
        .expect("built from the stale read");
    assert!(
        matches!(
            store.commit(stale.lift()).await,
            Err(StoreError::Conflict(Conflict::Changed))
        ),
        "a decision over a stale read"
    );
    assert_eq!(
        store.handover(pkg.id).await.expect("read"),
        Some(accepted.clone())
    );
    assert_eq!(store.handovers(t.id).await.expect("read"), vec![accepted.clone()]);
    assert_eq!(accepted.status, Status::Accepted);
    let people = vec![(members[0], "pokja0".to_string())];
    let talk = handover::Conversation {
        package: &pkg,
        pokja: None,
        people: &people,
    };
    let mut written = Vec::new();
    for body in ["Mohon dicek @pokja0", "Sudah dicek", "Terima kasih"] {
        let (m, c) = handover::post(&ppk, talk, body, &crate::cx(t0())).expect("valid");
        store.commit(c.lift()).await.expect("message");
        written.push(m);
    }
    assert_eq!(store.package_messages(pkg.id).await.expect("read"), written);
    let ppk_id = ppk.user().expect("user").user_id;
    assert_eq!(
        store.messages_mentioning(t.id, ppk_id).await.expect("read").len(),
        3,
        "the writer's own messages"
    );
    assert_eq!(
        store.messages_mentioning(t.id, members[1]).await.expect("read"),
        vec![written[0].clone()],
        "only those that mention someone"
    );
    let (assignment, c) = assign_pokja(
        &ulp,
        &pkg,
        handover::is_accepted(Some(&accepted)),
        &members,
        &members,
        None,
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("assign");
    let (_, again) = assign_pokja(
        &ulp,
        &pkg,
        handover::is_accepted(Some(&accepted)),
        &members,
        &members,
        None,
        &crate::cx(t0()),
    )
    .expect("built without the store's view");
    assert!(
        matches!(
            store.commit(again.lift()).await,
            Err(StoreError::Conflict(Conflict::PokjaAssigned))
        ),
        "one pokja per package"
    );
    let member = Actor::User(UserActor {
        user_id: members[1],
        username: "pokja1".into(),
        role: Role::PokjaMember,
        tenant_id: Some(t.id),
        work_unit_id: None,
        vendor_id: None,
    });
    store
        .commit(
            declare_no_conflict(&member, &assignment, &crate::cx(t0()))
                .expect("member")
                .lift(),
        )
        .await
        .expect("declare");
    let read = store.pokja_assignments(t.id).await.expect("read");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].members.len(), 3);
    assert_eq!(read[0].declared, vec![members[1]]);
    assert!(matches!(
        store
            .commit(
                declare_no_conflict(&member, &assignment, &crate::cx(t0()))
                    .expect("stale")
                    .lift()
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    // A second announcement built from stale drafts changes nothing and logs nothing.
    let before = store.event_count().await.expect("count");
    let again =
        announce_plan(&pa, t.id, wu.id, 2027, &items, &crate::cx(t0())).expect("built from stale drafts");
    assert!(
        matches!(store.commit(again.lift()).await, Err(StoreError::NotFound(_))),
        "announced once"
    );
    assert_eq!(store.event_count().await.expect("count"), before);
}
