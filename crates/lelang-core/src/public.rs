//! The public form of an event: the bytes of its leaf in the transparency log.
//!
//! Every event is published, but not every field: personal data (and, as the domain grows, HPS
//! breakdowns and bid contents) is replaced by a salted SHA-256 commitment. The full event stays in
//! the store with its salt, so an auditor with access can show that a commitment matches a value,
//! while the public — and anyone who copies the log — learns nothing from it.

use crate::canonical::{CanonicalError, canonicalize};
use crate::event::Event;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;

/// Random bytes that make each commitment unguessable, one set per event.
pub type Salt = [u8; 32];

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

/// Fields never published in clear, per event type.
pub fn confidential_fields(event_type: &str) -> &'static [&'static str] {
    match event_type {
        // Officials' and vendor employees' contact data is personal data (UU PDP 27/2022).
        "user_created" => &["email"],
        // A plan item is internal until its plan is announced (the announcement is public).
        "plan_item_created" => &["plan_item"],
        // The HPS breakdown is confidential (Perpres 16/2018: only the total is announced).
        "package_created" => &["hps_breakdown"],
        // A company's profile names its staff and its tax details.
        "vendor_profile_updated" => &["profile"],
        // Who takes part in a tender, and who asked what, is kept from competitors.
        "tender_joined" | "question_asked" | "bid_submitted" | "bid_uploaded" | "bid_withdrawn" => {
            &["vendor_id"]
        }
        _ => &[],
    }
}

/// Event types whose actor is itself confidential: the vendor employee who registered for a
/// tender or asked a question would name the company (user ids are public through
/// `user_created`), so the public leaf holds a commitment to the actor instead.
pub fn hides_actor(event_type: &str) -> bool {
    matches!(
        event_type,
        "tender_joined" | "question_asked" | "bid_submitted" | "bid_uploaded" | "bid_withdrawn"
    )
}

/// Which permission a confidential field needs, by field name: the same field is confidential in
/// the same way in every event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidential {
    /// Personal data (contact details of officials and vendor staff).
    PersonalData,
    /// An owner's estimate breakdown.
    HpsBreakdown,
    /// A plan item not yet announced.
    DraftPlan,
    /// A company's qualification profile.
    VendorProfile,
    /// Which company takes part in a tender or asked a question.
    Participant,
}

/// The kind of confidentiality of a field.
pub fn confidentiality(field: &str) -> Confidential {
    match field {
        "hps_breakdown" => Confidential::HpsBreakdown,
        "plan_item" => Confidential::DraftPlan,
        "profile" => Confidential::VendorProfile,
        "vendor_id" => Confidential::Participant,
        _ => Confidential::PersonalData,
    }
}

