//! Letters of award: written whole, each change only on the version read and on the evaluation
//! version read (an award reopened meanwhile refuses the letter).

use crate::*;

/// New letters, their next version, a stale write refused by type, and the evaluation guard.
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
        Err(StoreError::Conflict(Conflict::EvaluationChanged))
    ));
    assert_eq!(store.award_letters(package.id).await.expect("read"), Some(l));
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
