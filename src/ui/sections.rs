//! Side column of the pre-launch and expansion views: progress of each section at a glance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, width};
use crate::app::{App, View};
use crate::i18n::{Msg, t};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let outer = theme.bordered(theme.border(), t(app.lang, Msg::ProgressTitle));
    let lang = app.lang;
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let cols = inner.width as usize;
    let layout = &app.layout;
    let sections: Vec<(String, Vec<&str>)> = match app.view {
        View::Prelaunch => layout
            .prelaunch
            .iter()
            .map(|s| {
                (
                    s.number.map_or_else(
                        || s.title.get(lang).to_string(),
                        |n| format!("{n}. {}", s.title.get(lang)),
                    ),
                    s.items().map(|i| i.id.as_str()).collect(),
                )
            })
            .collect(),
        _ => {
            let mut v: Vec<(String, Vec<&str>)> = layout
                .expansion
                .iter()
                .map(|s| {
                    (
                        s.title.get(lang).to_string(),
                        s.items.iter().map(|i| i.id.as_str()).collect(),
                    )
                })
                .collect();
            if !layout.signoffs.is_empty() {
                v.push((
                    t(lang, Msg::ProgressSignoffs).to_string(),
                    layout.signoffs.iter().map(|s| s.id.as_str()).collect(),
                ));
            }
            v
        }
    };
    let mut lines = Vec::new();
    let all: Vec<&str> = sections
        .iter()
        .flat_map(|(_, ids)| ids.iter().copied())
        .collect();
    let (settled, total) = app.progress(all);
    let count = format!("{settled}/{total}");
    lines.push(Line::from(vec![
        Span::styled(
            fit(
                t(lang, Msg::ProgressAll),
                cols.saturating_sub(width(&count)),
            ),
            theme.title(),
        ),
        Span::styled(count, theme.title()),
    ]));
    for (title, ids) in &sections {
        let (settled, total) = app.progress(ids.iter().copied());
        let count = format!("{settled}/{total}");
        let style = if settled == total {
            theme.done()
        } else {
            theme.text()
        };
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(
                fit(title, cols.saturating_sub(width(&count) + 1)),
                theme.text(),
            ),
            Span::raw(" "),
            Span::styled(count, style),
        ]));
        let (full, empty) = theme.bar(settled, total, cols);
        lines.push(Line::from(vec![
            Span::styled(full, theme.done()),
            Span::styled(empty, theme.dim()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
