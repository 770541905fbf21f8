//! The evaluation's pages: the pokja's working page (the bids with their documents and
//! corrections, the findings and decisions, the forms for the next step, the votes), the
//! printable minutes, the bid downloads, and the results on the public tender page.

use super::*;
use crate::i18n::Tr;
use crate::templates::{PublicResults, ResultRow};
use crate::view::{PageForm, fail_page, form_done, local_time, nav_for, render, rupiah};
use axum::body::Body;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use lelang_core::evaluation::rank::BidStatus;
use lelang_core::evaluation::{Status, scores_technical};
use lelang_core::rules;
use std::collections::HashMap;

/// One line whose amount was corrected.
pub struct CorrectionRow {
    line: String,
    volume: String,
    unit_price: String,
    written: String,
    corrected: String,
}

/// A bid on the pokja's page.
pub struct BidRow {
    id: String,
    company: String,
    read_out: String,
    corrected: String,
    corrections: Vec<CorrectionRow>,
    standing: String,
    failed: bool,
    position: String,
    /// The step a finding may be recorded for now (code, label), for members.
    next_step: Option<(String, String)>,
    scored: bool,
    needs_clarification: bool,
    can_schedule_proof: bool,
    proof: Option<String>,
    archive: Option<String>,
    documents: Vec<(String, String, String)>,
    decisions: Vec<String>,
    /// The tender's requirements against the company's profile: what it does not meet (empty:
    /// all met), none when the tender requires nothing.
    qualification: Option<Vec<String>>,
}

/// A finding as the pokja and auditors read it.
pub struct FindingRow {
    member: String,
    company: String,
    step: String,
    verdict: String,
    reason: String,
    at: String,
}

/// The pokja's evaluation page.
#[derive(askama::Template)]
#[template(path = "evaluation.html")]
pub struct EvaluationPage {
    t: Tr,
    nav: crate::templates::Nav,
    slug: String,
    id: String,
    name: String,
    method: String,
    hps: String,
    status: String,
    started: bool,
    can_begin: bool,
    member: bool,
    concluded: bool,
    bids: Vec<BidRow>,
    findings: Vec<FindingRow>,
    award_ready: bool,
    draft: Vec<(String, String, String)>,
    draft_sha256: String,
    votes: Vec<(String, String, String)>,
    failure_reasons: Vec<(String, String)>,
    /// The tender failed for an error in the evaluation: a member may begin it again.
    can_reevaluate: bool,
    /// The tender failed otherwise and is not repeated yet: a member may repeat it.
    can_repeat: bool,
    /// An award is proposed to this reader, the work unit's budget holder, to decide.
    can_decide: bool,
    /// Its repeat, once made (the pokja's tender page of the new package).
    repeat_href: Option<String>,
    errors: Vec<String>,
}

fn step_label(t: &Tr, s: Step) -> String {
    t.get(&format!("evaluation-step-{}", rules::code(&s)))
}

fn unmet_text(t: &Tr, u: &lelang_core::vendor::Unmet) -> String {
    use lelang_core::vendor::Unmet;
    match u {
        Unmet::NoProfile => t.get("unmet-no-profile"),
        Unmet::Kbli => t.get("unmet-kbli"),
        Unmet::Sbu => t.get("unmet-sbu"),
        Unmet::Experience => t.get("unmet-experience"),
        Unmet::Personnel => t.get("unmet-personnel"),
        Unmet::Equipment(name) => t.arg("unmet-equipment", "name", name),
        Unmet::Tax => t.get("unmet-tax"),
        Unmet::Performance => t.get("unmet-performance"),
    }
}

fn reason_text(t: &Tr, r: &str) -> String {
    let key = format!("evaluation-reason-{r}");
    if t.has(&key) { t.get(&key) } else { r.to_owned() }
}

async fn names(
    state: &AppState,
    ids: impl IntoIterator<Item = lelang_core::ids::UserId>,
) -> HashMap<lelang_core::ids::UserId, String> {
    let mut out = HashMap::new();
    for id in ids {
        if let Ok(Some(u)) = state.store.user(id).await {
            out.insert(id, u.display_name);
        }
    }
    out
}

