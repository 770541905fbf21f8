//! A tender's qualification requirements, declared by its pokja before the announcement, and
//! their check against a company's qualification profile: what the pokja sees beside each bid at
//! the qualification step. The check informs; the pokja's finding decides (a profile may be out of
//! date, and the proof of qualification looks at the originals).

use crate::rules::Rupiah;
use crate::vendor::VendorProfile;
use serde::{Deserialize, Serialize};

/// What a bidder must have. Empty: no requirement beyond a verified profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// A licence carrying one of these KBLI codes (5 digits).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kbli: Vec<String>,
    /// A valid SBU (business entity certificate), for construction.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sbu: bool,
    /// One completed contract of at least this value…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_experience_value: Option<Rupiah>,
    /// …within this many years (0: any year).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub experience_years: u32,
    /// At least this many key personnel with a certificate.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub key_personnel: u32,
    /// Equipment the bidder must have (owned or rented), by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equipment: Vec<String>,
    /// Registered for VAT (PKP), with last year's annual tax return filed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tax: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The most KBLI codes or equipment items a tender may require.
pub const MAX_ITEMS: usize = 20;

impl Requirements {
    /// Whether nothing is required.
    pub fn is_empty(&self) -> bool {
        *self == Requirements::default()
    }

    /// Checks the requirements as entered: KBLI codes of five digits, names of equipment as
    /// clean lines, counts within reason. The error names the field.
    pub fn valid(self) -> Result<Requirements, &'static str> {
        if self.kbli.len() > MAX_ITEMS || self.equipment.len() > MAX_ITEMS {
            return Err("too-many");
        }
        if !self
            .kbli
            .iter()
            .all(|k| k.len() == 5 && k.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("kbli");
        }
        let equipment: Vec<String> = self.equipment.iter().map(|e| e.trim().to_owned()).collect();
        if equipment
            .iter()
            .any(|e| !(2..=100).contains(&e.chars().count()) || !crate::text::is_clean_line(e))
        {
            return Err("equipment");
        }
        if self.min_experience_value.is_some_and(|v| v <= 0)
            || self.experience_years > 50
            || self.key_personnel > 100
        {
            return Err("out-of-range");
        }
        Ok(Requirements { equipment, ..self })
    }
}

/// A requirement a profile does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "unmet", rename_all = "snake_case")]
pub enum Unmet {
    /// The company has no qualification profile.
    NoProfile,
    /// No licence with a required KBLI code.
    Kbli,
    /// No valid SBU.
    Sbu,
    /// No completed contract of the value, in the years.
    Experience,
    /// Too few certified key personnel.
    Personnel,
    /// A piece of equipment missing.
    Equipment(String),
    /// Not PKP, or last year's return not filed.
    Tax,
}

/// What of the requirements a profile does not meet on `today` (empty: all met).
pub fn check(r: &Requirements, profile: Option<&VendorProfile>, today: time::Date) -> Vec<Unmet> {
    let Some(p) = profile else {
        return vec![Unmet::NoProfile];
    };
    let valid = |l: &crate::vendor::Licence| l.valid_until.is_none_or(|d| d >= today);
    let mut out = Vec::new();
    if !r.kbli.is_empty()
        && !p
            .licences
            .iter()
            .filter(|l| valid(l))
            .any(|l| l.kbli.iter().any(|k| r.kbli.contains(k)))
    {
        out.push(Unmet::Kbli);
    }
    if r.sbu
        && !p
            .licences
            .iter()
            .any(|l| valid(l) && l.kind.to_uppercase().contains("SBU"))
    {
        out.push(Unmet::Sbu);
    }
    if let Some(min) = r.min_experience_value {
        let since = today.year() - r.experience_years as i32;
        let ok = p
            .experience
            .iter()
            .any(|e| e.value >= min && (r.experience_years == 0 || e.year >= since));
        if !ok {
            out.push(Unmet::Experience);
        }
    }
    let certified = p.personnel.iter().filter(|x| x.certificate.is_some()).count();
    if certified < r.key_personnel as usize {
        out.push(Unmet::Personnel);
    }
    for need in &r.equipment {
        let n = need.to_lowercase();
        if !p
            .equipment
            .iter()
            .any(|e| e.quantity > 0 && e.name.to_lowercase().contains(&n))
        {
            out.push(Unmet::Equipment(need.clone()));
        }
    }
    if r.tax && !(p.tax.pkp && p.tax.last_return_year.is_some_and(|y| y >= today.year() - 1)) {
        out.push(Unmet::Tax);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor::{Equipment, Experience, Licence, Person, TaxStatus};
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
        };
        // The SBU expired in June; one certified person of two; no vibro roller.
        assert_eq!(
            check(&r, Some(&profile()), today),
            vec![
                Unmet::Sbu,
                Unmet::Personnel,
                Unmet::Equipment("Vibro roller".into())
            ]
        );
        // 2023 is within four years of 2026; a contract of 2021 is not.
        let mut old = profile();
        old.experience[0].year = 2021;
        assert!(check(&r, Some(&old), today).contains(&Unmet::Experience));
        assert_eq!(check(&Requirements::default(), Some(&profile()), today), vec![]);
        assert_eq!(
            check(&Requirements::default(), None, today),
            vec![Unmet::NoProfile]
        );
    }

    #[test]
    fn requirements_are_checked_as_entered() {
        let bad = |r: Requirements| r.valid().err();
        assert_eq!(
            bad(Requirements {
                kbli: vec!["4210".into()],
                ..Default::default()
            }),
            Some("kbli")
        );
        assert_eq!(
            bad(Requirements {
                equipment: vec!["x".into()],
                ..Default::default()
            }),
            Some("equipment")
        );
        assert_eq!(
            bad(Requirements {
                min_experience_value: Some(0),
                ..Default::default()
            }),
            Some("out-of-range")
        );
        assert_eq!(
            bad(Requirements {
                kbli: vec!["42101".into(); 21],
                ..Default::default()
            }),
            Some("too-many")
        );
        assert!(Requirements::default().is_empty());
        // An empty set serializes to nothing: setups written before requirements existed compare equal.
        assert_eq!(
            serde_json::to_string(&Requirements::default()).expect("json"),
            "{}"
        );
    }
}
