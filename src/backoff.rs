//! The one backoff: exponential, doubling from a first delay up to a ceiling. The store waits
//! with it for a database to come back, the poller for a failing source to answer.

use std::time::Duration;

/// The delay before attempt `failures + 1` after `failures` failures in a row: nothing after
/// none, `first` after the first, doubling after each more, never above `max`.
pub fn delay(first: Duration, max: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return Duration::ZERO;
    }
    let factor = 2u32.saturating_pow(failures - 1);
    first.saturating_mul(factor).min(max)
}

/// A running backoff: counts failures, says how long to wait next.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Self {
        Self {
            first,
            max,
            failures: 0,
        }
    }

    /// One more failure: the wait before the next try.
    pub fn fail(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        delay(self.first, self.max, self.failures)
    }

    /// Success: the next failure waits `first` again.
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_first_delay_up_to_the_ceiling() {
        let (first, max) = (Duration::from_millis(250), Duration::from_secs(4));
        let waits: Vec<u128> = (0..8).map(|n| delay(first, max, n).as_millis()).collect();
        assert_eq!(waits, [0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
        assert_eq!(delay(first, max, u32::MAX), max, "no overflow");
        let mut backoff = Backoff::new(first, max);
        assert_eq!(backoff.fail(), first);
        assert_eq!(backoff.fail(), first * 2);
        backoff.reset();
        assert_eq!(backoff.fail(), first);
    }
}
