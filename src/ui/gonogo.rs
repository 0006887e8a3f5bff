//! The go/no-go above the expansion checklist: the verdict in one line ("NO-GO: 2 targets
//! failing, 3 expansion items open, 2 of 5 sign-offs") and each blocker under it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{truncate, wrap};
use crate::app::App;
use crate::app::gonogo::Decision;
use crate::i18n::{Msg, t};

/// The verdict's lines at `cols`: the headline wrapped, then a line per blocker.
fn lines(app: &App, theme: &Theme, cols: usize) -> Vec<Line<'static>> {
    let log = app.pilot_ledger();
    let weeks = app.weeks(&log);
    let verdict = app.gonogo(&log, &weeks);
    let lang = app.lang;
    let style = match verdict.decision {
        Decision::Go => theme.done(),
        Decision::NoGo => theme.overdue(),
    };
    let mut out: Vec<Line> = wrap(&verdict.headline(lang), cols)
        .into_iter()
        .map(|l| Line::styled(l, style.patch(theme.title())))
        .collect();
    // Without a calendar the targets have no week to be judged over: said once, not as
    // "not yet begun" for each.
    let calendar = app.layout.pilot_start().is_some();
    if !calendar {
        out.push(Line::styled(
            truncate(t(lang, Msg::GoNoCalendar), cols),
            theme.dim(),
        ));
    }
    let lines = verdict.blocker_lines(&app.layout, lang);
    for (blocker, line) in verdict.blockers.iter().zip(lines) {
        if !calendar && matches!(blocker, crate::app::gonogo::Blocker::Target { .. }) {
            continue;
        }
        let line = format!(
            "{} {}",
            theme.symbols.bad,
            crate::sources::clean::clean(&line)
        );
        out.push(Line::styled(truncate(&line, cols), theme.text()));
    }
    out
}

/// Rows the pane wants for `cols`: its lines and the border, at most `max`.
pub fn rows(app: &App, theme: &Theme, cols: u16, max: u16) -> u16 {
    let inner = cols.saturating_sub(2) as usize;
    (lines(app, theme, inner).len() as u16 + 2).min(max)
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let outer = theme.bordered(
        theme.border(),
        truncate(
            t(app.lang, Msg::GoTitle),
            area.width.saturating_sub(2) as usize,
        ),
    );
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let mut lines = lines(app, theme, inner.width as usize);
    let room = inner.height as usize;
    if lines.len() > room && room > 0 {
        // The blockers that do not fit are counted, never silently cut.
        let hidden = lines.len() - room + 1;
        lines.truncate(room - 1);
        lines.push(Line::styled(
            crate::i18n::tf(app.lang, Msg::StripMore, &[&hidden]),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
