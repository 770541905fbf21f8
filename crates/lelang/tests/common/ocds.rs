//! Checks of the open data against the official OCDS 1.1.5 schemas (JSON Schema draft-04, copied
//! verbatim into tests/ocds-1.1.5 from ../shared/ocds/1.1.5 — a test keeps the copy identical)
//! and its codelists.

use super::TestApp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Where the schemas are.
pub fn schema_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ocds-1.1.5")
}

fn read(name: &str) -> Value {
    let text = std::fs::read_to_string(schema_dir().join(name)).expect("schema");
    serde_json::from_str(&text).expect("schema JSON")
}

/// The validators and codelists, built once per test binary.
pub struct Ocds {
    release: jsonschema::Validator,
    release_package: jsonschema::Validator,
    record_package: jsonschema::Validator,
    schema: Value,
    codelists: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
}

/// The schemas, loaded once.
pub fn ocds() -> &'static Ocds {
    static O: OnceLock<Ocds> = OnceLock::new();
    O.get_or_init(|| {
        const BASE: &str = "https://standard.open-contracting.org/schema/1__1__5/";
        let names = ["release-schema.json", "versioned-release-validation-schema.json"];
        let docs: Vec<(String, Value)> = names.iter().map(|n| (format!("{BASE}{n}"), read(n))).collect();
        let registry = Box::leak(Box::new(
            jsonschema::Registry::new()
                .extend(
                    docs.into_iter()
                        .map(|(u, v)| (u, jsonschema::Resource::from_contents(v))),
                )
                .expect("registry")
                .prepare()
                .expect("prepared"),
        ));
        let build = |schema: &Value| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .with_registry(registry)
                .build(schema)
                .expect("validator")
        };
        let mut codelists = BTreeMap::new();
        for entry in std::fs::read_dir(schema_dir().join("codelists")).expect("codelists") {
            let path = entry.expect("entry").path();
            let mut r = csv::Reader::from_path(&path).expect("csv");
            let headers = r.headers().expect("headers").clone();
            let code = headers.iter().position(|h| h == "Code").expect("Code column");
            let deprecated = headers.iter().position(|h| h == "Deprecated");
            let (mut codes, mut old) = (BTreeSet::new(), BTreeSet::new());
            for row in r.records() {
                let row = row.expect("row");
                let c = row.get(code).unwrap_or_default().to_owned();
                if deprecated.and_then(|d| row.get(d)).is_some_and(|d| !d.is_empty()) {
                    old.insert(c.clone());
                }
                codes.insert(c);
            }
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            codelists.insert(name, (codes, old));
        }
        Ocds {
            release: build(&read("release-schema.json")),
            release_package: build(&read("release-package-schema.json")),
            record_package: build(&read("record-package-schema.json")),
            schema: read("dereferenced-release-schema.json"),
            codelists,
        }
    })
}

fn errors(v: &jsonschema::Validator, instance: &Value, what: &str) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{what}: {e} at {}", e.instance_path()))
        .collect()
}

impl Ocds {
    /// Schema errors of one release, and codes outside their codelists: a closed codelist's
    /// value must be listed; for open codelists lelang also uses listed, undeprecated codes only.
    pub fn release_errors(&self, r: &Value) -> Vec<String> {
        let id = r["id"].as_str().unwrap_or("?").to_owned();
        let mut errs = errors(&self.release, r, &format!("release {id}"));
        self.codes(&self.schema, r, &format!("release {id}"), &mut errs);
        errs
    }

    /// Schema errors of a release package, its releases included.
    pub fn release_package_errors(&self, p: &Value) -> Vec<String> {
        let mut errs = errors(&self.release_package, p, "release package");
        for r in p["releases"].as_array().into_iter().flatten() {
            errs.extend(self.release_errors(r));
        }
        errs
    }

    /// Schema errors of a record package, its releases and compiled releases included.
    pub fn record_package_errors(&self, p: &Value) -> Vec<String> {
        let mut errs = errors(&self.record_package, p, "record package");
        for rec in p["records"].as_array().into_iter().flatten() {
            for r in rec["releases"].as_array().into_iter().flatten() {
                errs.extend(self.release_errors(r));
            }
            if let Some(c) = rec.get("compiledRelease") {
                errs.extend(self.release_errors(c));
            }
        }
        errs
    }

