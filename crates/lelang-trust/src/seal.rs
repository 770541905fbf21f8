//! Sealed bids that nobody can open alone (see SEALING.md).
//!
//! A bid is a standard age file encrypted to the tender's X25519 recipient `pk = s·B`. Nobody
//! holds `s`: the pokja deals it among themselves with Feldman VSS (every member deals a random
//! polynomial, `s` is the sum of the constant terms), member `i` ends with the share `s_i`, and at
//! opening contributes `D_i = s_i·E` for each bid's ephemeral share `E`, with a Chaum–Pedersen proof
//! that it used the same `s_i` as its public verification share `S_i = s_i·B`. Any `k` proven
//! partials interpolate to `s·E`, the X25519 shared secret the age stanza was wrapped under.
//!
//! Encodings are fixed so that other implementations (the browser bundle, outside verifiers) can
//! follow them: points are compressed Edwards-Y (32 bytes), scalars little-endian (32 bytes),
//! both lowercase hex in JSON.

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity as _, IsIdentity};
use sha2::{Digest, Sha512};
use std::cell::RefCell;
use std::io::Read;
use vsss_rs::curve25519::{WrappedEdwards, WrappedScalar};
use vsss_rs::{DefaultShare, FeldmanVerifierSet, IdentifierPrimeField, ReadableShareSet, ValueGroup};
use zeroize::Zeroize;

/// Why a sealing step failed. Each names what a member, a server or a verifier can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The threshold is not between 1 and the number of members, or there are too many members.
    #[error("threshold {threshold} of {members} members is not possible")]
    Threshold {
        /// k.
        threshold: usize,
        /// n.
        members: usize,
    },
    /// A value is not the encoding of a point of the prime-order group.
    #[error("not a valid point")]
    Point,
    /// A value is not a canonical scalar.
    #[error("not a valid scalar")]
    Scalar,
    /// A dealing has the wrong number of commitments.
    #[error("a dealing must commit to {expected} coefficients")]
    Commitments {
        /// k.
        expected: usize,
    },
    /// A sub-share does not match its dealer's commitments.
    #[error("the sub-share does not match the dealer's commitments")]
    BadSubShare,
    /// A partial decryption's proof does not hold.
    #[error("the partial decryption's proof does not hold")]
    BadProof,
    /// Fewer than `k` distinct partials.
    #[error("{have} partial decryptions, {need} needed")]
    TooFew {
        /// Given.
        have: usize,
        /// k.
        need: usize,
    },
    /// The combined secret is all zero (a crafted ephemeral share).
    #[error("the combined secret is degenerate")]
    Degenerate,
}

/// Hex of 32 bytes (points, scalars).
pub fn hex32(b: &[u8; 32]) -> String {
    hex(b)
}

/// Lowercase hex.
pub fn hex(b: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(H[usize::from(x >> 4)] as char);
        s.push(H[usize::from(x & 15)] as char);
    }
    s
}

/// 32 bytes from 64 hex digits (either case).
pub fn unhex32(s: &str) -> Option<[u8; 32]> {
    unhex(s)
}

/// N bytes from 2N hex digits (either case).
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.as_bytes();
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in s.chunks_exact(2).enumerate() {
        let d = |c: u8| (c as char).to_digit(16);
        out[i] = u8::try_from(d(pair[0])? * 16 + d(pair[1])?).ok()?;
    }
    Some(out)
}

/// A point from its compressed encoding, refused unless it is in the prime-order subgroup and not
/// the identity: the only points an honest member or encryptor ever produces.
pub fn point(bytes: &[u8; 32]) -> Result<EdwardsPoint, SealError> {
    let p = CompressedEdwardsY(*bytes).decompress().ok_or(SealError::Point)?;
    // One encoding per point, as the browser's library insists too.
    if p.compress().to_bytes() != *bytes || !p.is_torsion_free() || p.is_identity() {
        return Err(SealError::Point);
    }
    Ok(p)
}

/// A scalar from its canonical encoding.
pub fn scalar(bytes: &[u8; 32]) -> Result<Scalar, SealError> {
    Option::from(Scalar::from_canonical_bytes(*bytes)).ok_or(SealError::Scalar)
}

/// A uniformly random scalar from the operating system's generator.
pub fn random_scalar() -> Scalar {
    Scalar::random(&mut rand_core::OsRng)
}

/// The default threshold: a majority of the pokja.
pub fn default_threshold(members: usize) -> usize {
    members / 2 + 1
}

fn check_threshold(threshold: usize, members: usize) -> Result<(), SealError> {
    if threshold == 0 || threshold > members || members > 255 {
        return Err(SealError::Threshold { threshold, members });
    }
    Ok(())
}

