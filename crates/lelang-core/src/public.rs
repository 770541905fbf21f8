//! The public form of an event: the bytes of its leaf in the transparency log.
//!
//! Every event is published, but not every field: what the [privacy table](crate::privacy) says is
//! confidential — personal data, pokja membership, HPS breakdowns, who bids — is replaced by a
//! salted SHA-256 commitment. The full event stays in the store with its salt, so an auditor with
//! access can show that a commitment matches a value, while the public — and anyone who copies
//! the log — learns nothing from it. Each event records the public form it was logged under, so
//! that an entry's bytes never change once published.

use crate::canonical::{CanonicalError, canonicalize};
use crate::event::Event;
use crate::payload::rules_for;
pub use crate::privacy::Confidential;
use crate::privacy::{Rule, Visibility};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;

pub use crate::fresh::Salt;

/// A fresh salt from the operating system's generator.
pub fn new_salt() -> Result<Salt, CanonicalError> {
    let mut salt = [0u8; 32];
    getrandom::fill(&mut salt).map_err(|e| CanonicalError::NotJson(format!("no randomness: {e}")))?;
    Ok(salt)
}

/// The leaf hash of an event, as the tree stores it.
pub fn leaf_hash(event: &Event, salt: &Salt) -> Result<lelang_trust::Hash, CanonicalError> {
    Ok(lelang_trust::merkle::leaf_hash(&leaf(event, salt)?))
}

/// The public form new events are published under: the [privacy table](crate::privacy).
pub use crate::event::PUBLIC_FORM;

/// The first public form (before the privacy table), kept exactly so that every entry already on
/// a log keeps its bytes.
mod form1 {
    /// Fields never published in clear, per event type.
    pub(super) fn confidential_fields(event_type: &str) -> &'static [&'static str] {
        match event_type {
            "user_created" => &["email"],
            "plan_item_created" => &["plan_item"],
            "package_created" => &["hps_breakdown"],
            "vendor_profile_updated" => &["profile"],
            "tender_joined" | "question_asked" | "bid_submitted" | "bid_uploaded" | "bid_withdrawn" => {
                &["vendor_id"]
            }
            _ => &[],
        }
    }

    /// Event types whose actor is committed.
    pub(super) fn hides_actor(event_type: &str) -> bool {
        matches!(
            event_type,
            "tender_joined" | "question_asked" | "bid_submitted" | "bid_uploaded" | "bid_withdrawn"
        )
    }

    /// The permission a confidential field needs, by name.
    pub(super) fn confidentiality(field: &str) -> super::Confidential {
        use super::Confidential;
        match field {
            "hps_breakdown" => Confidential::HpsBreakdown,
            "plan_item" => Confidential::DraftPlan,
            "profile" => Confidential::VendorProfile,
            "vendor_id" => Confidential::Participant,
            _ => Confidential::PersonalData,
        }
    }
}

/// How a field absent from the table is treated: committed, so that nothing unclassified is
/// ever published by accident (the payload's `type` tag is the one field outside the table).
const UNCLASSIFIED: Visibility = Visibility::Commit(Confidential::PersonalData);

/// The rule of a payload key under a set of field rules.
fn rule_of(rules: &[Rule], key: &str) -> Visibility {
    if key == "type" {
        return Visibility::Public;
    }
    rules
        .iter()
        .find(|r| r.field == key)
        .map_or(UNCLASSIFIED, |r| r.visibility)
}

/// Applies field rules to an object: commitments (to `path.field`), omissions, nested objects.
fn publish_object(
    map: Map<String, Value>,
    rules: &[Rule],
    path: &str,
    salt: &Salt,
) -> Result<Map<String, Value>, CanonicalError> {
    let mut out = Map::new();
    for (k, v) in map {
        let name = format!("{path}{k}");
        match rule_of(rules, &k) {
            Visibility::Public => {
                out.insert(k, v);
            }
            Visibility::Omit => {}
            Visibility::Commit(_) if v.is_null() => {
                out.insert(k, v);
            }
            Visibility::Commit(_) => {
                let c = commitment(salt, &name, &v)?;
                out.insert(k, json!({ "commitment": c }));
            }
            Visibility::Nested(inner) => match v {
                Value::Object(m) => {
                    let nested = publish_object(m, inner, &format!("{name}."), salt)?;
                    out.insert(k, Value::Object(nested));
                }
                other => {
                    out.insert(k, other);
                }
            },
        }
    }
    Ok(out)
}

