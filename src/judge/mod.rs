//! One judgement of the numbers: which source each measure is read from, how it is
//! aggregated (order completion, uptime, the mean response time, ticket resolution,
//! satisfaction), and whether each success-criteria target passes — computed here once, from
//! a [`Measures`] view that the live state (`app::measures`), a day's stored samples
//! ([`samples::Day`]) and a pilot week's ([`week::Days`]) all provide. The scoreboard panel,
//! the reports and the go/no-go only format what this says.
//!
//! - [`week`]: each week's targets over their own window of days, and the verdicts of
//!   operators on the targets no source measures (the go/no-go built on them is
//!   `app::gonogo`).

pub mod samples;
pub mod tickets;
pub mod week;

use chrono::{DateTime, Duration, Utc};

use crate::layout::{Comparison, Layout, PanelKind, Target, TargetValue, ValueRef};
pub use tickets::{TicketStats, Tickets};

/// The resolution target of a support ticket when the layout's tickets panel does not say.
pub const TICKET_TARGET_HOURS: f64 = 2.0;

/// What a judgement reads numbers from.
pub trait Measures {
    /// The latest value of a series ("value" or a field) of a source.
    fn last(&self, source: &str, series: &str) -> Option<f64>;
    /// The mean of a series' per-minute values over the day so far.
    fn mean(&self, source: &str, series: &str) -> Option<f64>;
    /// Polls that were not critical, in percent of all the day's polls.
    fn uptime(&self, source: &str) -> Option<f64>;
    /// When the source last answered (to the minute for stored samples).
    fn read_at(&self, source: &str) -> Option<DateTime<Utc>>;
    /// The day's support tickets, as far as they were seen.
    fn tickets(&self) -> &Tickets;
    /// Each day's last value of a series, oldest day first, `None` for a day without one: a
    /// day's totals (deliveries, ratings) are its last reading, and a window of days adds
    /// them up. Over one day (the live state, a day's samples) it is just [`Self::last`].
    fn per_day(&self, source: &str, series: &str) -> Vec<Option<f64>> {
        vec![self.last(source, series)]
    }
}

/// A target's outcome. Without data there is no verdict: never ✓ and never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// A measure warroom reads, which has no value yet.
    NoData,
    /// Nothing warroom reads measures it (a statement such as "no critical data loss"), and
    /// no operator has judged it yet.
    NotMeasured,
    /// Its week has not begun.
    NotYetBegun,
}

/// How a reading was computed, for the "how" a screen or report shows beside the value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum How {
    /// Nothing in the layout measures it.
    NotMeasured,
    /// Polls that were not critical, of all polls.
    Uptime,
    /// Delivered, of the deliveries that reached an end; each day's totals added up.
    Completion,
    /// The backend's own completion rate (it sends no delivered and failed counts).
    CompletionRate,
    /// The mean of a field's per-minute values.
    MinuteMean { field: String },
    /// The mean time from opening to resolution, a ticket still open counted by its age.
    TicketResolution,
    /// Tickets resolved within the target, of those resolved or already past it.
    TicketsWithin,
    /// Each day's last value, averaged over the days; weighted by a field that counts what
    /// the day's value averages (a satisfaction score by its number of ratings).
    DailyMean {
        field: String,
        weighted_by: Option<String>,
    },
}

/// The field a daily average is weighted by, when its source sends it: how many ratings the
/// day's satisfaction score is the average of.
pub const WEIGHT_FIELD: &str = "ratings";

/// Whether `value` meets `target`; `None` for targets that are not numbers.
pub fn passes(target: &Target, value: f64) -> Option<bool> {
    let TargetValue::Number(goal) = target.value else {
        return None;
    };
    if !value.is_finite() {
        // An impossible reading never passes by accident.
        return Some(false);
    }
    Some(match target.comparison {
        Comparison::Greater => value > goal,
        Comparison::GreaterOrEqual => value >= goal,
        Comparison::Less => value < goal,
        Comparison::LessOrEqual => value <= goal,
        Comparison::Equal => (value - goal).abs() < f64::EPSILON,
    })
}

/// Order completion as the week-1 target means it, in percent: delivered of the deliveries
/// that reached an end. A backend's own `completion_rate` often counts deliveries still on the
/// road, which reads as failure all morning, so it is only the fallback (in percent once it has
/// passed the source's unit).
pub fn completion(m: &dyn Measures, source: &str) -> Option<f64> {
    completion_how(m, source).0
}

