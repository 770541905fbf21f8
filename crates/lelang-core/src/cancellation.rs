//! Cancelling a tender (pembatalan): the budget holder (PA/KPA) of the work unit that pays for a
//! package stops its tender at any stage before a winner is announced — the budget was cut, the
//! need is gone, a force majeure — with a ground and a published reason.
//!
//! Who decides: the budget holder, because the budget and the need are theirs (Perpres 16/2018
//! Pasal 9 ayat (1): PA/KPA decides the use of the budget and, Pasal 51 as amended, declares
//! failures that are not the pokja's to declare). No article that names "pembatalan" of a running
//! tender and its authority was confirmed from current sources: this is lelang's reading, kept in
//! one place (`cancel`) so that a confirmed rule changes one function.
//!
//! What follows: no more bids are committed (a bid committed before stays sealed and provable,
//! promise 2 — it is simply never opened), no opening starts, the evaluation does not change, the
//! schedule does not move. A cancelled tender is never reopened: a new need is a new package.

use crate::command::{Change, CommandError, acting, event, invalid};
use crate::evaluation::{Evaluation, Status};
use crate::fresh::Cx;
use crate::ids::{PackageId, TenantId};
use crate::package::Package;
use crate::policy::{Action, Actor, authorize};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Why a tender is cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// The budget is no longer available (cut or moved: pemotongan/pergeseran anggaran).
    BudgetUnavailable,
    /// What was to be bought is no longer needed, or the need changed beyond an addendum.
    NoLongerNeeded,
    /// A force majeure (keadaan kahar) stops the procurement.
    ForceMajeure,
    /// Another ground, explained in the reason.
    Other,
}

impl Ground {
    /// Every ground, in the order forms list them.
    pub const ALL: [Ground; 4] = [
        Ground::BudgetUnavailable,
        Ground::NoLongerNeeded,
        Ground::ForceMajeure,
        Ground::Other,
    ];

    /// The stable code (message keys, forms, the API).
    pub fn code(self) -> &'static str {
        match self {
            Ground::BudgetUnavailable => "budget_unavailable",
            Ground::NoLongerNeeded => "no_longer_needed",
            Ground::ForceMajeure => "force_majeure",
            Ground::Other => "other",
        }
    }

    /// The ground of a code.
    pub fn from_code(code: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|g| g.code() == code)
    }
}

/// A cancelled tender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The ground.
    pub ground: Ground,
    /// The published reason.
    pub reason: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What [`cancel`] must know about the tender.
#[derive(Debug, Clone, Copy)]
pub struct Tender<'a> {
    /// The package.
    pub package: &'a Package,
    /// Its evaluation, once begun.
    pub evaluation: Option<&'a Evaluation>,
    /// Its cancellation, if it is cancelled.
    pub cancelled: Option<&'a Cancellation>,
    /// Whether a repeat tender carries it on.
    pub repeated: bool,
}

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// Whether `actor` may cancel the tender now (forms ask this rather than repeat the rule).
pub fn may_cancel(actor: &Actor, t: Tender<'_>) -> bool {
    cancellable(actor, t).is_ok()
}

fn cancellable<'a>(actor: &'a Actor, t: Tender<'_>) -> Result<&'a crate::policy::UserActor, CommandError> {
    authorize(
        actor,
        Action::CancelTender {
            tenant: t.package.tenant_id,
            work_unit: t.package.work_unit_id,
        },
    )?;
    let a = acting(actor)?;
    if t.cancelled.is_some() {
        return Err(invalid("package_id", "tender-cancelled"));
    }
    if t.evaluation
        .is_some_and(|e| matches!(e.status, Status::Awarded { .. }))
    {
        return Err(invalid("package_id", "tender-awarded"));
    }
    if t.repeated {
        return Err(invalid("package_id", "repeat-exists"));
    }
    Ok(a)
}

