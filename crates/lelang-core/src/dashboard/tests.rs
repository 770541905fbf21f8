//! The dashboard's figures and flags over the fixed log of [`super::fixture`].

use super::fixture::*;
use super::flags::Thresholds;
use super::*;
use time::macros::datetime;

const T: u128 = 1;
const W: u128 = 2;

fn fixture() -> Log {
    log(id(T), id(W))
}

fn th(_: &str) -> Thresholds {
    Thresholds {
        short_window_days: 7,
        near_estimate_permille: 20,
        evenly_spaced_permille: 10,
        late_change_days: 3,
        profile_change_days: 30,
        rotation_tenders: 3,
    }
}

#[test]
fn the_unit_figures_are_the_hand_computed_ones() {
    let l = fixture().ledger();
    check_unit(&figures(&l, id(T), Filter::default(), View::Unit, &th));
}

#[test]
fn the_public_sees_flags_of_decided_tenders_only_and_no_profiles_or_pokja() {
    let l = fixture().ledger();
    let f = figures(&l, id(T), Filter::default(), View::Public, &th);
    check_public(&f);
    // The rest of the figures are the same for everyone.
    let unit = figures(&l, id(T), Filter::default(), View::Unit, &th);
    assert_eq!(
        (f.savings, f.bidders, f.cycle, f.on_time),
        (unit.savings, unit.bidders, unit.cycle, unit.on_time)
    );
}

#[test]
fn filters_count_only_what_they_admit() {
    let l = fixture().ledger();
    let goods = Filter {
        category: Some(Category::Goods),
        ..Filter::default()
    };
    let f = figures(&l, id(T), goods, View::Unit, &th);
    // B, D, F; only B awarded: 200 − 198 = 2 M of 200 M = 10 ‰.
    assert_eq!(f.tenders, 3);
    assert_eq!(
        (f.savings.vs_owner_estimate, f.savings.vs_owner_estimate_permille),
        (2 * M, Some(10))
    );
    assert_eq!(
        figures(
            &l,
            id(T),
            Filter {
                year: Some(2025),
                ..goods
            },
            View::Unit,
            &th
        )
        .tenders,
        0
    );
    let other_unit = Filter {
        work_unit: Some(id(99)),
        ..Filter::default()
    };
    assert_eq!(figures(&l, id(T), other_unit, View::Unit, &th).tenders, 0);
    assert_eq!(figures(&l, id(99), Filter::default(), View::Unit, &th).tenders, 0);
    let tender = Filter {
        method: Some(Method::Tender),
        ..Filter::default()
    };
    assert_eq!(figures(&l, id(T), tender, View::Unit, &th).tenders, 7);
}

#[test]
fn folding_twice_or_after_a_restart_of_the_evaluation_counts_what_stands() {
    let log = fixture();
    let mut l = log.ledger();
    // The same events again change nothing.
    for e in &log.events() {
        l.fold(e);
    }
    assert_eq!(figures(&l, id(T), Filter::default(), View::Unit, &th).tenders, 7);
    let mut more = log.clone();
    more.push(
        datetime!(2026-04-05 03:00 UTC),
        crate::evaluation::Event::EvaluationRestarted {
            package_id: id(B.n),
            reason: "sanggah diterima".into(),
        },
    );
    let f = figures(&more.ledger(), id(T), Filter::default(), View::Unit, &th);
    assert_eq!(count(&f.by_stage, Stage::Evaluation), 2); // B is back in evaluation
    assert_eq!(f.savings.tenders, 1);
}

#[test]
fn the_same_bidders_taking_turns_is_a_rotation() {
    let mut log = Log::new(id(T), id(W));
    let tenders = [
        Tender {
            n: 110,
            category: Category::Works,
            hps: 100 * M,
            pagu: 100 * M,
        },
        Tender {
            n: 120,
            category: Category::Works,
            hps: 100 * M,
            pagu: 100 * M,
        },
        Tender {
            n: 130,
            category: Category::Works,
            hps: 100 * M,
            pagu: 100 * M,
        },
    ];
    // V1 wins, then V2, then V1 again, always against each other.
    for (i, t) in tenders.iter().enumerate() {
        create(&mut log, t);
        let winner = if i == 1 { V2 } else { V1 };
        let loser = if i == 1 { V1 } else { V2 };
        log.push(
            datetime!(2026-05-01 03:00 UTC),
            crate::evaluation::Event::AwardAnnounced {
                package_id: id(t.n),
                record: record(
                    t,
                    vec![
                        line(t.n + 1, winner, 90 * M, Some(1)),
                        line(t.n + 2, loser, 95 * M, Some(2)),
                    ],
                    Some(t.n + 1),
                ),
            },
        );
    }
    let l = log.ledger();
    for t in &tenders {
        let raised = flags(&l, l.tender(id(t.n)).expect("tender"), View::Public, &th(""));
        assert_eq!(
            raised,
            vec![Flag {
                kind: FlagKind::Rotation,
                value: 3
            }]
        );
    }
    // With only two such tenders it is not.
    let mut two = log.clone();
    two.entries.truncate(two.entries.len() - 3);
    let two = two.ledger();
    let first = two.tender(id(110)).expect("tender");
    assert!(flags(&two, first, View::Public, &th("")).is_empty());
}