/// An event's payload for a reader of the full log: confidential fields the reader may not see are
/// replaced by `{"redacted": true}`. Returns the payload and whether any confidential field was
/// shown in clear (such reads by auditors and law enforcement are themselves logged).
pub fn redacted_payload(event: &Event, may_see: impl Fn(Confidential) -> bool) -> (String, bool) {
    let fields = confidential_fields(&event.event_type);
    if fields.is_empty() {
        return (event.payload.clone(), false);
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(&event.payload) else {
        return (r#"{"redacted":true}"#.to_owned(), false);
    };
    let mut shown = false;
    for f in fields {
        if map.get(*f).is_some_and(|v| !v.is_null()) {
            if may_see(confidentiality(f)) {
                shown = true;
            } else {
                map.insert((*f).to_owned(), json!({ "redacted": true }));
            }
        }
    }
    let text = canonicalize(&Value::Object(map)).unwrap_or_else(|_| r#"{"redacted":true}"#.to_owned());
    (text, shown)
}

/// The commitment to one field's value: SHA-256(salt ‖ field name ‖ 0x00 ‖ canonical value).
pub fn commitment(salt: &Salt, field: &str, value: &Value) -> Result<String, CanonicalError> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(field.as_bytes());
    h.update([0u8]);
    h.update(canonicalize(value)?.as_bytes());
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The leaf bytes of an event: canonical JSON of its envelope and public payload.
pub fn leaf(event: &Event, salt: &Salt) -> Result<Vec<u8>, CanonicalError> {
    let payload: Value =
        serde_json::from_str(&event.payload).map_err(|e| CanonicalError::NotJson(e.to_string()))?;
    let mut public = match payload {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    for field in confidential_fields(&event.event_type) {
        if let Some(v) = public.get(*field).filter(|v| !v.is_null()).cloned() {
            public.insert(
                (*field).to_owned(),
                json!({ "commitment": commitment(salt, field, &v)? }),
            );
        }
    }
    let actor = match event.actor_id {
        Some(a) if hides_actor(&event.event_type) => {
            json!({ "commitment": commitment(salt, "actor_id", &json!(a))? })
        }
        other => json!(other),
    };
    let envelope = json!({
        "seq": event.seq,
        "id": event.id,
        "at": event.at.format(&Rfc3339).map_err(|e| CanonicalError::NotJson(e.to_string()))?,
        "tenant_id": event.tenant_id,
        "actor_id": actor,
        "actor_role": event.actor_role,
        "type": event.event_type,
        "payload": Value::Object(public),
    });
    Ok(canonicalize(&envelope)?.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{EventId, UserId};

    fn event(payload: &str, ty: &str) -> Event {
        Event {
            seq: 7,
            id: EventId(uuid::Uuid::nil()),
            at: time::OffsetDateTime::UNIX_EPOCH,
            tenant_id: None,
            actor_id: Some(UserId(uuid::Uuid::nil())),
            actor_role: None,
            event_type: ty.into(),
            payload: payload.into(),
        }
    }

    #[test]
    fn personal_data_is_committed_not_published() {
        let e = event(
            r#"{"email":"budi@banyuwangikab.go.id","type":"user_created","username":"budi"}"#,
            "user_created",
        );
        let leaf = String::from_utf8(leaf(&e, &[3; 32]).unwrap()).unwrap();
        assert!(!leaf.contains("budi@banyuwangikab.go.id"), "{leaf}");
        assert!(leaf.contains(r#""username":"budi""#));
        let c = commitment(&[3; 32], "email", &json!("budi@banyuwangikab.go.id")).unwrap();
        assert!(
            leaf.contains(&c),
            "an auditor with the salt recomputes the commitment"
        );
        let other_salt = String::from_utf8(super::leaf(&e, &[4; 32]).unwrap()).unwrap();
        assert_ne!(leaf, other_salt, "the salt makes the commitment unguessable");
        assert!(leaf.starts_with(r#"{"actor_id":"00000000-0000-0000-0000-000000000000","actor_role":null,"at":"1970-01-01T00:00:00Z","#));
    }

    #[test]
    fn other_events_are_published_whole() {
        let e = event(
            r#"{"code":"DPU","type":"work_unit_created"}"#,
            "work_unit_created",
        );
        let leaf = String::from_utf8(leaf(&e, &[0; 32]).unwrap()).unwrap();
        assert!(leaf.contains(r#""payload":{"code":"DPU","type":"work_unit_created"}"#));
        assert!(leaf.contains(r#""seq":7"#));
    }

    #[test]
    fn who_registered_or_asked_is_committed_not_published() {
        let vendor = crate::ids::VendorId::new();
        let user = crate::ids::UserId::new();
        let mut e = event(
            &format!(r#"{{"package_id":"p","type":"tender_joined","vendor_id":"{vendor}"}}"#),
            "tender_joined",
        );
        e.actor_id = Some(user);
        let salt = new_salt().expect("salt");
        let leaf = String::from_utf8(leaf(&e, &salt).expect("leaf")).expect("utf8");
        assert!(!leaf.contains(&vendor.to_string()), "{leaf}");
        assert!(!leaf.contains(&user.to_string()), "{leaf}");
        assert!(leaf.contains(&commitment(&salt, "actor_id", &json!(user)).expect("c")));
    }
}
