//! The one authorization policy. Every route of the web crate names the [`Action`] it performs and
//! asks [`authorize`]; nothing is allowed unless a rule below allows it (default deny).

use crate::ids::{TenantId, UserId, VendorId, WorkUnitId};
use crate::role::Role;
use serde::Serialize;

/// Who is asking: a signed-in user acting in one of their roles, or nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Actor {
    /// No session, no token: the public.
    Anonymous,
    /// A user acting in one role grant.
    User(UserActor),
}

/// A signed-in user acting in one role grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserActor {
    /// The user.
    pub user_id: UserId,
    /// Their sign-in name, for display and logs.
    pub username: String,
    /// The role of the grant they act in.
    pub role: Role,
    /// The regency the grant is for (None for platform-wide roles).
    pub tenant_id: Option<TenantId>,
    /// The work unit the grant is limited to, if any (a PPK acts for one work unit).
    pub work_unit_id: Option<WorkUnitId>,
    /// The vendor company a vendor user acts for.
    pub vendor_id: Option<VendorId>,
}

impl Actor {
    /// The user behind the request, if any.
    pub fn user(&self) -> Option<&UserActor> {
        match self {
            Actor::Anonymous => None,
            Actor::User(u) => Some(u),
        }
    }

    /// The role the request acts in, if signed in.
    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    /// The regency of the acting grant, if any.
    pub fn tenant_id(&self) -> Option<TenantId> {
        self.user().and_then(|u| u.tenant_id)
    }
}

/// Everything a request can do, with the object it acts on where that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Public pages and public data: the landing page, the list of regencies and work units.
    ViewPublic,
    /// The signed-in home page and one's own account.
    ViewOwnAccount,
    /// Change one's own password, manage one's own API tokens and sessions.
    ManageOwnAccount,
    /// Create regencies; list every regency's administrators.
    ManageTenants,
    /// See the officials of a regency (personal data).
    ViewTenantDirectory(TenantId),
    /// Create officials and grant them roles in a regency.
    ManageTenantUsers(TenantId),
    /// Create work units of a regency.
    ManageWorkUnits(TenantId),
    /// Sign out every session of a user of the given regency (None: a platform-wide user).
    RevokeUserSessions {
        /// The regency of the user whose sessions end.
        tenant: Option<TenantId>,
        /// The user whose sessions end.
        user: UserId,
    },
    /// Read the full event log of a regency (None: platform-wide events).
    ReadEventLog(Option<TenantId>),
    /// Register a vendor company and its first user.
    ManageVendors,
    /// See a vendor company's own profile.
    ViewVendor(VendorId),
    /// Enter plan items for a work unit (its PPK or budget holder).
    ManagePlan {
        /// The regency.
        tenant: TenantId,
        /// The work unit.
        work_unit: WorkUnitId,
    },
    /// Announce a work unit's plan (its budget holder).
    AnnouncePlan {
        /// The regency.
        tenant: TenantId,
        /// The work unit.
        work_unit: WorkUnitId,
    },
    /// See a regency's plan items that are not announced yet.
    ViewPlanDrafts(TenantId),
    /// Keep the national working-day calendar (holidays, cuti bersama).
    ManageCalendar,
    /// Prepare packages from a work unit's plan (its PPK).
    ManagePackage {
        /// The regency.
        tenant: TenantId,
        /// The work unit.
        work_unit: WorkUnitId,
    },
    /// See a regency's packages before they are announced as tenders.
    ViewPackages(TenantId),
    /// See HPS breakdowns (confidential): PPK, pokja, auditors.
    ViewHpsBreakdown(TenantId),
    /// Assign pokja to packages and see the unit's workload (the ULP head).
    AssignPokja(TenantId),
    /// Declare no conflict of interest with an assigned package (a pokja member).
    DeclareNoConflict(TenantId),
    /// Set up and run a tender (a pokja member; the package's own pokja is checked by the command).
    RunTender(TenantId),
    /// Act for a vendor company: its profile, tender registrations, questions (its own users).
    ActForVendor(VendorId),
    /// See companies' profiles and verify them for a regency (its administrator, its ULP head).
    ReviewVendors(TenantId),
    /// See which companies take part in a regency's tenders and who asked what (auditors, law
    /// enforcement): kept even from the pokja before opening.
    ViewParticipants(TenantId),
    /// Read an evaluation's findings, prices and decisions before its announcement (auditors;
    /// the tender's own pokja is checked by the command). Each read is logged.
    ViewEvaluation(TenantId),
    /// Read complaints in full — their text, their complainant, their evidence — and triage them
    /// (the regency's auditors, APIP). Each read of a complainant's identity is logged.
    HandleComplaints(TenantId),
    /// Read the unit's dashboard: the pokja's load and every red flag, before the award too (the
    /// regency's ULP head and auditors; everyone else gets the public dashboard).
    ViewUnitDashboard(TenantId),
    /// Read every package's hand-over and conversation of a regency (its participants read their
    /// own packages': see [`crate::handover::may_read`]).
    ReadConversations(TenantId),
    /// Cancel a tender before its award (the budget holder of the work unit that pays for it).
    CancelTender {
        /// The regency.
        tenant: TenantId,
        /// The package's work unit.
        work_unit: WorkUnitId,
    },
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Nobody is signed in and the action needs someone.
    #[error("sign-in required")]
    Unauthenticated,
    /// Signed in, but this role may not do this here.
    #[error("not allowed for this role")]
    Forbidden,
}