/// An event's payload for a reader of the full log: confidential fields the reader may not see are
/// replaced by `{"redacted": true}`, and so are its actor and role where the table commits them.
/// Returns whether any confidential field was shown in clear (such reads by auditors and law
/// enforcement are themselves logged).
pub fn redact(event: &mut Event, may_see: impl Fn(Confidential) -> bool) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&event.payload) else {
        event.payload = r#"{"redacted":true}"#.to_owned();
        return false;
    };
    let mut shown = false;
    let map = if event.public_form < 2 {
        let mut map = map;
        for f in form1::confidential_fields(&event.event_type) {
            if map.get(*f).is_some_and(|v| !v.is_null()) {
                if may_see(form1::confidentiality(f)) {
                    shown = true;
                } else {
                    map.insert((*f).to_owned(), json!({ "redacted": true }));
                }
            }
        }
        if form1::hides_actor(&event.event_type) && !may_see(Confidential::Participant) {
            event.actor_id = None;
        }
        map
    } else {
        let (fields, actor, role) = match rules_for(&event.event_type) {
            Some(r) => (r.fields, r.actor, r.role),
            None => (&[][..], UNCLASSIFIED, UNCLASSIFIED),
        };
        if let Visibility::Commit(k) = actor
            && !may_see(k)
        {
            event.actor_id = None;
        }
        if let Visibility::Commit(k) = role
            && !may_see(k)
        {
            event.actor_role = None;
        }
        redact_object(map, fields, &may_see, &mut shown)
    };
    event.payload = canonicalize(&Value::Object(map)).unwrap_or_else(|_| r#"{"redacted":true}"#.to_owned());
    shown
}

fn redact_object(
    map: Map<String, Value>,
    rules: &[Rule],
    may_see: &impl Fn(Confidential) -> bool,
    shown: &mut bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in map {
        match rule_of(rules, &k) {
            Visibility::Public => {
                out.insert(k, v);
            }
            Visibility::Omit => {}
            Visibility::Commit(_) if v.is_null() => {
                out.insert(k, v);
            }
            Visibility::Commit(kind) => {
                if may_see(kind) {
                    *shown = true;
                    out.insert(k, v);
                } else {
                    out.insert(k, json!({ "redacted": true }));
                }
            }
            Visibility::Nested(inner) => match v {
                Value::Object(m) => {
                    let nested = redact_object(m, inner, may_see, shown);
                    out.insert(k, Value::Object(nested));
                }
                other => {
                    out.insert(k, other);
                }
            },
        }
    }
    out
}

