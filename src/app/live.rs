//! What the live sources have said: the latest answer of each, its health and since when,
//! a bounded history per series for sparklines, and poll counts for uptime since the day began.

use crate::i18n;
use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use crate::layout::{Evidence, Layout};

use super::App;
use super::panel::{self, PanelData};
use crate::sources::{Finding, Health, Observation, SourceError, Status};

/// Points kept per series in memory: one per minute (the minute's last value), so four hours
/// of history whatever the interval, and a thousand sources stay small.
pub const HISTORY: usize = 240;

#[derive(Debug, Default, Clone)]
pub struct SourceState {
    /// When the latest answer came, and what it was.
    pub latest: Option<(DateTime<Utc>, Result<Observation, SourceError>)>,
    pub health: Option<Health>,
    /// Why the source is not ok (a failed condition, an error), as a fact.
    pub reason: Option<Finding>,
    /// When the health last changed.
    pub since: Option<DateTime<Utc>>,
    pub last_ok: Option<DateTime<Utc>>,
    /// Series name ("value" or a field) → recent points.
    pub series: BTreeMap<String, VecDeque<(DateTime<Utc>, f64)>>,
    /// Polls today, and how many of them were not critical: uptime.
    pub polls: u64,
    pub polls_up: u64,
    /// Consecutive bad and good polls, for raising and clearing alerts.
    pub bad_streak: u32,
    pub good_streak: u32,
    /// Consecutive polls at exactly the current health: an open alert escalates or eases
    /// only when the new level holds, like raising and clearing.
    pub level_streak: u32,
    /// When the bell last rang for this source (reminders).
    pub rang_at: Option<DateTime<Utc>>,
}

impl SourceState {
    pub fn observation(&self) -> Option<&Observation> {
        self.latest.as_ref().and_then(|(_, r)| r.as_ref().ok())
    }

    pub fn error(&self) -> Option<&SourceError> {
        self.latest.as_ref().and_then(|(_, r)| r.as_ref().err())
    }

    pub fn value(&self) -> Option<f64> {
        self.observation().and_then(|o| o.value)
    }

    pub fn field(&self, name: &str) -> Option<f64> {
        self.observation().and_then(|o| o.fields.get(name).copied())
    }

    /// Order completion as the week-1 target means it, in percent: delivered of the
    /// deliveries that reached an end. A backend's own `completion_rate` often counts open
    /// deliveries too, which reads as failure all morning, so it is only the fallback (in
    /// percent once it has passed the source's unit).
    pub fn completion_rate(&self) -> Option<f64> {
        crate::judge::completion_of(
            self.field("delivered"),
            self.field("failed"),
            self.field("completion_rate"),
        )
    }

    pub fn uptime(&self) -> Option<f64> {
        (self.polls > 0).then(|| self.polls_up as f64 * 100.0 / self.polls as f64)
    }

    /// The series, one point per minute, oldest first: what sparklines draw. Per-poll points
    /// would shift the whole line on every poll and repaint it; per minute, only the newest bar
    /// changes between polls and the line moves once a minute.
    pub fn points(&self, series: &str) -> impl Iterator<Item = f64> + '_ {
        self.series
            .get(series)
            .into_iter()
            .flat_map(|s| s.iter().map(|(_, v)| *v))
    }

    /// Records one poll's answer and how it was judged.
    pub fn record(
        &mut self,
        at: DateTime<Utc>,
        result: Result<Observation, SourceError>,
        health: Health,
        reason: Option<Finding>,
    ) {
        if self.health != Some(health) {
            self.since = Some(at);
            self.level_streak = 0;
        }
        self.level_streak += 1;
        self.health = Some(health);
        self.reason = reason;
        self.polls += 1;
        if health != Health::Critical {
            self.polls_up += 1;
        }
        if health == Health::Ok {
            self.good_streak += 1;
            self.bad_streak = 0;
        } else {
            self.bad_streak += 1;
            self.good_streak = 0;
        }
        if let Ok(observation) = &result {
            self.last_ok = Some(at);
            let mut push = |name: &str, value: f64| {
                // Every poll: the name is copied only the first time a series is seen.
                if !self.series.contains_key(name) {
                    self.series.insert(name.to_string(), VecDeque::new());
                }
                let Some(series) = self.series.get_mut(name) else {
                    return;
                };
                let minute = at.timestamp().div_euclid(60);
                match series.back_mut() {
                    Some((last, v)) if last.timestamp().div_euclid(60) == minute => {
                        (*last, *v) = (at, value);
                    }
                    _ => {
                        if series.len() == HISTORY {
                            series.pop_front();
                        }
                        series.push_back((at, value));
                    }
                }
            };
            if let Some(v) = observation.value {
                push("value", v);
            }
            for (name, v) in &observation.fields {
                push(name, *v);
            }
            push("elapsed_ms", observation.elapsed.as_secs_f64() * 1000.0);
        }
        self.latest = Some((at, result));
    }

    /// An answer older than three intervals is stale: shown with its age, not as current. A
    /// source that has not answered yet is not stale: it is waiting.
    pub fn is_stale(&self, now: DateTime<Utc>, interval: std::time::Duration) -> bool {
        let limit = Duration::from_std(interval * 3).unwrap_or(Duration::seconds(15));
        self.latest
            .as_ref()
            .is_some_and(|(at, _)| now - *at > limit)
    }

    /// When the latest answer came.
    pub fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.latest.as_ref().map(|(at, _)| *at)
    }

    /// What this source says now: its health while its answer is fresh, "no data" before its
    /// first answer or once the answer is stale.
    pub fn status(&self, now: DateTime<Utc>, interval: std::time::Duration) -> Status {
        match self.health {
            Some(h) if !self.is_stale(now, interval) => h.into(),
            _ => Status::NoData,
        }
    }
}

