//! A regency's complaint figures, from public facts only (categories, statuses, dates, the
//! mediation's outcome and the agreed actions' deadlines): what the dashboard and a visiting
//! regency compare.

use super::mediation::{self, Outcome};
use super::{Category, Complaint, Status};
use serde::Serialize;
use time::OffsetDateTime;

/// The figures of a set of complaints at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// All complaints.
    pub total: u64,
    /// How many per category (every category, in the form's order).
    pub by_category: Vec<(&'static str, u64)>,
    /// How many got a first answer.
    pub answered: u64,
    /// Of those, how many on time.
    pub answered_on_time: u64,
    /// The median time to the first answer, in hours (rounded down), if any was answered.
    pub median_hours_to_first_answer: Option<i64>,
    /// How many were mediated (at least once).
    pub mediated: u64,
    /// How many are settled by a mediation's agreement now.
    pub settled_by_mediation: u64,
    /// The settled share of those mediated whose last mediation ended, per mille.
    pub settled_permille: Option<u64>,
    /// How many went to law enforcement.
    pub escalated: u64,
    /// Agreed actions past their deadline and not done (also once the complaint reopened for it).
    pub overdue_actions: u64,
}

/// Computes the figures of `all` at `now`.
pub fn figures(all: &[Complaint], now: OffsetDateTime) -> Figures {
    let by_category = Category::ALL
        .iter()
        .map(|c| (c.code(), all.iter().filter(|x| x.category == *c).count() as u64))
        .collect();
    let mut hours: Vec<i64> = all
        .iter()
        .filter_map(|c| c.first_answer_at.map(|a| (a - c.filed_at).whole_hours()))
        .collect();
    hours.sort_unstable();
    let median = match hours.len() {
        0 => None,
        n if n % 2 == 1 => Some(hours[n / 2]),
        n => Some((hours[n / 2 - 1] + hours[n / 2]) / 2),
    };
    let mediated: Vec<&Complaint> = all.iter().filter(|c| !c.mediations.is_empty()).collect();
    let ended = mediated
        .iter()
        .filter(|c| c.mediations.last().is_some_and(|m| m.outcome.is_some()))
        .count() as u64;
    let settled = all
        .iter()
        .filter(|c| {
            c.status == Status::Settled
                && matches!(
                    c.mediations.last().and_then(|m| m.outcome.as_ref()),
                    Some(Outcome::Agreement { .. })
                )
        })
        .count() as u64;
    Figures {
        total: all.len() as u64,
        by_category,
        answered: hours.len() as u64,
        answered_on_time: all
            .iter()
            .filter(|c| c.first_answer_at.is_some_and(|a| a <= c.answer_due))
            .count() as u64,
        median_hours_to_first_answer: median,
        mediated: mediated.len() as u64,
        settled_by_mediation: settled,
        settled_permille: (ended > 0).then(|| settled * 1000 / ended),
        escalated: all.iter().filter(|c| c.status == Status::Escalated).count() as u64,
        overdue_actions: all
            .iter()
            .flat_map(|c| mediation::actions(c).iter().map(move |a| (c, a)))
            .filter(|(_, a)| a.done_at.is_none() && now > a.due)
            .count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::mediation::{AgreedAction, Mediation, PartyKind};
    use crate::complaint::{Complainant, Subject};
    use crate::ids::{ComplaintId, TenantId, UserId};
    use time::Duration;
    use time::macros::datetime;

    fn complaint(category: Category, hours_to_answer: Option<i64>, status: Status) -> Complaint {
        let filed = datetime!(2026-11-02 02:00 UTC);
        Complaint {
            id: ComplaintId::from(uuid::Uuid::from_u128(1)),
            tenant_id: TenantId::from(uuid::Uuid::from_u128(2)),
            number: "PGD-2026-0001".into(),
            category,
            subject: Subject::General,
            text: "x".into(),
            complainant: Complainant::Anonymous,
            code_hash: "0".repeat(64),
            filed_at: filed,
            answer_due: filed + Duration::days(7),
            first_answer_at: hours_to_answer.map(|h| filed + Duration::hours(h)),
            overdue: false,
            status,
            notes: vec![],
            evidence: vec![],
            mediations: vec![],
            version: 1,
        }
    }

    fn mediated(mut c: Complaint, outcome: Option<Outcome>) -> Complaint {
        c.mediations.push(Mediation {
            mediator: UserId::from(uuid::Uuid::from_u128(3)),
            opened_at: c.filed_at,
            parties: vec![],
            sessions: vec![],
            outcome,
        });
        c
    }

    #[test]
    fn the_figures_of_six_complaints_by_hand() {
        let now = datetime!(2026-12-01 00:00 UTC);
        let due = datetime!(2026-11-20 00:00 UTC);
        let action = |done: bool| AgreedAction {
            party: PartyKind::Ppk,
            what: "x".into(),
            due,
            done_at: done.then_some(due),
            overdue: false,
        };
        let agreement = |actions| {
            Some(Outcome::Agreement {
                actions,
                at: due - Duration::days(5),
            })
        };
        let all = vec![
            // Answered in 10 h, settled with one action done and one overdue.
            mediated(
                complaint(Category::Process, Some(10), Status::Settled),
                agreement(vec![action(true), action(false)]),
            ),
            // Answered in 30 h, mediated without agreement, then escalated.
            mediated(
                complaint(Category::Process, Some(30), Status::Escalated),
                Some(Outcome::NoAgreement {
                    reason: "x".into(),
                    at: due,
                }),
            ),
            // Answered in 200 h (past the 7-day due date): late.
            complaint(Category::Contract, Some(200), Status::Accepted),
            // In mediation, not ended.
            mediated(complaint(Category::Other, Some(20), Status::InMediation), None),
            // Bribery, escalated, answered in 2 h.
            complaint(Category::Bribery, Some(2), Status::Escalated),
            // Not answered.
            complaint(Category::Other, None, Status::Received),
        ];
        let f = figures(&all, now);
        assert_eq!(f.total, 6);
        assert_eq!(
            f.by_category,
            vec![
                ("process", 2),
                ("collusion", 0),
                ("bribery", 1),
                ("conflict_of_interest", 0),
                ("contract", 1),
                ("late_objection", 0),
                ("other", 2)
            ]
        );
        // Answered: 10, 30, 200, 20, 2 → sorted 2, 10, 20, 30, 200: the median is 20 h.
        assert_eq!((f.answered, f.median_hours_to_first_answer), (5, Some(20)));
        // On time: all but the 200 h one (due at 168 h).
        assert_eq!(f.answered_on_time, 4);
        // Mediated 3; ended 2 (agreement, no agreement); settled 1 → 500 ‰.
        assert_eq!(
            (f.mediated, f.settled_by_mediation, f.settled_permille),
            (3, 1, Some(500))
        );
        assert_eq!(f.escalated, 2);
        assert_eq!(f.overdue_actions, 1);
        // Nothing at all: no median, no share.
        let none = figures(&[], now);
        assert_eq!(
            (none.median_hours_to_first_answer, none.settled_permille),
            (None, None)
        );
        // An even count takes the mean of the middle two: 10 and 30 → 20.
        let two = figures(&all[..2], now);
        assert_eq!(two.median_hours_to_first_answer, Some(20));
    }
}
