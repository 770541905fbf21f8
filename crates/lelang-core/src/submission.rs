//! Sealed submission that survives the deadline rush. A company commits a few hundred bytes
//! before the deadline — the SHA-256 and length of its sealed file — and gets a receipt signed by
//! the log key; the file itself may arrive until the deadline plus the rule set's grace window.
//! At the deadline the log appends `submission_closed`: the checkpoint that ends with that entry is
//! the tender's closing checkpoint, so a commitment was on time exactly when its leaf lies before
//! it. Everything here is pure; the web layer stamps, batches and signs.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{BidId, PackageId, VendorId};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::role::Role;
use crate::sealing::Bid;
use crate::tender::PublicTender;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use lelang_trust::checkpoint::Checkpoint;
use lelang_trust::merkle::{self, Hash};
use lelang_trust::note::NoteVerifier;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// A tender's closing, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    /// The tender.
    pub package_id: PackageId,
    /// The leaf of its `submission_closed` entry; the closing checkpoint's size is one more.
    pub log_index: u64,
    /// When it was appended.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Closing {
    /// The size of the closing checkpoint: every leaf before the closing entry, and the entry.
    pub fn size(&self) -> u64 {
        self.log_index + 1
    }
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// The grace window of a rule set: how long after the deadline committed files may arrive.
pub fn grace(rules: &crate::rules::RuleSet) -> Duration {
    Duration::minutes(i64::from(rules.periods.upload_grace_minutes))
}

/// Whether sealed files for commitments made in time may still arrive.
pub fn upload_open(tender: &PublicTender, grace: Duration, now: OffsetDateTime) -> bool {
    now < tender.submission_deadline + grace
}

/// Whether `s` is a lowercase hex SHA-256.
fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a vendor's command needs to know about the tender and the company.
#[derive(Debug, Clone, Copy)]
pub struct Submitter<'a> {
    /// The company acting.
    pub vendor: VendorId,
    /// The tender.
    pub tender: &'a PublicTender,
    /// Whether the company registered for it.
    pub registered: bool,
}

fn vendor_event(
    actor: &Actor,
    s: &Submitter<'_>,
    cx: &Cx<'_>,
    payload: &impl crate::event::Payload,
) -> Result<NewEvent, CommandError> {
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    Ok(NewEvent::new(
        cx,
        Some(s.tender.tenant_id),
        Some(a.user_id),
        Some(Role::Vendor),
        payload,
    )?)
}

/// Whether the company may commit or withdraw now (its own, registered, before the deadline): what
/// a server checks before reading an upload's bytes, and every command below checks again.
pub fn may_submit(actor: &Actor, s: &Submitter<'_>, now: OffsetDateTime) -> Result<(), CommandError> {
    authorize(actor, Action::ActForVendor(s.vendor))?;
    if !s.registered {
        return Err(invalid("package_id", "not-registered"));
    }
    if now >= s.tender.submission_deadline {
        return Err(invalid("package_id", "submission-closed"));
    }
    Ok(())
}

/// A registered company commits to its sealed bid before the deadline: the ciphertext's SHA-256
/// (hex) and length, at most `max_size`. `uploaded` is for a file that arrived with the
/// commitment (stored and synced already). The change holds only while the tender is not
/// closed, so no commitment can land after its closing entry. The latest commitment counts.
pub fn commit_bid(
    actor: &Actor,
    s: &Submitter<'_>,
    sha256: &str,
    size: u64,
    max_size: u64,
    uploaded: bool,
    cx: &Cx<'_>,
) -> Result<(Bid, Change<Mutation>), CommandError> {
    let now = cx.now;
    may_submit(actor, s, now)?;
    if !is_sha256_hex(sha256) {
        return Err(invalid("sha256", "bid-sha256"));
    }
    if size == 0 || size > max_size {
        return Err(invalid("size", "bid-size"));
    }
    let bid = Bid {
        id: cx.id(),
        tenant_id: s.tender.tenant_id,
        package_id: s.tender.package_id,
        vendor_id: s.vendor,
        sha256: sha256.to_owned(),
        size,
        submitted_at: now,
        log_index: None,
        uploaded_at: uploaded.then_some(now),
        withdrawn: false,
    };
    let mut events = vec![vendor_event(
        actor,
        s,
        cx,
        &Event::BidSubmitted {
            bid_id: bid.id,
            package_id: bid.package_id,
            vendor_id: s.vendor,
            sha256: bid.sha256.clone(),
            size,
        },
    )?];
    if uploaded {
        events.push(vendor_event(
            actor,
            s,
            cx,
            &Event::BidUploaded {
                bid_id: bid.id,
                package_id: bid.package_id,
                vendor_id: s.vendor,
            },
        )?);
    }
    Ok((
        bid.clone(),
        Change {
            events,
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectSubmissionOpen(bid.package_id)),
                Mutation::InsertBid(bid),
            ],
        },
    ))
}

