//! The signed transcript of a key ceremony: what each dealer signs, what each member confirms,
//! and the checks anyone can run on it without trusting the server that relayed it — each
//! member's client before it confirms, and `lelang verify` on the published transcript.
//!
//! The statements are plain lines (`word value…\n`), so that the browser bundle builds the same
//! bytes; members appear by index, recipient and signing key, never by who they are: the
//! transcript is public while the tender runs.

use super::{Ceremony, CeremonyOutcome, Dealing};
use lelang_trust::ceremony::{self as trust, Knowledge};
use lelang_trust::seal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// A dealer's proof of knowledge of its constant term, as sent (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgeJson {
    /// `R`.
    pub r: String,
    /// `z`.
    pub z: String,
}

impl From<Knowledge> for KnowledgeJson {
    fn from(k: Knowledge) -> Self {
        Self {
            r: seal::hex32(&k.r),
            z: seal::hex32(&k.z),
        }
    }
}

impl KnowledgeJson {
    fn decode(&self) -> Option<Knowledge> {
        Some(Knowledge {
            r: seal::unhex32(&self.r)?,
            z: seal::unhex32(&self.z)?,
        })
    }
}

/// A member's signed confirmation of the whole transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The member's index.
    pub member: u16,
    /// The transcript it checked.
    pub transcript_sha256: String,
    /// The tender key it computed from the commitments.
    pub recipient: String,
    /// Its signature over [`confirm_statement`].
    pub signature: String,
}

/// One dealing as published: the sub-shares by their hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicDealing {
    /// Dealer index.
    pub dealer: u16,
    /// Feldman commitments (hex).
    pub commitments: Vec<String>,
    /// Proof of knowledge of the constant term.
    pub proof: Option<KnowledgeJson>,
    /// SHA-256 of each encrypted sub-share, in member order.
    pub sub_shares_sha256: Vec<String>,
    /// The dealer's signature over [`deal_statement`].
    pub signature: String,
}

/// A member as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicMember {
    /// `age1…`.
    pub recipient: String,
    /// Ed25519 public key (hex).
    pub signing_key: String,
}

/// The published transcript of a ceremony: enough to check it, nothing about who the members are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// The ceremony.
    pub ceremony: String,
    /// The tender.
    pub package: String,
    /// k.
    pub threshold: u16,
    /// The members in index order.
    pub members: Vec<PublicMember>,
    /// The dealings.
    pub dealings: Vec<PublicDealing>,
    /// The members' confirmations.
    pub confirmations: Vec<Confirmation>,
    /// The tender key the ceremony ended with, if it completed.
    pub recipient: Option<String>,
    /// The transcript hash recorded at completion.
    pub transcript_sha256: Option<String>,
}

/// Why a transcript does not hold. Each names what a member (or a verifier) must not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptError {
    /// A member's keys are missing or malformed.
    #[error("member {0} has no valid signing key or recipient")]
    MemberKey(u16),
    /// Not exactly one dealing per member.
    #[error("the dealings are not one per member")]
    Dealings,
    /// A dealing's commitments are not k points of the group.
    #[error("dealer {0}'s commitments are malformed")]
    Commitments(u16),
    /// A dealing's signature does not hold under its dealer's key.
    #[error("dealer {0}'s signature does not hold")]
    DealSignature(u16),
    /// A dealer did not prove knowledge of its constant term.
    #[error("dealer {0} did not prove knowledge of its part of the key")]
    Knowledge(u16),
    /// A confirmation's signature does not hold, or it confirms another transcript or key.
    #[error("member {0}'s confirmation does not hold")]
    Confirmation(u16),
    /// The recorded tender key or transcript hash is not the one the dealings give.
    #[error("the recorded tender key or transcript hash is not what the dealings give")]
    Outcome,
    /// The key is recorded with fewer confirmations than members.
    #[error("the key is recorded without every member's confirmation")]
    Unconfirmed,
}

fn sha256_hex(b: &[u8]) -> String {
    seal::hex(&Sha256::digest(b))
}

fn head(t: &Transcript, domain: &str) -> String {
    let mut s = format!(
        "{domain}\nceremony {}\npackage {}\nthreshold {}\n",
        t.ceremony, t.package, t.threshold
    );
    for (j, m) in t.members.iter().enumerate() {
        let _ = writeln!(s, "member {} {} {}", j + 1, m.recipient, m.signing_key);
    }
    s
}

