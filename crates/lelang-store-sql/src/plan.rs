//! Procurement plans, packages, their pokja and their tender setups.

use crate::{ApplyError, Db, Row, args, from_json, to_json};
use lelang_core::ids::{PackageId, PlanItemId, TenantId, UserId, WorkUnitId};
use lelang_core::package::Package;
use lelang_core::plan::PlanItem;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::rules;
use lelang_core::store::Conflict;
use lelang_core::tender::TenderSetup;
use time::OffsetDateTime;

fn code_of<T: serde::de::DeserializeOwned>(r: &impl Row, col: &str) -> Result<T, sqlx::Error> {
    let code = r.text(col)?;
    rules::from_code(&code).ok_or_else(|| sqlx::Error::Decode(format!("unknown {col} {code}").into()))
}

fn plan_item_row(r: &impl Row) -> Result<PlanItem, sqlx::Error> {
    Ok(PlanItem {
        id: PlanItemId(r.uuid("id")?),
        tenant_id: TenantId(r.uuid("tenant_id")?),
        work_unit_id: WorkUnitId(r.uuid("work_unit_id")?),
        fiscal_year: r.int32("fiscal_year")?,
        name: r.text("name")?,
        category: code_of(r, "category")?,
        budget_ceiling: r.int("budget_ceiling")?,
        funding_source: r.text("funding_source")?,
        planned_method: code_of(r, "planned_method")?,
        planned_start: r.date("planned_start")?,
        planned_end: r.date("planned_end")?,
        rule_set: r.text("rule_set")?,
        announced_at: r.opt_time("announced_at")?,
        created_at: r.time("created_at")?,
    })
}

fn package_row(r: &impl Row) -> Result<Package, sqlx::Error> {
    Ok(Package {
        id: PackageId(r.uuid("id")?),
        tenant_id: TenantId(r.uuid("tenant_id")?),
        work_unit_id: WorkUnitId(r.uuid("work_unit_id")?),
        plan_item_id: PlanItemId(r.uuid("plan_item_id")?),
        name: r.text("name")?,
        category: code_of(r, "category")?,
        budget_ceiling: r.int("budget_ceiling")?,
        owner_estimate: r.int("owner_estimate")?,
        hps_breakdown: from_json(&r.text("hps_breakdown")?)?,
        location: r.text("location")?,
        rule_set: r.text("rule_set")?,
        created_at: r.time("created_at")?,
        repeat_of: r.opt_uuid("repeat_of")?.map(PackageId),
    })
}

/// A regency's plan items (only those announced, if asked).
pub async fn plan_items<D: Db>(
    db: &mut D,
    tenant: TenantId,
    announced_only: bool,
) -> Result<Vec<PlanItem>, sqlx::Error> {
    let sql = if announced_only {
        "SELECT * FROM plan_items WHERE tenant_id = $1 AND announced_at IS NOT NULL ORDER BY fiscal_year, work_unit_id, name"
    } else {
        "SELECT * FROM plan_items WHERE tenant_id = $1 ORDER BY fiscal_year, work_unit_id, name"
    };
    db.fetch_all(sql, args![tenant.0])
        .await?
        .iter()
        .map(plan_item_row)
        .collect()
}

/// A regency's packages, newest first.
pub async fn packages<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<Package>, sqlx::Error> {
    db.fetch_all(
        "SELECT * FROM packages WHERE tenant_id = $1 ORDER BY created_at DESC, id",
        args![tenant.0],
    )
    .await?
    .iter()
    .map(package_row)
    .collect()
}

/// One package.
pub async fn package<D: Db>(db: &mut D, id: PackageId) -> Result<Option<Package>, sqlx::Error> {
    db.fetch_optional("SELECT * FROM packages WHERE id = $1", args![id.0])
        .await?
        .as_ref()
        .map(package_row)
        .transpose()
}

