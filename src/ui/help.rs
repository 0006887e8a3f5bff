//! `?`: every key, and where this warroom keeps its data and log.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::Theme;
use super::text::fit;
use crate::action::KEY_HELP;
use crate::app::App;

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
        .title(" Keys · any key closes ");
    let inner = outer.inner(popup);
    frame.render_widget(outer, popup);
    let mut lines: Vec<Line> = KEY_HELP
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(fit(keys, 12), theme.key()),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(fit("operator", 12), theme.dim()),
        Span::raw(format!("{} · {}", app.author.operator, app.author.origin)),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit("layout", 12), theme.dim()),
        Span::raw(app.layout.source.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit("database", 12), theme.dim()),
        Span::raw(app.db_path.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled(fit("log", 12), theme.dim()),
        Span::raw(app.log_path.clone()),
    ]));
    lines.push(Line::styled(
        "Every change is on disk before it is shown.",
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