    fn codes(&self, schema: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
        if let Some(list) = schema.get("codelist").and_then(Value::as_str) {
            let closed = schema.get("openCodelist") == Some(&Value::Bool(false));
            let (codes, old) = &self.codelists[list];
            let values: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for value in values.into_iter().filter_map(Value::as_str) {
                if !codes.contains(value) {
                    let kind = if closed { "closed" } else { "open" };
                    errs.push(format!("{path}: {value:?} is not in the {kind} codelist {list}"));
                } else if old.contains(value) {
                    errs.push(format!("{path}: {value:?} is deprecated in {list}"));
                }
            }
        }
        match v {
            Value::Object(fields) => {
                for (k, child) in fields {
                    if let Some(s) = schema.get("properties").and_then(|p| p.get(k)) {
                        self.codes(s, child, &format!("{path}/{k}"), errs);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(s) = schema.get("items") {
                    for (i, child) in items.iter().enumerate() {
                        self.codes(s, child, &format!("{path}/{i}"), errs);
                    }
                }
            }
            _ => {}
        }
    }
}

/// What the open data of an app held, once checked.
#[derive(Debug, Default)]
pub struct Published {
    /// Every release, in feed order.
    pub releases: Vec<Value>,
    /// Every record, by ocid.
    pub records: BTreeMap<String, Value>,
    /// The tags seen.
    pub tags: BTreeSet<String>,
}

/// Every page of a feed from `first`, following `links.next` until the feed answers 204.
pub async fn follow(c: &mut super::Client, first: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut path = first.to_owned();
    loop {
        let r = c.get(&path).await;
        if r.status == axum::http::StatusCode::NO_CONTENT {
            return pages;
        }
        assert_eq!(r.status, axum::http::StatusCode::OK, "{path}: {}", r.body);
        let p = r.json();
        let next = p["links"]["next"]
            .as_str()
            .expect("a page with items links to the next");
        path = format!("/api/{}", next.split_once("/api/").expect("absolute next").1);
        pages.push(p);
        assert!(pages.len() < 1000, "the feed never ends");
    }
}

/// Reads the whole open data of an app through the public API — the release feed page by page,
/// the record feed, every process's own endpoints — validates every package, release and record
/// against the schemas and codelists (zero errors), and checks that the pieces agree: the feed
/// holds each release once, in publication order; each record holds exactly its process's
/// releases; its compiled release is the merge of them.
pub async fn check_everything(app: &TestApp) -> Published {
    let o = ocds();
    let mut c = app.client();
    let mut out = Published::default();
    let mut errs = Vec::new();
    for p in follow(&mut c, "/api/v1/ocds/releases?limit=7").await {
        errs.extend(o.release_package_errors(&p));
        out.releases
            .extend(p["releases"].as_array().expect("releases").iter().cloned());
    }
    let ids: BTreeSet<_> = out
        .releases
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), out.releases.len(), "each release once");
    let mut by_ocid: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in &out.releases {
        for t in r["tag"].as_array().expect("tag") {
            out.tags.insert(t.as_str().expect("tag").to_owned());
        }
        by_ocid
            .entry(r["ocid"].as_str().expect("ocid").to_owned())
            .or_default()
            .push(r.clone());
    }
    for p in follow(&mut c, "/api/v1/ocds/records?limit=3").await {
        errs.extend(o.record_package_errors(&p));
        for rec in p["records"].as_array().expect("records") {
            let ocid = rec["ocid"].as_str().expect("ocid").to_owned();
            assert!(
                out.records.insert(ocid.clone(), rec.clone()).is_none(),
                "{ocid} listed twice in one pass"
            );
        }
    }
    assert_eq!(
        out.records.keys().collect::<Vec<_>>(),
        by_ocid.keys().collect::<Vec<_>>(),
        "one record per process"
    );
    for (ocid, releases) in &by_ocid {
        let rec = &out.records[ocid];
        let mut sorted = releases.clone();
        sorted.sort_by(|a, b| a["date"].as_str().cmp(&b["date"].as_str()));
        assert_eq!(
            rec["releases"].as_array().expect("releases"),
            &sorted,
            "{ocid}: the record holds its releases"
        );
        assert_eq!(
            Some(&rec["compiledRelease"]),
            lelang_ocds::compile(releases).as_ref(),
            "{ocid}: compiled by the merge rules"
        );
        let own = c.get(&format!("/api/v1/ocds/records/{ocid}")).await.json();
        errs.extend(o.record_package_errors(&own));
        assert_eq!(
            &own["records"][0], rec,
            "{ocid}: its own endpoint answers the same record"
        );
        let own = c.get(&format!("/api/v1/ocds/releases/{ocid}")).await.json();
        errs.extend(o.release_package_errors(&own));
        assert_eq!(own["releases"].as_array().expect("releases"), releases);
    }
    assert!(errs.is_empty(), "{} errors:\n{}", errs.len(), errs.join("\n"));
    out
}