/// A regency's pokja assignments, with who has declared.
pub async fn pokja_assignments<D: Db>(
    db: &mut D,
    tenant: TenantId,
) -> Result<Vec<PokjaAssignment>, sqlx::Error> {
    let rows = db
        .fetch_all(
            "SELECT * FROM pokja_members WHERE tenant_id = $1 ORDER BY assigned_at, package_id, member_id",
            args![tenant.0],
        )
        .await?;
    assignments(&rows)
}

/// One package's pokja, if it has one.
pub async fn pokja_assignment<D: Db>(
    db: &mut D,
    package: PackageId,
) -> Result<Option<PokjaAssignment>, sqlx::Error> {
    let rows = db
        .fetch_all(
            "SELECT * FROM pokja_members WHERE package_id = $1 ORDER BY member_id",
            args![package.0],
        )
        .await?;
    Ok(assignments(&rows)?.pop())
}

/// Member rows grouped into assignments, in the order their packages first appear.
fn assignments<R: Row>(rows: &[R]) -> Result<Vec<PokjaAssignment>, sqlx::Error> {
    let mut out: Vec<PokjaAssignment> = Vec::new();
    for r in rows {
        let package_id = PackageId(r.uuid("package_id")?);
        let member = UserId(r.uuid("member_id")?);
        let declared = r.opt_time("declared_at")?.is_some();
        let i = match out.iter().position(|a| a.package_id == package_id) {
            Some(i) => i,
            None => {
                out.push(PokjaAssignment {
                    package_id,
                    tenant_id: TenantId(r.uuid("tenant_id")?),
                    members: vec![],
                    declared: vec![],
                    assigned_at: r.time("assigned_at")?,
                });
                out.len() - 1
            }
        };
        out[i].members.push(member);
        if declared {
            out[i].declared.push(member);
        }
    }
    Ok(out)
}

/// A regency's tender setups.
pub async fn tender_setups<D: Db>(db: &mut D, tenant: TenantId) -> Result<Vec<TenderSetup>, sqlx::Error> {
    db.fetch_all(
        "SELECT setup FROM tender_setups WHERE tenant_id = $1 ORDER BY package_id",
        args![tenant.0],
    )
    .await?
    .iter()
    .map(|r| from_json(&r.text("setup")?))
    .collect()
}

/// One package's tender setup, once set.
pub async fn tender_setup<D: Db>(db: &mut D, package: PackageId) -> Result<Option<TenderSetup>, sqlx::Error> {
    db.fetch_optional(
        "SELECT setup FROM tender_setups WHERE package_id = $1",
        args![package.0],
    )
    .await?
    .map(|r| from_json(&r.text("setup")?))
    .transpose()
}

