//! C2SP signed notes with Ed25519: the envelope of every checkpoint and receipt, readable by Go's
//! `golang.org/x/mod/sumdb/note` and the other tlog tools.
//!
//! A signed note is its text (ending in a newline), a blank line, and one line per signature:
//! `— <key name> <base64(key id ‖ signature)>`. The key id is the first four bytes of
//! SHA-256(name ‖ `\n` ‖ 0x01 ‖ public key).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte of Ed25519 keys in signed notes.
const ALG_ED25519: u8 = 0x01;

/// The longest note opened (C2SP signed-note: a verifier may refuse large notes).
pub const MAX_NOTE_BYTES: usize = 1024 * 1024;
/// The most signature lines a note may carry (C2SP signed-note's limit).
pub const MAX_SIGNATURES: usize = 100;

/// What went wrong with a key or a note.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// A key name with a space, a plus sign or nothing in it.
    #[error("invalid key name")]
    BadName,
    /// A key string that does not parse.
    #[error("malformed key")]
    BadKey,
    /// Text that is not a note (no final newline, control characters, no signature block).
    #[error("malformed note")]
    Malformed,
    /// No signature by the expected key.
    #[error("no signature by {0}")]
    NoSignature(String),
    /// The operating system could not supply random bytes for a new key.
    #[error("no randomness available")]
    NoRandomness,
    /// A signature by the expected key that does not verify.
    #[error("invalid signature by {0}")]
    BadSignature(String),
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A key that signs notes under a name (for lelang, the log's origin).
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// A signer from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadName);
        }
        Ok(Self {
            name: name.to_owned(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// A fresh key from the operating system's generator.
    pub fn generate(name: &str) -> Result<Self, NoteError> {
        let mut seed = [0u8; 32];
        getrandom(&mut seed)?;
        Self::from_seed(name, seed)
    }

    /// Parses the private key format of Go's `note.NewSigner`:
    /// `PRIVATE+KEY+<name>+<hex id>+<base64(0x01 ‖ seed)>`.
    pub fn from_key_string(s: &str) -> Result<Self, NoteError> {
        let rest = s.trim().strip_prefix("PRIVATE+KEY+").ok_or(NoteError::BadKey)?;
        // The name and the hex id never contain '+'; base64 may.
        let mut parts = rest.splitn(3, '+');
        let (name, id, b64) = (parts.next(), parts.next(), parts.next());
        let (Some(name), Some(id), Some(b64)) = (name, id, b64) else {
            return Err(NoteError::BadKey);
        };
        let raw = B64.decode(b64).map_err(|_| NoteError::BadKey)?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return Err(NoteError::BadKey);
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&raw[1..]);
        let signer = Self::from_seed(name, seed)?;
        if format!("{:08x}", u32::from_be_bytes(signer.id())) != id {
            return Err(NoteError::BadKey);
        }
        Ok(signer)
    }

    /// The private key string (keep it secret; it is what the key file holds).
    pub fn to_key_string(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(&self.key.to_bytes());
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            u32::from_be_bytes(self.id()),
            B64.encode(raw)
        )
    }

    fn public(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    fn id(&self) -> [u8; 4] {
        key_id(&self.name, &self.public())
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The verifier key string anyone can use to check this signer's notes:
    /// `<name>+<hex id>+<base64(0x01 ‖ public key)>`.
    pub fn verifier_key(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(&self.public());
        format!(
            "{}+{:08x}+{}",
            self.name,
            u32::from_be_bytes(self.id()),
            B64.encode(raw)
        )
    }

    /// Signs `text` (which must end with a newline) into a signed note.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.id().to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!("{text}\n\u{2014} {} {}\n", self.name, B64.encode(blob)))
    }

    /// Signs arbitrary bytes (for receipts that carry their own framing).
    pub fn sign_bytes(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed);
    }
    Ok(())
}

fn getrandom(buf: &mut [u8]) -> Result<(), NoteError> {
    getrandom::fill(buf).map_err(|_| NoteError::NoRandomness)
}

