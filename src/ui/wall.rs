//! The wall display (`warroom wall`), made to be read from across the room. View 1 is the
//! board:
//!
//! ```text
//!  WALL · read-only  LuckyGas Pilot Launch · Tue 2026-12-01 09:31            DB unreachable …
//!                          ▶ First Orders · ends in
//!            ██████      ██████  ██████      ██████  ██████
//!                ██  ██      ██  ██  ██  ██  ██      ██          (the countdown, as large as fits)
//!            ██████      ██████  ██████      ██████  ██████
//!  Current block First Orders 08:00–12:00 · 3 of 12 done or skipped · 1 overdue
//!  ██████████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░
//! ┌ Open alerts (2) ─────────────────────────────────────────────────────────────┐
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ┌ Service health ──────────┐┌ Error rate ───────────────┐ (the live panels, large)
//!  1 board · 2-8 views · ? help · q quit                              next view in 12 s
//! ```
//!
//! The other views are the operator's own screens, read-only, under the wall's bottom line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{truncate, width, wrap};
use super::{Theme, bigtext, header, launch_hm, panels, presence};
use crate::app::{App, Mode, Phase, View};
use crate::i18n::{self, Msg, t, tf};

/// The countdown at most this large (15 rows of 60 would crowd out the panels).
const MOST_SCALE: u16 = 3;

/// The board, or another view under the wall's bottom line; the wall's help over either.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        super::screen(frame, app, theme);
        return;
    }
    if app.view == View::LaunchDay {
        board(frame, area, app, theme);
    } else {
        super::screen(frame, app, theme);
        // The operator's key hints (tick, skip…) would promise what the wall does not do.
        let bottom = Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        };
        if app.flash.is_none() && !matches!(app.mode, Mode::Prompt(_)) {
            frame.render_widget(ratatui::widgets::Clear, bottom);
            frame.render_widget(Paragraph::new(footer(app, theme, area.width)), bottom);
        }
    }
    if app.mode == Mode::Help {
        help(frame, area, app, theme);
    }
}

fn board(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    let problem = problem(app);
    let problem_lines = problem
        .as_ref()
        .map(|p| wrap(p, cols.saturating_sub(2)))
        .unwrap_or_default();
    let (labels, count) = header::phase_variants(app, theme);
    // The countdown gets about a fifth of the screen.
    let budget = (area.height / 5).max(bigtext::ROWS);
    let scale = bigtext::scale_to_fit(&count, area.width, budget, MOST_SCALE);
    let big_rows = if count.is_empty() {
        0
    } else if scale == 0 {
        1
    } else {
        bigtext::ROWS * scale
    };
    // Announcements reach the wall too: the room reads them from across it.
    let banner_rows = super::banner::rows(app, theme, area.width).min(area.height / 4);
    let [
        top,
        banner,
        trouble,
        label,
        big,
        block,
        alerts,
        live,
        bottom,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Length(problem_lines.len().min(3) as u16),
        Constraint::Length(1),
        Constraint::Length(big_rows),
        Constraint::Length(2),
        Constraint::Length(alert_rows(app, area.height)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);

    frame.render_widget(Paragraph::new(title_line(app, theme, cols)), top);
    super::banner::render(frame, banner, app, theme);
    if !problem_lines.is_empty() {
        let lines: Vec<Line> = problem_lines
            .into_iter()
            .take(3)
            .map(|l| Line::styled(format!(" {l}"), theme.error()))
            .collect();
        frame.render_widget(Paragraph::new(lines), trouble);
    }
    let label_text = labels
        .iter()
        .find(|l| width(l) <= cols)
        .cloned()
        .unwrap_or_else(|| truncate(labels.last().map_or("", |s| s.as_str()), cols));
    let style = match app.phase() {
        Phase::In { .. } => theme.current(),
        _ => theme.dim(),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(label_text, style)).centered(),
        label,
    );
    if scale > 0 {
        bigtext::render(frame.buffer_mut(), big, &count, scale, theme.title());
    } else if !count.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(count.clone(), theme.title())).centered(),
            big,
        );
    }
    current_block(frame, block, app, theme);
    open_alerts(frame, alerts, app, theme);
    if live.height >= 3 {
        panels::render_view(frame, live, app, theme);
    }
    let last = match &app.flash {
        Some(flash) => {
            let style = if flash.error {
                theme.error()
            } else {
                theme.info()
            };
            Line::styled(truncate(&format!(" {}", flash.text), cols), style)
        }
        None => footer(app, theme, area.width),
    };
    frame.render_widget(Paragraph::new(last), bottom);
}

