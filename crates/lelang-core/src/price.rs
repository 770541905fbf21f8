//! A bid's price schedule (daftar kuantitas dan harga) and its arithmetic correction (koreksi
//! aritmatik): volume × unit price prevails over the amount the bidder wrote, the unit price is
//! never changed, and the corrected total is the sum of the corrected lines (Peraturan LKPP
//! 12/2021, evaluation of price). The schedule travels inside the sealed archive, so whatever the
//! pokja corrects, the bidder can recompute from its own copy.

use crate::rules::Rupiah;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most lines a schedule (and its life-cycle part) may hold.
pub const MAX_LINES: usize = 5_000;
/// The longest item or unit text, in characters.
const MAX_TEXT: usize = 500;
/// The largest unit price or amount: a thousand trillion rupiah.
const MAX_AMOUNT: Rupiah = 1_000_000_000_000_000;
/// The largest volume, in units.
const MAX_VOLUME_UNITS: i64 = 1_000_000_000_000;

/// A quantity with up to four decimals, kept as ten-thousandths so that arithmetic is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Volume(pub i64);

impl Volume {
    /// Ten-thousandths in one unit.
    pub const SCALE: i64 = 10_000;

    /// Parses `12`, `12.5` or `0.0025`: digits, at most four decimals, not negative.
    pub fn parse(s: &str) -> Option<Volume> {
        let s = s.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 13 || frac.len() > 4 || !digits(whole) || !digits(frac) {
            return None;
        }
        let w: i64 = whole.parse().ok()?;
        let f: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<4}").parse().ok()?
        };
        let v = w.checked_mul(Self::SCALE)?.checked_add(f)?;
        (w <= MAX_VOLUME_UNITS).then_some(Volume(v))
    }
}

impl std::fmt::Display for Volume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, r) = (self.0 / Self::SCALE, self.0 % Self::SCALE);
        if r == 0 {
            write!(f, "{w}")
        } else {
            let frac = format!("{r:04}");
            write!(f, "{w}.{}", frac.trim_end_matches('0'))
        }
    }
}