async fn companies(state: &AppState, e: &Evaluation) -> Result<HashMap<BidId, String>, ApiError> {
    let mut out = HashMap::new();
    for b in &e.bids {
        let n = state
            .store
            .vendor(b.vendor_id)
            .await?
            .map_or_else(|| b.vendor_id.to_string(), |v| v.name);
        out.insert(b.bid_id, n);
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn view_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    status: StatusCode,
    errors: Vec<String>,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    let t = Tr::new(state.i18n.clone(), ctx.lang);
    let path = format!("/t/{slug}/packages/{id}/evaluation");
    let mut nav = nav_for(state, ctx, &path).await;
    nav.flash = flash.filter(|k| k.starts_with("evaluation-")).map(|k| t.get(k));
    let me = ctx.actor.user().map(|u| u.user_id);
    let member = me.is_some_and(|m| l.assignment.as_ref().is_some_and(|a| a.members.contains(&m)));
    let stored = state.store.evaluation(l.package.id).await?;
    let e = match stored {
        Some(_) => Some(lelang_app::evaluation::read(&state.app, &ctx.actor, l.package.id).await?),
        None if member => None,
        // Nothing to show anyone else before it begins.
        None => return Err(ApiError::NotFound),
    };
    let opened = state
        .store
        .opening(l.package.id)
        .await?
        .is_some_and(|o| o.completed_at.is_some());
    let method = l
        .setup
        .as_ref()
        .map(|s| t.get(&format!("evaluation-{}", rules::code(&s.evaluation))))
        .unwrap_or_default();
    let mut page = EvaluationPage {
        t: t.clone(),
        nav,
        slug: slug.to_owned(),
        id: id.to_string(),
        name: l.package.name.clone(),
        method,
        hps: rupiah(l.package.owner_estimate),
        status: t.get(if opened {
            "evaluation-status-ready"
        } else {
            "evaluation-status-not-opened"
        }),
        started: e.is_some(),
        can_begin: member && opened && e.is_none(),
        member,
        concluded: false,
        bids: Vec::new(),
        findings: Vec::new(),
        award_ready: false,
        draft: Vec::new(),
        draft_sha256: String::new(),
        votes: Vec::new(),
        failure_reasons: [
            FailureReason::NoValidBids,
            FailureReason::AllAboveHps,
            FailureReason::AllFailQualification,
            FailureReason::Collusion,
            FailureReason::UnfairCompetition,
            FailureReason::EvaluationError,
            FailureReason::DocumentError,
            FailureReason::NegotiationFailed,
        ]
        .iter()
        .map(|r| {
            (
                rules::code(r),
                t.get(&format!("evaluation-failure-{}", rules::code(r))),
            )
        })
        .collect(),
        can_reevaluate: false,
        can_repeat: false,
        can_decide: false,
        repeat_href: None,
        errors,
    };
    let Some(e) = e else {
        return Ok(render(status, &page));
    };
    let v = view(e)?;
    let e = &v.evaluation;
    let company = companies(state, e).await?;
    let people = names(state, e.members.iter().copied()).await;
    let opening = state.store.opening(l.package.id).await?;
    page.status = match &e.status {
        Status::Evaluating => t.get("evaluation-status-evaluating"),
        Status::Proposed { .. } => t.get("evaluation-status-proposed"),
        Status::Awarded { .. } => t.get("evaluation-status-awarded"),
        Status::Failed { .. } => t.get("evaluation-status-failed"),
    };
    page.concluded = !matches!(e.status, Status::Evaluating);
    page.can_decide = matches!(e.status, Status::Proposed { .. })
        && ctx
            .actor
            .user()
            .is_some_and(|u| lelang_core::evaluation::decides(u, e));
    let repeat = state
        .store
        .packages(l.tenant.id)
        .await?
        .into_iter()
        .find(|p| p.repeat_of == Some(l.package.id));
    page.repeat_href = repeat
        .as_ref()
        .map(|p| format!("/t/{slug}/packages/{}/tender", p.id));
    page.can_repeat = member
        && repeat.is_none()
        && matches!(&e.status, Status::Failed { record, .. } if record.failure != Some(FailureReason::EvaluationError));
    page.can_reevaluate = member
        && matches!(&e.status, Status::Failed { record, .. } if record.failure == Some(FailureReason::EvaluationError));
    page.award_ready = v.award_ready && !page.concluded;
    for (b, s) in e.bids.iter().zip(&v.standings) {
        let pending = (s.state == "pending").then_some(s.step).flatten();
        let outcome = opening
            .as_ref()
            .and_then(|o| o.bids.iter().find(|x| x.bid_id == b.bid_id))
            .and_then(|x| x.outcome.as_ref());
        let archive = outcome
            .and_then(|o| o.plaintext_sha256.as_ref())
            .map(|_| format!("/t/{slug}/packages/{id}/bids/{}/archive", b.bid_id));
        let documents = outcome
            .map(|o| {
                o.documents
                    .iter()
                    .enumerate()
                    .map(|(n, d)| {
                        (
                            d.name.clone(),
                            format!("/t/{slug}/packages/{id}/bids/{}/documents/{n}", b.bid_id),
                            d.sha256.clone(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let decisions = Step::ALL
            .iter()
            .filter_map(|st| e.decision(b.bid_id, *st).map(|d| (st, d)))
            .map(|(st, d)| {
                let mut s = format!(
                    "{}: {}",
                    step_label(&t, *st),
                    t.get(if d.pass {
                        "evaluation-pass"
                    } else {
                        "evaluation-fail"
                    })
                );
                if let Some(score) = d.score {
                    s.push_str(&format!(" ({}.{:02})", score / 100, score % 100));
                }
                if !d.dissent.is_empty() {
                    s.push_str(&format!(
                        " · {}",
                        t.count("evaluation-dissent-count", d.dissent.len() as u32)
                    ));
                }
                s
            })
            .collect();
        let low = e.unreasonably_low(b);
        let requirements = l
            .setup
            .as_ref()
            .map(|s| s.requirements.clone())
            .unwrap_or_default();
        let qualification = if requirements.is_empty() {
            None
        } else {
            let profile = state.store.vendor_profile(b.vendor_id).await?;
            let record = lelang_app::execution::record(&state.app, b.vendor_id).await?;
            let unmet =
                lelang_core::vendor::unmet(&requirements, profile.as_ref(), record, state.clock.now().date());
            Some(unmet.iter().map(|u| unmet_text(&t, u)).collect())
        };
        page.bids.push(BidRow {
            id: b.bid_id.to_string(),
            company: company.get(&b.bid_id).cloned().unwrap_or_default(),
            read_out: b.read_out.map(rupiah).unwrap_or_else(|| "-".into()),
            corrected: b
                .corrected
                .as_ref()
                .map(|c| rupiah(c.total))
                .unwrap_or_else(|| "-".into()),
            corrections: b
                .corrected
                .as_ref()
                .map(|c| {
                    c.corrections
                        .iter()
                        .map(|x| CorrectionRow {
                            line: format!("{} {}", t.get(&format!("evaluation-part-{}", x.part)), x.line),
                            volume: x.volume.to_string(),
                            unit_price: rupiah(x.unit_price),
                            written: rupiah(x.written),
                            corrected: rupiah(x.corrected),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            standing: match (s.state, s.step) {
                ("failed", Some(st)) => format!(
                    "{} ({}): {}",
                    t.get("evaluation-fail"),
                    step_label(&t, st),
                    reason_text(&t, s.reason.as_deref().unwrap_or(""))
                ),
                ("passed", _) => t.get("evaluation-passed-all"),
                (_, Some(st)) => format!("{}: {}", t.get("evaluation-waiting"), step_label(&t, st)),
                _ => String::new(),
            },
            failed: s.state == "failed",
            position: s.position.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            next_step: pending
                .filter(|_| member && !page.concluded && s.in_window)
                .filter(|st| {
                    me.is_some_and(|m| {
                        !e.findings
                            .iter()
                            .any(|f| f.member == m && f.bid_id == b.bid_id && f.step == *st)
                    })
                })
                .map(|st| (rules::code(&st), step_label(&t, st))),
            scored: pending == Some(Step::Technical) && scores_technical(e.method),
            needs_clarification: member
                && !page.concluded
                && pending == Some(Step::Price)
                && low
                && b.reasonableness.is_none(),
            can_schedule_proof: member
                && !page.concluded
                && pending == Some(Step::Proof)
                && b.proof.is_none(),
            proof: b
                .proof
                .as_ref()
                .map(|p| format!("{} · {}", local_time(&l.tenant, p.at), p.place)),
            archive,
            documents,
            decisions,
            qualification,
        });
    }
    page.findings = e
        .findings
        .iter()
        .map(|f| FindingRow {
            member: people.get(&f.member).cloned().unwrap_or_default(),
            company: company.get(&f.bid_id).cloned().unwrap_or_default(),
            step: step_label(&t, f.step),
            verdict: match f.score {
                Some(s) => format!("{s}"),
                None => t.get(if f.pass {
                    "evaluation-pass"
                } else {
                    "evaluation-fail"
                }),
            },
            reason: f.reason.clone(),
            at: local_time(&l.tenant, f.at),
        })
        .collect();
    let draft = &v.award_draft;
    page.draft = draft
        .winner
        .iter()
        .chain(draft.reserves.iter())
        .enumerate()
        .map(|(i, b)| {
            let price = draft
                .bids
                .iter()
                .find(|x| x.bid_id == *b)
                .and_then(|x| x.corrected)
                .map(rupiah)
                .unwrap_or_default();
            let role = if i == 0 {
                t.get("evaluation-winner")
            } else {
                t.arg("evaluation-reserve-n", "n", &i.to_string())
            };
            (role, company.get(b).cloned().unwrap_or_default(), price)
        })
        .collect();
    page.draft_sha256 = v.award_draft_sha256.clone();
    page.votes = e
        .approvals
        .iter()
        .map(|a| {
            (
                people.get(&a.member).cloned().unwrap_or_default(),
                t.get(if a.agree {
                    "evaluation-agree"
                } else {
                    "evaluation-dissent"
                }),
                a.reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    Ok(render(status, &page))
}

#[derive(Debug, Deserialize, Default)]
pub(super) struct OkQuery {
    ok: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    Query(q): Query<OkQuery>,
) -> Response {
    view_page(&state, &ctx, &slug, id, StatusCode::OK, vec![], q.ok.as_deref())
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/packages/{id}/evaluation"), e))
}

/// After a form: back to the page with its flash, or the page again with the error.
async fn done(
    state: AppState,
    ctx: Ctx,
    slug: String,
    id: Uuid,
    ok: &str,
    result: Result<(), ApiError>,
) -> Response {
    let path = format!("/t/{slug}/packages/{id}/evaluation");
    let to = format!("{path}?ok={ok}#bids");
    let again = |errors| {
        view_page(
            &state,
            &ctx,
            &slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    form_done(&state, &ctx, &path, result.map(|()| to), again).await
}

async fn begin_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        lelang_app::evaluation::begin(&state.app, &ctx.actor, &l).await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-begun", result).await
}

fn bid_of(form: &HashMap<String, String>) -> Result<BidId, ApiError> {
    form.get("bid")
        .and_then(|s| Uuid::parse_str(s).ok())
        .map(BidId)
        .ok_or(ApiError::Invalid {
            field: "bid_id".into(),
            code: "unknown-bid".into(),
        })
}

async fn reevaluation_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let reason = form.get("reason").map(String::as_str).unwrap_or("");
        lelang_app::evaluation::reevaluate(&state.app, &ctx.actor, l.package.id, reason).await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-restarted", result).await
}

async fn repeat_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        Ok(lelang_app::evaluation::repeat(&state.app, &ctx.actor, l.package.id).await?)
    }
    .await;
    let path = format!("/t/{slug}/packages/{id}/evaluation");
    // The new package's own page, where the pokja sets the repeat up.
    let to = result.map(|p| format!("/t/{slug}/packages/{}/tender?ok=tender-repeated", p.id));
    let again = |errors| {
        view_page(
            &state,
            &ctx,
            &slug,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            None,
        )
    };
    form_done(&state, &ctx, &path, to, again).await
}

async fn decision_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let confirm = form.get("confirm").is_some_and(|v| v == "yes");
        let reason = form
            .get("reason")
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty());
        lelang_app::evaluation::decide_award(&state.app, &ctx.actor, l.package.id, confirm, reason).await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-decided", result).await
}

async fn finding_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let bid = bid_of(&form)?;
        let step: Step = form
            .get("step")
            .and_then(|s| rules::from_code(s))
            .ok_or(ApiError::Invalid {
                field: "step".into(),
                code: "stage-order".into(),
            })?;
        let score = match form.get("score").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse::<u32>().map_err(|_| ApiError::Invalid {
                field: "score".into(),
                code: "score-required".into(),
            })?),
            None => None,
        };
        let pass = form.get("verdict").is_some_and(|v| v == "pass");
        let reason = form.get("reason").map(String::as_str).unwrap_or("");
        lelang_app::evaluation::find(
            &state.app,
            &ctx.actor,
            l.package.id,
            bid,
            step,
            pass,
            score,
            reason,
        )
        .await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-finding-recorded", result).await
}

async fn clarification_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let bid = bid_of(&form)?;
        let accepted = form.get("accepted").is_some_and(|v| v == "yes");
        let reason = form.get("reason").map(String::as_str).unwrap_or("");
        lelang_app::evaluation::clarify(&state.app, &ctx.actor, l.package.id, bid, accepted, reason).await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-clarified", result).await
}

async fn proof_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let bid = bid_of(&form)?;
        let invalid = || ApiError::Invalid {
            field: "at".into(),
            code: "invalid-time".into(),
        };
        // `datetime-local`, read in the regency's time zone.
        let local = time::PrimitiveDateTime::parse(
            form.get("at").map(|s| s.trim()).unwrap_or(""),
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        )
        .map_err(|_| invalid())?;
        let offset =
            time::UtcOffset::from_hms(l.tenant.time_zone.utc_offset_hours(), 0, 0).map_err(|_| invalid())?;
        let at = local.assume_offset(offset);
        let place = form.get("place").map(String::as_str).unwrap_or("");
        lelang_app::evaluation::schedule_proof(&state.app, &ctx.actor, l.package.id, bid, at, place).await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-proof-scheduled", result).await
}

async fn vote_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let result = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let get = |k: &str| form.get(k).map(String::as_str).filter(|s| !s.trim().is_empty());
        let p = proposal(get("outcome").unwrap_or(""), get("failure"), get("note"))?;
        let agree = get("agree") != Some("no");
        lelang_app::evaluation::vote(
            &state.app,
            minutes_store(&state),
            &ctx.actor,
            l.package.id,
            &p,
            agree,
            get("reason"),
        )
        .await?;
        Ok(())
    }
    .await;
    done(state, ctx, slug, id, "evaluation-voted", result).await
}

/// A bid's decrypted archive, or one file of it, for the tender's pokja and auditors (whose read
/// is logged).
async fn bid_file(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    id: Uuid,
    bid: Uuid,
    n: Option<usize>,
) -> Result<Response, ApiError> {
    let l = load(state, ctx, slug, id).await?;
    let e = lelang_app::evaluation::read(&state.app, &ctx.actor, l.package.id).await?;
    // The bids themselves are for the pokja and the auditors; a budget holder deciding a proposed
    // award reads its record, not the archives.
    let member = ctx.actor.user().is_some_and(|u| e.members.contains(&u.user_id));
    if !member
        && lelang_core::policy::authorize(
            &ctx.actor,
            lelang_core::policy::Action::ViewEvaluation(l.tenant.id),
        )
        .is_err()
    {
        return Err(ApiError::NotFound);
    }
    let o = state
        .store
        .opening(l.package.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let outcome = o
        .bids
        .iter()
        .find(|b| b.bid_id.0 == bid)
        .and_then(|b| b.outcome.clone())
        .ok_or(ApiError::NotFound)?;
    let sha = outcome.plaintext_sha256.clone().ok_or(ApiError::NotFound)?;
    let (file, size) = state.blobs.open(&sha).await?;
    let Some(n) = n else {
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
        return Ok((
            [
                (axum::http::header::CONTENT_TYPE, "application/zip".to_owned()),
                (axum::http::header::CONTENT_LENGTH, size.to_string()),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"penawaran-{bid}.zip\""),
                ),
            ],
            body,
        )
            .into_response());
    };
    let doc = outcome.documents.get(n).ok_or(ApiError::NotFound)?.clone();
    let file = file.into_std().await;
    let limit = state.config.max_bid_bytes;
    let name = doc.name.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let mut z = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| ApiError::NotFound)?;
        let entry = z.by_name(&name).map_err(|_| ApiError::NotFound)?;
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(entry, limit), &mut out)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    let filename: String = doc
        .name
        .rsplit('/')
        .next()
        .unwrap_or("dokumen")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/octet-stream".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn archive_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, bid)): Path<(String, Uuid, Uuid)>,
) -> Response {
    bid_file(&state, &ctx, &slug, id, bid, None)
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/packages/{id}/evaluation"), e))
}