/// What dealer `d.dealer` signs: the ceremony (its members and their keys, k), its commitments,
/// its proof of knowledge and the hash of every sub-share it sent.
pub fn deal_statement(t: &Transcript, d: &PublicDealing) -> String {
    let mut s = head(t, "lelang/seal/deal/v1");
    let _ = writeln!(s, "dealer {}", d.dealer);
    for c in &d.commitments {
        let _ = writeln!(s, "commitment {c}");
    }
    if let Some(p) = &d.proof {
        let _ = writeln!(s, "proof {} {}", p.r, p.z);
    }
    for h in &d.sub_shares_sha256 {
        let _ = writeln!(s, "sub-share {h}");
    }
    s
}

/// The whole transcript every member confirms: the ceremony and each signed dealing.
pub fn transcript_text(t: &Transcript) -> String {
    let mut dealings: Vec<&PublicDealing> = t.dealings.iter().collect();
    dealings.sort_by_key(|d| d.dealer);
    let mut s = head(t, "lelang/seal/transcript/v1");
    for d in dealings {
        let _ = writeln!(
            s,
            "dealing {} {} {}",
            d.dealer,
            sha256_hex(deal_statement(t, d).as_bytes()),
            d.signature
        );
    }
    s
}

/// The transcript's hash.
pub fn transcript_sha256(t: &Transcript) -> String {
    sha256_hex(transcript_text(t).as_bytes())
}

/// What member `member` signs when it confirms.
pub fn confirm_statement(t: &Transcript, member: u16, transcript: &str, recipient: &str) -> String {
    format!(
        "lelang/seal/confirm/v1\nceremony {}\nmember {member}\ntranscript {transcript}\nrecipient {recipient}\n",
        t.ceremony
    )
}

/// The context of dealer `dealer`'s proof of knowledge.
pub fn knowledge_context(t: &Transcript, dealer: u16) -> Option<String> {
    let m = t.members.get(usize::from(dealer).checked_sub(1)?)?;
    Some(trust::knowledge_context(&t.ceremony, dealer, &m.signing_key))
}

/// Checks one dealing: k group points, the proof of knowledge and the dealer's signature.
pub fn check_dealing(t: &Transcript, d: &PublicDealing) -> Result<(), TranscriptError> {
    let m = usize::from(d.dealer)
        .checked_sub(1)
        .and_then(|j| t.members.get(j))
        .ok_or(TranscriptError::Dealings)?;
    let pts: Option<Vec<[u8; 32]>> = d.commitments.iter().map(|h| seal::unhex32(h)).collect();
    let pts = pts
        .and_then(|p| seal::commitments(&p, usize::from(t.threshold)).ok())
        .ok_or(TranscriptError::Commitments(d.dealer))?;
    if d.sub_shares_sha256.len() != t.members.len() {
        return Err(TranscriptError::Dealings);
    }
    let ctx = knowledge_context(t, d.dealer).ok_or(TranscriptError::Dealings)?;
    let proven = d
        .proof
        .as_ref()
        .and_then(KnowledgeJson::decode)
        .is_some_and(|k| trust::verify_knowledge(&pts[0], &k, ctx.as_bytes()).is_ok());
    if !proven {
        return Err(TranscriptError::Knowledge(d.dealer));
    }
    if !trust::verify(&m.signing_key, &deal_statement(t, d), &d.signature) {
        return Err(TranscriptError::DealSignature(d.dealer));
    }
    Ok(())
}

/// The tender key the dealings give (the sum of their constant-term commitments), checking every
/// member's keys and every dealing on the way: one per member, each proven and signed.
pub fn recipient(t: &Transcript) -> Result<String, TranscriptError> {
    for (j, m) in t.members.iter().enumerate() {
        if !trust::valid_signing_key(&m.signing_key) || !seal::valid_recipient(&m.recipient) {
            return Err(TranscriptError::MemberKey(
                u16::try_from(j + 1).unwrap_or(u16::MAX),
            ));
        }
    }
    let mut dealers: Vec<u16> = t.dealings.iter().map(|d| d.dealer).collect();
    dealers.sort_unstable();
    if dealers.len() != t.members.len() || dealers.iter().enumerate().any(|(j, d)| usize::from(*d) != j + 1) {
        return Err(TranscriptError::Dealings);
    }
    let mut dealt = Vec::with_capacity(t.dealings.len());
    for d in &t.dealings {
        check_dealing(t, d)?;
        let pts: Option<Vec<[u8; 32]>> = d.commitments.iter().map(|h| seal::unhex32(h)).collect();
        dealt.push(
            pts.and_then(|p| seal::commitments(&p, usize::from(t.threshold)).ok())
                .ok_or(TranscriptError::Commitments(d.dealer))?,
        );
    }
    seal::GroupKey::from_dealings(&dealt, t.members.len())
        .map(|k| k.recipient())
        .map_err(|_| TranscriptError::Outcome)
}