/// The company's current commitment among a tender's bids (in log order): its latest, unless that
/// is a withdrawal.
pub fn current_bid(bids: &[Bid], vendor: VendorId) -> Option<&Bid> {
    bids.iter()
        .rev()
        .find(|b| b.vendor_id == vendor)
        .filter(|b| !b.withdrawn)
}

/// The bids that count at the opening: each company's current commitment, in log order.
pub fn counting_bids(bids: &[Bid]) -> Vec<&Bid> {
    let mut out: Vec<&Bid> = Vec::new();
    for b in bids {
        out.retain(|x| x.vendor_id != b.vendor_id);
        out.push(b);
    }
    out.retain(|b| !b.withdrawn);
    out
}

/// A company withdraws its current bid before the deadline (a withdrawal is recorded as a marker
/// that becomes its latest commitment).
pub fn withdraw_bid(
    actor: &Actor,
    s: &Submitter<'_>,
    current: Option<&Bid>,
    cx: &Cx<'_>,
) -> Result<(Bid, Change<Mutation>), CommandError> {
    let now = cx.now;
    may_submit(actor, s, now)?;
    let current = current
        .filter(|b| b.vendor_id == s.vendor && !b.withdrawn)
        .ok_or(invalid("bid_id", "bid-not-current"))?;
    let marker = Bid {
        id: cx.id(),
        sha256: String::new(),
        size: 0,
        submitted_at: now,
        log_index: None,
        uploaded_at: None,
        withdrawn: true,
        ..current.clone()
    };
    let e = vendor_event(
        actor,
        s,
        cx,
        &Event::BidWithdrawn {
            bid_id: current.id,
            package_id: current.package_id,
            vendor_id: s.vendor,
        },
    )?;
    Ok((
        marker.clone(),
        Change {
            events: vec![e],
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectSubmissionOpen(marker.package_id)),
                Mutation::InsertBid(marker),
            ],
        },
    ))
}

/// May the company send bytes for this commitment now? Its own, current, not yet complete, and
/// within the deadline plus the grace window.
pub fn may_upload(
    actor: &Actor,
    s: &Submitter<'_>,
    bid: &Bid,
    current: bool,
    grace: Duration,
    now: OffsetDateTime,
) -> Result<(), CommandError> {
    authorize(actor, Action::ActForVendor(s.vendor))?;
    if bid.vendor_id != s.vendor || bid.package_id != s.tender.package_id || bid.withdrawn {
        return Err(CommandError::Denied(Denied::Forbidden));
    }
    if bid.uploaded_at.is_some() {
        return Err(invalid("bid_id", "bid-uploaded"));
    }
    if !current {
        return Err(invalid("bid_id", "bid-replaced"));
    }
    if !upload_open(s.tender, grace, now) {
        return Err(invalid("bid_id", "upload-closed"));
    }
    Ok(())
}

/// The sealed file arrived whole and matched its commitment (checked, stored and synced by the
/// caller): the bid is complete.
pub fn complete_upload(
    actor: &Actor,
    s: &Submitter<'_>,
    bid: &Bid,
    current: bool,
    grace: Duration,
    cx: &Cx<'_>,
) -> Result<(Bid, Change<Mutation>), CommandError> {
    let now = cx.now;
    may_upload(actor, s, bid, current, grace, now)?;
    let done = Bid {
        uploaded_at: Some(now),
        ..bid.clone()
    };
    let e = vendor_event(
        actor,
        s,
        cx,
        &Event::BidUploaded {
            bid_id: bid.id,
            package_id: bid.package_id,
            vendor_id: s.vendor,
        },
    )?;
    Ok((
        done.clone(),
        Change {
            events: vec![e],
            mutations: vec![Mutation::UpdateBid(done)],
        },
    ))
}

