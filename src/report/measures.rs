//! The day's numbers in the report — measures, the watched week's targets, support tickets
//! and the charts — all as `judge` reads them from the stored samples.

use super::model::{
    Charts, CriteriaReport, Measure, Point, TargetReport, TicketReport, TicketsReport,
};
use super::{Context, local};
use crate::i18n::{Msg, t};
use crate::judge::{self, Measures};

/// Rounded for display and for stable snapshots (floating sums differ in the last digits).
pub fn round(value: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (value * f).round() / f
}

pub fn measures(cx: &Context<'_>) -> Vec<Measure> {
    let lang = cx.lang;
    let row = |id: &str, label: Msg, unit: &str, how: Msg, places: i32| {
        let reading = judge::metric(&cx.bindings, &cx.day, id, cx.as_of);
        Measure {
            id: id.to_string(),
            label: t(lang, label).to_string(),
            value: reading.value.map(|v| round(v, places)),
            unit: unit.to_string(),
            how: format!(
                "{} {}",
                t(lang, how),
                reading.source.as_deref().unwrap_or("—")
            ),
        }
    };
    vec![
        row("uptime", Msg::RptMUptime, "%", Msg::RptHowUptime, 2),
        row(
            "order_completion",
            Msg::RptMCompletion,
            "%",
            Msg::RptHowCompletion,
            2,
        ),
        row("avg_response_time", Msg::RptMAvg, "ms", Msg::RptHowAvg, 1),
        row("p95_response_time", Msg::RptMP95, "ms", Msg::RptHowP95, 1),
        row(
            "tickets_within_2h",
            Msg::RptMTickets,
            "%",
            Msg::RptHowTickets,
            1,
        ),
        row(
            "issue_resolution_time",
            Msg::RptMIssueResolution,
            t(lang, Msg::RptMTicketsUnit),
            Msg::RptHowIssueResolution,
            2,
        ),
    ]
}

/// The criteria week the live panel watches (week 1 in the pilot), against the day.
pub fn criteria(cx: &Context<'_>) -> Option<CriteriaReport> {
    let week = cx.bindings.week(cx.layout)?;
    let bindings = judge::Bindings {
        week: week.week,
        ..cx.bindings.clone()
    };
    let targets = judge::criteria(cx.layout, &bindings, &cx.day, cx.as_of)
        .into_iter()
        .map(|j| TargetReport {
            id: j.target.id.clone(),
            metric: j.target.metric.clone(),
            text: j.target.text.get(cx.lang).to_string(),
            target: j.target.threshold(),
            // As the measures table rounds it, so both tables show the same number.
            measured: j.reading.value.map(|v| {
                round(
                    v,
                    if j.target.unit.as_deref() == Some("ms") {
                        1
                    } else {
                        2
                    },
                )
            }),
            unit: j.target.unit.clone(),
            verdict: j.verdict,
        })
        .collect();
    Some(CriteriaReport {
        week: week.week,
        title: week.title.get(cx.lang).to_string(),
        targets,
    })
}

pub fn tickets(cx: &Context<'_>) -> TicketsReport {
    let target = cx.bindings.ticket_target();
    let tickets = cx.day.tickets();
    let stats = tickets.stats(cx.as_of, target);
    let items = tickets
        .by_id
        .iter()
        .filter(|(_, tk)| tk.opened <= cx.as_of)
        .map(|(id, tk)| {
            let took = tk.took(cx.as_of);
            let open = tk.is_open_at(cx.as_of);
            TicketReport {
                id: id.clone(),
                opened_at: local(cx.zone, tk.opened),
                resolved_at: tk
                    .resolved
                    .filter(|r| *r <= cx.as_of)
                    .map(|r| local(cx.zone, r)),
                minutes: took.num_minutes(),
                open,
                within_target: took <= target,
            }
        })
        .collect();
    TicketsReport {
        source: cx.bindings.tickets.as_ref().map(|(s, _, _)| s.clone()),
        target_hours: target.num_minutes() as f64 / 60.0,
        opened: stats.opened,
        resolved: stats.resolved,
        open: stats.open,
        open_past_target: stats.open_past_target,
        within_target_pct: stats.within_target_pct.map(|v| round(v, 1)),
        mean_resolution_hours: stats.mean_hours.map(|v| round(v, 2)),
        items,
    }
}

pub fn charts(cx: &Context<'_>) -> Charts {
    let points = |source: &str, series: &str, scale: f64| -> Vec<Point> {
        cx.day
            .get(source, series)
            .iter()
            .map(|s| Point {
                minute: super::hm(cx.zone, s.minute),
                value: round(s.value * scale, 3),
            })
            .collect()
    };
    let b = &cx.bindings;
    let (latency, p95) = b
        .latency
        .as_ref()
        .map_or(("", "p95_ms"), |(s, p95, _)| (s.as_str(), p95.as_str()));
    let deliveries = b.deliveries.as_deref().unwrap_or("");
    Charts {
        error_rate: b
            .error_rate
            .as_deref()
            // Samples are stored in their shown unit: a ratio source's are already percent.
            .map(|s| {
                let percent = cx.layout.source(s).is_some_and(|src| {
                    src.spec.units.value.shown() == crate::sources::Unit::Percent
                });
                points(s, "value", if percent { 1.0 } else { 100.0 })
            })
            .unwrap_or_default(),
        p95_ms: points(latency, p95, 1.0),
        delivered: points(deliveries, "delivered", 1.0),
        failed: points(deliveries, "failed", 1.0),
    }
}
