//! Shared test fixtures: one regency, one package with a pokja of three, its setup and its
//! announcement, and actors in each role that the tender commands meet.

use crate::calendar::WorkingCalendar;
use crate::ids::{PackageId, PlanItemId, TenantId, UserId, VendorId, WorkUnitId};
use crate::model::TimeZone;
use crate::package::Package;
use crate::pokja::PokjaAssignment;
use crate::policy::{Actor, UserActor};
use crate::role::Role;
use crate::rules::{Category, EvaluationMethod, Method, RuleSet};
use crate::tender::{AnnounceContext, PublicTender, TenderSetup, announce, set_up};
use time::OffsetDateTime;
use time::macros::{date, datetime};

/// Monday 2 November 2026, 09:00 WIB.
pub fn now() -> OffsetDateTime {
    datetime!(2026-11-02 02:00 UTC)
}

/// The source of the fixtures' ids and salts.
static FRESH: crate::Fresh = crate::Fresh::seeded([0x5e; 32]);

/// A command context deciding at `at`.
pub fn cx(at: OffsetDateTime) -> crate::Cx<'static> {
    crate::Cx::new(at, &FRESH)
}

/// The newest built-in rule set.
pub fn rules() -> RuleSet {
    crate::rules::built_in().expect("rules").pop().expect("46/2025")
}

/// An actor in a role.
pub fn actor(
    role: Role,
    tenant: Option<TenantId>,
    unit: Option<WorkUnitId>,
    vendor: Option<VendorId>,
) -> Actor {
    Actor::User(UserActor {
        user_id: UserId::new(),
        username: "x".into(),
        role,
        tenant_id: tenant,
        work_unit_id: unit,
        vendor_id: vendor,
    })
}

/// A member of a pokja, by id.
pub fn member(id: UserId, tenant: TenantId) -> Actor {
    Actor::User(UserActor {
        user_id: id,
        username: "pokja".into(),
        role: Role::PokjaMember,
        tenant_id: Some(tenant),
        work_unit_id: None,
        vendor_id: None,
    })
}

/// A package, its pokja (all declared) and the PPK of its work unit.
pub struct World {
    /// The regency.
    pub tenant: TenantId,
    /// The package.
    pub package: Package,
    /// Its pokja.
    pub pokja: PokjaAssignment,
    /// Its PPK.
    pub ppk: Actor,
    /// Its rules.
    pub rules: RuleSet,
}

/// A fresh world.
pub fn world() -> World {
    let tenant = TenantId::new();
    let unit = WorkUnitId::new();
    let rules = rules();
    let package = Package {
        id: PackageId::new(),
        tenant_id: tenant,
        work_unit_id: unit,
        plan_item_id: PlanItemId::new(),
        name: "Pembangunan Jembatan Desa Kedungasri".into(),
        category: Category::Works,
        budget_ceiling: 1_000_000_000,
        owner_estimate: 900_000_000,
        hps_breakdown: vec![],
        location: "Kecamatan Tegaldlimo".into(),
        rule_set: rules.id.clone(),
        created_at: OffsetDateTime::UNIX_EPOCH,
        repeat_of: None,
    };
    let members: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
    World {
        tenant,
        pokja: PokjaAssignment {
            package_id: package.id,
            tenant_id: tenant,
            members: members.clone(),
            declared: members,
            assigned_at: OffsetDateTime::UNIX_EPOCH,
        },
        ppk: actor(Role::CommitmentOfficer, Some(tenant), Some(unit), None),
        package,
        rules,
    }
}

impl World {
    /// The first member of the pokja.
    pub fn lead(&self) -> Actor {
        member(self.pokja.members[0], self.tenant)
    }

    /// The tender set up from today.
    pub fn setup(&self) -> TenderSetup {
        set_up(
            &self.lead(),
            &self.package,
            Some(&self.pokja),
            Method::Tender,
            EvaluationMethod::SistemGugur,
            date!(2026 - 11 - 02),
            TimeZone::Wib,
            &self.rules,
            &WorkingCalendar::default(),
            None,
            &crate::fixtures::cx(now()),
        )
        .expect("set up")
        .0
    }

    /// The tender announced.
    pub fn announced(&self, setup: &TenderSetup) -> PublicTender {
        announce(
            &self.lead(),
            &self.package,
            AnnounceContext {
                assignment: Some(&self.pokja),
                setup: Some(setup),
                announced: false,
                documents: 1,
                work_unit_name: "Dinas Pekerjaan Umum",
                regency_name: "Pemerintah Kabupaten Banyuwangi",
                bid_recipient: Some("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"),
            },
            &crate::fixtures::cx(now()),
        )
        .expect("announce")
        .0
    }
}
