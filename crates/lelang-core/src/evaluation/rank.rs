//! The ranking rule of each evaluation method, and the award record it is published in. The same
//! code ranks the bids when the pokja decides and when anyone checks the published record offline
//! (`lelang verify award`), so a record whose winner, reserves, corrected prices or failure
//! reasons do not follow from its own figures is named, step by step.

use super::Step;
use crate::ids::{BidId, PackageId, VendorId};
use crate::price::{self, PriceSchedule};
use crate::rules::{EvaluationMethod, Rupiah};
use serde::{Deserialize, Serialize};

/// One bid's result, as published with the award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidResult {
    /// The bid.
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: VendorId,
    /// The position of its commitment on the log: the earlier commitment wins a tie.
    pub commit_index: u64,
    /// SHA-256 of the archive the opening decrypted (also on the log): the bidder's own copy
    /// must hash to it.
    pub plaintext_sha256: Option<String>,
    /// The price read out at the opening (none: the bid did not open).
    pub read_out: Option<Rupiah>,
    /// The price after arithmetic correction.
    pub corrected: Option<Rupiah>,
    /// Corrected life-cycle costs (life-cycle cost evaluation only; zero otherwise).
    #[serde(default)]
    pub life_cycle: Rupiah,
    /// The technical score in hundredths (0–10,000), under methods that score.
    pub technical_score: Option<u32>,
    /// Where it stands.
    pub status: BidStatus,
}

impl BidResult {
    /// The price the method compares: corrected, plus life-cycle costs where they count.
    pub fn evaluated_price(&self, method: EvaluationMethod) -> Option<Rupiah> {
        let p = self.corrected?;
        Some(if method == EvaluationMethod::UmurEkonomis {
            p.saturating_add(self.life_cycle)
        } else {
            p
        })
    }
}

/// Where a bid stands in the published result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", deny_unknown_fields)]
pub enum BidStatus {
    /// Passed every step; ranked (from 1).
    Ranked {
        /// Its position.
        rank: u32,
    },
    /// Failed at a step.
    Failed {
        /// The step.
        step: Step,
        /// Why, as the pokja decided it (a stable code or the pokja's reason).
        reason: String,
    },
    /// Not evaluated: a price-ranked method stopped before reaching it.
    NotEvaluated,
}

/// Why a whole tender failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Why a tender fails: Perpres 16/2018 Pasal 51 ayat (2) as amended by Perpres 12/2021, the
/// grounds the pokja declares (ayat (3)); KKN involving the pokja or the PPK (huruf i) is the
/// budget holder's to declare and is not among them.
pub enum FailureReason {
    /// No bid, even after an extension (huruf b).
    NoBids,
    /// No bid passed the evaluation (huruf c).
    NoValidBids,
    /// Every price above HPS (huruf g).
    AllAboveHps,
    /// Every leading bid failed qualification or its proof (huruf c: none passed).
    AllFailQualification,
    /// Every bidder involved in corruption, collusion or nepotism (huruf e).
    Collusion,
    /// An error in the evaluation (huruf a): followed by a re-evaluation.
    EvaluationError,
    /// An error in the tender documents, or documents against the regulation (huruf d).
    DocumentError,
    /// Every bidder in unfair competition (huruf f).
    UnfairCompetition,
    /// The cost negotiation of a selection failed (huruf h).
    NegotiationFailed,
}

/// The machine-readable result published with the winner announcement (or the failure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRecord {
    /// The tender.
    pub package_id: PackageId,
    /// The rule set it ran under.
    pub rule_set: String,
    /// The evaluation method.
    pub method: EvaluationMethod,
    /// HPS.
    pub owner_estimate: Rupiah,
    /// Pagu.
    pub budget_ceiling: Rupiah,
    /// The technical weight, per mille, where the method weighs technical against price.
    pub technical_weight_permille: Option<u32>,
    /// Under this share of HPS (per mille) a price needed a clarification of its reasonableness.
    pub reasonable_price_permille: u32,
    /// The ranking rule applied, in words.
    pub ranking_rule: String,
    /// Every bid, in commitment order.
    pub bids: Vec<BidResult>,
    /// The winner.
    pub winner: Option<BidId>,
    /// The reserves, first then second.
    pub reserves: Vec<BidId>,
    /// Why the tender failed, if it did.
    pub failure: Option<FailureReason>,
}

