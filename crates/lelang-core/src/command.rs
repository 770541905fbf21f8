//! Commands: a request from an actor, checked against the policy and the rules, decided into the
//! events it causes and the state mutations that project them. Pure: the caller supplies the
//! current state it needs and the time; the store then applies the [`Change`] atomically.

use crate::canonical::CanonicalError;
use crate::event::{EventPayload, NewEvent};
use crate::fresh::Cx;
use crate::ids::{ApiTokenId, TenantId, UserId, VendorId, WorkUnitId};
use crate::model::{ApiToken, RoleGrant, Tenant, TimeZone, User, Vendor, WorkUnit};
use crate::policy::{Action, Actor, Denied, UserActor, authorize};
use crate::role::Role;
use time::OffsetDateTime;

/// A state mutation, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A new regency.
    InsertTenant(Tenant),
    /// A new work unit.
    InsertWorkUnit(WorkUnit),
    /// A new vendor company.
    InsertVendor(Vendor),
    /// A new user with their password hash.
    InsertUser {
        /// The user.
        user: User,
        /// PHC-format argon2id hash.
        password_hash: String,
    },
    /// A role granted.
    InsertRoleGrant(RoleGrant),
    /// A password set anew; also ends the user's other sessions.
    SetPasswordHash {
        /// The user.
        user_id: UserId,
        /// The new hash.
        password_hash: String,
    },
    /// Every session of the user ends.
    DeleteSessions {
        /// The user.
        user_id: UserId,
    },
    /// Every API token of the user stops working.
    RevokeAllApiTokens {
        /// The user.
        user_id: UserId,
        /// When.
        at: OffsetDateTime,
    },
    /// A new API token.
    InsertApiToken(ApiToken),
    /// A user's second factor, set (or replaced, with new recovery codes).
    SetSecondFactor {
        /// The user.
        user_id: UserId,
        /// The TOTP secret (its Debug never prints it).
        secret: crate::second_factor::Secret,
        /// SHA-256 of each recovery code.
        recovery_hashes: Vec<Vec<u8>>,
        /// When.
        at: OffsetDateTime,
    },
    /// A recovery code spent (refused if it is not one of the user's unspent codes).
    SpendRecoveryCode {
        /// The user.
        user_id: UserId,
        /// SHA-256 of the code.
        code_hash: Vec<u8>,
        /// When.
        at: OffsetDateTime,
    },
    /// A user's second factor removed (remembered devices are forgotten).
    ClearSecondFactor {
        /// The user.
        user_id: UserId,
    },
    /// A regency's second-factor policy.
    SetSecondFactorPolicy {
        /// The regency.
        tenant: TenantId,
        /// Whether officials in the roles that need one must use it.
        required: bool,
    },
    /// A new plan item (draft).
    InsertPlanItem(crate::plan::PlanItem),
    /// Plan items become public.
    AnnouncePlanItems {
        /// The items.
        ids: Vec<crate::ids::PlanItemId>,
        /// When.
        at: OffsetDateTime,
    },
    /// A new package.
    InsertPackage(crate::package::Package),
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
    /// A tender's setup, new or changed.
    UpsertTenderSetup(crate::tender::TenderSetup),
    /// A company's qualification profile, new or replaced (clears its verifications).
    UpsertVendorProfile {
        /// The company.
        vendor_id: VendorId,
        /// The profile.
        profile: crate::vendor::VendorProfile,
        /// Whether the regencies' verifications lapse (the profile changed).
        clear_verifications: bool,
        /// When.
        at: OffsetDateTime,
    },
    /// A regency's verification of a company, new or replacing its earlier one.
    UpsertVerification(crate::vendor::Verification),
    /// A tender announced: a row of the public list.
    InsertPublicTender(crate::tender::PublicTender),
    /// The change holds only if the tender's setup is still this one (refused otherwise): the
    /// announcement copies the deadline from the setup it read.
    ExpectTenderSetup(crate::tender::TenderSetup),
    /// An announced tender's submission deadline moved (no-op before the announcement).
    SetSubmissionDeadline {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The new deadline.
        deadline: OffsetDateTime,
    },
    /// A document version published.
    InsertDocument(crate::document::Document),
    /// A company registered for a tender.
    InsertParticipant {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// When.
        at: OffsetDateTime,
    },
    /// A clarification question.
    InsertQuestion(crate::clarification::Question),
    /// A question's answer (the question as answered; refused if it was answered already).
    AnswerQuestion(crate::clarification::Question),
    /// A pokja member's sealing key, new or replacing theirs.
    UpsertMemberKey(crate::sealing::MemberKey),
    /// A key ceremony written whole; with `expected_version`, only if it is still at that version
    /// (refused otherwise); without, only if new.
    PutCeremony {
        /// The ceremony.
        ceremony: crate::sealing::Ceremony,
        /// The version it was read at.
        expected_version: Option<u32>,
    },
    /// The change holds only if the package's latest ceremony is still this one at this version
    /// (or there is none, for `None`): a ceremony started or replaced on a stale read is refused.
    ExpectLatestCeremony {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The latest ceremony's id and version as read.
        latest: Option<(crate::ids::CeremonyId, u32)>,
    },
    /// A sealed bid; the store sets its `log_index` to the change's first event (its commitment).
    InsertBid(crate::sealing::Bid),
    /// A bid rewritten whole (its upload completed); refused if it does not exist or its tender's
    /// opening has started.
    UpdateBid(crate::sealing::Bid),
    /// The change holds only while the tender has no closing entry: no commitment lands after it.
    ExpectSubmissionOpen(crate::ids::PackageId),
    /// The tender's closing; the store sets its `log_index` to the change's last event (its own)
    /// and refuses a second one.
    InsertClosing {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// When.
        at: OffsetDateTime,
    },
    /// An opening written whole, on the same terms as [`Mutation::PutCeremony`].
    PutOpening {
        /// The opening.
        opening: crate::sealing::Opening,
        /// The version it was read at.
        expected_version: Option<u32>,
    },
    /// A day off is recorded or renamed.
    UpsertDayOff(crate::calendar::DayOff),
    /// A day off is removed (none: nothing to do, and the change fails).
    DeleteDayOff(time::Date),
    /// A token stops working.
    RevokeApiToken {
        /// The token.
        id: ApiTokenId,
        /// When.
        at: OffsetDateTime,
    },
}

