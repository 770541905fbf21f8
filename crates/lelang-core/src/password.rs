//! Password rules after OWASP ASVS 5.0 level 2 (V6.2): at least 8 characters (15 recommended and
//! hinted in the UI), at least 64 allowed, any Unicode including spaces, no composition rules, no
//! truncation, and a refusal of passwords that are common, guessable from the account's own
//! context, or otherwise weak. The common-password check uses zxcvbn's dictionaries (tens of
//! thousands of leaked passwords, well above the ASVS minimum of the top 3000).

use thiserror::Error;

/// Shortest password accepted (ASVS V6.2.1).
pub const MIN_CHARS: usize = 8;
/// Longest password accepted: well above the 64 ASVS requires, short enough to bound hashing work.
pub const MAX_CHARS: usize = 128;

/// Why a password was refused; each variant maps to one message in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("password.too-short")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("password.too-long")]
    TooLong,
    /// Contains the user name, their name, e-mail or the application's name.
    #[error("password.contextual")]
    Contextual,
    /// A common or easily guessed password.
    #[error("password.weak")]
    Weak,
}

impl PasswordError {
    /// The message key (Fluent id suffix) for this refusal.
    pub fn code(self) -> &'static str {
        match self {
            PasswordError::TooShort => "password-too-short",
            PasswordError::TooLong => "password-too-long",
            PasswordError::Contextual => "password-contextual",
            PasswordError::Weak => "password-weak",
        }
    }
}

/// Checks a new password against the rules. `context` holds the words a guesser would try first:
/// the user name, display name and e-mail.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    let mut words: Vec<String> = vec!["lelang".into()];
    for c in context {
        let c = c.trim().to_lowercase();
        // The local part of an e-mail is what people reuse.
        let c = c.split('@').next().unwrap_or_default().to_owned();
        if c.chars().count() >= 4 {
            words.push(c);
        }
    }
    // A password that is little more than a context word is refused outright; longer passphrases
    // that merely mention one are left to the strength estimate, which knows the same words.
    if words
        .iter()
        .any(|w| lower.contains(w.as_str()) && n < w.chars().count() + 6)
    {
        return Err(PasswordError::Contextual);
    }
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if u8::from(estimate.score()) < 3 {
        return Err(PasswordError::Weak);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(check_new_password("short", &[]), Err(PasswordError::TooShort));
        assert_eq!(
            check_new_password(&"a".repeat(129), &[]),
            Err(PasswordError::TooLong)
        );
        assert_eq!(check_new_password("password123", &[]), Err(PasswordError::Weak));
        assert_eq!(check_new_password("qwertyuiop", &[]), Err(PasswordError::Weak));
        assert_eq!(
            check_new_password("budi.santoso1", &["budi.santoso"]),
            Err(PasswordError::Contextual)
        );
        assert_eq!(
            check_new_password("lelang2026!", &[]),
            Err(PasswordError::Contextual)
        );
        // Spaces and any Unicode are allowed; no composition rule is imposed.
        assert_eq!(
            check_new_password("kopi tubruk di pelabuhan ketapang", &[]),
            Ok(())
        );
        assert_eq!(check_new_password("sambal terasi pedas sekali 🌶", &[]), Ok(()));
    }
}