type ScalarShare = DefaultShare<IdentifierPrimeField<WrappedScalar>, IdentifierPrimeField<WrappedScalar>>;
type PointShare = DefaultShare<IdentifierPrimeField<WrappedScalar>, ValueGroup<WrappedEdwards>>;

/// One member's deal: the Feldman commitments to its polynomial's coefficients (public) and the
/// sub-share for each member 1..=n (each to be encrypted to that member only).
pub struct Deal {
    /// `a_t·B` for t = 0..k; the first is this dealer's part of the tender key.
    pub commitments: Vec<[u8; 32]>,
    /// `f(j)` for j = 1..=n, in member order.
    pub sub_shares: Vec<Scalar>,
    /// The proof that the dealer knows `a_0` (bound to the context it was dealt for).
    pub knowledge: Knowledge,
}

impl Drop for Deal {
    fn drop(&mut self) {
        self.sub_shares.zeroize();
    }
}

/// Deals a fresh random polynomial of degree k−1 among n members (Feldman VSS, `vsss-rs`), with a
/// proof of knowledge of its constant term bound to `context` (see
/// `ceremony::knowledge_context`).
pub fn deal(threshold: usize, members: usize, context: &[u8]) -> Result<Deal, SealError> {
    check_threshold(threshold, members)?;
    let mut a0 = random_scalar();
    let knowledge = prove_knowledge(&a0, context);
    let secret = IdentifierPrimeField(WrappedScalar(a0));
    a0.zeroize();
    let (shares, verifiers) = vsss_rs::feldman::split_secret::<ScalarShare, ValueGroup<WrappedEdwards>>(
        threshold,
        members,
        &secret,
        None,
        rand_core::OsRng,
    )
    .map_err(|_| SealError::Threshold { threshold, members })?;
    let commitments = FeldmanVerifierSet::<ScalarShare, ValueGroup<WrappedEdwards>>::verifiers(&verifiers)
        .iter()
        .map(|v| v.0.0.compress().to_bytes())
        .collect();
    let mut sub_shares = Vec::with_capacity(members);
    for (j, share) in shares.iter().enumerate() {
        // vsss-rs numbers participants 1, 2, …; keep that order explicit.
        debug_assert_eq!(share.identifier.0.0, Scalar::from(j as u64 + 1));
        sub_shares.push(share.value.0.0);
    }
    Ok(Deal {
        commitments,
        sub_shares,
        knowledge,
    })
}

/// A dealing's commitments, decoded and checked: exactly k points of the prime-order group.
pub fn commitments(encoded: &[[u8; 32]], threshold: usize) -> Result<Vec<EdwardsPoint>, SealError> {
    if encoded.len() != threshold {
        return Err(SealError::Commitments { expected: threshold });
    }
    encoded.iter().map(point).collect()
}

fn verifier_set(commitments: &[EdwardsPoint]) -> Vec<ValueGroup<WrappedEdwards>> {
    let mut set = Vec::with_capacity(commitments.len() + 1);
    set.push(ValueGroup(WrappedEdwards(B)));
    set.extend(commitments.iter().map(|c| ValueGroup(WrappedEdwards(*c))));
    set
}

/// Whether the sub-share a dealer sent to member `index` (1-based) lies on its committed
/// polynomial: `f(j)·B = Σ C_t·j^t` (checked by `vsss-rs`).
pub fn verify_sub_share(
    commitments: &[EdwardsPoint],
    index: u32,
    sub_share: &Scalar,
) -> Result<(), SealError> {
    let share = ScalarShare {
        identifier: IdentifierPrimeField(WrappedScalar(Scalar::from(index))),
        value: IdentifierPrimeField(WrappedScalar(*sub_share)),
    };
    FeldmanVerifierSet::<ScalarShare, ValueGroup<WrappedEdwards>>::verify_share(
        &verifier_set(commitments),
        &share,
    )
    .map_err(|_| SealError::BadSubShare)
}

/// `Σ_t C_t·j^t`: what member j's sub-share from this dealer must be, times B.
fn evaluate(commitments: &[EdwardsPoint], index: u32) -> EdwardsPoint {
    let x = Scalar::from(index);
    commitments
        .iter()
        .rev()
        .fold(EdwardsPoint::identity(), |acc, c| acc * x + c)
}

/// The tender's key as the completed ceremony determines it: the public key and each member's
/// verification share, both from the qualified dealers' commitments alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupKey {
    /// `pk = Σ_i C_i0`.
    pub public: EdwardsPoint,
    /// `S_j = Σ_i f_i(j)·B` for j = 1..=n.
    pub verification: Vec<EdwardsPoint>,
}

