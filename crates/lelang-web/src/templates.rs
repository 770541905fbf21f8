//! The page templates (askama, compiled in). Each page struct carries the translator `t` and the
//! navigation `nav` that the base layout needs.

use crate::i18n::Tr;
use askama::Template;

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub role: String,
}

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// What the layout shows around every page.
#[derive(Debug, Clone)]
pub struct Nav {
    pub user: Option<NavUser>,
    pub links: Vec<NavLink>,
    pub csrf: String,
    pub path: String,
    /// A success message (already translated), after a redirect.
    pub flash: Option<String>,
}

/// A number with a label, on a home page.
#[derive(Debug, Clone)]
pub struct Stat {
    pub label: String,
    pub value: String,
}

/// A titled list on a home page.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub items: Vec<String>,
    pub empty: String,
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "landing.html")]
pub struct LandingPage {
    pub t: Tr,
    pub nav: Nav,
    pub tenants: Vec<(String, String, i64)>,
}

#[derive(Template)]
#[template(path = "tenant.html")]
pub struct TenantPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub units: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub t: Tr,
    pub nav: Nav,
    pub username: String,
    pub next: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub t: Tr,
    pub nav: Nav,
    pub role_code: String,
    pub role_label: String,
    pub acting_as: String,
    pub context_line: Option<String>,
    pub lead: String,
    pub stats: Vec<Stat>,
    /// What the reader must act on (officials of a regency who act on tenders or complaints).
    pub inbox: Option<Vec<InboxRow>>,
    pub sections: Vec<Section>,
}

/// One item of an official's inbox.
#[derive(Debug, Clone)]
pub struct InboxRow {
    pub text: String,
    pub href: String,
    pub late: bool,
}

/// One token row of the account page.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub t: Tr,
    pub nav: Nav,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub read_only: bool,
    pub sessions: i64,
    /// Recovery codes left, when a second factor is set up.
    pub second_factor: Option<u32>,
    pub tokens: Vec<TokenRow>,
    pub new_secret: Option<String>,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "tenants.html")]
pub struct TenantsPage {
    pub t: Tr,
    pub nav: Nav,
    pub tenants: Vec<(String, String, String)>,
    pub errors: Vec<String>,
    pub slug: String,
    pub name: String,
}

/// One user row of the directory.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub users: Vec<UserRow>,
    pub can_manage: bool,
    /// The regency's second-factor policy.
    pub second_factor_required: bool,
    pub roles: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    pub errors: Vec<String>,
    pub form_username: String,
    pub form_name: String,
    pub form_email: String,
}

#[derive(Template)]
#[template(path = "work_units.html")]
pub struct WorkUnitsPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub units: Vec<(String, String)>,
    pub errors: Vec<String>,
    pub code: String,
    pub name: String,
}

/// One row of the event log page.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    pub role: String,
    pub payload: String,
}

#[derive(Template)]
#[template(path = "events.html")]
pub struct EventsPage {
    pub t: Tr,
    pub nav: Nav,
    pub tenant: String,
    pub events: Vec<EventRow>,
    pub next: Option<String>,
}

/// One entry of the public log page.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub index: u64,
    pub kind: String,
    pub at: String,
    pub leaf: String,
    pub proof: String,
}

#[derive(Template)]
#[template(path = "log.html")]
pub struct LogPage {
    pub t: Tr,
    pub nav: Nav,
    pub origin: String,
    pub size: u64,
    pub root: String,
    pub signed_at: String,
    pub vkey: String,
    pub rows: Vec<LogRow>,
    pub older: Option<String>,
}

/// One row of the plan page.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub year: i32,
    pub unit: String,
    pub name: String,
    pub category: String,
    pub pagu: String,
    pub source: String,
    pub method: String,
    pub period: String,
    pub announced: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
pub struct PlanPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub unit: Option<String>,
    pub rows: Vec<PlanRow>,
    pub drafts: bool,
    pub can_enter: bool,
    pub can_announce: bool,
    pub categories: Vec<(String, String)>,
    pub methods: Vec<(String, String)>,
    pub sources: Vec<String>,
    pub year: i32,
    pub errors: Vec<String>,
}

