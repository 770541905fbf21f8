//! A fixed log of seven tenders and the dashboard's figures over it, every expected value worked
//! out by hand in the comments beside it: the core folds it directly, the end-to-end tests commit
//! it to SQLite and PostgreSQL and read the figures back over HTTP.

use super::*;
use crate::evaluation::Step;
use crate::evaluation::rank::BidResult;
use crate::ids::{EventId, ObjectionId};
use crate::ids::{TenantId, WorkUnitId};
use crate::rules::DayUnit;
use crate::rules::EvaluationMethod;
use time::macros::{date, datetime};
use uuid::Uuid;

/// An id from a small number (the fixture's ids never meet a generated one).
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

/// A million rupiah.
pub const M: i64 = 1_000_000;

/// The fixture's events for one regency and work unit, in log order.
#[derive(Debug, Clone)]
pub struct Log {
    tenant: TenantId,
    unit: WorkUnitId,
    /// Each event's instant and payload.
    pub entries: Vec<(OffsetDateTime, EventPayload)>,
}

impl Log {
    /// An empty log of this regency and work unit.
    pub fn new(tenant: TenantId, unit: WorkUnitId) -> Self {
        Self {
            tenant,
            unit,
            entries: Vec::new(),
        }
    }

    /// Appends an event.
    pub fn push(&mut self, at: OffsetDateTime, p: impl Into<EventPayload>) {
        self.entries.push((at, p.into()));
    }

    /// The events as a store would hold them, numbered from 1.
    pub fn events(&self) -> Vec<Event> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, (at, payload))| {
                let seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
                Event {
                    seq,
                    id: id::<EventId>(1_000_000 + u128::try_from(seq).unwrap_or(0)),
                    at: *at,
                    tenant_id: Some(self.tenant),
                    actor_id: None,
                    actor_role: None,
                    event_type: payload.type_name().to_owned(),
                    payload: serde_json::to_string(payload).unwrap_or_default(),
                    public_form: 2,
                }
            })
            .collect()
    }

    /// Everything folded.
    pub fn ledger(&self) -> Ledger {
        let mut l = Ledger::default();
        for e in &self.events() {
            l.fold(e);
        }
        l
    }
}

fn stage(kind: StageKind, first: Date, last: Date) -> PlannedStage {
    PlannedStage {
        kind,
        unit: DayUnit::Calendar,
        days: 1,
        first_day: first,
        last_day: last,
    }
}

/// A tender's plan: announcement from `announce`, submission to `submit`, the winner's
/// announcement by `award`, the letter of award by `letter`.
pub fn plan(announce: Date, submit: Date, award: Date, letter: Date) -> Vec<PlannedStage> {
    vec![
        stage(StageKind::Announcement, announce, announce),
        stage(StageKind::Submission, announce, submit),
        stage(StageKind::AwardAnnouncement, award, award),
        stage(StageKind::AwardLetter, letter, letter),
    ]
}

/// A tender of the fixture: its number, category, HPS and pagu.
pub struct Tender {
    /// Its number (its package id's).
    pub n: u128,
    /// Its category.
    pub category: Category,
    /// HPS.
    pub hps: Rupiah,
    /// Pagu.
    pub pagu: Rupiah,
}

/// A plan item (RUP line) of the fixture.
pub struct Item {
    /// Its number (its id's).
    pub n: u128,
    /// Its category.
    pub category: Category,
    /// The method planned.
    pub method: Method,
    /// When it is planned to start.
    pub start: Date,
    /// Pagu.
    pub pagu: Rupiah,
    /// Announced, or still a draft.
    pub announced: bool,
}

/// A plan item entered on 2 March 2026.
pub fn plan_item(log: &mut Log, item: &Item) {
    let at = datetime!(2026-03-02 03:00 UTC);
    log.push(
        at,
        crate::plan::Event::PlanItemCreated {
            plan_item: Box::new(crate::plan::PlanItem {
                id: id(item.n),
                tenant_id: log.tenant,
                work_unit_id: log.unit,
                fiscal_year: 2026,
                name: format!("Paket {}", item.n),
                category: item.category,
                budget_ceiling: item.pagu,
                funding_source: "APBD".into(),
                planned_method: item.method,
                planned_start: item.start,
                planned_end: date!(2026 - 12 - 31),
                rule_set: "perpres-46-2025".into(),
                announced_at: item.announced.then_some(at),
                created_at: at,
            }),
        },
    );
}

