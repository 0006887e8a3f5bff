//! Response time: p95 and average against the seed's targets (200 ms p95, 300 ms average).

use ratatui::text::{Line, Span};

use super::{no_data, sources, sparkline};
use crate::app::App;
use crate::i18n::{Msg, t, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::truncate;

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Latency {
        p95_field,
        avg_field,
        p95_target_ms,
        avg_target_ms,
    } = &panel.kind
    else {
        return Vec::new();
    };
    let Some((source, state)) = sources(app, panel).into_iter().next() else {
        return Vec::new();
    };
    if let Some(why) = no_data(app.lang, source, state) {
        return vec![Line::styled(truncate(&why, cols), theme.dim())];
    }
    let measure = |field: &str, target: f64| -> Span<'a> {
        match state
            .field(field)
            .or_else(|| (field == "value").then(|| state.value()).flatten())
        {
            Some(v) if v <= target => Span::styled(
                format!("{v:.0} ms ≤ {target:.0} {}", theme.symbols.done),
                theme.done(),
            ),
            Some(v) => Span::styled(
                format!("{v:.0} ms > {target:.0} {}", theme.symbols.overdue),
                theme.overdue(),
            ),
            None => Span::styled(tf(app.lang, Msg::LatencyMissing, &[&field]), theme.dim()),
        }
    };
    let points: Vec<f64> = state.points(p95_field).collect();
    vec![
        Line::from(vec![
            Span::styled(t(app.lang, Msg::LabelP95), theme.dim()),
            measure(p95_field, *p95_target_ms),
        ]),
        Line::from(vec![
            Span::styled(t(app.lang, Msg::LabelAvg), theme.dim()),
            measure(avg_field, *avg_target_ms),
        ]),
        Line::styled(sparkline(&points, cols, theme), theme.dim()),
    ]
}
