//! The periods after an award, ended by the server's timer: the objection period (sanggah), the
//! pokja's answer period when objections were filed, and — for construction, once a rejected
//! objection's answer is in — the appeal period (sanggah banding) and, when appeals came, the
//! budget holder's answer period. Commands already enforce each
//! window at its instant, from the recorded announcement and answers; the timer puts each end on
//! the public log when it passes (with what was filed and what is still unanswered), so that
//! nobody has to remember it and everyone can see it. It is decided from the record and the clock
//! alone: a server that restarts in the middle of a window fires it when it ends, once (the store
//! keeps one end per award and period), and a second server racing it changes nothing.

use crate::appeal::Appeal;
use crate::command::{Change, CommandError};
use crate::evaluation::Evaluation;
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::PackageId;
use crate::objection::{Objection, Window};
use crate::rules::{Category, RuleSet};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// A period after the award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Objections may be filed.
    Objection,
    /// The pokja answers the objections filed.
    ObjectionAnswer,
    /// A construction bidder whose objection was rejected may appeal.
    Appeal,
    /// The budget holder answers the appeals filed.
    AppealAnswer,
}

impl Period {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Period::Objection => "objection",
            Period::ObjectionAnswer => "objection_answer",
            Period::Appeal => "appeal",
            Period::AppealAnswer => "appeal_answer",
        }
    }

    /// The period of a code.
    pub fn from_code(s: &str) -> Option<Period> {
        [
            Period::Objection,
            Period::ObjectionAnswer,
            Period::Appeal,
            Period::AppealAnswer,
        ]
        .into_iter()
        .find(|p| p.code() == s)
    }
}

/// A period's end, as decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    /// Which.
    pub period: Period,
    /// When it ended.
    pub at: OffsetDateTime,
    /// Objections (or, for the appeal period, appeals) filed in it.
    pub filed: u32,
    /// Objections (appeals) still unanswered when their answer period ended (0 otherwise).
    pub unanswered: u32,
    /// Whether no period of this award remains after this one.
    pub last: bool,
}

/// What [`due`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Award<'a> {
    /// The evaluation, awarded.
    pub evaluation: &'a Evaluation,
    /// The award's objection window.
    pub window: &'a Window,
    /// The tender's objections.
    pub objections: &'a [Objection],
    /// The tender's appeals.
    pub appeals: &'a [Appeal],
    /// The package's category (appeals are for construction only).
    pub category: Category,
    /// The rule set.
    pub rules: &'a RuleSet,
}

/// The ends of this award's periods that have passed by `now` and are not among `fired`, in
/// the order they ended.
pub fn due(x: Award<'_>, fired: &[Period], now: OffsetDateTime) -> Vec<End> {
    let current: Vec<&Objection> = x
        .objections
        .iter()
        .filter(|o| o.filed_at >= x.window.opens)
        .collect();
    let filed = current.len() as u32;
    let unanswered = current.iter().filter(|o| o.answer.is_none()).count() as u32;
    // The appeal period runs from the last answer once every objection is answered and one was
    // rejected (construction only).
    let appeal_ends = (x.category == Category::Works && filed > 0 && unanswered == 0)
        .then(|| {
            let rejected = current
                .iter()
                .filter_map(|o| o.answer.as_ref())
                .any(|a| !a.upheld);
            let last = current
                .iter()
                .filter_map(|o| o.answer.as_ref().map(|a| a.at))
                .max();
            last.filter(|_| rejected)
                .map(|at| at + Duration::days(i64::from(x.rules.periods.appeal_calendar_days)))
        })
        .flatten();
    let mut ends = vec![(Period::Objection, x.window.closes, filed, 0)];
    if filed > 0 {
        ends.push((Period::ObjectionAnswer, x.window.answer_by, filed, unanswered));
    }
    let appeals: Vec<&Appeal> = x
        .appeals
        .iter()
        .filter(|a| a.filed_at >= x.window.opens)
        .collect();
    if let Some(at) = appeal_ends {
        ends.push((Period::Appeal, at, appeals.len() as u32, 0));
        // Appeals are answered within their period of the last filed (all filed by now, since
        // the answer period outlasts the appeal period).
        if let Some(last) = appeals.iter().map(|a| a.filed_at).max() {
            let by = last + Duration::days(i64::from(x.rules.periods.appeal_answer_calendar_days));
            let open = appeals.iter().filter(|a| a.answer.is_none()).count() as u32;
            ends.push((Period::AppealAnswer, by, appeals.len() as u32, open));
        }
    }
    // Settled: the objection period over and, if objections came, all answered (an answer still
    // to come may open the appeal period).
    let may_grow = now < x.window.closes || unanswered > 0;
    let mut out: Vec<End> = ends
        .iter()
        .filter(|(p, at, ..)| now >= *at && !fired.contains(p))
        .map(|(period, at, filed, unanswered)| End {
            period: *period,
            at: *at,
            filed: *filed,
            unanswered: *unanswered,
            last: false,
        })
        .collect();
    out.sort_by_key(|e| e.at);
    let all_ended = ends.iter().all(|(_, at, ..)| now >= *at);
    if !may_grow
        && all_ended
        && let Some(e) = out.last_mut()
    {
        e.last = true;
    }
    out
}

/// The change that records `end` of the award at `evaluation_version` of `package`.
pub fn record(
    package: PackageId,
    tenant: crate::ids::TenantId,
    evaluation_version: u32,
    end: End,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let e = NewEvent::new(
        cx,
        Some(tenant),
        None,
        None,
        &Event::PeriodEnded {
            package_id: package,
            period: end.period,
            ended_at: end.at,
            filed: end.filed,
            unanswered: end.unanswered,
        },
    )?;
    Ok(Change {
        events: vec![e],
        mutations: vec![Mutation::InsertPeriodEnd {
            package_id: package,
            evaluation_version,
            period: end.period,
            last: end.last,
        }],
    })
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A period after the award ended (the server's timer).
    PeriodEnded {
        /// The tender.
        package_id: PackageId,
        /// Which period.
        period: Period,
        /// When it ended (the rule's instant; the event is appended at or after it).
        #[serde(with = "time::serde::rfc3339")]
        ended_at: OffsetDateTime,
        /// Objections (appeals) filed in it.
        filed: u32,
        /// Objections unanswered when the answer period ended.
        unanswered: u32,
    },
}

crate::privacy::event_table! {
    PeriodEnded "period_ended" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        period: PUBLIC => "the rule's period",
        ended_at: PUBLIC => "the rule's instant",
        filed: PUBLIC => "that objections exist is public",
        unanswered: PUBLIC => "an overdue answer is public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A period's end, once per award (the evaluation's version) and period: a second insert is
    /// refused as a duplicate.
    InsertPeriodEnd {
        /// The tender.
        package_id: PackageId,
        /// The evaluation's version holding the award.
        evaluation_version: u32,
        /// Which.
        period: Period,
        /// Whether it was the award's last.
        last: bool,
    },
}

#[cfg(test)]
mod tests;