/// Decides whether `actor` may perform `action`. Default deny: every allowed case is spelled out.
pub fn authorize(actor: &Actor, action: Action) -> Result<(), Denied> {
    if action == Action::ViewPublic {
        return Ok(());
    }
    let Some(u) = actor.user() else {
        return Err(Denied::Unauthenticated);
    };
    let own_tenant = |t: TenantId| u.tenant_id == Some(t);
    let allowed = match action {
        Action::ViewPublic => true,
        Action::ViewOwnAccount => true,
        // Law enforcement reads only; even its own tokens are issued by the regency.
        Action::ManageOwnAccount => !u.role.is_read_only(),
        Action::ManageTenants | Action::ManageVendors | Action::ManageCalendar => {
            u.role == Role::PlatformAdmin
        }
        Action::ViewTenantDirectory(t) => match u.role {
            Role::PlatformAdmin => true,
            Role::TenantAdmin | Role::UlpHead | Role::Auditor => own_tenant(t),
            _ => false,
        },
        Action::ManageTenantUsers(t) | Action::ManageWorkUnits(t) => match u.role {
            Role::PlatformAdmin => true,
            Role::TenantAdmin => own_tenant(t),
            _ => false,
        },
        Action::RevokeUserSessions { tenant, user } => {
            user == u.user_id && !u.role.is_read_only()
                || u.role == Role::PlatformAdmin
                || u.role == Role::TenantAdmin && tenant.is_some_and(own_tenant)
        }
        // Law enforcement reads nothing by its role alone: only what an active case grants
        // (see [`crate::case`]).
        Action::ReadEventLog(t) => match u.role {
            Role::PlatformAdmin => true,
            Role::Auditor => t.is_some_and(own_tenant),
            _ => false,
        },
        Action::ManagePlan { tenant, work_unit } => {
            matches!(u.role, Role::CommitmentOfficer | Role::BudgetHolder)
                && own_tenant(tenant)
                && u.work_unit_id == Some(work_unit)
        }
        Action::AnnouncePlan { tenant, work_unit } => {
            u.role == Role::BudgetHolder && own_tenant(tenant) && u.work_unit_id == Some(work_unit)
        }
        Action::ViewPlanDrafts(t) => match u.role {
            Role::PlatformAdmin => true,
            Role::TenantAdmin
            | Role::UlpHead
            | Role::Auditor
            | Role::CommitmentOfficer
            | Role::BudgetHolder => own_tenant(t),
            _ => false,
        },
        Action::ManagePackage { tenant, work_unit } => {
            u.role == Role::CommitmentOfficer && own_tenant(tenant) && u.work_unit_id == Some(work_unit)
        }
        Action::ViewPackages(t) => match u.role {
            Role::PlatformAdmin => true,
            Role::TenantAdmin
            | Role::UlpHead
            | Role::PokjaMember
            | Role::CommitmentOfficer
            | Role::BudgetHolder
            | Role::Auditor => own_tenant(t),
            _ => false,
        },
        // The owner's estimate breakdown: the PPK, the pokja and auditors only — not the platform
        // administrator, not the ULP head, not law enforcement without a case.
        Action::ViewHpsBreakdown(t) => {
            matches!(
                u.role,
                Role::CommitmentOfficer | Role::PokjaMember | Role::Auditor
            ) && own_tenant(t)
        }
        Action::AssignPokja(t) => u.role == Role::UlpHead && own_tenant(t),
        Action::DeclareNoConflict(t) | Action::RunTender(t) => u.role == Role::PokjaMember && own_tenant(t),
        // A profile names staff and tax details: its company, and those who verify profiles.
        Action::ViewVendor(v) => match u.role {
            Role::PlatformAdmin | Role::TenantAdmin | Role::UlpHead => true,
            Role::Vendor => u.vendor_id == Some(v),
            _ => false,
        },
        Action::ActForVendor(v) => u.role == Role::Vendor && u.vendor_id == Some(v),
        Action::ReviewVendors(t) => matches!(u.role, Role::TenantAdmin | Role::UlpHead) && own_tenant(t),
        Action::ViewParticipants(t) => u.role == Role::Auditor && own_tenant(t),
        Action::ViewEvaluation(t) => u.role == Role::Auditor && own_tenant(t),
        Action::HandleComplaints(t) => u.role == Role::Auditor && own_tenant(t),
        Action::ViewUnitDashboard(t) | Action::ReadConversations(t) => {
            matches!(u.role, Role::UlpHead | Role::Auditor) && own_tenant(t)
        }
        Action::CancelTender { tenant, work_unit } => {
            u.role == Role::BudgetHolder && own_tenant(tenant) && u.work_unit_id == Some(work_unit)
        }
    };
    if allowed { Ok(()) } else { Err(Denied::Forbidden) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, tenant: Option<TenantId>) -> Actor {
        Actor::User(UserActor {
            user_id: UserId::new(),
            username: "x".into(),
            role,
            tenant_id: tenant,
            work_unit_id: None,
            vendor_id: None,
        })
    }

    #[test]
    fn anonymous_reaches_only_public() {
        let t = TenantId::new();
        assert_eq!(authorize(&Actor::Anonymous, Action::ViewPublic), Ok(()));
        for a in [
            Action::ViewOwnAccount,
            Action::ManageTenants,
            Action::ViewTenantDirectory(t),
            Action::ManageTenantUsers(t),
            Action::ReadEventLog(Some(t)),
        ] {
            assert_eq!(authorize(&Actor::Anonymous, a), Err(Denied::Unauthenticated));
        }
    }

    #[test]
    fn tenant_admin_confined_to_own_regency() {
        let (mine, other) = (TenantId::new(), TenantId::new());
        let a = actor(Role::TenantAdmin, Some(mine));
        assert!(authorize(&a, Action::ManageTenantUsers(mine)).is_ok());
        assert_eq!(
            authorize(&a, Action::ManageTenantUsers(other)),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&a, Action::ManageTenants), Err(Denied::Forbidden));
        let victim = UserId::new();
        assert!(
            authorize(
                &a,
                Action::RevokeUserSessions {
                    tenant: Some(mine),
                    user: victim
                }
            )
            .is_ok()
        );
        assert!(
            authorize(
                &a,
                Action::RevokeUserSessions {
                    tenant: Some(other),
                    user: victim
                }
            )
            .is_err()
        );
        assert!(
            authorize(
                &a,
                Action::RevokeUserSessions {
                    tenant: None,
                    user: victim
                }
            )
            .is_err()
        );
    }

    #[test]
    fn law_enforcement_reads_nothing_by_its_role_alone() {
        let (mine, other) = (TenantId::new(), TenantId::new());
        let a = actor(Role::LawEnforcement, Some(mine));
        for t in [mine, other] {
            assert!(authorize(&a, Action::ReadEventLog(Some(t))).is_err());
            assert!(authorize(&a, Action::ViewParticipants(t)).is_err());
            assert!(authorize(&a, Action::ViewEvaluation(t)).is_err());
            assert!(authorize(&a, Action::ViewHpsBreakdown(t)).is_err());
            assert!(authorize(&a, Action::HandleComplaints(t)).is_err());
        }
        assert!(authorize(&a, Action::ManageOwnAccount).is_err());
    }
}
