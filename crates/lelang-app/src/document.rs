//! Tender documents: the specification before the announcement, addenda after it, and the
//! clarification minutes — each a version whose file is kept only once the version is decided.

use crate::{App, AppError};
use lelang_core::document::{Document, NewDocument, publish as decide};
use lelang_core::package::Package;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::Actor;
use std::future::Future;

/// Publishes a document of the package: decides the version against the tender as it stands,
/// then has `keep` keep its file (the caller's blob store), then commits. A refused version keeps
/// nothing.
pub async fn publish<E, F>(
    app: &App,
    actor: &Actor,
    package: &Package,
    assignment: Option<&PokjaAssignment>,
    input: NewDocument,
    max_bytes: u64,
    keep: impl FnOnce() -> F,
) -> Result<Document, E>
where
    E: From<AppError>,
    F: Future<Output = Result<(), E>>,
{
    let tender = app
        .store
        .public_tender(package.id)
        .await
        .map_err(AppError::from)?;
    let existing = app.store.documents(package.id).await.map_err(AppError::from)?;
    let (doc, change) = decide(
        actor,
        package,
        assignment,
        tender.as_ref(),
        &existing,
        input,
        max_bytes,
        &app.cx(),
    )
    .map_err(AppError::from)?;
    keep().await?;
    app.commit(change).await?;
    Ok(doc)
}
