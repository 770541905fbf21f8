//! Every stage's events under one enum: what the log stores, reads back and publishes.
//!
//! Each stage owns the enum of its events and their privacy table (`crate::plan::Event` and
//! `crate::plan::EVENT_RULES`, …); this module, above the stages, gathers them. A payload is
//! stored as the stage's own JSON (tagged with its `type`), so gathering adds no bytes: the
//! top-level enum serialises as the stage's, and reads a payload back by the stage that owns its
//! type.

use crate::event::{Event as Stored, Payload};
use crate::privacy::EventRules;
use crate::sealing::opening;
use crate::{
    appeal, award_letter, calendar, cancellation, case, clarification, complaint, contract, directory,
    document, evaluation, execution, handover, objection, package, period, plan, pokja, sealing,
    second_factor, submission, tender, vendor,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// Writes the top-level enum over each stage's `Event`, its conversions, its type names and rules,
/// and reading a payload back by its `type`.
macro_rules! stages {
    ($( $(#[$doc:meta])* $stage:ident => $module:ident ),* $(,)?) => {
        /// What happened, in whichever stage.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum EventPayload {
            $( $(#[$doc])* $stage($module::Event), )*
        }

        $( impl From<$module::Event> for EventPayload {
            fn from(e: $module::Event) -> Self {
                Self::$stage(e)
            }
        } )*

        impl Payload for EventPayload {
            fn type_name(&self) -> &'static str {
                match self {
                    $( Self::$stage(e) => e.type_name(), )*
                }
            }
        }

        /// Every stage's table, in the order of the stages.
        const STAGE_RULES: &[&[EventRules]] = &[ $( $module::EVENT_RULES ),* ];

        impl<'de> Deserialize<'de> for EventPayload {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                let Some(ty) = value.get("type").and_then(serde_json::Value::as_str) else {
                    return Err(D::Error::missing_field("type"));
                };
                $( if $module::Event::TYPE_NAMES.contains(&ty) {
                    return serde_json::from_value(value).map(Self::$stage).map_err(D::Error::custom);
                } )*
                Err(D::Error::custom(format_args!("unknown event type `{ty}`")))
            }
        }
    };
}

crate::stages::for_each_stage!(stages);

impl EventPayload {
    /// The event type (the [`Payload`] method, without importing the trait).
    pub fn type_name(&self) -> &'static str {
        Payload::type_name(self)
    }
}

/// Every event type's rules, stage by stage.
pub fn rules() -> impl Iterator<Item = &'static EventRules> {
    STAGE_RULES.iter().flat_map(|s| s.iter())
}

/// Every event type, so that each can be checked to have a label in every language.
pub fn type_names() -> impl Iterator<Item = &'static str> {
    rules().map(|r| r.event_type)
}

/// The rules of an event type (None for a type this version does not know).
pub fn rules_for(event_type: &str) -> Option<&'static EventRules> {
    rules().find(|r| r.event_type == event_type)
}

impl Stored {
    /// The payload parsed back into its type.
    pub fn parsed(&self) -> Result<EventPayload, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::NewEvent;
    use crate::ids::{TenantId, WorkUnitId};
    use crate::privacy::{Rule, Visibility};
    use time::OffsetDateTime;

    #[test]
    fn payload_is_canonical_and_round_trips() {
        let p = EventPayload::from(directory::Event::WorkUnitCreated {
            work_unit_id: WorkUnitId::new(),
            tenant_id: TenantId::new(),
            code: "DPU".into(),
            name: "Dinas Pekerjaan Umum".into(),
        });
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
        // The stage's own event serialises to the same bytes as the top-level one.
        let Ok(EventPayload::Directory(inner)) = serde_json::from_str(&e.payload) else {
            panic!("not the directory's");
        };
        assert_eq!(crate::canonical::to_canonical_string(&inner).unwrap(), e.payload);
    }

    #[test]
    fn unknown_and_untyped_payloads_are_refused_by_name() {
        let e = serde_json::from_str::<EventPayload>(r#"{"type":"tender_exploded"}"#).unwrap_err();
        assert!(e.to_string().contains("tender_exploded"), "{e}");
        assert!(serde_json::from_str::<EventPayload>(r#"{"name":"x"}"#).is_err());
        assert!(serde_json::from_str::<EventPayload>(r#"[1]"#).is_err());
        // A known type with a field it does not have is refused as before.
        assert!(
            serde_json::from_str::<EventPayload>(
                r#"{"type":"sessions_revoked","user_id":"00000000-0000-0000-0000-000000000000","x":1}"#
            )
            .is_err()
        );
    }

    #[test]
    fn each_event_type_belongs_to_one_stage_and_has_rules() {
        // A type name in two stages would make the stored payload ambiguous to read back.
        let mut names: Vec<&str> = type_names().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "an event type in two stages");
        assert!(count >= 44, "{count}");
        for ty in type_names() {
            assert!(rules_for(ty).is_some(), "{ty}");
        }
        for e in rules() {
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
        for e in rules() {
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
        let expected = crate::privacy::markdown(rules());
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
