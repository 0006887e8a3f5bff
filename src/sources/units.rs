//! Units and number formatting: the one place that decides how a number reads, so a panel, a
//! threshold, an alert and a report line show the same quantity the same way ("0.46 %", "182 ms",
//! "4.4/5", "12.0 days", "2").
//!
//! A source says what unit its backend sends (`unit = "s"`, `unit = "ratio"`); numbers are
//! converted once, when a poll arrives, to the unit they are shown in (seconds → ms, ratio → %),
//! so conditions, panels and stored samples all hold the shown quantity.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The unit of a number, as a backend sends it or as it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number: integers print as integers, others with up to four decimals.
    #[default]
    Plain,
    /// A whole number of things (orders, tickets): never negative, never fractional.
    Count,
    /// Milliseconds.
    Ms,
    /// Seconds, shown in milliseconds.
    Seconds,
    /// A share in 0..=1, shown as a percentage.
    Ratio,
    /// A share in 0..=100.
    Percent,
    /// Days (a certificate's remaining life; negative once expired).
    Days,
    /// A rating out of N, e.g. 4.4/5.
    OutOf(u32),
}

/// What kind of quantity a unit measures: a threshold written in one unit may be compared with
/// a value in another of the same dimension (`300ms` with seconds, `5%` with a ratio).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Number,
    Time,
    Share,
    Days,
    Rating(u32),
}

pub const UNIT_NAMES: &str = "ms, s, ratio, %, count, days, /5 (any /N)";

impl Unit {
    /// `"ms"`, `"s"`, `"ratio"`, `"%"`, `"count"`, `"days"`, `"/5"`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Unit> {
        Some(match text.trim() {
            "" | "number" => Unit::Plain,
            "count" => Unit::Count,
            "ms" => Unit::Ms,
            "s" => Unit::Seconds,
            "ratio" => Unit::Ratio,
            "%" | "percent" => Unit::Percent,
            "days" | "d" => Unit::Days,
            other => {
                let n: u32 = other.strip_prefix('/')?.trim().parse().ok()?;
                (n > 0).then_some(Unit::OutOf(n))?
            }
        })
    }

    /// The unit this one is shown in.
    pub fn shown(self) -> Unit {
        match self {
            Unit::Seconds => Unit::Ms,
            Unit::Ratio => Unit::Percent,
            other => other,
        }
    }

    /// The factor from this unit to the one it is shown in.
    pub fn scale(self) -> f64 {
        match self {
            Unit::Seconds => 1000.0,
            Unit::Ratio => 100.0,
            _ => 1.0,
        }
    }

    /// Whether numbers in this unit are converted before they are shown: a threshold on such a
    /// value must say its unit, or `value < 0.01` on a ratio would silently mean 0.01 %.
    pub fn is_converted(self) -> bool {
        self.scale() != 1.0
    }

    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Plain | Unit::Count => Dimension::Number,
            Unit::Ms | Unit::Seconds => Dimension::Time,
            Unit::Ratio | Unit::Percent => Dimension::Share,
            Unit::Days => Dimension::Days,
            Unit::OutOf(n) => Dimension::Rating(n),
        }
    }

    /// A raw number from the backend, in this unit, converted to the shown unit; an error says
    /// why the number cannot be used (out of the unit's range, not finite after conversion).
    pub fn convert(self, raw: f64) -> Result<f64, String> {
        let shown = tidy(raw * self.scale());
        if !shown.is_finite() {
            return Err(format!("{} is out of range", format(raw, Unit::Plain)));
        }
        let bad = |what: &str| Err(format!("{} is {what}", format(raw, Unit::Plain)));
        match self {
            Unit::Count if raw < 0.0 => bad("negative, not a count"),
            Unit::Count if raw.fract() != 0.0 => bad("not a whole number, not a count"),
            Unit::Ms | Unit::Seconds if raw < 0.0 => bad("negative, not a duration"),
            Unit::Ratio if !(0.0..=1.0).contains(&raw) => bad("outside 0..1, not a ratio"),
            Unit::Percent if !(0.0..=100.0).contains(&raw) => {
                bad("outside 0..100, not a percentage")
            }
            Unit::OutOf(n) if !(0.0..=f64::from(n)).contains(&raw) => {
                bad(&format!("outside 0..{n}, not a rating out of {n}"))
            }
            _ => Ok(shown),
        }
    }

    /// The name a layout uses for this unit.
    pub fn name(self) -> String {
        match self {
            Unit::Plain => "number".into(),
            Unit::Count => "count".into(),
            Unit::Ms => "ms".into(),
            Unit::Seconds => "s".into(),
            Unit::Ratio => "ratio".into(),
            Unit::Percent => "%".into(),
            Unit::Days => "days".into(),
            Unit::OutOf(n) => format!("/{n}"),
        }
    }
}

/// A number in a unit, as an operator reads it: `182 ms`, `0.46 %`, `95.5 %`, `4.4/5`,
/// `12.0 days`, `2` (a count is never `2.0`). Not-a-number prints "invalid", infinities "∞" and
/// "-∞"; huge and negative numbers print as they are. `value` must already be in `unit.shown()`.
pub fn format(value: f64, unit: Unit) -> String {
    if value.is_nan() {
        return "invalid".to_string();
    }
    let unit = unit.shown();
    let number = match unit {
        Unit::Ms => magnitude(value, 0),
        Unit::Percent if value.abs() < 10.0 => magnitude(value, 2),
        Unit::Percent | Unit::Days => magnitude(value, 1),
        Unit::OutOf(_) => magnitude(value, 1),
        _ => plain(value),
    };
    match unit {
        Unit::Ms => format!("{number} ms"),
        Unit::Percent => format!("{number} %"),
        Unit::Days if value == 1.0 => format!("{number} day"),
        Unit::Days => format!("{number} days"),
        Unit::OutOf(n) => format!("{number}/{n}"),
        _ => number,
    }
}