impl GroupKey {
    /// Combines every dealer's commitments for n members.
    pub fn from_dealings(dealings: &[Vec<EdwardsPoint>], members: usize) -> Result<Self, SealError> {
        let public = dealings
            .iter()
            .map(|c| c.first().copied().ok_or(SealError::Point))
            .sum::<Result<EdwardsPoint, _>>()?;
        if public.is_identity() {
            return Err(SealError::Point);
        }
        let verification = (1..=members)
            .map(|j| {
                let j = u32::try_from(j).map_err(|_| SealError::Threshold {
                    threshold: 0,
                    members,
                })?;
                Ok(dealings.iter().map(|c| evaluate(c, j)).sum())
            })
            .collect::<Result<_, SealError>>()?;
        Ok(GroupKey { public, verification })
    }

    /// The X25519 public key (Montgomery u) an age sender encrypts to.
    pub fn x25519(&self) -> [u8; 32] {
        self.public.to_montgomery().to_bytes()
    }

    /// The age recipient string (`age1…`).
    pub fn recipient(&self) -> String {
        recipient_string(&self.x25519())
    }
}

/// Bech32 "age1…" for an X25519 public key, as `age-keygen` prints it.
pub fn recipient_string(x25519: &[u8; 32]) -> String {
    // "age" is a valid human-readable part; parsing a constant cannot fail.
    let hrp = bech32::Hrp::parse_unchecked("age");
    age_core::primitives::bech32_encode(hrp, x25519)
}

/// A member's share: the sum of the sub-shares every dealer sent it.
pub fn member_share(sub_shares: &[Scalar]) -> Scalar {
    sub_shares.iter().sum()
}

/// The Edwards point with Montgomery u-coordinate `u` and sign 0, refused unless it lies in the
/// prime-order group: a crafted small-order component would leak bits of the member's share.
pub fn lift(u: &[u8; 32]) -> Result<EdwardsPoint, SealError> {
    let p = MontgomeryPoint(*u).to_edwards(0).ok_or(SealError::Point)?;
    if !p.is_torsion_free() || p.is_identity() {
        return Err(SealError::Point);
    }
    Ok(p)
}

/// One member's partial decryption of one ephemeral share, with its proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    /// `D = s_i·E` (compressed).
    pub d: [u8; 32],
    /// Chaum–Pedersen challenge.
    pub c: [u8; 32],
    /// Response `z = r + c·s_i`.
    pub z: [u8; 32],
}

/// The proofs' domain; the context that follows it binds a proof to its ceremony, tender and bid
/// (or complaint), so that no proof can be replayed elsewhere.
const DLEQ_DOMAIN: &[u8] = b"lelang/seal/dleq/v2\n";

fn challenge(
    context: &[u8],
    s: &EdwardsPoint,
    e: &EdwardsPoint,
    d: &EdwardsPoint,
    a1: &EdwardsPoint,
    a2: &EdwardsPoint,
) -> Scalar {
    let mut h = Sha512::new();
    h.update(DLEQ_DOMAIN);
    h.update(context);
    for p in [B, *s, *e, *d, *a1, *a2] {
        h.update(p.compress().as_bytes());
    }
    Scalar::from_hash(h)
}

/// Member i's partial for the ephemeral share `e_u` (Montgomery u from the age stanza), with a
/// proof that `log_B(S_i) = log_E(D)` bound to `context` (see [`opening_context`]).
pub fn partial(share: &Scalar, e_u: &[u8; 32], context: &[u8]) -> Result<Partial, SealError> {
    let e = lift(e_u)?;
    let s = B * share;
    let d = e * share;
    let mut r = random_scalar();
    let (a1, a2) = (B * r, e * r);
    let c = challenge(context, &s, &e, &d, &a1, &a2);
    let z = r + c * share;
    r.zeroize();
    Ok(Partial {
        d: d.compress().to_bytes(),
        c: c.to_bytes(),
        z: z.to_bytes(),
    })
}

/// Checks a partial against the member's verification share; the point it proves on success.
pub fn verify_partial(
    p: &Partial,
    verification: &EdwardsPoint,
    e_u: &[u8; 32],
    context: &[u8],
) -> Result<EdwardsPoint, SealError> {
    let e = lift(e_u).map_err(|_| SealError::BadProof)?;
    let d = point(&p.d).map_err(|_| SealError::BadProof)?;
    let c = scalar(&p.c).map_err(|_| SealError::BadProof)?;
    let z = scalar(&p.z).map_err(|_| SealError::BadProof)?;
    let a1 = B * z - verification * c;
    let a2 = e * z - d * c;
    if challenge(context, verification, &e, &d, &a1, &a2) == c {
        Ok(d)
    } else {
        Err(SealError::BadProof)
    }
}

