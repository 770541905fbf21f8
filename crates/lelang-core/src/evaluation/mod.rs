//! Evaluation and award (evaluasi, pembuktian kualifikasi, penetapan dan pengumuman pemenang):
//! after the opening the tender's pokja evaluates each bid step by step — administrative,
//! technical, price, qualification, proof of qualification — each member recording a finding with
//! a reason, each step decided by a majority of the pokja with the dissent kept. The prices are
//! corrected arithmetically from the schedules inside the sealed bids; a corrected price above HPS
//! fails; one under the rule set's share of HPS passes only after a recorded clarification of its
//! reasonableness. The majority then approves the outcome — the winner and two reserves by the
//! method's ranking rule, or the tender's failure with its reason — and it is announced with a
//! record anyone can check offline ([`rank::verify`]).
//!
//! Until the announcement the findings, the prices and the decisions are committed on the public
//! log, not published: the pokja and auditors read them, the bidders see the prices read out.

mod commands;
pub mod minutes;
pub mod rank;

pub use commands::*;

use crate::ids::{BidId, PackageId, TenantId, UserId, VendorId};
use crate::price::Corrected;
use crate::rules::{Category, EvaluationMethod, RuleSet, Rupiah};
use rank::{AwardRecord, BidResult, BidStatus, FailureReason};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A step of the evaluation, in the order each bid goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Administrative compliance.
    Administrative,
    /// Technical: pass or fail, or a score under merit methods.
    Technical,
    /// Price: within HPS (or pagu), reasonable.
    Price,
    /// Post-qualification against the tender's requirements.
    Qualification,
    /// Proof of qualification (pembuktian): the originals checked in a scheduled meeting.
    Proof,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 5] = [
        Step::Administrative,
        Step::Technical,
        Step::Price,
        Step::Qualification,
        Step::Proof,
    ];

    fn before(self) -> Option<Step> {
        Step::ALL
            .iter()
            .position(|s| *s == self)
            .and_then(|i| i.checked_sub(1))
            .map(|i| Step::ALL[i])
    }
}

/// Whether a method scores the technical step (0–100) instead of passing or failing it.
pub fn scores_technical(method: EvaluationMethod) -> bool {
    matches!(
        method,
        EvaluationMethod::SistemNilai
            | EvaluationMethod::KualitasBiaya
            | EvaluationMethod::Kualitas
            | EvaluationMethod::PaguAnggaran
    )
}

/// One bid under evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluatedBid {
    /// The bid.
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: VendorId,
    /// Its commitment's position on the log (ties go to the earlier).
    pub commit_index: u64,
    /// SHA-256 of its decrypted archive.
    pub plaintext_sha256: Option<String>,
    /// The price read out at the opening.
    pub read_out: Option<Rupiah>,
    /// Its schedule after arithmetic correction.
    pub corrected: Option<Corrected>,
    /// The clarification of an unreasonably low price.
    pub reasonableness: Option<PriceClarification>,
    /// When and where its proof of qualification is held.
    pub proof: Option<ProofMeeting>,
}

impl EvaluatedBid {
    fn corrected_total(&self) -> Option<Rupiah> {
        self.corrected.as_ref().map(|c| c.total)
    }
}