/// At the deadline the log appends the tender's closing entry (no actor: the clock did it). None
/// before the deadline or once closed.
pub fn close_submission(
    tender: &PublicTender,
    closed: bool,
    cx: &Cx<'_>,
) -> Result<Option<Change<Mutation>>, CommandError> {
    let now = cx.now;
    if closed || now < tender.submission_deadline {
        return Ok(None);
    }
    let e = NewEvent::new(
        cx,
        Some(tender.tenant_id),
        None,
        None,
        &Event::SubmissionClosed {
            package_id: tender.package_id,
            deadline: tender.submission_deadline,
        },
    )?;
    Ok(Some(Change {
        events: vec![e],
        mutations: vec![Mutation::InsertClosing {
            package_id: tender.package_id,
            at: now,
        }],
    }))
}

/// What the log key signs for a commitment: enough for the company to prove, without the server,
/// that it committed this file to this tender at this time and this place in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The log's origin line (whose key signs).
    pub origin: String,
    /// The tender.
    pub tender: PackageId,
    /// The company.
    pub vendor: VendorId,
    /// The commitment.
    pub bid: BidId,
    /// SHA-256 of the sealed file, hex.
    pub sha256: String,
    /// Its length.
    pub size: u64,
    /// The server's time of the commitment.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// Its leaf in the log.
    pub index: u64,
}

/// The first line of a receipt's text.
const RECEIPT_HEADER: &str = "lelang bid receipt v1";

impl Receipt {
    /// The receipt for a stored commitment.
    pub fn of(origin: &str, bid: &Bid) -> Option<Receipt> {
        Some(Receipt {
            origin: origin.to_owned(),
            tender: bid.package_id,
            vendor: bid.vendor_id,
            bid: bid.id,
            sha256: bid.sha256.clone(),
            size: bid.size,
            time: bid.submitted_at,
            index: bid.log_index?,
        })
    }

    /// The text the log key signs (a signed note's body: one field per line).
    pub fn to_text(&self) -> String {
        let time = self.time.format(&Rfc3339).unwrap_or_default();
        format!(
            "{RECEIPT_HEADER}\n{}\ntender {}\nvendor {}\nbid {}\nsha256 {}\nsize {}\ntime {time}\nindex {}\n",
            self.origin, self.tender.0, self.vendor.0, self.bid.0, self.sha256, self.size, self.index
        )
    }

    /// Parses [`Receipt::to_text`].
    pub fn parse(text: &str) -> Option<Receipt> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        if lines.next()? != RECEIPT_HEADER {
            return None;
        }
        let origin = lines.next()?.to_owned();
        let mut field = |name: &str| -> Option<String> {
            lines
                .next()?
                .strip_prefix(name)?
                .strip_prefix(' ')
                .map(str::to_owned)
        };
        let uuid = |s: String| uuid::Uuid::parse_str(&s).ok();
        let r = Receipt {
            origin,
            tender: PackageId(uuid(field("tender")?)?),
            vendor: VendorId(uuid(field("vendor")?)?),
            bid: BidId(uuid(field("bid")?)?),
            sha256: field("sha256")?,
            size: field("size")?.parse().ok()?,
            time: OffsetDateTime::parse(&field("time")?, &Rfc3339).ok()?,
            index: field("index")?.parse().ok()?,
        };
        (lines.next().is_none() && r.to_text() == text).then_some(r)
    }
}

/// One log entry with its inclusion proof in the closing checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvenEntry {
    /// Its leaf index.
    pub index: u64,
    /// The entry's bytes (base64), exactly as the log's entry bundles hold them.
    pub entry: String,
    /// The inclusion proof (base64 hashes).
    pub proof: Vec<String>,
}

/// What a company keeps to prove, offline, that its commitment was on time: the signed receipt,
/// the signed closing checkpoint, and both the commitment's and the closing's entries proven in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofBundle {
    /// The receipt, as a signed note.
    pub receipt: String,
    /// The closing checkpoint, as a signed note.
    pub checkpoint: String,
    /// The commitment's entry.
    pub commitment: ProvenEntry,
    /// The tender's `submission_closed` entry, the checkpoint's last leaf.
    pub closing: ProvenEntry,
    /// The log's verifier key, for a reader who has not pinned one (check it against the
    /// regency's published key).
    pub log_key: String,
}

