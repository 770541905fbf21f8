//! The tender's key, which nobody holds, and the bids sealed to it (SEALING.md).
//!
//! Every pokja member enrols an age identity made on their own side; the server keeps only its
//! recipient (and, if the member wants, the identity sealed under a passphrase only they know).
//! Before the announcement the members run a key ceremony through the server, asynchronously:
//! each deals a Feldman-committed polynomial, sending each member its sub-share encrypted to that
//! member's recipient; each member checks what it received and confirms, or proves a dealer cheated
//! by revealing the one file key of the bad sub-share. The tender's recipient is the sum of the
//! dealers' constant terms. At opening, any k members' proven partial decryptions open every bid.
//!
//! The member's side of each step is here too ([`member`]): the CLI, the tests and the demo run the
//! same code, and the browser bundle follows the same formats.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{BidId, CeremonyId, PackageId, TenantId, UserId, VendorId};
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, Denied, UserActor, authorize};
use crate::role::Role;
use crate::tender::PublicTender;
use base64::Engine as _;
use lelang_trust::ceremony as trust;
use lelang_trust::seal;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

pub mod transcript;
pub use transcript::{Confirmation, KnowledgeJson};

/// After the submission deadline, sealed files may still arrive for this long (their commitments
/// were made in time); opening waits for it. Each rule set says its own (`upload_grace_minutes`);
/// this is their common default, for tests and the demo.
pub const UPLOAD_GRACE: Duration = Duration::hours(2);

/// A ceremony not complete after this long may be replaced by a new one.
pub const CEREMONY_STALL: Duration = Duration::days(1);

/// The largest encrypted sub-share the server keeps (an age file of a 32-byte scalar is ~250 B).
const MAX_SUB_SHARE_BYTES: usize = 1024;

/// The fingerprint of a member's two keys (its recipient and its signing key), which the member
/// reads out to the pokja in person: its own client computes it from its identity.
pub fn member_fingerprint(recipient: &str, signing_key: &str) -> String {
    fingerprint(&format!("{recipient}\n{signing_key}"))
}

/// A member's sealing key: the age recipient its shares are encrypted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberKey {
    /// The member.
    pub user_id: UserId,
    /// `age1…`.
    pub recipient: String,
    /// The Ed25519 key the member signs its dealings and confirmations with (hex), derived from
    /// its identity; empty for a key enrolled before ceremonies were signed.
    #[serde(default)]
    pub signing_key: String,
    /// The identity, sealed under the member's passphrase (armored age scrypt), if they keep it
    /// here rather than in a file of their own.
    pub sealed_identity: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub enrolled_at: OffsetDateTime,
}

/// A member of a ceremony, as fixed when it started (index = position + 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeremonyMember {
    /// The member.
    pub user_id: UserId,
    /// Their recipient at the start.
    pub recipient: String,
    /// Their signing key at the start (hex).
    #[serde(default)]
    pub signing_key: String,
}

