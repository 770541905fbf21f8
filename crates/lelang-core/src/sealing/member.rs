//! What a member's own side computes, from what the server hands out: the same code for the CLI,
//! the demo and the tests (the browser bundle follows the same steps). Nothing the server says is
//! taken on trust: the member's own keys must be in the ceremony, every dealing must carry its
//! dealer's signature and proof, and the key is computed here, not read from the server.

use super::transcript::{self, TranscriptError};
use super::*;
use curve25519_dalek::Scalar;
use zeroize::Zeroize;

/// A deal as the member posts it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DealRequest {
    /// Commitments (hex).
    pub commitments: Vec<String>,
    /// The proof of knowledge of the first commitment's scalar.
    pub proof: KnowledgeJson,
    /// Sub-shares (base64 age files), one per member in order.
    pub sub_shares: Vec<String>,
    /// The dealer's signature over its dealing statement (hex).
    pub signature: String,
}

/// The member's verdict on what it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Every signature, proof and sub-share held: the signed confirmation.
    Confirm(ConfirmRequest),
    /// A dealer's sub-share did not: the proof.
    Complain {
        /// The dealer's index.
        dealer: u16,
        /// What opens that one sub-share, proven; `None` when the file is not sealed to one
        /// recipient at all.
        #[serde(default)]
        point: Option<String>,
        /// See `point`.
        #[serde(default)]
        partial: Option<PartialJson>,
    },
}

impl Verdict {
    /// The confirmation, if it is one.
    pub fn confirmation(&self) -> Option<&ConfirmRequest> {
        match self {
            Verdict::Confirm(c) => Some(c),
            Verdict::Complain { .. } => None,
        }
    }

    /// The complaint's reveal, if it is a complaint with one.
    pub fn revealed(&self) -> Option<Revealed> {
        match self {
            Verdict::Complain {
                point: Some(point),
                partial: Some(partial),
                ..
            } => Some(Revealed {
                point: point.clone(),
                partial: partial.clone(),
            }),
            _ => None,
        }
    }
}

/// Why a member's client refuses to go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The ceremony the server handed out does not hold: a dealing was changed, a signature or a
    /// proof is missing, or the member's own keys are not the ones in the ceremony.
    #[error("the ceremony's transcript does not hold ({0}): do not confirm, tell the pokja and the ULP")]
    Tampered(#[from] TranscriptError),
    /// The member's own keys are not the ones the ceremony lists for it.
    #[error("the ceremony does not list your own keys for member {0}: do not confirm")]
    NotMine(u16),
    /// Before the submission deadline and the upload grace window, by the member's own clock.
    #[error("the opening is not due before {0}: no partial decryption before then")]
    TooEarly(String),
    /// The opening belongs to another ceremony, or the ceremony is not complete.
    #[error("the opening does not belong to this tender's completed ceremony")]
    NotThisCeremony,
    /// A sub-share does not hold (after the ceremony completed).
    #[error("the sub-share from dealer {0} does not hold")]
    BadSubShare(u16),
    /// The member's share does not match the ceremony's verification share.
    #[error("your share does not match the ceremony's verification share")]
    WrongShare,
    /// A step of the cryptography failed.
    #[error("{0}")]
    Failed(String),
}

impl Refusal {
    /// A stable code for this refusal (what the browser shows too).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Tampered(_) | Refusal::NotMine(_) => "transcript-tampered",
            Refusal::TooEarly(_) => "opening-too-early",
            Refusal::NotThisCeremony => "failed",
            Refusal::BadSubShare(_) | Refusal::WrongShare => "bad-sub-share",
            Refusal::Failed(_) => "failed",
        }
    }
}

/// The member's own keys, as its client derives them from its identity.
fn own_keys(id: &age::x25519::Identity) -> (String, String) {
    (id.to_public().to_string(), trust::signing_key_hex(id))
}

