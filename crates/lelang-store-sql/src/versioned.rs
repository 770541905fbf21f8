//! Records written whole and versioned (letters of award, contracts, executions): a new record is
//! inserted; a change holds only on the version the command read, else it is refused as
//! [`Conflict::Changed`] and nothing is written.

use crate::{ApplyError, Db, Value, args};
use lelang_core::ids::PackageId;
use lelang_core::store::Conflict;

/// The tables written this way (their names go into generated SQL, never user text).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Table {
    AwardLetters,
    Contracts,
    Executions,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::AwardLetters => "award_letters",
            Table::Contracts => "contracts",
            Table::Executions => "executions",
        }
    }
}

/// Writes the record of `package` at `version` with its JSON `data`: new (`expected` none, with
/// the key columns `keys`, `package_id` first) or over the version read at `expected`.
pub(crate) async fn put<D: Db>(
    db: &mut D,
    table: Table,
    keys: Vec<(&'static str, Value)>,
    package: PackageId,
    version: u32,
    data: String,
    expected: Option<u32>,
) -> Result<(), ApplyError> {
    let t = table.name();
    match expected {
        None => {
            let cols: Vec<&str> = keys.iter().map(|(c, _)| *c).collect();
            let n = keys.len();
            let marks: Vec<String> = (1..=n + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {t} ({}, version, data) VALUES ({})",
                cols.join(", "),
                marks.join(", ")
            );
            let mut values: Vec<Value> = keys.into_iter().map(|(_, v)| v).collect();
            values.extend(args![i64::from(version), data]);
            db.execute_generated(sql, values).await?;
        }
        Some(v) => {
            let sql =
                format!("UPDATE {t} SET version = $1, data = $2 WHERE package_id = $3 AND version = $4");
            let n = db
                .execute_generated(sql, args![i64::from(version), data, package.0, i64::from(v)])
                .await?;
            if n != 1 {
                return Err(ApplyError::Refused(Conflict::Changed));
            }
        }
    }
    Ok(())
}