/// One member's deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dealing {
    /// The dealer's index (1-based).
    pub dealer: u16,
    /// Feldman commitments, hex, k of them.
    pub commitments: Vec<String>,
    /// Sub-share for each member in order, an age file (base64) encrypted to that member.
    pub sub_shares: Vec<String>,
    /// The proof that the dealer knows its constant term.
    #[serde(default)]
    pub proof: Option<KnowledgeJson>,
    /// The dealer's signature over its [`transcript::deal_statement`] (hex).
    #[serde(default)]
    pub signature: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// How a ceremony ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CeremonyOutcome {
    /// The tender's key exists.
    Completed {
        /// `age1…`, the recipient bids are sealed to.
        recipient: String,
        /// Each member's verification share `S_j` (hex).
        verification: Vec<String>,
        /// SHA-256 of the transcript (hex).
        transcript_sha256: String,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A dealer was proven to have cheated — or a complaint against one did not hold, and the
    /// revealed sub-share ended the ceremony anyway; a new ceremony must be run.
    Failed {
        /// The accused dealer's index.
        dealer: u16,
        /// The complaining member's index.
        #[serde(default)]
        complainant: u16,
        /// Whether the dealer's cheating was proven (else the complaint did not hold).
        #[serde(default = "proven_default")]
        proven: bool,
        /// What was found.
        reason: String,
        /// When.
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
}

fn proven_default() -> bool {
    true
}

fn first_attempt() -> u16 {
    1
}

/// How many ceremonies the same members may start for one tender: a member who stalls a ceremony
/// (to try for another key, or to delay the tender) may do so only this often; then the ULP head
/// replaces the member.
pub const MAX_ATTEMPTS: u16 = 3;

/// The lowest scrypt work factor (log2 N) accepted for an identity kept on the server, and the
/// highest (what every client can still open in reasonable time).
pub const SEALED_WORK_FACTOR: std::ops::RangeInclusive<u8> = 18..=22;

/// A key ceremony for one tender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ceremony {
    /// Its id.
    pub id: CeremonyId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The tender.
    pub package_id: PackageId,
    /// k.
    pub threshold: u16,
    /// The n members.
    pub members: Vec<CeremonyMember>,
    /// Deals received so far.
    pub dealings: Vec<Dealing>,
    /// Members who checked their sub-shares and confirmed.
    pub confirmed: Vec<u16>,
    /// Their signed confirmations of the transcript.
    #[serde(default)]
    pub confirmations: Vec<Confirmation>,
    /// How many ceremonies in a row this pokja has started for the tender (1 for the first).
    #[serde(default = "first_attempt")]
    pub attempt: u16,
    /// The end, once there is one.
    pub outcome: Option<CeremonyOutcome>,
    /// When it started.
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// Bumped by every change; a change holds only on the version it read.
    pub version: u32,
}

impl Ceremony {
    /// The member index of a user.
    pub fn index_of(&self, user: UserId) -> Option<u16> {
        self.members
            .iter()
            .position(|m| m.user_id == user)
            .and_then(|i| u16::try_from(i + 1).ok())
    }

    /// The tender's recipient, once complete.
    pub fn recipient(&self) -> Option<&str> {
        match &self.outcome {
            Some(CeremonyOutcome::Completed { recipient, .. }) => Some(recipient),
            _ => None,
        }
    }

    /// The member's verification share, once complete.
    pub fn verification(&self, index: u16) -> Option<&str> {
        match &self.outcome {
            Some(CeremonyOutcome::Completed { verification, .. }) => verification
                .get(usize::from(index).checked_sub(1)?)
                .map(String::as_str),
            _ => None,
        }
    }

    /// The stage a member sees: what is asked of them now.
    pub fn stage(&self) -> CeremonyStage {
        match &self.outcome {
            Some(CeremonyOutcome::Completed { .. }) => CeremonyStage::Completed,
            Some(CeremonyOutcome::Failed { .. }) => CeremonyStage::Failed,
            None if self.dealings.len() < self.members.len() => CeremonyStage::Dealing,
            None => CeremonyStage::Checking,
        }
    }

    fn dealing(&self, dealer: u16) -> Option<&Dealing> {
        self.dealings.iter().find(|d| d.dealer == dealer)
    }
}

/// Where a ceremony stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CeremonyStage {
    /// Waiting for deals.
    Dealing,
    /// Every member checks its sub-shares.
    Checking,
    /// The tender's key exists.
    Completed,
    /// A dealer cheated.
    Failed,
}

/// What a sub-share's plaintext says, binding it to its ceremony, dealer and member so that a
/// sub-share cannot be replayed elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubShareMessage {
    /// The ceremony.
    pub ceremony: CeremonyId,
    /// Dealer index.
    pub dealer: u16,
    /// Member index.
    pub member: u16,
    /// `f_dealer(member)`, hex.
    pub sub_share: String,
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

/// A short fingerprint of a tender's recipient for people to compare by eye (the vendor's page,
/// the pokja's page, a phone call): the first 8 bytes of its SHA-256, in groups of four hex digits.
pub fn fingerprint(recipient: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(recipient.as_bytes());
    d[..8]
        .chunks(2)
        .map(|c| format!("{:02x}{:02x}", c[0], c[1]))
        .collect::<Vec<_>>()
        .join(" ")
}

