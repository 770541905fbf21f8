//! The contract's execution over HTTP and on pages: the PPK plans milestones, accepts, pays,
//! amends, records the handover or terminates, and rates the company (forms on the tender page);
//! the company reports its progress (forms on the contract's public page); anyone reads the
//! contract's public page, `/tenders/{id}/contract`, and its JSON.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::ApiJson;
use crate::templates::{AmendmentRow, ContractPage, ExecutionPanel, MilestoneRow};
use crate::view::{PageForm, local_time, rupiah};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lelang_core::execution::{self, Addendum, Execution, Ground, Marks, Planned, Status};
use lelang_core::ids::PackageId;
use lelang_core::model::Tenant;
use lelang_core::policy::Actor;
use serde::Deserialize;
use std::collections::HashMap;
use time::{Date, OffsetDateTime, UtcOffset};
use utoipa::ToSchema;
use uuid::Uuid;

/// A milestone as planned.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    /// What is delivered.
    pub title: String,
    /// What is paid for it, rupiah.
    pub amount: i64,
    /// The day it is due, YYYY-MM-DD.
    pub due: String,
}

/// The milestones, in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// At most 24, adding up to the contract's value.
    pub milestones: Vec<MilestoneInput>,
}

/// A progress report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    /// The share done, 1–100, never less than reported before.
    pub percent: u8,
    /// What the company says (public).
    pub note: String,
}

/// A document's number: the inspection minutes, the payment's reference, the BAST.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberInput {
    /// Its number.
    pub number: String,
}

/// An addendum.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendmentInput {
    /// Its number.
    pub number: String,
    /// The change of value, rupiah (negative: less work).
    #[serde(default)]
    pub value_change: i64,
    /// The milestone (1-based) the change lands on.
    #[serde(default)]
    pub milestone: Option<u16>,
    /// Days added to the period.
    #[serde(default)]
    pub days_added: u32,
    /// Why (published).
    pub reason: String,
}

/// A termination.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminationInput {
    /// `vendor_default`, `force_majeure` or `agreement`.
    pub ground: String,
    /// Why (published).
    pub reason: String,
    /// Whether the company is proposed for the blacklist (only on a default).
    #[serde(default)]
    pub blacklist_proposed: bool,
}

/// The company's rating: each aspect 0 (poor) to 3 (very good).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Quality and quantity of the work.
    pub quality: u8,
    /// Cost.
    pub cost: u8,
    /// Time.
    pub time: u8,
    /// Service.
    pub service: u8,
}

fn invalid(field: &str, code: &str) -> ApiError {
    ApiError::Invalid {
        field: field.into(),
        code: code.into(),
    }
}

async fn package(state: &AppState, slug: &str, id: Uuid) -> Result<PackageId, ApiError> {
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    Ok(
        lelang_app::tender::package_of(&state.app, tenant.id, PackageId(id))
            .await?
            .id,
    )
}

/// An advance payment and the guarantee that covers it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvanceInput {
    /// The amount advanced, rupiah.
    pub amount: i64,
    /// The payment's reference (SP2D).
    pub reference: String,
    /// The company's advance guarantee.
    pub guarantee: crate::contract::GuaranteeInput,
}

fn guarantee(g: &crate::contract::GuaranteeInput) -> Result<lelang_core::appeal::Guarantee, ApiError> {
    Ok(lelang_core::appeal::Guarantee {
        issuer: g.issuer.clone(),
        number: g.number.clone(),
        amount: g.amount,
        valid_until: crate::contract::date(&g.valid_until, "valid_until")?,
    })
}

/// What the PPK does, one command per action.
#[derive(Debug)]
enum PpkAction {
    Plan(PlanInput),
    Advance(AdvanceInput),
    Accept(u16, NumberInput),
    Pay(u16, NumberInput),
    Amend(AmendmentInput),
    HandOver(NumberInput),
    Terminate(TerminationInput),
    Rate(RatingInput),
}

impl PpkAction {
    /// The page's flash key after it succeeded.
    fn done(&self) -> &'static str {
        match self {
            PpkAction::Plan(_) => "milestones-planned",
            PpkAction::Advance(_) => "advance-paid",
            PpkAction::Accept(..) => "milestone-accepted",
            PpkAction::Pay(..) => "milestone-paid",
            PpkAction::Amend(_) => "contract-amended",
            PpkAction::HandOver(_) => "work-handed-over",
            PpkAction::Terminate(_) => "contract-terminated",
            PpkAction::Rate(_) => "vendor-rated",
        }
    }
}

