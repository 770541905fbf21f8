//! The directory: regencies, work units, companies, users and their roles.

use crate::{ApplyError, Db, Row, args};
use lelang_core::ids::{TenantId, UserId, VendorId, WorkUnitId};
use lelang_core::model::{Credentials, RoleGrant, Tenant, TimeZone, User, Vendor, WorkUnit};
use lelang_core::role::Role;
use std::str::FromStr as _;

fn tenant_row(r: &impl Row) -> Result<Tenant, sqlx::Error> {
    let tz = r.text("time_zone")?;
    Ok(Tenant {
        id: TenantId(r.uuid("id")?),
        slug: r.text("slug")?,
        name: r.text("name")?,
        time_zone: TimeZone::from_code(&tz)
            .ok_or_else(|| sqlx::Error::Decode(format!("time zone {tz}").into()))?,
        created_at: r.time("created_at")?,
        second_factor_required: r.boolean("second_factor_required")?,
    })
}

pub(crate) fn user_row(r: &impl Row) -> Result<User, sqlx::Error> {
    Ok(User {
        id: UserId(r.uuid("id")?),
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        email: r.opt_text("email")?,
        tenant_id: r.opt_uuid("tenant_id")?.map(TenantId),
        vendor_id: r.opt_uuid("vendor_id")?.map(VendorId),
        active: r.boolean("active")?,
        created_at: r.time("created_at")?,
    })
}

fn vendor_row(r: &impl Row) -> Result<Vendor, sqlx::Error> {
    Ok(Vendor {
        id: VendorId(r.uuid("id")?),
        name: r.text("name")?,
        nib: r.text("nib")?,
        home_tenant_id: r.opt_uuid("home_tenant_id")?.map(TenantId),
        created_at: r.time("created_at")?,
    })
}

fn grant_row(r: &impl Row) -> Result<RoleGrant, sqlx::Error> {
    Ok(RoleGrant {
        user_id: UserId(r.uuid("user_id")?),
        role: Role::from_str(&r.text("role")?).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        tenant_id: r.opt_uuid("tenant_id")?.map(TenantId),
        work_unit_id: r.opt_uuid("work_unit_id")?.map(WorkUnitId),
    })
}

/// Every regency, by name.
pub async fn tenants<D: Db>(db: &mut D) -> Result<Vec<Tenant>, sqlx::Error> {
    db.fetch_all("SELECT * FROM tenants ORDER BY name", args![])
        .await?
        .iter()
        .map(tenant_row)
        .collect()
}

/// A regency by id.
pub async fn tenant<D: Db>(db: &mut D, id: TenantId) -> Result<Option<Tenant>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM tenants WHERE id = $1", args![id.0])
        .await?
        .as_ref()
        .map(tenant_row)
        .transpose()
}

/// A regency by its short name.
pub async fn tenant_by_slug<D: Db>(db: &mut D, slug: &str) -> Result<Option<Tenant>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM tenants WHERE slug = $1", args![slug])
        .await?
        .as_ref()
        .map(tenant_row)
        .transpose()
}

/// A regency's work units, by code.
pub async fn work_units<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<WorkUnit>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM work_units WHERE tenant_id = $1 ORDER BY code",
        args![tenant.0],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(WorkUnit {
            id: WorkUnitId(r.uuid("id")?),
            tenant_id: TenantId(r.uuid("tenant_id")?),
            code: r.text("code")?,
            name: r.text("name")?,
            created_at: r.time("created_at")?,
        })
    })
    .collect()
}

/// Every company, by name.
pub async fn vendors<D: Db>(db: &mut D) -> Result<Vec<Vendor>, sqlx::Error> {
    db.fetch_all("SELECT * FROM vendors ORDER BY name", args![])
        .await?
        .iter()
        .map(vendor_row)
        .collect()
}

/// A company.
pub async fn vendor<D: Db>(db: &mut D, id: VendorId) -> Result<Option<Vendor>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM vendors WHERE id = $1", args![id.0])
        .await?
        .as_ref()
        .map(vendor_row)
        .transpose()
}