/// A verifier key parsed from its string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Parses `<name>+<hex id>+<base64(0x01 ‖ public key)>`, checking that the id matches.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let mut parts = vkey.trim().splitn(3, '+');
        let (name, id, b64) = (parts.next(), parts.next(), parts.next());
        let (Some(name), Some(id), Some(b64)) = (name, id, b64) else {
            return Err(NoteError::BadKey);
        };
        if !valid_name(name) || id.len() != 8 {
            return Err(NoteError::BadKey);
        }
        let raw = B64.decode(b64).map_err(|_| NoteError::BadKey)?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return Err(NoteError::BadKey);
        }
        let mut public = [0u8; 32];
        public.copy_from_slice(&raw[1..]);
        let key = VerifyingKey::from_bytes(&public).map_err(|_| NoteError::BadKey)?;
        let expected = key_id(name, &public);
        if format!("{:08x}", u32::from_be_bytes(expected)) != id {
            return Err(NoteError::BadKey);
        }
        Ok(Self {
            name: name.to_owned(),
            id: expected,
            key,
        })
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks a signed note and returns its text. Signatures by other keys are ignored (a note
    /// may be cosigned); one valid signature by this key is required.
    pub fn open<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        if note.len() > MAX_NOTE_BYTES {
            return Err(NoteError::Malformed);
        }
        let split = note.rfind("\n\n").ok_or(NoteError::Malformed)?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        check_text(text)?;
        if !sigs.ends_with('\n') {
            return Err(NoteError::Malformed);
        }
        if sigs.lines().count() > MAX_SIGNATURES {
            return Err(NoteError::Malformed);
        }
        let mut seen = false;
        for line in sigs.lines() {
            let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed)?;
            let (name, b64) = rest.split_once(' ').ok_or(NoteError::Malformed)?;
            let blob = B64.decode(b64).map_err(|_| NoteError::Malformed)?;
            if name != self.name || blob.len() < 4 || blob[..4] != self.id {
                continue;
            }
            seen = true;
            let sig =
                Signature::from_slice(&blob[4..]).map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            if self.key.verify(text.as_bytes(), &sig).is_ok() {
                return Ok(text);
            }
        }
        Err(if seen {
            NoteError::BadSignature(self.name.clone())
        } else {
            NoteError::NoSignature(self.name.clone())
        })
    }

    /// Verifies a detached signature made with [`NoteSigner::sign_bytes`].
    pub fn verify_bytes(&self, msg: &[u8], sig: &[u8]) -> bool {
        Signature::from_slice(sig).is_ok_and(|s| self.key.verify(msg, &s).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_past_their_bounds_are_refused_before_any_signature_is_checked() {
        let s = NoteSigner::from_seed("lelang.example/log", [7; 32]).expect("signer");
        let v = NoteVerifier::parse(&s.verifier_key()).expect("vkey");
        let note = s.sign("lelang.example/log\n3\nAAAA\n").expect("sign");
        let (text, sig) = note.split_once("\n\n").expect("two parts");
        let many = format!(
            "{text}\n\n{}{sig}",
            "\u{2014} other.example/log AAAAAAAA\n".repeat(MAX_SIGNATURES)
        );
        assert_eq!(v.open(&many), Err(NoteError::Malformed));
        let some = format!(
            "{text}\n\n{}{sig}",
            "\u{2014} other.example/log AAAAAAAA\n".repeat(3)
        );
        assert!(v.open(&some).is_ok(), "cosignatures by others are fine");
        let huge = format!("{}\n{note}", "x".repeat(MAX_NOTE_BYTES));
        assert_eq!(v.open(&huge), Err(NoteError::Malformed));
    }

    #[test]
    fn sign_open_and_tamper() {
        let s = NoteSigner::from_seed("lelang.example/log", [7; 32]).expect("signer");
        let v = NoteVerifier::parse(&s.verifier_key()).expect("vkey");
        let note = s.sign("lelang.example/log\n3\nAAAA\n").expect("sign");
        assert!(note.starts_with("lelang.example/log\n3\nAAAA\n\n\u{2014} lelang.example/log "));
        assert_eq!(v.open(&note), Ok("lelang.example/log\n3\nAAAA\n"));
        let flipped = note.replacen("\n3\n", "\n4\n", 1);
        assert_eq!(
            v.open(&flipped),
            Err(NoteError::BadSignature("lelang.example/log".into()))
        );
        let other = NoteSigner::from_seed("lelang.example/log", [8; 32]).expect("signer");
        assert!(matches!(
            NoteVerifier::parse(&other.verifier_key()).expect("v").open(&note),
            Err(NoteError::NoSignature(_))
        ));
        assert!(s.sign("no newline").is_err());
        let back = NoteSigner::from_key_string(&s.to_key_string()).expect("key string");
        assert_eq!(back.verifier_key(), s.verifier_key());
        assert!(
            format!("{s:?}").find(&s.to_key_string()).is_none(),
            "Debug never prints the key"
        );
    }

    #[test]
    fn keys_with_plus_in_their_base64_parse() {
        for seed in 0u8..64 {
            let s = NoteSigner::from_seed("log", [seed; 32]).expect("signer");
            let v = NoteVerifier::parse(&s.verifier_key()).expect("vkey parses");
            assert!(v.open(&s.sign("x\n").expect("sign")).is_ok());
            assert!(NoteSigner::from_key_string(&s.to_key_string()).is_ok());
        }
    }

    #[test]
    fn verifier_key_checks_its_id() {
        let s = NoteSigner::from_seed("log", [1; 32]).expect("signer");
        let vk = s.verifier_key();
        let parts: Vec<&str> = vk.split('+').collect();
        let wrong = format!("{}+00000000+{}", parts[0], parts[2]);
        assert_eq!(NoteVerifier::parse(&wrong), Err(NoteError::BadKey));
        assert!(NoteSigner::from_seed("bad name", [1; 32]).is_err());
    }
}
