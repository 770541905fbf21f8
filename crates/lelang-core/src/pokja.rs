//! Pokja (working group) assignment: the ULP head assigns 3 or 5 pokja members to a package; the
//! system suggests the least-loaded members so that no one drowns while others idle; each member
//! then declares, on the record, that they have no conflict of interest.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{PackageId, TenantId, UserId};
use crate::package::Package;
use crate::policy::{Action, Actor, Denied, authorize};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A package's pokja.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PokjaAssignment {
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The members, 3 or 5.
    pub members: Vec<UserId>,
    /// Members who declared no conflict of interest.
    pub declared: Vec<UserId>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub assigned_at: OffsetDateTime,
}

/// A pokja member as the ULP head sees them when assigning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The member.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// How many packages they are assigned to now.
    pub workload: u32,
}

/// Ranks the regency's pokja members by current workload (fewest first, then by name), so the
/// first three or five are the suggestion.
pub fn rank_candidates(members: &[(UserId, String)], assignments: &[PokjaAssignment]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = members
        .iter()
        .map(|(id, name)| Candidate {
            user_id: *id,
            name: name.clone(),
            workload: assignments.iter().filter(|a| a.members.contains(id)).count() as u32,
        })
        .collect();
    out.sort_by(|a, b| a.workload.cmp(&b.workload).then_with(|| a.name.cmp(&b.name)));
    out
}

