//! The poller: every source on its own interval, with jitter so that sources declared together
//! do not fire together, a bounded number of polls in flight, a hard timeout, and exponential
//! backoff while a source keeps failing. Results go to the app over a channel; nothing here
//! ever waits on the UI, and a slow or dead source delays only itself.

use std::sync::Arc;
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

/// How many polls may be in flight at once, whatever the number of sources.
pub const MAX_IN_FLIGHT: usize = 64;
/// Backoff never stretches an interval by more than this factor, so a failing source still
/// reaches its alert threshold in reasonable time.
const MAX_BACKOFF_FACTOR: u32 = 4;

/// The running poller; dropping it stops every poll.
pub struct Poller {
    tasks: JoinSet<()>,
}

impl Poller {
    pub fn start(
        sources: Vec<(usize, SourceSpec, Box<dyn Probe>)>,
        clock: Clock,
        results: mpsc::Sender<PollResult>,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        let mut tasks = JoinSet::new();
        for (index, spec, probe) in sources {
            tasks.spawn(run_source(
                index,
                spec,
                probe,
                clock,
                permits.clone(),
                results.clone(),
            ));
        }
        Self { tasks }
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

/// A cheap, well-spread pseudo-random fraction in [0, 1) for jitter; no need for a crate.
fn jitter(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
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
    permits: Arc<Semaphore>,
    results: mpsc::Sender<PollResult>,
) {
    let seed = (index as u64) ^ u64::from(Utc::now().timestamp_subsec_nanos());
    // Spread first polls over the first interval (but poll soon: the panel is empty until then).
    let first = spec
        .interval
        .mul_f64(jitter(seed) * 0.5)
        .min(Duration::from_secs(2));
    let mut next = Instant::now() + first;
    let mut failures = 0u32;
    let mut round = 0u64;
    loop {
        tokio::time::sleep_until(next).await;
        let scheduled = next;
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
        round += 1;
        // ±5 % jitter keeps sources from drifting into lockstep.
        let spread = 0.95 + jitter(seed.wrapping_add(round)) * 0.1;
        next = scheduled + next_delay(spec.interval, failures).mul_f64(spread);
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
    fn jitter_is_a_fraction() {
        for seed in 0..1000 {
            let j = jitter(seed);
            assert!((0.0..1.0).contains(&j));
        }
    }
}