/// What is wrong with the database, said first: no file, or out of reach since when.
fn problem(app: &App) -> Option<String> {
    if let Some(path) = app.wall.as_ref().and_then(|w| w.absent.as_ref()) {
        return Some(tf(app.lang, Msg::WallNoDatabase, &[path]));
    }
    let since = app.outage?;
    let cause = app.outage_cause.as_ref().map_or_else(
        || t(app.lang, Msg::DbUnreachable).trim_end().to_string(),
        |c| i18n::outage(app.lang, c),
    );
    Some(tf(
        app.lang,
        Msg::WallDbDown,
        &[&launch_hm(app, since), &cause],
    ))
}

/// " WALL · read-only  LuckyGas Pilot Launch · Tue 2026-12-01 09:31" and, on the right, the
/// outage's running time if any.
fn title_line<'a>(app: &App, theme: &Theme, cols: usize) -> Line<'a> {
    let lang = app.lang;
    let badge = t(lang, Msg::WallBadge);
    let demo = if app.demo { " DEMO " } else { "" };
    let local = app.now.with_timezone(&app.layout.launch.zone);
    let when = format!(
        " · {} {}",
        i18n::date_long(lang, local),
        launch_hm(app, app.now)
    );
    let right = presence::outage_text(app)
        .map(|(label, time)| format!("{label}{time}"))
        .unwrap_or_default();
    let name = app.layout.launch.name.get(lang);
    let fixed = width(badge) + width(demo) + 1 + width(&right);
    let room = cols.saturating_sub(fixed);
    let (name, when) = if width(name) + width(&when) <= room {
        (name.to_string(), when)
    } else {
        (truncate(name, room), String::new())
    };
    let used = fixed + width(&name) + width(&when);
    let gap = cols.saturating_sub(used);
    Line::from(vec![
        Span::styled(badge.to_string(), theme.tab_active()),
        Span::styled(demo, theme.error()),
        Span::raw(" "),
        Span::styled(name, theme.title()),
        Span::styled(when, theme.text()),
        Span::raw(" ".repeat(gap)),
        Span::styled(truncate(&right, cols), theme.error()),
    ])
}

