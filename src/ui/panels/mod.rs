//! Live panels: one file per kind, each a pure function of the app state. This module frames
//! them (title coloured by the worst health of the panel's sources, freshness on the right),
//! lays them out, and draws the one-line status strip used on small terminals.

mod alerts;
mod deliveries;
mod error_rate;
mod health;
mod latency;
mod scoreboard;
mod tickets;

pub use alerts::lines as alert_lines;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{Rows, truncate, width};
use crate::app::App;
use crate::app::live::SourceState;
use crate::app::panel::PanelData;
use crate::i18n::{Lang, Msg, age, t, tf};
use crate::layout::{LiveSource, Panel, PanelKind};
use crate::sources::{Health, Status};

/// Rows each panel kind wants at most (borders included), for stacking them in a column.
fn wanted_rows(app: &App, panel: &Panel) -> u16 {
    match &panel.kind {
        PanelKind::Health => panel.sources.len() as u16 + 2,
        PanelKind::ErrorRate | PanelKind::Latency { .. } => 5,
        PanelKind::Deliveries { .. } => 5,
        PanelKind::Tickets { .. } => 8,
        // Every target of its week: the scoreboard grows with the layout.
        PanelKind::Criteria { week, .. } => {
            let targets = app
                .layout
                .criteria
                .iter()
                .find(|w| w.week == *week)
                .map_or(1, |w| w.targets.len().max(1));
            targets as u16 + 2
        }
        PanelKind::Alerts => 10,
    }
}

/// All panels stacked in one column (the side column of the wide launch-day screen).
pub fn render_column(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let panels = &app.layout.panels;
    if panels.is_empty() {
        return;
    }
    // Alerts take whatever is left; the others get what they want.
    let constraints: Vec<Constraint> = panels
        .iter()
        .map(|p| {
            if matches!(p.kind, PanelKind::Alerts) {
                Constraint::Min(4)
            } else {
                Constraint::Length(wanted_rows(app, p))
            }
        })
        .collect();
    let areas = Split::vertical(constraints).split(area);
    for (panel, area) in panels.iter().zip(areas.iter()) {
        render_panel(frame, *area, app, theme, panel);
    }
}

