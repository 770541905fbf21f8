//! The page of a package's hand-over and conversation.

use super::Nav;
use crate::i18n::Tr;
use askama::Template;

/// One checklist item: its code, label and the reference given (last submitted or kept).
#[derive(Debug, Clone)]
pub struct ChecklistRow {
    pub code: &'static str,
    pub label: String,
    pub value: String,
}

/// One step of the hand-over's history.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub what: String,
    pub at: String,
    /// The note or notes written with it (empty: none).
    pub text: String,
}

/// One message of the conversation.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub author: String,
    pub at: String,
    pub body: String,
    /// Written by the reader.
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "handover.html")]
pub struct HandoverPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub id: String,
    pub name: String,
    /// The HPS: its lines and total.
    pub hps: String,
    /// The breakdown (description, quantity, unit price), for those who may see it.
    pub breakdown: Vec<(String, String, String)>,
    pub status: String,
    pub round: u32,
    /// The notes of the last return, while it is returned.
    pub notes: Option<String>,
    pub checklist: Vec<ChecklistRow>,
    pub submitted: bool,
    pub may_submit: bool,
    pub resubmit: bool,
    pub note: String,
    pub may_decide: bool,
    pub assign: bool,
    pub history: Vec<StepRow>,
    pub messages: Vec<MessageRow>,
    pub may_post: bool,
    /// The participants, by name and sign-in name (how to mention them).
    pub people: String,
    pub body: String,
    pub errors: Vec<String>,
}
