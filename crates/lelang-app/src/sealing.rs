//! A tender's key ceremony: a member of its pokja starts it once every member has enrolled, each
//! member deals, then confirms what it received or complains about a dealer.

use crate::tender::Loaded;
use crate::{App, AppError};
use lelang_core::policy::{Action, Actor, Denied, authorize};
use lelang_core::sealing::{self, Ceremony, ConfirmRequest, Revealed, member::DealRequest};

/// The tender's ceremony, for the tender's own pokja (and the members of its ceremony, should the
/// pokja change).
pub async fn ceremony_of(app: &App, actor: &Actor, l: &Loaded) -> Result<Ceremony, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let c = app.store.ceremony(l.package.id).await?;
    let uid = actor.user().ok_or(Denied::Unauthenticated)?.user_id;
    let member = l.assignment.as_ref().is_some_and(|a| a.members.contains(&uid))
        || c.as_ref().is_some_and(|c| c.index_of(uid).is_some());
    if !member {
        return Err(Denied::Forbidden.into());
    }
    c.ok_or(AppError::NotFound)
}

/// A member of the pokja starts the ceremony with the enrolled members' keys (k from a majority
/// up to n, or the rule's default).
pub async fn start(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    threshold: Option<u16>,
) -> Result<Ceremony, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let mut keys = Vec::new();
    for m in l.assignment.iter().flat_map(|a| a.members.iter()) {
        if let Some(k) = app.store.member_key(*m).await? {
            keys.push(k);
        }
    }
    let announced = app.store.public_tender(l.package.id).await?.is_some();
    let latest = app.store.ceremony(l.package.id).await?;
    app.run(|cx| {
        sealing::start_ceremony(
            actor,
            l.tenant.id,
            l.package.id,
            l.assignment.as_ref(),
            &keys,
            announced,
            latest.as_ref(),
            threshold,
            cx,
        )
    })
    .await
}

/// A member's dealing.
pub async fn deal(app: &App, actor: &Actor, l: &Loaded, d: DealRequest) -> Result<Ceremony, AppError> {
    let c = ceremony_of(app, actor, l).await?;
    app.run(|cx| sealing::deal(actor, &c, d, cx)).await
}

/// A member confirms the transcript and the tender key it computed.
pub async fn confirm(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    req: &ConfirmRequest,
) -> Result<Ceremony, AppError> {
    let c = ceremony_of(app, actor, l).await?;
    app.run(|cx| sealing::confirm(actor, &c, req, cx)).await
}

/// A member complains about a dealer's sub-share, with the proven secret that opens it.
pub async fn complain(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    dealer: u16,
    revealed: Option<&Revealed>,
) -> Result<Ceremony, AppError> {
    let c = ceremony_of(app, actor, l).await?;
    app.run(|cx| sealing::complain(actor, &c, dealer, revealed, cx))
        .await
}