fn user(actor: &Actor) -> Result<&UserActor, CommandError> {
    actor.user().ok_or(CommandError::Denied(Denied::Unauthenticated))
}

fn event(
    a: &UserActor,
    cx: &Cx<'_>,
    tenant: TenantId,
    payload: &impl crate::event::Payload,
) -> Result<NewEvent, CommandError> {
    Ok(NewEvent::new(
        cx,
        Some(tenant),
        Some(a.user_id),
        Some(a.role),
        payload,
    )?)
}

/// A pokja member enrols (or replaces) their sealing key. Ceremonies already started keep the
/// recipient they started with, so a member keeps the old identity until those tenders close.
/// A passphrase-sealed identity must cost at least `min_work_factor` per guess (the server passes
/// [`SEALED_WORK_FACTOR`]'s start; only the demo, whose passphrase is published, passes less).
pub fn enrol(
    actor: &Actor,
    recipient: &str,
    signing_key: &str,
    sealed_identity: Option<&str>,
    min_work_factor: u8,
    cx: &Cx<'_>,
) -> Result<(MemberKey, Change<Mutation>), CommandError> {
    let now = cx.now;
    let a = user(actor)?;
    let tenant = a.tenant_id.ok_or(Denied::Forbidden)?;
    authorize(actor, Action::RunTender(tenant))?;
    if a.role != Role::PokjaMember {
        return Err(Denied::Forbidden.into());
    }
    let recipient = recipient.trim();
    if !seal::valid_recipient(recipient) {
        return Err(invalid("recipient", "sealing-recipient"));
    }
    let signing_key = signing_key.trim().to_ascii_lowercase();
    if !trust::valid_signing_key(&signing_key) {
        return Err(invalid("signing_key", "sealing-signing-key"));
    }
    let sealed = match sealed_identity.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.len() <= 4096 && seal::is_passphrase_sealed(s) => {
            // Anyone with the database can guess at the passphrase offline: each guess must cost
            // the full work factor.
            let allowed = min_work_factor..=*SEALED_WORK_FACTOR.end();
            if !trust::passphrase_work_factor(s).is_some_and(|w| allowed.contains(&w)) {
                return Err(invalid("sealed_identity", "sealed-identity-work-factor"));
            }
            Some(s.to_owned())
        }
        Some(_) => return Err(invalid("sealed_identity", "sealed-identity")),
        None => None,
    };
    let key = MemberKey {
        user_id: a.user_id,
        recipient: recipient.to_owned(),
        signing_key: signing_key.clone(),
        sealed_identity: sealed,
        enrolled_at: now,
    };
    let e = event(
        a,
        cx,
        tenant,
        &Event::SealingKeyEnrolled {
            user_id: a.user_id,
            recipient: key.recipient.clone(),
            signing_key,
        },
    )?;
    Ok((
        key.clone(),
        Change {
            events: vec![e],
            mutations: vec![Mutation::UpsertMemberKey(key)],
        },
    ))
}

fn pokja_member<'a>(
    actor: &'a Actor,
    tenant: TenantId,
    assignment: Option<&PokjaAssignment>,
) -> Result<&'a UserActor, CommandError> {
    authorize(actor, Action::RunTender(tenant))?;
    let a = user(actor)?;
    if !assignment.is_some_and(|p| p.members.contains(&a.user_id)) {
        return Err(Denied::Forbidden.into());
    }
    Ok(a)
}

/// Whether a new ceremony may start after `latest`: there is none, it failed, or it has stalled
/// for [`CEREMONY_STALL`] (a member who cannot take part, a sub-share nobody can decrypt).
pub fn may_start_ceremony(latest: Option<&Ceremony>, pokja: &[UserId], now: OffsetDateTime) -> bool {
    match latest {
        None => true,
        // A ceremony of another pokja (a member replaced since) is run again with this one.
        Some(c) if !c.of(pokja) => true,
        Some(c) => match &c.outcome {
            Some(CeremonyOutcome::Failed { .. }) => true,
            Some(CeremonyOutcome::Completed { .. }) => false,
            None => now - c.started_at >= CEREMONY_STALL,
        },
    }
}

