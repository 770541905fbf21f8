//! The roles a person can hold. The anonymous public is not a role one is granted: it is what a
//! request without a session or token is.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A role held by a user, within one regency (or platform-wide for the platform administrator and
/// vendor users, whose company is not tied to one regency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the deployment: creates regencies and their first administrators. Sees no bid.
    PlatformAdmin,
    /// A regency's IT officer: manages its work units and officials.
    TenantAdmin,
    /// Head of the ULP/UKPBJ: assigns pokja to tenders.
    UlpHead,
    /// Member of a pokja pemilihan (working group) that runs tenders.
    PokjaMember,
    /// PPK (Pejabat Pembuat Komitmen): prepares packages and signs contracts.
    CommitmentOfficer,
    /// PA/KPA: approves a work unit's procurement plan.
    BudgetHolder,
    /// A user acting for a vendor company (penyedia).
    Vendor,
    /// APIP / Inspektorat: internal auditor.
    Auditor,
    /// APH under an MoU: read-only, every read logged.
    LawEnforcement,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 9] = [
        Role::PlatformAdmin,
        Role::TenantAdmin,
        Role::UlpHead,
        Role::PokjaMember,
        Role::CommitmentOfficer,
        Role::BudgetHolder,
        Role::Vendor,
        Role::Auditor,
        Role::LawEnforcement,
    ];

    /// The stable code used in the database, the API and the event log.
    pub fn code(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::TenantAdmin => "tenant_admin",
            Role::UlpHead => "ulp_head",
            Role::PokjaMember => "pokja_member",
            Role::CommitmentOfficer => "commitment_officer",
            Role::BudgetHolder => "budget_holder",
            Role::Vendor => "vendor",
            Role::Auditor => "auditor",
            Role::LawEnforcement => "law_enforcement",
        }
    }

    /// Whether a grant of this role names a regency. The platform administrator and vendor users
    /// act across regencies; everyone else acts for exactly one.
    pub fn is_tenant_scoped(self) -> bool {
        !matches!(self, Role::PlatformAdmin | Role::Vendor)
    }

    /// Whether the role may change anything at all. Law enforcement reads only.
    pub fn is_read_only(self) -> bool {
        matches!(self, Role::LawEnforcement)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A role code that lelang does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.code().into())
            );
        }
        assert!("root".parse::<Role>().is_err());
    }
}
