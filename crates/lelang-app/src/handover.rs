//! A package's hand-over to the procurement unit and its conversation: the PPK submits with the
//! readiness checklist, the ULP head returns it with notes or accepts it; the package's PPK, pokja
//! and ULP head write to one another beside it, and auditors read.

use crate::{App, AppError};
use lelang_core::handover::{self, Conversation, Entry, Handover, Message};
use lelang_core::ids::{PackageId, UserId};
use lelang_core::model::Tenant;
use lelang_core::package::Package;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::{Actor, Denied};
use lelang_core::role::Role;

/// A package with everything its hand-over page shows.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The package.
    pub package: Package,
    /// Its hand-over, once submitted.
    pub handover: Option<Handover>,
    /// Its pokja, once assigned.
    pub pokja: Option<PokjaAssignment>,
    /// Its conversation, oldest first.
    pub messages: Vec<Message>,
    /// The participants, with sign-in and display names: `(id, username, name)`.
    pub people: Vec<(UserId, String, String)>,
}

impl Loaded {
    /// The participants by sign-in name, as mentions resolve them.
    pub fn by_username(&self) -> Vec<(UserId, String)> {
        self.people.iter().map(|(id, u, _)| (*id, u.clone())).collect()
    }

    /// The conversation's participants, for the core's checks.
    pub fn conversation<'a>(&'a self, people: &'a [(UserId, String)]) -> Conversation<'a> {
        Conversation {
            package: &self.package,
            pokja: self.pokja.as_ref(),
            people,
        }
    }

    /// A participant's display name (an unknown id: empty).
    pub fn name_of(&self, id: UserId) -> &str {
        self.people
            .iter()
            .find(|(u, _, _)| *u == id)
            .map_or("", |(_, _, n)| n.as_str())
    }
}

/// The people of a package's conversation: its work unit's PPKs, the regency's ULP heads, its
/// pokja — active users only, in that order.
async fn people(
    app: &App,
    tenant: &Tenant,
    package: &Package,
    pokja: Option<&PokjaAssignment>,
) -> Result<Vec<(UserId, String, String)>, AppError> {
    let grants = app.store.tenant_role_grants(tenant.id).await?;
    let users = app.store.users(Some(tenant.id)).await?;
    let takes_part = |id: UserId| {
        grants.iter().any(|g| {
            g.user_id == id
                && (g.role == Role::CommitmentOfficer && g.work_unit_id == Some(package.work_unit_id)
                    || g.role == Role::UlpHead)
        }) || pokja.is_some_and(|k| k.members.contains(&id))
    };
    Ok(users
        .into_iter()
        .filter(|u| u.active && takes_part(u.id))
        .map(|u| (u.id, u.username, u.display_name))
        .collect())
}

/// A package of the regency with its hand-over and conversation, for a reader who may see them
/// (not found: no such package here; forbidden: not a participant or auditor).
pub async fn load(app: &App, actor: &Actor, tenant: &Tenant, package: PackageId) -> Result<Loaded, AppError> {
    let package = crate::tender::package_of(app, tenant.id, package).await?;
    let pokja = app.store.pokja_assignment(package.id).await?;
    let people = people(app, tenant, &package, pokja.as_ref()).await?;
    let mut loaded = Loaded {
        handover: None,
        pokja,
        messages: vec![],
        people,
        package,
    };
    let names = loaded.by_username();
    if !handover::may_read(actor, loaded.conversation(&names)) {
        return Err(if actor.user().is_some() {
            Denied::Forbidden
        } else {
            Denied::Unauthenticated
        }
        .into());
    }
    loaded.handover = app.store.handover(loaded.package.id).await?;
    loaded.messages = app.store.package_messages(loaded.package.id).await?;
    Ok(loaded)
}

/// The PPK submits the package (again, after a return, with a note on what was fixed).
pub async fn submit(
    app: &App,
    actor: &Actor,
    tenant: &Tenant,
    package: PackageId,
    checklist: &[Entry],
    note: &str,
) -> Result<Handover, AppError> {
    let package = crate::tender::package_of(app, tenant.id, package).await?;
    let current = app.store.handover(package.id).await?;
    app.run(|cx| handover::submit(actor, &package, current.as_ref(), checklist, note, cx))
        .await
}

/// How the ULP head decides on a submitted package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Back to the PPK with these notes.
    Return(&'a str),
    /// Accepted for tender.
    Accept,
}

/// The ULP head returns or accepts a submitted package.
pub async fn decide(
    app: &App,
    actor: &Actor,
    tenant: &Tenant,
    package: PackageId,
    decision: Decision<'_>,
) -> Result<Handover, AppError> {
    lelang_core::policy::authorize(actor, lelang_core::policy::Action::AssignPokja(tenant.id))?;
    let current = app
        .store
        .handover(package)
        .await?
        .filter(|h| h.tenant_id == tenant.id)
        .ok_or(AppError::NotFound)?;
    app.run(|cx| match decision {
        Decision::Return(notes) => handover::return_to_ppk(actor, &current, notes, cx),
        Decision::Accept => handover::accept(actor, &current, cx),
    })
    .await
}

/// A participant writes in the package's conversation.
pub async fn post(
    app: &App,
    actor: &Actor,
    tenant: &Tenant,
    package: PackageId,
    body: &str,
) -> Result<Message, AppError> {
    let loaded = load(app, actor, tenant, package).await?;
    let names = loaded.by_username();
    app.run(|cx| handover::post(actor, loaded.conversation(&names), body, cx))
        .await
}