impl Ceremony {
    /// Whether the ceremony was run by exactly these members.
    pub fn of(&self, pokja: &[UserId]) -> bool {
        self.members.len() == pokja.len() && self.members.iter().all(|m| pokja.contains(&m.user_id))
    }
}

/// When a tender's bids may be opened: after its deadline and the upload grace period.
pub fn opens_at(tender: &PublicTender, grace: Duration) -> OffsetDateTime {
    tender.submission_deadline + grace
}

/// A member starts the key ceremony once every member has enrolled, before the announcement. A
/// failed ceremony may be run again; a running or completed one may not.
#[allow(clippy::too_many_arguments)]
pub fn start_ceremony(
    actor: &Actor,
    tenant_id: TenantId,
    package_id: PackageId,
    assignment: Option<&PokjaAssignment>,
    keys: &[MemberKey],
    announced: bool,
    latest: Option<&Ceremony>,
    threshold: Option<u16>,
    cx: &Cx<'_>,
) -> Result<(Ceremony, Change<Mutation>), CommandError> {
    let now = cx.now;
    let a = pokja_member(actor, tenant_id, assignment)?;
    let Some(p) = assignment else {
        return Err(Denied::Forbidden.into());
    };
    if announced {
        return Err(invalid("package_id", "already-announced"));
    }
    // A failed ceremony is run again; so is one stalled for a day (a member who cannot take part,
    // a sub-share nobody can decrypt): the new one replaces it, on the log.
    if !may_start_ceremony(latest, &p.members, now) {
        return Err(invalid("package_id", "ceremony-exists"));
    }
    let replaces = latest.map(|c| c.id);
    let mut members = Vec::with_capacity(p.members.len());
    for m in &p.members {
        let k = keys
            .iter()
            .find(|k| k.user_id == *m)
            .ok_or(invalid("package_id", "member-not-enrolled"))?;
        // A key enrolled before ceremonies were signed cannot sign: its member enrols again.
        if k.signing_key.is_empty() {
            return Err(invalid("package_id", "member-key-outdated"));
        }
        members.push(CeremonyMember {
            user_id: *m,
            recipient: k.recipient.clone(),
            signing_key: k.signing_key.clone(),
        });
    }
    let n = members.len();
    let k = threshold.map_or(seal::default_threshold(n), usize::from);
    // Any k from a majority to n: every dealer proves knowledge of its constant term, so no last
    // dealer can steer the key whatever k is.
    if k == 0 || k > n || n > 255 || (threshold.is_some() && k < seal::default_threshold(n)) {
        return Err(invalid("threshold", "ceremony-threshold"));
    }
    let same_members = |l: &Ceremony| {
        l.members.len() == members.len() && l.members.iter().all(|m| p.members.contains(&m.user_id))
    };
    let attempt = latest
        .filter(|l| same_members(l))
        .map_or(1, |l| l.attempt.saturating_add(1));
    if attempt > MAX_ATTEMPTS {
        return Err(invalid("package_id", "ceremony-attempts"));
    }
    let c = Ceremony {
        id: cx.id(),
        tenant_id,
        package_id,
        threshold: u16::try_from(k).map_err(|_| invalid("threshold", "ceremony-threshold"))?,
        members,
        dealings: Vec::new(),
        confirmed: Vec::new(),
        confirmations: Vec::new(),
        attempt,
        outcome: None,
        started_at: now,
        version: 1,
    };
    let e = event(
        a,
        cx,
        tenant_id,
        &Event::KeyCeremonyStarted {
            ceremony_id: c.id,
            package_id,
            threshold: c.threshold,
            members: c.members.iter().map(|m| m.user_id).collect(),
            recipients: c.members.iter().map(|m| m.recipient.clone()).collect(),
            signing_keys: c.members.iter().map(|m| m.signing_key.clone()).collect(),
            replaces,
        },
    )?;
    Ok((
        c.clone(),
        Change {
            events: vec![e],
            mutations: vec![
                // Holds only if no other ceremony started, and the one replaced did not move on.
                Mutation::ExpectLatestCeremony {
                    package_id,
                    latest: latest.map(|l| (l.id, l.version)),
                },
                Mutation::PutCeremony {
                    ceremony: c,
                    expected_version: None,
                },
            ],
        },
    ))
}

