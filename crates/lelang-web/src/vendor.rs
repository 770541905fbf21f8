//! Vendors over HTTP: a company signs itself up, keeps its qualification profile (licences with
//! KBLI codes, experience, personnel, equipment, tax standing), and a regency's administrator or
//! ULP head verifies it. On pages the profile's lists are edited as one entry per line, which
//! works on any phone and any connection.

use crate::AppState;
use crate::auth::{self, Ctx};
use crate::error::{ApiError, Problem};
use crate::i18n::Tr;
use crate::input::{ApiJson, check_password, tenant_or_404};
use crate::templates::{VendorProfilePage, VendorReviewPage, VendorReviewRow, VendorSignUpPage};
use crate::view::{PageForm, fail_page, form_done, nav_for, render};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use lelang_core::VendorId;
use lelang_core::policy::{Action, authorize};
use lelang_core::vendor::{
    Equipment, Experience, Licence, Person, SignUp, TaxStatus, VendorProfile, Verification,
    VerificationStatus, is_verified, sign_up,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A company's profile with the regencies' verifications of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    /// The profile (npwp, address, licences, experience, personnel, equipment, tax).
    #[schema(value_type = Object)]
    profile: Option<VendorProfile>,
    verifications: Vec<VerificationView>,
    /// Whether it may take part in tenders.
    verified: bool,
}

/// One regency's verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationView {
    /// The regency's URL name.
    regency: String,
    /// verified or rejected.
    status: String,
    note: String,
    /// RFC 3339.
    at: String,
}

/// Input: a profile, whole (replaces the previous one and clears its verifications).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct ProfileInput(VendorProfile);

/// Input: a regency's decision on a company's profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// verified or rejected.
    status: String,
    /// Why (at least 10 characters for a rejection).
    #[serde(default)]
    note: String,
}

/// A company as a regency's reviewer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    id: Uuid,
    name: String,
    nib: String,
    #[schema(value_type = Object)]
    profile: Option<VendorProfile>,
    /// This regency's decision: verified, rejected, or none.
    status: String,
    /// Whether it may take part in tenders (verified by some regency, latest decision).
    verified: bool,
}

async fn verification_views(
    state: &AppState,
    vs: &[Verification],
) -> Result<Vec<VerificationView>, ApiError> {
    let tenants = state.store.tenants().await?;
    Ok(vs
        .iter()
        .map(|v| VerificationView {
            regency: tenants
                .iter()
                .find(|t| t.id == v.tenant_id)
                .map(|t| t.slug.clone())
                .unwrap_or_default(),
            status: v.status.code().into(),
            note: v.note.clone(),
            at: v
                .at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        })
        .collect())
}

/// A company's profile and verifications (its own users; platform and regency reviewers;
/// auditors).
#[utoipa::path(get, path = "/api/v1/vendors/{id}/profile", tag = "vendors",
    params(("id" = Uuid, Path, description = "Vendor id")),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn profile_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<ProfileView>, ApiError> {
    let v = VendorId(id);
    authorize(&ctx.actor, Action::ViewVendor(v))?;
    state.store.vendor(v).await?.ok_or(ApiError::NotFound)?;
    let vs = state.store.verifications(Some(v)).await?;
    Ok(Json(ProfileView {
        profile: state.store.vendor_profile(v).await?,
        verified: is_verified(&vs),
        verifications: verification_views(&state, &vs).await?,
    }))
}

async fn do_update(state: &AppState, ctx: &Ctx, v: VendorId, p: &VendorProfile) -> Result<(), ApiError> {
    Ok(lelang_app::vendor::update(&state.app, &ctx.actor, v, p).await?)
}