/// Every source's state, in layout order, and what each panel read from its source.
#[derive(Debug, Default)]
pub struct Live {
    pub sources: Vec<SourceState>,
    /// Per panel, in layout order: its data from the latest answer, or why the answer is not
    /// what the panel needs; `None` before any answer and for panels that read states directly.
    pub panels: Vec<Option<Result<PanelData, String>>>,
}

impl Live {
    pub fn new(layout: &Layout) -> Self {
        Self {
            sources: vec![SourceState::default(); layout.sources.len()],
            panels: vec![None; layout.panels.len()],
        }
    }

    /// Records one poll of source `index` and re-reads the panels it feeds: parsing happens
    /// here, once per answer, never while drawing.
    pub fn record(
        &mut self,
        layout: &Layout,
        index: usize,
        at: DateTime<Utc>,
        result: Result<Observation, SourceError>,
        health: Health,
        reason: Option<Finding>,
    ) {
        let Some(source) = layout.sources.get(index) else {
            return;
        };
        let data = |panel: &crate::layout::Panel| match &result {
            Ok(obs) if obs.status.is_none_or(|s| (200..300).contains(&s)) => {
                panel::read(panel, obs, &source.spec.units)
            }
            // A failed poll or an error status: the panel says what the source said.
            _ => panel::read(panel, &Observation::default(), &source.spec.units).map(|_| {
                Err(reason
                    .as_ref()
                    .map_or_else(|| "no answer".to_string(), ToString::to_string))
            }),
        };
        let updates: Vec<(usize, Option<Result<PanelData, String>>)> = layout
            .panels
            .iter()
            .enumerate()
            .filter(|(_, p)| p.sources.first() == Some(&source.spec.id))
            .map(|(i, p)| (i, data(p)))
            .collect();
        if self.panels.len() < layout.panels.len() {
            self.panels.resize(layout.panels.len(), None);
        }
        for (i, d) in updates {
            self.panels[i] = d;
        }
        if let Some(state) = self.sources.get_mut(index) {
            state.record(at, result, health, reason);
        }
    }
}

impl Live {
    /// A source whose probe could not be built: its panels show why, as a critical state.
    pub fn cannot_poll(
        &mut self,
        layout: &Layout,
        index: usize,
        at: DateTime<Utc>,
        error: SourceError,
    ) {
        let reason = Some(Finding::error(format!("cannot start polling: {error}")));
        self.record(layout, index, at, Err(error), Health::Critical, reason);
    }

    /// Seeds history and uptime counts from the day's stored samples, so sparklines and
    /// "uptime since 06:00" carry on across a restart.
    pub fn restore(&mut self, layout: &Layout, samples: &[crate::store::Sample]) {
        for sample in samples {
            let Some(index) = layout.source_index(&sample.source) else {
                continue;
            };
            let state = &mut self.sources[index];
            match sample.series.as_str() {
                // Ticket facts, not a chart (app.tickets restores them).
                name if crate::judge::Tickets::is_ticket_series(name) => {}
                "_polls" => state.polls += sample.value.max(0.0) as u64,
                "_up" => state.polls_up += sample.value.max(0.0) as u64,
                name => {
                    let series = state.series.entry(name.to_string()).or_default();
                    if series.len() == HISTORY {
                        series.pop_front();
                    }
                    series.push_back((sample.minute, sample.value));
                }
            }
        }
    }
}

/// "4 s", "2 min", "1 h 05 min": an age as the eye reads it.
pub fn age(d: Duration) -> String {
    // One wording for ages: the catalogue's.
    i18n::age(i18n::Lang::En, d)
}

pub fn severity(health: Health) -> &'static str {
    match health {
        Health::Ok => "ok",
        Health::Warn => "warn",
        Health::Critical => "critical",
    }
}

/// The live state of an item's evidence: ok, degraded, critical or "no data", and a few words on
/// why, in the operator's language (see [`super::evidence::fact`]).
pub fn evidence(app: &App, evidence: &Evidence) -> (Status, String) {
    let fact = super::evidence::fact(app, evidence);
    let why = crate::words::evidence(app.lang, &fact, |id| app.source_title(id));
    (fact.status, why)
}

/// The stored word of a status ("ok", "warn", "critical", "no data").
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::NoData => "no data",
        Status::Warn => "warn",
        Status::Critical => "critical",
    }
}