impl Mutation {
    /// What must be unique among the rows this mutation writes: what a duplicate collided on.
    pub fn unique(&self) -> crate::store::Unique {
        use crate::store::Unique;
        match self {
            Mutation::InsertTenant(_) => Unique::TenantSlug,
            Mutation::InsertUser { .. } => Unique::Username,
            Mutation::InsertVendor(_) => Unique::VendorNib,
            Mutation::InsertWorkUnit(_) => Unique::WorkUnitCode,
            Mutation::InsertRoleGrant(_) => Unique::RoleGrant,
            _ => Unique::Record,
        }
    }
}

/// The outcome of a command: events to append and mutations to apply, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Change {
    /// Events, in order.
    pub events: Vec<NewEvent>,
    /// Mutations, in order.
    pub mutations: Vec<Mutation>,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The policy refused it.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// An input broke a rule. `code` is the message key; `field` names the input.
    #[error("{field}: {code}")]
    Invalid {
        /// The input field.
        field: &'static str,
        /// The rule's message key.
        code: &'static str,
    },
    /// The payload has no canonical form (a bug, not bad input).
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

fn acting(actor: &Actor) -> Result<&UserActor, CommandError> {
    actor.user().ok_or(CommandError::Denied(Denied::Unauthenticated))
}

pub(crate) fn event(
    actor: &UserActor,
    cx: &Cx<'_>,
    tenant: Option<TenantId>,
    payload: EventPayload,
) -> Result<NewEvent, CommandError> {
    Ok(NewEvent::new(
        cx,
        tenant,
        Some(actor.user_id),
        Some(actor.role),
        &payload,
    )?)
}

/// A display name or title: trimmed, 2–200 characters, no control characters.
pub fn valid_name(field: &'static str, s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=200).contains(&n) || !crate::text::is_clean_line(s) {
        return Err(invalid(field, "invalid-name"));
    }
    Ok(s.to_owned())
}

/// A regency's URL name: a lower-case letter, then letters, digits or hyphens; 2–40 characters.
pub fn valid_slug(s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let ok = (2..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(invalid("slug", "invalid-slug"))
    }
}

