//! The dashboard's figures over the ledger's rows: pure arithmetic, each figure defined where it
//! is computed, so a test can compute it again by hand.

use super::flags::{FlagKind, Thresholds, flags_with};
use super::{Ledger, Outcome, Stage, TenderFacts, View, local_day};
use crate::ids::{TenantId, UserId, WorkUnitId};
use crate::rules::{Category, Method, Rupiah, StageKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, UtcOffset};

/// Which tenders the figures count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// The budget year (from the plan item).
    pub year: Option<i32>,
    /// One work unit.
    pub work_unit: Option<WorkUnitId>,
    /// One category.
    pub category: Option<Category>,
    /// One method.
    pub method: Option<Method>,
}

impl Filter {
    /// Whether a tender is counted.
    pub fn admits(&self, t: &TenderFacts) -> bool {
        self.year.is_none_or(|y| t.fiscal_year == y)
            && self.work_unit.is_none_or(|w| t.work_unit_id == w)
            && self.category.is_none_or(|c| t.category == c)
            && self.method.is_none_or(|m| t.method == m)
    }
}

/// A count under a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count<K> {
    /// What is counted.
    pub key: K,
    /// How many.
    pub count: u32,
}

/// Savings of the awarded tenders: what the winners' corrected prices leave of the HPS and pagu.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Savings {
    /// Tenders with an announced winner (contracted ones included).
    pub tenders: u32,
    /// Their HPS, summed.
    pub owner_estimate: Rupiah,
    /// Their pagu, summed.
    pub budget_ceiling: Rupiah,
    /// The winners' corrected prices, summed.
    pub awarded: Rupiah,
    /// HPS − awarded.
    pub vs_owner_estimate: Rupiah,
    /// Pagu − awarded.
    pub vs_budget_ceiling: Rupiah,
    /// (HPS − awarded) ÷ HPS, per mille, rounded down.
    pub vs_owner_estimate_permille: Option<i64>,
    /// (Pagu − awarded) ÷ pagu, per mille, rounded down.
    pub vs_budget_ceiling_permille: Option<i64>,
}

/// Bids per tender, over the tenders whose submission closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bidders {
    /// Tenders whose submission closed.
    pub tenders: u32,
    /// Bids committed in them (withdrawn ones not counted).
    pub bids: u32,
    /// Bids ÷ tenders, in tenths, rounded down (23 = 2.3 bids a tender).
    pub mean_tenths: Option<u32>,
    /// Tenders with no bid, one, two, three to five, six or more.
    pub distribution: [u32; 5],
}

/// A phase of a tender's life whose length is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// From the package's preparation to the announcement (no schedule plans it).
    Preparation,
    /// From the announcement to the submission deadline.
    Bidding,
    /// From the deadline to the winner's announcement (or the failure).
    Evaluation,
    /// From the winner's announcement to the contract signed by both sides.
    Contracting,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 4] = [
        Phase::Preparation,
        Phase::Bidding,
        Phase::Evaluation,
        Phase::Contracting,
    ];

    /// Its stable code.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Preparation => "preparation",
            Phase::Bidding => "bidding",
            Phase::Evaluation => "evaluation",
            Phase::Contracting => "contracting",
        }
    }
}

/// How long a phase took, in calendar days of the regency, against the schedule as first set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cycle {
    /// The phase.
    pub phase: Phase,
    /// Tenders that went through it.
    pub tenders: u32,
    /// The median of their lengths (of an even count, the lower middle).
    pub median_days: Option<i64>,
    /// The median of their planned lengths, where the schedule plans the phase.
    pub planned_median_days: Option<i64>,
    /// Tenders that took longer than planned.
    pub late: u32,
}

/// Decisions (award or failure) on or before the schedule's day for the winner's announcement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnTime {
    /// Tenders decided, with a planned day.
    pub decided: u32,
    /// Of them, decided by their planned day.
    pub on_time: u32,
    /// On time ÷ decided, per mille, rounded down.
    pub permille: Option<u32>,
}

/// Objections and appeals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objections {
    /// Tenders with at least one objection.
    pub tenders: u32,
    /// Objections filed.
    pub filed: u32,
    /// Objections upheld.
    pub upheld: u32,
    /// Appeals filed.
    pub appeals: u32,
}