async fn run_ppk(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    action: PpkAction,
) -> Result<Execution, ApiError> {
    ctx.user_actor()?;
    let p = package(state, slug, id).await?;
    let (app, actor) = (&state.app, &ctx.actor);
    use lelang_app::execution as x;
    Ok(match action {
        PpkAction::Plan(input) => {
            let items = input
                .milestones
                .into_iter()
                .map(|m| {
                    Ok(Planned {
                        title: m.title,
                        amount: m.amount,
                        due: crate::contract::date(&m.due, "due")?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            x::plan(app, actor, p, items).await?
        }
        PpkAction::Advance(i) => {
            let g = guarantee(&i.guarantee)?;
            x::pay_advance(app, actor, p, i.amount, g, &i.reference).await?
        }
        PpkAction::Accept(n, i) => x::accept(app, actor, p, n, &i.number).await?,
        PpkAction::Pay(n, i) => x::pay(app, actor, p, n, &i.number).await?,
        PpkAction::Amend(i) => {
            let d = Addendum {
                number: i.number,
                value_change: i.value_change,
                milestone: i.milestone,
                days_added: i.days_added,
                reason: i.reason,
            };
            x::amend(app, actor, p, d).await?
        }
        PpkAction::HandOver(i) => x::hand_over(app, actor, p, &i.number).await?,
        PpkAction::Terminate(i) => {
            let ground =
                Ground::from_code(i.ground.trim()).ok_or_else(|| invalid("ground", "invalid-ground"))?;
            x::terminate(app, actor, p, ground, &i.reason, i.blacklist_proposed).await?
        }
        PpkAction::Rate(i) => {
            let marks = Marks {
                quality: i.quality,
                cost: i.cost,
                time: i.time,
                service: i.service,
            };
            x::rate(app, actor, p, marks).await?
        }
    })
}

/// A contract's execution (public).
#[utoipa::path(get, path = "/api/v1/tenders/{id}/execution", tag = "contracts",
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 404, body = Problem)))]
pub(crate) async fn get_api(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Execution>, ApiError> {
    state
        .store
        .execution(PackageId(id))
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

macro_rules! ppk_api {
    ($name:ident, $path:literal, $input:ty, $doc:literal, [$($param:tt)*], |$i:ident, $n:ident| $action:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "contracts", request_body = $input,
            params(("slug" = String, Path), ("id" = Uuid, Path, description = "Package id") $($param)*),
            responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
            security(("bearer" = [])))]
        pub(crate) async fn $name(
            State(state): State<AppState>,
            ctx: Ctx,
            Path(params): Path<HashMap<String, String>>,
            ApiJson($i): ApiJson<$input>,
        ) -> Result<Json<Execution>, ApiError> {
            let slug = params.get("slug").cloned().unwrap_or_default();
            let id = params
                .get("id")
                .and_then(|s| Uuid::parse_str(s).ok())
                .ok_or(ApiError::NotFound)?;
            #[allow(unused_variables)]
            let $n: u16 = match params.get("n") {
                Some(s) => s.parse().map_err(|_| ApiError::NotFound)?,
                None => 0,
            };
            Ok(Json(run_ppk(&state, &ctx, &slug, id, $action).await?))
        }
    };
}

ppk_api!(
    plan_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/milestones",
    PlanInput,
    "The PPK plans the milestones of a started contract (again, until the first report).",
    [],
    |i, n| PpkAction::Plan(i)
);
ppk_api!(
    advance_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/advance",
    AdvanceInput,
    "The PPK pays an advance (at most the rule set's share) against the company's guarantee covering it.",
    [],
    |i, n| PpkAction::Advance(i)
);
ppk_api!(accept_api, "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/acceptance", NumberInput,
    "The PPK's inspection accepts a milestone reported complete (its minutes' number).",
    [, ("n" = u16, Path, description = "Milestone, from 1")], |i, n| PpkAction::Accept(n, i));
ppk_api!(pay_api, "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/payment", NumberInput,
    "The PPK records the payment of an accepted milestone (its reference).",
    [, ("n" = u16, Path, description = "Milestone, from 1")], |i, n| PpkAction::Pay(n, i));
