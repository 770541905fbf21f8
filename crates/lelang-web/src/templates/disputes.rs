//! The pages of complaints, mediation and law enforcement's cases.

use super::{EventRow, Nav};
use crate::i18n::Tr;
use askama::Template;

/// One complaint's public status line on a regency's list.
#[derive(Debug, Clone)]
pub struct ComplaintLineRow {
    pub number: String,
    pub category: String,
    pub subject: String,
    pub tender_href: Option<String>,
    pub status: String,
    pub filed: String,
    pub due: String,
    pub late: bool,
    /// To the complaint in full, for its auditors and its signed-in complainant.
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "complaints.html")]
pub struct ComplaintsPage {
    pub t: Tr,
    pub nav: Nav,
    /// (label, value) of the regency's complaint figures.
    pub figures: Vec<(String, String)>,
    pub regency: String,
    pub slug: String,
    pub rows: Vec<ComplaintLineRow>,
}

#[derive(Template)]
#[template(path = "complaint_new.html")]
pub struct ComplaintNewPage {
    pub t: Tr,
    pub nav: Nav,
    pub regency: String,
    pub slug: String,
    pub categories: Vec<(String, String)>,
    pub subjects: Vec<(String, String)>,
    /// The regency's announced tenders: (package id, name).
    pub packages: Vec<(String, String)>,
    pub signed_in: bool,
    pub anonymous: bool,
    pub category: String,
    pub subject: String,
    pub package_id: String,
    pub text: String,
    pub name: String,
    pub contact: String,
    pub errors: Vec<String>,
}

/// The code form, or — once filed — the number and the follow-up code, shown this once.
#[derive(Template)]
#[template(path = "complaint_follow.html")]
pub struct ComplaintFollowPage {
    pub t: Tr,
    pub nav: Nav,
    /// (number, code) of the complaint just filed.
    pub filed: Option<(String, String)>,
    pub regency: String,
    pub errors: Vec<String>,
}

/// A note of a complaint's conversation.
#[derive(Debug, Clone)]
pub struct ComplaintNoteRow {
    pub auditor: bool,
    pub decision: Option<String>,
    pub text: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "complaint.html")]
pub struct ComplaintPage {
    pub t: Tr,
    pub nav: Nav,
    pub number: String,
    pub category: String,
    pub subject: String,
    /// (href, name) of the package it concerns.
    pub package: Option<(String, String)>,
    pub status: String,
    pub filed: String,
    pub due: String,
    pub late: bool,
    pub text: String,
    /// Who filed it: to the auditors only.
    pub complainant: Option<String>,
    pub notes: Vec<ComplaintNoteRow>,
    /// (address, label) of each file.
    pub evidence: Vec<(String, String)>,
    /// The follow-up code, carried in the forms' bodies when the complaint was opened with it.
    pub code: Option<String>,
    pub can_reply: bool,
    pub can_add_evidence: bool,
    /// (code, label) of the auditor's decisions now.
    pub decisions: Vec<(String, String)>,
    /// (id, number) of the complaints a duplicate may join.
    pub merge_targets: Vec<(String, String)>,
    /// The complaint's address (signed-in forms post below it).
    pub base: String,
    pub errors: Vec<String>,
    pub mediation: MediationPanel,
}

/// One case on the cases page.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub href: String,
    pub number: String,
    pub ground: String,
    pub closes: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage {
    pub t: Tr,
    pub nav: Nav,
    pub regency: String,
    pub slug: String,
    /// The ULP head or the auditor (records, escalates, sees reads).
    pub managing: bool,
    pub mous: Vec<String>,
    pub mou_options: Vec<(String, String)>,
    pub complaint_options: Vec<(String, String)>,
    pub package_options: Vec<(String, String)>,
    pub cases: Vec<CaseRow>,
    /// (case number, officer, reads).
    pub reads: Vec<(String, String, u64)>,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub t: Tr,
    pub nav: Nav,
    pub number: String,
    pub counterpart: String,
    pub ground: String,
    pub summary: String,
    pub opens: String,
    pub closes: String,
    pub status: String,
    /// (href, name) of each package in scope.
    pub packages: Vec<(String, String)>,
    pub file_href: String,
    pub can_revoke: bool,
    pub revoke_action: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "case_package.html")]
pub struct CasePackagePage {
    pub t: Tr,
    pub nav: Nav,
    pub case_number: String,
    pub case_href: String,
    pub name: String,
    pub estimate: String,
    /// (item, quantity, unit price).
    pub breakdown: Vec<(String, String, String)>,
    /// (href, title).
    pub documents: Vec<(String, String)>,
    pub events: Vec<EventRow>,
}

/// A mediation session on a complaint's page.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub n: usize,
    pub at: String,
    pub place: String,
    pub attended: String,
    /// (party, position).
    pub positions: Vec<(String, String)>,
    pub minutes: Option<String>,
    pub sha256: String,
    pub approvals: String,
}

/// An agreed action on a complaint's page.
#[derive(Debug, Clone)]
pub struct ActionRow {
    pub n: usize,
    pub party: String,
    pub what: String,
    pub due: String,
    pub done: Option<String>,
    pub overdue: bool,
    pub can_done: bool,
}

/// The mediation part of a complaint's page, with what the reader may do.
#[derive(Debug, Clone, Default)]
pub struct MediationPanel {
    pub exists: bool,
    pub mediator_name: String,
    pub parties: String,
    pub sessions: Vec<SessionRow>,
    pub outcome: Option<String>,
    pub actions: Vec<ActionRow>,
    pub can_open: bool,
    /// (id, name) of the tender's companies, to name one a party.
    pub vendors: Vec<(String, String)>,
    pub can_schedule: bool,
    pub can_record: bool,
    pub can_conclude: bool,
    pub can_approve: bool,
    pub can_reopen: bool,
    /// (code, label) of the parties at the table.
    pub party_options: Vec<(String, String)>,
}
