//! Mediation over HTTP: the auditor (or the ULP head) opens it with a mediator and the parties;
//! the mediator schedules and records sessions and concludes; the parties who attended approve
//! the minutes (the complainant by account or by code) and report their agreed actions done; the
//! auditor reopens a settled complaint whose action was not done. The API and the complaint
//! page's forms both land here.

use super::*;
use lelang_app::complaint::Step;
use lelang_core::complaint::mediation::{Conclusion, Held, Outcome, PartyKind};
use lelang_core::ids::{UserId, VendorId};

/// A mediation as opened.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenInput {
    /// The mediator's sign-in name (an official of the regency); none: whoever opens it.
    #[serde(default)]
    pub mediator: Option<String>,
    /// The parties besides the complainant: `pokja`, `ppk`, `vendor`.
    pub parties: Vec<String>,
    /// The company, when `vendor` is a party.
    #[serde(default)]
    pub vendor_id: Option<Uuid>,
}

/// A session as scheduled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// When (RFC 3339).
    pub at: String,
    /// Where.
    pub place: String,
}

/// A party's stated position.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionInput {
    /// The party.
    pub party: String,
    /// Its position.
    pub text: String,
}

/// A held session's record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// The parties who attended.
    pub attended: Vec<String>,
    /// Their positions.
    #[serde(default)]
    pub positions: Vec<PositionInput>,
    /// The minutes.
    pub minutes: String,
}

/// One agreed action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// Who takes it.
    pub party: String,
    /// What.
    pub what: String,
    /// By when (RFC 3339).
    pub due: String,
}

/// How the mediation ends: `actions` for an agreement, else `reason`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConclusionInput {
    /// The agreed actions (an agreement).
    #[serde(default)]
    pub actions: Vec<ActionInput>,
    /// Why there is no agreement.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why.
    pub reason: String,
}

fn party(s: &str) -> Result<PartyKind, ApiError> {
    PartyKind::from_code(s.trim()).ok_or_else(|| bad("parties", "mediation-unknown-party"))
}

fn instant(field: &str, s: &str) -> Result<time::OffsetDateTime, ApiError> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad(field, "invalid-mediation-time"))
}

async fn user_named(state: &AppState, name: &str) -> Result<UserId, ApiError> {
    Ok(state
        .store
        .credentials(&name.trim().to_lowercase())
        .await?
        .ok_or_else(|| bad("mediator", "mediation-mediator-not-official"))?
        .user
        .id)
}

async fn open(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: OpenInput,
) -> Result<Complaint, ApiError> {
    let a = ctx.user_actor()?;
    let tenant = tenant_or_404(state, slug).await?;
    if input.parties.len() > 4 {
        return Err(bad("parties", "mediation-unknown-party"));
    }
    let kinds = input
        .parties
        .iter()
        .map(|p| party(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mediator = match input.mediator.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(name) => user_named(state, name).await?,
        None => a.user_id,
    };
    Ok(lelang_app::complaint::open_mediation(
        &state.app,
        &ctx.actor,
        tenant.id,
        ComplaintId(id),
        mediator,
        &kinds,
        input.vendor_id.map(VendorId),
    )
    .await?)
}

async fn step(state: &AppState, ctx: &Ctx, slug: &str, id: Uuid, step: Step) -> Result<Complaint, ApiError> {
    ctx.user_actor()?;
    let tenant = tenant_or_404(state, slug).await?;
    Ok(lelang_app::complaint::mediate(&state.app, &ctx.actor, tenant.id, ComplaintId(id), step).await?)
}

fn record_step(input: RecordInput) -> Result<Step, ApiError> {
    if input.attended.len() > 4 || input.positions.len() > 4 {
        return Err(bad("attended", "mediation-unknown-party"));
    }
    Ok(Step::Record(Held {
        attended: input
            .attended
            .iter()
            .map(|p| party(p))
            .collect::<Result<_, _>>()?,
        positions: input
            .positions
            .into_iter()
            .map(|p| Ok((party(&p.party)?, p.text)))
            .collect::<Result<_, ApiError>>()?,
        minutes: input.minutes,
    }))
}

fn conclusion_step(input: ConclusionInput) -> Result<Step, ApiError> {
    if input.actions.len() > lelang_core::complaint::mediation::MAX_ITEMS {
        return Err(bad("actions", "mediation-needs-actions"));
    }
    Ok(Step::Conclude(if input.actions.is_empty() {
        Conclusion::NoAgreement(input.reason.unwrap_or_default())
    } else {
        Conclusion::Agreement(
            input
                .actions
                .into_iter()
                .map(|a| Ok((party(&a.party)?, a.what, instant("actions", &a.due)?)))
                .collect::<Result<_, ApiError>>()?,
        )
    }))
}

fn ok(state: &AppState, c: &Complaint, ctx: &Ctx) -> Json<ComplaintView> {
    Json(view(
        c,
        complaint::may_handle(&ctx.actor, c.tenant_id),
        state.clock.now(),
    ))
}

/// Opens a mediation (the auditor or the ULP head), naming the mediator and the parties.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation", tag = "complaints", request_body = OpenInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn open_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<OpenInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let c = open(&state, &ctx, &slug, id, input).await?;
    Ok(ok(&state, &c, &ctx))
}

