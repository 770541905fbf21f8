//! The storage contract. Two sibling crates implement it (SQLite, PostgreSQL); one conformance
//! suite, generic over this trait, holds both to the same behaviour.

use crate::command::Change;
use crate::event::Event;
use crate::fresh::Salt;
use crate::ids::{ApiTokenId, PackageId, SessionId, TenantId, UserId, VendorId};
use crate::model::{ApiToken, Credentials, RoleGrant, Session, Tenant, User, Vendor, WorkUnit};
use crate::mutation::Mutation;
use async_trait::async_trait;
use lelang_trust::merkle::{Hash, NodeId};
use std::collections::HashMap;
use time::OffsetDateTime;

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change was refused whole: something it assumed no longer holds.
    #[error("refused: {0}")]
    Conflict(Conflict),
    /// A row the change refers to does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The database could not be reached or failed.
    #[error("database: {0}")]
    Backend(String),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migration(String),
}

/// Why a store refused a change, by type: each is answered in one place (the web crate's
/// `ApiError`), never by reading the text of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// Something that must be unique exists already.
    #[error("{0} already exists")]
    Duplicate(Unique),
    /// The package already has a pokja.
    #[error("the package already has a pokja")]
    PokjaAssigned,
    /// The tender's setup changed since the command read it.
    #[error("the tender setup changed since it was read")]
    SetupChanged,
    /// The question was answered since the command read it.
    #[error("the question is already answered")]
    AlreadyAnswered,
    /// The key ceremony changed since the command read it (or another one started).
    #[error("the key ceremony changed since it was read")]
    CeremonyChanged,
    /// The opening changed since the command read it.
    #[error("the opening changed since it was read")]
    OpeningChanged,
    /// The evaluation changed since the command read it (another member recorded first).
    #[error("the evaluation changed since it was read")]
    EvaluationChanged,
    /// The tender's submission has closed (its closing entry is on the log).
    #[error("the submission is closed")]
    SubmissionClosed,
    /// The tender is cancelled: it changes no more.
    #[error("the tender is cancelled")]
    TenderCancelled,
    /// A record written whole (letters of award, a contract, its execution) changed since the
    /// command read it.
    #[error("the record changed since it was read")]
    Changed,
}

/// What a [`Conflict::Duplicate`] collided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unique {
    /// A regency's short name.
    #[error("a regency with this short name")]
    TenantSlug,
    /// A user name.
    #[error("this username")]
    Username,
    /// A company's NIB.
    #[error("a vendor with this NIB")]
    VendorNib,
    /// A work unit's code within its regency.
    #[error("a work unit with this code in this regency")]
    WorkUnitCode,
    /// A role granted to a user.
    #[error("this role grant")]
    RoleGrant,
    /// Any other row (the same id twice, a record that exists once per tender).
    #[error("this record")]
    Record,
}

impl Mutation {
    /// What must be unique among the rows this mutation writes: what a duplicate collided on.
    pub fn unique(&self) -> Unique {
        use crate::directory::Mutation as D;
        match self {
            Mutation::Directory(D::InsertTenant(_)) => Unique::TenantSlug,
            Mutation::Directory(D::InsertUser { .. }) => Unique::Username,
            Mutation::Directory(D::InsertVendor(_)) => Unique::VendorNib,
            Mutation::Directory(D::InsertWorkUnit(_)) => Unique::WorkUnitCode,
            Mutation::Directory(D::InsertRoleGrant(_)) => Unique::RoleGrant,
            _ => Unique::Record,
        }
    }
}

/// Which events to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFilter {
    /// Only events of this regency (Some(None): only platform-wide events; None: all).
    pub tenant: Option<Option<TenantId>>,
    /// Only events after this position.
    pub after_seq: i64,
    /// At most this many.
    pub limit: u32,
    /// Newest first (for "recent events"), instead of log order.
    pub newest_first: bool,
}

/// A signed checkpoint of the log, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Tree size it commits to.
    pub size: u64,
    /// Root hash at that size.
    pub root: Hash,
    /// The signed note, exactly as served.
    pub note: String,
    /// When it was signed.
    pub created_at: OffsetDateTime,
}

/// Counts of recent failed sign-ins, for throttling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailedLogins {
    /// Failures for this account name.
    pub by_account: u32,
    /// Failures from this client address.
    pub by_address: u32,
}