/// A sign-in name: 3–64 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit; case-folded.
pub fn valid_username(s: &str) -> Result<String, CommandError> {
    let s = s.trim().to_lowercase();
    let ok = (3..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    if ok {
        Ok(s)
    } else {
        Err(invalid("username", "invalid-username"))
    }
}

pub(crate) fn valid_email(s: Option<&str>) -> Result<Option<String>, CommandError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let ok = s.len() <= 254
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !s.chars().any(|c| c.is_whitespace() || crate::text::is_hidden(c));
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err(invalid("email", "invalid-email"))
    }
}

/// Input of [`create_tenant`].
#[derive(Debug, Clone)]
pub struct CreateTenant {
    /// URL name.
    pub slug: String,
    /// Official name.
    pub name: String,
    /// Time zone.
    pub time_zone: TimeZone,
}

/// A platform administrator adds a regency.
pub fn create_tenant(
    actor: &Actor,
    input: CreateTenant,
    cx: &Cx<'_>,
) -> Result<(Tenant, Change), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageTenants)?;
    let a = acting(actor)?;
    let tenant = Tenant {
        id: cx.id(),
        slug: valid_slug(&input.slug)?,
        name: valid_name("name", &input.name)?,
        time_zone: input.time_zone,
        created_at: now,
        second_factor_required: true,
    };
    let ev = event(
        a,
        cx,
        Some(tenant.id),
        EventPayload::TenantCreated {
            tenant_id: tenant.id,
            slug: tenant.slug.clone(),
            name: tenant.name.clone(),
            time_zone: tenant.time_zone,
        },
    )?;
    Ok((
        tenant.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertTenant(tenant)],
        },
    ))
}

/// Input of [`create_work_unit`].
#[derive(Debug, Clone)]
pub struct CreateWorkUnit {
    /// Short code, e.g. `DPU`.
    pub code: String,
    /// Name, e.g. "Dinas Pekerjaan Umum".
    pub name: String,
}

/// A regency's administrator adds a work unit.
pub fn create_work_unit(
    actor: &Actor,
    tenant: TenantId,
    input: CreateWorkUnit,
    cx: &Cx<'_>,
) -> Result<(WorkUnit, Change), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageWorkUnits(tenant))?;
    let a = acting(actor)?;
    let code = input.code.trim().to_uppercase();
    let code_ok = (1..=20).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_alphanumeric())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "._-".contains(c));
    if !code_ok {
        return Err(invalid("code", "invalid-code"));
    }
    let wu = WorkUnit {
        id: cx.id(),
        tenant_id: tenant,
        code,
        name: valid_name("name", &input.name)?,
        created_at: now,
    };
    let ev = event(
        a,
        cx,
        Some(tenant),
        EventPayload::WorkUnitCreated {
            work_unit_id: wu.id,
            tenant_id: tenant,
            code: wu.code.clone(),
            name: wu.name.clone(),
        },
    )?;
    Ok((
        wu.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertWorkUnit(wu)],
        },
    ))
}

/// Input of [`register_vendor`].
#[derive(Debug, Clone)]
pub struct RegisterVendor {
    /// Company name.
    pub name: String,
    /// NIB, 13 digits.
    pub nib: String,
    /// Home regency, if one of ours.
    pub home_tenant_id: Option<TenantId>,
}

/// A vendor company is registered (by the platform administrator until self-registration lands).
pub fn register_vendor(
    actor: &Actor,
    input: RegisterVendor,
    cx: &Cx<'_>,
) -> Result<(Vendor, Change), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageVendors)?;
    let a = acting(actor)?;
    let nib = input.nib.trim().to_owned();
    if nib.len() != 13 || !nib.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid("nib", "invalid-nib"));
    }
    let v = Vendor {
        id: cx.id(),
        name: valid_name("name", &input.name)?,
        nib,
        home_tenant_id: input.home_tenant_id,
        created_at: now,
    };
    let ev = event(
        a,
        cx,
        None,
        EventPayload::VendorRegistered {
            vendor_id: v.id,
            name: v.name.clone(),
            nib: v.nib.clone(),
            home_tenant_id: v.home_tenant_id,
        },
    )?;
    Ok((
        v.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertVendor(v)],
        },
    ))
}

