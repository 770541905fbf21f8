//! The complaint pages: the public list, the filing form and its once-shown code, the follow-up
//! by code, and a complaint's page for its auditor and its signed-in complainant.

use super::*;

fn status_label(t: &Tr, s: Status) -> String {
    t.get(&format!("complaint-status-{}", s.code()))
}

pub(super) async fn list_page(State(state): State<AppState>, ctx: Ctx, Path(slug): Path<String>) -> Response {
    let path = format!("/t/{slug}/complaints");
    list_view(&state, &ctx, &slug, &path)
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn list_view(state: &AppState, ctx: &Ctx, slug: &str, path: &str) -> Result<Response, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let tenant = tenant_or_404(state, slug).await?;
    let now = state.clock.now();
    let auditor = complaint::may_handle(&ctx.actor, tenant.id);
    let all = state.store.complaints(tenant.id).await?;
    let rows = all
        .iter()
        .rev()
        .map(|c| ComplaintLineRow {
            number: c.number.clone(),
            category: t.get(&format!("complaint-category-{}", c.category.code())),
            subject: t.get(&format!("complaint-subject-{}", c.subject.kind())),
            tender_href: public_package(c).map(|p| format!("/tenders/{}", p.0)),
            status: status_label(&t, c.status),
            filed: local_time(&tenant, c.filed_at),
            due: local_time(&tenant, c.answer_due),
            late: line(c, now).late,
            href: (auditor || Follower::Actor(&ctx.actor).follows(c))
                .then(|| format!("/t/{slug}/complaints/{}", c.id.0)),
        })
        .collect();
    let figures = facts(&t, &complaint::figures::figures(&all, now));
    let page = ComplaintsPage {
        figures,
        nav: nav_for(state, ctx, path).await,
        regency: tenant.name.clone(),
        slug: slug.to_owned(),
        rows,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The regency's complaint figures as (label, value), for its complaints page and its dashboard.
pub(crate) fn facts(t: &Tr, f: &complaint::figures::Figures) -> Vec<(String, String)> {
    vec![
        (t.get("complaint-figure-total"), f.total.to_string()),
        (
            t.get("complaint-figure-on-time"),
            format!("{} / {}", f.answered_on_time, f.answered),
        ),
        (
            t.get("complaint-figure-median"),
            f.median_hours_to_first_answer
                .map(|h| format!("{h} {}", t.get("complaint-figure-hours")))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            t.get("complaint-figure-settled"),
            format!(
                "{} / {}{}",
                f.settled_by_mediation,
                f.mediated,
                f.settled_permille
                    .map(|p| format!(" ({})", crate::view::percent(t.lang, i64::try_from(p).ok())))
                    .unwrap_or_default()
            ),
        ),
        (t.get("complaint-figure-escalated"), f.escalated.to_string()),
        (t.get("complaint-figure-overdue"), f.overdue_actions.to_string()),
    ]
}

/// The filing form's fields.
#[derive(Debug, Deserialize, Default)]
pub(super) struct FilingForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    anonymous: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct NewQuery {
    package: Option<Uuid>,
    category: Option<String>,
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<NewQuery>,
) -> Response {
    let form = FilingForm {
        category: q.category.unwrap_or_default(),
        subject: if q.package.is_some() {
            "tender".into()
        } else {
            String::new()
        },
        package_id: q.package.map(|p| p.to_string()).unwrap_or_default(),
        anonymous: Some("on".into()),
        ..FilingForm::default()
    };
    let path = format!("/t/{slug}/complaints/new");
    new_view(&state, &ctx, &slug, StatusCode::OK, form, vec![])
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

async fn new_view(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    f: FilingForm,
    errors: Vec<String>,
) -> Result<Response, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let tenant = tenant_or_404(state, slug).await?;
    let tenders = state
        .store
        .search_tenders(&lelang_core::tender::TenderQuery {
            tenant: Some(tenant.id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let page = ComplaintNewPage {
        nav: nav_for(state, ctx, &format!("/t/{slug}/complaints/new")).await,
        regency: tenant.name.clone(),
        slug: slug.to_owned(),
        categories: Category::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_owned(),
                    t.get(&format!("complaint-category-{}", c.code())),
                )
            })
            .collect(),
        subjects: ["tender", "contract", "package", "person", "general"]
            .iter()
            .map(|s| ((*s).to_owned(), t.get(&format!("complaint-subject-{s}"))))
            .collect(),
        packages: tenders
            .tenders
            .iter()
            .map(|x| (x.tender.package_id.0.to_string(), x.tender.name.clone()))
            .collect(),
        signed_in: ctx.user.is_some(),
        anonymous: f.anonymous.is_some(),
        category: f.category,
        subject: f.subject,
        package_id: f.package_id,
        text: f.text,
        name: f.name,
        contact: f.contact,
        errors,
        t,
    };
    Ok(render(status, &page))
}

pub(super) async fn new_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(f): PageForm<FilingForm>,
) -> Response {
    let path = format!("/t/{slug}/complaints/new");
    let input = FilingInput {
        category: f.category.clone(),
        subject: f.subject.clone(),
        package_id: Uuid::parse_str(f.package_id.trim()).ok(),
        text: f.text.clone(),
        anonymous: f.anonymous.is_some(),
        name: Some(f.name.clone()),
        contact: Some(f.contact.clone()),
    };
    let t = crate::view::tr(&state, ctx.lang);
    match file(&state, &ctx, &slug, input).await {
        Ok((tenant, c, code)) => {
            let page = ComplaintFollowPage {
                nav: nav_for(&state, &ctx, &path).await,
                filed: Some((c.number.clone(), code)),
                regency: tenant.name,
                errors: vec![],
                t,
            };
            no_store(render(StatusCode::CREATED, &page))
        }
        Err(e) => match form_error(&t, &e) {
            Some(msg) => {
                // The form again — without the name and contact of someone who asked to stay
                // anonymous, which are not echoed back either.
                let keep = FilingForm {
                    name: if f.anonymous.is_some() {
                        String::new()
                    } else {
                        f.name
                    },
                    contact: if f.anonymous.is_some() {
                        String::new()
                    } else {
                        f.contact
                    },
                    ..f
                };
                new_view(
                    &state,
                    &ctx,
                    &slug,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    keep,
                    vec![msg],
                )
                .await
                .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
            }
            None => fail_page(&state, &ctx, &path, e),
        },
    }
}

pub(super) async fn follow_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let t = crate::view::tr(&state, ctx.lang);
    let page = ComplaintFollowPage {
        nav: nav_for(&state, &ctx, "/complaints/follow-up").await,
        filed: None,
        regency: String::new(),
        errors: vec![],
        t,
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    code: String,
    #[serde(default)]
    text: String,
}

/// The complaint a code opens, or the code form again with "no complaint has this code".
pub(super) async fn follow_or_again(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    flash: Option<&str>,
) -> Response {
    let path = "/complaints/follow-up";
    match by_code(state, ctx, code).await {
        Ok(c) => detail_view(state, ctx, &c, Some(code), flash, vec![])
            .await
            .map(no_store)
            .unwrap_or_else(|e| fail_page(state, ctx, path, e)),
        Err(ApiError::NotFound) => {
            let t = crate::view::tr(state, ctx.lang);
            let page = ComplaintFollowPage {
                nav: nav_for(state, ctx, path).await,
                filed: None,
                regency: String::new(),
                errors: vec![t.get("complaint-code-unknown")],
                t,
            };
            render(StatusCode::NOT_FOUND, &page)
        }
        Err(e) => fail_page(state, ctx, path, e),
    }
}

pub(super) async fn follow_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<CodeForm>,
) -> Response {
    follow_or_again(&state, &ctx, &f.code, None).await
}