/// The budget holder of the package's work unit cancels its tender, at any stage before the
/// winner is announced (a failed tender too, unless a repeat carries it on: cancel the repeat).
pub fn cancel(
    actor: &Actor,
    t: Tender<'_>,
    ground: Ground,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(Cancellation, Change<Mutation>), CommandError> {
    let a = cancellable(actor, t)?;
    let p = t.package;
    let reason = reason.trim();
    let n = reason.chars().count();
    if !(10..=MAX_REASON_CHARS).contains(&n) || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid("reason", "invalid-cancellation-reason"));
    }
    let c = Cancellation {
        package_id: p.id,
        tenant_id: p.tenant_id,
        ground,
        reason: reason.to_owned(),
        at: cx.now,
    };
    let ev = event(
        a,
        cx,
        Some(p.tenant_id),
        Event::TenderCancelled {
            package_id: p.id,
            ground,
            reason: c.reason.clone(),
        },
    )?;
    Ok((
        c.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertCancellation {
                cancellation: c,
                evaluation_version: t.evaluation.map(|e| e.version),
            }],
        },
    ))
}

/// What happened in this stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The budget holder cancelled a tender.
    TenderCancelled {
        /// The tender.
        package_id: PackageId,
        /// The ground.
        ground: Ground,
        /// Why, published.
        reason: String,
    },
}

crate::privacy::event_table! {
    TenderCancelled "tender_cancelled" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        ground: PUBLIC => "a cancellation's ground is published",
        reason: PUBLIC => "a cancellation's reason is published",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A tender cancelled; refused if it already is, or if its evaluation moved on from the
    /// version read (it may have been awarded meanwhile). The public list marks it.
    InsertCancellation {
        /// The cancellation.
        cancellation: Cancellation,
        /// The evaluation's version when read (none: no evaluation then, and none now).
        evaluation_version: Option<u32>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{UserId, WorkUnitId};
    use crate::policy::UserActor;
    use crate::role::Role;

    fn actor(role: Role, p: &Package, unit: Option<WorkUnitId>) -> Actor {
        Actor::User(UserActor {
            user_id: UserId::new(),
            username: "x".into(),
            role,
            tenant_id: Some(p.tenant_id),
            work_unit_id: unit,
            vendor_id: None,
        })
    }

    fn package() -> Package {
        let w = crate::fixtures::world();
        w.package.clone()
    }

    #[test]
    fn only_the_budget_holder_of_the_work_unit_cancels_and_only_once_before_the_award() {
        let p = package();
        let now = crate::fixtures::now();
        let cx = crate::fixtures::cx(now);
        let live = Tender {
            package: &p,
            evaluation: None,
            cancelled: None,
            repeated: false,
        };
        let reason = "Anggaran dipotong untuk penanganan bencana";
        for who in [
            actor(Role::PokjaMember, &p, None),
            actor(Role::CommitmentOfficer, &p, Some(p.work_unit_id)),
            actor(Role::UlpHead, &p, None),
            actor(Role::BudgetHolder, &p, Some(WorkUnitId::new())),
            Actor::Anonymous,
        ] {
            assert!(
                matches!(
                    cancel(&who, live, Ground::BudgetUnavailable, reason, &cx),
                    Err(CommandError::Denied(_))
                ),
                "{who:?}"
            );
        }
        let pa = actor(Role::BudgetHolder, &p, Some(p.work_unit_id));
        assert_eq!(
            cancel(&pa, live, Ground::Other, "  kurang ", &cx).expect_err("short"),
            invalid("reason", "invalid-cancellation-reason")
        );
        let (c, change) = cancel(&pa, live, Ground::BudgetUnavailable, reason, &cx).expect("cancelled");
        assert_eq!(c.reason, reason);
        assert_eq!(change.events.len(), 1);
        assert_eq!(change.events[0].event_type, "tender_cancelled");
        assert_eq!(
            change.mutations,
            vec![Mutation::InsertCancellation {
                cancellation: c.clone(),
                evaluation_version: None
            }]
        );
        let again = Tender {
            cancelled: Some(&c),
            ..live
        };
        assert_eq!(
            cancel(&pa, again, Ground::Other, reason, &cx).expect_err("twice"),
            invalid("package_id", "tender-cancelled")
        );
        let repeated = Tender {
            repeated: true,
            ..live
        };
        assert_eq!(
            cancel(&pa, repeated, Ground::Other, reason, &cx).expect_err("repeat carries on"),
            invalid("package_id", "repeat-exists")
        );
    }

    #[test]
    fn grounds_round_trip_their_codes() {
        for g in Ground::ALL {
            assert_eq!(Ground::from_code(g.code()), Some(g));
        }
        assert_eq!(Ground::from_code("bribery"), None);
    }
}
