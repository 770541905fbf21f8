//! Letters of award on an award the evaluation's tests reach: not before the objection period
//! (and, for construction, the appeal period after an answer) is over; only the PPK issues; the
//! winner accepts or declines; a decline passes the letter to the first reserve, then the second.

use super::*;
use crate::calendar::WorkingCalendar;
use crate::evaluation::tests::{T, company, refused as code, three_awarded};
use crate::fixtures::cx;
use crate::model::TimeZone;
use crate::objection::{Answer, window_of};

/// The evaluation tests' award (A wins at 730,000,000; B and C the reserves) and its window.
fn awarded() -> (T, Window) {
    let t = three_awarded();
    let w = window_of(&t.e, &t.w.rules, TimeZone::Wib, &WorkingCalendar::default()).expect("announced");
    (t, w)
}

fn objection(t: &T, w: &Window, bid: usize, answered: Option<OffsetDateTime>) -> Objection {
    Objection {
        id: crate::ids::ObjectionId::new(),
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        vendor_id: t.e.bids[bid].vendor_id,
        text: "Harga pemenang tidak wajar.".into(),
        filed_at: w.opens + Duration::hours(1),
        answer: answered.map(|at| Answer {
            upheld: false,
            reason: "Harga sudah diklarifikasi.".into(),
            by: t.w.pokja.members[0],
            at,
            late: false,
        }),
        evidence: vec![],
    }
}

#[test]
fn the_ppk_issues_after_the_periods_and_a_decline_passes_the_letter_to_the_reserve() {
    let (t, w) = awarded();
    assert_eq!(
        t.w.package.category,
        Category::Works,
        "the fixtures' bridge is construction"
    );
    let issue_at = |objections: &[Objection], letters: Option<&Letters>, who: &Actor, at: OffsetDateTime| {
        issue(
            who,
            Issue {
                package: &t.w.package,
                evaluation: &t.e,
                window: &w,
                objections,
                appeals: &[],
                letters,
                rules: &t.w.rules,
            },
            "027/SPPBJ/DPU/2026",
            &cx(at),
        )
    };
    let ppk = t.w.ppk.clone();
    // Not during the objection period, not with an objection unanswered, not by the pokja.
    assert_eq!(
        code(issue_at(&[], None, &ppk, w.closes - Duration::minutes(1))),
        "objection-period-running"
    );
    let pending = [objection(&t, &w, 1, None)];
    assert_eq!(
        code(issue_at(&pending, None, &ppk, w.closes + Duration::days(1))),
        "objection-unanswered"
    );
    assert!(matches!(
        issue_at(&[], None, &t.m(0), w.closes),
        Err(CommandError::Denied(_))
    ));
    // Construction: an objection answered a day after the period leaves 5 days for an appeal.
    let answered_at = w.closes + Duration::days(1);
    let answered = [objection(&t, &w, 1, Some(answered_at))];
    assert_eq!(
        code(issue_at(
            &answered,
            None,
            &ppk,
            answered_at + Duration::days(5) - Duration::minutes(1)
        )),
        "objection-period-running"
    );
    let at = answered_at + Duration::days(5);
    let (letters, change) = issue_at(&answered, None, &ppk, at).expect("issued");
    assert_eq!(change.events[0].event_type, "award_letter_issued");
    let first = letters.pending().expect("pending").clone();
    assert_eq!((first.bid_id, first.amount), (t.ids[0], 730_000_000));
    assert_eq!(
        code(issue_at(&answered, Some(&letters), &ppk, at)),
        "award-letter-exists"
    );

    // Only the company named responds; a decline needs its reason.
    let winner = t.e.bids[0].vendor_id;
    let reserve = t.e.bids[1].vendor_id;
    assert!(matches!(
        respond(&company(reserve), reserve, &letters, &t.e, true, None, &cx(at)),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(
        code(respond(
            &company(winner),
            winner,
            &letters,
            &t.e,
            false,
            None,
            &cx(at)
        )),
        "invalid-reason"
    );
    let (declined, change) = respond(
        &company(winner),
        winner,
        &letters,
        &t.e,
        false,
        Some("Peralatan utama kami terikat kontrak lain."),
        &cx(at),
    )
    .expect("declined");
    assert_eq!(change.events[0].event_type, "award_letter_declined");
    assert!(declined.pending().is_none() && declined.accepted().is_none());

    // The first reserve receives the next letter, at its own corrected price, and accepts.
    let (second, _) = issue_at(&answered, Some(&declined), &ppk, at).expect("to the reserve");
    let l = second.pending().expect("pending");
    assert_eq!((l.bid_id, l.amount), (t.ids[1], 750_000_000));
    let (accepted, change) =
        respond(&company(reserve), reserve, &second, &t.e, true, None, &cx(at)).expect("accepted");
    assert_eq!(change.events[0].event_type, "award_letter_accepted");
    assert_eq!(accepted.accepted().map(|l| l.vendor_id), Some(reserve));
    assert_eq!(
        code(issue_at(&answered, Some(&accepted), &ppk, at)),
        "award-letter-exists"
    );
    assert_eq!(
        change.mutations[0],
        Mutation::ExpectEvaluation {
            package_id: t.e.package_id,
            version: t.e.version
        },
        "a letter holds only on the award it read"
    );
}

#[test]
fn when_everyone_in_line_declines_no_letter_is_left() {
    let (t, w) = awarded();
    let ppk = t.w.ppk.clone();
    let mut letters: Option<Letters> = None;
    for bid in 0..3 {
        let (issued, _) = issue(
            &ppk,
            Issue {
                package: &t.w.package,
                evaluation: &t.e,
                window: &w,
                objections: &[],
                appeals: &[],
                letters: letters.as_ref(),
                rules: &t.w.rules,
            },
            "027/SPPBJ/DPU/2026",
            &cx(w.closes),
        )
        .expect("issued");
        let v = t.e.bids[bid].vendor_id;
        assert_eq!(issued.pending().map(|l| l.vendor_id), Some(v));
        let (declined, _) = respond(
            &company(v),
            v,
            &issued,
            &t.e,
            false,
            Some("Tidak sanggup."),
            &cx(w.closes),
        )
        .expect("declined");
        letters = Some(declined);
    }
    let r = issue(
        &ppk,
        Issue {
            package: &t.w.package,
            evaluation: &t.e,
            window: &w,
            objections: &[],
            appeals: &[],
            letters: letters.as_ref(),
            rules: &t.w.rules,
        },
        "027/SPPBJ/DPU/2026",
        &cx(w.closes),
    );
    assert_eq!(code(r), "no-one-in-line");
}