/// A new plan item.
pub async fn insert_plan_item<D: Db>(db: &mut D, p: &PlanItem) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO plan_items (id, tenant_id, work_unit_id, fiscal_year, name, category, budget_ceiling, funding_source, \
         planned_method, planned_start, planned_end, rule_set, announced_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        args![
            p.id.0,
            p.tenant_id.0,
            p.work_unit_id.0,
            p.fiscal_year,
            p.name.as_str(),
            rules::code(&p.category),
            p.budget_ceiling,
            p.funding_source.as_str(),
            rules::code(&p.planned_method),
            p.planned_start,
            p.planned_end,
            p.rule_set.as_str(),
            p.announced_at,
            p.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// Announces plan items, each once.
pub async fn announce_plan_items<D: Db>(
    db: &mut D,
    ids: &[PlanItemId],
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    for id in ids {
        let n = db
            .execute(
                "UPDATE plan_items SET announced_at = $1 WHERE id = $2 AND announced_at IS NULL",
                args![at, id.0],
            )
            .await?;
        if n != 1 {
            return Err(sqlx::Error::RowNotFound.into());
        }
    }
    Ok(())
}

/// A new package.
pub async fn insert_package<D: Db>(db: &mut D, p: &Package) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO packages (id, tenant_id, work_unit_id, plan_item_id, name, category, budget_ceiling, owner_estimate, \
         hps_breakdown, location, rule_set, created_at, repeat_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        args![
            p.id.0,
            p.tenant_id.0,
            p.work_unit_id.0,
            p.plan_item_id.0,
            p.name.as_str(),
            rules::code(&p.category),
            p.budget_ceiling,
            p.owner_estimate,
            to_json(&p.hps_breakdown)?,
            p.location.as_str(),
            p.rule_set.as_str(),
            p.created_at,
            p.repeat_of.map(|r| r.0),
        ],
    )
    .await?;
    Ok(())
}

/// A package's pokja: one per package, even if two ULP heads assign at the same moment.
pub async fn insert_pokja_assignment<D: Db>(db: &mut D, a: &PokjaAssignment) -> Result<(), ApplyError> {
    let taken = db
        .fetch_optional(
            "SELECT member_id FROM pokja_members WHERE package_id = $1 LIMIT 1",
            args![a.package_id.0],
        )
        .await?;
    if taken.is_some() {
        return Err(ApplyError::Refused(Conflict::PokjaAssigned));
    }
    for m in &a.members {
        db.execute(
            "INSERT INTO pokja_members (package_id, tenant_id, member_id, assigned_at) VALUES ($1, $2, $3, $4)",
            args![a.package_id.0, a.tenant_id.0, m.0, a.assigned_at],
        )
        .await?;
    }
    Ok(())
}

/// One member of a package's pokja replaced by another, undeclared; refused if the one leaving is
/// no longer there (another replacement came first).
pub async fn replace_member<D: Db>(
    db: &mut D,
    package: PackageId,
    tenant: lelang_core::ids::TenantId,
    out: UserId,
    replacement: UserId,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "DELETE FROM pokja_members WHERE package_id = $1 AND member_id = $2",
            args![package.0, out.0],
        )
        .await?;
    if n != 1 {
        return Err(ApplyError::Refused(Conflict::PokjaAssigned));
    }
    db.execute(
        "INSERT INTO pokja_members (package_id, tenant_id, member_id, assigned_at) VALUES ($1, $2, $3, $4)",
        args![package.0, tenant.0, replacement.0, at],
    )
    .await?;
    Ok(())
}

/// A member's declaration of no conflict of interest, once.
pub async fn insert_declaration<D: Db>(
    db: &mut D,
    package: PackageId,
    member: UserId,
    at: OffsetDateTime,
) -> Result<(), ApplyError> {
    let n = db
        .execute(
            "UPDATE pokja_members SET declared_at = $1 WHERE package_id = $2 AND member_id = $3 AND declared_at IS NULL",
            args![at, package.0, member.0],
        )
        .await?;
    if n != 1 {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}

/// A tender's setup, new or changed.
pub async fn upsert_tender_setup<D: Db>(db: &mut D, t: &TenderSetup) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO tender_setups (package_id, tenant_id, setup) VALUES ($1, $2, $3) \
         ON CONFLICT (package_id) DO UPDATE SET setup = excluded.setup",
        args![t.package_id.0, t.tenant_id.0, to_json(t)?],
    )
    .await?;
    Ok(())
}

/// Holds only if the tender's setup is still the one the command read.
pub async fn expect_tender_setup<D: Db>(db: &mut D, expected: &TenderSetup) -> Result<(), ApplyError> {
    let stored = db
        .fetch_optional(
            "SELECT setup FROM tender_setups WHERE package_id = $1",
            args![expected.package_id.0],
        )
        .await?;
    let same = match stored {
        Some(r) => from_json::<TenderSetup>(&r.text("setup")?).is_ok_and(|s| s == *expected),
        None => false,
    };
    if !same {
        return Err(ApplyError::Refused(Conflict::SetupChanged));
    }
    Ok(())
}
