//! Support tickets: open count, oldest age, those past the resolution target in red, the top
//! few listed (oldest first).

use ratatui::text::{Line, Span};

use super::data_or_why;
use crate::app::App;
use crate::app::panel::PanelData;
use crate::i18n::{Msg, age_minutes, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right, truncate};

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
    let limit = chrono::Duration::minutes((target_hours * 60.0) as i64);
    let breaching = tickets
        .iter()
        .filter(|t| app.now - t.opened > limit)
        .count();
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
    for tk in tickets.iter().take(rows_available.saturating_sub(1)) {
        let late = app.now - tk.opened > limit;
        let style = if late { theme.overdue() } else { theme.text() };
        // Right-aligned by display width: `{:>8}` would count a CJK character as one.
        let head = format!("{} {} {} ", fit(&tk.id, 8), fit(&tk.priority, 3), {
            // At least 8 columns, never cut: an age is read whole.
            let age = age_minutes(lang, app.now - tk.opened);
            fit_right(&age, crate::ui::text::width(&age).max(8))
        });
        lines.push(Line::from(vec![
            Span::styled(head.clone(), style),
            Span::styled(
                truncate(
                    &tk.title,
                    cols.saturating_sub(crate::ui::text::width(&head)),
                ),
                style,
            ),
        ]));
    }
    lines
}
