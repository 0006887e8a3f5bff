//! Emergency contacts: group, role and how to reach them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::fit;
use super::{Theme, scrolled};
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width.saturating_sub(2) as usize;
    let role_cols = (cols / 2).clamp(12, 36);
    let mut lines = Vec::new();
    for group in &app.layout.contacts {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(group.title.en.clone(), theme.heading()));
        for person in &group.people {
            let mut reach = person
                .phone
                .clone()
                .or_else(|| person.reference.clone())
                .unwrap_or_else(|| "—".to_string());
            if let Some(name) = &person.name {
                reach = format!("{name} · {reach}");
            }
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(fit(&person.role.en, role_cols), theme.text()),
                Span::styled(reach, theme.key()),
            ]));
        }
    }
    scrolled(frame, area, app, theme, " Emergency contacts ", lines);
}