/// What a proof bundle proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proven {
    /// The receipt.
    pub receipt: Receipt,
    /// The closing checkpoint's size.
    pub closing_size: u64,
    /// When the tender closed, from its entry.
    pub closed_at: String,
}

/// Why a proof bundle does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BundleError(pub String);

fn bad(msg: impl Into<String>) -> BundleError {
    BundleError(msg.into())
}

fn b64hash(s: &str) -> Result<Hash, BundleError> {
    B64.decode(s)
        .ok()
        .and_then(|v| <Hash>::try_from(v.as_slice()).ok())
        .ok_or_else(|| bad("a proof hash is not 32 bytes of base64"))
}

/// The largest proof bundle read (a receipt, a checkpoint, two entries and their proofs: a few KiB).
pub const MAX_BUNDLE_BYTES: usize = 256 * 1024;
/// The most hashes an inclusion proof holds (the depth of a tree of 2^64 leaves).
const MAX_PROOF_HASHES: usize = 64;
/// The largest entry, base64 (C2SP entry bundles hold entries of at most 65,535 bytes).
const MAX_ENTRY_B64: usize = 65_535 / 3 * 4 + 4;

impl ProofBundle {
    /// Reads a bundle from its JSON, refusing one larger than [`MAX_BUNDLE_BYTES`] before
    /// parsing it.
    pub fn parse(json: &[u8]) -> Result<Self, BundleError> {
        if json.len() > MAX_BUNDLE_BYTES {
            return Err(bad(format!("a proof bundle is at most {MAX_BUNDLE_BYTES} bytes")));
        }
        serde_json::from_slice(json).map_err(|e| bad(format!("not a proof bundle: {e}")))
    }
}

fn entry_json(p: &ProvenEntry, size: u64, root: &Hash) -> Result<serde_json::Value, BundleError> {
    if p.entry.len() > MAX_ENTRY_B64 || p.proof.len() > MAX_PROOF_HASHES {
        return Err(bad("an entry or its proof is larger than a log holds"));
    }
    let bytes = B64.decode(&p.entry).map_err(|_| bad("an entry is not base64"))?;
    let proof = p
        .proof
        .iter()
        .map(|h| b64hash(h))
        .collect::<Result<Vec<_>, _>>()?;
    merkle::verify_inclusion(p.index, size, &merkle::leaf_hash(&bytes), &proof, root)
        .map_err(|e| bad(format!("entry {} is not in the closing checkpoint: {e}", p.index)))?;
    serde_json::from_slice(&bytes).map_err(|_| bad("an entry is not JSON"))
}

/// Checks a proof bundle against the log's verifier key, with nothing but the bundle: both
/// signatures, both inclusion proofs, that the entry is this commitment, that the checkpoint's
/// last entry closes this tender, and that the commitment lies before it.
pub fn verify_bundle(b: &ProofBundle, log_key: &str) -> Result<Proven, BundleError> {
    let verifier = NoteVerifier::parse(log_key).map_err(|e| bad(format!("log key: {e}")))?;
    let text = verifier
        .open(&b.receipt)
        .map_err(|e| bad(format!("the receipt's signature does not hold: {e}")))?;
    let receipt = Receipt::parse(text).ok_or_else(|| bad("the receipt is not a lelang receipt"))?;
    let cp_text = verifier
        .open(&b.checkpoint)
        .map_err(|e| bad(format!("the checkpoint's signature does not hold: {e}")))?;
    let cp = Checkpoint::parse(cp_text).map_err(|_| bad("the checkpoint is malformed"))?;
    if cp.origin != receipt.origin {
        return Err(bad("the receipt and the checkpoint name different logs"));
    }
    if b.commitment.index != receipt.index {
        return Err(bad("the entry is not at the receipt's index"));
    }
    if b.closing.index.checked_add(1) != Some(cp.size) {
        return Err(bad("the closing entry is not the checkpoint's last leaf"));
    }
    let c = entry_json(&b.commitment, cp.size, &cp.root)?;
    let closing = entry_json(&b.closing, cp.size, &cp.root)?;
    let p = &c["payload"];
    let holds = c["type"] == "bid_submitted"
        && p["bid_id"] == receipt.bid.0.to_string()
        && p["package_id"] == receipt.tender.0.to_string()
        && p["sha256"] == receipt.sha256.as_str()
        && p["size"] == receipt.size;
    if !holds {
        return Err(bad("the log entry is not the receipt's commitment"));
    }
    if c["at"] != receipt.time.format(&Rfc3339).unwrap_or_default().as_str() {
        return Err(bad("the log entry's time is not the receipt's"));
    }
    if closing["type"] != "submission_closed"
        || closing["payload"]["package_id"] != receipt.tender.0.to_string()
    {
        return Err(bad("the checkpoint does not close this tender"));
    }
    if receipt.index >= b.closing.index {
        return Err(bad("the commitment lies after the tender's closing"));
    }
    Ok(Proven {
        receipt,
        closing_size: cp.size,
        closed_at: closing["at"].as_str().unwrap_or_default().to_owned(),
    })
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
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
}