/// The ranking rule of a method, in words (published with the record).
pub fn ranking_rule(method: EvaluationMethod) -> &'static str {
    match method {
        EvaluationMethod::SistemGugur | EvaluationMethod::BiayaTerendah => {
            "lowest corrected price among the bids that passed every step; tie: higher technical score, then earlier commitment"
        }
        EvaluationMethod::UmurEkonomis => {
            "lowest corrected price plus corrected life-cycle cost; tie: earlier commitment"
        }
        EvaluationMethod::SistemNilai | EvaluationMethod::KualitasBiaya => {
            "highest combined score: technical score × technical weight + (lowest price ÷ price × 100) × price weight; tie: lower price, then earlier commitment"
        }
        EvaluationMethod::Kualitas => "highest technical score; tie: lower price, then earlier commitment",
        EvaluationMethod::PaguAnggaran => {
            "highest technical score among prices within the budget ceiling; tie: lower price, then earlier commitment"
        }
    }
}

/// The bids that passed every step, best first, by the method's rule.
pub fn rank<'a>(
    method: EvaluationMethod,
    technical_weight_permille: Option<u32>,
    passed: &[&'a BidResult],
) -> Vec<&'a BidResult> {
    let mut v: Vec<&BidResult> = passed.to_vec();
    let price = |b: &BidResult| b.evaluated_price(method).unwrap_or(Rupiah::MAX);
    let tech = |b: &BidResult| b.technical_score.unwrap_or(0);
    let earlier = |a: &BidResult, b: &BidResult| a.commit_index.cmp(&b.commit_index);
    match method {
        EvaluationMethod::SistemGugur | EvaluationMethod::BiayaTerendah => v.sort_by(|a, b| {
            price(a)
                .cmp(&price(b))
                .then_with(|| tech(b).cmp(&tech(a)))
                .then_with(|| earlier(a, b))
        }),
        EvaluationMethod::UmurEkonomis => {
            v.sort_by(|a, b| price(a).cmp(&price(b)).then_with(|| earlier(a, b)))
        }
        EvaluationMethod::SistemNilai | EvaluationMethod::KualitasBiaya => {
            let lowest = v.iter().map(|b| price(b)).min().unwrap_or(0);
            let w = i128::from(technical_weight_permille.unwrap_or(0).min(1000));
            let combined = |b: &BidResult| combined_score(lowest, price(b), tech(b), w);
            v.sort_by(|a, b| {
                combined(b)
                    .cmp(&combined(a))
                    .then_with(|| price(a).cmp(&price(b)))
                    .then_with(|| earlier(a, b))
            })
        }
        EvaluationMethod::Kualitas | EvaluationMethod::PaguAnggaran => v.sort_by(|a, b| {
            tech(b)
                .cmp(&tech(a))
                .then_with(|| price(a).cmp(&price(b)))
                .then_with(|| earlier(a, b))
        }),
    }
    v
}

/// Technical score × weight + price score × (1000 − weight), where the price score in
/// hundredths is lowest × 10,000 ÷ price (rounded down): exact integers, no floating point.
pub fn combined_score(lowest: Rupiah, price: Rupiah, technical: u32, weight_permille: i128) -> i128 {
    let price_score = if price > 0 {
        i128::from(lowest) * 10_000 / i128::from(price)
    } else {
        0
    };
    i128::from(technical) * weight_permille + price_score * (1000 - weight_permille)
}

