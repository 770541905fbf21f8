//! Objections: kept in the order filed, answered once (a second answer is refused by type).

use crate::*;

/// An objection filed, read back, answered, and a second answer refused; its appeal likewise.
pub async fn objections_are_answered_once(store: Arc<dyn Store>) {
    use lelang_core::Mutation;
    use lelang_core::command::Change;
    use lelang_core::objection::{self, Answer, Objection};
    let (bwi, package, vendor) = package_with_vendor(store.as_ref()).await;
    let o = Objection {
        id: lelang_core::ids::ObjectionId::new(),
        package_id: package.id,
        tenant_id: bwi.id,
        vendor_id: vendor.id,
        text: "Harga pemenang tidak wajar.".into(),
        filed_at: t0(),
        answer: None,
        evidence: vec![],
    };
    let one = |m: objection::Mutation| Change {
        events: vec![],
        mutations: vec![Mutation::Objection(m)],
    };
    store
        .commit(one(objection::Mutation::InsertObjection(o.clone())))
        .await
        .expect("filed");
    assert_eq!(store.objections(package.id).await.expect("read"), vec![o.clone()]);
    // Evidence: written over the objection read; a second write over the same read is stale.
    let mut with = o.clone();
    with.evidence.push(objection::Evidence {
        filename: "foto-lapangan.jpg".into(),
        media_type: "image/jpeg".into(),
        size: 1234,
        sha256: "ab".repeat(32),
        at: t0(),
    });
    let add = |objection: &Objection, read: &Objection| {
        one(objection::Mutation::AddEvidence {
            objection: objection.clone(),
            read: read.clone(),
        })
    };
    store.commit(add(&with, &o)).await.expect("evidence");
    assert!(matches!(
        store.commit(add(&with, &o)).await,
        Err(StoreError::Conflict(Conflict::Changed))
    ));
    assert_eq!(
        store.objections(package.id).await.expect("read"),
        vec![with.clone()]
    );
    let o = with;
    let mut answered = o.clone();
    answered.answer = Some(Answer {
        upheld: false,
        reason: "Harga sudah diklarifikasi.".into(),
        by: lelang_core::UserId::new(),
        at: t0(),
        late: false,
    });
    store
        .commit(one(objection::Mutation::AnswerObjection(answered.clone())))
        .await
        .expect("answered");
    assert!(matches!(
        store
            .commit(one(objection::Mutation::AnswerObjection(answered.clone())))
            .await,
        Err(StoreError::Conflict(Conflict::AlreadyAnswered))
    ));
    assert_eq!(store.objections(package.id).await.expect("read"), vec![answered]);
    assert!(
        store
            .objections(lelang_core::PackageId::new())
            .await
            .expect("read")
            .is_empty()
    );
    // Its appeal, answered once too.
    use lelang_core::appeal::{self, Appeal, AppealAnswer, Guarantee};
    let ap = Appeal {
        id: lelang_core::ids::AppealId::new(),
        package_id: package.id,
        tenant_id: bwi.id,
        vendor_id: vendor.id,
        objection_id: o.id,
        text: "Jawaban pokja keliru.".into(),
        guarantee: Guarantee {
            issuer: "Bank Jatim".into(),
            number: "JSB-1".into(),
            amount: 10_000_000,
            valid_until: time::macros::date!(2027 - 01 - 31),
        },
        filed_at: t0(),
        answer: None,
    };
    let one = |m: appeal::Mutation| Change {
        events: vec![],
        mutations: vec![Mutation::Appeal(m)],
    };
    store
        .commit(one(appeal::Mutation::InsertAppeal(ap.clone())))
        .await
        .expect("appealed");
    let mut done = ap.clone();
    done.answer = Some(AppealAnswer {
        upheld: false,
        reason: "Ditolak.".into(),
        by: lelang_core::UserId::new(),
        at: t0(),
        late: false,
    });
    store
        .commit(one(appeal::Mutation::AnswerAppeal(done.clone())))
        .await
        .expect("answered");
    assert!(matches!(
        store
            .commit(one(appeal::Mutation::AnswerAppeal(done.clone())))
            .await,
        Err(StoreError::Conflict(Conflict::AlreadyAnswered))
    ));
    assert_eq!(store.appeals(package.id).await.expect("read"), vec![done]);
}