/// The mediator schedules the next session.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation/sessions", tag = "complaints", request_body = SessionInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn schedule_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let at = instant("at", &input.at)?;
    let c = step(
        &state,
        &ctx,
        &slug,
        id,
        Step::Schedule {
            at,
            place: input.place,
        },
    )
    .await?;
    Ok(ok(&state, &c, &ctx))
}

/// The mediator records the held session: attendance, positions, minutes (hash logged).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation/record", tag = "complaints", request_body = RecordInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn record_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<RecordInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let c = step(&state, &ctx, &slug, id, record_step(input)?).await?;
    Ok(ok(&state, &c, &ctx))
}

/// The mediator concludes: an agreement with its actions, or no agreement with why.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation/conclusion", tag = "complaints", request_body = ConclusionInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn conclude_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ConclusionInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let c = step(&state, &ctx, &slug, id, conclusion_step(input)?).await?;
    Ok(ok(&state, &c, &ctx))
}

/// The auditor reopens a settled complaint whose agreed action is overdue and not done.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/reopening", tag = "complaints", request_body = ReasonInput,
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn reopen_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Json<ComplaintView>, ApiError> {
    let c = step(&state, &ctx, &slug, id, Step::Reopen(input.reason)).await?;
    Ok(ok(&state, &c, &ctx))
}

