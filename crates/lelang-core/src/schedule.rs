//! The schedule engine: a tender's stages laid on the regency's working-day calendar, in its own
//! time zone, stored in UTC. Stages never overlap and never run out of order — a property test
//! holds the engine to that whatever the calendar, lengths or changes.

use crate::calendar::{NoWorkingDay, WorkingCalendar};
use crate::model::TimeZone;
use crate::rules::{DayUnit, RuleSet, RuleViolation, StageKind};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// The hours of a working day in the regency's local time: stages open at `start` on their first
/// day and close at `end` on their last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    /// Opening time.
    pub start: Time,
    /// Closing time (after `start`).
    pub end: Time,
}

impl Default for WorkingHours {
    fn default() -> Self {
        Self {
            start: time::macros::time!(08:00),
            end: time::macros::time!(16:00),
        }
    }
}

/// One stage, by days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedStage {
    /// Which stage.
    pub kind: StageKind,
    /// Whether its length counts working or calendar days.
    pub unit: DayUnit,
    /// Its length in that unit.
    pub days: u32,
    /// Its first day.
    #[serde(with = "crate::rules::iso_date")]
    pub first_day: Date,
    /// Its last day (always a working day).
    #[serde(with = "crate::rules::iso_date")]
    pub last_day: Date,
}

/// A stage with its opening and closing instants, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTimes {
    /// Which stage.
    pub kind: StageKind,
    /// When it opens.
    pub start: OffsetDateTime,
    /// When it closes.
    pub end: OffsetDateTime,
}

/// Why a schedule cannot be made or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// A stage of zero days, or no stages at all.
    #[error("a stage needs at least one day")]
    EmptyStage,
    /// No such stage.
    #[error("no stage {0}")]
    NoStage(usize),
    /// A new end before the stage's start.
    #[error("a stage cannot end before it starts")]
    EndBeforeStart,
    /// A stage shorter than its rule set allows.
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    /// The calendar has no working day within reach.
    #[error(transparent)]
    Calendar(#[from] NoWorkingDay),
    /// A date past the end of the calendar (year 9999).
    #[error("a date beyond the calendar")]
    OutOfRange,
}

/// `days` after `d`, or [`ScheduleError::OutOfRange`] past the calendar's end.
fn after(d: Date, days: i64) -> Result<Date, ScheduleError> {
    d.checked_add(Duration::days(days))
        .ok_or(ScheduleError::OutOfRange)
}

/// A tender's schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The regency's time zone.
    pub time_zone: TimeZone,
    /// Its working hours.
    pub hours: WorkingHours,
    /// The stages, in order.
    pub stages: Vec<PlannedStage>,
}

