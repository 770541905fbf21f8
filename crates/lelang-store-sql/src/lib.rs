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
pub use dialect::{numbered_for_sqlite, positional_for_sqlite};
pub mod appeal;
mod backend;
use backend::backend;
pub mod append;
mod apply;
pub mod award_letter;
pub use apply::{apply, refused, store_error};
pub mod calendar;
pub mod cancellation;
pub mod case;
pub mod complaint;
pub mod contract;
pub mod dialect;
pub mod directory;
pub mod evaluation;
/// Hand-overs of packages to the procurement unit, and packages' conversations.
pub mod handover;
pub mod log;
pub mod objection;
pub mod ocds;
pub mod period;
pub mod plan;
mod rows;
pub mod sealing;
pub mod tender;
mod versioned;
pub use rows::{from_json, insert_rows, to_json};

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

/// The `Store` of a backend type, part by part: the methods written once here (each a call into
/// this crate's stage modules on the backend's `reader` or `writer` pool), and the backend's own
/// methods given in three blocks — `log` (migrations, transactions, the log lock), `tender`
/// (full-text search) and `open_data` (bulk writes). A new stage's reads add a line here, not two.
#[macro_export]
macro_rules! sql_store {
    ($ty:ty { log { $($log:tt)* } tender { $($tender:tt)* } open_data { $($open_data:tt)* } }) => {
        #[async_trait::async_trait]
        impl lelang_core::store::LogStore for $ty {
            $($log)*

    async fn events(&self, f: EventFilter) -> Result<Vec<Event>, StoreError> {
        $crate::log::events(&mut &self.reader, f).await.map_err($crate::store_error)
    }

    async fn event_count(&self) -> Result<i64, StoreError> {
        $crate::log::event_count(&mut &self.reader).await.map_err($crate::store_error)
    }

    async fn tree_size(&self) -> Result<u64, StoreError> {
        $crate::append::tree_size(&mut &self.reader).await
    }

    async fn tree_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError> {
        $crate::append::load_nodes(&mut &self.reader, ids).await
    }

    async fn tree_level(&self, level: u8, start: u64, count: u64) -> Result<Vec<Hash>, StoreError> {
        $crate::log::tree_level(&mut &self.reader, level, start, count)
            .await
            .map_err($crate::store_error)
    }

    async fn leaves(&self, start: u64, count: u64) -> Result<Vec<(Event, Salt)>, StoreError> {
        $crate::log::leaves(&mut &self.reader, start, count)
            .await
            .map_err($crate::store_error)
    }

    async fn add_checkpoint(&self, c: &StoredCheckpoint) -> Result<(), StoreError> {
        $crate::log::add_checkpoint(&mut &self.writer, c)
            .await
            .map_err($crate::store_error)
    }

    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        $crate::log::latest_checkpoint(&mut &self.reader)
            .await
            .map_err($crate::store_error)
    }

    async fn server_secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        $crate::access::server_secret(&mut &self.writer, name, candidate)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::DirectoryStore for $ty {
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        $crate::directory::tenants(&mut &self.reader).await.map_err($crate::store_error)
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        $crate::directory::tenant(&mut &self.reader, id)
            .await
            .map_err($crate::store_error)
    }

    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        $crate::directory::tenant_by_slug(&mut &self.reader, slug)
            .await
            .map_err($crate::store_error)
    }

    async fn work_units(&self, tenant: TenantId) -> Result<Vec<WorkUnit>, StoreError> {
        $crate::directory::work_units(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn vendors(&self) -> Result<Vec<Vendor>, StoreError> {
        $crate::directory::vendors(&mut &self.reader).await.map_err($crate::store_error)
    }

    async fn vendor(&self, id: VendorId) -> Result<Option<Vendor>, StoreError> {
        $crate::directory::vendor(&mut &self.reader, id)
            .await
            .map_err($crate::store_error)
    }

    async fn users(&self, tenant: Option<TenantId>) -> Result<Vec<User>, StoreError> {
        $crate::directory::users(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        $crate::directory::user(&mut &self.reader, id).await.map_err($crate::store_error)
    }

    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
        $crate::directory::credentials(&mut &self.reader, username)
            .await
            .map_err($crate::store_error)
    }

    async fn role_grants(&self, user: UserId) -> Result<Vec<RoleGrant>, StoreError> {
        $crate::directory::role_grants(&mut &self.reader, user)
            .await
            .map_err($crate::store_error)
    }

    async fn tenant_role_grants(&self, tenant: TenantId) -> Result<Vec<RoleGrant>, StoreError> {
        $crate::directory::tenant_role_grants(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn vendor_profile(
        &self,
        vendor: VendorId,
    ) -> Result<Option<lelang_core::vendor::VendorProfile>, StoreError> {
        $crate::tender::vendor_profile(&mut &self.reader, vendor)
            .await
            .map_err($crate::store_error)
    }

    async fn verifications(
        &self,
        vendor: Option<VendorId>,
    ) -> Result<Vec<lelang_core::vendor::Verification>, StoreError> {
        $crate::tender::verifications(&mut &self.reader, vendor)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::AccessStore for $ty {
    async fn create_session(&self, s: &Session) -> Result<(), StoreError> {
        $crate::access::create_session(&mut &self.writer, s)
            .await
            .map_err($crate::store_error)
    }

    async fn session_by_secret(&self, secret_hash: &[u8]) -> Result<Option<Session>, StoreError> {
        $crate::access::session_by_secret(&mut &self.reader, secret_hash)
            .await
            .map_err($crate::store_error)
    }

    async fn touch_session(&self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError> {
        $crate::access::touch_session(&mut &self.writer, id, at)
            .await
            .map_err($crate::store_error)
    }

    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError> {
        $crate::access::delete_session(&mut &self.writer, id)
            .await
            .map_err($crate::store_error)
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        $crate::access::purge_sessions(&mut &self.writer, idle_before, created_before)
            .await
            .map_err($crate::store_error)
    }

    async fn session_count(&self, user: UserId) -> Result<u64, StoreError> {
        $crate::access::session_count(&mut &self.reader, user)
            .await
            .map_err($crate::store_error)
    }

    async fn token_with_user(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(ApiToken, User, Vec<RoleGrant>)>, StoreError> {
        $crate::access::token_with_user(&mut &self.reader, secret_hash)
            .await
            .map_err($crate::store_error)
    }

    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        $crate::access::api_tokens(&mut &self.reader, user)
            .await
            .map_err($crate::store_error)
    }

    async fn api_token(&self, id: ApiTokenId) -> Result<Option<ApiToken>, StoreError> {
        $crate::access::api_token(&mut &self.reader, id)
            .await
            .map_err($crate::store_error)
    }

    async fn touch_api_token(&self, id: ApiTokenId, at: OffsetDateTime) -> Result<(), StoreError> {
        $crate::access::touch_api_token(&mut &self.writer, id, at)
            .await
            .map_err($crate::store_error)
    }

    async fn record_login_attempt(
        &self,
        account: &str,
        address: &str,
        success: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        $crate::access::record_login_attempt(&mut &self.writer, account, address, success, at)
            .await
            .map_err($crate::store_error)
    }

    async fn failed_logins(
        &self,
        account: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<FailedLogins, StoreError> {
        $crate::access::failed_logins(&mut &self.reader, account, address, since)
            .await
            .map_err($crate::store_error)
    }

    async fn clear_failed_logins(&self, account: &str) -> Result<(), StoreError> {
        $crate::access::clear_failed_logins(&mut &self.writer, account)
            .await
            .map_err($crate::store_error)
    }

    async fn second_factor(
        &self,
        user: UserId,
    ) -> Result<Option<lelang_core::second_factor::Enrolment>, StoreError> {
        $crate::access::second_factor(&mut &self.writer, user)
            .await
            .map_err($crate::store_error)
    }

    async fn use_second_factor_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        $crate::access::use_second_factor_step(&mut &self.writer, user, step)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::PlanStore for $ty {
    async fn plan_items(&self, tenant: TenantId, announced_only: bool) -> Result<Vec<PlanItem>, StoreError> {
        $crate::plan::plan_items(&mut &self.reader, tenant, announced_only)
            .await
            .map_err($crate::store_error)
    }

    async fn packages(&self, tenant: TenantId) -> Result<Vec<lelang_core::package::Package>, StoreError> {
        $crate::plan::packages(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn package(
        &self,
        id: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::package::Package>, StoreError> {
        $crate::plan::package(&mut &self.reader, id).await.map_err($crate::store_error)
    }

    async fn pokja_assignments(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<lelang_core::pokja::PokjaAssignment>, StoreError> {
        $crate::plan::pokja_assignments(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn tender_setups(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<lelang_core::tender::TenderSetup>, StoreError> {
        $crate::plan::tender_setups(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn handover(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::handover::Handover>, StoreError> {
        $crate::handover::handover(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn handovers(
        &self,
        tenant: lelang_core::ids::TenantId,
    ) -> Result<Vec<lelang_core::handover::Handover>, StoreError> {
        $crate::handover::handovers(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn package_messages(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::handover::Message>, StoreError> {
        $crate::handover::messages(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn messages_mentioning(
        &self,
        tenant: lelang_core::ids::TenantId,
        user: lelang_core::ids::UserId,
    ) -> Result<Vec<lelang_core::handover::Message>, StoreError> {
        $crate::handover::mentioning(&mut &self.reader, tenant, user)
            .await
            .map_err($crate::store_error)
    }

    async fn pokja_assignment(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::pokja::PokjaAssignment>, StoreError> {
        $crate::plan::pokja_assignment(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn tender_setup(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::tender::TenderSetup>, StoreError> {
        $crate::plan::tender_setup(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::TenderStore for $ty {
            $($tender)*

    async fn cancellation(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::cancellation::Cancellation>, StoreError> {
        $crate::cancellation::cancellation(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn cancellations(
        &self,
        tenant: lelang_core::ids::TenantId,
    ) -> Result<Vec<lelang_core::cancellation::Cancellation>, StoreError> {
        $crate::cancellation::cancellations(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }

    async fn public_tender(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::tender::PublicTender>, StoreError> {
        $crate::tender::public_tender(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn documents(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::document::Document>, StoreError> {
        $crate::tender::documents(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn participants(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<(VendorId, OffsetDateTime)>, StoreError> {
        $crate::tender::participants(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn vendor_tenders(&self, vendor: VendorId) -> Result<Vec<lelang_core::ids::PackageId>, StoreError> {
        $crate::tender::vendor_tenders(&mut &self.reader, vendor)
            .await
            .map_err($crate::store_error)
    }

    async fn questions(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::clarification::Question>, StoreError> {
        $crate::tender::questions(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::SealingStore for $ty {
    async fn member_key(&self, user: UserId) -> Result<Option<lelang_core::sealing::MemberKey>, StoreError> {
        $crate::sealing::member_key(&mut &self.reader, user)
            .await
            .map_err($crate::store_error)
    }

    async fn ceremony(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::sealing::Ceremony>, StoreError> {
        $crate::sealing::ceremony(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn bids(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::sealing::Bid>, StoreError> {
        $crate::sealing::bids(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn vendor_bids(
        &self,
        package: lelang_core::ids::PackageId,
        vendor: VendorId,
    ) -> Result<Vec<lelang_core::sealing::Bid>, StoreError> {
        $crate::sealing::vendor_bids(&mut &self.reader, package, vendor)
            .await
            .map_err($crate::store_error)
    }

    async fn tender_for(
        &self,
        package: lelang_core::ids::PackageId,
        vendor: VendorId,
    ) -> Result<Option<(lelang_core::tender::PublicTender, bool)>, StoreError> {
        $crate::tender::tender_for(&mut &self.reader, package, vendor)
            .await
            .map_err($crate::store_error)
    }

    async fn closing(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::submission::Closing>, StoreError> {
        $crate::sealing::closing(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn unclosed_tenders(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<lelang_core::ids::PackageId>, StoreError> {
        $crate::sealing::unclosed_tenders(&mut &self.reader, now)
            .await
            .map_err($crate::store_error)
    }

    async fn opening(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::sealing::Opening>, StoreError> {
        $crate::sealing::opening(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::EvaluationStore for $ty {
    async fn award_letters(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::award_letter::Letters>, StoreError> {
        $crate::award_letter::letters(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn appeals(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::appeal::Appeal>, StoreError> {
        $crate::appeal::appeals(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn contract(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::contract::Contract>, StoreError> {
        $crate::contract::contract(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn execution(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::execution::Execution>, StoreError> {
        $crate::contract::execution(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn period_ends(
        &self,
        package: lelang_core::ids::PackageId,
        version: u32,
    ) -> Result<Vec<lelang_core::period::Period>, StoreError> {
        $crate::period::ends(&mut &self.reader, package, version)
            .await
            .map_err($crate::store_error)
    }

    async fn unsettled_awards(&self) -> Result<Vec<lelang_core::ids::PackageId>, StoreError> {
        $crate::period::unsettled(&mut &self.reader)
            .await
            .map_err($crate::store_error)
    }

    async fn executions_of(
        &self,
        vendor: lelang_core::ids::VendorId,
    ) -> Result<Vec<lelang_core::execution::Execution>, StoreError> {
        $crate::contract::executions_of(&mut &self.reader, vendor)
            .await
            .map_err($crate::store_error)
    }

    async fn mous(&self, tenant: TenantId) -> Result<Vec<lelang_core::case::Mou>, StoreError> {
        $crate::case::mous(&mut &self.reader, tenant).await.map_err($crate::store_error)
    }

    async fn mou(&self, id: lelang_core::ids::MouId) -> Result<Option<lelang_core::case::Mou>, StoreError> {
        $crate::case::mou(&mut &self.reader, id).await.map_err($crate::store_error)
    }

    async fn cases(&self, tenant: TenantId) -> Result<Vec<lelang_core::case::Case>, StoreError> {
        $crate::case::cases(&mut &self.reader, tenant).await.map_err($crate::store_error)
    }

    async fn case(&self, id: lelang_core::ids::CaseId) -> Result<Option<lelang_core::case::Case>, StoreError> {
        $crate::case::case(&mut &self.reader, id).await.map_err($crate::store_error)
    }

    async fn complaint(
        &self,
        id: lelang_core::ids::ComplaintId,
    ) -> Result<Option<lelang_core::complaint::Complaint>, StoreError> {
        $crate::complaint::complaint(&mut &self.reader, id).await.map_err($crate::store_error)
    }

    async fn complaint_by_code(
        &self,
        code_hash: &str,
    ) -> Result<Option<lelang_core::complaint::Complaint>, StoreError> {
        $crate::complaint::by_code(&mut &self.reader, code_hash).await.map_err($crate::store_error)
    }

    async fn complaints(&self, tenant: TenantId) -> Result<Vec<lelang_core::complaint::Complaint>, StoreError> {
        $crate::complaint::complaints(&mut &self.reader, tenant).await.map_err($crate::store_error)
    }

    async fn pending_complaints(&self) -> Result<Vec<lelang_core::complaint::Complaint>, StoreError> {
        $crate::complaint::pending_complaints(&mut &self.reader).await.map_err($crate::store_error)
    }

    async fn objections(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Vec<lelang_core::objection::Objection>, StoreError> {
        $crate::objection::objections(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn evaluation(
        &self,
        package: lelang_core::ids::PackageId,
    ) -> Result<Option<lelang_core::evaluation::Evaluation>, StoreError> {
        $crate::evaluation::evaluation(&mut &self.reader, package)
            .await
            .map_err($crate::store_error)
    }

    async fn concluded(
        &self,
        tenant: lelang_core::ids::TenantId,
    ) -> Result<Vec<lelang_core::evaluation::rank::AwardRecord>, StoreError> {
        $crate::evaluation::concluded(&mut &self.reader, tenant)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::CalendarStore for $ty {
    async fn days_off(&self, year: Option<i32>) -> Result<Vec<lelang_core::calendar::DayOff>, StoreError> {
        $crate::calendar::days_off(&mut &self.reader, year)
            .await
            .map_err($crate::store_error)
    }
        }

        #[async_trait::async_trait]
        impl lelang_core::store::OpenDataStore for $ty {
            $($open_data)*

    async fn ocds_cursor(&self) -> Result<i64, StoreError> {
        $crate::ocds::ocds_cursor(&mut &self.reader).await.map_err($crate::store_error)
    }

    async fn releases(
        &self,
        f: &lelang_core::store::ReleaseFilter,
    ) -> Result<Vec<lelang_core::store::OcdsRelease>, StoreError> {
        $crate::ocds::releases(&mut &self.reader, f).await.map_err($crate::store_error)
    }

    async fn changed_processes(
        &self,
        after: i64,
        tenant: Option<TenantId>,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        $crate::ocds::changed_processes(&mut &self.reader, after, tenant, limit)
            .await
            .map_err($crate::store_error)
    }
        }
    };
}

#[cfg(test)]
mod tests;