async fn document_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id, bid, n)): Path<(String, Uuid, Uuid, usize)>,
) -> Response {
    bid_file(&state, &ctx, &slug, id, bid, Some(n))
        .await
        .unwrap_or_else(|e| fail_page(&state, &ctx, &format!("/t/{slug}/packages/{id}/evaluation"), e))
}

/// The printable minutes of the evaluation.
#[derive(askama::Template)]
#[template(path = "evaluation_minutes.html")]
pub struct MinutesPage {
    t: Tr,
    nav: crate::templates::Nav,
    name: String,
    back: String,
    text: String,
}

async fn minutes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> Response {
    let path = format!("/t/{slug}/packages/{id}/evaluation");
    let r = async {
        let l = load(&state, &ctx, &slug, id).await?;
        let e = lelang_app::evaluation::read(&state.app, &ctx.actor, l.package.id).await?;
        let text = lelang_app::evaluation::minutes(&state.app, &e).await?;
        Ok::<_, ApiError>(render(
            StatusCode::OK,
            &MinutesPage {
                t: Tr::new(state.i18n.clone(), ctx.lang),
                nav: nav_for(&state, &ctx, &path).await,
                name: l.package.name.clone(),
                back: path.clone(),
                text,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail_page(&state, &ctx, &path, e))
}

/// The results of a tender for its public page (none before its opening is complete).
pub(crate) async fn public_results(
    state: &AppState,
    t: &Tr,
    package: PackageId,
) -> Result<Option<PublicResults>, ApiError> {
    let record = lelang_app::evaluation::published(&state.app, package).await?;
    let record_href = format!("/api/v1/tenders/{}/award", package.0);
    let Some(r) = record else {
        let prices = match read_out(state, package).await {
            Ok(p) => p,
            Err(ApiError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let rows = prices
            .into_iter()
            .map(|p| ResultRow {
                company: p.vendor_name,
                read_out: p.price.map(rupiah).unwrap_or_else(|| "-".into()),
                corrected: String::new(),
                result: t.get(if p.opened {
                    "evaluation-opened"
                } else {
                    "evaluation-not-opened"
                }),
                winner: false,
            })
            .collect();
        return Ok(Some(PublicResults {
            announced: false,
            outcome: t.get("evaluation-public-in-evaluation"),
            rows,
            record_href,
        }));
    };
    let mut rows = Vec::new();
    for b in &r.bids {
        let company = state
            .store
            .vendor(b.vendor_id)
            .await?
            .map_or_else(|| b.vendor_id.to_string(), |v| v.name);
        let result = match &b.status {
            BidStatus::Ranked { rank } if r.winner == Some(b.bid_id) => {
                format!("{} ({rank})", t.get("evaluation-winner"))
            }
            BidStatus::Ranked { rank } => match r.reserves.iter().position(|x| *x == b.bid_id) {
                Some(i) => format!(
                    "{} ({rank})",
                    t.arg("evaluation-reserve-n", "n", &(i + 1).to_string())
                ),
                None => format!("{} ({rank})", t.get("evaluation-passed-all")),
            },
            BidStatus::Failed { step, reason } => format!(
                "{} ({}): {}",
                t.get("evaluation-fail"),
                step_label(t, *step),
                reason_text(t, reason)
            ),
            BidStatus::NotEvaluated => t.get("evaluation-not-evaluated"),
        };
        rows.push(ResultRow {
            company,
            read_out: b.read_out.map(rupiah).unwrap_or_else(|| "-".into()),
            corrected: b.corrected.map(rupiah).unwrap_or_else(|| "-".into()),
            result,
            winner: r.winner == Some(b.bid_id),
        });
    }
    let outcome = match r.failure {
        Some(f) => t.arg(
            "evaluation-public-failed",
            "reason",
            &t.get(&format!("evaluation-failure-{}", rules::code(&f))),
        ),
        None => t.get("evaluation-public-awarded"),
    };
    Ok(Some(PublicResults {
        announced: true,
        outcome,
        rows,
        record_href,
    }))
}

/// The evaluation's page routes.
pub fn page_routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/t/{slug}/packages/{id}/evaluation", get(page))
        .route("/t/{slug}/packages/{id}/evaluation/begin", post(begin_page))
        .route("/t/{slug}/packages/{id}/evaluation/minutes", get(minutes_page))
        .route("/t/{slug}/packages/{id}/evaluation/findings", post(finding_page))
        .route(
            "/t/{slug}/packages/{id}/evaluation/clarifications",
            post(clarification_page),
        )
        .route("/t/{slug}/packages/{id}/evaluation/proofs", post(proof_page))
        .route("/t/{slug}/packages/{id}/evaluation/votes", post(vote_page))
        .route(
            "/t/{slug}/packages/{id}/evaluation/reevaluation",
            post(reevaluation_page),
        )
        .route("/t/{slug}/packages/{id}/evaluation/repeat", post(repeat_page))
        .route("/t/{slug}/packages/{id}/evaluation/decision", post(decision_page))
        .route("/t/{slug}/packages/{id}/bids/{bid}/archive", get(archive_page))
        .route(
            "/t/{slug}/packages/{id}/bids/{bid}/documents/{n}",
            get(document_page),
        )
}
