//! The simulated day's randomness: a seeded generator, order-free hashes and an even
//! low-discrepancy sequence, so the same seed always lays out the same day.

/// SplitMix64: tiny, fast and fully determined by its seed (no wall-clock randomness).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in [0, 1) for a point of the timetable: independent of the order in which
/// anything else was generated, so adding a route does not reshuffle the others.
pub(super) fn hash_unit(seed: u64, a: u64, b: u64, c: u64) -> f64 {
    let h = mix(seed ^ mix(a.wrapping_add(mix(b.wrapping_add(mix(c))))));
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The day's requests, in order, each with a point (u, v) of a 2-D Kronecker sequence:
/// u picks the latency quantile, v whether it fails. Any run of consecutive requests covers
/// [0, 1)² evenly, so every 5-minute window shows the error rate and the p95 the scenario asks
/// for within a request or two, where independent draws would stray by a percent or more.
pub(super) struct Kronecker {
    k: f64,
    phase: (f64, f64),
}

impl Kronecker {
    /// 1, the golden ratio's conjugate and √2 − 1 are independent over the rationals, which
    /// makes the pairs equidistributed.
    const STEP: (f64, f64) = (0.618_033_988_749_894_9, 0.414_213_562_373_095_1);

    pub(super) fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x0005_EED0_FDA7);
        Self {
            k: 0.0,
            phase: (rng.unit(), rng.unit()),
        }
    }

    pub(super) fn next(&mut self) -> (f64, f64) {
        self.k += 1.0;
        (
            (self.phase.0 + self.k * Self::STEP.0).fract(),
            (self.phase.1 + self.k * Self::STEP.1).fract(),
        )
    }
}
