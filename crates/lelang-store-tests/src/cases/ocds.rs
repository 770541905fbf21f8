//! Open data releases.

use crate::*;

/// The OCDS projection: releases kept with the cursor in one step, only by the server that
/// still saw the cursor where it stood; read back in publication order by regency or
/// process; each process listed once at its newest release.
pub async fn ocds_releases_follow_the_cursor(store: Arc<dyn Store>) {
    use lelang_core::store::{OcdsRelease, ReleaseFilter};
    let a = tenant(store.as_ref(), "banyuwangi").await;
    let b = tenant(store.as_ref(), "trenggalek").await;
    for i in 0..4 {
        official(store.as_ref(), &a, &format!("pejabat{i}"), Role::PokjaMember).await;
    }
    assert_eq!(store.ocds_cursor().await.expect("cursor"), 0);
    let release = |seq: i64, ocid: &str, t: &Tenant| OcdsRelease {
        seq,
        ocid: ocid.into(),
        tenant_id: Some(t.id),
        body: format!(r#"{{"ocid":"{ocid}","n":{seq}}}"#),
    };
    let first = vec![
        release(2, "ocds-x-1", &a),
        release(3, "ocds-x-2", &b),
        release(5, "ocds-x-1", &a),
    ];
    assert!(store.publish_releases(0, 6, &first).await.expect("publish"));
    assert!(
        !store.publish_releases(0, 6, &first).await.expect("second server"),
        "a server that saw an old cursor writes nothing"
    );
    assert_eq!(store.ocds_cursor().await.expect("cursor"), 6);
    assert!(
        store
            .publish_releases(6, 9, &[release(8, "ocds-x-2", &b)])
            .await
            .expect("more")
    );
    assert!(
        store
            .publish_releases(9, 10, &[])
            .await
            .expect("an event with no release moves the cursor")
    );
    let all = store.releases(&ReleaseFilter::default()).await.expect("all");
    assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2, 3, 5, 8]);
    assert_eq!(all[1], release(3, "ocds-x-2", &b));
    let page = store
        .releases(&ReleaseFilter {
            after: 2,
            limit: 2,
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 5]);
    let of_a = store
        .releases(&ReleaseFilter {
            tenant: Some(a.id),
            ..Default::default()
        })
        .await
        .expect("regency");
    assert_eq!(of_a.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2, 5]);
    let of_2 = store
        .process_releases(&["ocds-x-2".into()])
        .await
        .expect("process");
    assert_eq!(of_2.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 8]);
    let both = store
        .process_releases(&["ocds-x-2".into(), "ocds-x-1".into(), "ocds-x-9".into()])
        .await
        .expect("processes");
    assert_eq!(both.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![2, 3, 5, 8]);
    assert!(store.process_releases(&[]).await.expect("none").is_empty());
    assert_eq!(
        store.changed_processes(0, None, 10).await.expect("changed"),
        vec![("ocds-x-1".to_owned(), 5), ("ocds-x-2".to_owned(), 8)]
    );
    assert_eq!(
        store.changed_processes(5, None, 10).await.expect("changed"),
        vec![("ocds-x-2".to_owned(), 8)]
    );
    assert_eq!(
        store.changed_processes(0, Some(a.id), 1).await.expect("changed"),
        vec![("ocds-x-1".to_owned(), 5)]
    );
}