/// Input of [`create_user`]. The password has been checked with
/// [`check_new_password`](crate::password::check_new_password) and hashed by the caller, since
/// hashing is deliberately slow work that does not belong in the pure core.
#[derive(Debug, Clone)]
pub struct CreateUser {
    /// Sign-in name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Their regency (officials).
    pub tenant_id: Option<TenantId>,
    /// Their vendor company (vendor users).
    pub vendor_id: Option<VendorId>,
    /// Roles to grant, each possibly limited to a work unit.
    pub roles: Vec<(Role, Option<WorkUnitId>)>,
    /// PHC-format argon2id hash of the initial password.
    pub password_hash: String,
}

/// An administrator creates a user and grants roles.
///
/// Officials belong to one regency and may hold only regency roles there; vendor users belong to a
/// company and hold only the vendor role; platform administrators belong to no regency.
pub fn create_user(actor: &Actor, input: CreateUser, cx: &Cx<'_>) -> Result<(User, Change), CommandError> {
    let now = cx.now;
    match (input.tenant_id, input.vendor_id) {
        (Some(t), None) => authorize(actor, Action::ManageTenantUsers(t))?,
        (None, _) => authorize(actor, Action::ManageVendors)?,
        (Some(_), Some(_)) => return Err(invalid("vendor_id", "invalid-user-kind")),
    }
    let a = acting(actor)?;
    if input.roles.is_empty() {
        return Err(invalid("roles", "invalid-roles"));
    }
    for (role, wu) in &input.roles {
        let fits = match role {
            Role::PlatformAdmin => input.tenant_id.is_none() && input.vendor_id.is_none(),
            Role::Vendor => input.vendor_id.is_some(),
            _ => input.tenant_id.is_some(),
        };
        let unit_fits = wu.is_none() || matches!(role, Role::CommitmentOfficer | Role::BudgetHolder);
        if !fits || !unit_fits {
            return Err(invalid("roles", "invalid-roles"));
        }
        if *role == Role::PlatformAdmin && a.role != Role::PlatformAdmin {
            return Err(Denied::Forbidden.into());
        }
    }
    let user = User {
        id: cx.id(),
        username: valid_username(&input.username)?,
        display_name: valid_name("display_name", &input.display_name)?,
        email: valid_email(input.email.as_deref())?,
        tenant_id: input.tenant_id,
        vendor_id: input.vendor_id,
        active: true,
        created_at: now,
    };
    let mut change = Change::default();
    change.events.push(event(
        a,
        cx,
        user.tenant_id,
        EventPayload::UserCreated {
            user_id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            tenant_id: user.tenant_id,
            vendor_id: user.vendor_id,
        },
    )?);
    change.mutations.push(Mutation::InsertUser {
        user: user.clone(),
        password_hash: input.password_hash,
    });
    let mut roles = input.roles;
    roles.sort();
    roles.dedup();
    for (role, work_unit_id) in roles {
        let grant = RoleGrant {
            user_id: user.id,
            role,
            tenant_id: user.tenant_id,
            work_unit_id,
        };
        change.events.push(event(
            a,
            cx,
            user.tenant_id,
            EventPayload::RoleGranted {
                user_id: user.id,
                role,
                tenant_id: user.tenant_id,
                work_unit_id,
            },
        )?);
        change.mutations.push(Mutation::InsertRoleGrant(grant));
    }
    Ok((user, change))
}

/// The very first platform administrator of a deployment, created from the command line by
/// whoever runs the server. The caller must have checked that there is none yet.
pub fn bootstrap_platform_admin(
    username: &str,
    display_name: &str,
    password_hash: String,
    cx: &Cx<'_>,
) -> Result<(User, Change), CommandError> {
    let now = cx.now;
    let user = User {
        id: cx.id(),
        username: valid_username(username)?,
        display_name: valid_name("display_name", display_name)?,
        email: None,
        tenant_id: None,
        vendor_id: None,
        active: true,
        created_at: now,
    };
    let created = EventPayload::UserCreated {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: None,
        tenant_id: None,
        vendor_id: None,
    };
    let granted = EventPayload::RoleGranted {
        user_id: user.id,
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
    };
    let change = Change {
        events: vec![
            NewEvent::new(cx, None, None, None, &created)?,
            NewEvent::new(cx, None, None, None, &granted)?,
        ],
        mutations: vec![
            Mutation::InsertUser {
                user: user.clone(),
                password_hash,
            },
            Mutation::InsertRoleGrant(RoleGrant {
                user_id: user.id,
                role: Role::PlatformAdmin,
                tenant_id: None,
                work_unit_id: None,
            }),
        ],
    };
    Ok((user, change))
}

