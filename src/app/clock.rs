//! Time on the launch's own clock: where the day stands relative to its blocks.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

pub use crate::clock::{Clock, at_zone};
use crate::layout::{Block, Layout};

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

    /// How long after block `index` ended `at` is; `None` when it is within the block (or
    /// before it).
    pub fn late_by(&self, index: usize, at: DateTime<Utc>) -> Option<Duration> {
        let (_, end) = *self.spans.get(index)?;
        (at > end).then(|| at - end)
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
