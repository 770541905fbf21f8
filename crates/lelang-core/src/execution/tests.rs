//! A started contract's execution: milestones planned to the contract's value, progress reported,
//! accepted, paid; amendments held to the value limit; the handover once every milestone is
//! accepted; the rating at the end; a termination instead.

use super::*;
use crate::appeal::Guarantee;
use crate::contract::{Kind, WorkOrder};
use crate::evaluation::tests::{T, company, refused as code, three_awarded};
use crate::fixtures::{cx, now};
use time::macros::date;

/// A wins at 730,000,000; its contract is signed, guaranteed, and started on 9 November 2026
/// for 120 days (to 8 March 2027).
fn started() -> (T, Contract) {
    let t = three_awarded();
    let c = Contract {
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        vendor_id: t.e.bids[0].vendor_id,
        bid_id: t.ids[0],
        kind: Kind::UnitPrice,
        number: "027/KONTRAK/DPU/2026".into(),
        value: 730_000_000,
        duration_days: 120,
        guarantee_required: Some(36_500_000),
        guarantee: Some(Guarantee {
            issuer: "Bank Jatim".into(),
            number: "JP-1".into(),
            amount: 36_500_000,
            valid_until: date!(2027 - 06 - 30),
        }),
        vendor_signed_at: Some(now()),
        ppk_signed_at: Some(now()),
        work_order: Some(WorkOrder {
            number: "027/SPMK/DPU/2026".into(),
            start: date!(2026 - 11 - 09),
        }),
        drafted_at: now(),
        version: 5,
    };
    (t, c)
}

fn two_terms() -> Vec<Planned> {
    vec![
        Planned {
            title: "Pekerjaan tanah dan pondasi".into(),
            amount: 300_000_000,
            due: date!(2026 - 12 - 31),
        },
        Planned {
            title: "Pasangan saluran dan finishing".into(),
            amount: 430_000_000,
            due: date!(2027 - 03 - 08),
        },
    ]
}

