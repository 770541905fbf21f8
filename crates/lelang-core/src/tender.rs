//! A tender's setup by its pokja: the method and evaluation method (checked against the package's
//! rule set and HPS) and the schedule laid on the working-day calendar. Every schedule change needs
//! a reason, is published on the log, moves the later stages, and extends a submission window a
//! late change would leave too short.

use crate::calendar::WorkingCalendar;
use crate::command::{Change, CommandError};
use crate::event::NewEvent;
use crate::fresh::Cx;
use crate::ids::{PackageId, TenantId, WorkUnitId};
use crate::model::TimeZone;
use crate::package::Package;
use crate::pokja::PokjaAssignment;
use crate::policy::{Action, Actor, Denied, authorize};
use crate::rules::{EvaluationMethod, Method, RuleSet, StageKind};
use crate::schedule::{PlannedStage, Schedule, WorkingHours};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// A tender as its pokja set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderSetup {
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The method.
    pub method: Method,
    /// The evaluation method.
    pub evaluation: EvaluationMethod,
    /// The regency's time zone.
    pub time_zone: TimeZone,
    /// The stages.
    pub stages: Vec<PlannedStage>,
    /// The qualification requirements, declared before the announcement.
    #[serde(default, skip_serializing_if = "crate::qualification::Requirements::is_empty")]
    pub requirements: crate::qualification::Requirements,
}

impl TenderSetup {
    /// The schedule, to compute instants and changes with.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            time_zone: self.time_zone,
            hours: WorkingHours::default(),
            stages: self.stages.clone(),
        }
    }
}

fn invalid(field: &'static str, code: &'static str) -> CommandError {
    CommandError::Invalid { field, code }
}

fn member_of(actor: &Actor, assignment: Option<&PokjaAssignment>) -> Result<(), CommandError> {
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    match assignment {
        Some(x) if x.members.contains(&a.user_id) => Ok(()),
        _ => Err(Denied::Forbidden.into()),
    }
}

/// How far ahead a schedule may reach, in days. lelang's own bound, not a regulation's: a tender
/// runs within its fiscal year or, tendered early (tender dini), from the year before, so two
/// years cover every real schedule and keep dates far from the calendar's end.
pub const MAX_LEAD_DAYS: i64 = 730;

/// The package's pokja sets the method, the evaluation method and the schedule from `first_day`
/// (not in the past), with the rule set's stage lengths.
#[allow(clippy::too_many_arguments)]
pub fn set_up(
    actor: &Actor,
    package: &Package,
    assignment: Option<&PokjaAssignment>,
    method: Method,
    evaluation: EvaluationMethod,
    first_day: Date,
    time_zone: TimeZone,
    rules: &RuleSet,
    calendar: &WorkingCalendar,
    existing: Option<&TenderSetup>,
    cx: &Cx<'_>,
) -> Result<(TenderSetup, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::RunTender(package.tenant_id))?;
    member_of(actor, assignment)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if existing.is_some() {
        return Err(invalid("package_id", "tender-already-set-up"));
    }
    rules
        .check_method(package.category, package.owner_estimate, method)
        .map_err(|v| invalid("method", v.rule))?;
    rules
        .check_evaluation(package.category, evaluation)
        .map_err(|v| invalid("evaluation", v.rule))?;
    let today = now
        .to_offset(
            time::UtcOffset::from_hms(time_zone.utc_offset_hours(), 0, 0).unwrap_or(time::UtcOffset::UTC),
        )
        .date();
    if first_day < today {
        return Err(invalid("first_day", "tender-start-in-past"));
    }
    if (first_day - today).whole_days() > MAX_LEAD_DAYS {
        return Err(invalid("first_day", "schedule-too-far"));
    }
    let schedule = Schedule::from_rules(rules, time_zone, first_day, calendar)
        .map_err(|_| invalid("first_day", "invalid-date"))?;
    let setup = TenderSetup {
        package_id: package.id,
        tenant_id: package.tenant_id,
        method,
        evaluation,
        time_zone,
        stages: schedule.stages,
        requirements: crate::qualification::Requirements::default(),
    };
    let event = NewEvent::new(
        cx,
        Some(package.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::TenderScheduled {
            package_id: package.id,
            method,
            evaluation,
            stages: setup.stages.clone(),
        },
    )?;
    Ok((
        setup.clone(),
        Change {
            events: vec![event],
            mutations: vec![
                Mutation::ExpectNotCancelled(package.id),
                Mutation::UpsertTenderSetup(setup),
            ],
        },
    ))
}

