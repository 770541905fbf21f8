//! The user's own account: password, sessions and API tokens.

use super::*;

pub(super) async fn account_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    new_secret: Option<String>,
    errors: Vec<String>,
) -> Result<Response, ApiError> {
    authorize(&ctx.actor, Action::ViewOwnAccount)?;
    let a = ctx.user_actor()?;
    let user = ctx.user.as_ref().ok_or(ApiError::Unauthenticated)?;
    let t = tr(state, ctx.lang);
    let fmt = |at: time::OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let tokens = state
        .store
        .api_tokens(a.user_id)
        .await?
        .into_iter()
        .map(|tk| TokenRow {
            id: tk.id.to_string(),
            name: tk.name,
            role: t.role(&tk.role),
            created: fmt(tk.created_at),
            last_used: tk.last_used_at.map(fmt).unwrap_or_else(|| "—".into()),
            revoked: tk.revoked_at.is_some(),
        })
        .collect();
    let sessions = state.store.session_count(a.user_id).await? as i64;
    let second_factor = state
        .store
        .second_factor(a.user_id)
        .await?
        .map(|e| e.recovery_left);
    let nav = nav(state, ctx, "/account", None).await;
    Ok(html(
        status,
        &AccountPage {
            role: t.role(&a.role),
            t,
            nav,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            read_only: a.role.is_read_only(),
            sessions,
            second_factor,
            tokens,
            new_secret,
            errors,
        },
    ))
}

pub(super) async fn account(State(state): State<AppState>, ctx: Ctx) -> Response {
    account_page(&state, &ctx, StatusCode::OK, None, vec![])
        .await
        .unwrap_or_else(|e| fail(&state, &ctx, "/account", e))
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordInput {
    current: String,
    new: String,
}

pub(super) async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<PasswordInput>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let r: Result<Response, ApiError> = async {
        authorize(&ctx.actor, Action::ManageOwnAccount)?;
        let user = ctx.user.as_ref().ok_or(ApiError::Unauthenticated)?;
        let creds = state
            .store
            .credentials(&user.username)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if !auth::verify_password_in(&state.work.passwords, input.current, Some(creds.password_hash)).await? {
            return account_page(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                vec![t.get("account-wrong-password")],
            )
            .await;
        }
        let context = [
            user.username.as_str(),
            user.display_name.as_str(),
            user.email.as_deref().unwrap_or(""),
        ];
        if let Err(e) = crate::input::check_password(&input.new, &context) {
            let msg = form_error(&t, &e).unwrap_or_default();
            return account_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, None, vec![msg]).await;
        }
        let hash = auth::hash_password_in(&state.work.passwords, input.new).await?;
        state
            .app
            .apply(|cx| directory::change_password(&ctx.actor, hash, cx))
            .await?;
        Ok(with_cookie(
            see_other("/login?ok=account-password-changed"),
            set_cookie(SESSION_COOKIE, "", Some(0), state.config.cookie_secure, "Lax"),
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/account", e))
}

pub(super) async fn revoke_my_sessions(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let r: Result<Response, ApiError> = async {
        let user = ctx.user.as_ref().ok_or(ApiError::Unauthenticated)?;
        state
            .app
            .apply(|cx| directory::revoke_sessions(&ctx.actor, user, cx))
            .await?;
        Ok(with_cookie(
            see_other("/login?ok=signed-out"),
            set_cookie(SESSION_COOKIE, "", Some(0), state.config.cookie_secure, "Lax"),
        ))
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/account", e))
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenInput {
    name: String,
}

pub(super) async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<TokenInput>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let r: Result<Response, ApiError> = async {
        match api::issue_token(&state, &ctx, &input.name, None).await {
            // The secret is rendered into this answer (not a redirect), so it never enters a URL.
            Ok((_, secret)) => {
                let mut resp = account_page(&state, &ctx, StatusCode::CREATED, Some(secret), vec![]).await?;
                resp.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                Ok(resp)
            }
            Err(e) => {
                let (state, ctx) = (&state, &ctx);
                again_with(&t, e, |errors| async move {
                    account_page(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await
                })
                .await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/account", e))
}

pub(super) async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    PageForm(_): PageForm<Empty>,
) -> Response {
    let t = tr(&state, ctx.lang);
    let r: Result<Response, ApiError> = async {
        match api::revoke_own_token(&state, &ctx, id).await {
            Ok(()) => Ok(see_other("/account")),
            Err(e) => {
                let (state, ctx) = (&state, &ctx);
                again_with(&t, e, |errors| async move {
                    account_page(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await
                })
                .await
            }
        }
    }
    .await;
    r.unwrap_or_else(|e| fail(&state, &ctx, "/account", e))
}

// ---------------------------------------------------------------------------------------------
// Platform administration