/// The live view (8): every panel in a grid when there is room, else the focused one (`p`).
pub fn render_view(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let panels = &app.layout.panels;
    if panels.is_empty() {
        let text = t(app.lang, Msg::NoPanels);
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    if area.width >= 120 && area.height >= 30 {
        let [left, right] =
            Split::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let half = panels.len().div_ceil(2);
        for (column, list) in [(left, &panels[..half]), (right, &panels[half..])] {
            let constraints: Vec<Constraint> = list
                .iter()
                .map(|p| {
                    if matches!(p.kind, PanelKind::Alerts | PanelKind::Tickets { .. }) {
                        Constraint::Min(6)
                    } else {
                        Constraint::Length(wanted_rows(app, p))
                    }
                })
                .collect();
            let areas = Split::vertical(constraints).split(column);
            for (panel, area) in list.iter().zip(areas.iter()) {
                render_panel(frame, *area, app, theme, panel);
            }
        }
    } else {
        let index = app.panel_focus % panels.len();
        let [tabs, body] = Split::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        frame.render_widget(
            Rows::new(panel_tabs(app, theme, index, tabs.width as usize)),
            tabs,
        );
        render_panel(frame, body, app, theme, &panels[index]);
    }
}

/// "p next: Service health  Error rate …" — every panel's name in its state's colour, the
/// one shown highlighted; as columns run out the names shorten to their first word, then to
/// numbers, and the one shown always keeps its name.
fn panel_tabs<'a>(app: &App, theme: &Theme, focus: usize, cols: usize) -> Line<'a> {
    let panels = &app.layout.panels;
    let lang = app.lang;
    let lead = t(lang, Msg::PanelNext);
    // Richest first: every name; the one shown in full and the others' first words; every
    // first word; numbers with the one shown named; numbers.
    let label = |i: usize, p: &Panel, step: usize| -> String {
        let title = p.title.get(lang);
        let short = short_title(title);
        let shown = i == focus;
        match step {
            0 => format!(" {title} "),
            1 if shown => format!(" {title} "),
            1 | 2 => format!(" {short} "),
            3 if shown => format!(" {} {short} ", i + 1),
            _ => format!(" {} ", i + 1),
        }
    };
    let fits = |step: usize| {
        width(lead)
            + panels
                .iter()
                .enumerate()
                .map(|(i, p)| width(&label(i, p, step)))
                .sum::<usize>()
            <= cols
    };
    let step = (0..5).find(|s| fits(*s)).unwrap_or(4);
    let mut spans = vec![Span::styled(lead, theme.dim())];
    let mut used = width(lead);
    for (i, p) in panels.iter().enumerate() {
        let text = label(i, p, step);
        let text = if used + width(&text) > cols {
            truncate(&text, cols.saturating_sub(used))
        } else {
            text
        };
        used += width(&text);
        let style = if i == focus {
            theme.tab_active()
        } else {
            status_style(theme, verdict(app, p))
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn render_panel(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, panel: &Panel) {
    if area.height < 2 || area.width < 10 {
        return;
    }
    let status = shown_status(app, panel);
    let fresh = freshness(app, panel);
    let title = format!(" {} ", panel.title.get(app.lang));
    // The border keeps one colour whatever the state: a panel turning critical repaints its
    // title and corner, not two whole rows of line drawing. The title says it in colour.
    let block = theme
        .block()
        .border_style(theme.border())
        .title(Span::styled(
            truncate(&title, area.width.saturating_sub(4) as usize),
            status_style(theme, status).patch(theme.title()),
        ))
        // The corner says the panel's state with its freshness, coloured like the state: the
        // worst of its sources, so "ok" never stands above a critical row.
        .title(
            Line::from(Span::styled(
                format!(" {fresh} "),
                status_style(theme, status),
            ))
            .right_aligned(),
        );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // With no backend configured, one clear sentence beats a row of identical complaints.
    let list = sources(app, panel);
    // The targets panel still lists its targets (each "–"): they are the day's yardstick.
    if !list.is_empty()
        && !matches!(panel.kind, PanelKind::Criteria { .. })
        && list.iter().all(|(s, _)| !s.missing_env.is_empty())
    {
        let names: Vec<String> = list
            .iter()
            .flat_map(|(s, _)| s.missing_env.iter().cloned())
            .fold(Vec::new(), |mut v, n| {
                if !v.contains(&n) {
                    v.push(n);
                }
                v
            });
        let text = tf(
            app.lang,
            Msg::NoBackendPanel,
            &[&names.join(", "), &names.first().map_or("", String::as_str)],
        );
        let lines: Vec<Line> = crate::ui::text::wrap(&text, inner.width as usize)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim()))
            .collect();
        frame.render_widget(Rows::new(lines), inner);
        return;
    }
    let lines = match &panel.kind {
        PanelKind::Health => health::lines(
            app,
            theme,
            panel,
            inner.width as usize,
            inner.height as usize,
        ),
        PanelKind::ErrorRate => error_rate::lines(app, theme, panel, inner.width as usize),
        PanelKind::Latency { .. } => latency::lines(app, theme, panel, inner.width as usize),
        PanelKind::Deliveries { .. } => deliveries::lines(app, theme, panel, inner.width as usize),
        PanelKind::Tickets { .. } => tickets::lines(
            app,
            theme,
            panel,
            inner.width as usize,
            inner.height as usize,
        ),
        PanelKind::Criteria { .. } => scoreboard::lines(app, theme, panel, inner.width as usize),
        PanelKind::Alerts => alerts::lines(app, theme, inner.width as usize, inner.height as usize),
    };
    frame.render_widget(Rows::new(lines), inner);
}

/// The panel's sources with their state, in panel order.
pub fn sources<'a>(app: &'a App, panel: &Panel) -> Vec<(&'a LiveSource, &'a SourceState)> {
    panel
        .sources
        .iter()
        .filter_map(|id| {
            let index = app.layout.source_index(id)?;
            Some((app.layout.sources.get(index)?, app.live.sources.get(index)?))
        })
        .collect()
}

/// What the panel says as a whole: the worst of its sources (a source without a fresh answer is
/// "no data"), and critical when its answer is not the shape the panel reads. The alerts panel
/// says the worst open alert.
pub fn panel_status(app: &App, panel: &Panel) -> Status {
    if matches!(panel.kind, PanelKind::Alerts) {
        let open = app.ledger.alerts().iter().filter(|a| a.is_open());
        return open
            .map(|a| {
                if a.is_critical() {
                    Status::Critical
                } else {
                    Status::Warn
                }
            })
            .max()
            .unwrap_or(Status::Ok);
    }
    let list = sources(app, panel);
    if list.is_empty() {
        return Status::NoData;
    }
    let worst = list
        .iter()
        .map(|(src, s)| s.status(app.now, interval(app, src)))
        .max()
        .unwrap_or(Status::NoData);
    match panel_data(app, panel) {
        Some(Err(_)) => Status::Critical,
        _ => worst,
    }
}

/// What the panel read from its source's latest answer (see `app::panel`).
pub fn panel_data<'a>(app: &'a App, panel: &Panel) -> Option<&'a Result<PanelData, String>> {
    let index = app.layout.panels.iter().position(|p| p.id == panel.id)?;
    app.live.panels.get(index)?.as_ref()
}

