//! Appeal scenarios on the award the evaluation's tests reach, after a rejected objection:
//! rejected with the guarantee forfeited, upheld with the evaluation reopened, and every refusal.

use super::*;
use crate::calendar::WorkingCalendar;
use crate::evaluation::tests::{T, refused as code, three_awarded};
use crate::fixtures::cx;
use crate::model::TimeZone;
use crate::objection::{Answer, window_of};
use crate::policy::UserActor;
use crate::role::Role;

fn user(role: Role, t: &T, unit: Option<crate::ids::WorkUnitId>, vendor: Option<VendorId>) -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "x".into(),
        role,
        tenant_id: vendor.is_none().then_some(t.w.tenant),
        work_unit_id: unit,
        vendor_id: vendor,
    })
}

/// A wins (730,000,000); B objected and was rejected a day after the objection period.
fn rejected_objection() -> (T, Window, Objection) {
    let t = three_awarded();
    let w = window_of(&t.e, &t.w.rules, TimeZone::Wib, &WorkingCalendar::default()).expect("announced");
    let o = Objection {
        id: ObjectionId::new(),
        package_id: t.e.package_id,
        tenant_id: t.e.tenant_id,
        vendor_id: t.e.bids[1].vendor_id,
        text: "Harga pemenang tidak wajar.".into(),
        filed_at: w.opens + Duration::hours(1),
        answer: Some(Answer {
            upheld: false,
            reason: "Harga sudah diklarifikasi.".into(),
            by: t.w.pokja.members[0],
            at: w.closes + Duration::days(1),
            late: false,
        }),
        evidence: vec![],
    };
    (t, w, o)
}

fn filing<'a>(
    t: &'a T,
    w: &'a Window,
    objections: &'a [Objection],
    package: &'a Package,
    appeals: &'a [Appeal],
) -> Filing<'a> {
    Filing {
        package,
        evaluation: &t.e,
        window: w,
        objections,
        appeals,
        rules: &t.w.rules,
    }
}

/// 1 % of the fixtures' HPS (900,000,000) is 9,000,000.
fn guarantee(amount: Rupiah, valid_until: Date) -> Guarantee {
    Guarantee {
        issuer: "Bank Jatim Cabang Banyuwangi".into(),
        number: "JSB-2026-0042".into(),
        amount,
        valid_until,
    }
}

#[test]
fn a_rejected_objection_is_appealed_in_time_with_its_guarantee_and_a_rejection_forfeits_it() {
    let (t, w, o) = rejected_objection();
    let answered = o.answer.as_ref().expect("answered").at;
    let during = cx(answered + Duration::days(2));
    let valid = (answered + Duration::days(30)).date();
    let b = t.e.bids[1].vendor_id;
    let objections = [o.clone()];
    let reasons = "Jawaban pokja tidak menanggapi pokok sanggah kami tentang harga satuan.";
    let vendor = user(Role::Vendor, &t, None, Some(b));
    let goods = Package {
        category: Category::Goods,
        ..t.w.package.clone()
    };
    assert_eq!(
        code(file(
            &vendor,
            b,
            filing(&t, &w, &objections, &goods, &[]),
            reasons,
            guarantee(9_000_000, valid),
            &during
        )),
        "appeal-not-allowed",
        "construction works only"
    );
    let c = t.e.bids[2].vendor_id;
    assert_eq!(
        code(file(
            &user(Role::Vendor, &t, None, Some(c)),
            c,
            filing(&t, &w, &objections, &t.w.package, &[]),
            reasons,
            guarantee(9_000_000, valid),
            &during
        )),
        "appeal-needs-objection"
    );
    assert_eq!(
        code(file(
            &vendor,
            b,
            filing(&t, &w, &objections, &t.w.package, &[]),
            reasons,
            guarantee(9_000_000, valid),
            &cx(answered + Duration::days(5))
        )),
        "appeal-period-closed",
        "5 calendar days after the answer"
    );
    assert_eq!(
        code(file(
            &vendor,
            b,
            filing(&t, &w, &objections, &t.w.package, &[]),
            reasons,
            guarantee(8_999_999, valid),
            &during
        )),
        "appeal-guarantee-too-small",
        "1 % of HPS is 9,000,000"
    );
    assert_eq!(
        code(file(
            &vendor,
            b,
            filing(&t, &w, &objections, &t.w.package, &[]),
            reasons,
            guarantee(9_000_000, (answered + Duration::days(10)).date()),
            &during
        )),
        "appeal-guarantee-expires",
        "valid until the appeal is answered (14 days)"
    );
    let (ap, change) = file(
        &vendor,
        b,
        filing(&t, &w, &objections, &t.w.package, &[]),
        reasons,
        guarantee(9_000_000, valid),
        &during,
    )
    .expect("filed");
    assert_eq!(change.events[0].event_type, "appeal_filed");
    assert_eq!(
        code(file(
            &vendor,
            b,
            filing(&t, &w, &objections, &t.w.package, std::slice::from_ref(&ap)),
            reasons,
            guarantee(9_000_000, valid),
            &during
        )),
        "appeal-exists"
    );

    // The budget holder of the work unit answers, nobody else.
    let later = cx(answered + Duration::days(9));
    let why = "Jawaban pokja sudah sesuai dokumen pemilihan dan hasil klarifikasi.";
    for who in [
        t.m(0),
        user(Role::BudgetHolder, &t, Some(crate::ids::WorkUnitId::new()), None),
        user(Role::CommitmentOfficer, &t, Some(t.w.package.work_unit_id), None),
    ] {
        assert!(matches!(
            answer(&who, &ap, &t.w.package, &t.e, &t.w.rules, false, why, &later),
            Err(CommandError::Denied(_))
        ));
    }
    let pa = user(Role::BudgetHolder, &t, Some(t.w.package.work_unit_id), None);
    let (answered_ap, change) =
        answer(&pa, &ap, &t.w.package, &t.e, &t.w.rules, false, why, &later).expect("rejected");
    assert!(answered_ap.forfeited());
    assert_eq!(change.events.len(), 1, "a rejection changes nothing else");
    assert_eq!(
        code(answer(
            &pa,
            &answered_ap,
            &t.w.package,
            &t.e,
            &t.w.rules,
            true,
            why,
            &later
        )),
        "appeal-answered-already"
    );

    // Upheld instead: the evaluation reopens and the guarantee is returned.
    let (upheld, change) =
        answer(&pa, &ap, &t.w.package, &t.e, &t.w.rules, true, why, &later).expect("upheld");
    assert!(!upheld.forfeited());
    let types: Vec<&str> = change.events.iter().map(|e| e.event_type).collect();
    assert_eq!(types, ["appeal_answered", "evaluation_restarted"]);

    // While the appeal is open, the letter of award waits.
    let open = [ap.clone()];
    let r = crate::award_letter::issue(
        &t.w.ppk,
        crate::award_letter::Issue {
            package: &t.w.package,
            evaluation: &t.e,
            window: &w,
            objections: &objections,
            appeals: &open,
            letters: None,
            rules: &t.w.rules,
        },
        "027/SPPBJ/DPU/2026",
        &cx(answered + Duration::days(30)),
    );
    assert_eq!(code(r), "appeal-unanswered");
}