/// [`completion`], and whether it came from the counts or the backend's rate. Over several
/// days the counts are added up (each day's last reading is its total).
pub fn completion_how(m: &dyn Measures, source: &str) -> (Option<f64>, How) {
    let delivered = m.per_day(source, "delivered");
    let failed = m.per_day(source, "failed");
    let counted: Vec<(f64, f64)> = delivered
        .iter()
        .zip(&failed)
        .filter_map(|(d, f)| Some(((*d)?, (*f)?)))
        .collect();
    if counted.is_empty() {
        let rates: Vec<f64> = m
            .per_day(source, "completion_rate")
            .into_iter()
            .flatten()
            .collect();
        let rate = (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64);
        return (rate, How::CompletionRate);
    }
    let (d, f) = counted
        .iter()
        .fold((0.0, 0.0), |(d, f), (dd, ff)| (d + dd, f + ff));
    (completion_of(Some(d), Some(f), None), How::Completion)
}

/// Each day's last value of `series`, averaged over the days that have one; weighted by
/// [`WEIGHT_FIELD`] when every such day has it. Over one day: its last value.
pub fn daily_mean(m: &dyn Measures, source: &str, series: &str) -> (Option<f64>, How) {
    let values = m.per_day(source, series);
    let weights = m.per_day(source, WEIGHT_FIELD);
    let days: Vec<(f64, Option<f64>)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some(((*v)?, weights.get(i).copied().flatten())))
        .collect();
    let weighted = !days.is_empty()
        && series != WEIGHT_FIELD
        && days.iter().all(|(_, w)| w.is_some_and(|w| w >= 0.0));
    let value = if weighted {
        let total: f64 = days.iter().filter_map(|(_, w)| *w).sum();
        (total > 0.0).then(|| days.iter().map(|(v, w)| v * w.unwrap_or(0.0)).sum::<f64>() / total)
    } else {
        (!days.is_empty()).then(|| days.iter().map(|(v, _)| v).sum::<f64>() / days.len() as f64)
    };
    let how = How::DailyMean {
        field: series.to_string(),
        weighted_by: weighted.then(|| WEIGHT_FIELD.to_string()),
    };
    (value, how)
}

/// [`completion`] from the numbers themselves.
pub fn completion_of(
    delivered: Option<f64>,
    failed: Option<f64>,
    rate: Option<f64>,
) -> Option<f64> {
    match (delivered, failed) {
        (Some(d), Some(f)) if d + f > 0.0 => Some(d * 100.0 / (d + f)),
        (Some(_), Some(_)) => None,
        _ => rate,
    }
}

/// The sources the measures are read from, found through the layout's panels so that a
/// layout naming its sources differently still gets them.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    pub uptime: Option<String>,
    pub deliveries: Option<String>,
    /// Source, p95 field, avg field.
    pub latency: Option<(String, String, String)>,
    pub error_rate: Option<String>,
    /// The tickets source, its rows path, and its resolution target.
    pub tickets: Option<(String, String, Duration)>,
    /// The criteria panel's week and bindings (metric → where to read it).
    pub week: u32,
    pub criteria: Vec<(String, ValueRef)>,
}

impl Bindings {
    pub fn of(layout: &Layout) -> Self {
        let mut b = Self {
            week: 1,
            ..Self::default()
        };
        for panel in &layout.panels {
            let first = panel.sources.first().cloned();
            match &panel.kind {
                PanelKind::Criteria { week, bind } if b.criteria.is_empty() => {
                    b.week = *week;
                    b.criteria = bind.clone();
                }
                PanelKind::Deliveries { .. } if b.deliveries.is_none() => b.deliveries = first,
                PanelKind::ErrorRate if b.error_rate.is_none() => b.error_rate = first,
                PanelKind::Latency {
                    p95_field,
                    avg_field,
                    ..
                } if b.latency.is_none() => {
                    b.latency = first.map(|s| (s, p95_field.clone(), avg_field.clone()));
                }
                PanelKind::Tickets { rows, target_hours } if b.tickets.is_none() => {
                    let target = Duration::minutes((target_hours * 60.0).round() as i64);
                    b.tickets = first.map(|s| (s, rows.text.clone(), target));
                }
                _ => {}
            }
        }
        b.uptime = b
            .criteria
            .iter()
            .find(|(_, r)| r.uptime)
            .map(|(_, r)| r.source.clone())
            .or_else(|| {
                // No `uptime:` binding: the API's health source, as the pilot layout calls it.
                layout.source("api").map(|s| s.spec.id.clone())
            });
        b
    }

    pub fn ticket_target(&self) -> Duration {
        self.tickets.as_ref().map_or_else(
            || Duration::minutes((TICKET_TARGET_HOURS * 60.0) as i64),
            |(_, _, t)| *t,
        )
    }

    /// The criteria week the layout watches, else its first.
    pub fn week<'a>(&self, layout: &'a Layout) -> Option<&'a crate::layout::CriteriaWeek> {
        layout
            .criteria
            .iter()
            .find(|c| c.week == self.week)
            .or_else(|| layout.criteria.first())
    }
}

/// A measure as read: its value (in the target's unit), from which source, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: Option<f64>,
    /// The source it is read from; `None` when nothing in the layout measures it.
    pub source: Option<String>,
    pub how: How,
}

