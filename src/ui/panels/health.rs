//! Service health: one row per service — status, latency, since when.

use ratatui::text::{Line, Span};

use super::{health_word, no_data, sources, status_style};
use crate::app::App;
use crate::i18n::{Msg, tf};
use crate::layout::Panel;
use crate::sources::Status;
use crate::ui::text::{fit, fit_right, truncate};
use crate::ui::{Theme, launch_hm};

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let lang = app.lang;
    let name_cols = sources(app, panel)
        .iter()
        .map(|(s, _)| crate::ui::text::width(s.title.get(lang)))
        .max()
        .unwrap_or(8)
        .clamp(6, 18);
    sources(app, panel)
        .into_iter()
        .map(|(source, state)| {
            let interval = source.spec.interval.mul_f64(app.clock.speed());
            let status = state.status(app.now, interval);
            let style = status_style(theme, status);
            let mark = match status {
                Status::Ok => theme.symbols.done,
                Status::Warn | Status::Critical => theme.symbols.overdue,
                Status::NoData => theme.symbols.ellipsis_dot,
            };
            let mut spans = vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(fit(source.title.get(lang), name_cols), theme.text()),
                Span::raw(" "),
            ];
            let rest_cols = cols.saturating_sub(name_cols + 3);
            if let Some(why) = no_data(lang, source, state) {
                spans.push(Span::styled(
                    truncate(&why, rest_cols),
                    if source.missing_env.is_empty() {
                        theme.overdue()
                    } else {
                        theme.dim()
                    },
                ));
                return Line::from(spans);
            }
            // An answer too old to stand for now: its age, not its word.
            if state.is_stale(app.now, interval) {
                let at = state
                    .answered_at()
                    .map_or(String::new(), |at| crate::i18n::age(lang, app.now - at));
                spans.push(Span::styled(
                    truncate(&tf(lang, Msg::FreshStaleFor, &[&at]), rest_cols),
                    theme.dim(),
                ));
                return Line::from(spans);
            }
            let latency = state.observation().map_or(String::new(), |o| {
                // To 10 ms: a health row is read against hundreds of ms, and single-digit
                // jitter would repaint it on every poll.
                let ms = o.elapsed.as_millis();
                let shown = if ms < 10 {
                    "<10".to_string()
                } else {
                    (ms / 10 * 10).to_string()
                };
                tf(lang, Msg::AgeMs, &[&shown])
            });
            let since = state.since.map_or(String::new(), |at| {
                tf(lang, Msg::HealthSince, &[&launch_hm(app, at)])
            });
            spans.push(Span::styled(fit(health_word(lang, state.health), 9), style));
            spans.push(Span::styled(fit_right(&latency, 8), theme.text()));
            spans.push(Span::raw(" "));
            let tail = match &state.reason {
                Some(reason) => format!("{reason} · {since}"),
                None => since,
            };
            spans.push(Span::styled(
                truncate(&tail, rest_cols.saturating_sub(18)),
                theme.dim(),
            ));
            Line::from(spans)
        })
        .collect()
}