/// A user sets a new password (already checked and hashed); every session of theirs ends.
pub fn change_password(actor: &Actor, password_hash: String, cx: &Cx<'_>) -> Result<Change, CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageOwnAccount)?;
    let a = acting(actor)?;
    Ok(Change {
        events: vec![event(
            a,
            cx,
            a.tenant_id,
            EventPayload::PasswordChanged { user_id: a.user_id },
        )?],
        mutations: vec![
            Mutation::SetPasswordHash {
                user_id: a.user_id,
                password_hash,
            },
            Mutation::DeleteSessions { user_id: a.user_id },
            Mutation::RevokeAllApiTokens {
                user_id: a.user_id,
                at: now,
            },
        ],
    })
}

/// Ends every session of `target` (oneself, or a user one administers).
pub fn revoke_sessions(actor: &Actor, target: &User, cx: &Cx<'_>) -> Result<Change, CommandError> {
    let now = cx.now;
    authorize(
        actor,
        Action::RevokeUserSessions {
            tenant: target.tenant_id,
            user: target.id,
        },
    )?;
    let a = acting(actor)?;
    Ok(Change {
        events: vec![event(
            a,
            cx,
            target.tenant_id,
            EventPayload::SessionsRevoked { user_id: target.id },
        )?],
        mutations: vec![
            Mutation::DeleteSessions { user_id: target.id },
            Mutation::RevokeAllApiTokens {
                user_id: target.id,
                at: now,
            },
        ],
    })
}

/// Issues an API token scoped to the role the actor is acting in. The caller generated the secret
/// and passes its hash; the secret itself is shown once and never stored.
pub fn create_api_token(
    actor: &Actor,
    name: &str,
    secret_hash: Vec<u8>,
    expires_at: Option<OffsetDateTime>,
    cx: &Cx<'_>,
) -> Result<(ApiToken, Change), CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageOwnAccount)?;
    let a = acting(actor)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || !crate::text::is_clean_line(name) {
        return Err(invalid("name", "invalid-token-name"));
    }
    if expires_at.is_some_and(|e| e <= now) {
        return Err(invalid("expires_at", "invalid-expiry"));
    }
    let token = ApiToken {
        id: cx.id(),
        user_id: a.user_id,
        name: name.to_owned(),
        role: a.role,
        tenant_id: a.tenant_id,
        secret_hash,
        created_at: now,
        expires_at,
        revoked_at: None,
        last_used_at: None,
    };
    let ev = event(
        a,
        cx,
        a.tenant_id,
        EventPayload::ApiTokenCreated {
            token_id: token.id,
            user_id: a.user_id,
            name: token.name.clone(),
            role: token.role,
            tenant_id: token.tenant_id,
        },
    )?;
    Ok((
        token.clone(),
        Change {
            events: vec![ev],
            mutations: vec![Mutation::InsertApiToken(token)],
        },
    ))
}

/// The record of a read of confidential data, when the reader is an auditor or law enforcement
/// (None for other readers, whose reads are part of their daily work).
pub fn confidential_read(
    actor: &Actor,
    tenant: TenantId,
    subject: &str,
    records: u64,
    cx: &Cx<'_>,
) -> Result<Option<Change>, CommandError> {
    let Some(a) = actor
        .user()
        .filter(|a| matches!(a.role, Role::Auditor | Role::LawEnforcement))
    else {
        return Ok(None);
    };
    if records == 0 {
        return Ok(None);
    }
    let payload = EventPayload::ConfidentialDataRead {
        subject: subject.to_owned(),
        records,
    };
    Ok(Some(Change {
        events: vec![event(a, cx, Some(tenant), payload)?],
        mutations: vec![],
    }))
}

