//! The sealing pages: the member's key, and a tender's ceremony and opening, with what the
//! member can do now; the page script (`static/sealing.js`) does the secret work in the browser.

use super::*;

/// The messages the page script shows, by key (`data-msg-KEY`), in the user's language.
pub(super) fn messages(t: &crate::i18n::Tr) -> Vec<(String, String)> {
    const KEYS: &[&str] = &[
        "working",
        "failed",
        "done-enrol",
        "done-start-ceremony",
        "done-deal",
        "done-check",
        "done-start-opening",
        "done-partials",
        "done-fingerprint",
        "need-passphrase",
        "passphrase-weak",
        "transcript-tampered",
        "ceremony-proof",
        "ceremony-signature",
        "ceremony-confirmation",
        "ceremony-attempts",
        "member-key-outdated",
        "wrong-passphrase",
        "no-kept-identity",
        "no-identity",
        "not-a-member",
        "bad-sub-share",
        "passphrase-short",
        "passphrase-mismatch",
        "confirm-replace",
        "partial-proof",
        "ceremony-incomplete",
        "opening-too-early",
        "already-dealt",
        "already-confirmed",
        "already-submitted",
        "member-not-enrolled",
        "complaint-unfounded",
        "already-announced",
    ];
    KEYS.iter()
        .map(|k| {
            // The script's own messages, else the server's error messages of the same code.
            let own = format!("sealing-msg-{k}");
            let msg = if t.has(&own) { t.get(&own) } else { t.get(k) };
            ((*k).to_owned(), msg)
        })
        .collect()
}

/// The member's sealing key page.
#[derive(askama::Template)]
#[template(path = "sealing_key.html")]
pub struct SealingKeyPage {
    t: crate::i18n::Tr,
    nav: crate::templates::Nav,
    recipient: Option<String>,
    /// The fingerprint of the keys the server holds (the browser computes the member's own).
    fingerprint: Option<String>,
    kept: bool,
    /// Not to be part of a passphrase.
    username: String,
    messages: Vec<(String, String)>,
}