/// A pokja member's load: tenders assigned and not decided yet (the unit's view only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    /// The member.
    pub member: UserId,
    /// Tenders in preparation, announced or in evaluation.
    pub active: u32,
    /// Their HPS, summed.
    pub owner_estimate: Rupiah,
}

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// For whom.
    pub view: View,
    /// What was counted.
    pub filter: Filter,
    /// Tenders counted.
    pub tenders: u32,
    /// Their HPS, summed.
    pub owner_estimate: Rupiah,
    /// By stage, every stage listed.
    pub by_stage: Vec<Count<Stage>>,
    /// Savings against HPS and pagu.
    pub savings: Savings,
    /// Bids per tender.
    pub bidders: Bidders,
    /// Cycle time per phase.
    pub cycle: Vec<Cycle>,
    /// On-time decisions.
    pub on_time: OnTime,
    /// Failed tenders by ground (Perpres 16/2018 Pasal 51).
    pub failed: Vec<Count<String>>,
    /// Cancelled tenders by ground.
    pub cancelled: Vec<Count<String>>,
    /// Objections and appeals.
    pub objections: Objections,
    /// Tenders raising each red flag (as far as the view may see).
    pub flags: Vec<Count<FlagKind>>,
    /// Pokja members' load, busiest first (the unit's view; empty in the public one).
    pub pokja_load: Vec<Load>,
}

/// The lower middle of the sorted values.
pub(crate) fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    v.get((v.len() - 1) / 2).copied()
}

fn days(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

fn per_mille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part.saturating_mul(1000) / whole)
}

fn counts<K: Ord + Clone>(keys: impl Iterator<Item = K>) -> Vec<Count<K>> {
    let mut m: BTreeMap<K, u32> = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    m.into_iter().map(|(key, count)| Count { key, count }).collect()
}

/// A phase's actual and planned length for one tender, where it went through the phase.
fn phase_days(t: &TenderFacts, phase: Phase, zone: UtcOffset) -> Option<(i64, Option<i64>)> {
    let day = |at: OffsetDateTime| local_day(at, zone);
    let decided = t.outcome.as_ref().map(Outcome::at);
    match phase {
        Phase::Preparation => Some((days(day(t.created_at), day(t.announced_at?)), None)),
        Phase::Bidding => {
            t.closed_at?;
            let actual = days(day(t.announced_at?), day(t.deadline?));
            let planned = t.planned.first().zip(t.planned_end(StageKind::Submission));
            Some((actual, planned.map(|(s, end)| days(s.first_day, end))))
        }
        Phase::Evaluation => {
            let actual = days(day(t.deadline?), day(decided?));
            let planned = t
                .planned_end(StageKind::Submission)
                .zip(t.planned_end(StageKind::AwardAnnouncement));
            Some((actual, planned.map(|(a, b)| days(a, b))))
        }
        Phase::Contracting => {
            let awarded = match &t.outcome {
                Some(Outcome::Awarded { at, .. }) => *at,
                _ => return None,
            };
            let actual = days(day(awarded), day(t.contract_signed_at?));
            let planned = t
                .planned_end(StageKind::AwardAnnouncement)
                .zip(t.planned_end(StageKind::AwardLetter));
            Some((actual, planned.map(|(a, b)| days(a, b))))
        }
    }
}

