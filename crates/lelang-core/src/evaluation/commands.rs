//! The evaluation's commands: begin from the opening, record findings, clarify a low price,
//! schedule a proof, vote on the outcome, and the budget holder's decision on a large award.

use super::rank::{
    self, ABOVE_HPS, ABOVE_PAGU, AwardRecord, BAD_SCHEDULE, FailureReason, NO_SCHEDULE, NOT_OPENED,
    UNREASONABLY_LOW,
};
use super::{
    Approval, Decision, EvaluatedBid, Evaluation, Event, Finding, Mutation, PriceClarification, ProofMeeting,
    Proposal, Status, Step, scores_technical,
};
use crate::command::{Change, CommandError, event, invalid};
use crate::fresh::Cx;
use crate::ids::{BidId, TenantId, UserId};
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, Denied, UserActor, authorize};
use crate::price;
use crate::role::Role;
use crate::rules::{EvaluationMethod, RuleSet, Rupiah};
use crate::sealing::Opening;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The evaluation's figures that the opening feeds in: each opened bid's read-out price and
/// schedule, from the opening's outcomes.
pub struct Begin<'a> {
    /// The tender.
    pub tender: &'a crate::tender::PublicTender,
    /// The tender's setup (its evaluation method).
    pub setup: &'a crate::tender::TenderSetup,
    /// Its pokja.
    pub assignment: &'a PokjaAssignment,
    /// The completed opening.
    pub opening: &'a Opening,
    /// The rule set the package runs under.
    pub rules: &'a RuleSet,
}

fn member<'a>(actor: &'a Actor, tenant: TenantId, members: &[UserId]) -> Result<&'a UserActor, CommandError> {
    authorize(actor, Action::RunTender(tenant))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if !members.contains(&a.user_id) {
        return Err(Denied::Forbidden.into());
    }
    Ok(a)
}

fn reason_text(field: &'static str, s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=2000).contains(&n) || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(field, "invalid-reason"));
    }
    Ok(s.to_owned())
}

/// The commitment position given a bid without one: last, and still a safe JSON integer.
const MAX_SAFE_INDEX: u64 = (1 << 53) - 1;

