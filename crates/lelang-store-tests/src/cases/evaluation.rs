//! Evaluations: written whole, only on the version read (two members recording at once cannot
//! both win); a regency's concluded ones are listed, newest first, with their records.

use crate::*;

/// A new evaluation, its next version, a stale write refused by type, and the concluded list.
pub async fn evaluations_are_versioned(store: Arc<dyn Store>) {
    use lelang_core::Mutation;
    use lelang_core::command::Change;
    use lelang_core::evaluation::{Evaluation, Proposal, Status};
    use lelang_core::ids::BidId;
    use lelang_core::rules::{Category, EvaluationMethod};
    let (bwi, package, vendor) = package_with_vendor(store.as_ref()).await;
    let e = Evaluation {
        tenant_id: bwi.id,
        package_id: package.id,
        work_unit_id: package.work_unit_id,
        rule_set: "perpres-46-2025".into(),
        category: Category::Works,
        method: EvaluationMethod::SistemGugur,
        owner_estimate: package.owner_estimate,
        budget_ceiling: package.budget_ceiling,
        technical_weight_permille: None,
        passing_score: None,
        reasonable_price_permille: 800,
        evaluate_first: 3,
        reserves: 2,
        budget_holder_decides: false,
        members: vec![],
        bids: vec![lelang_core::evaluation::EvaluatedBid {
            bid_id: BidId::new(),
            vendor_id: vendor.id,
            commit_index: 4,
            plaintext_sha256: None,
            read_out: Some(900_000_000),
            corrected: None,
            reasonableness: None,
            proof: None,
        }],
        findings: vec![],
        decisions: vec![],
        approvals: vec![],
        status: Status::Evaluating,
        started_at: t0(),
        version: 1,
    };
    let put = |e: &Evaluation, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::Evaluation(
            lelang_core::evaluation::Mutation::PutEvaluation {
                evaluation: e.clone(),
                expected_version: expected,
            },
        )],
    };
    store.commit(put(&e, None)).await.expect("new");
    assert!(matches!(
        store.commit(put(&e, None)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.evaluation(package.id).await.expect("read"), Some(e.clone()));
    assert!(store.concluded(bwi.id).await.expect("read").is_empty());
    let mut failed = e.clone();
    failed.version = 2;
    failed.status = Status::Failed {
        record: Box::new(e.record(&Proposal::Fail {
            reason: lelang_core::evaluation::rank::FailureReason::Collusion,
            note: "Persekongkolan ditemukan.".into(),
        })),
        note: "Persekongkolan ditemukan.".into(),
        at: t0(),
    };
    store.commit(put(&failed, Some(1))).await.expect("next");
    // A member who read version 1 too late is refused by type, and nothing changes.
    let mut late = e.clone();
    late.version = 2;
    assert!(matches!(
        store.commit(put(&late, Some(1))).await,
        Err(StoreError::Conflict(Conflict::EvaluationChanged))
    ));
    assert_eq!(
        store.evaluation(package.id).await.expect("read"),
        Some(failed.clone())
    );
    let concluded = store.concluded(bwi.id).await.expect("read");
    assert_eq!(concluded.len(), 1);
    assert_eq!(concluded[0].package_id, package.id);
    assert!(
        store
            .concluded(lelang_core::TenantId::new())
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(
        store
            .evaluation(lelang_core::PackageId::new())
            .await
            .expect("read"),
        None
    );
}
