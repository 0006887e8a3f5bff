//! Live samples merged before they are written, exactly as the database merges them (counters
//! add within their minute, other series keep the last value): a source polled every 5 s gives
//! one row per series and minute instead of twelve, and a batch never names a row twice, which
//! a multi-row upsert on PostgreSQL refuses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Sample;

/// Samples waiting for the store, one per (source, series, minute).
#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// By source id, then a short list of (series, minute, value): a source has a handful of
    /// series and one or two minutes between flushes, so a scan beats a second map, and a
    /// poll allocates nothing once its source has been seen.
    by_source: HashMap<String, Vec<(String, DateTime<Utc>, f64)>>,
    len: usize,
}

impl Samples {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value; `false` when it needed a new row and `limit` rows are already kept.
    pub fn add_within(
        &mut self,
        source: &str,
        series: &str,
        minute: DateTime<Utc>,
        value: f64,
        limit: usize,
    ) -> bool {
        let counter = is_counter(series);
        if let Some(rows) = self.by_source.get_mut(source) {
            if let Some(row) = rows
                .iter_mut()
                .find(|(s, m, _)| *m == minute && s == series)
            {
                row.2 = if counter { row.2 + value } else { value };
                return true;
            }
            if self.len >= limit {
                return false;
            }
            rows.push((series.to_owned(), minute, value));
        } else {
            if self.len >= limit {
                return false;
            }
            self.by_source
                .insert(source.to_owned(), vec![(series.to_owned(), minute, value)]);
        }
        self.len += 1;
        true
    }

    pub fn add(&mut self, source: &str, series: &str, minute: DateTime<Utc>, value: f64) {
        self.add_within(source, series, minute, value, usize::MAX);
    }

    pub fn push(&mut self, sample: &Sample) {
        self.add(&sample.source, &sample.series, sample.minute, sample.value);
    }

    pub fn extend(&mut self, samples: impl IntoIterator<Item = Sample>) {
        for sample in samples {
            self.push(&sample);
        }
    }

    /// Rows kept (after merging).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn clear(&mut self) {
        self.by_source.clear();
        self.len = 0;
    }

    /// Every row, the batch kept (for a write that may fail).
    pub fn rows(&self) -> Vec<Sample> {
        self.by_source
            .iter()
            .flat_map(|(source, rows)| {
                rows.iter().map(|(series, minute, value)| Sample {
                    source: source.clone(),
                    series: series.clone(),
                    minute: *minute,
                    value: *value,
                })
            })
            .collect()
    }

    /// Every row, emptying the batch.
    pub fn take(&mut self) -> Vec<Sample> {
        let rows = self.rows();
        self.clear();
        rows
    }
}

impl FromIterator<Sample> for Samples {
    fn from_iter<I: IntoIterator<Item = Sample>>(iter: I) -> Self {
        let mut samples = Self::new();
        samples.extend(iter);
        samples
    }
}

/// Counters (`_polls`, `_up`) add up within their minute; other series keep the last value.
pub fn is_counter(series: &str) -> bool {
    series.starts_with('_')
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn minute(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn counters_add_and_values_keep_the_last_per_minute() {
        let mut samples = Samples::new();
        for value in [1.0, 2.0, 3.0] {
            samples.add("api", "_polls", minute(0), 1.0);
            samples.add("api", "value", minute(0), value);
        }
        samples.add("api", "value", minute(1), 9.0);
        samples.add("db", "value", minute(0), 4.0);
        assert_eq!(samples.len(), 4);
        let mut rows: Vec<_> = samples
            .take()
            .into_iter()
            .map(|s| (s.source, s.series, s.minute, s.value))
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
        assert_eq!(
            rows,
            vec![
                ("api".into(), "_polls".into(), minute(0), 3.0),
                ("api".into(), "value".into(), minute(0), 3.0),
                ("api".into(), "value".into(), minute(1), 9.0),
                ("db".into(), "value".into(), minute(0), 4.0),
            ]
        );
        assert!(samples.is_empty());
    }

    #[test]
    fn a_full_batch_still_merges_into_rows_it_has() {
        let mut samples = Samples::new();
        assert!(samples.add_within("api", "_up", minute(0), 1.0, 1));
        assert!(!samples.add_within("db", "_up", minute(0), 1.0, 1));
        assert!(samples.add_within("api", "_up", minute(0), 1.0, 1));
        assert_eq!(samples.take()[0].value, 2.0);
    }
}
