//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document at `/api/v1/openapi.json`.
//!
//! Bodies are JSON with unknown fields rejected; every error is an RFC 9457 problem. Machine
//! clients authenticate with `Authorization: Bearer lelang_…`; a browser session may call the API
//! too, with its CSRF token in `X-CSRF-Token` on every change.

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::{ApiError, Problem};
use crate::input::{ApiJson, ApiQuery, check_password, parse_time_zone, tenant_or_404};
use crate::openapi::{BearerAuth, ProblemResponses};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use lelang_core::directory::{self, CreateTenant, CreateUser, CreateWorkUnit, RegisterVendor};
use lelang_core::model::{ApiToken, Tenant, User, Vendor, WorkUnit};
use lelang_core::policy::{Action, authorize};
use lelang_core::role::Role;
use lelang_core::store::EventFilter;
use lelang_core::{ApiTokenId, Event, UserId, VendorId, WorkUnitId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;
use uuid::Uuid;

/// A regency.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    id: Uuid,
    /// URL name.
    slug: String,
    name: String,
    /// WIB, WITA or WIT.
    time_zone: String,
    /// Whether its administrators, ULP head, pokja members, auditors and law enforcement sign
    /// in with a second factor.
    second_factor_required: bool,
}

impl From<&Tenant> for TenantView {
    fn from(t: &Tenant) -> Self {
        Self {
            id: t.id.0,
            slug: t.slug.clone(),
            name: t.name.clone(),
            time_zone: t.time_zone.code().into(),
            second_factor_required: t.second_factor_required,
        }
    }
}

/// A work unit (SKPD/OPD).
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkUnitView {
    id: Uuid,
    code: String,
    name: String,
}

impl From<&WorkUnit> for WorkUnitView {
    fn from(w: &WorkUnit) -> Self {
        Self {
            id: w.id.0,
            code: w.code.clone(),
            name: w.name.clone(),
        }
    }
}

/// A user, as administrators see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    id: Uuid,
    username: String,
    display_name: String,
    email: Option<String>,
    tenant_id: Option<Uuid>,
    vendor_id: Option<Uuid>,
    active: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            tenant_id: u.tenant_id.map(|t| t.0),
            vendor_id: u.vendor_id.map(|v| v.0),
            active: u.active,
        }
    }
}

/// The signed-in user and the role they act in.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    user: UserView,
    /// The role of the session or token.
    role: String,
    tenant: Option<TenantView>,
    /// For a browser session calling the API: the value to send in `X-CSRF-Token` on changes.
    csrf_token: Option<String>,
    /// The caller's second factor.
    second_factor: crate::second_factor::SecondFactorStatus,
}

/// A vendor company.
#[derive(Debug, Serialize, ToSchema)]
pub struct VendorView {
    id: Uuid,
    name: String,
    nib: String,
    home_tenant_id: Option<Uuid>,
}

impl From<&Vendor> for VendorView {
    fn from(v: &Vendor) -> Self {
        Self {
            id: v.id.0,
            name: v.name.clone(),
            nib: v.nib.clone(),
            home_tenant_id: v.home_tenant_id.map(|t| t.0),
        }
    }
}

/// One event of the log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Position in the log, from 1, gapless.
    seq: i64,
    id: Uuid,
    /// RFC 3339, UTC.
    at: String,
    tenant_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    actor_role: Option<String>,
    #[serde(rename = "type")]
    event_type: String,
    /// The payload, exactly as stored (canonical JSON, RFC 8785).
    payload: String,
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        Self {
            seq: e.seq,
            id: e.id.0,
            at: e
                .at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            tenant_id: e.tenant_id.map(|t| t.0),
            actor_id: e.actor_id.map(|a| a.0),
            actor_role: e.actor_role.map(|r| r.code().into()),
            event_type: e.event_type.clone(),
            payload: e.payload.clone(),
        }
    }
}

/// An API token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    id: Uuid,
    name: String,
    role: String,
    tenant_id: Option<Uuid>,
    created_at: String,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    last_used_at: Option<String>,
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

