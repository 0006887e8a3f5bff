//! The live state as [`Measures`]: what the scoreboard panel judges, with the same
//! judgement the report applies to the stored samples.

use chrono::{DateTime, Utc};

use super::App;
use super::live::SourceState;
use crate::judge::{Measures, Tickets};

pub struct Live<'a>(pub &'a App);

impl Live<'_> {
    fn state(&self, source: &str) -> Option<&SourceState> {
        let app = self.0;
        let index = app.layout.source_index(source)?;
        app.live.sources.get(index)
    }
}

impl Measures for Live<'_> {
    fn last(&self, source: &str, series: &str) -> Option<f64> {
        let state = self.state(source)?;
        match series {
            "value" => state.value(),
            field => state.field(field),
        }
    }

    /// Over the per-minute history kept in memory (restored from the day's samples).
    fn mean(&self, source: &str, series: &str) -> Option<f64> {
        let state = self.state(source)?;
        let (sum, count) = state
            .points(series)
            .fold((0.0, 0usize), |(sum, n), v| (sum + v, n + 1));
        (count > 0).then(|| sum / count as f64)
    }

    fn uptime(&self, source: &str) -> Option<f64> {
        self.state(source)?.uptime()
    }

    fn read_at(&self, source: &str) -> Option<DateTime<Utc>> {
        self.state(source)?.latest.as_ref().map(|(at, _)| *at)
    }

    fn tickets(&self) -> &Tickets {
        &self.0.tickets
    }
}
