//! The opening (pembukaan penawaran): the bids as the server holds them, the members' proven
//! partial decryptions, and each bid's outcome and manifest.

use super::*;
use crate::fresh::Cx;

/// A sealed bid as the server holds it (the ciphertext is in the document store by its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    /// Its id.
    pub id: BidId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The tender.
    pub package_id: PackageId,
    /// The company.
    pub vendor_id: VendorId,
    /// SHA-256 of the ciphertext, hex: the commitment.
    pub sha256: String,
    /// Its length.
    pub size: u64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// The bid's leaf in the log (its receipt index); set by the store.
    #[serde(default)]
    pub log_index: Option<u64>,
    /// When its sealed file arrived whole (None: committed, not yet uploaded).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub uploaded_at: Option<OffsetDateTime>,
    /// A withdrawal: the company's earlier commitment no longer counts.
    #[serde(default)]
    pub withdrawn: bool,
}

/// One partial with its proof, as members send it (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialJson {
    /// `D = s_i·E`.
    pub d: String,
    /// Challenge.
    pub c: String,
    /// Response.
    pub z: String,
}

impl PartialJson {
    pub(crate) fn decode(&self) -> Option<seal::Partial> {
        Some(seal::Partial {
            d: seal::unhex32(&self.d)?,
            c: seal::unhex32(&self.c)?,
            z: seal::unhex32(&self.z)?,
        })
    }
}

impl From<seal::Partial> for PartialJson {
    fn from(p: seal::Partial) -> Self {
        PartialJson {
            d: seal::hex32(&p.d),
            c: seal::hex32(&p.c),
            z: seal::hex32(&p.z),
        }
    }
}

/// One bid at the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningBid {
    /// The bid.
    pub bid_id: BidId,
    /// The company.
    pub vendor_id: VendorId,
    /// Commitment (hex SHA-256 of the ciphertext).
    pub sha256: String,
    /// Size.
    pub size: u64,
    /// Receipt index.
    pub log_index: Option<u64>,
    /// The ephemeral shares (hex u) the members compute partials for.
    pub points: Vec<String>,
    /// Why it cannot be opened, if already known from its header or bytes.
    pub problem: Option<String>,
    /// The result, once opened.
    pub outcome: Option<BidOutcome>,
}

/// What opening one bid gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidOutcome {
    /// Whether it opened and its manifest checked out.
    pub opened: bool,
    /// Why not.
    pub reason: Option<String>,
    /// SHA-256 of the plaintext (hex), when it decrypted.
    pub plaintext_sha256: Option<String>,
    /// Its length.
    pub plaintext_size: Option<u64>,
    /// The price read out from its manifest.
    #[serde(default)]
    pub price: Option<crate::rules::Rupiah>,
    /// Its price schedule, as the manifest gives it.
    #[serde(default)]
    pub schedule: Option<crate::price::PriceSchedule>,
    /// The files its manifest names (administrative, technical, price), for the pokja to read.
    #[serde(default)]
    pub documents: Vec<ManifestDocument>,
}

/// One member's partials for every point of every bid, in opening order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPartials {
    /// Member index.
    pub member: u16,
    /// Per bid, per point.
    pub partials: Vec<Vec<PartialJson>>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// A tender's opening (pembukaan penawaran).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    /// The regency.
    pub tenant_id: TenantId,
    /// The tender.
    pub package_id: PackageId,
    /// The ceremony whose key opens the bids.
    pub ceremony_id: CeremonyId,
    /// Bids in the order opened.
    pub bids: Vec<OpeningBid>,
    /// Members' accepted partials.
    pub partials: Vec<MemberPartials>,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When every bid was opened.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// Bumped by every change.
    pub version: u32,
}

/// What starting an opening is checked against.
#[derive(Debug, Clone, Copy)]
pub struct OpeningFacts<'a> {
    /// The tender.
    pub tender: &'a PublicTender,
    /// Its pokja.
    pub assignment: Option<&'a PokjaAssignment>,
    /// Its latest key ceremony.
    pub ceremony: Option<&'a Ceremony>,
    /// An opening already started, if any.
    pub existing: Option<&'a Opening>,
    /// The rule set's upload grace window.
    pub grace: Duration,
}