/// A step of the published record that does not follow from its own figures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Discrepancy {
    /// A ranked bid's position differs from the ranking rule's.
    #[error("bid {bid}: published rank {published}, the ranking rule gives {computed}")]
    Rank {
        /// The bid.
        bid: BidId,
        /// As published.
        published: u32,
        /// As computed.
        computed: u32,
    },
    /// The winner or the reserves differ from the ranking.
    #[error("winner and reserves: published {published:?}, the ranking gives {computed:?}")]
    Award {
        /// As published.
        published: Vec<BidId>,
        /// As computed.
        computed: Vec<BidId>,
    },
    /// A ranked bid is above HPS (or the budget ceiling where that is the limit).
    #[error("bid {0}: ranked with a corrected price above the limit")]
    AboveLimit(BidId),
    /// A bid failed for being above HPS while its corrected price is not.
    #[error("bid {0}: failed as above HPS, but its corrected price is not")]
    FalseAboveHps(BidId),
    /// A failure reason its own figures contradict.
    #[error("bid {bid}: failed as {reason}, which its figures contradict")]
    Reason {
        /// The bid.
        bid: BidId,
        /// The published reason.
        reason: String,
    },
    /// A bid above the limit that is not failed for it.
    #[error("bid {0}: its corrected price is above the limit, but it did not fail for it")]
    NotFailedAboveLimit(BidId),
    /// A ranked bid has no corrected price.
    #[error("bid {0}: ranked without a corrected price")]
    Unpriced(BidId),
    /// A price-ranked method skipped a cheaper bid.
    #[error("bid {0}: not evaluated although cheaper than a ranked bid")]
    Skipped(BidId),
    /// A winner was named in a failed tender, or none in an awarded one.
    #[error("the record names a winner and a failure, or neither")]
    Outcome,
    /// A failure reason that the figures contradict.
    #[error("the tender's failure reason {0:?} does not follow from the bids")]
    FailureReason(FailureReason),
    /// A bidder's own schedule corrects to another total than the published one.
    #[error("bid {bid}: its schedule corrects to {computed}, the record says {published:?}")]
    Correction {
        /// The bid.
        bid: BidId,
        /// As published.
        published: Option<Rupiah>,
        /// As computed from the schedule.
        computed: Rupiah,
    },
    /// A bidder's schedule that does not correct at all.
    #[error("bid {0}: its price schedule cannot be corrected")]
    BadSchedule(BidId),
}

/// The stable reason a bid above HPS fails with.
pub const ABOVE_HPS: &str = "above-hps";
/// The stable reason a bid above the budget ceiling fails with (fixed-budget evaluation).
pub const ABOVE_PAGU: &str = "above-pagu";
/// The stable reason a bid that did not open fails with.
pub const NOT_OPENED: &str = "not-opened";
/// The stable reason a bid without a price schedule fails with.
pub const NO_SCHEDULE: &str = "no-price-schedule";
/// The stable reason a bid whose schedule does not correct fails with.
pub const BAD_SCHEDULE: &str = "bad-price-schedule";
/// The stable reason an unreasonably low price not found reasonable fails with.
pub const UNREASONABLY_LOW: &str = "unreasonably-low";

/// Whether a bid's stable failure reason agrees with its own figures (a reason that is not one
/// of the stable codes is the pokja's finding, checked on the log by auditors).
fn reason_holds(r: &AwardRecord, b: &BidResult, reason: &str, limit: Rupiah) -> bool {
    match reason {
        ABOVE_HPS => b.corrected.is_some_and(|p| p > r.owner_estimate),
        ABOVE_PAGU => b.corrected.is_some_and(|p| p > r.budget_ceiling),
        NOT_OPENED | NO_SCHEDULE | BAD_SCHEDULE => b.corrected.is_none(),
        UNREASONABLY_LOW => b.corrected.is_some_and(|p| {
            p <= limit
                && i128::from(p) * 1000
                    < i128::from(r.owner_estimate) * i128::from(r.reasonable_price_permille)
        }),
        _ => b.corrected.is_some_and(|p| p <= limit),
    }
}

