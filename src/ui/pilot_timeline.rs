//! The pilot's weeks: soft launch, stabilisation, evaluation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::{fit, wrap};
use super::{Theme, scrolled};
use crate::app::App;
use crate::i18n::{self, Msg, t, tf};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width.saturating_sub(2) as usize;
    let lang = app.lang;
    let mut lines = Vec::new();
    // Where the pilot stands first: before Day 1, its day and week, or over.
    let day = app.layout.pilot_day(app.now);
    if let Some(line) = crate::words::pilot_line(&app.layout, &day, lang) {
        lines.push(Line::styled(line, theme.current()));
    }
    let current = match day {
        crate::layout::PilotDay::During { phase, .. } => phase,
        _ => None,
    };
    let when_cols = app
        .layout
        .timeline
        .iter()
        .flat_map(|p| &p.entries)
        .filter_map(|e| e.when.as_deref())
        .map(|w| super::text::width(&i18n::period(app.lang, w)))
        .max()
        .unwrap_or(0);
    for (index, phase) in app.layout.timeline.iter().enumerate() {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        // The current phase is marked, and said in words for a screen without colour.
        let (mark, style, now) = if current == Some(index) {
            (
                format!("{} ", theme.symbols.now),
                theme.current(),
                format!("  {}", t(lang, Msg::PilotNowMark)),
            )
        } else {
            (String::new(), theme.heading(), String::new())
        };
        lines.push(Line::from(vec![
            Span::styled(mark, style),
            Span::styled(
                tf(lang, Msg::PilotPhase, &[&i18n::period(lang, &phase.period)]),
                style,
            ),
            Span::styled(phase.title.get(lang).to_string(), style),
            Span::styled(now, style),
        ]));
        for entry in &phase.entries {
            let when = i18n::period(lang, entry.when.as_deref().unwrap_or(""));
            let indent = 2 + when_cols + if when_cols > 0 { 2 } else { 0 };
            for (n, part) in wrap(entry.text.get(lang), cols.saturating_sub(indent))
                .into_iter()
                .enumerate()
            {
                let label = if n == 0 {
                    fit(&when, when_cols)
                } else {
                    " ".repeat(when_cols)
                };
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(label, theme.key()),
                    Span::raw(if when_cols > 0 { "  " } else { "" }),
                    Span::raw(part),
                ]));
            }
        }
    }
    if let Some(overview) = &app.layout.launch.overview {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            t(lang, Msg::PilotOverview),
            theme.subheading(),
        ));
        lines.extend(
            wrap(overview.get(lang), cols)
                .into_iter()
                .map(|l| Line::styled(l, theme.dim())),
        );
    }
    let doc = &app.layout.document;
    let mut facts = Vec::new();
    if let Some(v) = &doc.version {
        facts.push(tf(lang, Msg::PilotVersion, &[v]));
    }
    if let Some(d) = &doc.last_updated {
        facts.push(tf(lang, Msg::PilotUpdated, &[d]));
    }
    if let Some(r) = &doc.next_review {
        facts.push(tf(lang, Msg::PilotReview, &[&r.get(lang)]));
    }
    if !facts.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(
            wrap(&facts.join(" · "), cols)
                .into_iter()
                .map(|l| Line::styled(l, theme.dim())),
        );
    }
    scrolled(frame, area, app, theme, t(lang, Msg::PilotTitle), lines);
}