fn ceremony_member<'a>(actor: &'a Actor, c: &Ceremony) -> Result<(&'a UserActor, u16), CommandError> {
    authorize(actor, Action::RunTender(c.tenant_id))?;
    let a = user(actor)?;
    let i = c.index_of(a.user_id).ok_or(Denied::Forbidden)?;
    Ok((a, i))
}

fn next(c: &Ceremony) -> Ceremony {
    let mut n = c.clone();
    n.version += 1;
    n
}

/// The ceremony `c` became `n`, with these events: held only on the version `c` was read at.
fn moved(c: &Ceremony, n: Ceremony, events: Vec<NewEvent>) -> (Ceremony, Change<Mutation>) {
    (
        n.clone(),
        Change {
            events,
            mutations: vec![Mutation::PutCeremony {
                ceremony: n,
                expected_version: Some(c.version),
            }],
        },
    )
}

/// A member's deal: k commitments, a proof of knowledge of the first one's scalar, one encrypted
/// sub-share per member, and the dealer's signature over all of it. The server checks what it can
/// (points of the group, the proof, the signature, sizes, age files with one X25519 stanza each);
/// what it cannot read, each member checks.
pub fn deal(
    actor: &Actor,
    c: &Ceremony,
    d: member::DealRequest,
    cx: &Cx<'_>,
) -> Result<(Ceremony, Change<Mutation>), CommandError> {
    let now = cx.now;
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Dealing {
        return Err(invalid("ceremony", "ceremony-not-dealing"));
    }
    if c.dealing(i).is_some() {
        return Err(invalid("ceremony", "already-dealt"));
    }
    if d.sub_shares.len() != c.members.len() {
        return Err(invalid("sub_shares", "ceremony-sub-shares"));
    }
    for s in &d.sub_shares {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| invalid("sub_shares", "ceremony-sub-shares"))?;
        if raw.len() > MAX_SUB_SHARE_BYTES
            || !raw.starts_with(b"age-encryption.org/v1\n")
            || trust::single_ephemeral(&raw).is_none()
        {
            return Err(invalid("sub_shares", "ceremony-sub-shares"));
        }
    }
    let dealing = Dealing {
        dealer: i,
        commitments: d.commitments.iter().map(|h| h.to_ascii_lowercase()).collect(),
        sub_shares: d.sub_shares,
        proof: Some(d.proof),
        signature: d.signature.to_ascii_lowercase(),
        at: now,
    };
    let public = dealing.public();
    transcript::check_dealing(&c.transcript(), &public).map_err(|e| match e {
        transcript::TranscriptError::Knowledge(_) => invalid("proof", "ceremony-proof"),
        transcript::TranscriptError::DealSignature(_) => invalid("signature", "ceremony-signature"),
        transcript::TranscriptError::Dealings => invalid("sub_shares", "ceremony-sub-shares"),
        _ => invalid("commitments", "ceremony-commitments"),
    })?;
    let mut n = next(c);
    n.dealings.push(dealing);
    let e = event(
        a,
        cx,
        c.tenant_id,
        &Event::KeyDealt {
            ceremony_id: c.id,
            package_id: c.package_id,
            commitments: public.commitments,
            sub_shares_sha256: public.sub_shares_sha256,
            proof: public.proof,
            signature: public.signature,
        },
    )?;
    Ok(moved(c, n, vec![e]))
}

fn decoded_commitments(d: &Dealing, k: u16) -> Result<Vec<curve25519_dalek::EdwardsPoint>, CommandError> {
    let pts: Option<Vec<[u8; 32]>> = d.commitments.iter().map(|h| seal::unhex32(h)).collect();
    let pts = pts.ok_or(invalid("ceremony", "ceremony-commitments"))?;
    seal::commitments(&pts, usize::from(k)).map_err(|_| invalid("ceremony", "ceremony-commitments"))
}

