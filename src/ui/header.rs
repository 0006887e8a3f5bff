//! The two header lines: launch, date and clock, where the day stands; views and who is here.
//!
//! Both lines degrade in steps as columns run out, never by cutting a word in half: the date
//! and zone shorten (`Tue 2026-12-01 09:31 Asia/Taipei`, `Tue 12-01 09:31 Taipei`, `09:31`),
//! then the phase loses the block's name (the countdown always stays), then the launch's name
//! is shortened. The tabs go from full titles to short ones to numbers only, keeping room for
//! who is here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::presence;
use super::text::{Rows, truncate, width};
use super::{Theme, launch_hm};
use crate::app::clock::countdown;
use crate::app::{App, Phase, View};
use crate::i18n::{self, Msg, t, tf};

/// The fewest columns of the launch's name worth showing.
const MIN_NAME: usize = 8;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // The last column stays blank, as the tabs' first does: a cursor that wrote there waits
    // to wrap, and the countdown's next second would cost an absolute move instead of a
    // backspace (5 of the 7 bytes a second it writes).
    let area = Rect {
        width: area.width.saturating_sub(1),
        ..area
    };
    let cols = area.width as usize;
    let line1 = first_line(app, theme, cols);
    let line2 = tabs_line(app, theme, cols);
    frame.render_widget(Rows::new(vec![line1, line2]), area);
}

/// Date and time on the launch's clock, richest first.
fn when_variants(app: &App) -> Vec<String> {
    let zone = app.layout.launch.zone;
    let local = app.now.with_timezone(&zone);
    // "Taipei", not "CST", which would read as China or US Central time.
    let city = i18n::city(app.lang, zone.name());
    let hm = launch_hm(app, app.now);
    vec![
        format!(
            " · {} {hm} {}",
            i18n::date_long(app.lang, local),
            zone.name()
        ),
        format!(" {} {hm} {city}", i18n::date_short(app.lang, local)),
        format!(" {hm} {city}"),
        format!(" {hm}"),
    ]
}

fn first_line<'a>(app: &App, theme: &Theme, cols: usize) -> Line<'a> {
    let outage = presence::outage_text(app);
    let alert = outage.is_some();
    let (phases, count) = match outage {
        Some((label, count)) => (vec![label, String::new()], count),
        None => phase_variants(app, theme),
    };
    // A rehearsal must never pass for the real launch: the badge comes first, in reverse.
    let badge = if app.demo { " DEMO " } else { "" };
    let name = app.layout.launch.name.get(app.lang);
    let fixed = width(badge) + width(&count);
    let whens = when_variants(app);
    // The richest line that fits, dropping detail in this order: the date and zone, the
    // block's name, then the launch's name.
    let mut chosen = None;
    // First with the whole name, then with at least MIN_NAME columns of it.
    'search: for least in [width(name), width(name).min(MIN_NAME)] {
        for phase in &phases {
            for when in &whens {
                let rest = fixed + width(when) + width(phase) + 1;
                let room = cols.saturating_sub(rest + usize::from(app.demo));
                if room >= least {
                    chosen = Some((truncate(name, room), when.clone(), phase.clone()));
                    break 'search;
                }
            }
        }
    }
    let (name, when, phase) = chosen.unwrap_or_else(|| {
        // Not even that: the clock and the countdown, what the day is run by.
        let when = whens.last().cloned().unwrap_or_default();
        let phase = phases.last().cloned().unwrap_or_default();
        (String::new(), when, phase)
    });
    let name = if app.demo && !name.is_empty() {
        format!(" {name}")
    } else {
        name
    };
    let left = width(badge) + width(&name) + width(&when);
    let phase = truncate(&phase, cols.saturating_sub(left + width(&count)));
    let gap = cols.saturating_sub(left + width(&phase) + width(&count));
    let phase_style = match app.phase() {
        _ if alert => theme.overdue(),
        Phase::In { .. } => theme.current(),
        _ => theme.dim(),
    };
    Line::from(vec![
        Span::styled(badge, theme.error()),
        Span::styled(name, theme.title()),
        Span::styled(when, theme.text()),
        Span::raw(" ".repeat(gap)),
        Span::styled(phase, phase_style),
        Span::raw(count),
    ])
}

