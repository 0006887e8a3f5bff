//! Time on the launch's own clock: where the day stands relative to its blocks.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::layout::{Block, Layout};

/// Wall-clock time, optionally shifted so that a rehearsal can start at any moment (`--now`).
/// The shifted clock still ticks in real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: Duration,
    /// A stopped clock (tests, screenshots): always reads this instant.
    frozen: Option<DateTime<Utc>>,
    /// A rehearsal clock running `speed` times real time from `start` (`warroom demo --speed`).
    scaled: Option<(DateTime<Utc>, std::time::Instant, f64)>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `start` now and runs on from there.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            offset: start - Utc::now(),
            frozen: None,
            scaled: None,
        }
    }

    /// A clock that always reads `at`.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            offset: Duration::zero(),
            frozen: Some(at),
            scaled: None,
        }
    }

    /// A clock that reads `start` now and runs `speed` times faster than real time.
    pub fn scaled(start: DateTime<Utc>, speed: f64) -> Self {
        Self {
            offset: Duration::zero(),
            frozen: None,
            scaled: Some((start, std::time::Instant::now(), speed)),
        }
    }

    /// How many launch-clock seconds pass per real second.
    pub fn speed(&self) -> f64 {
        self.scaled.map_or(1.0, |(_, _, speed)| speed)
    }

    pub fn now(&self) -> DateTime<Utc> {
        if let Some((start, started, speed)) = self.scaled {
            let millis = (started.elapsed().as_secs_f64() * speed * 1000.0).min(1e15) as i64;
            return start + Duration::milliseconds(millis);
        }
        self.frozen.unwrap_or_else(|| Utc::now() + self.offset)
    }
}

/// Interprets a local date-time in `zone`; a time that falls into a DST gap moves forward.
pub fn at_zone(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// The launch day: which date it is, and where `now` falls among its blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before the first block; `until` the first block starts.
    Before { next: usize, until: Duration },
    /// Inside block `index`, which ends in `remaining`.
    In { index: usize, remaining: Duration },
    /// Between two blocks (e.g. lunch 12:00–14:00).
    Gap { next: usize, until: Duration },
    /// After the last block has ended.
    After,
}

/// The day's blocks as instants, for a given date.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub zone: Tz,
    pub day: NaiveDate,
    /// (start, end) of each block, in layout order (which is time order).
    pub spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Schedule {
    pub fn new(layout: &Layout, day: NaiveDate) -> Self {
        let zone = layout.launch.zone;
        let spans = layout
            .blocks
            .iter()
            .map(|b: &Block| {
                (
                    at_zone(zone, day.and_time(b.start)),
                    at_zone(zone, day.and_time(b.end)),
                )
            })
            .collect();
        Self { zone, day, spans }
    }

    /// The launch date: the layout's own, or today in the launch's zone.
    pub fn launch_day(layout: &Layout, now: DateTime<Utc>) -> NaiveDate {
        layout
            .launch
            .date
            .unwrap_or_else(|| now.with_timezone(&layout.launch.zone).date_naive())
    }

    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        for (index, &(start, end)) in self.spans.iter().enumerate() {
            if now < start {
                return if index == 0 {
                    Phase::Before {
                        next: 0,
                        until: start - now,
                    }
                } else {
                    Phase::Gap {
                        next: index,
                        until: start - now,
                    }
                };
            }
            if now < end {
                return Phase::In {
                    index,
                    remaining: end - now,
                };
            }
        }
        Phase::After
    }

    /// True once block `index` has ended: its open items are overdue.
    pub fn has_ended(&self, index: usize, now: DateTime<Utc>) -> bool {
        self.spans.get(index).is_some_and(|&(_, end)| now >= end)
    }
}

/// "2:28:55", "45:10", "3d 04:00:00": a countdown as the eye reads it.
pub fn countdown(d: Duration) -> String {
    let total = d.num_seconds().max(0);
    let (days, rest) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 {
        format!("{days}d {h:02}:{m:02}:{s:02}")
    } else if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdown_formats() {
        assert_eq!(countdown(Duration::seconds(59)), "00:59");
        assert_eq!(
            countdown(Duration::seconds(3600 * 2 + 28 * 60 + 55)),
            "2:28:55"
        );
        assert_eq!(countdown(Duration::seconds(86_400 * 3 + 61)), "3d 00:01:01");
        assert_eq!(countdown(Duration::seconds(-5)), "00:00");
    }
}
