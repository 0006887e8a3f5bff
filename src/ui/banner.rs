//! The lines under the header that every screen shows: where the pilot stands ("Pilot day 3 ·
//! week 1 · 10 customers"), the room's announcements (who, when, until when) until cleared
//! or expired, a quiet block's silence, and a layout edit that could not be applied.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, truncate, width};
use super::{Theme, launch_hm};
use crate::app::{App, Phase};
use crate::i18n::{Msg, t, tf};
use crate::sources::clean::clean;

/// At most this many announcements get a line; the rest are counted on the last.
const MAX_ANNOUNCEMENTS: usize = 3;

/// The banner's lines, each with how it is drawn.
fn lines(app: &App, theme: &Theme, cols: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let mut out = Vec::new();
    let pilot = crate::words::pilot_line(&app.layout, &app.layout.pilot_day(app.now), lang);
    let quiet = match app.phase() {
        Phase::In { index, .. } => app
            .layout
            .blocks
            .get(index)
            .filter(|b| b.quiet)
            .map(|b| tf(lang, Msg::QuietUntil, &[&b.end.format("%H:%M")])),
        _ => None,
    };
    match (pilot, quiet) {
        (None, None) => {}
        (pilot, quiet) => {
            let quiet = quiet.unwrap_or_default();
            let pilot = pilot.unwrap_or_default();
            let room = cols.saturating_sub(width(&quiet) + 2);
            let pilot = format!(" {}", truncate(&pilot, room));
            let gap = cols.saturating_sub(width(&pilot) + width(&quiet) + 1);
            out.push(Line::from(vec![
                Span::styled(pilot, theme.current()),
                Span::raw(" ".repeat(gap)),
                Span::styled(quiet, theme.saving()),
            ]));
        }
    }
    if let Some(error) = &app.layout_error {
        // The first problem, where the file is to be fixed; warroom.log has them all.
        let first = error.lines().next().unwrap_or_default();
        let more = error.lines().count().saturating_sub(1);
        let mut text = format!(" {}", tf(lang, Msg::BannerLayout, &[&clean(first)]));
        if more > 0 {
            text.push_str(&format!(" ({})", tf(lang, Msg::StripMore, &[&more])));
        }
        out.push(Line::styled(fit(&text, cols), theme.error()));
    }
    let log = app.pilot_ledger();
    let current = log.pilot().current_announcements(app.now);
    let shown = if current.len() > MAX_ANNOUNCEMENTS {
        MAX_ANNOUNCEMENTS - 1
    } else {
        current.len()
    };
    for (i, a) in current.iter().take(shown).enumerate() {
        let until = a
            .until
            .map(|u| tf(lang, Msg::BannerUntil, &[&launch_hm(app, u)]))
            .unwrap_or_default();
        let who = tf(
            lang,
            Msg::BannerBy,
            &[
                &clean(&a.by),
                &crate::i18n::date_short(lang, a.at.with_timezone(&app.layout.launch.zone)),
                &launch_hm(app, a.at),
            ],
        );
        let clear = if i == 0 && app.wall.is_none() {
            t(lang, Msg::BannerClear)
        } else {
            ""
        };
        let aside = format!(" {who}{until}{clear} ");
        let text = format!(" {} {}", theme.symbols.bad, clean(&a.text));
        let room = cols.saturating_sub(width(&aside));
        out.push(Line::from(vec![
            Span::styled(fit(&text, room), theme.error()),
            Span::styled(aside, theme.error()),
        ]));
    }
    if shown < current.len() {
        let more = format!(" {}", tf(lang, Msg::StripMore, &[&(current.len() - shown)]));
        out.push(Line::styled(fit(&more, cols), theme.error()));
    }
    out
}

/// How many rows the banner takes at `cols` (0: nothing to say).
pub fn rows(app: &App, theme: &Theme, cols: u16) -> u16 {
    lines(app, theme, cols as usize).len() as u16
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = lines(app, theme, area.width as usize);
    frame.render_widget(Paragraph::new(lines), area);
}