/// The suggestion for a new pokja, best first: the members with the least load weighted by each
/// tender's category, method and value (`weighted`, per mille: the dashboard's forecast), then the
/// fewest tenders, then by name. The first three (or five) are proposed.
pub fn suggest(candidates: &[Candidate], weighted: impl Fn(UserId) -> i64) -> Vec<&Candidate> {
    let mut out: Vec<&Candidate> = candidates.iter().collect();
    out.sort_by(|a, b| {
        weighted(a.user_id)
            .cmp(&weighted(b.user_id))
            .then(a.workload.cmp(&b.workload))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// The ULP head assigns a pokja of 3 or 5 distinct pokja members of the regency to a package that
/// has none yet, once the unit has `accepted` its hand-over (see [`crate::handover`]).
pub fn assign_pokja(
    actor: &Actor,
    package: &Package,
    accepted: bool,
    members: &[UserId],
    eligible: &[UserId],
    existing: Option<&PokjaAssignment>,
    cx: &Cx<'_>,
) -> Result<(PokjaAssignment, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::AssignPokja(package.tenant_id))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if existing.is_some() {
        return Err(invalid("package_id", "pokja-already-assigned"));
    }
    if !accepted {
        return Err(invalid("package_id", "handover-not-accepted"));
    }
    let mut distinct = members.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != members.len() || !matches!(members.len(), 3 | 5) {
        return Err(invalid("members", "pokja-size"));
    }
    if !members.iter().all(|m| eligible.contains(m)) {
        return Err(invalid("members", "pokja-not-member"));
    }
    let assignment = PokjaAssignment {
        package_id: package.id,
        tenant_id: package.tenant_id,
        members: members.to_vec(),
        declared: vec![],
        assigned_at: now,
    };
    let event = NewEvent::new(
        cx,
        Some(package.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::PokjaAssigned {
            package_id: package.id,
            members: members.to_vec(),
        },
    )?;
    Ok((
        assignment.clone(),
        Change {
            events: vec![event],
            mutations: vec![Mutation::InsertPokjaAssignment(assignment)],
        },
    ))
}

/// A member of the pokja declares no conflict of interest with the package.
pub fn declare_no_conflict(
    actor: &Actor,
    assignment: &PokjaAssignment,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    authorize(actor, Action::DeclareNoConflict(assignment.tenant_id))?;
    if !assignment.members.contains(&a.user_id) {
        return Err(Denied::Forbidden.into());
    }
    if assignment.declared.contains(&a.user_id) {
        return Err(invalid("package_id", "pokja-already-declared"));
    }
    let event = NewEvent::new(
        cx,
        Some(assignment.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::NoConflictDeclared {
            package_id: assignment.package_id,
            member: a.user_id,
        },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::InsertDeclaration {
            package_id: assignment.package_id,
            member: a.user_id,
            at: now,
        }],
    })
}

/// The ULP head replaces a member who cannot serve (leave, illness, a conflict found later) with
/// another pokja member of the regency, with a reason (committed on the public log: it may name
/// the member), until the announcement: the newcomer
/// declares afresh, and a key ceremony already run is run again with the new pokja (bids are
/// sealed to the ceremony's key, so after the announcement the pokja stays as it is — k of n
/// members open, and a majority evaluates, without the absent one).
#[allow(clippy::too_many_arguments)]
pub fn replace_member(
    actor: &Actor,
    assignment: &PokjaAssignment,
    out: UserId,
    replacement: UserId,
    eligible: &[UserId],
    announced: bool,
    reason: &str,
    cx: &Cx<'_>,
) -> Result<(PokjaAssignment, Change<Mutation>), CommandError> {
    authorize(actor, Action::AssignPokja(assignment.tenant_id))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if announced {
        return Err(invalid("package_id", "already-announced"));
    }
    if !assignment.members.contains(&out) {
        return Err(invalid("out", "pokja-not-member"));
    }
    if assignment.members.contains(&replacement) || !eligible.contains(&replacement) {
        return Err(invalid("replacement", "pokja-not-member"));
    }
    let reason = reason.trim();
    if !(10..=1000).contains(&reason.chars().count()) || !crate::text::is_clean_line(reason) {
        return Err(invalid("reason", "schedule-reason"));
    }
    let mut n = assignment.clone();
    for m in &mut n.members {
        if *m == out {
            *m = replacement;
        }
    }
    n.declared.retain(|m| *m != out);
    let event = NewEvent::new(
        cx,
        Some(assignment.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::PokjaMemberReplaced {
            package_id: assignment.package_id,
            out,
            replacement,
            reason: reason.to_owned(),
        },
    )?;
    Ok((
        n,
        Change {
            events: vec![event],
            mutations: vec![Mutation::ReplaceMember {
                package_id: assignment.package_id,
                tenant_id: assignment.tenant_id,
                out,
                replacement,
                at: cx.now,
            }],
        },
    ))
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The ULP head assigned a pokja to a package.
    PokjaAssigned {
        /// The package.
        package_id: crate::ids::PackageId,
        /// Its members.
        members: Vec<UserId>,
    },
    /// A pokja member declared no conflict of interest with a package.
    NoConflictDeclared {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The member.
        member: UserId,
    },
    /// The ULP head replaced a member of a package's pokja, with a reason.
    PokjaMemberReplaced {
        /// The package.
        package_id: crate::ids::PackageId,
        /// Who left.
        out: UserId,
        /// Who joined.
        replacement: UserId,
        /// Why.
        reason: String,
    },
}

crate::privacy::event_table! {
    PokjaAssigned "pokja_assigned" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender has a pokja",
        members: MEMBERSHIP => "pokja members are shielded from pressure while the tender runs",
    }
    NoConflictDeclared "no_conflict_declared" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "a declaration was made",
        member: MEMBERSHIP => "names a member of a running tender's pokja",
    }
    PokjaMemberReplaced "pokja_member_replaced" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the pokja changed",
        out: MEMBERSHIP => "names a member of a running tender's pokja",
        replacement: MEMBERSHIP => "names a member of a running tender's pokja",
        reason: MEMBERSHIP => "a reason for leaving a running tender's pokja may name the member (leave, illness): auditors read it",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A package's pokja.
    InsertPokjaAssignment(crate::pokja::PokjaAssignment),
    /// A member's declaration of no conflict of interest.
    InsertDeclaration {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The member.
        member: UserId,
        /// When.
        at: OffsetDateTime,
    },
    /// Declarations carried over to a repeat tender, run by the same pokja.
    Declarations {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The members who declared.
        members: Vec<UserId>,
        /// When.
        at: OffsetDateTime,
    },
    /// A member replaced by another, who has not declared yet.
    ReplaceMember {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The regency.
        tenant_id: crate::ids::TenantId,
        /// Who left.
        out: UserId,
        /// Who joined.
        replacement: UserId,
        /// When.
        at: OffsetDateTime,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_loaded_come_first() {
        let ids: Vec<UserId> = (0..5).map(|_| UserId::new()).collect();
        let members: Vec<(UserId, String)> = ids
            .iter()
            .zip(["Agus", "Dewi", "Nur", "Rudi", "Yusuf"])
            .map(|(i, n)| (*i, n.to_string()))
            .collect();
        let busy = |who: &[usize]| PokjaAssignment {
            package_id: PackageId::new(),
            tenant_id: TenantId::new(),
            members: who.iter().map(|i| ids[*i]).collect(),
            declared: vec![],
            assigned_at: OffsetDateTime::UNIX_EPOCH,
        };
        let ranked = rank_candidates(&members, &[busy(&[0, 1, 2]), busy(&[0, 1, 3])]);
        let order: Vec<(&str, u32)> = ranked.iter().map(|c| (c.name.as_str(), c.workload)).collect();
        assert_eq!(
            order,
            [("Yusuf", 0), ("Nur", 1), ("Rudi", 1), ("Agus", 2), ("Dewi", 2)]
        );
    }

    /// Weight first: two tenders of goods weigh less than one large consulting selection.
    #[test]
    fn the_suggestion_weighs_the_load_before_counting_it() {
        let c = |name: &str, workload: u32| Candidate {
            user_id: UserId::new(),
            name: name.into(),
            workload,
        };
        let all = [c("Agus", 2), c("Dewi", 1), c("Nur", 0), c("Rudi", 1)];
        // Agus: two goods tenders (2 × 1000); Dewi: one consulting selection above Rp10 miliar
        // (1500 × 1.5 = 2250); Rudi: one goods tender (1000); Nur: nothing.
        let load = |id: UserId| {
            let i = all.iter().position(|x| x.user_id == id).unwrap_or(0);
            [2000, 2250, 0, 1000][i]
        };
        let order: Vec<&str> = suggest(&all, load).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["Nur", "Rudi", "Agus", "Dewi"]);
    }

    /// The ULP head replaces a member before the announcement; the newcomer has not declared.
    #[test]
    fn the_ulp_head_replaces_a_member_until_the_announcement() {
        let w = crate::fixtures::world();
        let head = crate::fixtures::actor(crate::role::Role::UlpHead, Some(w.tenant), None, None);
        let mut a = w.pokja.clone();
        let out = a.members[1];
        let newcomer = UserId::new();
        let eligible: Vec<UserId> = a.members.iter().copied().chain([newcomer]).collect();
        let cx = crate::fixtures::cx(crate::fixtures::now());
        let why = "Anggota sedang cuti melahirkan tiga bulan.";
        let (n, c) = replace_member(&head, &a, out, newcomer, &eligible, false, why, &cx).expect("replaced");
        assert_eq!(n.members, vec![a.members[0], newcomer, a.members[2]]);
        assert!(!n.declared.contains(&out) && !n.declared.contains(&newcomer));
        assert_eq!(c.events[0].event_type, "pokja_member_replaced");
        let code = |r: Result<(PokjaAssignment, Change<Mutation>), CommandError>| match r {
            Err(CommandError::Invalid { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(replace_member(
                &head, &a, out, newcomer, &eligible, true, why, &cx
            )),
            "already-announced"
        );
        assert_eq!(
            code(replace_member(
                &head, &a, newcomer, out, &eligible, false, why, &cx
            )),
            "pokja-not-member"
        );
        assert_eq!(
            code(replace_member(
                &head,
                &a,
                out,
                a.members[0],
                &eligible,
                false,
                why,
                &cx
            )),
            "pokja-not-member"
        );
        assert_eq!(
            code(replace_member(
                &head,
                &a,
                out,
                UserId::new(),
                &eligible,
                false,
                why,
                &cx
            )),
            "pokja-not-member"
        );
        assert_eq!(
            code(replace_member(
                &head, &a, out, newcomer, &eligible, false, "pendek", &cx
            )),
            "schedule-reason"
        );
        assert!(matches!(
            replace_member(&w.lead(), &a, out, newcomer, &eligible, false, why, &cx),
            Err(CommandError::Denied(_))
        ));
        a.members = n.members;
        assert!(a.members.contains(&newcomer));
    }
}