/// Replaces a company's profile (its own users). Every regency's verification lapses.
#[utoipa::path(put, path = "/api/v1/vendors/{id}/profile", tag = "vendors", request_body = ProfileInput,
    params(("id" = Uuid, Path, description = "Vendor id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn update_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> Result<StatusCode, ApiError> {
    do_update(&state, &ctx, VendorId(id), &input.0).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn review_rows(state: &AppState, tenant: lelang_core::TenantId) -> Result<Vec<ReviewView>, ApiError> {
    let all = state.store.verifications(None).await?;
    let mut out = Vec::new();
    for v in state.store.vendors().await? {
        let status = all
            .iter()
            .find(|x| x.vendor_id == v.id && x.tenant_id == tenant)
            .map(|x| x.status.code())
            .unwrap_or("none");
        let mine: Vec<Verification> = all.iter().filter(|x| x.vendor_id == v.id).cloned().collect();
        out.push(ReviewView {
            id: v.id.0,
            name: v.name,
            nib: v.nib,
            profile: state.store.vendor_profile(v.id).await?,
            status: status.into(),
            verified: is_verified(&mine),
        });
    }
    Ok(out)
}

/// Every company with this regency's decision on it (its administrator, its ULP head).
#[utoipa::path(get, path = "/api/v1/tenants/{slug}/vendors", tag = "vendors",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ReviewView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn review_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Json<Vec<ReviewView>>, ApiError> {
    let t = tenant_or_404(&state, &slug).await?;
    authorize(&ctx.actor, Action::ReviewVendors(t.id))?;
    Ok(Json(review_rows(&state, t.id).await?))
}

async fn do_verify(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    input: VerifyInput,
) -> Result<(), ApiError> {
    let t = tenant_or_404(state, slug).await?;
    authorize(&ctx.actor, Action::ReviewVendors(t.id))?;
    let status = VerificationStatus::from_code(input.status.trim()).ok_or(ApiError::Invalid {
        field: "status".into(),
        code: "invalid-verification".into(),
    })?;
    Ok(lelang_app::vendor::check(&state.app, &ctx.actor, t.id, VendorId(id), status, &input.note).await?)
}

/// Records this regency's check of a company's current profile.
#[utoipa::path(post, path = "/api/v1/tenants/{slug}/vendors/{id}/verification", tag = "vendors", request_body = VerifyInput,
    params(("slug" = String, Path), ("id" = Uuid, Path, description = "Vendor id")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub(crate) async fn verify_api(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<VerifyInput>,
) -> Result<StatusCode, ApiError> {
    do_verify(&state, &ctx, &slug, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The vendor routes.
pub fn routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/api/v1/vendors/{id}/profile", get(profile_api).put(update_api))
        .route("/api/v1/tenants/{slug}/vendors", get(review_api))
        .route(
            "/api/v1/tenants/{slug}/vendors/{id}/verification",
            post(verify_api),
        )
        .route("/vendors/register", get(sign_up_page).post(sign_up_post))
        .route("/vendor/profile", get(profile_page).post(profile_post))
        .route("/t/{slug}/vendors", get(review_page))
        .route("/t/{slug}/vendors/{id}/verification", post(verify_page))
}

#[derive(Debug, Deserialize, Default)]
struct SignUpForm {
    company: String,
    nib: String,
    npwp: String,
    address: String,
    #[serde(default)]
    home_regency: String,
    username: String,
    display_name: String,
    email: String,
    password: String,
}

async fn sign_up_view(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: SignUpForm,
    errors: Vec<String>,
) -> Result<Response, ApiError> {
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let tenants = state.store.tenants().await?;
    let page = VendorSignUpPage {
        nav: nav_for(state, ctx, "/vendors/register").await,
        regencies: tenants.iter().map(|x| (x.slug.clone(), x.name.clone())).collect(),
        company: form.company,
        nib: form.nib,
        npwp: form.npwp,
        address: form.address,
        home_regency: form.home_regency,
        username: form.username,
        display_name: form.display_name,
        email: form.email,
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn sign_up_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    sign_up_view(&state, &ctx, StatusCode::OK, SignUpForm::default(), vec![])
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, "/vendors/register", e))
}

/// A company signs up: at most a few per client address, every field checked and the sign-in
/// name found free before the password is hashed (in the machine's password pool).
async fn do_sign_up(state: &AppState, ctx: &Ctx, f: &SignUpForm) -> Result<(), ApiError> {
    state.sign_ups.take(ctx.address.clone())?;
    let home = match f.home_regency.trim() {
        "" => None,
        slug => Some(tenant_or_404(state, slug).await?.id),
    };
    let checked = sign_up(
        SignUp {
            company: f.company.clone(),
            nib: f.nib.clone(),
            npwp: f.npwp.clone(),
            address: f.address.clone(),
            home_tenant_id: home,
            username: f.username.clone(),
            display_name: f.display_name.clone(),
            email: f.email.clone(),
        },
        &state.app.cx(),
    )?;
    check_password(
        &f.password,
        &[checked.username(), &f.display_name, &f.email, &f.company],
    )?;
    if state.store.credentials(checked.username()).await?.is_some() {
        return Err(ApiError::Conflict("this username is taken".into()));
    }
    let password_hash = auth::hash_password_in(&state.work.passwords, f.password.clone()).await?;
    let (_, _, change) = checked.finish(password_hash);
    state.app.commit(change).await?;
    Ok(())
}

async fn sign_up_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<SignUpForm>,
) -> Response {
    let result = do_sign_up(&state, &ctx, &f).await;
    let again = |errors| {
        sign_up_view(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            SignUpForm {
                password: String::new(),
                ..f
            },
            errors,
        )
    };
    form_done(
        &state,
        &ctx,
        "/vendors/register",
        result.map(|()| "/login?ok=vendor-registered".to_owned()),
        again,
    )
    .await
}

fn lines(s: &str) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
    s.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.split(';').map(|p| p.trim().to_owned()).collect()))
}