/// Package `n`, prepared on 2 March 2026 from plan item `item`.
pub fn package(log: &mut Log, n: u128, item: u128, hps: Rupiah, pagu: Rupiah) {
    log.push(
        datetime!(2026-03-02 03:00 UTC),
        crate::package::Event::PackageCreated {
            package_id: id(n),
            plan_item_id: id(item),
            work_unit_id: log.unit,
            name: format!("Paket {n}"),
            budget_ceiling: pagu,
            owner_estimate: hps,
            hps_breakdown: Vec::new(),
            location: "Banyuwangi".into(),
            rule_set: "perpres-46-2025".into(),
            repeat_of: None,
        },
    );
}

/// Its plan item (an announced open tender from 1 March) and package, prepared on 2 March 2026.
pub fn create(log: &mut Log, t: &Tender) {
    plan_item(
        log,
        &Item {
            n: t.n + 100,
            category: t.category,
            method: Method::Tender,
            start: date!(2026 - 03 - 01),
            pagu: t.pagu,
            announced: true,
        },
    );
    package(log, t.n, t.n + 100, t.hps, t.pagu);
}

/// Its schedule (as `stages`) and its announcement on 9 March with this deadline.
pub fn schedule_and_announce(log: &mut Log, t: &Tender, stages: Vec<PlannedStage>, deadline: OffsetDateTime) {
    let pkg = id(t.n);
    log.push(
        datetime!(2026-03-05 03:00 UTC),
        crate::tender::Event::TenderScheduled {
            package_id: pkg,
            method: Method::Tender,
            evaluation: EvaluationMethod::SistemGugur,
            stages,
        },
    );
    log.push(
        datetime!(2026-03-09 03:00 UTC),
        crate::tender::Event::TenderAnnounced {
            package_id: pkg,
            name: format!("Paket {}", t.n),
            work_unit_id: log.unit,
            category: t.category,
            method: Method::Tender,
            owner_estimate: t.hps,
            submission_deadline: deadline,
            bid_recipient: None,
        },
    );
}

/// Bids `(bid, vendor, price)` committed, closed at `deadline`, and opened.
pub fn bid_close_open(log: &mut Log, t: &Tender, bids: &[(u128, u128, Rupiah)], deadline: OffsetDateTime) {
    let pkg = id(t.n);
    for &(b, v, _) in bids {
        log.push(
            deadline - time::Duration::days(1),
            crate::submission::Event::BidSubmitted {
                bid_id: id(b),
                package_id: pkg,
                vendor_id: id(v),
                sha256: "00".repeat(32),
                size: 1,
            },
        );
    }
    log.push(
        deadline + time::Duration::hours(1),
        crate::submission::Event::SubmissionClosed {
            package_id: pkg,
            deadline,
        },
    );
    for &(b, v, price) in bids {
        log.push(
            deadline + time::Duration::hours(2),
            crate::sealing::opening::Event::BidOpened {
                bid_id: id(b),
                package_id: pkg,
                vendor_id: id(v),
                opened: true,
                reason: None,
                plaintext_sha256: None,
                price: Some(price),
            },
        );
    }
}

/// A bid's line in a record: `rank` Some(r) ranked, None failed at the technical step.
/// A bid's line in a record.
pub fn line(b: u128, v: u128, price: Rupiah, rank: Option<u32>) -> BidResult {
    BidResult {
        bid_id: id(b),
        vendor_id: id(v),
        commit_index: u64::try_from(b).expect("small"),
        plaintext_sha256: None,
        read_out: Some(price),
        corrected: Some(price),
        life_cycle: 0,
        technical_score: None,
        status: match rank {
            Some(rank) => BidStatus::Ranked { rank },
            None => BidStatus::Failed {
                step: Step::Technical,
                reason: "x".into(),
            },
        },
    }
}

