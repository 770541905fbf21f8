//! Working days: weekends, national holidays and cuti bersama, kept per year as data that an
//! administrator updates when the government publishes them (SKB 3 Menteri), never as constants.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Weekday};

/// Why a day is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// A national holiday (hari libur nasional).
    Holiday,
    /// A collective leave day (cuti bersama).
    CutiBersama,
}

/// A day off with its name, e.g. "Idul Fitri 1447 H".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOff {
    /// The date.
    #[serde(with = "crate::rules::iso_date")]
    pub date: Date,
    /// Which kind.
    pub kind: DayOffKind,
    /// Its name, as the decree gives it.
    pub name: String,
}

impl DayOffKind {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            DayOffKind::Holiday => "holiday",
            DayOffKind::CutiBersama => "cuti_bersama",
        }
    }

    /// Parses [`DayOffKind::code`].
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(DayOffKind::Holiday),
            "cuti_bersama" => Some(DayOffKind::CutiBersama),
            _ => None,
        }
    }
}

/// A platform administrator records a national holiday or cuti bersama (from the SKB); it then
/// counts in every regency's schedule.
pub fn set_day_off(
    actor: &crate::policy::Actor,
    day: DayOff,
    cx: &crate::Cx<'_>,
) -> Result<crate::command::Change<Mutation>, crate::command::CommandError> {
    use crate::command::{Change, CommandError};
    crate::policy::authorize(actor, crate::policy::Action::ManageCalendar)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(crate::policy::Denied::Unauthenticated))?;
    let name = crate::command::valid_name("name", &day.name)?;
    if !(2000..=2100).contains(&day.date.year()) {
        return Err(CommandError::Invalid {
            field: "date",
            code: "invalid-date",
        });
    }
    let day = DayOff { name, ..day };
    let event = crate::event::NewEvent::new(
        cx,
        None,
        Some(a.user_id),
        Some(a.role),
        &Event::DayOffSet { day: day.clone() },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::UpsertDayOff(day)],
    })
}

/// A platform administrator removes a day off entered by mistake.
pub fn remove_day_off(
    actor: &crate::policy::Actor,
    date: Date,
    cx: &crate::Cx<'_>,
) -> Result<crate::command::Change<Mutation>, crate::command::CommandError> {
    use crate::command::{Change, CommandError};
    crate::policy::authorize(actor, crate::policy::Action::ManageCalendar)?;
    let a = actor
        .user()
        .ok_or(CommandError::Denied(crate::policy::Denied::Unauthenticated))?;
    let event = crate::event::NewEvent::new(
        cx,
        None,
        Some(a.user_id),
        Some(a.role),
        &Event::DayOffRemoved { date },
    )?;
    Ok(Change {
        events: vec![event],
        mutations: vec![Mutation::DeleteDayOff(date)],
    })
}

/// The working-day calendar: Monday to Friday, minus the days off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    off: BTreeMap<Date, DayOff>,
}

/// A request that would run past any sensible horizon (a bug or absurd input, never silently looped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no working day within {0} days")]
pub struct NoWorkingDay(pub u32);

/// How far the calendar searches for a working day before giving up.
const HORIZON_DAYS: u32 = 3660;

impl WorkingCalendar {
    /// A calendar with these days off.
    pub fn new(days: impl IntoIterator<Item = DayOff>) -> Self {
        Self {
            off: days.into_iter().map(|d| (d.date, d)).collect(),
        }
    }

    /// The days off, in date order.
    pub fn days_off(&self) -> impl Iterator<Item = &DayOff> {
        self.off.values()
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.off.contains_key(&d)
    }

    /// `d` if it is a working day, else the next one.
    pub fn next_working_day(&self, d: Date) -> Result<Date, NoWorkingDay> {
        let mut day = d;
        for _ in 0..HORIZON_DAYS {
            if self.is_working_day(day) {
                return Ok(day);
            }
            day = day.next_day().ok_or(NoWorkingDay(HORIZON_DAYS))?;
        }
        Err(NoWorkingDay(HORIZON_DAYS))
    }

