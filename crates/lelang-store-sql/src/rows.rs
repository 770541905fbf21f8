//! Rows written many at once, and values kept as JSON text.

use crate::{Db, Value, store_error};
use lelang_core::store::StoreError;
use std::fmt::Write as _;

/// Inserts `rows` (each of the same width) with one statement: `head VALUES (…), (…) tail`.
pub async fn insert_rows<D: Db>(
    db: &mut D,
    head: &'static str,
    rows: Vec<Vec<Value>>,
    tail: &'static str,
) -> Result<(), StoreError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let mut sql = String::with_capacity(head.len() + rows.len() * width * 5);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    let mut n = 0;
    for (i, row) in rows.iter().enumerate() {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for j in 0..row.len() {
            n += 1;
            let _ = write!(sql, "{}${n}", if j == 0 { "" } else { ", " });
        }
        sql.push(')');
    }
    sql.push_str(tail);
    db.execute_generated(sql, rows.into_iter().flatten().collect())
        .await
        .map_err(store_error)?;
    Ok(())
}

/// A value kept as JSON text.
pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// A value read back from JSON text.
pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
