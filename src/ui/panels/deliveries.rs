//! Deliveries: completed / in progress / failed of today's total, completion rate vs target.

use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use super::data_or_why;
use crate::app::App;
use crate::app::panel::PanelData;
use crate::i18n::{Msg, t, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::truncate;

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Deliveries { completion_target } = &panel.kind else {
        return Vec::new();
    };
    let (_, _, data) = match data_or_why(app, theme, panel, cols) {
        Ok(found) => found,
        Err(lines) => return lines,
    };
    let &PanelData::Deliveries {
        delivered,
        failed,
        total,
        in_progress,
    } = data
    else {
        return Vec::new();
    };
    // Completion rate: delivered of those that reached an end, as the week-1 target reads it.
    let rate = (delivered + failed > 0.0).then(|| delivered * 100.0 / (delivered + failed));
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
    // The failed part in plain red: bold changes nothing on a full block, and dropping it in
    // and out costs bytes on every poll that moves the bar.
    vec![
        Line::from(vec![
            Span::styled(s.bar_full.repeat(d), theme.done()),
            Span::styled(
                s.bar_full.repeat(f),
                theme.overdue().remove_modifier(Modifier::BOLD),
            ),
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
