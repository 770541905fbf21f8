//! The store's SQL, written once. Each stage's reads and writes are here, over a small dialect
//! ([`Db`], [`Row`], [`Value`]) that the two backends provide: placeholders are written `$n` (and
//! become `?n` on SQLite, which binds by the same index), times are bound and read in each
//! backend's own encoding (microseconds on SQLite, `timestamptz` on PostgreSQL), and a null
//! carries its type so PostgreSQL can type the parameter. A backend crate keeps only what truly
//! differs: its pool, the log's lock, search, triggers and migrations.
//!
//! A new stage adds one module here (its reads and the arms of its mutations); the backends call
//! it from their `Store` methods and their `apply`.

use async_trait::async_trait;
use lelang_core::store::Conflict;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

pub mod access;
pub mod append;
mod apply;
pub use apply::{apply, refused, store_error};
pub mod calendar;
pub mod directory;
pub mod log;
pub mod ocds;
pub mod plan;
pub mod sealing;
pub mod tender;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::micros as sqlite_micros;

/// The type of a bound value, so that a null is typed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `BOOLEAN`.
    Bool,
    /// `BIGINT`.
    Int,
    /// `INTEGER` (a year, a version).
    Int32,
    /// `SMALLINT` (a form's number).
    Int16,
    /// `TEXT`.
    Text,
    /// `BYTEA` / `BLOB`.
    Bytes,
    /// `UUID`.
    Uuid,
    /// An instant.
    Time,
    /// A calendar date.
    Date,
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A typed null.
    Null(Kind),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A 32-bit integer.
    Int32(i32),
    /// A 16-bit integer.
    Int16(i16),
    /// Text.
    Text(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A UUID.
    Uuid(Uuid),
    /// An instant.
    Time(OffsetDateTime),
    /// A date.
    Date(Date),
}

/// A Rust type that binds as one [`Kind`].
pub trait Bind: Into<Value> {
    /// Its kind (for its nulls).
    const KIND: Kind;
}

macro_rules! bind_as {
    ($t:ty, $kind:ident, $v:ident => $e:expr) => {
        impl From<$t> for Value {
            fn from($v: $t) -> Value {
                $e
            }
        }
        impl Bind for $t {
            const KIND: Kind = Kind::$kind;
        }
    };
}

bind_as!(bool, Bool, v => Value::Bool(v));
bind_as!(i64, Int, v => Value::Int(v));
bind_as!(i32, Int32, v => Value::Int32(v));
bind_as!(i16, Int16, v => Value::Int16(v));
bind_as!(String, Text, v => Value::Text(v));
bind_as!(&str, Text, v => Value::Text(v.to_owned()));
bind_as!(Vec<u8>, Bytes, v => Value::Bytes(v));
bind_as!(Uuid, Uuid, v => Value::Uuid(v));
bind_as!(OffsetDateTime, Time, v => Value::Time(v));
bind_as!(Date, Date, v => Value::Date(v));

impl<T: Bind> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null(T::KIND), Into::into)
    }
}

/// The arguments of a statement, in `$n` order.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => {
        vec![$($crate::Value::from($v)),*]
    };
}

/// A row read back, by column name, in the backend's own encodings.
pub trait Row: Send {
    /// A text column.
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    /// An integer column.
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    /// A 32-bit integer column.
    fn int32(&self, col: &str) -> Result<i32, sqlx::Error>;
    /// A 16-bit integer column.
    fn int16(&self, col: &str) -> Result<i16, sqlx::Error>;
    /// A nullable integer column.
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    /// A bytes column.
    fn bytes(&self, col: &str) -> Result<Vec<u8>, sqlx::Error>;
    /// A nullable bytes column.
    fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>, sqlx::Error>;
    /// A UUID column.
    fn uuid(&self, col: &str) -> Result<Uuid, sqlx::Error>;
    /// A nullable UUID column.
    fn opt_uuid(&self, col: &str) -> Result<Option<Uuid>, sqlx::Error>;
    /// A nullable text column.
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    /// An instant.
    fn time(&self, col: &str) -> Result<OffsetDateTime, sqlx::Error>;
    /// A nullable instant.
    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, sqlx::Error>;
    /// A date.
    fn date(&self, col: &str) -> Result<Date, sqlx::Error>;
    /// A boolean (an `EXISTS`, a flag).
    fn boolean(&self, col: &str) -> Result<bool, sqlx::Error>;
}