#[test]
fn milestones_are_reported_accepted_and_paid_then_handed_over_and_the_company_rated() {
    let (t, c) = started();
    let (ppk, p, at) = (t.w.ppk.clone(), t.w.package.clone(), cx(now()));
    let v = company(c.vendor_id);

    // The plan adds up to the contract's value, inside the period, and only the PPK makes it.
    assert!(matches!(
        plan(&v, &p, &c, None, two_terms(), &at),
        Err(CommandError::Denied(_))
    ));
    let mut short = two_terms();
    short[1].amount -= 1;
    assert_eq!(
        code(plan(&ppk, &p, &c, None, short, &at)),
        "milestones-not-contract-value"
    );
    let mut late = two_terms();
    late[1].due = date!(2027 - 03 - 09);
    assert_eq!(
        code(plan(&ppk, &p, &c, None, late, &at)),
        "milestone-outside-period"
    );
    assert_eq!(
        code(plan(&ppk, &p, &c, None, vec![], &at)),
        "invalid-milestone-count"
    );
    let mut unstarted = c.clone();
    unstarted.work_order = None;
    assert_eq!(
        code(plan(&ppk, &p, &unstarted, None, two_terms(), &at)),
        "work-order-missing"
    );
    let (e, change) = plan(&ppk, &p, &c, None, two_terms(), &at).expect("planned");
    assert_eq!(change.events[0].event_type, "milestones_planned");
    assert_eq!(e.value(), 730_000_000);

    // The company reports; never backwards; the PPK accepts only a complete milestone.
    assert!(matches!(
        report(&ppk, &e, 1, 50, "Galian selesai", &at),
        Err(CommandError::Denied(_))
    ));
    assert!(matches!(
        report(&company(t.e.bids[1].vendor_id), &e, 1, 50, "Galian", &at),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(code(report(&v, &e, 3, 50, "Galian", &at)), "unknown-milestone");
    assert_eq!(code(report(&v, &e, 1, 101, "Galian", &at)), "invalid-percent");
    let (e, _) = report(&v, &e, 1, 60, "Galian dan urugan selesai", &at).expect("reported");
    assert_eq!(code(report(&v, &e, 1, 40, "Mundur", &at)), "invalid-percent");
    assert_eq!(
        code(accept(&ppk, &p, &e, 1, "BA-PHO/01", &at)),
        "milestone-not-complete"
    );
    // The plan is fixed once reported on.
    assert_eq!(
        code(plan(&ppk, &p, &c, Some(&e), two_terms(), &at)),
        "milestones-started"
    );
    let (e, _) = report(&v, &e, 1, 100, "Pondasi selesai", &at).expect("complete");
    assert_eq!(
        code(pay(&ppk, &p, &e, 1, "SP2D-001", &at)),
        "milestone-not-accepted"
    );
    assert!(matches!(
        accept(&v, &p, &e, 1, "BA-1", &at),
        Err(CommandError::Denied(_))
    ));
    let (e, change) = accept(&ppk, &p, &e, 1, "027/BA-PEMERIKSAAN/01", &at).expect("accepted");
    assert_eq!(change.events[0].event_type, "milestone_accepted");
    assert_eq!(
        code(report(&v, &e, 1, 100, "Lagi", &at)),
        "milestone-accepted-already"
    );
    let (e, change) = pay(&ppk, &p, &e, 1, "SP2D-001", &at).expect("paid");
    assert_eq!(change.events[0].event_type, "milestone_paid");
    assert_eq!(e.paid(), 300_000_000);
    assert_eq!(e.milestones[0].status(), Status::Paid);
    assert_eq!(
        code(pay(&ppk, &p, &e, 1, "SP2D-001", &at)),
        "milestone-paid-already"
    );

    // The second is late on 9 March 2027 until accepted; the handover waits for it.
    let day = |x: OffsetDateTime| x.date();
    assert!(!e.milestones[1].late(date!(2027 - 03 - 08), day));
    assert!(e.milestones[1].late(date!(2027 - 03 - 09), day));
    assert_eq!(code(hand_over(&ppk, &p, &e, "BAST-1", &at)), "milestones-open");
    assert_eq!(
        code(rate(
            &ppk,
            &p,
            &e,
            &t.w.rules,
            Marks {
                quality: 3,
                cost: 3,
                time: 3,
                service: 3
            },
            &at
        )),
        "contract-running"
    );
    let (e, _) = report(&v, &e, 2, 100, "Selesai", &at).expect("complete");
    let (e, _) = accept(&ppk, &p, &e, 2, "027/BA-PEMERIKSAAN/02", &at).expect("accepted");
    let (e, change) = hand_over(&ppk, &p, &e, "027/BAST/DPU/2027", &at).expect("handed over");
    assert_eq!(change.events[0].event_type, "work_handed_over");
    assert_eq!(code(report(&v, &e, 2, 100, "Lagi", &at)), "contract-ended");
    // A payment after the handover is still recorded.
    let (e, _) = pay(&ppk, &p, &e, 2, "SP2D-002", &at).expect("paid after handover");
    assert_eq!(e.paid(), 730_000_000);

    // Rating: marks 0..=3; with even weights (3+2+3+2)/12 = 83.3 → 83.
    let marks = Marks {
        quality: 3,
        cost: 2,
        time: 3,
        service: 2,
    };
    assert_eq!(
        code(rate(&ppk, &p, &e, &t.w.rules, Marks { quality: 4, ..marks }, &at)),
        "invalid-mark"
    );
    assert!(matches!(
        rate(&v, &p, &e, &t.w.rules, marks, &at),
        Err(CommandError::Denied(_))
    ));
    let (e, change) = rate(&ppk, &p, &e, &t.w.rules, marks, &at).expect("rated");
    assert_eq!(change.events[0].event_type, "vendor_rated");
    assert_eq!(e.rating.as_ref().map(|r| r.score), Some(83));
    assert_eq!(code(rate(&ppk, &p, &e, &t.w.rules, marks, &at)), "rated-already");
    assert_eq!(record(&[e.clone(), e]), Some((2, 83)));
}

#[test]
fn amendments_over_the_value_limit_are_refused_and_the_reason_is_required() {
    let (t, c) = started();
    let (ppk, p, at) = (t.w.ppk.clone(), t.w.package.clone(), cx(now()));
    let (e, _) = plan(&ppk, &p, &c, None, two_terms(), &at).expect("planned");
    let add = |value_change, milestone, days_added| Addendum {
        number: "027/ADD-1/DPU/2027".into(),
        value_change,
        milestone,
        days_added,
        reason: "Kondisi lapangan: tambahan panjang saluran 40 m".into(),
    };
    // 10 % of 730,000,000 = 73,000,000, all increases together.
    assert_eq!(
        code(amend(&ppk, &p, &e, &t.w.rules, add(73_000_001, Some(2), 0), &at)),
        "amendment-over-limit"
    );
    assert_eq!(
        code(amend(&ppk, &p, &e, &t.w.rules, add(0, None, 0), &at)),
        "amendment-changes-nothing"
    );
    assert_eq!(
        code(amend(&ppk, &p, &e, &t.w.rules, add(1_000, None, 0), &at)),
        "unknown-milestone"
    );
    assert_eq!(
        code(amend(
            &ppk,
            &p,
            &e,
            &t.w.rules,
            Addendum {
                reason: " ".into(),
                ..add(1_000, Some(2), 0)
            },
            &at
        )),
        "invalid-reason"
    );
    assert!(matches!(
        amend(
            &company(c.vendor_id),
            &p,
            &e,
            &t.w.rules,
            add(1_000, Some(2), 0),
            &at
        ),
        Err(CommandError::Denied(_))
    ));
    let (e, change) = amend(&ppk, &p, &e, &t.w.rules, add(50_000_000, Some(2), 14), &at).expect("amended");
    assert_eq!(change.events[0].event_type, "contract_amended");
    assert_eq!(e.value(), 780_000_000);
    assert_eq!(e.milestones[1].amount, 480_000_000);
    assert_eq!(e.days_added(), 14);
    // A decrease does not give room back: 50 + 23,000,001 > 73,000,000.
    let (e, _) = amend(&ppk, &p, &e, &t.w.rules, add(-10_000_000, Some(1), 0), &at).expect("less work");
    assert_eq!(e.value(), 770_000_000);
    assert_eq!(
        code(amend(&ppk, &p, &e, &t.w.rules, add(23_000_001, Some(2), 0), &at)),
        "amendment-over-limit"
    );
    let (e, _) = amend(&ppk, &p, &e, &t.w.rules, add(23_000_000, Some(2), 0), &at).expect("up to the limit");
    assert_eq!(e.increases(), 73_000_000);
    // A re-plan before any report keeps to the amended value and period.
    let mut again = two_terms();
    again[1].amount = 493_000_000;
    again[1].due = date!(2027 - 03 - 22);
    let (e, _) = plan(&ppk, &p, &c, Some(&e), again, &at).expect("re-planned within the extended period");
    assert_eq!(e.value(), 793_000_000);
}

#[test]
fn a_terminated_contract_takes_no_more_work_and_only_a_default_proposes_the_blacklist() {
    let (t, c) = started();
    let (ppk, p, at) = (t.w.ppk.clone(), t.w.package.clone(), cx(now()));
    let (e, _) = plan(&ppk, &p, &c, None, two_terms(), &at).expect("planned");
    assert!(matches!(
        terminate(
            &company(c.vendor_id),
            &p,
            &e,
            Ground::VendorDefault,
            "Terlambat",
            true,
            &at
        ),
        Err(CommandError::Denied(_))
    ));
    let (x, _) = terminate(
        &ppk,
        &p,
        &e,
        Ground::Agreement,
        "Kesepakatan para pihak",
        true,
        &at,
    )
    .expect("ended");
    assert_eq!(x.termination.as_ref().map(|t| t.blacklist_proposed), Some(false));
    let (x, change) = terminate(
        &ppk,
        &p,
        &e,
        Ground::VendorDefault,
        "Keterlambatan melampaui 50 hari",
        true,
        &at,
    )
    .expect("ended");
    assert_eq!(change.events[0].event_type, "contract_terminated");
    assert_eq!(x.termination.as_ref().map(|t| t.blacklist_proposed), Some(true));
    assert_eq!(
        code(report(&company(c.vendor_id), &x, 1, 10, "Lanjut", &at)),
        "contract-ended"
    );
    assert_eq!(
        code(terminate(&ppk, &p, &x, Ground::Agreement, "Lagi", false, &at)),
        "contract-ended"
    );
    assert!(
        rate(
            &ppk,
            &p,
            &x,
            &t.w.rules,
            Marks {
                quality: 0,
                cost: 1,
                time: 0,
                service: 1
            },
            &at
        )
        .is_ok()
    );
}

#[test]
fn the_advance_is_covered_by_its_guarantee_and_construction_owes_a_maintenance_guarantee() {
    let (t, c) = started();
    let (ppk, p, at) = (t.w.ppk.clone(), t.w.package.clone(), cx(now()));
    let v = company(c.vendor_id);
    let (e, _) = plan(&ppk, &p, &c, None, two_terms(), &at).expect("planned");
    let end = c.end().expect("end");
    let g = |amount, valid_until| Guarantee {
        issuer: "Bank Jatim".into(),
        number: "JUM-7".into(),
        amount,
        valid_until,
    };
    // 30 % of 730,000,000 = 219,000,000 at most; the guarantee covers the whole advance, through
    // the planned end.
    let pay = |who: &Actor, amount, guarantee| {
        pay_advance(who, &p, &e, end, &t.w.rules, amount, guarantee, "SP2D-UM-1", &at)
    };
    assert_eq!(
        code(pay(&ppk, 219_000_001, g(219_000_001, end))),
        "advance-over-limit"
    );
    assert_eq!(
        code(pay(&ppk, 100_000_000, g(99_999_999, end))),
        "advance-guarantee-too-small"
    );
    assert_eq!(
        code(pay(
            &ppk,
            100_000_000,
            g(100_000_000, end - time::Duration::days(1))
        )),
        "advance-guarantee-expires"
    );
    assert!(matches!(
        pay(&v, 100_000_000, g(100_000_000, end)),
        Err(CommandError::Denied(_))
    ));
    let (e, change) = pay(&ppk, 100_000_000, g(100_000_000, end)).expect("advanced");
    assert_eq!(change.events[0].event_type, "advance_paid");
    assert_eq!(
        code(pay_advance(
            &ppk,
            &p,
            &e,
            end,
            &t.w.rules,
            1_000,
            g(1_000, end),
            "SP2D-UM-2",
            &at
        )),
        "advance-paid-already"
    );

    // Construction: 5 % of the value, after the handover, by the company.
    let (e, _) = report(&v, &e, 1, 100, "Selesai", &at).expect("r");
    let (e, _) = accept(&ppk, &p, &e, 1, "BA-1", &at).expect("a");
    let (e, _) = report(&v, &e, 2, 100, "Selesai", &at).expect("r");
    let (e, _) = accept(&ppk, &p, &e, 2, "BA-2", &at).expect("a");
    let valid = date!(2027 - 12 - 31);
    assert_eq!(
        code(give_maintenance_guarantee(
            &v,
            &p,
            &e,
            &t.w.rules,
            g(36_500_000, valid),
            &at
        )),
        "contract-running"
    );
    let (e, _) = hand_over(&ppk, &p, &e, "BAST-1", &at).expect("handed over");
    assert_eq!(
        maintenance_guarantee_required(&p, &e, &t.w.rules),
        Some(36_500_000)
    );
    assert!(matches!(
        give_maintenance_guarantee(&ppk, &p, &e, &t.w.rules, g(36_500_000, valid), &at),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(
        code(give_maintenance_guarantee(
            &v,
            &p,
            &e,
            &t.w.rules,
            g(36_499_999, valid),
            &at
        )),
        "maintenance-guarantee-too-small"
    );
    let (e, change) =
        give_maintenance_guarantee(&v, &p, &e, &t.w.rules, g(36_500_000, valid), &at).expect("given");
    assert_eq!(change.events[0].event_type, "maintenance_guarantee_given");
    assert_eq!(
        code(give_maintenance_guarantee(
            &v,
            &p,
            &e,
            &t.w.rules,
            g(36_500_000, valid),
            &at
        )),
        "maintenance-guarantee-given"
    );
    // Goods owe none.
    let mut goods = p.clone();
    goods.category = crate::rules::Category::Goods;
    assert_eq!(maintenance_guarantee_required(&goods, &e, &t.w.rules), None);
}
