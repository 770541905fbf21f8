//! The state the store keeps: a projection of the event log (plus credentials and sessions, which
//! are security bookkeeping and never part of the public record).

use crate::ids::{ApiTokenId, SessionId, TenantId, UserId, VendorId, WorkUnitId};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Indonesia's three time zones; a regency's schedule is shown in its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeZone {
    /// Waktu Indonesia Barat, UTC+7.
    #[serde(rename = "WIB")]
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    #[serde(rename = "WITA")]
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    #[serde(rename = "WIT")]
    Wit,
}

impl TimeZone {
    /// The code shown to users and stored.
    pub fn code(self) -> &'static str {
        match self {
            TimeZone::Wib => "WIB",
            TimeZone::Wita => "WITA",
            TimeZone::Wit => "WIT",
        }
    }

    /// Hours east of UTC (Indonesia keeps no daylight saving).
    pub fn utc_offset_hours(self) -> i8 {
        match self {
            TimeZone::Wib => 7,
            TimeZone::Wita => 8,
            TimeZone::Wit => 9,
        }
    }

    /// Parses the code shown to users.
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "WIB" => Some(TimeZone::Wib),
            "WITA" => Some(TimeZone::Wita),
            "WIT" => Some(TimeZone::Wit),
            _ => None,
        }
    }
}

/// A regency or city government served by this deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    /// Its id.
    pub id: TenantId,
    /// Short name used in URLs, e.g. `banyuwangi`.
    pub slug: String,
    /// Official name, e.g. "Pemerintah Kabupaten Banyuwangi".
    pub name: String,
    /// Its time zone.
    pub time_zone: TimeZone,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// Whether its officials in the roles that need one sign in with a second factor.
    pub second_factor_required: bool,
}

/// A work unit (SKPD/OPD) of a regency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkUnit {
    /// Its id.
    pub id: WorkUnitId,
    /// The regency it belongs to.
    pub tenant_id: TenantId,
    /// Short code, unique in the regency, e.g. `DPU`.
    pub code: String,
    /// Full name, e.g. "Dinas Pekerjaan Umum".
    pub name: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
}

/// A vendor company (penyedia).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vendor {
    /// Its id.
    pub id: VendorId,
    /// Company name.
    pub name: String,
    /// Nomor Induk Berusaha (business identification number), 13 digits.
    pub nib: String,
    /// The regency where the company is domiciled, if one of ours.
    pub home_tenant_id: Option<TenantId>,
    /// When it was registered.
    pub created_at: OffsetDateTime,
}

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Their id.
    pub id: UserId,
    /// Sign-in name, unique on the deployment, lower case.
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Contact e-mail (personal data).
    pub email: Option<String>,
    /// The regency they work for (None for platform administrators and vendor users).
    pub tenant_id: Option<TenantId>,
    /// The vendor company they act for, if a vendor user.
    pub vendor_id: Option<VendorId>,
    /// Whether they may sign in.
    pub active: bool,
    /// When they were created.
    pub created_at: OffsetDateTime,
}

/// A role granted to a user, possibly limited to a work unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    /// The user.
    pub user_id: UserId,
    /// The role.
    pub role: Role,
    /// The regency (None for platform-wide roles).
    pub tenant_id: Option<TenantId>,
    /// The work unit, for roles that act for one (PPK, budget holder).
    pub work_unit_id: Option<WorkUnitId>,
}

/// A user's stored credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user.
    pub user: User,
    /// PHC-format argon2id hash.
    pub password_hash: String,
}

/// A signed-in browser session. The cookie carries a random secret; the store keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id.
    pub id: SessionId,
    /// SHA-256 of the cookie secret.
    pub secret_hash: Vec<u8>,
    /// The user.
    pub user_id: UserId,
    /// The role grant the session acts in.
    pub role: Role,
    /// The regency of that grant.
    pub tenant_id: Option<TenantId>,
    /// When it was created; the absolute timeout counts from here.
    pub created_at: OffsetDateTime,
    /// Last request; the idle timeout counts from here.
    pub last_seen_at: OffsetDateTime,
}

/// A machine client's token. Only its hash is stored; the secret is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// Its id.
    pub id: ApiTokenId,
    /// The user it acts for.
    pub user_id: UserId,
    /// A name its owner chose, e.g. "SIRUP sync".
    pub name: String,
    /// The role grant it is scoped to.
    pub role: Role,
    /// The regency of that grant.
    pub tenant_id: Option<TenantId>,
    /// SHA-256 of the secret.
    #[serde(skip)]
    pub secret_hash: Vec<u8>,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it stops working, if ever.
    pub expires_at: Option<OffsetDateTime>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// When it was last used.
    pub last_used_at: Option<OffsetDateTime>,
}
