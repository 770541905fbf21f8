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

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// The ULP head assigns a pokja of 3 or 5 distinct pokja members of the regency to a package that
/// has none yet.
pub fn assign_pokja(
    actor: &Actor,
    package: &Package,
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
}