ppk_api!(
    amend_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/amendments",
    AmendmentInput,
    "The PPK amends the contract; value increases are held to the rule set's limit.",
    [],
    |i, n| PpkAction::Amend(i)
);
ppk_api!(
    handover_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/handover",
    NumberInput,
    "The PPK records the handover (BAST) once every milestone is accepted.",
    [],
    |i, n| PpkAction::HandOver(i)
);
ppk_api!(
    terminate_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/termination",
    TerminationInput,
    "The PPK terminates the contract with its ground and a published reason.",
    [],
    |i, n| PpkAction::Terminate(i)
);
ppk_api!(
    rate_api,
    "/api/v1/tenants/{slug}/packages/{id}/execution/rating",
    RatingInput,
    "The PPK rates the company once the work ended.",
    [],
    |i, n| PpkAction::Rate(i)
);

/// The company reports its progress on a milestone.
#[utoipa::path(post, path = "/api/v1/tenders/{id}/execution/milestones/{n}/progress", tag = "contracts", request_body = ProgressInput,
    params(("id" = Uuid, Path, description = "Package id"), ("n" = u16, Path, description = "Milestone, from 1")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn progress_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(Uuid, u16)>,
    ApiJson(input): ApiJson<ProgressInput>,
) -> Result<Json<Execution>, ApiError> {
    ctx.user_actor()?;
    Ok(Json(
        lelang_app::execution::report(
            &state.app,
            &ctx.actor,
            PackageId(id),
            n,
            input.percent,
            &input.note,
        )
        .await?,
    ))
}

/// The company gives its maintenance guarantee after the handover (construction).
#[utoipa::path(post, path = "/api/v1/tenders/{id}/execution/maintenance-guarantee", tag = "contracts", request_body = crate::contract::GuaranteeInput,
    params(("id" = Uuid, Path, description = "Package id")),
    responses((status = 200, body = Object), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn maintenance_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<crate::contract::GuaranteeInput>,
) -> Result<Json<Execution>, ApiError> {
    Ok(Json(maintenance(&state, &ctx, id, &input).await?))
}

async fn maintenance(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: &crate::contract::GuaranteeInput,
) -> Result<Execution, ApiError> {
    ctx.user_actor()?;
    let g = guarantee(input)?;
    Ok(lelang_app::execution::give_maintenance_guarantee(&state.app, &ctx.actor, PackageId(id), g).await?)
}

