//! The report as one self-contained HTML page: inline CSS (with print rules) and inline SVG
//! charts, no external resources, so it can be mailed, archived and printed as it is.

use super::text::ReportLang;
use std::fmt::Write;

use super::markdown::hm;
use super::model::{Point, Report, fmt_number};

/// HTML-escapes text for element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans TC','PingFang TC',sans-serif;color:#1d2329;max-width:1100px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:2px solid #d5dbe1;padding-bottom:3px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#5b6670}.headline{font-size:17px;font-weight:600;padding:10px 14px;border-radius:6px;background:#eef6ee;border-left:6px solid #2e7d32}
.headline.off{background:#fdeeee;border-left-color:#c62828}.status{margin:8px 0 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d5dbe1;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f5f7}
ul.items{list-style:none;padding-left:4px;margin:4px 0}ul.items li{padding:1px 0}
.done{color:#2e7d32}.skipped{color:#8a6d00}.open{color:#c62828}.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}.na{color:#5b6670}
.who{color:#5b6670;font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{flex:1 1 320px}
.chart svg{width:100%;height:auto;border:1px solid #d5dbe1;background:#fff}.warn{background:#fff8e1;padding:6px 10px;border-left:4px solid #f9a825}
@media print{body{max-width:none;margin:0;font-size:11px}h2{break-after:avoid}table,.chart,section.block{break-inside:avoid}.headline{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
";

pub fn render(r: &Report) -> String {
    let w = r.lang.words();
    let mut o = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} — {} {}</title><style>{CSS}</style></head><body>\n",
        r.lang.code(),
        esc(&r.name),
        esc(w.title),
        esc(&r.date)
    );
    let _ = writeln!(o, "<h1>{} — {}</h1>", esc(&r.name), esc(w.title));
    let _ = writeln!(
        o,
        "<p class=\"meta\">{}: {} · {}: {} · {}: {}</p>",
        w.date,
        esc(&r.date),
        w.timezone,
        esc(&r.timezone),
        w.generated,
        esc(hm(&r.as_of))
    );
    let off = if r.totals.on_target == Some(false) || r.totals.alerts_open > 0 {
        " off"
    } else {
        ""
    };
    let _ = writeln!(o, "<p class=\"headline{off}\">{}</p>", esc(&r.headline));
    let _ = writeln!(o, "<p class=\"status\">{}</p>", esc(&r.status_line));
    for warning in &r.warnings {
        let _ = writeln!(o, "<p class=\"warn\">{}</p>", esc(warning));
    }

    let _ = writeln!(o, "<h2>{}</h2><div class=\"charts\">", esc(w.charts));
    let _ = writeln!(
        o,
        "<div class=\"chart\"><h3>{}</h3>{}</div>",
        esc(w.chart_error_rate),
        chart(&[(&r.charts.error_rate, "#c62828")], w.no_samples)
    );
    let _ = writeln!(
        o,
        "<div class=\"chart\"><h3>{}</h3>{}</div>",
        esc(w.chart_p95),
        chart(&[(&r.charts.p95_ms, "#1565c0")], w.no_samples)
    );
    let _ = writeln!(
        o,
        "<div class=\"chart\"><h3>{} <span class=\"done\">■ {}</span> <span class=\"open\">■ {}</span></h3>{}</div>",
        esc(w.chart_deliveries),
        esc(w.delivered),
        esc(w.failed),
        chart(
            &[
                (&r.charts.delivered, "#2e7d32"),
                (&r.charts.failed, "#c62828")
            ],
            w.no_samples
        )
    );
    let _ = writeln!(o, "</div>");

    let _ = writeln!(o, "<h2>{}</h2>", esc(w.launch_day));
    for b in &r.blocks {
        let _ = writeln!(
            o,
            "<section class=\"block\"><h3>{}–{} {} <span class=\"who\">{} {} · {} {} · {} {}</span></h3>",
            esc(&b.start),
            esc(&b.end),
            esc(&b.title),
            b.done,
            esc(w.done),
            b.skipped,
            esc(w.skipped),
            b.open,
            esc(w.open)
        );
        for s in &b.sections {
            let _ = writeln!(o, "<h4>{}</h4><ul class=\"items\">", esc(&s.title));
            for i in &s.items {
                let (sym, class, word) = match i.status {
                    "done" => ("✔", "done", w.done),
                    "skipped" => ("–", "skipped", w.skipped),
                    _ => ("○", "open", w.open),
                };
                let mut who = String::new();
                if let (Some(by), Some(at)) = (&i.by, &i.at) {
                    who = format!(
                        " <span class=\"who\">{word} {} {} {}</span>",
                        w.by,
                        esc(by),
                        hm(at)
                    );
                }
                if let Some(reason) = &i.reason {
                    let _ = write!(
                        who,
                        " <span class=\"who\">({}: {})</span>",
                        w.reason,
                        esc(reason)
                    );
                }
                let _ = writeln!(
                    o,
                    "<li><span class=\"{class}\">{sym}</span> {}{who}</li>",
                    esc(&i.text)
                );
            }
            let _ = writeln!(o, "</ul>");
        }
        let _ = writeln!(o, "</section>");
    }

    let _ = writeln!(o, "<h2>{}</h2>", esc(w.alerts));
    if r.alerts.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(w.no_alerts));
    } else {
        let _ = writeln!(
            o,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            w.source, w.severity, w.raised, w.acknowledged, w.cleared, w.duration, w.detail, w.note
        );
        for a in &r.alerts {
            let ack = match (&a.acknowledged_at, &a.acknowledged_by) {
                (Some(at), Some(by)) => format!("{} ({})", hm(at), esc(by)),
                _ => "—".into(),
            };
            let cleared = a.cleared_at.as_deref().map_or_else(
                || format!("<span class=\"open\">{}</span>", esc(w.still_open)),
                |at| hm(at).to_string(),
            );
            let note = a.note.as_deref().unwrap_or("—");
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{ack}</td><td>{cleared}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.source_title),
                esc(&a.severity),
                hm(&a.raised_at),
                a.duration_minutes,
                esc(w.minutes),
                esc(&a.detail),
                esc(note)
            );
        }
        let _ = writeln!(o, "</table>");
    }

    let _ = writeln!(
        o,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(w.measures),
        w.measure,
        w.value,
        w.how
    );
    for m in &r.measures {
        let value = m.value.map_or_else(
            || format!("<span class=\"na\">{}</span>", esc(w.not_measured)),
            |v| format!("{} {}", fmt_number(v, 2), esc(&m.unit)),
        );
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{value}</td><td class=\"who\">{}</td></tr>",
            esc(&m.label),
            esc(&m.how)
        );
    }
    let _ = writeln!(o, "</table>");

    if let Some(c) = &r.criteria {
        let _ = writeln!(
            o,
            "<h2>{} — {}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(w.criteria),
            esc(&c.title),
            w.item,
            w.target,
            w.measured,
            w.verdict
        );
        for t in &c.targets {
            let measured = t.measured.map_or_else(
                || w.not_measured.to_string(),
                |v| format!("{} {}", fmt_number(v, 2), t.unit.as_deref().unwrap_or("")),
            );
            let (class, verdict) = match t.verdict {
                "pass" => ("pass", w.pass),
                "fail" => ("fail", w.fail),
                _ => ("na", w.not_measured),
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{class}\">{}</td></tr>",
                esc(&t.text),
                esc(&t.target),
                esc(measured.trim_end()),
                esc(verdict)
            );
        }
        let _ = writeln!(o, "</table>");
    }

    let _ = writeln!(o, "<h2>{}</h2>", esc(w.notes));
    if r.notes.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(w.no_notes));
    } else {
        let _ = writeln!(o, "<ul>");
        for n in &r.notes {
            let about = n
                .item_text
                .as_deref()
                .map(|t| format!(" ({})", esc(t)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "<li>{} {}{about}: {}</li>",
                hm(&n.at),
                esc(&n.by),
                esc(&n.text)
            );
        }
        let _ = writeln!(o, "</ul>");
    }

    let _ = writeln!(o, "<h2>{}</h2><ul class=\"items\">", esc(w.signoffs));
    for s in &r.signoffs {
        match (&s.by, &s.at) {
            (Some(by), Some(at)) if s.signed => {
                let _ = writeln!(
                    o,
                    "<li><span class=\"done\">✔</span> {} <span class=\"who\">{} {} {} {}</span></li>",
                    esc(&s.role),
                    esc(w.signed),
                    w.by,
                    esc(by),
                    hm(at)
                );
            }
            _ => {
                let _ = writeln!(
                    o,
                    "<li><span class=\"open\">○</span> {} <span class=\"who\">{}</span></li>",
                    esc(&s.role),
                    esc(w.not_signed)
                );
            }
        }
    }
    let _ = writeln!(o, "</ul>");

    let _ = writeln!(
        o,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(w.prelaunch),
        w.section,
        w.done,
        w.skipped,
        w.open,
        w.total
    );
    for p in &r.prelaunch {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.title),
            p.done,
            p.skipped,
            p.open,
            p.total
        );
    }
    let _ = writeln!(o, "</table>\n</body></html>");
    o
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
fn chart(lines: &[(&Vec<Point>, &str)], empty: &str) -> String {
    const W: f64 = 360.0;
    const H: f64 = 140.0;
    const L: f64 = 44.0;
    const R: f64 = 8.0;
    const T: f64 = 10.0;
    const B: f64 = 22.0;
    let all: Vec<&Point> = lines.iter().flat_map(|(p, _)| p.iter()).collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" font-size=\"10\" font-family=\"sans-serif\">"
    );
    let _ = write!(
        svg,
        "<line x1=\"{L}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9aa5b1\"/><line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{}\" stroke=\"#9aa5b1\"/>",
        H - B,
        W - R,
        H - B,
        H - B
    );
    if all.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#5b6670\">{}</text></svg>",
            W / 2.0,
            H / 2.0,
            esc(empty)
        );
        return svg;
    }
    let x0 = all
        .iter()
        .map(|p| minute_of(&p.minute))
        .fold(f64::MAX, f64::min);
    let x1 = all
        .iter()
        .map(|p| minute_of(&p.minute))
        .fold(f64::MIN, f64::max);
    let top = all.iter().map(|p| p.value).fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.1 } else { 1.0 };
    let span = (x1 - x0).max(1.0);
    let x = |m: f64| L + (m - x0) / span * (W - L - R);
    let y = |v: f64| H - B - v / top * (H - B - T);
    for (points, color) in lines {
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(minute_of(&p.minute)), y(p.value)))
            .collect();
        let _ = write!(
            svg,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{}\"/>",
            path.join(" ")
        );
    }
    let first = all
        .iter()
        .min_by(|a, b| minute_of(&a.minute).total_cmp(&minute_of(&b.minute)));
    let last = all
        .iter()
        .max_by(|a, b| minute_of(&a.minute).total_cmp(&minute_of(&b.minute)));
    if let (Some(first), Some(last)) = (first, last) {
        let _ = write!(
            svg,
            "<text x=\"{L}\" y=\"{}\" fill=\"#5b6670\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#5b6670\">{}</text>",
            H - 6.0,
            esc(&first.minute),
            W - R,
            H - 6.0,
            esc(&last.minute)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#5b6670\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#5b6670\">0</text></svg>",
        L - 4.0,
        T + 8.0,
        fmt_number(top, 1),
        L - 4.0,
        H - B
    );
    svg
}
