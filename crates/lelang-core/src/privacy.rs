//! The privacy table: for every event type, how each field — and the envelope's actor and role —
//! appears on the public log: in clear, as a salted commitment, or not at all, with the reason.
//!
//! The table is written once, in [`event_table!`], and enforced by the code that writes the public
//! form of an event ([`crate::public::leaf`]) and by the code that redacts the event log for
//! officials ([`crate::public::redacted_payload`]). It is also a match over [`EventPayload`] that
//! names every field of every variant without `..`: an event or a field that is not classified
//! does not compile. `PRIVACY.md` at the top of the repository is generated from it.
//!
//! The rules of the table: no person's name, sign-in name, e-mail, NIK or phone number is
//! published; who sits on a tender's pokja, who declared, dealt or read confidential data, and
//! who acted in an event are committed (auditors open the commitments with the stored salt); which
//! company registered, asked or bid is committed until the opening; what a tender is — its
//! package, schedule, documents, questions, answers and results — is public.

use crate::event::EventPayload;

/// What a reader needs to see a committed field in clear on the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidential {
    /// Personal data: names, sign-in names, contact details of officials and vendor staff, and
    /// who acted.
    PersonalData,
    /// An owner's estimate breakdown.
    HpsBreakdown,
    /// A plan item not yet announced.
    DraftPlan,
    /// A company's qualification profile.
    VendorProfile,
    /// Which company takes part in a tender or asked a question.
    Participant,
    /// Who sits on a tender's pokja.
    Membership,
}

/// How one field appears on the public log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// In clear.
    Public,
    /// As a salted SHA-256 commitment; readers of the event log with this permission see it.
    Commit(Confidential),
    /// Left out.
    Omit,
    /// An object whose fields have rules of their own.
    Nested(&'static [Rule]),
}

/// One field's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The field's name in the payload.
    pub field: &'static str,
    /// How it appears.
    pub visibility: Visibility,
    /// Why.
    pub why: &'static str,
}

/// One event type's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRules {
    /// The event type.
    pub event_type: &'static str,
    /// How the envelope's actor (the user who acted) appears.
    pub actor: Visibility,
    /// How the envelope's role appears.
    pub role: Visibility,
    /// Each field of the payload.
    pub fields: &'static [Rule],
}

const PUBLIC: Visibility = Visibility::Public;
const PERSONAL: Visibility = Visibility::Commit(Confidential::PersonalData);
const PARTICIPANT: Visibility = Visibility::Commit(Confidential::Participant);
const MEMBERSHIP: Visibility = Visibility::Commit(Confidential::Membership);

