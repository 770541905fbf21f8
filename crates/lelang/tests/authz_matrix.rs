//! Every route × every role × own and other regency: each answer is exactly what the policy
//! promises. Denials hold (401 for nobody, 403 for the wrong role or regency) and the anonymous
//! public reaches only public pages. The expectations here are written independently of the
//! policy module, and the test checks that it covers every route the app has.

mod common;

use axum::http::StatusCode;
use common::{Client, TestApp};
use lelang_core::role::Role;
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    As(Role),
}

/// Demo users of Banyuwangi ("own" regency) and of the whole platform.
fn username(role: Role) -> &'static str {
    match role {
        Role::PlatformAdmin => "admin",
        Role::TenantAdmin => "bwi.admin",
        Role::UlpHead => "bwi.ulp",
        Role::PokjaMember => "bwi.pokja1",
        Role::CommitmentOfficer => "bwi.ppk.dpu",
        Role::BudgetHolder => "bwi.pa.dpu",
        Role::Vendor => "vendor.blambangan",
        Role::Auditor => "bwi.apip",
        Role::LawEnforcement => "bwi.aph",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Own,
    Other,
}

/// Who may do it: the roles allowed on their own regency, and on another.
struct Allowed {
    own: &'static [Role],
    other: &'static [Role],
    anonymous: bool,
}

const VENDOR_VIEWERS: Allowed = Allowed {
    own: &[
        Role::PlatformAdmin,
        Role::TenantAdmin,
        Role::UlpHead,
        Role::Vendor,
    ],
    other: &[Role::PlatformAdmin, Role::TenantAdmin, Role::UlpHead],
    anonymous: false,
};
const CASE_MANAGERS: Allowed = Allowed {
    own: &[Role::UlpHead, Role::Auditor],
    other: &[],
    anonymous: false,
};
const EVERYONE: Allowed = Allowed {
    own: &Role::ALL,
    other: &Role::ALL,
    anonymous: true,
};
const SIGNED_IN: Allowed = Allowed {
    own: &Role::ALL,
    other: &Role::ALL,
    anonymous: false,
};
const WRITERS: &[Role] = &[
    Role::PlatformAdmin,
    Role::TenantAdmin,
    Role::UlpHead,
    Role::PokjaMember,
    Role::CommitmentOfficer,
    Role::BudgetHolder,
    Role::Vendor,
    Role::Auditor,
];
const PLATFORM: Allowed = Allowed {
    own: &[Role::PlatformAdmin],
    other: &[Role::PlatformAdmin],
    anonymous: false,
};
const UNIT_PLANNERS: Allowed = Allowed {
    own: &[Role::CommitmentOfficer, Role::BudgetHolder],
    other: &[],
    anonymous: false,
};
const UNIT_PPK: Allowed = Allowed {
    own: &[Role::CommitmentOfficer],
    other: &[],
    anonymous: false,
};
const PACKAGE_VIEWERS: Allowed = Allowed {
    own: &[
        Role::PlatformAdmin,
        Role::TenantAdmin,
        Role::UlpHead,
        Role::PokjaMember,
        Role::CommitmentOfficer,
        Role::BudgetHolder,
        Role::Auditor,
    ],
    other: &[Role::PlatformAdmin],
    anonymous: false,
};
/// A package before its pokja: its PPK and the ULP head take part, auditors read.
const HANDOVER_READERS: Allowed = Allowed {
    own: &[Role::CommitmentOfficer, Role::UlpHead, Role::Auditor],
    other: &[],
    anonymous: false,
};
const CONVERSATION: Allowed = Allowed {
    own: &[Role::CommitmentOfficer, Role::UlpHead],
    other: &[],
    anonymous: false,
};
const ULP_HEAD: Allowed = Allowed {
    own: &[Role::UlpHead],
    other: &[],
    anonymous: false,
};
const POKJA: Allowed = Allowed {
    own: &[Role::PokjaMember],
    other: &[],
    anonymous: false,
};
const UNIT_BUDGET_HOLDER: Allowed = Allowed {
    own: &[Role::BudgetHolder],
    other: &[],
    anonymous: false,
};
const VENDOR_ANYWHERE: Allowed = Allowed {
    own: &[Role::Vendor],
    other: &[Role::Vendor],
    anonymous: false,
};
const VENDOR_OWN: Allowed = Allowed {
    own: &[Role::Vendor],
    other: &[],
    anonymous: false,
};
const VENDOR_REVIEWERS: Allowed = Allowed {
    own: &[Role::TenantAdmin, Role::UlpHead],
    other: &[],
    anonymous: false,
};
const DOCUMENT_AUTHORS: Allowed = Allowed {
    own: &[Role::PokjaMember, Role::CommitmentOfficer],
    other: &[],
    anonymous: false,
};
const REGENCY_ADMIN: Allowed = Allowed {
    own: &[Role::PlatformAdmin, Role::TenantAdmin],
    other: &[Role::PlatformAdmin],
    anonymous: false,
};

struct Case {
    method: &'static str,
    template: &'static str,
    api: bool,
    allowed: Allowed,
    /// The status when allowed.
    ok: StatusCode,
}

