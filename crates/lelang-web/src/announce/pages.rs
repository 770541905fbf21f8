//! The public tender pages (list and detail, registering, asking) and the pokja's announce and
//! answer forms.

use super::*;
use crate::view::local_time;

pub(super) fn options<T: serde::Serialize>(t: &Tr, prefix: &str, all: &[T]) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let c = rules::code(v);
            (c.clone(), t.get(&format!("{prefix}-{c}")))
        })
        .collect()
}

/// The page's parameters, leniently: links from elsewhere carry extra ones (`utm_source`), and a
/// page number that is not one reads as the first page.
pub(super) fn page_params(raw: Option<&str>) -> SearchParams {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    SearchParams {
        q: get("q"),
        regency: get("regency"),
        work_unit: get("work_unit"),
        category: get("category"),
        method: get("method"),
        status: get("status"),
        min: get("min"),
        max: get("max"),
        page: get("page").and_then(|p| p.trim().parse().ok()),
    }
}

pub(super) async fn list_page(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let p = page_params(raw.as_deref());
    let result = async {
        let mut errors = Vec::new();
        let found = match query_of(&state, &p).await {
            Ok(q) => Some((q.offset / PAGE_SIZE + 1, search(&state, &q).await?)),
            Err(e @ ApiError::Invalid { .. }) => {
                errors.push(crate::view::form_error(&t, &e).unwrap_or_default());
                None
            }
            Err(e) => return Err(e),
        };
        let (page, found) = found.unwrap_or_default();
        let now = state.clock.now();
        let tenants = tenants(&state).await?;
        let rows = found
            .tenders
            .iter()
            .map(|l| {
                let x = &l.tender;
                let tenant = tenants.iter().find(|n| n.id == x.tenant_id);
                TenderRow {
                    href: format!("/tenders/{}", x.package_id.0),
                    name: x.name.clone(),
                    regency: l.regency_name.clone(),
                    work_unit: l.work_unit_name.clone(),
                    category: t.get(&format!("category-{}", rules::code(&x.category))),
                    method: t.get(&format!("method-{}", rules::code(&x.method))),
                    hps: crate::view::rupiah(x.owner_estimate),
                    deadline: tenant
                        .map(|n| local_time(n, x.submission_deadline))
                        .unwrap_or_default(),
                    open: status_of(x, now) == "open",
                    cancelled: x.cancelled_at.is_some(),
                }
            })
            .collect();
        let pages = found.total.div_ceil(u64::from(PAGE_SIZE)).max(1);
        let link = |n: u32| {
            let mut pairs: Vec<(&str, String)> = Vec::new();
            for (k, v) in [
                ("q", &p.q),
                ("regency", &p.regency),
                ("work_unit", &p.work_unit),
                ("category", &p.category),
                ("method", &p.method),
                ("status", &p.status),
                ("min", &p.min),
                ("max", &p.max),
            ] {
                if let Some(v) = some(v) {
                    pairs.push((k, v.to_owned()));
                }
            }
            pairs.push(("page", n.to_string()));
            format!(
                "/tenders?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        let prev = (page > 1).then(|| link(page - 1));
        let next = (u64::from(page) < pages).then(|| link(page + 1));
        let page_view = TenderListPage {
            nav: nav_for(&state, &ctx, "/tenders").await,
            q: some(&p.q).unwrap_or("").to_owned(),
            regency: some(&p.regency).unwrap_or("").to_owned(),
            category: some(&p.category).unwrap_or("").to_owned(),
            method: some(&p.method).unwrap_or("").to_owned(),
            status: some(&p.status).unwrap_or("").to_owned(),
            min: some(&p.min).unwrap_or("").to_owned(),
            max: some(&p.max).unwrap_or("").to_owned(),
            regencies: tenants.iter().map(|x| (x.slug.clone(), x.name.clone())).collect(),
            categories: options(&t, "category", &Category::ALL),
            methods: options(&t, "method", &Method::ALL),
            total: found.total,
            page,
            pages,
            prev,
            next,
            rows,
            errors: errors.clone(),
            t: t.clone(),
        };
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok(render(status, &page_view))
    }
    .await;
    result.unwrap_or_else(|e| fail_page(&state, &ctx, "/tenders", e))
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct OkQuery {
    ok: Option<String>,
}

pub(super) async fn detail_view(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let d = detail(state, ctx, id).await?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let now = state.clock.now();
    let mine = my_vendor(ctx);
    let path = format!("/tenders/{id}");
    let mut nav = nav_for(state, ctx, &path).await;
    nav.flash = flash
        .filter(|k| {
            [
                "joined",
                "question-asked",
                "objection-filed",
                "evidence-added",
                "letter-answered",
                "appeal-filed",
                "guarantee-given",
                "contract-signed",
            ]
            .contains(k)
        })
        .map(|k| t.get(&format!("tender-flash-{k}")));
    let stages: Vec<StageRow> = d
        .setup
        .as_ref()
        .map(|s| {
            s.schedule()
                .times()
                .into_iter()
                .map(|st| StageRow {
                    code: rules::code(&st.kind),
                    kind: t.get(&format!("stage-{}", rules::code(&st.kind))),
                    start: local_time(&d.tenant, st.start),
                    end: local_time(&d.tenant, st.end),
                })
                .collect()
        })
        .unwrap_or_default();
    let clarification_open = d
        .setup
        .as_ref()
        .and_then(lelang_core::clarification::closes_at)
        .is_some_and(|end| now < end)
        && d.tender.cancelled_at.is_none();
    let documents = current(&d.documents)
        .into_iter()
        .map(|doc| PublicDocRow {
            href: crate::view::href(doc),
            title: doc.title.clone(),
            filename: doc.filename.clone(),
            kind: t.get(&format!("document-kind-{}", doc.kind.code())),
            version: doc.version,
            size: format!("{:.1} KB", doc.size as f64 / 1024.0),
            sha256: doc.sha256.clone(),
            published: local_time(&d.tenant, doc.published_at),
        })
        .collect();
    let addenda = d
        .documents
        .iter()
        .filter(|doc| doc.change_note.is_some())
        .map(|doc| PublicDocRow {
            href: crate::view::href(doc),
            title: doc.title.clone(),
            filename: doc.change_note.clone().unwrap_or_default(),
            kind: t.get("document-kind-addendum"),
            version: doc.version,
            size: String::new(),
            sha256: doc.sha256.clone(),
            published: local_time(&d.tenant, doc.published_at),
        })
        .collect();
    let questions = d
        .questions
        .iter()
        .map(|q| PublicQuestion {
            text: q.text.clone(),
            asked: local_time(&d.tenant, q.asked_at),
            answer: q.answer.clone(),
            mine: mine == Some(q.vendor_id),
        })
        .collect();
    let page = TenderDetailPage {
        nav,
        id: id.to_string(),
        name: d.tender.name.clone(),
        regency: d.tenant.name.clone(),
        work_unit: d.names.unit(d.tender.work_unit_id),
        location: d.tender.location.clone(),
        category: t.get(&format!("category-{}", rules::code(&d.tender.category))),
        method: t.get(&format!("method-{}", rules::code(&d.tender.method))),
        evaluation: d
            .setup
            .as_ref()
            .map(|s| t.get(&format!("evaluation-{}", rules::code(&s.evaluation)))),
        hps: crate::view::rupiah(d.tender.owner_estimate),
        pagu: crate::view::rupiah(d.tender.budget_ceiling),
        deadline: local_time(&d.tenant, d.tender.submission_deadline),
        open: status_of(&d.tender, now) == "open",
        objections: crate::objection::panel(state, &ctx.actor, &t, &d.tenant, d.tender.package_id).await?,
        letters: crate::award_letter::panel(state, &ctx.actor, &t, &d.tenant, d.tender.package_id).await?,
        contract: crate::contract::panel(state, &ctx.actor, &t, &d.tenant, d.tender.package_id, false)
            .await?,
        cancelled: state
            .store
            .cancellation(d.tender.package_id)
            .await?
            .map(|c| crate::view::cancelled(&t, &d.tenant, &c)),
        current_stage: d
            .setup
            .as_ref()
            .filter(|_| d.tender.cancelled_at.is_none())
            .and_then(|s| current_stage(s, now))
            .map(|k| t.get(&format!("stage-{}", rules::code(&k)))),
        stages,
        documents,
        addenda,
        questions,
        is_vendor: mine.is_some(),
        registered: d.registered.unwrap_or(false),
        verified: d.verified.unwrap_or(false),
        clarification_open,
        signed_in: ctx.actor.user().is_some(),
        results: crate::evaluation::pages::public_results(state, &t, d.tender.package_id).await?,
        flags: lelang_app::dashboard::tender_flags(
            &state.app,
            &state.dashboard,
            &ctx.actor,
            d.tender.package_id,
        )
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            (
                t.get(&format!("flag-{}", f.kind.code())),
                format!(
                    "{} ({})",
                    t.get(&format!("flag-{}-definition", f.kind.code())),
                    f.value
                ),
                f.kind.source().to_owned(),
            )
        })
        .collect(),
        repeat_of: state
            .store
            .package(d.tender.package_id)
            .await?
            .and_then(|p| p.repeat_of)
            .map(|r| format!("/tenders/{}", r.0)),
        repeated_as: {
            let mut found = None;
            for p in state.store.packages(d.tender.tenant_id).await? {
                if p.repeat_of == Some(d.tender.package_id)
                    && state.store.public_tender(p.id).await?.is_some()
                {
                    found = Some(format!("/tenders/{}", p.id.0));
                }
            }
            found
        },
        requirements: d
            .setup
            .as_ref()
            .map(|s| crate::templates::RequirementsView::of(&t, &s.requirements).lines)
            .unwrap_or_default(),
        errors,
        t,
    };
    Ok(render(status, &page))
}

pub(super) async fn detail_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Query(q): Query<OkQuery>,
) -> Response {
    detail_view(&state, &ctx, id, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/tenders/{id}"), e))
}

pub(super) async fn detail_done(
    state: AppState,
    ctx: Ctx,
    id: Uuid,
    ok: &str,
    result: Result<(), ApiError>,
) -> Response {
    let path = format!("/tenders/{id}");
    let to = format!("{path}?ok={ok}");
    let again = |errors| detail_view(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, errors, None);
    form_done(&state, &ctx, &path, result.map(|()| to), again).await
}

pub(super) async fn join_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(_): PageForm<std::collections::HashMap<String, String>>,
) -> Response {
    let result = do_join(&state, &ctx, id).await;
    detail_done(state.clone(), ctx, id, "joined", result).await
}

