//! Rendering: pure functions from [`App`] to ratatui widgets, one file per pane. Nothing here
//! does I/O or changes state (bar the scroll memo a list keeps, as ratatui's own lists do).
//!
//! The launch-day screen at 200x60:
//!
//! ```text
//! LuckyGas Pilot Launch · Tue 2026-12-01 09:31 Asia/Taipei        ▶ First Orders · ends in 2:28:55
//!  1 Day  2 Pre  3 Criteria  4 Expand  5 Contacts  6 Timeline  7 Audit              ops@jump (ssh 10.1.2.3)
//! ┌ Timeline ──────────┐┌ Launch day checklist ──────────────────┐┌ Item ────────────────────┐
//! │ 06:00–08:00  13/13 ││ Morning of Launch  06:00–08:00   13/13 ││ Driver assigned properly │
//! │ Morning of Launch  ││  System Checks                     5/5 ││ 司機指派正確             │
//! │ ██████████████     ││   ✓ All services health checks…  06:12 ││ Status ✓ done by ann …   │
//! │▶08:00–12:00   3/12 ││ First Orders  08:00–12:00         3/12 ││ Notes                    │
//! │ …                  ││   ○ Driver assigned properly           ││ History                  │
//! └────────────────────┘└────────────────────────────────────────┘└──────────────────────────┘
//!  space tick · s skip · n note · u undo · / search · ? help · q quit            Saved: ticked …
//! ```
//!
//! At 80x24 the timeline becomes a two-line strip above the list and the detail opens on Enter.

pub mod ascii;
mod audit;
mod banner;
mod bigtext;
mod checklist;
mod contacts;
mod criteria;
mod detail;
mod dialog;
mod gonogo;
mod header;
mod help;
mod panels;
mod pilot_timeline;
mod presence;
mod sections;
mod statusbar;
pub mod text;
pub mod theme;
mod timeline;
mod update_dialog;
mod wall;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Clear;

use crate::app::{App, Mode, View};
pub use theme::Theme;

/// Wide enough for timeline, list and detail side by side.
pub const WIDE: u16 = 140;
/// Wide enough for a side column beside the list.
pub const MEDIUM: u16 = 100;

pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    if app.wall.is_some() {
        wall::draw(frame, app, theme);
    } else {
        screen(frame, app, theme);
    }
    if theme.ascii {
        ascii::transliterate(frame.buffer_mut());
    }
}

fn screen(frame: &mut Frame, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        frame.render_widget(
            ratatui::widgets::Paragraph::new(crate::i18n::t(app.lang, crate::i18n::Msg::TooSmall))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    // Panels get a column of their own on a big screen; elsewhere a one-line strip says how
    // the live sources are doing, and view 8 shows them full size.
    let strip = !app.layout.panels.is_empty() && !panel_column_fits(area) && app.view != View::Live;
    // The banner never takes more than a third of the screen: the checklist stays in view.
    let banner_rows = banner::rows(app, theme, area.width).min(area.height / 3);
    let [top, banner_area, strip_area, body, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(banner_rows),
        Constraint::Length(if strip { panels::strip_rows(app) } else { 0 }),
        Constraint::Min(1),
        Constraint::Length(statusbar::height(app, area.width, area.height)),
    ])
    .areas(area);
    header::render(frame, top, app, theme);
    banner::render(frame, banner_area, app, theme);
    if strip {
        panels::render_strip(frame, strip_area, app, theme);
    }
    match app.view {
        View::LaunchDay | View::Prelaunch => checklist_screen(frame, body, app, theme),
        View::Expansion => {
            // The verdict first, then the checklist it rests on.
            // At most a third of the body: the checklist it rests on stays in view.
            let wanted = gonogo::rows(app, theme, body.width, (body.height / 3).max(3));
            let [verdict, list] =
                Layout::vertical([Constraint::Length(wanted), Constraint::Min(1)]).areas(body);
            gonogo::render(frame, verdict, app, theme);
            checklist_screen(frame, list, app, theme);
        }
        View::Criteria => criteria::render(frame, body, app, theme),
        View::Contacts => contacts::render(frame, body, app, theme),
        View::Timeline => pilot_timeline::render(frame, body, app, theme),
        View::Audit => audit::render(frame, body, app, theme),
        View::Live => panels::render_view(frame, body, app, theme),
    }
    statusbar::render(frame, bottom, app, theme);
    match &app.mode {
        Mode::Help => help::render(frame, body, app, theme),
        Mode::Detail => {
            let popup = centered(body, 90, 90);
            clear(frame, popup);
            detail::render(frame, popup, app, theme, true);
        }
        Mode::Prompt(_) | Mode::Confirm { .. } | Mode::Notice(_) => {
            dialog::render(frame, area, app, theme)
        }
        Mode::Update { .. } => update_dialog::render(frame, area, app, theme),
        Mode::Normal => {}
    }
}