pub(super) async fn code_reply_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(f): PageForm<CodeForm>,
) -> Response {
    match code_reply(&state, &ctx, &f.code, &f.text).await {
        Ok(_) => follow_or_again(&state, &ctx, &f.code, Some("complaint-replied")).await,
        Err(e) => again_as_follower(&state, &ctx, &f.code, e).await,
    }
}

/// A follower's refused reply or file: the complaint again with the message.
pub(super) async fn again_as_follower(state: &AppState, ctx: &Ctx, code: &str, e: ApiError) -> Response {
    let t = crate::view::tr(state, ctx.lang);
    let path = "/complaints/follow-up";
    match (
        form_error(&t, &e),
        lelang_app::complaint::by_code(&state.app, code).await,
    ) {
        (Some(msg), Ok(c)) => match detail_view(state, ctx, &c, Some(code), None, vec![msg]).await {
            Ok(r) => no_store(unprocessable(r)),
            Err(e) => fail_page(state, ctx, path, e),
        },
        _ => fail_page(state, ctx, path, e),
    }
}

pub(super) async fn code_evidence_page(
    State(state): State<AppState>,
    ctx: Ctx,
    up: crate::files::Upload,
) -> Response {
    let code = up.text("code");
    match add_evidence(&state, &ctx, Follower::Code(&code), None, up).await {
        Ok(_) => follow_or_again(&state, &ctx, &code, Some("complaint-evidence-added")).await,
        Err(e) => again_as_follower(&state, &ctx, &code, e).await,
    }
}