#[derive(Debug, Deserialize)]
pub(super) struct TextForm {
    text: String,
}

pub(super) async fn ask_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<TextForm>,
) -> Response {
    let result = do_ask(&state, &ctx, id, &f.text).await.map(|_| ());
    detail_done(state.clone(), ctx, id, "question-asked", result).await
}

pub(super) async fn objection_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<TextForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        lelang_app::objection::file(&state.app, &ctx.actor, lelang_core::ids::PackageId(id), &f.text).await?;
        Ok(())
    }
    .await;
    detail_done(state.clone(), ctx, id, "objection-filed", result).await
}

/// The company's evidence form (multipart, its CSRF token checked with the upload).
pub(super) async fn evidence_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, objection)): Path<(Uuid, Uuid)>,
    up: crate::files::Upload,
) -> Response {
    let result = crate::objection::add_evidence(&state, &ctx, id, objection, up)
        .await
        .map(|_| ());
    detail_done(state.clone(), ctx, id, "evidence-added", result).await
}

#[derive(Debug, Deserialize)]
pub(super) struct LetterResponseForm {
    accepted: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn letter_response_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<LetterResponseForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        let accepted = match f.accepted.as_str() {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(ApiError::Invalid {
                    field: "accepted".into(),
                    code: "invalid-letter-response".into(),
                });
            }
        };
        let reason = Some(f.reason.as_str()).filter(|r| !r.trim().is_empty());
        lelang_app::award_letter::respond(
            &state.app,
            &ctx.actor,
            lelang_core::ids::PackageId(id),
            accepted,
            reason,
        )
        .await?;
        Ok(())
    }
    .await;
    detail_done(state.clone(), ctx, id, "letter-answered", result).await
}

