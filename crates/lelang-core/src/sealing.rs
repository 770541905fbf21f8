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

use crate::command::{Change, CommandError, Mutation};
use crate::event::{EventPayload, NewEvent};
use crate::ids::{BidId, CeremonyId, PackageId, TenantId, UserId, VendorId};
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, Denied, UserActor, authorize};
use crate::role::Role;
use crate::tender::PublicTender;
use base64::Engine as _;
use lelang_trust::seal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// After the submission deadline, sealed files may still arrive for this long (their commitments
/// were made in time); opening waits for it. Each rule set says its own (`upload_grace_minutes`);
/// this is their common default, for tests and the demo.
pub const UPLOAD_GRACE: Duration = Duration::hours(2);

/// A ceremony not complete after this long may be replaced by a new one.
pub const CEREMONY_STALL: Duration = Duration::days(1);

/// The largest encrypted sub-share the server keeps (an age file of a 32-byte scalar is ~250 B).
const MAX_SUB_SHARE_BYTES: usize = 1024;

/// A member's sealing key: the age recipient its shares are encrypted to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberKey {
    /// The member.
    pub user_id: UserId,
    /// `age1…`.
    pub recipient: String,
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

fn user(actor: &Actor) -> Result<&UserActor, CommandError> {
    actor.user().ok_or(CommandError::Denied(Denied::Unauthenticated))
}

fn event(
    a: &UserActor,
    at: OffsetDateTime,
    tenant: TenantId,
    payload: &EventPayload,
) -> Result<NewEvent, CommandError> {
    Ok(NewEvent::new(
        at,
        Some(tenant),
        Some(a.user_id),
        Some(a.role),
        payload,
    )?)
}

