//! A second factor for officials: time-based one-time passwords (TOTP, RFC 6238: HMAC-SHA1,
//! 30-second steps, six digits — what every authenticator app speaks) and single-use recovery
//! codes for a lost phone.
//!
//! Which officials must have one is the regency's choice (on by default) for the roles that can
//! change or read what others cannot: administrators, the ULP head, pokja members, auditors and
//! law enforcement; the platform administrator always. Anyone else may enrol. A code is accepted
//! once (the step it was used in is kept), from the step before to the step after the server's.
//!
//! Passkeys (WebAuthn) are not offered: the well-kept Rust implementation needs OpenSSL, which the
//! zero-setup promise and the lean build rule out for now.

use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{TenantId, UserId};
use crate::policy::{Action, Actor, Denied, authorize};
use crate::role::Role;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a TOTP secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// A TOTP secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub [u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Secret {
    /// The secret as authenticator apps take it: RFC 4648 base32, no padding.
    pub fn to_base32(&self) -> String {
        let mut out = String::with_capacity(32);
        let mut buf = 0u32;
        let mut bits = 0;
        for b in self.0 {
            buf = (buf << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                out.push(char::from(BASE32[((buf >> bits) & 31) as usize]));
            }
        }
        if bits > 0 {
            out.push(char::from(BASE32[((buf << (5 - bits)) & 31) as usize]));
        }
        out
    }

    /// Reads a base32 secret (spaces, hyphens and case ignored).
    pub fn from_base32(s: &str) -> Option<Self> {
        let mut out = Vec::with_capacity(SECRET_BYTES);
        let mut buf = 0u32;
        let mut bits = 0;
        for c in s.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
            let v = BASE32
                .iter()
                .position(|x| char::from(*x) == c.to_ascii_uppercase())?;
            buf = (buf << 5) | v as u32;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((buf >> bits) as u8);
            }
        }
        out.try_into().ok().map(Self)
    }

    /// The `otpauth://` address an authenticator app reads from a QR code.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
            enc(issuer),
            enc(account),
            self.to_base32(),
            enc(issuer)
        )
    }
}

/// The step of an instant.
pub fn step_at(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(STEP_SECONDS)
}

/// The six-digit code of a step (RFC 6238 over RFC 4226's dynamic truncation).
pub fn code(secret: &Secret, step: i64) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(&secret.0) else {
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let bin = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    bin % 1_000_000
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not six digits, or not the code of the step before, now or after.
    #[error("wrong code")]
    Wrong,
    /// The code of a step already used (a code is good once).
    #[error("code already used")]
    Replayed,
}

/// Checks a code typed at `now` against the secret; returns the step it belongs to, which must be
/// later than `last_step` (the step of the last code accepted).
pub fn check(
    secret: &Secret,
    typed: &str,
    now: OffsetDateTime,
    last_step: Option<i64>,
) -> Result<i64, CodeError> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::Wrong);
    }
    let typed: u32 = digits.parse().map_err(|_| CodeError::Wrong)?;
    let now = step_at(now);
    // Every candidate is computed and compared, whichever matches.
    let mut step = None;
    for s in [now, now - 1, now + 1] {
        if code(secret, s) == typed && step.is_none() {
            step = Some(s);
        }
    }
    let step = step.ok_or(CodeError::Wrong)?;
    if last_step.is_some_and(|l| step <= l) {
        return Err(CodeError::Replayed);
    }
    Ok(step)
}

/// A recovery code as it is stored: its SHA-256 (the codes carry 60 random bits each, so a fast
/// hash is enough), lowercase and without separators.
pub fn recovery_hash(code: &str) -> Vec<u8> {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(normal.as_bytes()).to_vec()
}

/// Recovery codes from random bytes: `xxxx-xxxx-xxxx` in lowercase base32, 60 bits each.
pub fn recovery_codes(random: &[u8; RECOVERY_CODES * 8]) -> Vec<String> {
    random
        .chunks(8)
        .map(|c| {
            let n = u64::from_be_bytes(c.try_into().unwrap_or([0; 8]));
            let s: String = (0..12)
                .map(|i| char::from(BASE32[((n >> (i * 5)) & 31) as usize]).to_ascii_lowercase())
                .collect();
            format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
        })
        .collect()
}