fn offset(tenant: &Tenant) -> UtcOffset {
    UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The regency's day of an instant.
fn day(tenant: &Tenant, at: OffsetDateTime) -> Date {
    at.to_offset(offset(tenant)).date()
}

/// The execution panel: the PPK's forms on the tender page (`ppk_page`), the company's on the
/// contract's public page; the record itself on both.
pub(crate) async fn panel(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    tenant: &Tenant,
    package: PackageId,
    ppk_page: bool,
) -> Result<Option<ExecutionPanel>, ApiError> {
    let Some(c) = state.store.contract(package).await? else {
        return Ok(None);
    };
    let Some(w) = &c.work_order else {
        return Ok(None);
    };
    let p = state.store.package(package).await?.ok_or(ApiError::NotFound)?;
    let e = state.store.execution(package).await?;
    let today = day(tenant, state.clock.now());
    let ppk = |ok: Result<(), lelang_core::command::CommandError>| ppk_page && ok.is_ok();
    let mut summary = Vec::new();
    let mut milestones = Vec::new();
    let mut amendments = Vec::new();
    if let Some(e) = &e {
        summary.push((t.get("execution-value"), rupiah(e.value())));
        summary.push((t.get("execution-paid"), rupiah(e.paid())));
        let end = c
            .end()
            .and_then(|end| end.checked_add(time::Duration::days(i64::from(e.days_added()))));
        if let Some(end) = end {
            summary.push((t.get("contract-period"), format!("{} – {}", w.start, end)));
        }
        if let Some(a) = &e.advance {
            summary.push((
                t.get("execution-advance"),
                format!(
                    "{} · {} · {} {} · {} · {}",
                    rupiah(a.amount),
                    a.paid.number,
                    t.get("execution-guarantee"),
                    a.guarantee.issuer,
                    a.guarantee.number,
                    rupiah(a.guarantee.amount)
                ),
            ));
        }
        if let Some(g) = &e.maintenance_guarantee {
            summary.push((
                t.get("execution-maintenance-guarantee"),
                format!(
                    "{} · {} · {} · {}",
                    g.issuer,
                    g.number,
                    rupiah(g.amount),
                    g.valid_until
                ),
            ));
        }
        if let Some(h) = &e.handover {
            summary.push((
                t.get("execution-handover"),
                format!("{} · {}", h.number, local_time(tenant, h.at)),
            ));
        }
        if let Some(x) = &e.termination {
            summary.push((
                t.get("execution-terminated"),
                format!(
                    "{} · {} · {}{}",
                    local_time(tenant, x.at),
                    t.get(&format!("execution-ground-{}", x.ground.code())),
                    x.reason,
                    if x.blacklist_proposed {
                        format!(" · {}", t.get("execution-blacklist-proposed"))
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        if let Some(r) = &e.rating {
            summary.push((
                t.get("execution-rating"),
                format!(
                    "{} / 100 ({} {}, {} {}, {} {}, {} {})",
                    r.score,
                    t.get("execution-mark-quality"),
                    r.marks.quality,
                    t.get("execution-mark-cost"),
                    r.marks.cost,
                    t.get("execution-mark-time"),
                    r.marks.time,
                    t.get("execution-mark-service"),
                    r.marks.service
                ),
            ));
        }
        for (i, m) in e.milestones.iter().enumerate() {
            let n = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let late = m.late(today, |x| day(tenant, x));
            let status = match m.status() {
                Status::Planned => t.get("execution-status-planned"),
                Status::InProgress(pc) => format!("{} ({pc} %)", t.get("execution-status-progress")),
                Status::Accepted => t.get("execution-status-accepted"),
                Status::Paid => t.get("execution-status-paid"),
            };
            milestones.push(MilestoneRow {
                n,
                title: m.title.clone(),
                amount: rupiah(m.amount),
                due: m.due.to_string(),
                status,
                late,
                percent: m.percent(),
                accepted: m
                    .accepted
                    .as_ref()
                    .map(|s| format!("{} · {}", s.number, local_time(tenant, s.at)))
                    .unwrap_or_default(),
                paid: m
                    .paid
                    .as_ref()
                    .map(|s| format!("{} · {}", s.number, local_time(tenant, s.at)))
                    .unwrap_or_default(),
                reports: m
                    .reports
                    .iter()
                    .map(|r| format!("{} · {} % · {}", local_time(tenant, r.at), r.percent, r.note))
                    .collect(),
                can_report: !ppk_page && execution::may_report(actor, e, n).is_ok(),
                can_accept: ppk(execution::may_accept(actor, &p, e, n)),
                can_pay: ppk(execution::may_pay(actor, &p, e, n)),
            });
        }
        for a in &e.amendments {
            amendments.push(AmendmentRow {
                number: a.number.clone(),
                at: local_time(tenant, a.at),
                value_change: if a.value_change < 0 {
                    format!("−{}", rupiah(-a.value_change))
                } else {
                    format!("+{}", rupiah(a.value_change))
                },
                milestone: a.milestone.map(|n| n.to_string()).unwrap_or_default(),
                days_added: a.days_added,
                reason: a.reason.clone(),
            });
        }
    }
    let ended = e.as_ref().is_some_and(Execution::ended);
    let rules = lelang_app::rules::of(&p)?;
    let maintenance_required = e
        .as_ref()
        .filter(|_| !ppk_page)
        .and_then(|e| execution::may_give_maintenance_guarantee(actor, &p, e, rules).ok());
    let value = e.as_ref().map_or(c.value, Execution::value);
    Ok(Some(ExecutionPanel {
        planned: e.is_some(),
        summary,
        milestones,
        amendments,
        can_plan: ppk(execution::may_plan(actor, &p, &c, e.as_ref())),
        plan_value: rupiah(value),
        plan_rows: (1..=6).collect(),
        start: w.start.to_string(),
        can_amend: e
            .as_ref()
            .is_some_and(|e| ppk(execution::may_amend(actor, &p, e))),
        can_advance: e
            .as_ref()
            .is_some_and(|e| ppk(execution::may_pay_advance(actor, &p, e))),
        advance_max: rupiah(value * rules.contract.advance_payment_max_permille.value / 1000),
        maintenance_required: maintenance_required.map(rupiah),
        can_hand_over: e
            .as_ref()
            .is_some_and(|e| ppk(execution::may_hand_over(actor, &p, e))),
        can_terminate: !ended
            && e.as_ref()
                .is_some_and(|e| ppk(execution::may_amend(actor, &p, e))),
        can_rate: e.as_ref().is_some_and(|e| ppk(execution::may_rate(actor, &p, e))),
        grounds: Ground::ALL
            .iter()
            .map(|g| {
                (
                    g.code().to_owned(),
                    t.get(&format!("execution-ground-{}", g.code())),
                )
            })
            .collect(),
        marks: (0..=execution::MAX_MARK)
            .map(|m| (m, t.get(&format!("execution-mark-{m}"))))
            .collect(),
        ppk_base: format!("/t/{}/packages/{}/tender/execution", tenant.slug, package.0),
        vendor_base: format!("/tenders/{}/contract", package.0),
        contract_href: format!("/tenders/{}/contract", package.0),
    }))
}

fn field<'a>(f: &'a HashMap<String, String>, k: &str) -> &'a str {
    f.get(k).map_or("", |s| s.trim())
}

fn number<T: std::str::FromStr>(
    f: &HashMap<String, String>,
    k: &'static str,
    code: &'static str,
) -> Result<T, ApiError> {
    let s: String = field(f, k)
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '_'))
        .collect();
    let s = s.trim_start_matches("Rp");
    s.parse().map_err(|_| invalid(k, code))
}

/// Reads a PPK form into its action.
fn ppk_form(action: &str, f: &HashMap<String, String>) -> Result<PpkAction, ApiError> {
    let n = || number::<u16>(f, "milestone", "unknown-milestone");
    let num = || NumberInput {
        number: field(f, "number").to_owned(),
    };
    Ok(match action {
        "milestones" => {
            let mut milestones = Vec::new();
            for i in 1..=execution::MAX_MILESTONES {
                let title = field(f, &format!("title_{i}"));
                if title.is_empty() {
                    continue;
                }
                let amount_key = format!("amount_{i}");
                let digits: String = field(f, &amount_key)
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                milestones.push(MilestoneInput {
                    title: title.to_owned(),
                    amount: digits.parse().map_err(|_| invalid("amount", "invalid-amount"))?,
                    due: field(f, &format!("due_{i}")).to_owned(),
                });
            }
            PpkAction::Plan(PlanInput { milestones })
        }
        "advance" => {
            let rp = |k: &'static str| -> Result<i64, ApiError> {
                let digits: String = field(f, k).chars().filter(char::is_ascii_digit).collect();
                digits.parse().map_err(|_| invalid(k, "invalid-amount"))
            };
            PpkAction::Advance(AdvanceInput {
                amount: rp("amount")?,
                reference: field(f, "number").to_owned(),
                guarantee: crate::contract::GuaranteeInput {
                    issuer: field(f, "issuer").to_owned(),
                    number: field(f, "guarantee_number").to_owned(),
                    amount: rp("guarantee_amount")?,
                    valid_until: field(f, "valid_until").to_owned(),
                },
            })
        }
        "acceptance" => PpkAction::Accept(n()?, num()),
        "payment" => PpkAction::Pay(n()?, num()),
        "amendments" => PpkAction::Amend(AmendmentInput {
            number: field(f, "number").to_owned(),
            value_change: if field(f, "value_change").is_empty() {
                0
            } else {
                number(f, "value_change", "invalid-amount")?
            },
            milestone: if field(f, "milestone").is_empty() {
                None
            } else {
                Some(n()?)
            },
            days_added: if field(f, "days_added").is_empty() {
                0
            } else {
                number(f, "days_added", "invalid-duration")?
            },
            reason: field(f, "reason").to_owned(),
        }),
        "handover" => PpkAction::HandOver(num()),
        "termination" => PpkAction::Terminate(TerminationInput {
            ground: field(f, "ground").to_owned(),
            reason: field(f, "reason").to_owned(),
            blacklist_proposed: field(f, "blacklist_proposed") == "on",
        }),
        "rating" => {
            let mark = |k: &'static str| number::<u8>(f, k, "invalid-mark");
            PpkAction::Rate(RatingInput {
                quality: mark("quality")?,
                cost: mark("cost")?,
                time: mark("time")?,
                service: mark("service")?,
            })
        }
        _ => return Err(ApiError::NotFound),
    })
}

/// A PPK's form of the tender page (`/t/{slug}/packages/{id}/tender/execution/{action}`, served
/// with the tender page's other forms): the flash key on success, and the outcome.
pub(crate) async fn page_action(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    action: &str,
    f: &HashMap<String, String>,
) -> (&'static str, Result<(), ApiError>) {
    match ppk_form(action, f) {
        Ok(a) => {
            let ok = a.done();
            (ok, run_ppk(state, ctx, slug, id, a).await.map(|_| ()))
        }
        Err(e) => ("", Err(e)),
    }
}

/// The company's maintenance guarantee form on the contract page.
async fn maintenance_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let digits: String = field(&f, "amount").chars().filter(char::is_ascii_digit).collect();
        let input = crate::contract::GuaranteeInput {
            issuer: field(&f, "issuer").to_owned(),
            number: field(&f, "number").to_owned(),
            amount: digits.parse().map_err(|_| invalid("amount", "invalid-amount"))?,
            valid_until: field(&f, "valid_until").to_owned(),
        };
        maintenance(&state, &ctx, id, &input).await?;
        Ok(format!("/tenders/{id}/contract?ok=maintenance-guarantee-given"))
    }
    .await;
    let path = format!("/tenders/{id}/contract");
    let again = |errors| page_view(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None);
    crate::view::form_done(&state, &ctx, &path, result, again).await
}

