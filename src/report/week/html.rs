//! The week report as one self-contained HTML page (the day report's style, inline SVG, no
//! external resources), with a chart per target across the week's days and its threshold
//! drawn in. Built with maud: every text is escaped by the template.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::markdown::verdict_word;
use super::{TargetReport, WeekReport};
use crate::i18n::{Msg, t, tf};
use crate::judge::Verdict;
use crate::report::html::CSS;
use crate::report::markdown::hm;

pub fn render(r: &WeekReport) -> String {
    page(r).into_string()
}

fn page(r: &WeekReport) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    let title = tf(r.lang, Msg::WkTitle, &[&r.week]);
    let off = r.targets.iter().any(|t| t.verdict == Verdict::Fail);
    html! {
        (DOCTYPE)
        html lang=(r.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (r.name) " — " (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (r.name) " — " (title) }
                p.meta {
                    (w(Msg::WkPeriod)) ": " (r.first) " – " (r.last) " · "
                    (w(Msg::RptTimezone)) ": " (r.timezone) " · "
                    (w(Msg::RptGenerated)) ": " (r.as_of.get(..10).unwrap_or(&r.as_of)) " " (hm(&r.as_of))
                    @if let Some(phase) = &r.phase { " · " (w(Msg::WkPhase)) ": " (phase) }
                }
                p.headline.off[off] { (r.headline) }
                p.status { (r.status_line) }
                @for warning in &r.warnings { p.warn { (warning) } }
                h2 { (w(Msg::WkTargets)) }
                table {
                    tr {
                        th { (w(Msg::RptItem)) } th { (w(Msg::RptTarget)) } th { (w(Msg::RptMeasured)) }
                        th { (w(Msg::RptVerdict)) } th { (w(Msg::RptHow)) }
                    }
                    @for tg in &r.targets {
                        tr {
                            td { (tg.text) }
                            td { (tg.target) }
                            td { (tg.shown.as_deref().unwrap_or("—")) }
                            td class=(class(tg.verdict)) { (verdict_word(r, tg.verdict)) }
                            td.who { (tg.how) }
                        }
                    }
                }
                h2 { (w(Msg::WkDayByDay)) }
                div.charts {
                    @for tg in &r.targets {
                        div.chart {
                            h3 { (tg.text) " " span.who { "(" (tg.target) ")" } }
                            (chart(r, tg))
                        }
                    }
                }
                h2 { (w(Msg::WkDays)) }
                table {
                    tr {
                        th { (w(Msg::WkDay)) } th { (w(Msg::WkDate)) } th { (w(Msg::WkCustomers)) }
                        th { (w(Msg::WkSamples)) } th { (w(Msg::WkChanges)) } th { (w(Msg::WkAlerts)) }
                    }
                    @for d in &r.days {
                        tr {
                            td { (d.day) } td { (d.date) }
                            td { @match d.customers { Some(n) => { (n) } None => { "—" } } }
                            @if d.to_come {
                                td.na colspan="3" { (w(Msg::WkToCome)) }
                            } @else {
                                td { (d.samples) } td { (d.events) } td { (d.alerts) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::NoData | Verdict::NotMeasured | Verdict::NotYetBegun => "na",
    }
}

/// A target's days: one point a day (a gap where a day has no value), the threshold as a
/// dashed line, the first and last day and the top value labelled. Always an `<svg>`.
fn chart(r: &WeekReport, tg: &TargetReport) -> Markup {
    const W: f64 = 360.0;
    const H: f64 = 140.0;
    const L: f64 = 44.0;
    const R: f64 = 8.0;
    const T: f64 = 10.0;
    const B: f64 = 22.0;
    let axes = html! {
        line x1=(L) y1=(H - B) x2=(W - R) y2=(H - B) stroke="#9aa5b1" {}
        line x1=(L) y1=(T) x2=(L) y2=(H - B) stroke="#9aa5b1" {}
    };
    let frame = |inner: Markup| {
        html! {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {W} {H}")) role="img"
                font-size="10" font-family="sans-serif" { (axes) (inner) }
        }
    };
    let values: Vec<f64> = tg.daily.iter().filter_map(|p| p.value).collect();
    if values.is_empty() {
        let why = if tg.daily.is_empty() {
            t(r.lang, Msg::WkNoDaily)
        } else {
            t(r.lang, Msg::RptNoSamples)
        };
        return frame(html! {
            text x=(W / 2.0) y=(H / 2.0) text-anchor="middle" fill="#5b6670" { (why) }
        });
    }
    // Days are placed by their pilot day, so a day without samples leaves its gap.
    let first = tg.daily.iter().map(|p| p.day).min().unwrap_or(1);
    let last = tg
        .daily
        .iter()
        .map(|p| p.day)
        .max()
        .unwrap_or(first)
        .max(first + 6);
    let span = f64::from((last - first).max(1));
    let top = values.iter().copied().chain(tg.goal).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let x = |day: u32| L + f64::from(day - first) / span * (W - L - R);
    let y = |v: f64| H - B - v / top * (H - B - T);
    // Runs of consecutive days with values, each drawn as its own line.
    let mut runs: Vec<Vec<(u32, f64)>> = Vec::new();
    let mut previous: Option<u32> = None;
    for p in &tg.daily {
        match p.value {
            Some(v) if previous.is_some_and(|d| d + 1 == p.day) && !runs.is_empty() => {
                if let Some(run) = runs.last_mut() {
                    run.push((p.day, v));
                }
            }
            Some(v) => runs.push(vec![(p.day, v)]),
            None => {}
        }
        previous = p.value.map(|_| p.day);
    }
    let label = |date: &str| date.get(5..).unwrap_or(date).to_string();
    let first_date = tg.daily.first().map(|p| label(&p.date)).unwrap_or_default();
    let last_date = tg.daily.last().map(|p| label(&p.date)).unwrap_or_default();
    frame(html! {
        @if let Some(goal) = tg.goal {
            line x1=(L) y1=(format!("{:.1}", y(goal))) x2=(W - R) y2=(format!("{:.1}", y(goal)))
                stroke="#8a6d00" stroke-dasharray="4 3" {}
        }
        @for run in &runs {
            polyline fill="none" stroke="#1565c0" stroke-width="1.5"
                points=(run.iter()
                    .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
                    .collect::<Vec<_>>()
                    .join(" ")) {}
        }
        @for p in &tg.daily {
            @if let Some(v) = p.value {
                circle cx=(format!("{:.1}", x(p.day))) cy=(format!("{:.1}", y(v))) r="2.5"
                    fill=(if p.passes == Some(false) { "#c62828" } else { "#1565c0" }) {}
            }
        }
        text x=(L) y=(H - 6.0) fill="#5b6670" { (first_date) }
        text x=(W - R) y=(H - 6.0) text-anchor="end" fill="#5b6670" { (last_date) }
        text x=(L - 4.0) y=(T + 8.0) text-anchor="end" fill="#5b6670" { (crate::report::model::fmt_number(top, 1)) }
        text x=(L - 4.0) y=(H - B) text-anchor="end" fill="#5b6670" { "0" }
    })
}
