//! The one macro that writes each backend's [`crate::Db`] and [`crate::Row`].

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
pub(crate) use backend;