/// A member of the pokja moves the end of one stage, with a reason that is published.
#[allow(clippy::too_many_arguments)]
pub fn change_schedule(
    actor: &Actor,
    setup: &TenderSetup,
    assignment: Option<&PokjaAssignment>,
    stage: StageKind,
    new_last_day: Date,
    reason: &str,
    rules: &RuleSet,
    calendar: &WorkingCalendar,
    cx: &Cx<'_>,
) -> Result<(TenderSetup, bool, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::RunTender(setup.tenant_id))?;
    member_of(actor, assignment)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    let reason = reason.trim();
    if reason.chars().count() < 10 || reason.chars().count() > 1000 {
        return Err(invalid("reason", "schedule-reason"));
    }
    let schedule = setup.schedule();
    let index = schedule
        .stages
        .iter()
        .position(|s| s.kind == stage)
        .ok_or(invalid("stage", "schedule-no-stage"))?;
    let times = schedule.times();
    if times[index].end <= now {
        return Err(invalid("stage", "schedule-stage-over"));
    }
    if (new_last_day - now.date()).whole_days() > MAX_LEAD_DAYS {
        return Err(invalid("new_last_day", "schedule-too-far"));
    }
    let changed = schedule
        .change_last_day(index, new_last_day, calendar)
        .map_err(|e| match e {
            crate::schedule::ScheduleError::EndBeforeStart => {
                invalid("new_last_day", "schedule-end-before-start")
            }
            _ => invalid("new_last_day", "invalid-date"),
        })?;
    changed
        .check(rules, calendar)
        .map_err(|_| invalid("new_last_day", "stage-too-short"))?;
    let min = Duration::hours(i64::from(rules.periods.min_remaining_submission_hours));
    let (changed, extended) = changed
        .protect_submission(now, min, calendar)
        .map_err(|_| invalid("new_last_day", "invalid-date"))?;
    let new = TenderSetup {
        stages: changed.stages,
        ..setup.clone()
    };
    let event = NewEvent::new(
        cx,
        Some(setup.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::ScheduleChanged {
            package_id: setup.package_id,
            stage,
            reason: reason.to_owned(),
            submission_extended: extended,
            stages: new.stages.clone(),
        },
    )?;
    Ok((
        new.clone(),
        extended,
        Change {
            events: vec![event],
            mutations: vec![
                // Once the tender has closed, its deadline can no longer move.
                Mutation::ExpectSubmissionOpen(new.package_id),
                Mutation::SetSubmissionDeadline {
                    package_id: new.package_id,
                    deadline: submission_deadline(&new).ok_or(invalid("stage", "schedule-no-stage"))?,
                },
                Mutation::UpsertTenderSetup(new),
            ],
        },
    ))
}