/// A signed-in party who attended approves the last session's minutes.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation/approval", tag = "complaints",
    params(("slug" = String, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn approve_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Result<Json<ComplaintView>, ApiError> {
    ctx.user_actor()?;
    tenant_or_404(&state, &slug).await?;
    let c = lelang_app::complaint::approve(
        &state.app,
        &ctx.actor,
        Follower::Actor(&ctx.actor),
        ComplaintId(id),
    )
    .await?;
    Ok(ok(&state, &c, &ctx))
}

/// A signed-in party (or the mediator) reports agreed action `n` (from 1) done.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/complaints/{id}/mediation/actions/{n}/done", tag = "complaints",
    params(("slug" = String, Path), ("id" = Uuid, Path), ("n" = usize, Path)),
    responses((status = 200, body = ComplaintView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn done_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, n)): Path<(String, Uuid, usize)>,
) -> Result<Json<ComplaintView>, ApiError> {
    ctx.user_actor()?;
    tenant_or_404(&state, &slug).await?;
    let i = n
        .checked_sub(1)
        .ok_or_else(|| bad("action", "mediation-unknown-action"))?;
    let c = lelang_app::complaint::action_done(
        &state.app,
        &ctx.actor,
        Follower::Actor(&ctx.actor),
        ComplaintId(id),
        i,
    )
    .await?;
    Ok(ok(&state, &c, &ctx))
}

/// The complainant approves the last session's minutes by the follow-up code.
#[utoipa::path(post, path = "/api/v1/complaints/follow-up/approval", tag = "complaints", request_body = CodeInput,
    responses((status = 200, body = ComplaintView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn code_approve_api(
    State(state): State<AppState>,
    ctx: Ctx,
    PublicJson(input): PublicJson<CodeInput>,
) -> Result<Response, ApiError> {
    let c = code_approve(&state, &ctx, &input.code).await?;
    Ok(no_store(Json(view(&c, false, state.clock.now())).into_response()))
}

async fn code_approve(state: &AppState, ctx: &Ctx, code: &str) -> Result<Complaint, ApiError> {
    let c = by_code(state, ctx, code).await?;
    Ok(lelang_app::complaint::approve(&state.app, &ctx.actor, Follower::Code(code), c.id).await?)
}

/// The mediation routes.
pub(super) fn routes(r: crate::routes::Routes) -> crate::routes::Routes {
    r.route("/api/v1/tenants/{slug}/complaints/{id}/mediation", post(open_api))
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/mediation/sessions",
            post(schedule_api),
        )
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/mediation/record",
            post(record_api),
        )
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/mediation/conclusion",
            post(conclude_api),
        )
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/mediation/approval",
            post(approve_api),
        )
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/mediation/actions/{n}/done",
            post(done_api),
        )
        .route(
            "/api/v1/tenants/{slug}/complaints/{id}/reopening",
            post(reopen_api),
        )
        .route("/api/v1/complaints/follow-up/approval", post(code_approve_api))
        .route("/t/{slug}/complaints/{id}/mediation/{action}", post(page_action))
        .route("/complaints/follow-up/approval", post(code_approve_page))
}

/// The mediation forms of a complaint's page: one route, the action in the path.
#[derive(Debug, Deserialize)]
pub(crate) struct MediationForm {
    #[serde(default)]
    mediator: String,
    #[serde(default)]
    vendor_id: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    reason: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

impl MediationForm {
    fn ticked(&self, prefix: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .rest
            .keys()
            .filter_map(|k| k.strip_prefix(prefix))
            .map(str::to_owned)
            .collect();
        v.sort();
        v
    }

