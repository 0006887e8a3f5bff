//! The pilot's calendar: Day 1 is the pilot's start date, week N is days 7N−6 to 7N, and the
//! timeline's phases and entries say which weeks and days they cover and how many customers
//! the pilot serves then. Pure functions of the layout and an instant; the header, the
//! status update and the week reports read the same answer.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::model::{Layout, Phase};

/// Where the pilot stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PilotDay {
    /// The layout names no start date (`[pilot] start`, or `launch.date`).
    NoStart,
    /// Day 1 is still to come.
    Before { start: NaiveDate, in_days: u32 },
    /// Within the pilot's weeks.
    During {
        date: NaiveDate,
        /// 1 on the start date.
        day: u32,
        /// 1 for days 1–7.
        week: u32,
        /// The timeline phase covering the week (an index into `layout.timeline`).
        phase: Option<usize>,
        /// Customers the timeline expects on the day: the entry covering it, else the last
        /// entry before it (the group keeps its size).
        customers: Option<u32>,
    },
    /// Past the last week the layout plans (its timeline's phases and its criteria).
    After {
        date: NaiveDate,
        day: u32,
        weeks: u32,
    },
}

impl Layout {
    /// Day 1 of the pilot: `[pilot] start`, else the launch date; `None` when the layout
    /// names neither (a launch day that is "today" cannot start a calendar).
    pub fn pilot_start(&self) -> Option<NaiveDate> {
        self.pilot.start.or(self.launch.date)
    }

    /// How many weeks the pilot runs: the last week a phase or a criteria week names.
    pub fn pilot_weeks(&self) -> u32 {
        let phases = self.timeline.iter().filter_map(|p| p.weeks.map(|w| w.1));
        let criteria = self.criteria.iter().map(|c| c.week);
        phases.chain(criteria).max().unwrap_or(0)
    }

    /// The pilot day of an instant, on the launch's clock.
    pub fn pilot_day(&self, now: DateTime<Utc>) -> PilotDay {
        self.pilot_day_of(now.with_timezone(&self.launch.zone).date_naive())
    }

    /// The pilot day of a date.
    pub fn pilot_day_of(&self, date: NaiveDate) -> PilotDay {
        let Some(start) = self.pilot_start() else {
            return PilotDay::NoStart;
        };
        let offset = (date - start).num_days();
        if offset < 0 {
            return PilotDay::Before {
                start,
                in_days: u32::try_from(-offset).unwrap_or(u32::MAX),
            };
        }
        let day = u32::try_from(offset + 1).unwrap_or(u32::MAX);
        let week = (day - 1) / 7 + 1;
        let weeks = self.pilot_weeks();
        if week > weeks {
            return PilotDay::After { date, day, weeks };
        }
        PilotDay::During {
            date,
            day,
            week,
            phase: self.phase_of_week(week),
            customers: self.customers_on(day),
        }
    }

    /// The timeline phase covering a week.
    pub fn phase_of_week(&self, week: u32) -> Option<usize> {
        self.timeline
            .iter()
            .position(|p| p.weeks.is_some_and(|(a, b)| (a..=b).contains(&week)))
    }

    /// Customers expected on a pilot day (see [`PilotDay::During`]).
    pub fn customers_on(&self, day: u32) -> Option<u32> {
        let entries = self.timeline.iter().flat_map(|p| p.entries.iter());
        let mut best: Option<(u32, u32)> = None;
        for entry in entries {
            let (Some((first, last)), Some(customers)) = (entry.days, entry.customers) else {
                continue;
            };
            if (first..=last).contains(&day) {
                return Some(customers);
            }
            if last < day && best.is_none_or(|(b, _)| last > b) {
                best = Some((last, customers));
            }
        }
        best.map(|(_, c)| c)
    }

    /// The dates of a pilot week, first and last (`None` without a start date).
    pub fn week_dates(&self, week: u32) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.pilot_start()?;
        let first = start.checked_add_days(Days::new(u64::from(week.max(1) - 1) * 7))?;
        Some((first, first.checked_add_days(Days::new(6))?))
    }
}

