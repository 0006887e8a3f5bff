//! The poller: every source on its own interval at a fixed rate, the first polls of many
//! sources spread out, a bounded number of polls in flight, a hard timeout, and exponential
//! backoff while a source keeps failing. Results go to the app over a channel; nothing here
//! ever waits on the UI, and a slow or dead source delays only itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::Clock;
use crate::sources::{Observation, Probe, SourceError, SourceSpec};

/// One poll's outcome, stamped on the launch clock.
#[derive(Debug, Clone)]
pub struct PollResult {
    /// Index of the source in the layout.
    pub source: usize,
    pub at: DateTime<Utc>,
    pub result: Result<Observation, SourceError>,
}

/// Polls start on this grid: sources due within the same 50 ms wake the runtime once, not
/// once each (200 polls a second were 200 wake-ups of the thread, and waking cost more than
/// polling). A poll moves by less than a frame; its interval does not drift. A source polled
/// more often than every second (a rehearsal at speed) keeps to a twentieth of its interval.
pub const GRID: Duration = Duration::from_millis(50);

/// How many polls may be in flight at once, whatever the number of sources.
pub const MAX_IN_FLIGHT: usize = 64;
/// Backoff never stretches an interval by more than this factor, so a failing source still
/// reaches its alert threshold in reasonable time.
const MAX_BACKOFF_FACTOR: u32 = 4;

/// The running poller; dropping it stops every poll.
pub struct Poller {
    tasks: JoinSet<()>,
    in_flight: InFlight,
}

/// How many polls are due and have not yet handed over their result: the runtime holds a
/// frame for the rest of a slot's answers while this is above zero (never longer than a frame
/// slot), so the four panels of one interval are one frame, not two.
#[derive(Clone, Default)]
pub struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts one poll until the guard is dropped: when its result is handed over, or when
    /// its task is stopped mid-poll (a reloaded layout) and can never hand it over.
    pub fn enter(&self) -> Entered {
        self.0.fetch_add(1, Ordering::Relaxed);
        Entered(self.0.clone())
    }
}

/// One poll counted in [`InFlight`].
pub struct Entered(Arc<AtomicUsize>);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Poller {
    pub fn start(
        sources: Vec<(usize, SourceSpec, Box<dyn Probe>)>,
        clock: Clock,
        results: mpsc::Sender<PollResult>,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        let in_flight = InFlight::default();
        let mut tasks = JoinSet::new();
        let first_round = first_round(sources.len());
        let epoch = second_epoch(&clock);
        for (index, spec, probe) in sources {
            tasks.spawn(run_source(
                index,
                spec,
                probe,
                clock,
                (epoch, first_round),
                permits.clone(),
                (results.clone(), in_flight.clone()),
            ));
        }
        Self { tasks, in_flight }
    }

    /// The count of polls under way, shared with the runtime.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.clone()
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.tasks.abort_all();
    }
}