/// A member starts the opening once the submission window and the upload grace period have closed.
/// `bids` are the current bids with their ephemeral shares (or the problem reading them).
pub fn start_opening(
    actor: &Actor,
    facts: &OpeningFacts<'_>,
    bids: Vec<OpeningBid>,
    cx: &Cx<'_>,
) -> Result<(Opening, Change<Mutation>), CommandError> {
    let now = cx.now;
    let OpeningFacts {
        tender,
        assignment,
        ceremony,
        existing,
        grace,
    } = *facts;
    let a = pokja_member(actor, tender.tenant_id, assignment)?;
    if existing.is_some() {
        return Err(invalid("package_id", "opening-exists"));
    }
    let c = ceremony
        .filter(|c| c.recipient().is_some())
        .ok_or(invalid("package_id", "ceremony-incomplete"))?;
    if now < opens_at(tender, grace) {
        return Err(invalid("package_id", "opening-too-early"));
    }
    let o = Opening {
        tenant_id: tender.tenant_id,
        package_id: tender.package_id,
        ceremony_id: c.id,
        bids,
        partials: Vec::new(),
        started_at: now,
        completed_at: None,
        version: 1,
    };
    let e = event(
        a,
        cx,
        tender.tenant_id,
        &Event::OpeningStarted {
            package_id: tender.package_id,
            bids: o.bids.iter().map(|b| b.bid_id).collect(),
        },
    )?;
    Ok((
        o.clone(),
        Change {
            events: vec![e],
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(o.package_id)),
                Mutation::PutOpening {
                    opening: o,
                    expected_version: None,
                },
            ],
        },
    ))
}

/// The outcome of a member's partials: accepted, or rejected with the member named.
pub enum PartialsDecision {
    /// Stored.
    Accepted(Opening, Change<Mutation>),
    /// A proof failed: the change logs the rejection (naming the member); nothing else is stored.
    Rejected {
        /// The log entry naming the member.
        change: Change<Mutation>,
        /// Which bid's partial failed.
        bid: BidId,
    },
}

/// A member sends its partials. Every proof is checked against the member's verification share;
/// one bad proof rejects the lot, and the rejection is logged with the member's name.
pub fn submit_partials(
    actor: &Actor,
    c: &Ceremony,
    o: &Opening,
    partials: Vec<Vec<PartialJson>>,
    cx: &Cx<'_>,
) -> Result<PartialsDecision, CommandError> {
    let now = cx.now;
    let (a, i) = ceremony_member(actor, c)?;
    if o.ceremony_id != c.id {
        return Err(invalid("ceremony", "ceremony-incomplete"));
    }
    if o.completed_at.is_some() {
        return Err(invalid("package_id", "opening-complete"));
    }
    if o.partials.iter().any(|p| p.member == i) {
        return Err(invalid("partials", "already-submitted"));
    }
    if partials.len() != o.bids.len()
        || partials
            .iter()
            .zip(&o.bids)
            .any(|(p, b)| p.len() != b.points.len())
    {
        return Err(invalid("partials", "partials-shape"));
    }
    let s = c
        .verification(i)
        .and_then(seal::unhex32)
        .and_then(|b| seal::point(&b).ok())
        .ok_or(invalid("ceremony", "ceremony-incomplete"))?;
    for (bid, ps) in o.bids.iter().zip(&partials) {
        let ctx = member::opening_context(c, bid.bid_id);
        for (pt, p) in bid.points.iter().zip(ps) {
            let ok = match (seal::unhex32(pt), p.decode()) {
                (Some(e), Some(p)) => seal::verify_partial(&p, &s, &e, ctx.as_bytes()).is_ok(),
                _ => false,
            };
            if !ok {
                let e = event(
                    a,
                    cx,
                    o.tenant_id,
                    &Event::PartialsRejected {
                        package_id: o.package_id,
                        bid_id: bid.bid_id,
                        reason: "the proof of a partial decryption does not hold".into(),
                    },
                )?;
                return Ok(PartialsDecision::Rejected {
                    change: Change {
                        events: vec![e],
                        mutations: vec![],
                    },
                    bid: bid.bid_id,
                });
            }
        }
    }
    let mut n = o.clone();
    n.version += 1;
    n.partials.push(MemberPartials {
        member: i,
        partials,
        at: now,
    });
    let e = event(
        a,
        cx,
        o.tenant_id,
        &Event::PartialsSubmitted {
            package_id: o.package_id,
        },
    )?;
    Ok(PartialsDecision::Accepted(
        n.clone(),
        Change {
            events: vec![e],
            mutations: vec![
                Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(o.package_id)),
                Mutation::PutOpening {
                    opening: n,
                    expected_version: Some(o.version),
                },
            ],
        },
    ))
}

