//! The item list of a checklist view: headings with progress, items with their mark, who
//! settled them and when, and overdue or saving flags. Scrolls to keep the cursor in sight.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{Rows, fit, fit_right, truncate, width};
use super::{Theme, launch_hm};
use crate::app::{App, Mark, Row};
use crate::i18n::{Msg, t, tf};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let view = app.view.title_in(lang);
    let title = if app.filter.is_empty() {
        tf(lang, Msg::ListTitle, &[&view])
    } else {
        tf(lang, Msg::ListTitleSearch, &[&view, &app.filter])
    };
    let outer = theme.bordered(
        theme.border_focus(),
        truncate(&title, area.width.saturating_sub(2) as usize),
    );
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let rows = app.rows(app.view);
    if rows.is_empty() {
        let message = if app.filter.is_empty() {
            t(lang, Msg::ListEmpty).to_string()
        } else {
            tf(lang, Msg::ListNoMatch, &[&app.filter])
        };
        frame.render_widget(Paragraph::new(message).style(theme.dim()), inner);
        return;
    }
    let cols = inner.width as usize;
    let height = inner.height as usize;
    let selected = app.selected();
    let cursor = rows
        .iter()
        .position(|r| r.item_id().is_some() && r.item_id() == selected);
    let offset = scroll_offset(app, cursor, rows.len(), height);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, row)| line(app, theme, row, cols, Some(i) == cursor))
        .collect();
    frame.render_widget(Rows::new(lines), inner);
}

/// Keeps the cursor in view with a little context above it; remembers where it scrolled to so
/// the list does not jump while moving inside the window.
fn scroll_offset(app: &App, cursor: Option<usize>, len: usize, height: usize) -> usize {
    let Some(state) = app.view_state(app.view) else {
        return 0;
    };
    let mut offset = state.offset.get().min(len.saturating_sub(height));
    if let Some(c) = cursor {
        let context = 2.min(height / 4);
        if c < offset || c >= offset + height {
            // A jump (start-up, search, g/G): put the cursor a third of the way down, so the
            // headings above it and the items after it are in view.
            offset = c.saturating_sub(height / 3).min(len.saturating_sub(height));
        } else if c < offset + context {
            offset = c.saturating_sub(context);
        } else if c + context >= offset + height {
            offset = (c + context + 1)
                .saturating_sub(height)
                .min(len.saturating_sub(height));
        }
    }
    state.offset.set(offset);
    offset
}