/// A value read against a threshold: like [`format`], but a millisecond keeps its tenths, so
/// that `< 300 ms` is never shown failing with "got 300 ms".
pub fn precise(value: f64, unit: Unit) -> String {
    match unit.shown() {
        Unit::Ms if value.is_finite() && value.fract() != 0.0 && value.abs() < 1e9 => {
            format!("{value:.1} ms")
        }
        _ => format(value, unit),
    }
}

/// A threshold as a layout author wrote it, with its unit: `5 %`, `300 ms`, `4/5` (no padding
/// decimals: a threshold is exact).
pub fn threshold(value: f64, unit: Unit) -> String {
    format!("{}{}", plain(value), suffix(unit))
}

/// The unit's suffix alone (" ms", " %", "/5"), for columns that print a number and its unit
/// apart.
pub fn suffix(unit: Unit) -> String {
    match unit.shown() {
        Unit::Ms => " ms".into(),
        Unit::Percent => " %".into(),
        Unit::Days => " days".into(),
        Unit::OutOf(n) => format!("/{n}"),
        _ => String::new(),
    }
}

/// `decimals` places, or an exponent once the number is too large to read digit by digit.
fn magnitude(value: f64, decimals: usize) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    if value.abs() >= 1e9 {
        return format!("{value:.3e}");
    }
    // Sub-millisecond latencies and small shares keep one significant digit rather than 0.
    if decimals == 0 && value != 0.0 && value.abs() < 10.0 {
        return format!("{value:.1}");
    }
    format!("{value:.decimals$}")
}

/// Integers as integers; other numbers with at most four decimals, trailing zeros dropped.
fn plain(value: f64) -> String {
    if value.is_infinite() {
        return if value > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    if value.abs() >= 1e15 || (value != 0.0 && value.abs() < 1e-4) {
        return format!("{value:e}");
    }
    if value.fract() == 0.0 {
        // Exact: |value| < 2^53 here.
        return format!("{}", value as i64);
    }
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0" } else { text }.to_string()
}

/// A scaled number rid of binary noise (0.0046 × 100 is 0.45999999999999996): twelve
/// significant digits are far beyond any measurement a panel shows.
fn tidy(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// A number with its unit, for `{}` in messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity(pub f64, pub Unit);

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(self.0, self.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_an_operator_expects() {
        assert_eq!(format(0.46, Unit::Percent), "0.46 %");
        assert_eq!(format(95.5, Unit::Percent), "95.5 %");
        assert_eq!(format(182.4, Unit::Ms), "182 ms");
        assert_eq!(format(0.4, Unit::Ms), "0.4 ms");
        assert_eq!(format(0.0, Unit::Ms), "0 ms");
        assert_eq!(format(2.0, Unit::Count), "2");
        assert_eq!(format(2.0, Unit::Plain), "2");
        assert_eq!(format(0.0582, Unit::Plain), "0.0582");
        assert_eq!(format(11.999910325968155, Unit::Days), "12.0 days");
        assert_eq!(format(4.4, Unit::OutOf(5)), "4.4/5");
        assert_eq!(format(-1.0, Unit::Ms), "-1.0 ms");
        assert_eq!(format(f64::NAN, Unit::Percent), "invalid");
        assert_eq!(format(f64::INFINITY, Unit::Percent), "∞ %");
        assert_eq!(format(1e308, Unit::Plain), "1e308");
        assert_eq!(format(1e12, Unit::Ms), "1.000e12 ms");
        assert_eq!(threshold(5.0, Unit::Percent), "5 %");
        assert_eq!(threshold(0.5, Unit::Percent), "0.5 %");
    }

    #[test]
    fn conversion_scales_and_refuses_what_the_unit_cannot_be() {
        assert_eq!(Unit::Seconds.convert(0.182), Ok(182.0));
        assert_eq!(Unit::Ratio.convert(0.0046), Ok(0.46));
        assert!(Unit::Ratio.convert(1e308).is_err());
        assert!(Unit::Ms.convert(-1.0).is_err());
        assert!(Unit::Count.convert(2.5).is_err());
        assert!(Unit::OutOf(5).convert(7.0).is_err());
        assert_eq!(Unit::Days.convert(-3.0), Ok(-3.0));
        assert_eq!(Unit::Plain.convert(1e308), Ok(1e308));
    }

    #[test]
    fn unit_names_round_trip() {
        for unit in [
            Unit::Plain,
            Unit::Count,
            Unit::Ms,
            Unit::Seconds,
            Unit::Ratio,
            Unit::Percent,
            Unit::Days,
            Unit::OutOf(5),
        ] {
            assert_eq!(Unit::parse(&unit.name()), Some(unit));
        }
        assert_eq!(Unit::parse("furlongs"), None);
        assert_eq!(Unit::parse("/0"), None);
    }
}