/// Checks a member's confirmation against the transcript and the key it gives.
pub fn check_confirmation(
    t: &Transcript,
    c: &Confirmation,
    transcript: &str,
    key: &str,
) -> Result<(), TranscriptError> {
    let m = usize::from(c.member)
        .checked_sub(1)
        .and_then(|j| t.members.get(j))
        .ok_or(TranscriptError::Confirmation(c.member))?;
    if c.transcript_sha256 != transcript
        || c.recipient != key
        || !trust::verify(
            &m.signing_key,
            &confirm_statement(t, c.member, transcript, key),
            &c.signature,
        )
    {
        return Err(TranscriptError::Confirmation(c.member));
    }
    Ok(())
}

/// What checking a whole transcript established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The tender key the dealings give.
    pub recipient: String,
    /// The transcript hash.
    pub transcript_sha256: String,
    /// Members whose confirmation holds.
    pub confirmed: Vec<u16>,
}

/// Checks a published transcript from nothing but itself: every member key, every dealing's
/// proof and signature, every confirmation; and, if it records a key, that every member confirmed
/// exactly that key over exactly this transcript.
pub fn verify(t: &Transcript) -> Result<Verified, TranscriptError> {
    let key = recipient(t)?;
    let hash = transcript_sha256(t);
    let mut confirmed = Vec::new();
    for c in &t.confirmations {
        check_confirmation(t, c, &hash, &key)?;
        if !confirmed.contains(&c.member) {
            confirmed.push(c.member);
        }
    }
    if t.recipient.is_some() || t.transcript_sha256.is_some() {
        if t.recipient.as_deref() != Some(key.as_str())
            || t.transcript_sha256.as_deref() != Some(hash.as_str())
        {
            return Err(TranscriptError::Outcome);
        }
        if confirmed.len() != t.members.len() {
            return Err(TranscriptError::Unconfirmed);
        }
    }
    Ok(Verified {
        recipient: key,
        transcript_sha256: hash,
        confirmed,
    })
}

/// The hash of an encrypted sub-share as signed and logged: of its bytes, not of their base64
/// (empty when it is not base64: nothing can match it).
pub fn sub_share_sha256(b64: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map(|raw| sha256_hex(&raw))
        .unwrap_or_default()
}

impl Dealing {
    /// This dealing as published.
    pub fn public(&self) -> PublicDealing {
        PublicDealing {
            dealer: self.dealer,
            commitments: self.commitments.clone(),
            proof: self.proof.clone(),
            sub_shares_sha256: self.sub_shares.iter().map(|s| sub_share_sha256(s)).collect(),
            signature: self.signature.clone(),
        }
    }
}

impl Ceremony {
    /// The ceremony's transcript as anyone may read it (and as each member's client checks what the
    /// server handed it: hashes computed from the sub-shares' bytes it received).
    pub fn transcript(&self) -> Transcript {
        let (recipient, transcript_sha256) = match &self.outcome {
            Some(CeremonyOutcome::Completed {
                recipient,
                transcript_sha256,
                ..
            }) => (Some(recipient.clone()), Some(transcript_sha256.clone())),
            _ => (None, None),
        };
        Transcript {
            ceremony: self.id.to_string(),
            package: self.package_id.to_string(),
            threshold: self.threshold,
            members: self
                .members
                .iter()
                .map(|m| PublicMember {
                    recipient: m.recipient.clone(),
                    signing_key: m.signing_key.clone(),
                })
                .collect(),
            dealings: self.dealings.iter().map(Dealing::public).collect(),
            confirmations: self.confirmations.clone(),
            recipient,
            transcript_sha256,
        }
    }
}