/// A rupiah amount as typed, with or without thousands separators.
fn amount_of(s: &str) -> Result<i64, ApiError> {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits.parse::<i64>().map_err(|_| ApiError::Invalid {
        field: "amount".into(),
        code: "invalid-amount".into(),
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct AppealForm {
    text: String,
    issuer: String,
    number: String,
    amount: String,
    valid_until: String,
}

pub(super) async fn appeal_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<AppealForm>,
) -> Response {
    let result = async {
        let amount = amount_of(&f.amount)?;
        let input = crate::objection::AppealInput {
            text: f.text,
            issuer: f.issuer,
            number: f.number,
            amount,
            valid_until: f.valid_until,
        };
        crate::objection::appeal(&state, &ctx, id, &input)
            .await
            .map(|_| ())
    }
    .await;
    detail_done(state.clone(), ctx, id, "appeal-filed", result).await
}

#[derive(Debug, Deserialize)]
pub(super) struct GuaranteeForm {
    issuer: String,
    number: String,
    amount: String,
    valid_until: String,
}

pub(super) async fn guarantee_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(f): PageForm<GuaranteeForm>,
) -> Response {
    let result = async {
        let amount = amount_of(&f.amount)?;
        let input = crate::contract::GuaranteeInput {
            issuer: f.issuer,
            number: f.number,
            amount,
            valid_until: f.valid_until,
        };
        crate::contract::guarantee(&state, &ctx, id, &input)
            .await
            .map(|_| ())
    }
    .await;
    detail_done(state.clone(), ctx, id, "guarantee-given", result).await
}

pub(super) async fn sign_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(_): PageForm<std::collections::HashMap<String, String>>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        lelang_app::contract::sign(&state.app, &ctx.actor, lelang_core::ids::PackageId(id)).await?;
        Ok(())
    }
    .await;
    detail_done(state.clone(), ctx, id, "contract-signed", result).await
}

pub(super) async fn announce_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<std::collections::HashMap<String, String>>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        do_announce(&state, &ctx, &slug, id).await.map(|_| ())
    }
    .await;
    crate::tender::finish(state.clone(), ctx, slug, id, "tender-announced", result).await
}

pub(super) async fn answer_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, qid)): Path<(String, Uuid, Uuid)>,
    PageForm(f): PageForm<TextForm>,
) -> Response {
    let result = async {
        ctx.user_actor()?;
        do_answer(&state, &ctx, &slug, id, qid, &f.text).await
    }
    .await;
    crate::tender::finish(state.clone(), ctx, slug, id, "question-answered", result).await
}
