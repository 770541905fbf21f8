//! The unit's dashboard: each process folds the log into its [`Ledger`] (caught up before every
//! answer, so every app server answers from the same log), and answers a regency's figures as the
//! reader's role may see them, a tender's red flags, and regencies side by side.

use crate::{App, AppError};
use lelang_core::Store;
use lelang_core::dashboard::capacity::{self, Forecast, Weights};
use lelang_core::dashboard::{self, Figures, Filter, Flag, Ledger, View, flags::Thresholds};
use lelang_core::ids::{PackageId, TenantId, UserId};
use lelang_core::model::Tenant;
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::rules::RuleSet;
use lelang_core::store::{EventFilter, StoreError};
use std::collections::HashMap;
use tokio::sync::RwLock;

/// Events read per step of a catch-up.
const BATCH: u32 = 5_000;

/// This process's fold of the log.
#[derive(Debug, Default)]
pub struct Dashboard {
    ledger: RwLock<Ledger>,
}

impl Dashboard {
    /// An empty fold: the first answer folds the whole log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fold as it stands (call [`Dashboard::catch_up`] first for the log's end).
    pub async fn ledger(&self) -> tokio::sync::RwLockReadGuard<'_, Ledger> {
        self.ledger.read().await
    }

    /// Folds whatever the log appended since the last look.
    pub async fn catch_up(&self, store: &dyn Store) -> Result<i64, StoreError> {
        loop {
            let after = self.ledger.read().await.folded();
            let events = store
                .events(EventFilter {
                    tenant: None,
                    after_seq: after,
                    limit: BATCH,
                    newest_first: false,
                })
                .await?;
            if events.is_empty() {
                return Ok(after);
            }
            let mut ledger = self.ledger.write().await;
            // Another request may have folded some of these meanwhile: the fold skips them.
            for e in &events {
                ledger.fold(e);
            }
        }
    }
}

/// The view `actor` reads a regency's dashboard with.
pub fn view_of(actor: &Actor, tenant: TenantId) -> View {
    if authorize(actor, Action::ViewUnitDashboard(tenant)).is_ok() {
        View::Unit
    } else {
        View::Public
    }
}

/// What `of` reads from each rule set, by the rule set's id: a package names the rule set it
/// runs under; the newest stands in for one a deployment removed.
fn per_rule_set<T: Copy>(of: fn(&RuleSet) -> T) -> Result<impl Fn(&str) -> T, AppError> {
    let sets = crate::rules::sets()?;
    let by_id: HashMap<&str, T> = sets.iter().map(|r| (r.id.as_str(), of(r))).collect();
    let newest = sets
        .last()
        .map(of)
        .ok_or_else(|| AppError::Broken("no rule set".into()))?;
    Ok(move |id: &str| by_id.get(id).copied().unwrap_or(newest))
}

fn thresholds() -> Result<impl Fn(&str) -> Thresholds, AppError> {
    per_rule_set(Thresholds::of)
}

/// A regency's figures as `actor` may see them.
pub async fn figures(
    app: &App,
    dash: &Dashboard,
    actor: &Actor,
    tenant: &Tenant,
    filter: Filter,
) -> Result<Figures, AppError> {
    dash.catch_up(app.store.as_ref()).await?;
    let th = thresholds()?;
    let ledger = dash.ledger.read().await;
    Ok(dashboard::figures(
        &ledger,
        tenant.id,
        filter,
        view_of(actor, tenant.id),
        &th,
    ))
}

/// Regencies side by side, each from public data only (what a visiting regency may see).
pub async fn compare(
    app: &App,
    dash: &Dashboard,
    tenants: &[Tenant],
    filter: Filter,
) -> Result<Vec<Figures>, AppError> {
    dash.catch_up(app.store.as_ref()).await?;
    let th = thresholds()?;
    let ledger = dash.ledger.read().await;
    Ok(tenants
        .iter()
        .map(|t| dashboard::figures(&ledger, t.id, filter, View::Public, &th))
        .collect())
}

/// A tender's red flags: in full for its own pokja, the ULP head and the auditors; for anyone
/// else, only once it is decided and only those from public data. None: no such tender, or one
/// not announced yet that the reader may not know of.
pub async fn tender_flags(
    app: &App,
    dash: &Dashboard,
    actor: &Actor,
    package: PackageId,
) -> Result<Option<Vec<Flag>>, AppError> {
    dash.catch_up(app.store.as_ref()).await?;
    let th = thresholds()?;
    let ledger = dash.ledger.read().await;
    let Some(t) = ledger.tender(package) else {
        return Ok(None);
    };
    let own_pokja = actor.user().is_some_and(|u| {
        t.pokja.contains(&u.user_id) && authorize(actor, Action::RunTender(t.tenant_id)).is_ok()
    });
    let view = if own_pokja {
        View::Unit
    } else {
        view_of(actor, t.tenant_id)
    };
    if view == View::Public && t.announced_at.is_none() {
        return Ok(None);
    }
    Ok(Some(dashboard::flags(&ledger, t, view, &th(&t.rule_set))))
}

/// Months the forecast looks ahead.
pub const FORECAST_MONTHS: u8 = 12;

/// A regency's pokja forecast — the tenders under way and the announced plan against the members
/// available — with the members' names (the regency's ULP head and auditors).
pub async fn forecast(
    app: &App,
    dash: &Dashboard,
    actor: &Actor,
    tenant: &Tenant,
) -> Result<(Forecast, HashMap<UserId, String>), AppError> {
    authorize(actor, Action::ViewUnitDashboard(tenant.id))?;
    let members: HashMap<UserId, String> = crate::pokja::members(app, tenant).await?.into_iter().collect();
    dash.catch_up(app.store.as_ref()).await?;
    let now = Weights::of(crate::rules::today(app)?);
    let weights = per_rule_set(Weights::of)?;
    let offset = time::UtcOffset::from_hms(tenant.time_zone.utc_offset_hours(), 0, 0)
        .map_err(|e| AppError::Broken(e.to_string()))?;
    let today = app.clock.now().to_offset(offset).date();
    let ledger = dash.ledger.read().await;
    let f = capacity::forecast(
        &ledger,
        tenant.id,
        u32::try_from(members.len()).unwrap_or(u32::MAX),
        today,
        FORECAST_MONTHS,
        &now,
        &weights,
    );
    Ok((f, members))
}
