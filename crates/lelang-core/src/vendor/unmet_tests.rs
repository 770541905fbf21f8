//! A company's profile checked against a tender's qualification requirements.

use super::*;
use time::macros::date;

fn profile() -> VendorProfile {
    VendorProfile {
        npwp: "01.234.567.8-627.000".into(),
        address: "Banyuwangi".into(),
        licences: vec![
            Licence {
                kind: "NIB/OSS".into(),
                number: "1".into(),
                kbli: vec!["42101".into()],
                valid_until: None,
            },
            Licence {
                kind: "SBU".into(),
                number: "2".into(),
                kbli: vec![],
                valid_until: Some(date!(2026 - 06 - 30)),
            },
        ],
        experience: vec![Experience {
            project: "Jalan desa".into(),
            client: "Dinas PU".into(),
            year: 2023,
            value: 1_250_000_000,
        }],
        personnel: vec![Person {
            name: "x".into(),
            position: "Manajer".into(),
            certificate: Some("SKK".into()),
        }],
        equipment: vec![Equipment {
            name: "Excavator 0,8 m3".into(),
            quantity: 2,
            owned: true,
        }],
        tax: TaxStatus {
            pkp: true,
            last_return_year: Some(2025),
        },
    }
}

#[test]
fn a_profile_is_checked_requirement_by_requirement() {
    let today = date!(2026 - 11 - 02);
    let r = Requirements {
        kbli: vec!["42101".into(), "42911".into()],
        sbu: true,
        min_experience_value: Some(1_000_000_000),
        experience_years: 4,
        key_personnel: 2,
        equipment: vec!["excavator".into(), "Vibro roller".into()],
        tax: true,
        min_performance_score: Some(70),
    };
    // The SBU expired in June; one certified person of two; no vibro roller.
    assert_eq!(
        unmet(&r, Some(&profile()), Some((2, 70)), today),
        vec![
            Unmet::Sbu,
            Unmet::Personnel,
            Unmet::Equipment("Vibro roller".into())
        ]
    );
    // 2023 is within four years of 2026; a contract of 2021 is not.
    let mut old = profile();
    old.experience[0].year = 2021;
    assert!(unmet(&r, Some(&old), None, today).contains(&Unmet::Experience));
    // A mean rating of 69 is under 70; a company never rated is not shut out.
    assert!(unmet(&r, Some(&profile()), Some((3, 69)), today).contains(&Unmet::Performance));
    assert!(!unmet(&r, Some(&profile()), None, today).contains(&Unmet::Performance));
    assert_eq!(
        unmet(&Requirements::default(), Some(&profile()), Some((1, 10)), today),
        vec![]
    );
    assert_eq!(
        unmet(&Requirements::default(), None, None, today),
        vec![Unmet::NoProfile]
    );
}