/// The source a criteria metric is read from; `None` when nothing in the layout measures it
/// (then only an operator can judge it).
pub fn source_of(b: &Bindings, metric: &str) -> Option<String> {
    if let Some((_, r)) = b.criteria.iter().find(|(name, _)| name == metric) {
        return Some(r.source.clone());
    }
    match metric {
        "uptime" => b.uptime.clone(),
        "order_completion" => b.deliveries.clone(),
        "avg_response_time" | "p95_response_time" => b.latency.as_ref().map(|l| l.0.clone()),
        "issue_resolution_time" | "tickets_within_2h" => {
            b.tickets.as_ref().map(|(s, _, _)| s.clone())
        }
        _ => None,
    }
}

/// A criteria metric's reading: through the criteria panel's binding (aggregated over the
/// window the way the matching measure is), else the measure of that name.
pub fn metric(b: &Bindings, m: &dyn Measures, metric: &str, at: DateTime<Utc>) -> Reading {
    let source = source_of(b, metric);
    if let Some((_, r)) = b.criteria.iter().find(|(name, _)| name == metric) {
        let (value, how) = bound(b, m, r);
        return Reading { value, source, how };
    }
    let (value, how) = match (metric, source.as_deref()) {
        (_, None) => (None, How::NotMeasured),
        ("uptime", Some(s)) => (m.uptime(s), How::Uptime),
        ("order_completion", Some(s)) => completion_how(m, s),
        ("avg_response_time" | "p95_response_time", Some(s)) => {
            let field = b
                .latency
                .as_ref()
                .map(|(_, p95, avg)| {
                    if metric == "avg_response_time" {
                        avg
                    } else {
                        p95
                    }
                })
                .cloned()
                .unwrap_or_default();
            (m.mean(s, &field), How::MinuteMean { field })
        }
        ("issue_resolution_time", Some(_)) => (
            m.tickets().stats(at, b.ticket_target()).mean_hours,
            How::TicketResolution,
        ),
        ("tickets_within_2h", Some(_)) => (
            m.tickets().stats(at, b.ticket_target()).within_target_pct,
            How::TicketsWithin,
        ),
        (_, Some(_)) => (None, How::NotMeasured),
    };
    Reading { value, source, how }
}

fn bound(b: &Bindings, m: &dyn Measures, r: &ValueRef) -> (Option<f64>, How) {
    let (raw, how) = if r.uptime {
        (m.uptime(&r.source), How::Uptime)
    } else {
        match r.field.as_deref() {
            Some("completion_rate") => completion_how(m, &r.source),
            // Response times: the mean over the minutes, so one slow spell weighs by its
            // length.
            Some(f) if b.latency.as_ref().is_some_and(|(s, _, _)| *s == r.source) => (
                m.mean(&r.source, f),
                How::MinuteMean {
                    field: f.to_string(),
                },
            ),
            Some(f) => daily_mean(m, &r.source, f),
            None => daily_mean(m, &r.source, "value"),
        }
    };
    (raw.map(|v| v * r.scale), how)
}

/// One target, judged.
#[derive(Debug, Clone)]
pub struct Judged<'a> {
    pub target: &'a Target,
    pub reading: Reading,
    pub verdict: Verdict,
    /// When its source last answered, when it has one.
    pub read_at: Option<DateTime<Utc>>,
}

/// Every target of the watched week, judged at `at`.
pub fn criteria<'a>(
    layout: &'a Layout,
    b: &Bindings,
    m: &dyn Measures,
    at: DateTime<Utc>,
) -> Vec<Judged<'a>> {
    let Some(week) = b.week(layout) else {
        return Vec::new();
    };
    week.targets
        .iter()
        .map(|target| judge(target, b, m, at))
        .collect()
}

pub fn judge<'a>(
    target: &'a Target,
    b: &Bindings,
    m: &dyn Measures,
    at: DateTime<Utc>,
) -> Judged<'a> {
    let reading = metric(b, m, &target.metric, at);
    let verdict = match (&reading.source, reading.value) {
        (None, _) => Verdict::NotMeasured,
        (Some(_), None) => Verdict::NoData,
        (Some(_), Some(v)) => match passes(target, v) {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Fail,
            None => Verdict::NotMeasured,
        },
    };
    let read_at = reading.source.as_deref().and_then(|s| m.read_at(s));
    Judged {
        target,
        reading,
        verdict,
        read_at,
    }
}

/// Every measured target passes (`None`: none could be measured).
pub fn on_target(judged: &[Judged<'_>]) -> Option<bool> {
    let measured: Vec<&Judged<'_>> = judged
        .iter()
        .filter(|j| matches!(j.verdict, Verdict::Pass | Verdict::Fail))
        .collect();
    (!measured.is_empty()).then(|| measured.iter().all(|j| j.verdict == Verdict::Pass))
}
