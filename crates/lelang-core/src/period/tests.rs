//! The periods' ends under a clock that moves: nothing before the objection period closes; its end
//! alone (and last) when nobody objected; the answer period's end with what is unanswered; for
//! construction the appeal period from the last rejection; nothing twice.

use super::*;
use crate::calendar::WorkingCalendar;
use crate::evaluation::tests::three_awarded;
use crate::fixtures::now;
use crate::ids::{ObjectionId, UserId};
use crate::model::TimeZone;
use crate::objection::{Answer, window_of};
use time::macros::datetime;

fn objection(
    t: &crate::evaluation::tests::T,
    bid: usize,
    answer: Option<(bool, OffsetDateTime)>,
) -> Objection {
    Objection {
        id: ObjectionId::new(),
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        vendor_id: t.e.bids[bid].vendor_id,
        text: "Koreksi aritmetik keliru.".into(),
        filed_at: now() + Duration::days(1),
        answer: answer.map(|(upheld, at)| Answer {
            upheld,
            reason: "Sesuai dokumen.".into(),
            by: UserId::new(),
            at,
            late: false,
        }),
        evidence: vec![],
    }
}

fn award<'a>(
    t: &'a crate::evaluation::tests::T,
    w: &'a Window,
    objections: &'a [Objection],
    category: Category,
) -> Award<'a> {
    Award {
        evaluation: &t.e,
        window: w,
        objections,
        appeals: &[],
        category,
        rules: &t.w.rules,
    }
}

fn periods(ends: &[End]) -> Vec<(Period, bool)> {
    ends.iter().map(|e| (e.period, e.last)).collect()
}

#[test]
fn the_objection_period_ends_alone_when_nobody_objected() {
    let t = three_awarded();
    let w = window_of(&t.e, &t.w.rules, TimeZone::Wib, &WorkingCalendar::default()).expect("window");
    // Announced Monday 2 November; the period ends Monday the 9th at 16:00 WIB (09:00 UTC).
    assert_eq!(w.closes, datetime!(2026-11-09 09:00 UTC));
    let x = award(&t, &w, &[], Category::Works);
    assert!(due(x, &[], w.closes - Duration::seconds(1)).is_empty());
    let ends = due(x, &[], w.closes);
    assert_eq!(periods(&ends), [(Period::Objection, true)]);
    assert_eq!((ends[0].at, ends[0].filed), (w.closes, 0));
    assert!(
        due(x, &[Period::Objection], w.closes + Duration::days(30)).is_empty(),
        "once"
    );
}

#[test]
fn the_answer_period_ends_with_what_is_unanswered_and_the_appeal_period_follows_the_last_rejection() {
    let t = three_awarded();
    let w = window_of(&t.e, &t.w.rules, TimeZone::Wib, &WorkingCalendar::default()).expect("window");
    let pending = [objection(&t, 1, None), objection(&t, 2, None)];
    let x = |objections, category| award(&t, &w, objections, category);
    // After the answer deadline with both unanswered: both ends, neither last (answers to come).
    let ends = due(x(&pending, Category::Works), &[], w.answer_by);
    assert_eq!(
        periods(&ends),
        [(Period::Objection, false), (Period::ObjectionAnswer, false)]
    );
    assert_eq!((ends[1].filed, ends[1].unanswered), (2, 2));
    // Both rejected, the last on the 11th: for construction the appeal period runs five days
    // from the last answer; it is the last.
    let answered_at = datetime!(2026-11-11 03:00 UTC);
    let answered = [
        objection(&t, 1, Some((false, answered_at))),
        objection(&t, 2, Some((false, answered_at - Duration::hours(1)))),
    ];
    let fired = [Period::Objection, Period::ObjectionAnswer];
    let appeal_ends = answered_at + Duration::days(5);
    assert!(
        due(
            x(&answered, Category::Works),
            &fired,
            appeal_ends - Duration::seconds(1)
        )
        .is_empty()
    );
    let ends = due(x(&answered, Category::Works), &fired, appeal_ends);
    assert_eq!(periods(&ends), [(Period::Appeal, true)]);
    assert_eq!(ends[0].at, appeal_ends);
    // With an appeal filed two days after the rejection, the budget holder's 14 days follow it and
    // their end is the last, counting the appeal still unanswered.
    let filed = answered_at + Duration::days(2);
    let appeals = [crate::appeal::Appeal {
        id: crate::ids::AppealId::new(),
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        vendor_id: t.e.bids[1].vendor_id,
        objection_id: answered[0].id,
        text: "Sanggah banding atas jawaban sanggah.".into(),
        guarantee: crate::appeal::Guarantee {
            issuer: "Bank Jatim".into(),
            number: "JSB-1".into(),
            amount: 9_600_000,
            valid_until: time::macros::date!(2026 - 12 - 31),
        },
        filed_at: filed,
        answer: None,
    }];
    let with_appeal = Award {
        appeals: &appeals,
        ..x(&answered, Category::Works)
    };
    let ends = due(with_appeal, &fired, appeal_ends);
    assert_eq!(
        periods(&ends),
        [(Period::Appeal, false)],
        "an answer period follows"
    );
    assert_eq!(ends[0].filed, 1);
    let answer_by = filed + Duration::days(14);
    let ends = due(
        with_appeal,
        &[Period::Objection, Period::ObjectionAnswer, Period::Appeal],
        answer_by,
    );
    assert_eq!(periods(&ends), [(Period::AppealAnswer, true)]);
    assert_eq!((ends[0].at, ends[0].filed, ends[0].unanswered), (answer_by, 1, 1));
    // Goods have no appeal period: the answer period's end is the last.
    let ends = due(x(&answered, Category::Goods), &[Period::Objection], w.answer_by);
    assert_eq!(periods(&ends), [(Period::ObjectionAnswer, true)]);
}
