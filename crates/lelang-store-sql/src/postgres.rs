//! The dialect on PostgreSQL: `$n` placeholders as written, instants as `timestamptz`.

use time::OffsetDateTime;

fn same(sql: &'static str) -> &'static str {
    sql
}

fn same_owned(sql: String) -> String {
    sql
}

/// The advisory lock that serialises appends to the event log (key 0x6c656c616e67, "lelang").
const LOG_APPEND_LOCK: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(119182865821287)");

fn as_is(t: OffsetDateTime) -> OffsetDateTime {
    t
}

fn read(t: OffsetDateTime) -> Result<OffsetDateTime, sqlx::Error> {
    Ok(t)
}

super::backend!(
    conn: sqlx::PgConnection, pool: sqlx::PgPool, row: sqlx::postgres::PgRow,
    sql: same, generated: same_owned, lock: LOG_APPEND_LOCK, time: OffsetDateTime, bind_time: as_is, read_time: read
);
