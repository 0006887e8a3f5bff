//! The day's blocks on the launch clock: the current one highlighted with its countdown,
//! progress per block, open items of ended blocks counted as overdue.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, fit_right, truncate, width};
use crate::app::{App, Mark, Phase};
use crate::i18n::{Msg, t, tf};
use crate::layout::Block;

struct BlockInfo {
    settled: usize,
    total: usize,
    overdue: usize,
    ended: bool,
}

fn info(app: &App, index: usize, block: &Block) -> BlockInfo {
    let ended = app.schedule.has_ended(index, app.now);
    let (settled, total) = app.ledger.progress(block.items().map(|i| i.id.as_str()));
    let overdue = if ended {
        block
            .items()
            .filter(|i| *app.ledger.mark(&i.id) == Mark::Open)
            .count()
    } else {
        0
    };
    BlockInfo {
        settled,
        total,
        overdue,
        ended,
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let outer = theme.bordered(theme.border(), t(app.lang, Msg::TimelineTitle));
    let lang = app.lang;
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let cols = inner.width as usize;
    let phase = app.phase();
    let mut lines: Vec<Line> = Vec::new();

    let all = app
        .layout
        .blocks
        .iter()
        .flat_map(|b| b.items())
        .map(|i| i.id.as_str());
    let (settled, total) = app.ledger.progress(all);
    lines.push(Line::from(vec![
        Span::styled(
            fit(t(lang, Msg::TimelineDay), cols.saturating_sub(8)),
            theme.title(),
        ),
        Span::styled(fit_right(&format!("{settled}/{total}"), 8), theme.title()),
    ]));
    let (full, empty) = theme.bar(settled, total, cols);
    lines.push(Line::from(vec![
        Span::styled(full, theme.done()),
        Span::styled(empty, theme.dim()),
    ]));

    for (index, block) in app.layout.blocks.iter().enumerate() {
        if let Phase::Gap { next, .. } = phase
            && next == index
        {
            lines.push(Line::raw(""));
            let prev_end = app
                .layout
                .blocks
                .get(index.wrapping_sub(1))
                .map(|b| b.end.format("%H:%M").to_string())
                .unwrap_or_default();
            let gap = tf(
                lang,
                Msg::TimelineBreak,
                &[&theme.symbols.now, &prev_end, &block.start.format("%H:%M")],
            );
            lines.push(Line::styled(truncate(&gap, cols), theme.current()));
        }
        let i = info(app, index, block);
        let current = matches!(phase, Phase::In { index: c, .. } if c == index);
        let marker = if current { theme.symbols.now } else { " " };
        let range = format!(
            "{marker}{}–{}",
            block.start.format("%H:%M"),
            block.end.format("%H:%M")
        );
        let count = format!("{}/{}", i.settled, i.total);
        let head_style = if current {
            theme.current()
        } else if i.ended {
            theme.dim()
        } else {
            theme.text()
        };
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(fit(&range, cols.saturating_sub(width(&count))), head_style),
            Span::styled(count, count_style(theme, &i)),
        ]));
        lines.push(Line::styled(
            fit(&format!(" {}", block.title.get(lang)), cols),
            if current {
                theme.current()
            } else {
                theme.title()
            },
        ));
        let (full, empty) = theme.bar(i.settled, i.total, cols.saturating_sub(1));
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(full, theme.done()),
            Span::styled(empty, theme.dim()),
        ]));
        if current {
            // The ticking countdown lives in the header only, so a second costs one changed cell.
            lines.push(Line::styled(
                truncate(
                    &tf(lang, Msg::TimelineNow, &[&block.end.format("%H:%M")]),
                    cols,
                ),
                theme.current(),
            ));
        }
        if i.overdue > 0 {
            lines.push(Line::styled(
                truncate(
                    &tf(
                        lang,
                        Msg::TimelineOverdue,
                        &[&theme.symbols.bad, &i.overdue],
                    ),
                    cols,
                ),
                theme.overdue(),
            ));
        } else if i.ended && i.settled == i.total {
            lines.push(Line::styled(
                truncate(&tf(lang, Msg::TimelineComplete, &[&theme.symbols.ok]), cols),
                theme.done(),
            ));
        }
    }
    match phase {
        Phase::Before { .. } => {
            lines.insert(
                2,
                Line::styled(
                    truncate(t(lang, Msg::TimelineNotStarted), cols),
                    theme.current(),
                ),
            );
        }
        Phase::After => {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                truncate(t(lang, Msg::TimelineOver), cols),
                theme.dim(),
            ));
        }
        _ => {}
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn count_style(theme: &Theme, i: &BlockInfo) -> ratatui::style::Style {
    if i.overdue > 0 {
        theme.overdue()
    } else if i.total > 0 && i.settled == i.total {
        theme.done()
    } else {
        theme.text()
    }
}

/// Two lines for narrow terminals: every block's progress, then the current block's countdown.
pub fn render_strip(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    let lang = app.lang;
    let phase = app.phase();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (index, block) in app.layout.blocks.iter().enumerate() {
        let i = info(app, index, block);
        let current = matches!(phase, Phase::In { index: c, .. } if c == index);
        let marker = if current { theme.symbols.now } else { " " };
        let label = format!(
            "{marker}{} {}/{}",
            block.start.format("%H:%M"),
            i.settled,
            i.total
        );
        let style = if current {
            theme.current()
        } else {
            count_style(theme, &i)
        };
        let overdue = if i.overdue > 0 {
            format!(" {}{}", theme.symbols.bad, i.overdue)
        } else {
            String::new()
        };
        // Whole blocks only: a block's count cut in half would read as another number.
        let w = width(&label) + width(&overdue) + 1;
        if used + w > cols + 1 {
            break;
        }
        used += w;
        spans.push(Span::styled(label, style));
        if !overdue.is_empty() {
            spans.push(Span::styled(overdue, theme.overdue()));
        }
        spans.push(Span::raw(" "));
    }
    let all = app
        .layout
        .blocks
        .iter()
        .flat_map(|b| b.items())
        .map(|i| i.id.as_str());
    let (settled, total) = app.ledger.progress(all);
    let overdue: usize = app
        .layout
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| info(app, i, b).overdue)
        .sum();
    let mut second = vec![Span::styled(
        tf(lang, Msg::StripDay, &[&settled, &total]),
        theme.title(),
    )];
    if overdue > 0 {
        second.push(Span::styled(
            tf(lang, Msg::StripOverdue, &[&theme.symbols.bad, &overdue]),
            theme.overdue(),
        ));
    }
    let lines = vec![Line::from(spans), Line::from(second)];
    frame.render_widget(Paragraph::new(lines), area);
}
