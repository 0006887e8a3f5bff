//! The selected item in full: both texts, where it sits in the layout, its state with who
//! and when (launch zone and the operator's own), its notes and its whole history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::text::fit;
use super::{Theme, launch_time, local_time};
use crate::app::{App, Mark, View};
use crate::i18n::{Lang, Msg, t, tf};
use crate::layout::{Area, Layout};
use crate::store::Change;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, popup: bool) {
    let title = t(
        app.lang,
        if popup {
            Msg::DetailTitlePopup
        } else {
            Msg::DetailTitle
        },
    );
    let style = if popup {
        theme.border_focus()
    } else {
        theme.border()
    };
    let outer = theme.bordered(style, title);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let Some(id) = app.selected() else {
        frame.render_widget(
            Paragraph::new(t(app.lang, Msg::DetailNone)).style(theme.dim()),
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
    let lang = app.lang;
    // Status labels are padded by display width, so the values line up in either language.
    let field = |msg: Msg| fit(t(lang, msg), 8);
    let mut out: Vec<Line> = Vec::new();
    let Some(text) = app.item_text(id) else {
        out.push(Line::styled(
            tf(lang, Msg::DetailUnknown, &[&id]),
            theme.error(),
        ));
        return out;
    };
    // Both texts, the operator's language first (with --ascii, only what ASCII can show).
    out.push(Line::styled(text.get(lang).to_string(), theme.title()));
    let other = match (lang, &text.zh) {
        (Lang::En, Some(zh)) => Some(zh.clone()),
        (Lang::ZhTw, Some(_)) => Some(text.en.clone()),
        _ => None,
    };
    if let Some(other) = other.filter(|o| !theme.ascii || o.is_ascii()) {
        out.push(Line::raw(other));
    }
    out.push(Line::styled(place(&app.layout, id, lang), theme.dim()));
    if let Some(evidence) = app.layout.item(id).and_then(|i| i.evidence.as_ref()) {
        let (status, why) = crate::app::live::evidence(app, evidence);
        let word = crate::words::status(lang, status);
        out.push(Line::from(vec![
            Span::styled(t(lang, Msg::DetailEvidence), theme.dim()),
            Span::styled(
                format!("{word}: {why}"),
                super::panels::status_style(theme, status),
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
    let late = app
        .late_by(id)
        .zip(block.and_then(|b| app.layout.blocks.get(b)));
    // A sign-off's status is its signature, not a mark: given, withdrawn, or only ticked.
    let log = app.pilot_ledger();
    let signoff = app.is_signoff(id).then(|| {
        let pilot = log.pilot();
        match (pilot.signature(id), pilot.withdrawal(id)) {
            (Some(sig), _) => (
                format!(
                    "{} {} · {} {}",
                    theme.symbols.done,
                    tf(lang, Msg::SignedBy, &[&sig.name]),
                    crate::i18n::date_short(lang, sig.at.with_timezone(&app.layout.launch.zone)),
                    launch_time(app, sig.at)
                ),
                theme.done(),
            ),
            (None, Some(w)) => (
                tf(
                    lang,
                    Msg::GoBlockWithdrawn,
                    &[&t(lang, Msg::SignedWithdrawn), &w.name, &w.by, &w.reason],
                ),
                theme.overdue(),
            ),
            (None, None) if state.mark == Mark::Done => {
                (t(lang, Msg::SignedUnnamed).to_string(), theme.overdue())
            }
            (None, None) => (t(lang, Msg::DetailOpen).to_string(), theme.text()),
        }
    });
    let (label, style) = match (&state.mark, late) {
        _ if let Some(signed) = signoff => signed,
        (Mark::Done, Some((by, block))) => (
            tf(
                lang,
                Msg::DetailLate,
                &[
                    &theme.symbols.done,
                    &crate::i18n::age(lang, by),
                    &block.end.format("%H:%M"),
                ],
            ),
            theme.overdue(),
        ),
        (Mark::Done, None) => (
            tf(lang, Msg::DetailDone, &[&theme.symbols.done]),
            theme.done(),
        ),
        (Mark::Skipped { reason }, _) => (
            tf(lang, Msg::DetailSkipped, &[&theme.symbols.skipped, reason]),
            theme.skipped(),
        ),
        (Mark::Open, _) if app.is_overdue(id, block) => (
            tf(lang, Msg::DetailOverdue, &[&theme.symbols.overdue]),
            theme.overdue(),
        ),
        (Mark::Open, _) => (t(lang, Msg::DetailOpen).to_string(), theme.text()),
    };
    out.push(Line::from(vec![
        Span::styled(field(Msg::DetailStatus), theme.dim()),
        Span::styled(label, style),
    ]));
    if app.is_pending(id) {
        out.push(Line::styled(
            format!("        {}", t(lang, Msg::DetailSaving)),
            theme.saving(),
        ));
    } else if app.is_unsaved(id) {
        out.push(Line::styled(
            format!("        {}", t(lang, Msg::DetailUnsaved)),
            theme.saving(),
        ));
    }
    if let Some((who, at)) = &state.by {
        out.push(Line::from(vec![
            Span::styled(field(Msg::DetailBy), theme.dim()),
            Span::raw(who.clone()),
        ]));
        let zone = app.layout.launch.zone.name();
        out.push(Line::from(vec![
            Span::styled(field(Msg::DetailWhen), theme.dim()),
            Span::raw(format!("{} {zone}", launch_time(app, *at))),
        ]));
        out.push(Line::from(vec![
            Span::styled("        ", theme.dim()),
            Span::styled(
                tf(lang, Msg::DetailLocal, &[&local_time(app, *at)]),
                theme.dim(),
            ),
        ]));
    }

    out.push(Line::raw(""));
    out.push(Line::styled(
        tf(lang, Msg::DetailNotes, &[&state.notes.len()]),
        theme.subheading(),
    ));
    if state.notes.is_empty() {
        out.push(Line::styled(t(lang, Msg::DetailNoNotes), theme.dim()));
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
    out.push(Line::styled(
        t(lang, Msg::DetailHistory),
        theme.subheading(),
    ));
    if state.history.is_empty() {
        out.push(Line::styled(t(lang, Msg::DetailNothingYet), theme.dim()));
    }
    for &index in state.history.iter().rev() {
        let Some(event) = app.ledger.event(index) else {
            continue;
        };
        let what = match &event.change {
            Change::Tick => t(lang, Msg::HistTicked).to_string(),
            Change::Untick => t(lang, Msg::HistReopened).to_string(),
            Change::Skip { reason } => tf(lang, Msg::HistSkipped, &[reason]),
            Change::Note { text } => tf(lang, Msg::HistNoted, &[text]),
            Change::Undo { .. } => t(lang, Msg::HistUndid).to_string(),
            other => format!(
                "{} {}",
                crate::words::verb(lang, other),
                crate::words::detail(lang, other, |id| app.source_title(id))
            ),
        };
        let undone = if app.ledger.is_undone(&event.id) {
            t(lang, Msg::HistUndone)
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
fn place(layout: &Layout, id: &str, lang: Lang) -> String {
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
                            "{} › {} {}–{} › {}",
                            View::LaunchDay.title_in(lang),
                            b.title.get(lang),
                            b.start.format("%H:%M"),
                            b.end.format("%H:%M"),
                            s.title.get(lang)
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
                    .map(|g| {
                        format!(
                            "{} › {} › {}",
                            View::Prelaunch.title_in(lang),
                            p.title.get(lang),
                            g.title.get(lang)
                        )
                    })
            })
            .unwrap_or_default(),
        Some(Area::Expansion) => layout
            .expansion
            .iter()
            .find(|s| s.items.iter().any(|i| i.id == id))
            .map(|s| format!("{} › {}", t(lang, Msg::PlaceExpansion), s.title.get(lang)))
            .unwrap_or_default(),
        Some(Area::Signoff) => t(lang, Msg::PlaceSignoff).to_string(),
        None => String::new(),
    }
}