/// A source's interval on the launch clock (a rehearsal clock runs faster than real time).
fn interval(app: &App, source: &LiveSource) -> std::time::Duration {
    app.interval(source)
}

pub fn status_style(theme: &Theme, status: Status) -> Style {
    match status {
        Status::Ok => theme.done(),
        Status::Warn => theme.saving(),
        Status::Critical => theme.overdue(),
        Status::NoData => theme.dim(),
    }
}

pub fn health_word(lang: Lang, health: Option<Health>) -> &'static str {
    t(
        lang,
        match health {
            Some(Health::Ok) => Msg::SeverityOk,
            Some(Health::Warn) => Msg::HealthDegraded,
            Some(Health::Critical) => Msg::SeverityCritical,
            None => Msg::HealthWaiting,
        },
    )
}

pub fn status_word(lang: Lang, status: Status) -> &'static str {
    t(
        lang,
        match status {
            Status::Ok => Msg::SeverityOk,
            Status::Warn => Msg::HealthDegraded,
            Status::Critical => Msg::SeverityCritical,
            Status::NoData => Msg::NoData,
        },
    )
}

/// The panel's corner: its state and how fresh its answers are, the worst of its sources
/// ("ok · 4 s ago", "critical · 2 s ago", "critical · last success 2 min ago", "no data · last
/// answer 3 min ago", "waiting for first answer", "not configured"). Ages in 5-second steps: a
/// panel polled every 2 s then reads "0 s ago" steadily instead of repainting every second.
pub fn freshness(app: &App, panel: &Panel) -> String {
    let lang = app.lang;
    let age = |d: chrono::Duration| {
        let s = d.num_seconds().max(0);
        age(
            lang,
            if s < 60 {
                chrono::Duration::seconds(s / 5 * 5)
            } else {
                d
            },
        )
    };
    if matches!(panel.kind, PanelKind::Alerts) {
        let open = app.ledger.alerts().iter().filter(|a| a.is_open()).count();
        return tf(lang, Msg::FreshOpen, &[&open]);
    }
    let list = sources(app, panel);
    if list.is_empty() {
        return String::new();
    }
    if list.iter().all(|(s, _)| !s.missing_env.is_empty()) {
        return t(lang, Msg::FreshNotConfigured).into();
    }
    // The oldest answer speaks for the panel: one source silent for a minute makes the whole
    // panel a minute old.
    let answered: Vec<DateTime<Utc>> = list.iter().filter_map(|(_, s)| s.answered_at()).collect();
    let Some(oldest) = answered.iter().min().copied() else {
        return t(lang, Msg::FreshWaiting).into();
    };
    let status = shown_status(app, panel);
    let word = status_word(lang, status);
    let failing = list.iter().any(|(_, s)| s.error().is_some());
    if failing {
        let last_ok: Option<DateTime<Utc>> = list.iter().filter_map(|(_, s)| s.last_ok).min();
        return match last_ok {
            Some(at) => tf(lang, Msg::FreshFailing, &[&word, &age(app.now - at)]),
            None => tf(lang, Msg::FreshFailingNever, &[&word]),
        };
    }
    let stale = list
        .iter()
        .any(|(src, s)| src.missing_env.is_empty() && s.is_stale(app.now, interval(app, src)));
    if stale {
        return tf(lang, Msg::FreshStaleFor, &[&age(app.now - oldest)]);
    }
    tf(lang, Msg::FreshState, &[&word, &age(app.now - oldest)])
}