impl From<&ApiToken> for TokenView {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id.0,
            name: t.name.clone(),
            role: t.role.code().into(),
            tenant_id: t.tenant_id.map(|x| x.0),
            created_at: rfc3339(t.created_at),
            expires_at: t.expires_at.map(rfc3339),
            revoked_at: t.revoked_at.map(rfc3339),
            last_used_at: t.last_used_at.map(rfc3339),
        }
    }
}

/// A new token: the secret is in this answer and nowhere else, ever.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    token: TokenView,
    /// Send as `Authorization: Bearer <secret>`.
    secret: String,
}

/// Input: a new regency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    /// Lower-case URL name, e.g. `banyuwangi`.
    slug: String,
    /// Official name.
    name: String,
    /// WIB, WITA or WIT.
    time_zone: String,
}

/// Input: a new work unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWorkUnit {
    /// Short code, e.g. `DPU`.
    code: String,
    /// Name, e.g. "Dinas Pekerjaan Umum".
    name: String,
}

/// Input: a new official of a regency.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficial {
    username: String,
    display_name: String,
    email: Option<String>,
    /// A regency role code: tenant_admin, ulp_head, pokja_member, commitment_officer,
    /// budget_holder, auditor, law_enforcement.
    role: String,
    /// The work unit, for commitment_officer and budget_holder.
    work_unit_id: Option<Uuid>,
    /// The initial password (OWASP ASVS 5.0 rules).
    password: String,
}

/// The same input from an HTML form, where empty fields arrive as empty strings.
#[derive(Debug, Deserialize)]
pub struct NewOfficialForm {
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// E-mail, possibly empty.
    pub email: Option<String>,
    /// Role code.
    pub role: String,
    /// Work unit id, possibly empty.
    pub work_unit_id: Option<String>,
    /// Initial password.
    pub password: String,
}

impl NewOfficialForm {
    /// The API input, or an error if the work unit id is not a UUID.
    pub fn into_official(self) -> Result<NewOfficial, uuid::Error> {
        let work_unit_id = match self
            .work_unit_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(Uuid::parse_str(s)?),
            None => None,
        };
        Ok(NewOfficial {
            username: self.username,
            display_name: self.display_name,
            email: self.email.filter(|e| !e.trim().is_empty()),
            role: self.role,
            work_unit_id,
            password: self.password,
        })
    }
}

/// Input: the first user of a vendor company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVendorUser {
    username: String,
    display_name: String,
    email: Option<String>,
    password: String,
}

/// Input: a new vendor company.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVendor {
    name: String,
    /// 13 digits.
    nib: String,
    /// Slug of the home regency, if one of ours.
    home_tenant: Option<String>,
    /// Its first user, created in the same transaction.
    user: Option<NewVendorUser>,
}

/// Input: a new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A name to recognise it by.
    name: String,
    /// Days until it stops working (none: until revoked).
    expires_in_days: Option<u16>,
}

/// Query of the event log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// A regency's slug; without it, the whole log (platform administrators only).
    tenant: Option<String>,
    /// Only events after this position.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// At most this many (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

/// What of an event's confidential content this actor may read in clear.
pub(crate) fn may_see(
    actor: &lelang_core::policy::Actor,
    tenant: Option<lelang_core::TenantId>,
) -> impl Fn(lelang_core::public::Confidential) -> bool + '_ {
    use lelang_core::public::Confidential;
    move |c| match (c, tenant) {
        (Confidential::PersonalData, Some(t)) => authorize(actor, Action::ViewTenantDirectory(t)).is_ok(),
        (Confidential::HpsBreakdown, Some(t)) => authorize(actor, Action::ViewHpsBreakdown(t)).is_ok(),
        (Confidential::DraftPlan, Some(t)) => authorize(actor, Action::ViewPlanDrafts(t)).is_ok(),
        (Confidential::VendorProfile, Some(t)) => authorize(actor, Action::ReviewVendors(t)).is_ok(),
        (Confidential::Participant, Some(t)) => authorize(actor, Action::ViewParticipants(t)).is_ok(),
        (Confidential::Membership, Some(t)) => authorize(actor, Action::ViewPackages(t)).is_ok(),
        (Confidential::Evaluation, Some(t)) => authorize(actor, Action::ViewEvaluation(t)).is_ok(),
        (Confidential::Complaint, Some(t)) => authorize(actor, Action::HandleComplaints(t)).is_ok(),
        (Confidential::Conversation, Some(t)) => authorize(actor, Action::ReadConversations(t)).is_ok(),
        (_, None) => authorize(actor, Action::ManageTenants).is_ok(),
    }
}

