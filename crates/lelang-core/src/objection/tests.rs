//! Objection scenarios on an award the evaluation's own tests reach: rejected (the award stands),
//! upheld (the evaluation reopens and, re-evaluated, names another winner), and every refusal.

use super::*;
use crate::evaluation::tests::{T, company as vendor_actor, refused as code, three_awarded};
use crate::evaluation::{Proposal, Step};
use crate::fixtures::{cx, now};
use crate::policy::Denied;

/// The evaluation tests' award: A wins at 730,000,000, announced at `now()`.
fn awarded() -> T {
    three_awarded()
}

/// The award's window on the fixtures' calendar (no days off) in WIB.
fn window(t: &T) -> Window {
    window_of(&t.e, &t.w.rules, TimeZone::Wib, &WorkingCalendar::default()).expect("announced")
}

fn vendor_of(t: &T, bid: usize) -> VendorId {
    t.e.bids[bid].vendor_id
}

#[test]
fn a_losing_bidder_objects_in_time_once_and_a_rejection_keeps_the_award() {
    let t = awarded();
    let rules = &window(&t);
    // Announced Monday 2 November 09:00 WIB: five calendar days end on Saturday the 7th, a day
    // off, so the period ends on Monday the 9th at 16:00 WIB; answers are due three days later.
    assert_eq!(rules.closes, time::macros::datetime!(2026-11-09 09:00 UTC));
    assert_eq!(rules.answer_by, time::macros::datetime!(2026-11-12 09:00 UTC));
    let during = cx(now() + Duration::days(2));
    let reasons = "Harga penawaran pemenang tidak wajar untuk volume galian ini.";
    let b = vendor_of(&t, 1);
    // Not the winner, not a stranger, not after the period, not another company's name.
    assert_eq!(
        code(file(
            &vendor_actor(vendor_of(&t, 0)),
            vendor_of(&t, 0),
            &t.e,
            rules,
            &[],
            reasons,
            &during
        )),
        "objection-by-winner"
    );
    let stranger = VendorId::new();
    assert_eq!(
        code(file(
            &vendor_actor(stranger),
            stranger,
            &t.e,
            rules,
            &[],
            reasons,
            &during
        )),
        "objection-not-a-bidder"
    );
    assert_eq!(
        code(file(
            &vendor_actor(b),
            b,
            &t.e,
            rules,
            &[],
            reasons,
            &cx(rules.closes)
        )),
        "objection-period-closed",
        "the period is 5 calendar days from the announcement"
    );
    assert!(matches!(
        file(&vendor_actor(stranger), b, &t.e, rules, &[], reasons, &during),
        Err(CommandError::Denied(Denied::Forbidden))
    ));
    assert_eq!(
        code(file(&vendor_actor(b), b, &t.e, rules, &[], "tidak", &during)),
        "invalid-objection-text"
    );
    let (o, change) = file(&vendor_actor(b), b, &t.e, rules, &[], reasons, &during).expect("filed");
    assert_eq!(change.events.len(), 1);
    assert_eq!(change.events[0].event_type, "objection_filed");
    assert_eq!(change.mutations, vec![Mutation::InsertObjection(o.clone())]);
    assert_eq!(
        code(file(
            &vendor_actor(b),
            b,
            &t.e,
            rules,
            std::slice::from_ref(&o),
            reasons,
            &during
        )),
        "objection-exists"
    );

    // The pokja answers once the period has ended, and only the tender's pokja.
    let why = "Harga telah diklarifikasi dan didukung analisa harga satuan.";
    assert_eq!(
        code(answer(&t.m(0), &o, &t.e, rules, false, why, &during)),
        "objection-period-running"
    );
    let after = cx(rules.closes + Duration::hours(1));
    let outsider = crate::fixtures::member(UserId::new(), t.w.tenant);
    assert!(matches!(
        answer(&outsider, &o, &t.e, rules, false, why, &after),
        Err(CommandError::Denied(Denied::Forbidden))
    ));
    let (answered, change) = answer(&t.m(1), &o, &t.e, rules, false, why, &after).expect("answered");
    let a = answered.answer.as_ref().expect("answer");
    assert!(!a.upheld && !a.late);
    assert_eq!(change.events.len(), 1, "a rejection changes nothing else");
    assert_eq!(
        change.mutations,
        vec![Mutation::AnswerObjection(answered.clone())]
    );
    assert_eq!(
        code(answer(&t.m(0), &answered, &t.e, rules, true, why, &after)),
        "objection-answered-already"
    );
    // After the answer period the answer is still taken, and marked late.
    let (late, _) = answer(
        &t.m(1),
        &o,
        &t.e,
        rules,
        false,
        why,
        &cx(rules.answer_by + Duration::minutes(1)),
    )
    .expect("late");
    assert!(late.answer.expect("answer").late);
}

/// Upheld: the winner's price was not clarified as it should have been; the evaluation reopens with
/// the arithmetic kept and every finding set aside; re-evaluated, A fails its qualification and B,
/// the first reserve before, wins (750,000,000), with C its reserve.
#[test]
fn an_upheld_objection_reopens_the_evaluation_and_another_bidder_wins() {
    let mut t = awarded();
    let rules = window(&t);
    let c = vendor_of(&t, 2);
    let (o, _) = file(
        &vendor_actor(c),
        c,
        &t.e,
        &rules,
        &[],
        "Pemenang tidak memiliki SBU yang disyaratkan.",
        &cx(now() + Duration::days(1)),
    )
    .expect("filed");
    let (_, change) = answer(
        &t.m(0),
        &o,
        &t.e,
        &rules,
        true,
        "SBU pemenang memang sudah kedaluwarsa saat pembuktian.",
        &cx(rules.closes),
    )
    .expect("upheld");
    let types: Vec<&str> = change.events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, ["objection_answered", "evaluation_restarted"]);
    let reopened = change
        .mutations
        .iter()
        .find_map(|m| match m {
            Mutation::Evaluation(crate::evaluation::Mutation::PutEvaluation { evaluation, .. }) => {
                Some(evaluation.clone())
            }
            _ => None,
        })
        .expect("the evaluation reopened");
    assert_eq!(reopened.status, Status::Evaluating);
    assert!(reopened.findings.is_empty(), "every finding set aside");
    assert!(
        change
            .mutations
            .contains(&Mutation::Evaluation(crate::evaluation::Mutation::Tender(
                crate::tender::Mutation::ExpectNotCancelled(t.e.package_id)
            ))),
        "a cancelled tender does not reopen"
    );
    t.e = reopened;
    for s in [Step::Administrative, Step::Technical, Step::Price] {
        t.both(0, s, true);
    }
    t.both(0, Step::Qualification, false);
    for b in 1..3 {
        t.through(b, true);
    }
    t.vote(0, &Proposal::Award).expect("vote");
    t.vote(1, &Proposal::Award).expect("vote");
    let r = t.awarded();
    assert_eq!(r.winner, Some(t.ids[1]));
    assert_eq!(r.reserves, vec![t.ids[2]]);
    assert_eq!(crate::evaluation::rank::verify(r), vec![]);
    // A second answer to the same award is not needed: an objection only reopens an award.
    assert_eq!(
        code(answer(
            &t.m(0),
            &o,
            &Evaluation {
                status: Status::Evaluating,
                ..t.e.clone()
            },
            &rules,
            true,
            "Sekali lagi diperiksa.",
            &cx(rules.closes)
        )),
        "no-award-announced"
    );
}
