//! The end-of-day report as data: built from the layout, the day's events and stored samples
//! and an instant, so every renderer (Markdown, HTML, JSON) says the same thing.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::text::{Lang, ReportLang};
use crate::app::{Ledger, Mark, Phase, Schedule};
use crate::layout::{Comparison, Layout, PanelKind, Target, TargetValue, ValueRef};
use crate::store::{Change, Sample};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub launch: String,
    pub name: String,
    pub date: String,
    pub timezone: String,
    pub lang: Lang,
    /// The instant the report describes the day up to, on the launch's clock.
    pub as_of: String,
    pub state: DayState,
    /// One line for the top: items, alerts, uptime, completion, on or off target.
    pub headline: String,
    /// A sentence on where the day stands (nothing recorded, in progress, over).
    pub status_line: String,
    pub totals: Totals,
    pub blocks: Vec<BlockReport>,
    pub alerts: Vec<AlertReport>,
    pub measures: Vec<Measure>,
    pub criteria: Option<CriteriaReport>,
    pub notes: Vec<NoteReport>,
    pub signoffs: Vec<SignoffReport>,
    pub prelaunch: Vec<ProgressReport>,
    pub charts: Charts,
    /// Things the report could not read (e.g. samples missing from an older database).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// No event and no sample for the day.
    NothingRecorded,
    NotStarted,
    InProgress,
    Over,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub total: usize,
    pub alerts: usize,
    pub alerts_open: usize,
    pub events: usize,
    pub samples: usize,
    /// All measured targets pass (`None`: none could be measured).
    pub on_target: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockReport {
    pub id: String,
    pub title: String,
    pub start: String,
    pub end: String,
    /// Still to come at `as_of` (not yet ended).
    pub to_come: bool,
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub sections: Vec<SectionReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub text: String,
    /// "done", "skipped" or "open".
    pub status: &'static str,
    pub by: Option<String>,
    /// When the current mark was set, on the launch's clock (RFC 3339).
    pub at: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertReport {
    pub source: String,
    pub source_title: String,
    pub severity: String,
    pub detail: String,
    pub raised_at: String,
    pub raised_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    /// The operator's note given with the acknowledgement.
    pub note: Option<String>,
    pub cleared_at: Option<String>,
    pub cleared_detail: Option<String>,
    /// Raise to clear, or raise to `as_of` while still open.
    pub duration_minutes: i64,
    pub open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// uptime, order_completion, avg_response_time, p95_response_time, tickets_within_2h.
    pub id: String,
    pub label: String,
    pub value: Option<f64>,
    pub unit: String,
    /// How it was computed, and from which source.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriteriaReport {
    pub week: u32,
    pub title: String,
    pub targets: Vec<TargetReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub id: String,
    pub metric: String,
    pub text: String,
    /// The threshold as read: "> 99%".
    pub target: String,
    pub measured: Option<f64>,
    pub unit: Option<String>,
    /// "pass", "fail" or "not_measured".
    pub verdict: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteReport {
    pub at: String,
    pub by: String,
    pub item: Option<String>,
    pub item_text: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignoffReport {
    pub id: String,
    pub role: String,
    pub signed: bool,
    pub by: Option<String>,
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    pub id: String,
    pub title: String,
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub total: usize,
}

/// Per-minute series for the HTML charts: (minute on the launch clock "HH:MM", value).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Charts {
    /// Error rate in percent.
    pub error_rate: Vec<Point>,
    pub p95_ms: Vec<Point>,
    pub delivered: Vec<Point>,
    pub failed: Vec<Point>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub minute: String,
    pub value: f64,
}

/// What the report is built from. `samples` is `None` when they could not be read (an older
/// database); the report then says so instead of failing.
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    pub ledger: &'a Ledger,
    pub samples: Option<&'a [Sample]>,
    pub day: NaiveDate,
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// The sources the measures are read from, found through the layout's panels so that a
/// layout naming its sources differently still gets a report.
struct Bindings {
    uptime: Option<String>,
    deliveries: Option<String>,
    latency: Option<(String, String, String)>,
    error_rate: Option<String>,
    criteria: Vec<(String, ValueRef)>,
    week: u32,
}

fn bindings(layout: &Layout) -> Bindings {
    let mut b = Bindings {
        uptime: None,
        deliveries: None,
        latency: None,
        error_rate: None,
        criteria: Vec::new(),
        week: 1,
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

/// The day's samples of one source, grouped by series, oldest first.
struct Series<'a> {
    by: BTreeMap<(String, String), Vec<&'a Sample>>,
}

impl<'a> Series<'a> {
    fn new(samples: &'a [Sample]) -> Self {
        let mut by: BTreeMap<(String, String), Vec<&Sample>> = BTreeMap::new();
        for s in samples {
            by.entry((s.source.clone(), s.series.clone()))
                .or_default()
                .push(s);
        }
        for list in by.values_mut() {
            list.sort_by_key(|s| s.minute);
        }
        Self { by }
    }

    fn get(&self, source: &str, series: &str) -> &[&'a Sample] {
        self.by
            .get(&(source.to_string(), series.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    fn last(&self, source: &str, series: &str) -> Option<f64> {
        self.get(source, series).last().map(|s| s.value)
    }

    fn mean(&self, source: &str, series: &str) -> Option<f64> {
        let list = self.get(source, series);
        (!list.is_empty()).then(|| list.iter().map(|s| s.value).sum::<f64>() / list.len() as f64)
    }

    fn sum(&self, source: &str, series: &str) -> f64 {
        self.get(source, series).iter().map(|s| s.value).sum()
    }

    /// Percent of polls that were not critical.
    fn uptime(&self, source: &str) -> Option<f64> {
        let polls = self.sum(source, "_polls");
        (polls > 0.0).then(|| self.sum(source, "_up") * 100.0 / polls)
    }

    /// delivered / (delivered + failed) from the last sample of each, in percent.
    fn completion(&self, source: &str) -> Option<f64> {
        let delivered = self.last(source, "delivered")?;
        let failed = self.last(source, "failed").unwrap_or(0.0);
        (delivered + failed > 0.0).then(|| delivered * 100.0 / (delivered + failed))
    }
}

/// Rounded for display and for stable snapshots (floating sums differ in the last digits).
fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

fn local(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn passes(target: &Target, value: f64) -> Option<bool> {
    let TargetValue::Number(goal) = target.value else {
        return None;
    };
    Some(match target.comparison {
        Comparison::Greater => value > goal,
        Comparison::GreaterOrEqual => value >= goal,
        Comparison::Less => value < goal,
        Comparison::LessOrEqual => value <= goal,
        Comparison::Equal => (value - goal).abs() < f64::EPSILON,
    })
}

pub fn build(inputs: &Inputs<'_>) -> Report {
    let Inputs {
        layout,
        ledger,
        samples,
        day,
        now,
        lang,
    } = *inputs;
    let w = lang.words();
    let zone = layout.launch.zone;
    let schedule = Schedule::new(layout, day);
    let empty: [Sample; 0] = [];
    let samples_list = samples.unwrap_or(&empty);
    let series = Series::new(samples_list);
    let b = bindings(layout);
    let mut warnings = Vec::new();
    if samples.is_none() {
        warnings.push(
            "live samples could not be read (a database from an older warroom?): measures are not available"
                .to_string(),
        );
    }

    let item_report = |id: &str, text: &crate::layout::Text| {
        let state = ledger.item(id);
        let (status, reason) = match &state.mark {
            Mark::Done => ("done", None),
            Mark::Skipped { reason } => ("skipped", Some(reason.clone())),
            Mark::Open => ("open", None),
        };
        let (by, at) = match (&state.mark, &state.by) {
            (Mark::Open, _) | (_, None) => (None, None),
            (_, Some((who, at))) => (Some(who.clone()), Some(local(zone, *at))),
        };
        ItemReport {
            id: id.to_string(),
            text: lang.pick(text),
            status,
            by,
            at,
            reason,
        }
    };

    let mut totals = Totals::default();
    let blocks: Vec<BlockReport> = layout
        .blocks
        .iter()
        .enumerate()
        .map(|(index, block)| {
            let sections: Vec<SectionReport> = block
                .sections
                .iter()
                .map(|s| SectionReport {
                    id: s.id.clone(),
                    title: lang.pick(&s.title),
                    items: s
                        .items
                        .iter()
                        .map(|i| item_report(&i.id, &i.text))
                        .collect(),
                })
                .collect();
            let count = |status: &str| {
                sections
                    .iter()
                    .flat_map(|s| &s.items)
                    .filter(|i| i.status == status)
                    .count()
            };
            let (done, skipped, open) = (count("done"), count("skipped"), count("open"));
            totals.done += done;
            totals.skipped += skipped;
            totals.open += open;
            totals.total += done + skipped + open;
            BlockReport {
                id: block.id.clone(),
                title: lang.pick(&block.title),
                start: block.start.format("%H:%M").to_string(),
                end: block.end.format("%H:%M").to_string(),
                to_come: !schedule.has_ended(index, now),
                done,
                skipped,
                open,
                sections,
            }
        })
        .collect();

    let source_title = |id: &str| {
        layout
            .sources
            .iter()
            .find(|s| s.spec.id == id)
            .map_or_else(|| id.to_string(), |s| lang.pick(&s.title))
    };
    let alerts: Vec<AlertReport> = ledger
        .alerts()
        .iter()
        .map(|a| {
            let end = a.cleared.as_ref().map_or(now, |(at, _)| *at);
            AlertReport {
                source: a.source.clone(),
                source_title: source_title(&a.source),
                severity: a.severity.clone(),
                detail: a.detail.clone(),
                raised_at: local(zone, a.raised_at),
                raised_by: a.raised_by.clone(),
                acknowledged_at: a.ack.as_ref().map(|(_, at, _)| local(zone, *at)),
                acknowledged_by: a.ack.as_ref().map(|(who, _, _)| who.clone()),
                note: a
                    .ack
                    .as_ref()
                    .map(|(_, _, why)| why.clone())
                    .filter(|n| !n.is_empty()),
                cleared_at: a.cleared.as_ref().map(|(at, _)| local(zone, *at)),
                cleared_detail: a.cleared.as_ref().map(|(_, d)| d.clone()),
                duration_minutes: (end - a.raised_at).num_minutes().max(0),
                open: a.is_open(),
            }
        })
        .collect();
    totals.alerts = alerts.len();
    totals.alerts_open = alerts.iter().filter(|a| a.open).count();
    totals.events = ledger.events().len();
    totals.samples = samples_list.len();

    // The day's measures, each from the source the layout's panels point at.
    let not_found = "—".to_string();
    let mut measures = Vec::new();
    let uptime_src = b.uptime.clone().unwrap_or_else(|| not_found.clone());
    let uptime = b.uptime.as_deref().and_then(|s| series.uptime(s));
    measures.push(Measure {
        id: "uptime".into(),
        label: w.m_uptime.into(),
        value: uptime.map(|v| round(v, 2)),
        unit: "%".into(),
        how: format!("{} {uptime_src}", w.how_uptime),
    });
    let deliveries_src = b.deliveries.clone().unwrap_or_else(|| not_found.clone());
    let completion = b.deliveries.as_deref().and_then(|s| series.completion(s));
    measures.push(Measure {
        id: "order_completion".into(),
        label: w.m_completion.into(),
        value: completion.map(|v| round(v, 2)),
        unit: "%".into(),
        how: format!("{} {deliveries_src}", w.how_completion),
    });
    let (lat_src, p95_field, avg_field) = b
        .latency
        .clone()
        .unwrap_or_else(|| (not_found.clone(), "p95_ms".into(), "avg_ms".into()));
    let avg = series.mean(&lat_src, &avg_field);
    measures.push(Measure {
        id: "avg_response_time".into(),
        label: w.m_avg.into(),
        value: avg.map(|v| round(v, 1)),
        unit: "ms".into(),
        how: format!("{} {lat_src}", w.how_avg),
    });
    let p95 = series.mean(&lat_src, &p95_field);
    measures.push(Measure {
        id: "p95_response_time".into(),
        label: w.m_p95.into(),
        value: p95.map(|v| round(v, 1)),
        unit: "ms".into(),
        how: format!("{} {lat_src}", w.how_p95),
    });
    measures.push(Measure {
        id: "tickets_within_2h".into(),
        label: w.m_tickets.into(),
        value: None,
        unit: "%".into(),
        how: w.how_tickets.into(),
    });

    // The criteria week the live panel watches (week 1 in the pilot), against the day.
    let criteria = layout
        .criteria
        .iter()
        .find(|c| c.week == b.week)
        .or_else(|| layout.criteria.first())
        .map(|week| CriteriaReport {
            week: week.week,
            title: lang.pick(&week.title),
            targets: week
                .targets
                .iter()
                .map(|t| {
                    let measured = measure_target(&t.metric, &b, &series, &measures);
                    let verdict = match measured.and_then(|v| passes(t, v)) {
                        Some(true) => "pass",
                        Some(false) => "fail",
                        None => "not_measured",
                    };
                    TargetReport {
                        id: t.id.clone(),
                        metric: t.metric.clone(),
                        text: lang.pick(&t.text),
                        target: t.threshold(),
                        measured,
                        unit: t.unit.clone(),
                        verdict,
                    }
                })
                .collect(),
        });
    if let Some(c) = &criteria {
        let judged: Vec<&TargetReport> = c
            .targets
            .iter()
            .filter(|t| t.verdict != "not_measured")
            .collect();
        totals.on_target = (!judged.is_empty()).then(|| judged.iter().all(|t| t.verdict == "pass"));
    }

    let item_text = |id: &str| {
        layout
            .tickables()
            .find(|(_, i, _)| *i == id)
            .map(|(_, _, text)| lang.pick(text))
    };
    let mut notes: Vec<NoteReport> = ledger
        .events()
        .iter()
        .map(|s| &s.event)
        .filter(|e| !ledger.is_undone(&e.id))
        .filter_map(|e| match &e.change {
            Change::Note { text } => Some(NoteReport {
                at: local(zone, e.at),
                by: e.operator.clone(),
                item: e.item.clone(),
                item_text: e.item.as_deref().and_then(item_text),
                text: text.clone(),
            }),
            _ => None,
        })
        .collect();
    // RFC 3339 in one zone sorts as time; stable, so same-instant notes keep log order.
    notes.sort_by(|a, b| a.at.cmp(&b.at));

    let signoffs = layout
        .signoffs
        .iter()
        .map(|s| {
            let state = ledger.item(&s.id);
            let signed = state.mark == Mark::Done;
            let (by, at) = match (&state.by, signed) {
                (Some((who, at)), true) => (Some(who.clone()), Some(local(zone, *at))),
                _ => (None, None),
            };
            SignoffReport {
                id: s.id.clone(),
                role: lang.pick(&s.role),
                signed,
                by,
                at,
            }
        })
        .collect();

    let prelaunch = layout
        .prelaunch
        .iter()
        .map(|section| {
            let mut p = ProgressReport {
                id: section.id.clone(),
                title: lang.pick(&section.title),
                done: 0,
                skipped: 0,
                open: 0,
                total: 0,
            };
            for item in section.items() {
                p.total += 1;
                match ledger.mark(&item.id) {
                    Mark::Done => p.done += 1,
                    Mark::Skipped { .. } => p.skipped += 1,
                    Mark::Open => p.open += 1,
                }
            }
            p
        })
        .collect();

    let hm = |at: DateTime<Utc>| at.with_timezone(&zone).format("%H:%M").to_string();
    let points = |source: &str, series_name: &str, scale: f64| -> Vec<Point> {
        series
            .get(source, series_name)
            .iter()
            .map(|s| Point {
                minute: hm(s.minute),
                value: round(s.value * scale, 3),
            })
            .collect()
    };
    let charts = Charts {
        error_rate: b
            .error_rate
            .as_deref()
            // Samples are stored in their shown unit: a ratio source's are already percent.
            .map(|s| {
                let percent = layout
                    .sources
                    .iter()
                    .find(|src| src.spec.id == s)
                    .is_some_and(|src| {
                        src.spec.units.value.shown() == crate::sources::Unit::Percent
                    });
                points(s, "value", if percent { 1.0 } else { 100.0 })
            })
            .unwrap_or_default(),
        p95_ms: points(&lat_src, &p95_field, 1.0),
        delivered: points(&deliveries_src, "delivered", 1.0),
        failed: points(&deliveries_src, "failed", 1.0),
    };

    let phase = schedule.phase(now);
    let state = if totals.events == 0 && totals.samples == 0 {
        DayState::NothingRecorded
    } else {
        match phase {
            Phase::Before { .. } => DayState::NotStarted,
            Phase::In { .. } | Phase::Gap { .. } => DayState::InProgress,
            Phase::After => DayState::Over,
        }
    };
    let first_start = layout
        .blocks
        .first()
        .map(|b| b.start.format("%H:%M").to_string())
        .unwrap_or_default();
    let to_come: Vec<String> = blocks
        .iter()
        .filter(|b| b.to_come)
        .map(|b| format!("{} ({}–{})", b.title, b.start, b.end))
        .collect();
    let in_progress = format!(
        "{}{}{}{}{}{}",
        w.in_progress.replace("{time}", &hm(now)),
        w.comma,
        w.blocks_to_come,
        w.colon,
        to_come.join(w.list_sep),
        w.stop
    );
    let status_line = match state {
        DayState::NothingRecorded if matches!(phase, Phase::After) => {
            w.nothing_recorded.to_string()
        }
        // Nothing yet, but the day is not over: say both, so an empty report early in the
        // morning does not read as a lost day.
        DayState::NothingRecorded => format!("{} {in_progress}", w.nothing_recorded),
        DayState::NotStarted => w.not_started.replace("{time}", &first_start),
        DayState::InProgress => in_progress,
        DayState::Over => w.day_over.to_string(),
    };

    let headline = headline(lang, &totals, uptime, completion);

    Report {
        launch: layout.launch.id.clone(),
        name: lang.pick(&layout.launch.name),
        date: day.to_string(),
        timezone: zone.name().to_string(),
        lang,
        as_of: local(zone, now),
        state,
        headline,
        status_line,
        totals,
        blocks,
        alerts,
        measures,
        criteria,
        notes,
        signoffs,
        prelaunch,
        charts,
        warnings,
    }
}

/// A criteria target's measured value: through the criteria panel's binding for its metric
/// (aggregated over the day the way the matching measure is), else the measure of that name.
fn measure_target(
    metric: &str,
    b: &Bindings,
    series: &Series<'_>,
    measures: &[Measure],
) -> Option<f64> {
    let from_measures = |id: &str| measures.iter().find(|m| m.id == id).and_then(|m| m.value);
    let Some((_, r)) = b.criteria.iter().find(|(m, _)| m == metric) else {
        return from_measures(metric);
    };
    if r.uptime {
        return series.uptime(&r.source).map(|v| round(v, 2));
    }
    // Deliveries: the day's completion is delivered / (delivered + failed) at the end, not
    // the last completion_rate (which counts orders still on the road as not completed).
    if b.deliveries.as_deref() == Some(r.source.as_str()) {
        return series.completion(&r.source).map(|v| round(v, 2));
    }
    let field = r.field.as_deref().unwrap_or("value");
    // Latency: the day's mean of the per-minute values, so one slow spell weighs by its length.
    if b.latency.as_ref().is_some_and(|(s, _, _)| *s == r.source) {
        // Rounded as the measures table rounds it, so both tables show the same number.
        return series.mean(&r.source, field).map(|v| round(v * r.scale, 1));
    }
    series.last(&r.source, field).map(|v| round(v * r.scale, 2))
}

fn headline(lang: Lang, t: &Totals, uptime: Option<f64>, completion: Option<f64>) -> String {
    let w = lang.words();
    let mut parts = vec![
        w.headline_items
            .replace("{done}", &t.done.to_string())
            .replace("{total}", &t.total.to_string()),
        format!(
            "{} {}",
            t.alerts,
            if t.alerts == 1 {
                w.alert_word
            } else {
                w.alerts_word
            }
        ),
    ];
    if let Some(u) = uptime {
        parts.push(format!("{} {} %", w.uptime, fmt_number(u, 1)));
    }
    if let Some(c) = completion {
        parts.push(format!("{} {} %", w.completion, fmt_number(c, 0)));
    }
    let verdict = match t.on_target {
        Some(true) => w.on_target,
        Some(false) => w.off_target,
        None => w.targets_not_measured,
    };
    format!("{}{}{verdict}", parts.join(w.comma), w.colon)
}

/// A number with at most `places` decimals, trailing zeros dropped.
pub fn fmt_number(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