/// Writes a struct's rules and a pattern that names each of its fields, so that a field added to
/// the struct and not to its rules does not compile.
macro_rules! struct_table {
    ($(#[$doc:meta])* $name:ident for $ty:ident { $( $field:ident : $vis:expr => $why:literal ),* $(,)? }) => {
        $(#[$doc])*
        pub const $name: &[Rule] = &[ $( Rule { field: stringify!($field), visibility: $vis, why: $why } ),* ];
        const _: () = {
            #[allow(dead_code)]
            fn every_field_is_classified(x: &$ty) {
                let $ty { $( $field: _ ),* } = x;
            }
        };
    };
}

/// Writes the table of every event and the exhaustive match that names every field.
macro_rules! event_table {
    ($( $variant:ident $ty:literal actor: $actor:expr, role: $role:expr, { $( $field:ident : $vis:expr => $why:literal ),* $(,)? } )*) => {
        /// Every event type's rules, in the order of [`EventPayload`].
        pub const EVENTS: &[EventRules] = &[ $( EventRules {
            event_type: $ty,
            actor: $actor,
            role: $role,
            fields: &[ $( Rule { field: stringify!($field), visibility: $vis, why: $why } ),* ],
        } ),* ];

        /// The type name of an event, from the one match that names every field of every variant.
        pub fn type_of(p: &EventPayload) -> &'static str {
            match p {
                $( EventPayload::$variant { $( $field: _ ),* } => $ty, )*
            }
        }
    };
}

use crate::document::Document;

struct_table! {
    /// A published document: what it is is public; who uploaded it would name a pokja member or
    /// PPK of a running tender.
    DOCUMENT for Document {
        id: PUBLIC => "identifies the document",
        tenant_id: PUBLIC => "the regency",
        package_id: PUBLIC => "the tender",
        kind: PUBLIC => "what kind of document",
        title: PUBLIC => "shown to every bidder",
        filename: PUBLIC => "offered on download",
        media_type: PUBLIC => "decided by the server",
        size: PUBLIC => "checked on download",
        sha256: PUBLIC => "lets anyone check a download",
        version: PUBLIC => "addenda are versions",
        supersedes: PUBLIC => "the version replaced",
        change_note: PUBLIC => "what an addendum changed is public",
        published_by: PERSONAL => "names a member of a running tender's pokja or its PPK",
        published_at: PUBLIC => "when",
    }
}

event_table! {
    TenantCreated "tenant_created" actor: PERSONAL, role: PUBLIC, {
        tenant_id: PUBLIC => "a regency is public",
        slug: PUBLIC => "its address",
        name: PUBLIC => "its official name",
        time_zone: PUBLIC => "schedules are in it",
    }
    WorkUnitCreated "work_unit_created" actor: PERSONAL, role: PUBLIC, {
        work_unit_id: PUBLIC => "a work unit buys in public",
        tenant_id: PUBLIC => "its regency",
        code: PUBLIC => "its short code",
        name: PUBLIC => "its name",
    }
    VendorRegistered "vendor_registered" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "a company is a legal entity",
        name: PUBLIC => "its registered name",
        nib: PUBLIC => "its public business number",
        home_tenant_id: PUBLIC => "its home regency",
    }
    UserCreated "user_created" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id: names nobody once the fields below are committed",
        username: PERSONAL => "usually a person's name",
        display_name: PERSONAL => "a person's name (UU PDP 27/2022)",
        email: PERSONAL => "contact data (UU PDP 27/2022)",
        tenant_id: PUBLIC => "the regency of an official",
        vendor_id: PUBLIC => "the company of a vendor's staff member",
    }
    RoleGranted "role_granted" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
        role: PUBLIC => "which offices exist in a regency is public",
        tenant_id: PUBLIC => "where",
        work_unit_id: PUBLIC => "which work unit",
    }
    PasswordChanged "password_changed" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the hash is never in an event",
    }
    SessionsRevoked "sessions_revoked" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
    }
    ApiTokenCreated "api_token_created" actor: PERSONAL, role: PUBLIC, {
        token_id: PUBLIC => "a random id; the secret is never in an event",
        user_id: PUBLIC => "a random id",
        name: PERSONAL => "free text, often a person's or a device's name",
        role: PUBLIC => "what the token may do",
        tenant_id: PUBLIC => "where",
    }
    SecondFactorEnrolled "second_factor_enrolled" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the secret and the recovery codes are never in an event",
    }
    RecoveryCodeUsed "recovery_code_used" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the code is never in an event",
    }
    SecondFactorReset "second_factor_reset" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
    }
    SecondFactorPolicySet "second_factor_policy_set" actor: PERSONAL, role: PUBLIC, {
        tenant_id: PUBLIC => "the regency",
        required: PUBLIC => "how its officials sign in is public",
    }
    ApiTokenRevoked "api_token_revoked" actor: PERSONAL, role: PUBLIC, {
        token_id: PUBLIC => "a random id",
        user_id: PUBLIC => "a random id",
    }
    PlanItemCreated "plan_item_created" actor: PERSONAL, role: PUBLIC, {
        plan_item: Visibility::Commit(Confidential::DraftPlan) => "internal until its plan is announced",
    }
    PlanAnnounced "plan_announced" actor: PERSONAL, role: PUBLIC, {
        work_unit_id: PUBLIC => "the plan (RUP) is published by law",
        fiscal_year: PUBLIC => "its year",
        plan_items: PUBLIC => "the items made public",
    }
    DayOffSet "day_off_set" actor: PERSONAL, role: PUBLIC, {
        day: PUBLIC => "national holidays and cuti bersama are public",
    }
    DayOffRemoved "day_off_removed" actor: PERSONAL, role: PUBLIC, {
        date: PUBLIC => "the day",
    }
    PackageCreated "package_created" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the package",
        plan_item_id: PUBLIC => "its announced plan item",
        work_unit_id: PUBLIC => "its work unit",
        name: PUBLIC => "what is bought",
        budget_ceiling: PUBLIC => "the pagu is in the published plan",
        owner_estimate: PUBLIC => "the HPS total is announced (Perpres 16/2018 Pasal 26)",
        hps_breakdown: Visibility::Commit(Confidential::HpsBreakdown) => "only the total is announced (Perpres 16/2018 Pasal 26)",
        location: PUBLIC => "where",
        rule_set: PUBLIC => "the regulation it runs under",
    }
    PokjaAssigned "pokja_assigned" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender has a pokja",
        members: MEMBERSHIP => "pokja members are shielded from pressure while the tender runs",
    }
    NoConflictDeclared "no_conflict_declared" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "a declaration was made",
        member: MEMBERSHIP => "names a member of a running tender's pokja",
    }
    ConfidentialDataRead "confidential_data_read" actor: PERSONAL, role: PERSONAL, {
        subject: PUBLIC => "what kind of record was read",
        records: PUBLIC => "how many",
    }
    TenderScheduled "tender_scheduled" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        method: PUBLIC => "announced",
        evaluation: PUBLIC => "announced",
        stages: PUBLIC => "the schedule is public",
    }
    ScheduleChanged "schedule_changed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        stage: PUBLIC => "which stage moved",
        reason: PUBLIC => "every change has a published reason",
        submission_extended: PUBLIC => "bidders must know",
        stages: PUBLIC => "the new schedule",
    }
    VendorProfileUpdated "vendor_profile_updated" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "the company",
        profile: Visibility::Commit(Confidential::VendorProfile) => "names staff (NIK) and tax details",
    }
    VendorVerified "vendor_verified" actor: PERSONAL, role: PUBLIC, {
        vendor_id: PUBLIC => "the company",
        status: PUBLIC => "whether it may bid",
        note: PUBLIC => "the regency's reason",
    }
    TenderAnnounced "tender_announced" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the announcement is public",
        name: PUBLIC => "what is bought",
        work_unit_id: PUBLIC => "who buys",
        category: PUBLIC => "announced",
        method: PUBLIC => "announced",
        owner_estimate: PUBLIC => "the HPS total is announced",
        submission_deadline: PUBLIC => "announced",
        bid_recipient: PUBLIC => "bids are sealed to it",
    }
    DocumentPublished "document_published" actor: PERSONAL, role: PUBLIC, {
        document: Visibility::Nested(DOCUMENT) => "the document is public, not who uploaded it",
    }
    TenderJoined "tender_joined" actor: PARTICIPANT, role: PUBLIC, {
        package_id: PUBLIC => "someone registered",
        vendor_id: PARTICIPANT => "who takes part is kept from competitors",
    }
    QuestionAsked "question_asked" actor: PARTICIPANT, role: PUBLIC, {
        question_id: PUBLIC => "the question",
        package_id: PUBLIC => "the tender",
        vendor_id: PARTICIPANT => "who asked is kept from competitors",
        text: PUBLIC => "questions are answered in public",
    }
    QuestionAnswered "question_answered" actor: PERSONAL, role: PUBLIC, {
        question_id: PUBLIC => "the question",
        package_id: PUBLIC => "the tender",
        answer: PUBLIC => "answers are public",
    }
    SealingKeyEnrolled "sealing_key_enrolled" actor: PERSONAL, role: PUBLIC, {
        user_id: MEMBERSHIP => "would tie a member's key to the member",
        recipient: PUBLIC => "a public key: ceremonies are checked against it",
        signing_key: PUBLIC => "a public key: the member's signatures are checked against it",
    }
    KeyCeremonyStarted "key_ceremony_started" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        threshold: PUBLIC => "how many members open bids",
        members: MEMBERSHIP => "who sits on the pokja",
        recipients: PUBLIC => "public keys: anyone checks the ceremony against them",
        signing_keys: PUBLIC => "public keys: anyone checks the dealings and confirmations against them",
        replaces: PUBLIC => "the ceremony it replaces",
    }
    KeyDealt "key_dealt" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        commitments: PUBLIC => "anyone recomputes the tender key from them",
        sub_shares_sha256: PUBLIC => "binds the encrypted sub-shares",
        proof: PUBLIC => "anyone checks that the dealer knows its part of the key",
        signature: PUBLIC => "anyone checks who dealt what, by key",
    }
    KeySharesConfirmed "key_shares_confirmed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        transcript_sha256: PUBLIC => "the transcript the member checked",
        signature: PUBLIC => "anyone checks the confirmation against the member's key",
    }
    KeyCeremonyCompleted "key_ceremony_completed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        recipient: PUBLIC => "bids are sealed to it",
        transcript_sha256: PUBLIC => "binds the ceremony",
    }
    KeyCeremonyFailed "key_ceremony_failed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        dealer: PUBLIC => "a cheater is named, by its random id",
        proven: PUBLIC => "whether it was proven",
        reason: PUBLIC => "what was found",
    }
    BidSubmitted "bid_submitted" actor: PARTICIPANT, role: PUBLIC, {
        bid_id: PUBLIC => "the receipt names it",
        package_id: PUBLIC => "the tender",
        vendor_id: PARTICIPANT => "who bids is sealed until the opening",
        sha256: PUBLIC => "the commitment to the sealed file",
        size: PUBLIC => "its length",
    }
    BidUploaded "bid_uploaded" actor: PARTICIPANT, role: PUBLIC, {
        bid_id: PUBLIC => "the bid",
        package_id: PUBLIC => "the tender",
        vendor_id: PARTICIPANT => "who bids is sealed until the opening",
    }
    BidWithdrawn "bid_withdrawn" actor: PARTICIPANT, role: PUBLIC, {
        bid_id: PUBLIC => "the bid",
        package_id: PUBLIC => "the tender",
        vendor_id: PARTICIPANT => "who bids is sealed until the opening",
    }
    SubmissionClosed "submission_closed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        deadline: PUBLIC => "the closing checkpoint ends here",
    }
    OpeningStarted "opening_started" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bids: PUBLIC => "the bids opened, in order",
    }
    PartialsSubmitted "partials_submitted" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "a member's partials were accepted",
    }
    PartialsRejected "partials_rejected" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        bid_id: PUBLIC => "the bid whose partial failed",
        reason: PUBLIC => "why",
    }
    BidOpened "bid_opened" actor: PERSONAL, role: PUBLIC, {
        bid_id: PUBLIC => "the bid",
        package_id: PUBLIC => "the tender",
        vendor_id: PUBLIC => "bidders are public from the opening (the opening minutes list them)",
        opened: PUBLIC => "whether it opened",
        reason: PUBLIC => "why not",
        plaintext_sha256: PUBLIC => "binds what was opened",
    }
}