/// The log: every change appended with its events, the tree over them, checkpoints, and the
/// machinery of the store itself. Every domain change goes through [`LogStore::commit`], which
/// appends its events and applies its mutations in one transaction: there is no other way to
/// change domain state, so no change can happen without its event.
#[async_trait]
pub trait LogStore: Send + Sync + 'static {
    /// Applies the backend's migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Checks that the database answers (for `/readyz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// A short name of the backend ("sqlite", "postgres").
    fn backend(&self) -> &'static str;

    /// Appends the change's events and applies its mutations atomically; returns the stored events
    /// with their log positions.
    async fn commit(&self, change: Change<Mutation>) -> Result<Vec<Event>, StoreError>;

    /// Group commit: each change is applied as [`LogStore::commit`] would (all or nothing, its own
    /// outcome), but all in one durable transaction, so a burst of small changes costs one sync
    /// instead of one each. The outer error means nothing was committed.
    async fn commit_batch(
        &self,
        changes: Vec<Change<Mutation>>,
    ) -> Result<Vec<Result<Vec<Event>, StoreError>>, StoreError>;

    /// A number that moves whenever this process commits a change: caches of reads compare it to
    /// know their answer still holds (changes by other processes are not seen here).
    fn data_version(&self) -> u64;

    /// Reads events in log order.
    async fn events(&self, filter: EventFilter) -> Result<Vec<Event>, StoreError>;

    /// The number of events in the log.
    async fn event_count(&self) -> Result<i64, StoreError>;

    /// Number of leaves in the transparency log (equal to the number of events once
    /// [`LogStore::migrate`] has caught the log up).
    async fn tree_size(&self) -> Result<u64, StoreError>;

    /// The stored Merkle nodes asked for (missing ones are absent from the map).
    async fn tree_nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>, StoreError>;

    /// `count` consecutive stored nodes of one tree level from `start` (a tile's hashes).
    async fn tree_level(&self, level: u8, start: u64, count: u64) -> Result<Vec<Hash>, StoreError>;

    /// The events of leaves `start .. start + count` with their salts (leaf i is event i + 1).
    async fn leaves(&self, start: u64, count: u64) -> Result<Vec<(Event, Salt)>, StoreError>;

    /// Keeps a signed checkpoint (a second one of the same size is ignored).
    async fn add_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<(), StoreError>;

    /// The newest checkpoint.
    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError>;

    /// Returns the named server secret, storing `candidate` first if there is none yet, so that
    /// every app server of a deployment shares one secret.
    async fn server_secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>, StoreError>;
}

/// Regencies, work units, companies, users and their roles, and companies' qualification.
#[async_trait]
pub trait DirectoryStore: Send + Sync + 'static {
    /// Every regency.
    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError>;

    /// One regency by id.
    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;

    /// One regency by its URL name.
    async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError>;

    /// The work units of a regency, by code.
    async fn work_units(&self, tenant: TenantId) -> Result<Vec<WorkUnit>, StoreError>;

    /// Every vendor company.
    async fn vendors(&self) -> Result<Vec<Vendor>, StoreError>;

    /// One vendor company.
    async fn vendor(&self, id: VendorId) -> Result<Option<Vendor>, StoreError>;

    /// Users of a regency (None: users not tied to one, i.e. platform admins and vendor users).
    async fn users(&self, tenant: Option<TenantId>) -> Result<Vec<User>, StoreError>;

    /// One user.
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// A user and their password hash, by sign-in name (lower case).
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError>;

    /// Every role grant of a regency, for pages that list officials with their roles in one read
    /// instead of one query per official.
    async fn tenant_role_grants(&self, tenant: TenantId) -> Result<Vec<RoleGrant>, StoreError>;

    /// The roles granted to a user.
    async fn role_grants(&self, user: UserId) -> Result<Vec<RoleGrant>, StoreError>;

    /// A company's qualification profile.
    async fn vendor_profile(
        &self,
        vendor: VendorId,
    ) -> Result<Option<crate::vendor::VendorProfile>, StoreError>;

    /// Regencies' verifications of the current profiles: of one company, or of all.
    async fn verifications(
        &self,
        vendor: Option<VendorId>,
    ) -> Result<Vec<crate::vendor::Verification>, StoreError>;
}