fn line_error(field: &str, line: usize) -> ApiError {
    ApiError::Invalid {
        field: format!("{field}:{line}"),
        code: "profile-line".into(),
    }
}

fn part(parts: &[String], i: usize) -> String {
    parts.get(i).cloned().unwrap_or_default()
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.trim().parse().ok()
}

#[derive(Debug, Deserialize, Default)]
struct ProfileForm {
    npwp: String,
    address: String,
    #[serde(default)]
    pkp: Option<String>,
    #[serde(default)]
    last_return_year: String,
    #[serde(default)]
    licences: String,
    #[serde(default)]
    experience: String,
    #[serde(default)]
    personnel: String,
    #[serde(default)]
    equipment: String,
}

fn parse_profile(f: &ProfileForm) -> Result<VendorProfile, ApiError> {
    let mut licences = Vec::new();
    for (n, p) in lines(&f.licences) {
        let valid_until = match part(&p, 3).as_str() {
            "" => None,
            d => Some(
                time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| line_error("licences", n))?,
            ),
        };
        licences.push(Licence {
            kind: part(&p, 0),
            number: part(&p, 1),
            kbli: part(&p, 2).split_whitespace().map(str::to_owned).collect(),
            valid_until,
        });
    }
    let mut experience = Vec::new();
    for (n, p) in lines(&f.experience) {
        experience.push(Experience {
            project: part(&p, 0),
            client: part(&p, 1),
            year: number(&part(&p, 2)).ok_or_else(|| line_error("experience", n))?,
            value: lelang_core::plan::parse_rupiah(&part(&p, 3))
                .ok_or_else(|| line_error("experience", n))?,
        });
    }
    let personnel = lines(&f.personnel)
        .map(|(_, p)| Person {
            name: part(&p, 0),
            position: part(&p, 1),
            certificate: Some(part(&p, 2)).filter(|c| !c.is_empty()),
        })
        .collect();
    let mut equipment = Vec::new();
    for (n, p) in lines(&f.equipment) {
        equipment.push(Equipment {
            name: part(&p, 0),
            quantity: number(&part(&p, 1)).ok_or_else(|| line_error("equipment", n))?,
            owned: !matches!(part(&p, 2).to_lowercase().as_str(), "sewa" | "rented" | "rent"),
        });
    }
    Ok(VendorProfile {
        npwp: f.npwp.clone(),
        address: f.address.clone(),
        licences,
        experience,
        personnel,
        equipment,
        tax: TaxStatus {
            pkp: f.pkp.is_some(),
            last_return_year: match f.last_return_year.trim() {
                "" => None,
                y => Some(number(y).ok_or(ApiError::Invalid {
                    field: "tax".into(),
                    code: "invalid-year".into(),
                })?),
            },
        },
    })
}

fn profile_form(p: &VendorProfile) -> ProfileForm {
    let join = |v: Vec<String>| v.join("\n");
    ProfileForm {
        npwp: p.npwp.clone(),
        address: p.address.clone(),
        pkp: p.tax.pkp.then(|| "on".into()),
        last_return_year: p.tax.last_return_year.map(|y| y.to_string()).unwrap_or_default(),
        licences: join(
            p.licences
                .iter()
                .map(|l| {
                    format!(
                        "{}; {}; {}; {}",
                        l.kind,
                        l.number,
                        l.kbli.join(" "),
                        l.valid_until.map(|d| d.to_string()).unwrap_or_default()
                    )
                })
                .collect(),
        ),
        experience: join(
            p.experience
                .iter()
                .map(|e| format!("{}; {}; {}; {}", e.project, e.client, e.year, e.value))
                .collect(),
        ),
        personnel: join(
            p.personnel
                .iter()
                .map(|x| {
                    format!(
                        "{}; {}; {}",
                        x.name,
                        x.position,
                        x.certificate.clone().unwrap_or_default()
                    )
                })
                .collect(),
        ),
        equipment: join(
            p.equipment
                .iter()
                .map(|x| {
                    format!(
                        "{}; {}; {}",
                        x.name,
                        x.quantity,
                        if x.owned { "milik" } else { "sewa" }
                    )
                })
                .collect(),
        ),
    }
}

#[derive(Debug, Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
}