/// What a member signs when it confirms (see [`transcript::confirm_statement`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmRequest {
    /// The transcript hash the member computed.
    pub transcript_sha256: String,
    /// The tender key it computed.
    pub recipient: String,
    /// Its signature (hex).
    pub signature: String,
}

/// A member has checked the transcript (every signature and proof) and every sub-share it
/// received, and signs the transcript hash and the tender key it computed. The server accepts only
/// a confirmation of its own transcript and key; the last one completes the ceremony.
pub fn confirm(
    actor: &Actor,
    c: &Ceremony,
    req: &ConfirmRequest,
    cx: &Cx<'_>,
) -> Result<(Ceremony, Change<Mutation>), CommandError> {
    let now = cx.now;
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Checking {
        return Err(invalid("ceremony", "ceremony-not-checking"));
    }
    if c.confirmed.contains(&i) {
        return Err(invalid("ceremony", "already-confirmed"));
    }
    let t = c.transcript();
    let key = transcript::recipient(&t).map_err(|_| invalid("ceremony", "ceremony-commitments"))?;
    let hash = transcript::transcript_sha256(&t);
    let confirmation = Confirmation {
        member: i,
        transcript_sha256: req.transcript_sha256.to_ascii_lowercase(),
        recipient: req.recipient.clone(),
        signature: req.signature.to_ascii_lowercase(),
    };
    // A member who saw another transcript than this one (a server showing each member its own
    // view) cannot confirm this one.
    transcript::check_confirmation(&t, &confirmation, &hash, &key)
        .map_err(|_| invalid("signature", "ceremony-confirmation"))?;
    let mut n = next(c);
    n.confirmed.push(i);
    n.confirmations.push(confirmation.clone());
    let mut events = vec![event(
        a,
        cx,
        c.tenant_id,
        &Event::KeySharesConfirmed {
            ceremony_id: c.id,
            package_id: c.package_id,
            transcript_sha256: Some(confirmation.transcript_sha256),
            signature: Some(confirmation.signature),
        },
    )?];
    if n.confirmed.len() == n.members.len() {
        let dealt = c
            .dealings
            .iter()
            .map(|d| decoded_commitments(d, c.threshold))
            .collect::<Result<Vec<_>, _>>()?;
        let group = seal::GroupKey::from_dealings(&dealt, c.members.len())
            .map_err(|_| invalid("ceremony", "ceremony-commitments"))?;
        n.outcome = Some(CeremonyOutcome::Completed {
            recipient: key.clone(),
            verification: group
                .verification
                .iter()
                .map(|p| seal::hex32(&p.compress().to_bytes()))
                .collect(),
            transcript_sha256: hash.clone(),
            at: now,
        });
        events.push(event(
            a,
            cx,
            c.tenant_id,
            &Event::KeyCeremonyCompleted {
                ceremony_id: c.id,
                package_id: c.package_id,
                recipient: key,
                transcript_sha256: hash,
            },
        )?);
    }
    Ok(moved(c, n, events))
}

/// The context of member `member`'s proof about the sub-share dealer `dealer` sent it.
pub fn complaint_context(c: &Ceremony, dealer: u16, member: u16) -> String {
    format!("complaint\nceremony {}\ndealer {dealer}\nmember {member}\n", c.id)
}

/// What a member reveals to prove a dealer cheated: the X25519 secret it shares with the
/// sub-share's sender, proven against its own recipient (absent when the file has no single
/// X25519 stanza: the server sees that by itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revealed {
    /// The member's public key as an Edwards point (hex).
    pub point: String,
    /// `x·E` with its proof.
    pub partial: PartialJson,
}