fn cases() -> Vec<Case> {
    use StatusCode as S;
    let c = |method, template, api, allowed, ok| Case {
        method,
        template,
        api,
        allowed,
        ok,
    };
    vec![
        // JSON API
        c("GET", "/api/v1/me", true, SIGNED_IN, S::OK),
        c("GET", "/api/v1/tenants", true, EVERYONE, S::OK),
        c("POST", "/api/v1/tenants", true, PLATFORM, S::CREATED),
        c("GET", "/api/v1/tenants/{slug}/work-units", true, EVERYONE, S::OK),
        c(
            "POST",
            "/api/v1/tenants/{slug}/work-units",
            true,
            REGENCY_ADMIN,
            S::CREATED,
        ),
        c(
            "GET",
            "/api/v1/tenants/{slug}/users",
            true,
            Allowed {
                own: &[
                    Role::PlatformAdmin,
                    Role::TenantAdmin,
                    Role::UlpHead,
                    Role::Auditor,
                ],
                other: &[Role::PlatformAdmin],
                anonymous: false,
            },
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/users",
            true,
            REGENCY_ADMIN,
            S::CREATED,
        ),
        c(
            "POST",
            "/api/v1/users/{id}/revoke-sessions",
            true,
            REGENCY_ADMIN,
            S::NO_CONTENT,
        ),
        c(
            "POST",
            "/api/v1/users/{id}/second-factor/reset",
            true,
            REGENCY_ADMIN,
            S::NO_CONTENT,
        ),
        c(
            "PUT",
            "/api/v1/tenants/{slug}/second-factor",
            true,
            REGENCY_ADMIN,
            S::NO_CONTENT,
        ),
        c(
            "POST",
            "/t/{slug}/second-factor",
            false,
            REGENCY_ADMIN,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/t/{slug}/users/{id}/second-factor/reset",
            false,
            REGENCY_ADMIN,
            S::SEE_OTHER,
        ),
        // Without a password just given, the second step sends back to the sign-in.
        c("GET", "/login/second-factor", false, EVERYONE, S::SEE_OTHER),
        c("POST", "/login/second-factor", false, EVERYONE, S::SEE_OTHER),
        // Without a key just shown, confirming one starts over (before the page that shows it).
        c(
            "POST",
            "/account/second-factor",
            false,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::SEE_OTHER,
        ),
        c(
            "GET",
            "/account/second-factor",
            false,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::OK,
        ),
        c("POST", "/api/v1/vendors", true, PLATFORM, S::CREATED),
        c("GET", "/api/v1/vendors/{id}", true, VENDOR_VIEWERS, S::OK),
        c("GET", "/api/v1/vendors/{id}/profile", true, VENDOR_VIEWERS, S::OK),
        // Saving the same profile again (verifications stay: the later rows need them).
        c(
            "PUT",
            "/api/v1/vendors/{id}/profile",
            true,
            VENDOR_OWN,
            S::NO_CONTENT,
        ),
        c(
            "GET",
            "/api/v1/tenants/{slug}/vendors",
            true,
            VENDOR_REVIEWERS,
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/vendors/{id}/verification",
            true,
            VENDOR_REVIEWERS,
            S::NO_CONTENT,
        ),
        c("GET", "/t/{slug}/vendors", false, VENDOR_REVIEWERS, S::OK),
        c(
            "POST",
            "/t/{slug}/vendors/{id}/verification",
            false,
            VENDOR_REVIEWERS,
            S::SEE_OTHER,
        ),
        c("GET", "/vendors/register", false, EVERYONE, S::OK),
        c("POST", "/vendors/register", false, EVERYONE, S::SEE_OTHER),
        c("GET", "/vendor/profile", false, VENDOR_ANYWHERE, S::OK),
        c("POST", "/vendor/profile", false, VENDOR_ANYWHERE, S::SEE_OTHER),
        // Announced tenders: everyone reads; vendors register and ask; the pokja answers,
        // announces, publishes addenda and minutes; the PPK or the pokja add documents before.
        c("GET", "/api/v1/tenders", true, EVERYONE, S::OK),
        c("GET", "/api/v1/tenders/{id}", true, EVERYONE, S::OK),
        // The signed transcript of its key ceremony, for anyone to verify.
        c("GET", "/api/v1/tenders/{id}/ceremony", true, EVERYONE, S::OK),
        c("GET", "/tenders", false, EVERYONE, S::OK),
        c("GET", "/tenders/{id}", false, EVERYONE, S::OK),
        c("GET", "/tenders/{id}/documents/{doc}", false, EVERYONE, S::OK),
        c(
            "POST",
            "/api/v1/tenders/{id}/registrations",
            true,
            VENDOR_ANYWHERE,
            S::CREATED,
        ),
        c("POST", "/tenders/{id}/join", false, VENDOR_ANYWHERE, S::SEE_OTHER),
        c(
            "POST",
            "/api/v1/tenders/{id}/questions",
            true,
            VENDOR_ANYWHERE,
            S::CREATED,
        ),
        c(
            "POST",
            "/tenders/{id}/questions",
            false,
            VENDOR_ANYWHERE,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/tender/announce",
            true,
            POKJA,
            S::CREATED,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/announce",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/documents",
            true,
            DOCUMENT_AUTHORS,
            S::CREATED,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/documents",
            false,
            DOCUMENT_AUTHORS,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/tender/minutes",
            true,
            POKJA,
            S::CREATED,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/minutes",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/questions/{qid}/answer",
            true,
            POKJA,
            S::NO_CONTENT,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/questions/{qid}/answer",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        c(
            "GET",
            "/api/v1/events",
            true,
            Allowed {
                own: &[Role::PlatformAdmin, Role::Auditor],
                other: &[Role::PlatformAdmin],
                anonymous: false,
            },
            S::OK,
        ),
        c("GET", "/api/v1/tokens", true, SIGNED_IN, S::OK),
        c(
            "POST",
            "/api/v1/tokens",
            true,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::CREATED,
        ),
        // Someone else's token: nobody may revoke it, and its existence is not revealed.
        c(
            "POST",
            "/api/v1/tokens/{id}/revoke",
            true,
            Allowed {
                own: &[],
                other: &[],
                anonymous: false,
            },
            S::NO_CONTENT,
        ),
        // Pages
        c("GET", "/", false, EVERYONE, S::OK),
        c("GET", "/t/{slug}", false, EVERYONE, S::OK),
        // Complaints: anyone reads every public status line (the rest: tests/complaints.rs).
        c("GET", "/t/{slug}/complaints", false, EVERYONE, S::OK),
        c(
            "GET",
            "/api/v1/tenants/{slug}/complaints/figures",
            true,
            EVERYONE,
            S::OK,
        ),
        // The dashboard: everyone reads one; the view differs by role (tests/dashboard.rs).
        c("GET", "/api/v1/tenants/{slug}/dashboard", true, EVERYONE, S::OK),
        c("GET", "/t/{slug}/dashboard", false, EVERYONE, S::OK),
        c("GET", "/t/{slug}/dashboard.csv", false, EVERYONE, S::OK),
        c("GET", "/api/v1/compare", true, EVERYONE, S::OK),
        c("GET", "/compare", false, EVERYONE, S::OK),
        c("GET", "/api/v1/tenders/{id}/flags", true, EVERYONE, S::OK),
        // Everyone signed in has an inbox (tests/dashboard.rs checks what is in it).
        c("GET", "/api/v1/me/inbox", true, SIGNED_IN, S::OK),
        // The pokja forecast names members: the ULP head's and the auditors'.
        c(
            "GET",
            "/api/v1/tenants/{slug}/pokja/forecast",
            true,
            CASE_MANAGERS,
            S::OK,
        ),
        // Law enforcement: only the ULP head and the auditor see the reads per case and officer
        // (the rest: tests/cases.rs).
        c(
            "GET",
            "/api/v1/tenants/{slug}/cases/reads",
            true,
            CASE_MANAGERS,
            S::OK,
        ),
        c("GET", "/home", false, SIGNED_IN, S::OK),
        c("GET", "/account", false, SIGNED_IN, S::OK),
        c(
            "POST",
            "/account/tokens",
            false,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::CREATED,
        ),
        c(
            "POST",
            "/account/tokens/{id}/revoke",
            false,
            Allowed {
                own: &[],
                other: &[],
                anonymous: false,
            },
            S::SEE_OTHER,
        ),
        // A wrong current password: allowed roles get the form back with the error.
        c(
            "POST",
            "/account/password",
            false,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::UNPROCESSABLE_ENTITY,
        ),
        c("GET", "/admin/tenants", false, PLATFORM, S::OK),
        c("POST", "/admin/tenants", false, PLATFORM, S::SEE_OTHER),
        c(
            "GET",
            "/t/{slug}/users",
            false,
            Allowed {
                own: &[
                    Role::PlatformAdmin,
                    Role::TenantAdmin,
                    Role::UlpHead,
                    Role::Auditor,
                ],
                other: &[Role::PlatformAdmin],
                anonymous: false,
            },
            S::OK,
        ),
        c("POST", "/t/{slug}/users", false, REGENCY_ADMIN, S::SEE_OTHER),
        c(
            "POST",
            "/t/{slug}/users/{id}/revoke-sessions",
            false,
            REGENCY_ADMIN,
            S::SEE_OTHER,
        ),
        c("GET", "/t/{slug}/work-units", false, REGENCY_ADMIN, S::OK),
        c("POST", "/t/{slug}/work-units", false, REGENCY_ADMIN, S::SEE_OTHER),
        c(
            "GET",
            "/t/{slug}/events",
            false,
            Allowed {
                own: &[Role::PlatformAdmin, Role::Auditor],
                other: &[Role::PlatformAdmin],
                anonymous: false,
            },
            S::OK,
        ),
        // The public transparency log.
        c("GET", "/log", false, EVERYONE, S::OK),
        c("GET", "/log/checkpoint", true, EVERYONE, S::OK),
        c("GET", "/log/key", true, EVERYONE, S::OK),
        c("GET", "/log/tile/{*path}", true, EVERYONE, S::OK),
        c("GET", "/api/v1/log/proof/inclusion", true, EVERYONE, S::OK),
        c("GET", "/api/v1/log/proof/consistency", true, EVERYONE, S::OK),
        // Open data: the public record, as OCDS, for everyone.
        c("GET", "/open-data", false, EVERYONE, S::OK),
        // The company's sealed-bid page: a company registered for the tender (the matrix's is,
        // in both regencies; one that is not is refused in tests/submission.rs).
        c("GET", "/tenders/{id}/bid", false, VENDOR_ANYWHERE, S::OK),
        // Operations: health, readiness and metrics are public, as are the assets and the API's
        // own document.
        c("GET", "/healthz", false, EVERYONE, S::OK),
        c("GET", "/readyz", false, EVERYONE, S::OK),
        c("GET", "/metrics", false, EVERYONE, S::OK),
        c("GET", "/static/{file}", false, EVERYONE, S::OK),
        c("GET", "/api/v1/openapi.json", true, EVERYONE, S::OK),
        c("GET", "/api/v1/docs", false, EVERYONE, S::SEE_OTHER),
        c("GET", "/api/v1/docs/", false, EVERYONE, S::OK),
        c("GET", "/api/v1/docs/{*rest}", false, EVERYONE, S::OK),
        c("GET", "/api/v1/ocds/releases", true, EVERYONE, S::OK),
        c("GET", "/api/v1/ocds/records", true, EVERYONE, S::OK),
        c("GET", "/api/v1/ocds/releases/{ocid}", true, EVERYONE, S::OK),
        c("GET", "/api/v1/ocds/records/{ocid}", true, EVERYONE, S::OK),
        // The procurement plan: the work unit's PPK and budget holder enter, the budget holder
        // announces, everyone reads what is announced.
        c("GET", "/api/v1/tenants/{slug}/plan-items", true, EVERYONE, S::OK),
        c(
            "POST",
            "/api/v1/tenants/{slug}/work-units/{code}/plan-items",
            true,
            UNIT_PLANNERS,
            S::CREATED,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/work-units/{code}/plan-items/import",
            true,
            UNIT_PLANNERS,
            S::CREATED,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/work-units/{code}/plan/announce",
            true,
            UNIT_BUDGET_HOLDER,
            S::OK,
        ),
        c("GET", "/t/{slug}/plan", false, EVERYONE, S::OK),
        c("POST", "/t/{slug}/plan/items", false, UNIT_PLANNERS, S::SEE_OTHER),
        c(
            "POST",
            "/t/{slug}/plan/import",
            false,
            UNIT_PLANNERS,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/t/{slug}/plan/import-file",
            false,
            UNIT_PLANNERS,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/t/{slug}/plan/announce",
            false,
            UNIT_BUDGET_HOLDER,
            S::SEE_OTHER,
        ),
        // Packages: the regency's officials see them; only the unit's PPK prepares one.
        c(
            "GET",
            "/api/v1/tenants/{slug}/packages",
            true,
            PACKAGE_VIEWERS,
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/plan-items/{id}/package",
            true,
            UNIT_PPK,
            S::CREATED,
        ),
        c("GET", "/t/{slug}/packages", false, PACKAGE_VIEWERS, S::OK),
        c("POST", "/t/{slug}/packages", false, UNIT_PPK, S::SEE_OTHER),
        // Pokja: the ULP head assigns and sees the workload; a member declares.
        c(
            "GET",
            "/api/v1/tenants/{slug}/pokja/workload",
            true,
            ULP_HEAD,
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/pokja",
            true,
            ULP_HEAD,
            S::NO_CONTENT,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/pokja/declare",
            true,
            POKJA,
            S::NO_CONTENT,
        ),
        c(
            "GET",
            "/t/{slug}/pokja",
            false,
            Allowed {
                own: &[Role::UlpHead, Role::PokjaMember],
                other: &[],
                anonymous: false,
            },
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/pokja",
            false,
            ULP_HEAD,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/declare",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        // The hand-over: the unit's PPK submits, the ULP head returns or accepts, they write to
        // each other (with the pokja, once assigned); auditors read.
        c(
            "GET",
            "/api/v1/tenants/{slug}/packages/{id}/handover",
            true,
            HANDOVER_READERS,
            S::OK,
        ),
        c(
            "GET",
            "/t/{slug}/packages/{id}/handover",
            false,
            HANDOVER_READERS,
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/handover",
            true,
            UNIT_PPK,
            S::CREATED,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/handover",
            false,
            UNIT_PPK,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/handover/return",
            true,
            ULP_HEAD,
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/handover/return",
            false,
            ULP_HEAD,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/handover/accept",
            true,
            ULP_HEAD,
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/handover/accept",
            false,
            ULP_HEAD,
            S::SEE_OTHER,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/messages",
            true,
            CONVERSATION,
            S::CREATED,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/messages",
            false,
            CONVERSATION,
            S::SEE_OTHER,
        ),
        // The tender's method and schedule: its pokja sets and changes them, officials read them.
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/tender",
            true,
            POKJA,
            S::CREATED,
        ),
        c(
            "GET",
            "/api/v1/tenants/{slug}/packages/{id}/tender",
            true,
            PACKAGE_VIEWERS,
            S::OK,
        ),
        c(
            "POST",
            "/api/v1/tenants/{slug}/packages/{id}/tender/schedule-change",
            true,
            POKJA,
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        c(
            "GET",
            "/t/{slug}/packages/{id}/tender",
            false,
            PACKAGE_VIEWERS,
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/schedule",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        c(
            "PUT",
            "/api/v1/tenants/{slug}/packages/{id}/tender/requirements",
            true,
            POKJA,
            S::OK,
        ),
        c(
            "POST",
            "/t/{slug}/packages/{id}/tender/requirements",
            false,
            POKJA,
            S::SEE_OTHER,
        ),
        // The national working-day calendar: public to read, kept by the platform administrator.
        c("GET", "/api/v1/calendar", true, EVERYONE, S::OK),
        c("POST", "/api/v1/calendar/days-off", true, PLATFORM, S::NO_CONTENT),
        c(
            "POST",
            "/api/v1/calendar/days-off/{date}/remove",
            true,
            PLATFORM,
            S::NO_CONTENT,
        ),
        c("GET", "/calendar", false, EVERYONE, S::OK),
        c("POST", "/calendar/days-off", false, PLATFORM, S::SEE_OTHER),
        c(
            "POST",
            "/calendar/days-off/{date}/remove",
            false,
            PLATFORM,
            S::SEE_OTHER,
        ),
        // Public by nature (a sign-in with a wrong password; switching language).
        c("POST", "/login", false, EVERYONE, S::UNAUTHORIZED),
        c("POST", "/lang", false, EVERYONE, S::SEE_OTHER),
        c(
            "GET",
            "/login",
            false,
            Allowed {
                own: &[],
                other: &[],
                anonymous: true,
            },
            S::OK,
        ),
        // These end the session, so they run last for each actor.
        c(
            "POST",
            "/account/sessions/revoke",
            false,
            Allowed {
                own: WRITERS,
                other: WRITERS,
                anonymous: false,
            },
            S::SEE_OTHER,
        ),
        c("POST", "/logout", false, EVERYONE, S::SEE_OTHER),
    ]
}

struct Targets {
    /// Packages per scope: [API assign, page assign, API declare, page declare].
    own_packages: Vec<String>,
    other_packages: Vec<String>,
    /// Three pokja members of Banyuwangi.
    own_pokja: Vec<String>,
    /// Announced plan items without a package: [API, page] of Banyuwangi DPU, and of Trenggalek DPUPR.
    own_items: [String; 2],
    other_items: [String; 2],
    own_user: String,
    other_user: String,
    own_vendor: String,
    other_vendor: String,
    foreign_token: String,
    own_tenders: Tenders,
    other_tenders: Tenders,
    /// (package, document) of a demo tender with a stored file, per scope.
    own_doc: (String, String),
    other_doc: (String, String),
    /// The matrix vendor's profile as stored, to save it again unchanged.
    profile: serde_json::Value,
}

/// Announced (or ready) tenders for the tender rows of one regency.
struct Tenders {
    /// Announced, the matrix vendor not registered: [API, page].
    join: [String; 2],
    /// Announced, the matrix vendor registered: questions, minutes, answers, reads.
    running: String,
    /// Set up and ready, not announced: [API, page].
    ready: [String; 2],
    /// With a pokja, never announced: document uploads.
    draft: String,
    /// Open questions on `running`: [API, page].
    questions: [String; 2],
}

async fn id_of(app: &TestApp, username: &str) -> String {
    app.store
        .credentials(username)
        .await
        .expect("q")
        .expect("demo user")
        .user
        .id
        .to_string()
}

fn fill(
    case: &Case,
    scope: Scope,
    t: &Targets,
    n: usize,
) -> (String, Option<serde_json::Value>, Vec<(String, String)>) {
    let slug = if scope == Scope::Own {
        "banyuwangi"
    } else {
        "trenggalek"
    };
    let user = if scope == Scope::Own {
        &t.own_user
    } else {
        &t.other_user
    };
    let vendor = if scope == Scope::Own {
        &t.own_vendor
    } else {
        &t.other_vendor
    };
    let tenders = if scope == Scope::Own {
        &t.own_tenders
    } else {
        &t.other_tenders
    };
    let doc = if scope == Scope::Own {
        &t.own_doc
    } else {
        &t.other_doc
    };
    let id = match case.template {
        "/api/v1/vendors/{id}"
        | "/api/v1/vendors/{id}/profile"
        | "/api/v1/tenants/{slug}/vendors/{id}/verification"
        | "/t/{slug}/vendors/{id}/verification" => vendor.as_str(),
        "/api/v1/tenders/{id}/registrations" => tenders.join[0].as_str(),
        "/tenders/{id}/join" => tenders.join[1].as_str(),
        "/api/v1/tenants/{slug}/packages/{id}/tender/announce" => tenders.ready[0].as_str(),
        "/t/{slug}/packages/{id}/tender/announce" => tenders.ready[1].as_str(),
        "/api/v1/tenants/{slug}/packages/{id}/documents" | "/t/{slug}/packages/{id}/tender/documents" => {
            tenders.draft.as_str()
        }
        "/tenders/{id}/documents/{doc}" => doc.0.as_str(),
        "/api/v1/tenders/{id}"
        | "/api/v1/tenders/{id}/ceremony"
        | "/api/v1/tenders/{id}/flags"
        | "/tenders/{id}"
        | "/api/v1/tenders/{id}/questions"
        | "/tenders/{id}/questions"
        | "/api/v1/tenants/{slug}/packages/{id}/tender/minutes"
        | "/t/{slug}/packages/{id}/tender/minutes"
        | "/api/v1/tenants/{slug}/packages/{id}/questions/{qid}/answer"
        | "/t/{slug}/packages/{id}/tender/questions/{qid}/answer"
        | "/tenders/{id}/bid" => tenders.running.as_str(),
        "/api/v1/tenants/{slug}/packages/{id}/pokja"
        | "/t/{slug}/packages/{id}/pokja"
        | "/api/v1/tenants/{slug}/packages/{id}/pokja/declare"
        | "/t/{slug}/packages/{id}/declare" => {
            let k = match case.template {
                "/api/v1/tenants/{slug}/packages/{id}/pokja" => 0,
                "/t/{slug}/packages/{id}/pokja" => 1,
                "/api/v1/tenants/{slug}/packages/{id}/pokja/declare" => 2,
                _ => 3,
            };
            if scope == Scope::Own {
                t.own_packages[k].as_str()
            } else {
                t.other_packages[k].as_str()
            }
        }
        "/api/v1/tenants/{slug}/packages/{id}/handover"
        | "/t/{slug}/packages/{id}/handover"
        | "/api/v1/tenants/{slug}/packages/{id}/handover/return"
        | "/t/{slug}/packages/{id}/handover/return"
        | "/api/v1/tenants/{slug}/packages/{id}/handover/accept"
        | "/t/{slug}/packages/{id}/handover/accept"
        | "/api/v1/tenants/{slug}/packages/{id}/messages"
        | "/t/{slug}/packages/{id}/messages" => {
            let k = match (case.method, case.template) {
                ("GET", _) => 13,
                (_, "/api/v1/tenants/{slug}/packages/{id}/handover") => 7,
                (_, "/t/{slug}/packages/{id}/handover") => 8,
                (_, "/api/v1/tenants/{slug}/packages/{id}/handover/return") => 9,
                (_, "/t/{slug}/packages/{id}/handover/return") => 10,
                (_, "/api/v1/tenants/{slug}/packages/{id}/handover/accept") => 11,
                (_, "/t/{slug}/packages/{id}/handover/accept") => 12,
                _ => 13,
            };
            if scope == Scope::Own {
                t.own_packages[k].as_str()
            } else {
                t.other_packages[k].as_str()
            }
        }
        "/api/v1/tenants/{slug}/packages/{id}/tender"
        | "/t/{slug}/packages/{id}/tender"
        | "/api/v1/tenants/{slug}/packages/{id}/tender/schedule-change"
        | "/t/{slug}/packages/{id}/tender/schedule"
        | "/api/v1/tenants/{slug}/packages/{id}/tender/requirements"
        | "/t/{slug}/packages/{id}/tender/requirements" => {
            let k = match (case.method, case.api) {
                ("GET", _) => 6,
                (_, true) => 4,
                (_, false) => 5,
            };
            if scope == Scope::Own {
                t.own_packages[k].as_str()
            } else {
                t.other_packages[k].as_str()
            }
        }
        "/api/v1/tenants/{slug}/plan-items/{id}/package" => {
            if scope == Scope::Own {
                t.own_items[0].as_str()
            } else {
                t.other_items[0].as_str()
            }
        }
        "/api/v1/tokens/{id}/revoke" | "/account/tokens/{id}/revoke" => t.foreign_token.as_str(),
        "/api/v1/ocds/releases/{ocid}" | "/api/v1/ocds/records/{ocid}" => t.own_packages[6].as_str(),
        _ => user.as_str(),
    };
    let code = if scope == Scope::Own { "DPU" } else { "DPUPR" };
    // Days off the setup recorded, one per route and scope, so each removal finds its own.
    let date = match (case.api, scope) {
        (true, Scope::Own) => "2026-12-24",
        (true, Scope::Other) => "2026-12-28",
        (false, Scope::Own) => "2026-12-30",
        (false, Scope::Other) => "2026-12-31",
    };
    let mut path = case
        .template
        .replace("{slug}", slug)
        .replace("{id}", id)
        .replace("{code}", code)
        .replace("{date}", date)
        .replace("{doc}", &doc.1)
        .replace("{ocid}", &format!("ocds-lelang-{id}"))
        .replace(
            "{qid}",
            if case.api {
                &tenders.questions[0]
            } else {
                &tenders.questions[1]
            },
        );
    match case.template {
        "/api/v1/events" => path.push_str(&format!("?tenant={slug}")),
        "/log/tile/{*path}" => path = "/log/tile/0/000.p/1".into(),
        "/static/{file}" => path = "/static/lelang.css".into(),
        "/api/v1/docs/{*rest}" => path = "/api/v1/docs/swagger-ui.css".into(),
        "/api/v1/log/proof/inclusion" => path.push_str("?index=0"),
        "/api/v1/log/proof/consistency" => path.push_str("?old=1"),
        _ => {}
    }
    let unique = format!("m{n}");
    let password = "tiga kata acak sekali";
    let (json, form): (Option<serde_json::Value>, Vec<(&str, String)>) = match (case.method, case.template) {
        ("POST", "/api/v1/tenants") => (
            Some(json!({"slug": format!("kab-{unique}"), "name": "Pemkab Uji", "time_zone": "WITA"})),
            vec![],
        ),
        ("POST", "/api/v1/tenants/{slug}/work-units") => (
            Some(json!({"code": unique.to_uppercase(), "name": "Unit Uji"})),
            vec![],
        ),
        ("POST", "/api/v1/tenants/{slug}/users") => (
            Some(
                json!({"username": format!("user.{unique}"), "display_name": "Pengguna Uji", "role": "pokja_member", "password": password}),
            ),
            vec![],
        ),
        ("POST", "/api/v1/vendors") => (
            Some(json!({"name": "CV Uji", "nib": format!("{:013}", 5_000_000 + n)})),
            vec![],
        ),
        ("POST", "/api/v1/tokens") => (Some(json!({"name": "matriks"})), vec![]),
        ("PUT", "/api/v1/tenants/{slug}/second-factor") => (Some(json!({"required": true})), vec![]),
        ("POST", "/t/{slug}/second-factor") => (None, vec![("required", "on".into())]),
        ("POST", "/api/v1/users/{id}/second-factor/reset") => (Some(json!({})), vec![]),
        ("POST", "/api/v1/users/{id}/revoke-sessions") | ("POST", "/api/v1/tokens/{id}/revoke") => {
            (Some(json!({})), vec![])
        }
        ("POST", "/api/v1/tenants/{slug}/work-units/{code}/plan-items") => (
            Some(
                json!({"items": [{"fiscal_year": 2026, "name": format!("Jalan {unique}"), "category": "works",
                "budget_ceiling": 2_500_000_000_i64, "funding_source": "APBD", "planned_method": "tender",
                "planned_start": "2026-11-16", "planned_end": "2026-12-31"}]}),
            ),
            vec![],
        ),
        ("POST", "/api/v1/tenants/{slug}/work-units/{code}/plan/announce") => {
            (Some(json!({"fiscal_year": 2026})), vec![])
        }
        ("POST", "/t/{slug}/plan/items") => (
            None,
            vec![
                ("name", format!("Gedung {unique}")),
                ("category", "works".into()),
                ("budget_ceiling", "1.500.000.000".into()),
                ("funding_source", "APBD".into()),
                ("fiscal_year", "2026".into()),
                ("planned_method", "tender".into()),
                ("planned_start", "2026-11-16".into()),
                ("planned_end", "2026-12-31".into()),
            ],
        ),
        ("POST", "/t/{slug}/plan/import") => (None, vec![("csv", plan_csv(&unique))]),
        ("POST", "/t/{slug}/plan/announce") => (None, vec![("fiscal_year", "2026".into())]),
        ("POST", "/api/v1/calendar/days-off") => (
            Some(json!({"date": "2026-08-18", "kind": "cuti_bersama", "name": "Cuti bersama HUT RI"})),
            vec![],
        ),
        ("POST", "/calendar/days-off") => (
            None,
            vec![
                ("date", "2026-08-19".into()),
                ("kind", "holiday".into()),
                ("name", "Libur uji".into()),
            ],
        ),
        ("POST", "/api/v1/tenants/{slug}/plan-items/{id}/package") => (
            Some(json!({"location": "Kecamatan Wongsorejo", "hps_breakdown": [
                {"description": "Pekerjaan tanah", "quantity": 300, "unit": "m3", "unit_price": 150000}]})),
            vec![],
        ),
        ("POST", "/t/{slug}/packages") => (
            None,
            vec![
                (
                    "plan_item_id",
                    if scope == Scope::Own {
                        t.own_items[1].clone()
                    } else {
                        t.other_items[1].clone()
                    },
                ),
                ("location", "Kecamatan Wongsorejo".into()),
                ("breakdown", "Pekerjaan tanah; 300; m3; 150.000".into()),
            ],
        ),
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/handover") => (
            Some(json!({"checklist": {
                "specification": "KAK 027/1/2028", "owner_estimate": "HPS 027/2/2028",
                "draft_contract": "Kontrak 027/3/2028", "budget_document": "DPA 2028"}})),
            vec![],
        ),
        ("POST", "/t/{slug}/packages/{id}/handover") => (
            None,
            vec![
                ("item-specification", "KAK 027/1/2028".into()),
                ("item-owner_estimate", "HPS 027/2/2028".into()),
                ("item-draft_contract", "Kontrak 027/3/2028".into()),
                ("item-budget_document", "DPA 2028".into()),
            ],
        ),
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/handover/return") => (
            Some(json!({"notes": "Rancangan kontrak perlu diperbaiki."})),
            vec![],
        ),
        ("POST", "/t/{slug}/packages/{id}/handover/return") => (
            None,
            vec![("notes", "Rancangan kontrak perlu diperbaiki.".into())],
        ),
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/messages") => {
            (Some(json!({"body": format!("Pesan matriks {unique}")})), vec![])
        }
        ("POST", "/t/{slug}/packages/{id}/messages") => {
            (None, vec![("body", format!("Pesan matriks {unique}"))])
        }
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/pokja") => {
            (Some(json!({"members": t.own_pokja})), vec![])
        }
        ("POST", "/t/{slug}/packages/{id}/pokja") => (
            None,
            t.own_pokja
                .iter()
                .map(|m| (format!("m-{m}"), "on".to_owned()))
                .map(|(k, v)| (leak(k), v))
                .collect(),
        ),
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/tender") => (
            Some(json!({"method": "tender", "evaluation": "sistem_gugur", "first_day": "2026-11-16"})),
            vec![],
        ),
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/tender/schedule-change") => (
            Some(
                json!({"stage": "submission", "new_last_day": "2026-11-27", "reason": "Adendum dokumen pemilihan"}),
            ),
            vec![],
        ),
        ("POST", "/t/{slug}/packages/{id}/tender") => (
            None,
            vec![
                ("method", "tender".into()),
                ("evaluation", "sistem_gugur".into()),
                ("first_day", "2026-11-16".into()),
            ],
        ),
        ("POST", "/t/{slug}/packages/{id}/tender/schedule") => (
            None,
            vec![
                ("stage", "submission".into()),
                ("new_last_day", "2026-11-27".into()),
                ("reason", "Adendum dokumen pemilihan".into()),
            ],
        ),
        ("PUT", "/api/v1/tenants/{slug}/packages/{id}/tender/requirements") => (
            Some(
                json!({"kbli": ["42101"], "min_experience_value": 500_000_000, "experience_years": 4, "tax": true}),
            ),
            vec![],
        ),
        ("POST", "/t/{slug}/packages/{id}/tender/requirements") => (
            None,
            vec![
                ("kbli", "42101, 42911".into()),
                ("min_experience_value", "500.000.000".into()),
                ("experience_years", "4".into()),
                ("tax", "on".into()),
            ],
        ),
        ("POST", "/api/v1/tenants/{slug}/vendors/{id}/verification") => {
            (Some(json!({"status": "verified", "note": ""})), vec![])
        }
        ("POST", "/t/{slug}/vendors/{id}/verification") => (None, vec![("status", "verified".into())]),
        ("POST", "/vendors/register") => (
            None,
            vec![
                ("company", format!("CV Matriks {unique}")),
                ("nib", format!("{:013}", 7_000_000 + n)),
                ("npwp", "01.234.567.8-999.000".into()),
                ("address", "Jl. Uji Coba No. 1, Banyuwangi".into()),
                ("home_regency", String::new()),
                ("username", format!("penyedia.{unique}")),
                ("display_name", "Penguji Matriks".into()),
                ("email", format!("{unique}@example.co.id")),
                ("password", password.into()),
            ],
        ),
        ("PUT", "/api/v1/vendors/{id}/profile") => (Some(t.profile.clone()), vec![]),
        ("POST", "/vendor/profile") => (None, profile_form(&t.profile)),
        ("POST", "/api/v1/tenders/{id}/questions") => (
            Some(json!({"text": format!("Pertanyaan matriks {unique}?")})),
            vec![],
        ),
        ("POST", "/tenders/{id}/questions") => {
            (None, vec![("text", format!("Pertanyaan matriks {unique}?"))])
        }
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/questions/{qid}/answer") => {
            (Some(json!({"text": "Jawaban pokja untuk matriks."})), vec![])
        }
        ("POST", "/t/{slug}/packages/{id}/tender/questions/{qid}/answer") => {
            (None, vec![("text", "Jawaban pokja untuk matriks.".into())])
        }
        ("POST", "/api/v1/tenants/{slug}/packages/{id}/documents")
        | ("POST", "/t/{slug}/packages/{id}/tender/documents") => (
            None,
            vec![
                ("kind", "specification".into()),
                ("title", format!("Lampiran {unique}")),
            ],
        ),
        ("POST", "/account/tokens") => (None, vec![("name", "matriks".into())]),
        ("POST", "/account/password") => (
            None,
            vec![("current", "salah sekali".into()), ("new", password.into())],
        ),
        ("POST", "/admin/tenants") => (
            None,
            vec![
                ("slug", format!("kab-p{unique}")),
                ("name", "Pemkab Uji".into()),
                ("time_zone", "WIT".into()),
            ],
        ),
        ("POST", "/t/{slug}/users") => (
            None,
            vec![
                ("username", format!("page.{unique}")),
                ("display_name", "Pengguna Uji".into()),
                ("email", String::new()),
                ("role", "auditor".into()),
                ("work_unit_id", String::new()),
                ("password", password.into()),
            ],
        ),
        ("POST", "/t/{slug}/work-units") => (
            None,
            vec![
                ("code", format!("P{}", unique.to_uppercase())),
                ("name", "Unit Uji".into()),
            ],
        ),
        ("POST", "/login") => (
            None,
            vec![
                ("username", format!("tamu.{unique}")),
                ("password", "salah sekali".into()),
            ],
        ),
        ("POST", "/lang") => (None, vec![("lang", "en".into()), ("next", "/".into())]),
        _ => (None, vec![]),
    };
    (
        path,
        json,
        form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    )
}