/// A member of the pokja declares the tender's qualification requirements, until the
/// announcement (bidders prepare against them; they do not change under their feet).
pub fn declare_requirements(
    actor: &Actor,
    setup: &TenderSetup,
    assignment: Option<&PokjaAssignment>,
    announced: bool,
    requirements: crate::qualification::Requirements,
    cx: &Cx<'_>,
) -> Result<(TenderSetup, Change<Mutation>), CommandError> {
    authorize(actor, Action::RunTender(setup.tenant_id))?;
    member_of(actor, assignment)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if announced {
        return Err(invalid("requirements", "already-announced"));
    }
    let requirements = requirements
        .valid()
        .map_err(|_| invalid("requirements", "invalid-requirements"))?;
    let new = TenderSetup {
        requirements: requirements.clone(),
        ..setup.clone()
    };
    let event = NewEvent::new(
        cx,
        Some(setup.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::RequirementsDeclared {
            package_id: setup.package_id,
            requirements,
        },
    )?;
    Ok((
        new.clone(),
        Change {
            events: vec![event],
            mutations: vec![
                // Declared on the setup read: a schedule changed meanwhile is not overwritten.
                Mutation::ExpectTenderSetup(setup.clone()),
                Mutation::ExpectNotCancelled(setup.package_id),
                Mutation::UpsertTenderSetup(new),
            ],
        },
    ))
}

/// An announced tender as the public finds it: one row of the public list, with the words it is
/// found by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTender {
    /// The package.
    pub package_id: PackageId,
    /// The regency.
    pub tenant_id: TenantId,
    /// The work unit.
    pub work_unit_id: crate::ids::WorkUnitId,
    /// The package's name.
    pub name: String,
    /// Where.
    pub location: String,
    /// Category.
    pub category: crate::rules::Category,
    /// Method.
    pub method: Method,
    /// HPS total.
    pub owner_estimate: crate::rules::Rupiah,
    /// Pagu.
    pub budget_ceiling: crate::rules::Rupiah,
    /// When it was announced.
    #[serde(with = "time::serde::rfc3339")]
    pub announced_at: OffsetDateTime,
    /// The end of the submission window (moves with schedule changes).
    #[serde(with = "time::serde::rfc3339")]
    pub submission_deadline: OffsetDateTime,
    /// Stemmed Indonesian search terms (see [`crate::stem`]).
    pub search_terms: String,
    /// When its budget holder cancelled it, if they did (it is then closed for bids).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cancelled_at: Option<OffsetDateTime>,
}

/// Open or closed for bids, the status a visitor filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    /// Bids may still be submitted.
    Open,
    /// The submission deadline has passed, or the tender was cancelled.
    Closed,
}

/// A search of the public tender list. Every filter is optional; `text` is matched on stemmed
/// terms (all must occur).
#[derive(Debug, Clone, Default)]
pub struct TenderQuery {
    /// Keywords.
    pub text: Option<String>,
    /// One regency.
    pub tenant: Option<TenantId>,
    /// One work unit.
    pub work_unit: Option<crate::ids::WorkUnitId>,
    /// One category.
    pub category: Option<crate::rules::Category>,
    /// One method.
    pub method: Option<Method>,
    /// Open or closed, as of `now`.
    pub status: Option<TenderStatus>,
    /// HPS at least.
    pub min_value: Option<crate::rules::Rupiah>,
    /// HPS at most.
    pub max_value: Option<crate::rules::Rupiah>,
    /// The instant the status is judged at.
    pub now: Option<OffsetDateTime>,
    /// Page size.
    pub limit: u32,
    /// Rows to skip.
    pub offset: u32,
}

impl TenderQuery {
    /// The search terms of `text`, stemmed as the index is.
    pub fn terms(&self) -> Vec<String> {
        self.text
            .as_deref()
            .map(crate::stem::search_terms)
            .unwrap_or_default()
    }
}

/// A tender as the list shows it: with the names of its regency and work unit, read in the same
/// query so that a page of results costs one round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTender {
    /// The tender.
    pub tender: PublicTender,
    /// The regency's URL name.
    pub regency_slug: String,
    /// The regency's name.
    pub regency_name: String,
    /// The work unit's name.
    pub work_unit_name: String,
}

/// One page of search results and how many there are in all.
#[derive(Debug, Clone, Default)]
pub struct TenderPage {
    /// The rows.
    pub tenders: Vec<ListedTender>,
    /// All matches.
    pub total: u64,
}

/// The end of the submission window of a setup.
pub fn submission_deadline(setup: &TenderSetup) -> Option<OffsetDateTime> {
    setup
        .schedule()
        .times()
        .into_iter()
        .find(|t| t.kind == StageKind::Submission)
        .map(|t| t.end)
}

/// The stage a tender is in at `now` (None before the first and after the last).
pub fn current_stage(setup: &TenderSetup, now: OffsetDateTime) -> Option<StageKind> {
    setup
        .schedule()
        .times()
        .into_iter()
        .find(|t| now < t.end)
        .filter(|t| now >= t.start)
        .map(|t| t.kind)
}