    fn text(&self, k: &str) -> String {
        self.rest.get(k).cloned().unwrap_or_default()
    }
}

/// A local date and time typed in a form (`2026-12-10T09:00`), read in the regency's zone.
fn local(
    tenant: &lelang_core::model::Tenant,
    field: &str,
    s: &str,
) -> Result<time::OffsetDateTime, ApiError> {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let t = time::PrimitiveDateTime::parse(s.trim(), &f)
        .or_else(|_| {
            time::Date::parse(
                s.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map(|d| d.with_hms(16, 0, 0).unwrap_or(d.midnight()))
        })
        .map_err(|_| bad(field, "invalid-mediation-time"))?;
    let offset =
        time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0).unwrap_or(time::UtcOffset::UTC);
    Ok(t.assume_offset(offset).to_offset(time::UtcOffset::UTC))
}

pub(super) async fn page_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, action)): Path<(String, Uuid, String)>,
    PageForm(f): PageForm<MediationForm>,
) -> Response {
    let result = async {
        let tenant = tenant_or_404(&state, &slug).await?;
        match action.as_str() {
            "open" => {
                let input = OpenInput {
                    mediator: Some(f.mediator.clone()),
                    parties: f.ticked("party-"),
                    vendor_id: Uuid::parse_str(f.vendor_id.trim()).ok(),
                };
                open(&state, &ctx, &slug, id, input).await?;
            }
            "schedule" => {
                let at = local(&tenant, "at", &f.at)?;
                step(
                    &state,
                    &ctx,
                    &slug,
                    id,
                    Step::Schedule {
                        at,
                        place: f.place.clone(),
                    },
                )
                .await?;
            }
            "record" => {
                let attended = f.ticked("attended-");
                let positions = attended
                    .iter()
                    .filter_map(|p| {
                        let text = f.text(&format!("position-{p}"));
                        (!text.trim().is_empty()).then(|| PositionInput {
                            party: p.clone(),
                            text,
                        })
                    })
                    .collect();
                let input = RecordInput {
                    attended,
                    positions,
                    minutes: f.minutes.clone(),
                };
                step(&state, &ctx, &slug, id, record_step(input)?).await?;
            }
            "conclude" => {
                let mut actions = Vec::new();
                if f.text("outcome") == "agreement" {
                    for i in 1..=3 {
                        let what = f.text(&format!("what-{i}"));
                        if what.trim().is_empty() {
                            continue;
                        }
                        let due = local(&tenant, "actions", &f.text(&format!("due-{i}")))?;
                        actions.push(ActionInput {
                            party: f.text(&format!("party-{i}")),
                            what,
                            due: due
                                .format(&time::format_description::well_known::Rfc3339)
                                .unwrap_or_default(),
                        });
                    }
                    if actions.is_empty() {
                        return Err(bad("actions", "mediation-needs-actions"));
                    }
                }
                let input = ConclusionInput {
                    actions,
                    reason: Some(f.reason.clone()),
                };
                step(&state, &ctx, &slug, id, conclusion_step(input)?).await?;
            }
            "approve" => {
                ctx.user_actor()?;
                lelang_app::complaint::approve(
                    &state.app,
                    &ctx.actor,
                    Follower::Actor(&ctx.actor),
                    ComplaintId(id),
                )
                .await?;
            }
            "reopen" => {
                step(&state, &ctx, &slug, id, Step::Reopen(f.reason.clone())).await?;
            }
            done if done.starts_with("done-") => {
                ctx.user_actor()?;
                let n: usize = done[5..]
                    .parse()
                    .map_err(|_| bad("action", "mediation-unknown-action"))?;
                let i = n
                    .checked_sub(1)
                    .ok_or_else(|| bad("action", "mediation-unknown-action"))?;
                lelang_app::complaint::action_done(
                    &state.app,
                    &ctx.actor,
                    Follower::Actor(&ctx.actor),
                    ComplaintId(id),
                    i,
                )
                .await?;
            }
            _ => return Err(ApiError::NotFound),
        }
        Ok::<_, ApiError>(())
    }
    .await;
    pages::done(&state, &ctx, &slug, id, "complaint-mediation-saved", result).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct CodeActionForm {
    code: String,
}

pub(super) async fn code_approve_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<CodeActionForm>,
) -> Response {
    match code_approve(&state, &ctx, &f.code).await {
        Ok(_) => pages::follow_or_again(&state, &ctx, &f.code, Some("complaint-mediation-saved")).await,
        Err(e) => pages::again_as_follower(&state, &ctx, &f.code, e).await,
    }
}

