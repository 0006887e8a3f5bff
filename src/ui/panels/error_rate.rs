//! Error rate: the current share of failed requests, its recent history, its thresholds.

use ratatui::text::{Line, Span};

use super::{health_style, health_word, no_data, sources, sparkline};
use crate::app::App;
use crate::i18n::{Msg, tf};
use crate::layout::Panel;
use crate::ui::Theme;
use crate::ui::text::truncate;

/// A fraction as "0.42 %".
pub fn percent(fraction: f64) -> String {
    format!("{:.2} %", fraction * 100.0)
}

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let Some((source, state)) = sources(app, panel).into_iter().next() else {
        return Vec::new();
    };
    if let Some(why) = no_data(app.lang, source, state) {
        return vec![Line::styled(truncate(&why, cols), theme.dim())];
    }
    let value = state.value().map_or_else(|| "–".to_string(), percent);
    let points: Vec<f64> = state.points("value").collect();
    let thresholds: Vec<String> = source
        .spec
        .warn
        .iter()
        .map(|c| tf(app.lang, Msg::ErrWarnUnless, &[&c.text]))
        .chain(
            source
                .spec
                .critical
                .iter()
                .map(|c| tf(app.lang, Msg::ErrCriticalUnless, &[&c.text])),
        )
        .collect();
    vec![
        Line::from(vec![
            Span::styled(
                format!("{value:>8}  "),
                health_style(theme, state.health).patch(theme.title()),
            ),
            Span::styled(
                health_word(app.lang, state.health),
                health_style(theme, state.health),
            ),
        ]),
        Line::styled(
            sparkline(&points, cols, theme),
            health_style(theme, state.health),
        ),
        Line::styled(truncate(&thresholds.join(" · "), cols), theme.dim()),
    ]
}
