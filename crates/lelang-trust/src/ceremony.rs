//! What makes a key ceremony trustworthy without trusting the server that relays it
//! (SEALING.md, "Threat model"): each member's Ed25519 signing key, derived from its own age
//! identity so there is still only one secret to keep; a Schnorr proof that each dealer knows its
//! constant term (as FROST's key generation does), so no last dealer can steer the tender key; and
//! a member's proof of the X25519 secret it shares with a sub-share's sender, so a dealer whose
//! sub-share does not even decrypt is named. The statements these sign are built in
//! `lelang-core::sealing::transcript`.

use crate::seal::{self, Partial};
pub use crate::seal::{Knowledge, prove_knowledge, verify_knowledge};
use age::secrecy::ExposeSecret;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT as B;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

const SIGNING_DOMAIN: &[u8] = b"lelang/seal/signing/v1\n";

/// A member's signing key: `SHA-256("lelang/seal/signing/v1\n" ‖ identity)` as an Ed25519 seed.
/// Whoever holds the identity (a file, or the passphrase-sealed copy) holds this key too.
pub fn signing_key(identity: &age::x25519::Identity) -> SigningKey {
    let mut h = Sha256::new();
    h.update(SIGNING_DOMAIN);
    h.update(identity.to_string().expose_secret().as_bytes());
    let mut seed: [u8; 32] = h.finalize().into();
    let key = SigningKey::from_bytes(&seed);
    seed.zeroize();
    key
}

/// The public half of [`signing_key`], hex: what a member enrols beside its recipient.
pub fn signing_key_hex(identity: &age::x25519::Identity) -> String {
    seal::hex32(&signing_key(identity).verifying_key().to_bytes())
}

/// Signs a statement; the signature in hex.
pub fn sign(identity: &age::x25519::Identity, statement: &str) -> String {
    seal::hex(&signing_key(identity).sign(statement.as_bytes()).to_bytes())
}

/// Whether `signature` (hex) is `signing_key`'s (hex) over `statement`. Strict: no malleable or
/// small-order forms.
pub fn verify(signing_key: &str, statement: &str, signature: &str) -> bool {
    let (Some(k), Some(s)) = (seal::unhex32(signing_key), seal::unhex::<64>(signature)) else {
        return false;
    };
    VerifyingKey::from_bytes(&k).is_ok_and(|k| {
        k.verify_strict(statement.as_bytes(), &Signature::from_bytes(&s))
            .is_ok()
    })
}

/// Whether `s` is an Ed25519 public key (hex) that is not of small order.
pub fn valid_signing_key(s: &str) -> bool {
    seal::unhex32(s)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .is_some_and(|k| !k.is_weak())
}

/// The context a dealer's proof of knowledge is bound to.
pub fn knowledge_context(ceremony: &str, dealer: u16, signing_key: &str) -> String {
    format!("ceremony {ceremony}\ndealer {dealer}\nsigning-key {signing_key}\n")
}

/// The X25519 secret of an identity as a scalar mod ℓ (clamped as X25519 does): `x·B` is the
/// identity's public key in Edwards form.
fn identity_scalar(identity: &age::x25519::Identity) -> Option<Scalar> {
    let s = identity.to_string();
    let (_, mut data) = bech32::decode(s.expose_secret()).ok()?;
    let mut b: [u8; 32] = data.as_slice().try_into().ok()?;
    data.zeroize();
    b[0] &= 248;
    b[31] &= 127;
    b[31] |= 64;
    let x = Scalar::from_bytes_mod_order(b);
    b.zeroize();
    Some(x)
}

/// The one X25519 ephemeral share of a small age file (a sub-share), if its header holds exactly
/// one X25519 stanza whose share lies in the prime-order group. An honest sender's file always
/// does; anything else is the sender's doing.
pub fn single_ephemeral(file: &[u8]) -> Option<[u8; 32]> {
    use base64::Engine as _;
    let head = &file[..file.len().min(seal::MAX_HEADER_BYTES)];
    let end = head.windows(4).position(|w| w == b"\n---")?;
    let header = std::str::from_utf8(&head[..end]).ok()?;
    let mut shares = header.lines().filter_map(|l| l.strip_prefix("-> X25519 "));
    let (Some(arg), None) = (shares.next(), shares.next()) else {
        return None;
    };
    let raw = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(arg.trim())
        .ok()?;
    let e: [u8; 32] = raw.try_into().ok()?;
    seal::lift(&e).ok().map(|_| e)
}

/// What a member reveals about a sub-share it received: its own public point `x·B` (Edwards) and
/// `x·E` for the sub-share's ephemeral share `E`, with a proof bound to `context` that both use the
/// same `x`. From it anyone can unwrap that one file (and no other) without the member's identity.
pub fn reveal_shared(
    identity: &age::x25519::Identity,
    file: &[u8],
    context: &[u8],
) -> Option<([u8; 32], Partial)> {
    let e = single_ephemeral(file)?;
    let mut x = identity_scalar(identity)?;
    let p = seal::partial(&x, &e, context).ok();
    let point = (B * x).compress().to_bytes();
    x.zeroize();
    Some((point, p?))
}

/// Why a revealed shared secret did not give a plaintext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RevealError {
    /// The point is not the recipient's, or the proof does not hold: nothing is proven.
    #[error("the revealed secret is not the member's")]
    NotProven,
    /// The file's header has no single X25519 stanza with a valid share: its sender made it so.
    #[error("the file is not sealed to one recipient")]
    NotSealedToOne,
    /// The member's secret does not unwrap the file: it was not sealed to the member.
    #[error("the file is not sealed to the member")]
    NotForMember,
    /// The file unwraps but its payload is corrupt.
    #[error("the file's payload is corrupt")]
    Payload,
}