pub(super) async fn code_evidence_download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(n): Path<usize>,
    headers: axum::http::HeaderMap,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, ApiError> {
    let c = by_code(&state, &ctx, &f.code).await?;
    serve(&state, &c, n, &headers).await.map(no_store)
}

async fn serve(
    state: &AppState,
    c: &Complaint,
    n: usize,
    headers: &axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let file = n
        .checked_sub(1)
        .and_then(|i| c.evidence.get(i))
        .ok_or(ApiError::NotFound)?;
    crate::files::serve_blob(state, &file.sha256, &file.filename, &file.media_type, headers).await
}

pub(super) async fn evidence_download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, n)): Path<(String, Uuid, usize)>,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    let tenant = tenant_or_404(&state, &slug).await?;
    let c = lelang_app::complaint::read(&state.app, &ctx.actor, tenant.id, ComplaintId(id)).await?;
    serve(&state, &c, n, &headers).await
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let path = format!("/t/{slug}/complaints/{id}");
    let flash = q.ok.as_deref();
    async {
        let tenant = tenant_or_404(&state, &slug).await?;
        let c = lelang_app::complaint::read(&state.app, &ctx.actor, tenant.id, ComplaintId(id)).await?;
        detail_view(&state, &ctx, &c, None, flash, vec![]).await
    }
    .await
    .unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

