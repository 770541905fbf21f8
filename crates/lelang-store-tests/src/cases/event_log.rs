//! The event log and its tree: gapless, atomic, concurrent, and the tree that follows it.

use crate::*;

/// Running the migrations again changes nothing and does not fail.
pub async fn migrate_twice(store: Arc<dyn Store>) {
    store.migrate().await.expect("second migrate");
    store.ping().await.expect("ping");
    assert_eq!(store.event_count().await.expect("count"), 0);
}

/// Events get gapless positions from 1, in commit order, with their payload bytes intact.
pub async fn events_gapless_and_ordered(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "banyuwangi").await;
    let b = tenant(store.as_ref(), "trenggalek").await;
    let u = official(store.as_ref(), &a, "budi", Role::CommitmentOfficer).await;
    let all = store
        .events(EventFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("events");
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(
        all.iter().map(|e| e.event_type.as_str()).collect::<Vec<_>>(),
        ["tenant_created", "tenant_created", "user_created", "role_granted"]
    );
    assert_eq!(all[0].at, t0());
    assert!(all[2].payload.contains(&u.id.to_string()));
    // Payloads come back byte-identical and still canonical.
    for e in &all {
        let v: serde_json_value::Value = serde_json_value::from_str(&e.payload);
        assert_eq!(
            lelang_core::canonical::canonicalize(&v).expect("canonical"),
            e.payload
        );
    }
    let of_b = store
        .events(EventFilter {
            tenant: Some(Some(b.id)),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("events of b");
    assert_eq!(of_b.len(), 1);
    let after = store
        .events(EventFilter {
            after_seq: 2,
            limit: 1,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(after.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3]);
    assert_eq!(store.event_count().await.expect("count"), 4);
    let newest = store
        .events(EventFilter {
            limit: 2,
            newest_first: true,
            ..Default::default()
        })
        .await
        .expect("newest");
    assert_eq!(newest.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![4, 3]);
    let newest_of_a = store
        .events(EventFilter {
            tenant: Some(Some(a.id)),
            limit: 10,
            newest_first: true,
            ..Default::default()
        })
        .await
        .expect("newest of a");
    assert_eq!(
        newest_of_a.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![4, 3, 1]
    );
}

/// A change that fails half-way leaves neither its events nor its earlier mutations behind.
pub async fn commit_is_atomic(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "banyuwangi").await;
    let before = store.event_count().await.expect("count");
    let (_, mut change) = create_work_unit(
        &admin(),
        t.id,
        CreateWorkUnit {
            code: "DPU".into(),
            name: "Dinas Pekerjaan Umum".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    // The second mutation breaks the unique slug: the whole change must roll back.
    let (_, dup) = create_tenant(
        &admin(),
        CreateTenant {
            slug: "banyuwangi".into(),
            name: "Duplikat".into(),
            time_zone: TimeZone::Wib,
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    change.events.extend(dup.events);
    change.mutations.extend(dup.mutations);
    let err = store.commit(change.lift()).await.expect_err("must conflict");
    assert!(
        matches!(err, StoreError::Conflict(Conflict::Duplicate(Unique::TenantSlug))),
        "{err:?}"
    );
    assert_eq!(store.event_count().await.expect("count"), before);
    assert!(store.work_units(t.id).await.expect("units").is_empty());
    // The log goes on without a gap, and a failed change leaves no lock behind: several
    // writers right after it all get through.
    let mut writers = Vec::new();
    for slug in ["trenggalek", "jember", "situbondo", "bondowoso"] {
        let store = store.clone();
        writers.push(tokio_spawn(async move { tenant(store.as_ref(), slug).await }));
    }
    for w in writers {
        tokio::time::timeout(std::time::Duration::from_secs(20), w)
            .await
            .expect("a commit after a failed one must not wait on a lock")
            .expect("join");
    }
    assert_eq!(store.event_count().await.expect("count"), before + 4);
}

/// Every commit extends the Merkle tree in the same transaction: one leaf per event, every
/// completed node stored, so the root and any proof follow from stored nodes alone.
pub async fn log_tree_follows_the_events(store: Arc<dyn Store>) {
    use lelang_core::store::StoredCheckpoint;
    use lelang_trust::merkle;
    let a = tenant(store.as_ref(), "banyuwangi").await;
    for i in 0..5 {
        official(store.as_ref(), &a, &format!("pejabat{i}"), Role::PokjaMember).await;
    }
    let n = store.event_count().await.expect("count") as u64;
    assert_eq!(n, 11);
    assert_eq!(store.tree_size().await.expect("size"), n);
    let leaves = store.leaves(0, n).await.expect("leaves");
    assert_eq!(leaves.len() as u64, n);
    let hashes: Vec<_> = leaves
        .iter()
        .map(|(e, salt)| lelang_core::public::leaf_hash(e, salt).expect("leaf"))
        .collect();
    assert_eq!(store.tree_level(0, 0, n).await.expect("level 0"), hashes);
    assert_eq!(store.tree_level(0, 8, 100).await.expect("tail").len(), 3);
    let frontier = merkle::frontier(n);
    let nodes = store.tree_nodes(&frontier).await.expect("nodes");
    let root = merkle::root_from_frontier(&frontier.iter().map(|id| nodes[id]).collect::<Vec<_>>());
    assert_eq!(root, merkle::root_of(&hashes));
    for index in [0, 5, n - 1] {
        let ranges = merkle::inclusion_ranges(index, n);
        let stored = store
            .tree_nodes(&merkle::nodes_for(&ranges))
            .await
            .expect("proof nodes");
        let proof = merkle::hash_ranges(&ranges, &stored).expect("complete");
        merkle::verify_inclusion(index, n, &hashes[index as usize], &proof, &root).expect("inclusion");
    }
    // Personal data never reaches a leaf.
    for (e, salt) in &leaves {
        let leaf = String::from_utf8(lelang_core::public::leaf(e, salt).expect("leaf")).expect("utf8");
        assert!(!leaf.contains("@example.go.id"), "{leaf}");
    }
    assert_eq!(store.latest_checkpoint().await.expect("q"), None);
    for size in [4, n] {
        let c = StoredCheckpoint {
            size,
            root,
            note: format!("note {size}\n"),
            created_at: t0(),
        };
        store.add_checkpoint(&c).await.expect("add");
        store
            .add_checkpoint(&c)
            .await
            .expect("adding the same size again is harmless");
    }
    assert_eq!(
        store.latest_checkpoint().await.expect("q").map(|c| c.size),
        Some(n)
    );
}

/// Many concurrent commits still give one gapless log.
pub async fn concurrent_commits_stay_gapless(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "banyuwangi").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = store.clone();
        tasks.push(tokio_spawn(async move {
            let (_, c) = create_work_unit(
                &admin(),
                t.id,
                CreateWorkUnit {
                    code: format!("U{i}"),
                    name: format!("Unit {i}"),
                },
                &crate::cx(t0()),
            )
            .expect("valid");
            store.commit(c.lift()).await.map(|e| e.len())
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("join").expect("commit"), 1);
    }
    let all = store
        .events(EventFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("events");
    assert_eq!(
        all.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=25).collect::<Vec<i64>>()
    );
    assert_eq!(store.work_units(t.id).await.expect("units").len(), 24);
    // The tree took every leaf in log order.
    let leaves = store.leaves(0, 25).await.expect("leaves");
    let hashes: Vec<_> = leaves
        .iter()
        .map(|(e, salt)| lelang_core::public::leaf_hash(e, salt).expect("leaf"))
        .collect();
    assert_eq!(store.tree_level(0, 0, 25).await.expect("level 0"), hashes);
    let frontier = lelang_trust::merkle::frontier(25);
    let nodes = store.tree_nodes(&frontier).await.expect("nodes");
    let root =
        lelang_trust::merkle::root_from_frontier(&frontier.iter().map(|id| nodes[id]).collect::<Vec<_>>());
    assert_eq!(root, lelang_trust::merkle::root_of(&hashes));
}