/// A member proves that a dealer sent it a bad sub-share — one that does not decrypt, or whose
/// content does not lie on the dealer's signed commitments — by revealing the one X25519 secret
/// that opens that file ([`Revealed`]); the server opens it and checks. Proven, the ceremony fails
/// and the dealer is named on the log. A reveal that does not hold changes nothing. A reveal
/// that opens a sub-share which holds ends the ceremony too, logged as an unfounded complaint by
/// the member: that sub-share is no longer secret, so its polynomial must not become a key.
pub fn complain(
    actor: &Actor,
    c: &Ceremony,
    dealer: u16,
    revealed: Option<&Revealed>,
    cx: &Cx<'_>,
) -> Result<(Ceremony, Change<Mutation>), CommandError> {
    let now = cx.now;
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Checking {
        return Err(invalid("ceremony", "ceremony-not-checking"));
    }
    let d = c.dealing(dealer).ok_or(invalid("dealer", "no-such-dealer"))?;
    let raw = usize::from(i)
        .checked_sub(1)
        .and_then(|j| d.sub_shares.get(j))
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or(invalid("dealer", "no-such-dealer"))?;
    let recipient = &c.members[usize::from(i) - 1].recipient;
    let context = complaint_context(c, dealer, i);
    let opened = match revealed {
        None => Err(trust::RevealError::NotSealedToOne),
        Some(r) => {
            let (Some(point), Some(p)) = (seal::unhex32(&r.point), r.partial.decode()) else {
                return Err(invalid("partial", "complaint-unfounded"));
            };
            trust::open_revealed(&raw, recipient, &point, &p, context.as_bytes())
        }
    };
    let reason = match opened {
        Err(trust::RevealError::NotProven) => return Err(invalid("partial", "complaint-unfounded")),
        Err(trust::RevealError::NotSealedToOne) if trust::single_ephemeral(&raw).is_some() => {
            return Err(invalid("partial", "complaint-unfounded"));
        }
        Err(trust::RevealError::NotSealedToOne) => Some("the sub-share is not sealed to one recipient"),
        Err(trust::RevealError::NotForMember) => Some("the sub-share is not sealed to the member"),
        Err(trust::RevealError::Payload) => Some("the sub-share's payload is corrupt"),
        Ok(plain) => match serde_json::from_slice::<SubShareMessage>(&plain) {
            Err(_) => Some("the sub-share is not a sub-share message"),
            Ok(m) if m.ceremony != c.id || m.dealer != dealer || m.member != i => {
                Some("the sub-share names another ceremony, dealer or member")
            }
            Ok(m) => {
                let ok = seal::unhex32(&m.sub_share)
                    .and_then(|b| seal::scalar(&b).ok())
                    .is_some_and(|s| {
                        decoded_commitments(d, c.threshold)
                            .is_ok_and(|cm| seal::verify_sub_share(&cm, u32::from(i), &s).is_ok())
                    });
                (!ok).then_some("the sub-share does not match the dealer's commitments")
            }
        },
    };
    let proven = reason.is_some();
    let reason =
        reason.unwrap_or("the complaint did not hold: the sub-share matches the dealer's commitments");
    let accused = usize::from(dealer)
        .checked_sub(1)
        .and_then(|j| c.members.get(j))
        .ok_or(invalid("dealer", "no-such-dealer"))?
        .user_id;
    let mut n = next(c);
    n.outcome = Some(CeremonyOutcome::Failed {
        dealer,
        complainant: i,
        proven,
        reason: reason.to_owned(),
        at: now,
    });
    let e = event(
        a,
        cx,
        c.tenant_id,
        &Event::KeyCeremonyFailed {
            ceremony_id: c.id,
            package_id: c.package_id,
            dealer: accused,
            proven,
            reason: reason.to_owned(),
        },
    )?;
    Ok(moved(c, n, vec![e]))
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A pokja member enrolled the age recipient their key shares are encrypted to.
    SealingKeyEnrolled {
        /// The member.
        user_id: UserId,
        /// `age1…`.
        recipient: String,
        /// The Ed25519 key the member signs its part of ceremonies with (hex).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        signing_key: String,
    },
    /// A tender's key ceremony started among its pokja.
    KeyCeremonyStarted {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// k.
        threshold: u16,
        /// The members, in index order.
        members: Vec<UserId>,
        /// Their recipients.
        recipients: Vec<String>,
        /// Their signing keys (hex), in the same order.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        signing_keys: Vec<String>,
        /// The failed or stalled ceremony this one replaces.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<crate::ids::CeremonyId>,
    },
    /// A member dealt: its Feldman commitments and the hashes of the encrypted sub-shares.
    KeyDealt {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// Commitments (hex points).
        commitments: Vec<String>,
        /// SHA-256 of each encrypted sub-share.
        sub_shares_sha256: Vec<String>,
        /// The dealer's proof of knowledge of its constant term.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        proof: Option<crate::sealing::KnowledgeJson>,
        /// The dealer's signature over its dealing (hex).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        signature: String,
    },
    /// A member checked every sub-share it received.
    KeySharesConfirmed {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The transcript the member checked.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transcript_sha256: Option<String>,
        /// The member's signature over its confirmation (hex).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// The tender's key exists: bids are sealed to this recipient.
    KeyCeremonyCompleted {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// `age1…`.
        recipient: String,
        /// SHA-256 of the ceremony transcript.
        transcript_sha256: String,
    },
    /// A dealer was proven to have dealt a bad sub-share.
    KeyCeremonyFailed {
        /// The ceremony.
        ceremony_id: crate::ids::CeremonyId,
        /// The tender.
        package_id: crate::ids::PackageId,
        /// The accused dealer.
        dealer: UserId,
        /// Whether the cheating was proven (else the actor's complaint did not hold).
        proven: bool,
        /// What was found.
        reason: String,
    },
}

crate::privacy::event_table! {
    SealingKeyEnrolled "sealing_key_enrolled" actor: PERSONAL, role: PUBLIC, {
        user_id: MEMBERSHIP => "would tie a member's key to the member",
        recipient: PUBLIC => "a public key: ceremonies are checked against it",
        signing_key: PUBLIC => "a public key: the member's signatures are checked against it",
    }
    KeyCeremonyStarted "key_ceremony_started" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        threshold: PUBLIC => "how many members open bids",
        members: MEMBERSHIP => "who sits on the pokja",
        recipients: PUBLIC => "public keys: anyone checks the ceremony against them",
        signing_keys: PUBLIC => "public keys: anyone checks the dealings and confirmations against them",
        replaces: PUBLIC => "the ceremony it replaces",
    }
    KeyDealt "key_dealt" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        commitments: PUBLIC => "anyone recomputes the tender key from them",
        sub_shares_sha256: PUBLIC => "binds the encrypted sub-shares",
        proof: PUBLIC => "anyone checks that the dealer knows its part of the key",
        signature: PUBLIC => "anyone checks who dealt what, by key",
    }
    KeySharesConfirmed "key_shares_confirmed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        transcript_sha256: PUBLIC => "the transcript the member checked",
        signature: PUBLIC => "anyone checks the confirmation against the member's key",
    }
    KeyCeremonyCompleted "key_ceremony_completed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        recipient: PUBLIC => "bids are sealed to it",
        transcript_sha256: PUBLIC => "binds the ceremony",
    }
    KeyCeremonyFailed "key_ceremony_failed" actor: PERSONAL, role: PUBLIC, {
        ceremony_id: PUBLIC => "the ceremony",
        package_id: PUBLIC => "the tender",
        dealer: PUBLIC => "a cheater is named, by its random id",
        proven: PUBLIC => "whether it was proven",
        reason: PUBLIC => "what was found",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A pokja member's sealing key, new or replacing theirs.
    UpsertMemberKey(crate::sealing::MemberKey),
    /// A key ceremony written whole; with `expected_version`, only if it is still at that version
    /// (refused otherwise); without, only if new.
    PutCeremony {
        /// The ceremony.
        ceremony: crate::sealing::Ceremony,
        /// The version it was read at.
        expected_version: Option<u32>,
    },
    /// The change holds only if the package's latest ceremony is still this one at this version
    /// (or there is none, for `None`): a ceremony started or replaced on a stale read is refused.
    ExpectLatestCeremony {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The latest ceremony's id and version as read.
        latest: Option<(crate::ids::CeremonyId, u32)>,
    },
}

pub mod opening;
pub use opening::*;

pub mod member;

#[cfg(test)]
mod tests;
