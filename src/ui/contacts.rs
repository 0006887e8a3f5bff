//! Emergency contacts: group, role and how to reach them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, width, wrap};
use super::{Theme, scrolled};
use crate::app::App;
use crate::i18n::{Msg, t};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width.saturating_sub(2) as usize;
    let role_cols = (cols / 2).clamp(12, 36);
    let mut lines = Vec::new();
    for group in &app.layout.contacts {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            group.title.get(app.lang).to_string(),
            theme.heading(),
        ));
        for person in &group.people {
            let mut reach = person
                .phone
                .clone()
                .or_else(|| person.reference.clone())
                .unwrap_or_else(|| "—".to_string());
            if let Some(name) = &person.name {
                reach = format!("{name} · {reach}");
            }
            // A number is read whole: what does not fit beside the role goes under it.
            let role = person.role.get(app.lang);
            let room = cols.saturating_sub(2 + role_cols).max(1);
            let beside = width(role) <= role_cols && width(&reach) <= room;
            if beside {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(fit(role, role_cols), theme.text()),
                    Span::styled(reach, theme.key()),
                ]));
            } else {
                for part in wrap(role, cols.saturating_sub(2).max(1)) {
                    lines.push(Line::from(vec![
                        Span::raw("  "),
                        Span::styled(part, theme.text()),
                    ]));
                }
                for part in wrap(&reach, cols.saturating_sub(4).max(1)) {
                    lines.push(Line::from(vec![
                        Span::raw("    "),
                        Span::styled(part, theme.key()),
                    ]));
                }
            }
        }
    }
    let title = t(app.lang, Msg::ContactsTitle);
    scrolled(frame, area, app, theme, title, lines);
}