fn figure(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// A member of the tender's pokja begins the evaluation once the opening is complete: each opened
/// bid's schedule is corrected; a bid that did not open, has no readable schedule or is above HPS
/// (or pagu, for fixed-budget evaluation) fails by arithmetic, with its reason.
pub fn begin(
    actor: &Actor,
    b: &Begin<'_>,
    existing: Option<&Evaluation>,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = member(actor, b.tender.tenant_id, &b.assignment.members)?;
    if existing.is_some() {
        return Err(invalid("package_id", "evaluation-started"));
    }
    if b.opening.completed_at.is_none() || b.opening.package_id != b.tender.package_id {
        return Err(invalid("package_id", "opening-not-complete"));
    }
    let r = &b.rules.evaluation;
    let method = b.setup.evaluation;
    let scored = scores_technical(method);
    let mut e = Evaluation {
        tenant_id: b.tender.tenant_id,
        package_id: b.tender.package_id,
        work_unit_id: b.tender.work_unit_id,
        rule_set: b.rules.id.clone(),
        category: b.tender.category,
        method,
        owner_estimate: b.tender.owner_estimate,
        budget_ceiling: b.tender.budget_ceiling,
        technical_weight_permille: matches!(
            method,
            EvaluationMethod::SistemNilai | EvaluationMethod::KualitasBiaya
        )
        .then(|| figure(r.technical_weight_permille.value).min(1000)),
        passing_score: scored.then(|| figure(r.passing_technical_score.value).min(100)),
        reasonable_price_permille: figure(r.reasonable_price_permille.value),
        evaluate_first: figure(r.evaluate_first.value).max(1),
        reserves: figure(r.reserves.value),
        budget_holder_decides: b
            .rules
            .budget_holder_decides(b.tender.category, b.tender.budget_ceiling),
        members: b.assignment.members.clone(),
        bids: Vec::new(),
        findings: Vec::new(),
        decisions: Vec::new(),
        approvals: Vec::new(),
        status: Status::Evaluating,
        started_at: cx.now,
        version: 1,
    };
    let mut started = Vec::new();
    for ob in &b.opening.bids {
        let outcome = ob.outcome.as_ref();
        let opened = outcome.is_some_and(|o| o.opened);
        let schedule = outcome.and_then(|o| o.schedule.as_ref());
        let corrected = schedule.map(price::correct);
        let eb = EvaluatedBid {
            bid_id: ob.bid_id,
            vendor_id: ob.vendor_id,
            commit_index: ob.log_index.unwrap_or(MAX_SAFE_INDEX),
            plaintext_sha256: outcome.and_then(|o| o.plaintext_sha256.clone()),
            read_out: outcome.and_then(|o| o.price),
            corrected: corrected.clone().and_then(Result::ok),
            reasonableness: None,
            proof: None,
        };
        let failed = if !opened {
            Some((Step::Administrative, NOT_OPENED))
        } else {
            match corrected {
                None => Some((Step::Administrative, NO_SCHEDULE)),
                Some(Err(_)) => Some((Step::Administrative, BAD_SCHEDULE)),
                Some(Ok(c)) if c.total > e.owner_estimate => Some((Step::Price, ABOVE_HPS)),
                Some(Ok(c)) if method == EvaluationMethod::PaguAnggaran && c.total > e.budget_ceiling => {
                    Some((Step::Price, ABOVE_PAGU))
                }
                Some(Ok(_)) => None,
            }
        };
        if let Some((step, reason)) = failed {
            e.decisions.push(Decision {
                bid_id: eb.bid_id,
                step,
                pass: false,
                score: None,
                reason: reason.to_owned(),
                dissent: Vec::new(),
                at: cx.now,
            });
            // Steps before a price failure are moot: decided by the same arithmetic.
            for s in Step::ALL.iter().take_while(|s| **s < step) {
                e.decisions.push(Decision {
                    bid_id: eb.bid_id,
                    step: *s,
                    pass: true,
                    score: None,
                    reason: "moot".into(),
                    dissent: Vec::new(),
                    at: cx.now,
                });
            }
        }
        started.push(StartedBid {
            bid_id: eb.bid_id,
            read_out: eb.read_out,
            corrected: eb.corrected_total(),
            failed: failed.map(|(_, r)| r.to_owned()),
        });
        e.bids.push(eb);
    }
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::EvaluationStarted {
            package_id: e.package_id,
            method,
            bids: started,
        },
    )?;
    Ok((
        e.clone(),
        Change {
            events: vec![ev],
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(e.package_id)),
                Mutation::PutEvaluation {
                    evaluation: e,
                    expected_version: None,
                },
            ],
        },
    ))
}

/// A bid as the evaluation began with it (committed on the log until the award).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedBid {
    /// The bid.
    pub bid_id: BidId,
    /// Read out.
    pub read_out: Option<Rupiah>,
    /// Corrected.
    pub corrected: Option<Rupiah>,
    /// Why it failed by arithmetic, if it did.
    pub failed: Option<String>,
}

fn evaluating(e: &Evaluation) -> Result<(), CommandError> {
    match e.status {
        Status::Evaluating => Ok(()),
        _ => Err(invalid("package_id", "evaluation-concluded")),
    }
}

/// The next version of `e`, with the outcome votes cleared: any change to what was voted on
/// makes the record differ, so earlier votes would not count anyway.
fn next(e: &Evaluation) -> Evaluation {
    let mut n = e.clone();
    n.version += 1;
    n.approvals.clear();
    n
}

fn put(e: &Evaluation, n: Evaluation, events: Vec<crate::event::NewEvent>) -> (Evaluation, Change<Mutation>) {
    (
        n.clone(),
        Change {
            events,
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(e.package_id)),
                Mutation::PutEvaluation {
                    evaluation: n,
                    expected_version: Some(e.version),
                },
            ],
        },
    )
}