/// Sign-in: sessions, API tokens, failed attempts and second factors.
#[async_trait]
pub trait AccessStore: Send + Sync + 'static {
    /// Stores a new session.
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;

    /// Finds a session by the hash of its cookie secret.
    async fn session_by_secret(&self, secret_hash: &[u8]) -> Result<Option<Session>, StoreError>;

    /// Records activity on a session (idle timeout).
    async fn touch_session(&self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError>;

    /// Ends one session (sign-out).
    async fn delete_session(&self, id: SessionId) -> Result<(), StoreError>;

    /// Removes sessions idle since `idle_before` or created before `created_before`.
    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// How many sessions a user has.
    async fn session_count(&self, user: UserId) -> Result<u64, StoreError>;

    /// A token with its user and the user's role grants, in one read: what every API request
    /// made with a token needs first.
    async fn token_with_user(
        &self,
        secret_hash: &[u8],
    ) -> Result<Option<(ApiToken, User, Vec<RoleGrant>)>, StoreError>;

    /// A user's API tokens, newest first.
    async fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;

    /// One API token.
    async fn api_token(&self, id: ApiTokenId) -> Result<Option<ApiToken>, StoreError>;

    /// Records use of a token.
    async fn touch_api_token(&self, id: ApiTokenId, at: OffsetDateTime) -> Result<(), StoreError>;

    /// Records a sign-in attempt.
    async fn record_login_attempt(
        &self,
        account: &str,
        address: &str,
        success: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Counts failed attempts since `since` for an account and an address.
    async fn failed_logins(
        &self,
        account: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<FailedLogins, StoreError>;

    /// Forgets an account's failed attempts after it signs in.
    async fn clear_failed_logins(&self, account: &str) -> Result<(), StoreError>;

    /// A user's second factor, if enrolled.
    async fn second_factor(
        &self,
        user: crate::ids::UserId,
    ) -> Result<Option<crate::second_factor::Enrolment>, StoreError>;

    /// Records that a code of `step` was accepted, if no code of that step or a later one was:
    /// false means a replay (also when two requests race with one code).
    async fn use_second_factor_step(&self, user: crate::ids::UserId, step: i64) -> Result<bool, StoreError>;
}

/// The plan, its packages, their pokja and their tenders' setups.
#[async_trait]
pub trait PlanStore: Send + Sync + 'static {
    /// A regency's plan items, by fiscal year, work unit and name; drafts too unless
    /// `announced_only`.
    async fn plan_items(
        &self,
        tenant: TenantId,
        announced_only: bool,
    ) -> Result<Vec<crate::plan::PlanItem>, StoreError>;

    /// A regency's packages, newest first.
    async fn packages(&self, tenant: TenantId) -> Result<Vec<crate::package::Package>, StoreError>;

    /// One package, by its id (whichever regency holds it).
    async fn package(&self, id: PackageId) -> Result<Option<crate::package::Package>, StoreError>;

    /// A regency's pokja assignments with their declarations.
    async fn pokja_assignments(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<crate::pokja::PokjaAssignment>, StoreError>;

    /// A regency's tender setups.
    async fn tender_setups(&self, tenant: TenantId) -> Result<Vec<crate::tender::TenderSetup>, StoreError>;
    /// One package's pokja, once assigned.
    async fn pokja_assignment(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::pokja::PokjaAssignment>, StoreError>;
    /// A package's hand-over to the procurement unit, once submitted.
    async fn handover(&self, package: PackageId) -> Result<Option<crate::handover::Handover>, StoreError>;
    /// A regency's hand-overs.
    async fn handovers(&self, tenant: TenantId) -> Result<Vec<crate::handover::Handover>, StoreError>;
    /// A package's conversation, oldest first.
    async fn package_messages(&self, package: PackageId)
    -> Result<Vec<crate::handover::Message>, StoreError>;
    /// A regency's messages that mention someone or that `user` wrote, oldest first (the inbox).
    async fn messages_mentioning(
        &self,
        tenant: TenantId,
        user: crate::ids::UserId,
    ) -> Result<Vec<crate::handover::Message>, StoreError>;
    /// One package's tender setup, once set.
    async fn tender_setup(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::tender::TenderSetup>, StoreError>;
}

/// Announced tenders: search, documents, registrations and questions.
#[async_trait]
pub trait TenderStore: Send + Sync + 'static {
    /// The tender's cancellation, if it is cancelled.
    async fn cancellation(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::cancellation::Cancellation>, StoreError>;

    /// A regency's cancelled tenders, newest first.
    async fn cancellations(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<crate::cancellation::Cancellation>, StoreError>;

    /// Searches the announced tenders (every keyword stem must occur), newest first.
    async fn search_tenders(
        &self,
        query: &crate::tender::TenderQuery,
    ) -> Result<crate::tender::TenderPage, StoreError>;

    /// One announced tender.
    async fn public_tender(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::tender::PublicTender>, StoreError>;

    /// Every version of a package's documents, in publication order.
    async fn documents(&self, package: PackageId) -> Result<Vec<crate::document::Document>, StoreError>;

    /// The companies registered for a tender, with when, in that order.
    async fn participants(&self, package: PackageId) -> Result<Vec<(VendorId, OffsetDateTime)>, StoreError>;

    /// The tenders a company registered for, newest registration first.
    async fn vendor_tenders(&self, vendor: VendorId) -> Result<Vec<PackageId>, StoreError>;

    /// A tender's clarification questions, in the order asked.
    async fn questions(&self, package: PackageId) -> Result<Vec<crate::clarification::Question>, StoreError>;
}

/// Sealed bids: members' keys, key ceremonies, bids, the closing and the opening.
#[async_trait]
pub trait SealingStore: Send + Sync + 'static {
    /// A pokja member's sealing key.
    async fn member_key(&self, user: UserId) -> Result<Option<crate::sealing::MemberKey>, StoreError>;

    /// The tender's latest key ceremony (a failed one may be followed by another).
    async fn ceremony(&self, package: PackageId) -> Result<Option<crate::sealing::Ceremony>, StoreError>;

    /// Every sealed bid of a tender, in log order (a replacement follows what it replaces).
    async fn bids(&self, package: PackageId) -> Result<Vec<crate::sealing::Bid>, StoreError>;

    /// One company's bids for a tender, in log order (its commitments, replacements and
    /// withdrawals): what the submission routes need, without reading every company's.
    async fn vendor_bids(
        &self,
        package: PackageId,
        vendor: VendorId,
    ) -> Result<Vec<crate::sealing::Bid>, StoreError>;

    /// An announced tender and whether a company registered for it, in one read (every
    /// submission request needs both).
    async fn tender_for(
        &self,
        package: PackageId,
        vendor: VendorId,
    ) -> Result<Option<(crate::tender::PublicTender, bool)>, StoreError>;

    /// A tender's closing, once its deadline passed and the log appended it.
    async fn closing(&self, package: PackageId) -> Result<Option<crate::submission::Closing>, StoreError>;

    /// Announced tenders whose deadline is at or before `now` and that have no closing yet.
    async fn unclosed_tenders(&self, now: OffsetDateTime) -> Result<Vec<PackageId>, StoreError>;

    /// The tender's opening, once started.
    async fn opening(&self, package: PackageId) -> Result<Option<crate::sealing::Opening>, StoreError>;
}

/// Evaluations and awards.
#[async_trait]
pub trait EvaluationStore: Send + Sync + 'static {
    /// A tender's letters of award, once one is issued.
    async fn award_letters(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::award_letter::Letters>, StoreError>;

    /// A tender's contract, once drafted.
    async fn contract(&self, package: PackageId) -> Result<Option<crate::contract::Contract>, StoreError>;

    /// A contract's execution, once its milestones are planned.
    async fn execution(&self, package: PackageId) -> Result<Option<crate::execution::Execution>, StoreError>;

    /// The periods already ended of the award the evaluation at `version` holds.
    async fn period_ends(
        &self,
        package: PackageId,
        version: u32,
    ) -> Result<Vec<crate::period::Period>, StoreError>;

    /// Concluded tenders whose current award may still have a period to end: not settled (no
    /// last end recorded for the evaluation's version) and not contracted.
    async fn unsettled_awards(&self) -> Result<Vec<PackageId>, StoreError>;

    /// A company's executions (its record of contracts), oldest first.
    async fn executions_of(&self, vendor: VendorId) -> Result<Vec<crate::execution::Execution>, StoreError>;

    /// A tender's appeals, in the order they were filed.
    async fn appeals(&self, package: PackageId) -> Result<Vec<crate::appeal::Appeal>, StoreError>;

    /// A regency's MoUs with law enforcement, oldest first.
    async fn mous(&self, tenant: TenantId) -> Result<Vec<crate::case::Mou>, StoreError>;

    /// An MoU by id.
    async fn mou(&self, id: crate::ids::MouId) -> Result<Option<crate::case::Mou>, StoreError>;

    /// A regency's cases, oldest first.
    async fn cases(&self, tenant: TenantId) -> Result<Vec<crate::case::Case>, StoreError>;

    /// A case by id.
    async fn case(&self, id: crate::ids::CaseId) -> Result<Option<crate::case::Case>, StoreError>;

    /// A complaint by id.
    async fn complaint(
        &self,
        id: crate::ids::ComplaintId,
    ) -> Result<Option<crate::complaint::Complaint>, StoreError>;

    /// The complaint whose follow-up code hashes to `code_hash` (hex SHA-256).
    async fn complaint_by_code(
        &self,
        code_hash: &str,
    ) -> Result<Option<crate::complaint::Complaint>, StoreError>;

    /// A regency's complaints, in the order they were filed.
    async fn complaints(&self, tenant: TenantId) -> Result<Vec<crate::complaint::Complaint>, StoreError>;

    /// Complaints still waiting for their first answer whose overdue is not yet logged (the
    /// timer's scan).
    async fn pending_complaints(&self) -> Result<Vec<crate::complaint::Complaint>, StoreError>;

    /// A tender's objections to its award, in the order they were filed.
    async fn objections(&self, package: PackageId) -> Result<Vec<crate::objection::Objection>, StoreError>;

    /// The tender's evaluation, once begun.
    async fn evaluation(
        &self,
        package: PackageId,
    ) -> Result<Option<crate::evaluation::Evaluation>, StoreError>;

    /// A regency's tenders whose winner is announced or which failed, newest first: their
    /// packages and published records.
    async fn concluded(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<crate::evaluation::rank::AwardRecord>, StoreError>;
}

/// The working-day calendar.
#[async_trait]
pub trait CalendarStore: Send + Sync + 'static {
    /// The days off of a year (all years if None), by date.
    async fn days_off(&self, year: Option<i32>) -> Result<Vec<crate::calendar::DayOff>, StoreError>;
}

/// The public record derived from the log (OCDS releases).
#[async_trait]
pub trait OpenDataStore: Send + Sync + 'static {
    /// How far the public record (OCDS releases) has been derived from the log: the position of
    /// the last event folded in.
    async fn ocds_cursor(&self) -> Result<i64, StoreError>;

    /// Keeps the releases of the events in `(from, to]` and moves the cursor to `to` — only if it
    /// still stands at `from`: when another app server got there first, nothing is written and
    /// the answer is false (its releases are the same, being derived from the same log).
    async fn publish_releases(
        &self,
        from: i64,
        to: i64,
        releases: &[OcdsRelease],
    ) -> Result<bool, StoreError>;

    /// Releases in publication order.
    async fn releases(&self, filter: &ReleaseFilter) -> Result<Vec<OcdsRelease>, StoreError>;

    /// Every release of these processes, in publication order: one read for a page of records.
    async fn process_releases(&self, ocids: &[String]) -> Result<Vec<OcdsRelease>, StoreError>;

    /// Contracting processes whose newest release lies after `after`, oldest change first, with
    /// that release's position: the feed of changed records.
    async fn changed_processes(
        &self,
        after: i64,
        tenant: Option<TenantId>,
        limit: u32,
    ) -> Result<Vec<(String, i64)>, StoreError>;
}

/// The storage contract, stage by stage: a backend implements each part, and whoever holds a
/// store can use them all. The two backends are held to the same behaviour by one conformance
/// suite, generic over this trait.
pub trait Store:
    LogStore
    + DirectoryStore
    + AccessStore
    + PlanStore
    + TenderStore
    + SealingStore
    + EvaluationStore
    + CalendarStore
    + OpenDataStore
{
}

impl<T> Store for T where
    T: LogStore
        + DirectoryStore
        + AccessStore
        + PlanStore
        + TenderStore
        + SealingStore
        + EvaluationStore
        + CalendarStore
        + OpenDataStore
{
}

/// Every part of the store, to bring their methods into scope: `use lelang_core::store::prelude::*`.
pub mod prelude {
    pub use super::{
        AccessStore as _, CalendarStore as _, DirectoryStore as _, EvaluationStore as _, LogStore as _,
        OpenDataStore as _, PlanStore as _, SealingStore as _, Store, TenderStore as _,
    };
}

/// A release of the public record (OCDS), as kept: what one public event published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdsRelease {
    /// The event's position in the log: releases are ordered, and paged, by it.
    pub seq: i64,
    /// The contracting process (`ocds-<prefix>-<package id>`).
    pub ocid: String,
    /// Its regency, so that a regency's record can be taken alone.
    pub tenant_id: Option<TenantId>,
    /// The release, as JSON.
    pub body: String,
}

/// Which releases to read.
#[derive(Debug, Clone, Default)]
pub struct ReleaseFilter {
    /// Only after this position (the cursor a follower of the feed keeps).
    pub after: i64,
    /// At most this many (0: 100).
    pub limit: u32,
    /// Only this regency's.
    pub tenant: Option<TenantId>,
}