/// The figures of one regency's tenders that `filter` admits, as `view` may see them;
/// `thresholds` gives each rule set's red-flag thresholds.
pub fn figures(
    ledger: &Ledger,
    tenant: TenantId,
    filter: Filter,
    view: View,
    thresholds: &dyn Fn(&str) -> Thresholds,
) -> Figures {
    let zone = ledger.zone(tenant);
    let rows: Vec<&TenderFacts> = ledger
        .tenders()
        .filter(|t| t.tenant_id == tenant && filter.admits(t))
        .collect();

    let stage_counts = counts(rows.iter().map(|t| t.stage()));
    let by_stage = Stage::ALL
        .iter()
        .map(|s| Count {
            key: *s,
            count: stage_counts.iter().find(|c| c.key == *s).map_or(0, |c| c.count),
        })
        .collect();

    let mut savings = Savings::default();
    for t in &rows {
        if let Some(price) = t.award_value() {
            savings.tenders += 1;
            savings.owner_estimate += t.owner_estimate;
            savings.budget_ceiling += t.budget_ceiling;
            savings.awarded += price;
        }
    }
    savings.vs_owner_estimate = savings.owner_estimate - savings.awarded;
    savings.vs_budget_ceiling = savings.budget_ceiling - savings.awarded;
    savings.vs_owner_estimate_permille = per_mille(savings.vs_owner_estimate, savings.owner_estimate);
    savings.vs_budget_ceiling_permille = per_mille(savings.vs_budget_ceiling, savings.budget_ceiling);

    let mut bidders = Bidders::default();
    for t in rows.iter().filter(|t| t.closed_at.is_some()) {
        let n = u32::try_from(t.bids.len()).unwrap_or(u32::MAX);
        bidders.tenders += 1;
        bidders.bids = bidders.bids.saturating_add(n);
        let slot = match n {
            0 => 0,
            1 => 1,
            2 => 2,
            3..=5 => 3,
            _ => 4,
        };
        bidders.distribution[slot] += 1;
    }
    bidders.mean_tenths = (bidders.tenders > 0).then(|| bidders.bids.saturating_mul(10) / bidders.tenders);

    let cycle = Phase::ALL
        .iter()
        .map(|&phase| {
            let measured: Vec<(i64, Option<i64>)> =
                rows.iter().filter_map(|t| phase_days(t, phase, zone)).collect();
            Cycle {
                phase,
                tenders: u32::try_from(measured.len()).unwrap_or(u32::MAX),
                median_days: median(measured.iter().map(|m| m.0).collect()),
                planned_median_days: median(measured.iter().filter_map(|m| m.1).collect()),
                late: u32::try_from(
                    measured
                        .iter()
                        .filter(|(actual, planned)| planned.is_some_and(|p| *actual > p))
                        .count(),
                )
                .unwrap_or(u32::MAX),
            }
        })
        .collect();

    let mut on_time = OnTime::default();
    for t in rows.iter().filter(|t| t.cancelled.is_none()) {
        if let (Some(o), Some(planned)) = (&t.outcome, t.planned_end(StageKind::AwardAnnouncement)) {
            on_time.decided += 1;
            on_time.on_time += u32::from(local_day(o.at(), zone) <= planned);
        }
    }
    on_time.permille =
        per_mille(i64::from(on_time.on_time), i64::from(on_time.decided)).and_then(|p| u32::try_from(p).ok());

    let failed = counts(
        rows.iter()
            .filter(|t| t.cancelled.is_none())
            .filter_map(|t| match &t.outcome {
                Some(Outcome::Failed { reason, .. }) => Some(crate::rules::code(reason)),
                _ => None,
            }),
    );
    let cancelled = counts(
        rows.iter()
            .filter_map(|t| t.cancelled.as_ref().map(|c| c.1.clone())),
    );

    let mut objections = Objections::default();
    for t in &rows {
        objections.tenders += u32::from(t.objections > 0);
        objections.filed += t.objections;
        objections.upheld += t.objections_upheld;
        objections.appeals += t.appeals;
    }

    let rotations = ledger.rotations(tenant);
    let flag_counts = counts(rows.iter().flat_map(|t| {
        let rotation = rotations.get(&t.package_id).copied();
        flags_with(ledger, t, view, &thresholds(&t.rule_set), rotation)
            .into_iter()
            .map(|f| f.kind)
    }));
    let flags = FlagKind::ALL
        .iter()
        .filter(|k| view == View::Unit || k.public())
        .map(|k| Count {
            key: *k,
            count: flag_counts.iter().find(|c| c.key == *k).map_or(0, |c| c.count),
        })
        .collect();

    let mut pokja_load = Vec::new();
    if view == View::Unit {
        let mut m: BTreeMap<UserId, (u32, Rupiah)> = BTreeMap::new();
        for t in rows.iter().filter(|t| {
            matches!(
                t.stage(),
                Stage::Preparation | Stage::Announced | Stage::Evaluation
            )
        }) {
            for member in &t.pokja {
                let e = m.entry(*member).or_default();
                e.0 += 1;
                e.1 += t.owner_estimate;
            }
        }
        pokja_load = m
            .into_iter()
            .map(|(member, (active, owner_estimate))| Load {
                member,
                active,
                owner_estimate,
            })
            .collect();
        pokja_load.sort_by(|a, b| {
            b.active
                .cmp(&a.active)
                .then(b.owner_estimate.cmp(&a.owner_estimate))
        });
    }

    Figures {
        view,
        filter,
        tenders: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        owner_estimate: rows.iter().map(|t| t.owner_estimate).sum(),
        by_stage,
        savings,
        bidders,
        cycle,
        on_time,
        failed,
        cancelled,
        objections,
        flags,
        pokja_load,
    }
}