/// The rules of an event type (None for a type this version does not know).
pub fn rules_for(event_type: &str) -> Option<&'static EventRules> {
    EVENTS.iter().find(|r| r.event_type == event_type)
}

/// The table as Markdown, for `PRIVACY.md`.
pub fn markdown() -> String {
    fn vis(v: Visibility) -> String {
        match v {
            Visibility::Public => "public".into(),
            Visibility::Commit(k) => format!("commitment ({})", kind(k)),
            Visibility::Omit => "omitted".into(),
            Visibility::Nested(_) => "per field, below".into(),
        }
    }
    fn kind(k: Confidential) -> &'static str {
        match k {
            Confidential::PersonalData => "personal data",
            Confidential::HpsBreakdown => "HPS breakdown",
            Confidential::DraftPlan => "draft plan",
            Confidential::VendorProfile => "company profile",
            Confidential::Participant => "participant",
            Confidential::Membership => "pokja membership",
        }
    }
    fn rows(out: &mut String, prefix: &str, rules: &[Rule]) {
        for r in rules {
            out.push_str(&format!(
                "| `{prefix}{}` | {} | {} |\n",
                r.field,
                vis(r.visibility),
                r.why
            ));
            if let Visibility::Nested(inner) = r.visibility {
                rows(out, &format!("{prefix}{}.", r.field), inner);
            }
        }
    }
    let mut out = String::from(
        "# What the public log shows\n\n\
         Generated from `crates/lelang-core/src/privacy.rs` (`cargo test -p lelang-core privacy` \
         checks that this file is current; `LELANG_BLESS=1` rewrites it). Every event is a leaf of \
         the public log; each field of it is **public** (in clear), a **commitment** (a salted \
         SHA-256 that auditors can open with the stored salt; the event log shows it in clear to \
         readers with the named permission) or **omitted**. Events logged before this table \
         existed keep the form they were published in.\n",
    );
    for e in EVENTS {
        out.push_str(&format!(
            "\n## `{}`\n\nActor: {}. Role: {}.\n\n| field | on the public log | why |\n|---|---|---|\n",
            e.event_type,
            vis(e.actor),
            vis(e.role)
        ));
        rows(&mut out, "", e.fields);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_every_event_type_once() {
        let mut names: Vec<&str> = EVENTS.iter().map(|e| e.event_type).collect();
        let mut known = EventPayload::TYPE_NAMES.to_vec();
        names.sort_unstable();
        known.sort_unstable();
        assert_eq!(names, known);
        for e in EVENTS {
            let mut fields: Vec<&str> = e.fields.iter().map(|r| r.field).collect();
            fields.sort_unstable();
            fields.dedup();
            assert_eq!(fields.len(), e.fields.len(), "{}: a field twice", e.event_type);
            assert!(e.fields.iter().all(|r| !r.why.is_empty()), "{}", e.event_type);
        }
    }

    #[test]
    fn no_person_is_published_in_clear() {
        // Fields that name or reach a person are never public, wherever they occur.
        let personal = [
            "username",
            "display_name",
            "email",
            "members",
            "member",
            "published_by",
        ];
        fn check(rules: &[Rule], personal: &[&str], at: &str) {
            for r in rules {
                if personal.contains(&r.field) {
                    assert_ne!(r.visibility, Visibility::Public, "{at}.{}", r.field);
                }
                if let Visibility::Nested(inner) = r.visibility {
                    check(inner, personal, &format!("{at}.{}", r.field));
                }
            }
        }
        for e in EVENTS {
            check(e.fields, &personal, e.event_type);
            assert_ne!(
                e.actor,
                Visibility::Public,
                "{}: the actor is a person",
                e.event_type
            );
        }
    }

    /// `PRIVACY.md` is generated from the table; `LELANG_BLESS=1` writes it anew.
    #[test]
    fn privacy_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../PRIVACY.md");
        let expected = markdown();
        if std::env::var_os("LELANG_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("write PRIVACY.md");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "PRIVACY.md is not the table's: run LELANG_BLESS=1 cargo test -p lelang-core privacy_md"
        );
    }
}