/// Where statements run: a pool (for reads) or a connection inside the change's transaction.
#[async_trait]
pub trait Db: Send {
    /// Its rows.
    type Row: Row;
    /// Runs a statement; the rows it touched.
    async fn execute(&mut self, sql: &'static str, args: Vec<Value>) -> Result<u64, sqlx::Error>;
    /// Every row of a query.
    async fn fetch_all(&mut self, sql: &'static str, args: Vec<Value>)
    -> Result<Vec<Self::Row>, sqlx::Error>;
    /// The first row of a query, if any.
    async fn fetch_optional(
        &mut self,
        sql: &'static str,
        args: Vec<Value>,
    ) -> Result<Option<Self::Row>, sqlx::Error>;
    /// Runs a statement this crate generated from fixed parts and numbers (many rows at once);
    /// never text a user wrote.
    async fn execute_generated(&mut self, sql: String, args: Vec<Value>) -> Result<u64, sqlx::Error>;
    /// The rows of a query this crate generated (see [`Db::execute_generated`]).
    async fn fetch_all_generated(
        &mut self,
        sql: String,
        args: Vec<Value>,
    ) -> Result<Vec<Self::Row>, sqlx::Error>;
    /// Takes the log's lock inside the current transaction, where the backend needs one (SQLite
    /// holds it from `BEGIN IMMEDIATE`).
    async fn lock_log(&mut self) -> Result<(), sqlx::Error>;
}

/// A mutation that did not apply: the database's error, or a refusal the store decided.
#[derive(Debug)]
pub enum ApplyError {
    /// The database's.
    Sql(sqlx::Error),
    /// The store's, by type.
    Refused(Conflict),
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::Sql(e)
    }
}

/// A value kept as JSON text.
pub fn to_json<T: serde::Serialize>(v: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(v).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// A value read back from JSON text.
pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// `$n` as SQLite writes it (`?n`, bound by the same index); a `$` not followed by a digit (a
/// JSON path) stays. Only ever applied to this crate's `&'static str` statements.
pub fn numbered_for_sqlite(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

/// Implements [`Db`] for a backend's connection and pool, and [`Row`] for its row: the only code
/// that differs is how SQL and times are written, given as arguments.
macro_rules! backend {
    (
        conn: $conn:ty, pool: $pool:ty, row: $row:ty,
        sql: $sql:expr, generated: $generated:expr, lock: $lock:expr,
        time: $time_ty:ty, bind_time: $bind_time:expr, read_time: $read_time:expr
    ) => {
        type Statement = sqlx::query::Query<
            'static,
            <$row as sqlx::Row>::Database,
            <<$row as sqlx::Row>::Database as sqlx::Database>::Arguments,
        >;

        fn bound(sql: &'static str, args: Vec<$crate::Value>) -> Statement {
            bind_all(sqlx::query(($sql)(sql)), args)
        }

        fn generated(sql: String, args: Vec<$crate::Value>) -> Statement {
            bind_all(sqlx::query(sqlx::AssertSqlSafe(($generated)(sql))), args)
        }

        fn bind_all(mut q: Statement, args: Vec<$crate::Value>) -> Statement {
            use $crate::{Kind, Value};
            for v in args {
                q = match v {
                    Value::Null(Kind::Bool) => q.bind(None::<bool>),
                    Value::Null(Kind::Int) => q.bind(None::<i64>),
                    Value::Null(Kind::Int32) => q.bind(None::<i32>),
                    Value::Null(Kind::Int16) => q.bind(None::<i16>),
                    Value::Null(Kind::Text) => q.bind(None::<String>),
                    Value::Null(Kind::Bytes) => q.bind(None::<Vec<u8>>),
                    Value::Null(Kind::Uuid) => q.bind(None::<uuid::Uuid>),
                    Value::Null(Kind::Time) => q.bind(None::<$time_ty>),
                    Value::Null(Kind::Date) => q.bind(None::<time::Date>),
                    Value::Bool(b) => q.bind(b),
                    Value::Int(i) => q.bind(i),
                    Value::Int32(i) => q.bind(i),
                    Value::Int16(i) => q.bind(i),
                    Value::Text(s) => q.bind(s),
                    Value::Bytes(b) => q.bind(b),
                    Value::Uuid(u) => q.bind(u),
                    Value::Time(t) => q.bind(($bind_time)(t)),
                    Value::Date(d) => q.bind(d),
                };
            }
            q
        }

        #[async_trait::async_trait]
        impl $crate::Db for $conn {
            type Row = $row;
            async fn execute(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<u64, sqlx::Error> {
                Ok(bound(sql, args).execute(&mut *self).await?.rows_affected())
            }
            async fn fetch_all(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<Vec<$row>, sqlx::Error> {
                bound(sql, args).fetch_all(&mut *self).await
            }
            async fn fetch_optional(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<Option<$row>, sqlx::Error> {
                bound(sql, args).fetch_optional(&mut *self).await
            }
            async fn execute_generated(
                &mut self,
                sql: String,
                args: Vec<$crate::Value>,
            ) -> Result<u64, sqlx::Error> {
                Ok(generated(sql, args)
                    .execute(&mut *self)
                    .await?
                    .rows_affected())
            }
            async fn fetch_all_generated(
                &mut self,
                sql: String,
                args: Vec<$crate::Value>,
            ) -> Result<Vec<$row>, sqlx::Error> {
                generated(sql, args).fetch_all(&mut *self).await
            }
            async fn lock_log(&mut self) -> Result<(), sqlx::Error> {
                if let Some(sql) = $lock {
                    sqlx::query(sql).execute(&mut *self).await?;
                }
                Ok(())
            }
        }

        // A pool runs each statement on a connection of its own (reads, and writes outside a change).
        #[async_trait::async_trait]
        impl $crate::Db for &$pool {
            type Row = $row;
            async fn execute(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<u64, sqlx::Error> {
                Ok(bound(sql, args).execute(*self).await?.rows_affected())
            }
            async fn fetch_all(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<Vec<$row>, sqlx::Error> {
                bound(sql, args).fetch_all(*self).await
            }
            async fn fetch_optional(
                &mut self,
                sql: &'static str,
                args: Vec<$crate::Value>,
            ) -> Result<Option<$row>, sqlx::Error> {
                bound(sql, args).fetch_optional(*self).await
            }
            async fn execute_generated(
                &mut self,
                sql: String,
                args: Vec<$crate::Value>,
            ) -> Result<u64, sqlx::Error> {
                Ok(generated(sql, args).execute(*self).await?.rows_affected())
            }
            async fn fetch_all_generated(
                &mut self,
                sql: String,
                args: Vec<$crate::Value>,
            ) -> Result<Vec<$row>, sqlx::Error> {
                generated(sql, args).fetch_all(*self).await
            }
            async fn lock_log(&mut self) -> Result<(), sqlx::Error> {
                // A lock outside a transaction would hold nothing: only a change's connection locks.
                Ok(())
            }
        }

        impl $crate::Row for $row {
            fn text(&self, col: &str) -> Result<String, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn int32(&self, col: &str) -> Result<i32, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn int16(&self, col: &str) -> Result<i16, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn uuid(&self, col: &str) -> Result<uuid::Uuid, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn opt_uuid(&self, col: &str) -> Result<Option<uuid::Uuid>, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn time(&self, col: &str) -> Result<time::OffsetDateTime, sqlx::Error> {
                ($read_time)(sqlx::Row::try_get::<$time_ty, _>(self, col)?)
            }
            fn opt_time(&self, col: &str) -> Result<Option<time::OffsetDateTime>, sqlx::Error> {
                sqlx::Row::try_get::<Option<$time_ty>, _>(self, col)?
                    .map($read_time)
                    .transpose()
            }
            fn date(&self, col: &str) -> Result<time::Date, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
            fn boolean(&self, col: &str) -> Result<bool, sqlx::Error> {
                sqlx::Row::try_get(self, col)
            }
        }
    };
}
use backend;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_keep_their_index_and_json_paths_stay() {
        assert_eq!(
            numbered_for_sqlite("SELECT json_extract(data, '$.a') FROM t WHERE a = $2 AND b = $1"),
            "SELECT json_extract(data, '$.a') FROM t WHERE a = ?2 AND b = ?1"
        );
    }

    #[test]
    fn a_null_keeps_its_type() {
        assert_eq!(Value::from(None::<Uuid>), Value::Null(Kind::Uuid));
        assert_eq!(Value::from(Some(3_i64)), Value::Int(3));
    }
}