#[test]
fn addresses_match_whatever_their_spelling() {
    assert_eq!(normalise("Jl. Merdeka  No.1, Genteng"), "jl merdeka no 1 genteng");
    assert_eq!(normalise("JL MERDEKA NO 1 GENTENG"), "jl merdeka no 1 genteng");
}

#[test]
fn every_built_in_rule_set_has_its_flag_thresholds() {
    for r in crate::rules::built_in().expect("rule sets") {
        let t = Thresholds::of(&r);
        assert_eq!(t, th(""), "{}", r.id);
    }
}

fn weights(_: &str) -> capacity::Weights {
    capacity::Weights {
        category: [1000, 1200, 1500, 1000],
        quick_tender: 500,
        large_value_above: 10_000 * M,
        large_value: 1500,
        member_capacity: 4000,
        tender_months: 2,
    }
}

/// An announced (or draft) plan item with no package yet.
fn planned(
    log: &mut Log,
    n: u128,
    category: Category,
    method: Method,
    start: Date,
    pagu: Rupiah,
    announced: bool,
) {
    plan_item(
        log,
        &Item {
            n,
            category,
            method,
            start,
            pagu,
            announced,
        },
    );
}

#[test]
fn the_forecast_says_when_and_how_many_members_the_unit_lacks() {
    use time::macros::date;
    let mut log = fixture();
    planned(
        &mut log,
        801,
        Category::Goods,
        Method::Tender,
        date!(2026 - 05 - 10),
        200 * M,
        true,
    );
    planned(
        &mut log,
        802,
        Category::Consulting,
        Method::Seleksi,
        date!(2026 - 06 - 01),
        12_000 * M,
        true,
    );
    planned(
        &mut log,
        803,
        Category::Goods,
        Method::PengadaanLangsung,
        date!(2026 - 05 - 01),
        50 * M,
        true,
    );
    planned(
        &mut log,
        804,
        Category::Works,
        Method::Tender,
        date!(2026 - 04 - 01),
        500 * M,
        false,
    );
    let l = log.ledger();
    let f = capacity::forecast(&l, id(T), 1, date!(2026 - 03 - 25), 4, &weights(""), &weights);
    // Under way: D goods 1000 (no schedule: March–April), E works 1200 (to May), G works 1200 (to
    // April). Planned: goods 1000 in May–June; consulting above Rp10 miliar 1500 × 1.5 = 2250 in
    // June–July; direct procurement needs no pokja; a draft item forecasts nothing. Load = weights
    // × 3 members; one member carries 4000.
    let months: Vec<(u8, u32, i64, u32)> = f
        .months
        .iter()
        .map(|m| (m.month, m.tenders, m.load_permille, m.short_members))
        .collect();
    assert_eq!(
        months,
        vec![
            (3, 3, 10_200, 2), // (1000 + 1200 + 1200) × 3; ⌈6200 / 4000⌉
            (4, 3, 10_200, 2),
            (5, 2, 6_600, 1), // (1200 + 1000) × 3; ⌈2600 / 4000⌉
            (6, 2, 9_750, 2), // (1000 + 2250) × 3; ⌈5750 / 4000⌉
        ]
    );
    assert!(
        f.months
            .iter()
            .all(|m| m.year == 2026 && m.capacity_permille == 4000)
    );
    assert_eq!((f.peak_short, f.first_short), (2, Some((2026, 3))));
    let per: Vec<(u128, u32, i64)> = f
        .per_member
        .iter()
        .map(|m| (m.member.0.as_u128(), m.active, m.weighted_permille))
        .collect();
    assert_eq!(
        per,
        vec![
            (P4, 2, 2400),
            (P5, 2, 2400),
            (P1, 2, 2200),
            (P2, 2, 2200),
            (P3, 1, 1000)
        ]
    );
    // Three members carry 12 000: enough every month.
    let enough = capacity::forecast(&l, id(T), 3, date!(2026 - 03 - 25), 4, &weights(""), &weights);
    assert_eq!((enough.peak_short, enough.first_short), (0, None));
}

