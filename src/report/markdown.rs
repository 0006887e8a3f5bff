//! The report as Markdown: for chat, e-mail and the repository of launch records.

use super::text::ReportLang;
use std::fmt::Write;

use super::model::{Report, fmt_number};

/// "09:32" from a launch-clock RFC 3339 time.
pub(crate) fn hm(at: &str) -> &str {
    at.get(11..16).unwrap_or(at)
}

/// Table cells may not carry pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn render(r: &Report) -> String {
    let w = r.lang.words();
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "# {} — {}", r.name, w.title);
    let _ = writeln!(out);
    let c = w.colon;
    let _ = writeln!(
        out,
        "{}{c}{} · {}{c}{} · {}{c}{}",
        w.date,
        r.date,
        w.timezone,
        r.timezone,
        w.generated,
        hm(&r.as_of)
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "**{}**", r.headline);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", r.status_line);
    let _ = writeln!(out);
    if !r.warnings.is_empty() {
        let _ = writeln!(out, "> **{}:** {}", w.warnings, r.warnings.join("; "));
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## {}", w.launch_day);
    for b in &r.blocks {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "### {}–{} {} — {} {}{}{} {}{}{} {}",
            b.start,
            b.end,
            b.title,
            b.done,
            w.done,
            w.comma,
            b.skipped,
            w.skipped,
            w.comma,
            b.open,
            w.open
        );
        for s in &b.sections {
            let _ = writeln!(out);
            let _ = writeln!(out, "**{}**", s.title);
            let _ = writeln!(out);
            for i in &s.items {
                let mark = match i.status {
                    "done" => "[x]",
                    "skipped" => "[-]",
                    _ => "[ ]",
                };
                let mut line = format!("- {mark} {}", i.text);
                if let (Some(by), Some(at)) = (&i.by, &i.at) {
                    let word = if i.status == "done" {
                        w.done
                    } else {
                        w.skipped
                    };
                    let _ = write!(line, " — {word} {} {by} {}", w.by, hm(at));
                }
                if let Some(reason) = &i.reason {
                    let _ = write!(line, " ({}{}{reason})", w.reason, w.colon);
                }
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}", w.alerts);
    let _ = writeln!(out);
    if r.alerts.is_empty() {
        let _ = writeln!(out, "{}", w.no_alerts);
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            w.source, w.severity, w.raised, w.acknowledged, w.cleared, w.duration, w.detail, w.note
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
        for a in &r.alerts {
            let ack = match (&a.acknowledged_at, &a.acknowledged_by) {
                (Some(at), Some(by)) => format!("{} ({by})", hm(at)),
                _ => "—".into(),
            };
            let cleared = a
                .cleared_at
                .as_deref()
                .map_or_else(|| w.still_open.to_string(), |at| hm(at).to_string());
            let note = a.note.as_deref().unwrap_or("—");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {ack} | {cleared} | {} {} | {} | {} |",
                cell(&a.source_title),
                a.severity,
                hm(&a.raised_at),
                a.duration_minutes,
                w.minutes,
                cell(&a.detail),
                cell(note)
            );
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}", w.measures);
    let _ = writeln!(out);
    let _ = writeln!(out, "| {} | {} | {} |", w.measure, w.value, w.how);
    let _ = writeln!(out, "|---|---|---|");
    for m in &r.measures {
        let value = m.value.map_or_else(
            || w.not_measured.to_string(),
            |v| format!("{} {}", fmt_number(v, 2), m.unit),
        );
        let _ = writeln!(out, "| {} | {value} | {} |", m.label, cell(&m.how));
    }
    let _ = writeln!(out);

    if let Some(c) = &r.criteria {
        let _ = writeln!(out, "## {} — {}", w.criteria, c.title);
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            w.item, w.target, w.measured, w.verdict
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for t in &c.targets {
            let measured = t.measured.map_or_else(
                || w.not_measured.to_string(),
                |v| {
                    let unit = t.unit.as_deref().unwrap_or("");
                    if unit.starts_with('/') || unit == "%" {
                        format!("{}{unit}", fmt_number(v, 2))
                    } else {
                        format!("{} {unit}", fmt_number(v, 2))
                            .trim_end()
                            .to_string()
                    }
                },
            );
            let verdict = match t.verdict {
                "pass" => w.pass,
                "fail" => w.fail,
                _ => w.not_measured,
            };
            let _ = writeln!(
                out,
                "| {} | {} | {measured} | {verdict} |",
                t.text, t.target
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## {}", w.notes);
    let _ = writeln!(out);
    if r.notes.is_empty() {
        let _ = writeln!(out, "{}", w.no_notes);
    }
    for n in &r.notes {
        let about = n
            .item_text
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let _ = writeln!(out, "- {} {}{about}: {}", hm(&n.at), n.by, n.text);
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}", w.signoffs);
    let _ = writeln!(out);
    for s in &r.signoffs {
        match (&s.by, &s.at) {
            (Some(by), Some(at)) if s.signed => {
                let _ = writeln!(
                    out,
                    "- [x] {} — {} {} {by} {}",
                    s.role,
                    w.signed,
                    w.by,
                    hm(at)
                );
            }
            _ => {
                let _ = writeln!(out, "- [ ] {} — {}", s.role, w.not_signed);
            }
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}", w.prelaunch);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        w.section, w.done, w.skipped, w.open, w.total
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for p in &r.prelaunch {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&p.title),
            p.done,
            p.skipped,
            p.open,
            p.total
        );
    }
    out
}
