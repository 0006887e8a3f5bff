//! Success criteria. With a pilot calendar: every week's targets with their values over the
//! week (live while it runs, final once over), pass, fail or "no data", and how each was
//! computed; a week not begun says when it begins. Without one: each measure as a row, its
//! target for week 1, 2 and 4 as columns.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, width, wrap};
use super::{Theme, scrolled};
use crate::app::App;
use crate::i18n::{Msg, t, tf};
use crate::judge::Verdict;
use crate::judge::week::WeekState;
use crate::sources::clean::clean;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.layout.pilot_start().is_some() && !app.layout.criteria.is_empty() {
        return measured(frame, area, app, theme);
    }
    table(frame, area, app, theme);
}

/// Every week judged, a target a line and how it was computed under it.
fn measured(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let cols = area.width.saturating_sub(2) as usize;
    let log = app.pilot_ledger();
    let weeks = app.weeks(&log);
    let zone = app.layout.launch.zone;
    // Values beside their names, not at the far edge of a wide screen.
    let longest = weeks
        .iter()
        .flat_map(|w| &w.targets)
        .map(|t| width(t.target.text.get(lang)))
        .max()
        .unwrap_or(0)
        + 2;
    let mut lines: Vec<Line> = Vec::new();
    for week in &weeks {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        let title = week.criteria.title.get(lang);
        let (first, last) = (week.first.to_string(), week.last.to_string());
        let heading = match week.state {
            WeekState::NotYetBegun => tf(lang, Msg::CriteriaWeekNotBegun, &[&title, &first]),
            WeekState::InProgress { day } => {
                tf(lang, Msg::CriteriaWeekSoFar, &[&title, &first, &last, &day])
            }
            WeekState::Over => tf(lang, Msg::CriteriaWeekFinal, &[&title, &first, &last]),
        };
        lines.push(Line::styled(fit(&heading, cols), theme.heading()));
        for target in &week.targets {
            let (mark, style) = match target.verdict {
                Verdict::Pass => (theme.symbols.done, theme.done()),
                Verdict::Fail => (theme.symbols.bad, theme.overdue()),
                _ => (theme.symbols.open, theme.dim()),
            };
            let value = match (target.verdict, target.reading.value) {
                (Verdict::Pass | Verdict::Fail, Some(v)) => {
                    crate::words::target_value(v, target.target.unit.as_deref())
                }
                (Verdict::Pass, None) => t(lang, Msg::RptPass).to_string(),
                (Verdict::Fail, None) => t(lang, Msg::RptFail).to_string(),
                (Verdict::NoData, _) => t(lang, Msg::NoData).to_string(),
                (Verdict::NotMeasured, _) => t(lang, Msg::GoAwaitingVerdict).to_string(),
                (Verdict::NotYetBegun, _) => t(lang, Msg::RptNotYetBegun).to_string(),
            };
            let judged = if target.by_operator.is_some() {
                format!(" · {}", t(lang, Msg::CriteriaByOperator))
            } else {
                String::new()
            };
            let aside = format!(" {value} ({}){judged}", target.target.threshold());
            let name_cols = cols
                .saturating_sub(width(&aside) + 3)
                .clamp(10, longest.max(10));
            lines.push(Line::from(vec![
                Span::styled(format!(" {mark} "), style),
                Span::styled(fit(target.target.text.get(lang), name_cols), theme.text()),
                Span::styled(aside, style),
            ]));
            if target.verdict != Verdict::NotYetBegun {
                let how = crate::words::week_how(lang, target, zone);
                for l in wrap(&clean(&how), cols.saturating_sub(5).max(10)) {
                    lines.push(Line::styled(format!("     {l}"), theme.dim()));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(t(lang, Msg::CriteriaJudgeKey), cols.max(1)),
        theme.dim(),
    ));
    scrolled(frame, area, app, theme, t(lang, Msg::CriteriaTitle), lines);
}

/// The targets alone, without a calendar to measure them over.
fn table(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let weeks = &app.layout.criteria;
    let lang = app.lang;
    let cols = area.width.saturating_sub(2) as usize;
    let week_cols = if weeks.is_empty() {
        0
    } else {
        (cols.saturating_sub(24) / weeks.len()).clamp(8, 22)
    };
    let name_cols = cols.saturating_sub(week_cols * weeks.len()).max(10);

    // Measures in the order they first appear, so the table reads like the document.
    let mut metrics: Vec<&str> = Vec::new();
    for target in weeks.iter().flat_map(|w| &w.targets) {
        if !metrics.contains(&target.metric.as_str()) {
            metrics.push(&target.metric);
        }
    }
    let mut lines = Vec::new();
    let mut header = vec![Span::styled(
        fit(t(lang, Msg::CriteriaMeasure), name_cols),
        theme.heading(),
    )];
    for week in weeks {
        header.push(Span::styled(
            fit(week.title.get(lang), week_cols),
            theme.heading(),
        ));
    }
    lines.push(Line::from(header));
    for metric in metrics {
        let first = weeks
            .iter()
            .flat_map(|w| &w.targets)
            .find(|t| t.metric == metric);
        let name = first.map_or(metric, |t| t.text.get(lang));
        let mut spans = vec![Span::styled(fit(name, name_cols), theme.text())];
        for week in weeks {
            let cell = week
                .targets
                .iter()
                .find(|t| t.metric == metric)
                .map_or_else(
                    || "—".to_string(),
                    // A statement ("No critical data loss") is its own row name: the cell just says it applies.
                    |target| {
                        if target.is_statement() {
                            t(lang, Msg::CriteriaRequired).to_string()
                        } else {
                            target.threshold()
                        }
                    },
                );
            let style = if cell == "—" {
                theme.dim()
            } else {
                theme.text()
            };
            spans.push(Span::styled(fit(&cell, week_cols), style));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(t(lang, Msg::CriteriaFootnote), cols.max(width("x"))),
        theme.dim(),
    ));
    scrolled(frame, area, app, theme, t(lang, Msg::CriteriaTitle), lines);
}