/// A member's finding as entered.
#[derive(Debug, Clone, Copy)]
pub struct NewFinding<'a> {
    /// The bid.
    pub bid: BidId,
    /// The step.
    pub step: Step,
    /// Pass or fail (ignored where the step is scored).
    pub pass: bool,
    /// The technical score 0–100, under merit methods.
    pub score: Option<u32>,
    /// Why.
    pub reason: &'a str,
}

/// A member's finding on a step of a bid. The steps go in order; price-ranked methods take the
/// lowest bids first; a low price needs its clarification and a proof its meeting first. When a
/// majority of the pokja agrees, the step is decided; a later different finding is dissent.
pub fn record_finding(
    actor: &Actor,
    e: &Evaluation,
    f: &NewFinding<'_>,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let NewFinding {
        bid,
        step,
        pass,
        score,
        reason,
    } = *f;
    let a = member(actor, e.tenant_id, &e.members)?;
    evaluating(e)?;
    let b = e.bid(bid).ok_or(invalid("bid_id", "unknown-bid"))?;
    let reason = reason_text("reason", reason)?;
    if e.findings
        .iter()
        .any(|f| f.member == a.user_id && f.bid_id == bid && f.step == step)
    {
        return Err(invalid("step", "finding-recorded"));
    }
    if let Some(prev) = step.before()
        && e.decision(bid, prev).is_none_or(|d| !d.pass)
    {
        return Err(invalid("step", "stage-order"));
    }
    let decided = e.decision(bid, step).is_some();
    if !decided && !e.in_window(bid, step) {
        return Err(invalid("bid_id", "evaluate-lowest-first"));
    }
    let scored = step == Step::Technical && scores_technical(e.method);
    let pass = match (scored, score) {
        (true, Some(s)) if s <= 100 => s >= e.passing_score.unwrap_or(0),
        (true, _) => return Err(invalid("score", "score-required")),
        (false, Some(_)) => return Err(invalid("score", "score-not-used")),
        (false, None) => pass,
    };
    if step == Step::Price
        && pass
        && e.unreasonably_low(b)
        && !b.reasonableness.as_ref().is_some_and(|r| r.accepted)
    {
        return Err(invalid("step", "reasonableness-first"));
    }
    match (&b.proof, step) {
        (None, Step::Proof) => return Err(invalid("step", "proof-not-scheduled")),
        // The outcome of a proof is known once its meeting has begun.
        (Some(m), Step::Proof) if cx.now < m.at => return Err(invalid("step", "proof-not-held")),
        _ => {}
    }
    let mut n = next(e);
    let f = Finding {
        member: a.user_id,
        bid_id: bid,
        step,
        pass,
        score: score.filter(|_| scored),
        reason: reason.clone(),
        at: cx.now,
    };
    n.findings.push(f.clone());
    let mut events = vec![event(
        a,
        cx,
        Some(e.tenant_id),
        Event::FindingRecorded {
            package_id: e.package_id,
            bid_id: bid,
            step,
            pass,
            score: f.score,
            reason,
        },
    )?];
    if decided {
        if let Some(d) = n.decisions.iter_mut().find(|d| d.bid_id == bid && d.step == step)
            && d.pass != pass
        {
            d.dissent.push(a.user_id);
        }
    } else if let Some(d) = decide(&n, bid, step, cx.now) {
        events.push(event(
            a,
            cx,
            Some(e.tenant_id),
            Event::StepDecided {
                package_id: e.package_id,
                bid_id: bid,
                step,
                pass: d.pass,
                score: d.score,
                reason: d.reason.clone(),
                dissent: d.dissent.len() as u32,
            },
        )?);
        n.decisions.push(d);
    }
    Ok(put(e, n, events))
}

