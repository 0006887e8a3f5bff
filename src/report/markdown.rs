//! The report as Markdown: for chat, e-mail and the repository of launch records.

use std::fmt::Write;

use super::model::{Report, fmt_number};
use crate::i18n::{Msg, t, tf};
use crate::judge::Verdict;

/// "09:32" from a launch-clock RFC 3339 time.
pub(crate) fn hm(at: &str) -> &str {
    at.get(11..16).unwrap_or(at)
}

/// Table cells may not carry pipes or line breaks.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn render(r: &Report) -> String {
    let w = |msg: Msg| t(r.lang, msg);
    let c = w(Msg::RptColon);
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "# {} — {}\n", r.name, w(Msg::RptTitle));
    let _ = writeln!(
        out,
        "{}{c}{} · {}{c}{} · {}{c}{}\n",
        w(Msg::RptDate),
        r.date,
        w(Msg::RptTimezone),
        r.timezone,
        w(Msg::RptGenerated),
        hm(&r.as_of)
    );
    let _ = writeln!(out, "**{}**\n", r.headline);
    let _ = writeln!(out, "{}\n", r.status_line);
    if !r.warnings.is_empty() {
        let _ = writeln!(
            out,
            "> **{}:** {}\n",
            w(Msg::RptWarnings),
            r.warnings.join("; ")
        );
    }

    let _ = writeln!(out, "## {}", w(Msg::RptLaunchDay));
    for b in &r.blocks {
        let sep = w(Msg::RptComma);
        let _ = writeln!(
            out,
            "\n### {}–{} {} — {} {}{sep}{} {}{sep}{} {}",
            b.start,
            b.end,
            b.title,
            b.done,
            w(Msg::RptDone),
            b.skipped,
            w(Msg::RptSkipped),
            b.open,
            w(Msg::RptOpen)
        );
        for s in &b.sections {
            let _ = writeln!(out, "\n**{}**\n", s.title);
            for i in &s.items {
                let mark = match i.status {
                    "done" => "[x]",
                    "skipped" => "[-]",
                    _ => "[ ]",
                };
                let mut line = format!("- {mark} {}", i.text);
                if let (Some(by), Some(at)) = (&i.by, &i.at) {
                    let word = if i.status == "done" {
                        w(Msg::RptDone)
                    } else {
                        w(Msg::RptSkipped)
                    };
                    let _ = write!(line, " — {word} {} {by} {}", w(Msg::RptBy), hm(at));
                }
                if let Some(reason) = &i.reason {
                    let _ = write!(line, " ({}{c}{reason})", w(Msg::RptReason));
                }
                if let Some(minutes) = i.late_minutes {
                    let by = crate::i18n::age(r.lang, chrono::Duration::minutes(minutes));
                    let _ = write!(
                        line,
                        " — **{}**{c}{}",
                        w(Msg::RptLate),
                        tf(r.lang, Msg::RptLateBy, &[&by])
                    );
                }
                if let Some(e) = i.evidence.as_ref().filter(|e| e.against) {
                    let _ = write!(
                        line,
                        " — **{}**",
                        tf(r.lang, Msg::RptAgainstEvidence, &[&e.said])
                    );
                }
                let _ = writeln!(out, "{line}");
            }
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}\n", w(Msg::RptAlerts));
    if r.alerts.is_empty() {
        let _ = writeln!(out, "{}", w(Msg::RptNoAlerts));
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            w(Msg::RptSource),
            w(Msg::RptSeverity),
            w(Msg::RptRaised),
            w(Msg::RptAcknowledged),
            w(Msg::RptCleared),
            w(Msg::RptDuration),
            w(Msg::RptDetail),
            w(Msg::RptNote)
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
                .map_or_else(|| w(Msg::RptStillOpen).to_string(), |at| hm(at).to_string());
            let _ = writeln!(
                out,
                "| {} | {} | {} ({}) | {ack} | {cleared} | {} {} | {} | {} |",
                cell(&a.source_title),
                cell(&a.steps.join(" → ")),
                hm(&a.raised_at),
                a.raised_by,
                a.duration_minutes,
                w(Msg::RptMinutes),
                cell(&a.detail),
                cell(a.note.as_deref().unwrap_or("—"))
            );
        }
    }
    let _ = writeln!(out);

    let k = &r.tickets;
    let _ = writeln!(out, "## {}\n", w(Msg::RptTickets));
    if k.items.is_empty() {
        let _ = writeln!(out, "{}\n", w(Msg::RptNoTickets));
    } else {
        let _ = writeln!(
            out,
            "{}\n",
            tf(
                r.lang,
                Msg::RptTicketsLine,
                &[
                    &k.opened,
                    &k.resolved,
                    &k.open,
                    &k.open_past_target,
                    &fmt_number(k.target_hours, 1)
                ]
            )
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            w(Msg::RptTicket),
            w(Msg::RptOpened),
            w(Msg::RptResolvedAt),
            w(Msg::RptTook)
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for tk in &k.items {
            let resolved = tk
                .resolved_at
                .as_deref()
                .map_or_else(|| w(Msg::RptStillOpen).to_string(), |at| hm(at).to_string());
            let late = if tk.within_target { "" } else { " ⚠" };
            let _ = writeln!(
                out,
                "| {} | {} | {resolved} | {} {}{late} |",
                cell(&tk.id),
                hm(&tk.opened_at),
                tk.minutes,
                w(Msg::RptMinutes)
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## {}\n", w(Msg::RptMeasures));
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        w(Msg::RptMeasure),
        w(Msg::RptValue),
        w(Msg::RptHow)
    );
    let _ = writeln!(out, "|---|---|---|");
    for m in &r.measures {
        let value = m.value.map_or_else(
            || w(Msg::RptNotMeasured).to_string(),
            |v| format!("{} {}", fmt_number(v, 2), m.unit),
        );
        let _ = writeln!(out, "| {} | {value} | {} |", m.label, cell(&m.how));
    }
    let _ = writeln!(out);

    if let Some(crit) = &r.criteria {
        let _ = writeln!(out, "## {} — {}\n", w(Msg::RptCriteria), crit.title);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            w(Msg::RptItem),
            w(Msg::RptTarget),
            w(Msg::RptMeasured),
            w(Msg::RptVerdict)
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for tg in &crit.targets {
            let measured = tg.measured.map_or_else(
                || verdict_word(r, tg.verdict).to_string(),
                |v| {
                    let unit = tg.unit.as_deref().unwrap_or("");
                    if unit.starts_with('/') || unit == "%" {
                        format!("{}{unit}", fmt_number(v, 2))
                    } else {
                        format!("{} {unit}", fmt_number(v, 2))
                            .trim_end()
                            .to_string()
                    }
                },
            );
            let _ = writeln!(
                out,
                "| {} | {} | {measured} | {} |",
                tg.text,
                tg.target,
                verdict_word(r, tg.verdict)
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## {}\n", w(Msg::RptNotes));
    if r.notes.is_empty() {
        let _ = writeln!(out, "{}", w(Msg::RptNoNotes));
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

    let _ = writeln!(out, "## {}\n", w(Msg::RptSignoffs));
    for s in &r.signoffs {
        match (&s.by, &s.at) {
            (Some(by), Some(at)) if s.signed => {
                let _ = writeln!(
                    out,
                    "- [x] {} — {} {} {by} {}",
                    s.role,
                    w(Msg::RptSigned),
                    w(Msg::RptBy),
                    hm(at)
                );
            }
            _ => {
                let _ = writeln!(out, "- [ ] {} — {}", s.role, w(Msg::RptNotSigned));
            }
        }
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}\n", w(Msg::RptPrelaunch));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        w(Msg::RptSection),
        w(Msg::RptDone),
        w(Msg::RptSkipped),
        w(Msg::RptOpen),
        w(Msg::RptTotal)
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

/// "pass", "fail", "no data" or "not measured" in the report's language.
pub(crate) fn verdict_word(r: &Report, verdict: Verdict) -> &'static str {
    t(
        r.lang,
        match verdict {
            Verdict::Pass => Msg::RptPass,
            Verdict::Fail => Msg::RptFail,
            Verdict::NoData => Msg::NoData,
            Verdict::NotMeasured => Msg::RptNotMeasured,
            Verdict::NotYetBegun => Msg::RptNotYetBegun,
        },
    )
}
