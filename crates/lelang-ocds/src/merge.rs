//! Compiling a contracting process's releases into its current state, by the OCDS 1.1 merge
//! rules: releases in date order; objects merge field by field; arrays of objects that carry an
//! `id` merge item by item on it; any other array, and the release schema's `wholeListMerge`
//! arrays, are replaced whole; `null` removes a field; the release's own `id`, `date` and `tag`
//! are omitted (`omitWhenMerged`), and the compiled release gets the tag `compiled` and the id
//! `<ocid>-<date of the newest release>`.

use serde_json::{Map, Value};

/// The arrays the release schema marks `wholeListMerge`: replaced, never merged by id.
const WHOLE_LIST: [&str; 2] = ["additionalIdentifiers", "additionalClassifications"];

/// The fields of a release the schema marks `omitWhenMerged`.
const OMITTED: [&str; 3] = ["id", "date", "tag"];

/// The compiled release of one process's releases (any order: they are sorted by `date`, ties
/// kept in the order given — publication order). None for no releases.
pub fn compile(releases: &[Value]) -> Option<Value> {
    let mut order: Vec<&Value> = releases.iter().collect();
    order.sort_by(|a, b| date_of(a).cmp(date_of(b)));
    let newest = order.last()?;
    let mut compiled = Map::new();
    for release in &order {
        if let Value::Object(fields) = release {
            for (key, value) in fields {
                if !OMITTED.contains(&key.as_str()) {
                    merge_field(&mut compiled, key, value);
                }
            }
        }
    }
    let ocid = newest.get("ocid").and_then(Value::as_str).unwrap_or_default();
    let date = date_of(newest);
    compiled.insert("id".into(), Value::String(format!("{ocid}-{date}")));
    compiled.insert("date".into(), Value::String(date.to_owned()));
    compiled.insert("tag".into(), Value::Array(vec![Value::String("compiled".into())]));
    Some(Value::Object(compiled))
}

/// The record of one process: its releases (embedded, in date order) and their compiled release.
pub fn record(ocid: &str, releases: Vec<Value>) -> Value {
    let compiled = compile(&releases);
    let mut sorted = releases;
    sorted.sort_by(|a, b| date_of(a).cmp(date_of(b)));
    let mut r = Map::new();
    r.insert("ocid".into(), Value::String(ocid.to_owned()));
    r.insert("releases".into(), Value::Array(sorted));
    if let Some(c) = compiled {
        r.insert("compiledRelease".into(), c);
    }
    Value::Object(r)
}

// RFC 3339 dates in UTC with the same precision sort as text; lelang writes them so.
fn date_of(v: &Value) -> &str {
    v.get("date").and_then(Value::as_str).unwrap_or_default()
}

fn merge_field(target: &mut Map<String, Value>, key: &str, value: &Value) {
    match value {
        Value::Null => {
            target.remove(key);
        }
        Value::Object(fields) => {
            let slot = target
                .entry(key.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(t) = slot {
                for (k, v) in fields {
                    merge_field(t, k, v);
                }
            }
        }
        Value::Array(items) if identified(items) && !WHOLE_LIST.contains(&key) => {
            let slot = target
                .entry(key.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !matches!(slot, Value::Array(existing) if identified(existing)) {
                *slot = Value::Array(Vec::new());
            }
            if let Value::Array(existing) = slot {
                for item in items {
                    let id = item.get("id");
                    let at = existing.iter().position(|e| e.get("id") == id);
                    let into = match at {
                        Some(i) => &mut existing[i],
                        None => {
                            existing.push(Value::Object(Map::new()));
                            let last = existing.len() - 1;
                            &mut existing[last]
                        }
                    };
                    if let (Value::Object(t), Value::Object(fields)) = (into, item) {
                        for (k, v) in fields {
                            merge_field(t, k, v);
                        }
                    }
                }
            }
        }
        other => {
            target.insert(key.to_owned(), strip_nulls(other));
        }
    }
}

/// An array merges by id when every item is an object with an id (string or number).
fn identified(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("id").is_some_and(|id| id.is_string() || id.is_number()))
}

/// A value put in whole still loses its null fields: null means "absent" everywhere in a merge.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_merge_rules_of_ocds() {
        let releases = vec![
            json!({"ocid": "ocds-x-1", "id": "b", "date": "2026-11-02T03:00:00Z", "tag": ["tenderUpdate"],
                   "tender": {"id": "t", "status": "active", "documents": [{"id": "d1", "title": "RKS v2"}],
                              "tenderPeriod": {"endDate": null}},
                   "parties": [{"id": "p", "roles": ["tenderer"]}]}),
            json!({"ocid": "ocds-x-1", "id": "a", "date": "2026-11-02T02:00:00Z", "tag": ["tender"],
                   "tender": {"id": "t", "title": "Jembatan", "status": "planned",
                              "documents": [{"id": "d1", "title": "RKS", "format": "application/pdf"}, {"id": "d2"}],
                              "tenderPeriod": {"startDate": "2026-11-03T01:00:00Z", "endDate": "2026-11-10T09:00:00Z"},
                              "submissionMethod": ["electronicSubmission", "written"]},
                   "parties": [{"id": "p", "name": "CV Maju", "roles": ["buyer", "tenderer"],
                                "additionalIdentifiers": [{"id": "1"}]}]}),
            json!({"ocid": "ocds-x-1", "id": "c", "date": "2026-11-02T03:00:00Z", "tag": ["tenderUpdate"],
                   "tender": {"id": "t", "submissionMethod": ["electronicSubmission"]},
                   "parties": [{"id": "p", "additionalIdentifiers": [{"id": "2"}]}]}),
        ];
        let c = compile(&releases).unwrap();
        assert_eq!(c["id"], "ocds-x-1-2026-11-02T03:00:00Z");
        assert_eq!(c["tag"], json!(["compiled"]));
        assert_eq!(c["date"], "2026-11-02T03:00:00Z");
        let t = &c["tender"];
        assert_eq!(t["title"], "Jembatan", "absent fields are kept");
        assert_eq!(
            t["status"], "active",
            "the newer value wins (sorted by date, not given order)"
        );
        assert_eq!(
            t["documents"],
            json!([{"id": "d1", "title": "RKS v2", "format": "application/pdf"}, {"id": "d2"}])
        );
        assert_eq!(
            t["tenderPeriod"],
            json!({"startDate": "2026-11-03T01:00:00Z"}),
            "null removes"
        );
        assert_eq!(
            t["submissionMethod"],
            json!(["electronicSubmission"]),
            "arrays of strings are replaced"
        );
        assert_eq!(c["parties"][0]["roles"], json!(["tenderer"]));
        assert_eq!(
            c["parties"][0]["additionalIdentifiers"],
            json!([{"id": "2"}]),
            "wholeListMerge"
        );
        assert_eq!(c["parties"][0]["name"], "CV Maju");
        let r = record("ocds-x-1", releases);
        let ids: Vec<_> = r["releases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone())
            .collect();
        assert_eq!(ids, vec![json!("a"), json!("b"), json!("c")]);
        assert!(compile(&[]).is_none());
    }
}
