//! The company's rating at the end of a contract, on SIKaP's four aspects, and its record over
//! its rated contracts.

use super::{Event, Execution, Mutation, ppk, put};
use crate::command::{Change, CommandError, acting, event, invalid};
use crate::fresh::Cx;
use crate::package::Package;
use crate::policy::Actor;
use crate::rules::RuleSet;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The highest mark of one aspect of the rating (0 poor, 1 fair, 2 good, 3 very good).
pub const MAX_MARK: u8 = 3;

/// The marks of the four aspects, each 0 (poor) to [`MAX_MARK`] (very good).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marks {
    /// Quality and quantity of the work.
    pub quality: u8,
    /// Cost.
    pub cost: u8,
    /// Time.
    pub time: u8,
    /// Service.
    pub service: u8,
}

/// The company's rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// The marks.
    pub marks: Marks,
    /// Their weighted mean on a 0–100 scale.
    pub score: u32,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Marks {
    /// The weighted mean on a 0–100 scale, rounded half up, under the rule set's weights.
    pub fn score(self, rules: &RuleSet) -> u32 {
        let c = &rules.contract;
        let parts = [
            (self.quality, c.rating_quality_weight.value),
            (self.cost, c.rating_cost_weight.value),
            (self.time, c.rating_time_weight.value),
            (self.service, c.rating_service_weight.value),
        ];
        let weights: i64 = parts.iter().map(|(_, w)| (*w).max(0)).sum();
        if weights == 0 {
            return 0;
        }
        let sum: i64 = parts.iter().map(|(m, w)| i64::from(*m) * (*w).max(0)).sum();
        let denominator = weights * i64::from(MAX_MARK);
        ((sum * 100 * 2 + denominator) / (denominator * 2)) as u32
    }
}

/// Whether `actor` may rate the company: the work ended, not rated yet.
pub fn may_rate(actor: &Actor, p: &Package, e: &Execution) -> Result<(), CommandError> {
    ppk(actor, p)?;
    if !e.ended() {
        return Err(invalid("package_id", "contract-running"));
    }
    if e.rating.is_some() {
        return Err(invalid("package_id", "rated-already"));
    }
    Ok(())
}

/// The PPK rates the company once the work ended.
pub fn rate(
    actor: &Actor,
    p: &Package,
    e: &Execution,
    rules: &RuleSet,
    marks: Marks,
    cx: &Cx<'_>,
) -> Result<(Execution, Change<Mutation>), CommandError> {
    may_rate(actor, p, e)?;
    let a = acting(actor)?;
    if [marks.quality, marks.cost, marks.time, marks.service]
        .iter()
        .any(|m| *m > MAX_MARK)
    {
        return Err(invalid("marks", "invalid-mark"));
    }
    let score = marks.score(rules);
    let mut x = e.next();
    x.rating = Some(Rating {
        marks,
        score,
        at: cx.now,
    });
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::VendorRated {
            package_id: e.package_id,
            vendor_id: e.vendor_id,
            marks,
            score,
        },
    )?;
    Ok(put(x, Some(e.version), ev))
}

/// A company's record over its finished contracts: how many were rated and their mean score.
pub fn record(executions: &[Execution]) -> Option<(usize, u32)> {
    let scores: Vec<u32> = executions
        .iter()
        .filter_map(|e| e.rating.as_ref().map(|r| r.score))
        .collect();
    if scores.is_empty() {
        return None;
    }
    let n = scores.len() as u32;
    Some((scores.len(), (scores.iter().sum::<u32>() + n / 2) / n))
}
