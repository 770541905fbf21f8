//! The unit's dashboard: the log folded into one row of facts per tender ([`Ledger`]), and pure
//! figures ([`figures`]) and red flags ([`flags`]) over those rows.
//!
//! The fold reads every event in clear (it runs inside the server, like the OCDS publisher), so a
//! row holds confidential facts too (the pokja, a company's profile, findings before the award).
//! What leaves it is decided by a [`View`]: the public view counts only what the public log
//! already shows, the unit's adds the pokja's load and the flags that read confidential facts.
//! Nothing here is a decision: a flag is a reason to look, with its definition and source.

use crate::evaluation::rank::{AwardRecord, BidStatus, FailureReason};
use crate::event::Event;
use crate::ids::{BidId, PackageId, PlanItemId, TenantId, UserId, VendorId, WorkUnitId};
use crate::payload::EventPayload;
use crate::rules::{Category, Method, Rupiah, StageKind};
use crate::schedule::PlannedStage;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::{Date, OffsetDateTime, UtcOffset};

pub mod capacity;
mod figures;
#[cfg(any(test, feature = "testing"))]
pub mod fixture;
pub mod flags;
#[cfg(test)]
mod tests;

pub use figures::{
    Bidders, Count, Cycle, Figures, Filter, Load, Objections, OnTime, Phase, Savings, figures,
};
pub use flags::{Flag, FlagKind, flags};

/// Who the figures are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Anyone: only what the public log shows; flags only of decided tenders, and none that read a
    /// company's confidential profile.
    Public,
    /// The unit's head, the auditor, a tender's own pokja: every flag, before the award too, and
    /// the pokja's load.
    Unit,
}

/// Where a tender stands, for the dashboard's count by stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Prepared by the PPK, not announced yet.
    Preparation,
    /// Announced, bids not closed.
    Announced,
    /// Bids closed: opening and evaluation.
    Evaluation,
    /// A winner announced, no signed contract yet.
    Awarded,
    /// The contract signed by both sides.
    Contracted,
    /// Failed (Perpres 16/2018 Pasal 51).
    Failed,
    /// Cancelled by its budget holder.
    Cancelled,
}

impl Stage {
    /// Every stage, in the order of the lifecycle.
    pub const ALL: [Stage; 7] = [
        Stage::Preparation,
        Stage::Announced,
        Stage::Evaluation,
        Stage::Awarded,
        Stage::Contracted,
        Stage::Failed,
        Stage::Cancelled,
    ];

    /// Its stable code.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Preparation => "preparation",
            Stage::Announced => "announced",
            Stage::Evaluation => "evaluation",
            Stage::Awarded => "awarded",
            Stage::Contracted => "contracted",
            Stage::Failed => "failed",
            Stage::Cancelled => "cancelled",
        }
    }
}

/// A bid as opened: who, and the price read out (none when it did not open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBid {
    /// The bid.
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: VendorId,
    /// The price read out at the opening.
    pub price: Option<Rupiah>,
}

/// How a tender ended its evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A winner was announced.
    Awarded {
        /// When.
        at: OffsetDateTime,
        /// The published record (every bid's price and status).
        record: Box<AwardRecord>,
    },
    /// The tender failed.
    Failed {
        /// When.
        at: OffsetDateTime,
        /// Why.
        reason: FailureReason,
        /// The published record.
        record: Box<AwardRecord>,
    },
}

impl Outcome {
    /// When it was decided.
    pub fn at(&self) -> OffsetDateTime {
        match self {
            Outcome::Awarded { at, .. } | Outcome::Failed { at, .. } => *at,
        }
    }

    /// The published record.
    pub fn record(&self) -> &AwardRecord {
        match self {
            Outcome::Awarded { record, .. } | Outcome::Failed { record, .. } => record,
        }
    }
}