/// The commitment to one field's value: SHA-256(salt ‖ field name ‖ 0x00 ‖ canonical value).
/// A nested field is named by its path (`document.published_by`).
pub fn commitment(salt: &Salt, field: &str, value: &Value) -> Result<String, CanonicalError> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(field.as_bytes());
    h.update([0u8]);
    h.update(canonicalize(value)?.as_bytes());
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The leaf bytes of an event: canonical JSON of its envelope and public payload, in the public
/// form it was logged under.
pub fn leaf(event: &Event, salt: &Salt) -> Result<Vec<u8>, CanonicalError> {
    let payload: Value =
        serde_json::from_str(&event.payload).map_err(|e| CanonicalError::NotJson(e.to_string()))?;
    let public = match payload {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    let (public, actor, role) = if event.public_form < 2 {
        let mut public = public;
        for field in form1::confidential_fields(&event.event_type) {
            if let Some(v) = public.get(*field).filter(|v| !v.is_null()).cloned() {
                public.insert(
                    (*field).to_owned(),
                    json!({ "commitment": commitment(salt, field, &v)? }),
                );
            }
        }
        let actor = match event.actor_id {
            Some(a) if form1::hides_actor(&event.event_type) => {
                json!({ "commitment": commitment(salt, "actor_id", &json!(a))? })
            }
            other => json!(other),
        };
        (public, actor, json!(event.actor_role))
    } else {
        let (fields, actor_rule, role_rule) = match rules_for(&event.event_type) {
            Some(r) => (r.fields, r.actor, r.role),
            None => (&[][..], UNCLASSIFIED, UNCLASSIFIED),
        };
        let envelope_field = |name: &str, rule: Visibility, v: Value| -> Result<Value, CanonicalError> {
            Ok(match rule {
                _ if v.is_null() => v,
                Visibility::Commit(_) => json!({ "commitment": commitment(salt, name, &v)? }),
                Visibility::Omit => Value::Null,
                Visibility::Public | Visibility::Nested(_) => v,
            })
        };
        (
            publish_object(public, fields, "", salt)?,
            envelope_field("actor_id", actor_rule, json!(event.actor_id))?,
            envelope_field("actor_role", role_rule, json!(event.actor_role))?,
        )
    };
    let envelope = json!({
        "seq": event.seq,
        "id": event.id,
        "at": event.at.format(&Rfc3339).map_err(|e| CanonicalError::NotJson(e.to_string()))?,
        "tenant_id": event.tenant_id,
        "actor_id": actor,
        "actor_role": role,
        "type": event.event_type,
        "payload": Value::Object(public),
    });
    Ok(canonicalize(&envelope)?.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EventId, UserId};

    fn event(payload: &str, ty: &str, form: u8) -> Event {
        Event {
            seq: 7,
            id: EventId(uuid::Uuid::nil()),
            at: time::OffsetDateTime::UNIX_EPOCH,
            tenant_id: None,
            actor_id: Some(UserId(uuid::Uuid::nil())),
            actor_role: Some(crate::role::Role::PokjaMember),
            event_type: ty.into(),
            payload: payload.into(),
            public_form: form,
        }
    }

    const USER: &str = r#"{"display_name":"Budi Santoso","email":"budi@banyuwangikab.go.id","tenant_id":null,"type":"user_created","user_id":"00000000-0000-0000-0000-000000000001","username":"budi","vendor_id":null}"#;
    const JOINED: &str = r#"{"package_id":"00000000-0000-0000-0000-000000000002","type":"tender_joined","vendor_id":"00000000-0000-0000-0000-000000000003"}"#;
    const POKJA: &str = r#"{"members":["00000000-0000-0000-0000-000000000004"],"package_id":"00000000-0000-0000-0000-000000000002","type":"pokja_assigned"}"#;

    /// Entries logged before the privacy table keep their bytes: these are what the code before
    /// it wrote for the same events and salt.
    #[test]
    fn entries_of_the_first_form_keep_their_bytes() {
        let golden = [
            (
                USER,
                "user_created",
                r#"{"actor_id":"00000000-0000-0000-0000-000000000000","actor_role":"pokja_member","at":"1970-01-01T00:00:00Z","id":"00000000-0000-0000-0000-000000000000","payload":{"display_name":"Budi Santoso","email":{"commitment":"26aac7b0dbf5f14b1489fc81b0792252c7a7c877538ba02edf579fe244f2d406"},"tenant_id":null,"type":"user_created","user_id":"00000000-0000-0000-0000-000000000001","username":"budi","vendor_id":null},"seq":7,"tenant_id":null,"type":"user_created"}"#,
            ),
            (
                JOINED,
                "tender_joined",
                r#"{"actor_id":{"commitment":"0da9f33e00ef08320696a7b6385760833411b40b639587828ac58bf75e2c062d"},"actor_role":"pokja_member","at":"1970-01-01T00:00:00Z","id":"00000000-0000-0000-0000-000000000000","payload":{"package_id":"00000000-0000-0000-0000-000000000002","type":"tender_joined","vendor_id":{"commitment":"68a2a029af9347abdab4f8ec7788126e07ad3f19a05f576055938f03b4f34bc3"}},"seq":7,"tenant_id":null,"type":"tender_joined"}"#,
            ),
            (
                POKJA,
                "pokja_assigned",
                r#"{"actor_id":"00000000-0000-0000-0000-000000000000","actor_role":"pokja_member","at":"1970-01-01T00:00:00Z","id":"00000000-0000-0000-0000-000000000000","payload":{"members":["00000000-0000-0000-0000-000000000004"],"package_id":"00000000-0000-0000-0000-000000000002","type":"pokja_assigned"},"seq":7,"tenant_id":null,"type":"pokja_assigned"}"#,
            ),
        ];
        for (payload, ty, expected) in golden {
            let l = leaf(&event(payload, ty, 1), &[9; 32]).expect("leaf");
            assert_eq!(String::from_utf8(l).expect("utf8"), expected, "{ty}");
        }
    }

    #[test]
    fn names_contacts_and_the_actor_are_committed_not_published() {
        let e = event(USER, "user_created", PUBLIC_FORM);
        let leaf = String::from_utf8(leaf(&e, &[3; 32]).expect("leaf")).expect("utf8");
        for secret in ["budi@banyuwangikab.go.id", "Budi Santoso", r#""budi""#] {
            assert!(!leaf.contains(secret), "{secret} in {leaf}");
        }
        let c = commitment(&[3; 32], "email", &json!("budi@banyuwangikab.go.id")).expect("c");
        assert!(
            leaf.contains(&c),
            "an auditor with the salt recomputes the commitment"
        );
        let actor = commitment(&[3; 32], "actor_id", &json!(UserId(uuid::Uuid::nil()))).expect("c");
        assert!(
            leaf.starts_with(&format!(
                r#"{{"actor_id":{{"commitment":"{actor}"}},"actor_role":"pokja_member","#
            )),
            "{leaf}"
        );
        assert!(leaf.contains(r#""user_id":"00000000-0000-0000-0000-000000000001""#));
        let other_salt = String::from_utf8(super::leaf(&e, &[4; 32]).expect("leaf")).expect("utf8");
        assert_ne!(leaf, other_salt, "the salt makes the commitment unguessable");
    }

    #[test]
    fn pokja_membership_and_participants_are_committed() {
        let leaf = String::from_utf8(leaf(&event(POKJA, "pokja_assigned", 2), &[5; 32]).expect("leaf"))
            .expect("utf8");
        assert!(!leaf.contains("000000000004"), "{leaf}");
        assert!(leaf.contains(r#""package_id":"00000000-0000-0000-0000-000000000002""#));
        let leaf = String::from_utf8(leaf_of(JOINED, "tender_joined")).expect("utf8");
        assert!(!leaf.contains("000000000003"), "{leaf}");
    }

    fn leaf_of(payload: &str, ty: &str) -> Vec<u8> {
        leaf(&event(payload, ty, PUBLIC_FORM), &[6; 32]).expect("leaf")
    }

    #[test]
    fn nested_fields_unknown_fields_and_the_role_follow_the_table() {
        let doc = r#"{"document":{"id":"d","published_by":"00000000-0000-0000-0000-000000000009","title":"Spesifikasi"},"type":"document_published"}"#;
        let leaf = String::from_utf8(leaf_of(doc, "document_published")).expect("utf8");
        assert!(leaf.contains(r#""title":"Spesifikasi""#), "{leaf}");
        assert!(!leaf.contains("000000000009"), "{leaf}");
        let c = commitment(
            &[6; 32],
            "document.published_by",
            &json!("00000000-0000-0000-0000-000000000009"),
        )
        .expect("c");
        assert!(leaf.contains(&c), "nested commitments are named by their path");
        // A field the table does not know is committed, never published.
        let odd = r#"{"code":"DPU","phone":"0812-3456-7890","type":"work_unit_created"}"#;
        let leaf = String::from_utf8(leaf_of(odd, "work_unit_created")).expect("utf8");
        assert!(
            leaf.contains(r#""code":"DPU""#) && !leaf.contains("0812"),
            "{leaf}"
        );
        // Who read confidential data, and in which role, is committed.
        let read = r#"{"records":3,"subject":"event_log","type":"confidential_data_read"}"#;
        let leaf = String::from_utf8(leaf_of(read, "confidential_data_read")).expect("utf8");
        assert!(
            !leaf.contains("pokja_member") && leaf.contains(r#""subject":"event_log""#),
            "{leaf}"
        );
    }

    #[test]
    fn redaction_follows_the_same_table() {
        let mut e = event(USER, "user_created", PUBLIC_FORM);
        let shown = redact(&mut e, |_| false);
        assert!(!shown);
        assert!(!e.payload.contains("Budi") && e.payload.contains(r#""redacted":true"#));
        assert_eq!(e.actor_id, None, "the actor is personal data");
        assert!(e.actor_role.is_some(), "the role is public here");
        let mut e = event(USER, "user_created", PUBLIC_FORM);
        assert!(redact(&mut e, |k| k == Confidential::PersonalData));
        assert!(e.payload.contains("Budi Santoso") && e.actor_id.is_some());
        // The first form keeps its own rules: the display name was public then.
        let mut e = event(USER, "user_created", 1);
        redact(&mut e, |_| false);
        assert!(e.payload.contains("Budi Santoso") && e.actor_id.is_some());
    }
}