/// A published record.
pub fn record(t: &Tender, bids: Vec<BidResult>, winner: Option<u128>) -> Box<AwardRecord> {
    Box::new(AwardRecord {
        package_id: id(t.n),
        rule_set: "perpres-46-2025".into(),
        method: EvaluationMethod::SistemGugur,
        owner_estimate: t.hps,
        budget_ceiling: t.pagu,
        technical_weight_permille: None,
        reasonable_price_permille: 800,
        ranking_rule: String::new(),
        bids,
        winner: winner.map(id),
        reserves: Vec::new(),
        failure: None,
    })
}

fn profile(log: &mut Log, at: OffsetDateTime, vendor: u128, address: &str) {
    log.push(
        at,
        crate::vendor::Event::VendorProfileUpdated {
            vendor_id: id(vendor),
            profile: Box::new(crate::vendor::VendorProfile {
                npwp: "012345678901234".into(),
                address: address.into(),
                licences: Vec::new(),
                experience: Vec::new(),
                personnel: Vec::new(),
                equipment: Vec::new(),
                tax: Default::default(),
            }),
        },
    );
}

pub const A: Tender = Tender {
    n: 10,
    category: Category::Works,
    hps: 1_000 * M,
    pagu: 1_100 * M,
};
pub const B: Tender = Tender {
    n: 20,
    category: Category::Goods,
    hps: 200 * M,
    pagu: 250 * M,
};
pub const C: Tender = Tender {
    n: 30,
    category: Category::Works,
    hps: 500 * M,
    pagu: 500 * M,
};
pub const D: Tender = Tender {
    n: 40,
    category: Category::Goods,
    hps: 100 * M,
    pagu: 120 * M,
};
pub const E: Tender = Tender {
    n: 50,
    category: Category::Works,
    hps: 300 * M,
    pagu: 300 * M,
};
pub const F: Tender = Tender {
    n: 60,
    category: Category::Goods,
    hps: 50 * M,
    pagu: 60 * M,
};
pub const G: Tender = Tender {
    n: 70,
    category: Category::Works,
    hps: 900 * M,
    pagu: 950 * M,
};
pub const V1: u128 = 501;
pub const V2: u128 = 502;
pub const V3: u128 = 503;
pub const P1: u128 = 901;
pub const P2: u128 = 902;
pub const P3: u128 = 903;
pub const P4: u128 = 904;
pub const P5: u128 = 905;