/// Revokes one of the actor's own API tokens.
pub fn revoke_api_token(actor: &Actor, token: &ApiToken, cx: &Cx<'_>) -> Result<Change, CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageOwnAccount)?;
    let a = acting(actor)?;
    if token.user_id != a.user_id {
        return Err(Denied::Forbidden.into());
    }
    if token.revoked_at.is_some() {
        return Err(invalid("token", "token-already-revoked"));
    }
    Ok(Change {
        events: vec![event(
            a,
            cx,
            token.tenant_id,
            EventPayload::ApiTokenRevoked {
                token_id: token.id,
                user_id: a.user_id,
            },
        )?],
        mutations: vec![Mutation::RevokeApiToken {
            id: token.id,
            at: now,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin() -> Actor {
        Actor::User(UserActor {
            user_id: UserId::new(),
            username: "admin".into(),
            role: Role::PlatformAdmin,
            tenant_id: None,
            work_unit_id: None,
            vendor_id: None,
        })
    }

    fn tenant_admin(t: TenantId) -> Actor {
        Actor::User(UserActor {
            user_id: UserId::new(),
            username: "ta".into(),
            role: Role::TenantAdmin,
            tenant_id: Some(t),
            work_unit_id: None,
            vendor_id: None,
        })
    }

    #[test]
    fn every_change_carries_an_event() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let (t, c) = create_tenant(
            &admin(),
            CreateTenant {
                slug: "banyuwangi".into(),
                name: "Pemkab Banyuwangi".into(),
                time_zone: TimeZone::Wib,
            },
            &crate::fixtures::cx(now),
        )
        .unwrap();
        assert_eq!(c.events.len(), 1);
        assert_eq!(c.events[0].tenant_id, Some(t.id));
        let (_, c) = create_user(
            &tenant_admin(t.id),
            CreateUser {
                username: "Budi.PPK".into(),
                display_name: "Budi Santoso".into(),
                email: Some("budi@banyuwangikab.go.id".into()),
                tenant_id: Some(t.id),
                vendor_id: None,
                roles: vec![(Role::CommitmentOfficer, None), (Role::CommitmentOfficer, None)],
                password_hash: "h".into(),
            },
            &crate::fixtures::cx(now),
        )
        .unwrap();
        // user_created + one role_granted (duplicates folded); as many events as mutations.
        assert_eq!(
            c.events.iter().map(|e| e.event_type).collect::<Vec<_>>(),
            ["user_created", "role_granted"]
        );
        assert_eq!(c.mutations.len(), 2);
        assert!(
            !c.events[0].payload.contains("\"h\""),
            "hash must never reach an event"
        );
    }

    #[test]
    fn tenant_admin_cannot_grant_platform_or_cross_regency() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let (mine, other) = (TenantId::new(), TenantId::new());
        let input = |t, role| CreateUser {
            username: "someone".into(),
            display_name: "Some One".into(),
            email: None,
            tenant_id: Some(t),
            vendor_id: None,
            roles: vec![(role, None)],
            password_hash: "h".into(),
        };
        assert!(matches!(
            create_user(
                &tenant_admin(mine),
                input(other, Role::Auditor),
                &crate::fixtures::cx(now)
            ),
            Err(CommandError::Denied(_))
        ));
        assert!(matches!(
            create_user(
                &tenant_admin(mine),
                input(mine, Role::PlatformAdmin),
                &crate::fixtures::cx(now)
            ),
            Err(CommandError::Invalid { .. })
        ));
        assert!(matches!(
            create_user(
                &tenant_admin(mine),
                input(mine, Role::Vendor),
                &crate::fixtures::cx(now)
            ),
            Err(CommandError::Invalid { .. })
        ));
        assert!(
            create_user(
                &tenant_admin(mine),
                input(mine, Role::Auditor),
                &crate::fixtures::cx(now)
            )
            .is_ok()
        );
    }

    #[test]
    fn validation_names_the_field() {
        let e = create_tenant(
            &admin(),
            CreateTenant {
                slug: "Bad Slug".into(),
                name: "x".into(),
                time_zone: TimeZone::Wib,
            },
            &crate::fixtures::cx(OffsetDateTime::UNIX_EPOCH),
        )
        .unwrap_err();
        assert_eq!(
            e,
            CommandError::Invalid {
                field: "slug",
                code: "invalid-slug"
            }
        );
        assert_eq!(valid_username(" Budi.PPK ").unwrap(), "budi.ppk");
        assert!(valid_username("a b").is_err());
        assert!(valid_email(Some("no-at-sign")).is_err());
        assert_eq!(valid_email(Some("  ")).unwrap(), None);
    }
}