/// Why a source has nothing to show: not configured, waiting, or its error.
pub fn no_data(lang: Lang, source: &LiveSource, state: &SourceState) -> Option<String> {
    if !source.missing_env.is_empty() {
        return Some(tf(
            lang,
            Msg::NoBackendSource,
            &[&source.missing_env.join(", ")],
        ));
    }
    if let Some(e) = state.error() {
        return Some(e.to_string());
    }
    // An error status is the source's answer: say it rather than read the error page.
    if let Some(reason @ crate::sources::Finding::Status { .. }) = &state.reason {
        return Some(reason.to_string());
    }
    if state.latest.is_none() {
        return Some(t(lang, Msg::WaitingFirst).into());
    }
    None
}

/// The panel's data to draw, or the lines that say why there is none: not configured, waiting,
/// the source's error, or an answer that is not the shape the panel reads (in red: never zeros).
pub fn data_or_why<'a, 'b>(
    app: &'a App,
    theme: &Theme,
    panel: &Panel,
    cols: usize,
) -> Result<(&'a LiveSource, &'a SourceState, &'a PanelData), Vec<Line<'b>>> {
    let Some((source, state)) = sources(app, panel).into_iter().next() else {
        return Err(Vec::new());
    };
    if let Some(why) = no_data(app.lang, source, state) {
        let style = if source.missing_env.is_empty() && state.latest.is_some() {
            theme.overdue()
        } else {
            theme.dim()
        };
        return Err(wrapped(&why, cols, style));
    }
    // An old answer is not shown as if it were current.
    if state.is_stale(app.now, interval(app, source)) {
        let at = state
            .answered_at()
            .map_or(String::new(), |at| age(app.lang, app.now - at));
        return Err(wrapped(
            &tf(app.lang, Msg::FreshStaleFor, &[&at]),
            cols,
            theme.dim(),
        ));
    }
    match panel_data(app, panel) {
        Some(Ok(data)) => Ok((source, state, data)),
        Some(Err(why)) => Err(wrapped(why, cols, theme.overdue())),
        None => Err(vec![Line::styled(
            t(app.lang, Msg::WaitingFirst),
            theme.dim(),
        )]),
    }
}

/// A message over at most three lines, the last cut with an ellipsis.
fn wrapped<'b>(text: &str, cols: usize, style: Style) -> Vec<Line<'b>> {
    let mut lines = crate::ui::text::wrap(text, cols.max(1));
    if lines.len() > 3 {
        lines.truncate(3);
        if let Some(last) = lines.last_mut() {
            *last = truncate(&format!("{last} …"), cols);
        }
    }
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

/// A sparkline of the series in `cols` columns, drawn with block characters.
pub fn sparkline(values: &[f64], cols: usize, theme: &Theme) -> String {
    let bars = theme.symbols.spark;
    let shown = &values[values.len().saturating_sub(cols)..];
    let max = shown.iter().copied().fold(f64::MIN, f64::max);
    let min = shown.iter().copied().fold(f64::MAX, f64::min).min(0.0);
    let span = (max - min).max(f64::EPSILON);
    shown
        .iter()
        .map(|v| bars[(((v - min) / span) * 7.0).round().clamp(0.0, 7.0) as usize])
        .collect()
}

/// The state a panel's title, corner and value show: its sources' state, except that an
/// error rate or response time answered without a value (no traffic yet) is "no data",
/// never "ok". (Deliveries and tickets answered with zeros are readings.)
pub fn shown_status(app: &App, panel: &Panel) -> Status {
    let valueless = matches!(panel.kind, PanelKind::ErrorRate | PanelKind::Latency { .. })
        && verdict(app, panel) == Status::NoData;
    if valueless {
        Status::NoData
    } else {
        panel_status(app, panel)
    }
}

/// What a panel's numbers say against the panel's own yardsticks — the mark the panel shows
/// and the strip repeats: completion against its target, tickets past their resolution time,
/// p95 and average response time against theirs, every target for the scoreboard, the
/// sources' own conditions for health and error rate. No data while nothing fresh is there to
/// judge; critical when the answer is not the shape the panel reads.
pub fn verdict(app: &App, panel: &Panel) -> Status {
    let fresh = panel_status(app, panel);
    if matches!(panel.kind, PanelKind::Alerts) || fresh == Status::NoData {
        return fresh;
    }
    let data = match panel_data(app, panel) {
        Some(Ok(data)) => Some(data),
        Some(Err(_)) => return Status::Critical,
        None => None,
    };
    let mark = |bad: bool| {
        if bad { Status::Critical } else { Status::Ok }
    };
    match (&panel.kind, data) {
        (
            PanelKind::Latency {
                p95_target_ms,
                avg_target_ms,
                ..
            },
            Some(PanelData::Latency { p95, avg }),
        ) => match (p95.value(), avg.value()) {
            (None, None) => Status::NoData,
            (p, a) => {
                mark(p.is_some_and(|v| v > *p95_target_ms) || a.is_some_and(|v| v > *avg_target_ms))
            }
        },
        (
            PanelKind::Deliveries { completion_target },
            Some(PanelData::Deliveries {
                delivered, failed, ..
            }),
        ) => match crate::judge::completion_of(Some(*delivered), Some(*failed), None) {
            Some(rate) => mark(rate < *completion_target),
            None => Status::NoData,
        },
        (PanelKind::Tickets { target_hours, .. }, Some(PanelData::Tickets { open, .. })) => {
            mark(tickets::past_target(app, open, *target_hours) > 0)
        }
        (PanelKind::Criteria { .. }, _) => match scoreboard::on_target(app, panel) {
            Some(all) => mark(!all),
            None => Status::NoData,
        },
        // The source answered but has no rate yet (no traffic): no data, not a pass.
        (PanelKind::ErrorRate, Some(PanelData::ErrorRate { rate, .. }))
            if rate.value().is_none() =>
        {
            Status::NoData
        }
        _ => fresh,
    }
}

/// The newest open alert and who is on it: "! Google Maps critical · bob on it +1 more",
/// shortened step by step to fit `cols`. Empty without open alerts.
fn strip_alert<'a>(app: &App, theme: &Theme, cols: usize) -> Vec<Span<'a>> {
    let lang = app.lang;
    let open = app.open_alerts();
    let Some(newest) = open.first() else {
        return Vec::new();
    };
    let style = if open.iter().any(|a| a.is_critical()) {
        theme.overdue()
    } else {
        theme.saving()
    };
    let title = app.source_title(&newest.source);
    let severity = crate::words::health(lang, Some(newest.severity));
    let who = match &newest.ack {
        Some((who, _, _)) => tf(lang, Msg::AckWho, &[&short_name(who)]),
        None => format!("{}{}", t(lang, Msg::AckNobody), t(lang, Msg::StripAckKey)),
    };
    let more = match open.len() {
        1 => String::new(),
        n => format!(" {}", tf(lang, Msg::StripMore, &[&(n - 1)])),
    };
    let bad = theme.symbols.bad;
    let variants = [
        format!(" {bad} {title} {severity} · {who}{more}"),
        format!(" {bad} {title} · {who}{more}"),
        format!(" {bad} {title}{more}"),
    ];
    let text = variants
        .iter()
        .find(|v| width(v) <= cols)
        .cloned()
        .unwrap_or_else(|| truncate(&variants[2], cols));
    vec![Span::styled(text, style)]
}

fn short_name(who: &str) -> &str {
    who.split('@').next().unwrap_or(who)
}

/// One strip cell: "err 0.40% ✓", "deliv 32/35 !", "tix 6 !" — its number while fresh, its
/// mark from [`verdict`].
fn strip_cell(app: &App, theme: &Theme, panel: &Panel) -> Option<(String, Status)> {
    let lang = app.lang;
    let fresh = panel_status(app, panel) != Status::NoData;
    let status = verdict(app, panel);
    let mark = match status {
        Status::Ok => theme.symbols.ok,
        Status::Warn | Status::Critical => theme.symbols.bad,
        Status::NoData => theme.symbols.none,
    };
    // A cell without fresh data shows no number: its last value would read as current.
    let data = match panel_data(app, panel) {
        Some(Ok(d)) if fresh => Some(d),
        _ => None,
    };
    let label = match (&panel.kind, data) {
        (PanelKind::Alerts, _) => return None,
        (PanelKind::ErrorRate, Some(PanelData::ErrorRate { rate, unit })) => match rate.value() {
            Some(v) => tf(
                lang,
                Msg::StripErr,
                &[&crate::sources::units::format(v, *unit).replace(' ', "")],
            ),
            None => t(lang, Msg::StripErrNone).into(),
        },
        (PanelKind::ErrorRate, _) => t(lang, Msg::StripErrNone).into(),
        (PanelKind::Latency { .. }, Some(PanelData::Latency { p95, .. })) => match p95.value() {
            Some(v) => tf(lang, Msg::StripP95, &[&format!("{v:.0}")]),
            None => t(lang, Msg::StripP95None).into(),
        },
        (PanelKind::Latency { .. }, _) => t(lang, Msg::StripP95None).into(),
        (
            PanelKind::Deliveries { .. },
            Some(PanelData::Deliveries {
                delivered, total, ..
            }),
        ) => tf(
            lang,
            Msg::StripDeliv,
            &[&format!("{delivered:.0}"), &format!("{total:.0}")],
        ),
        (PanelKind::Deliveries { .. }, _) => t(lang, Msg::StripDelivNone).into(),
        (PanelKind::Tickets { .. }, Some(PanelData::Tickets { open, .. })) => {
            tf(lang, Msg::StripTix, &[&open.len()])
        }
        (PanelKind::Tickets { .. }, _) => t(lang, Msg::StripTixNone).into(),
        (PanelKind::Criteria { .. }, _) => t(lang, Msg::StripTargets).into(),
        (PanelKind::Health, _) => short_title(panel.title.get(lang)),
    };
    Some((format!(" {label} {mark}"), status))
}

/// Rows the strip takes: one for the panels, and one above it for the newest open alert.
pub fn strip_rows(app: &App) -> u16 {
    if app.ledger.alerts().iter().any(|a| a.is_open()) {
        2
    } else {
        1
    }
}

/// For small terminals: the newest open alert and who is on it, on a line of its own (what the
/// operator must act on, with the key to the list), then a cell per panel — "err 0.40% ✓ p95
/// 182ms ✓ deliv 21/40 ✓" — marked as the panels judge them. When the line is short, cells
/// that are fine give way before those that are not.
pub fn render_strip(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lang = app.lang;
    let cols = area.width as usize;
    let unconfigured: Vec<&str> = app
        .layout
        .sources
        .iter()
        .flat_map(|s| s.missing_env.iter().map(String::as_str))
        .collect();
    let mut lines = Vec::new();
    let alert = strip_alert(
        app,
        theme,
        cols.saturating_sub(width(t(lang, Msg::StripAlertsKey))),
    );
    if !alert.is_empty() {
        let mut spans = alert;
        spans.push(Span::styled(t(lang, Msg::StripAlertsKey), theme.dim()));
        lines.push(Line::from(spans));
    }
    if !app.layout.sources.is_empty()
        && app.layout.sources.iter().all(|s| !s.missing_env.is_empty())
    {
        let name = unconfigured
            .first()
            .copied()
            .unwrap_or(t(lang, Msg::StripBackendUrl));
        let text = tf(lang, Msg::StripNoBackend, &[&name]);
        lines.push(Line::styled(truncate(&text, cols), theme.dim()));
        frame.render_widget(Rows::new(lines), area);
        return;
    }
    let hint = t(lang, Msg::StripPanels);
    let cells: Vec<(String, Status)> = app
        .layout
        .panels
        .iter()
        .filter_map(|p| strip_cell(app, theme, p))
        .collect();
    // Which cells fit: by how much they need looking at, then in panel order.
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by_key(|&i| match cells[i].1 {
        Status::Critical => 0,
        Status::Warn => 1,
        Status::NoData => 2,
        Status::Ok => 3,
    });
    let mut used = 0;
    let mut shown = vec![false; cells.len()];
    for i in order {
        let w = width(&cells[i].0);
        if used + w <= cols {
            used += w;
            shown[i] = true;
        }
    }
    let mut spans = Vec::new();
    for (i, (text, status)) in cells.into_iter().enumerate() {
        if shown[i] {
            spans.push(Span::styled(text, status_style(theme, status)));
        }
    }
    if used + width(hint) <= cols {
        spans.push(Span::styled(hint, theme.dim()));
    }
    lines.push(Line::from(spans));
    frame.render_widget(Rows::new(lines), area);
}

fn short_title(title: &str) -> String {
    title.split_whitespace().next().unwrap_or(title).to_string()
}