/// The company's progress form on the contract page.
async fn progress_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let n = number::<u16>(&f, "milestone", "unknown-milestone")?;
        let percent = number::<u8>(&f, "percent", "invalid-percent")?;
        lelang_app::execution::report(
            &state.app,
            &ctx.actor,
            PackageId(id),
            n,
            percent,
            field(&f, "note"),
        )
        .await?;
        Ok(format!("/tenders/{id}/contract?ok=progress-reported"))
    }
    .await;
    let path = format!("/tenders/{id}/contract");
    let again = |errors| page_view(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None);
    crate::view::form_done(&state, &ctx, &path, result, again).await
}

#[derive(Debug, Deserialize)]
struct Flash {
    ok: Option<String>,
}

/// The contract's public page.
async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<Flash>,
) -> Response {
    let path = format!("/tenders/{id}/contract");
    match page_view(&state, &ctx, id, StatusCode::OK, Vec::new(), q.ok.as_deref()).await {
        Ok(r) => r,
        Err(e) => crate::view::fail_page(&state, &ctx, &path, e),
    }
}

async fn page_view(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let package = PackageId(id);
    let tender = state
        .store
        .public_tender(package)
        .await?
        .ok_or(ApiError::NotFound)?;
    if state.store.contract(package).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let tenant = state
        .store
        .tenant(tender.tenant_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let t = crate::view::tr(state, ctx.lang);
    let path = format!("/tenders/{id}/contract");
    let mut nav = crate::view::nav_for(state, ctx, &path).await;
    nav.flash = flash
        .filter(|k| ["progress-reported", "maintenance-guarantee-given"].contains(k))
        .map(|k| t.get(&format!("execution-flash-{k}")));
    let page = ContractPage {
        title: tender.name.clone(),
        regency: tenant.name.clone(),
        tender_href: format!("/tenders/{id}"),
        contract: crate::contract::panel(state, &ctx.actor, &t, &tenant, package, false).await?,
        execution: panel(state, &ctx.actor, &t, &tenant, package, false).await?,
        errors,
        t,
        nav,
    };
    Ok(crate::view::render(status, &page).into_response())
}

/// The execution's routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/tenders/{id}/execution", get(get_api))
        .route(
            "/api/v1/tenders/{id}/execution/milestones/{n}/progress",
            post(progress_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/milestones",
            post(plan_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/acceptance",
            post(accept_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/milestones/{n}/payment",
            post(pay_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/amendments",
            post(amend_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/handover",
            post(handover_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/termination",
            post(terminate_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/rating",
            post(rate_api),
        )
        .route("/tenders/{id}/contract", get(page))
        .route("/tenders/{id}/contract/progress", post(progress_page))
        .route(
            "/tenders/{id}/contract/maintenance-guarantee",
            post(maintenance_page),
        )
        .route(
            "/api/v1/tenders/{id}/execution/maintenance-guarantee",
            post(maintenance_api),
        )
        .route(
            "/api/v1/tenants/{slug}/packages/{id}/execution/advance",
            post(advance_api),
        )
}