/// What [`announce`] needs to know besides the package.
#[derive(Debug, Clone, Copy)]
pub struct AnnounceContext<'a> {
    /// The pokja.
    pub assignment: Option<&'a PokjaAssignment>,
    /// The setup.
    pub setup: Option<&'a TenderSetup>,
    /// Whether it is already announced.
    pub announced: bool,
    /// How many documents are published.
    pub documents: usize,
    /// The work unit's name (searchable).
    pub work_unit_name: &'a str,
    /// The regency's name (searchable).
    pub regency_name: &'a str,
    /// The tender's recipient from its completed key ceremony: bids are sealed to it.
    pub bid_recipient: Option<&'a str>,
}

/// The pokja announces the tender: it becomes public, searchable, and open for registration. Every
/// member must have declared no conflict of interest, the schedule must be set, at least one
/// document published, the key ceremony complete (its recipient is announced), and the announcement
/// stage not over.
pub fn announce(
    actor: &Actor,
    package: &Package,
    input: AnnounceContext<'_>,
    cx: &Cx<'_>,
) -> Result<(PublicTender, Change<Mutation>), CommandError> {
    let now = cx.now;
    authorize(actor, Action::RunTender(package.tenant_id))?;
    member_of(actor, input.assignment)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(Denied::Unauthenticated))?;
    if input.announced {
        return Err(invalid("package_id", "already-announced"));
    }
    let Some(setup) = input.setup else {
        return Err(invalid("package_id", "tender-not-set-up"));
    };
    if input
        .assignment
        .is_some_and(|p| p.members.iter().any(|m| !p.declared.contains(m)))
    {
        return Err(invalid("package_id", "declarations-missing"));
    }
    if input.documents == 0 {
        return Err(invalid("package_id", "no-documents"));
    }
    let Some(recipient) = input.bid_recipient else {
        return Err(invalid("package_id", "ceremony-incomplete"));
    };
    let times = setup.schedule().times();
    if times.first().is_none_or(|t| now >= t.end) {
        return Err(invalid("package_id", "announcement-stage-over"));
    }
    let deadline = submission_deadline(setup).ok_or(invalid("package_id", "schedule-no-stage"))?;
    let words = format!(
        "{} {} {} {}",
        package.name, package.location, input.work_unit_name, input.regency_name
    );
    let tender = PublicTender {
        package_id: package.id,
        tenant_id: package.tenant_id,
        work_unit_id: package.work_unit_id,
        name: package.name.clone(),
        location: package.location.clone(),
        category: package.category,
        method: setup.method,
        owner_estimate: package.owner_estimate,
        budget_ceiling: package.budget_ceiling,
        announced_at: now,
        submission_deadline: deadline,
        search_terms: crate::stem::index_text(&words),
        cancelled_at: None,
    };
    let event = NewEvent::new(
        cx,
        Some(package.tenant_id),
        Some(a.user_id),
        Some(a.role),
        &Event::TenderAnnounced {
            package_id: package.id,
            name: tender.name.clone(),
            work_unit_id: package.work_unit_id,
            category: package.category,
            method: setup.method,
            owner_estimate: package.owner_estimate,
            submission_deadline: deadline,
            bid_recipient: Some(recipient.to_owned()),
        },
    )?;
    Ok((
        tender.clone(),
        Change {
            events: vec![event],
            mutations: vec![
                Mutation::ExpectTenderSetup(setup.clone()),
                Mutation::ExpectNotCancelled(package.id),
                Mutation::InsertPublicTender(tender),
            ],
        },
    ))
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The pokja set a tender's method and schedule.
    TenderScheduled {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The method.
        method: crate::rules::Method,
        /// The evaluation method.
        evaluation: crate::rules::EvaluationMethod,
        /// The stages.
        stages: Vec<crate::schedule::PlannedStage>,
    },
    /// The pokja changed a tender's schedule, with a published reason.
    ScheduleChanged {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The stage moved.
        stage: crate::rules::StageKind,
        /// Why.
        reason: String,
        /// Whether the submission window was extended to keep its minimum remaining time.
        submission_extended: bool,
        /// The stages after the change.
        stages: Vec<crate::schedule::PlannedStage>,
    },
    /// The pokja announced a tender.
    TenderAnnounced {
        /// The package.
        package_id: crate::ids::PackageId,
        /// Its name.
        name: String,
        /// The work unit.
        work_unit_id: WorkUnitId,
        /// Category.
        category: crate::rules::Category,
        /// Method.
        method: crate::rules::Method,
        /// HPS total.
        owner_estimate: i64,
        /// The submission deadline.
        #[serde(with = "time::serde::rfc3339")]
        submission_deadline: OffsetDateTime,
        /// The age recipient bids are sealed to (from the completed key ceremony).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bid_recipient: Option<String>,
    },
    /// The pokja declared the tender's qualification requirements.
    RequirementsDeclared {
        /// The package.
        package_id: crate::ids::PackageId,
        /// What bidders must have.
        requirements: crate::qualification::Requirements,
    },
}

