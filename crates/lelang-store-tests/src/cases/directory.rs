//! Regencies, users, sessions, second factors, tokens and sign-in attempts.

use crate::*;

/// Regencies, work units, vendors and users read back as written, and stay in their regency.
pub async fn directory_round_trip_and_isolation(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "banyuwangi").await;
    let b = tenant(store.as_ref(), "trenggalek").await;
    assert_eq!(
        store.tenant_by_slug("banyuwangi").await.expect("q"),
        Some(a.clone())
    );
    assert_eq!(store.tenant(b.id).await.expect("q"), Some(b.clone()));
    assert_eq!(store.tenant_by_slug("nowhere").await.expect("q"), None);
    assert_eq!(store.tenants().await.expect("q").len(), 2);
    for (code, name) in [("DINKES", "Dinas Kesehatan"), ("DPU", "Dinas Pekerjaan Umum")] {
        let (_, c) = create_work_unit(
            &admin(),
            a.id,
            CreateWorkUnit {
                code: code.into(),
                name: name.into(),
            },
            &crate::cx(t0()),
        )
        .expect("valid");
        store.commit(c.lift()).await.expect("commit");
    }
    let (_, c) = create_work_unit(
        &admin(),
        b.id,
        CreateWorkUnit {
            code: "DPU".into(),
            name: "DPU Trenggalek".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    store
        .commit(c.lift())
        .await
        .expect("same code in another regency is fine");
    let units = store.work_units(a.id).await.expect("units");
    assert_eq!(
        units.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
        ["DINKES", "DPU"]
    );
    assert!(units.iter().all(|w| w.tenant_id == a.id));

    let u = official(store.as_ref(), &a, "siti", Role::UlpHead).await;
    official(store.as_ref(), &b, "agus", Role::Auditor).await;
    let in_a = store.users(Some(a.id)).await.expect("users");
    assert_eq!(in_a, vec![u.clone()]);
    assert!(store.users(None).await.expect("users").is_empty());
    let creds = store.credentials("siti").await.expect("creds").expect("exists");
    assert_eq!(creds.user, u);
    assert!(creds.password_hash.starts_with("$argon2id$"));
    let of_a = store.tenant_role_grants(a.id).await.expect("regency grants");
    assert_eq!(
        of_a.iter().map(|g| (g.user_id, g.role)).collect::<Vec<_>>(),
        vec![(u.id, Role::UlpHead)]
    );
    assert_eq!(
        store
            .tenant_role_grants(b.id)
            .await
            .expect("regency grants")
            .len(),
        1
    );
    let grants = store.role_grants(u.id).await.expect("grants");
    assert_eq!(grants.len(), 1);
    assert_eq!((grants[0].role, grants[0].tenant_id), (Role::UlpHead, Some(a.id)));

    let (v, c) = register_vendor(
        &admin(),
        RegisterVendor {
            name: "CV Blambangan Jaya".into(),
            nib: "9120001234567".into(),
            home_tenant_id: Some(a.id),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    store.commit(c.lift()).await.expect("commit vendor");
    assert_eq!(store.vendor(v.id).await.expect("q"), Some(v.clone()));
    let (_, c) = register_vendor(
        &admin(),
        RegisterVendor {
            name: "PT Lain".into(),
            nib: "9120001234567".into(),
            home_tenant_id: None,
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    assert!(
        matches!(
            store.commit(c.lift()).await,
            Err(StoreError::Conflict(Conflict::Duplicate(Unique::VendorNib)))
        ),
        "NIB is unique"
    );
    assert_eq!(store.vendors().await.expect("q").len(), 1);
    // A username is unique across the deployment.
    let (_, c) = create_user(
        &admin(),
        CreateUser {
            username: "SITI".into(),
            display_name: "Siti Lain".into(),
            email: None,
            tenant_id: Some(b.id),
            vendor_id: None,
            roles: vec![(Role::Auditor, None)],
            password_hash: "x".into(),
        },
        &crate::cx(t0()),
    )
    .expect("valid");
    assert!(matches!(
        store.commit(c.lift()).await,
        Err(StoreError::Conflict(Conflict::Duplicate(Unique::Username)))
    ));
}

/// Sessions are found by secret hash, expire by idle and absolute age, and end together.
pub async fn sessions_lifecycle(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "banyuwangi").await;
    let u = official(store.as_ref(), &t, "rina", Role::PokjaMember).await;
    let mk = |secret: u8, created: OffsetDateTime| Session {
        id: SessionId::new(),
        secret_hash: vec![secret; 32],
        user_id: u.id,
        role: Role::PokjaMember,
        tenant_id: Some(t.id),
        created_at: created,
        last_seen_at: created,
    };
    let s1 = mk(1, t0());
    let s2 = mk(2, t0() - Duration::hours(20));
    let s3 = mk(3, t0());
    for s in [&s1, &s2, &s3] {
        store.create_session(s).await.expect("create");
    }
    assert_eq!(
        store.session_by_secret(&[1; 32]).await.expect("q"),
        Some(s1.clone())
    );
    assert_eq!(store.session_by_secret(&[9; 32]).await.expect("q"), None);
    store
        .touch_session(s1.id, t0() + Duration::minutes(40))
        .await
        .expect("touch");
    assert_eq!(
        store
            .session_by_secret(&[1; 32])
            .await
            .expect("q")
            .map(|s| s.last_seen_at),
        Some(t0() + Duration::minutes(40))
    );
    // At t0+45min with a 30-minute idle limit and a 12-hour absolute limit: s3 is idle, s2 too old.
    let now = t0() + Duration::minutes(45);
    let purged = store
        .purge_sessions(now - Duration::minutes(30), now - Duration::hours(12))
        .await
        .expect("purge");
    assert_eq!(purged, 2);
    assert_eq!(store.session_count(u.id).await.expect("count"), 1);
    store.create_session(&mk(4, t0())).await.expect("create");
    let change = directory::revoke_sessions(&admin(), &u, &crate::cx(t0())).expect("allowed");
    store.commit(change.lift()).await.expect("commit");
    assert_eq!(store.session_count(u.id).await.expect("count"), 0);
    let last = store
        .events(EventFilter {
            after_seq: 0,
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("ev");
    assert_eq!(
        last.last().map(|e| e.event_type.as_str()),
        Some("sessions_revoked")
    );
    store.create_session(&mk(5, t0())).await.expect("create");
    store
        .delete_session(store.session_by_secret(&[5; 32]).await.expect("q").expect("s").id)
        .await
        .expect("delete");
    assert_eq!(store.session_count(u.id).await.expect("count"), 0);
}

/// A second factor: enrolled with its recovery codes, each step and code good once (also when
/// requests race), reset and enrolled again under a new epoch; a regency's policy.
pub async fn second_factor_lifecycle(store: Arc<dyn Store>) {
    use lelang_core::second_factor::{self as sf, Secret};
    let t = tenant(store.as_ref(), "banyuwangi").await;
    assert!(t.second_factor_required, "required by default");
    let u = official(store.as_ref(), &t, "sinta", Role::PokjaMember).await;
    assert_eq!(store.second_factor(u.id).await.expect("q"), None);
    assert!(
        !store.use_second_factor_step(u.id, 5).await.expect("q"),
        "nothing enrolled"
    );
    let codes: Vec<String> = (0..10).map(|i| format!("kode-{i:04}-uji")).collect();
    let secret = Secret([9; sf::SECRET_BYTES]);
    store
        .commit(
            sf::enrol(u.id, Some(t.id), &secret, &codes, &crate::cx(t0()))
                .expect("enrol")
                .lift(),
        )
        .await
        .expect("commit");
    let e = store.second_factor(u.id).await.expect("q").expect("enrolled");
    assert_eq!(
        (e.secret.clone(), e.last_step, e.recovery_left),
        (secret.clone(), None, 10)
    );
    let first_epoch = e.epoch;
    // Steps move forward only; two racers with one step: one wins.
    let (a, b) = tokio::join!(
        store.use_second_factor_step(u.id, 100),
        store.use_second_factor_step(u.id, 100)
    );
    assert!(a.expect("q") ^ b.expect("q"), "exactly one of two racers");
    assert!(!store.use_second_factor_step(u.id, 99).await.expect("q"));
    assert!(store.use_second_factor_step(u.id, 101).await.expect("q"));
    // A recovery code is spent once; an unknown one is refused; nothing else changes.
    store
        .commit(
            sf::spend_recovery_code(u.id, Some(t.id), "KODE 0003 UJI", &crate::cx(t0()))
                .expect("spend")
                .lift(),
        )
        .await
        .expect("spent");
    for code in ["kode-0003-uji", "kode-9999-uji"] {
        let err = store
            .commit(
                sf::spend_recovery_code(u.id, Some(t.id), code, &crate::cx(t0()))
                    .expect("spend")
                    .lift(),
            )
            .await
            .expect_err("refused");
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    }
    assert_eq!(
        store
            .second_factor(u.id)
            .await
            .expect("q")
            .expect("e")
            .recovery_left,
        9
    );
    // Reset, then enrolled again: a new epoch (remembered devices forgotten), fresh codes.
    store
        .commit(
            sf::reset(&admin(), u.id, Some(t.id), &crate::cx(t0()))
                .expect("reset")
                .lift(),
        )
        .await
        .expect("commit");
    assert_eq!(store.second_factor(u.id).await.expect("q"), None);
    let other = Secret([3; sf::SECRET_BYTES]);
    store
        .commit(
            sf::enrol(u.id, Some(t.id), &other, &codes, &crate::cx(t0()))
                .expect("enrol")
                .lift(),
        )
        .await
        .expect("commit");
    let e = store.second_factor(u.id).await.expect("q").expect("enrolled");
    assert_eq!((e.secret, e.last_step, e.recovery_left), (other, None, 10));
    assert!(e.epoch > first_epoch + 1, "{} after {first_epoch}", e.epoch);
    // The regency's policy.
    store
        .commit(
            sf::set_policy(&admin(), t.id, false, &crate::cx(t0()))
                .expect("policy")
                .lift(),
        )
        .await
        .expect("commit");
    assert!(
        !store
            .tenant(t.id)
            .await
            .expect("q")
            .expect("t")
            .second_factor_required
    );
}

/// API tokens are stored by hash, revoked once, and never revoked twice.
pub async fn api_tokens_lifecycle(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "banyuwangi").await;
    let u = official(store.as_ref(), &t, "dewi", Role::Auditor).await;
    let actor = Actor::User(UserActor {
        user_id: u.id,
        username: u.username.clone(),
        role: Role::Auditor,
        tenant_id: Some(t.id),
        work_unit_id: None,
        vendor_id: None,
    });
    let (tok, c) = directory::create_api_token(&actor, "rekap harian", vec![7; 32], None, &crate::cx(t0()))
        .expect("valid");
    store.commit(c.lift()).await.expect("commit");
    let (found, user, grants) = store.token_with_user(&[7; 32]).await.expect("q").expect("found");
    assert_eq!(found, tok);
    assert_eq!(user, u);
    assert_eq!(grants, store.role_grants(u.id).await.expect("grants"));
    assert!(!grants.is_empty());
    assert!(store.token_with_user(&[8; 32]).await.expect("q").is_none());
    assert_eq!((found.role, found.tenant_id), (Role::Auditor, Some(t.id)));
    store
        .touch_api_token(tok.id, t0() + Duration::seconds(5))
        .await
        .expect("touch");
    assert_eq!(
        store
            .api_token(tok.id)
            .await
            .expect("q")
            .and_then(|t| t.last_used_at),
        Some(t0() + Duration::seconds(5))
    );
    let c =
        directory::revoke_api_token(&actor, &found, &crate::cx(t0() + Duration::minutes(1))).expect("valid");
    store.commit(c.lift()).await.expect("revoke");
    let listed = store.api_tokens(u.id).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(t0() + Duration::minutes(1)));
    // Revoking again at the store level affects no row: the change fails and logs nothing.
    let before = store.event_count().await.expect("count");
    let again = Change {
        events: directory::revoke_api_token(&actor, &tok, &crate::cx(t0()))
            .expect("valid")
            .events,
        mutations: vec![Mutation::Directory(
            lelang_core::directory::Mutation::RevokeApiToken { id: tok.id, at: t0() },
        )],
    };
    assert!(matches!(store.commit(again).await, Err(StoreError::NotFound(_))));
    assert_eq!(store.event_count().await.expect("count"), before);
}

/// Failed sign-ins are counted per account and per address within the window, and cleared.
pub async fn login_attempts_counted(store: Arc<dyn Store>) {
    for i in 0..3 {
        store
            .record_login_attempt("budi", "10.0.0.1", false, t0() + Duration::seconds(i))
            .await
            .expect("rec");
    }
    store
        .record_login_attempt("siti", "10.0.0.1", false, t0())
        .await
        .expect("rec");
    store
        .record_login_attempt("budi", "10.0.0.2", false, t0() - Duration::hours(1))
        .await
        .expect("rec");
    store
        .record_login_attempt("budi", "10.0.0.1", true, t0())
        .await
        .expect("rec");
    let f = store
        .failed_logins("budi", "10.0.0.1", t0() - Duration::minutes(15))
        .await
        .expect("q");
    assert_eq!((f.by_account, f.by_address), (3, 4));
    store.clear_failed_logins("budi").await.expect("clear");
    let f = store
        .failed_logins("budi", "10.0.0.1", t0() - Duration::days(1))
        .await
        .expect("q");
    assert_eq!((f.by_account, f.by_address), (0, 1));
}

/// The first secret stored under a name wins; later candidates get it back.
pub async fn server_secret_first_wins(store: Arc<dyn Store>) {
    let a = store.server_secret("csrf", &[1, 2, 3]).await.expect("first");
    let b = store.server_secret("csrf", &[9, 9, 9]).await.expect("second");
    assert_eq!(a, vec![1, 2, 3]);
    assert_eq!(b, a);
}