/// The decision a step's findings reach, once a majority of the pokja agrees (scored steps: once
/// a majority has scored; the mean decides).
fn decide(e: &Evaluation, bid: BidId, step: Step, at: OffsetDateTime) -> Option<Decision> {
    let fs: Vec<&Finding> = e
        .findings
        .iter()
        .filter(|f| f.bid_id == bid && f.step == step)
        .collect();
    let majority = e.majority();
    let (pass, score) = if step == Step::Technical && scores_technical(e.method) {
        if fs.len() < majority {
            return None;
        }
        let sum: u32 = fs.iter().filter_map(|f| f.score).sum();
        let mean = sum * 100 / fs.len() as u32;
        (mean >= e.passing_score.unwrap_or(0) * 100, Some(mean))
    } else {
        let yes = fs.iter().filter(|f| f.pass).count();
        let no = fs.len() - yes;
        if yes >= majority {
            (true, None)
        } else if no >= majority {
            (false, None)
        } else {
            return None;
        }
    };
    let reason = fs
        .iter()
        .find(|f| f.pass == pass)
        .map_or_else(String::new, |f| f.reason.clone());
    Some(Decision {
        bid_id: bid,
        step,
        pass,
        score,
        reason,
        dissent: fs.iter().filter(|f| f.pass != pass).map(|f| f.member).collect(),
        at,
    })
}

/// A member records the clarification of a price under the rule set's share of HPS. A price not
/// found reasonable fails the price step.
pub fn clarify_price(
    actor: &Actor,
    e: &Evaluation,
    bid: BidId,
    accepted: bool,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = member(actor, e.tenant_id, &e.members)?;
    evaluating(e)?;
    let b = e.bid(bid).ok_or(invalid("bid_id", "unknown-bid"))?;
    if !e.unreasonably_low(b) {
        return Err(invalid("bid_id", "not-low-price"));
    }
    if b.reasonableness.is_some() || e.decision(bid, Step::Price).is_some() {
        return Err(invalid("bid_id", "clarified"));
    }
    if e.decision(bid, Step::Technical).is_none_or(|d| !d.pass) {
        return Err(invalid("step", "stage-order"));
    }
    let reason = reason_text("reason", reason)?;
    let mut n = next(e);
    let mut events = vec![event(
        a,
        cx,
        Some(e.tenant_id),
        Event::PriceClarified {
            package_id: e.package_id,
            bid_id: bid,
            accepted,
            reason: reason.clone(),
        },
    )?];
    if let Some(nb) = n.bids.iter_mut().find(|x| x.bid_id == bid) {
        nb.reasonableness = Some(PriceClarification {
            accepted,
            reason: reason.clone(),
            by: a.user_id,
            at: cx.now,
        });
    }
    if !accepted {
        let d = Decision {
            bid_id: bid,
            step: Step::Price,
            pass: false,
            score: None,
            reason: UNREASONABLY_LOW.into(),
            dissent: Vec::new(),
            at: cx.now,
        };
        events.push(event(
            a,
            cx,
            Some(e.tenant_id),
            Event::StepDecided {
                package_id: e.package_id,
                bid_id: bid,
                step: Step::Price,
                pass: false,
                score: None,
                reason: d.reason.clone(),
                dissent: 0,
            },
        )?);
        n.decisions.push(d);
    }
    Ok(put(e, n, events))
}

/// A member schedules the proof of qualification of a bid that passed qualification.
pub fn schedule_proof(
    actor: &Actor,
    e: &Evaluation,
    bid: BidId,
    at: OffsetDateTime,
    place: &str,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = member(actor, e.tenant_id, &e.members)?;
    evaluating(e)?;
    e.bid(bid).ok_or(invalid("bid_id", "unknown-bid"))?;
    if e.decision(bid, Step::Qualification).is_none_or(|d| !d.pass) {
        return Err(invalid("step", "stage-order"));
    }
    if e.decision(bid, Step::Proof).is_some() {
        return Err(invalid("bid_id", "proof-decided"));
    }
    if at < cx.now {
        return Err(invalid("at", "in-the-past"));
    }
    let place = crate::command::valid_name("place", place)?;
    let mut n = next(e);
    if let Some(nb) = n.bids.iter_mut().find(|x| x.bid_id == bid) {
        nb.proof = Some(ProofMeeting {
            at,
            place: place.clone(),
        });
    }
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::ProofScheduled {
            package_id: e.package_id,
            bid_id: bid,
            at,
            place,
        },
    )?;
    Ok(put(e, n, vec![ev]))
}

