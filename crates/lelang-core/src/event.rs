//! Events: the append-only, totally ordered record under every change.
//!
//! Each state-changing command produces one or more events, stored in the same transaction as the
//! state change. An event's payload is kept as canonical JSON (RFC 8785) so that its bytes are
//! stable: the transparency log hashes exactly these bytes (with confidential fields replaced by
//! commitments in the public form).

use crate::canonical::{CanonicalError, to_canonical_string};
use crate::ids::{ApiTokenId, EventId, TenantId, UserId, VendorId, WorkUnitId};
use crate::model::TimeZone;
use crate::role::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What happened. The `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventPayload {
    /// A regency joined the deployment.
    TenantCreated {
        /// The new regency.
        tenant_id: TenantId,
        /// Its URL name.
        slug: String,
        /// Its official name.
        name: String,
        /// Its time zone.
        time_zone: TimeZone,
    },
    /// A work unit was created in a regency.
    WorkUnitCreated {
        /// The new work unit.
        work_unit_id: WorkUnitId,
        /// Its regency.
        tenant_id: TenantId,
        /// Its short code.
        code: String,
        /// Its name.
        name: String,
    },
    /// A vendor company was registered.
    VendorRegistered {
        /// The company.
        vendor_id: VendorId,
        /// Its name.
        name: String,
        /// Its NIB.
        nib: String,
        /// Its home regency, if one of ours.
        home_tenant_id: Option<TenantId>,
    },
    /// A user account was created.
    UserCreated {
        /// The new user.
        user_id: UserId,
        /// Sign-in name.
        username: String,
        /// Display name.
        display_name: String,
        /// E-mail (personal data: committed, not shown, in the public log).
        email: Option<String>,
        /// Their regency.
        tenant_id: Option<TenantId>,
        /// Their vendor company.
        vendor_id: Option<VendorId>,
    },
    /// A role was granted to a user.
    RoleGranted {
        /// The user.
        user_id: UserId,
        /// The role.
        role: Role,
        /// The regency of the grant.
        tenant_id: Option<TenantId>,
        /// The work unit of the grant.
        work_unit_id: Option<WorkUnitId>,
    },
    /// A user's password was set anew (the hash is never part of an event).
    PasswordChanged {
        /// The user.
        user_id: UserId,
    },
    /// Every session of a user was ended (sign out everywhere, or by an administrator).
    SessionsRevoked {
        /// The user.
        user_id: UserId,
    },
    /// An API token was issued (its secret is never part of an event).
    ApiTokenCreated {
        /// The token.
        token_id: ApiTokenId,
        /// Its owner.
        user_id: UserId,
        /// Its name.
        name: String,
        /// The role it is scoped to.
        role: Role,
        /// The regency of that role.
        tenant_id: Option<TenantId>,
    },
    /// A plan item (RUP) was entered.
    PlanItemCreated {
        /// The item as entered.
        plan_item: Box<crate::plan::PlanItem>,
    },
    /// A work unit's plan for a fiscal year was announced: its items became public.
    PlanAnnounced {
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// The fiscal year.
        fiscal_year: i32,
        /// The items announced.
        plan_items: Vec<crate::ids::PlanItemId>,
    },
    /// A national holiday or cuti bersama was recorded (or renamed).
    DayOffSet {
        /// The day.
        day: crate::calendar::DayOff,
    },
    /// A day off was removed.
    DayOffRemoved {
        /// The date.
        #[serde(with = "crate::rules::iso_date")]
        date: time::Date,
    },
    /// A package was prepared from an announced plan item.
    PackageCreated {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The plan item.
        plan_item_id: crate::ids::PlanItemId,
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// Its name.
        name: String,
        /// Pagu.
        budget_ceiling: i64,
        /// HPS total (public).
        owner_estimate: i64,
        /// HPS breakdown (confidential: committed, not shown, in the public log).
        hps_breakdown: Vec<crate::package::HpsLine>,
        /// Location.
        location: String,
        /// The rule set.
        rule_set: String,
    },
    /// The ULP head assigned a pokja to a package.
    PokjaAssigned {
        /// The package.
        package_id: crate::ids::PackageId,
        /// Its members.
        members: Vec<UserId>,
    },
    /// A pokja member declared no conflict of interest with a package.
    NoConflictDeclared {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The member.
        member: UserId,
    },
    /// An auditor or law enforcement read confidential data (promise 4: such reads are logged).
    ConfidentialDataRead {
        /// What was read, e.g. `hps_breakdown`, `event_log`.
        subject: String,
        /// How many records.
        records: u64,
    },
    /// The pokja set a tender's method and schedule.
    TenderScheduled {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The method.
        method: crate::rules::Method,
        /// The evaluation method.
        evaluation: crate::rules::EvaluationMethod,
        /// The stages.
        stages: Vec<crate::schedule::PlannedStage>,
    },
    /// The pokja changed a tender's schedule, with a published reason.
    ScheduleChanged {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The stage moved.
        stage: crate::rules::StageKind,
        /// Why.
        reason: String,
        /// Whether the submission window was extended to keep its minimum remaining time.
        submission_extended: bool,
        /// The stages after the change.
        stages: Vec<crate::schedule::PlannedStage>,
    },
    /// A company's qualification profile was entered or replaced (confidential: committed, not
    /// shown, in the public log).
    VendorProfileUpdated {
        /// The company.
        vendor_id: VendorId,
        /// The profile.
        profile: Box<crate::vendor::VendorProfile>,
    },
    /// A regency verified (or rejected) a company's profile.
    VendorVerified {
        /// The company.
        vendor_id: VendorId,
        /// The decision.
        status: crate::vendor::VerificationStatus,
        /// Why.
        note: String,
    },
    /// The pokja announced a tender.
    TenderAnnounced {
        /// The package.
        package_id: crate::ids::PackageId,
        /// Its name.
        name: String,
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// Category.
        category: crate::rules::Category,
        /// Method.
        method: crate::rules::Method,
        /// HPS total.
        owner_estimate: i64,
        /// The submission deadline.
        #[serde(with = "time::serde::rfc3339")]
        submission_deadline: OffsetDateTime,
        /// The age recipient bids are sealed to (from the completed key ceremony).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bid_recipient: Option<String>,
    },
    /// A tender document (or a new version of one) was published.
    DocumentPublished {
        /// The document, with the SHA-256 of its bytes.
        document: Box<crate::document::Document>,
    },
    /// A company registered for a tender (who: committed, not shown, in the public log).
    TenderJoined {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
    },
    /// A registered company asked a clarification question (who: committed, not shown).
    QuestionAsked {
        /// The question.
        question_id: crate::ids::QuestionId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// The question.
        text: String,
    },
    /// The pokja answered a question.
    QuestionAnswered {
        /// The question.
        question_id: crate::ids::QuestionId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The answer.
        answer: String,
    },
    /// A pokja member enrolled the age recipient their key shares are encrypted to.
    SealingKeyEnrolled {
        /// The member.
        user_id: UserId,
        /// `age1…`.
        recipient: String,
        /// The Ed25519 key the member signs its part of ceremonies with (hex).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        signing_key: String,
    },
    /// A tender's key ceremony started among its pokja.
    KeyCeremonyStarted {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// k.
        threshold: u16,
        /// The members, in index order.
        members: Vec<UserId>,
        /// Their recipients.
        recipients: Vec<String>,
        /// Their signing keys (hex), in the same order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        signing_keys: Vec<String>,
        /// The failed or stalled ceremony this one replaces.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<crate::ids::CeremonyId>,
    },
    /// A member dealt: its Feldman commitments and the hashes of the encrypted sub-shares.
    KeyDealt {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// Commitments (hex points).
        commitments: Vec<String>,
        /// SHA-256 of each encrypted sub-share.
        sub_shares_sha256: Vec<String>,
        /// The dealer's proof of knowledge of its constant term.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof: Option<crate::sealing::KnowledgeJson>,
        /// The dealer's signature over its dealing (hex).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        signature: String,
    },
    /// A member checked every sub-share it received.
    KeySharesConfirmed {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The transcript the member checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transcript_sha256: Option<String>,
        /// The member's signature over its confirmation (hex).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// The tender's key exists: bids are sealed to this recipient.
    KeyCeremonyCompleted {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// `age1…`.
        recipient: String,
        /// SHA-256 of the ceremony transcript.
        transcript_sha256: String,
    },
    /// A dealer was proven to have dealt a bad sub-share.
    KeyCeremonyFailed {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The accused dealer.
        dealer: UserId,
        /// Whether the cheating was proven (else the actor's complaint did not hold).
        proven: bool,
        /// What was found.
        reason: String,
    },
    /// A company committed to its sealed bid: the ciphertext's hash and length, before the
    /// deadline (who: committed, not shown, until opening). The latest commitment counts.
    BidSubmitted {
        /// The bid.
        bid_id: crate::ids::BidId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// SHA-256 of the ciphertext.
        sha256: String,
        /// Its length.
        size: u64,
    },
    /// The sealed file a commitment names arrived whole and matched it.
    BidUploaded {
        /// The bid.
        bid_id: crate::ids::BidId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
    },
    /// A company withdrew its bid before the deadline.
    BidWithdrawn {
        /// The bid withdrawn.
        bid_id: crate::ids::BidId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
    },
    /// The submission deadline passed: the checkpoint that ends with this entry is the tender's
    /// closing checkpoint, and every commitment for it lies before.
    SubmissionClosed {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The deadline.
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
    /// The pokja started opening the bids.
    OpeningStarted {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The bids, in opening order.
        bids: Vec<crate::ids::BidId>,
    },
    /// A member's partial decryptions were accepted (their proofs hold).
    PartialsSubmitted {
        /// The tender.
        package_id: crate::ids::PackageId,
    },
    /// A member's partial decryptions were rejected: a proof does not hold.
    PartialsRejected {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The bid whose partial failed.
        bid_id: crate::ids::BidId,
        /// Why.
        reason: String,
    },
    /// A bid was opened (or could not be, and why).
    BidOpened {
        /// The bid.
        bid_id: crate::ids::BidId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The company.
        vendor_id: VendorId,
        /// Whether it opened and its manifest checked out.
        opened: bool,
        /// Why not.
        reason: Option<String>,
        /// SHA-256 of the plaintext.
        plaintext_sha256: Option<String>,
    },
    /// A user set up a second factor (TOTP and recovery codes; the secrets are never in an event).
    SecondFactorEnrolled {
        /// The user.
        user_id: UserId,
    },
    /// A user signed in with a recovery code, which is now spent.
    RecoveryCodeUsed {
        /// The user.
        user_id: UserId,
    },
    /// An administrator removed a user's second factor (the user enrols again).
    SecondFactorReset {
        /// The user.
        user_id: UserId,
    },
    /// A regency chose whether its officials in the roles that need one must use a second factor.
    SecondFactorPolicySet {
        /// The regency.
        tenant_id: TenantId,
        /// Whether they must.
        required: bool,
    },
    /// An API token was revoked.
    ApiTokenRevoked {
        /// The token.
        token_id: ApiTokenId,
        /// Its owner.
        user_id: UserId,
    },
}

impl EventPayload {
    /// Every event type, so that each can be checked to have a label in every language.
    pub const TYPE_NAMES: [&'static str; 44] = [
        "tenant_created",
        "work_unit_created",
        "vendor_registered",
        "user_created",
        "role_granted",
        "password_changed",
        "sessions_revoked",
        "api_token_created",
        "api_token_revoked",
        "plan_item_created",
        "plan_announced",
        "day_off_set",
        "day_off_removed",
        "package_created",
        "pokja_assigned",
        "no_conflict_declared",
        "confidential_data_read",
        "tender_scheduled",
        "schedule_changed",
        "vendor_profile_updated",
        "vendor_verified",
        "tender_announced",
        "document_published",
        "tender_joined",
        "question_asked",
        "question_answered",
        "sealing_key_enrolled",
        "key_ceremony_started",
        "key_dealt",
        "key_shares_confirmed",
        "key_ceremony_completed",
        "key_ceremony_failed",
        "bid_submitted",
        "bid_uploaded",
        "bid_withdrawn",
        "submission_closed",
        "opening_started",
        "partials_submitted",
        "partials_rejected",
        "bid_opened",
        "second_factor_enrolled",
        "recovery_code_used",
        "second_factor_reset",
        "second_factor_policy_set",
    ];

    /// The event type, as stored in its own column for filtering (from the privacy table's
    /// match, which names every field of every event).
    pub fn type_name(&self) -> &'static str {
        crate::privacy::type_of(self)
    }
}

/// The largest payload an event may carry, leaving room for the envelope within a 64 KiB entry.
pub const MAX_PAYLOAD_BYTES: usize = 60_000;

/// An event about to be appended: everything but its position in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Its id.
    pub id: EventId,
    /// When the command was decided.
    pub at: OffsetDateTime,
    /// The regency it belongs to (None: platform-wide).
    pub tenant_id: Option<TenantId>,
    /// Who did it (None: the system itself, e.g. the demo loader or a migration).
    pub actor_id: Option<UserId>,
    /// In which role.
    pub actor_role: Option<Role>,
    /// The event type.
    pub event_type: &'static str,
    /// The payload as canonical JSON.
    pub payload: String,
    /// Random bytes for the commitments that hide its confidential fields in the public log.
    pub salt: crate::public::Salt,
    /// The public form it is logged under ([`crate::public::PUBLIC_FORM`]).
    pub public_form: u8,
}

impl NewEvent {
    /// Builds an event, canonicalising its payload once, here.
    pub fn new(
        cx: &crate::Cx<'_>,
        tenant_id: Option<TenantId>,
        actor_id: Option<UserId>,
        actor_role: Option<Role>,
        payload: &EventPayload,
    ) -> Result<Self, CanonicalError> {
        let payload_text = to_canonical_string(payload)?;
        // A log entry is at most 65,535 bytes (C2SP entry bundles); the envelope needs a little.
        if payload_text.len() > MAX_PAYLOAD_BYTES {
            return Err(CanonicalError::TooLarge(payload_text.len()));
        }
        Ok(Self {
            id: cx.id(),
            at: cx.now,
            tenant_id,
            actor_id,
            actor_role,
            event_type: payload.type_name(),
            payload: payload_text,
            salt: cx.salt(),
            public_form: crate::public::PUBLIC_FORM,
        })
    }
}

/// An event as stored: its position `seq` is gapless and totally orders the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Position in the log, from 1.
    pub seq: i64,
    /// Its id.
    pub id: EventId,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Its regency.
    pub tenant_id: Option<TenantId>,
    /// Who did it.
    pub actor_id: Option<UserId>,
    /// In which role.
    pub actor_role: Option<Role>,
    /// The event type.
    pub event_type: String,
    /// The payload as canonical JSON.
    pub payload: String,
    /// The public form it was logged under: 1 before the privacy table, then
    /// [`crate::public::PUBLIC_FORM`].
    #[serde(skip)]
    pub public_form: u8,
}

impl Event {
    /// The payload parsed back into its type.
    pub fn parsed(&self) -> Result<EventPayload, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_canonical_and_round_trips() {
        let p = EventPayload::WorkUnitCreated {
            work_unit_id: WorkUnitId::new(),
            tenant_id: TenantId::new(),
            code: "DPU".into(),
            name: "Dinas Pekerjaan Umum".into(),
        };
        let fresh = crate::Fresh::seeded([0; 32]);
        let cx = crate::Cx::new(OffsetDateTime::UNIX_EPOCH, &fresh);
        let e = NewEvent::new(&cx, None, None, None, &p).unwrap();
        assert_eq!(e.event_type, "work_unit_created");
        assert!(
            e.payload
                .starts_with(r#"{"code":"DPU","name":"Dinas Pekerjaan Umum","tenant_id":""#)
        );
        let back: EventPayload = serde_json::from_str(&e.payload).unwrap();
        assert_eq!(back, p);
    }
}
