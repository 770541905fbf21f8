//! A package's pokja: the ULP head assigns members (the least loaded suggested first), and each
//! member declares no conflict of interest.

use crate::{App, AppError};
use lelang_core::ids::{PackageId, UserId};
use lelang_core::model::Tenant;
use lelang_core::pokja::{Candidate, PokjaAssignment, assign_pokja, declare_no_conflict, rank_candidates};
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::role::Role;

/// The active pokja members of a regency, with names (two reads, whatever the size of the unit).
pub async fn members(app: &App, tenant: &Tenant) -> Result<Vec<(UserId, String)>, AppError> {
    let grants = app.store.tenant_role_grants(tenant.id).await?;
    Ok(app
        .store
        .users(Some(tenant.id))
        .await?
        .into_iter()
        .filter(|u| {
            u.active
                && grants
                    .iter()
                    .any(|g| g.user_id == u.id && g.role == Role::PokjaMember)
        })
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// The regency's tenders whose winner is announced, which failed or which were cancelled: their
/// pokja's work is done.
pub async fn concluded(app: &App, tenant: &Tenant) -> Result<Vec<PackageId>, AppError> {
    let mut done: Vec<PackageId> = app
        .store
        .concluded(tenant.id)
        .await?
        .iter()
        .map(|r| r.package_id)
        .collect();
    done.extend(
        app.store
            .cancellations(tenant.id)
            .await?
            .iter()
            .map(|c| c.package_id),
    );
    Ok(done)
}

/// The regency's pokja members, least loaded first, and its assignments. A tender whose winner is
/// announced, which failed or which was cancelled no longer weighs on its pokja.
pub async fn ranked(app: &App, tenant: &Tenant) -> Result<(Vec<Candidate>, Vec<PokjaAssignment>), AppError> {
    let assignments = app.store.pokja_assignments(tenant.id).await?;
    let concluded = concluded(app, tenant).await?;
    let active: Vec<PokjaAssignment> = assignments
        .iter()
        .filter(|a| !concluded.contains(&a.package_id))
        .cloned()
        .collect();
    Ok((
        rank_candidates(&members(app, tenant).await?, &active),
        assignments,
    ))
}

/// The ULP head assigns the chosen members to a package of the regency.
pub async fn assign(
    app: &App,
    actor: &Actor,
    tenant: &Tenant,
    package: PackageId,
    chosen: &[UserId],
) -> Result<PokjaAssignment, AppError> {
    authorize(actor, Action::AssignPokja(tenant.id))?;
    let pkg = crate::tender::package_of(app, tenant.id, package).await?;
    let (candidates, assignments) = ranked(app, tenant).await?;
    let eligible: Vec<UserId> = candidates.iter().map(|c| c.user_id).collect();
    let existing = assignments.iter().find(|a| a.package_id == pkg.id);
    let accepted = lelang_core::handover::is_accepted(app.store.handover(pkg.id).await?.as_ref());
    app.run(|cx| assign_pokja(actor, &pkg, accepted, chosen, &eligible, existing, cx))
        .await
}

/// The ULP head replaces a member of a package's pokja, with a reason, before the announcement.
pub async fn replace(
    app: &App,
    actor: &Actor,
    tenant: &Tenant,
    package: PackageId,
    out: UserId,
    replacement: UserId,
    reason: &str,
) -> Result<PokjaAssignment, AppError> {
    authorize(actor, Action::AssignPokja(tenant.id))?;
    let assignment = app
        .store
        .pokja_assignment(package)
        .await?
        .filter(|a| a.tenant_id == tenant.id)
        .ok_or(AppError::NotFound)?;
    let eligible: Vec<UserId> = members(app, tenant)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let announced = app.store.public_tender(package).await?.is_some();
    app.run(|cx| {
        lelang_core::pokja::replace_member(
            actor,
            &assignment,
            out,
            replacement,
            &eligible,
            announced,
            reason,
            cx,
        )
    })
    .await
}

/// A member of a package's pokja declares no conflict of interest.
pub async fn declare(app: &App, actor: &Actor, tenant: &Tenant, package: PackageId) -> Result<(), AppError> {
    authorize(actor, Action::DeclareNoConflict(tenant.id))?;
    let assignment = app
        .store
        .pokja_assignment(package)
        .await?
        .filter(|a| a.tenant_id == tenant.id)
        .ok_or(AppError::NotFound)?;
    app.apply(|cx| declare_no_conflict(actor, &assignment, cx)).await
}