/// One day off on the calendar page.
#[derive(Debug, Clone)]
pub struct CalendarRow {
    pub date: String,
    pub kind: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub t: Tr,
    pub nav: Nav,
    pub year: i32,
    pub rows: Vec<CalendarRow>,
    pub can_manage: bool,
    pub errors: Vec<String>,
}

/// One package on the packages page.
#[derive(Debug, Clone)]
pub struct PackageRow {
    pub id: String,
    pub name: String,
    pub location: String,
    pub pagu: String,
    pub hps: String,
    pub lines: Vec<String>,
    /// The hand-over's status in words, and whether the reader may open it.
    pub handover: (String, bool),
}

#[derive(Template)]
#[template(path = "packages.html")]
pub struct PackagesPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub rows: Vec<PackageRow>,
    pub breakdown: bool,
    pub choices: Vec<(String, String)>,
    pub errors: Vec<String>,
}

/// A pokja member on the workload view.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub name: String,
    pub workload: u32,
    pub packages: String,
}

/// A package waiting for its pokja, with the ranked candidates (id, label, suggested).
#[derive(Debug, Clone)]
pub struct AssignRow {
    pub id: String,
    pub name: String,
    pub candidates: Vec<(String, String, bool)>,
}

/// A package the signed-in member is on.
#[derive(Debug, Clone)]
pub struct DeclareRow {
    pub id: String,
    pub name: String,
    pub members: String,
    pub declared: bool,
}

#[derive(Template)]
#[template(path = "pokja.html")]
pub struct PokjaPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub workload: Vec<CandidateRow>,
    pub unassigned: Vec<AssignRow>,
    pub replaceable: Vec<ReplaceRow>,
    pub mine: Vec<DeclareRow>,
    pub errors: Vec<String>,
}

/// One stage of a tender's schedule, in local time.
#[derive(Debug, Clone)]
pub struct StageRow {
    pub code: String,
    pub kind: String,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "tender.html")]
pub struct TenderPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub id: String,
    pub name: String,
    pub hps: String,
    pub method: Option<String>,
    pub evaluation: Option<String>,
    pub stages: Vec<StageRow>,
    pub can_set_up: bool,
    pub can_change: bool,
    /// The evaluation page, for the pokja and auditors once the opening is complete.
    pub evaluation_href: Option<String>,
    /// The qualification requirements, and the form to declare them before the announcement.
    pub requirements: RequirementsView,
    pub can_declare: bool,
    pub methods: Vec<(String, String)>,
    pub evaluations: Vec<(String, String)>,
    pub today: String,
    pub errors: Vec<String>,
    pub public_href: Option<String>,
    pub can_announce: bool,
    pub can_upload: bool,
    pub can_addendum: bool,
    pub can_answer: bool,
    pub documents: Vec<PublicDocRow>,
    pub doc_choices: Vec<(String, String)>,
    pub questions: Vec<PokjaQuestion>,
    pub max_mib: u64,
    /// The cancellation, if the tender is cancelled.
    pub cancelled: Option<CancelledView>,
    /// Whether the reader (the budget holder) may cancel it now, and the grounds offered.
    /// The objections to its award (the pokja answers them here).
    /// The letters of award (the PPK issues them here).
    /// The contract (the PPK drafts, signs and starts it here) and its execution.
    pub contract: Option<ContractPanel>,
    pub execution: Option<ExecutionPanel>,
    pub letters: Option<LettersPanel>,
    pub objections: Option<ObjectionsPanel>,
    pub can_cancel: bool,
    pub cancel_grounds: Vec<(String, String)>,
}

/// A cancellation as pages show it.
#[derive(Debug, Clone)]
pub struct CancelledView {
    pub at: String,
    pub ground: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub nav: Nav,
    pub message: String,
}

/// One row of the public tender list.
#[derive(Debug, Clone)]
pub struct TenderRow {
    pub href: String,
    pub name: String,
    pub regency: String,
    pub work_unit: String,
    pub category: String,
    pub method: String,
    pub hps: String,
    pub deadline: String,
    pub open: bool,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "tenders.html")]
pub struct TenderListPage {
    pub t: Tr,
    pub nav: Nav,
    pub q: String,
    pub regency: String,
    pub category: String,
    pub method: String,
    pub status: String,
    pub min: String,
    pub max: String,
    pub regencies: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub methods: Vec<(String, String)>,
    pub total: u64,
    pub page: u32,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub rows: Vec<TenderRow>,
    pub errors: Vec<String>,
}

