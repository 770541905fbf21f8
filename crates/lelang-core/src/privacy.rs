//! The privacy table: for every event type, how each field — and the envelope's actor and role —
//! appears on the public log: in clear, as a salted commitment, or not at all, with the reason.
//!
//! Each stage writes its own table with [`event_table!`] beside its `Event` enum. The tables are
//! enforced by the code that writes the public form of an event ([`crate::public::leaf`]) and by
//! the code that redacts the event log for officials ([`crate::public::redacted_payload`]). Each
//! is also a match over the stage's events that names every field of every variant without `..`:
//! an event or a field that is not classified does not compile. `PRIVACY.md` at the top of the
//! repository is generated from them ([`crate::payload::rules`]).
//!
//! The rules of the table: no person's name, sign-in name, e-mail, NIK or phone number is
//! published; who sits on a tender's pokja, who declared, dealt or read confidential data, and
//! who acted in an event are committed (auditors open the commitments with the stored salt); which
//! company registered, asked or bid is committed until the opening; what a tender is — its
//! package, schedule, documents, questions, answers and results — is public.

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
    /// An evaluation's working record — prices read out and corrected, findings, decisions —
    /// until the award publishes its result.
    Evaluation,
    /// A complaint's text, notes, files and complainant: the regency's auditors only.
    Complaint,
    /// Officials' working conversation on a package (its hand-over's notes, its messages): its
    /// participants on its page, the ULP head and auditors on the log.
    Conversation,
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

/// The names a stage's table is written in.
pub mod table {
    pub use super::{Confidential, Rule, Visibility};
    /// In clear.
    pub const PUBLIC: Visibility = Visibility::Public;
    /// Committed as personal data.
    pub const PERSONAL: Visibility = Visibility::Commit(Confidential::PersonalData);
    /// Committed until the opening: which company takes part.
    pub const PARTICIPANT: Visibility = Visibility::Commit(Confidential::Participant);
    /// Committed while the tender runs: who sits on its pokja.
    pub const MEMBERSHIP: Visibility = Visibility::Commit(Confidential::Membership);
    /// Committed until the award: the evaluation's working record.
    pub const EVALUATION: Visibility = Visibility::Commit(Confidential::Evaluation);
    /// Committed always: a complaint's contents and complainant.
    pub const COMPLAINT: Visibility = Visibility::Commit(Confidential::Complaint);
    /// Committed always: officials' working conversation on a package.
    pub const CONVERSATION: Visibility = Visibility::Commit(Confidential::Conversation);
}

/// Writes a struct's rules and a pattern that names each of its fields, so that a field added to
/// the struct and not to its rules does not compile.
macro_rules! struct_table {
    ($(#[$doc:meta])* $name:ident for $ty:ident { $( $field:ident : $vis:expr => $why:literal ),* $(,)? }) => {
        $(#[$doc])*
        pub const $name: &[$crate::privacy::Rule] = {
            #[allow(unused_imports)]
            use $crate::privacy::table::*;
            &[ $( $crate::privacy::Rule { field: stringify!($field), visibility: $vis, why: $why } ),* ]
        };
        const _: () = {
            #[allow(dead_code)]
            fn every_field_is_classified(x: &$ty) {
                let $ty { $( $field: _ ),* } = x;
            }
        };
    };
}
pub(crate) use struct_table;

/// Writes a stage's table of events, its type names, and the exhaustive match that names every
/// field of every variant of the stage's `Event` (so that an event or a field without a rule does
/// not compile).
macro_rules! event_table {
    ($( $variant:ident $ty:literal actor: $actor:expr, role: $role:expr, { $( $field:ident : $vis:expr => $why:literal ),* $(,)? } )*) => {
        /// This stage's events' rules, in the order of its `Event`.
        pub const EVENT_RULES: &[$crate::privacy::EventRules] = {
            #[allow(unused_imports)]
            use $crate::privacy::table::*;
            &[ $( $crate::privacy::EventRules {
                event_type: $ty,
                actor: $actor,
                role: $role,
                fields: &[ $( $crate::privacy::Rule { field: stringify!($field), visibility: $vis, why: $why } ),* ],
            } ),* ]
        };

        impl Event {
            /// This stage's event types.
            pub const TYPE_NAMES: &'static [&'static str] = &[ $( $ty ),* ];
        }

        impl $crate::event::Payload for Event {
            fn type_name(&self) -> &'static str {
                match self {
                    $( Event::$variant { $( $field: _ ),* } => $ty, )*
                }
            }
        }
    };
}
pub(crate) use event_table;

/// The table as Markdown, for `PRIVACY.md`.
pub fn markdown<'a>(events: impl IntoIterator<Item = &'a EventRules>) -> String {
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
            Confidential::Evaluation => "evaluation",
            Confidential::Complaint => "complaint",
            Confidential::Conversation => "conversation",
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
         Generated from each stage's `event_table!` in `crates/lelang-core/src` (`cargo test -p lelang-core privacy` \
         checks that this file is current; `LELANG_BLESS=1` rewrites it). Every event is a leaf of \
         the public log; each field of it is **public** (in clear), a **commitment** (a salted \
         SHA-256 that auditors can open with the stored salt; the event log shows it in clear to \
         readers with the named permission) or **omitted**. Events logged before this table \
         existed keep the form they were published in.\n",
    );
    for e in events {
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
