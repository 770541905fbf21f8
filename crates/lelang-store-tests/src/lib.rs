//! One conformance suite for every [`Store`] backend.
//!
//! Each backend crate instantiates [`conformance_suite!`] with an expression that yields a fresh,
//! migrated store (or `None`, after saying why, when the database is not available on a developer
//! machine). Every case then runs against an empty database of its own.

use lelang_core::command::{
    self, Change, CreateTenant, CreateUser, CreateWorkUnit, Mutation, RegisterVendor, create_tenant,
    create_user, create_work_unit, register_vendor,
};
use lelang_core::ids::{SessionId, UserId};
use lelang_core::model::{Session, Tenant, TimeZone, User};
use lelang_core::policy::{Actor, UserActor};
use lelang_core::role::Role;
use lelang_core::store::{EventFilter, Store, StoreError};
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// A fixed instant, so that the cases do not depend on the wall clock.
pub fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Whether a missing database must fail the run (in CI) rather than skip.
pub fn required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Says that a test is skipped, or panics when running in CI where nothing may be skipped.
pub fn skip(what: &str, why: &str) {
    if required() {
        panic!("{what} is required in CI but unavailable: {why}");
    }
    eprintln!("SKIPPED {what}: {why} (set up the prerequisite or run .ci/run to include it)");
}

fn admin() -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "admin".into(),
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: None,
    })
}

async fn tenant(store: &dyn Store, slug: &str) -> Tenant {
    let (t, change) = create_tenant(
        &admin(),
        CreateTenant {
            slug: slug.into(),
            name: format!("Pemkab {slug}"),
            time_zone: TimeZone::Wib,
        },
        t0(),
    )
    .expect("valid tenant");
    store.commit(change).await.expect("commit tenant");
    t
}

async fn official(store: &dyn Store, t: &Tenant, username: &str, role: Role) -> User {
    let (u, change) = create_user(
        &admin(),
        CreateUser {
            username: username.into(),
            display_name: format!("Pejabat {username}"),
            email: Some(format!("{username}@example.go.id")),
            tenant_id: Some(t.id),
            vendor_id: None,
            roles: vec![(role, None)],
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        },
        t0(),
    )
    .expect("valid user");
    store.commit(change).await.expect("commit user");
    u
}

