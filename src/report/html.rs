//! The report as one self-contained HTML page: inline CSS (with print rules) and inline SVG
//! charts, no external resources, so it can be mailed, archived and printed as it is. Built
//! with maud: every text is escaped by the template, never by hand.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::markdown::{hm, verdict_word};
use super::model::{Point, Report, fmt_number};
use crate::i18n::{Msg, t, tf};
use crate::judge::Verdict;

pub(crate) const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans TC','PingFang TC',sans-serif;color:#1d2329;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:2px solid #d5dbe1;padding-bottom:3px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#5b6670}.headline{font-size:17px;font-weight:600;padding:10px 14px;border-radius:6px;background:#eef6ee;border-left:6px solid #2e7d32}
.headline.off{background:#fdeeee;border-left-color:#c62828}.status{margin:8px 0 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d5dbe1;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f5f7}
ul.items{list-style:none;padding-left:4px;margin:4px 0}ul.items li{padding:1px 0}
.done{color:#2e7d32}.skipped{color:#8a6d00}.open{color:#c62828}.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.na{color:#5b6670}
.who{color:#5b6670;font-size:12px}.against{color:#c62828;font-size:12px;font-weight:600}.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{flex:1 1 320px}
.chart svg{width:100%;height:auto;border:1px solid #d5dbe1;background:#fff}.warn{background:#fff8e1;padding:6px 10px;border-left:4px solid #f9a825}
@media print{body{max-width:none;margin:0;font-size:11px}h2{break-after:avoid}table,.chart,section.block{break-inside:avoid}.headline{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
";

pub fn render(r: &Report) -> String {
    page(r).into_string()
}

fn page(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    let off = r.totals.on_target == Some(false) || r.totals.alerts_open > 0;
    html! {
        (DOCTYPE)
        html lang=(r.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (r.name) " — " (w(Msg::RptTitle)) " " (r.date) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (r.name) " — " (w(Msg::RptTitle)) }
                p.meta {
                    (w(Msg::RptDate)) ": " (r.date) " · "
                    (w(Msg::RptTimezone)) ": " (r.timezone) " · "
                    (w(Msg::RptGenerated)) ": " (hm(&r.as_of))
                }
                p.headline.off[off] { (r.headline) }
                p.status { (r.status_line) }
                @for warning in &r.warnings { p.warn { (warning) } }
                (charts(r))
                (checklist(r))
                (alerts(r))
                (tickets(r))
                (measures(r))
                (criteria(r))
                (notes(r))
                (signoffs(r))
                (prelaunch(r))
            }
        }
    }
}

fn charts(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    let none = w(Msg::RptNoSamples);
    html! {
        h2 { (w(Msg::RptCharts)) }
        div.charts {
            div.chart { h3 { (w(Msg::RptChartErrorRate)) } (chart(&[(&r.charts.error_rate, "#c62828")], none)) }
            div.chart { h3 { (w(Msg::RptChartP95)) } (chart(&[(&r.charts.p95_ms, "#1565c0")], none)) }
            div.chart {
                h3 {
                    (w(Msg::RptChartDeliveries)) " "
                    span.done { "■ " (w(Msg::RptDelivered)) } " "
                    span.open { "■ " (w(Msg::RptFailed)) }
                }
                (chart(&[(&r.charts.delivered, "#2e7d32"), (&r.charts.failed, "#c62828")], none))
            }
        }
    }
}

fn checklist(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptLaunchDay)) }
        @for b in &r.blocks {
            section.block {
                h3 {
                    (b.start) "–" (b.end) " " (b.title) " "
                    span.who {
                        (b.done) " " (w(Msg::RptDone)) " · " (b.skipped) " " (w(Msg::RptSkipped))
                        " · " (b.open) " " (w(Msg::RptOpen))
                    }
                }
                @for s in &b.sections {
                    h4 { (s.title) }
                    ul.items {
                        @for i in &s.items {
                            @let (sym, class, word) = match i.status {
                                "done" => ("✔", "done", w(Msg::RptDone)),
                                "skipped" => ("–", "skipped", w(Msg::RptSkipped)),
                                _ => ("○", "open", w(Msg::RptOpen)),
                            };
                            li {
                                span class=(class) { (sym) } " " (i.text)
                                @if let (Some(by), Some(at)) = (&i.by, &i.at) {
                                    " " span.who { (word) " " (w(Msg::RptBy)) " " (by) " " (hm(at)) }
                                }
                                @if let Some(reason) = &i.reason {
                                    " " span.who { "(" (w(Msg::RptReason)) ": " (reason) ")" }
                                }
                                @if let Some(minutes) = i.late_minutes {
                                    " " span.against {
                                        (w(Msg::RptLate)) ": "
                                        (tf(r.lang, Msg::RptLateBy, &[&crate::i18n::age(r.lang, chrono::Duration::minutes(minutes))]))
                                    }
                                }
                                @if let Some(e) = i.evidence.as_ref().filter(|e| e.against) {
                                    " " span.against { (tf(r.lang, Msg::RptAgainstEvidence, &[&e.said])) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn alerts(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptAlerts)) }
        @if r.alerts.is_empty() {
            p { (w(Msg::RptNoAlerts)) }
        } @else {
            table {
                tr {
                    th { (w(Msg::RptSource)) } th { (w(Msg::RptSeverity)) } th { (w(Msg::RptRaised)) }
                    th { (w(Msg::RptAcknowledged)) } th { (w(Msg::RptCleared)) } th { (w(Msg::RptDuration)) }
                    th { (w(Msg::RptDetail)) } th { (w(Msg::RptNote)) }
                }
                @for a in &r.alerts {
                    tr {
                        td { (a.source_title) }
                        td { (a.steps.join(" → ")) }
                        td { (hm(&a.raised_at)) " " span.who { "(" (a.raised_by) ")" } }
                        td {
                            @match (&a.acknowledged_at, &a.acknowledged_by) {
                                (Some(at), Some(by)) => { (hm(at)) " (" (by) ")" }
                                _ => { "—" }
                            }
                        }
                        td {
                            @match &a.cleared_at {
                                Some(at) => { (hm(at)) }
                                None => { span.open { (w(Msg::RptStillOpen)) } }
                            }
                        }
                        td { (a.duration_minutes) " " (w(Msg::RptMinutes)) }
                        td { (a.detail) }
                        td { (a.note.as_deref().unwrap_or("—")) }
                    }
                }
            }
        }
    }
}

fn tickets(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    let k = &r.tickets;
    html! {
        h2 { (w(Msg::RptTickets)) }
        @if k.items.is_empty() {
            p { (w(Msg::RptNoTickets)) }
        } @else {
            p {
                (tf(r.lang, Msg::RptTicketsLine, &[&k.opened, &k.resolved, &k.open,
                    &k.open_past_target, &fmt_number(k.target_hours, 1)]))
            }
            table {
                tr { th { (w(Msg::RptTicket)) } th { (w(Msg::RptOpened)) } th { (w(Msg::RptResolvedAt)) } th { (w(Msg::RptTook)) } }
                @for tk in &k.items {
                    tr {
                        td { (tk.id) }
                        td { (hm(&tk.opened_at)) }
                        td {
                            @match &tk.resolved_at {
                                Some(at) => { (hm(at)) }
                                None => { span.open { (w(Msg::RptStillOpen)) } }
                            }
                        }
                        td class=(if tk.within_target { "" } else { "fail" }) {
                            (tk.minutes) " " (w(Msg::RptMinutes))
                        }
                    }
                }
            }
        }
    }
}

fn measures(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptMeasures)) }
        table {
            tr { th { (w(Msg::RptMeasure)) } th { (w(Msg::RptValue)) } th { (w(Msg::RptHow)) } }
            @for m in &r.measures {
                tr {
                    td { (m.label) }
                    td {
                        @match m.value {
                            Some(v) => { (fmt_number(v, 2)) " " (m.unit) }
                            None => { span.na { (w(Msg::RptNotMeasured)) } }
                        }
                    }
                    td.who { (m.how) }
                }
            }
        }
    }
}

fn criteria(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        @if let Some(c) = &r.criteria {
            h2 { (w(Msg::RptCriteria)) " — " (c.title) }
            table {
                tr { th { (w(Msg::RptItem)) } th { (w(Msg::RptTarget)) } th { (w(Msg::RptMeasured)) } th { (w(Msg::RptVerdict)) } }
                @for tg in &c.targets {
                    @let class = match tg.verdict {
                        Verdict::Pass => "pass",
                        Verdict::Fail => "fail",
                        Verdict::NoData | Verdict::NotMeasured | Verdict::NotYetBegun => "na",
                    };
                    tr {
                        td { (tg.text) }
                        td { (tg.target) }
                        td {
                            @match tg.measured {
                                Some(v) => { (format!("{} {}", fmt_number(v, 2), tg.unit.as_deref().unwrap_or("")).trim_end()) }
                                None => { (verdict_word(r, tg.verdict)) }
                            }
                        }
                        td class=(class) { (verdict_word(r, tg.verdict)) }
                    }
                }
            }
        }
    }
}

fn notes(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptNotes)) }
        @if r.notes.is_empty() {
            p { (w(Msg::RptNoNotes)) }
        } @else {
            ul {
                @for n in &r.notes {
                    li {
                        (hm(&n.at)) " " (n.by)
                        @if let Some(text) = &n.item_text { " (" (text) ")" }
                        ": " (n.text)
                    }
                }
            }
        }
    }
}

