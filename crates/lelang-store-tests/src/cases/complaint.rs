//! Complaints: found by id, by code and by regency; numbers unique per regency; every change only
//! over the version read; the timer's scan holds exactly the complaints still waiting.

use crate::*;

/// A complaint filed, triaged and logged overdue through the core's commands, with every refusal
/// the store owes them.
pub async fn complaints_are_versioned_and_numbered_once(store: Arc<dyn Store>) {
    use lelang_core::complaint::{self, Category, Decision, Filing, Follower, Subject};
    use lelang_core::ids::TenantId;
    let (bwi, package, _) = package_with_vendor(store.as_ref()).await;
    let other = tenant(store.as_ref(), "trenggalek").await;
    let auditor = official(store.as_ref(), &bwi, "apip", Role::Auditor).await;
    let auditor = Actor::User(UserActor {
        user_id: auditor.id,
        username: auditor.username.clone(),
        role: Role::Auditor,
        tenant_id: Some(bwi.id),
        work_unit_id: None,
        vendor_id: None,
    });
    let filing = |tenant: TenantId| Filing {
        tenant_id: tenant,
        category: Category::Process,
        subject: Subject::Tender(package.id),
        text: "Jadwal pembuktian kualifikasi diubah tanpa alasan.".into(),
        anonymous: true,
        identity: None,
    };
    let due = t0() + time::Duration::days(7);
    let file = |tenant: TenantId, number: &str, code: &str| {
        complaint::file(
            &Actor::Anonymous,
            filing(tenant),
            number.into(),
            complaint::code_hash(code),
            due,
            &crate::cx(t0()),
        )
        .expect("filed")
    };
    let (a, change) = file(bwi.id, "PGD-2026-0001", "AAAA-1111");
    store.commit(change.lift()).await.expect("filed");
    // The same number in the same regency, or the same code anywhere, is a duplicate; the same
    // number in another regency is its own.
    let (_, dup) = file(bwi.id, "PGD-2026-0001", "BBBB-2222");
    assert!(matches!(
        store.commit(dup.lift()).await,
        Err(StoreError::Conflict(Conflict::Duplicate(_)))
    ));
    let (_, dup) = file(other.id, "PGD-2026-0009", "AAAA-1111");
    assert!(matches!(
        store.commit(dup.lift()).await,
        Err(StoreError::Conflict(Conflict::Duplicate(_)))
    ));
    let (b, change) = file(other.id, "PGD-2026-0001", "CCCC-3333");
    store
        .commit(change.lift())
        .await
        .expect("another regency's first");
    assert_eq!(store.complaint(a.id).await.expect("read"), Some(a.clone()));
    assert_eq!(
        store
            .complaint_by_code(&complaint::code_hash("aaaa 1111"))
            .await
            .expect("read"),
        Some(a.clone())
    );
    assert_eq!(
        store
            .complaint_by_code(&complaint::code_hash("AAAA-1112"))
            .await
            .expect("read"),
        None
    );
    assert_eq!(store.complaints(bwi.id).await.expect("read"), vec![a.clone()]);
    assert_eq!(store.complaints(other.id).await.expect("read"), vec![b.clone()]);
    let mut pending: Vec<_> = store
        .pending_complaints()
        .await
        .expect("read")
        .into_iter()
        .map(|c| c.id)
        .collect();
    pending.sort();
    let mut both = vec![a.id, b.id];
    both.sort();
    assert_eq!(pending, both);
    // A reply and a triage both read version 1: the first holds, the second is stale.
    let at = crate::cx(t0() + time::Duration::hours(1));
    let (replied, reply) = complaint::reply(
        Follower::Code("AAAA-1111"),
        &Actor::Anonymous,
        &a,
        "Tambahan: terjadi dua kali.",
        &at,
    )
    .expect("replied");
    let (_, stale) = complaint::triage(
        &auditor,
        &a,
        Decision::Accept,
        "Diterima untuk ditangani.",
        None,
        &at,
    )
    .expect("decided");
    store.commit(reply.lift()).await.expect("reply");
    assert!(matches!(
        store.commit(stale.lift()).await,
        Err(StoreError::Conflict(Conflict::Changed))
    ));
    let (accepted, change) = complaint::triage(
        &auditor,
        &replied,
        Decision::Accept,
        "Diterima untuk ditangani.",
        None,
        &at,
    )
    .expect("decided");
    store.commit(change.lift()).await.expect("accepted");
    assert_eq!(store.complaint(a.id).await.expect("read"), Some(accepted));
    // Answered, it leaves the timer's scan; the other regency's, logged overdue, leaves it too.
    let late = crate::cx(due + time::Duration::minutes(1));
    let (_, change) = complaint::overdue(&b, &late).expect("decided").expect("overdue");
    store.commit(change.lift()).await.expect("logged");
    assert!(store.pending_complaints().await.expect("read").is_empty());
    let events = store
        .events(lelang_core::store::EventFilter {
            tenant: Some(Some(other.id)),
            after_seq: 0,
            limit: 10,
            newest_first: false,
        })
        .await
        .expect("events");
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert!(
        types.ends_with(&["complaint_filed", "complaint_answer_overdue"]),
        "{types:?}"
    );
}