/// Checks that the ceremony lists the member's own keys at its index.
fn mine(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<(), Refusal> {
    let (recipient, signing_key) = own_keys(id);
    let m = usize::from(index)
        .checked_sub(1)
        .and_then(|j| c.members.get(j))
        .ok_or(Refusal::NotMine(index))?;
    if m.recipient != recipient || m.signing_key != signing_key {
        return Err(Refusal::NotMine(index));
    }
    Ok(())
}

/// Deals for member `index` of the ceremony: a fresh polynomial, a proof of knowledge of its
/// constant term, the sub-shares sealed to each member, all signed.
pub fn deal(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<DealRequest, Refusal> {
    mine(c, index, id)?;
    deal_unchecked(c, index, id)
}

/// [`deal`] without checking that the ceremony lists `id`'s keys at `index`: what a dealer who is
/// not who the ceremony says (a dishonest server, in the tests) would send.
pub fn deal_unchecked(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<DealRequest, Refusal> {
    let t = c.transcript();
    let ctx = transcript::knowledge_context(&t, index).ok_or(Refusal::NotMine(index))?;
    let d = seal::deal(usize::from(c.threshold), c.members.len(), ctx.as_bytes())
        .map_err(|e| Refusal::Failed(e.to_string()))?;
    let mut sub_shares = Vec::with_capacity(c.members.len());
    for (j, (m, s)) in c.members.iter().zip(&d.sub_shares).enumerate() {
        let mut msg = serde_json::to_vec(&SubShareMessage {
            ceremony: c.id,
            dealer: index,
            member: u16::try_from(j + 1).map_err(|e| Refusal::Failed(e.to_string()))?,
            sub_share: seal::hex32(&s.to_bytes()),
        })
        .map_err(|e| Refusal::Failed(e.to_string()))?;
        let ct = seal::encrypt_to(&[&m.recipient], &msg);
        msg.zeroize();
        sub_shares.push(base64::engine::general_purpose::STANDARD.encode(ct.map_err(Refusal::Failed)?));
    }
    let mut req = DealRequest {
        commitments: d.commitments.iter().map(seal::hex32).collect(),
        proof: d.knowledge.into(),
        sub_shares,
        signature: String::new(),
    };
    sign_deal(c, index, id, &mut req);
    Ok(req)
}

/// Signs a deal as dealer `index`: its commitments, proof and the hash of every sub-share, within
/// the ceremony's members and k ([`transcript::deal_statement`]).
pub fn sign_deal(c: &Ceremony, index: u16, id: &age::x25519::Identity, d: &mut DealRequest) {
    let public = transcript::PublicDealing {
        dealer: index,
        commitments: d.commitments.clone(),
        proof: Some(d.proof.clone()),
        sub_shares_sha256: d
            .sub_shares
            .iter()
            .map(|s| transcript::sub_share_sha256(s))
            .collect(),
        signature: String::new(),
    };
    d.signature = trust::sign(id, &transcript::deal_statement(&c.transcript(), &public));
}

/// The sub-share dealer `d` sent to member `index`, decrypted and checked; `Err` with the
/// complaint when it does not hold.
fn received(c: &Ceremony, d: &Dealing, index: u16, id: &age::x25519::Identity) -> Result<Scalar, Verdict> {
    let raw = usize::from(index)
        .checked_sub(1)
        .and_then(|j| d.sub_shares.get(j))
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .unwrap_or_default();
    let complain = || {
        let revealed = trust::reveal_shared(id, &raw, complaint_context(c, d.dealer, index).as_bytes());
        Verdict::Complain {
            dealer: d.dealer,
            point: revealed.as_ref().map(|(p, _)| seal::hex32(p)),
            partial: revealed.map(|(_, p)| PartialJson::from(p)),
        }
    };
    let Ok(mut plain) = seal::decrypt_with(id, &raw) else {
        return Err(complain());
    };
    let msg = serde_json::from_slice::<SubShareMessage>(&plain);
    plain.zeroize();
    let s = msg
        .ok()
        .filter(|m| m.ceremony == c.id && m.dealer == d.dealer && m.member == index)
        .and_then(|m| seal::unhex32(&m.sub_share))
        .and_then(|b| seal::scalar(&b).ok());
    let cm = decoded_commitments(d, c.threshold).map_err(|_| complain())?;
    match s {
        Some(s) if seal::verify_sub_share(&cm, u32::from(index), &s).is_ok() => Ok(s),
        _ => Err(complain()),
    }
}

/// Checks what the server handed out as the ceremony: the member's own keys, every dealing's
/// signature and proof; the tender key the dealings give.
pub fn check_transcript(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<String, Refusal> {
    mine(c, index, id)?;
    Ok(transcript::recipient(&c.transcript())?)
}

/// Checks the transcript and every sub-share member `index` received: a signed confirmation, a
/// complaint naming a dealer, or a refusal when the transcript itself does not hold.
pub fn verdict(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<Verdict, Refusal> {
    let key = check_transcript(c, index, id)?;
    for d in &c.dealings {
        if let Err(v) = received(c, d, index, id) {
            return Ok(v);
        }
    }
    let t = c.transcript();
    let hash = transcript::transcript_sha256(&t);
    let signature = trust::sign(id, &transcript::confirm_statement(&t, index, &hash, &key));
    Ok(Verdict::Confirm(ConfirmRequest {
        transcript_sha256: hash,
        recipient: key,
        signature,
    }))
}

/// The member's share, rebuilt from its sub-shares (checked again); zeroize after use.
pub fn share(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<Scalar, Refusal> {
    let mut parts = Vec::with_capacity(c.dealings.len());
    for d in &c.dealings {
        parts.push(received(c, d, index, id).map_err(|_| Refusal::BadSubShare(d.dealer))?);
    }
    let s = seal::member_share(&parts);
    parts.zeroize();
    Ok(s)
}

/// The context of a partial decryption for one bid.
pub fn opening_context(c: &Ceremony, bid: BidId) -> String {
    format!(
        "opening\nceremony {}\npackage {}\nbid {bid}\n",
        c.id, c.package_id
    )
}

/// The member's partials for every point of every bid of the opening — only once `opens_at`
/// (the published deadline plus the grace window) has passed by the member's own clock `now`,
/// and only for the completed ceremony whose transcript holds.
pub fn partials(
    c: &Ceremony,
    o: &Opening,
    index: u16,
    id: &age::x25519::Identity,
    opens_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<Vec<PartialJson>>, Refusal> {
    if now < opens_at {
        return Err(Refusal::TooEarly(
            opens_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        ));
    }
    // What the server hands out is checked before the share is used: the ceremony is the
    // completed one the opening names, its transcript holds and gives the key bids were sealed
    // to, and the share rebuilt is the one the key was made with.
    if c.recipient().is_none() || o.ceremony_id != c.id {
        return Err(Refusal::NotThisCeremony);
    }
    if c.recipient() != Some(check_transcript(c, index, id)?.as_str()) {
        return Err(Refusal::Tampered(TranscriptError::Outcome));
    }
    let mut s = share(c, index, id)?;
    let expected = c.verification(index).and_then(seal::unhex32);
    if expected
        != Some(
            (curve25519_dalek::constants::ED25519_BASEPOINT_POINT * s)
                .compress()
                .to_bytes(),
        )
    {
        s.zeroize();
        return Err(Refusal::WrongShare);
    }
    let out = o
        .bids
        .iter()
        .map(|b| {
            let ctx = opening_context(c, b.bid_id);
            b.points
                .iter()
                .map(|pt| {
                    let e = seal::unhex32(pt).ok_or(Refusal::Failed("bad point".into()))?;
                    seal::partial(&s, &e, ctx.as_bytes())
                        .map(PartialJson::from)
                        .map_err(|e| Refusal::Failed(e.to_string()))
                })
                .collect::<Result<Vec<_>, Refusal>>()
        })
        .collect();
    s.zeroize();
    out
}
