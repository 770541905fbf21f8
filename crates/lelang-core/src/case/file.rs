//! A case file: what an officer takes away — the case, the events of the packages in its scope
//! in clear with the salts that open their commitments, each entry's inclusion proof in one signed
//! checkpoint, and the documents in scope — checked offline with nothing but the file and the
//! regency's log key, so a court can see that nothing was altered.

use crate::event::Event;
use crate::fresh::Salt;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use lelang_trust::checkpoint::Checkpoint;
use lelang_trust::merkle;
use lelang_trust::note::NoteVerifier;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The format's name, first in every file.
pub const FORMAT: &str = "lelang-case-file/1";
/// The largest case file read (documents included).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
/// The most entries and documents one file holds.
pub const MAX_ITEMS: usize = 100_000;
const MAX_PROOF_HASHES: usize = 64;

/// One event of the case, in clear, with its place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The event as stored.
    pub event: Event,
    /// The public form it was logged under.
    pub public_form: u8,
    /// The salt of its commitments (base64).
    pub salt: String,
    /// Its leaf bytes as the log holds them (base64).
    pub leaf: String,
    /// Its inclusion proof in the checkpoint (base64 hashes).
    pub proof: Vec<String>,
}

/// A document in scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDocument {
    /// Its file name.
    pub filename: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its bytes (base64).
    pub content: String,
}

/// A case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// [`FORMAT`].
    pub format: String,
    /// The case.
    pub case: super::Case,
    /// The signed checkpoint every entry is proven in.
    pub checkpoint: String,
    /// The log's verifier key, for a reader who has not pinned one (check it against the
    /// regency's published key).
    pub log_key: String,
    /// The events, in log order.
    pub entries: Vec<Entry>,
    /// The documents in scope.
    pub documents: Vec<FileDocument>,
}

/// What a case file proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The case's number.
    pub number: String,
    /// The checkpoint's tree size.
    pub size: u64,
    /// How many events were proven.
    pub events: usize,
    /// How many documents were checked.
    pub documents: usize,
}

/// Why a case file does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

fn bad(msg: impl Into<String>) -> FileError {
    FileError(msg.into())
}

impl CaseFile {
    /// Reads a case file, refusing one larger than [`MAX_FILE_BYTES`] before parsing it.
    pub fn parse(json: &[u8]) -> Result<Self, FileError> {
        if json.len() > MAX_FILE_BYTES {
            return Err(bad(format!("a case file is at most {MAX_FILE_BYTES} bytes")));
        }
        let f: Self = serde_json::from_slice(json).map_err(|e| bad(format!("not a case file: {e}")))?;
        if f.format != FORMAT {
            return Err(bad(format!("not a {FORMAT} file")));
        }
        if f.entries.len() > MAX_ITEMS || f.documents.len() > MAX_ITEMS {
            return Err(bad("too many entries"));
        }
        Ok(f)
    }

    /// Checks the file against `log_key`: the checkpoint's signature; every event's leaf
    /// recomputed from its clear content and salt, and proven in the checkpoint; every event
    /// within the case's scope; the case's header against its logged escalation (and revocation);
    /// every document hashing to its stated SHA-256 under the name a proven event gave it. What
    /// it cannot prove is that no event was left out: the file proves what it holds.
    pub fn verify(&self, log_key: &str) -> Result<Verified, FileError> {
        let verifier = NoteVerifier::parse(log_key).map_err(|e| bad(format!("log key: {e}")))?;
        let text = verifier
            .open(&self.checkpoint)
            .map_err(|e| bad(format!("the checkpoint's signature does not hold: {e}")))?;
        let cp = Checkpoint::parse(text).map_err(|_| bad("the checkpoint is malformed"))?;
        let case_id = self.case.id.0.to_string();
        // Each document's hash with the name a logged event gave it; the case's own events.
        let mut logged: std::collections::BTreeMap<String, String> = Default::default();
        let mut escalated = None;
        let mut revoked = false;
        for e in &self.entries {
            let payload = self.proven(e, &cp)?;
            // A document's event holds the document whole: its package and hash are inside it.
            let field = |k: &str| match &payload[k] {
                serde_json::Value::Null => payload["document"][k].clone(),
                v => v.clone(),
            };
            let in_scope = payload["case_id"] == case_id.as_str()
                || self
                    .case
                    .packages
                    .iter()
                    .any(|p| field("package_id") == p.0.to_string());
            if !in_scope {
                return Err(bad(format!("event #{} is outside the case's scope", e.event.seq)));
            }
            if let Some(h) = field("sha256").as_str() {
                let name = field("filename").as_str().unwrap_or_default().to_owned();
                logged.insert(h.to_owned(), name);
            }
            if payload["case_id"] == case_id.as_str() {
                match e.event.event_type.as_str() {
                    "case_escalated" => escalated = Some(payload.clone()),
                    "case_revoked" => revoked = true,
                    _ => {}
                }
            }
        }
        self.header_holds(escalated, revoked)?;
        for d in &self.documents {
            let bytes = B64
                .decode(&d.content)
                .map_err(|_| bad("a document is not base64"))?;
            let h: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if h != d.sha256 {
                return Err(bad(format!("document {} was altered", d.filename)));
            }
            if logged.get(&h) != Some(&d.filename) {
                return Err(bad(format!(
                    "document {} is not named so by a logged event",
                    d.filename
                )));
            }
        }
        Ok(Verified {
            number: self.case.number.clone(),
            size: cp.size,
            events: self.entries.len(),
            documents: self.documents.len(),
        })
    }

