//! Every role's home page: what is asked of them now.

use super::*;

pub(super) async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ViewOwnAccount)?;
        let a = ctx.user_actor()?;
        let user = ctx.user.as_ref().ok_or(ApiError::Unauthenticated)?;
        let t = tr(&state, ctx.lang);
        let tenant = match a.tenant_id {
            Some(id) => state.store.tenant(id).await?,
            None => None,
        };
        let t_role = t.role(&a.role);
        let acting_as = t.arg2(
            "home-acting-as",
            ("name", &user.display_name),
            ("role", &t.role(&a.role)),
        );
        let mut context_line = tenant.as_ref().map(|x| t.arg("home-tenant", "tenant", &x.name));
        let stat = |key: &str, v: i64| Stat {
            label: t.get(key),
            value: v.to_string(),
        };
        let mut stats = Vec::new();
        let mut sections = Vec::new();
        let lead_key = match a.role {
            Role::PlatformAdmin => {
                stats.push(stat(
                    "home-stat-tenants",
                    state.store.tenants().await?.len() as i64,
                ));
                stats.push(stat(
                    "home-stat-vendors",
                    state.store.vendors().await?.len() as i64,
                ));
                stats.push(stat("home-stat-events", state.store.event_count().await?));
                "home-platform-lead"
            }
            Role::TenantAdmin => {
                if let Some(x) = &tenant {
                    stats.push(stat(
                        "home-stat-work-units",
                        state.store.work_units(x.id).await?.len() as i64,
                    ));
                    stats.push(stat(
                        "home-stat-officials",
                        state.store.users(Some(x.id)).await?.len() as i64,
                    ));
                }
                "home-tenant-admin-lead"
            }
            Role::UlpHead => {
                let members = match &tenant {
                    Some(x) => crate::pokja::members(&state, x)
                        .await?
                        .into_iter()
                        .map(|(_, name)| name)
                        .collect(),
                    None => Vec::new(),
                };
                sections.push(Section {
                    title: t.get("home-pokja-members"),
                    items: members,
                    empty: t.get("home-pokja-none"),
                    link: None,
                });
                "home-ulp-lead"
            }
            Role::PokjaMember => "home-pokja-lead",
            Role::CommitmentOfficer | Role::BudgetHolder => {
                if let (Some(x), Some(wu)) = (&tenant, a.work_unit_id) {
                    let units = state.store.work_units(x.id).await?;
                    if let Some(w) = units.iter().find(|w| w.id == wu) {
                        context_line = Some(format!(
                            "{} · {}",
                            context_line.unwrap_or_default(),
                            t.arg("home-work-unit", "unit", &w.name)
                        ));
                    }
                }
                let (empty, lead) = if a.role == Role::CommitmentOfficer {
                    ("home-no-packages", "home-ppk-lead")
                } else {
                    ("home-no-plans", "home-budget-lead")
                };
                sections.push(Section {
                    title: t.get("nav-home"),
                    items: vec![],
                    empty: t.get(empty),
                    link: None,
                });
                lead
            }
            Role::Vendor => {
                if let Some(v) = match a.vendor_id {
                    Some(id) => state.store.vendor(id).await?,
                    None => None,
                } {
                    stats.push(Stat {
                        label: t.get("home-vendor-company"),
                        value: v.name,
                    });
                    stats.push(Stat {
                        label: t.get("home-vendor-nib"),
                        value: v.nib,
                    });
                    // Its tenders, each with the addenda published since it registered: how
                    // registered vendors are told what changed.
                    let mut items = Vec::new();
                    for package in state.store.vendor_tenders(v.id).await? {
                        let Some(tender) = state.store.public_tender(package).await? else {
                            continue;
                        };
                        let joined = state
                            .store
                            .participants(package)
                            .await?
                            .into_iter()
                            .find(|(x, _)| *x == v.id)
                            .map(|(_, at)| at);
                        let addenda: Vec<_> = state
                            .store
                            .documents(package)
                            .await?
                            .into_iter()
                            .filter(|d| {
                                d.change_note.is_some() && joined.is_some_and(|j| d.published_at >= j)
                            })
                            .collect();
                        items.push(match addenda.last() {
                            Some(last) => t.arg2(
                                "home-vendor-tender-addenda",
                                ("name", &tender.name),
                                ("note", last.change_note.as_deref().unwrap_or("")),
                            ),
                            None => t.arg("home-vendor-tender", "name", &tender.name),
                        });
                    }
                    sections.push(Section {
                        title: t.get("home-vendor-tenders"),
                        items,
                        empty: t.get("home-vendor-no-tenders"),
                        link: Some(("/tenders".into(), t.get("tenders-title"))),
                    });
                }
                "home-vendor-lead"
            }
            Role::LawEnforcement => {
                // Nothing by the role alone: the cases that grant this officer access now.
                if let Some(x) = &tenant {
                    let cases = lelang_app::case::active_for(&state.app, &ctx.actor, x.id).await?;
                    let items = cases
                        .iter()
                        .map(|(c, m)| {
                            format!(
                                "{} — {} ({})",
                                c.number,
                                m.counterpart,
                                crate::view::local_time(x, c.closes)
                            )
                        })
                        .collect();
                    sections.push(Section {
                        title: t.get("home-law-cases"),
                        items,
                        empty: t.get("home-law-no-cases"),
                        link: Some((format!("/t/{}/cases", x.slug), t.get("nav-cases"))),
                    });
                }
                "home-law-lead"
            }
            Role::Auditor => {
                if let Some(x) = &tenant {
                    let recent = state
                        .store
                        .events(EventFilter {
                            tenant: Some(Some(x.id)),
                            after_seq: 0,
                            limit: 5,
                            newest_first: true,
                        })
                        .await?;
                    // Law enforcement's reads of the record are logged, like the event log's.
                    let recent = api::readable_events(&state, &ctx, Some(x.id), recent).await?;
                    let items = recent
                        .iter()
                        .map(|e| format!("#{} {}", e.seq, t.get(&format!("event-{}", e.event_type))))
                        .collect();
                    sections.push(Section {
                        title: t.get("home-recent-events"),
                        items,
                        empty: t.get("events-none"),
                        link: Some((format!("/t/{}/events", x.slug), t.get("nav-events"))),
                    });
                }
                "home-auditor-lead"
            }
        };
        let inbox = match (&tenant, a.role) {
            (Some(x), Role::UlpHead | Role::PokjaMember | Role::CommitmentOfficer | Role::Auditor) => {
                let items = lelang_app::inbox::items(&state.app, &state.dashboard, &ctx.actor, x).await?;
                Some(items.iter().map(|i| inbox_row(&t, x, i)).collect())
            }
            _ => None,
        };
        let nav = nav(&state, &ctx, "/home", None).await;
        Ok(html(
            StatusCode::OK,
            &HomePage {
                lead: t.get(lead_key),
                t,
                nav,
                role_code: a.role.code().into(),
                role_label: t_role,
                acting_as,
                context_line,
                stats,
                inbox,
                sections,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/home", e))
}

// ---------------------------------------------------------------------------------------------
// Account: password, sessions, tokens

/// An inbox item in words, with where to act on it.
fn inbox_row(
    t: &crate::i18n::Tr,
    tenant: &lelang_core::model::Tenant,
    i: &lelang_app::inbox::Item,
) -> crate::templates::InboxRow {
    use lelang_app::inbox::Item;
    let slug = &tenant.slug;
    let (text, href, late) = match i {
        Item::HandoverToReview { package_id, name } => (
            t.arg("inbox-handover-review", "name", name),
            format!("/t/{slug}/packages/{}/handover", package_id.0),
            false,
        ),
        Item::HandoverReturned { package_id, name } => (
            t.arg("inbox-handover-returned", "name", name),
            format!("/t/{slug}/packages/{}/handover", package_id.0),
            true,
        ),
        Item::HandOver { package_id, name } => (
            t.arg("inbox-handover-submit", "name", name),
            format!("/t/{slug}/packages/{}/handover", package_id.0),
            false,
        ),
        Item::Mentioned {
            package_id,
            name,
            count,
        } => (
            t.arg2("inbox-mentioned", ("count", &count.to_string()), ("name", name)),
            format!("/t/{slug}/packages/{}/handover#conversation", package_id.0),
            false,
        ),
        Item::AssignPokja { name, .. } => (
            t.arg("inbox-assign-pokja", "name", name),
            format!("/t/{slug}/pokja"),
            false,
        ),
        Item::PokjaShort { year, month, members } => (
            t.arg2(
                "inbox-pokja-short",
                ("month", &format!("{year}-{month:02}")),
                ("members", &members.to_string()),
            ),
            format!("/t/{slug}/dashboard#forecast-heading"),
            false,
        ),
        Item::Announce { package_id, name } => (
            t.arg("inbox-announce", "name", name),
            format!("/t/{slug}/packages/{}/tender", package_id.0),
            false,
        ),
        Item::OpeningReady { package_id, name } => (
            t.arg("inbox-opening-ready", "name", name),
            format!("/t/{slug}/packages/{}/sealing", package_id.0),
            false,
        ),
        Item::EvaluationDue { package_id, name } => (
            t.arg("inbox-evaluation-due", "name", name),
            format!("/t/{slug}/packages/{}/evaluation", package_id.0),
            false,
        ),
        Item::ObjectionsToAnswer {
            package_id,
            name,
            count,
        } => (
            t.arg2("inbox-objections", ("count", &count.to_string()), ("name", name)),
            format!("/tenders/{}", package_id.0),
            false,
        ),
        Item::Contract { package_id, name } => (
            t.arg("inbox-contract", "name", name),
            format!("/tenders/{}/contract", package_id.0),
            false,
        ),
        Item::ComplaintDue {
            complaint_id,
            number,
            due,
            late,
        } => (
            t.arg2(
                if *late {
                    "inbox-complaint-late"
                } else {
                    "inbox-complaint-due"
                },
                ("number", number),
                ("due", &crate::view::local_time(tenant, *due)),
            ),
            format!("/t/{slug}/complaints/{}", complaint_id.0),
            *late,
        ),
    };
    crate::templates::InboxRow { text, href, late }
}
