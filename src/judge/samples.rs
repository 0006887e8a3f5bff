//! The day's stored samples as [`Measures`]: what the report judges.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Measures, Tickets};
use crate::store::Sample;

/// The day's samples of every source, grouped by series, oldest first.
pub struct Day<'a> {
    /// Source → series → samples.
    by: BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'a Sample>>>,
    tickets: Tickets,
}

impl<'a> Day<'a> {
    /// The samples up to `until` (a past report is the day as it stood then).
    pub fn new(samples: &'a [Sample], until: DateTime<Utc>) -> Self {
        let mut by: BTreeMap<&str, BTreeMap<&str, Vec<&Sample>>> = BTreeMap::new();
        for s in samples.iter().filter(|s| s.minute <= until) {
            by.entry(s.source.as_str())
                .or_default()
                .entry(s.series.as_str())
                .or_default()
                .push(s);
        }
        for list in by.values_mut().flat_map(BTreeMap::values_mut) {
            list.sort_by_key(|s| s.minute);
        }
        Self {
            by,
            tickets: Tickets::from_samples(samples),
        }
    }

    pub fn get(&self, source: &str, series: &str) -> &[&'a Sample] {
        self.by
            .get(source)
            .and_then(|s| s.get(series))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Whether the day has any sample of the source.
    pub fn has(&self, source: &str) -> bool {
        self.by.contains_key(source)
    }

    fn sum(&self, source: &str, series: &str) -> f64 {
        self.get(source, series).iter().map(|s| s.value).sum()
    }
}

impl Measures for Day<'_> {
    fn last(&self, source: &str, series: &str) -> Option<f64> {
        self.get(source, series).last().map(|s| s.value)
    }

    fn mean(&self, source: &str, series: &str) -> Option<f64> {
        let list = self.get(source, series);
        (!list.is_empty()).then(|| list.iter().map(|s| s.value).sum::<f64>() / list.len() as f64)
    }

    fn uptime(&self, source: &str) -> Option<f64> {
        let polls = self.sum(source, "_polls");
        (polls > 0.0).then(|| self.sum(source, "_up") * 100.0 / polls)
    }

    fn read_at(&self, source: &str) -> Option<DateTime<Utc>> {
        self.get(source, "_polls").last().map(|s| s.minute)
    }

    fn tickets(&self) -> &Tickets {
        &self.tickets
    }
}
