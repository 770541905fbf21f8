//! Releases of each public event, folded from hand-made logs.

use super::*;
use lelang_core::document::{Document, DocumentKind};
use lelang_core::ids::{BidId, DocumentId, EventId, PlanItemId, QuestionId, UserId};
use lelang_core::rules::DayUnit;
use time::macros::{date, datetime};

/// A log under construction: each payload becomes the next event.
struct Log {
    tenant: TenantId,
    events: Vec<Event>,
}

impl Log {
    fn push(&mut self, payload: impl Into<EventPayload>) -> &Event {
        let payload: EventPayload = payload.into();
        let seq = self.events.len() as i64 + 1;
        self.events.push(Event {
            seq,
            id: EventId::new(),
            at: datetime!(2026-11-02 02:00 UTC) + time::Duration::minutes(seq),
            tenant_id: Some(self.tenant),
            actor_id: Some(UserId::new()),
            actor_role: None,
            event_type: payload.type_name().to_owned(),
            payload: serde_json::to_string(&payload).expect("payload"),
            public_form: lelang_core::public::PUBLIC_FORM,
        });
        self.events.last().expect("pushed")
    }
}

fn stages() -> Vec<PlannedStage> {
    [
        (
            StageKind::Announcement,
            date!(2026 - 11 - 02),
            date!(2026 - 11 - 04),
        ),
        (
            StageKind::Clarification,
            date!(2026 - 11 - 05),
            date!(2026 - 11 - 06),
        ),
        (
            StageKind::Submission,
            date!(2026 - 11 - 09),
            date!(2026 - 11 - 13),
        ),
        (
            StageKind::Evaluation,
            date!(2026 - 11 - 16),
            date!(2026 - 11 - 20),
        ),
    ]
    .into_iter()
    .map(|(kind, first_day, last_day)| PlannedStage {
        kind,
        unit: DayUnit::Working,
        days: 3,
        first_day,
        last_day,
    })
    .collect()
}

#[test]
fn a_cancellation_is_a_tender_cancellation_release_with_its_ground_and_reason() {
    let tenant = TenantId::new();
    let package = PackageId::new();
    let mut log = Log {
        tenant,
        events: Vec::new(),
    };
    log.push(cancellation::Event::TenderCancelled {
        package_id: package,
        ground: cancellation::Ground::BudgetUnavailable,
        reason: "Anggaran dialihkan untuk penanganan banjir.".into(),
    });
    let mut p = Publisher::new(Publication::default());
    let r = p.fold(&log.events[0]).expect("a release");
    let v: Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(v["tag"][0], "tenderCancellation");
    assert_eq!(v["tender"]["status"], "cancelled");
    assert_eq!(
        v["tender"]["description"],
        "Tender dibatalkan (anggaran tidak tersedia): Anggaran dialihkan untuk penanganan banjir."
    );
}