    /// The last day of a stage of `n` working days (n ≥ 1) whose first day is the first working
    /// day on or after `first`.
    pub fn working_days_end(&self, first: Date, n: u32) -> Result<Date, NoWorkingDay> {
        let mut day = self.next_working_day(first)?;
        for _ in 1..n.max(1) {
            day = self.next_working_day(day.next_day().ok_or(NoWorkingDay(HORIZON_DAYS))?)?;
        }
        Ok(day)
    }

    /// Working days from `a` to `b`, both included.
    pub fn working_days_between(&self, a: Date, b: Date) -> u32 {
        let mut n = 0;
        let mut d = a;
        while d <= b {
            if self.is_working_day(d) {
                n += 1;
            }
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
        }
        n
    }
}

/// What happened in this stage; the `type` tag is the event type stored beside the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A national holiday or cuti bersama was recorded (or renamed).
    DayOffSet {
        /// The day.
        day: crate::calendar::DayOff,
    },
    /// A day off was removed.
    DayOffRemoved {
        /// The date.
        #[serde(with = "crate::rules::iso_date")]
        date: time::Date,
    },
}

crate::privacy::event_table! {
    DayOffSet "day_off_set" actor: PERSONAL, role: PUBLIC, {
        day: PUBLIC => "national holidays and cuti bersama are public",
    }
    DayOffRemoved "day_off_removed" actor: PERSONAL, role: PUBLIC, {
        date: PUBLIC => "the day",
    }
}

/// A state mutation of this stage, always applied together with the events that explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// A day off is recorded or renamed.
    UpsertDayOff(crate::calendar::DayOff),
    /// A day off is removed (none: nothing to do, and the change fails).
    DeleteDayOff(time::Date),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Idul Fitri 1447 H as the tests assume it (the real calendar is data): holidays on Friday
    /// 20 and Saturday 21 March 2026, cuti bersama on Thursday 19, Monday 23 and Tuesday 24.
    pub(crate) fn lebaran_2026() -> WorkingCalendar {
        let day = |date, kind, name: &str| DayOff {
            date,
            kind,
            name: name.into(),
        };
        WorkingCalendar::new([
            day(
                date!(2026 - 03 - 19),
                DayOffKind::CutiBersama,
                "Cuti bersama Idul Fitri",
            ),
            day(date!(2026 - 03 - 20), DayOffKind::Holiday, "Idul Fitri 1447 H"),
            day(date!(2026 - 03 - 21), DayOffKind::Holiday, "Idul Fitri 1447 H"),
            day(
                date!(2026 - 03 - 23),
                DayOffKind::CutiBersama,
                "Cuti bersama Idul Fitri",
            ),
            day(
                date!(2026 - 03 - 24),
                DayOffKind::CutiBersama,
                "Cuti bersama Idul Fitri",
            ),
        ])
    }

    #[test]
    fn five_working_days_across_lebaran() {
        let cal = lebaran_2026();
        // From Tuesday 17 March: Tue 17, Wed 18, then Thu 19 – Tue 24 are off or weekend, then
        // Wed 25, Thu 26, Fri 27.
        assert_eq!(
            cal.working_days_end(date!(2026 - 03 - 17), 5),
            Ok(date!(2026 - 03 - 27))
        );
        assert_eq!(
            cal.working_days_between(date!(2026 - 03 - 17), date!(2026 - 03 - 27)),
            5
        );
        // Without the days off it would have ended on Monday 23.
        assert_eq!(
            WorkingCalendar::default().working_days_end(date!(2026 - 03 - 17), 5),
            Ok(date!(2026 - 03 - 23))
        );
        // A stage asked to start on the holiday starts on the next working day.
        assert_eq!(
            cal.next_working_day(date!(2026 - 03 - 20)),
            Ok(date!(2026 - 03 - 25))
        );
        assert!(!cal.is_working_day(date!(2026 - 03 - 22)), "Sunday");
        assert!(cal.is_working_day(date!(2026 - 03 - 18)));
    }
}