async fn profile_view(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: Option<ProfileForm>,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let user = ctx.user_actor()?;
    let v = user.vendor_id.ok_or(ApiError::Forbidden)?;
    authorize(&ctx.actor, Action::ActForVendor(v))?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let vendor = state.store.vendor(v).await?.ok_or(ApiError::NotFound)?;
    let stored = state.store.vendor_profile(v).await?;
    let vs = state.store.verifications(Some(v)).await?;
    let f = form
        .or_else(|| stored.as_ref().map(profile_form))
        .unwrap_or_default();
    let record = lelang_app::execution::record(&state.app, v)
        .await?
        .map(|(count, score)| {
            t.arg2(
                "execution-record-value",
                ("score", &score.to_string()),
                ("count", &count.to_string()),
            )
        });
    let mut nav = nav_for(state, ctx, "/vendor/profile").await;
    nav.flash = flash.filter(|k| *k == "profile-saved").map(|k| t.get(k));
    let page = VendorProfilePage {
        nav,
        record,
        company: vendor.name,
        nib: vendor.nib,
        verified: is_verified(&vs),
        verifications: verification_views(state, &vs)
            .await?
            .into_iter()
            .map(|x| (x.regency, t.get(&format!("verification-{}", x.status)), x.note))
            .collect(),
        npwp: f.npwp,
        address: f.address,
        pkp: f.pkp.is_some(),
        last_return_year: f.last_return_year,
        licences: f.licences,
        experience: f.experience,
        personnel: f.personnel,
        equipment: f.equipment,
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn profile_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<OkQuery>) -> Response {
    profile_view(&state, &ctx, StatusCode::OK, None, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, "/vendor/profile", e))
}

async fn profile_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<ProfileForm>,
) -> Response {
    let result = async {
        let user = ctx.user_actor()?;
        let v = user.vendor_id.ok_or(ApiError::Forbidden)?;
        do_update(&state, &ctx, v, &parse_profile(&f)?).await
    }
    .await;
    let again = |errors| {
        profile_view(
            &state,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(f),
            errors,
            None,
        )
    };
    form_done(
        &state,
        &ctx,
        "/vendor/profile",
        result.map(|()| "/vendor/profile?ok=profile-saved".to_owned()),
        again,
    )
    .await
}

async fn review_view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(state, slug).await?;
    authorize(&ctx.actor, Action::ReviewVendors(tenant.id))?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let rows = review_rows(state, tenant.id)
        .await?
        .into_iter()
        .map(|r| VendorReviewRow {
            id: r.id.to_string(),
            name: r.name,
            nib: r.nib,
            summary: r
                .profile
                .as_ref()
                .map(|p| {
                    let kbli: Vec<String> = p.licences.iter().flat_map(|l| l.kbli.clone()).collect();
                    format!(
                        "NPWP {} · {} · KBLI {} · {} {} · {} {} · {} {}",
                        p.npwp,
                        p.address,
                        if kbli.is_empty() {
                            "-".to_owned()
                        } else {
                            kbli.join(", ")
                        },
                        p.experience.len(),
                        t.get("vendor-experience-count"),
                        p.personnel.len(),
                        t.get("vendor-personnel-count"),
                        p.equipment.len(),
                        t.get("vendor-equipment-count"),
                    )
                })
                .unwrap_or_else(|| t.get("vendor-no-profile")),
            has_profile: r.profile.is_some(),
            status: if r.status == "none" && r.verified {
                t.get("verification-elsewhere")
            } else {
                t.get(&format!("verification-{}", r.status))
            },
        })
        .collect();
    let path = format!("/t/{slug}/vendors");
    let mut nav = nav_for(state, ctx, &path).await;
    nav.flash = flash.filter(|k| *k == "vendor-reviewed").map(|k| t.get(k));
    let page = VendorReviewPage {
        nav,
        slug: tenant.slug.clone(),
        tenant: tenant.name.clone(),
        rows,
        errors,
        t,
    };
    Ok(render(status, &page))
}

async fn review_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<OkQuery>,
) -> Response {
    review_view(&state, &ctx, &slug, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/vendors"), e))
}

#[derive(Debug, Deserialize)]
struct VerifyForm {
    status: String,
    #[serde(default)]
    note: String,
}

async fn verify_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<VerifyForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        do_verify(
            &state,
            &ctx,
            &slug,
            id,
            VerifyInput {
                status: f.status,
                note: f.note,
            },
        )
        .await
    }
    .await;
    let path = format!("/t/{slug}/vendors");
    let again = |errors| {
        review_view(
            &state,
            &ctx,
            &slug,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    form_done(
        &state,
        &ctx,
        &path,
        result.map(|()| format!("/t/{slug}/vendors?ok=vendor-reviewed")),
        again,
    )
    .await
}
