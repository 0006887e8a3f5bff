//! One judgement of the day's numbers: which source each measure is read from, how it is
//! aggregated (order completion, uptime, the day's mean response time, ticket resolution),
//! and whether each success-criteria target passes — computed here once, from a [`Measures`]
//! view that the live state (`app::measures`) and the stored samples ([`samples::Day`]) both
//! provide. The scoreboard panel and the report only format what this says.

pub mod samples;
pub mod tickets;

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
}

/// A target's outcome. Without data there is no verdict: never ✓ and never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// A measure warroom reads, which has no value yet.
    NoData,
    /// Nothing warroom reads measures it (a statement such as "no critical data loss").
    NotMeasured,
}

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
    completion_of(
        m.last(source, "delivered"),
        m.last(source, "failed"),
        m.last(source, "completion_rate"),
    )
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
                layout
                    .sources
                    .iter()
                    .find(|s| s.spec.id == "api")
                    .map(|s| s.spec.id.clone())
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

/// A measure as read: its value (in the target's unit) and from which source.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: Option<f64>,
    /// The source it is read from; `None` when nothing in the layout measures it.
    pub source: Option<String>,
}

/// A criteria metric's reading: through the criteria panel's binding (aggregated over the day
/// the way the matching measure is), else the measure of that name.
pub fn metric(b: &Bindings, m: &dyn Measures, metric: &str, at: DateTime<Utc>) -> Reading {
    if let Some((_, r)) = b.criteria.iter().find(|(name, _)| name == metric) {
        return Reading {
            value: bound(b, m, r),
            source: Some(r.source.clone()),
        };
    }
    let tickets = || b.tickets.as_ref().map(|(s, _, _)| s.clone());
    let (value, source) = match metric {
        "uptime" => (
            b.uptime.as_deref().and_then(|s| m.uptime(s)),
            b.uptime.clone(),
        ),
        "order_completion" => (
            b.deliveries.as_deref().and_then(|s| completion(m, s)),
            b.deliveries.clone(),
        ),
        "avg_response_time" | "p95_response_time" => match &b.latency {
            Some((source, p95, avg)) => {
                let field = if metric == "avg_response_time" {
                    avg
                } else {
                    p95
                };
                (m.mean(source, field), Some(source.clone()))
            }
            None => (None, None),
        },
        "issue_resolution_time" => (
            tickets().and(m.tickets().stats(at, b.ticket_target()).mean_hours),
            tickets(),
        ),
        "tickets_within_2h" => (
            tickets().and(m.tickets().stats(at, b.ticket_target()).within_target_pct),
            tickets(),
        ),
        _ => (None, None),
    };
    Reading { value, source }
}

fn bound(b: &Bindings, m: &dyn Measures, r: &ValueRef) -> Option<f64> {
    let raw = if r.uptime {
        m.uptime(&r.source)
    } else {
        match r.field.as_deref() {
            Some("completion_rate") => completion(m, &r.source),
            // Response times: the day's mean, so one slow spell weighs by its length.
            Some(f) if b.latency.as_ref().is_some_and(|(s, _, _)| *s == r.source) => {
                m.mean(&r.source, f)
            }
            Some(f) => m.last(&r.source, f),
            None => m.last(&r.source, "value"),
        }
    }?;
    Some(raw * r.scale)
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