/// Interpolates verified partials `(member index, D_i)` at zero: `s·E`, as the X25519 shared
/// secret (Montgomery u). Needs at least `threshold` distinct members; uses the first k.
pub fn combine(partials: &[(u32, EdwardsPoint)], threshold: usize) -> Result<[u8; 32], SealError> {
    let mut seen = std::collections::BTreeMap::new();
    for (i, d) in partials {
        if *i > 0 {
            seen.entry(*i).or_insert(*d);
        }
    }
    if seen.len() < threshold {
        return Err(SealError::TooFew {
            have: seen.len(),
            need: threshold,
        });
    }
    let shares: Vec<PointShare> = seen
        .into_iter()
        .take(threshold)
        .map(|(i, d)| PointShare {
            identifier: IdentifierPrimeField(WrappedScalar(Scalar::from(i))),
            value: ValueGroup(WrappedEdwards(d)),
        })
        .collect();
    let combined = shares.combine().map_err(|_| SealError::Degenerate)?;
    let shared = combined.0.0.to_montgomery().to_bytes();
    if shared == [0u8; 32] {
        return Err(SealError::Degenerate);
    }
    Ok(shared)
}

/// Why a sealed bid did not open. Each is reported as it is, so a vendor knows exactly why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Not an age file, or its header is broken.
    #[error("malformed header")]
    MalformedHeader,
    /// No X25519 stanza of the header is for this tender's key.
    #[error("not encrypted to this tender")]
    NotForThisTender,
    /// The header opened but the payload is corrupt or truncated.
    #[error("the payload does not decrypt: {0}")]
    Payload(String),
}

/// The longest age header read from a bid. age's own reader grows its buffer until the header
/// ends and parses it anew at each step, so a header of many megabytes would cost memory and
/// quadratic time; a bid's header holds a few stanzas of about a hundred bytes each.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// The most stanzas a bid's header may hold.
pub const MAX_HEADER_STANZAS: usize = 32;

/// Reads a bid's header (at most [`MAX_HEADER_BYTES`], at most [`MAX_HEADER_STANZAS`] stanzas)
/// before age does, and gives age the same bytes again followed by the rest of the file —
/// buffered, so that age reads the header a line at a time rather than a byte at a time (its
/// parser starts over after each read).
fn bounded_header<R: Read>(mut bid: R) -> Result<impl std::io::BufRead, OpenError> {
    let mut head = Vec::with_capacity(4096);
    (&mut bid)
        .take(MAX_HEADER_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|_| OpenError::MalformedHeader)?;
    let end = head
        .windows(5)
        .position(|w| w == b"\n--- ")
        .and_then(|at| {
            head[at + 1..]
                .iter()
                .position(|b| *b == b'\n')
                .map(|n| at + 1 + n)
        })
        .ok_or(OpenError::MalformedHeader)?;
    let stanzas = head[..end].windows(4).filter(|w| *w == b"\n-> ").count();
    if stanzas > MAX_HEADER_STANZAS {
        return Err(OpenError::MalformedHeader);
    }
    Ok(std::io::BufReader::new(std::io::Cursor::new(head).chain(bid)))
}

const X25519_TAG: &str = "X25519";
const X25519_LABEL: &[u8] = b"age-encryption.org/v1/X25519";
/// At most this many X25519 stanzas per bid are worked on (a vendor may add its own key).
pub const MAX_STANZAS: usize = 8;

fn ephemeral(stanza: &Stanza) -> Option<[u8; 32]> {
    use base64::Engine as _;
    if stanza.tag != X25519_TAG || stanza.args.len() != 1 || stanza.body.len() != 32 {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(stanza.args[0].as_bytes())
        .ok()?;
    raw.try_into().ok()
}

/// Collects the ephemeral shares of a header's X25519 stanzas (and opens nothing).
struct Collector(RefCell<Vec<[u8; 32]>>);

impl age::Identity for Collector {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        if let Some(e) = ephemeral(stanza) {
            let mut v = self.0.borrow_mut();
            if v.len() < MAX_STANZAS && lift(&e).is_ok() {
                v.push(e);
            }
        }
        None
    }
}

/// The ephemeral shares of a bid's X25519 stanzas: what the members compute partials for. Reads
/// only the header. Shares that are not in the prime-order group are left out (no honest age
/// encryptor makes one, and a partial on one would leak bits of the share).
pub fn ephemeral_shares<R: Read>(bid: R) -> Result<Vec<[u8; 32]>, OpenError> {
    let dec = age::Decryptor::new_buffered(bounded_header(bid)?).map_err(|_| OpenError::MalformedHeader)?;
    if dec.is_scrypt() {
        return Err(OpenError::NotForThisTender);
    }
    let c = Collector(RefCell::new(Vec::new()));
    let _ = dec.decrypt(std::iter::once(&c as &dyn age::Identity));
    let v = c.0.into_inner();
    if v.is_empty() {
        return Err(OpenError::NotForThisTender);
    }
    Ok(v)
}

