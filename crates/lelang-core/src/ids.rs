//! Typed identifiers, so that a tenant id can never be passed where a user id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id from the operating system's clock and generator: for tests only. The
            /// code that decides takes its ids from a [`crate::Cx`], so that it repeats itself.
            #[cfg(any(test, feature = "testing"))]
            #[allow(clippy::new_without_default)] // no `Default`: it would hide where an id came from
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A regency or city government (Pemkab/Pemkot): the unit of data isolation.
    TenantId
);
id_type!(
    /// A work unit (SKPD/OPD) of one regency.
    WorkUnitId
);
id_type!(
    /// A person who signs in: an official, a vendor's employee or an administrator.
    UserId
);
id_type!(
    /// A vendor company (penyedia); several users may act for it.
    VendorId
);
id_type!(
    /// A signed-in browser session.
    SessionId
);
id_type!(
    /// A machine client's API token (only its hash is stored).
    ApiTokenId
);
id_type!(
    /// One event of the append-only log.
    EventId
);
id_type!(
    /// One item of a procurement plan (RUP).
    PlanItemId
);
id_type!(
    /// A package (paket): what one tender buys.
    PackageId
);
id_type!(
    /// One published document of a tender (a specification, an addendum, minutes): one version.
    DocumentId
);
id_type!(
    /// One clarification question of a vendor about a tender.
    QuestionId
);
id_type!(
    /// A tender's key ceremony (one run; a failed one is followed by another).
    CeremonyId
);
id_type!(
    /// One sealed bid as submitted (a replacement is a new bid).
    BidId
);
id_type!(
    /// One objection (sanggah) of a bidder against an award.
    ObjectionId
);
id_type!(
    /// One complaint (pengaduan) to a regency's auditor.
    ComplaintId
);
id_type!(
    /// A regency's memorandum of understanding with a law-enforcement body.
    MouId
);
id_type!(
    /// A matter escalated to law enforcement under an MoU.
    CaseId
);
id_type!(
    /// One message of a package's conversation.
    MessageId
);
id_type!(
    /// One appeal (sanggah banding) of a bidder against the answer to its objection.
    AppealId
);
