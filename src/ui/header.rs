//! The two header lines: launch, date and clock, where the day stands; views and operator.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::presence;
use super::text::{truncate, width};
use super::{Theme, launch_hm};
use crate::app::clock::countdown;
use crate::app::{App, Phase, View};
use crate::i18n::{self, Lang, Msg, tf};

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let cols = area.width as usize;
    let zone = app.layout.launch.zone;
    let local = app.now.with_timezone(&zone);
    // Narrow terminals get the zone's abbreviation; the full IANA name needs room.
    let when = if cols >= 120 {
        format!(
            " · {} {} {}",
            i18n::date_long(app.lang, local),
            launch_hm(app, app.now),
            zone.name()
        )
    } else {
        // "Taipei", not "CST", which would read as China or US Central time.
        let city = i18n::city(app.lang, zone.name());
        let date = i18n::date_short(app.lang, local);
        format!(" {date} {} {city}", local.format("%H:%M"))
    };
    let outage = presence::outage_text(app);
    let alert = outage.is_some();
    let (phase, count) = outage.unwrap_or_else(|| phase_text(app, theme));
    let phase_width = width(&phase) + width(&count);
    // A rehearsal must never pass for the real launch: the badge comes first, in reverse.
    let badge = if app.demo { " DEMO " } else { "" };
    let name_room = cols
        .saturating_sub(width(badge) + width(&when) + phase_width + 3)
        .max(8);
    let name = truncate(app.layout.launch.name.get(app.lang), name_room);
    let name = if app.demo { format!(" {name}") } else { name };
    let left_width = width(badge) + width(&name) + width(&when);
    let gap = cols.saturating_sub(left_width + phase_width);
    let phase_style = match app.phase() {
        _ if alert => theme.overdue(),
        Phase::In { .. } => theme.current(),
        _ => theme.dim(),
    };
    let line1 = Line::from(vec![
        Span::styled(badge, theme.error()),
        Span::styled(name, theme.title()),
        Span::styled(when, theme.text()),
        Span::raw(" ".repeat(gap)),
        Span::styled(
            truncate(&phase, cols.saturating_sub(left_width + width(&count))),
            phase_style,
        ),
        Span::raw(count),
    ]);

    let mut tabs: Vec<Span> = Vec::new();
    // Chinese titles are wider: fall back to the short tabs whenever the full ones do not fit.
    let full: usize = View::ALL
        .iter()
        .map(|v| width(&format!(" {} {} ", v.number(), v.title_in(app.lang))))
        .sum();
    let compact = cols < 100 || (app.lang != Lang::En && full + 8 > cols);
    for view in View::ALL {
        // Narrow: one space between tabs leaves room for the operator or "2 here".
        let label = if compact {
            format!("{} {} ", view.number(), view.short_title_in(app.lang))
        } else {
            format!(" {} {} ", view.number(), view.title_in(app.lang))
        };
        let style = if view == app.view {
            theme.tab_active()
        } else {
            theme.tab()
        };
        tabs.push(Span::styled(label, style));
    }
    let used: usize = tabs.iter().map(|s| width(&s.content)).sum();
    let who = if let Some(here) = presence::here_text(app, compact) {
        here
    } else if compact {
        app.author.operator.clone()
    } else {
        format!("{} · {}", app.author.operator, app.author.origin)
    };
    let room = cols.saturating_sub(used + 1);
    if room >= 8 {
        let who = truncate(&who, room);
        tabs.push(Span::raw(" ".repeat(cols - used - width(&who))));
        tabs.push(Span::styled(who, theme.dim()));
    }
    frame.render_widget(Paragraph::new(vec![line1, Line::from(tabs)]), area);
}

/// "▶ First Orders · ends in " and "2:28:55": the countdown apart, so that it can be drawn
/// unstyled and a ticking second costs the terminal only the digit that changed.
pub fn phase_text(app: &App, theme: &Theme) -> (String, String) {
    let blocks = &app.layout.blocks;
    let title = |i: usize| blocks.get(i).map_or("", |b| b.title.get(app.lang));
    let lang = app.lang;
    let now = theme.symbols.now;
    match app.phase() {
        Phase::Before { next, until } => (
            tf(lang, Msg::PhaseStartsIn, &[&title(next)]),
            countdown(until),
        ),
        Phase::In { index, remaining } => (
            tf(lang, Msg::PhaseEndsIn, &[&now, &title(index)]),
            countdown(remaining),
        ),
        Phase::Gap { next, until } => {
            (tf(lang, Msg::PhaseBreak, &[&title(next)]), countdown(until))
        }
        Phase::After => {
            let (settled, total) = app
                .ledger
                .progress(blocks.iter().flat_map(|b| b.items()).map(|i| i.id.as_str()));
            (tf(lang, Msg::PhaseOver, &[&settled, &total]), String::new())
        }
    }
}
