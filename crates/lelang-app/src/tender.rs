//! A tender from its setup to the questions before submission: the pokja announces and answers,
//! vendors register and ask.

use crate::{App, AppError};
use lelang_core::calendar::WorkingCalendar;
use lelang_core::clarification::{Question, answer as answer_question, ask as ask_question};
use lelang_core::command::CommandError;
use lelang_core::ids::{PackageId, QuestionId, TenantId, VendorId};
use lelang_core::model::Tenant;
use lelang_core::package::Package;
use lelang_core::pokja::PokjaAssignment;
use lelang_core::policy::{Action, Actor, authorize};
use lelang_core::rules::{EvaluationMethod, Method, StageKind};
use lelang_core::tender::{self, AnnounceContext, PublicTender, TenderSetup, announce as announce_tender};
use lelang_core::vendor::join_tender;
use time::Date;

/// A package with what its tender needs.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its regency.
    pub tenant: Tenant,
    /// The package.
    pub package: Package,
    /// Its pokja, once assigned.
    pub assignment: Option<PokjaAssignment>,
    /// Its tender's setup, once set.
    pub setup: Option<TenderSetup>,
}

/// A package of this regency: another regency's is not found here.
pub async fn package_of(app: &App, tenant: TenantId, package: PackageId) -> Result<Package, AppError> {
    app.store
        .package(package)
        .await?
        .filter(|p| p.tenant_id == tenant)
        .ok_or(AppError::NotFound)
}

/// A package of `tenant` for an official who may see packages there (another regency's package
/// is not found here).
pub async fn load(app: &App, actor: &Actor, tenant: Tenant, package: PackageId) -> Result<Loaded, AppError> {
    authorize(actor, Action::ViewPackages(tenant.id))?;
    let package = package_of(app, tenant.id, package).await?;
    let assignment = app.store.pokja_assignment(package.id).await?;
    let setup = app.store.tender_setup(package.id).await?;
    Ok(Loaded {
        tenant,
        package,
        assignment,
        setup,
    })
}

/// The working-day calendar (the platform's days off).
pub async fn calendar(app: &App) -> Result<WorkingCalendar, AppError> {
    Ok(WorkingCalendar::new(app.store.days_off(None).await?))
}

/// The pokja sets a loaded package's tender up: its method, evaluation and a schedule from the
/// first day of the announcement, by the package's rule set and the working-day calendar.
pub async fn set_up(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    method: Method,
    evaluation: EvaluationMethod,
    first_day: Date,
) -> Result<TenderSetup, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let rules = crate::rules::of(&l.package)?;
    let cal = calendar(app).await?;
    app.run(|cx| {
        tender::set_up(
            actor,
            &l.package,
            l.assignment.as_ref(),
            method,
            evaluation,
            first_day,
            l.tenant.time_zone,
            rules,
            &cal,
            l.setup.as_ref(),
            cx,
        )
    })
    .await
}

/// The pokja moves the end of one stage of a loaded package's schedule, with a published reason;
/// true when the submission window was extended to keep its minimum.
pub async fn change_schedule(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    stage: StageKind,
    new_last_day: Date,
    reason: &str,
) -> Result<bool, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let setup = l.setup.as_ref().ok_or(CommandError::Invalid {
        field: "package_id",
        code: "tender-not-set-up",
    })?;
    let rules = crate::rules::of(&l.package)?;
    let cal = calendar(app).await?;
    app.run(|cx| {
        let (_, extended, change) = tender::change_schedule(
            actor,
            setup,
            l.assignment.as_ref(),
            stage,
            new_last_day,
            reason,
            rules,
            &cal,
            cx,
        )?;
        Ok((extended, change))
    })
    .await
}

/// The pokja declares a loaded package's qualification requirements, before the announcement.
pub async fn declare_requirements(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    requirements: lelang_core::qualification::Requirements,
) -> Result<TenderSetup, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let setup = l.setup.as_ref().ok_or(CommandError::Invalid {
        field: "package_id",
        code: "tender-not-set-up",
    })?;
    let announced = app.store.public_tender(l.package.id).await?.is_some();
    app.run(|cx| {
        tender::declare_requirements(actor, setup, l.assignment.as_ref(), announced, requirements, cx)
    })
    .await
}

/// The pokja announces a loaded package's tender: the core checks it is ready (declarations,
/// schedule, a published document, a completed key ceremony), with the names it publishes.
pub async fn announce(app: &App, actor: &Actor, l: &Loaded) -> Result<PublicTender, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let announced = app.store.public_tender(l.package.id).await?.is_some();
    let documents = app.store.documents(l.package.id).await?.len();
    let unit = app
        .store
        .work_units(l.tenant.id)
        .await?
        .into_iter()
        .find(|u| u.id == l.package.work_unit_id)
        .map(|u| u.name)
        .unwrap_or_default();
    let ceremony = app.store.ceremony(l.package.id).await?;
    let context = AnnounceContext {
        assignment: l.assignment.as_ref(),
        setup: l.setup.as_ref(),
        announced,
        documents,
        work_unit_name: &unit,
        regency_name: &l.tenant.name,
        // A ceremony of an earlier pokja (a member replaced since) does not seal this tender.
        bid_recipient: ceremony
            .as_ref()
            .filter(|c| l.assignment.as_ref().is_some_and(|a| c.of(&a.members)))
            .and_then(|c| c.recipient()),
    };
    app.run(|cx| announce_tender(actor, &l.package, context, cx))
        .await
}

/// A vendor's company registers for an announced tender.
pub async fn join(app: &App, actor: &Actor, vendor: VendorId, package: PackageId) -> Result<(), AppError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let tender = app
        .store
        .public_tender(package)
        .await?
        .ok_or(AppError::NotFound)?;
    let verifications = app.store.verifications(Some(vendor)).await?;
    let already = registered(app, package, vendor).await?;
    app.apply(|cx| join_tender(actor, vendor, &tender, &verifications, already, cx))
        .await
}

async fn registered(app: &App, package: PackageId, vendor: VendorId) -> Result<bool, AppError> {
    Ok(app
        .store
        .participants(package)
        .await?
        .iter()
        .any(|(v, _)| *v == vendor))
}

/// A registered company asks the pokja a question.
pub async fn ask(
    app: &App,
    actor: &Actor,
    vendor: VendorId,
    package: PackageId,
    text: &str,
) -> Result<Question, AppError> {
    authorize(actor, Action::ActForVendor(vendor))?;
    let tender = app
        .store
        .public_tender(package)
        .await?
        .ok_or(AppError::NotFound)?;
    let setup = app.store.tender_setup(package).await?.ok_or(AppError::NotFound)?;
    let registered = registered(app, package, vendor).await?;
    app.run(|cx| ask_question(actor, vendor, &tender, &setup, registered, text, cx))
        .await
}

/// A member of the pokja answers a question of a loaded package's tender, in public.
pub async fn answer(
    app: &App,
    actor: &Actor,
    l: &Loaded,
    question: QuestionId,
    text: &str,
) -> Result<Question, AppError> {
    authorize(actor, Action::RunTender(l.tenant.id))?;
    let tender = app
        .store
        .public_tender(l.package.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let q = app
        .store
        .questions(l.package.id)
        .await?
        .into_iter()
        .find(|q| q.id == question)
        .ok_or(AppError::NotFound)?;
    app.run(|cx| answer_question(actor, &q, &tender, l.assignment.as_ref(), text, cx))
        .await
}