impl PilotDay {
    /// The phase covering the day, when the pilot is on.
    pub fn phase<'a>(&self, layout: &'a Layout) -> Option<&'a Phase> {
        match self {
            PilotDay::During {
                phase: Some(index), ..
            } => layout.timeline.get(*index),
            _ => None,
        }
    }

    /// The pilot week of the day (`None` before the pilot or without a calendar).
    pub fn week(&self) -> Option<u32> {
        match self {
            PilotDay::During { week, .. } => Some(*week),
            PilotDay::After { day, .. } => Some((day - 1) / 7 + 1),
            PilotDay::NoStart | PilotDay::Before { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Env, parse};

    const LAYOUT: &str = r#"
[launch]
id = "pilot"
name = "Pilot"
timezone = "Asia/Taipei"

[pilot]
start = "2026-12-01"

[[timeline]]
id = "soft"
period = "Week 1"
weeks = [1]
title = "Soft launch"
entries = [
  { id = "d12", when = "Day 1-2", days = [1, 2], customers = 5, text = "5 customers" },
  { id = "d34", when = "Day 3-4", days = [3, 4], customers = 10, text = "Add 5 more" },
  { id = "d57", when = "Day 5-7", days = [5, 7], customers = 20, text = "All 20" },
]

[[timeline]]
id = "stable"
period = "Week 2-3"
weeks = [2, 3]
title = "Stabilization"
entries = [{ id = "watch", text = "Daily monitoring" }]

[[timeline]]
id = "eval"
period = "Week 4"
weeks = [4]
title = "Evaluation"
entries = [{ id = "decide", text = "Go/No-go decision" }]
"#;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default()
    }

    #[test]
    fn day_week_phase_and_customers_follow_the_timeline() {
        let layout = parse("t.toml", LAYOUT, &Env::empty()).expect("valid");
        assert_eq!(layout.pilot_weeks(), 4);
        assert_eq!(
            layout.pilot_day_of(date(3)),
            PilotDay::During {
                date: date(3),
                day: 3,
                week: 1,
                phase: Some(0),
                customers: Some(10),
            }
        );
        let day = |d| layout.pilot_day_of(date(d));
        assert!(matches!(
            day(1),
            PilotDay::During {
                customers: Some(5),
                ..
            }
        ));
        assert!(matches!(
            day(7),
            PilotDay::During {
                customers: Some(20),
                week: 1,
                ..
            }
        ));
        // Weeks 2-3: the group keeps the size it reached.
        assert!(matches!(
            day(8),
            PilotDay::During {
                day: 8,
                week: 2,
                phase: Some(1),
                customers: Some(20),
                ..
            }
        ));
        assert!(matches!(
            day(28),
            PilotDay::During {
                week: 4,
                phase: Some(2),
                ..
            }
        ));
        assert!(matches!(
            day(29),
            PilotDay::After {
                day: 29,
                weeks: 4,
                ..
            }
        ));
        let before = layout.pilot_day_of(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default());
        assert_eq!(
            before,
            PilotDay::Before {
                start: date(1),
                in_days: 3
            }
        );
        assert_eq!(layout.week_dates(2), Some((date(8), date(14))));
        assert_eq!(day(28).phase(&layout).map(|p| p.id.as_str()), Some("eval"));
    }

    #[test]
    fn the_day_turns_at_midnight_on_the_launchs_clock() {
        let layout = parse("t.toml", LAYOUT, &Env::empty()).expect("valid");
        // 2026-12-01 23:30 in Taipei is 15:30 UTC; 16:30 UTC is already day 2.
        let utc = |h| {
            date(1)
                .and_hms_opt(h, 30, 0)
                .map(|t| t.and_utc())
                .unwrap_or_default()
        };
        assert!(matches!(
            layout.pilot_day(utc(15)),
            PilotDay::During { day: 1, .. }
        ));
        assert!(matches!(
            layout.pilot_day(utc(16)),
            PilotDay::During { day: 2, .. }
        ));
    }

    #[test]
    fn without_a_start_there_is_no_calendar() {
        let text = LAYOUT.replace("[pilot]\nstart = \"2026-12-01\"\n", "");
        let layout = parse("t.toml", &text, &Env::empty()).expect("valid");
        assert_eq!(layout.pilot_day_of(date(3)), PilotDay::NoStart);
        let dated = text.replace(
            "timezone = \"Asia/Taipei\"",
            "timezone = \"Asia/Taipei\"\ndate = \"2026-12-02\"",
        );
        let layout = parse("t.toml", &dated, &Env::empty()).expect("valid");
        assert!(
            matches!(
                layout.pilot_day_of(date(3)),
                PilotDay::During { day: 2, .. }
            ),
            "the launch date is Day 1 when [pilot] does not say"
        );
    }
}
