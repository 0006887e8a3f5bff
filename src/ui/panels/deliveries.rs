//! Deliveries: completed / in progress / failed of today's total, completion rate vs target.

use ratatui::text::{Line, Span};

use super::{no_data, sources};
use crate::app::App;
use crate::i18n::{Msg, t, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::truncate;

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Deliveries { completion_target } = &panel.kind else {
        return Vec::new();
    };
    let Some((source, state)) = sources(app, panel).into_iter().next() else {
        return Vec::new();
    };
    if let Some(why) = no_data(app.lang, source, state) {
        return vec![Line::styled(truncate(&why, cols), theme.dim())];
    }
    let get = |name: &str| state.field(name).unwrap_or(0.0).max(0.0);
    let total = get("total");
    let delivered = get("delivered");
    let failed = get("failed");
    let in_progress = state
        .field("in_progress")
        .unwrap_or((total - delivered - failed).max(0.0));
    // Completion rate: delivered of those that reached an end, as the week-1 target reads it.
    let rate = state.completion_rate().map(|r| r * 100.0);
    let bar_cols = cols.saturating_sub(2);
    let part = |n: f64| {
        if total > 0.0 {
            ((n / total) * bar_cols as f64).round() as usize
        } else {
            0
        }
    };
    let (d, f) = (part(delivered).min(bar_cols), part(failed));
    let f = f.min(bar_cols - d);
    let p = part(in_progress).min(bar_cols - d - f);
    let rest = bar_cols - d - f - p;
    let s = &theme.symbols;
    let lang = app.lang;
    let rate_span = match rate {
        Some(r) if r >= *completion_target => Span::styled(
            tf(
                lang,
                Msg::DelivOk,
                &[
                    &format!("{r:.1}"),
                    &format!("{completion_target:.0}"),
                    &s.done,
                ],
            ),
            theme.done(),
        ),
        Some(r) => Span::styled(
            tf(
                lang,
                Msg::DelivBad,
                &[
                    &format!("{r:.1}"),
                    &format!("{completion_target:.0}"),
                    &s.overdue,
                ],
            ),
            theme.overdue(),
        ),
        None => Span::styled(t(lang, Msg::DelivNone), theme.dim()),
    };
    vec![
        Line::from(vec![
            Span::styled(s.bar_full.repeat(d), theme.done()),
            Span::styled(s.bar_full.repeat(f), theme.overdue()),
            Span::styled(s.bar_full.repeat(p), theme.saving()),
            Span::styled(s.bar_empty.repeat(rest), theme.dim()),
        ]),
        Line::styled(
            truncate(
                &tf(
                    lang,
                    Msg::DelivCounts,
                    &[
                        &format!("{delivered:.0}"),
                        &format!("{in_progress:.0}"),
                        &format!("{failed:.0}"),
                        &format!("{total:.0}"),
                    ],
                ),
                cols,
            ),
            theme.text(),
        ),
        Line::from(rate_span),
    ]
}