/// A complaint's page: to its auditor with the triage form, to its complainant (signed in, or by
/// `code`) with the reply and file forms.
async fn detail_view(
    state: &AppState,
    ctx: &Ctx,
    c: &Complaint,
    code: Option<&str>,
    flash: Option<&str>,
    errors: Vec<String>,
) -> Result<Response, ApiError> {
    let t = crate::view::tr(state, ctx.lang);
    let tenant = state.store.tenant(c.tenant_id).await?.ok_or(ApiError::NotFound)?;
    let auditor = code.is_none() && complaint::may_handle(&ctx.actor, tenant.id);
    let by = match code {
        Some(code) => Follower::Code(code),
        None => Follower::Actor(&ctx.actor),
    };
    let follower = by.follows(c);
    let base = format!("/t/{}/complaints/{}", tenant.slug, c.id.0);
    let complainant = if auditor {
        Some(match &c.complainant {
            Complainant::Anonymous => t.get("complaint-anonymous"),
            Complainant::Named { name, contact } => format!("{name} — {contact}"),
            Complainant::User { user_id, vendor_id } => {
                let user = state
                    .store
                    .user(*user_id)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default();
                let company = match vendor_id {
                    Some(v) => state
                        .store
                        .vendor(*v)
                        .await?
                        .map(|v| format!(" ({})", v.name))
                        .unwrap_or_default(),
                    None => String::new(),
                };
                format!("{user}{company}")
            }
        })
    } else {
        None
    };
    let merge_targets = if auditor && complaint::decisions(c).contains(&Decision::Merge) {
        state
            .store
            .complaints(tenant.id)
            .await?
            .into_iter()
            .filter(|o| o.id != c.id && o.status.is_open())
            .map(|o| (o.id.0.to_string(), o.number))
            .collect()
    } else {
        Vec::new()
    };
    let package = match c.subject.package() {
        Some(p) => state
            .store
            .package(p)
            .await?
            .map(|x| (format!("/tenders/{}", p.0), x.name)),
        None => None,
    };
    let page = ComplaintPage {
        nav: crate::view::nav(state, ctx, &base, flash).await,
        number: c.number.clone(),
        category: t.get(&format!("complaint-category-{}", c.category.code())),
        subject: t.get(&format!("complaint-subject-{}", c.subject.kind())),
        package,
        status: status_label(&t, c.status),
        filed: local_time(&tenant, c.filed_at),
        due: local_time(&tenant, c.answer_due),
        late: line(c, state.clock.now()).late,
        text: c.text.clone(),
        complainant,
        notes: c
            .notes
            .iter()
            .map(|n| ComplaintNoteRow {
                auditor: n.author == complaint::Author::Auditor,
                decision: n
                    .decision
                    .map(|d| t.get(&format!("complaint-decision-{}", d.code()))),
                text: n.text.clone(),
                at: local_time(&tenant, n.at),
            })
            .collect(),
        evidence: c
            .evidence
            .iter()
            .enumerate()
            .map(|(i, f)| {
                (
                    match code {
                        Some(_) => format!("/complaints/follow-up/evidence/{}", i + 1),
                        None => format!("{base}/evidence/{}", i + 1),
                    },
                    format!("{} ({:.1} KB)", f.filename, f.size as f64 / 1024.0),
                )
            })
            .collect(),
        code: code.map(str::to_owned),
        can_reply: follower && c.status.is_open(),
        can_add_evidence: complaint::may_add_evidence(by, c).is_ok(),
        decisions: if auditor {
            complaint::decisions(c)
                .into_iter()
                .map(|d| {
                    (
                        d.code().to_owned(),
                        t.get(&format!("complaint-decision-{}", d.code())),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        merge_targets,
        base,
        errors,
        mediation: super::mediation::panel(state, ctx, c, by, auditor, &tenant).await?,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub(super) struct TriageForm {
    decision: String,
    note: String,
    #[serde(default)]
    into: String,
}

pub(super) async fn triage_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<TriageForm>,
) -> Response {
    let input = TriageInput {
        decision: f.decision,
        note: f.note,
        into: Uuid::parse_str(f.into.trim()).ok(),
    };
    let result = triage(&state, &ctx, &slug, id, &input).await.map(|_| ());
    done(&state, &ctx, &slug, id, "complaint-triaged", result).await
}

pub(super) async fn reply_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(f): PageForm<ReplyForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        lelang_app::complaint::reply(
            &state.app,
            &ctx.actor,
            Follower::Actor(&ctx.actor),
            ComplaintId(id),
            &f.text,
        )
        .await?;
        Ok(())
    }
    .await;
    done(&state, &ctx, &slug, id, "complaint-replied", result).await
}

#[derive(Debug, Deserialize)]
pub(super) struct ReplyForm {
    text: String,
}

pub(super) async fn evidence_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    up: crate::files::Upload,
) -> Response {
    let result = add_evidence(
        &state,
        &ctx,
        Follower::Actor(&ctx.actor),
        Some(ComplaintId(id)),
        up,
    )
    .await
    .map(|_| ());
    done(&state, &ctx, &slug, id, "complaint-evidence-added", result).await
}

/// After a signed-in form: back to the complaint with its flash, or its page with the message.
pub(super) async fn done(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    flash: &str,
    result: Result<(), ApiError>,
) -> Response {
    let path = format!("/t/{slug}/complaints/{id}");
    let t = crate::view::tr(state, ctx.lang);
    match result {
        Ok(()) => see_other(&format!("{path}?ok={flash}")),
        Err(e) => match form_error(&t, &e) {
            Some(msg) => async {
                let tenant = tenant_or_404(state, slug).await?;
                let c =
                    lelang_app::complaint::read(&state.app, &ctx.actor, tenant.id, ComplaintId(id)).await?;
                detail_view(state, ctx, &c, None, None, vec![msg])
                    .await
                    .map(unprocessable)
            }
            .await
            .unwrap_or_else(|e| fail_page(state, ctx, &path, e)),
            None => fail_page(state, ctx, &path, e),
        },
    }
}

fn unprocessable(mut r: Response) -> Response {
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}
