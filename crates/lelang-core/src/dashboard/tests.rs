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
