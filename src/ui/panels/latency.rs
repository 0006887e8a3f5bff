//! Response time: p95 and average against the seed's targets (200 ms p95, 300 ms average).
//! Before any traffic there is no latency to judge: "no data", never "0 ms ✓".

use ratatui::text::{Line, Span};

use super::{data_or_why, sparkline};
use crate::app::App;
use crate::app::panel::{PanelData, Reading};
use crate::i18n::{Msg, t, tf};
use crate::layout::{Panel, PanelKind};
use crate::sources::units::{Unit, format};
use crate::ui::Theme;
use crate::ui::text::truncate;

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Latency {
        p95_field,
        p95_target_ms,
        avg_target_ms,
        ..
    } = &panel.kind
    else {
        return Vec::new();
    };
    let (_, state, data) = match data_or_why(app, theme, panel, cols) {
        Ok(found) => found,
        Err(lines) => return lines,
    };
    let PanelData::Latency { p95, avg } = data else {
        return Vec::new();
    };
    let measure = |reading: &Reading, target: f64| -> Span<'a> {
        let target_text = format(target, Unit::Ms);
        match reading {
            Reading::Value(v) if *v <= target => Span::styled(
                truncate(
                    &format!(
                        "{} ≤ {target_text} {}",
                        format(*v, Unit::Ms),
                        theme.symbols.ok
                    ),
                    cols.saturating_sub(5),
                ),
                theme.done(),
            ),
            Reading::Value(v) => Span::styled(
                truncate(
                    &format!(
                        "{} > {target_text} {}",
                        format(*v, Unit::Ms),
                        theme.symbols.bad
                    ),
                    cols.saturating_sub(5),
                ),
                theme.overdue(),
            ),
            Reading::NoData => Span::styled(t(app.lang, Msg::LatencyNoData), theme.dim()),
            Reading::Invalid(why) => Span::styled(
                truncate(
                    &tf(app.lang, Msg::PanelInvalid, &[why]),
                    cols.saturating_sub(5),
                ),
                theme.overdue(),
            ),
        }
    };
    let points: Vec<f64> = state.points(p95_field).collect();
    vec![
        Line::from(vec![
            Span::styled(t(app.lang, Msg::LabelP95), theme.dim()),
            measure(p95, *p95_target_ms),
        ]),
        Line::from(vec![
            Span::styled(t(app.lang, Msg::LabelAvg), theme.dim()),
            measure(avg, *avg_target_ms),
        ]),
        Line::styled(sparkline(&points, cols, theme), theme.dim()),
    ]
}