/// The cases, each taking a fresh migrated store.
pub mod cases {
    use super::*;

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
            t0(),
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
            t0(),
        )
        .expect("valid");
        change.events.extend(dup.events);
        change.mutations.extend(dup.mutations);
        let err = store.commit(change).await.expect_err("must conflict");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
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
                t0(),
            )
            .expect("valid");
            store.commit(c).await.expect("commit");
        }
        let (_, c) = create_work_unit(
            &admin(),
            b.id,
            CreateWorkUnit {
                code: "DPU".into(),
                name: "DPU Trenggalek".into(),
            },
            t0(),
        )
        .expect("valid");
        store
            .commit(c)
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
            t0(),
        )
        .expect("valid");
        store.commit(c).await.expect("commit vendor");
        assert_eq!(store.vendor(v.id).await.expect("q"), Some(v.clone()));
        let (_, c) = register_vendor(
            &admin(),
            RegisterVendor {
                name: "PT Lain".into(),
                nib: "9120001234567".into(),
                home_tenant_id: None,
            },
            t0(),
        )
        .expect("valid");
        assert!(
            matches!(store.commit(c).await, Err(StoreError::Conflict(_))),
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
            t0(),
        )
        .expect("valid");
        assert!(matches!(store.commit(c).await, Err(StoreError::Conflict(_))));
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
        let change = command::revoke_sessions(&admin(), &u, t0()).expect("allowed");
        store.commit(change).await.expect("commit");
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
            .commit(sf::enrol(u.id, Some(t.id), &secret, &codes, t0()).expect("enrol"))
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
            .commit(sf::spend_recovery_code(u.id, Some(t.id), "KODE 0003 UJI", t0()).expect("spend"))
            .await
            .expect("spent");
        for code in ["kode-0003-uji", "kode-9999-uji"] {
            let err = store
                .commit(sf::spend_recovery_code(u.id, Some(t.id), code, t0()).expect("spend"))
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
            .commit(sf::reset(&admin(), u.id, Some(t.id), t0()).expect("reset"))
            .await
            .expect("commit");
        assert_eq!(store.second_factor(u.id).await.expect("q"), None);
        let other = Secret([3; sf::SECRET_BYTES]);
        store
            .commit(sf::enrol(u.id, Some(t.id), &other, &codes, t0()).expect("enrol"))
            .await
            .expect("commit");
        let e = store.second_factor(u.id).await.expect("q").expect("enrolled");
        assert_eq!((e.secret, e.last_step, e.recovery_left), (other, None, 10));
        assert!(e.epoch > first_epoch + 1, "{} after {first_epoch}", e.epoch);
        // The regency's policy.
        store
            .commit(sf::set_policy(&admin(), t.id, false, t0()).expect("policy"))
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
        let (tok, c) =
            command::create_api_token(&actor, "rekap harian", vec![7; 32], None, t0()).expect("valid");
        store.commit(c).await.expect("commit");
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
        let c = command::revoke_api_token(&actor, &found, t0() + Duration::minutes(1)).expect("valid");
        store.commit(c).await.expect("revoke");
        let listed = store.api_tokens(u.id).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].revoked_at, Some(t0() + Duration::minutes(1)));
        // Revoking again at the store level affects no row: the change fails and logs nothing.
        let before = store.event_count().await.expect("count");
        let again = Change {
            events: command::revoke_api_token(&actor, &tok, t0())
                .expect("valid")
                .events,
            mutations: vec![Mutation::RevokeApiToken { id: tok.id, at: t0() }],
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

    /// Plan items read back as entered; announcing makes them public, once.
    pub async fn plan_items_round_trip(store: Arc<dyn Store>) {
        use lelang_core::plan::{NewPlanItem, announce_plan, create_plan_items};
        use lelang_core::rules::{Category, Method, built_in};
        let t = tenant(store.as_ref(), "banyuwangi").await;
        let (wu, c) = create_work_unit(
            &admin(),
            t.id,
            CreateWorkUnit {
                code: "DPU".into(),
                name: "Dinas PU".into(),
            },
            t0(),
        )
        .expect("valid");
        store.commit(c).await.expect("unit");
        let ppk = Actor::User(UserActor {
            user_id: UserId::new(),
            username: "ppk".into(),
            role: Role::CommitmentOfficer,
            tenant_id: Some(t.id),
            work_unit_id: Some(wu.id),
            vendor_id: None,
        });
        let rules = built_in().expect("rules").pop().expect("newest");
        let item = |name: &str, pagu| NewPlanItem {
            fiscal_year: 2027,
            name: name.into(),
            category: Category::Works,
            budget_ceiling: pagu,
            funding_source: "DAK".into(),
            planned_method: Method::Tender,
            planned_start: time::macros::date!(2027 - 02 - 01),
            planned_end: time::macros::date!(2027 - 08 - 31),
        };
        let (items, c) = create_plan_items(
            &ppk,
            t.id,
            wu.id,
            &[
                item("Jembatan Bajulmati", 4_800_000_000),
                item("Jalan Lingkar Genteng", 2_100_000_000),
            ],
            &rules,
            t0(),
        )
        .expect("valid");
        store.commit(c).await.expect("commit");
        let mut read = store.plan_items(t.id, false).await.expect("plan");
        read.sort_by(|a, b| a.name.cmp(&b.name));
        let mut expected = items.clone();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(read, expected);
        assert!(store.plan_items(t.id, true).await.expect("public").is_empty());
        let pa = Actor::User(UserActor {
            user_id: UserId::new(),
            username: "pa".into(),
            role: Role::BudgetHolder,
            tenant_id: Some(t.id),
            work_unit_id: Some(wu.id),
            vendor_id: None,
        });
        let c = announce_plan(&pa, t.id, wu.id, 2027, &items, t0()).expect("announce");
        store.commit(c).await.expect("commit");
        let public = store.plan_items(t.id, true).await.expect("public");
        assert_eq!(public.len(), 2);
        assert!(public.iter().all(|p| p.announced_at == Some(t0())));
        // A package from an announced item reads back whole; a second one from the same item is refused.
        use lelang_core::package::{HpsLine, NewPackage, create_package};
        let announced = store.plan_items(t.id, true).await.expect("public");
        let line = HpsLine {
            description: "Beton K-250".into(),
            quantity: 120,
            unit: "m3".into(),
            unit_price: 1_750_000,
        };
        let (pkg, c) = create_package(
            &ppk,
            &announced[0],
            NewPackage {
                hps_breakdown: vec![line.clone()],
                location: "Desa Bajulmati".into(),
            },
            &rules,
            t0(),
        )
        .expect("valid");
        store.commit(c).await.expect("package");
        assert_eq!(store.packages(t.id).await.expect("packages"), vec![pkg]);
        let (_, c) = create_package(
            &ppk,
            &announced[0],
            NewPackage {
                hps_breakdown: vec![line],
                location: "Lagi".into(),
            },
            &rules,
            t0(),
        )
        .expect("valid");
        assert!(
            matches!(store.commit(c).await, Err(StoreError::Conflict(_))),
            "one package per plan item"
        );
        // A pokja of three; a second assignment of the same package is refused; declarations once.
        use lelang_core::pokja::{assign_pokja, declare_no_conflict};
        let mut members = Vec::new();
        for i in 0..3 {
            members.push(
                official(store.as_ref(), &t, &format!("pokja{i}"), Role::PokjaMember)
                    .await
                    .id,
            );
        }
        let ulp = Actor::User(UserActor {
            user_id: UserId::new(),
            username: "ulp".into(),
            role: Role::UlpHead,
            tenant_id: Some(t.id),
            work_unit_id: None,
            vendor_id: None,
        });
        let pkg = store.packages(t.id).await.expect("packages").remove(0);
        let (assignment, c) = assign_pokja(&ulp, &pkg, &members, &members, None, t0()).expect("valid");
        store.commit(c).await.expect("assign");
        let (_, again) =
            assign_pokja(&ulp, &pkg, &members, &members, None, t0()).expect("built without the store's view");
        assert!(
            matches!(store.commit(again).await, Err(StoreError::Conflict(_))),
            "one pokja per package"
        );
        let member = Actor::User(UserActor {
            user_id: members[1],
            username: "pokja1".into(),
            role: Role::PokjaMember,
            tenant_id: Some(t.id),
            work_unit_id: None,
            vendor_id: None,
        });
        store
            .commit(declare_no_conflict(&member, &assignment, t0()).expect("member"))
            .await
            .expect("declare");
        let read = store.pokja_assignments(t.id).await.expect("read");
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].members.len(), 3);
        assert_eq!(read[0].declared, vec![members[1]]);
        assert!(matches!(
            store
                .commit(declare_no_conflict(&member, &assignment, t0()).expect("stale"))
                .await,
            Err(StoreError::NotFound(_))
        ));
        // A second announcement built from stale drafts changes nothing and logs nothing.
        let before = store.event_count().await.expect("count");
        let again = announce_plan(&pa, t.id, wu.id, 2027, &items, t0()).expect("built from stale drafts");
        assert!(
            matches!(store.commit(again).await, Err(StoreError::NotFound(_))),
            "announced once"
        );
        assert_eq!(store.event_count().await.expect("count"), before);
    }

    /// Announced tenders are found by stemmed keywords and every filter, alike on both backends;
    /// Ceremonies and openings are written whole and only on the version they were read at (two
    /// members acting at once cannot both win); a bid's receipt index is its own event's leaf.
    pub async fn sealing_state_is_versioned(store: Arc<dyn Store>) {
        use lelang_core::command::{Change, Mutation};
        use lelang_core::event::{EventPayload, NewEvent};
        use lelang_core::ids::{BidId, CeremonyId, PackageId, PlanItemId};
        use lelang_core::model::Vendor;
        use lelang_core::rules::{Category, Method};
        use lelang_core::sealing::{Bid, Ceremony, Opening};
        let bwi = tenant(store.as_ref(), "banyuwangi").await;
        let (wu, c) = create_work_unit(
            &admin(),
            bwi.id,
            CreateWorkUnit {
                code: "DPU".into(),
                name: "Dinas PU".into(),
            },
            t0(),
        )
        .expect("valid");
        store.commit(c).await.expect("unit");
        let item = lelang_core::plan::PlanItem {
            id: PlanItemId::new(),
            tenant_id: bwi.id,
            work_unit_id: wu.id,
            fiscal_year: 2027,
            name: "Jembatan".into(),
            category: Category::Works,
            budget_ceiling: 1_000_000_000,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: time::macros::date!(2027 - 02 - 01),
            planned_end: time::macros::date!(2027 - 08 - 31),
            rule_set: "perpres-46-2025".into(),
            created_at: t0(),
            announced_at: Some(t0()),
        };
        let package = lelang_core::package::Package {
            id: PackageId::new(),
            tenant_id: bwi.id,
            work_unit_id: wu.id,
            plan_item_id: item.id,
            name: "Jembatan".into(),
            category: Category::Works,
            budget_ceiling: 1_000_000_000,
            owner_estimate: 1_000_000_000,
            hps_breakdown: vec![],
            location: "Kabupaten".into(),
            rule_set: "perpres-46-2025".into(),
            created_at: t0(),
        };
        let vendor = Vendor {
            id: lelang_core::VendorId::new(),
            name: "CV Uji".into(),
            nib: "1234567890123".into(),
            home_tenant_id: Some(bwi.id),
            created_at: t0(),
        };
        store
            .commit(Change {
                events: vec![],
                mutations: vec![
                    Mutation::InsertPlanItem(item),
                    Mutation::InsertPackage(package.clone()),
                    Mutation::InsertVendor(vendor.clone()),
                ],
            })
            .await
            .expect("package");
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
            mutations: vec![Mutation::PutCeremony {
                ceremony: c.clone(),
                expected_version: expected,
            }],
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
                Err(StoreError::Conflict(_))
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
                t0(),
                Some(bwi.id),
                None,
                None,
                &EventPayload::BidSubmitted {
                    bid_id: bid.id,
                    package_id: package.id,
                    vendor_id: vendor.id,
                    sha256: bid.sha256.clone(),
                    size: bid.size,
                },
            )
            .expect("event");
            let stored = store
                .commit(Change {
                    events: vec![e],
                    mutations: vec![Mutation::InsertBid(bid.clone())],
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
                t0(),
                Some(bwi.id),
                None,
                None,
                &EventPayload::BidSubmitted {
                    bid_id: bid.id,
                    package_id: package.id,
                    vendor_id: vendor.id,
                    sha256: bid.sha256.clone(),
                    size: bid.size,
                },
            )
            .expect("event");
            (
                bid.clone(),
                Change {
                    events: vec![e],
                    mutations: vec![
                        Mutation::ExpectSubmissionOpen(package.id),
                        Mutation::InsertBid(bid),
                    ],
                },
            )
        };
        let closing = Change {
            events: vec![
                NewEvent::new(
                    t0(),
                    Some(bwi.id),
                    None,
                    None,
                    &EventPayload::SubmissionClosed {
                        package_id: package.id,
                        deadline: t0(),
                    },
                )
                .expect("event"),
            ],
            mutations: vec![Mutation::InsertClosing {
                package_id: package.id,
                at: t0(),
            }],
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
                    mutations: vec![Mutation::UpdateBid(ghost)],
                },
            ])
            .await
            .expect("batch");
        assert_eq!(outcomes.len(), 4);
        let committed = outcomes[0].as_ref().expect("on time");
        let closed = outcomes[1].as_ref().expect("closing");
        assert!(
            matches!(outcomes[2], Err(StoreError::Conflict(_))),
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
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store.commit(bid_change(3).1).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(store.closing(PackageId::new()).await.expect("read"), None);
        // An upload completes a bid in place.
        let mut done = store.bids(package.id).await.expect("bids")[4].clone();
        assert_eq!(done.id, on_time.id);
        done.uploaded_at = Some(t0() + Duration::minutes(5));
        store
            .commit(Change {
                events: vec![],
                mutations: vec![Mutation::UpdateBid(done.clone())],
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
            mutations: vec![Mutation::PutOpening {
                opening: o.clone(),
                expected_version: expected,
            }],
        };
        store.commit(put_o(&o, None)).await.expect("opening");
        // Once the opening has started, no upload completes any more.
        assert!(matches!(
            store
                .commit(Change {
                    events: vec![],
                    mutations: vec![Mutation::UpdateBid(done.clone())],
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

    /// documents, registrations, questions and vendor profiles read back as written.
    pub async fn announcement_search_and_clarification(store: Arc<dyn Store>) {
        use lelang_core::clarification::Question;
        use lelang_core::command::{Change, Mutation};
        use lelang_core::document::{Document, DocumentKind};
        use lelang_core::ids::{DocumentId, PackageId, PlanItemId, QuestionId};
        use lelang_core::package::Package;
        use lelang_core::rules::{Category, Method};
        use lelang_core::tender::{PublicTender, TenderQuery, TenderStatus};
        use lelang_core::vendor::{TaxStatus, VendorProfile, Verification, VerificationStatus};
        let bwi = tenant(store.as_ref(), "banyuwangi").await;
        let tgl = tenant(store.as_ref(), "trenggalek").await;
        let mut units = Vec::new();
        for t in [&bwi, &tgl] {
            let (wu, c) = create_work_unit(
                &admin(),
                t.id,
                CreateWorkUnit {
                    code: "DPU".into(),
                    name: "Dinas PU".into(),
                },
                t0(),
            )
            .expect("valid");
            store.commit(c).await.expect("unit");
            units.push(wu);
        }
        let hour = time::Duration::hours(1);
        let mut tenders = Vec::new();
        for (i, (t, name, category, value, deadline)) in [
            (
                0,
                "Pembangunan Jalan Desa Kemiren",
                Category::Works,
                900_000_000,
                t0() + 48 * hour,
            ),
            (
                0,
                "Pengadaan Kendaraan Dinas",
                Category::Goods,
                300_000_000,
                t0() - hour,
            ),
            (
                1,
                "Rehabilitasi Jembatan dan Jalan Kampak",
                Category::Works,
                2_000_000_000,
                t0() + hour,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let (tenant_id, wu) = ([bwi.id, tgl.id][t], units[t].id);
            // The plan item and package rows the tender refers to, written directly: this case is
            // about what the store keeps, the commands are tested in the core.
            let item = lelang_core::plan::PlanItem {
                id: PlanItemId::new(),
                tenant_id,
                work_unit_id: wu,
                fiscal_year: 2027,
                name: name.into(),
                category,
                budget_ceiling: value,
                funding_source: "APBD".into(),
                planned_method: Method::Tender,
                planned_start: time::macros::date!(2027 - 02 - 01),
                planned_end: time::macros::date!(2027 - 08 - 31),
                rule_set: "perpres-46-2025".into(),
                created_at: t0(),
                announced_at: Some(t0()),
            };
            let package = Package {
                id: PackageId::new(),
                tenant_id,
                work_unit_id: wu,
                plan_item_id: item.id,
                name: name.into(),
                category,
                budget_ceiling: value,
                owner_estimate: value,
                hps_breakdown: vec![],
                location: "Kabupaten".into(),
                rule_set: "perpres-46-2025".into(),
                created_at: t0(),
            };
            let tender = PublicTender {
                package_id: package.id,
                tenant_id,
                work_unit_id: wu,
                name: name.into(),
                location: package.location.clone(),
                category,
                method: Method::Tender,
                owner_estimate: value,
                budget_ceiling: value,
                announced_at: t0() + time::Duration::minutes(i as i64),
                submission_deadline: deadline,
                search_terms: lelang_core::stem::index_text(name),
            };
            store
                .commit(Change {
                    events: vec![],
                    mutations: vec![
                        Mutation::InsertPlanItem(item),
                        Mutation::InsertPackage(package),
                        Mutation::InsertPublicTender(tender.clone()),
                    ],
                })
                .await
                .expect("tender");
            tenders.push(tender);
        }
        // The tenders whose deadline has passed and that have no closing yet, earliest first.
        let mut due: Vec<_> = tenders.clone();
        due.sort_by_key(|t| t.submission_deadline);
        let cut = due[1].submission_deadline;
        let expected: Vec<_> = due
            .iter()
            .filter(|t| t.submission_deadline <= cut)
            .map(|t| t.package_id)
            .collect();
        assert_eq!(store.unclosed_tenders(cut).await.expect("due"), expected);
        // A tender with whether a company registered, in one read.
        let t0_ = &tenders[0];
        let (read, registered) = store
            .tender_for(t0_.package_id, lelang_core::ids::VendorId::new())
            .await
            .expect("q")
            .expect("tender");
        assert_eq!(&read, t0_);
        assert!(!registered);
        assert!(
            store
                .tender_for(
                    lelang_core::ids::PackageId::new(),
                    lelang_core::ids::VendorId::new()
                )
                .await
                .expect("q")
                .is_none()
        );
        let at = cut - time::Duration::days(3650);
        assert!(store.unclosed_tenders(at).await.expect("due").is_empty());
        let search = |q: TenderQuery| {
            let store = store.clone();
            async move {
                let page = store
                    .search_tenders(&TenderQuery {
                        limit: if q.limit == 0 { 20 } else { q.limit },
                        now: Some(t0()),
                        ..q
                    })
                    .await
                    .expect("search");
                let names: Vec<String> = page.tenders.iter().map(|t| t.tender.name.clone()).collect();
                (names, page.total)
            }
        };
        let text = |s: &str| TenderQuery {
            text: Some(s.into()),
            ..TenderQuery::default()
        };
        assert_eq!(
            search(TenderQuery::default()).await.0,
            vec![
                "Rehabilitasi Jembatan dan Jalan Kampak",
                "Pengadaan Kendaraan Dinas",
                "Pembangunan Jalan Desa Kemiren"
            ],
            "newest first"
        );
        assert_eq!(
            search(text("membangun")).await.0,
            vec!["Pembangunan Jalan Desa Kemiren"],
            "found by another form of the word"
        );
        assert_eq!(search(text("jalan")).await.1, 2);
        assert_eq!(search(text("jalan desa")).await.1, 1, "every word must occur");
        assert_eq!(
            search(text("KENDARAAN")).await.0,
            vec!["Pengadaan Kendaraan Dinas"]
        );
        assert_eq!(search(text("gedung")).await.1, 0);
        assert_eq!(search(text("?!")).await.1, 3, "no words: no keyword filter");
        let filtered = |f: fn(&mut TenderQuery)| {
            let mut q = TenderQuery::default();
            f(&mut q);
            search(q)
        };
        assert_eq!(filtered(|q| q.category = Some(Category::Goods)).await.1, 1);
        assert_eq!(filtered(|q| q.status = Some(TenderStatus::Open)).await.1, 2);
        assert_eq!(filtered(|q| q.status = Some(TenderStatus::Closed)).await.1, 1);
        assert_eq!(filtered(|q| q.min_value = Some(900_000_000)).await.1, 2);
        assert_eq!(filtered(|q| q.max_value = Some(900_000_000)).await.1, 2);
        assert_eq!(filtered(|q| q.method = Some(Method::Seleksi)).await.1, 0);
        let mut q = text("jalan");
        q.tenant = Some(tgl.id);
        assert_eq!(search(q).await.0, vec!["Rehabilitasi Jembatan dan Jalan Kampak"]);
        let kampak = store
            .search_tenders(&TenderQuery {
                text: Some("kampak".into()),
                limit: 5,
                ..TenderQuery::default()
            })
            .await
            .expect("search");
        assert_eq!(kampak.total, 1);
        let row = &kampak.tenders[0];
        assert_eq!(
            (
                row.regency_slug.as_str(),
                row.regency_name.as_str(),
                row.work_unit_name.as_str()
            ),
            ("trenggalek", "Pemkab trenggalek", "Dinas PU"),
            "listed with the names of its regency and unit"
        );
        let q = TenderQuery {
            work_unit: Some(units[0].id),
            limit: 1,
            offset: 1,
            ..TenderQuery::default()
        };
        let (names, total) = search(q).await;
        assert_eq!(
            (names, total),
            (vec!["Pembangunan Jalan Desa Kemiren".to_owned()], 2)
        );

        // An announcement built on a setup that changed meanwhile is refused, whole.
        let setup = lelang_core::tender::TenderSetup {
            package_id: tenders[1].package_id,
            tenant_id: bwi.id,
            method: Method::Tender,
            evaluation: lelang_core::rules::EvaluationMethod::SistemGugur,
            time_zone: TimeZone::Wib,
            stages: vec![],
        };
        store
            .commit(Change {
                events: vec![],
                mutations: vec![Mutation::UpsertTenderSetup(setup.clone())],
            })
            .await
            .expect("setup");
        let stale = lelang_core::tender::TenderSetup {
            method: Method::TenderCepat,
            ..setup.clone()
        };
        let guarded = |expected| Change {
            events: vec![],
            mutations: vec![
                Mutation::ExpectTenderSetup(expected),
                Mutation::SetSubmissionDeadline {
                    package_id: tenders[1].package_id,
                    deadline: t0(),
                },
            ],
        };
        assert!(matches!(
            store.commit(guarded(stale)).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store
                .public_tender(tenders[1].package_id)
                .await
                .expect("read")
                .expect("there")
                .submission_deadline,
            tenders[1].submission_deadline,
            "nothing of the refused change applied"
        );
        store.commit(guarded(setup)).await.expect("still the same setup");

        // A schedule change moves the deadline of the announced tender.
        let first = &tenders[0];
        store
            .commit(Change {
                events: vec![],
                mutations: vec![Mutation::SetSubmissionDeadline {
                    package_id: first.package_id,
                    deadline: t0() - hour,
                }],
            })
            .await
            .expect("deadline");
        let read = store
            .public_tender(first.package_id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            read,
            PublicTender {
                submission_deadline: t0() - hour,
                ..first.clone()
            }
        );
        assert!(
            store
                .public_tender(PackageId::new())
                .await
                .expect("read")
                .is_none()
        );

        // Documents in publication order; participants; questions answered once.
        let doc = |title: &str, version, at| Document {
            id: DocumentId::new(),
            tenant_id: bwi.id,
            package_id: first.package_id,
            kind: if version == 1 {
                DocumentKind::Specification
            } else {
                DocumentKind::Addendum
            },
            title: title.into(),
            filename: "spek.pdf".into(),
            media_type: "application/pdf".into(),
            size: 10,
            sha256: "00".repeat(32),
            version,
            supersedes: None,
            change_note: None,
            published_by: UserId::new(),
            published_at: at,
        };
        let docs = vec![doc("Spesifikasi", 1, t0()), doc("Spesifikasi", 2, t0() + hour)];
        store
            .commit(Change {
                events: vec![],
                mutations: docs.iter().rev().cloned().map(Mutation::InsertDocument).collect(),
            })
            .await
            .expect("documents");
        assert_eq!(store.documents(first.package_id).await.expect("docs"), docs);
        let twin = doc("Spesifikasi", 2, t0() + hour + hour);
        assert!(
            matches!(
                store
                    .commit(Change {
                        events: vec![],
                        mutations: vec![Mutation::InsertDocument(twin)],
                    })
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "two addenda cannot both be version 2"
        );

        let (vendor, c) = lelang_core::command::register_vendor(
            &admin(),
            lelang_core::command::RegisterVendor {
                name: "CV Blambangan".into(),
                nib: "9120000000001".into(),
                home_tenant_id: Some(bwi.id),
            },
            t0(),
        )
        .expect("vendor");
        store.commit(c).await.expect("vendor");
        let join = |package_id| Change {
            events: vec![],
            mutations: vec![Mutation::InsertParticipant {
                package_id,
                vendor_id: vendor.id,
                at: t0(),
            }],
        };
        store.commit(join(first.package_id)).await.expect("join");
        assert!(matches!(
            store.commit(join(first.package_id)).await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store.participants(first.package_id).await.expect("read"),
            vec![(vendor.id, t0())]
        );
        assert_eq!(
            store.vendor_tenders(vendor.id).await.expect("read"),
            vec![first.package_id]
        );
        assert_eq!(
            store
                .tender_for(first.package_id, vendor.id)
                .await
                .expect("read")
                .map(|(t, registered)| (t.package_id, registered)),
            Some((first.package_id, true))
        );
        let q = Question {
            id: QuestionId::new(),
            tenant_id: bwi.id,
            package_id: first.package_id,
            vendor_id: vendor.id,
            text: "Apakah aspal boleh hotmix?".into(),
            asked_at: t0(),
            answer: None,
            answered_by: None,
            answered_at: None,
        };
        let answered = Question {
            answer: Some("Boleh.".into()),
            answered_by: Some(UserId::new()),
            answered_at: Some(t0() + hour),
            ..q.clone()
        };
        let one = |m| Change {
            events: vec![],
            mutations: vec![m],
        };
        store.commit(one(Mutation::InsertQuestion(q))).await.expect("ask");
        store
            .commit(one(Mutation::AnswerQuestion(answered.clone())))
            .await
            .expect("answer");
        assert!(matches!(
            store
                .commit(one(Mutation::AnswerQuestion(answered.clone())))
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert_eq!(
            store.questions(first.package_id).await.expect("read"),
            vec![answered]
        );

        // A new profile clears the regencies' verifications of the old one.
        let profile = VendorProfile {
            npwp: "012345678901234".into(),
            address: "Jl. Ahmad Yani 1, Banyuwangi".into(),
            licences: vec![],
            experience: vec![],
            personnel: vec![],
            equipment: vec![],
            tax: TaxStatus::default(),
        };
        let put = |p: &VendorProfile, clear_verifications| {
            one(Mutation::UpsertVendorProfile {
                vendor_id: vendor.id,
                profile: p.clone(),
                clear_verifications,
                at: t0(),
            })
        };
        store.commit(put(&profile, true)).await.expect("profile");
        let v = Verification {
            vendor_id: vendor.id,
            tenant_id: bwi.id,
            status: VerificationStatus::Verified,
            note: String::new(),
            by: UserId::new(),
            at: t0(),
        };
        store
            .commit(one(Mutation::UpsertVerification(v.clone())))
            .await
            .expect("verify");
        assert_eq!(
            store.verifications(Some(vendor.id)).await.expect("read"),
            vec![v.clone()]
        );
        assert_eq!(store.verifications(None).await.expect("read"), vec![v]);
        assert_eq!(
            store.vendor_profile(vendor.id).await.expect("read"),
            Some(profile.clone())
        );
        store.commit(put(&profile, false)).await.expect("saved unchanged");
        assert_eq!(store.verifications(Some(vendor.id)).await.expect("read").len(), 1);
        store.commit(put(&profile, true)).await.expect("changed");
        assert!(
            store
                .verifications(Some(vendor.id))
                .await
                .expect("read")
                .is_empty()
        );
    }

    /// Days off are kept by date, renamed in place, read by year, and removed once.
    pub async fn calendar_days_off(store: Arc<dyn Store>) {
        use lelang_core::calendar::{DayOff, DayOffKind, remove_day_off, set_day_off};
        use time::macros::date;
        let day = |d, kind, name: &str| DayOff {
            date: d,
            kind,
            name: name.into(),
        };
        for d in [
            day(date!(2026 - 03 - 20), DayOffKind::Holiday, "Idul Fitri 1447 H"),
            day(date!(2026 - 03 - 23), DayOffKind::CutiBersama, "Cuti bersama"),
            day(
                date!(2027 - 01 - 01),
                DayOffKind::Holiday,
                "Tahun Baru 2027 Masehi",
            ),
            day(
                date!(2026 - 03 - 23),
                DayOffKind::CutiBersama,
                "Cuti bersama Idul Fitri 1447 H",
            ),
        ] {
            store
                .commit(set_day_off(&admin(), d, t0()).expect("valid"))
                .await
                .expect("commit");
        }
        let y2026 = store.days_off(Some(2026)).await.expect("2026");
        assert_eq!(
            y2026.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            ["Idul Fitri 1447 H", "Cuti bersama Idul Fitri 1447 H"]
        );
        assert_eq!(store.days_off(None).await.expect("all").len(), 3);
        store
            .commit(remove_day_off(&admin(), date!(2027 - 01 - 01), t0()).expect("valid"))
            .await
            .expect("remove");
        assert!(store.days_off(Some(2027)).await.expect("2027").is_empty());
        let again = remove_day_off(&admin(), date!(2027 - 01 - 01), t0()).expect("valid");
        assert!(matches!(store.commit(again).await, Err(StoreError::NotFound(_))));
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
                    t0(),
                )
                .expect("valid");
                store.commit(c).await.map(|e| e.len())
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
        let root = lelang_trust::merkle::root_from_frontier(
            &frontier.iter().map(|id| nodes[id]).collect::<Vec<_>>(),
        );
        assert_eq!(root, lelang_trust::merkle::root_of(&hashes));
    }
}

/// Spawns onto the caller's tokio runtime (the suite itself does not depend on tokio's macros).
pub fn tokio_spawn<F>(f: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(f)
}

mod serde_json_value {
    pub use serde_json::Value;
    pub fn from_str(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or(Value::Null)
    }
}

/// Instantiates every conformance case as a `#[tokio::test]` for one backend. `$make` is an async
/// expression yielding `Option<Arc<dyn Store>>`: a fresh, migrated, empty store, or `None` when the
/// backend is unavailable on this machine (after [`skip`] said so).
#[macro_export]
macro_rules! conformance_suite {
    ($make:expr) => {
        $crate::conformance_suite!(@cases $make;
            migrate_twice, events_gapless_and_ordered, commit_is_atomic, directory_round_trip_and_isolation,
            sessions_lifecycle, api_tokens_lifecycle, login_attempts_counted, server_secret_first_wins,
            log_tree_follows_the_events, plan_items_round_trip, calendar_days_off,
            announcement_search_and_clarification, sealing_state_is_versioned,
            concurrent_commits_stay_gapless, ocds_releases_follow_the_cursor, second_factor_lifecycle);
    };
    (@cases $make:expr; $($case:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let Some(store) = $make.await else { return };
                $crate::cases::$case(store).await;
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    /// Every case of [`crate::cases`] is in [`conformance_suite!`]'s list: a new case cannot be
    /// written and silently never run on a backend.
    #[test]
    fn every_case_is_in_the_suite() {
        let source = include_str!("lib.rs");
        let cases_start = source.find("pub mod cases {").expect("the cases module");
        let macro_start = source.find("macro_rules! conformance_suite").expect("the macro");
        let written: std::collections::BTreeSet<&str> = source[cases_start..macro_start]
            .split("pub async fn ")
            .skip(1)
            .filter_map(|rest| {
                let (name, after) = rest.split_once('(')?;
                after.starts_with("store: Arc<dyn Store>").then_some(name.trim())
            })
            .collect();
        let list = &source[macro_start..];
        let list = &list[list.find("@cases $make;").expect("the list") + "@cases $make;".len()..];
        let list = &list[..list.find(");").expect("the end of the list")];
        let listed: std::collections::BTreeSet<&str> =
            list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        assert!(written.len() >= 10, "found only {written:?}");
        assert_eq!(written, listed, "cases written vs cases the suite runs");
    }
}