fn signoffs(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptSignoffs)) }
        ul.items {
            @for s in &r.signoffs {
                @match (&s.by, &s.at) {
                    (Some(by), Some(at)) if s.signed => {
                        li {
                            span.done { "✔" } " " (s.role) " "
                            span.who { (w(Msg::RptSigned)) " " (w(Msg::RptBy)) " " (by) " " (hm(at)) }
                        }
                    }
                    _ => {
                        li { span.open { "○" } " " (s.role) " " span.who { (w(Msg::RptNotSigned)) } }
                    }
                }
            }
        }
    }
}

fn prelaunch(r: &Report) -> Markup {
    let w = |msg: Msg| t(r.lang, msg);
    html! {
        h2 { (w(Msg::RptPrelaunch)) }
        table {
            tr {
                th { (w(Msg::RptSection)) } th { (w(Msg::RptDone)) } th { (w(Msg::RptSkipped)) }
                th { (w(Msg::RptOpen)) } th { (w(Msg::RptTotal)) }
            }
            @for p in &r.prelaunch {
                tr { td { (p.title) } td { (p.done) } td { (p.skipped) } td { (p.open) } td { (p.total) } }
            }
        }
    }
}

/// Minutes since midnight of an "HH:MM" label, for the x axis.
fn minute_of(label: &str) -> f64 {
    let mut parts = label.split(':');
    let h: f64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0.0);
    let m: f64 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0.0);
    h * 60.0 + m
}

