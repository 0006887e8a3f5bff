//! `warroom report --week N`: a pilot week's report — each target of the week judged over
//! its own window (as `judge::week` judges it), how it was computed, a chart per target
//! across the week's days, and the days themselves — as Markdown, self-contained HTML or
//! JSON (`schemas/week-report.schema.json`), in English or Traditional Chinese. Shares the
//! day report's catalogue keys, HTML style and number formatting.

pub mod html;
pub mod markdown;

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::measures::round;
use crate::app::Ledger;
use crate::i18n::{Lang, Msg, date_short, t, tf};
use crate::judge::week::{self, Basis, WeekState};
use crate::judge::{Bindings, How, Verdict};
use crate::layout::{Layout, PilotDay};
use crate::sources::clean::clean;
use crate::store::{Change, Sample, Store, Stored};

#[derive(Debug, Clone, Serialize)]
pub struct WeekReport {
    pub launch: String,
    pub name: String,
    pub lang: Lang,
    pub timezone: String,
    pub week: u32,
    /// The week's criteria title, "Week 1 Targets".
    pub title: String,
    /// The timeline phase covering the week, when the layout says.
    pub phase: Option<String>,
    pub first: String,
    pub last: String,
    /// "not_yet_begun", "in_progress" or "over".
    pub state: &'static str,
    /// The day of the week (1–7) while it runs.
    pub day: Option<u32>,
    /// The instant the values are as of, on the launch's clock: now while the week runs,
    /// its end once over.
    pub as_of: String,
    /// "Week 1: 3 of 5 targets pass, 1 failing, 1 without a verdict".
    pub headline: String,
    /// Where the week stands, in a sentence.
    pub status_line: String,
    pub targets: Vec<TargetReport>,
    pub days: Vec<DayReport>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub id: String,
    pub metric: String,
    pub text: String,
    /// The threshold as read: "> 99%".
    pub target: String,
    /// Its number, for charts (`None` for a yes/no statement).
    pub goal: Option<f64>,
    pub unit: Option<String>,
    /// Over the week so far (or the whole week once over).
    pub measured: Option<f64>,
    /// The value as an operator reads it, with its unit.
    pub shown: Option<String>,
    pub verdict: Verdict,
    pub source: Option<String>,
    /// How it was computed, in the report's language.
    pub how: String,
    pub method: How,
    pub basis: Basis,
    pub judged: Option<JudgedReport>,
    /// The value on each day of the week that has samples: the chart.
    pub daily: Vec<DailyPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JudgedReport {
    pub passed: bool,
    pub by: String,
    pub at: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DailyPoint {
    pub date: String,
    /// The pilot day (1 = the start date).
    pub day: u32,
    pub value: Option<f64>,
    /// Whether the day alone meets the target.
    pub passes: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayReport {
    pub date: String,
    pub day: u32,
    /// Customers the timeline expects that day.
    pub customers: Option<u32>,
    pub samples: usize,
    /// Changes recorded that day (ticks, notes, verdicts...).
    pub events: usize,
    pub alerts: usize,
    /// Later than the report's instant: nothing to show yet.
    pub to_come: bool,
}

/// What a week report is built from, already read.
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    pub week: u32,
    /// Samples by day (days outside the week are left out).
    pub samples: &'a BTreeMap<NaiveDate, Vec<Sample>>,
    /// The pilot's events from its start to now: operators' verdicts, and the week's days.
    pub events: &'a [Stored],
    pub now: DateTime<Utc>,
    pub lang: Lang,
}

/// The week's report, or why there is none (no calendar, no targets for that week).
pub fn build(inputs: &Inputs<'_>) -> Result<WeekReport> {
    let layout = inputs.layout;
    let lang = inputs.lang;
    let zone = layout.launch.zone;
    let Some(criteria) = layout.criteria.iter().find(|c| c.week == inputs.week) else {
        let weeks: Vec<String> = layout.criteria.iter().map(|c| c.week.to_string()).collect();
        bail!(
            "the layout has no targets for week {} (weeks with targets: {})",
            inputs.week,
            if weeks.is_empty() {
                "none".to_string()
            } else {
                weeks.join(", ")
            }
        );
    };
    if layout.pilot_start().is_none() {
        bail!(
            "the layout names no pilot start date ([pilot] start, or launch.date): its weeks cannot be placed on the calendar"
        );
    }
    let pilot = Ledger::from_events(inputs.events.iter().cloned());
    let verdicts = |id: &str| pilot.pilot().judgement(id).cloned();
    let bindings = Bindings::of(layout);
    let judged_inputs = week::Inputs {
        layout,
        bindings: &bindings,
        samples: inputs.samples,
        verdicts: &verdicts,
        now: inputs.now,
    };
    let judged = week::week(&judged_inputs, criteria).context("the week has no dates")?;
    let local = |at: DateTime<Utc>| super::local(zone, at);
    let day_of = |date: NaiveDate| match layout.pilot_day_of(date) {
        PilotDay::During { day, .. } | PilotDay::After { day, .. } => day,
        PilotDay::NoStart | PilotDay::Before { .. } => 0,
    };
    let targets = judged
        .targets
        .iter()
        .map(|t| {
            let places = if t.target.unit.as_deref() == Some("ms") {
                1
            } else {
                2
            };
            TargetReport {
                id: t.target.id.clone(),
                metric: t.target.metric.clone(),
                text: t.target.text.get(lang).to_string(),
                target: t.target.threshold(),
                goal: match t.target.value {
                    crate::layout::TargetValue::Number(n) => Some(n),
                    crate::layout::TargetValue::Bool(_) => None,
                },
                unit: t.target.unit.clone(),
                measured: t.reading.value.map(|v| round(v, places)),
                shown: t
                    .reading
                    .value
                    .map(|v| crate::words::target_value(v, t.target.unit.as_deref())),
                verdict: t.verdict,
                source: t.reading.source.clone(),
                how: clean(&crate::words::week_how(lang, t, zone)),
                method: t.reading.how.clone(),
                basis: t.basis.clone(),
                // The log's words are an operator's: no terminal escape reaches a report.
                judged: t.by_operator.as_ref().map(|v| JudgedReport {
                    passed: v.passed,
                    by: clean(&v.by),
                    at: local(v.at),
                    reason: clean(&v.reason),
                }),
                daily: t
                    .daily
                    .iter()
                    .map(|(date, value)| DailyPoint {
                        date: date.to_string(),
                        day: day_of(*date),
                        value: value.map(|v| round(v, places + 1)),
                        passes: value.and_then(|v| crate::judge::passes(t.target, v)),
                    })
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    let mut days = Vec::new();
    let mut date = judged.first;
    while date <= judged.last {
        let of_day: Vec<&Stored> = inputs
            .events
            .iter()
            .filter(|s| s.event.day == date)
            .collect();
        let start_of_day = crate::clock::at_zone(zone, date.and_time(chrono::NaiveTime::MIN));
        days.push(DayReport {
            date: date.to_string(),
            day: day_of(date),
            customers: layout.customers_on(day_of(date)),
            samples: inputs.samples.get(&date).map_or(0, Vec::len),
            events: of_day
                .iter()
                .filter(|s| !s.event.change.is_system())
                .count(),
            alerts: of_day
                .iter()
                .filter(|s| matches!(s.event.change, Change::AlertRaised { .. }))
                .count(),
            to_come: start_of_day > judged.as_of,
        });
        date = match date.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    let (state, day) = match judged.state {
        WeekState::NotYetBegun => ("not_yet_begun", None),
        WeekState::InProgress { day } => ("in_progress", Some(day)),
        WeekState::Over => ("over", None),
    };
    let status_line = match judged.state {
        WeekState::NotYetBegun => tf(lang, Msg::WkNotBegun, &[&date_short(lang, judged.first)]),
        WeekState::InProgress { day } => tf(lang, Msg::WkInProgress, &[&day]),
        WeekState::Over => t(lang, Msg::WkOver).to_string(),
    };
    let mut warnings = Vec::new();
    let empty = days.iter().filter(|d| !d.to_come && d.samples == 0).count();
    if empty > 0 && judged.state != WeekState::NotYetBegun {
        warnings.push(tf(lang, Msg::WkDaysWithoutSamples, &[&empty]));
    }
    Ok(WeekReport {
        launch: layout.launch.id.clone(),
        name: layout.launch.name.get(lang).to_string(),
        lang,
        timezone: zone.name().to_string(),
        week: criteria.week,
        title: criteria.title.get(lang).to_string(),
        phase: layout
            .phase_of_week(criteria.week)
            .and_then(|i| layout.timeline.get(i))
            .map(|p| p.title.get(lang).to_string()),
        first: judged.first.to_string(),
        last: judged.last.to_string(),
        state,
        day,
        as_of: local(judged.as_of),
        headline: headline(lang, criteria.title.get(lang), &targets),
        status_line,
        targets,
        days,
        warnings,
    })
}

/// "Week 1 Targets: 3 of 5 pass, 1 failing, 1 without a verdict".
fn headline(lang: Lang, title: &str, targets: &[TargetReport]) -> String {
    let count = |v: &[Verdict]| targets.iter().filter(|t| v.contains(&t.verdict)).count();
    let pass = count(&[Verdict::Pass]);
    let fail = count(&[Verdict::Fail]);
    let open = count(&[Verdict::NoData, Verdict::NotMeasured, Verdict::NotYetBegun]);
    let mut parts = vec![tf(lang, Msg::GoTargetsPass, &[&pass, &targets.len()])];
    let plural = |n: usize, one: Msg, many: Msg| {
        if n == 1 {
            t(lang, one).to_string()
        } else {
            tf(lang, many, &[&n])
        }
    };
    if fail > 0 {
        parts.push(plural(fail, Msg::GoTargetFailing, Msg::GoTargetsFailing));
    }
    if open > 0 {
        parts.push(plural(
            open,
            Msg::GoTargetUnsettled,
            Msg::GoTargetsUnsettled,
        ));
    }
    format!(
        "{title}{}{}",
        t(lang, Msg::RptColon),
        parts.join(t(lang, Msg::RptComma))
    )
}

/// Reads what the week needs from the store: its days' samples up to now and the pilot's
/// events from its start to now (verdicts on targets may be recorded after the week).
pub async fn load(
    store: &Store,
    layout: &Layout,
    week: u32,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<WeekReport> {
    let launch = &layout.launch.id;
    let (Some(start), Some((first, last))) = (layout.pilot_start(), layout.week_dates(week)) else {
        // `build` says why.
        return build(&Inputs {
            layout,
            week,
            samples: &BTreeMap::new(),
            events: &[],
            now,
            lang,
        });
    };
    let today = now.with_timezone(&layout.launch.zone).date_naive();
    let samples = if first <= today {
        store
            .samples_of_days(launch, first, last.min(today))
            .await
            .with_context(|| format!("cannot read the samples of {first} to {last}"))?
    } else {
        BTreeMap::new()
    };
    let read = store
        .read_days(launch, start.min(first), today.max(last))
        .await
        .context("cannot read the pilot's events")?;
    // As of `now`: a verdict recorded later does not judge the week yet.
    let events: Vec<Stored> = read
        .events
        .into_iter()
        .filter(|s| s.event.at <= now)
        .collect();
    let mut report = build(&Inputs {
        layout,
        week,
        samples: &samples,
        events: &events,
        now,
        lang,
    })?;
    if !read.unreadable.is_empty() {
        report.warnings.push(format!(
            "{} events could not be read and were left out: {}",
            read.unreadable.len(),
            read.unreadable
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    Ok(report)
}

/// Renders a week report in the chosen format.
pub fn render(report: &WeekReport, format: crate::cli::ReportFormat) -> Result<String> {
    use crate::cli::ReportFormat;
    Ok(match format {
        ReportFormat::Md => markdown::render(report),
        ReportFormat::Html => html::render(report),
        ReportFormat::Json => {
            serde_json::to_string_pretty(report).context("cannot write the week report as JSON")?
        }
    })
}