/// Whether a role must sign in with a second factor, given the regency's choice.
pub fn required(role: Role, regency_requires: bool) -> bool {
    match role {
        Role::PlatformAdmin => true,
        Role::TenantAdmin | Role::UlpHead | Role::PokjaMember | Role::Auditor | Role::LawEnforcement => {
            regency_requires
        }
        Role::CommitmentOfficer | Role::BudgetHolder | Role::Vendor => false,
    }
}

/// A user sets up a second factor (or replaces theirs) having shown a code of the new secret:
/// the secret and the recovery codes' hashes are stored, and the log says that it happened.
pub fn enrol(
    user: UserId,
    tenant: Option<TenantId>,
    secret: &Secret,
    recovery: &[String],
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    let event = NewEvent::new(
        cx,
        tenant,
        Some(user),
        None,
        &Event::SecondFactorEnrolled { user_id: user },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::SetSecondFactor {
            user_id: user,
            secret: secret.clone(),
            recovery_hashes: recovery.iter().map(|c| recovery_hash(c)).collect(),
            at: now,
        }],
    })
}

/// A user signs in with a recovery code instead of a TOTP code: the code is spent.
pub fn spend_recovery_code(
    user: UserId,
    tenant: Option<TenantId>,
    code: &str,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let now = cx.now;
    let event = NewEvent::new(
        cx,
        tenant,
        Some(user),
        None,
        &Event::RecoveryCodeUsed { user_id: user },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::SpendRecoveryCode {
            user_id: user,
            code_hash: recovery_hash(code),
            at: now,
        }],
    })
}

/// An administrator of the user's regency (or the platform's) removes a user's second factor —
/// a lost phone and spent recovery codes — so that the user enrols again at the next sign-in.
pub fn reset(
    actor: &Actor,
    user: UserId,
    user_tenant: Option<TenantId>,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    match user_tenant {
        Some(t) => authorize(actor, Action::ManageTenantUsers(t))?,
        None => authorize(actor, Action::ManageTenants)?,
    }
    let event = NewEvent::new(
        cx,
        user_tenant,
        Some(a.user_id),
        Some(a.role),
        &Event::SecondFactorReset { user_id: user },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::ClearSecondFactor { user_id: user }],
    })
}

/// A regency requires a second factor of its officials in the roles that need one, or not.
pub fn set_policy(
    actor: &Actor,
    tenant: TenantId,
    required: bool,
    cx: &Cx<'_>,
) -> Result<Change<Mutation>, CommandError> {
    authorize(actor, Action::ManageTenantUsers(tenant))?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    let event = NewEvent::new(
        cx,
        Some(tenant),
        Some(a.user_id),
        Some(a.role),
        &Event::SecondFactorPolicySet {
            tenant_id: tenant,
            required,
        },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::SetSecondFactorPolicy { tenant, required }],
    })
}

/// A user's second factor as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The TOTP secret.
    pub secret: Secret,
    /// The step of the last code accepted.
    pub last_step: Option<i64>,
    /// Recovery codes not yet spent.
    pub recovery_left: u32,
    /// Bumped at each enrolment and reset: a device remembered under an older epoch is forgotten.
    pub epoch: i64,
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A user set up a second factor (TOTP and recovery codes; the secrets are never in an event).
    SecondFactorEnrolled {
        /// The user.
        user_id: UserId,
    },
    /// A user signed in with a recovery code, which is now spent.
    RecoveryCodeUsed {
        /// The user.
        user_id: UserId,
    },
    /// An administrator removed a user's second factor (the user enrols again).
    SecondFactorReset {
        /// The user.
        user_id: UserId,
    },
    /// A regency chose whether its officials in the roles that need one must use a second factor.
    SecondFactorPolicySet {
        /// The regency.
        tenant_id: TenantId,
        /// Whether they must.
        required: bool,
    },
}