/// Form field names are `&str` in the table; the few built at run time live for the test.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Packages for the pokja rows, in both regencies: four each, the last two with a pokja that
/// includes the matrix's pokja member (in Banyuwangi).
async fn pokja_fixtures(
    app: &TestApp,
    slug: &str,
    ppk: &str,
    pa: &str,
    ulp: &str,
    pokja: [&str; 3],
) -> (Vec<String>, Vec<String>) {
    use lelang_core::package::{HpsLine, NewPackage, create_package};
    use lelang_core::plan::{NewPlanItem, announce_plan, create_plan_items};
    use lelang_core::pokja::assign_pokja;
    use lelang_core::rules::{Category, Method, built_in};
    let actor = |user: lelang_core::model::User, grant: lelang_core::model::RoleGrant| {
        lelang_core::policy::Actor::User(lelang_core::policy::UserActor {
            user_id: user.id,
            username: user.username,
            role: grant.role,
            tenant_id: grant.tenant_id,
            work_unit_id: grant.work_unit_id,
            vendor_id: None,
        })
    };
    let as_user = |name: &str| {
        let store = app.store.clone();
        let name = name.to_owned();
        async move {
            let u = store.credentials(&name).await.expect("q").expect("user").user;
            let g = store.role_grants(u.id).await.expect("grants").remove(0);
            (u, g)
        }
    };
    let now = lelang_core::Clock::now(app.clock.as_ref());
    let rules = built_in().expect("rules").pop().expect("rules");
    let (u, g) = as_user(ppk).await;
    let unit = g.work_unit_id.expect("unit");
    let tenant = g.tenant_id.expect("tenant");
    let ppk = actor(u, g);
    let items: Vec<NewPlanItem> = (0..14)
        .map(|i| NewPlanItem {
            fiscal_year: 2028,
            name: format!("Paket pokja {i}"),
            category: Category::Works,
            budget_ceiling: 900_000_000,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: time::macros::date!(2028 - 02 - 01),
            planned_end: time::macros::date!(2028 - 09 - 30),
        })
        .collect();
    let (created, c) = create_plan_items(&ppk, tenant, unit, &items, &rules, &common::cx(now)).expect("plan");
    app.store.commit(c.lift()).await.expect("plan");
    let (u, g) = as_user(pa).await;
    app.store
        .commit(
            announce_plan(&actor(u, g), tenant, unit, 2028, &created, &common::cx(now))
                .expect("announce")
                .lift(),
        )
        .await
        .expect("announce");
    let mut ids = Vec::new();
    let mut packages = Vec::new();
    for item in app
        .store
        .plan_items(tenant, true)
        .await
        .expect("plan")
        .into_iter()
        .filter(|i| i.fiscal_year == 2028)
    {
        let line = HpsLine {
            description: "Pekerjaan".into(),
            quantity: 1,
            unit: "ls".into(),
            unit_price: 800_000_000,
        };
        let (p, c) = create_package(
            &ppk,
            &item,
            NewPackage {
                hps_breakdown: vec![line],
                location: slug.into(),
            },
            &rules,
            &common::cx(now),
        )
        .expect("package");
        app.store.commit(c.lift()).await.expect("package");
        ids.push(p.id.to_string());
        packages.push(p);
    }
    let mut members = Vec::new();
    for m in pokja {
        members.push(as_user(m).await.0.id);
    }
    let (u, g) = as_user(ulp).await;
    let ulp = actor(u, g);
    // Hand-overs: 0–6 accepted (0 and 1 wait for their pokja); 7 and 8 not handed over (for the
    // submission's rows); 9–12 submitted (for the return's and the acceptance's); 13 has none.
    let checklist: Vec<lelang_core::handover::Entry> = lelang_core::handover::Item::ALL
        .iter()
        .map(|i| lelang_core::handover::Entry {
            item: *i,
            reference: format!("027/{}/2028", i.code()),
        })
        .collect();
    let mut accepted = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        if matches!(i, 7 | 8 | 13) {
            continue;
        }
        let (h, c) =
            lelang_core::handover::submit(&ppk, p, None, &checklist, "", &common::cx(now)).expect("submit");
        app.store.commit(c.lift()).await.expect("submit");
        if i < 7 {
            let (h, c) = lelang_core::handover::accept(&ulp, &h, &common::cx(now)).expect("accept");
            app.store.commit(c.lift()).await.expect("accept");
            accepted.push(h);
        }
    }
    let mut assignments = Vec::new();
    for (p, h) in packages[2..7].iter().zip(&accepted[2..]) {
        let (a, c) = assign_pokja(
            &ulp,
            p,
            lelang_core::handover::is_accepted(Some(h)),
            &members,
            &members,
            None,
            &common::cx(now),
        )
        .expect("assign");
        app.store.commit(c.lift()).await.expect("assign");
        assignments.push(a);
    }
    // The last package already has its schedule, for the rows that read one.
    let (u, g) = as_user(pokja[0]).await;
    let (_, c) = lelang_core::tender::set_up(
        &actor(u, g),
        &packages[6],
        assignments.last(),
        Method::Tender,
        lelang_core::rules::EvaluationMethod::SistemGugur,
        time::macros::date!(2026 - 11 - 16),
        lelang_core::model::TimeZone::Wib,
        &rules,
        &lelang_core::calendar::WorkingCalendar::default(),
        None,
        &common::cx(now),
    )
    .expect("set up");
    app.store.commit(c.lift()).await.expect("set up");
    (ids, members.iter().map(|m| m.to_string()).collect())
}