/// Unwraps the file key of the X25519 stanzas whose combined shared secrets are known.
struct Combined {
    pk: [u8; 32],
    shared: Vec<([u8; 32], [u8; 32])>,
}

impl age::Identity for Combined {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let e = ephemeral(stanza)?;
        let (_, shared) = self.shared.iter().find(|(x, _)| *x == e)?;
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(&e);
        salt[32..].copy_from_slice(&self.pk);
        let mut key = age_core::primitives::hkdf(&salt, X25519_LABEL, shared);
        let body: [u8; 32] = stanza.body.as_slice().try_into().ok()?;
        let out = age_core::primitives::aead_decrypt(&key, 16, &body).ok();
        key.zeroize();
        let mut fk = out?;
        let r = FileKey::try_init_with_mut(|k| {
            k.copy_from_slice(&fk);
            Ok::<_, age::DecryptError>(())
        });
        fk.zeroize();
        Some(r)
    }
}

/// Opens a bid with the combined shared secrets of its stanzas (`(E, s·E)` pairs) and the
/// tender's X25519 key: a reader of the plaintext, which fails on a corrupt payload.
pub fn open<R: Read>(
    bid: R,
    tender_x25519: [u8; 32],
    shared: Vec<([u8; 32], [u8; 32])>,
) -> Result<impl Read + use<R>, OpenError> {
    let dec = age::Decryptor::new_buffered(bounded_header(bid)?).map_err(|_| OpenError::MalformedHeader)?;
    let id = Combined {
        pk: tender_x25519,
        shared,
    };
    dec.decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => OpenError::NotForThisTender,
            age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => OpenError::MalformedHeader,
            other => OpenError::Payload(other.to_string()),
        })
}

/// Encrypts bytes to age recipients (`age1…`): a member's sub-shares, a test's bids.
pub fn encrypt_to(recipients: &[&str], plaintext: &[u8]) -> Result<Vec<u8>, String> {
    let parsed = recipients
        .iter()
        .map(|r| r.parse::<age::x25519::Recipient>().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let enc = age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut w = enc.wrap_output(&mut out).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut w, plaintext).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// Decrypts an age file with a member's identity (`AGE-SECRET-KEY-1…`).
pub fn decrypt_with(identity: &age::x25519::Identity, ciphertext: &[u8]) -> Result<Vec<u8>, String> {
    let dec = age::Decryptor::new(ciphertext).map_err(|e| e.to_string())?;
    let mut r = dec
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Encrypts a member's identity under a passphrase only they know (age scrypt, armored), for
/// keeping on the server.
pub fn seal_identity(identity: &age::x25519::Identity, passphrase: &str) -> Result<String, String> {
    // 2^18, age's usual cost, and within what the browser's age library accepts (≤ 2^20); age's
    // own calibration could pick more on a fast machine.
    seal_identity_with(identity, passphrase, Some(18))
}

/// The same with a fixed scrypt work factor (log2 N) instead of age's one-second calibration: only
/// for demo data, whose passphrase is public anyway.
pub fn seal_identity_with(
    identity: &age::x25519::Identity,
    passphrase: &str,
    work_factor: Option<u8>,
) -> Result<String, String> {
    let mut r = age::scrypt::Recipient::new(age::secrecy::SecretString::from(passphrase.to_owned()));
    if let Some(w) = work_factor {
        r.set_work_factor(w);
    }
    let enc = age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|e| e.to_string())?;
    let mut w = enc.wrap_output(armor).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut w, identity.to_string().expose_secret().as_bytes())
        .map_err(|e| e.to_string())?;
    w.finish().and_then(|a| a.finish()).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// The member's identity back from its passphrase-sealed form.
pub fn unseal_identity(sealed: &str, passphrase: &str) -> Result<age::x25519::Identity, String> {
    let reader = age::armor::ArmoredReader::new(sealed.as_bytes());
    let dec = age::Decryptor::new(reader).map_err(|e| e.to_string())?;
    let mut id = age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
    id.set_max_work_factor(22);
    let mut r = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let mut s = String::new();
    r.read_to_string(&mut s).map_err(|e| e.to_string())?;
    let parsed = s
        .trim()
        .parse::<age::x25519::Identity>()
        .map_err(|e| e.to_string());
    s.zeroize();
    parsed
}

/// Whether `s` is an age X25519 recipient (`age1…`).
pub fn valid_recipient(s: &str) -> bool {
    s.parse::<age::x25519::Recipient>().is_ok()
}

/// Whether `s` is an armored age file sealed under a passphrase (scrypt), as a member's identity
/// is kept on the server.
pub fn is_passphrase_sealed(s: &str) -> bool {
    let reader = age::armor::ArmoredReader::new(s.as_bytes());
    age::Decryptor::new(reader).is_ok_and(|d| d.is_scrypt())
}

/// Hands one known file key to age, for a stanza of any kind.
struct KnownFileKey([u8; 16]);

impl age::Identity for KnownFileKey {
    fn unwrap_stanza(&self, _stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        Some(Ok(FileKey::init_with_mut(|k| k.copy_from_slice(&self.0))))
    }
}

/// Records the file key an identity unwraps.
struct Revealing<'a> {
    inner: &'a age::x25519::Identity,
    key: RefCell<Option<[u8; 16]>>,
}

