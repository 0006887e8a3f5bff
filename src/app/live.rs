//! What the live sources have said: the latest answer of each, its health and since when,
//! a bounded history per series for sparklines, and poll counts for uptime since the day began.

use crate::i18n::{self, Msg, t, tf};
use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Duration, Utc};

use crate::layout::{Evidence, Layout};

use super::App;
use crate::sources::{Health, Observation, SourceError};

/// Points kept per series in memory: one per minute (the minute's last value), so four hours
/// of history whatever the interval, and a thousand sources stay small.
pub const HISTORY: usize = 240;

#[derive(Debug, Default, Clone)]
pub struct SourceState {
    /// When the latest answer came, and what it was.
    pub latest: Option<(DateTime<Utc>, Result<Observation, SourceError>)>,
    pub health: Option<Health>,
    /// Why the source is not ok (a failed condition, an error).
    pub reason: Option<String>,
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

    /// Order completion as the week-1 target means it: delivered of the deliveries that reached
    /// an end (a fraction). A backend's own `completion_rate` often counts open deliveries too,
    /// which reads as failure all morning, so it is only the fallback.
    pub fn completion_rate(&self) -> Option<f64> {
        match (self.field("delivered"), self.field("failed")) {
            (Some(d), Some(f)) if d + f > 0.0 => Some(d / (d + f)),
            (Some(_), Some(_)) => None,
            _ => self
                .field("completion_rate")
                .map(|r| if r > 1.0 { r / 100.0 } else { r }),
        }
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

    /// Records one poll's answer; returns the new health.
    pub fn record(
        &mut self,
        at: DateTime<Utc>,
        result: Result<Observation, SourceError>,
        health: Health,
        reason: Option<String>,
    ) {
        if self.health != Some(health) {
            self.since = Some(at);
        }
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
                let series = self.series.entry(name.to_string()).or_default();
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

    /// A value older than three intervals is stale: shown with its age, not as current.
    pub fn is_stale(&self, now: DateTime<Utc>, interval: std::time::Duration) -> bool {
        let limit = Duration::from_std(interval * 3).unwrap_or(Duration::seconds(15));
        self.latest.as_ref().is_none_or(|(at, _)| now - *at > limit)
    }
}

/// Every source's state, in layout order.
#[derive(Debug, Default)]
pub struct Live {
    pub sources: Vec<SourceState>,
}

impl Live {
    pub fn new(layout: &Layout) -> Self {
        Self {
            sources: vec![SourceState::default(); layout.sources.len()],
        }
    }
}

impl Live {
    /// Seeds history and uptime counts from the day's stored samples, so sparklines and
    /// "uptime since 06:00" carry on across a restart.
    pub fn restore(&mut self, layout: &Layout, samples: &[crate::store::Sample]) {
        for sample in samples {
            let Some(index) = layout
                .sources
                .iter()
                .position(|s| s.spec.id == sample.source)
            else {
                continue;
            };
            let state = &mut self.sources[index];
            match sample.series.as_str() {
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

/// The live state of an item's evidence: its health and a few words on why.
pub fn evidence(app: &App, evidence: &Evidence) -> (Option<Health>, String) {
    let lang = app.lang;
    let source_health = |id: &str| -> (Option<Health>, String) {
        let Some(index) = app.layout.sources.iter().position(|s| s.spec.id == id) else {
            return (None, tf(lang, Msg::EvidenceNotDeclared, &[&id]));
        };
        let source = &app.layout.sources[index];
        let title = source.title.get(lang);
        if !source.missing_env.is_empty() {
            return (
                None,
                tf(
                    lang,
                    Msg::EvidenceNotConfigured,
                    &[&title, &source.missing_env.join(", ")],
                ),
            );
        }
        let state = &app.live.sources[index];
        match state.health {
            None => (None, tf(lang, Msg::EvidenceNoAnswer, &[&title])),
            Some(h) => {
                let why = state
                    .reason
                    .clone()
                    .unwrap_or_else(|| i18n::severity(lang, severity(h)));
                (Some(h), tf(lang, Msg::FlashFrom, &[&title, &why]))
            }
        }
    };
    match evidence {
        Evidence::Source(id) => source_health(id),
        Evidence::Panel(id) => {
            let Some(panel) = app.layout.panels.iter().find(|p| &p.id == id) else {
                return (None, tf(lang, Msg::EvidenceNotDeclared, &[id]));
            };
            let states: Vec<(Option<Health>, String)> =
                panel.sources.iter().map(|s| source_health(s)).collect();
            if states.iter().any(|(h, _)| h.is_none()) {
                let missing = states
                    .iter()
                    .filter(|(h, _)| h.is_none())
                    .map(|(_, w)| w.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                return (None, missing);
            }
            let worst = states
                .iter()
                .filter_map(|(h, _)| *h)
                .max()
                .unwrap_or(Health::Ok);
            let bad: Vec<String> = states
                .into_iter()
                .filter(|(h, _)| *h != Some(Health::Ok))
                .map(|(_, w)| w)
                .collect();
            let why = if bad.is_empty() {
                tf(lang, Msg::EvidenceAllOk, &[&panel.sources.len()])
            } else {
                bad.join("; ")
            };
            (Some(worst), why)
        }
        Evidence::NoCriticalAlerts => {
            let open: Vec<String> = app
                .ledger
                .alerts()
                .iter()
                .filter(|a| a.is_open() && a.is_critical())
                .map(|a| app.source_title(&a.source))
                .collect();
            if open.is_empty() {
                (
                    Some(Health::Ok),
                    t(lang, Msg::EvidenceNoCritical).to_string(),
                )
            } else {
                (
                    Some(Health::Critical),
                    tf(lang, Msg::EvidenceCritical, &[&open.join(", ")]),
                )
            }
        }
    }
}