    /// One entry: its leaf recomputed from the clear event and salt, proven in the checkpoint, of
    /// the case's regency; its payload.
    fn proven(&self, e: &Entry, cp: &Checkpoint) -> Result<serde_json::Value, FileError> {
        let index = e
            .event
            .seq
            .checked_sub(1)
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| bad("an event's position is not in the log"))?;
        let salt_bytes = B64.decode(&e.salt).map_err(|_| bad("a salt is not base64"))?;
        let salt: Salt = salt_bytes
            .as_slice()
            .try_into()
            .map_err(|_| bad("a salt is not 32 bytes"))?;
        let mut event = e.event.clone();
        event.public_form = e.public_form;
        let leaf = crate::public::leaf(&event, &salt)
            .map_err(|e| bad(format!("an event has no canonical form: {e}")))?;
        if B64.encode(&leaf) != e.leaf {
            return Err(bad(format!(
                "event #{} does not match what the log holds: its content was altered",
                e.event.seq
            )));
        }
        if e.proof.len() > MAX_PROOF_HASHES {
            return Err(bad("a proof is longer than a log's depth"));
        }
        let proof = e
            .proof
            .iter()
            .map(|h| {
                B64.decode(h)
                    .ok()
                    .and_then(|v| <merkle::Hash>::try_from(v.as_slice()).ok())
                    .ok_or_else(|| bad("a proof hash is not 32 bytes of base64"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        merkle::verify_inclusion(index, cp.size, &merkle::leaf_hash(&leaf), &proof, &cp.root)
            .map_err(|err| bad(format!("event #{} is not in the checkpoint: {err}", e.event.seq)))?;
        if e.event.tenant_id != Some(self.case.tenant_id) {
            return Err(bad(format!("event #{} is another regency's", e.event.seq)));
        }
        serde_json::from_str(&e.event.payload).map_err(|_| bad("a payload is not JSON"))
    }

    /// The header is what the log says the case is: its escalation (number, MoU, packages,
    /// officers, end) and whether it was revoked.
    fn header_holds(&self, escalated: Option<serde_json::Value>, revoked: bool) -> Result<(), FileError> {
        let x = escalated.ok_or_else(|| bad("the case's escalation is not among the proven events"))?;
        let sorted = |v: Vec<String>| {
            let mut v = v;
            v.sort();
            v
        };
        let logged = |k: &str| {
            sorted(
                x[k].as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default(),
            )
        };
        let packages = sorted(self.case.packages.iter().map(|p| p.0.to_string()).collect());
        let officers = sorted(self.case.officers.iter().map(|p| p.0.to_string()).collect());
        let closes = self
            .case
            .closes
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let holds = x["number"] == self.case.number.as_str()
            && x["mou_id"] == self.case.mou_id.0.to_string()
            && logged("packages") == packages
            && logged("officers") == officers
            && x["closes"] == closes.as_str()
            && revoked == self.case.revoked.is_some();
        if holds {
            Ok(())
        } else {
            Err(bad("the case's header is not what its logged escalation says"))
        }
    }
}