crate::privacy::event_table! {
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
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A mutation of the tender stage (the submission must still be open).
    Tender(crate::tender::Mutation),
    /// A sealed bid; the store sets its `log_index` to the change's first event (its commitment).
    InsertBid(crate::sealing::Bid),
    /// A bid rewritten whole (its upload completed); refused if it does not exist or its tender's
    /// opening has started.
    UpdateBid(crate::sealing::Bid),
    /// The tender's closing; the store sets its `log_index` to the change's last event (its own)
    /// and refuses a second one.
    InsertClosing {
        /// The tender.
        package_id: crate::ids::PackageId,
        /// When.
        at: OffsetDateTime,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_past_their_bounds_are_refused_before_they_are_read() {
        let big = vec![b' '; MAX_BUNDLE_BYTES + 1];
        assert!(ProofBundle::parse(&big).is_err());
        let entry = ProvenEntry {
            index: 0,
            entry: "e30=".into(),
            proof: vec!["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(); MAX_PROOF_HASHES + 1],
        };
        let err = entry_json(&entry, 1, &[0; 32]).expect_err("too long a proof");
        assert!(err.0.contains("larger than a log holds"), "{err}");
        let entry = ProvenEntry {
            index: 0,
            entry: "A".repeat(MAX_ENTRY_B64 + 4),
            proof: vec![],
        };
        assert!(entry_json(&entry, 1, &[0; 32]).is_err());
    }
    use crate::fixtures::{now, world};

    #[test]
    fn fingerprints_are_short_stable_and_differ() {
        let a = crate::sealing::fingerprint("age1abc");
        assert_eq!(a.len(), 19);
        assert_eq!(a, crate::sealing::fingerprint("age1abc"));
        assert_ne!(a, crate::sealing::fingerprint("age1abd"));
    }

    #[test]
    fn receipts_round_trip_and_refuse_anything_else() {
        let r = Receipt {
            origin: "lelang.example/log".into(),
            tender: PackageId::new(),
            vendor: VendorId::new(),
            bid: BidId::new(),
            sha256: "ab".repeat(32),
            size: 1234,
            time: now(),
            index: 41,
        };
        let text = r.to_text();
        assert_eq!(Receipt::parse(&text), Some(r.clone()));
        assert_eq!(
            Receipt::parse(&text.replace("size 1234", "size 1235")).map(|x| x.size),
            Some(1235)
        );
        assert!(Receipt::parse(&text.replace("size 1234", "size x")).is_none());
        assert!(Receipt::parse(&format!("{text}extra\n")).is_none());
        assert!(Receipt::parse(&text.replace(RECEIPT_HEADER, "lelang bid receipt v2")).is_none());
    }

    #[test]
    fn the_latest_commitment_counts_and_a_withdrawal_removes_it() {
        let w = world();
        let v1 = VendorId::new();
        let v2 = VendorId::new();
        let bid = |v: VendorId, withdrawn: bool| Bid {
            id: BidId::new(),
            tenant_id: w.tenant,
            package_id: PackageId::new(),
            vendor_id: v,
            sha256: "00".repeat(32),
            size: 1,
            submitted_at: now(),
            log_index: None,
            uploaded_at: None,
            withdrawn,
        };
        let bids = vec![bid(v1, false), bid(v2, false), bid(v1, false), bid(v2, true)];
        assert_eq!(current_bid(&bids, v1).map(|b| b.id), Some(bids[2].id));
        assert!(current_bid(&bids, v2).is_none());
        let counting: Vec<_> = counting_bids(&bids).iter().map(|b| b.id).collect();
        assert_eq!(counting, vec![bids[2].id]);
    }
}
