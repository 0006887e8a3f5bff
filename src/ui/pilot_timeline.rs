//! The pilot's weeks: soft launch, stabilisation, evaluation.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::text::fit;
use super::{Theme, scrolled};
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut lines = Vec::new();
    let when_cols = app
        .layout
        .timeline
        .iter()
        .flat_map(|p| &p.entries)
        .filter_map(|e| e.when.as_deref())
        .map(super::text::width)
        .max()
        .unwrap_or(0);
    for phase in &app.layout.timeline {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", phase.period), theme.heading()),
            Span::styled(phase.title.en.clone(), theme.heading()),
        ]));
        for entry in &phase.entries {
            let when = entry.when.as_deref().unwrap_or("");
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(fit(when, when_cols), theme.key()),
                Span::raw(if when_cols > 0 { "  " } else { "" }),
                Span::raw(entry.text.en.clone()),
            ]));
        }
    }
    if let Some(overview) = &app.layout.launch.overview {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Overview", theme.subheading()));
        lines.push(Line::styled(overview.en.clone(), theme.dim()));
    }
    let doc = &app.layout.document;
    let mut facts = Vec::new();
    if let Some(v) = &doc.version {
        facts.push(format!("Document version {v}"));
    }
    if let Some(d) = &doc.last_updated {
        facts.push(format!("last updated {d}"));
    }
    if let Some(r) = &doc.next_review {
        facts.push(format!("next review: {}", r.en));
    }
    if !facts.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(facts.join(" · "), theme.dim()));
    }
    scrolled(frame, area, app, theme, " Pilot timeline ", lines);
}