impl age::Identity for Revealing<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let r = age::Identity::unwrap_stanza(self.inner, stanza)?;
        if let Ok(k) = &r {
            *self.key.borrow_mut() = Some(*k.expose_secret());
        }
        Some(r)
    }
}

/// The file key of an age file encrypted to `identity`: what a member reveals to prove that a
/// dealer sent it a bad sub-share, without revealing its identity. Anyone can then decrypt that one
/// file (and only it) with [`open_with_file_key`].
pub fn reveal_file_key(identity: &age::x25519::Identity, ciphertext: &[u8]) -> Result<[u8; 16], String> {
    let dec = age::Decryptor::new(ciphertext).map_err(|e| e.to_string())?;
    let id = Revealing {
        inner: identity,
        key: RefCell::new(None),
    };
    // The key counts once the header's MAC holds with it, even if the payload then fails: a
    // corrupt payload is the dealer's doing and must be provable too.
    let mut r = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let _ = std::io::copy(&mut r, &mut std::io::sink());
    id.key.into_inner().ok_or_else(|| "no key".to_owned())
}

/// Why a revealed file key did not give a plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileKeyError {
    /// The key is not this file's (its header's MAC fails), or the file is not age.
    #[error("the key is not this file's")]
    WrongKey,
    /// The key is the file's, but the payload is corrupt: whoever made the file made it so.
    #[error("the file's payload is corrupt")]
    Payload,
}

/// Decrypts an age file with its revealed file key; fails unless the key is the file's own (age
/// checks the header's MAC with it, and the payload is authenticated).
pub fn open_with_file_key(ciphertext: &[u8], file_key: &[u8; 16]) -> Result<Vec<u8>, FileKeyError> {
    let dec = age::Decryptor::new(ciphertext).map_err(|_| FileKeyError::WrongKey)?;
    let id = KnownFileKey(*file_key);
    let mut r = dec
        .decrypt(std::iter::once(&id as &dyn age::Identity))
        .map_err(|_| FileKeyError::WrongKey)?;
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(|_| FileKeyError::Payload)?;
    Ok(out)
}

/// The domain of a dealer's proof of knowledge.
const POK_DOMAIN: &[u8] = b"lelang/seal/pok/v1\n";

/// A proof of knowledge of the discrete log of a dealer's first commitment `A0 = a0·B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Knowledge {
    /// `R = r·B`, compressed.
    pub r: [u8; 32],
    /// `z = r + c·a0`.
    pub z: [u8; 32],
}

fn pok_challenge(context: &[u8], a0: &EdwardsPoint, r: &EdwardsPoint) -> Scalar {
    let mut h = Sha512::new();
    h.update(POK_DOMAIN);
    h.update(context);
    h.update(a0.compress().as_bytes());
    h.update(r.compress().as_bytes());
    Scalar::from_hash(h)
}

/// Proves knowledge of `a0`, bound to `context` (the ceremony, the dealer and its signing key).
pub fn prove_knowledge(a0: &Scalar, context: &[u8]) -> Knowledge {
    let mut r = random_scalar();
    let big_r = B * r;
    let c = pok_challenge(context, &(B * a0), &big_r);
    let z = r + c * a0;
    r.zeroize();
    Knowledge {
        r: big_r.compress().to_bytes(),
        z: z.to_bytes(),
    }
}

