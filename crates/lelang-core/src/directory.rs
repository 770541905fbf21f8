//! The directory: regencies, work units, companies, users, their roles, passwords, sessions and
//! API tokens, and the record of confidential reads.

use crate::command::{
    Change, CommandError, acting, event, invalid, valid_email, valid_name, valid_slug, valid_username,
};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{ApiTokenId, TenantId, UserId, VendorId, WorkUnitId};
use crate::model::{ApiToken, RoleGrant, Tenant, TimeZone, User, Vendor, WorkUnit};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::role::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A regency joined the deployment.
    TenantCreated {
        /// The new regency.
        tenant_id: TenantId,
        /// Its URL name.
        slug: String,
        /// Its official name.
        name: String,
        /// Its time zone.
        time_zone: TimeZone,
    },
    /// A work unit was created in a regency.
    WorkUnitCreated {
        /// The new work unit.
        work_unit_id: WorkUnitId,
        /// Its regency.
        tenant_id: TenantId,
        /// Its short code.
        code: String,
        /// Its name.
        name: String,
    },
    /// A vendor company was registered.
    VendorRegistered {
        /// The company.
        vendor_id: VendorId,
        /// Its name.
        name: String,
        /// Its NIB.
        nib: String,
        /// Its home regency, if one of ours.
        home_tenant_id: Option<TenantId>,
    },
    /// A user account was created.
    UserCreated {
        /// The new user.
        user_id: UserId,
        /// Sign-in name.
        username: String,
        /// Display name.
        display_name: String,
        /// E-mail (personal data: committed, not shown, in the public log).
        email: Option<String>,
        /// Their regency.
        tenant_id: Option<TenantId>,
        /// Their vendor company.
        vendor_id: Option<VendorId>,
    },
    /// A role was granted to a user.
    RoleGranted {
        /// The user.
        user_id: UserId,
        /// The role.
        role: Role,
        /// The regency of the grant.
        tenant_id: Option<TenantId>,
        /// The work unit of the grant.
        work_unit_id: Option<WorkUnitId>,
    },
    /// A user's password was set anew (the hash is never part of an event).
    PasswordChanged {
        /// The user.
        user_id: UserId,
    },
    /// Every session of a user was ended (sign out everywhere, or by an administrator).
    SessionsRevoked {
        /// The user.
        user_id: UserId,
    },
    /// An API token was issued (its secret is never part of an event).
    ApiTokenCreated {
        /// The token.
        token_id: ApiTokenId,
        /// Its owner.
        user_id: UserId,
        /// Its name.
        name: String,
        /// The role it is scoped to.
        role: Role,
        /// The regency of that role.
        tenant_id: Option<TenantId>,
    },
    /// An API token was revoked.
    ApiTokenRevoked {
        /// The token.
        token_id: ApiTokenId,
        /// Its owner.
        user_id: UserId,
    },
    /// An auditor or law enforcement read confidential data (promise 4: such reads are logged).
    ConfidentialDataRead {
        /// What was read, e.g. `hps_breakdown`, `event_log`.
        subject: String,
        /// How many records.
        records: u64,
    },
}