/// A cheap, well-spread pseudo-random fraction in [0, 1) to place first polls; no need for a
/// crate.
fn jitter(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// How long the first polls of `sources` sources are spread over: a few answer at once, so
/// the panels fill with the first frames; many come in at about 200 a second (and within 2 s)
/// instead of all together.
pub fn first_round(sources: usize) -> Duration {
    (Duration::from_millis(5) * u32::try_from(sources).unwrap_or(u32::MAX))
        .min(Duration::from_secs(2))
}

/// The last turn of a second on `clock`, as an instant: the poller's slots and the runtime's
/// ticks count from it, so a poll due at a whole second goes out with the countdown's tick and
/// their frame is one.
pub fn second_epoch(clock: &Clock) -> Instant {
    let into = Duration::from_nanos(u64::from(clock.now().timestamp_subsec_nanos()))
        .min(Duration::from_secs(1));
    let now = Instant::now();
    now.checked_sub(into).unwrap_or(now)
}

/// The first instant of a `grid` counted from `epoch` at or after `at`.
pub fn on_grid(at: Instant, epoch: Instant, grid: Duration) -> Instant {
    let step = grid.as_nanos().max(1);
    let since = at.saturating_duration_since(epoch).as_nanos();
    let slots = since.div_ceil(step);
    let late = Duration::from_nanos(u64::try_from(slots * step).unwrap_or(u64::MAX));
    epoch + late
}

/// The delay before the next poll: the interval, doubled per consecutive failure up to
/// `MAX_BACKOFF_FACTOR` (and never beyond a minute unless the interval itself is longer).
pub fn next_delay(interval: Duration, failures: u32) -> Duration {
    let ceiling = (interval * MAX_BACKOFF_FACTOR).min(interval.max(Duration::from_secs(60)));
    crate::backoff::delay(interval, ceiling, failures).max(interval)
}

async fn run_source(
    index: usize,
    spec: SourceSpec,
    probe: Box<dyn Probe>,
    clock: Clock,
    (epoch, first_round): (Instant, Duration),
    permits: Arc<Semaphore>,
    (results, in_flight): (mpsc::Sender<PollResult>, InFlight),
) {
    let seed = (index as u64) ^ u64::from(Utc::now().timestamp_subsec_nanos());
    // Spread first polls over the first round, within half an interval (the panel is empty
    // until its first answer).
    let first = first_round.min(spec.interval / 2).mul_f64(jitter(seed));
    // A round shorter than the grid starts at once: a handful of sources answer in the
    // first frames.
    let grid = GRID.min(spec.interval / 20);
    let mut next = if first < grid {
        epoch
    } else {
        Instant::now() + first
    };
    let mut failures = 0u32;
    loop {
        tokio::time::sleep_until(on_grid(next, epoch, grid)).await;
        let scheduled = next;
        let asked = Instant::now();
        let entered = in_flight.enter();
        let Ok(permit) = permits.acquire().await else {
            return;
        };
        let result = match tokio::time::timeout(spec.timeout, probe.poll()).await {
            Ok(result) => result,
            Err(_) => Err(SourceError::Timeout(spec.timeout)),
        };
        drop(permit);
        failures = if result.is_err() {
            failures.saturating_add(1)
        } else {
            0
        };
        // Out of the count before the result is sent: the runtime, woken by it, must see the
        // slot's last answer as the last.
        drop(entered);
        if results
            .send(PollResult {
                source: index,
                at: clock.now(),
                result,
            })
            .await
            .is_err()
        {
            return;
        }
        // At a fixed rate from the first poll, with no jitter: a jitter of ±5 % let a change
        // wait 5 % longer than the interval to be seen, and spread the four panels of one
        // 2 s interval over four frames instead of one. Sources that start apart stay apart.
        next = scheduled + next_delay(spec.interval, failures);
        // The first poll goes out at once, ahead of the slots (`scheduled` is then the epoch,
        // up to a second back): the next keeps to the slots but never follows it by less
        // than half an interval, so a source is not asked twice in a moment.
        while next < asked + spec.interval / 2 {
            next += spec.interval;
        }
        // A poll that overran its slot (a slow answer) starts the next one at once rather than
        // queueing a burst.
        let now = Instant::now();
        if next < now {
            next = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_four_times_the_interval() {
        let i = Duration::from_secs(5);
        assert_eq!(next_delay(i, 0), i);
        assert_eq!(next_delay(i, 1), i);
        assert_eq!(next_delay(i, 2), i * 2);
        assert_eq!(next_delay(i, 3), i * 4);
        assert_eq!(next_delay(i, 10), i * 4);
        assert_eq!(
            next_delay(Duration::from_secs(30), 5),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn a_few_sources_poll_at_once_and_many_spread_out() {
        assert_eq!(first_round(4), Duration::from_millis(20));
        assert_eq!(first_round(100), Duration::from_millis(500));
        assert_eq!(first_round(1000), Duration::from_secs(2));
        assert_eq!(first_round(usize::MAX), Duration::from_secs(2));
    }

    #[test]
    fn polls_start_on_the_grid_never_early() {
        let epoch = Instant::now();
        assert_eq!(on_grid(epoch, epoch, GRID), epoch);
        let at = epoch + Duration::from_millis(51);
        assert_eq!(on_grid(at, epoch, GRID), epoch + Duration::from_millis(100));
        let at = epoch + Duration::from_millis(150);
        assert_eq!(on_grid(at, epoch, GRID), at);
        let before = on_grid(epoch, epoch + GRID, GRID);
        assert_eq!(before, epoch + GRID, "before the epoch");
        let fine = Duration::from_millis(1);
        assert_eq!(on_grid(at, epoch, fine), at);
    }

    /// Answers at once and says when it was asked, on the runtime's (paused) clock.
    struct Stamps(std::sync::Mutex<Vec<Instant>>);

    struct Stamped(Arc<Stamps>);

    impl Probe for Stamped {
        fn poll(&self) -> futures::future::BoxFuture<'_, Result<Observation, SourceError>> {
            if let Ok(mut asked) = self.0.0.lock() {
                asked.push(Instant::now());
            }
            Box::pin(async { Ok(Observation::default()) })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn sources_of_one_interval_poll_together_at_their_interval() {
        let interval = Duration::from_secs(2);
        let stamps: Vec<Arc<Stamps>> = (0..4)
            .map(|_| Arc::new(Stamps(std::sync::Mutex::new(Vec::new()))))
            .collect();
        let sources = stamps
            .iter()
            .enumerate()
            .map(|(i, stamps)| {
                let http = crate::sources::http::Spec::get(format!("http://127.0.0.1:9/{i}"));
                let mut spec = SourceSpec::new(&format!("s{i}"), crate::sources::Kind::Http(http));
                spec.interval = interval;
                (i, spec, Box::new(Stamped(stamps.clone())) as Box<dyn Probe>)
            })
            .collect();
        let (tx, mut rx) = mpsc::channel(64);
        let poller = Poller::start(sources, Clock::system(), tx);
        let mut answers = 0;
        while answers < 4 * 30 {
            if rx.recv().await.is_none() {
                break;
            }
            answers += 1;
        }
        drop(poller);
        let asked: Vec<Vec<Instant>> = stamps
            .iter()
            .map(|s| s.0.lock().map(|v| v.clone()).unwrap_or_default())
            .collect();
        for (source, times) in asked.iter().enumerate() {
            assert!(times.len() >= 30, "source {source}: {} polls", times.len());
            // The first poll goes out at once; the next on the clock's next slot, so the first
            // gap may be shorter, never longer, and never under half the interval.
            let first_gap = times[1] - times[0];
            assert!(
                first_gap <= interval && first_gap >= interval / 2,
                "source {source}: first gap {first_gap:?}"
            );
            for pair in times[1..].windows(2) {
                assert_eq!(pair[1] - pair[0], interval, "source {source} between polls");
            }
        }
        // Declared together, polled together: one frame shows all four answers.
        for round in 0..30 {
            let first = asked[0][round];
            assert!(
                asked.iter().all(|times| times[round] == first),
                "round {round}: {:?}",
                asked.iter().map(|t| t[round]).collect::<Vec<_>>()
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_source_started_late_in_a_second_is_not_asked_twice_in_a_moment() {
        // 0.9 s into a second: the slot after the first poll is 0.1 s away, too soon.
        let late = chrono::DateTime::parse_from_rfc3339("2026-12-01T01:30:07.900+00:00")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let stamps = Arc::new(Stamps(std::sync::Mutex::new(Vec::new())));
        let http = crate::sources::http::Spec::get("http://127.0.0.1:9/");
        let mut spec = SourceSpec::new("s", crate::sources::Kind::Http(http));
        spec.interval = Duration::from_secs(1);
        let probe = Box::new(Stamped(stamps.clone())) as Box<dyn Probe>;
        let (tx, mut rx) = mpsc::channel(8);
        let poller = Poller::start(vec![(0, spec, probe)], Clock::frozen(late), tx);
        for _ in 0..3 {
            rx.recv().await;
        }
        drop(poller);
        let times = stamps.0.lock().map(|v| v.clone()).unwrap_or_default();
        let first_gap = times[1] - times[0];
        assert_eq!(
            first_gap,
            Duration::from_millis(1100),
            "the slot after next"
        );
        assert_eq!(times[2] - times[1], Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn slots_count_from_the_clocks_last_whole_second() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        let now = Instant::now();
        let quarter = second_epoch(&Clock::frozen(at("2026-12-01T01:30:07.250+00:00")));
        assert_eq!(now - quarter, Duration::from_millis(250));
        let whole = second_epoch(&Clock::frozen(at("2026-12-01T01:30:07+00:00")));
        assert_eq!(whole, now);
    }

    #[test]
    fn jitter_is_a_fraction() {
        for seed in 0..1000 {
            let j = jitter(seed);
            assert!((0.0..1.0).contains(&j));
        }
    }
}