/// How the tabs are labelled, richest first.
#[derive(Clone, Copy, PartialEq)]
enum Tabs {
    Full,
    Short,
    Numbers,
}

fn tab_label(app: &App, view: View, style: Tabs) -> String {
    match style {
        Tabs::Full => format!(" {} {} ", view.number(), view.title_in(app.lang)),
        Tabs::Short => format!("{} {} ", view.number(), view.short_title_in(app.lang)),
        Tabs::Numbers => format!("{} ", view.number()),
    }
}

fn tabs_line<'a>(app: &App, theme: &Theme, cols: usize) -> Line<'a> {
    let used = |style: Tabs| -> usize {
        View::ALL
            .iter()
            .map(|v| width(&tab_label(app, *v, style)))
            .sum()
    };
    let whos = presence::who_variants(app);
    let shortest_who = whos.iter().map(|w| width(w)).min().unwrap_or(0);
    // The richest tabs that leave room for who is here (or, failing that, that fit at all).
    let tabs = [Tabs::Full, Tabs::Short, Tabs::Numbers]
        .into_iter()
        .find(|s| used(*s) + 1 + shortest_who <= cols)
        .or_else(|| {
            [Tabs::Full, Tabs::Short, Tabs::Numbers]
                .into_iter()
                .find(|s| used(*s) <= cols)
        })
        .unwrap_or(Tabs::Numbers);
    let mut spans: Vec<Span> = View::ALL
        .iter()
        .map(|view| {
            let style = if *view == app.view {
                theme.tab_active()
            } else {
                theme.tab()
            };
            Span::styled(tab_label(app, *view, tabs), style)
        })
        .collect();
    // Narrower than the numbers: as many as fit.
    let mut taken: usize = spans.iter().map(|s| width(&s.content)).sum();
    if taken > cols {
        let mut kept = Vec::new();
        let mut w = 0;
        for span in spans {
            let sw = width(&span.content);
            if w + sw > cols {
                break;
            }
            w += sw;
            kept.push(span);
        }
        spans = kept;
        taken = w;
    }
    let room = cols.saturating_sub(taken + 1);
    if let Some(who) = whos.iter().find(|w| width(w) <= room) {
        spans.push(Span::raw(" ".repeat(cols - taken - width(who))));
        spans.push(Span::styled(who.clone(), theme.dim()));
    }
    Line::from(spans)
}

/// "▶ First Orders · ends in " and "2:28:55": the countdown apart, so that it can be drawn
/// unstyled and a ticking second costs the terminal only the digit that changed. The label
/// comes in variants, richest first; the last is the shortest that still says what the
/// countdown counts to.
pub fn phase_variants(app: &App, theme: &Theme) -> (Vec<String>, String) {
    let blocks = &app.layout.blocks;
    let title = |i: usize| blocks.get(i).map_or("", |b| b.title.get(app.lang));
    let lang = app.lang;
    let now = theme.symbols.now;
    match app.phase() {
        Phase::Before { next, until } => (
            vec![
                tf(lang, Msg::PhaseStartsIn, &[&title(next)]),
                t(lang, Msg::PhaseStartsInShort).to_string(),
            ],
            countdown(until),
        ),
        Phase::In { index, remaining } => (
            vec![
                tf(lang, Msg::PhaseEndsIn, &[&now, &title(index)]),
                tf(lang, Msg::PhaseEndsInShort, &[&now]),
            ],
            countdown(remaining),
        ),
        Phase::Gap { next, until } => (
            vec![
                tf(lang, Msg::PhaseBreak, &[&title(next)]),
                t(lang, Msg::PhaseBreakShort).to_string(),
            ],
            countdown(until),
        ),
        Phase::After => {
            let (settled, total) = app
                .ledger
                .progress(blocks.iter().flat_map(|b| b.items()).map(|i| i.id.as_str()));
            let mut over = vec![
                tf(lang, Msg::PhaseOver, &[&settled, &total]),
                tf(lang, Msg::PhaseOverShort, &[&settled, &total]),
            ];
            // A demo's clock stops at the end of its day: say so, it is not frozen by a fault.
            if app.demo && app.clock.is_stopped() {
                let at = launch_hm(app, app.now);
                over.insert(0, tf(lang, Msg::DemoOver, &[&at]));
            }
            (over, String::new())
        }
    }
}