/// Opens a sub-share with what its receiver revealed ([`reveal_shared`]), checking first that the
/// point is the receiver's recipient (`recipient`, `age1…`) and that the proof holds.
pub fn open_revealed(
    file: &[u8],
    recipient: &str,
    point: &[u8; 32],
    partial: &Partial,
    context: &[u8],
) -> Result<Vec<u8>, RevealError> {
    use std::io::Read as _;
    let e = single_ephemeral(file).ok_or(RevealError::NotSealedToOne)?;
    let pk: [u8; 32] = bech32::decode(recipient)
        .ok()
        .and_then(|(_, d)| d.try_into().ok())
        .ok_or(RevealError::NotProven)?;
    let x_b = seal::point(point).map_err(|_| RevealError::NotProven)?;
    if x_b.to_montgomery().to_bytes() != pk {
        return Err(RevealError::NotProven);
    }
    let d = seal::verify_partial(partial, &x_b, &e, context).map_err(|_| RevealError::NotProven)?;
    let shared = d.to_montgomery().to_bytes();
    let mut r = seal::open(file, pk, vec![(e, shared)]).map_err(|e| match e {
        seal::OpenError::Payload(_) => RevealError::Payload,
        _ => RevealError::NotForMember,
    })?;
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(|_| RevealError::Payload)?;
    Ok(out)
}

/// The scrypt work factor (log2 N) of a passphrase-sealed identity as age armors it, read from its
/// header; `None` when it is not one.
pub fn passphrase_work_factor(armored: &str) -> Option<u8> {
    use std::io::Read as _;
    let mut head = Vec::new();
    age::armor::ArmoredReader::new(armored.as_bytes())
        .take(512)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let mut scrypt = text.lines().filter_map(|l| l.strip_prefix("-> scrypt "));
    let (Some(args), None) = (scrypt.next(), scrypt.next()) else {
        return None;
    };
    args.split(' ').nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signing_key_is_the_identitys_and_signs_only_what_it_signed() {
        let id = age::x25519::Identity::generate();
        let k = signing_key_hex(&id);
        assert_eq!(k, signing_key_hex(&id), "derived, not random");
        assert!(valid_signing_key(&k) && !valid_signing_key(&"00".repeat(32)));
        let s = sign(&id, "lelang\n");
        assert!(verify(&k, "lelang\n", &s));
        assert!(!verify(&k, "lelang \n", &s));
        assert!(!verify(
            &signing_key_hex(&age::x25519::Identity::generate()),
            "lelang\n",
            &s
        ));
        assert!(!verify(&k, "lelang\n", "zz"));
    }

    #[test]
    fn knowledge_is_proven_for_its_commitment_and_context_only() {
        let a0 = seal::random_scalar();
        let k = prove_knowledge(&a0, b"ceremony x\ndealer 1\n");
        assert!(verify_knowledge(&(B * a0), &k, b"ceremony x\ndealer 1\n").is_ok());
        assert!(verify_knowledge(&(B * a0), &k, b"ceremony x\ndealer 2\n").is_err());
        assert!(verify_knowledge(&(B * seal::random_scalar()), &k, b"ceremony x\ndealer 1\n").is_err());
        let mut z = k;
        z.z[0] ^= 1;
        assert!(verify_knowledge(&(B * a0), &z, b"ceremony x\ndealer 1\n").is_err());
    }

    #[test]
    fn a_revealed_secret_opens_that_file_and_names_a_file_not_sealed_to_the_member() {
        let id = age::x25519::Identity::generate();
        let r = id.to_public().to_string();
        let file = seal::encrypt_to(&[&r], b"sub-share").expect("seal");
        let (point, p) = reveal_shared(&id, &file, b"ctx\n").expect("reveal");
        assert_eq!(
            open_revealed(&file, &r, &point, &p, b"ctx\n").as_deref(),
            Ok(&b"sub-share"[..])
        );
        assert_eq!(
            open_revealed(&file, &r, &point, &p, b"other\n"),
            Err(RevealError::NotProven)
        );
        let stranger = age::x25519::Identity::generate();
        assert_eq!(
            open_revealed(&file, &stranger.to_public().to_string(), &point, &p, b"ctx\n"),
            Err(RevealError::NotProven)
        );
        // Sealed to someone else: the member's proven secret does not unwrap it.
        let elsewhere = seal::encrypt_to(&[&stranger.to_public().to_string()], b"x").expect("seal");
        let (point, p) = reveal_shared(&id, &elsewhere, b"ctx\n").expect("reveal");
        assert_eq!(
            open_revealed(&elsewhere, &r, &point, &p, b"ctx\n"),
            Err(RevealError::NotForMember)
        );
        // Two stanzas, or none: not a sub-share for one member.
        let two = seal::encrypt_to(&[&r, &stranger.to_public().to_string()], b"x").expect("seal");
        assert_eq!(single_ephemeral(&two), None);
        assert_eq!(single_ephemeral(b"garbage"), None);
    }

    #[test]
    fn the_work_factor_of_a_sealed_identity_is_read_from_its_header() {
        let id = age::x25519::Identity::generate();
        let sealed = seal::seal_identity_with(&id, "kata sandi panjang", Some(10)).expect("seal");
        assert_eq!(passphrase_work_factor(&sealed), Some(10));
        assert_eq!(passphrase_work_factor("not armored"), None);
    }
}
