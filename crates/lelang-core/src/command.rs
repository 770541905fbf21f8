//! Commands: a request from an actor, checked against the policy and the rules, decided into the
//! events it causes and the state mutations that project them. Pure: the caller supplies the
//! current state it needs and a [`Cx`]; the store then applies the [`Change`] atomically.
//!
//! This module is what every stage's commands share: the change they return (generic over the
//! stage's own mutations), the refusal, and the validators of common inputs. Each stage (the
//! directory, the plan, the tender, …) owns its commands, events and mutations in its own module;
//! [`crate::mutation`] and [`crate::payload`] gather them above the stages.

use crate::canonical::CanonicalError;
use crate::event::{NewEvent, Payload};
use crate::fresh::Cx;
use crate::ids::TenantId;
use crate::policy::{Actor, Denied, UserActor};

/// The outcome of a command: events to append and mutations to apply, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<M> {
    /// Events, in order.
    pub events: Vec<NewEvent>,
    /// Mutations, in order.
    pub mutations: Vec<M>,
}

impl<M> Default for Change<M> {
    fn default() -> Self {
        Self {
            events: Vec::new(),
            mutations: Vec::new(),
        }
    }
}

impl<M> Change<M> {
    /// The same change with its mutations lifted into a wider enum (a stage's into the
    /// top-level [`crate::mutation::Mutation`] the store applies).
    pub fn lift<N>(self) -> Change<N>
    where
        M: Into<N>,
    {
        Change {
            events: self.events,
            mutations: self.mutations.into_iter().map(Into::into).collect(),
        }
    }
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The policy refused it.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// An input broke a rule. `code` is the message key; `field` names the input.
    #[error("{field}: {code}")]
    Invalid {
        /// The input field.
        field: &'static str,
        /// The rule's message key.
        code: &'static str,
    },
    /// The payload has no canonical form (a bug, not bad input).
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

pub(crate) fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

pub(crate) fn acting(actor: &Actor) -> Result<&UserActor, CommandError> {
    actor.user().ok_or(CommandError::Denied(Denied::Unauthenticated))
}

pub(crate) fn event(
    actor: &UserActor,
    cx: &Cx<'_>,
    tenant: Option<TenantId>,
    payload: impl Payload,
) -> Result<NewEvent, CommandError> {
    Ok(NewEvent::new(
        cx,
        tenant,
        Some(actor.user_id),
        Some(actor.role),
        &payload,
    )?)
}

/// Text a user wrote: trimmed, its length in characters within `chars`, no control characters
/// — but line breaks (`\n`, and the `\r` a browser's text area sends with it) where `lines`.
pub(crate) fn bounded(
    field: &'static str,
    code: &'static str,
    s: &str,
    chars: std::ops::RangeInclusive<usize>,
    lines: bool,
) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    let bad = |c: char| c.is_control() && !(lines && matches!(c, '\n' | '\r'));
    if !chars.contains(&n) || s.chars().any(bad) {
        return Err(invalid(field, code));
    }
    Ok(s.to_owned())
}

/// A display name or title: trimmed, 2–200 characters, no control characters.
pub fn valid_name(field: &'static str, s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let n = s.chars().count();
    if !(2..=200).contains(&n) || !crate::text::is_clean_line(s) {
        return Err(invalid(field, "invalid-name"));
    }
    Ok(s.to_owned())
}

/// A regency's URL name: a lower-case letter, then letters, digits or hyphens; 2–40 characters.
pub fn valid_slug(s: &str) -> Result<String, CommandError> {
    let s = s.trim();
    let ok = (2..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(invalid("slug", "invalid-slug"))
    }
}

/// A sign-in name: 3–64 of a–z, 0–9, `.`, `_`, `-`, starting with a letter or digit; case-folded.
pub fn valid_username(s: &str) -> Result<String, CommandError> {
    let s = s.trim().to_lowercase();
    let ok = (3..=64).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    if ok {
        Ok(s)
    } else {
        Err(invalid("username", "invalid-username"))
    }
}

pub(crate) fn valid_email(s: Option<&str>) -> Result<Option<String>, CommandError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let ok = s.len() <= 254
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !s.chars().any(|c| c.is_whitespace() || crate::text::is_hidden(c));
    if ok {
        Ok(Some(s.to_owned()))
    } else {
        Err(invalid("email", "invalid-email"))
    }
}
