//! The dialect on PostgreSQL: `$n` placeholders as written, instants as `timestamptz`.

use time::OffsetDateTime;

fn same(sql: &'static str) -> &'static str {
    sql
}

fn as_is(t: OffsetDateTime) -> OffsetDateTime {
    t
}

fn read(t: OffsetDateTime) -> Result<OffsetDateTime, sqlx::Error> {
    Ok(t)
}

super::backend!(
    conn: sqlx::PgConnection, pool: sqlx::PgPool, row: sqlx::postgres::PgRow,
    sql: same, time: OffsetDateTime, bind_time: as_is, read_time: read
);