/// The combined shared secrets `(E, s·E)` of one bid, from the first k members' accepted partials.
pub fn combined_secrets(c: &Ceremony, o: &Opening, bid: usize) -> Option<Vec<([u8; 32], [u8; 32])>> {
    let b = o.bids.get(bid)?;
    let k = usize::from(c.threshold);
    if o.partials.len() < k {
        return None;
    }
    let mut out = Vec::new();
    for (p, pt) in b.points.iter().enumerate() {
        let e = seal::unhex32(pt)?;
        let ds: Vec<(u32, curve25519_dalek::EdwardsPoint)> = o
            .partials
            .iter()
            .filter_map(|m| {
                let d = seal::unhex32(&m.partials.get(bid)?.get(p)?.d)?;
                Some((u32::from(m.member), seal::point(&d).ok()?))
            })
            .collect();
        if let Ok(shared) = seal::combine(&ds, k) {
            out.push((e, shared));
        }
    }
    Some(out)
}

/// The tender's X25519 key from its recipient string.
pub fn tender_x25519(c: &Ceremony) -> Option<[u8; 32]> {
    let r = c.recipient()?;
    let (_, data) = bech32::decode(r).ok()?;
    data.try_into().ok()
}

/// The opening's last step: every bid's outcome recorded and the minutes published, in one change.
pub fn complete_opening(
    actor: &Actor,
    c: &Ceremony,
    o: &Opening,
    outcomes: Vec<BidOutcome>,
    minutes: Option<crate::document::Document>,
    cx: &Cx<'_>,
) -> Result<(Opening, Change<Mutation>), CommandError> {
    let now = cx.now;
    let (a, _) = ceremony_member(actor, c)?;
    if o.completed_at.is_some() || o.ceremony_id != c.id {
        return Err(invalid("package_id", "opening-complete"));
    }
    if outcomes.len() != o.bids.len() {
        return Err(invalid("package_id", "partials-shape"));
    }
    let mut n = o.clone();
    n.version += 1;
    n.completed_at = Some(now);
    let mut events = Vec::new();
    for (b, out) in n.bids.iter_mut().zip(outcomes) {
        events.push(event(
            a,
            cx,
            o.tenant_id,
            &Event::BidOpened {
                bid_id: b.bid_id,
                package_id: o.package_id,
                vendor_id: b.vendor_id,
                opened: out.opened,
                reason: out.reason.clone(),
                plaintext_sha256: out.plaintext_sha256.clone(),
                price: out.price,
            },
        )?);
        b.outcome = Some(out);
    }
    let mut mutations = vec![
        Mutation::Tender(crate::tender::Mutation::ExpectNotCancelled(o.package_id)),
        Mutation::PutOpening {
            opening: n.clone(),
            expected_version: Some(o.version),
        },
    ];
    if let Some(d) = minutes {
        events.push(event(
            a,
            cx,
            o.tenant_id,
            &crate::document::Event::DocumentPublished {
                document: Box::new(d.clone()),
            },
        )?);
        mutations.push(Mutation::Document(crate::document::Mutation::InsertDocument(d)));
    }
    Ok((n, Change { events, mutations }))
}

/// The bid's inner manifest (`manifest.json` at the root of the sealed ZIP archive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidManifest {
    /// The tender (package id).
    pub tender: PackageId,
    /// The company.
    pub vendor: VendorId,
    /// The price offered, in rupiah.
    #[serde(default)]
    pub price: Option<i64>,
    /// The price schedule the price comes from (corrected at the evaluation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<crate::price::PriceSchedule>,
    /// The files of the archive with their SHA-256.
    #[serde(default)]
    pub documents: Vec<ManifestDocument>,
}

/// One file named by a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDocument {
    /// Path in the archive.
    pub name: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// Checks a decrypted bid's manifest against the bid it was submitted as.
pub fn check_manifest(m: &BidManifest, bid: &OpeningBid, package: PackageId) -> Result<(), &'static str> {
    if m.tender != package {
        return Err("the manifest names another tender");
    }
    if m.vendor != bid.vendor_id {
        return Err("the manifest names another vendor");
    }
    Ok(())
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
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
        /// The price read out (absent from bids opened before prices were read out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        price: Option<crate::rules::Rupiah>,
    },
}

crate::privacy::event_table! {
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
        price: PUBLIC => "read out at the opening and listed in its minutes (SPSE shows bidders the prices after the opening; not confirmed whether the public sees them before the award)",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A document published by the opening (its minutes).
    Document(crate::document::Mutation),
    /// The tender must not be cancelled: a cancelled tender's bids are never opened.
    Tender(crate::tender::Mutation),
    /// An opening written whole, on the same terms as [`Mutation::PutCeremony`].
    PutOpening {
        /// The opening.
        opening: crate::sealing::Opening,
        /// The version it was read at.
        expected_version: Option<u32>,
    },
}