/// The recorded clarification of an unreasonably low price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceClarification {
    /// Whether the price was found reasonable.
    pub accepted: bool,
    /// What the bidder showed.
    pub reason: String,
    /// Who recorded it.
    pub by: UserId,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A proof-of-qualification meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofMeeting {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Where (or the video link's description).
    pub place: String,
}

/// One member's finding on one step of one bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The member.
    pub member: UserId,
    /// The bid.
    pub bid_id: BidId,
    /// The step.
    pub step: Step,
    /// Pass or fail (for a score: whether it reaches the passing score).
    pub pass: bool,
    /// The technical score 0–100, under merit methods.
    pub score: Option<u32>,
    /// Why.
    pub reason: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A step decided for a bid: by a majority of the pokja, or by arithmetic (no member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The bid.
    pub bid_id: BidId,
    /// The step.
    pub step: Step,
    /// Passed.
    pub pass: bool,
    /// The mean technical score in hundredths, under merit methods.
    pub score: Option<u32>,
    /// The majority's reason (or a stable code when arithmetic decided).
    pub reason: String,
    /// Members whose finding differs from the decision.
    pub dissent: Vec<UserId>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What the majority is asked to approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Proposal {
    /// The winner and reserves the ranking gives.
    Award,
    /// The tender fails.
    Fail {
        /// Why.
        reason: FailureReason,
        /// The pokja's explanation, published.
        note: String,
    },
}

/// One member's vote on an outcome, bound to the record it approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The member.
    pub member: UserId,
    /// SHA-256 of the record's canonical JSON.
    pub record_sha256: String,
    /// What was proposed.
    pub proposal: Proposal,
    /// Agrees, or dissents.
    pub agree: bool,
    /// A dissent's reason.
    pub reason: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Where the evaluation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// The pokja is evaluating.
    Evaluating,
    /// The pokja approved a winner; the budget holder decides (values above the rule set's limit).
    Proposed {
        /// What was approved.
        record: Box<AwardRecord>,
    },
    /// The winner is announced.
    Awarded {
        /// The published record.
        record: Box<AwardRecord>,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// The tender failed.
    Failed {
        /// The published record.
        record: Box<AwardRecord>,
        /// The pokja's explanation.
        note: String,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

/// A tender's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The regency.
    pub tenant_id: TenantId,
    /// The tender.
    pub package_id: PackageId,
    /// The work unit (its budget holder decides large awards).
    pub work_unit_id: crate::ids::WorkUnitId,
    /// The rule set.
    pub rule_set: String,
    /// The category.
    pub category: Category,
    /// The method.
    pub method: EvaluationMethod,
    /// HPS.
    pub owner_estimate: Rupiah,
    /// Pagu.
    pub budget_ceiling: Rupiah,
    /// The technical weight, per mille, where technical and price are weighed.
    pub technical_weight_permille: Option<u32>,
    /// The lowest technical score that passes (0–100), where the method scores.
    pub passing_score: Option<u32>,
    /// Under this share of HPS (per mille) a price needs a clarification.
    pub reasonable_price_permille: u32,
    /// How many of the lowest bids are evaluated at a time (price-ranked methods).
    pub evaluate_first: u32,
    /// Reserves named beside the winner.
    pub reserves: u32,
    /// Whether the budget holder decides the winner.
    pub budget_holder_decides: bool,
    /// The pokja, as assigned when the evaluation began.
    pub members: Vec<UserId>,
    /// The bids, in opening order.
    pub bids: Vec<EvaluatedBid>,
    /// Every member's findings, in order.
    pub findings: Vec<Finding>,
    /// The decided steps, in order.
    pub decisions: Vec<Decision>,
    /// Votes on the outcome since the evaluation last changed.
    pub approvals: Vec<Approval>,
    /// Where it stands.
    pub status: Status,
    /// When it began.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Bumped by every change.
    pub version: u32,
}

/// Where one bid stands in the evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Failed at a step.
    Failed(Step, String),
    /// Passed every step.
    Passed,
    /// Waiting for this step.
    Pending(Step),
}

impl Evaluation {
    /// A step's decision for a bid.
    pub fn decision(&self, bid: BidId, step: Step) -> Option<&Decision> {
        self.decisions.iter().find(|d| d.bid_id == bid && d.step == step)
    }

    /// Where a bid stands.
    pub fn standing(&self, bid: BidId) -> Standing {
        for s in Step::ALL {
            match self.decision(bid, s) {
                Some(d) if !d.pass => return Standing::Failed(s, d.reason.clone()),
                Some(_) => {}
                None => return Standing::Pending(s),
            }
        }
        Standing::Passed
    }

    fn bid(&self, id: BidId) -> Option<&EvaluatedBid> {
        self.bids.iter().find(|b| b.bid_id == id)
    }

    /// The majority of the pokja.
    pub fn majority(&self) -> usize {
        self.members.len() / 2 + 1
    }

    /// Whether a corrected price is low enough to need a clarification.
    pub fn unreasonably_low(&self, b: &EvaluatedBid) -> bool {
        b.corrected_total().is_some_and(|p| {
            i128::from(p) * 1000
                < i128::from(self.owner_estimate) * i128::from(self.reasonable_price_permille)
        })
    }

    /// The technical score decided for a bid, in hundredths.
    fn technical(&self, bid: BidId) -> Option<u32> {
        self.decision(bid, Step::Technical).and_then(|d| d.score)
    }

    /// A bid as the ranking rule sees it, with the status it would be published with.
    fn result(&self, b: &EvaluatedBid, status: BidStatus) -> BidResult {
        BidResult {
            bid_id: b.bid_id,
            vendor_id: b.vendor_id,
            commit_index: b.commit_index,
            plaintext_sha256: b.plaintext_sha256.clone(),
            read_out: b.read_out,
            corrected: b.corrected_total(),
            life_cycle: b.corrected.as_ref().map_or(0, |c| c.life_cycle_total),
            technical_score: self.technical(b.bid_id),
            status,
        }
    }

    /// The bids not failed, in the order the method would rank them now (pending ones by what is
    /// known: price-ranked methods by price; merit methods by their decided scores).
    pub fn candidates(&self) -> Vec<BidId> {
        let open: Vec<BidResult> = self
            .bids
            .iter()
            .filter(|b| !matches!(self.standing(b.bid_id), Standing::Failed(..)))
            .map(|b| self.result(b, BidStatus::NotEvaluated))
            .collect();
        let refs: Vec<&BidResult> = open.iter().collect();
        rank::rank(self.method, self.technical_weight_permille, &refs)
            .into_iter()
            .map(|b| b.bid_id)
            .collect()
    }

    /// Whether a member may evaluate this bid now: price-ranked methods take the lowest
    /// `evaluate_first` bids not failed; the rest wait. Every method takes qualification and its
    /// proof only for the leading bids (the winner and the reserves to be).
    pub fn in_window(&self, bid: BidId, step: Step) -> bool {
        let c = self.candidates();
        let Some(pos) = c.iter().position(|b| *b == bid) else {
            return false;
        };
        let leading = (1 + self.reserves) as usize;
        if step >= Step::Qualification {
            // Merit methods rank only once every open bid has its technical and price decided.
            let settled =
                rank::price_ranked(self.method) || c.iter().all(|b| self.decision(*b, Step::Price).is_some());
            return settled && pos < leading.max(self.evaluate_first as usize);
        }
        !rank::price_ranked(self.method) || pos < self.evaluate_first as usize
    }

    /// The record of an outcome as it would be published now.
    pub fn record(&self, proposal: &Proposal) -> AwardRecord {
        let ranked: Vec<BidId> = self
            .candidates()
            .into_iter()
            .filter(|b| self.standing(*b) == Standing::Passed)
            .collect();
        let bids = self
            .bids
            .iter()
            .map(|b| {
                let status = match self.standing(b.bid_id) {
                    Standing::Failed(step, reason) => BidStatus::Failed { step, reason },
                    Standing::Passed => BidStatus::Ranked {
                        rank: ranked
                            .iter()
                            .position(|x| *x == b.bid_id)
                            .map_or(0, |i| i as u32 + 1),
                    },
                    Standing::Pending(_) => BidStatus::NotEvaluated,
                };
                self.result(b, status)
            })
            .collect();
        let (winner, reserves, failure) = match proposal {
            Proposal::Award => (
                ranked.first().copied(),
                ranked
                    .iter()
                    .skip(1)
                    .take(self.reserves as usize)
                    .copied()
                    .collect(),
                None,
            ),
            Proposal::Fail { reason, .. } => (None, Vec::new(), Some(*reason)),
        };
        AwardRecord {
            package_id: self.package_id,
            rule_set: self.rule_set.clone(),
            method: self.method,
            owner_estimate: self.owner_estimate,
            budget_ceiling: self.budget_ceiling,
            technical_weight_permille: self.technical_weight_permille,
            reasonable_price_permille: self.reasonable_price_permille,
            ranking_rule: rank::ranking_rule(self.method).to_owned(),
            bids,
            winner,
            reserves,
            failure,
        }
    }

    /// The performance guarantee the winner would give: the rule set's share of the contract
    /// value, or of HPS for an accepted unreasonably low price (Perpres 16/2018 Pasal 33), rounded
    /// up to the rupiah.
    pub fn performance_guarantee(&self, bid: BidId, rules: &RuleSet) -> Option<Rupiah> {
        let b = self.bid(bid)?;
        let price = b.corrected_total()?;
        let (base, permille) = if self.unreasonably_low(b) {
            (
                self.owner_estimate,
                rules.evaluation.low_price_guarantee_permille_of_hps.value,
            )
        } else {
            (price, rules.evaluation.performance_guarantee_permille.value)
        };
        Some(((i128::from(base) * i128::from(permille) + 999) / 1000) as Rupiah)
    }

    /// Whether the award can be decided now: the leading bids have passed every step (or there
    /// are no more), and no bid that could still outrank them is pending.
    pub fn award_ready(&self) -> bool {
        let c = self.candidates();
        let leading = (1 + self.reserves) as usize;
        !c.is_empty()
            && c.iter()
                .take(leading)
                .all(|b| self.standing(*b) == Standing::Passed)
    }
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The evaluation began; the schedules were corrected.
    EvaluationStarted {
        /// The tender.
        package_id: PackageId,
        /// The method.
        method: EvaluationMethod,
        /// Each bid's read-out and corrected price.
        bids: Vec<StartedBid>,
    },
    /// A member's finding.
    FindingRecorded {
        /// The tender.
        package_id: PackageId,
        /// The bid.
        bid_id: BidId,
        /// The step.
        step: Step,
        /// Pass or fail.
        pass: bool,
        /// Score.
        score: Option<u32>,
        /// Why.
        reason: String,
    },
    /// A step decided for a bid.
    StepDecided {
        /// The tender.
        package_id: PackageId,
        /// The bid.
        bid_id: BidId,
        /// The step.
        step: Step,
        /// Passed.
        pass: bool,
        /// Mean score, hundredths.
        score: Option<u32>,
        /// The majority's reason.
        reason: String,
        /// How many members dissented.
        dissent: u32,
    },
    /// The clarification of an unreasonably low price.
    PriceClarified {
        /// The tender.
        package_id: PackageId,
        /// The bid.
        bid_id: BidId,
        /// Found reasonable.
        accepted: bool,
        /// What the bidder showed.
        reason: String,
    },
    /// A proof-of-qualification meeting was scheduled.
    ProofScheduled {
        /// The tender.
        package_id: PackageId,
        /// The bid.
        bid_id: BidId,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        /// Where.
        place: String,
    },
    /// A member voted on an outcome.
    OutcomeVoted {
        /// The tender.
        package_id: PackageId,
        /// The record voted on.
        record_sha256: String,
        /// Agrees.
        agree: bool,
        /// A dissent's reason.
        reason: Option<String>,
    },
    /// The pokja's majority proposed an award to the budget holder.
    AwardProposed {
        /// The tender.
        package_id: PackageId,
        /// The record proposed.
        record_sha256: String,
    },
    /// The budget holder returned a proposed award to the pokja.
    AwardReturned {
        /// The tender.
        package_id: PackageId,
        /// Why.
        reason: String,
    },
    /// The winner announced, with the record anyone can check.
    AwardAnnounced {
        /// The tender.
        package_id: PackageId,
        /// The result.
        record: Box<AwardRecord>,
    },
    /// The tender failed.
    TenderFailed {
        /// The tender.
        package_id: PackageId,
        /// Why.
        reason: FailureReason,
        /// The pokja's explanation.
        note: String,
        /// The result as it stood.
        record: Box<AwardRecord>,
    },
    /// A failed tender was repeated as a new package.
    TenderRepeated {
        /// The failed tender.
        package_id: PackageId,
        /// The repeat.
        repeat_id: PackageId,
    },
    /// The evaluation began again after a failure for an error in it.
    EvaluationRestarted {
        /// The tender.
        package_id: PackageId,
        /// What was wrong.
        reason: String,
    },
    /// An auditor read the evaluation before its announcement.
    EvaluationRead {
        /// The tender.
        package_id: PackageId,
    },
}

crate::privacy::event_table! {
    EvaluationStarted "evaluation_started" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        method: PUBLIC => "announced with the tender",
        bids: EVALUATION => "prices stay with the pokja until the award publishes them",
    }
    FindingRecorded "finding_recorded" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "bids are public from the opening",
        step: PUBLIC => "which step is being evaluated",
        pass: EVALUATION => "a member's finding stays internal (auditors read it)",
        score: EVALUATION => "a member's finding stays internal",
        reason: EVALUATION => "a member's finding stays internal",
    }
    StepDecided "step_decided" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "the bid",
        step: PUBLIC => "the step",
        pass: EVALUATION => "published with the award",
        score: EVALUATION => "published with the award",
        reason: EVALUATION => "published with the award",
        dissent: EVALUATION => "in the minutes",
    }
    PriceClarified "price_clarified" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "the bid",
        accepted: EVALUATION => "published with the award",
        reason: EVALUATION => "the bidder's cost details",
    }
    ProofScheduled "proof_scheduled" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "the bid",
        at: EVALUATION => "who leads is not public before the award",
        place: EVALUATION => "who leads is not public before the award",
    }
    OutcomeVoted "outcome_voted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        record_sha256: PUBLIC => "binds the vote to the record later published",
        agree: PUBLIC => "dissent is recorded",
        reason: EVALUATION => "in the minutes",
    }
    AwardProposed "award_proposed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        record_sha256: PUBLIC => "the record the budget holder decides",
    }
    AwardReturned "award_returned" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        reason: PUBLIC => "why the budget holder returned it",
    }
    AwardAnnounced "award_announced" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        record: PUBLIC => "the winner announcement is public, with every bid's result",
    }
    TenderFailed "tender_failed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        reason: PUBLIC => "a failed tender's reason is published",
        note: PUBLIC => "the pokja's explanation",
        record: PUBLIC => "every bid's result",
    }
    TenderRepeated "tender_repeated" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the failed tender",
        repeat_id: PUBLIC => "its repeat",
    }
    EvaluationRestarted "evaluation_restarted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        reason: PUBLIC => "a re-evaluation's reason is published",
    }
    EvaluationRead "evaluation_read" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "each confidential read is on the log",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The repeat of a failed tender: its package.
    Package(crate::package::Mutation),
    /// The repeat's pokja.
    Pokja(crate::pokja::Mutation),
    /// The tender must not be cancelled: a cancelled tender's evaluation stays as it was.
    Tender(crate::tender::Mutation),
    /// An evaluation written whole, held only on the version it was read at.
    PutEvaluation {
        /// The evaluation.
        evaluation: Evaluation,
        /// The version it was read at (none: a new one).
        expected_version: Option<u32>,
    },
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod tests;
