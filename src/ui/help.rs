//! `?`: every key, and where this warroom keeps its data and log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Theme;
use super::text::fit;
use crate::action::KEY_HELP;
use crate::app::App;
use crate::i18n::{Msg, t};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = area.width.min(84);
    let height = area.height.min(KEY_HELP.len() as u16 + 10);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let outer = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus())
        .title(t(app.lang, Msg::HelpTitle));
    let inner = outer.inner(popup);
    frame.render_widget(outer, popup);
    let mut lines: Vec<Line> = KEY_HELP
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(fit(keys, 12), theme.key()),
                Span::raw(t(app.lang, *what)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(fit(t(app.lang, Msg::HelpOperator), 12), theme.dim()),
        Span::raw(format!("{} · {}", app.author.operator, app.author.origin)),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit(t(app.lang, Msg::HelpLayout), 12), theme.dim()),
        Span::raw(app.layout.source.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit(t(app.lang, Msg::HelpDatabase), 12), theme.dim()),
        Span::raw(app.db_path.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit(t(app.lang, Msg::HelpLog), 12), theme.dim()),
        Span::raw(app.log_path.clone()),
    ]));
    lines.push(Line::styled(t(app.lang, Msg::HelpSaved), theme.dim()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
