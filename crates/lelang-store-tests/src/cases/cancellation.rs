//! Cancellations: once per tender, only on the evaluation version read, marked on the public list
//! (closed whatever the deadline), and refusing by type every later change of the tender.

use crate::*;

/// A tender cancelled before its deadline: read back, listed, closed for search, and no longer
/// changed — a second cancellation, a bid's commitment and a guarded change are refused by type.
pub async fn cancellations_close_the_tender_for_good(store: Arc<dyn Store>) {
    use lelang_core::Mutation;
    use lelang_core::cancellation::{self, Cancellation, Ground};
    use lelang_core::command::Change;
    use lelang_core::tender::{PublicTender, TenderQuery, TenderStatus};
    let (bwi, package, _vendor) = package_with_vendor(store.as_ref()).await;
    let day = time::Duration::days(1);
    let tender = PublicTender {
        package_id: package.id,
        tenant_id: bwi.id,
        work_unit_id: package.work_unit_id,
        name: package.name.clone(),
        location: package.location.clone(),
        category: package.category,
        method: lelang_core::rules::Method::Tender,
        owner_estimate: package.owner_estimate,
        budget_ceiling: package.budget_ceiling,
        announced_at: t0(),
        submission_deadline: t0() + day * 10,
        search_terms: lelang_core::stem::index_text("Jembatan"),
        cancelled_at: None,
    };
    let one = |m: Mutation| Change {
        events: vec![],
        mutations: vec![m],
    };
    store
        .commit(one(Mutation::Tender(
            lelang_core::tender::Mutation::InsertPublicTender(tender.clone()),
        )))
        .await
        .expect("announced");
    let open = |status| TenderQuery {
        tenant: Some(bwi.id),
        status: Some(status),
        now: Some(t0() + day),
        limit: 10,
        ..TenderQuery::default()
    };
    assert_eq!(
        store
            .search_tenders(&open(TenderStatus::Open))
            .await
            .expect("search")
            .total,
        1
    );
    let c = Cancellation {
        package_id: package.id,
        tenant_id: bwi.id,
        ground: Ground::BudgetUnavailable,
        reason: "Anggaran dialihkan untuk penanganan banjir.".into(),
        at: t0() + day,
    };
    let cancel = |c: &Cancellation, version: Option<u32>| {
        one(Mutation::Cancellation(
            cancellation::Mutation::InsertCancellation {
                cancellation: c.clone(),
                evaluation_version: version,
            },
        ))
    };
    // Read with an evaluation that is not there: refused, nothing written.
    assert!(matches!(
        store.commit(cancel(&c, Some(1))).await,
        Err(StoreError::Conflict(Conflict::EvaluationChanged))
    ));
    assert_eq!(store.cancellation(package.id).await.expect("read"), None);
    store.commit(cancel(&c, None)).await.expect("cancelled");
    assert_eq!(
        store.cancellation(package.id).await.expect("read"),
        Some(c.clone())
    );
    assert_eq!(store.cancellations(bwi.id).await.expect("read"), vec![c.clone()]);
    assert!(
        store
            .cancellations(lelang_core::TenantId::new())
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(
        store
            .public_tender(package.id)
            .await
            .expect("read")
            .expect("listed")
            .cancelled_at,
        Some(c.at)
    );
    // Before its deadline, yet closed: it is cancelled.
    assert_eq!(
        store
            .search_tenders(&open(TenderStatus::Open))
            .await
            .expect("search")
            .total,
        0
    );
    assert_eq!(
        store
            .search_tenders(&open(TenderStatus::Closed))
            .await
            .expect("search")
            .total,
        1
    );
    for refused in [
        cancel(&c, None),
        one(Mutation::Tender(
            lelang_core::tender::Mutation::ExpectSubmissionOpen(package.id),
        )),
        one(Mutation::Tender(
            lelang_core::tender::Mutation::ExpectNotCancelled(package.id),
        )),
    ] {
        assert!(matches!(
            store.commit(refused).await,
            Err(StoreError::Conflict(Conflict::TenderCancelled))
        ));
    }
    // Another tender is not affected.
    store
        .commit(one(Mutation::Tender(
            lelang_core::tender::Mutation::ExpectNotCancelled(lelang_core::PackageId::new()),
        )))
        .await
        .expect("not cancelled");
}