/// SHA-256 of a record's canonical JSON: what a vote binds to.
pub fn record_sha256(r: &AwardRecord) -> Result<String, CommandError> {
    use sha2::{Digest, Sha256};
    let bytes = crate::canonical::to_canonical_string(r)?;
    Ok(hex(&Sha256::digest(bytes)))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A member votes on an outcome: the award the ranking gives now, or the tender's failure with a
/// reason the figures support (collusion and errors are the pokja's findings). When a majority
/// agrees on the same record it is announced — or, above the rule set's limit, proposed to the
/// budget holder.
pub fn approve(
    actor: &Actor,
    e: &Evaluation,
    proposal: &Proposal,
    agree: bool,
    reason: Option<&str>,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = member(actor, e.tenant_id, &e.members)?;
    evaluating(e)?;
    let reason = match (agree, reason) {
        (false, Some(r)) => Some(reason_text("reason", r)?),
        (false, None) => return Err(invalid("reason", "invalid-reason")),
        (true, _) => None,
    };
    let record = e.record(proposal);
    match proposal {
        Proposal::Award if !e.award_ready() => return Err(invalid("proposal", "award-not-ready")),
        Proposal::Fail { note, .. } => {
            reason_text("note", note)?;
            if !rank::verify(&record).is_empty() {
                return Err(invalid("proposal", "failure-reason-unfounded"));
            }
        }
        Proposal::Award => {}
    }
    let sha = record_sha256(&record)?;
    if e.approvals
        .iter()
        .any(|x| x.member == a.user_id && x.record_sha256 == sha)
    {
        return Err(invalid("proposal", "voted"));
    }
    let mut n = e.clone();
    n.version += 1;
    n.approvals.retain(|x| x.member != a.user_id);
    n.approvals.push(Approval {
        member: a.user_id,
        record_sha256: sha.clone(),
        proposal: proposal.clone(),
        agree,
        reason: reason.clone(),
        at: cx.now,
    });
    let mut events = vec![event(
        a,
        cx,
        Some(e.tenant_id),
        Event::OutcomeVoted {
            package_id: e.package_id,
            record_sha256: sha.clone(),
            agree,
            reason,
        },
    )?];
    let ayes = n
        .approvals
        .iter()
        .filter(|x| x.agree && x.record_sha256 == sha)
        .count();
    if ayes >= n.majority() {
        match proposal {
            Proposal::Award if n.budget_holder_decides => {
                n.status = Status::Proposed {
                    record: Box::new(record),
                };
                events.push(event(
                    a,
                    cx,
                    Some(e.tenant_id),
                    Event::AwardProposed {
                        package_id: e.package_id,
                        record_sha256: sha,
                    },
                )?);
            }
            Proposal::Award => {
                events.push(announce(a, &mut n, record, cx)?);
            }
            Proposal::Fail { reason, note } => {
                events.push(event(
                    a,
                    cx,
                    Some(e.tenant_id),
                    Event::TenderFailed {
                        package_id: e.package_id,
                        reason: *reason,
                        note: note.trim().to_owned(),
                        record: Box::new(record.clone()),
                    },
                )?);
                n.status = Status::Failed {
                    record: Box::new(record),
                    note: note.trim().to_owned(),
                    at: cx.now,
                };
            }
        }
    }
    Ok(put(e, n, events))
}

fn announce(
    a: &UserActor,
    n: &mut Evaluation,
    record: AwardRecord,
    cx: &Cx<'_>,
) -> Result<crate::event::NewEvent, CommandError> {
    let ev = event(
        a,
        cx,
        Some(n.tenant_id),
        Event::AwardAnnounced {
            package_id: n.package_id,
            record: Box::new(record.clone()),
        },
    )?;
    n.status = Status::Awarded {
        record: Box::new(record),
        at: cx.now,
    };
    Ok(ev)
}

/// The budget holder of the package's work unit decides a proposed award: confirms and announces
/// it, or returns it to the pokja with a reason.
pub fn decide_award(
    actor: &Actor,
    e: &Evaluation,
    confirm: bool,
    reason: Option<&str>,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if !decides(a, e) {
        return Err(Denied::Forbidden.into());
    }
    let Status::Proposed { record } = &e.status else {
        return Err(invalid("package_id", "no-award-proposed"));
    };
    let mut n = next(e);
    let ev = if confirm {
        announce(a, &mut n, (**record).clone(), cx)?
    } else {
        let reason = reason_text("reason", reason.unwrap_or(""))?;
        n.status = Status::Evaluating;
        event(
            a,
            cx,
            Some(e.tenant_id),
            Event::AwardReturned {
                package_id: e.package_id,
                reason,
            },
        )?
    };
    Ok(put(e, n, vec![ev]))
}

/// After the pokja declared the tender failed for an error in the evaluation, a member begins the
/// evaluation again (Perpres 16/2018 Pasal 51 ayat (6) huruf a and ayat (7)): every finding,
/// clarification, proof meeting, decision and vote is set aside — they stay on the log — and only
/// what arithmetic decided stands.
pub fn reevaluate(
    actor: &Actor,
    e: &Evaluation,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let a = member(actor, e.tenant_id, &e.members)?;
    match &e.status {
        Status::Failed { record, .. } if record.failure == Some(FailureReason::EvaluationError) => {}
        _ => return Err(invalid("package_id", "reevaluation-not-allowed")),
    }
    let reason = reason_text("reason", reason)?;
    restart(a, e, reason, cx)
}

/// The evaluation begun again: every finding, clarification, proof meeting, decision and vote set
/// aside — they stay on the log — and only what arithmetic decided kept.
fn restart(
    a: &UserActor,
    e: &Evaluation,
    reason: String,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    let arithmetic = [
        ABOVE_HPS,
        ABOVE_PAGU,
        NOT_OPENED,
        NO_SCHEDULE,
        BAD_SCHEDULE,
        "moot",
    ];
    let mut n = next(e);
    n.findings.clear();
    n.decisions
        .retain(|d| d.dissent.is_empty() && arithmetic.contains(&d.reason.as_str()));
    for b in &mut n.bids {
        b.reasonableness = None;
        b.proof = None;
    }
    n.status = Status::Evaluating;
    let ev = event(
        a,
        cx,
        Some(e.tenant_id),
        Event::EvaluationRestarted {
            package_id: e.package_id,
            reason,
        },
    )?;
    Ok(put(e, n, vec![ev]))
}

/// An upheld objection reopens an announced award: the pokja evaluates again (and may then award
/// anew or declare the tender failed). Only the objection stage calls this, on an upheld answer.
pub(crate) fn reopen_after_objection(
    a: &UserActor,
    e: &Evaluation,
    reason: String,
    cx: &Cx<'_>,
) -> Result<(Evaluation, Change<Mutation>), CommandError> {
    if !matches!(e.status, Status::Awarded { .. }) {
        return Err(invalid("package_id", "not-awarded"));
    }
    restart(a, e, reason, cx)
}

/// After a failure the pokja may not cure by evaluating again, a member repeats the tender
/// (Perpres 16/2018 Pasal 51 ayat (6) huruf c): a new package of the same plan item, HPS and
/// location, linked to the failed one, run by the same pokja (its declarations stand: the
/// procurement is the same), to be set up, sealed and announced afresh. Once per failed tender.
pub fn repeat_tender(
    actor: &Actor,
    e: &Evaluation,
    failed: &crate::package::Package,
    assignment: &PokjaAssignment,
    repeated: bool,
    cx: &Cx<'_>,
) -> Result<(crate::package::Package, Change<Mutation>), CommandError> {
    let a = member(actor, e.tenant_id, &e.members)?;
    match &e.status {
        Status::Failed { record, .. } if record.failure != Some(FailureReason::EvaluationError) => {}
        _ => return Err(invalid("package_id", "repeat-not-allowed")),
    }
    if repeated || failed.id != e.package_id || assignment.package_id != e.package_id {
        return Err(invalid("package_id", "repeat-exists"));
    }
    let p = crate::package::Package {
        id: cx.id(),
        created_at: cx.now,
        repeat_of: Some(failed.id),
        ..failed.clone()
    };
    let pokja = PokjaAssignment {
        package_id: p.id,
        assigned_at: cx.now,
        ..assignment.clone()
    };
    let events = vec![
        event(
            a,
            cx,
            Some(e.tenant_id),
            crate::package::Event::PackageCreated {
                package_id: p.id,
                plan_item_id: p.plan_item_id,
                work_unit_id: p.work_unit_id,
                name: p.name.clone(),
                budget_ceiling: p.budget_ceiling,
                owner_estimate: p.owner_estimate,
                hps_breakdown: p.hps_breakdown.clone(),
                location: p.location.clone(),
                rule_set: p.rule_set.clone(),
                repeat_of: p.repeat_of,
            },
        )?,
        event(
            a,
            cx,
            Some(e.tenant_id),
            crate::pokja::Event::PokjaAssigned {
                package_id: p.id,
                members: pokja.members.clone(),
            },
        )?,
        event(
            a,
            cx,
            Some(e.tenant_id),
            Event::TenderRepeated {
                package_id: failed.id,
                repeat_id: p.id,
            },
        )?,
    ];
    Ok((
        p.clone(),
        Change {
            events,
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(failed.id)),
                Mutation::Package(crate::package::Mutation::InsertPackage(p)),
                Mutation::Pokja(crate::pokja::Mutation::InsertPokjaAssignment(pokja.clone())),
                Mutation::Pokja(crate::pokja::Mutation::Declarations {
                    package_id: pokja.package_id,
                    members: pokja.declared.clone(),
                    at: cx.now,
                }),
            ],
        },
    ))
}

