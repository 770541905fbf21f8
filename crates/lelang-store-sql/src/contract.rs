//! Contracts and their execution, written whole and versioned: each change holds only on the
//! version read.

use crate::sealing::{all_json, one_json};
use crate::versioned::{Table, put};
use crate::{ApplyError, Db, args, to_json};
use lelang_core::contract::Contract;
use lelang_core::execution::Execution;
use lelang_core::ids::{PackageId, VendorId};

/// A tender's contract.
pub async fn contract<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Contract>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM contracts WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// The contract, new (`expected` none) or the next version of the one read at `expected`.
pub async fn put_contract<D: Db>(db: &mut D, c: &Contract, expected: Option<u32>) -> Result<(), ApplyError> {
    let keys = vec![
        ("package_id", c.package_id.0.into()),
        ("tenant_id", c.tenant_id.0.into()),
    ];
    put(
        db,
        Table::Contracts,
        keys,
        c.package_id,
        c.version,
        to_json(c)?,
        expected,
    )
    .await
}

/// A contract's execution.
pub async fn execution<D: Db>(db: &mut D, package: PackageId) -> Result<Option<Execution>, sqlx::Error> {
    one_json(
        db,
        "SELECT data FROM executions WHERE package_id = $1",
        args![package.0],
    )
    .await
}

/// A company's executions, oldest contract first.
pub async fn executions_of<D: Db>(db: &mut D, vendor: VendorId) -> Result<Vec<Execution>, sqlx::Error> {
    all_json(
        db,
        "SELECT data FROM executions WHERE vendor_id = $1 ORDER BY package_id",
        args![vendor.0],
    )
    .await
}

/// The execution, new or the next version of the one read at `expected`.
pub async fn put_execution<D: Db>(
    db: &mut D,
    e: &Execution,
    expected: Option<u32>,
) -> Result<(), ApplyError> {
    let keys = vec![
        ("package_id", e.package_id.0.into()),
        ("tenant_id", e.tenant_id.0.into()),
        ("vendor_id", e.vendor_id.0.into()),
    ];
    put(
        db,
        Table::Executions,
        keys,
        e.package_id,
        e.version,
        to_json(e)?,
        expected,
    )
    .await
}
