//! Error rate: the current share of failed requests, its recent history, its thresholds, all
//! in the unit the source declares (a ratio is shown as %).

use ratatui::text::{Line, Span};

use super::{data_or_why, sparkline, status_style};
use crate::app::App;
use crate::app::panel::{PanelData, Reading};
use crate::i18n::{Msg, tf};
use crate::layout::Panel;
use crate::sources::{Status, units};
use crate::ui::Theme;
use crate::ui::text::truncate;

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let (source, state, data) = match data_or_why(app, theme, panel, cols) {
        Ok(found) => found,
        Err(lines) => return lines,
    };
    let PanelData::ErrorRate { rate, unit } = data else {
        return Vec::new();
    };
    let status = super::shown_status(app, panel);
    let value = match rate {
        Reading::Value(v) => units::format(*v, *unit),
        Reading::NoData => crate::i18n::t(app.lang, Msg::NoData).to_string(),
        Reading::Invalid(why) => tf(app.lang, Msg::PanelInvalid, &[why]),
    };
    let points: Vec<f64> = state.points("value").collect();
    let thresholds: Vec<String> = source
        .spec
        .warn
        .iter()
        .map(|c| tf(app.lang, Msg::ErrWarnUnless, &[&c.shown]))
        .chain(
            source
                .spec
                .critical
                .iter()
                .map(|c| tf(app.lang, Msg::ErrCriticalUnless, &[&c.shown])),
        )
        .collect();
    vec![
        Line::from(vec![
            Span::styled(
                truncate(&format!("{value:>8}  "), cols),
                status_style(theme, status).patch(theme.title()),
            ),
            // Its mark, as the latency panel's and the strip's: the corner names the state, and
            // a word here ("ok      " over "degraded") was rewritten at every change of state.
            // "no data" is said once: the value already says it.
            Span::styled(
                match (rate, status) {
                    (Reading::NoData, _) | (_, Status::NoData) => "",
                    (_, Status::Ok) => theme.symbols.ok,
                    (_, Status::Warn | Status::Critical) => theme.symbols.bad,
                },
                status_style(theme, status),
            ),
        ]),
        // The history in grey, as the latency panel's: it is not all in today's state, and a
        // state change would repaint every column of it.
        Line::styled(sparkline(&points, cols, theme), theme.dim()),
        Line::styled(truncate(&thresholds.join(" · "), cols), theme.dim()),
    ]
}