/// Events as a reader of the full log sees them: confidential fields they may not read are
/// redacted, and reading the rest in clear is itself logged for auditors and law enforcement.
pub(crate) async fn readable_events(
    state: &AppState,
    ctx: &Ctx,
    tenant: Option<lelang_core::TenantId>,
    events: Vec<Event>,
) -> Result<Vec<Event>, ApiError> {
    let mut shown = 0u64;
    let total = events.len() as u64;
    let out: Vec<Event> = events
        .into_iter()
        .map(|mut e| {
            let see = may_see(&ctx.actor, e.tenant_id);
            shown += u64::from(lelang_core::public::redact(&mut e, &see));
            e
        })
        .collect();
    // Law enforcement's every read of the record is logged (its access is scoped by an MoU); an
    // auditor's when it included confidential data in clear.
    let records = if ctx.actor.role() == Some(Role::LawEnforcement) {
        total
    } else {
        shown
    };
    if let Some(t) = tenant {
        state
            .app
            .apply_some(|cx| directory::confidential_read(&ctx.actor, t, "event_log", records, cx))
            .await?;
    }
    Ok(out)
}

/// Who is signed in, in which role.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = MeView), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn me(State(state): State<AppState>, ctx: Ctx) -> Result<Json<MeView>, ApiError> {
    authorize(&ctx.actor, Action::ViewOwnAccount)?;
    let a = ctx.user_actor()?;
    let user = ctx.user.as_ref().ok_or(ApiError::Unauthenticated)?;
    let tenant = match a.tenant_id {
        Some(t) => state.store.tenant(t).await?.as_ref().map(TenantView::from),
        None => None,
    };
    let csrf_token = ctx.session.as_ref().map(|_| ctx.csrf.clone());
    Ok(Json(MeView {
        user: user.into(),
        role: a.role.code().into(),
        tenant,
        csrf_token,
        second_factor: crate::second_factor::status(&state, a.user_id).await?,
    }))
}

/// Every regency served (public).
#[utoipa::path(get, path = "/api/v1/tenants", tag = "regencies", responses((status = 200, body = [TenantView])))]
async fn list_tenants(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<TenantView>>, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    Ok(Json(
        state
            .store
            .tenants()
            .await?
            .iter()
            .map(TenantView::from)
            .collect(),
    ))
}

