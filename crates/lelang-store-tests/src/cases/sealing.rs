//! Keys, ceremonies, openings and bids: versioned, refused when stale.

use crate::*;

/// Announced tenders are found by stemmed keywords and every filter, alike on both backends;
/// Ceremonies and openings are written whole and only on the version they were read at (two
/// members acting at once cannot both win); a bid's receipt index is its own event's leaf.
pub async fn sealing_state_is_versioned(store: Arc<dyn Store>) {
    use lelang_core::EventPayload;
    use lelang_core::Mutation;
    use lelang_core::command::Change;
    use lelang_core::event::NewEvent;
    use lelang_core::ids::{BidId, CeremonyId, PackageId};
    use lelang_core::sealing::{Bid, Ceremony, Opening};
    let (bwi, package, vendor) = crate::package_with_vendor(store.as_ref()).await;
    let c1 = Ceremony {
        id: CeremonyId::new(),
        tenant_id: bwi.id,
        package_id: package.id,
        threshold: 2,
        members: vec![],
        dealings: vec![],
        confirmed: vec![],
        confirmations: vec![],
        attempt: 1,
        outcome: None,
        started_at: t0(),
        version: 1,
    };
    let put = |c: &Ceremony, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::Sealing(lelang_core::sealing::Mutation::PutCeremony {
            ceremony: c.clone(),
            expected_version: expected,
        })],
    };
    store.commit(put(&c1, None)).await.expect("new ceremony");
    assert!(
        matches!(store.commit(put(&c1, None)).await, Err(StoreError::Conflict(_))),
        "the same ceremony twice"
    );
    let mut c2 = c1.clone();
    c2.version = 2;
    c2.confirmed = vec![1];
    let mut rival = c1.clone();
    rival.version = 2;
    rival.confirmed = vec![2];
    store
        .commit(put(&c2, Some(1)))
        .await
        .expect("on the version read");
    assert!(
        matches!(
            store.commit(put(&rival, Some(1))).await,
            Err(StoreError::Conflict(Conflict::CeremonyChanged))
        ),
        "a change made on a stale version is refused"
    );
    assert_eq!(store.ceremony(package.id).await.expect("read"), Some(c2.clone()));
    // A later ceremony (after a failed one) is the one read.
    let mut c3 = c1.clone();
    c3.id = CeremonyId::new();
    c3.started_at = t0() + time::Duration::hours(1);
    store.commit(put(&c3, None)).await.expect("second ceremony");
    assert_eq!(
        store.ceremony(package.id).await.expect("read").map(|c| c.id),
        Some(c3.id)
    );

    // Bids: each one's log index is its own event's leaf, and they read back in log order.
    let mut ids = Vec::new();
    for n in 0..2u64 {
        let bid = Bid {
            id: BidId::new(),
            tenant_id: bwi.id,
            package_id: package.id,
            vendor_id: vendor.id,
            sha256: format!("{n:064x}"),
            size: 100 + n,
            submitted_at: t0(),
            log_index: None,
            uploaded_at: None,
            withdrawn: false,
        };
        let e = NewEvent::new(
            &crate::cx(t0()),
            Some(bwi.id),
            None,
            None,
            &EventPayload::Submission(lelang_core::submission::Event::BidSubmitted {
                bid_id: bid.id,
                package_id: package.id,
                vendor_id: vendor.id,
                sha256: bid.sha256.clone(),
                size: bid.size,
            }),
        )
        .expect("event");
        let stored = store
            .commit(Change {
                events: vec![e],
                mutations: vec![Mutation::Submission(
                    lelang_core::submission::Mutation::InsertBid(bid.clone()),
                )],
            })
            .await
            .expect("bid");
        ids.push((bid.id, u64::try_from(stored[0].seq - 1).expect("seq")));
    }
    let bids = store.bids(package.id).await.expect("bids");
    assert_eq!(
        bids.iter()
            .map(|b| (b.id, b.log_index.expect("index")))
            .collect::<Vec<_>>(),
        ids
    );

    // Group commit: each change of a batch holds or fails alone, in one transaction; the
    // closing entry refuses every later commitment, in the same batch or after.
    let bid_change = |n: u64| {
        let bid = Bid {
            id: BidId::new(),
            sha256: format!("{:064x}", 100 + n),
            ..bids[0].clone()
        };
        let e = NewEvent::new(
            &crate::cx(t0()),
            Some(bwi.id),
            None,
            None,
            &EventPayload::Submission(lelang_core::submission::Event::BidSubmitted {
                bid_id: bid.id,
                package_id: package.id,
                vendor_id: vendor.id,
                sha256: bid.sha256.clone(),
                size: bid.size,
            }),
        )
        .expect("event");
        (
            bid.clone(),
            Change {
                events: vec![e],
                mutations: vec![
                    Mutation::Tender(lelang_core::tender::Mutation::ExpectSubmissionOpen(package.id)),
                    Mutation::Submission(lelang_core::submission::Mutation::InsertBid(bid)),
                ],
            },
        )
    };
    let closing = Change {
        events: vec![
            NewEvent::new(
                &crate::cx(t0()),
                Some(bwi.id),
                None,
                None,
                &EventPayload::Submission(lelang_core::submission::Event::SubmissionClosed {
                    package_id: package.id,
                    deadline: t0(),
                }),
            )
            .expect("event"),
        ],
        mutations: vec![Mutation::Submission(
            lelang_core::submission::Mutation::InsertClosing {
                package_id: package.id,
                at: t0(),
            },
        )],
    };
    // A batch where every change holds: one durable transaction, positions in order.
    let (b7, c7) = bid_change(7);
    let (b8, c8) = bid_change(8);
    let all = store.commit_batch(vec![c7, c8]).await.expect("batch");
    let seqs: Vec<i64> = all.iter().map(|r| r.as_ref().expect("holds")[0].seq).collect();
    assert_eq!(seqs[1], seqs[0] + 1);
    assert_eq!(
        store.tree_size().await.expect("size"),
        u64::try_from(seqs[1]).expect("seq")
    );
    let read = store.bids(package.id).await.expect("bids");
    for (b, seq) in [(&b7, seqs[0]), (&b8, seqs[1])] {
        let r = read.iter().find(|x| x.id == b.id).expect("stored");
        assert_eq!(r.log_index, u64::try_from(seq - 1).ok());
    }
    let before = store.event_count().await.expect("count");
    let (on_time, c1) = bid_change(1);
    let (_, late) = bid_change(2);
    let mut ghost = on_time.clone();
    ghost.id = BidId::new();
    let outcomes = store
        .commit_batch(vec![
            c1,
            closing.clone(),
            late,
            Change {
                events: vec![],
                mutations: vec![Mutation::Submission(
                    lelang_core::submission::Mutation::UpdateBid(ghost),
                )],
            },
        ])
        .await
        .expect("batch");
    assert_eq!(outcomes.len(), 4);
    let committed = outcomes[0].as_ref().expect("on time");
    let closed = outcomes[1].as_ref().expect("closing");
    assert!(
        matches!(outcomes[2], Err(StoreError::Conflict(Conflict::SubmissionClosed))),
        "{:?}",
        outcomes[2]
    );
    assert!(
        matches!(outcomes[3], Err(StoreError::NotFound(_))),
        "{:?}",
        outcomes[3]
    );
    assert_eq!(
        store.event_count().await.expect("count"),
        before + 2,
        "refused changes leave no event"
    );
    assert_eq!(
        closed[0].seq,
        committed[0].seq + 1,
        "no gap where a change was refused"
    );
    let c = store.closing(package.id).await.expect("read").expect("closing");
    assert_eq!(c.log_index, u64::try_from(closed[0].seq - 1).expect("seq"));
    assert_eq!(c.size(), store.tree_size().await.expect("size"));
    assert!(matches!(
        store.commit(closing).await,
        Err(StoreError::Conflict(Conflict::Duplicate(Unique::Record)))
    ));
    assert!(matches!(
        store.commit(bid_change(3).1).await,
        Err(StoreError::Conflict(Conflict::SubmissionClosed))
    ));
    assert_eq!(store.closing(PackageId::new()).await.expect("read"), None);
    // An upload completes a bid in place.
    let mut done = store.bids(package.id).await.expect("bids")[4].clone();
    assert_eq!(done.id, on_time.id);
    done.uploaded_at = Some(t0() + Duration::minutes(5));
    store
        .commit(Change {
            events: vec![],
            mutations: vec![Mutation::Submission(
                lelang_core::submission::Mutation::UpdateBid(done.clone()),
            )],
        })
        .await
        .expect("uploaded");
    assert_eq!(store.bids(package.id).await.expect("bids")[4], done);

    let o = Opening {
        tenant_id: bwi.id,
        package_id: package.id,
        ceremony_id: c3.id,
        bids: vec![],
        partials: vec![],
        started_at: t0(),
        completed_at: None,
        version: 1,
    };
    let put_o = |o: &Opening, expected: Option<u32>| Change {
        events: vec![],
        mutations: vec![Mutation::Opening(
            lelang_core::sealing::opening::Mutation::PutOpening {
                opening: o.clone(),
                expected_version: expected,
            },
        )],
    };
    store.commit(put_o(&o, None)).await.expect("opening");
    // Once the opening has started, no upload completes any more.
    assert!(matches!(
        store
            .commit(Change {
                events: vec![],
                mutations: vec![Mutation::Submission(
                    lelang_core::submission::Mutation::UpdateBid(done.clone())
                )],
            })
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.commit(put_o(&o, None)).await,
        Err(StoreError::Conflict(_))
    ));
    let mut done = o.clone();
    done.version = 2;
    done.completed_at = Some(t0());
    store.commit(put_o(&done, Some(1))).await.expect("complete");
    assert!(matches!(
        store.commit(put_o(&done, Some(1))).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.opening(package.id).await.expect("read"), Some(done));
    assert_eq!(store.opening(PackageId::new()).await.expect("read"), None);
}