/// The mediation panel of a complaint's page for `by` (the auditor, the mediator, a party, the
/// complainant by code).
pub(super) async fn panel(
    state: &AppState,
    ctx: &Ctx,
    c: &Complaint,
    by: Follower<'_>,
    auditor: bool,
    tenant: &lelang_core::model::Tenant,
) -> Result<crate::templates::MediationPanel, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let current = c.mediations.last();
    let me = ctx.actor.user().map(|u| u.user_id);
    let mediator = current.is_some_and(|m| Some(m.mediator) == me) && c.status == Status::InMediation;
    let my_party = current.and_then(|m| m.party_of(by, c));
    let label = |p: PartyKind| t.get(&format!("mediation-party-{}", p.code()));
    let mut sessions = Vec::new();
    let mut can_approve = false;
    let mut pending = false;
    if let Some(m) = current {
        for (i, s) in m.sessions.iter().enumerate() {
            let r = s.record.as_ref();
            sessions.push(crate::templates::SessionRow {
                n: i + 1,
                at: local_time(tenant, s.at),
                place: s.place.clone(),
                attended: r
                    .map(|r| {
                        r.attended
                            .iter()
                            .map(|p| label(*p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                positions: r
                    .map(|r| r.positions.iter().map(|(p, x)| (label(*p), x.clone())).collect())
                    .unwrap_or_default(),
                minutes: r.map(|r| r.minutes.clone()),
                sha256: r.map(|r| r.minutes_sha256.clone()).unwrap_or_default(),
                approvals: r
                    .map(|r| {
                        r.approvals
                            .iter()
                            .map(|p| label(*p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
            });
            if i + 1 == m.sessions.len() {
                pending = r.is_none();
                can_approve = c.status == Status::InMediation
                    && r.is_some_and(|r| {
                        my_party.is_some_and(|p| r.attended.contains(&p) && !r.approvals.contains(&p))
                    });
            }
        }
    }
    let now = state.clock.now();
    let actions = lelang_core::complaint::mediation::actions(c)
        .iter()
        .enumerate()
        .map(|(i, a)| crate::templates::ActionRow {
            n: i + 1,
            party: label(a.party),
            what: a.what.clone(),
            due: local_time(tenant, a.due),
            done: a.done_at.map(|d| local_time(tenant, d)),
            overdue: a.done_at.is_none() && now > a.due,
            // (Signed in: a complainant who follows by code reports through the mediator.)
            can_done: matches!(by, Follower::Actor(_))
                && c.status == Status::Settled
                && a.done_at.is_none()
                && (mediator_of(c, me) || my_party == Some(a.party)),
        })
        .collect::<Vec<_>>();
    let outcome = current.and_then(|m| m.outcome.as_ref()).map(|o| match o {
        Outcome::Agreement { .. } => t.get("mediation-agreed"),
        Outcome::NoAgreement { reason, .. } => format!("{}: {reason}", t.get("mediation-not-agreed")),
    });
    let vendors = match (auditor, c.subject.package()) {
        (true, Some(p)) => {
            let mut out = Vec::new();
            for (v, _) in state.store.participants(p).await? {
                if let Some(x) = state.store.vendor(v).await? {
                    out.push((v.0.to_string(), x.name));
                }
            }
            out
        }
        _ => Vec::new(),
    };
    let all_parties: Vec<(String, String)> = current
        .map(|m| {
            m.parties
                .iter()
                .map(|p| (p.kind.code().to_owned(), label(p.kind)))
                .collect()
        })
        .unwrap_or_default();
    Ok(crate::templates::MediationPanel {
        exists: current.is_some(),
        mediator_name: match current {
            Some(m) => state
                .store
                .user(m.mediator)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => String::new(),
        },
        parties: all_parties
            .iter()
            .map(|(_, l)| l.clone())
            .collect::<Vec<_>>()
            .join(", "),
        sessions,
        outcome,
        actions,
        can_open: auditor
            && matches!(c.status, Status::Received | Status::Accepted)
            && c.category != lelang_core::complaint::Category::Bribery,
        vendors,
        can_schedule: mediator && !pending,
        can_record: mediator && pending,
        can_conclude: mediator
            && current
                .and_then(|m| m.sessions.last())
                .and_then(|s| s.record.as_ref())
                .is_some_and(lelang_core::complaint::mediation::Record::approved),
        can_approve,
        can_reopen: auditor
            && c.status == Status::Settled
            && lelang_core::complaint::mediation::actions(c)
                .iter()
                .any(|a| a.done_at.is_none() && now > a.due),
        party_options: all_parties,
    })
}

fn mediator_of(c: &Complaint, me: Option<UserId>) -> bool {
    c.mediations.last().is_some_and(|m| Some(m.mediator) == me)
}
