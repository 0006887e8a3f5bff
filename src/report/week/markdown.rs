//! The week report as Markdown: for chat, e-mail and the pilot's records. The chart of each
//! target is a table of its days, each with a bar.

use std::fmt::Write;

use super::{TargetReport, WeekReport};
use crate::i18n::{Msg, t};
use crate::judge::Verdict;
use crate::report::markdown::{cell, hm};

/// Bars are at most this many blocks long.
const BAR: f64 = 20.0;

pub fn render(r: &WeekReport) -> String {
    let w = |msg: Msg| t(r.lang, msg);
    let c = w(Msg::RptColon);
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(
        out,
        "# {} — {}\n",
        r.name,
        crate::i18n::tf(r.lang, Msg::WkTitle, &[&r.week])
    );
    let mut meta = format!(
        "{}{c}{} – {} · {}{c}{} · {}{c}{} {}",
        w(Msg::WkPeriod),
        r.first,
        r.last,
        w(Msg::RptTimezone),
        r.timezone,
        w(Msg::RptGenerated),
        r.as_of.get(..10).unwrap_or(&r.as_of),
        hm(&r.as_of)
    );
    if let Some(phase) = &r.phase {
        let _ = write!(meta, " · {}{c}{phase}", w(Msg::WkPhase));
    }
    let _ = writeln!(out, "{meta}\n");
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

    let _ = writeln!(out, "## {}\n", w(Msg::WkTargets));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |",
        w(Msg::RptItem),
        w(Msg::RptTarget),
        w(Msg::RptMeasured),
        w(Msg::RptVerdict),
        w(Msg::RptHow)
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for tg in &r.targets {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&tg.text),
            cell(&tg.target),
            tg.shown.as_deref().unwrap_or("—"),
            verdict_word(r, tg.verdict),
            cell(&tg.how)
        );
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## {}\n", w(Msg::WkDayByDay));
    for tg in &r.targets {
        let _ = writeln!(out, "### {} ({})\n", tg.text, tg.target);
        chart(&mut out, r, tg);
    }

    let _ = writeln!(out, "## {}\n", w(Msg::WkDays));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |",
        w(Msg::WkDay),
        w(Msg::WkDate),
        w(Msg::WkCustomers),
        w(Msg::WkSamples),
        w(Msg::WkChanges),
        w(Msg::WkAlerts)
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for d in &r.days {
        let customers = d
            .customers
            .map_or_else(|| "—".to_string(), |n| n.to_string());
        if d.to_come {
            let _ = writeln!(
                out,
                "| {} | {} | {customers} | {} | | |",
                d.day,
                d.date,
                w(Msg::WkToCome)
            );
        } else {
            let _ = writeln!(
                out,
                "| {} | {} | {customers} | {} | {} | {} |",
                d.day, d.date, d.samples, d.events, d.alerts
            );
        }
    }
    out
}

/// A target's days as a table with a bar each, scaled to the largest of the days and the
/// threshold, and ✓/✗ for the day alone against the target.
fn chart(out: &mut String, r: &WeekReport, tg: &TargetReport) {
    let w = |msg: Msg| t(r.lang, msg);
    if tg.daily.is_empty() {
        let _ = writeln!(out, "{}\n", w(Msg::WkNoDaily));
        return;
    }
    let top = tg
        .daily
        .iter()
        .filter_map(|p| p.value)
        .chain(tg.goal)
        .fold(0.0, f64::max);
    let _ = writeln!(
        out,
        "| {} | {} | {} | |",
        w(Msg::WkDay),
        w(Msg::WkDate),
        w(Msg::RptValue)
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for p in &tg.daily {
        let (value, bar) = match p.value {
            Some(v) => {
                let blocks = if top > 0.0 {
                    (v / top * BAR).round().clamp(0.0, BAR) as usize
                } else {
                    0
                };
                let mark = match p.passes {
                    Some(true) => " ✓",
                    Some(false) => " ✗",
                    None => "",
                };
                (
                    crate::words::target_value(v, tg.unit.as_deref()),
                    format!("{}{mark}", "█".repeat(blocks)),
                )
            }
            None => (w(Msg::NoData).to_string(), String::new()),
        };
        let _ = writeln!(out, "| {} | {} | {value} | {bar} |", p.day, p.date);
    }
    let _ = writeln!(out);
}

pub(super) fn verdict_word(r: &WeekReport, verdict: Verdict) -> &'static str {
    t(
        r.lang,
        match verdict {
            Verdict::Pass => Msg::RptPass,
            Verdict::Fail => Msg::RptFail,
            Verdict::NoData => Msg::NoData,
            Verdict::NotMeasured => Msg::GoAwaitingVerdict,
            Verdict::NotYetBegun => Msg::RptNotYetBegun,
        },
    )
}
