//! The program's one clock. Everything that stamps a time — the app, the poller, the demo
//! backend — reads the same [`Clock`], so a stored time is the instant it happened, to the
//! millisecond, whatever speed a rehearsal runs at.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Wall-clock time, optionally shifted so that a rehearsal can start at any moment (`--now`),
/// stopped (tests, screenshots), or running faster than real time (`warroom demo --speed`).
/// A copy reads the same time as the original: the demo backend and the TUI share one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    offset: Duration,
    /// A stopped clock: always reads this instant.
    frozen: Option<DateTime<Utc>>,
    /// A rehearsal clock running `speed` times real time from `start`.
    scaled: Option<(DateTime<Utc>, std::time::Instant, f64)>,
    /// Where the clock stops (the end of a demo's day): it reads this from then on.
    until: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that reads `start` now and runs on from there in real time.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            offset: start - Utc::now(),
            ..Self::default()
        }
    }

    /// A clock that always reads `at`.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            frozen: Some(at),
            ..Self::default()
        }
    }

    /// A clock that reads `start` now and runs `speed` times faster than real time.
    pub fn scaled(start: DateTime<Utc>, speed: f64) -> Self {
        Self {
            scaled: Some((start, std::time::Instant::now(), speed)),
            ..Self::default()
        }
    }

    /// The same clock, stopping at `end` (the end of the simulated day) instead of running
    /// on into a day that nothing is planned for.
    pub fn stopping_at(self, end: DateTime<Utc>) -> Self {
        Self {
            until: Some(end),
            ..self
        }
    }

    /// Has it reached where it stops?
    pub fn is_stopped(&self) -> bool {
        self.until.is_some_and(|end| self.running() >= end)
    }

    /// How many launch-clock seconds pass per real second.
    pub fn speed(&self) -> f64 {
        self.scaled.map_or(1.0, |(_, _, speed)| speed)
    }

    /// Where a rehearsal clock started (or a stopped clock stands); `now` for the others.
    pub fn start(&self) -> DateTime<Utc> {
        match (self.scaled, self.frozen) {
            (Some((start, _, _)), _) => start,
            (None, Some(at)) => at,
            (None, None) => self.now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let now = self.running();
        self.until.map_or(now, |end| now.min(end))
    }

    /// The time as if the clock never stopped.
    fn running(&self) -> DateTime<Utc> {
        if let Some((start, started, speed)) = self.scaled {
            return start + self.scale(started.elapsed(), speed);
        }
        self.frozen.unwrap_or_else(|| Utc::now() + self.offset)
    }

    /// The launch-clock time that passes during `real` time: `real` × speed.
    pub fn over(&self, real: std::time::Duration) -> Duration {
        self.scale(real, self.speed())
    }

    fn scale(&self, real: std::time::Duration, speed: f64) -> Duration {
        // Microseconds: sub-second resolution even at a day a second; clamped far below
        // chrono's limits so no input can overflow.
        let micros = (real.as_secs_f64() * speed * 1e6).clamp(0.0, 1e17) as i64;
        Duration::microseconds(micros)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_clock_has_sub_second_resolution_and_copies_agree() {
        let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let clock = Clock::scaled(start, 120.0);
        let copy = clock;
        let a = clock.now();
        let b = copy.now();
        assert!(b >= a && b - a < Duration::seconds(1), "{a} {b}");
        assert_eq!(clock.start(), start);
        assert_eq!(
            clock.over(std::time::Duration::from_millis(500)),
            Duration::seconds(60)
        );
        assert_eq!(
            clock.over(std::time::Duration::from_micros(10)),
            Duration::microseconds(1200)
        );
    }

    #[test]
    fn a_clock_that_stops_reads_its_end_from_then_on() {
        let start = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let clock = Clock::scaled(start, 86_400.0).stopping_at(start + Duration::hours(1));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(clock.now(), start + Duration::hours(1));
        assert!(clock.is_stopped());
        let running = Clock::frozen(start).stopping_at(start + Duration::hours(1));
        assert!(!running.is_stopped());
        assert_eq!(running.now(), start);
    }

    #[test]
    fn a_frozen_clock_stands_still() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let clock = Clock::frozen(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.start(), at);
        assert_eq!(clock.speed(), 1.0);
    }
}
