//! The selected item in full: both texts, where it sits in the layout, its state with who
//! and when (launch zone and the operator's own), its notes and its whole history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Theme, launch_time, local_time};
use crate::app::{App, Mark};
use crate::layout::{Area, Layout};
use crate::store::Change;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, popup: bool) {
    let title = if popup {
        " Item · Esc closes "
    } else {
        " Item "
    };
    let outer = Block::default()
        .borders(Borders::ALL)
        .border_style(if popup {
            theme.border_focus()
        } else {
            theme.border()
        })
        .title(title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(id) = app.selected() else {
        frame.render_widget(
            Paragraph::new("No item selected.").style(theme.dim()),
            inner,
        );
        return;
    };
    frame.render_widget(
        Paragraph::new(lines(app, theme, id)).wrap(Wrap { trim: false }),
        inner,
    );
}

fn lines<'a>(app: &'a App, theme: &Theme, id: &'a str) -> Vec<Line<'a>> {
    let mut out: Vec<Line> = Vec::new();
    let Some(text) = app.item_text(id) else {
        out.push(Line::styled(format!("Unknown item {id}"), theme.error()));
        return out;
    };
    out.push(Line::styled(text.en.clone(), theme.title()));
    if let Some(zh) = &text.zh {
        out.push(Line::raw(zh.clone()));
    }
    out.push(Line::styled(place(&app.layout, id), theme.dim()));
    if let Some(evidence) = app.layout.item(id).and_then(|i| i.evidence.as_ref()) {
        let (health, why) = crate::app::live::evidence(app, evidence);
        let word = health.map_or("no data", crate::app::live::severity);
        out.push(Line::from(vec![
            Span::styled("Evidence ", theme.dim()),
            Span::styled(
                format!("{word}: {why}"),
                super::panels::health_style(theme, health),
            ),
        ]));
    }
    out.push(Line::raw(""));

    let state = app.ledger.item(id);
    let block = app
        .layout
        .blocks
        .iter()
        .position(|b| b.items().any(|i| i.id == id));
    let (label, style) = match &state.mark {
        Mark::Done => (format!("{} Done", theme.symbols.done), theme.done()),
        Mark::Skipped { reason } => (
            format!("{} Skipped: {reason}", theme.symbols.skipped),
            theme.skipped(),
        ),
        Mark::Open if app.is_overdue(id, block) => (
            format!("{} Overdue: its block has ended", theme.symbols.overdue),
            theme.overdue(),
        ),
        Mark::Open => ("Open".to_string(), theme.text()),
    };
    out.push(Line::from(vec![
        Span::styled("Status  ", theme.dim()),
        Span::styled(label, style),
    ]));
    if app.is_pending(id) {
        out.push(Line::styled("        saving…", theme.saving()));
    } else if app.is_unsaved(id) {
        out.push(Line::styled(
            "        not yet saved (database unreachable)",
            theme.saving(),
        ));
    }
    if let Some((who, at)) = &state.by {
        out.push(Line::from(vec![
            Span::styled("By      ", theme.dim()),
            Span::raw(who.clone()),
        ]));
        let zone = app.layout.launch.zone.name();
        out.push(Line::from(vec![
            Span::styled("When    ", theme.dim()),
            Span::raw(format!("{} {zone}", launch_time(app, *at))),
        ]));
        out.push(Line::from(vec![
            Span::styled("        ", theme.dim()),
            Span::styled(format!("{} local", local_time(app, *at)), theme.dim()),
        ]));
    }

    out.push(Line::raw(""));
    out.push(Line::styled(
        format!("Notes ({})", state.notes.len()),
        theme.subheading(),
    ));
    if state.notes.is_empty() {
        out.push(Line::styled("  none · n adds one", theme.dim()));
    }
    for &index in &state.notes {
        if let Some(event) = app.ledger.event(index)
            && let Change::Note { text } = &event.change
        {
            out.push(Line::from(vec![
                Span::styled(
                    format!("  {} {}: ", launch_time(app, event.at), event.operator),
                    theme.dim(),
                ),
                Span::raw(text.clone()),
            ]));
        }
    }

    out.push(Line::raw(""));
    out.push(Line::styled("History", theme.subheading()));
    if state.history.is_empty() {
        out.push(Line::styled("  nothing yet", theme.dim()));
    }
    for &index in state.history.iter().rev() {
        let Some(event) = app.ledger.event(index) else {
            continue;
        };
        let what = match &event.change {
            Change::Tick => "ticked".to_string(),
            Change::Untick => "reopened".to_string(),
            Change::Skip { reason } => format!("skipped: {reason}"),
            Change::Note { text } => format!("noted: {text}"),
            Change::Undo { .. } => "undid their last change".to_string(),
            other => format!("{} {}", other.verb(), other.detail()),
        };
        let undone = if app.ledger.is_undone(&event.id) {
            " (undone)"
        } else {
            ""
        };
        let style = if undone.is_empty() {
            theme.text()
        } else {
            theme.dim()
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {} ", launch_time(app, event.at)), theme.dim()),
            Span::styled(format!("{} ", event.operator), theme.text()),
            Span::styled(format!("{what}{undone}"), style),
            Span::styled(format!(" · {}", event.origin), theme.dim()),
        ]));
    }
    out
}

/// "Launch day › Morning of Launch 06:00–08:00 › System Checks"
fn place(layout: &Layout, id: &str) -> String {
    let area = layout
        .tickables()
        .find(|(_, i, _)| *i == id)
        .map(|(a, _, _)| a);
    match area {
        Some(Area::LaunchDay) => layout
            .blocks
            .iter()
            .find_map(|b| {
                b.sections
                    .iter()
                    .find(|s| s.items.iter().any(|i| i.id == id))
                    .map(|s| {
                        format!(
                            "Launch day › {} {}–{} › {}",
                            b.title.en,
                            b.start.format("%H:%M"),
                            b.end.format("%H:%M"),
                            s.title.en
                        )
                    })
            })
            .unwrap_or_default(),
        Some(Area::Prelaunch) => layout
            .prelaunch
            .iter()
            .find_map(|p| {
                p.groups
                    .iter()
                    .find(|g| g.items.iter().any(|i| i.id == id))
                    .map(|g| format!("Pre-launch › {} › {}", p.title.en, g.title.en))
            })
            .unwrap_or_default(),
        Some(Area::Expansion) => layout
            .expansion
            .iter()
            .find(|s| s.items.iter().any(|i| i.id == id))
            .map(|s| format!("Expansion criteria › {}", s.title.en))
            .unwrap_or_default(),
        Some(Area::Signoff) => "Sign-off".to_string(),
        None => String::new(),
    }
}