/// The fixed log: every tender is prepared on 2 March 2026 and announced on 9 March (WIB).
pub fn log(tenant: TenantId, unit: WorkUnitId) -> Log {
    let mut log = Log::new(tenant, unit);
    for t in [&A, &B, &C, &D, &E, &F, &G] {
        create(&mut log, t);
    }
    profile(
        &mut log,
        datetime!(2026-01-05 03:00 UTC),
        V1,
        "Jl. Merdeka No. 1, Genteng",
    );
    profile(
        &mut log,
        datetime!(2026-01-05 03:00 UTC),
        V3,
        "jl merdeka no 1 genteng",
    );
    profile(&mut log, datetime!(2026-01-05 03:00 UTC), V2, "Jl. Ahmad Yani 9");
    let assign = |log: &mut Log, t: &Tender, members: [u128; 3]| {
        log.push(
            datetime!(2026-03-03 03:00 UTC),
            crate::pokja::Event::PokjaAssigned {
                package_id: id(t.n),
                members: members.iter().map(|m| id(*m)).collect(),
            },
        );
    };
    assign(&mut log, &A, [P1, P2, P3]);
    assign(&mut log, &D, [P1, P2, P3]);
    assign(&mut log, &E, [P1, P4, P5]);
    assign(&mut log, &G, [P2, P4, P5]);

    // A: 11-day window; three bids 50 M apart; the lowest fails technically; V2 wins on 1 April,
    // before the planned 3 April; the contract is signed on 15 April (planned letter: 10 April);
    // one objection, not upheld. V2's profile changed on 15 March, during the submission.
    let a_deadline = datetime!(2026-03-20 07:00 UTC);
    schedule_and_announce(
        &mut log,
        &A,
        plan(
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 20),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 10),
        ),
        a_deadline,
    );
    profile(&mut log, datetime!(2026-03-15 03:00 UTC), V2, "Jl. Ahmad Yani 11");
    bid_close_open(
        &mut log,
        &A,
        &[(11, V1, 900 * M), (12, V2, 950 * M), (13, V3, 1_000 * M)],
        a_deadline,
    );
    log.push(
        datetime!(2026-04-01 03:00 UTC),
        crate::evaluation::Event::AwardAnnounced {
            package_id: id(A.n),
            record: record(
                &A,
                vec![
                    line(11, V1, 900 * M, None),
                    line(12, V2, 950 * M, Some(1)),
                    line(13, V3, 1_000 * M, Some(2)),
                ],
                Some(12),
            ),
        },
    );
    log.push(
        datetime!(2026-04-03 03:00 UTC),
        crate::objection::Event::ObjectionFiled {
            objection_id: id::<ObjectionId>(14),
            package_id: id(A.n),
            vendor_id: id(V1),
            text: "keberatan".into(),
        },
    );
    for (h, party) in [
        (1, crate::contract::Party::Vendor),
        (2, crate::contract::Party::Ppk),
    ] {
        log.push(
            datetime!(2026-04-15 01:00 UTC) + time::Duration::hours(h),
            crate::contract::Event::ContractSigned {
                package_id: id(A.n),
                party,
            },
        );
    }

    // B: a 4-day window, a single bid, awarded on 25 March though planned for 20 March.
    let b_deadline = datetime!(2026-03-13 07:00 UTC);
    schedule_and_announce(
        &mut log,
        &B,
        plan(
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 13),
            date!(2026 - 03 - 20),
            date!(2026 - 03 - 27),
        ),
        b_deadline,
    );
    bid_close_open(&mut log, &B, &[(21, V1, 199 * M)], b_deadline);
    log.push(
        datetime!(2026-03-25 03:00 UTC),
        crate::evaluation::Event::AwardAnnounced {
            package_id: id(B.n),
            record: record(&B, vec![line(21, V1, 198 * M, Some(1))], Some(21)),
        },
    );

    // C: on 18 March, 2 days before the deadline of 20 March, the schedule moved the deadline to
    // 23 March; two identical prices 1% under the HPS; both fail qualification; the tender fails
    // on 2 April.
    let c_deadline = datetime!(2026-03-23 07:00 UTC);
    let c_plan = plan(
        date!(2026 - 03 - 09),
        date!(2026 - 03 - 20),
        date!(2026 - 04 - 03),
        date!(2026 - 04 - 10),
    );
    schedule_and_announce(&mut log, &C, c_plan, datetime!(2026-03-20 07:00 UTC));
    log.push(
        datetime!(2026-03-18 03:00 UTC),
        crate::tender::Event::ScheduleChanged {
            package_id: id(C.n),
            stage: StageKind::Submission,
            reason: "adendum".into(),
            submission_extended: true,
            stages: plan(
                date!(2026 - 03 - 09),
                date!(2026 - 03 - 23),
                date!(2026 - 04 - 03),
                date!(2026 - 04 - 10),
            ),
        },
    );
    bid_close_open(&mut log, &C, &[(31, V2, 495 * M), (32, V3, 495 * M)], c_deadline);
    log.push(
        datetime!(2026-04-02 03:00 UTC),
        crate::evaluation::Event::TenderFailed {
            package_id: id(C.n),
            reason: FailureReason::AllFailQualification,
            note: String::new(),
            record: record(
                &C,
                vec![line(31, V2, 495 * M, None), line(32, V3, 495 * M, None)],
                None,
            ),
        },
    );

    // E: announced, deadline 30 April, still open. F: announced, then cancelled.
    schedule_and_announce(
        &mut log,
        &E,
        plan(
            date!(2026 - 03 - 09),
            date!(2026 - 04 - 30),
            date!(2026 - 05 - 15),
            date!(2026 - 05 - 22),
        ),
        datetime!(2026-04-30 07:00 UTC),
    );
    schedule_and_announce(
        &mut log,
        &F,
        plan(
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 30),
            date!(2026 - 04 - 10),
            date!(2026 - 04 - 17),
        ),
        datetime!(2026-03-30 07:00 UTC),
    );
    log.push(
        datetime!(2026-03-12 03:00 UTC),
        crate::cancellation::Event::TenderCancelled {
            package_id: id(F.n),
            ground: crate::cancellation::Ground::BudgetUnavailable,
            reason: "anggaran dipotong".into(),
        },
    );

    // G: closed with two bids; the pokja failed the lowest at the technical step, no award yet.
    let g_deadline = datetime!(2026-03-20 07:00 UTC);
    schedule_and_announce(
        &mut log,
        &G,
        plan(
            date!(2026 - 03 - 09),
            date!(2026 - 03 - 20),
            date!(2026 - 04 - 03),
            date!(2026 - 04 - 10),
        ),
        g_deadline,
    );
    bid_close_open(&mut log, &G, &[(71, V1, 800 * M), (72, V3, 850 * M)], g_deadline);
    log.push(
        datetime!(2026-03-24 03:00 UTC),
        crate::evaluation::Event::StepDecided {
            package_id: id(G.n),
            bid_id: id(71),
            step: Step::Technical,
            pass: false,
            score: None,
            reason: "x".into(),
            dissent: 0,
        },
    );
    log
}

