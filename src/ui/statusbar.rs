//! The bottom line: the prompt being typed, else the latest message, else the key hints.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{truncate, width};
use crate::app::{App, Mode, PromptPurpose};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    if let Mode::Prompt(prompt) = &app.mode {
        let item = |id: &str| {
            app.item_text(id)
                .map_or_else(|| id.to_string(), |t| t.en.clone())
        };
        let label = match &prompt.purpose {
            PromptPurpose::Skip { item: id } => {
                format!("Skip “{}” because: ", truncate(&item(id), 30))
            }
            PromptPurpose::Note { item: id } => format!("Note on “{}”: ", truncate(&item(id), 30)),
            PromptPurpose::Search => "Search: ".to_string(),
            PromptPurpose::Ack { source } => format!(
                "Acknowledge “{}” — who is on it / why: ",
                truncate(&app.source_title(source), 24)
            ),
        };
        let hint = "  Enter ok · Esc cancel";
        let room = cols.saturating_sub(width(&label) + width(hint) + 1).max(1);
        // Show the end of a long input, where the typing happens.
        let shown = tail(&prompt.input, room);
        let cursor_x = area.x + (width(&label) + width(&shown)).min(cols.saturating_sub(1)) as u16;
        let line = Line::from(vec![
            Span::styled(label, theme.key()),
            Span::raw(shown),
            Span::raw(" "),
            Span::styled(hint, theme.dim()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        frame.set_cursor_position(Position {
            x: cursor_x,
            y: area.y,
        });
        return;
    }
    if let Mode::Confirm { item, why } = &app.mode {
        let text = app.item_text(item).map_or(item.as_str(), |t| t.en.as_str());
        let line = format!(
            " Evidence for “{}” is failing ({why}). Tick anyway? y / n",
            truncate(text, 30)
        );
        frame.render_widget(
            Paragraph::new(Line::styled(truncate(&line, cols), theme.error())),
            area,
        );
        return;
    }
    if let Some(flash) = &app.flash {
        let style = if flash.error {
            theme.error()
        } else {
            theme.info()
        };
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&format!(" {}", flash.text), cols),
                style,
            )),
            area,
        );
        return;
    }
    let hints: &[(&str, &str)] = if app.view.is_checklist() {
        &[
            ("space", "tick"),
            ("s", "skip"),
            ("n", "note"),
            ("u", "undo"),
            ("/", "search"),
            ("Enter", "detail"),
            ("?", "help"),
            ("q", "quit"),
        ]
    } else {
        &[
            ("j/k", "scroll"),
            ("Tab", "next view"),
            ("1-8", "views"),
            ("u", "undo"),
            ("?", "help"),
            ("q", "quit"),
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, what) in hints {
        let piece = width(key) + width(what) + 3;
        if used + piece > cols {
            break;
        }
        used += piece;
        spans.push(Span::styled(*key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
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