/// One tender's facts, as the log told them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenderFacts {
    /// The package.
    pub package_id: PackageId,
    /// Its regency.
    pub tenant_id: TenantId,
    /// Its work unit.
    pub work_unit_id: WorkUnitId,
    /// What is bought.
    pub name: String,
    /// Its category (from its plan item).
    pub category: Category,
    /// The budget year (from its plan item).
    pub fiscal_year: i32,
    /// The method: as scheduled, else as planned.
    pub method: Method,
    /// Pagu.
    pub budget_ceiling: Rupiah,
    /// HPS.
    pub owner_estimate: Rupiah,
    /// The rule set it runs under.
    pub rule_set: String,
    /// When the PPK prepared it.
    pub created_at: OffsetDateTime,
    /// The schedule as first set (what the unit planned).
    pub planned: Vec<PlannedStage>,
    /// When it was announced.
    pub announced_at: Option<OffsetDateTime>,
    /// The submission deadline as announced, then as closed (exact only from the closing).
    pub deadline: Option<OffsetDateTime>,
    /// The schedule now (it moves with each change).
    pub schedule: Vec<PlannedStage>,
    /// Each schedule change after the announcement that moved the submission's last day: when,
    /// and that last day before and after.
    pub deadline_moves: Vec<(OffsetDateTime, Date, Date)>,
    /// The pokja (confidential while the tender runs).
    pub pokja: Vec<UserId>,
    /// Bids committed and not withdrawn. Only the bids, never their companies: who bids is sealed
    /// until the opening, and the fold keeps nothing it may not show someone.
    pub bids: BTreeSet<BidId>,
    /// When the submission closed.
    pub closed_at: Option<OffsetDateTime>,
    /// The bids as opened.
    pub opened: Vec<OpenedBid>,
    /// Bids a step failed before the award (the pokja's decisions; confidential until then).
    pub failed_steps: BTreeSet<BidId>,
    /// The evaluation's end, if it ended (cleared when the evaluation is restarted).
    pub outcome: Option<Outcome>,
    /// When and on which ground its budget holder cancelled it.
    pub cancelled: Option<(OffsetDateTime, String)>,
    /// Objections filed.
    pub objections: u32,
    /// Objections answered.
    pub objections_answered: u32,
    /// Objections upheld.
    pub objections_upheld: u32,
    /// Appeals filed.
    pub appeals: u32,
    /// Signatures on the contract (the company's and the PPK's make it signed).
    pub contract_signatures: u8,
    /// When the contract was signed by both.
    pub contract_signed_at: Option<OffsetDateTime>,
}

impl TenderFacts {
    /// Where the tender stands.
    pub fn stage(&self) -> Stage {
        if self.cancelled.is_some() {
            return Stage::Cancelled;
        }
        match &self.outcome {
            Some(Outcome::Failed { .. }) => Stage::Failed,
            Some(Outcome::Awarded { .. }) if self.contract_signed_at.is_some() => Stage::Contracted,
            Some(Outcome::Awarded { .. }) => Stage::Awarded,
            None if self.closed_at.is_some() => Stage::Evaluation,
            None if self.announced_at.is_some() => Stage::Announced,
            None => Stage::Preparation,
        }
    }

    /// The winner's price after correction, when a winner was announced.
    pub fn award_value(&self) -> Option<Rupiah> {
        let Some(Outcome::Awarded { record, .. }) = &self.outcome else {
            return None;
        };
        let winner = record.winner?;
        record.bids.iter().find(|b| b.bid_id == winner)?.corrected
    }

    /// The winning company.
    pub fn winner(&self) -> Option<VendorId> {
        let Some(Outcome::Awarded { record, .. }) = &self.outcome else {
            return None;
        };
        let winner = record.winner?;
        record
            .bids
            .iter()
            .find(|b| b.bid_id == winner)
            .map(|b| b.vendor_id)
    }

    /// The bids that failed a step, as far as `view` may know: the published record's once
    /// decided, the pokja's decisions before that (the unit's view only).
    pub fn disqualified(&self, view: View) -> BTreeSet<BidId> {
        match &self.outcome {
            Some(o) => o
                .record()
                .bids
                .iter()
                .filter(|b| matches!(b.status, BidStatus::Failed { .. }))
                .map(|b| b.bid_id)
                .collect(),
            None if view == View::Unit => self.failed_steps.clone(),
            None => BTreeSet::new(),
        }
    }

    /// The planned last day of a stage, from the schedule as first set.
    pub fn planned_end(&self, kind: StageKind) -> Option<Date> {
        self.planned.iter().find(|s| s.kind == kind).map(|s| s.last_day)
    }
}

/// What the fold keeps of a company's profile, for the flags that compare bidders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFacts {
    /// The address, normalised (lower case, letters and digits, single spaces).
    pub address: String,
    /// Key personnel: their normalised names (a certificate names a kind, not a person).
    pub personnel: BTreeSet<String>,
    /// When the profile was replaced by a different one (its first entry is not a change).
    pub updated: Vec<OffsetDateTime>,
    /// A fingerprint of the profile as last entered, to tell a change from a save of the same.
    pub fingerprint: Option<u64>,
}

