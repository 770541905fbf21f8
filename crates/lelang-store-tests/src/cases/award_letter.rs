//! Letters of award: written whole, each change only on the version read and on the evaluation
//! version read (an award reopened meanwhile refuses the letter).

use crate::*;

/// New letters, their next version, a stale write refused by type, and the evaluation guard; the
/// contract likewise.
pub async fn award_letters_are_versioned(store: Arc<dyn Store>) {
    use lelang_core::Mutation;
    use lelang_core::award_letter::{self, Letter, Letters};
    use lelang_core::command::Change;
    let (bwi, package, vendor) = package_with_vendor(store.as_ref()).await;
    let mut l = Letters {
        package_id: package.id,
        tenant_id: bwi.id,
        letters: vec![Letter {
            bid_id: lelang_core::ids::BidId::new(),
            vendor_id: vendor.id,
            amount: 900_000_000,
            number: "027/SPPBJ/DPU/2026".into(),
            issued_at: t0(),
            response: None,
        }],
        version: 1,
    };
    let put = |l: &Letters, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::AwardLetter(award_letter::Mutation::PutLetters {
            letters: l.clone(),
            expected_version: expected,
        })],
    };
    assert_eq!(store.award_letters(package.id).await.expect("read"), None);
    store.commit(put(&l, None)).await.expect("new");
    assert!(store.commit(put(&l, None)).await.is_err(), "one set per tender");
    let stale = l.clone();
    l.version = 2;
    l.letters[0].response = Some(award_letter::Response {
        accepted: true,
        reason: None,
        at: t0(),
    });
    store.commit(put(&l, Some(1))).await.expect("next");
    assert!(matches!(
        store.commit(put(&stale, Some(1))).await,
        Err(StoreError::Conflict(Conflict::Changed))
    ));
    assert_eq!(
        store.award_letters(package.id).await.expect("read"),
        Some(l.clone())
    );
    // Its contract: written whole, on the version read.
    use lelang_core::contract::{Contract, Kind};
    let c = Contract {
        package_id: package.id,
        tenant_id: bwi.id,
        vendor_id: vendor.id,
        bid_id: l.letters[0].bid_id,
        kind: Kind::UnitPrice,
        number: "027/KONTRAK/DPU/2026".into(),
        value: 900_000_000,
        duration_days: 120,
        guarantee_required: Some(45_000_000),
        guarantee: None,
        vendor_signed_at: None,
        ppk_signed_at: None,
        work_order: None,
        drafted_at: t0(),
        version: 1,
    };
    let put_c = |c: &Contract, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::Contract(lelang_core::contract::Mutation::PutContract {
            contract: c.clone(),
            expected_version: expected,
        })],
    };
    store.commit(put_c(&c, None)).await.expect("drafted");
    let mut signed = c.clone();
    signed.version = 2;
    signed.vendor_signed_at = Some(t0());
    store.commit(put_c(&signed, Some(1))).await.expect("signed");
    assert!(matches!(
        store.commit(put_c(&signed, Some(1))).await,
        Err(StoreError::Conflict(Conflict::Changed))
    ));
    assert_eq!(store.contract(package.id).await.expect("read"), Some(signed));
    // Its execution: written whole on the version read, and read back per company.
    use lelang_core::execution::{self, Execution, Milestone, Stamp};
    let mut x = Execution {
        package_id: package.id,
        tenant_id: bwi.id,
        vendor_id: vendor.id,
        signed_value: 900_000_000,
        milestones: vec![Milestone {
            title: "Seluruh pekerjaan".into(),
            amount: 900_000_000,
            due: time::macros::date!(2027 - 03 - 31),
            reports: vec![],
            accepted: None,
            paid: None,
        }],
        amendments: vec![],
        handover: None,
        termination: None,
        rating: None,
        advance: None,
        maintenance_guarantee: None,
        version: 1,
    };
    let put_x = |x: &Execution, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::Execution(execution::Mutation::PutExecution {
            execution: x.clone(),
            expected_version: expected,
        })],
    };
    assert!(store.executions_of(vendor.id).await.expect("read").is_empty());
    store.commit(put_x(&x, None)).await.expect("planned");
    let stale = x.clone();
    x.version = 2;
    x.milestones[0].accepted = Some(Stamp {
        number: "BA-1".into(),
        at: t0(),
    });
    store.commit(put_x(&x, Some(1))).await.expect("accepted");
    assert!(matches!(
        store.commit(put_x(&stale, Some(1))).await,
        Err(StoreError::Conflict(Conflict::Changed))
    ));
    assert_eq!(store.execution(package.id).await.expect("read"), Some(x.clone()));
    assert_eq!(store.executions_of(vendor.id).await.expect("read"), vec![x]);
    // No evaluation at the version read: refused, by type.
    assert!(matches!(
        store
            .commit(Change {
                events: vec![],
                mutations: vec![Mutation::AwardLetter(award_letter::Mutation::ExpectEvaluation {
                    package_id: package.id,
                    version: 1,
                })],
            })
            .await,
        Err(StoreError::Conflict(Conflict::EvaluationChanged))
    ));
}
