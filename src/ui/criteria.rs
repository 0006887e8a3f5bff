//! Success criteria: each measure as a row, its target for week 1, 2 and 4 as columns.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, width};
use super::{Theme, scrolled};
use crate::app::App;
use crate::i18n::{Msg, t};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
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