/// Adds a regency (platform administrator).
#[utoipa::path(post, path = "/api/v1/tenants", tag = "regencies", request_body = NewTenant,
    responses((status = 201, body = TenantView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_tenant(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NewTenant>,
) -> Result<(StatusCode, Json<TenantView>), ApiError> {
    authorize(&ctx.actor, Action::ManageTenants)?;
    let time_zone = parse_time_zone(&input.time_zone)?;
    let t = state
        .app
        .run(|cx| {
            directory::create_tenant(
                &ctx.actor,
                CreateTenant {
                    slug: input.slug,
                    name: input.name,
                    time_zone,
                },
                cx,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json((&t).into())))
}

/// The work units of a regency (public).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/work-units", tag = "regencies",
    params(("slug" = String, Path, description = "Regency slug")),
    responses((status = 200, body = [WorkUnitView]), (status = 404, body = Problem)))]
async fn list_work_units(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<WorkUnitView>>, ApiError> {
    authorize(&ctx.actor, Action::ViewPublic)?;
    let t = tenant_or_404(&state, &slug).await?;
    Ok(Json(
        state
            .store
            .work_units(t.id)
            .await?
            .iter()
            .map(WorkUnitView::from)
            .collect(),
    ))
}

/// Adds a work unit (the regency's administrator).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/work-units", tag = "regencies", request_body = NewWorkUnit,
    params(("slug" = String, Path, description = "Regency slug")),
    responses((status = 201, body = WorkUnitView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_work_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewWorkUnit>,
) -> Result<(StatusCode, Json<WorkUnitView>), ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let w = state
        .app
        .run(|cx| {
            directory::create_work_unit(
                &ctx.actor,
                t.id,
                CreateWorkUnit {
                    code: input.code,
                    name: input.name,
                },
                cx,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json((&w).into())))
}

/// The officials of a regency (personal data: administrators, the ULP head, auditors).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/users", tag = "regencies",
    params(("slug" = String, Path, description = "Regency slug")),
    responses((status = 200, body = [UserView]), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<UserView>>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    authorize(&ctx.actor, Action::ViewTenantDirectory(t.id))?;
    Ok(Json(
        state
            .store
            .users(Some(t.id))
            .await?
            .iter()
            .map(UserView::from)
            .collect(),
    ))
}

/// Creates an official of the regency and grants one role.
pub(crate) async fn create_official(
    state: &AppState,
    ctx: &Ctx,
    tenant: &Tenant,
    input: NewOfficial,
) -> Result<User, ApiError> {
    authorize(&ctx.actor, Action::ManageTenantUsers(tenant.id))?;
    let role: Role = input.role.parse().map_err(|_| ApiError::Invalid {
        field: "role".into(),
        code: "invalid-role".into(),
    })?;
    let work_unit_id = match input.work_unit_id {
        Some(id) => {
            let units = state.store.work_units(tenant.id).await?;
            if !units.iter().any(|w| w.id.0 == id) {
                return Err(ApiError::Invalid {
                    field: "work_unit_id".into(),
                    code: "invalid-work-unit".into(),
                });
            }
            Some(WorkUnitId(id))
        }
        None => None,
    };
    let username = lelang_core::command::valid_username(&input.username)?;
    check_password(
        &input.password,
        &[
            &username,
            &input.display_name,
            input.email.as_deref().unwrap_or(""),
        ],
    )?;
    let password_hash = auth::hash_password_in(&state.work.passwords, input.password).await?;
    let user = state
        .app
        .run(|cx| {
            directory::create_user(
                &ctx.actor,
                CreateUser {
                    username,
                    display_name: input.display_name,
                    email: input.email,
                    tenant_id: Some(tenant.id),
                    vendor_id: None,
                    roles: vec![(role, work_unit_id)],
                    password_hash,
                },
                cx,
            )
        })
        .await?;
    Ok(user)
}

/// Adds an official to a regency (its administrator).
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/users", tag = "regencies", request_body = NewOfficial,
    params(("slug" = String, Path, description = "Regency slug")),
    responses((status = 201, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewOfficial>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    let user = create_official(&state, &ctx, &t, input).await?;
    Ok((StatusCode::CREATED, Json((&user).into())))
}

/// Ends every session of a user (oneself, or a user of the regency one administers).
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke-sessions", tag = "account",
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn revoke_user_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    ctx.user_actor()?;
    let user = state.store.user(UserId(id)).await?.ok_or(ApiError::NotFound)?;
    state
        .app
        .apply(|cx| directory::revoke_sessions(&ctx.actor, &user, cx))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Registers a vendor company, and optionally its first user (platform administrator).
#[utoipa::path(post, path = "/api/v1/vendors", tag = "vendors", request_body = NewVendor,
    responses((status = 201, body = VendorView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NewVendor>,
) -> Result<(StatusCode, Json<VendorView>), ApiError> {
    authorize(&ctx.actor, Action::ManageVendors)?;
    let home_tenant_id = match &input.home_tenant {
        Some(slug) => Some(
            state
                .store
                .tenant_by_slug(slug)
                .await?
                .ok_or(ApiError::Invalid {
                    field: "home_tenant".into(),
                    code: "invalid-slug".into(),
                })?
                .id,
        ),
        None => None,
    };
    // The first user's password is checked and hashed before anything is decided.
    let user = match input.user {
        Some(u) => {
            let username = lelang_core::command::valid_username(&u.username)?;
            check_password(
                &u.password,
                &[&username, &u.display_name, u.email.as_deref().unwrap_or("")],
            )?;
            let password_hash = auth::hash_password_in(&state.work.passwords, u.password).await?;
            Some((username, u.display_name, u.email, password_hash))
        }
        None => None,
    };
    let vendor = state
        .app
        .run(|cx| {
            let (vendor, mut change) = directory::register_vendor(
                &ctx.actor,
                RegisterVendor {
                    name: input.name,
                    nib: input.nib,
                    home_tenant_id,
                },
                cx,
            )?;
            if let Some((username, display_name, email, password_hash)) = user {
                let (_, user_change) = directory::create_user(
                    &ctx.actor,
                    CreateUser {
                        username,
                        display_name,
                        email,
                        tenant_id: None,
                        vendor_id: Some(vendor.id),
                        roles: vec![(Role::Vendor, None)],
                        password_hash,
                    },
                    cx,
                )?;
                change.events.extend(user_change.events);
                change.mutations.extend(user_change.mutations);
            }
            Ok((vendor, change))
        })
        .await?;
    Ok((StatusCode::CREATED, Json((&vendor).into())))
}

/// A vendor company's profile (its own users, platform administrators).
#[utoipa::path(get, path = "/api/v1/vendors/{id}", tag = "vendors",
    params(("id" = Uuid, Path, description = "Vendor id")),
    responses((status = 200, body = VendorView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn get_vendor(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<VendorView>, ApiError> {
    authorize(&ctx.actor, Action::ViewVendor(VendorId(id)))?;
    let v = state
        .store
        .vendor(VendorId(id))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json((&v).into()))
}

/// Reads the event log of a regency (auditors, law enforcement, platform administrators), or the
/// whole log (platform administrators).
#[utoipa::path(get, path = "/api/v1/events", tag = "log", params(EventQuery),
    responses((status = 200, body = [EventView]), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
async fn list_events(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Json<Vec<EventView>>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadRequest("limit must be 1–1000".into()));
    }
    if q.after.is_some_and(|a| a < 0) {
        return Err(ApiError::BadRequest("after must be 0 or more".into()));
    }
    let tenant = match &q.tenant {
        Some(slug) => {
            let t = tenant_or_404(&state, slug).await?;
            authorize(&ctx.actor, Action::ReadEventLog(Some(t.id)))?;
            Some(Some(t.id))
        }
        None => {
            authorize(&ctx.actor, Action::ManageTenants)?;
            None
        }
    };
    let events = state
        .store
        .events(EventFilter {
            tenant,
            after_seq: q.after.unwrap_or(0),
            limit,
            newest_first: false,
        })
        .await?;
    let events = readable_events(&state, &ctx, tenant.flatten(), events).await?;
    Ok(Json(events.iter().map(EventView::from).collect()))
}

/// One's own API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = [TokenView]), (status = 401, body = Problem)),
    security(("bearer" = [])))]
async fn list_tokens(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<TokenView>>, ApiError> {
    authorize(&ctx.actor, Action::ViewOwnAccount)?;
    let a = ctx.user_actor()?;
    Ok(Json(
        state
            .store
            .api_tokens(a.user_id)
            .await?
            .iter()
            .map(TokenView::from)
            .collect(),
    ))
}

/// Issues an API token scoped to the role the caller acts in.
pub(crate) async fn issue_token(
    state: &AppState,
    ctx: &Ctx,
    name: &str,
    expires_in_days: Option<u16>,
) -> Result<(ApiToken, String), ApiError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    if ctx.via_token {
        // A token cannot mint tokens: that would let an expiring or narrow token outlive itself.
        return Err(ApiError::Forbidden);
    }
    let now = state.clock.now();
    let secret = format!("{}{}", auth::TOKEN_PREFIX, auth::random_secret());
    let expires_at = expires_in_days.map(|d| now + time::Duration::days(i64::from(d)));
    let token = state
        .app
        .run(|cx| directory::create_api_token(&ctx.actor, name, auth::secret_hash(&secret), expires_at, cx))
        .await?;
    Ok((token, secret))
}

/// Creates an API token; its secret is shown in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<Response, ApiError> {
    let (token, secret) = issue_token(&state, &ctx, &input.name, input.expires_in_days).await?;
    let mut resp = (
        StatusCode::CREATED,
        Json(CreatedToken {
            token: (&token).into(),
            secret,
        }),
    )
        .into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(resp)
}

/// Revokes one of one's own tokens.
pub(crate) async fn revoke_own_token(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(), ApiError> {
    authorize(&ctx.actor, Action::ManageOwnAccount)?;
    let a = ctx.user_actor()?;
    let token = state
        .store
        .api_token(ApiTokenId(id))
        .await?
        .filter(|t| t.user_id == a.user_id)
        .ok_or(ApiError::NotFound)?;
    state
        .app
        .apply(|cx| directory::revoke_api_token(&ctx.actor, &token, cx))
        .await?;
    Ok(())
}

/// Revokes one of one's own API tokens.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "account",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    revoke_own_token(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "lelang API", description = "E-procurement for Indonesian regencies: open, sealed, verifiable."),
    paths(me, list_tenants, create_tenant, list_work_units, create_work_unit, list_users, create_user,
        revoke_user_sessions, create_vendor, get_vendor, list_events, list_tokens, create_token, revoke_token,
        crate::log::inclusion, crate::log::consistency, crate::plan::list_items, crate::plan::create_items,
        crate::plan::import_items, crate::plan::announce_plan, crate::calendar::list, crate::calendar::set,
        crate::calendar::remove, crate::package::list, crate::package::create_api, crate::pokja::workload,
        crate::handover::get_api, crate::handover::submit_api, crate::handover::return_api,
        crate::handover::accept_api, crate::handover::message_api,
        crate::pokja::assign_api, crate::pokja::replace_api, crate::pokja::declare_api, crate::tender::get_api, crate::tender::setup_api,
        crate::tender::change_api, crate::tender::requirements_api, crate::announce::list_api, crate::announce::detail_api,
        crate::announce::join_api, crate::announce::ask_api, crate::announce::announce_api,
        crate::sealing::enrol_api, crate::sealing::my_key_api, crate::sealing::ceremony_api, crate::sealing::start_api,
        crate::sealing::deal_api, crate::sealing::verdict_api, crate::sealing::transcript_api, crate::sealing::start_opening_api,
        crate::sealing::opening_api, crate::sealing::partials_api, crate::evaluation::evaluation_api, crate::evaluation::begin_api, crate::evaluation::finding_api, crate::evaluation::clarification_api, crate::evaluation::proof_api, crate::evaluation::vote_api, crate::evaluation::decision_api, crate::evaluation::reevaluation_api, crate::evaluation::repeat_api, crate::evaluation::prices_api, crate::evaluation::award_api, crate::cancellation::cancel_api, crate::cancellation::cancellation_api, crate::case::mous_api, crate::case::record_mou_api, crate::case::cases_api, crate::case::escalate_api, crate::case::revoke_api, crate::case::reads_api, crate::case::package_events_api, crate::case::file_api, crate::complaint::mediation::open_api, crate::complaint::mediation::schedule_api, crate::complaint::mediation::record_api, crate::complaint::mediation::conclude_api, crate::complaint::mediation::reopen_api, crate::complaint::mediation::approve_api, crate::complaint::mediation::done_api, crate::complaint::mediation::code_approve_api, crate::complaint::list_api, crate::complaint::figures_api, crate::dashboard::dashboard_api, crate::dashboard::compare_api, crate::dashboard::flags_api, crate::dashboard::forecast_api, crate::dashboard::inbox_api, crate::complaint::file_api, crate::complaint::get_api, crate::complaint::triage_api, crate::complaint::reply_api, crate::complaint::evidence_api, crate::complaint::follow_api, crate::complaint::code_reply_api, crate::complaint::code_evidence_api, crate::objection::list_api, crate::objection::file_api, crate::objection::evidence_api, crate::objection::answer_api, crate::objection::appeals_api, crate::objection::appeal_api, crate::objection::appeal_answer_api, crate::award_letter::list_api, crate::award_letter::issue_api, crate::award_letter::respond_api, crate::contract::get_api, crate::contract::draft_api, crate::contract::guarantee_api, crate::contract::sign_api, crate::contract::work_order_api, crate::execution::get_api, crate::execution::progress_api, crate::execution::plan_api, crate::execution::advance_api, crate::execution::maintenance_api, crate::execution::accept_api, crate::execution::pay_api, crate::execution::amend_api, crate::execution::handover_api, crate::execution::terminate_api, crate::execution::rate_api, crate::submission::commit_api,
        crate::submission::status_api, crate::submission::upload_api, crate::submission::withdraw_api,
        crate::submission::proof_api,
        crate::announce::answer_api, crate::document::upload_api, crate::document::minutes_api,
        crate::vendor::profile_api, crate::vendor::update_api, crate::vendor::review_api,
        crate::vendor::verify_api, crate::ocds::releases_api, crate::ocds::process_releases_api,
        crate::ocds::records_api, crate::ocds::record_api, crate::second_factor::reset_api,
        crate::second_factor::policy_api),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags((name = "regencies", description = "Regencies, work units and officials"),
        (name = "vendors", description = "Vendor companies"),
        (name = "account", description = "One's own account, sessions and tokens"),
        (name = "plan", description = "Procurement plans (RUP)"),
        (name = "calendar", description = "The national working-day calendar"),
        (name = "packages", description = "Packages and their owner's estimates (HPS)"),
        (name = "pokja", description = "Pokja assignment and declarations"),
        (name = "tenders", description = "Tenders: setup, schedule, announcement, documents, clarification"),
        (name = "sealing", description = "Sealing keys, key ceremonies and the opening of bids"),
        (name = "submission", description = "Sealed bids: commitments, uploads, receipts and their proofs"),
        (name = "log", description = "The append-only event log"),
        (name = "dashboard", description = "The unit's dashboard, regencies compared and tenders' red flags"),
        (name = "open data", description = "The public record as OCDS 1.1.5 releases and records: a change feed with cursor paging")),
)]
pub struct ApiDoc;

/// The API routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/tenants", get(list_tenants).post(create_tenant))
        .route(
            "/api/v1/tenants/{slug}/work-units",
            get(list_work_units).post(create_work_unit),
        )
        .route("/api/v1/tenants/{slug}/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}/revoke-sessions", post(revoke_user_sessions))
        .route("/api/v1/vendors", post(create_vendor))
        .route("/api/v1/vendors/{id}", get(get_vendor))
        .route("/api/v1/events", get(list_events))
        .route("/api/v1/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/tokens/{id}/revoke", post(revoke_token))
}

/// The OpenAPI document and the vendored Swagger UI.
pub fn docs() -> crate::routes::Routes {
    let ui: Router<AppState> = SwaggerUi::new("/api/v1/docs")
        .url("/api/v1/openapi.json", ApiDoc::openapi())
        .into();
    crate::routes::Routes::new().foreign(
        &[
            "/api/v1/openapi.json",
            "/api/v1/docs",
            "/api/v1/docs/",
            "/api/v1/docs/{*rest}",
        ],
        ui,
    )
}