/// An auditor's read of an evaluation in progress (its findings, prices and decisions): logged,
/// committed on the public log, no state change.
pub fn audit_read(actor: &Actor, e: &Evaluation, cx: &Cx<'_>) -> Result<Change<Mutation>, CommandError> {
    authorize(actor, Action::ViewEvaluation(e.tenant_id))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    Ok(Change {
        events: vec![event(
            a,
            cx,
            Some(e.tenant_id),
            Event::EvaluationRead {
                package_id: e.package_id,
            },
        )?],
        mutations: Vec::new(),
    })
}

/// Who may read an evaluation before its announcement: the tender's pokja, the regency's
/// auditors (whose read the caller logs with [`audit_read`]), and the work unit's budget holder
/// once an award is proposed to them.
pub fn may_read(actor: &Actor, e: &Evaluation) -> bool {
    let Some(u) = actor.user() else {
        return false;
    };
    e.members.contains(&u.user_id) && authorize(actor, Action::RunTender(e.tenant_id)).is_ok()
        || authorize(actor, Action::ViewEvaluation(e.tenant_id)).is_ok()
        || decides(u, e) && !matches!(e.status, Status::Evaluating)
}

/// Whether a user is the budget holder who decides this evaluation's award.
pub fn decides(u: &UserActor, e: &Evaluation) -> bool {
    u.role == Role::BudgetHolder && u.tenant_id == Some(e.tenant_id) && u.work_unit_id == Some(e.work_unit_id)
}