/// A document on a tender page.
#[derive(Debug, Clone)]
pub struct PublicDocRow {
    pub href: String,
    pub title: String,
    pub filename: String,
    pub kind: String,
    pub version: u32,
    pub size: String,
    pub sha256: String,
    pub published: String,
}

/// A question on a tender page (without who asked).
#[derive(Debug, Clone)]
pub struct PublicQuestion {
    pub text: String,
    pub asked: String,
    pub answer: Option<String>,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "tender_public.html")]
pub struct TenderDetailPage {
    pub t: Tr,
    pub nav: Nav,
    pub id: String,
    pub name: String,
    pub regency: String,
    pub work_unit: String,
    pub location: String,
    pub category: String,
    pub method: String,
    pub evaluation: Option<String>,
    pub hps: String,
    pub pagu: String,
    pub deadline: String,
    /// The objections to its award.
    /// The letters of award.
    /// The contract.
    pub contract: Option<ContractPanel>,
    pub letters: Option<LettersPanel>,
    pub objections: Option<ObjectionsPanel>,
    pub open: bool,
    /// The cancellation, if the tender is cancelled.
    pub cancelled: Option<CancelledView>,
    pub current_stage: Option<String>,
    pub stages: Vec<StageRow>,
    pub documents: Vec<PublicDocRow>,
    pub addenda: Vec<PublicDocRow>,
    pub questions: Vec<PublicQuestion>,
    pub is_vendor: bool,
    pub registered: bool,
    pub verified: bool,
    pub clarification_open: bool,
    pub signed_in: bool,
    /// The prices read out and, once announced, every bid's result.
    pub results: Option<PublicResults>,
    /// The red flags the reader may see: (label, definition with its figure, source).
    pub flags: Vec<(String, String, String)>,
    /// The qualification requirements, in words.
    pub requirements: Vec<String>,
    /// The failed tender this one repeats, and the repeat of this one once announced.
    pub repeat_of: Option<String>,
    pub repeated_as: Option<String>,
    pub errors: Vec<String>,
}

/// A question on the pokja's tender page, with its id to answer it.
#[derive(Debug, Clone)]
pub struct PokjaQuestion {
    pub id: String,
    pub text: String,
    pub asked: String,
    pub answer: Option<String>,
}

#[derive(Template)]
#[template(path = "vendor_register.html")]
pub struct VendorSignUpPage {
    pub t: Tr,
    pub nav: Nav,
    pub regencies: Vec<(String, String)>,
    pub company: String,
    pub nib: String,
    pub npwp: String,
    pub address: String,
    pub home_regency: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "vendor_profile.html")]
pub struct VendorProfilePage {
    pub t: Tr,
    pub nav: Nav,
    pub company: String,
    pub nib: String,
    /// Its performance record (mean rating over the contracts rated), if any.
    pub record: Option<String>,
    pub verified: bool,
    /// Regency, status, note.
    pub verifications: Vec<(String, String, String)>,
    pub npwp: String,
    pub address: String,
    pub pkp: bool,
    pub last_return_year: String,
    pub licences: String,
    pub experience: String,
    pub personnel: String,
    pub equipment: String,
    pub errors: Vec<String>,
}

/// A company on a regency's review page.
#[derive(Debug, Clone)]
pub struct VendorReviewRow {
    pub id: String,
    pub name: String,
    pub nib: String,
    pub summary: String,
    pub has_profile: bool,
    pub status: String,
}