/// The users of a regency (or, with `None`, of the platform), by username.
pub async fn users<D: Db>(db: &mut D, tenant: Option<TenantId>) -> Result<Vec<User>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM users WHERE ($1 IS NULL AND tenant_id IS NULL) OR tenant_id = $1 ORDER BY username",
        args![tenant.map(|t| t.0)],
    )
    .await?
    .iter()
    .map(user_row)
    .collect()
}

/// A user.
pub async fn user<D: Db>(db: &mut D, id: UserId) -> Result<Option<User>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM users WHERE id = $1", args![id.0])
        .await?
        .as_ref()
        .map(user_row)
        .transpose()
}

/// A user with its password hash, by username.
pub async fn credentials<D: Db>(db: &mut D, username: &str) -> Result<Option<Credentials>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM users WHERE username = $1", args![username])
        .await?
        .as_ref()
        .map(|r| {
            Ok(Credentials {
                user: user_row(r)?,
                password_hash: r.text("password_hash")?,
            })
        })
        .transpose()
}

/// The role grants within a regency.
pub async fn tenant_role_grants<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<RoleGrant>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM role_grants WHERE tenant_id = $1 ORDER BY user_id, role",
        args![tenant.0],
    )
    .await?
    .iter()
    .map(grant_row)
    .collect()
}

/// A user's role grants.
pub async fn role_grants<D: Db>(db: &mut D, user: UserId) -> Result<Vec<RoleGrant>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM role_grants WHERE user_id = $1 ORDER BY role",
        args![user.0],
    )
    .await?
    .iter()
    .map(grant_row)
    .collect()
}

/// A new regency.
pub async fn insert_tenant<D: Db>(db: &mut D, t: &Tenant) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO tenants (id, slug, name, time_zone, created_at, second_factor_required) VALUES ($1, $2, $3, $4, $5, $6)",
        args![t.id.0, t.slug.as_str(), t.name.as_str(), t.time_zone.code(), t.created_at, t.second_factor_required],
    )
    .await?;
    Ok(())
}

/// Whether a regency requires a second factor of its officials.
pub async fn set_second_factor_policy<D: Db>(
    db: &mut D,
    tenant: TenantId,
    required: bool,
) -> Result<(), ApplyError> {
    if db
        .execute(
            "UPDATE tenants SET second_factor_required = $1 WHERE id = $2",
            args![required, tenant.0],
        )
        .await?
        != 1
    {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}

/// A new work unit.
pub async fn insert_work_unit<D: Db>(db: &mut D, w: &WorkUnit) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO work_units (id, tenant_id, code, name, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![
            w.id.0,
            w.tenant_id.0,
            w.code.as_str(),
            w.name.as_str(),
            w.created_at
        ],
    )
    .await?;
    Ok(())
}

/// A new company.
pub async fn insert_vendor<D: Db>(db: &mut D, v: &Vendor) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO vendors (id, name, nib, home_tenant_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![
            v.id.0,
            v.name.as_str(),
            v.nib.as_str(),
            v.home_tenant_id.map(|t| t.0),
            v.created_at
        ],
    )
    .await?;
    Ok(())
}

/// A new user.
pub async fn insert_user<D: Db>(db: &mut D, u: &User, password_hash: &str) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO users (id, username, display_name, email, tenant_id, vendor_id, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            u.id.0,
            u.username.as_str(),
            u.display_name.as_str(),
            u.email.clone(),
            u.tenant_id.map(|t| t.0),
            u.vendor_id.map(|v| v.0),
            password_hash,
            u.active,
            u.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// A role granted.
pub async fn insert_role_grant<D: Db>(db: &mut D, g: &RoleGrant) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO role_grants (user_id, role, tenant_id, work_unit_id) VALUES ($1, $2, $3, $4)",
        args![
            g.user_id.0,
            g.role.code(),
            g.tenant_id.map(|t| t.0),
            g.work_unit_id.map(|w| w.0)
        ],
    )
    .await?;
    Ok(())
}

/// A user's new password hash.
pub async fn set_password_hash<D: Db>(
    db: &mut D,
    user: UserId,
    password_hash: &str,
) -> Result<(), ApplyError> {
    if db
        .execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            args![password_hash, user.0],
        )
        .await?
        != 1
    {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}
