//! Error rate: the current share of failed requests, its recent history, its thresholds, all
//! in the unit the source declares (a ratio is shown as %).

use ratatui::text::{Line, Span};

use super::{data_or_why, sparkline, status_style, status_word};
use crate::app::App;
use crate::app::panel::{PanelData, Reading};
use crate::i18n::{Msg, tf};
use crate::layout::Panel;
use crate::sources::units;
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
            // "no data" said once: the value already says it.
            Span::styled(
                match rate {
                    Reading::NoData => "",
                    _ => status_word(app.lang, status),
                },
                status_style(theme, status),
            ),
        ]),
        Line::styled(sparkline(&points, cols, theme), status_style(theme, status)),
        Line::styled(truncate(&thresholds.join(" · "), cols), theme.dim()),
    ]
}