#[test]
fn each_public_event_of_a_tender_is_one_release_and_nothing_confidential_is() {
    let tenant = TenantId::new();
    let unit = WorkUnitId::new();
    let package = PackageId::new();
    let vendor = VendorId::new();
    let mut log = Log {
        tenant,
        events: Vec::new(),
    };
    log.push(directory::Event::TenantCreated {
        tenant_id: tenant,
        slug: "banyuwangi".into(),
        name: "Pemerintah Kabupaten Banyuwangi".into(),
        time_zone: TimeZone::Wib,
    });
    log.push(directory::Event::WorkUnitCreated {
        work_unit_id: unit,
        tenant_id: tenant,
        code: "DPU".into(),
        name: "Dinas Pekerjaan Umum".into(),
    });
    log.push(directory::Event::VendorRegistered {
        vendor_id: vendor,
        name: "CV Blambangan Karya".into(),
        nib: "9120001234567".into(),
        home_tenant_id: Some(tenant),
    });
    log.push(package::Event::PackageCreated {
        package_id: package,
        plan_item_id: PlanItemId::new(),
        work_unit_id: unit,
        name: "Pembangunan Jembatan Desa Kedungasri".into(),
        budget_ceiling: 1_000_000_000,
        owner_estimate: 900_000_000,
        hps_breakdown: vec![lelang_core::package::HpsLine {
            description: "Rangka baja bentang 30 m".into(),
            quantity: 1,
            unit: "unit".into(),
            unit_price: 900_000_000,
        }],
        location: "Kecamatan Tegaldlimo".into(),
        rule_set: "perpres-46-2025".into(),
        repeat_of: None,
    });
    log.push(tender::Event::TenderScheduled {
        package_id: package,
        method: Method::Tender,
        evaluation: EvaluationMethod::SistemGugur,
        stages: stages(),
    });
    log.push(tender::Event::ScheduleChanged {
        package_id: package,
        stage: StageKind::Submission,
        reason: "Libur daerah ditetapkan setelah jadwal disusun.".into(),
        submission_extended: false,
        stages: stages(),
    });
    log.push(lelang_core::vendor::Event::TenderJoined {
        package_id: package,
        vendor_id: vendor,
    });
    log.push(tender::Event::TenderAnnounced {
        package_id: package,
        name: "Pembangunan Jembatan Desa Kedungasri".into(),
        work_unit_id: unit,
        category: Category::Works,
        method: Method::Tender,
        owner_estimate: 900_000_000,
        submission_deadline: datetime!(2026-11-13 09:00 UTC),
        bid_recipient: None,
    });
    let question = QuestionId::new();
    log.push(clarification::Event::QuestionAsked {
        question_id: question,
        package_id: package,
        vendor_id: vendor,
        text: "Apakah uji beban termasuk?".into(),
    });
    log.push(tender::Event::ScheduleChanged {
        package_id: package,
        stage: StageKind::Submission,
        reason: "Banyak pertanyaan, waktu penawaran ditambah.".into(),
        submission_extended: true,
        stages: stages(),
    });
    log.push(document::Event::DocumentPublished {
        document: Box::new(Document {
            id: DocumentId::new(),
            tenant_id: tenant,
            package_id: package,
            kind: DocumentKind::Addendum,
            title: "Dokumen Pemilihan".into(),
            filename: "adendum-1.pdf".into(),
            media_type: "application/pdf".into(),
            size: 1234,
            sha256: "ab".repeat(32),
            version: 2,
            supersedes: None,
            change_note: Some("Volume beton dikoreksi.".into()),
            published_by: UserId::new(),
            published_at: datetime!(2026-11-03 02:00 UTC),
        }),
    });
    let bid = BidId::new();
    log.push(submission::Event::BidSubmitted {
        bid_id: bid,
        package_id: package,
        vendor_id: vendor,
        sha256: "cd".repeat(32),
        size: 99,
    });
    log.push(opening::Event::OpeningStarted {
        package_id: package,
        bids: vec![bid],
    });
    log.push(opening::Event::BidOpened {
        bid_id: bid,
        package_id: package,
        vendor_id: vendor,
        opened: true,
        reason: None,
        plaintext_sha256: None,
        price: Some(1_000),
    });
    log.push(evaluation::Event::AwardAnnounced {
        package_id: package,
        record: Box::new(AwardRecord {
            package_id: package,
            rule_set: "perpres-46-2025".into(),
            method: EvaluationMethod::SistemGugur,
            owner_estimate: 900_000_000,
            budget_ceiling: 1_000_000_000,
            technical_weight_permille: None,
            reasonable_price_permille: 800,
            ranking_rule: "lowest corrected price".into(),
            bids: vec![lelang_core::evaluation::rank::BidResult {
                bid_id: bid,
                vendor_id: vendor,
                commit_index: 7,
                plaintext_sha256: None,
                read_out: Some(850_000_000),
                corrected: Some(860_000_000),
                life_cycle: 0,
                technical_score: None,
                status: BidStatus::Ranked { rank: 1 },
            }],
            winner: Some(bid),
            reserves: vec![],
            failure: None,
        }),
    });

    let mut p = Publisher::new(Publication::default());
    let mut tags = Vec::new();
    let mut bodies = Vec::new();
    for (i, e) in log.events.iter().enumerate() {
        let before_opening = log.events[..=i].iter().all(|e| e.event_type != "opening_started");
        if let Some(r) = p.fold(e) {
            assert_eq!(r.seq, e.seq);
            assert_eq!(r.ocid, format!("ocds-lelang-{}", package.0));
            assert_eq!(r.tenant_id, Some(tenant));
            let v: Value = serde_json::from_str(&r.body).expect("json");
            tags.push(v["tag"][0].as_str().expect("tag").to_owned());
            assert_eq!(v["id"], e.id.0.to_string());
            assert!(
                !r.body.contains("Rangka baja"),
                "the HPS breakdown stays confidential"
            );
            if before_opening {
                assert!(
                    !r.body.contains(&vendor.0.to_string()),
                    "who takes part stays hidden: {}",
                    r.body
                );
            }
            bodies.push(v);
        }
    }
    assert_eq!(
        tags,
        [
            "planning",
            "planningUpdate",
            "planningUpdate",
            "tender",
            "tenderUpdate",
            "tenderAmendment",
            "tenderAmendment",
            "tenderUpdate",
            "tenderUpdate",
            "award"
        ],
        "a change before the announcement is a planning update; joining and committing publish nothing"
    );
    assert_eq!(bodies[3]["buyer"]["name"], "Dinas Pekerjaan Umum");
    assert_eq!(
        bodies[3]["tender"]["procuringEntity"]["name"],
        "UKPBJ Pemerintah Kabupaten Banyuwangi"
    );
    assert_eq!(
        bodies[1]["tender"]["tenderPeriod"]["startDate"], "2026-11-09T01:00:00Z",
        "08:00 WIB"
    );
    assert_eq!(bodies[1]["tender"]["procurementMethodDetails"], "Tender");
    assert!(bodies[2]["tender"].get("amendments").is_none());
    assert_eq!(
        bodies[5]["tender"]["amendments"][0]["rationale"],
        "Banyak pertanyaan, waktu penawaran ditambah."
    );
    assert_eq!(
        bodies[6]["tender"]["documents"][0]["url"]
            .as_str()
            .map(|u| u.starts_with("http://127.0.0.1:8080/tenders/")),
        Some(true)
    );
    assert_eq!(bodies[8]["parties"][0]["name"], "CV Blambangan Karya");
    assert_eq!(bodies[8]["bids"]["details"][0]["status"], "pending");
    assert!(
        !serde_json::to_string(&bodies)
            .expect("text")
            .contains("9120001234567")
    );

    // Folding again is a no-op; a second publisher folding the same log agrees byte for byte.
    assert_eq!(p.fold(&log.events[3]), None);
    assert_eq!(p.folded(), log.events.len() as i64);
    let mut q = Publisher::new(Publication::default());
    let again: Vec<Value> = log
        .events
        .iter()
        .filter_map(|e| q.fold(e))
        .map(|r| serde_json::from_str(&r.body).expect("json"))
        .collect();
    assert_eq!(again, bodies);
    assert_eq!(bodies[9]["awards"][0]["value"]["amount"], 860_000_000);
    assert_eq!(
        bodies[9]["awards"][0]["suppliers"][0]["id"],
        format!("penyedia-{}", vendor.0)
    );
    assert_eq!(bodies[9]["bids"]["details"][0]["status"], "valid");
    let compiled = crate::compile(&bodies).expect("compiled");
    assert_eq!(compiled["tender"]["status"], "complete");
    let supplier = compiled["parties"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["id"] == format!("penyedia-{}", vendor.0)))
        .cloned()
        .expect("the winner is a party");
    assert_eq!(supplier["roles"], json!(["tenderer", "supplier"]));
    assert_eq!(compiled["tender"]["enquiries"][0]["id"], question.0.to_string());
    assert_eq!(compiled["tender"]["amendments"].as_array().map(Vec::len), Some(2));
}