#[derive(Template)]
#[template(path = "vendor_review.html")]
pub struct VendorReviewPage {
    pub t: Tr,
    pub nav: Nav,
    pub slug: String,
    pub tenant: String,
    pub rows: Vec<VendorReviewRow>,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactorPage {
    pub t: Tr,
    pub nav: Nav,
    /// Where the form posts.
    pub action: String,
    /// While enrolling: the new key, in groups of four, and its QR code (SVG).
    pub secret: Option<String>,
    pub qr: String,
    pub may_remember: bool,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub t: Tr,
    pub nav: Nav,
    pub codes: Vec<String>,
    pub next: String,
}

/// One bid in the public results.
pub struct ResultRow {
    pub company: String,
    pub read_out: String,
    pub corrected: String,
    pub result: String,
    pub winner: bool,
}

/// The results on the public tender page: the prices read out once the opening is complete;
/// every bid's result once the award (or the failure) is announced.
pub struct PublicResults {
    pub announced: bool,
    pub outcome: String,
    pub rows: Vec<ResultRow>,
    pub record_href: String,
}

/// A tender's qualification requirements: in words, and as the form shows them.
#[derive(Debug, Clone, Default)]
pub struct RequirementsView {
    pub lines: Vec<String>,
    pub kbli: String,
    pub sbu: bool,
    pub min_experience_value: String,
    pub experience_years: String,
    pub key_personnel: String,
    pub equipment: String,
    pub tax: bool,
    pub min_performance_score: String,
}

impl RequirementsView {
    /// The view of a tender's requirements in the reader's language.
    pub fn of(t: &Tr, r: &lelang_core::qualification::Requirements) -> Self {
        let mut lines = Vec::new();
        if !r.kbli.is_empty() {
            lines.push(t.arg("requirements-kbli", "codes", &r.kbli.join(", ")));
        }
        if r.sbu {
            lines.push(t.get("requirements-sbu"));
        }
        if let Some(v) = r.min_experience_value {
            let value = lelang_core::text::rupiah(v);
            lines.push(if r.experience_years > 0 {
                t.arg2(
                    "requirements-experience",
                    ("value", &value),
                    ("years", &r.experience_years.to_string()),
                )
            } else {
                t.arg("requirements-experience-any", "value", &value)
            });
        }
        if r.key_personnel > 0 {
            lines.push(t.count("requirements-personnel", r.key_personnel));
        }
        for e in &r.equipment {
            lines.push(t.arg("requirements-equipment", "name", e));
        }
        if r.tax {
            lines.push(t.get("requirements-tax"));
        }
        if let Some(s) = r.min_performance_score {
            lines.push(t.arg("requirements-performance", "score", &s.to_string()));
        }
        let n = |v: u32| if v == 0 { String::new() } else { v.to_string() };
        Self {
            lines,
            kbli: r.kbli.join(", "),
            sbu: r.sbu,
            min_experience_value: r.min_experience_value.map(|v| v.to_string()).unwrap_or_default(),
            experience_years: n(r.experience_years),
            key_personnel: n(r.key_personnel),
            equipment: r.equipment.join(", "),
            tax: r.tax,
            min_performance_score: r.min_performance_score.map(|s| s.to_string()).unwrap_or_default(),
        }
    }
}

/// A pokja the ULP head may still change: its package is not announced.
#[derive(Debug, Clone)]
pub struct ReplaceRow {
    pub id: String,
    pub name: String,
    /// (user id, name) of its members.
    pub members: Vec<(String, String)>,
    /// (user id, name) of the regency's other pokja members.
    pub others: Vec<(String, String)>,
}

/// One objection as a page shows it: its text and the answer's reasons only to those who read
/// them (the tender's bidders, its pokja, auditors).
#[derive(Debug, Clone)]
pub struct ObjectionRow {
    pub id: String,
    pub company: String,
    pub filed: String,
    pub text: Option<String>,
    /// "pending", "upheld" or "rejected", in words.
    pub status: String,
    pub reason: Option<String>,
    pub answered_at: Option<String>,
    pub late: bool,
    /// Whether the reader may answer it now (a member of the pokja, after the period).
    pub can_answer: bool,
    /// Its files (address, name and size), for those who read its text.
    pub evidence: Vec<(String, String)>,
    /// Whether the reader (its company, in the period) may add a file.
    pub can_add_evidence: bool,
}

/// The objections of a tender's award: the period, the rows, and whether the reader may object.
#[derive(Debug, Clone)]
pub struct ObjectionsPanel {
    pub closes: String,
    pub answer_by: String,
    pub open: bool,
    pub rows: Vec<ObjectionRow>,
    pub can_file: bool,
    /// Where the filing form posts, and the base of the answer forms.
    pub file_action: String,
    pub answer_base: String,
    /// Appeals (construction only), whether the reader may appeal now, and where the forms post.
    pub appeals: Vec<AppealRow>,
    pub can_appeal: bool,
    pub appeal_action: String,
    pub appeal_answer_base: String,
    /// Where an objection out of time, or by a company that did not bid, goes: a complaint.
    pub complaint_href: String,
}

/// One appeal as a page shows it.
#[derive(Debug, Clone)]
pub struct AppealRow {
    pub id: String,
    pub company: String,
    pub filed: String,
    pub text: Option<String>,
    /// Issuer, number, amount and validity, in words.
    pub guarantee: String,
    pub status: String,
    pub reason: Option<String>,
    pub forfeited: bool,
    pub can_answer: bool,
}

/// One letter of award as pages show it.
#[derive(Debug, Clone)]
pub struct LetterRow {
    pub company: String,
    pub amount: String,
    pub number: String,
    pub issued: String,
    /// "pending", "accepted" or "declined", in words.
    pub status: String,
    pub reason: Option<String>,
}

/// A tender's letters of award, and what the reader may do with them.
#[derive(Debug, Clone)]
pub struct LettersPanel {
    pub rows: Vec<LetterRow>,
    /// The PPK may issue the next letter now.
    pub can_issue: bool,
    /// The reader's company is named by the pending letter.
    pub can_respond: bool,
    pub issue_action: String,
    pub respond_action: String,
}

/// A tender's contract as pages show it, and what the reader may do with it.
#[derive(Debug, Clone)]
pub struct ContractPanel {
    /// None until drafted.
    pub lines: Vec<(String, String)>,
    pub drafted: bool,
    pub can_draft: bool,
    pub kinds: Vec<(String, String)>,
    pub can_guarantee: bool,
    pub guarantee_required: String,
    pub can_sign: bool,
    pub can_work_order: bool,
    pub today: String,
    /// Where the forms post: the PPK's under the tender page, the company's under the public one.
    pub ppk_base: String,
    pub vendor_base: String,
}

/// A contract's execution as its panel shows it.
#[derive(Debug, Clone)]
pub struct ExecutionPanel {
    /// Whether milestones are planned.
    pub planned: bool,
    pub summary: Vec<(String, String)>,
    pub milestones: Vec<MilestoneRow>,
    pub amendments: Vec<AmendmentRow>,
    pub can_plan: bool,
    /// The value the milestones add up to.
    pub plan_value: String,
    pub plan_rows: Vec<usize>,
    /// The work's first day (no milestone before it).
    pub start: String,
    pub can_amend: bool,
    pub can_advance: bool,
    /// The largest advance, formatted.
    pub advance_max: String,
    /// The maintenance guarantee the reader (the company) owes now, formatted.
    pub maintenance_required: Option<String>,
    pub can_hand_over: bool,
    pub can_terminate: bool,
    pub can_rate: bool,
    pub grounds: Vec<(String, String)>,
    pub marks: Vec<(u8, String)>,
    /// Where the forms post: the PPK's under the tender page, the company's under the contract page.
    pub ppk_base: String,
    pub vendor_base: String,
    pub contract_href: String,
}

/// A milestone's row.
#[derive(Debug, Clone)]
pub struct MilestoneRow {
    pub n: u16,
    pub title: String,
    pub amount: String,
    pub due: String,
    pub status: String,
    pub late: bool,
    pub percent: u8,
    pub accepted: String,
    pub paid: String,
    pub reports: Vec<String>,
    pub can_report: bool,
    pub can_accept: bool,
    pub can_pay: bool,
}

/// An addendum's row.
#[derive(Debug, Clone)]
pub struct AmendmentRow {
    pub number: String,
    pub at: String,
    pub value_change: String,
    pub milestone: String,
    pub days_added: u32,
    pub reason: String,
}

/// A contract's public page: its terms, milestones, payments, amendments and rating.
#[derive(Template)]
#[template(path = "contract_page.html")]
pub struct ContractPage {
    pub t: Tr,
    pub nav: Nav,
    pub title: String,
    pub regency: String,
    pub tender_href: String,
    pub contract: Option<ContractPanel>,
    pub execution: Option<ExecutionPanel>,
    pub errors: Vec<String>,
}

mod dashboard;
mod disputes;
pub mod handover;
pub use dashboard::*;
pub use disputes::*;
