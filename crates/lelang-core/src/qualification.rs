//! A tender's qualification requirements, declared by its pokja before the announcement; their
//! check against a company's profile is [`crate::vendor::unmet`], beside the profile.

use crate::rules::Rupiah;
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
    /// A mean performance rating (0–100) of at least this over the company's rated contracts
    /// ([`crate::execution::record`]); a company never rated meets it, so that a newcomer is
    /// not shut out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_performance_score: Option<u32>,
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
            || self.min_performance_score.is_some_and(|s| s > 100)
        {
            return Err("out-of-range");
        }
        Ok(Requirements { equipment, ..self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
