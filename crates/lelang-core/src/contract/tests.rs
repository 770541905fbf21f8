//! The contract from an accepted letter of award: drafted by the PPK, the company's guarantee of
//! at least 5 % of the value, both signatures (the company first), then the work order.

use super::*;
use crate::award_letter::{Letter, Response};
use crate::evaluation::tests::{T, company, refused as code, three_awarded};
use crate::fixtures::{cx, now};
use time::macros::date;

/// A wins at 730,000,000 (81 % of HPS 900,000,000: no clarification) and accepted its letter.
fn accepted() -> (T, Letters) {
    let t = three_awarded();
    let letters = Letters {
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        letters: vec![Letter {
            bid_id: t.ids[0],
            vendor_id: t.e.bids[0].vendor_id,
            amount: 730_000_000,
            number: "027/SPPBJ/DPU/2026".into(),
            issued_at: now(),
            response: Some(Response {
                accepted: true,
                reason: None,
                at: now(),
            }),
        }],
        version: 2,
    };
    (t, letters)
}

fn guarantee(amount: Rupiah, valid_until: Date) -> Guarantee {
    Guarantee {
        issuer: "Bank Jatim Cabang Banyuwangi".into(),
        number: "JP-2026-0117".into(),
        amount,
        valid_until,
    }
}

#[test]
fn the_ppk_drafts_the_company_guarantees_both_sign_and_the_work_order_starts_the_work() {
    let (t, letters) = accepted();
    let ppk = t.w.ppk.clone();
    let at = cx(now());
    let go = |who: &Actor, letters: Option<&Letters>, existing: Option<&Contract>, days| {
        draft(
            who,
            &t.w.package,
            &t.e,
            letters,
            existing,
            &t.w.rules,
            Kind::UnitPrice,
            "027/KONTRAK/DPU/2026",
            days,
            &at,
        )
    };
    assert!(matches!(
        go(&t.m(0), Some(&letters), None, 120),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(code(go(&ppk, None, None, 120)), "no-letter-accepted");
    assert_eq!(code(go(&ppk, Some(&letters), None, 0)), "invalid-duration");
    let (c, change) = go(&ppk, Some(&letters), None, 120).expect("drafted");
    assert_eq!(change.events[0].event_type, "contract_drafted");
    assert_eq!(c.value, 730_000_000);
    // 5 % of 730,000,000 = 36,500,000.
    assert_eq!(c.guarantee_required, Some(36_500_000));
    assert_eq!(code(go(&ppk, Some(&letters), Some(&c), 120)), "contract-exists");

    // The company's guarantee: enough, valid through the work.
    let v = c.vendor_id;
    let valid = date!(2027 - 06 - 30);
    assert!(matches!(
        give_guarantee(
            &company(t.e.bids[1].vendor_id),
            &c,
            guarantee(36_500_000, valid),
            &at
        ),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(
        code(give_guarantee(&company(v), &c, guarantee(36_499_999, valid), &at)),
        "performance-guarantee-too-small"
    );
    assert_eq!(
        code(give_guarantee(
            &company(v),
            &c,
            guarantee(36_500_000, date!(2026 - 12 - 01)),
            &at
        )),
        "performance-guarantee-expires",
        "120 days from 2 November 2026 end in March 2027"
    );
    // The PPK signs last, after the guarantee; the company first.
    assert_eq!(code(sign(&ppk, &t.w.package, &c, &at)), "vendor-signs-first");
    let (vs, _) = sign(&company(v), &t.w.package, &c, &at).expect("the company signs");
    assert_eq!(code(sign(&company(v), &t.w.package, &vs, &at)), "already-signed");
    assert_eq!(
        code(sign(&ppk, &t.w.package, &vs, &at)),
        "performance-guarantee-missing"
    );
    let (g, _) = give_guarantee(&company(v), &vs, guarantee(36_500_000, valid), &at).expect("guaranteed");
    assert!(matches!(
        sign(&t.m(0), &t.w.package, &g, &at),
        Err(CommandError::Denied(_))
    ));
    assert_eq!(
        code(work_order(
            &ppk,
            &t.w.package,
            &g,
            "SPMK-1",
            date!(2026 - 11 - 09),
            &at
        )),
        "contract-not-signed"
    );
    let (signed, change) = sign(&ppk, &t.w.package, &g, &at).expect("the PPK signs");
    assert!(signed.signed());
    assert_eq!(change.events[0].event_type, "contract_signed");
    assert_eq!(
        code(give_guarantee(
            &company(v),
            &signed,
            guarantee(40_000_000, valid),
            &at
        )),
        "contract-signed-already"
    );

    // The work order: not in the past; the period follows from the duration.
    assert_eq!(
        code(work_order(
            &ppk,
            &t.w.package,
            &signed,
            "SPMK-1",
            date!(2026 - 11 - 01),
            &at
        )),
        "invalid-start"
    );
    let (started, change) = work_order(
        &ppk,
        &t.w.package,
        &signed,
        "027/SPMK/DPU/2026",
        date!(2026 - 11 - 09),
        &at,
    )
    .expect("work order");
    assert_eq!(change.events[0].event_type, "work_order_issued");
    // 120 days from 9 November 2026: the last is 8 March 2027.
    assert_eq!(started.end(), Some(date!(2027 - 03 - 08)));
    assert_eq!(
        code(work_order(
            &ppk,
            &t.w.package,
            &started,
            "SPMK-2",
            date!(2026 - 11 - 10),
            &at
        )),
        "work-order-exists"
    );
}

#[test]
fn a_contract_of_rp200_million_or_less_needs_no_performance_guarantee() {
    let (t, mut letters) = accepted();
    letters.letters[0].amount = 200_000_000;
    let (c, _) = draft(
        &t.w.ppk,
        &t.w.package,
        &t.e,
        Some(&letters),
        None,
        &t.w.rules,
        Kind::LumpSum,
        "027/KONTRAK/DPU/2026",
        60,
        &cx(now()),
    )
    .expect("drafted");
    assert_eq!(c.guarantee_required, None);
    let v = c.vendor_id;
    assert_eq!(
        code(give_guarantee(
            &company(v),
            &c,
            guarantee(10_000_000, date!(2027 - 06 - 30)),
            &cx(now())
        )),
        "guarantee-not-required"
    );
    let (vs, _) = sign(&company(v), &t.w.package, &c, &cx(now())).expect("company");
    let (signed, _) = sign(&t.w.ppk, &t.w.package, &vs, &cx(now())).expect("PPK, no guarantee needed");
    assert!(signed.signed());
}
