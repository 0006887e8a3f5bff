//! The bottom line: the prompt being typed, else the latest message, else the key hints.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{truncate, width};
use crate::app::{App, Mode, PromptPurpose};
use crate::i18n::{Msg, t, tf};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    let lang = app.lang;
    if let Mode::Prompt(prompt) = &app.mode {
        let item = |id: &str| {
            app.item_text(id)
                .map_or_else(|| id.to_string(), |t| t.get(lang).to_string())
        };
        let label = match &prompt.purpose {
            PromptPurpose::Skip { item: id } => {
                tf(lang, Msg::PromptSkip, &[&truncate(&item(id), 30)])
            }
            PromptPurpose::Note { item: id } => {
                tf(lang, Msg::PromptNote, &[&truncate(&item(id), 30)])
            }
            PromptPurpose::Search => t(lang, Msg::PromptSearch).to_string(),
            PromptPurpose::Ack { source } => tf(
                lang,
                Msg::PromptAck,
                &[&truncate(&app.source_title(source), 24)],
            ),
        };
        let hint = t(lang, Msg::PromptHint);
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
        let text = app.item_text(item).map_or(item.as_str(), |t| t.get(lang));
        let line = tf(lang, Msg::ConfirmTick, &[&truncate(text, 30), why]);
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
    let hints: &[(&str, Msg)] = if app.view.is_checklist() {
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