fn local_instant(day: Date, at: Time, tz: TimeZone) -> OffsetDateTime {
    let offset = UtcOffset::from_hms(tz.utc_offset_hours(), 0, 0).unwrap_or(UtcOffset::UTC);
    PrimitiveDateTime::new(day, at)
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

/// Lays one stage from the first day it may start on.
fn lay(
    kind: StageKind,
    unit: DayUnit,
    days: u32,
    earliest: Date,
    cal: &WorkingCalendar,
) -> Result<PlannedStage, ScheduleError> {
    if days == 0 {
        return Err(ScheduleError::EmptyStage);
    }
    let (first_day, last_day) = match unit {
        DayUnit::Working => {
            let first = cal.next_working_day(earliest)?;
            (first, cal.working_days_end(first, days)?)
        }
        // A calendar period starts at once and, if it would end on a day off, ends on the next
        // working day (an objection period ends on a working day, within working hours).
        DayUnit::Calendar => (
            earliest,
            cal.next_working_day(after(earliest, i64::from(days) - 1)?)?,
        ),
    };
    Ok(PlannedStage {
        kind,
        unit,
        days,
        first_day,
        last_day,
    })
}

impl Schedule {
    /// Lays out `stages` (kind, unit, days) one after another from `first_day`.
    pub fn plan(
        time_zone: TimeZone,
        hours: WorkingHours,
        first_day: Date,
        stages: &[(StageKind, DayUnit, u32)],
        cal: &WorkingCalendar,
    ) -> Result<Self, ScheduleError> {
        if stages.is_empty() {
            return Err(ScheduleError::EmptyStage);
        }
        let mut out = Vec::with_capacity(stages.len());
        let mut earliest = first_day;
        for &(kind, unit, days) in stages {
            let s = lay(kind, unit, days, earliest, cal)?;
            earliest = after(s.last_day, 1)?;
            out.push(s);
        }
        Ok(Self {
            time_zone,
            hours,
            stages: out,
        })
    }

    /// The default schedule of a rule set, from `first_day`.
    pub fn from_rules(
        rules: &RuleSet,
        time_zone: TimeZone,
        first_day: Date,
        cal: &WorkingCalendar,
    ) -> Result<Self, ScheduleError> {
        let stages: Vec<_> = rules.stages.iter().map(|r| (r.kind, r.unit, r.days)).collect();
        Self::plan(time_zone, WorkingHours::default(), first_day, &stages, cal)
    }

    /// Each stage's opening and closing instants in UTC.
    pub fn times(&self) -> Vec<StageTimes> {
        self.stages
            .iter()
            .map(|s| StageTimes {
                kind: s.kind,
                start: local_instant(s.first_day, self.hours.start, self.time_zone),
                end: local_instant(s.last_day, self.hours.end, self.time_zone),
            })
            .collect()
    }

    /// Checks every stage against its rule set's minimum length; the error names the rule.
    pub fn check(&self, rules: &RuleSet, cal: &WorkingCalendar) -> Result<(), ScheduleError> {
        for r in &rules.stages {
            let Some(s) = self.stages.iter().find(|s| s.kind == r.kind) else {
                continue;
            };
            let len = match r.unit {
                DayUnit::Working => cal.working_days_between(s.first_day, s.last_day),
                DayUnit::Calendar => ((s.last_day - s.first_day).whole_days() + 1).max(0) as u32,
            };
            if len < r.days {
                return Err(RuleViolation {
                    rule_set: rules.id.clone(),
                    rule: "stage-too-short",
                }
                .into());
            }
        }
        Ok(())
    }

    /// Moves the last day of stage `index` (earlier or later); every later stage keeps its length
    /// and follows. Returns the new schedule.
    pub fn change_last_day(
        &self,
        index: usize,
        new_last_day: Date,
        cal: &WorkingCalendar,
    ) -> Result<Self, ScheduleError> {
        let s = *self.stages.get(index).ok_or(ScheduleError::NoStage(index))?;
        let last = cal.next_working_day(new_last_day)?;
        if last < s.first_day {
            return Err(ScheduleError::EndBeforeStart);
        }
        let days = match s.unit {
            DayUnit::Working => cal.working_days_between(s.first_day, last).max(1),
            DayUnit::Calendar => ((last - s.first_day).whole_days() + 1).max(1) as u32,
        };
        let mut out = self.clone();
        out.stages[index] = PlannedStage {
            days,
            last_day: last,
            ..s
        };
        out.follow(index + 1, cal)?;
        Ok(out)
    }

    /// After a change made at `now`: if the submission window is open and fewer than
    /// `min_remaining` would remain, it is extended to close at the end of the first working day
    /// that leaves at least that much, and later stages follow. Returns whether it was extended.
    pub fn protect_submission(
        &self,
        now: OffsetDateTime,
        min_remaining: Duration,
        cal: &WorkingCalendar,
    ) -> Result<(Self, bool), ScheduleError> {
        let times = self.times();
        let Some(i) = self.stages.iter().position(|s| s.kind == StageKind::Submission) else {
            return Ok((self.clone(), false));
        };
        let (start, end) = (times[i].start, times[i].end);
        if now < start || now >= end || end - now >= min_remaining {
            return Ok((self.clone(), false));
        }
        let needed = now.checked_add(min_remaining).ok_or(ScheduleError::OutOfRange)?;
        let offset = UtcOffset::from_hms(self.time_zone.utc_offset_hours(), 0, 0).unwrap_or(UtcOffset::UTC);
        let mut day = cal.next_working_day(needed.to_offset(offset).date())?;
        while local_instant(day, self.hours.end, self.time_zone) < needed {
            day = cal.next_working_day(after(day, 1)?)?;
        }
        Ok((self.change_last_day(i, day, cal)?, true))
    }

    /// Re-lays stages `from..` after their predecessors, keeping each one's length.
    fn follow(&mut self, from: usize, cal: &WorkingCalendar) -> Result<(), ScheduleError> {
        for i in from..self.stages.len() {
            let earliest = after(self.stages[i - 1].last_day, 1)?;
            let s = self.stages[i];
            self.stages[i] = lay(s.kind, s.unit, s.days, earliest, cal)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayOff, DayOffKind};
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn lebaran() -> WorkingCalendar {
        let off = |d, kind| DayOff {
            date: d,
            kind,
            name: "Idul Fitri".into(),
        };
        WorkingCalendar::new([
            off(date!(2026 - 03 - 19), DayOffKind::CutiBersama),
            off(date!(2026 - 03 - 20), DayOffKind::Holiday),
            off(date!(2026 - 03 - 21), DayOffKind::Holiday),
            off(date!(2026 - 03 - 23), DayOffKind::CutiBersama),
            off(date!(2026 - 03 - 24), DayOffKind::CutiBersama),
        ])
    }

    #[test]
    fn a_five_working_day_stage_across_idul_fitri() {
        let s = Schedule::plan(
            TimeZone::Wib,
            WorkingHours::default(),
            date!(2026 - 03 - 17),
            &[
                (StageKind::Announcement, DayUnit::Working, 5),
                (StageKind::Clarification, DayUnit::Working, 1),
            ],
            &lebaran(),
        )
        .expect("plan");
        assert_eq!(
            (s.stages[0].first_day, s.stages[0].last_day),
            (date!(2026 - 03 - 17), date!(2026 - 03 - 27))
        );
        assert_eq!(
            s.stages[1].first_day,
            date!(2026 - 03 - 30),
            "Monday after the weekend"
        );
        let t = s.times();
        // 08:00 WIB is 01:00 UTC; 16:00 WIB is 09:00 UTC.
        assert_eq!(t[0].start, datetime!(2026-03-17 01:00 UTC));
        assert_eq!(t[0].end, datetime!(2026-03-27 09:00 UTC));
    }

    #[test]
    fn dates_at_the_end_of_the_calendar_are_an_error_not_a_panic() {
        let stages = [
            (StageKind::Announcement, DayUnit::Working, 5),
            (StageKind::Objection, DayUnit::Calendar, 5),
        ];
        for first in [
            date!(9999 - 12 - 24),
            date!(9999 - 12 - 29),
            date!(9999 - 12 - 31),
        ] {
            let r = Schedule::plan(TimeZone::Wib, WorkingHours::default(), first, &stages, &lebaran());
            assert!(r.is_err(), "{first}");
        }
        let s = Schedule::plan(
            TimeZone::Wib,
            WorkingHours::default(),
            date!(2026 - 11 - 02),
            &stages,
            &lebaran(),
        )
        .expect("plan");
        assert!(s.change_last_day(0, date!(9999 - 12 - 30), &lebaran()).is_err());
    }

    #[test]
    fn an_objection_period_ending_on_a_day_off_ends_on_the_next_working_day() {
        // Announced Friday 13 March: five calendar days end Tuesday 17 — a working day.
        let s = Schedule::plan(
            TimeZone::Wita,
            WorkingHours::default(),
            date!(2026 - 03 - 13),
            &[(StageKind::Objection, DayUnit::Calendar, 5)],
            &lebaran(),
        )
        .expect("plan");
        assert_eq!(s.stages[0].last_day, date!(2026 - 03 - 17));
        // From Monday 16: they would end Friday 20, Idul Fitri, so they end Wednesday 25.
        let s = Schedule::plan(
            TimeZone::Wita,
            WorkingHours::default(),
            date!(2026 - 03 - 16),
            &[(StageKind::Objection, DayUnit::Calendar, 5)],
            &lebaran(),
        )
        .expect("plan");
        assert_eq!(s.stages[0].last_day, date!(2026 - 03 - 25));
        assert_eq!(s.times()[0].end, datetime!(2026-03-25 08:00 UTC), "16:00 WITA");
    }

    #[test]
    fn a_late_change_extends_the_submission_window() {
        let cal = WorkingCalendar::default();
        let s = Schedule::plan(
            TimeZone::Wib,
            WorkingHours::default(),
            date!(2026 - 11 - 02),
            &[
                (StageKind::Submission, DayUnit::Working, 3),
                (StageKind::Opening, DayUnit::Working, 1),
            ],
            &cal,
        )
        .expect("plan");
        // Submission closes Wednesday 4 November 16:00 WIB (09:00 UTC). An addendum at 10:00 WIB
        // that day leaves 6 hours; the rule wants 24.
        let now = datetime!(2026-11-04 03:00 UTC);
        let (changed, extended) = s
            .protect_submission(now, Duration::hours(24), &cal)
            .expect("protect");
        assert!(extended);
        assert_eq!(changed.stages[0].last_day, date!(2026 - 11 - 05));
        assert!(changed.times()[0].end - now >= Duration::hours(24));
        assert_eq!(
            changed.stages[1].first_day,
            date!(2026 - 11 - 06),
            "opening follows"
        );
        // Early in the window nothing changes.
        let (same, extended) = s
            .protect_submission(datetime!(2026-11-02 03:00 UTC), Duration::hours(24), &cal)
            .expect("protect");
        assert!(!extended);
        assert_eq!(same, s);
    }

    #[test]
    fn the_rules_minimums_are_enforced_by_name() {
        let rules = crate::rules::built_in().expect("rules").pop().expect("newest");
        let cal = WorkingCalendar::default();
        let s = Schedule::from_rules(&rules, TimeZone::Wib, date!(2026 - 11 - 02), &cal).expect("plan");
        s.check(&rules, &cal)
            .expect("the defaults satisfy their own rules");
        let sub = s
            .stages
            .iter()
            .position(|st| st.kind == StageKind::Submission)
            .expect("submission");
        let shorter = s
            .change_last_day(sub, s.stages[sub].first_day, &cal)
            .expect("change");
        let v = shorter.check(&rules, &cal).expect_err("too short");
        assert!(matches!(
            v,
            ScheduleError::Rule(RuleViolation {
                rule: "stage-too-short",
                ..
            })
        ));
        assert!(matches!(
            s.change_last_day(sub, s.stages[sub].first_day - Duration::days(3), &cal),
            Err(ScheduleError::EndBeforeStart)
        ));
    }

    fn assert_well_formed(s: &Schedule, cal: &WorkingCalendar) -> Result<(), TestCaseError> {
        let t = s.times();
        for (i, st) in t.iter().enumerate() {
            prop_assert!(st.start < st.end, "stage {i} ends before it starts");
            prop_assert!(
                cal.is_working_day(s.stages[i].last_day),
                "stage {i} ends on a day off"
            );
            if s.stages[i].unit == DayUnit::Working {
                prop_assert!(cal.is_working_day(s.stages[i].first_day));
            }
            if i > 0 {
                prop_assert!(
                    t[i - 1].end < st.start,
                    "stages {} and {i} overlap or are out of order",
                    i - 1
                );
                prop_assert_eq!(
                    s.stages[i - 1].last_day + Duration::days(1) <= s.stages[i].first_day,
                    true
                );
            }
        }
        Ok(())
    }

    proptest! {
        /// Whatever the calendar, the lengths and the changes, stages never overlap and never run
        /// out of order.
        #[test]
        fn stages_never_overlap_or_reorder(
            lengths in prop::collection::vec((any::<bool>(), 1u32..12), 1..10),
            start in 0i64..700,
            offs in prop::collection::vec(0i64..800, 0..60),
            changes in prop::collection::vec((0usize..10, -10i64..15), 0..6),
            late in 0i64..(24 * 60),
            tz in 0u8..3,
        ) {
            let base = date!(2026 - 01 - 01);
            let cal = WorkingCalendar::new(offs.iter().map(|d| DayOff { date: base + Duration::days(*d), kind: DayOffKind::Holiday, name: "libur".into() }));
            let tz = [TimeZone::Wib, TimeZone::Wita, TimeZone::Wit][tz as usize];
            let kinds = [StageKind::Announcement, StageKind::Clarification, StageKind::Submission, StageKind::Opening, StageKind::Evaluation,
                StageKind::QualificationProof, StageKind::Award, StageKind::AwardAnnouncement, StageKind::Objection, StageKind::ObjectionAnswer];
            let specs: Vec<_> = lengths.iter().enumerate().map(|(i, (working, d))| {
                (kinds[i], if *working { DayUnit::Working } else { DayUnit::Calendar }, *d)
            }).collect();
            let mut s = Schedule::plan(tz, WorkingHours::default(), base + Duration::days(start), &specs, &cal).expect("plan");
            assert_well_formed(&s, &cal)?;
            for (i, delta) in changes {
                let i = i % s.stages.len();
                if let Ok(next) = s.change_last_day(i, s.stages[i].last_day + Duration::days(delta), &cal) {
                    s = next;
                    assert_well_formed(&s, &cal)?;
                }
            }
            if let Some(sub) = s.times().iter().find(|t| t.kind == StageKind::Submission).copied() {
                let now = sub.start + Duration::minutes(late);
                let (next, _) = s.protect_submission(now, Duration::hours(24), &cal).expect("protect");
                assert_well_formed(&next, &cal)?;
                if now < sub.end {
                    let end = next.times().iter().find(|t| t.kind == StageKind::Submission).expect("still there").end;
                    prop_assert!(end - now >= Duration::hours(24) || end == sub.end);
                }
            }
        }
    }
}