impl Serialize for Volume {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Volume {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Volume;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a volume: a decimal string or number with at most four decimals")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Volume, E> {
                Volume::parse(s).ok_or_else(|| E::custom("invalid volume"))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Volume, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Volume, E> {
                self.visit_str(&n.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Volume, E> {
                // A JSON number with decimals: taken only when four decimals hold it exactly.
                let scaled = n * Volume::SCALE as f64;
                if n.is_finite() && n >= 0.0 && scaled.fract() == 0.0 && scaled < 1e17 {
                    Ok(Volume(scaled as i64))
                } else {
                    Err(E::custom("invalid volume"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// One line of a price schedule, as the bidder wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceLine {
    /// What is priced.
    pub item: String,
    /// Its unit (m², unit, month, …).
    #[serde(default)]
    pub unit: String,
    /// How many.
    pub volume: Volume,
    /// The unit price: never corrected.
    pub unit_price: Rupiah,
    /// The amount the bidder wrote for the line.
    pub amount: Rupiah,
}

/// A bid's price schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceSchedule {
    /// The lines.
    pub lines: Vec<PriceLine>,
    /// The total the bidder wrote.
    pub total: Rupiah,
    /// Operating and maintenance costs over the economic life, for life-cycle cost evaluation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub life_cycle: Vec<PriceLine>,
}

/// One line whose written amount differs from volume × unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCorrection {
    /// Which part: `price` or `life_cycle`.
    pub part: String,
    /// The line's position, from 1.
    pub line: u32,
    /// Volume.
    pub volume: Volume,
    /// Unit price.
    pub unit_price: Rupiah,
    /// The amount written.
    pub written: Rupiah,
    /// Volume × unit price, rounded half up to the rupiah.
    pub corrected: Rupiah,
}

/// A schedule after correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrected {
    /// The total the bidder wrote.
    pub written_total: Rupiah,
    /// The sum of the corrected lines.
    pub total: Rupiah,
    /// The corrected life-cycle costs (zero when none were priced).
    pub life_cycle_total: Rupiah,
    /// The lines that changed, in order.
    pub corrections: Vec<LineCorrection>,
}

/// Why a schedule cannot be corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// No priced line.
    #[error("the price schedule has no line")]
    Empty,
    /// More lines than a schedule may hold.
    #[error("the price schedule has more than 5,000 lines")]
    TooManyLines,
    /// A text too long or with control characters.
    #[error("a line's item or unit is not readable text")]
    BadText,
    /// A negative or absurd amount.
    #[error("an amount or unit price is out of range")]
    OutOfRange,
}

/// Volume × unit price, rounded half up to the rupiah (none: beyond any rupiah amount).
pub fn line_amount(volume: Volume, unit_price: Rupiah) -> Option<Rupiah> {
    let x = i128::from(volume.0) * i128::from(unit_price);
    let s = i128::from(Volume::SCALE);
    Rupiah::try_from((x + s / 2) / s).ok()
}

fn check_line(l: &PriceLine) -> Result<(), ScheduleError> {
    let text_ok = |t: &str| t.chars().count() <= MAX_TEXT && !t.chars().any(char::is_control);
    if !text_ok(&l.item) || !text_ok(&l.unit) {
        return Err(ScheduleError::BadText);
    }
    let in_range = |a: Rupiah| (0..=MAX_AMOUNT).contains(&a);
    if !in_range(l.unit_price) || !in_range(l.amount) || l.volume.0 < 0 {
        return Err(ScheduleError::OutOfRange);
    }
    Ok(())
}

fn correct_part(
    part: &str,
    lines: &[PriceLine],
    out: &mut Vec<LineCorrection>,
) -> Result<Rupiah, ScheduleError> {
    let mut total: i128 = 0;
    for (i, l) in lines.iter().enumerate() {
        check_line(l)?;
        let corrected = line_amount(l.volume, l.unit_price)
            .filter(|a| *a <= MAX_AMOUNT)
            .ok_or(ScheduleError::OutOfRange)?;
        if corrected != l.amount {
            out.push(LineCorrection {
                part: part.to_owned(),
                line: (i + 1) as u32,
                volume: l.volume,
                unit_price: l.unit_price,
                written: l.amount,
                corrected,
            });
        }
        total += i128::from(corrected);
    }
    Rupiah::try_from(total)
        .ok()
        .filter(|t| *t <= MAX_AMOUNT)
        .ok_or(ScheduleError::OutOfRange)
}

/// Corrects a schedule: every line becomes volume × unit price; the total is their sum.
pub fn correct(s: &PriceSchedule) -> Result<Corrected, ScheduleError> {
    if s.lines.is_empty() {
        return Err(ScheduleError::Empty);
    }
    if s.lines.len() > MAX_LINES || s.life_cycle.len() > MAX_LINES {
        return Err(ScheduleError::TooManyLines);
    }
    if !(0..=MAX_AMOUNT).contains(&s.total) {
        return Err(ScheduleError::OutOfRange);
    }
    let mut corrections = Vec::new();
    let total = correct_part("price", &s.lines, &mut corrections)?;
    let life_cycle_total = correct_part("life_cycle", &s.life_cycle, &mut corrections)?;
    Ok(Corrected {
        written_total: s.total,
        total,
        life_cycle_total,
        corrections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(volume: &str, unit_price: Rupiah, amount: Rupiah) -> PriceLine {
        PriceLine {
            item: "x".into(),
            unit: "m2".into(),
            volume: Volume::parse(volume).expect("volume"),
            unit_price,
            amount,
        }
    }

    #[test]
    fn volumes_parse_exactly_and_print_back() {
        for (s, v) in [
            ("12", 120_000),
            ("12.5", 125_000),
            ("0.0025", 25),
            ("7.10", 71_000),
        ] {
            assert_eq!(Volume::parse(s), Some(Volume(v)), "{s}");
        }
        assert_eq!(Volume(125_000).to_string(), "12.5");
        assert_eq!(Volume(25).to_string(), "0.0025");
        for bad in ["", "-1", "1.23456", "1e3", "1,5", ".5", "99999999999999"] {
            assert_eq!(Volume::parse(bad), None, "{bad}");
        }
        let j: Volume = serde_json::from_str("2.25").expect("number");
        assert_eq!(j, Volume(22_500));
        assert!(serde_json::from_str::<Volume>("2.123456").is_err());
    }

    #[test]
    fn volume_times_unit_price_prevails_line_by_line() {
        // 12.5 m² × Rp 85,000 = Rp 1,062,500 (written 1,060,000: corrected up by 2,500);
        // 3 units × Rp 1,250,000 = Rp 3,750,000 (written correctly);
        // 0.333 × Rp 1,000 = 333 (written 333).
        let s = PriceSchedule {
            lines: vec![
                line("12.5", 85_000, 1_060_000),
                line("3", 1_250_000, 3_750_000),
                line("0.333", 1_000, 333),
            ],
            total: 4_810_333,
            life_cycle: vec![],
        };
        let c = correct(&s).expect("corrects");
        assert_eq!(c.total, 1_062_500 + 3_750_000 + 333);
        assert_eq!(c.written_total, 4_810_333);
        assert_eq!(c.corrections.len(), 1);
        assert_eq!(
            (
                c.corrections[0].line,
                c.corrections[0].written,
                c.corrections[0].corrected
            ),
            (1, 1_060_000, 1_062_500)
        );
    }

    #[test]
    fn halves_round_up_to_the_rupiah() {
        // 0.5 × 3 = 1.5 → 2; 0.0001 × 4 = 0.0004 → 0.
        assert_eq!(line_amount(Volume(5_000), 3), Some(2));
        assert_eq!(line_amount(Volume(1), 4), Some(0));
    }

    #[test]
    fn bad_schedules_are_refused_by_kind() {
        let empty = PriceSchedule {
            lines: vec![],
            total: 0,
            life_cycle: vec![],
        };
        assert_eq!(correct(&empty), Err(ScheduleError::Empty));
        let neg = PriceSchedule {
            lines: vec![line("1", -5, -5)],
            total: 0,
            life_cycle: vec![],
        };
        assert_eq!(correct(&neg), Err(ScheduleError::OutOfRange));
        let huge = PriceSchedule {
            lines: vec![line("1000000000000", MAX_AMOUNT, 0)],
            total: 0,
            life_cycle: vec![],
        };
        assert_eq!(correct(&huge), Err(ScheduleError::OutOfRange));
        let mut ctl = line("1", 1, 1);
        ctl.item = "a\u{0}b".into();
        let ctl = PriceSchedule {
            lines: vec![ctl],
            total: 1,
            life_cycle: vec![],
        };
        assert_eq!(correct(&ctl), Err(ScheduleError::BadText));
        let many = PriceSchedule {
            lines: vec![line("1", 1, 1); MAX_LINES + 1],
            total: 0,
            life_cycle: vec![],
        };
        assert_eq!(correct(&many), Err(ScheduleError::TooManyLines));
    }
}
