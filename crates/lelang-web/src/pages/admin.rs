//! Administration: regencies, the directory of officials, work units and the event log.

use super::*;

pub(super) async fn tenants_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: Vec<String>,
    form: (String, String),
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ManageTenants)?;
    let tenants = state
        .store
        .tenants()
        .await?
        .into_iter()
        .map(|t| (t.slug, t.name, t.time_zone.code().to_owned()))
        .collect();
    let nav = nav(state, ctx, "/admin/tenants", flash).await;
    Ok(html(
        status,
        &TenantsPage {
            t: tr(state, ctx.lang),
            nav,
            tenants,
            errors,
            slug: form.0,
            name: form.1,
        },
    ))
}

pub(super) async fn tenants(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Response {
    tenants_page(
        &state,
        &ctx,
        StatusCode::OK,
        vec![],
        Default::default(),
        q.ok.as_deref(),
    )
    .await
    .unwrap_or_else(|e| fail(&state, &ctx, "/admin/tenants", e))
}

#[derive(Debug, Deserialize)]
pub(super) struct TenantInput {
    slug: String,
    name: String,
    time_zone: String,
}

pub(super) async fn create_tenant(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<TenantInput>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ManageTenants)?;
        let result = async {
            let time_zone = crate::input::parse_time_zone(&input.time_zone)?;
            let _ = state
                .app
                .run(|cx| {
                    directory::create_tenant(
                        &ctx.actor,
                        CreateTenant {
                            slug: input.slug.clone(),
                            name: input.name.clone(),
                            time_zone,
                        },
                        cx,
                    )
                })
                .await?;
            Ok::<_, ApiError>(())
        }
        .await;
        match result {
            Ok(()) => Ok(see_other("/admin/tenants?ok=tenants-created")),
            Err(e) => {
                let (state, ctx) = (&state, &ctx);
                again_with(&t, e, |errors| async move {
                    tenants_page(
                        state,
                        ctx,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        errors,
                        (input.slug, input.name),
                        None,
                    )
                    .await
                })
                .await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/admin/tenants", e))
}

// ---------------------------------------------------------------------------------------------
// A regency's officials and work units

pub(super) struct DirectoryForm {
    username: String,
    name: String,
    email: String,
}

pub(super) async fn directory_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    form: DirectoryForm,
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    authorize(&ctx.actor, Action::ViewTenantDirectory(tenant.id))?;
    let t = tr(state, ctx.lang);
    let grants = state.store.tenant_role_grants(tenant.id).await?;
    let mut users = Vec::new();
    for u in state.store.users(Some(tenant.id)).await? {
        let roles = grants
            .iter()
            .filter(|g| g.user_id == u.id)
            .map(|g| t.role(&g.role))
            .collect::<Vec<_>>()
            .join(", ");
        users.push(UserRow {
            id: u.id.to_string(),
            username: u.username,
            name: u.display_name,
            email: u.email.unwrap_or_default(),
            roles,
        });
    }
    let can_manage = authorize(&ctx.actor, Action::ManageTenantUsers(tenant.id)).is_ok();
    let roles = Role::ALL
        .iter()
        .filter(|r| r.is_tenant_scoped())
        .map(|r| (r.code().to_owned(), t.role(r)))
        .collect();
    let units = state
        .store
        .work_units(tenant.id)
        .await?
        .into_iter()
        .map(|w| (w.id.to_string(), format!("{} — {}", w.code, w.name)))
        .collect();
    let nav = nav(state, ctx, &format!("/t/{slug}/users"), flash).await;
    Ok(html(
        status,
        &DirectoryPage {
            t,
            nav,
            second_factor_required: tenant.second_factor_required,
            slug: tenant.slug,
            tenant: tenant.name,
            users,
            can_manage,
            roles,
            units,
            errors,
            form_username: form.username,
            form_name: form.name,
            form_email: form.email,
        },
    ))
}

pub(super) async fn directory(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let empty = DirectoryForm {
        username: String::new(),
        name: String::new(),
        email: String::new(),
    };
    directory_page(
        &state,
        &ctx,
        &slug,
        StatusCode::OK,
        vec![],
        empty,
        q.ok.as_deref(),
    )
    .await
    .unwrap_or_else(|e| fail(&state, &ctx, &format!("/t/{slug}/users"), e))
}

pub(super) async fn create_official(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(input): PageForm<NewOfficialForm>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let path = format!("/t/{slug}/users");
    let r: Result<Response, ApiError> = async {
        let tenant = crate::input::tenant_or_404(&state, &slug).await?;
        authorize(&ctx.actor, Action::ManageTenantUsers(tenant.id))?;
        let form = DirectoryForm {
            username: input.username.clone(),
            name: input.display_name.clone(),
            email: input.email.clone().unwrap_or_default(),
        };
        let official = input.into_official().map_err(|_| ApiError::Invalid {
            field: "work_unit_id".into(),
            code: "invalid-work-unit".into(),
        });
        let result = match official {
            Ok(o) => api::create_official(&state, &ctx, &tenant, o).await.map(|_| ()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => Ok(see_other(&format!("{path}?ok=directory-created"))),
            Err(e) => {
                let (state, ctx) = (&state, &ctx);
                again_with(&t, e, |errors| async move {
                    directory_page(
                        state,
                        ctx,
                        &slug,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        errors,
                        form,
                        None,
                    )
                    .await
                })
                .await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, &path, e))
}

pub(super) async fn revoke_user_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((slug, id)): Path<(String, Uuid)>,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let path = format!("/t/{slug}/users");
    let r: Result<Response, ApiError> = async {
        let tenant = crate::input::tenant_or_404(&state, &slug).await?;
        authorize(&ctx.actor, Action::ManageTenantUsers(tenant.id))?;
        let user = state
            .store
            .user(UserId(id))
            .await?
            .filter(|u| u.tenant_id == Some(tenant.id))
            .ok_or(ApiError::NotFound)?;
        state
            .app
            .apply(|cx| directory::revoke_sessions(&ctx.actor, &user, cx))
            .await?;
        Ok(see_other(&format!("{path}?ok=directory-revoked")))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, &path, e))
}

pub(super) async fn work_units_page(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
    status: StatusCode,
    errors: Vec<String>,
    form: (String, String),
    flash: Option<&str>,
) -> Result<Response, ApiError> {
    let tenant = crate::input::tenant_or_404(state, slug).await?;
    authorize(&ctx.actor, Action::ManageWorkUnits(tenant.id))?;
    let units = state
        .store
        .work_units(tenant.id)
        .await?
        .into_iter()
        .map(|w| (w.code, w.name))
        .collect();
    let nav = nav(state, ctx, &format!("/t/{slug}/work-units"), flash).await;
    Ok(html(
        status,
        &WorkUnitsPage {
            t: tr(state, ctx.lang),
            nav,
            slug: tenant.slug,
            tenant: tenant.name,
            units,
            errors,
            code: form.0,
            name: form.1,
        },
    ))
}

pub(super) async fn work_units(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    work_units_page(
        &state,
        &ctx,
        &slug,
        StatusCode::OK,
        vec![],
        Default::default(),
        q.ok.as_deref(),
    )
    .await
    .unwrap_or_else(|e| fail(&state, &ctx, &format!("/t/{slug}/work-units"), e))
}

#[derive(Debug, Deserialize)]
pub(super) struct WorkUnitInput {
    code: String,
    name: String,
}

pub(super) async fn create_work_unit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    PageForm(input): PageForm<WorkUnitInput>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let path = format!("/t/{slug}/work-units");
    let r: Result<Response, ApiError> = async {
        let tenant = crate::input::tenant_or_404(&state, &slug).await?;
        authorize(&ctx.actor, Action::ManageWorkUnits(tenant.id))?;
        let result = async {
            let _ = state
                .app
                .run(|cx| {
                    directory::create_work_unit(
                        &ctx.actor,
                        tenant.id,
                        CreateWorkUnit {
                            code: input.code.clone(),
                            name: input.name.clone(),
                        },
                        cx,
                    )
                })
                .await?;
            Ok::<_, ApiError>(())
        }
        .await;
        match result {
            Ok(()) => Ok(see_other(&format!("{path}?ok=work-units-created"))),
            Err(e) => {
                let (state, ctx) = (&state, &ctx);
                again_with(&t, e, |errors| async move {
                    work_units_page(
                        state,
                        ctx,
                        &slug,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        errors,
                        (input.code, input.name),
                        None,
                    )
                    .await
                })
                .await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, &path, e))
}

pub(super) async fn events(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let path = format!("/t/{slug}/events");
    let r: Result<Response, ApiError> = async {
        let tenant = crate::input::tenant_or_404(&state, &slug).await?;
        authorize(&ctx.actor, Action::ReadEventLog(Some(tenant.id)))?;
        const PAGE: u32 = 50;
        let list = state
            .store
            .events(EventFilter {
                tenant: Some(Some(tenant.id)),
                after_seq: q.after.unwrap_or(0).max(0),
                limit: PAGE,
                newest_first: false,
            })
            .await?;
        let list = api::readable_events(&state, &ctx, Some(tenant.id), list).await?;
        let t = tr(&state, ctx.lang);
        let next =
            (list.len() as u32 == PAGE).then(|| format!("{path}?after={}", list.last().map_or(0, |e| e.seq)));
        let events = list
            .into_iter()
            .map(|e| EventRow {
                seq: e.seq,
                at: e
                    .at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                kind: t.get(&format!("event-{}", e.event_type)),
                role: e.actor_role.map(|r| t.role(&r)).unwrap_or_else(|| "—".into()),
                payload: e.payload,
            })
            .collect();
        let nav = nav(&state, &ctx, &path, None).await;
        Ok(html(
            StatusCode::OK,
            &EventsPage {
                t,
                nav,
                tenant: tenant.name,
                events,
                next,
            },
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, &path, e))
}