crate::privacy::event_table! {
    TenderScheduled "tender_scheduled" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        method: PUBLIC => "announced",
        evaluation: PUBLIC => "announced",
        stages: PUBLIC => "the schedule is public",
    }
    ScheduleChanged "schedule_changed" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        stage: PUBLIC => "which stage moved",
        reason: PUBLIC => "every change has a published reason",
        submission_extended: PUBLIC => "bidders must know",
        stages: PUBLIC => "the new schedule",
    }
    TenderAnnounced "tender_announced" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the announcement is public",
        name: PUBLIC => "what is bought",
        work_unit_id: PUBLIC => "who buys",
        category: PUBLIC => "announced",
        method: PUBLIC => "announced",
        owner_estimate: PUBLIC => "the HPS total is announced",
        submission_deadline: PUBLIC => "announced",
        bid_recipient: PUBLIC => "bids are sealed to it",
    }
    RequirementsDeclared "requirements_declared" actor: PERSONAL, role: PUBLIC, {
        package_id: PUBLIC => "the tender",
        requirements: PUBLIC => "announced with the tender documents",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A tender's setup, new or changed.
    UpsertTenderSetup(crate::tender::TenderSetup),
    /// A tender announced: a row of the public list.
    InsertPublicTender(crate::tender::PublicTender),
    /// The change holds only if the tender's setup is still this one (refused otherwise): the
    /// announcement copies the deadline from the setup it read.
    ExpectTenderSetup(crate::tender::TenderSetup),
    /// An announced tender's submission deadline moved (no-op before the announcement).
    SetSubmissionDeadline {
        /// The package.
        package_id: crate::ids::PackageId,
        /// The new deadline.
        deadline: OffsetDateTime,
    },
    /// The change holds only while the tender has no closing entry and is not cancelled: no
    /// commitment lands after either.
    ExpectSubmissionOpen(crate::ids::PackageId),
    /// The change holds only while the tender is not cancelled (a cancelled tender stays as it was).
    ExpectNotCancelled(crate::ids::PackageId),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{UserId, WorkUnitId};
    use crate::policy::UserActor;
    use crate::role::Role;
    use crate::rules::Category;
    use time::macros::{date, datetime};

    fn member(id: UserId, tenant: TenantId) -> Actor {
        Actor::User(UserActor {
            user_id: id,
            username: "pokja".into(),
            role: Role::PokjaMember,
            tenant_id: Some(tenant),
            work_unit_id: None,
            vendor_id: None,
        })
    }

    #[test]
    fn the_pokja_sets_method_and_schedule_and_changes_it_with_a_reason() {
        let rules = crate::rules::built_in().expect("rules").pop().expect("46/2025");
        let cal = WorkingCalendar::default();
        let tenant = TenantId::new();
        let package = Package {
            id: PackageId::new(),
            tenant_id: tenant,
            work_unit_id: WorkUnitId::new(),
            plan_item_id: crate::ids::PlanItemId::new(),
            name: "Jembatan".into(),
            category: Category::Works,
            budget_ceiling: 1_000_000_000,
            owner_estimate: 900_000_000,
            hps_breakdown: vec![],
            location: "Genteng".into(),
            rule_set: rules.id.clone(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            repeat_of: None,
        };
        let ids: Vec<UserId> = (0..3).map(|_| UserId::new()).collect();
        let pokja = PokjaAssignment {
            package_id: package.id,
            tenant_id: tenant,
            members: ids.clone(),
            declared: vec![],
            assigned_at: OffsetDateTime::UNIX_EPOCH,
        };
        let now = datetime!(2026-11-02 02:00 UTC);
        let go = |who: &Actor, method, first| {
            set_up(
                who,
                &package,
                Some(&pokja),
                method,
                EvaluationMethod::SistemGugur,
                first,
                TimeZone::Wib,
                &rules,
                &cal,
                None,
                &crate::fixtures::cx(now),
            )
        };
        let outsider = member(UserId::new(), tenant);
        assert!(matches!(
            go(&outsider, Method::Tender, date!(2026 - 11 - 16)),
            Err(CommandError::Denied(_))
        ));
        let m = member(ids[0], tenant);
        assert_eq!(
            go(&m, Method::PengadaanLangsung, date!(2026 - 11 - 16)).expect_err("too big"),
            invalid("method", "direct-procurement-limit")
        );
        assert_eq!(
            go(&m, Method::Tender, date!(2026 - 10 - 30)).expect_err("past"),
            invalid("first_day", "tender-start-in-past")
        );
        let (setup, change) = go(&m, Method::Tender, date!(2026 - 11 - 16)).expect("set up");
        assert_eq!(change.events[0].event_type, "tender_scheduled");
        let sub = setup
            .stages
            .iter()
            .find(|s| s.kind == StageKind::Submission)
            .expect("submission");
        assert_eq!(
            (sub.first_day, sub.last_day),
            (date!(2026 - 11 - 20), date!(2026 - 11 - 24))
        );
        let change = |reason: &str, day| {
            change_schedule(
                &m,
                &setup,
                Some(&pokja),
                StageKind::Submission,
                day,
                reason,
                &rules,
                &cal,
                &crate::fixtures::cx(now),
            )
        };
        assert_eq!(
            change("adendum", date!(2026 - 11 - 27)).expect_err("short reason"),
            invalid("reason", "schedule-reason")
        );
        assert_eq!(
            change("Adendum spesifikasi teknis", date!(2026 - 11 - 20)).expect_err("below the minimum"),
            invalid("new_last_day", "stage-too-short")
        );
        let (moved, extended, c) =
            change("Adendum spesifikasi teknis", date!(2026 - 11 - 27)).expect("moved");
        assert!(!extended);
        assert!(
            c.events[0].payload.contains("Adendum spesifikasi teknis"),
            "the reason is published"
        );
        let opening = moved
            .stages
            .iter()
            .find(|s| s.kind == StageKind::Opening)
            .expect("opening");
        assert_eq!(opening.first_day, date!(2026 - 11 - 30), "later stages follow");
        // A change on the last afternoon of the window extends it to keep 24 hours.
        let late = datetime!(2026-11-24 06:00 UTC);
        let (after, extended, _) = change_schedule(
            &m,
            &setup,
            Some(&pokja),
            StageKind::Submission,
            date!(2026 - 11 - 24),
            "Adendum di hari terakhir",
            &rules,
            &cal,
            &crate::fixtures::cx(late),
        )
        .expect("late change");
        assert!(extended, "a late change extends the window");
        let end = after
            .schedule()
            .times()
            .into_iter()
            .find(|t| t.kind == StageKind::Submission)
            .expect("submission")
            .end;
        assert!(end - late >= Duration::hours(24));
    }
}

#[cfg(test)]
mod announce_tests {
    use super::*;
    use crate::fixtures::{now, world};

    #[test]
    fn announced_once_by_the_pokja_when_declared_scheduled_and_documented() {
        let w = world();
        let setup = w.setup();
        let cx = |documents, announced, declared: Vec<crate::ids::UserId>| {
            let mut pokja = w.pokja.clone();
            pokja.declared = declared;
            (pokja, documents, announced)
        };
        let go = |who: &Actor, (pokja, documents, announced): (PokjaAssignment, usize, bool), setup| {
            announce(
                who,
                &w.package,
                AnnounceContext {
                    assignment: Some(&pokja),
                    setup,
                    announced,
                    documents,
                    work_unit_name: "Dinas PU",
                    regency_name: "Banyuwangi",
                    bid_recipient: Some("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"),
                },
                &crate::fixtures::cx(now()),
            )
        };
        let all = w.pokja.members.clone();
        assert_eq!(
            go(&w.lead(), cx(1, false, all[..2].to_vec()), Some(&setup)).expect_err("one member"),
            invalid("package_id", "declarations-missing")
        );
        assert_eq!(
            go(&w.lead(), cx(0, false, all.clone()), Some(&setup)).expect_err("no document"),
            invalid("package_id", "no-documents")
        );
        assert_eq!(
            go(&w.lead(), cx(1, false, all.clone()), None).expect_err("no schedule"),
            invalid("package_id", "tender-not-set-up")
        );
        assert_eq!(
            go(&w.lead(), cx(1, true, all.clone()), Some(&setup)).expect_err("twice"),
            invalid("package_id", "already-announced")
        );
        assert!(matches!(
            go(&w.ppk, cx(1, false, all.clone()), Some(&setup)),
            Err(CommandError::Denied(_))
        ));
        let (t, change) = go(&w.lead(), cx(1, false, all), Some(&setup)).expect("announce");
        assert_eq!(change.events[0].event_type, "tender_announced");
        assert_eq!(Some(t.submission_deadline), submission_deadline(&setup));
        // Found by the stems of its name, unit and regency.
        for word in ["membangun", "jembatan", "kedungasri", "banyuwangi", "dinas"] {
            let term = crate::stem::stem(word);
            assert!(
                t.search_terms.split(' ').any(|x| x == term),
                "{word}: {}",
                t.search_terms
            );
        }
        assert_eq!(current_stage(&setup, now()), Some(StageKind::Announcement));
    }

    /// Requirements are the pokja's to declare, once or again, until the announcement; they are
    /// checked as entered and leave one public event.
    #[test]
    fn the_pokja_declares_requirements_until_the_announcement() {
        use crate::qualification::Requirements;
        let w = crate::fixtures::world();
        let setup = w.setup();
        let r = Requirements {
            kbli: vec!["42101".into()],
            tax: true,
            ..Default::default()
        };
        let cx = crate::fixtures::cx(crate::fixtures::now());
        let (new, change) =
            declare_requirements(&w.lead(), &setup, Some(&w.pokja), false, r.clone(), &cx).expect("declared");
        assert_eq!(new.requirements, r);
        assert_eq!(change.events.len(), 1);
        assert_eq!(change.events[0].event_type, "requirements_declared");
        assert_eq!(change.mutations[0], Mutation::ExpectTenderSetup(setup.clone()));
        let outsider = crate::fixtures::member(crate::ids::UserId::new(), w.tenant);
        assert!(matches!(
            declare_requirements(&outsider, &setup, Some(&w.pokja), false, r.clone(), &cx),
            Err(CommandError::Denied(_))
        ));
        assert!(matches!(
            declare_requirements(&w.ppk, &setup, Some(&w.pokja), false, r.clone(), &cx),
            Err(CommandError::Denied(_))
        ));
        assert_eq!(
            declare_requirements(&w.lead(), &setup, Some(&w.pokja), true, r, &cx).err(),
            Some(invalid("requirements", "already-announced"))
        );
        let bad = Requirements {
            kbli: vec!["4210".into()],
            ..Default::default()
        };
        assert_eq!(
            declare_requirements(&w.lead(), &setup, Some(&w.pokja), false, bad, &cx).err(),
            Some(invalid("requirements", "invalid-requirements"))
        );
    }
}