/// The block running now (or next): its items settled of all, overdue ones, and a bar.
fn current_block(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let cols = area.width as usize;
    let index = match app.phase() {
        Phase::In { index, .. } => Some(index),
        Phase::Before { next, .. } | Phase::Gap { next, .. } => Some(next),
        Phase::After => None,
    };
    let Some((index, block)) = index.and_then(|i| app.layout.blocks.get(i).map(|b| (i, b))) else {
        let line = Line::styled(format!(" {}", t(lang, Msg::WallNoBlock)), theme.dim());
        frame.render_widget(Paragraph::new(line), area);
        return;
    };
    let (settled, total) = app.ledger.progress(block.items().map(|i| i.id.as_str()));
    let overdue = block
        .items()
        .filter(|i| app.is_overdue(&i.id, Some(index)))
        .count();
    let span = format!(
        "{}–{}",
        block.start.format("%H:%M"),
        block.end.format("%H:%M")
    );
    let mut text = vec![
        Span::styled(format!(" {} ", t(lang, Msg::WallBlock)), theme.dim()),
        Span::styled(block.title.get(lang).to_string(), theme.title()),
        Span::styled(format!(" {span} · "), theme.text()),
        Span::styled(tf(lang, Msg::WallDone, &[&settled, &total]), theme.text()),
    ];
    if overdue > 0 {
        text.push(Span::styled(
            format!(" · {}", tf(lang, Msg::WallOverdue, &[&overdue])),
            theme.overdue(),
        ));
    }
    let line = Line::from(text);
    let (full, empty) = theme.bar(settled, total, cols.saturating_sub(2));
    let bar = Line::from(vec![
        Span::raw(" "),
        Span::styled(full, theme.done()),
        Span::styled(empty, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(vec![truncate_line(line, cols), bar]), area);
}

/// A line cut to `cols` columns, styles kept.
fn truncate_line(line: Line<'_>, cols: usize) -> Line<'_> {
    let mut used = 0;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = width(&span.content);
        if used + w <= cols {
            used += w;
            spans.push(span);
        } else {
            spans.push(Span::styled(
                truncate(&span.content, cols - used),
                span.style,
            ));
            break;
        }
    }
    Line::from(spans)
}

/// Rows for the open alerts box: what they need, at most a third of the screen.
fn alert_rows(app: &App, height: u16) -> u16 {
    let open = app.open_alerts().len() as u16;
    // Each alert takes about three lines (what, who is on it, whom to call); borders around.
    (open * 3 + 2).clamp(3, (height / 3).max(3))
}

fn open_alerts(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let open = app.open_alerts().len();
    let title = if open == 0 {
        t(app.lang, Msg::WallNoAlerts).to_string()
    } else {
        tf(app.lang, Msg::WallAlerts, &[&open])
    };
    let style = if app.open_alerts().iter().any(|a| a.is_critical()) {
        theme.overdue()
    } else {
        theme.border()
    };
    let outer = theme.bordered(
        style,
        truncate(&title, area.width.saturating_sub(2) as usize),
    );
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    if open > 0 {
        let lines = panels::alert_lines(app, theme, inner.width as usize, inner.height as usize);
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// " 1 board · 2-8 views · ? help · q quit" and, when cycling, when the next view comes.
fn footer<'a>(app: &App, theme: &Theme, cols: u16) -> Line<'a> {
    let cols = cols as usize;
    let lang = app.lang;
    let keys: [(&str, Msg); 4] = [
        ("1", Msg::WallBoardHint),
        ("2-8", Msg::HintViews),
        ("?", Msg::HintHelp),
        ("q", Msg::HintQuit),
    ];
    let next = app
        .wall
        .as_ref()
        .and_then(|w| w.remaining(std::time::Instant::now()))
        .map(|d| {
            let left = chrono::Duration::seconds(d.as_secs_f64().ceil() as i64);
            tf(lang, Msg::WallCycling, &[&i18n::age(lang, left)])
        })
        .unwrap_or_default();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1 + width(&next) + 1;
    for (key, what) in keys {
        let what = t(lang, what);
        let piece = width(key) + width(what) + 3;
        if used + piece > cols {
            break;
        }
        used += piece;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    if !next.is_empty() && used <= cols {
        spans.push(Span::raw(" ".repeat(cols - used)));
        spans.push(Span::styled(next, theme.dim()));
    }
    Line::from(spans)
}

/// The wall's `?`: what it is, and the keys that work on it.
fn help(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let popup = super::centered(area, 80, 70);
    super::clear(frame, popup);
    let outer = theme
        .block()
        .border_style(theme.border_focus())
        .title(truncate(
            t(lang, Msg::WallHelpTitle),
            popup.width.saturating_sub(2) as usize,
        ));
    let inner = outer.inner(popup);
    frame.render_widget(outer, popup);
    let cols = inner.width as usize;
    let mut lines: Vec<Line> = wrap(t(lang, Msg::WallHelpReadOnly), cols)
        .into_iter()
        .map(|l| Line::styled(l, theme.info()))
        .collect();
    lines.push(Line::raw(""));
    for (key, what) in [
        ("1", Msg::WallKeyBoard),
        ("2 … 8", Msg::WallKeyViews),
        ("Tab  S-Tab", Msg::KeyViews),
        ("↑ ↓  j k", Msg::HintScroll),
        ("!", Msg::HintAlerts),
        ("p", Msg::KeyPanel),
        ("/", Msg::KeySearch),
        ("?", Msg::KeyHelp),
        ("q  Ctrl-C", Msg::HintQuit),
    ] {
        let what = t(lang, what);
        let head = format!("{key:<12}");
        for (i, part) in wrap(what, cols.saturating_sub(12).max(1))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { head.clone() } else { " ".repeat(12) };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.key()),
                Span::styled(part, theme.text()),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