/// The unit's figures over [`log`], as worked out by hand.
pub fn check_unit(f: &Figures) {
    assert_eq!(f.view, View::Unit);
    assert_eq!(f.tenders, 7);
    // 1000 + 200 + 500 + 100 + 300 + 50 + 900 million.
    assert_eq!(f.owner_estimate, 3_050 * M);
    let stages: Vec<(Stage, u32)> = f.by_stage.iter().map(|c| (c.key, c.count)).collect();
    assert_eq!(
        stages,
        vec![
            (Stage::Preparation, 1), // D
            (Stage::Announced, 1),   // E
            (Stage::Evaluation, 1),  // G
            (Stage::Awarded, 1),     // B
            (Stage::Contracted, 1),  // A
            (Stage::Failed, 1),      // C
            (Stage::Cancelled, 1),   // F
        ]
    );
    // A and B: HPS 1200 M, pagu 1350 M, awarded 950 + 198 = 1148 M.
    assert_eq!(
        f.savings,
        Savings {
            tenders: 2,
            owner_estimate: 1_200 * M,
            budget_ceiling: 1_350 * M,
            awarded: 1_148 * M,
            vs_owner_estimate: 52 * M,
            vs_budget_ceiling: 202 * M,
            vs_owner_estimate_permille: Some(43),  // 52 000 / 1200 = 43.3
            vs_budget_ceiling_permille: Some(149), // 202 000 / 1350 = 149.6
        }
    );
    // Closed: A (3 bids), B (1), C (2), G (2): 8 bids over 4 tenders = 2.0.
    assert_eq!(
        f.bidders,
        Bidders {
            tenders: 4,
            bids: 8,
            mean_tenths: Some(20),
            distribution: [0, 1, 2, 1, 0],
        }
    );
    let cycle = |p: Phase| f.cycle.iter().find(|c| c.phase == p).cloned().expect("phase");
    // Every announced tender (A B C E F G) took 7 days from 2 to 9 March; nothing plans it.
    assert_eq!(
        cycle(Phase::Preparation),
        Cycle {
            phase: Phase::Preparation,
            tenders: 6,
            median_days: Some(7),
            planned_median_days: None,
            late: 0
        }
    );
    // Closed: A 11 (plan 11), B 4 (4), C 14 (plan 11: late, its deadline moved), G 11 (11):
    // sorted 4 11 11 14, lower middle 11.
    assert_eq!(
        cycle(Phase::Bidding),
        Cycle {
            phase: Phase::Bidding,
            tenders: 4,
            median_days: Some(11),
            planned_median_days: Some(11),
            late: 1
        }
    );
    // Decided: A 20 Mar → 1 Apr = 12 (plan 14), B 13 → 25 Mar = 12 (plan 7: late), C 23 Mar →
    // 2 Apr = 10 (plan 14); medians 12 and 14.
    assert_eq!(
        cycle(Phase::Evaluation),
        Cycle {
            phase: Phase::Evaluation,
            tenders: 3,
            median_days: Some(12),
            planned_median_days: Some(14),
            late: 1
        }
    );
    // A: 1 → 15 April = 14 days, planned 3 → 10 April = 7: late.
    assert_eq!(
        cycle(Phase::Contracting),
        Cycle {
            phase: Phase::Contracting,
            tenders: 1,
            median_days: Some(14),
            planned_median_days: Some(7),
            late: 1
        }
    );
    // A (1 ≤ 3 April) and C (2 ≤ 3 April) on time, B (25 > 20 March) late: 2 of 3 = 666 ‰.
    assert_eq!(
        f.on_time,
        OnTime {
            decided: 3,
            on_time: 2,
            permille: Some(666)
        }
    );
    assert_eq!(
        f.failed,
        vec![Count {
            key: "all_fail_qualification".to_owned(),
            count: 1
        }]
    );
    assert_eq!(
        f.cancelled,
        vec![Count {
            key: "budget_unavailable".to_owned(),
            count: 1
        }]
    );
    assert_eq!(
        f.objections,
        Objections {
            tenders: 1,
            filed: 1,
            upheld: 0,
            appeals: 0
        }
    );

    assert_eq!(count(&f.flags, FlagKind::SingleBid), 1); // B
    assert_eq!(count(&f.flags, FlagKind::ShortWindow), 1); // B: 4 < 7 days
    assert_eq!(count(&f.flags, FlagKind::NearEstimate), 1); // C: 495 ≥ 490 M
    assert_eq!(count(&f.flags, FlagKind::IdenticalPrices), 1); // C
    assert_eq!(count(&f.flags, FlagKind::EvenlySpaced), 1); // A: 900 950 1000
    assert_eq!(count(&f.flags, FlagKind::LowestDisqualified), 3); // A, C, and G before its award
    assert_eq!(count(&f.flags, FlagKind::MostDisqualified), 1); // C: 2 of 2
    assert_eq!(count(&f.flags, FlagKind::Rotation), 0);
    assert_eq!(count(&f.flags, FlagKind::LateScheduleChange), 1); // C: 2 days before 20 March
    assert_eq!(count(&f.flags, FlagKind::SharedAddress), 2); // V1 and V3 bid in A and G
    assert_eq!(count(&f.flags, FlagKind::SharedPersonnel), 0);
    assert_eq!(count(&f.flags, FlagKind::WinnerProfileChanged), 1); // A's winner V2, 15 March
    assert_eq!(f.flags.len(), FlagKind::ALL.len());

    // Active: D (P1 P2 P3, 100 M), E (P1 P4 P5, 300 M), G (P2 P4 P5, 900 M).
    let load: Vec<(u128, u32, Rupiah)> = f
        .pokja_load
        .iter()
        .map(|l| (l.member.0.as_u128(), l.active, l.owner_estimate))
        .collect();
    assert_eq!(
        load,
        vec![
            (P4, 2, 1_200 * M),
            (P5, 2, 1_200 * M),
            (P2, 2, 1_000 * M),
            (P1, 2, 400 * M),
            (P3, 1, 100 * M)
        ]
    );
}

/// The count under a key (0 when absent).
pub fn count<K: PartialEq + std::fmt::Debug>(v: &[Count<K>], key: K) -> u32 {
    v.iter().find(|c| c.key == key).map_or(0, |c| c.count)
}

/// The public figures over [`log`]: the unit's, without the pokja's load and with only the flags
/// the public may see (of decided tenders, none from a company's profile).
pub fn check_public(f: &Figures) {
    assert_eq!(f.view, View::Public);
    assert!(f.pokja_load.is_empty());
    assert!(f.flags.iter().all(|c| c.key.public()));
    assert_eq!(f.flags.len(), 9);
    // G's lowest bid failed a step, but only the pokja knows before the award: A and C remain.
    assert_eq!(count(&f.flags, FlagKind::LowestDisqualified), 2);
    assert_eq!(count(&f.flags, FlagKind::SingleBid), 1);
    assert_eq!(count(&f.flags, FlagKind::LateScheduleChange), 1);
    assert_eq!(f.tenders, 7);
    assert_eq!(f.savings.vs_owner_estimate, 52 * M);
    assert_eq!(f.bidders.mean_tenths, Some(20));
    assert_eq!(f.on_time.permille, Some(666));
}
