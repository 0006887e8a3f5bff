//! `?`: every key, and where this warroom keeps its data and log. The keys scroll (↑↓ j k,
//! PgUp PgDn); who you are and the paths stay at the bottom of the box at every size, wrapped
//! rather than cut. The box is opaque: nothing of the screen behind shows through it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, truncate, wrap};
use super::theme::Palette;
use crate::action::KEY_HELP;
use crate::app::App;
use crate::i18n::{Msg, t, tf};

/// Columns for the keys before their meaning.
const KEYS: usize = 12;

/// Lines of a label and its value, the value wrapped under itself.
fn labelled<'a>(
    label: &str,
    value: &str,
    cols: usize,
    label_style: ratatui::style::Style,
    value_style: ratatui::style::Style,
) -> Vec<Line<'a>> {
    let room = cols.saturating_sub(KEYS).max(1);
    wrap(value, room)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 {
                fit(label, KEYS)
            } else {
                " ".repeat(KEYS)
            };
            Line::from(vec![
                Span::styled(head, label_style),
                Span::styled(part, value_style),
            ])
        })
        .collect()
}

fn colours(app: &App, theme: &Theme) -> String {
    let lang = app.lang;
    let depth = t(
        lang,
        match theme.palette {
            Palette::None => Msg::ColoursNone,
            Palette::Ansi8 => Msg::Colours8,
            Palette::Ansi16 => Msg::Colours16,
            Palette::Ansi256 => Msg::Colours256,
            Palette::TrueColor => Msg::ColoursTrue,
        },
    );
    let symbols = t(
        lang,
        if theme.ascii {
            Msg::SymbolsAscii
        } else {
            Msg::SymbolsUnicode
        },
    );
    tf(lang, Msg::HelpScreen, &[&depth, &symbols])
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let box_width = area.width.min(84);
    let cols = box_width.saturating_sub(2) as usize;
    let keys: Vec<Line> = KEY_HELP
        .iter()
        .flat_map(|(keys, what)| labelled(keys, t(lang, *what), cols, theme.key(), theme.text()))
        .collect();
    let dim = theme.dim();
    let mut footer: Vec<Line> = Vec::new();
    let who = format!("{} · {}", app.author.operator, app.author.origin);
    footer.extend(labelled(
        t(lang, Msg::HelpOperator),
        &who,
        cols,
        dim,
        theme.text(),
    ));
    for (label, value) in [
        (Msg::HelpLayout, app.layout.source.as_str()),
        (Msg::HelpDatabase, app.db_path.as_str()),
        (Msg::HelpLog, app.log_path.as_str()),
    ] {
        footer.extend(labelled(t(lang, label), value, cols, dim, theme.text()));
    }
    footer.extend(labelled(
        t(lang, Msg::HelpColours),
        &colours(app, theme),
        cols,
        dim,
        theme.text(),
    ));
    footer.extend(
        wrap(t(lang, Msg::HelpSaved), cols)
            .into_iter()
            .map(|l| Line::styled(l, dim)),
    );

    // The footer is always whole (it holds the paths); the keys get the rows that are left.
    let rows = area.height.saturating_sub(2) as usize;
    let footer_rows = footer.len().min(rows);
    let key_rows = rows.saturating_sub(footer_rows + 1);
    let max = keys.len().saturating_sub(key_rows);
    app.help_max.set(max);
    let scroll = app.help_scroll.min(max);
    let height = (keys.len().min(key_rows) + usize::from(key_rows > 0) + footer_rows + 2)
        .min(area.height as usize) as u16;
    let popup = Rect {
        x: area.x + (area.width - box_width) / 2,
        y: area.y + (area.height - height) / 2,
        width: box_width,
        height,
    };
    super::clear(frame, popup);
    let mut title = t(lang, Msg::HelpTitle).to_string();
    if max > 0 {
        title = format!(
            "{title}{} ",
            tf(lang, Msg::HelpPosition, &[&(scroll + 1), &(max + 1)])
        );
    }
    let outer = theme
        .block()
        .border_style(theme.border_focus())
        .title(truncate(&title, cols));
    let inner = outer.inner(popup);
    frame.render_widget(outer, popup);
    let mut lines: Vec<Line> = keys.into_iter().skip(scroll).take(key_rows).collect();
    if key_rows > 0 {
        let more = if scroll < max {
            t(lang, Msg::HelpMore)
        } else {
            ""
        };
        lines.push(Line::styled(fit(more, cols), dim));
    }
    let hidden = footer.len() - footer_rows;
    lines.extend(footer.into_iter().skip(hidden));
    frame.render_widget(Paragraph::new(lines), inner);
}