/// Checks a proof of knowledge of `a0` for the commitment `a0_commitment`.
pub fn verify_knowledge(
    a0_commitment: &EdwardsPoint,
    k: &Knowledge,
    context: &[u8],
) -> Result<(), SealError> {
    let r = point(&k.r).map_err(|_| SealError::BadProof)?;
    let z = scalar(&k.z).map_err(|_| SealError::BadProof)?;
    let c = pok_challenge(context, a0_commitment, &r);
    if B * z == r + a0_commitment * c {
        Ok(())
    } else {
        Err(SealError::BadProof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_past_its_bounds_is_refused_before_age_reads_it() {
        let stanza = "-> X25519 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
        // Megabytes of stanzas and no end: refused having read 8 KiB.
        let endless = format!("age-encryption.org/v1\n{}", stanza.repeat(20_000));
        let t = std::time::Instant::now();
        assert!(matches!(
            ephemeral_shares(endless.as_bytes()),
            Err(OpenError::MalformedHeader)
        ));
        assert!(
            t.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            t.elapsed()
        );
        // Within 16 KiB but too many stanzas.
        let many = format!(
            "age-encryption.org/v1\n{}--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\npayload",
            stanza.repeat(MAX_HEADER_STANZAS + 1)
        );
        assert!(many.len() < MAX_HEADER_BYTES);
        assert!(matches!(
            ephemeral_shares(many.as_bytes()),
            Err(OpenError::MalformedHeader)
        ));
        // A real bid's header passes the bound and is read by age as before.
        let pk = age::x25519::Identity::generate().to_public().to_string();
        let bid = encrypt_to(&[pk.as_str()], b"penawaran").expect("seal");
        assert_eq!(ephemeral_shares(bid.as_slice()).expect("shares").len(), 1);
    }

    /// A full ceremony among n members in memory; returns the group key and each member's share.
    fn ceremony(k: usize, n: usize) -> (GroupKey, Vec<Scalar>) {
        let deals: Vec<Deal> = (0..n).map(|_| deal(k, n, b"").unwrap()).collect();
        let mut dealt = Vec::new();
        for d in &deals {
            let c = commitments(&d.commitments, k).unwrap();
            for (j, s) in d.sub_shares.iter().enumerate() {
                verify_sub_share(&c, j as u32 + 1, s).unwrap();
            }
            dealt.push(c);
        }
        let key = GroupKey::from_dealings(&dealt, n).unwrap();
        let shares: Vec<Scalar> = (0..n)
            .map(|j| member_share(&deals.iter().map(|d| d.sub_shares[j]).collect::<Vec<_>>()))
            .collect();
        for (j, s) in shares.iter().enumerate() {
            assert_eq!(B * s, key.verification[j]);
        }
        (key, shares)
    }

    #[test]
    fn any_k_partials_open_what_age_sealed_and_k_minus_1_do_not() {
        let (key, shares) = ceremony(3, 5);
        let recipient = key.recipient();
        assert!(recipient.parse::<age::x25519::Recipient>().is_ok());
        let bid = encrypt_to(&[&recipient], b"harga penawaran: Rp 1.000.000").unwrap();
        let es = ephemeral_shares(bid.as_slice()).unwrap();
        assert_eq!(es.len(), 1);
        let e = es[0];
        for members in [[1u32, 2, 3], [2, 4, 5], [5, 1, 3]] {
            let ds: Vec<(u32, EdwardsPoint)> = members
                .iter()
                .map(|&i| {
                    let p = partial(&shares[i as usize - 1], &e, b"ctx\n").unwrap();
                    (
                        i,
                        verify_partial(&p, &key.verification[i as usize - 1], &e, b"ctx\n").unwrap(),
                    )
                })
                .collect();
            let shared = combine(&ds, 3).unwrap();
            let mut r = open(bid.as_slice(), key.x25519(), vec![(e, shared)]).unwrap();
            let mut out = Vec::new();
            r.read_to_end(&mut out).unwrap();
            assert_eq!(out, b"harga penawaran: Rp 1.000.000");
            assert_eq!(combine(&ds[..2], 3), Err(SealError::TooFew { have: 2, need: 3 }));
            // Two members' right partials with a third that is off (a wrong point passed as a
            // member's) give a secret that does not unwrap.
            let mut wrong = ds.clone();
            wrong[2].1 = wrong[1].1;
            let bad = combine(&wrong, 3).unwrap();
            assert!(matches!(
                open(bid.as_slice(), key.x25519(), vec![(e, bad)]),
                Err(OpenError::NotForThisTender)
            ));
        }
    }

    #[test]
    fn a_forged_proof_or_another_members_share_is_refused() {
        let (key, shares) = ceremony(2, 3);
        let bid = encrypt_to(&[&key.recipient()], b"x").unwrap();
        let e = ephemeral_shares(bid.as_slice()).unwrap()[0];
        let good = partial(&shares[0], &e, b"ctx\n").unwrap();
        assert!(verify_partial(&good, &key.verification[0], &e, b"ctx\n").is_ok());
        // Bound to its context: the same proof for another bid or ceremony does not hold.
        assert_eq!(
            verify_partial(&good, &key.verification[0], &e, b"other\n"),
            Err(SealError::BadProof)
        );
        // Member 1's honest partial does not pass as member 2's.
        assert_eq!(
            verify_partial(&good, &key.verification[1], &e, b"ctx\n"),
            Err(SealError::BadProof)
        );
        // A D from a different scalar with the proof kept.
        let mut forged = good;
        forged.d = (lift(&e).unwrap() * random_scalar()).compress().to_bytes();
        assert_eq!(
            verify_partial(&forged, &key.verification[0], &e, b"ctx\n"),
            Err(SealError::BadProof)
        );
        let mut flipped = good;
        flipped.z[0] ^= 1;
        assert_eq!(
            verify_partial(&flipped, &key.verification[0], &e, b"ctx\n"),
            Err(SealError::BadProof)
        );
    }

    #[test]
    fn a_sub_share_off_the_polynomial_is_caught() {
        let d = deal(2, 3, b"ctx\n").unwrap();
        let a0 = commitments(&d.commitments, 2).unwrap()[0];
        assert!(verify_knowledge(&a0, &d.knowledge, b"ctx\n").is_ok());
        let c = commitments(&d.commitments, 2).unwrap();
        assert!(verify_sub_share(&c, 2, &d.sub_shares[1]).is_ok());
        assert_eq!(
            verify_sub_share(&c, 2, &d.sub_shares[0]),
            Err(SealError::BadSubShare)
        );
        assert_eq!(
            verify_sub_share(&c, 2, &(d.sub_shares[1] + Scalar::ONE)),
            Err(SealError::BadSubShare)
        );
        assert_eq!(
            commitments(&d.commitments[..1], 2).err(),
            Some(SealError::Commitments { expected: 2 })
        );
    }

    #[test]
    fn small_order_and_garbage_points_are_refused_before_any_partial() {
        // u = 0 is a point of order 4 on Curve25519; u = 1 is not on the twist's usable part.
        assert!(partial(&Scalar::ONE, &[0u8; 32], b"").is_err());
        let mut u1 = [0u8; 32];
        u1[0] = 1;
        assert!(partial(&Scalar::ONE, &u1, b"").is_err());
        assert!(ephemeral_shares(&b"not an age file"[..]).is_err());
        assert!(check_threshold(0, 3).is_err() && check_threshold(4, 3).is_err());
        assert_eq!(default_threshold(3), 2);
        assert_eq!(default_threshold(5), 3);
        assert_eq!(default_threshold(4), 3);
    }

    #[test]
    fn identities_sealed_under_a_passphrase_come_back_only_with_it() {
        let id = age::x25519::Identity::generate();
        let sealed = seal_identity(&id, "kata sandi panjang sekali").unwrap();
        assert!(sealed.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
        let back = unseal_identity(&sealed, "kata sandi panjang sekali").unwrap();
        assert_eq!(back.to_public().to_string(), id.to_public().to_string());
        assert!(unseal_identity(&sealed, "salah").is_err());
    }

    #[test]
    fn a_revealed_file_key_opens_that_file_only() {
        let id = age::x25519::Identity::generate();
        let r = id.to_public().to_string();
        let a = encrypt_to(&[&r], b"sub-share a").unwrap();
        let b = encrypt_to(&[&r], b"sub-share b").unwrap();
        let k = reveal_file_key(&id, &a).unwrap();
        assert_eq!(open_with_file_key(&a, &k).unwrap(), b"sub-share a");
        assert_eq!(open_with_file_key(&b, &k), Err(FileKeyError::WrongKey));
        // A corrupt payload under a good header: the key is still revealed, and the corruption shows.
        let mut bad = a.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let kb = reveal_file_key(&id, &bad).unwrap();
        assert_eq!(open_with_file_key(&bad, &kb), Err(FileKeyError::Payload));
        // y = p + 1 encodes the identity non-canonically: refused.
        let mut y = [0xffu8; 32];
        y[0] = 0xee;
        y[31] = 0x7f;
        assert!(point(&y).is_err());
        assert!(valid_recipient(&r) && !valid_recipient("age1xyz"));
        let sealed = seal_identity(&id, "rahasia sekali").unwrap();
        assert!(is_passphrase_sealed(&sealed) && !is_passphrase_sealed(&r));
    }

    #[test]
    fn hex_round_trips() {
        let b = [0xabu8; 32];
        assert_eq!(unhex32(&hex32(&b)), Some(b));
        assert_eq!(unhex32("zz"), None);
    }
}