crate::privacy::event_table! {
    TenantCreated "tenant_created" actor: PERSONAL, role: PUBLIC, {
        tenant_id: PUBLIC => "a regency is public",
        slug: PUBLIC => "its address",
        name: PUBLIC => "its official name",
        time_zone: PUBLIC => "schedules are in it",
    }
    WorkUnitCreated "work_unit_created" actor: PERSONAL, role: PUBLIC, {
        work_unit_id: PUBLIC => "a work unit buys in public",
        tenant_id: PUBLIC => "its regency",
        code: PUBLIC => "its short code",
        name: PUBLIC => "its name",
    }
    VendorRegistered "vendor_registered" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "a company is a legal entity",
        name: PUBLIC => "its registered name",
        nib: PUBLIC => "its public business number",
        home_tenant_id: PUBLIC => "its home regency",
    }
    UserCreated "user_created" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id: names nobody once the fields below are committed",
        username: PERSONAL => "usually a person's name",
        display_name: PERSONAL => "a person's name (UU PDP 27/2022)",
        email: PERSONAL => "contact data (UU PDP 27/2022)",
        tenant_id: PUBLIC => "the regency of an official",
        vendor_id: PUBLIC => "the company of a vendor's staff member",
    }
    RoleGranted "role_granted" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
        role: PUBLIC => "which offices exist in a regency is public",
        tenant_id: PUBLIC => "where",
        work_unit_id: PUBLIC => "which work unit",
    }
    PasswordChanged "password_changed" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the hash is never in an event",
    }
    SessionsRevoked "sessions_revoked" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
    }
    ApiTokenCreated "api_token_created" actor: PERSONAL, role: PUBLIC, {
        token_id: PUBLIC => "a random id; the secret is never in an event",
        user_id: PUBLIC => "a random id",
        name: PERSONAL => "free text, often a person's or a device's name",
        role: PUBLIC => "what the token may do",
        tenant_id: PUBLIC => "where",
    }
    ApiTokenRevoked "api_token_revoked" actor: PERSONAL, role: PUBLIC, {
        token_id: PUBLIC => "a random id",
        user_id: PUBLIC => "a random id",
    }
    ConfidentialDataRead "confidential_data_read" actor: PERSONAL, role: PERSONAL, {
        subject: PUBLIC => "what kind of record was read",
        records: PUBLIC => "how many",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
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
    /// A token stops working.
    RevokeApiToken {
        /// The token.
        id: ApiTokenId,
        /// When.
        at: OffsetDateTime,
    },
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
) -> Result<(Tenant, Change<Mutation>), CommandError> {
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
        Event::TenantCreated {
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
) -> Result<(WorkUnit, Change<Mutation>), CommandError> {
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
        Event::WorkUnitCreated {
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
) -> Result<(Vendor, Change<Mutation>), CommandError> {
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
        Event::VendorRegistered {
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
pub fn create_user(
    actor: &Actor,
    input: CreateUser,
    cx: &Cx<'_>,
) -> Result<(User, Change<Mutation>), CommandError> {
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
        Event::UserCreated {
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
            Event::RoleGranted {
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
) -> Result<(User, Change<Mutation>), CommandError> {
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
    let created = Event::UserCreated {
        user_id: user.id,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: None,
        tenant_id: None,
        vendor_id: None,
    };
    let granted = Event::RoleGranted {
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
pub fn change_password(
    actor: &Actor,
    password_hash: String,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    authorize(actor, Action::ManageOwnAccount)?;
    let a = acting(actor)?;
    Ok(Change {
        events: vec![event(
            a,
            cx,
            a.tenant_id,
            Event::PasswordChanged { user_id: a.user_id },
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
pub fn revoke_sessions(actor: &Actor, target: &User, cx: &Cx<'_>) -> Result<Change<Mutation>, CommandError> {
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
            Event::SessionsRevoked { user_id: target.id },
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
) -> Result<(ApiToken, Change<Mutation>), CommandError> {
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
        Event::ApiTokenCreated {
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
) -> Result<Option<Change<Mutation>>, CommandError> {
    let Some(a) = actor
        .user()
        .filter(|a| matches!(a.role, Role::Auditor | Role::LawEnforcement))
    else {
        return Ok(None);
    };
    if records == 0 {
        return Ok(None);
    }
    let payload = Event::ConfidentialDataRead {
        subject: subject.to_owned(),
        records,
    };
    Ok(Some(Change {
        events: vec![event(a, cx, Some(tenant), payload)?],
        mutations: vec![],
    }))
}

/// Revokes one of the actor's own API tokens.
pub fn revoke_api_token(
    actor: &Actor,
    token: &ApiToken,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
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
            Event::ApiTokenRevoked {
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
    use crate::policy::UserActor;

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
