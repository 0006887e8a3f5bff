//! The bottom line: the search being typed, else the latest message, else the key hints. A
//! message longer than the line wraps onto up to three lines (a report's path is read whole);
//! the other dialogs are boxes of their own (`dialog`).

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};

use super::Theme;
use super::text::{Rows, truncate, width, wrap};
use crate::app::{App, Mode, PromptPurpose};
use crate::i18n::{Msg, t};

/// The most lines a message takes.
const MAX_LINES: usize = 3;

fn searching(app: &App) -> Option<&str> {
    match &app.mode {
        Mode::Prompt(prompt) if prompt.purpose == PromptPurpose::Search => Some(&prompt.input),
        _ => None,
    }
}

fn message_lines(app: &App, cols: usize) -> Vec<String> {
    match &app.flash {
        Some(flash) if searching(app).is_none() => wrap(&flash.text, cols.saturating_sub(2)),
        _ => Vec::new(),
    }
}

/// Rows the bar needs at `cols` columns (at most a third of the screen).
pub fn height(app: &App, cols: u16, rows: u16) -> u16 {
    let lines = message_lines(app, cols as usize).len().clamp(1, MAX_LINES);
    (lines as u16).min((rows / 3).max(1))
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    let lang = app.lang;
    if let Some(input) = searching(app) {
        // The keys first in the budget: the label and the typing give way, never them.
        let keys = format!("  {}", t(lang, Msg::SearchKeys));
        let label = truncate(
            t(lang, Msg::PromptSearch),
            cols.saturating_sub(width(&keys) + 1),
        );
        let room = cols.saturating_sub(width(&label) + width(&keys) + 1);
        // Show the end of a long input, where the typing happens.
        let shown = tail(input, room);
        let cursor_x = area.x + (width(&label) + width(&shown)).min(cols.saturating_sub(1)) as u16;
        let line = Line::from(vec![
            Span::styled(label, theme.key()),
            Span::raw(shown),
            Span::raw(" "),
            Span::styled(truncate(&keys, cols), theme.dim()),
        ]);
        frame.render_widget(Rows::new(line), area);
        frame.set_cursor_position(Position {
            x: cursor_x,
            y: area.y,
        });
        return;
    }
    if let Some(flash) = &app.flash {
        let style = if flash.error {
            theme.error()
        } else {
            theme.info()
        };
        let mut lines = message_lines(app, cols);
        let rows = area.height as usize;
        if lines.len() > rows {
            lines.truncate(rows);
            if let Some(last) = lines.last_mut() {
                *last = truncate(&format!("{last} …"), cols.saturating_sub(2));
            }
        }
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|l| Line::styled(format!(" {l}"), style))
            .collect();
        frame.render_widget(Rows::new(lines), area);
        return;
    }
    let hints: &[(&str, Msg)] = if app.view == crate::app::View::Live {
        &[
            ("!", Msg::HintAlerts),
            ("↑↓", Msg::HintChoose),
            ("a", Msg::HintAck),
            ("p", Msg::HintPanel),
            ("Tab", Msg::HintNextView),
            ("?", Msg::HintHelp),
            ("q", Msg::HintQuit),
        ]
    } else if app.view.is_checklist() {
        &[
            ("space", Msg::HintTick),
            ("s", Msg::HintSkip),
            ("n", Msg::HintNote),
            ("u", Msg::HintUndo),
            ("/", Msg::HintSearch),
            ("Enter", Msg::HintDetail),
            ("?", Msg::HintHelp),
            ("q", Msg::HintQuit),
        ]
    } else {
        &[
            ("j/k", Msg::HintScroll),
            ("Tab", Msg::HintNextView),
            ("1-8", Msg::HintViews),
            ("u", Msg::HintUndo),
            ("?", Msg::HintHelp),
            ("q", Msg::HintQuit),
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, what) in hints {
        let what = t(lang, *what);
        let piece = width(key) + width(what) + 3;
        if used + piece > cols {
            break;
        }
        used += piece;
        spans.push(Span::styled(*key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Rows::new(Line::from(spans)), area);
}

/// The last `cols` columns of `s`.
fn tail(s: &str, cols: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > cols {
            break;
        }
        used += w;
        out.push(c);
    }
    out.into_iter().rev().collect()
}
