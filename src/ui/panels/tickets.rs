//! Support tickets: open count, oldest age, those past the resolution target in red, the top
//! few listed (oldest first).

use ratatui::text::{Line, Span};

use super::data_or_why;
use crate::app::App;
use crate::app::panel::{PanelData, Ticket};
use crate::i18n::{Msg, age_minutes, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right, truncate};

fn target(hours: f64) -> chrono::Duration {
    chrono::Duration::minutes((hours * 60.0).round() as i64)
}

/// Open past the resolution target, as `judge` times a ticket.
fn is_past(app: &App, ticket: &Ticket, limit: chrono::Duration) -> bool {
    let life = crate::judge::tickets::Ticket {
        opened: ticket.opened,
        resolved: None,
    };
    life.took(app.now) > limit
}

/// How many of the open tickets are past `target_hours`: the panel's count and the strip's
/// mark.
pub fn past_target(app: &App, open: &[Ticket], target_hours: f64) -> usize {
    let limit = target(target_hours);
    open.iter().filter(|t| is_past(app, t, limit)).count()
}

pub fn lines<'a>(
    app: &App,
    theme: &Theme,
    panel: &Panel,
    cols: usize,
    rows_available: usize,
) -> Vec<Line<'a>> {
    let PanelKind::Tickets { target_hours, .. } = &panel.kind else {
        return Vec::new();
    };
    let (_, _, data) = match data_or_why(app, theme, panel, cols) {
        Ok(found) => found,
        Err(lines) => return lines,
    };
    let PanelData::Tickets {
        open: tickets,
        malformed,
    } = data
    else {
        return Vec::new();
    };
    let limit = target(*target_hours);
    let breaching = past_target(app, tickets, *target_hours);
    let lang = app.lang;
    let oldest = tickets.first().map_or_else(
        || "–".to_string(),
        |tk| age_minutes(lang, app.now - tk.opened),
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(tf(lang, Msg::TicketsOpen, &[&tickets.len()]), theme.title()),
        Span::styled(tf(lang, Msg::TicketsOldest, &[&oldest]), theme.text()),
        Span::styled(
            tf(lang, Msg::TicketsPast, &[&breaching, target_hours]),
            if breaching > 0 {
                theme.overdue()
            } else {
                theme.done()
            },
        ),
    ])];
    if *malformed > 0 {
        lines[0].spans.push(Span::styled(
            tf(lang, Msg::TicketsMalformed, &[malformed]),
            theme.overdue(),
        ));
    }
    // Every open ticket gets its row first; rows left over carry the rest of long titles.
    let shown = tickets.len().min(rows_available.saturating_sub(1));
    let mut spare = rows_available.saturating_sub(1 + shown);
    for tk in tickets.iter().take(shown) {
        let late = is_past(app, tk, limit);
        let style = if late { theme.overdue() } else { theme.text() };
        // Right-aligned by display width: `{:>8}` would count a CJK character as one.
        let head = format!("{} {} {} ", fit(&tk.id, 8), fit(&tk.priority, 3), {
            // At least 8 columns, never cut: an age is read whole.
            let age = age_minutes(lang, app.now - tk.opened);
            fit_right(&age, crate::ui::text::width(&age).max(8))
        });
        let indent = crate::ui::text::width(&head);
        let room = cols.saturating_sub(indent).max(1);
        let mut parts = crate::ui::text::wrap(&tk.title, room);
        let extra = parts.len().saturating_sub(1).min(spare);
        spare -= extra;
        if parts.len() > extra + 1 {
            let rest = parts[extra..].join(" ");
            parts.truncate(extra);
            parts.push(truncate(&rest, room));
        }
        let mut parts = parts.into_iter();
        lines.push(Line::from(vec![
            Span::styled(head, style),
            Span::styled(parts.next().unwrap_or_default(), style),
        ]));
        for part in parts {
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(part, style),
            ]));
        }
    }
    lines
}