pub(super) async fn key_page(State(state): State<AppState>, ctx: Ctx) -> axum::response::Response {
    let r = async {
        let u = ctx.user_actor()?;
        if u.role != lelang_core::Role::PokjaMember {
            return Err(ApiError::Forbidden);
        }
        let key = state.store.member_key(u.user_id).await?;
        let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
        Ok(crate::view::render(
            StatusCode::OK,
            &SealingKeyPage {
                messages: messages(&t),
                nav: crate::view::nav_for(&state, &ctx, "/account/sealing-key").await,
                recipient: key.as_ref().map(|k| k.recipient.clone()),
                fingerprint: key
                    .as_ref()
                    .map(|k| sealing::member_fingerprint(&k.recipient, &k.signing_key)),
                username: u.username.clone(),
                kept: key.as_ref().is_some_and(|k| k.sealed_identity.is_some()),
                t,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| crate::view::fail_page(&state, &ctx, "/account/sealing-key", e))
}

/// One member row of the ceremony page.
pub struct MemberRow {
    index: u16,
    name: String,
    /// Of the keys the ceremony lists for the member: each member compares its own.
    fingerprint: String,
    me: bool,
    dealt: bool,
    checked: bool,
}

/// One bid row of the opening.
pub struct BidRow {
    index: usize,
    vendor: String,
    commitment: String,
    size: u64,
    outcome: String,
    opened: bool,
}

/// A tender's sealing page: the ceremony, then the opening, with what the member can do now.
#[derive(askama::Template)]
#[template(path = "sealing.html")]
pub struct SealingPage {
    t: crate::i18n::Tr,
    nav: crate::templates::Nav,
    slug: String,
    id: String,
    name: String,
    stage: String,
    stage_code: String,
    threshold: Option<String>,
    recipient: Option<String>,
    /// Where the signed transcript is published, once the tender is announced.
    transcript: Option<String>,
    /// The ceremony's id (empty before one starts): what this page computed is kept per ceremony.
    ceremony_id: String,
    failure: Option<String>,
    members: Vec<MemberRow>,
    need_identity: bool,
    can_start: bool,
    can_deal: bool,
    can_check: bool,
    can_open: bool,
    can_partial: bool,
    waiting: Option<String>,
    opening: bool,
    opening_note: String,
    bids: Vec<BidRow>,
    messages: Vec<(String, String)>,
}

pub(super) async fn tender_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
) -> axum::response::Response {
    let path = format!("/t/{slug}/packages/{id}/sealing");
    let r = async {
        let l = load(&state, &ctx, &slug, id).await?;
        authorize(&ctx.actor, Action::RunTender(l.tenant.id))?;
        let u = ctx.user_actor()?;
        let is_member = l
            .assignment
            .as_ref()
            .is_some_and(|a| a.members.contains(&u.user_id));
        let t = crate::i18n::Tr::new(state.i18n.clone(), ctx.lang);
        let c = state.store.ceremony(l.package.id).await?;
        if !is_member && c.as_ref().is_none_or(|c| c.index_of(u.user_id).is_none()) {
            return Err(ApiError::Forbidden);
        }
        let tender = state.store.public_tender(l.package.id).await?;
        let o = state.store.opening(l.package.id).await?;
        let now = state.clock.now();
        let names = crate::pokja::members(&state, &l.tenant).await?;
        let name_of = |uid: lelang_core::ids::UserId| {
            names
                .iter()
                .find(|(i, _)| *i == uid)
                .map_or_else(|| uid.to_string(), |(_, n)| n.clone())
        };
        let me = c.as_ref().and_then(|c| c.index_of(u.user_id));
        let stage = c.as_ref().map(Ceremony::stage);
        let stage_code = match stage {
            None => "none",
            Some(sealing::CeremonyStage::Dealing) => "dealing",
            Some(sealing::CeremonyStage::Checking) => "checking",
            Some(sealing::CeremonyStage::Completed) => "completed",
            Some(sealing::CeremonyStage::Failed) => "failed",
        };
        let members = c
            .as_ref()
            .map(|c| {
                c.members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let idx = u16::try_from(i + 1).unwrap_or(u16::MAX);
                        MemberRow {
                            index: idx,
                            name: name_of(m.user_id),
                            fingerprint: sealing::member_fingerprint(&m.recipient, &m.signing_key),
                            me: m.user_id == u.user_id,
                            dealt: c.dealings.iter().any(|d| d.dealer == idx),
                            checked: c.confirmed.contains(&idx),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let dealt = me.is_some_and(|i| {
            c.as_ref()
                .is_some_and(|c| c.dealings.iter().any(|d| d.dealer == i))
        });
        let checked = me.is_some_and(|i| c.as_ref().is_some_and(|c| c.confirmed.contains(&i)));
        let can_start = is_member
            && tender.is_none()
            && sealing::may_start_ceremony(
                c.as_ref(),
                l.assignment.as_ref().map_or(&[][..], |a| &a.members),
                now,
            );
        let can_deal = me.is_some() && stage == Some(sealing::CeremonyStage::Dealing) && !dealt;
        let can_check = me.is_some() && stage == Some(sealing::CeremonyStage::Checking) && !checked;
        let can_open = is_member
            && o.is_none()
            && stage == Some(sealing::CeremonyStage::Completed)
            && tender.as_ref().is_some_and(|t| {
                crate::tender::rule_set(&l.package)
                    .is_ok_and(|r| now >= sealing::opens_at(t, submission::grace(r)))
            });
        let submitted = me.is_some_and(|i| {
            o.as_ref()
                .is_some_and(|o| o.partials.iter().any(|p| p.member == i))
        });
        // After k members' partials an interrupted opening is resumed by any of them posting again.
        let resumable = o
            .as_ref()
            .is_some_and(|o| o.partials.len() >= usize::from(c.as_ref().map_or(u16::MAX, |c| c.threshold)));
        let can_partial =
            me.is_some() && o.as_ref().is_some_and(|o| o.completed_at.is_none()) && (!submitted || resumable);
        let waiting = if stage == Some(sealing::CeremonyStage::Dealing) && dealt {
            Some(t.get("sealing-waiting-deals"))
        } else if stage == Some(sealing::CeremonyStage::Checking) && checked {
            Some(t.get("sealing-waiting-checks"))
        } else if submitted && o.as_ref().is_some_and(|o| o.completed_at.is_none()) {
            Some(t.get("sealing-waiting-partials"))
        } else {
            None
        };
        let vendors = if o.is_some() {
            state.store.vendors().await?
        } else {
            Vec::new()
        };
        let bids = o
            .as_ref()
            .map(|o| {
                o.bids
                    .iter()
                    .enumerate()
                    .map(|(i, b)| BidRow {
                        index: i + 1,
                        vendor: if o.completed_at.is_some() {
                            vendors
                                .iter()
                                .find(|v| v.id == b.vendor_id)
                                .map_or_else(|| b.vendor_id.to_string(), |v| v.name.clone())
                        } else {
                            "—".into()
                        },
                        commitment: b.sha256.chars().take(16).collect::<String>() + "…",
                        size: b.size,
                        outcome: match &b.outcome {
                            Some(x) if x.opened => t.get("sealing-opened"),
                            Some(x) => format!(
                                "{}: {}",
                                t.get("sealing-not-opened"),
                                x.reason.as_deref().unwrap_or("")
                            ),
                            None => "—".into(),
                        },
                        opened: b.outcome.as_ref().is_some_and(|x| x.opened),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let opening_note = o.as_ref().map_or_else(String::new, |o| {
            let k = c.as_ref().map_or(0, |c| c.threshold);
            if o.completed_at.is_some() {
                t.get("sealing-opening-complete")
            } else {
                format!("{} {}/{}", t.get("sealing-opening-partials"), o.partials.len(), k)
            }
        });
        let failure = c.as_ref().and_then(|c| match &c.outcome {
            Some(sealing::CeremonyOutcome::Failed {
                dealer,
                complainant,
                proven,
                reason,
                ..
            }) => {
                let who = |i: u16| {
                    c.members
                        .get(usize::from(i).saturating_sub(1))
                        .map(|m| name_of(m.user_id))
                        .unwrap_or_default()
                };
                Some(if *proven {
                    format!(
                        "{} {} ({}): {reason}",
                        t.get("sealing-dealer"),
                        dealer,
                        who(*dealer)
                    )
                } else {
                    format!(
                        "{} {} ({}) → {} {} ({}): {reason}",
                        t.get("sealing-member"),
                        complainant,
                        who(*complainant),
                        t.get("sealing-dealer"),
                        dealer,
                        who(*dealer)
                    )
                })
            }
            _ => None,
        });
        Ok(crate::view::render(
            StatusCode::OK,
            &SealingPage {
                messages: messages(&t),
                nav: crate::view::nav_for(&state, &ctx, &path).await,
                slug: slug.clone(),
                id: id.to_string(),
                name: l.package.name.clone(),
                stage: t.get(&format!("sealing-stage-{stage_code}")),
                stage_code: stage_code.to_owned(),
                threshold: c
                    .as_ref()
                    .map(|c| format!("{} / {}", c.threshold, c.members.len())),
                recipient: c.as_ref().and_then(|c| c.recipient().map(str::to_owned)),
                transcript: (tender.is_some() && c.is_some())
                    .then(|| format!("/api/v1/tenders/{id}/ceremony")),
                ceremony_id: c.as_ref().map(|c| c.id.to_string()).unwrap_or_default(),
                failure,
                members,
                need_identity: can_deal || can_check || can_partial,
                can_start,
                can_deal,
                can_check,
                can_open,
                can_partial,
                waiting,
                opening: o.is_some(),
                opening_note,
                bids,
                t,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| crate::view::fail_page(&state, &ctx, &path, e))
}

/// The sealing pages.
pub fn page_routes() -> crate::routes::Routes {
    crate::routes::Routes::new()
        .route("/account/sealing-key", get(key_page))
        .route("/t/{slug}/packages/{id}/sealing", get(tender_page))
}