crate::privacy::event_table! {
    SecondFactorEnrolled "second_factor_enrolled" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the secret and the recovery codes are never in an event",
    }
    RecoveryCodeUsed "recovery_code_used" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id; the code is never in an event",
    }
    SecondFactorReset "second_factor_reset" actor: PERSONAL, role: PUBLIC, {
        user_id: PUBLIC => "a random id",
    }
    SecondFactorPolicySet "second_factor_policy_set" actor: PERSONAL, role: PUBLIC, {
        tenant_id: PUBLIC => "the regency",
        required: PUBLIC => "how its officials sign in is public",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A user's second factor, set (or replaced, with new recovery codes).
    SetSecondFactor {
        /// The user.
        user_id: UserId,
        /// The TOTP secret (its Debug never prints it).
        secret: crate::second_factor::Secret,
        /// SHA-256 of each recovery code.
        recovery_hashes: Vec<Vec<u8>>,
        /// When.
        at: OffsetDateTime,
    },
    /// A recovery code spent (refused if it is not one of the user's unspent codes).
    SpendRecoveryCode {
        /// The user.
        user_id: UserId,
        /// SHA-256 of the code.
        code_hash: Vec<u8>,
        /// When.
        at: OffsetDateTime,
    },
    /// A user's second factor removed (remembered devices are forgotten).
    ClearSecondFactor {
        /// The user.
        user_id: UserId,
    },
    /// A regency's second-factor policy.
    SetSecondFactorPolicy {
        /// The regency.
        tenant: TenantId,
        /// Whether officials in the roles that need one must use it.
        required: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, the last six digits of each eight-digit value.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = Secret(*b"12345678901234567890");
        for (t, expected) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code(&secret, t / STEP_SECONDS), expected % 1_000_000, "t = {t}");
        }
    }

    #[test]
    fn base32_round_trips_as_apps_write_it() {
        let s = Secret(*b"12345678901234567890");
        assert_eq!(s.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            Secret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"),
            Some(s.clone())
        );
        assert_eq!(Secret::from_base32("GEZD"), None, "too short");
        assert_eq!(
            Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1"),
            None,
            "not base32"
        );
        let uri = s.otpauth_uri("lelang Banyuwangi", "bwi.ulp");
        assert!(
            uri.starts_with("otpauth://totp/lelang%20Banyuwangi:bwi.ulp?secret=GEZD"),
            "{uri}"
        );
    }

    #[test]
    fn a_code_is_good_once_within_a_step_either_side() {
        let s = Secret([7; SECRET_BYTES]);
        let now = time::macros::datetime!(2026-11-02 09:00:10 UTC);
        let step = step_at(now);
        let c = |k: i64| format!("{:06}", code(&s, step + k));
        assert_eq!(check(&s, &c(0), now, None), Ok(step));
        assert_eq!(check(&s, &c(-1), now, None), Ok(step - 1));
        assert_eq!(check(&s, &c(1), now, None), Ok(step + 1));
        assert_eq!(check(&s, &c(2), now, None), Err(CodeError::Wrong));
        assert_eq!(check(&s, &c(0), now, Some(step)), Err(CodeError::Replayed));
        assert_eq!(check(&s, &c(1), now, Some(step)), Ok(step + 1));
        assert_eq!(check(&s, "12345", now, None), Err(CodeError::Wrong));
        assert_eq!(check(&s, "abcdef", now, None), Err(CodeError::Wrong));
        let spaced = format!("{} {}", &c(0)[..3], &c(0)[3..]);
        assert_eq!(check(&s, &spaced, now, None), Ok(step));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_as_typed() {
        let mut random = [0u8; RECOVERY_CODES * 8];
        for (i, b) in random.iter_mut().enumerate() {
            *b = (i * 37 % 251) as u8;
        }
        let codes = recovery_codes(&random);
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 14);
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn who_must_have_one() {
        assert!(required(Role::PlatformAdmin, false));
        assert!(required(Role::PokjaMember, true) && !required(Role::PokjaMember, false));
        assert!(!required(Role::Vendor, true) && !required(Role::CommitmentOfficer, true));
    }
}