/// Checks a published record against its own figures: every rank, the winner and reserves, the
/// price limits, the skipped bids and the failure reason. Empty: it holds.
pub fn verify(r: &AwardRecord) -> Vec<Discrepancy> {
    let mut out = Vec::new();
    let limit = if r.method == EvaluationMethod::PaguAnggaran {
        r.budget_ceiling
    } else {
        r.owner_estimate
    };
    let ranked: Vec<&BidResult> = r
        .bids
        .iter()
        .filter(|b| matches!(b.status, BidStatus::Ranked { .. }))
        .collect();
    for b in &r.bids {
        match &b.status {
            BidStatus::Ranked { .. } => match b.corrected {
                None => out.push(Discrepancy::Unpriced(b.bid_id)),
                Some(p) if p > limit => out.push(Discrepancy::AboveLimit(b.bid_id)),
                Some(_) => {}
            },
            BidStatus::Failed { reason, .. }
                if reason == ABOVE_HPS && b.corrected.is_none_or(|p| p <= r.owner_estimate) =>
            {
                out.push(Discrepancy::FalseAboveHps(b.bid_id));
            }
            BidStatus::Failed { reason, .. } if !reason_holds(r, b, reason, limit) => {
                out.push(Discrepancy::Reason {
                    bid: b.bid_id,
                    reason: reason.clone(),
                });
            }
            BidStatus::NotEvaluated if b.corrected.is_some_and(|p| p > limit) => {
                out.push(Discrepancy::NotFailedAboveLimit(b.bid_id));
            }
            _ => {}
        }
    }
    let computed = rank(r.method, r.technical_weight_permille, &ranked);
    for (i, b) in computed.iter().enumerate() {
        if let BidStatus::Ranked { rank } = b.status
            && rank != i as u32 + 1
        {
            out.push(Discrepancy::Rank {
                bid: b.bid_id,
                published: rank,
                computed: i as u32 + 1,
            });
        }
    }
    if price_ranked(r.method)
        && let Some(worst) = computed.last().and_then(|b| b.evaluated_price(r.method))
    {
        for b in r.bids.iter().filter(|b| b.status == BidStatus::NotEvaluated) {
            if b.evaluated_price(r.method).is_some_and(|p| p < worst) {
                out.push(Discrepancy::Skipped(b.bid_id));
            }
        }
    }
    let expected: Vec<BidId> = computed.iter().map(|b| b.bid_id).collect();
    let mut published: Vec<BidId> = r.winner.into_iter().collect();
    published.extend(&r.reserves);
    match (r.winner, r.failure) {
        (Some(_), None) => {
            let n = published.len().min(expected.len());
            if published.len() > expected.len() || published[..n] != expected[..n] {
                out.push(Discrepancy::Award {
                    published,
                    computed: expected,
                });
            }
        }
        (None, Some(f)) => {
            if !failure_holds(r, f) {
                out.push(Discrepancy::FailureReason(f));
            }
        }
        _ => out.push(Discrepancy::Outcome),
    }
    out
}

/// Whether a failure reason follows from the record's figures (reasons that are findings — of
/// collusion, of an error — are the pokja's to state, and hold whatever the figures).
fn failure_holds(r: &AwardRecord, f: FailureReason) -> bool {
    let opened: Vec<&BidResult> = r.bids.iter().filter(|b| b.read_out.is_some()).collect();
    match f {
        FailureReason::NoBids => opened.is_empty(),
        FailureReason::NoValidBids => r.bids.iter().all(|b| matches!(b.status, BidStatus::Failed { .. })),
        FailureReason::AllAboveHps => {
            !opened.is_empty() && opened.iter().all(|b| b.corrected.is_some_and(|p| p > r.owner_estimate))
        }
        FailureReason::AllFailQualification => r.bids.iter().all(|b| matches!(b.status, BidStatus::Failed { .. })) && r.bids.iter().any(|b| {
            matches!(&b.status, BidStatus::Failed { step, .. } if matches!(step, Step::Qualification | Step::Proof))
        }),
        FailureReason::Collusion
        | FailureReason::EvaluationError
        | FailureReason::DocumentError
        | FailureReason::UnfairCompetition
        | FailureReason::NegotiationFailed => true,
    }
}

/// Whether the method ranks by price (and so evaluates the lowest bids first).
pub fn price_ranked(method: EvaluationMethod) -> bool {
    matches!(
        method,
        EvaluationMethod::SistemGugur | EvaluationMethod::BiayaTerendah | EvaluationMethod::UmurEkonomis
    )
}

/// A bidder checks its own corrected price: its schedule, from the archive whose hash the opening
/// logged, corrects to the published figure.
pub fn verify_schedule(r: &AwardRecord, bid: BidId, schedule: &PriceSchedule) -> Vec<Discrepancy> {
    let Some(b) = r.bids.iter().find(|b| b.bid_id == bid) else {
        return vec![Discrepancy::Outcome];
    };
    match price::correct(schedule) {
        Err(_) => vec![Discrepancy::BadSchedule(bid)],
        Ok(c) if Some(c.total) != b.corrected => vec![Discrepancy::Correction {
            bid,
            published: b.corrected,
            computed: c.total,
        }],
        Ok(_) => Vec::new(),
    }
}