#[test]
fn every_built_in_rule_set_weighs_tenders() {
    for r in crate::rules::built_in().expect("rule sets") {
        assert_eq!(capacity::Weights::of(&r), weights(""), "{}", r.id);
    }
}

/// Review findings, each held: who bid stays sealed until the opening even for the unit; a
/// profile saved unchanged (or entered for the first time) is not a change; a schedule change
/// that leaves the deadline is not late; prices at the ends of i64 raise no panic.
#[test]
fn the_flags_read_nothing_sealed_and_no_change_that_is_not_one() {
    use time::macros::date;
    let mut log = fixture();
    // H: V1 and V3 (one address) have committed bids; nothing is opened yet.
    let h = Tender {
        n: 80,
        category: Category::Works,
        hps: 100 * M,
        pagu: 100 * M,
    };
    create(&mut log, &h);
    let plan_h = plan(
        date!(2026 - 03 - 09),
        date!(2026 - 03 - 30),
        date!(2026 - 04 - 10),
        date!(2026 - 04 - 17),
    );
    schedule_and_announce(&mut log, &h, plan_h.clone(), datetime!(2026-03-30 07:00 UTC));
    for (b, v) in [(81, V1), (82, V3)] {
        log.push(
            datetime!(2026-03-20 03:00 UTC),
            crate::submission::Event::BidSubmitted {
                bid_id: id(b),
                package_id: id(h.n),
                vendor_id: id(v),
                sha256: "00".repeat(32),
                size: 1,
            },
        );
    }
    // A change one day before the deadline that leaves it where it was.
    log.push(
        datetime!(2026-03-29 03:00 UTC),
        crate::tender::Event::ScheduleChanged {
            package_id: id(h.n),
            stage: StageKind::Clarification,
            reason: "adendum".into(),
            submission_extended: false,
            stages: plan_h,
        },
    );
    // B's winner V1 saves the very profile it had, during B's submission.
    log.push(
        datetime!(2026-03-10 03:00 UTC),
        crate::vendor::Event::VendorProfileUpdated {
            vendor_id: id(V1),
            profile: Box::new(crate::vendor::VendorProfile {
                npwp: "012345678901234".into(),
                address: "Jl. Merdeka No. 1, Genteng".into(),
                licences: Vec::new(),
                experience: Vec::new(),
                personnel: Vec::new(),
                equipment: Vec::new(),
                tax: Default::default(),
            }),
        },
    );
    let l = log.ledger();
    let th = th("");
    assert!(flags(&l, l.tender(id(h.n)).expect("H"), View::Unit, &th).is_empty());
    let b = flags(&l, l.tender(id(B.n)).expect("B"), View::Unit, &th);
    assert!(
        !b.iter().any(|f| f.kind == FlagKind::WinnerProfileChanged),
        "{b:?}"
    );

    // Prices at the ends of i64 (a bidder writes its own) are compared without overflow.
    let mut odd = Log::new(id(T), id(W));
    let x = Tender {
        n: 90,
        category: Category::Goods,
        hps: 100 * M,
        pagu: 100 * M,
    };
    create(&mut odd, &x);
    bid_close_open(
        &mut odd,
        &x,
        &[(91, V1, i64::MIN), (92, V2, 0), (93, V3, i64::MAX)],
        datetime!(2026-03-20 07:00 UTC),
    );
    let l = odd.ledger();
    let raised = flags(&l, l.tender(id(x.n)).expect("X"), View::Unit, &th);
    assert!(
        raised.iter().any(|f| f.kind == FlagKind::EvenlySpaced),
        "{raised:?}"
    );
}

#[test]
fn direct_procurement_weighs_on_no_pokja() {
    use time::macros::date;
    let mut log = Log::new(id(T), id(W));
    planned(
        &mut log,
        811,
        Category::Goods,
        Method::PengadaanLangsung,
        date!(2026 - 03 - 01),
        50 * M,
        true,
    );
    package(&mut log, 812, 811, 50 * M, 50 * M);
    let l = log.ledger();
    let f = capacity::forecast(&l, id(T), 1, date!(2026 - 03 - 25), 2, &weights(""), &weights);
    assert!(
        f.months.iter().all(|m| m.tenders == 0 && m.load_permille == 0),
        "{f:?}"
    );
}
