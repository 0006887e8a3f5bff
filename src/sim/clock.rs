//! Simulated time: the launch day on the launch's clock (Asia/Taipei), optionally running
//! faster than the wall clock. Only the clock looks at the wall clock; everything the backend
//! reports is a pure function of the simulated instant it is asked about.

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use crate::clock::{Clock, at_zone};

/// The pilot's zone; the demo day is always on it.
pub const ZONE: Tz = chrono_tz::Asia::Taipei;

/// The demo backend's clock is the program's one clock: a rehearsal reads the same instant
/// in the TUI and in the backend, because both hold a copy of the same [`Clock`].
pub type SimClock = Clock;

/// Midnight of `date` on the launch's clock.
pub fn midnight(date: NaiveDate) -> DateTime<Utc> {
    at_zone(ZONE, date.and_time(NaiveTime::MIN))
}

/// `time` on `date` on the launch's clock.
pub fn at_zone_time(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    at_zone(ZONE, date.and_time(time))
}

/// An instant as the backend writes it: RFC 3339 with the launch's offset (+08:00).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&ZONE)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Today's date on the launch's clock: the demo's default launch date, the same default the
/// layout uses, so the TUI and the demo agree on the day.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&ZONE).date_naive()
}

/// An instant given by a person or a test: RFC 3339 (`2026-12-01T09:35:00+08:00`), a local
/// date-time (`2026-12-01T09:35`), or a time of day on the launch date (`09:35`).
pub fn parse_instant(text: &str, date: NaiveDate) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.to_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(at_zone(ZONE, local));
        }
    }
    for format in ["%H:%M:%S", "%H:%M"] {
        if let Ok(time) = NaiveTime::parse_from_str(text, format) {
            return Ok(at_zone(ZONE, date.and_time(time)));
        }
    }
    bail!(
        "{text:?} is not an instant: expected RFC 3339 such as 2026-12-01T09:35:00+08:00, \
         2026-12-01T09:35, or a time of day such as 09:35"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_accepted_form_to_the_same_instant() -> Result<()> {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
        let a = parse_instant("2026-12-01T09:35:00+08:00", date)?;
        assert_eq!(parse_instant("2026-12-01T09:35", date)?, a);
        assert_eq!(parse_instant("09:35", date)?, a);
        assert_eq!(rfc3339(a), "2026-12-01T09:35:00+08:00");
        assert!(parse_instant("half past nine", date).is_err());
        Ok(())
    }
}