/// A pokja member enrols (or replaces) their sealing key. Ceremonies already started keep the
/// recipient they started with, so a member keeps the old identity until those tenders close.
pub fn enrol(
    actor: &Actor,
    recipient: &str,
    sealed_identity: Option<&str>,
    now: OffsetDateTime,
) -> Result<(MemberKey, Change), CommandError> {
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
    let sealed = match sealed_identity.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.len() <= 4096 && seal::is_passphrase_sealed(s) => Some(s.to_owned()),
        Some(_) => return Err(invalid("sealed_identity", "sealed-identity")),
        None => None,
    };
    let key = MemberKey {
        user_id: a.user_id,
        recipient: recipient.to_owned(),
        sealed_identity: sealed,
        enrolled_at: now,
    };
    let e = event(
        a,
        now,
        tenant,
        &EventPayload::SealingKeyEnrolled {
            user_id: a.user_id,
            recipient: key.recipient.clone(),
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
pub fn may_start_ceremony(latest: Option<&Ceremony>, now: OffsetDateTime) -> bool {
    match latest {
        None => true,
        Some(c) => match &c.outcome {
            Some(CeremonyOutcome::Failed { .. }) => true,
            Some(CeremonyOutcome::Completed { .. }) => false,
            None => now - c.started_at >= CEREMONY_STALL,
        },
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
    now: OffsetDateTime,
) -> Result<(Ceremony, Change), CommandError> {
    let a = pokja_member(actor, tenant_id, assignment)?;
    let Some(p) = assignment else {
        return Err(Denied::Forbidden.into());
    };
    if announced {
        return Err(invalid("package_id", "already-announced"));
    }
    // A failed ceremony is run again; so is one stalled for a day (a member who cannot take part,
    // a sub-share nobody can decrypt): the new one replaces it, on the log.
    if !may_start_ceremony(latest, now) {
        return Err(invalid("package_id", "ceremony-exists"));
    }
    let replaces = latest.map(|c| c.id);
    let mut members = Vec::with_capacity(p.members.len());
    for m in &p.members {
        let k = keys
            .iter()
            .find(|k| k.user_id == *m)
            .ok_or(invalid("package_id", "member-not-enrolled"))?;
        members.push(CeremonyMember {
            user_id: *m,
            recipient: k.recipient.clone(),
        });
    }
    let n = members.len();
    let k = threshold.map_or(seal::default_threshold(n), usize::from);
    if k == 0 || k > n || n > 255 || (threshold.is_some() && k < seal::default_threshold(n)) {
        return Err(invalid("threshold", "ceremony-threshold"));
    }
    let c = Ceremony {
        id: CeremonyId::new(),
        tenant_id,
        package_id,
        threshold: u16::try_from(k).map_err(|_| invalid("threshold", "ceremony-threshold"))?,
        members,
        dealings: Vec::new(),
        confirmed: Vec::new(),
        outcome: None,
        started_at: now,
        version: 1,
    };
    let e = event(
        a,
        now,
        tenant_id,
        &EventPayload::KeyCeremonyStarted {
            ceremony_id: c.id,
            package_id,
            threshold: c.threshold,
            members: c.members.iter().map(|m| m.user_id).collect(),
            recipients: c.members.iter().map(|m| m.recipient.clone()).collect(),
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

fn put(c: &Ceremony, n: Ceremony) -> Mutation {
    Mutation::PutCeremony {
        ceremony: n,
        expected_version: Some(c.version),
    }
}

fn sha256_hex(b: &[u8]) -> String {
    seal::hex(&Sha256::digest(b))
}

/// The hash of an encrypted sub-share as logged: of its bytes, not of their base64.
fn sub_share_sha256(b64: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map(|raw| sha256_hex(&raw))
        .unwrap_or_default()
}

/// A member's deal: k commitments and one encrypted sub-share per member. The server checks what it
/// can (points of the group, sizes, age files); what it cannot read, each member checks.
pub fn deal(
    actor: &Actor,
    c: &Ceremony,
    commitments: Vec<String>,
    sub_shares: Vec<String>,
    now: OffsetDateTime,
) -> Result<(Ceremony, Change), CommandError> {
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Dealing {
        return Err(invalid("ceremony", "ceremony-not-dealing"));
    }
    if c.dealing(i).is_some() {
        return Err(invalid("ceremony", "already-dealt"));
    }
    let points: Option<Vec<[u8; 32]>> = commitments.iter().map(|h| seal::unhex32(h)).collect();
    let points = points.ok_or(invalid("commitments", "ceremony-commitments"))?;
    seal::commitments(&points, usize::from(c.threshold))
        .map_err(|_| invalid("commitments", "ceremony-commitments"))?;
    if sub_shares.len() != c.members.len() {
        return Err(invalid("sub_shares", "ceremony-sub-shares"));
    }
    let mut hashes = Vec::with_capacity(sub_shares.len());
    for s in &sub_shares {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| invalid("sub_shares", "ceremony-sub-shares"))?;
        if raw.len() > MAX_SUB_SHARE_BYTES || !raw.starts_with(b"age-encryption.org/v1\n") {
            return Err(invalid("sub_shares", "ceremony-sub-shares"));
        }
        hashes.push(sha256_hex(&raw));
    }
    let mut n = next(c);
    n.dealings.push(Dealing {
        dealer: i,
        commitments: commitments.iter().map(|h| h.to_ascii_lowercase()).collect(),
        sub_shares,
        at: now,
    });
    let e = event(
        a,
        now,
        c.tenant_id,
        &EventPayload::KeyDealt {
            ceremony_id: c.id,
            package_id: c.package_id,
            commitments: n
                .dealings
                .last()
                .map(|d| d.commitments.clone())
                .unwrap_or_default(),
            sub_shares_sha256: hashes,
        },
    )?;
    Ok((
        n.clone(),
        Change {
            events: vec![e],
            mutations: vec![put(c, n)],
        },
    ))
}

/// The transcript hash: the members, the threshold and every deal (sub-shares by their hashes), in
/// dealer order — what the completed key is the result of.
pub fn transcript_sha256(c: &Ceremony) -> String {
    let mut dealings: Vec<&Dealing> = c.dealings.iter().collect();
    dealings.sort_by_key(|d| d.dealer);
    let t = serde_json::json!({
        "ceremony": c.id,
        "package": c.package_id,
        "threshold": c.threshold,
        "members": c.members,
        "dealings": dealings.iter().map(|d| serde_json::json!({
            "dealer": d.dealer,
            "commitments": d.commitments,
            "sub_shares_sha256": d.sub_shares.iter().map(|s| sub_share_sha256(s)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    sha256_hex(t.to_string().as_bytes())
}

fn decoded_commitments(d: &Dealing, k: u16) -> Result<Vec<curve25519_dalek::EdwardsPoint>, CommandError> {
    let pts: Option<Vec<[u8; 32]>> = d.commitments.iter().map(|h| seal::unhex32(h)).collect();
    let pts = pts.ok_or(invalid("ceremony", "ceremony-commitments"))?;
    seal::commitments(&pts, usize::from(k)).map_err(|_| invalid("ceremony", "ceremony-commitments"))
}

/// A member has checked every sub-share it received against its dealer's commitments. The last
/// confirmation completes the ceremony: the tender's recipient is derived from the commitments.
pub fn confirm(actor: &Actor, c: &Ceremony, now: OffsetDateTime) -> Result<(Ceremony, Change), CommandError> {
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Checking {
        return Err(invalid("ceremony", "ceremony-not-checking"));
    }
    if c.confirmed.contains(&i) {
        return Err(invalid("ceremony", "already-confirmed"));
    }
    let mut n = next(c);
    n.confirmed.push(i);
    let mut events = vec![event(
        a,
        now,
        c.tenant_id,
        &EventPayload::KeySharesConfirmed {
            ceremony_id: c.id,
            package_id: c.package_id,
        },
    )?];
    if n.confirmed.len() == n.members.len() {
        let dealt = c
            .dealings
            .iter()
            .map(|d| decoded_commitments(d, c.threshold))
            .collect::<Result<Vec<_>, _>>()?;
        let key = seal::GroupKey::from_dealings(&dealt, c.members.len())
            .map_err(|_| invalid("ceremony", "ceremony-commitments"))?;
        let transcript = transcript_sha256(c);
        let recipient = key.recipient();
        n.outcome = Some(CeremonyOutcome::Completed {
            recipient: recipient.clone(),
            verification: key
                .verification
                .iter()
                .map(|p| seal::hex32(&p.compress().to_bytes()))
                .collect(),
            transcript_sha256: transcript.clone(),
            at: now,
        });
        events.push(event(
            a,
            now,
            c.tenant_id,
            &EventPayload::KeyCeremonyCompleted {
                ceremony_id: c.id,
                package_id: c.package_id,
                recipient,
                transcript_sha256: transcript,
            },
        )?);
    }
    Ok((
        n.clone(),
        Change {
            events,
            mutations: vec![put(c, n)],
        },
    ))
}

/// A member proves that a dealer sent it a bad sub-share by revealing that one file's key: the
/// server decrypts it and checks it against the dealer's commitments (and its binding, and its
/// payload's integrity). Proven, the ceremony fails and the dealer is named on the log. A key that
/// is not the file's is refused and changes nothing. A key that opens a sub-share which holds
/// ends the ceremony too, logged as an unfounded complaint by the member: that sub-share is no
/// longer secret, so its polynomial must not become a key (and a server that lied to a member
/// about commitments gains one sub-share of a dead ceremony, never a live share).
pub fn complain(
    actor: &Actor,
    c: &Ceremony,
    dealer: u16,
    file_key_hex: &str,
    now: OffsetDateTime,
) -> Result<(Ceremony, Change), CommandError> {
    let (a, i) = ceremony_member(actor, c)?;
    if c.stage() != CeremonyStage::Checking {
        return Err(invalid("ceremony", "ceremony-not-checking"));
    }
    let d = c.dealing(dealer).ok_or(invalid("dealer", "no-such-dealer"))?;
    let key: [u8; 16] = seal::unhex(file_key_hex).ok_or(invalid("file_key", "complaint-unfounded"))?;
    let raw = usize::from(i)
        .checked_sub(1)
        .and_then(|j| d.sub_shares.get(j))
        .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
        .ok_or(invalid("dealer", "no-such-dealer"))?;
    let plain = match seal::open_with_file_key(&raw, &key) {
        Ok(p) => Some(p),
        Err(seal::FileKeyError::Payload) => None,
        Err(seal::FileKeyError::WrongKey) => return Err(invalid("file_key", "complaint-unfounded")),
    };
    let reason = match plain.map(|p| serde_json::from_slice::<SubShareMessage>(&p)) {
        None => Some("the sub-share's payload is corrupt"),
        Some(Err(_)) => Some("the sub-share is not a sub-share message"),
        Some(Ok(m)) if m.ceremony != c.id || m.dealer != dealer || m.member != i => {
            Some("the sub-share names another ceremony, dealer or member")
        }
        Some(Ok(m)) => {
            let ok = seal::unhex32(&m.sub_share)
                .and_then(|b| seal::scalar(&b).ok())
                .is_some_and(|s| {
                    decoded_commitments(d, c.threshold)
                        .is_ok_and(|cm| seal::verify_sub_share(&cm, u32::from(i), &s).is_ok())
                });
            (!ok).then_some("the sub-share does not match the dealer's commitments")
        }
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
        now,
        c.tenant_id,
        &EventPayload::KeyCeremonyFailed {
            ceremony_id: c.id,
            package_id: c.package_id,
            dealer: accused,
            proven,
            reason: reason.to_owned(),
        },
    )?;
    Ok((
        n.clone(),
        Change {
            events: vec![e],
            mutations: vec![put(c, n)],
        },
    ))
}

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
    fn decode(&self) -> Option<seal::Partial> {
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
    now: OffsetDateTime,
) -> Result<(Opening, Change), CommandError> {
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
        now,
        tender.tenant_id,
        &EventPayload::OpeningStarted {
            package_id: tender.package_id,
            bids: o.bids.iter().map(|b| b.bid_id).collect(),
        },
    )?;
    Ok((
        o.clone(),
        Change {
            events: vec![e],
            mutations: vec![Mutation::PutOpening {
                opening: o,
                expected_version: None,
            }],
        },
    ))
}

/// The outcome of a member's partials: accepted, or rejected with the member named.
pub enum PartialsDecision {
    /// Stored.
    Accepted(Opening, Change),
    /// A proof failed: the change logs the rejection (naming the member); nothing else is stored.
    Rejected {
        /// The log entry naming the member.
        change: Change,
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
    now: OffsetDateTime,
) -> Result<PartialsDecision, CommandError> {
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
        for (pt, p) in bid.points.iter().zip(ps) {
            let ok = match (seal::unhex32(pt), p.decode()) {
                (Some(e), Some(p)) => seal::verify_partial(&p, &s, &e).is_ok(),
                _ => false,
            };
            if !ok {
                let e = event(
                    a,
                    now,
                    o.tenant_id,
                    &EventPayload::PartialsRejected {
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
        now,
        o.tenant_id,
        &EventPayload::PartialsSubmitted {
            package_id: o.package_id,
        },
    )?;
    Ok(PartialsDecision::Accepted(
        n.clone(),
        Change {
            events: vec![e],
            mutations: vec![Mutation::PutOpening {
                opening: n,
                expected_version: Some(o.version),
            }],
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
    now: OffsetDateTime,
) -> Result<(Opening, Change), CommandError> {
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
            now,
            o.tenant_id,
            &EventPayload::BidOpened {
                bid_id: b.bid_id,
                package_id: o.package_id,
                vendor_id: b.vendor_id,
                opened: out.opened,
                reason: out.reason.clone(),
                plaintext_sha256: out.plaintext_sha256.clone(),
            },
        )?);
        b.outcome = Some(out);
    }
    let mut mutations = vec![Mutation::PutOpening {
        opening: n.clone(),
        expected_version: Some(o.version),
    }];
    if let Some(d) = minutes {
        events.push(event(
            a,
            now,
            o.tenant_id,
            &EventPayload::DocumentPublished {
                document: Box::new(d.clone()),
            },
        )?);
        mutations.push(Mutation::InsertDocument(d));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{member, now, world};

    fn keys(w: &crate::fixtures::World) -> Vec<MemberKey> {
        w.pokja
            .members
            .iter()
            .map(|m| MemberKey {
                user_id: *m,
                recipient: age::x25519::Identity::generate().to_public().to_string(),
                sealed_identity: None,
                enrolled_at: now(),
            })
            .collect()
    }

    #[test]
    fn a_running_ceremony_blocks_another_until_it_fails_or_stalls() {
        let w = world();
        let ks = keys(&w);
        let start = |latest: Option<&Ceremony>, at| {
            start_ceremony(
                &w.lead(),
                w.tenant,
                w.package.id,
                Some(&w.pokja),
                &ks,
                false,
                latest,
                None,
                at,
            )
        };
        let (c, _) = start(None, now()).expect("first");
        assert_eq!(c.threshold, 2);
        let err = start(Some(&c), now() + Duration::hours(23)).err();
        assert_eq!(err, Some(invalid("package_id", "ceremony-exists")));
        let (again, change) = start(Some(&c), now() + CEREMONY_STALL).expect("stalled: replaced");
        assert_ne!(again.id, c.id);
        assert!(
            change.events[0].payload.contains(&c.id.to_string()),
            "the log says what it replaces"
        );
        // Not before every member has enrolled, not by an outsider, never below a majority.
        assert_eq!(
            start_ceremony(
                &w.lead(),
                w.tenant,
                w.package.id,
                Some(&w.pokja),
                &ks[..2],
                false,
                None,
                None,
                now()
            )
            .err(),
            Some(invalid("package_id", "member-not-enrolled"))
        );
        let outsider = member(UserId::new(), w.tenant);
        assert!(
            start_ceremony(
                &outsider,
                w.tenant,
                w.package.id,
                Some(&w.pokja),
                &ks,
                false,
                None,
                None,
                now()
            )
            .is_err()
        );
        assert!(
            start_ceremony(
                &w.lead(),
                w.tenant,
                w.package.id,
                Some(&w.pokja),
                &ks,
                false,
                None,
                Some(1),
                now()
            )
            .is_err()
        );
        assert!(
            start_ceremony(
                &w.lead(),
                w.tenant,
                w.package.id,
                Some(&w.pokja),
                &ks,
                true,
                None,
                None,
                now()
            )
            .is_err()
        );
    }

    #[test]
    fn members_deal_check_and_complete_and_the_key_opens_what_age_seals() {
        let w = world();
        let ids: Vec<age::x25519::Identity> = w
            .pokja
            .members
            .iter()
            .map(|_| age::x25519::Identity::generate())
            .collect();
        let ks: Vec<MemberKey> = w
            .pokja
            .members
            .iter()
            .zip(&ids)
            .map(|(m, id)| MemberKey {
                user_id: *m,
                recipient: id.to_public().to_string(),
                sealed_identity: None,
                enrolled_at: now(),
            })
            .collect();
        let (mut c, _) = start_ceremony(
            &w.lead(),
            w.tenant,
            w.package.id,
            Some(&w.pokja),
            &ks,
            false,
            None,
            None,
            now(),
        )
        .expect("start");
        for m in &w.pokja.members {
            let i = c.index_of(*m).expect("member");
            let d = member::deal(&c, i).expect("deal");
            c = deal(&member(*m, w.tenant), &c, d.commitments, d.sub_shares, now())
                .expect("dealt")
                .0;
        }
        assert_eq!(c.stage(), CeremonyStage::Checking);
        for (m, id) in w.pokja.members.iter().zip(&ids) {
            let i = c.index_of(*m).expect("member");
            assert_eq!(member::verdict(&c, i, id), member::Verdict::Confirm);
            c = confirm(&member(*m, w.tenant), &c, now()).expect("confirmed").0;
        }
        let r = c.recipient().expect("complete").to_owned();
        assert_eq!(
            tender_x25519(&c).map(|k| seal::recipient_string(&k)),
            Some(r.clone())
        );
        // Each member's share matches its public verification share.
        for (m, id) in w.pokja.members.iter().zip(&ids) {
            let i = c.index_of(*m).expect("member");
            let s = member::share(&c, i, id).expect("share");
            let v = c.verification(i).and_then(seal::unhex32).expect("verification");
            assert_eq!(
                (curve25519_dalek::constants::ED25519_BASEPOINT_POINT * s)
                    .compress()
                    .to_bytes(),
                v
            );
        }
    }
}

/// What a member's own side computes, from what the server hands out: the same code for the CLI,
/// the demo and the tests.
pub mod member {
    use super::*;
    use curve25519_dalek::Scalar;
    use zeroize::Zeroize;

    /// A deal as the member posts it.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct DealRequest {
        /// Commitments (hex).
        pub commitments: Vec<String>,
        /// Sub-shares (base64 age files), one per member in order.
        pub sub_shares: Vec<String>,
    }

    /// The member's verdict on what it received.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(tag = "verdict", rename_all = "snake_case")]
    pub enum Verdict {
        /// Every sub-share matched.
        Confirm,
        /// A dealer's sub-share did not: the proof.
        Complain {
            /// The dealer's index.
            dealer: u16,
            /// The sub-share's file key (hex).
            file_key: String,
        },
    }

    /// Deals for member `index` of the ceremony.
    pub fn deal(c: &Ceremony, index: u16) -> Result<DealRequest, String> {
        let d = seal::deal(usize::from(c.threshold), c.members.len()).map_err(|e| e.to_string())?;
        let mut sub_shares = Vec::with_capacity(c.members.len());
        for (j, (m, s)) in c.members.iter().zip(&d.sub_shares).enumerate() {
            let mut msg = serde_json::to_vec(&SubShareMessage {
                ceremony: c.id,
                dealer: index,
                member: u16::try_from(j + 1).map_err(|e| e.to_string())?,
                sub_share: seal::hex32(&s.to_bytes()),
            })
            .map_err(|e| e.to_string())?;
            let ct = seal::encrypt_to(&[&m.recipient], &msg);
            msg.zeroize();
            sub_shares.push(base64::engine::general_purpose::STANDARD.encode(ct?));
        }
        Ok(DealRequest {
            commitments: d.commitments.iter().map(seal::hex32).collect(),
            sub_shares,
        })
    }

    /// The sub-share dealer `d` sent to member `index`, decrypted and checked; `Err` with the
    /// complaint when it does not hold.
    fn received(
        c: &Ceremony,
        d: &Dealing,
        index: u16,
        id: &age::x25519::Identity,
    ) -> Result<Scalar, Verdict> {
        let raw = usize::from(index)
            .checked_sub(1)
            .and_then(|j| d.sub_shares.get(j))
            .and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok())
            .unwrap_or_default();
        let complain = || Verdict::Complain {
            dealer: d.dealer,
            file_key: seal::reveal_file_key(id, &raw)
                .map(|k| seal::hex(&k))
                .unwrap_or_default(),
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

    /// Checks every sub-share member `index` received.
    pub fn verdict(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Verdict {
        for d in &c.dealings {
            if let Err(v) = received(c, d, index, id) {
                return v;
            }
        }
        Verdict::Confirm
    }

    /// The member's share, rebuilt from its sub-shares (checked again); zeroize after use.
    pub fn share(c: &Ceremony, index: u16, id: &age::x25519::Identity) -> Result<Scalar, String> {
        let mut parts = Vec::with_capacity(c.dealings.len());
        for d in &c.dealings {
            parts.push(
                received(c, d, index, id)
                    .map_err(|_| format!("the sub-share from dealer {} does not hold", d.dealer))?,
            );
        }
        let s = seal::member_share(&parts);
        parts.zeroize();
        Ok(s)
    }

    /// The member's partials for every point of every bid of the opening.
    pub fn partials(
        c: &Ceremony,
        o: &Opening,
        index: u16,
        id: &age::x25519::Identity,
    ) -> Result<Vec<Vec<PartialJson>>, String> {
        // What the server hands out is checked before the share is used: the ceremony is the
        // completed one the opening names, and the share rebuilt is the one the key was made with.
        if c.recipient().is_none() || o.ceremony_id != c.id {
            return Err("the opening does not belong to this tender's completed ceremony".into());
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
            return Err("your share does not match the ceremony's verification share".into());
        }
        let out = o
            .bids
            .iter()
            .map(|b| {
                b.points
                    .iter()
                    .map(|pt| {
                        let e = seal::unhex32(pt).ok_or("bad point")?;
                        seal::partial(&s, &e)
                            .map(PartialJson::from)
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<_>, String>>()
            })
            .collect();
        s.zeroize();
        out
    }
}
