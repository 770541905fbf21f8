//! Announcements, search and clarification.

use crate::*;

/// documents, registrations, questions and vendor profiles read back as written.
pub async fn announcement_search_and_clarification(store: Arc<dyn Store>) {
    use lelang_core::Mutation;
    use lelang_core::clarification::Question;
    use lelang_core::command::Change;
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
            &crate::cx(t0()),
        )
        .expect("valid");
        store.commit(c.lift()).await.expect("unit");
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
            repeat_of: None,
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
            cancelled_at: None,
        };
        store
            .commit(Change {
                events: vec![],
                mutations: vec![
                    Mutation::Plan(lelang_core::plan::Mutation::InsertPlanItem(item)),
                    Mutation::Package(lelang_core::package::Mutation::InsertPackage(package)),
                    Mutation::Tender(lelang_core::tender::Mutation::InsertPublicTender(tender.clone())),
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
        requirements: Default::default(),
    };
    store
        .commit(Change {
            events: vec![],
            mutations: vec![Mutation::Tender(
                lelang_core::tender::Mutation::UpsertTenderSetup(setup.clone()),
            )],
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
            Mutation::Tender(lelang_core::tender::Mutation::ExpectTenderSetup(expected)),
            Mutation::Tender(lelang_core::tender::Mutation::SetSubmissionDeadline {
                package_id: tenders[1].package_id,
                deadline: t0(),
            }),
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
            mutations: vec![Mutation::Tender(
                lelang_core::tender::Mutation::SetSubmissionDeadline {
                    package_id: first.package_id,
                    deadline: t0() - hour,
                },
            )],
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
            mutations: docs
                .iter()
                .rev()
                .cloned()
                .map(|d| Mutation::Document(lelang_core::document::Mutation::InsertDocument(d)))
                .collect(),
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
                    mutations: vec![Mutation::Document(
                        lelang_core::document::Mutation::InsertDocument(twin)
                    )],
                })
                .await,
            Err(StoreError::Conflict(_))
        ),
        "two addenda cannot both be version 2"
    );

    let (vendor, c) = lelang_core::directory::register_vendor(
        &admin(),
        lelang_core::directory::RegisterVendor {
            name: "CV Blambangan".into(),
            nib: "9120000000001".into(),
            home_tenant_id: Some(bwi.id),
        },
        &crate::cx(t0()),
    )
    .expect("vendor");
    store.commit(c.lift()).await.expect("vendor");
    let join = |package_id| Change {
        events: vec![],
        mutations: vec![Mutation::Vendor(
            lelang_core::vendor::Mutation::InsertParticipant {
                package_id,
                vendor_id: vendor.id,
                at: t0(),
            },
        )],
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
    store
        .commit(one(Mutation::Clarification(
            lelang_core::clarification::Mutation::InsertQuestion(q),
        )))
        .await
        .expect("ask");
    store
        .commit(one(Mutation::Clarification(
            lelang_core::clarification::Mutation::AnswerQuestion(answered.clone()),
        )))
        .await
        .expect("answer");
    assert!(matches!(
        store
            .commit(one(Mutation::Clarification(
                lelang_core::clarification::Mutation::AnswerQuestion(answered.clone())
            )))
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
        one(Mutation::Vendor(
            lelang_core::vendor::Mutation::UpsertVendorProfile {
                vendor_id: vendor.id,
                profile: p.clone(),
                clear_verifications,
                at: t0(),
            },
        ))
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
        .commit(one(Mutation::Vendor(
            lelang_core::vendor::Mutation::UpsertVerification(v.clone()),
        )))
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