/// The profile form a vendor's page would submit for `profile` (as the API returns it).
fn profile_form(p: &serde_json::Value) -> Vec<(&'static str, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
    let lines = |key: &str, f: &dyn Fn(&serde_json::Value) -> String| {
        p[key]
            .as_array()
            .map(|a| a.iter().map(f).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    };
    let mut out = vec![
        ("npwp", text(&p["npwp"])),
        ("address", text(&p["address"])),
        ("last_return_year", p["tax"]["last_return_year"].to_string()),
        (
            "licences",
            lines("licences", &|l| {
                let kbli: Vec<String> = l["kbli"]
                    .as_array()
                    .map(|k| k.iter().map(text).collect())
                    .unwrap_or_default();
                format!(
                    "{}; {}; {}; {}",
                    text(&l["kind"]),
                    text(&l["number"]),
                    kbli.join(" "),
                    text(&l["valid_until"])
                )
            }),
        ),
        (
            "experience",
            lines("experience", &|e| {
                format!(
                    "{}; {}; {}; {}",
                    text(&e["project"]),
                    text(&e["client"]),
                    e["year"],
                    e["value"]
                )
            }),
        ),
        (
            "personnel",
            lines("personnel", &|x| {
                format!(
                    "{}; {}; {}",
                    text(&x["name"]),
                    text(&x["position"]),
                    text(&x["certificate"])
                )
            }),
        ),
        (
            "equipment",
            lines("equipment", &|x| {
                let owned = if x["owned"].as_bool().unwrap_or(false) {
                    "milik"
                } else {
                    "sewa"
                };
                format!("{}; {}; {owned}", text(&x["name"]), x["quantity"])
            }),
        ),
    ];
    if p["tax"]["pkp"].as_bool().unwrap_or(false) {
        out.push(("pkp", "on".into()));
    }
    out
}

/// Tenders for the tender rows in one regency, made through the domain commands: two announced
/// (the matrix vendor not registered), one running (registered, two open questions), two set up
/// and ready to announce, one draft with a pokja.
async fn tender_fixtures(
    app: &TestApp,
    slug: &str,
    ppk: &str,
    pa: &str,
    ulp: &str,
    pokja: [&str; 3],
) -> Tenders {
    use lelang_core::clarification::ask;
    use lelang_core::document::{DocumentKind, NewDocument, publish};
    use lelang_core::package::{HpsLine, NewPackage, create_package};
    use lelang_core::plan::{NewPlanItem, announce_plan, create_plan_items};
    use lelang_core::pokja::{assign_pokja, declare_no_conflict};
    use lelang_core::rules::{Category, EvaluationMethod, Method, built_in};
    use lelang_core::tender::{AnnounceContext, announce, set_up};
    use lelang_core::vendor::join_tender;
    let as_actor = |name: &str| {
        let store = app.store.clone();
        let name = name.to_owned();
        async move {
            let u = store.credentials(&name).await.expect("q").expect("user").user;
            let g = store.role_grants(u.id).await.expect("grants").remove(0);
            lelang_core::policy::Actor::User(lelang_core::policy::UserActor {
                user_id: u.id,
                username: u.username,
                role: g.role,
                tenant_id: g.tenant_id,
                work_unit_id: g.work_unit_id,
                vendor_id: u.vendor_id,
            })
        }
    };
    let store = &app.store;
    let now = lelang_core::Clock::now(app.clock.as_ref());
    let rules = built_in().expect("rules").pop().expect("rules");
    let calendar = lelang_core::calendar::WorkingCalendar::new(store.days_off(None).await.expect("days"));
    let ppk = as_actor(ppk).await;
    let unit = ppk.user().and_then(|u| u.work_unit_id).expect("unit");
    let tenant_id = ppk.tenant_id().expect("tenant");
    let tenant = store.tenant(tenant_id).await.expect("q").expect("tenant");
    let items: Vec<NewPlanItem> = (0..6)
        .map(|i| NewPlanItem {
            fiscal_year: 2029,
            name: format!("Jalan tender matriks {slug} {i}"),
            category: Category::Works,
            budget_ceiling: 900_000_000,
            funding_source: "APBD".into(),
            planned_method: Method::Tender,
            planned_start: time::macros::date!(2029 - 02 - 01),
            planned_end: time::macros::date!(2029 - 09 - 30),
        })
        .collect();
    let (created, c) =
        create_plan_items(&ppk, tenant_id, unit, &items, &rules, &common::cx(now)).expect("plan");
    store.commit(c.lift()).await.expect("plan");
    let pa = as_actor(pa).await;
    store
        .commit(
            announce_plan(&pa, tenant_id, unit, 2029, &created, &common::cx(now))
                .expect("announce")
                .lift(),
        )
        .await
        .expect("announce plan");
    let ulp = as_actor(ulp).await;
    let mut members = Vec::new();
    for m in pokja {
        members.push(as_actor(m).await);
    }
    let member_ids: Vec<_> = members.iter().map(|m| m.user().expect("u").user_id).collect();
    let vendor = as_actor("vendor.blambangan").await;
    let vendor_id = vendor.user().and_then(|u| u.vendor_id).expect("vendor");
    let mut ids = Vec::new();
    let mut questions = Vec::new();
    let announced = store.plan_items(tenant_id, true).await.expect("plan");
    for (i, item) in announced.iter().filter(|p| p.fiscal_year == 2029).enumerate() {
        let (pkg, c) = create_package(
            &ppk,
            item,
            NewPackage {
                hps_breakdown: vec![HpsLine {
                    description: "Pekerjaan jalan".into(),
                    quantity: 1,
                    unit: "ls".into(),
                    unit_price: 800_000_000,
                }],
                location: "Kecamatan Uji".into(),
            },
            &rules,
            &common::cx(now),
        )
        .expect("package");
        store.commit(c.lift()).await.expect("package");
        ids.push(pkg.id.to_string());
        let (mut assignment, c) = assign_pokja(
            &ulp,
            &pkg,
            true, // the hand-over is the subject of its own rows
            &member_ids,
            &member_ids,
            None,
            &common::cx(now),
        )
        .expect("assign");
        store.commit(c.lift()).await.expect("assign");
        if i == 5 {
            continue; // the draft
        }
        for m in &members {
            store
                .commit(
                    declare_no_conflict(m, &assignment, &common::cx(now))
                        .expect("declare")
                        .lift(),
                )
                .await
                .expect("declare");
        }
        assignment.declared = member_ids.clone();
        let (setup, c) = set_up(
            &members[0],
            &pkg,
            Some(&assignment),
            Method::Tender,
            EvaluationMethod::SistemGugur,
            time::macros::date!(2026 - 11 - 02),
            tenant.time_zone,
            &rules,
            &calendar,
            None,
            &common::cx(now),
        )
        .expect("set up");
        store.commit(c.lift()).await.expect("set up");
        let (doc, c) = publish(
            &ppk,
            &pkg,
            Some(&assignment),
            None,
            &[],
            NewDocument {
                kind: DocumentKind::Specification,
                title: "Dokumen Pemilihan".into(),
                filename: "dokumen.pdf".into(),
                size: 3,
                sha256: "ab".repeat(32),
                supersedes: None,
                change_note: None,
            },
            1 << 20,
            &common::cx(now),
        )
        .expect("document");
        store.commit(c.lift()).await.expect("document");
        let clock = std::sync::Arc::new(lelang_core::clock::FixedClock::new(now));
        let key =
            lelang::demo::sealing::ceremony(&common::use_cases(store, &clock), pkg.id, &assignment, &members)
                .await
                .expect("ceremony");
        if i >= 3 {
            continue; // ready to announce
        }
        let (tender, c) = announce(
            &members[0],
            &pkg,
            AnnounceContext {
                assignment: Some(&assignment),
                setup: Some(&setup),
                announced: false,
                documents: [doc].len(),
                work_unit_name: "Dinas Uji",
                regency_name: &tenant.name,
                bid_recipient: key.recipient(),
            },
            &common::cx(now),
        )
        .expect("announce");
        store.commit(c.lift()).await.expect("announce");
        if i == 2 {
            let verifications = store.verifications(Some(vendor_id)).await.expect("v");
            store
                .commit(
                    join_tender(
                        &vendor,
                        vendor_id,
                        &tender,
                        &verifications,
                        false,
                        &common::cx(now),
                    )
                    .expect("join")
                    .lift(),
                )
                .await
                .expect("join");
            for k in 0..2 {
                let (q, c) = ask(
                    &vendor,
                    vendor_id,
                    &tender,
                    &setup,
                    true,
                    &format!("Pertanyaan awal {k}?"),
                    &common::cx(now),
                )
                .expect("ask");
                store.commit(c.lift()).await.expect("ask");
                questions.push(q.id.to_string());
            }
        }
    }
    Tenders {
        join: [ids[0].clone(), ids[1].clone()],
        running: ids[2].clone(),
        ready: [ids[3].clone(), ids[4].clone()],
        draft: ids[5].clone(),
        questions: [questions[0].clone(), questions[1].clone()],
    }
}

fn plan_csv(unique: &str) -> String {
    format!(
        "nama,kategori,pagu,sumber_dana,tahun_anggaran,metode,mulai,selesai\n\
         Drainase {unique},pekerjaan konstruksi,900.000.000,APBD,2026,tender,2026-11-16,2026-12-31\n"
    )
}

async fn run(
    client: &mut Client,
    case: &Case,
    path: &str,
    json: Option<serde_json::Value>,
    form: &[(String, String)],
) -> common::Resp {
    match (case.method, case.api) {
        ("GET", _) => client.get(path).await,
        ("POST", true) if case.template.ends_with("/import") => {
            let mut req = axum::http::Request::post(path).header("content-type", "text/csv");
            if let Some(c) = &client.csrf {
                req = req.header("x-csrf-token", c.as_str());
            }
            client
                .send(
                    req.body(axum::body::Body::from(plan_csv("api")))
                        .expect("request"),
                )
                .await
        }
        ("POST", _) if case.template.ends_with("/import-file") => {
            client
                .post_multipart(path, &[], Some(("rup.csv", plan_csv("berkas").as_bytes())))
                .await
        }
        ("POST", _) if case.template.ends_with("/documents") => {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            client
                .post_multipart(path, &f, Some(("lampiran.pdf", b"%PDF-1.4 matriks")))
                .await
        }
        ("PUT", true) => client.put_json(path, &json.unwrap_or(json!({}))).await,
        ("POST", true) => client.post_json(path, &json.unwrap_or(json!({})), None).await,
        ("POST", false) => {
            let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            client.post_form(path, &f).await
        }
        _ => unreachable!("methods are GET, POST or PUT"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_every_role_own_and_other_regency() {
    // Every role signs a company up, twice, all from one address: past the default throttle.
    let app = TestApp::with_demo_config(lelang_web::WebConfig {
        sign_up_burst: 100,
        ..lelang_web::WebConfig::default()
    })
    .await;
    let mut token_owner = app.signed_in("tgl.admin").await;
    let r = token_owner
        .post_json("/api/v1/tokens", &json!({"name": "milik orang lain"}), None)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let vendors = app.store.vendors().await.expect("vendors");
    let vendor_id = |name: &str| {
        vendors
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.id.to_string())
            .expect("vendor")
    };
    let items_of = |slug: &'static str| {
        let store = app.store.clone();
        async move {
            let t = store.tenant_by_slug(slug).await.expect("q").expect("tenant");
            let packaged: Vec<_> = store
                .packages(t.id)
                .await
                .expect("packages")
                .iter()
                .map(|p| p.plan_item_id)
                .collect();
            // Items without a package first (the own regency's PPK prepares them); in the other
            // regency any item serves, since only refusals are expected there.
            let mut all = store.plan_items(t.id, true).await.expect("plan");
            all.sort_by_key(|i| packaged.contains(&i.id));
            let items: Vec<String> = all.iter().map(|i| i.id.to_string()).collect();
            [items[0].clone(), items[1].clone()]
        }
    };
    let own_items = items_of("banyuwangi").await;
    let (own_packages, own_pokja) = pokja_fixtures(
        &app,
        "banyuwangi",
        "bwi.ppk.dpu",
        "bwi.pa.dpu",
        "bwi.ulp",
        ["bwi.pokja1", "bwi.pokja2", "bwi.pokja3"],
    )
    .await;
    let (other_packages, _) = pokja_fixtures(
        &app,
        "trenggalek",
        "tgl.ppk.dpupr",
        "tgl.pa.dpupr",
        "tgl.ulp",
        ["tgl.pokja1", "tgl.pokja2", "tgl.pokja3"],
    )
    .await;
    let other_items = items_of("trenggalek").await;
    let own_tenders = tender_fixtures(
        &app,
        "banyuwangi",
        "bwi.ppk.dpu",
        "bwi.pa.dpu",
        "bwi.ulp",
        ["bwi.pokja1", "bwi.pokja2", "bwi.pokja3"],
    )
    .await;
    let other_tenders = tender_fixtures(
        &app,
        "trenggalek",
        "tgl.ppk.dpupr",
        "tgl.pa.dpupr",
        "tgl.ulp",
        ["tgl.pokja1", "tgl.pokja2", "tgl.pokja3"],
    )
    .await;
    let demo_doc = |name: &'static str| {
        let store = app.store.clone();
        async move {
            let page = store
                .search_tenders(&lelang_core::tender::TenderQuery {
                    text: Some(name.into()),
                    limit: 5,
                    ..Default::default()
                })
                .await
                .expect("search");
            let t = &page.tenders.first().expect("demo tender").tender;
            let d = store.documents(t.package_id).await.expect("docs").remove(0);
            (t.package_id.to_string(), d.id.to_string())
        }
    };
    let own_doc = demo_doc("irigasi singolatren").await;
    let other_doc = demo_doc("jembatan ngasinan").await;
    let blambangan = vendor_id("CV Blambangan Karya");
    let profile = serde_json::to_value(
        app.store
            .vendor_profile(lelang_core::VendorId(blambangan.parse().expect("uuid")))
            .await
            .expect("q")
            .expect("demo profile"),
    )
    .expect("json");
    let targets = Targets {
        own_tenders,
        other_tenders,
        own_doc,
        other_doc,
        profile,
        own_packages,
        other_packages,
        own_pokja,
        own_items,
        other_items,
        own_user: id_of(&app, "bwi.pokja5").await,
        other_user: id_of(&app, "tgl.pokja3").await,
        own_vendor: vendor_id("CV Blambangan Karya"),
        other_vendor: vendor_id("CV Prigi Sejahtera"),
        foreign_token: r.json()["token"]["id"].as_str().expect("id").to_owned(),
    };

    let admin = app
        .store
        .credentials("admin")
        .await
        .expect("q")
        .expect("admin")
        .user;
    let admin_actor = lelang_core::policy::Actor::User(lelang_core::policy::UserActor {
        user_id: admin.id,
        username: admin.username,
        role: Role::PlatformAdmin,
        tenant_id: None,
        work_unit_id: None,
        vendor_id: None,
    });
    for d in ["2026-12-24", "2026-12-28", "2026-12-30", "2026-12-31"] {
        let date =
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).expect("date");
        let day = lelang_core::calendar::DayOff {
            date,
            kind: lelang_core::calendar::DayOffKind::CutiBersama,
            name: "Cuti bersama".into(),
        };
        let change = lelang_core::calendar::set_day_off(
            &admin_actor,
            day,
            &common::cx(lelang_core::Clock::now(app.clock.as_ref())),
        )
        .expect("valid");
        app.store.commit(change.lift()).await.expect("setup");
    }
    let cases = cases();
    let mut whos = vec![Who::Anonymous];
    whos.extend(Role::ALL.iter().map(|r| Who::As(*r)));
    let mut n = 0;
    let mut failures = Vec::new();
    for who in whos {
        for scope in [Scope::Own, Scope::Other] {
            let mut client = match who {
                Who::Anonymous => app.client(),
                Who::As(role) => app.signed_in(username(role)).await,
            };
            for case in &cases {
                n += 1;
                let (path, json, form) = fill(case, scope, &targets, n);
                let resp = run(&mut client, case, &path, json, &form).await;
                let allowed = match who {
                    Who::Anonymous => case.allowed.anonymous,
                    Who::As(role) => {
                        if scope == Scope::Own {
                            case.allowed.own.contains(&role)
                        } else {
                            case.allowed.other.contains(&role)
                        }
                    }
                };
                let expected = match (who, allowed, case.api) {
                    (_, true, _) => case.ok,
                    // Someone else's token is simply not found, whoever asks.
                    // (Law enforcement reads only: it may not manage tokens at all.)
                    (Who::As(role), false, _) if case.template.contains("tokens/{id}") => {
                        if role == Role::LawEnforcement {
                            StatusCode::FORBIDDEN
                        } else {
                            StatusCode::NOT_FOUND
                        }
                    }
                    (Who::Anonymous, false, true) => StatusCode::UNAUTHORIZED,
                    (Who::Anonymous, false, false) => StatusCode::SEE_OTHER,
                    (Who::As(_), false, _) if case.template == "/login" => StatusCode::SEE_OTHER,
                    (Who::As(_), false, _) => StatusCode::FORBIDDEN,
                };
                let shaped = if resp.status.is_client_error() && case.api {
                    resp.content_type() == "application/problem+json"
                } else if !allowed && matches!(who, Who::Anonymous) && !case.api {
                    resp.location().starts_with("/login")
                } else {
                    true
                };
                if resp.status != expected || !shaped || resp.status.is_server_error() {
                    failures.push(format!(
                        "{who:?} {scope:?} {} {path}: got {} (expected {expected}) {}",
                        case.method,
                        resp.status,
                        resp.body.chars().take(160).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Covered by tests/sealing.rs instead (see below).
const SEALING_ROUTES: &[&str] = &[
    "/api/v1/me/sealing-key",
    "/api/v1/tenants/{slug}/packages/{id}/ceremony",
    "/api/v1/tenants/{slug}/packages/{id}/ceremony/deal",
    "/api/v1/tenants/{slug}/packages/{id}/ceremony/verdict",
    "/api/v1/tenders/{id}/bids",
    "/api/v1/tenants/{slug}/packages/{id}/opening",
    "/api/v1/tenants/{slug}/packages/{id}/opening/partials",
    "/account/sealing-key",
    "/t/{slug}/packages/{id}/sealing",
    // A daily dump exists only once written; tests/ocds.rs serves one and refuses bad names.
    "/open-data/{file}",
    // Covered by tests/evaluation.rs on the demo's tender in evaluation: other pokja, vendors,
    // the PPK, the ULP head, the budget holder and the public are refused; auditors read (logged).
    "/api/v1/tenants/{slug}/packages/{id}/evaluation",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/findings",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/clarifications",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/proofs",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/votes",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/decision",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/reevaluation",
    "/t/{slug}/packages/{id}/evaluation/reevaluation",
    "/api/v1/tenants/{slug}/packages/{id}/evaluation/repeat",
    "/t/{slug}/packages/{id}/evaluation/repeat",
    "/t/{slug}/packages/{id}/evaluation/decision",
    "/api/v1/tenders/{id}/prices",
    "/api/v1/tenders/{id}/award",
    "/t/{slug}/packages/{id}/evaluation",
    "/t/{slug}/packages/{id}/evaluation/begin",
    "/t/{slug}/packages/{id}/evaluation/minutes",
    "/t/{slug}/packages/{id}/evaluation/findings",
    "/t/{slug}/packages/{id}/evaluation/clarifications",
    "/t/{slug}/packages/{id}/evaluation/proofs",
    "/t/{slug}/packages/{id}/evaluation/votes",
    "/t/{slug}/packages/{id}/bids/{bid}/archive",
    "/t/{slug}/packages/{id}/bids/{bid}/documents/{n}",
    // Covered by tests/packages.rs (`the_ulp_head_replaces_a_member_before_the_announcement`): a
    // replacement changes the pokja the other rows rely on.
    "/api/v1/tenants/{slug}/packages/{id}/pokja/replacement",
    "/t/{slug}/packages/{id}/pokja/replacement",
    // Covered by tests/cancellation.rs: a cancellation ends the tender the other rows rely on;
    // every other role and regency is refused there, and the public reads it.
    "/api/v1/tenants/{slug}/packages/{id}/cancellation",
    "/api/v1/tenders/{id}/cancellation",
    "/t/{slug}/packages/{id}/tender/cancellation",
    // Covered by tests/objections.rs (the clock set into the demo award's objection period):
    // the winner, strangers and the public cannot object; only the tender's pokja answers; the
    // texts reach only bidders, the pokja and auditors. The page forms by tests/browser.rs.
    "/api/v1/tenders/{id}/objections",
    "/api/v1/tenders/{id}/objections/{objection}/evidence",
    "/tenders/{id}/objections/{objection}/evidence",
    "/tenders/{id}/objections/{objection}/evidence/{n}",
    "/api/v1/tenants/{slug}/packages/{id}/objections/{objection}/answer",
    "/tenders/{id}/objections",
    "/t/{slug}/packages/{id}/tender/objections/{objection}/answer",
    "/api/v1/tenders/{id}/appeals",
    "/api/v1/tenants/{slug}/packages/{id}/appeals/{appeal}/answer",
    "/tenders/{id}/appeals",
    "/t/{slug}/packages/{id}/tender/appeals/{appeal}/answer",
    // Covered by tests/award_letters.rs: only the PPK issues, only the company named responds,
    // the public reads letters without decline reasons. The page forms by tests/browser.rs.
    "/api/v1/tenders/{id}/award-letters",
    "/api/v1/tenders/{id}/award-letters/response",
    "/api/v1/tenants/{slug}/packages/{id}/award-letters",
    "/tenders/{id}/award-letters/response",
    "/t/{slug}/packages/{id}/tender/award-letters",
    // The contract, by the same test: only the PPK drafts and starts it, only the company gives
    // the guarantee; the public reads it.
    "/api/v1/tenders/{id}/contract",
    "/api/v1/tenders/{id}/contract/guarantee",
    "/api/v1/tenders/{id}/contract/signature",
    "/api/v1/tenants/{slug}/packages/{id}/contract",
    "/api/v1/tenants/{slug}/packages/{id}/contract/work-order",
    "/tenders/{id}/contract/guarantee",
    "/tenders/{id}/contract/signature",
    "/t/{slug}/packages/{id}/tender/contract",
    "/t/{slug}/packages/{id}/tender/contract/signature",
    "/t/{slug}/packages/{id}/tender/contract/work-order",
    // The execution, by tests/execution.rs: only the PPK plans, accepts, pays, amends, hands over
    // and rates; only the contracted company reports; the public reads it and the contract's
    // page. The page forms by tests/browser.rs.
    "/api/v1/tenders/{id}/execution",
    "/api/v1/tenders/{id}/execution/milestones/{n}/progress",
    "/api/v1/tenants/{slug}/packages/{id}/execution/milestones",
    "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/acceptance",
    "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/payment",
    "/api/v1/tenants/{slug}/packages/{id}/execution/amendments",
    "/api/v1/tenants/{slug}/packages/{id}/execution/handover",
    "/api/v1/tenants/{slug}/packages/{id}/execution/termination",
    "/api/v1/tenants/{slug}/packages/{id}/execution/rating",
    "/tenders/{id}/contract",
    "/tenders/{id}/contract/progress",
    "/t/{slug}/packages/{id}/tender/execution/{action}",
    "/api/v1/tenants/{slug}/packages/{id}/execution/advance",
    "/api/v1/tenders/{id}/execution/maintenance-guarantee",
    "/tenders/{id}/contract/maintenance-guarantee",
    // Covered by tests/complaints.rs (mediation: tests/mediation.rs): anyone files (a problem for
    // bad input); a code opens only
    // its complaint; only the regency's auditor reads in full and triages — law enforcement, the
    // ULP head, the pokja and another regency's auditor find nothing; its company reads its own.
    "/api/v1/tenants/{slug}/complaints",
    "/api/v1/tenants/{slug}/complaints/{id}",
    "/api/v1/tenants/{slug}/complaints/{id}/triage",
    "/api/v1/tenants/{slug}/complaints/{id}/replies",
    "/api/v1/tenants/{slug}/complaints/{id}/evidence",
    "/api/v1/complaints/follow-up",
    "/api/v1/complaints/follow-up/replies",
    "/api/v1/complaints/follow-up/evidence",
    "/t/{slug}/complaints/new",
    "/t/{slug}/complaints/{id}",
    "/t/{slug}/complaints/{id}/triage",
    "/t/{slug}/complaints/{id}/replies",
    "/t/{slug}/complaints/{id}/evidence",
    "/t/{slug}/complaints/{id}/evidence/{n}",
    "/complaints/follow-up",
    "/complaints/follow-up/replies",
    "/complaints/follow-up/evidence",
    "/complaints/follow-up/evidence/{n}",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation/sessions",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation/record",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation/conclusion",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation/approval",
    "/api/v1/tenants/{slug}/complaints/{id}/mediation/actions/{n}/done",
    "/api/v1/tenants/{slug}/complaints/{id}/reopening",
    "/api/v1/complaints/follow-up/approval",
    "/t/{slug}/complaints/{id}/mediation/{action}",
    "/complaints/follow-up/approval",
    // Covered by tests/cases.rs: only the ULP head and the auditor record MoUs, escalate and
    // revoke; an officer reads a case's packages only while it is active for them, never after
    // its end or its revocation, never another package; every read is logged.
    "/api/v1/tenants/{slug}/cases",
    "/api/v1/tenants/{slug}/mous",
    "/api/v1/tenants/{slug}/cases/{id}/revocation",
    "/api/v1/tenants/{slug}/cases/{id}/packages/{package}/events",
    "/api/v1/tenants/{slug}/cases/{id}/file",
    "/t/{slug}/cases",
    "/t/{slug}/mous",
    "/t/{slug}/cases/{id}",
    "/t/{slug}/cases/{id}/revocation",
    "/t/{slug}/cases/{id}/packages/{package}",
    // Covered by tests/submission.rs (`submission_routes_refuse_everyone_else`).
    "/api/v1/tenders/{id}/bids/{bid}",
    "/api/v1/tenders/{id}/bids/{bid}/content",
    "/api/v1/tenders/{id}/bids/{bid}/proof",
];

/// The matrix above names every route the application serves: the paths come from the table
/// that registers the routes, and each path's methods from the router itself (`Allow` on a 405),
/// so a route added without a row here fails this test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_covers_every_route() {
    let in_matrix: BTreeSet<(String, String)> = cases()
        .iter()
        .map(|c| (c.method.to_owned(), c.template.to_owned()))
        .collect();
    let app = TestApp::with_demo().await;
    let mut anon = app.client();
    let mut routes = BTreeSet::new();
    let table = lelang_web::routes(&lelang_web::WebConfig::default());
    for path in table.paths() {
        // Any value routes; the methods are decided before anything is read.
        let concrete: String = path
            .split('/')
            .map(|seg| match seg {
                "{slug}" => "banyuwangi",
                s if s.starts_with("{*") => "x",
                s if s.starts_with('{') => "00000000-0000-0000-0000-000000000000",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let r = anon.request("BREW", &concrete, &[], vec![]).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{path}: {}", r.body);
        let allow = r
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{path}: no Allow on the 405"));
        for m in allow
            .split(',')
            .map(str::trim)
            .filter(|m| *m != "HEAD" && !m.is_empty())
        {
            routes.insert((m.to_owned(), (*path).to_owned()));
        }
    }
    // The sealing routes act on ceremonies and openings in particular states; their authorization
    // is tested with those states in tests/sealing.rs and tests/submission.rs.
    routes.retain(|(_, p)| !SEALING_ROUTES.contains(&p.as_str()));
    let missing: Vec<_> = routes.difference(&in_matrix).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
    let stale: Vec<_> = in_matrix.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "rows for routes the app does not serve: {stale:?}"
    );
    assert!(routes.len() >= 100, "only {} routes found", routes.len());
}