fn line<'a>(app: &App, theme: &Theme, row: &Row<'a>, cols: usize, selected: bool) -> Line<'a> {
    let indent = |depth: u8| " ".repeat(depth as usize * 2);
    match row {
        Row::Heading {
            depth,
            title,
            aside,
            items,
            ..
        } => {
            let (settled, total) = app.progress(items.iter().copied());
            let count = format!("{settled}/{total}");
            let mut label = format!("{}{}", indent(*depth), title.get(app.lang));
            if let Some(aside) = aside {
                label.push_str("  ");
                label.push_str(aside);
            }
            let style = if *depth == 0 {
                theme.heading()
            } else {
                theme.subheading()
            };
            let count_style = if settled == total {
                theme.done()
            } else {
                style
            };
            Line::from(vec![
                Span::styled(fit(&label, cols.saturating_sub(width(&count) + 1)), style),
                Span::raw(" "),
                Span::styled(count, count_style),
            ])
        }
        Row::Note { depth, text } => Line::styled(
            truncate(&format!("{}{}", indent(*depth), text.get(app.lang)), cols),
            theme.dim(),
        ),
        Row::Item {
            depth,
            id,
            text,
            block,
        } => item_line(
            app,
            theme,
            indent(*depth),
            id,
            text.get(app.lang),
            *block,
            cols,
            selected,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn item_line<'a>(
    app: &App,
    theme: &Theme,
    indent: String,
    id: &str,
    text: &str,
    block: Option<usize>,
    cols: usize,
    selected: bool,
) -> Line<'a> {
    if app.is_signoff(id) {
        return signoff_line(app, theme, indent, id, text, cols, selected);
    }
    let state = app.ledger.item(id);
    let s = &theme.symbols;
    let pending = app.is_pending(id);
    let overdue = app.is_overdue(id, block);
    let unsaved = app.is_unsaved(id);
    let (mark, mark_style): (&str, Style) = if app.is_sending(id) {
        (s.saving, theme.saving())
    } else {
        match &state.mark {
            // Shown as made, in the "saving" colour: kept on this machine, not in the log.
            Mark::Done if unsaved || pending => (s.done, theme.saving()),
            Mark::Done => (s.done, theme.done()),
            Mark::Skipped { .. } => (s.skipped, theme.skipped()),
            Mark::Open if overdue => (s.overdue, theme.overdue()),
            Mark::Open => (s.open, theme.text()),
        }
    };
    let lang = app.lang;
    let aside = if pending {
        t(lang, Msg::AsideSaving).to_string()
    } else if unsaved {
        t(lang, Msg::AsideUnsaved).to_string()
    } else {
        match (&state.mark, &state.by) {
            // Ticked after its block ended: said, so the day's record is not rosier than it was.
            (Mark::Done, Some((who, at))) if app.late_by(id).is_some() => format!(
                "{} {} {}",
                short_name(who),
                launch_hm(app, *at),
                t(lang, Msg::AsideLate)
            ),
            (Mark::Done, Some((who, at))) => format!("{} {}", short_name(who), launch_hm(app, *at)),
            (Mark::Skipped { .. }, _) => t(lang, Msg::AsideSkipped).to_string(),
            (Mark::Open, _) if overdue => t(lang, Msg::AsideOverdue).to_string(),
            _ => String::new(),
        }
    };
    let notes = if state.notes.is_empty() {
        String::new()
    } else {
        format!("{}{} ", s.note, state.notes.len())
    };
    let aside = format!("{notes}{aside}");
    let aside_style = if (overdue || app.late_by(id).is_some()) && !pending {
        theme.overdue()
    } else {
        theme.dim()
    };
    // Items with live evidence show it while open: "live ✓" green, "live !" red.
    let evidence = match (
        &state.mark,
        app.layout.item(id).and_then(|i| i.evidence.as_ref()),
    ) {
        (Mark::Open, Some(e)) => {
            use crate::sources::Status;
            let (status, _) = crate::app::live::evidence(app, e);
            let text = match status {
                Status::Ok => tf(lang, Msg::LiveEvidence, &[&s.ok]),
                Status::Warn | Status::Critical => tf(lang, Msg::LiveEvidence, &[&s.bad]),
                Status::NoData => t(lang, Msg::LiveEvidenceNoData).to_string(),
            };
            Some((text, super::panels::status_style(theme, status)))
        }
        _ => None,
    };
    let evidence_cols = evidence.as_ref().map_or(0, |(t, _)| width(t));
    let prefix = format!("{indent}{mark} ");
    let text_cols = cols.saturating_sub(width(&prefix) + width(&aside) + evidence_cols + 1);
    let text_style = match &state.mark {
        Mark::Done | Mark::Skipped { .. } => theme.dim(),
        Mark::Open => theme.text(),
    };
    let mut spans = vec![
        Span::raw(indent),
        Span::styled(mark.to_string(), mark_style),
        Span::raw(" "),
        Span::styled(fit(text, text_cols), text_style),
        Span::raw(" "),
    ];
    if let Some((label, style)) = evidence {
        spans.push(Span::styled(label, style));
    }
    spans.push(Span::styled(fit_right(&aside, width(&aside)), aside_style));
    if selected {
        let sel = theme.selected();
        spans = spans
            .into_iter()
            .map(|span| span.patch_style(sel))
            .collect();
    }
    Line::from(spans)
}

/// A sign-off: signed by whom and when, withdrawn, or only ticked (which signs nothing).
fn signoff_line<'a>(
    app: &App,
    theme: &Theme,
    indent: String,
    id: &str,
    text: &str,
    cols: usize,
    selected: bool,
) -> Line<'a> {
    let lang = app.lang;
    let s = &theme.symbols;
    let log = app.pilot_ledger();
    let pilot = log.pilot();
    let (mark, mark_style, aside) = if app.is_sending(id) {
        (
            s.saving,
            theme.saving(),
            t(lang, Msg::AsideSaving).to_string(),
        )
    } else if let Some(sig) = pilot.signature(id) {
        let when = format!(
            "{} {}",
            crate::i18n::date_short(lang, sig.at.with_timezone(&app.layout.launch.zone)),
            launch_hm(app, sig.at)
        );
        (
            s.done,
            theme.done(),
            format!("{} {when}", tf(lang, Msg::SignedBy, &[&sig.name])),
        )
    } else if pilot.withdrawal(id).is_some() {
        (
            s.open,
            theme.overdue(),
            t(lang, Msg::SignedWithdrawn).to_string(),
        )
    } else if *app.ledger.mark(id) == Mark::Done {
        (
            s.open,
            theme.overdue(),
            t(lang, Msg::SignedUnnamed).to_string(),
        )
    } else {
        (s.open, theme.text(), String::new())
    };
    let prefix = format!("{indent}{mark} ");
    let text_cols = cols.saturating_sub(width(&prefix) + width(&aside) + 1);
    let mut spans = vec![
        Span::raw(indent),
        Span::styled(mark.to_string(), mark_style),
        Span::raw(" "),
        Span::styled(fit(text, text_cols), theme.text()),
        Span::raw(" "),
        Span::styled(aside, theme.dim()),
    ];
    if selected {
        let sel = theme.selected();
        spans = spans
            .into_iter()
            .map(|span| span.patch_style(sel))
            .collect();
    }
    Line::from(spans)
}

/// "ann" from "ann@jump-host": the list has room only for who, the detail shows the rest.
fn short_name(who: &str) -> &str {
    who.split('@').next().unwrap_or(who)
}
