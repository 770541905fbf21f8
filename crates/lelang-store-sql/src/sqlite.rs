//! The dialect on SQLite: `?n` placeholders, instants as microseconds since the epoch.

use time::OffsetDateTime;

/// An instant as SQLite keeps it.
pub fn micros(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// An instant read back.
pub fn from_micros(us: i64) -> Result<OffsetDateTime, sqlx::Error> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1_000)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A statement of this crate in SQLite's placeholders: a translation of a `&'static str`, so
/// still nothing a user wrote.
fn numbered(sql: &'static str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(crate::numbered_for_sqlite(sql))
}

/// A statement this crate generated (many rows, each placeholder once and in order), positional.
fn numbered_owned(sql: String) -> String {
    crate::positional_for_sqlite(&sql)
}

super::backend!(
    conn: sqlx::SqliteConnection, pool: sqlx::SqlitePool, row: sqlx::sqlite::SqliteRow,
    sql: numbered, generated: numbered_owned, lock: None::<&'static str>, time: i64, bind_time: micros, read_time: from_micros
);