/// A plan item (RUP line) as the forecast needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    /// Its regency.
    pub tenant_id: TenantId,
    /// Its category.
    pub category: Category,
    /// The method planned.
    pub method: Method,
    /// The budget year.
    pub fiscal_year: i32,
    /// When the procurement is planned to start.
    pub planned_start: Date,
    /// Pagu.
    pub budget_ceiling: Rupiah,
    /// The rule set it runs under.
    pub rule_set: String,
    /// Whether its plan was announced (a draft item forecasts nothing).
    pub announced: bool,
    /// Whether a package was prepared from it (it is then counted as a tender).
    pub packaged: bool,
}

/// The fold of the log: every tender's facts, the plan items they come from, companies' profiles.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    folded: i64,
    plan_items: HashMap<PlanItemId, PlanFacts>,
    tenders: BTreeMap<PackageId, TenderFacts>,
    profiles: HashMap<VendorId, ProfileFacts>,
    zones: HashMap<TenantId, UtcOffset>,
    /// Tenders that were awarded, by their set of bidders (for the rotation flag)…
    bidder_sets: HashMap<(TenantId, Vec<VendorId>), BTreeSet<PackageId>>,
    /// …and the set of bidders of each tender whose award stands now.
    award_sets: HashMap<PackageId, Vec<VendorId>>,
}

