//! The day's audit log, newest first: every tick, untick, skip, note and undo, with who,
//! from where and when.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, width, wrap};
use super::{Theme, launch_time, scrolled};
use crate::app::App;
use crate::i18n::{Msg, t, tf};
use crate::store::WARROOM;
use crate::words;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width.saturating_sub(2) as usize;
    let lang = app.lang;
    let events = app.ledger.events();
    let who_cols = events
        .iter()
        .map(|s| width(&s.event.operator))
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    let wide = cols >= 120;
    // The verb column as wide as its longest verb and a space: "evidence" never runs into
    // what follows it.
    let verb_cols = events
        .iter()
        .map(|s| width(&words::verb(lang, &s.event.change)))
        .max()
        .unwrap_or(8)
        .max(6)
        + 1;
    let mut lines = Vec::new();
    // Rows that could not be read are said first: the day below is without them.
    for bad in &app.unreadable {
        lines.push(Line::styled(
            fit(&tf(lang, Msg::AuditUnreadable, &[bad]), cols),
            theme.error(),
        ));
    }
    if events.is_empty() && app.unreadable.is_empty() {
        lines.push(Line::styled(t(lang, Msg::AuditEmpty), theme.dim()));
    }
    for stored in events.iter().rev() {
        let e = &stored.event;
        let item = e
            .item
            .as_deref()
            .and_then(|i| app.item_text(i))
            .map_or_else(
                || e.item.clone().unwrap_or_default(),
                |t| t.get(lang).to_string(),
            );
        let what = words::verb(lang, &e.change);
        let detail = words::detail(lang, &e.change, |id| app.source_title(id));
        // Alerts are about a source, not an item.
        let item = e
            .change
            .alert_source()
            .map_or(item, |source| app.source_title(source));
        let undone = app.ledger.is_undone(&e.id);
        let style = if undone { theme.dim() } else { theme.text() };
        let mut spans = vec![
            Span::styled(format!("{} ", launch_time(app, e.at)), theme.dim()),
            // Alerts are the system's, also in logs an older warroom wrote under the operator.
            Span::styled(
                fit(
                    if e.change.is_system() {
                        WARROOM
                    } else {
                        &e.operator
                    },
                    who_cols,
                ),
                theme.key(),
            ),
            Span::raw(" "),
        ];
        if wide {
            spans.push(Span::styled(fit(&e.origin, 22), theme.dim()));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(
            fit(
                &format!("{what}{}", if undone { "*" } else { "" }),
                verb_cols,
            ),
            style,
        ));
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let rest = if detail.is_empty() {
            item
        } else {
            format!("{item} — {detail}")
        };
        // The whole of it, wrapped under itself: this view is where a cut text is read in full.
        let room = cols.saturating_sub(used).max(8);
        let mut parts = wrap(&rest, room).into_iter();
        spans.push(Span::styled(parts.next().unwrap_or_default(), style));
        lines.push(Line::from(spans));
        for part in parts {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(used)),
                Span::styled(part, style),
            ]));
        }
    }
    if events.iter().any(|s| app.ledger.is_undone(&s.event.id)) {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t(lang, Msg::AuditUndoneLater), theme.dim()));
    }
    let title = match events.len() {
        1 => tf(lang, Msg::AuditTitleOne, &[&app.day()]),
        n => tf(lang, Msg::AuditTitle, &[&app.day(), &n]),
    };
    scrolled(frame, area, app, theme, &title, lines);
}
