//! Cancelling a tender: the budget holder's decision, read against the tender's state.

use crate::{App, AppError};
use lelang_core::cancellation::{self, Cancellation, Ground};
use lelang_core::evaluation::Evaluation;
use lelang_core::ids::PackageId;
use lelang_core::package::Package;
use lelang_core::policy::Actor;

/// What the cancellation rule reads about a tender.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The package.
    pub package: Package,
    /// Its evaluation, once begun.
    pub evaluation: Option<Evaluation>,
    /// Its cancellation.
    pub cancelled: Option<Cancellation>,
    /// Whether a repeat tender carries it on.
    pub repeated: bool,
}

impl Facts {
    /// The facts as the core rule takes them.
    pub fn tender(&self) -> cancellation::Tender<'_> {
        cancellation::Tender {
            package: &self.package,
            evaluation: self.evaluation.as_ref(),
            cancelled: self.cancelled.as_ref(),
            repeated: self.repeated,
        }
    }
}

/// Reads the facts of a package's tender.
pub async fn facts(app: &App, package: PackageId) -> Result<Facts, AppError> {
    let store = app.store.as_ref();
    let p = store.package(package).await?.ok_or(AppError::NotFound)?;
    let repeated = store
        .packages(p.tenant_id)
        .await?
        .iter()
        .any(|r| r.repeat_of == Some(package));
    Ok(Facts {
        evaluation: store.evaluation(package).await?,
        cancelled: store.cancellation(package).await?,
        package: p,
        repeated,
    })
}

/// The budget holder of the package's work unit cancels its tender (see
/// [`lelang_core::cancellation::cancel`] for when they may).
pub async fn cancel(
    app: &App,
    actor: &Actor,
    package: PackageId,
    ground: Ground,
    reason: &str,
) -> Result<Cancellation, AppError> {
    let f = facts(app, package).await?;
    app.run(|cx| cancellation::cancel(actor, f.tender(), ground, reason, cx))
        .await
}