/// Lower case, letters and digits, single spaces: "Jl. Merdeka  No.1" and "jl merdeka no 1" match.
pub fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Ledger {
    /// The position of the last event folded in.
    pub fn folded(&self) -> i64 {
        self.folded
    }

    /// Every tender folded so far.
    pub fn tenders(&self) -> impl Iterator<Item = &TenderFacts> {
        self.tenders.values()
    }

    /// Every plan item folded so far.
    pub fn plan_items(&self) -> impl Iterator<Item = &PlanFacts> {
        self.plan_items.values()
    }

    /// One tender.
    pub fn tender(&self, id: PackageId) -> Option<&TenderFacts> {
        self.tenders.get(&id)
    }

    /// A company's profile facts.
    pub fn profile(&self, id: VendorId) -> Option<&ProfileFacts> {
        self.profiles.get(&id)
    }

    /// The awarded tenders of a regency whose published record lists exactly these bidders (two
    /// or more), when two or more of those bidders won them: the rotation flag's group.
    fn rotating(&self, tenant: TenantId, bidders: &[VendorId]) -> Option<Vec<PackageId>> {
        let group: Vec<PackageId> = self
            .bidder_sets
            .get(&(tenant, bidders.to_vec()))?
            .iter()
            .copied()
            .filter(|id| self.award_sets.get(id).is_some_and(|set| set == bidders))
            .collect();
        let winners: BTreeSet<VendorId> = group
            .iter()
            .filter_map(|id| self.tenders.get(id))
            .filter_map(TenderFacts::winner)
            .collect();
        (winners.len() >= 2).then_some(group)
    }

    /// The size of a tender's rotation group, if it belongs to one.
    pub fn rotation_of(&self, t: &TenderFacts) -> Option<usize> {
        let set = self.award_sets.get(&t.package_id)?;
        self.rotating(t.tenant_id, set).map(|g| g.len())
    }

    /// Every rotation group of a regency at once, by member: what [`Ledger::rotation_of`] answers
    /// for each, in one pass (the dashboard asks for every tender).
    pub fn rotations(&self, tenant: TenantId) -> HashMap<PackageId, usize> {
        let mut out = HashMap::new();
        for (t, set) in self.bidder_sets.keys() {
            if *t != tenant {
                continue;
            }
            if let Some(group) = self.rotating(tenant, set) {
                for id in &group {
                    out.insert(*id, group.len());
                }
            }
        }
        out
    }

    /// The regency's offset from UTC (WIB when the log did not say).
    pub fn zone(&self, tenant: TenantId) -> UtcOffset {
        self.zones
            .get(&tenant)
            .copied()
            .unwrap_or(UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC))
    }

    /// Folds one event in. Events must come in log order; one already folded is skipped, and one
    /// this version cannot read is passed over (it carries nothing the figures use).
    pub fn fold(&mut self, e: &Event) {
        if e.seq <= self.folded {
            return;
        }
        self.folded = e.seq;
        let Ok(payload) = e.parsed() else { return };
        self.apply(e.at, payload);
    }

    fn apply(&mut self, at: OffsetDateTime, payload: EventPayload) {
        use crate::{
            appeal, cancellation, contract, directory, evaluation, objection, package, plan, pokja,
            submission, tender, vendor,
        };
        match payload {
            EventPayload::Directory(directory::Event::TenantCreated {
                tenant_id, time_zone, ..
            }) => {
                let hours = time_zone.utc_offset_hours();
                if let Ok(offset) = UtcOffset::from_hms(hours, 0, 0) {
                    self.zones.insert(tenant_id, offset);
                }
            }
            EventPayload::Plan(plan::Event::PlanItemCreated { plan_item }) => {
                self.plan_items.insert(
                    plan_item.id,
                    PlanFacts {
                        tenant_id: plan_item.tenant_id,
                        category: plan_item.category,
                        method: plan_item.planned_method,
                        fiscal_year: plan_item.fiscal_year,
                        planned_start: plan_item.planned_start,
                        budget_ceiling: plan_item.budget_ceiling,
                        rule_set: plan_item.rule_set.clone(),
                        announced: plan_item.announced_at.is_some(),
                        packaged: false,
                    },
                );
            }
            EventPayload::Plan(plan::Event::PlanAnnounced { plan_items, .. }) => {
                for id in plan_items {
                    if let Some(p) = self.plan_items.get_mut(&id) {
                        p.announced = true;
                    }
                }
            }
            EventPayload::Package(package::Event::PackageCreated {
                package_id,
                plan_item_id,
                work_unit_id,
                name,
                budget_ceiling,
                owner_estimate,
                rule_set,
                ..
            }) => {
                let Some(item) = self.plan_items.get_mut(&plan_item_id) else {
                    return;
                };
                item.packaged = true;
                let (tenant_id, category, method, fiscal_year) =
                    (item.tenant_id, item.category, item.method, item.fiscal_year);
                self.tenders.insert(
                    package_id,
                    TenderFacts {
                        package_id,
                        tenant_id,
                        work_unit_id,
                        name,
                        category,
                        fiscal_year,
                        method,
                        budget_ceiling,
                        owner_estimate,
                        rule_set,
                        created_at: at,
                        planned: Vec::new(),
                        announced_at: None,
                        deadline: None,
                        schedule: Vec::new(),
                        deadline_moves: Vec::new(),
                        pokja: Vec::new(),
                        bids: BTreeSet::new(),
                        closed_at: None,
                        opened: Vec::new(),
                        failed_steps: BTreeSet::new(),
                        outcome: None,
                        cancelled: None,
                        objections: 0,
                        objections_answered: 0,
                        objections_upheld: 0,
                        appeals: 0,
                        contract_signatures: 0,
                        contract_signed_at: None,
                    },
                );
            }
            EventPayload::Pokja(pokja::Event::PokjaAssigned { package_id, members }) => {
                self.with(package_id, |t| t.pokja = members);
            }
            EventPayload::Pokja(pokja::Event::PokjaMemberReplaced {
                package_id,
                out,
                replacement,
                ..
            }) => self.with(package_id, |t| {
                for m in &mut t.pokja {
                    if *m == out {
                        *m = replacement;
                    }
                }
            }),
            EventPayload::Tender(tender::Event::TenderScheduled {
                package_id,
                method,
                stages,
                ..
            }) => {
                self.with(package_id, |t| {
                    t.method = method;
                    t.schedule = stages.clone();
                    t.planned = stages;
                });
            }
            EventPayload::Tender(tender::Event::ScheduleChanged {
                package_id, stages, ..
            }) => {
                self.with(package_id, |t| {
                    let last = |s: &[PlannedStage]| {
                        s.iter()
                            .find(|x| x.kind == StageKind::Submission)
                            .map(|x| x.last_day)
                    };
                    if t.announced_at.is_some()
                        && let (Some(before), Some(after)) = (last(&t.schedule), last(&stages))
                        && before != after
                    {
                        t.deadline_moves.push((at, before, after));
                    }
                    // Before the announcement a change is still planning: the plan is the new one.
                    if t.announced_at.is_none() {
                        t.planned = stages.clone();
                    }
                    t.schedule = stages;
                });
            }
            EventPayload::Tender(tender::Event::TenderAnnounced {
                package_id,
                method,
                submission_deadline,
                ..
            }) => self.with(package_id, |t| {
                t.method = method;
                t.announced_at = Some(at);
                t.deadline = Some(submission_deadline);
            }),
            EventPayload::Submission(submission::Event::BidSubmitted {
                bid_id, package_id, ..
            }) => {
                self.with(package_id, |t| {
                    t.bids.insert(bid_id);
                });
            }
            EventPayload::Submission(submission::Event::BidWithdrawn {
                bid_id, package_id, ..
            }) => {
                self.with(package_id, |t| {
                    t.bids.remove(&bid_id);
                });
            }
            EventPayload::Submission(submission::Event::SubmissionClosed { package_id, deadline }) => {
                self.with(package_id, |t| {
                    t.closed_at = Some(at);
                    t.deadline = Some(deadline);
                });
            }
            EventPayload::Opening(crate::sealing::opening::Event::BidOpened {
                bid_id,
                package_id,
                vendor_id,
                opened,
                price,
                ..
            }) => self.with(package_id, |t| {
                t.opened.retain(|b| b.bid_id != bid_id);
                t.opened.push(OpenedBid {
                    bid_id,
                    vendor_id,
                    price: if opened { price } else { None },
                });
            }),
            EventPayload::Evaluation(evaluation::Event::StepDecided {
                package_id,
                bid_id,
                pass,
                ..
            }) => {
                self.with(package_id, |t| {
                    if pass {
                        t.failed_steps.remove(&bid_id);
                    } else {
                        t.failed_steps.insert(bid_id);
                    }
                });
            }
            EventPayload::Evaluation(evaluation::Event::AwardAnnounced { package_id, record }) => {
                self.with(package_id, |t| t.outcome = Some(Outcome::Awarded { at, record }));
                self.award_sets.remove(&package_id);
                if let Some(t) = self.tenders.get(&package_id)
                    && let Some(set) = flags::bidder_set(t)
                {
                    self.bidder_sets
                        .entry((t.tenant_id, set.clone()))
                        .or_default()
                        .insert(package_id);
                    self.award_sets.insert(package_id, set);
                }
            }
            EventPayload::Evaluation(evaluation::Event::TenderFailed {
                package_id,
                reason,
                record,
                ..
            }) => {
                self.award_sets.remove(&package_id);
                self.with(package_id, |t| {
                    t.outcome = Some(Outcome::Failed { at, reason, record })
                });
            }
            EventPayload::Evaluation(evaluation::Event::EvaluationRestarted { package_id, .. }) => {
                self.award_sets.remove(&package_id);
                self.with(package_id, |t| {
                    t.outcome = None;
                    t.failed_steps.clear();
                });
            }
            EventPayload::Cancellation(cancellation::Event::TenderCancelled {
                package_id, ground, ..
            }) => {
                self.with(package_id, |t| {
                    t.cancelled = Some((at, crate::rules::code(&ground)))
                });
            }
            EventPayload::Objection(objection::Event::ObjectionFiled { package_id, .. }) => {
                self.with(package_id, |t| t.objections += 1);
            }
            EventPayload::Objection(objection::Event::ObjectionAnswered {
                package_id, upheld, ..
            }) => {
                self.with(package_id, |t| {
                    t.objections_answered += 1;
                    t.objections_upheld += u32::from(upheld);
                });
            }
            EventPayload::Appeal(appeal::Event::AppealFiled { package_id, .. }) => {
                self.with(package_id, |t| t.appeals += 1);
            }
            EventPayload::Contract(contract::Event::ContractSigned { package_id, .. }) => {
                self.with(package_id, |t| {
                    t.contract_signatures = t.contract_signatures.saturating_add(1);
                    if t.contract_signatures >= 2 && t.contract_signed_at.is_none() {
                        t.contract_signed_at = Some(at);
                    }
                });
            }
            EventPayload::Vendor(vendor::Event::VendorProfileUpdated { vendor_id, profile }) => {
                let p = self.profiles.entry(vendor_id).or_default();
                let fingerprint = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    serde_json::to_string(&profile).unwrap_or_default().hash(&mut h);
                    h.finish()
                };
                if p.fingerprint.is_some_and(|f| f != fingerprint) {
                    p.updated.push(at);
                }
                p.fingerprint = Some(fingerprint);
                p.address = normalise(&profile.address);
                p.personnel = profile
                    .personnel
                    .iter()
                    .map(|person| normalise(&person.name))
                    .filter(|n| !n.is_empty())
                    .collect();
            }
            _ => {}
        }
    }

    fn with(&mut self, id: PackageId, f: impl FnOnce(&mut TenderFacts)) {
        if let Some(t) = self.tenders.get_mut(&id) {
            f(t);
        }
    }
}

/// The local date of an instant at an offset.
pub fn local_day(at: OffsetDateTime, zone: UtcOffset) -> Date {
    at.to_offset(zone).date()
}
