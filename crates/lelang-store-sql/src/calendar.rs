//! The national calendar's days off, shared by every regency's schedules.

use crate::{ApplyError, Db, Row, args};
use lelang_core::calendar::{DayOff, DayOffKind};
use time::{Date, Month};

/// The days off, of one year or all, in date order.
pub async fn days_off<D: Db>(db: &mut D, year: Option<i32>) -> Result<Vec<DayOff>, sqlx::Error> {
    let rows = match year {
        None => {
            db.fetch_all("SELECT * FROM days_off ORDER BY date", args![])
                .await?
        }
        Some(y) => {
            // A range of dates reads the same in both encodings (ISO text, DATE). A year no date
            // can be in has no days off.
            let first = |y: i32| Date::from_calendar_date(y, Month::January, 1).ok();
            match (first(y), y.checked_add(1).and_then(first)) {
                (None, _) => return Ok(Vec::new()),
                (Some(from), Some(to)) => {
                    db.fetch_all(
                        "SELECT * FROM days_off WHERE date >= $1 AND date < $2 ORDER BY date",
                        args![from, to],
                    )
                    .await?
                }
                (Some(from), None) => {
                    db.fetch_all(
                        "SELECT * FROM days_off WHERE date >= $1 ORDER BY date",
                        args![from],
                    )
                    .await?
                }
            }
        }
    };
    rows.iter()
        .map(|r| {
            let kind = r.text("kind")?;
            Ok(DayOff {
                date: r.date("date")?,
                kind: DayOffKind::from_code(&kind)
                    .ok_or_else(|| sqlx::Error::Decode(format!("day-off kind {kind}").into()))?,
                name: r.text("name")?,
            })
        })
        .collect()
}

/// Adds or renames a day off.
pub async fn upsert_day_off<D: Db>(db: &mut D, d: &DayOff) -> Result<(), ApplyError> {
    db.execute(
        "INSERT INTO days_off (date, kind, name) VALUES ($1, $2, $3) \
         ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name",
        args![d.date, d.kind.code(), d.name.as_str()],
    )
    .await?;
    Ok(())
}

/// Removes a day off (not found if there is none).
pub async fn delete_day_off<D: Db>(db: &mut D, date: Date) -> Result<(), ApplyError> {
    if db
        .execute("DELETE FROM days_off WHERE date = $1", args![date])
        .await?
        != 1
    {
        return Err(sqlx::Error::RowNotFound.into());
    }
    Ok(())
}