/// A small line chart of one or more series sharing axes: time across, value up, with the
/// first and last minute and the top value labelled. Always an `<svg>`, even without data, so
/// the page keeps its shape.
fn chart(lines: &[(&Vec<Point>, &str)], empty: &str) -> Markup {
    const W: f64 = 360.0;
    const H: f64 = 140.0;
    const L: f64 = 44.0;
    const R: f64 = 8.0;
    const T: f64 = 10.0;
    const B: f64 = 22.0;
    let all: Vec<&Point> = lines.iter().flat_map(|(p, _)| p.iter()).collect();
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
    if all.is_empty() {
        return frame(html! {
            text x=(W / 2.0) y=(H / 2.0) text-anchor="middle" fill="#5b6670" { (empty) }
        });
    }
    let minutes = || all.iter().map(|p| minute_of(&p.minute));
    let x0 = minutes().fold(f64::MAX, f64::min);
    let x1 = minutes().fold(f64::MIN, f64::max);
    let top = all.iter().map(|p| p.value).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let span = (x1 - x0).max(1.0);
    let x = |m: f64| L + (m - x0) / span * (W - L - R);
    let y = |v: f64| H - B - v / top * (H - B - T);
    let first = all
        .iter()
        .min_by(|a, b| minute_of(&a.minute).total_cmp(&minute_of(&b.minute)));
    let last = all
        .iter()
        .max_by(|a, b| minute_of(&a.minute).total_cmp(&minute_of(&b.minute)));
    frame(html! {
        @for (points, color) in lines {
            polyline fill="none" stroke=(color) stroke-width="1.5"
                points=(points.iter()
                    .map(|p| format!("{:.1},{:.1}", x(minute_of(&p.minute)), y(p.value)))
                    .collect::<Vec<_>>()
                    .join(" ")) {}
        }
        @if let (Some(first), Some(last)) = (first, last) {
            text x=(L) y=(H - 6.0) fill="#5b6670" { (first.minute) }
            text x=(W - R) y=(H - 6.0) text-anchor="end" fill="#5b6670" { (last.minute) }
        }
        text x=(L - 4.0) y=(T + 8.0) text-anchor="end" fill="#5b6670" { (fmt_number(top, 1)) }
        text x=(L - 4.0) y=(H - B) text-anchor="end" fill="#5b6670" { "0" }
    })
}
