//! Support tickets: open count, oldest age, those past the resolution target in red, the top
//! few listed (oldest first).

use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};
use serde_json::Value;
use serde_json_path::JsonPath;

use super::{no_data, sources};
use crate::app::App;
use crate::i18n::{Msg, age_minutes, t, tf};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right, truncate};

pub struct Ticket {
    pub id: String,
    pub title: String,
    pub priority: String,
    pub opened: DateTime<Utc>,
}

/// Open tickets from the source's JSON body, oldest first. Rows without an opening time are
/// skipped; a ticket with a `resolved_at` (or a closed status) is not open.
pub fn open_tickets(body: &Value, rows: &str) -> Result<Vec<Ticket>, String> {
    let path = JsonPath::parse(rows).map_err(|e| format!("rows {rows:?}: {e}"))?;
    let text = |row: &Value, key: &str| {
        row.get(key).and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
    };
    let mut tickets: Vec<Ticket> = path
        .query(body)
        .all()
        .into_iter()
        .filter(|row| row.get("resolved_at").is_none_or(Value::is_null))
        .filter(|row| !matches!(text(row, "status").as_deref(), Some("resolved" | "closed")))
        .filter_map(|row| {
            let opened = DateTime::parse_from_rfc3339(&text(row, "opened_at")?)
                .ok()?
                .with_timezone(&Utc);
            Some(Ticket {
                id: text(row, "id").unwrap_or_default(),
                title: text(row, "title").unwrap_or_default(),
                priority: text(row, "priority").unwrap_or_default(),
                opened,
            })
        })
        .collect();
    tickets.sort_by_key(|t| t.opened);
    Ok(tickets)
}

pub fn lines<'a>(
    app: &App,
    theme: &Theme,
    panel: &Panel,
    cols: usize,
    rows_available: usize,
) -> Vec<Line<'a>> {
    let PanelKind::Tickets { rows, target_hours } = &panel.kind else {
        return Vec::new();
    };
    let Some((source, state)) = sources(app, panel).into_iter().next() else {
        return Vec::new();
    };
    if let Some(why) = no_data(app.lang, source, state) {
        return vec![Line::styled(truncate(&why, cols), theme.dim())];
    }
    let Some(body) = state.observation().and_then(|o| o.body.as_ref()) else {
        return vec![Line::styled(
            t(app.lang, Msg::TicketsNoBody),
            theme.overdue(),
        )];
    };
    let tickets = match open_tickets(body, rows) {
        Ok(t) => t,
        Err(e) => return vec![Line::styled(truncate(&e, cols), theme.overdue())],
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