/// Makes `area` blank for a pop-up: also the wide character just left of it, which would
/// otherwise spill its second half over the pop-up's left border (a CJK item behind help).
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let buffer = frame.buffer_mut();
    if area.x == 0 {
        return;
    }
    for y in area.top()..area.bottom() {
        let left = &mut buffer[(area.x - 1, y)];
        if text::width(left.symbol()) > 1 {
            left.set_symbol(" ");
        }
    }
}

/// A checklist view: side column (timeline or section progress), list, and detail when wide.
fn checklist_screen(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let side = |frame: &mut Frame, area: Rect| match app.view {
        View::LaunchDay => timeline::render(frame, area, app, theme),
        _ => sections::render(frame, area, app, theme),
    };
    if !app.layout.panels.is_empty() && panel_column_fits(area) {
        let [left, middle, right] = Layout::horizontal([
            Constraint::Length(34),
            Constraint::Min(40),
            Constraint::Length(64),
        ])
        .areas(area);
        side(frame, left);
        let [list, item] =
            Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(middle);
        checklist::render(frame, list, app, theme);
        detail::render(frame, item, app, theme, false);
        panels::render_column(frame, right, app, theme);
    } else if area.width >= WIDE {
        let [left, middle, right] = Layout::horizontal([
            Constraint::Length(34),
            Constraint::Min(40),
            Constraint::Length(58),
        ])
        .areas(area);
        side(frame, left);
        checklist::render(frame, middle, app, theme);
        detail::render(frame, right, app, theme, false);
    } else if area.width >= MEDIUM {
        let [left, middle] =
            Layout::horizontal([Constraint::Length(32), Constraint::Min(40)]).areas(area);
        side(frame, left);
        checklist::render(frame, middle, app, theme);
    } else if app.view == View::LaunchDay {
        let [strip, list] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        timeline::render_strip(frame, strip, app, theme);
        checklist::render(frame, list, app, theme);
    } else {
        checklist::render(frame, area, app, theme);
    }
}

/// Room for timeline, list and a column of every panel: the war-room screen (200x60).
fn panel_column_fits(area: Rect) -> bool {
    area.width >= 170 && area.height >= 48
}

fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let width = area.width * percent_x / 100;
    let height = area.height * percent_y / 100;
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// "09:31:05" on the launch's clock.
pub fn launch_time(app: &App, t: DateTime<Utc>) -> String {
    t.with_timezone(&app.layout.launch.zone)
        .format("%H:%M:%S")
        .to_string()
}

/// "09:31" on the launch's clock.
pub fn launch_hm(app: &App, t: DateTime<Utc>) -> String {
    t.with_timezone(&app.layout.launch.zone)
        .format("%H:%M")
        .to_string()
}

/// "01:31:05 UTC+00:00" on the operator's own clock, for operators outside the launch's zone.
pub fn local_time(app: &App, t: DateTime<Utc>) -> String {
    let offset = app.local_offset;
    format!(
        "{} UTC{offset}",
        t.with_timezone(&offset).format("%H:%M:%S")
    )
}

/// A bordered, vertically scrolled text pane for the read-only views (j/k scroll it).
fn scrolled(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    title: &str,
    lines: Vec<ratatui::text::Line<'_>>,
) {
    let outer = theme.bordered(
        theme.border_focus(),
        text::truncate(title, area.width.saturating_sub(2) as usize),
    );
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let max = lines.len().saturating_sub(inner.height as usize);
    let state = app.view_state(app.view);
    // Remember how far this pane can scroll, so `G` and `k` stay within it.
    if let Some(state) = state {
        state.offset.set(max);
    }
    let scroll = state.map_or(0, |s| s.scroll).min(max);
    let visible: Vec<_> = lines
        .into_iter()
        .skip(scroll)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(text::Rows::new(visible), inner);
}
