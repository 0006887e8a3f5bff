//! What the screen tests share: the seed layout on a fixed launch day, a morning of history,
//! an app frozen at a time, and rendering into a TestBackend with the width check that every
//! line is exactly the terminal's width in display columns.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::layout::{self, Layout};
use warroom::store::{Author, Change, Event, Stored};
use warroom::ui::{self, Theme};

pub fn seed() -> Layout {
    layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty(),
    )
    .expect("the seed layout loads")
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid date")
}

/// An instant on the launch day, on the launch's clock (Asia/Taipei).
pub fn at(layout: &Layout, hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(layout.launch.zone, day().and_time(time))
}

pub fn event(layout: &Layout, seq: i64, who: &str, hm: &str, item: &str, change: Change) -> Stored {
    let author = Author {
        operator: who.to_string(),
        origin: "local on warroom-pc".to_string(),
    };
    Stored {
        seq,
        event: Event::new(
            &author,
            &layout.launch.id,
            day(),
            at(layout, hm),
            Some(item.to_string()),
            change,
        ),
    }
}

/// The morning mostly done (one item skipped, one left open), two first-order items ticked.
pub fn morning_history(layout: &Layout) -> Vec<Stored> {
    let mut events = Vec::new();
    let morning: Vec<String> = layout.blocks[0].items().map(|i| i.id.clone()).collect();
    for (n, id) in morning.iter().enumerate().take(11) {
        let who = if n % 2 == 0 { "ann" } else { "bob@jump" };
        events.push(event(
            layout,
            n as i64 + 1,
            who,
            &format!("06:{:02}", 5 + n * 4),
            id,
            Change::Tick,
        ));
    }
    events.push(event(
        layout,
        20,
        "ann",
        "07:50",
        &morning[11],
        Change::Skip {
            reason: "drivers briefed by phone".into(),
        },
    ));
    let first: Vec<String> = layout.blocks[1].items().map(|i| i.id.clone()).collect();
    events.push(event(layout, 21, "ann", "08:12", &first[0], Change::Tick));
    events.push(event(
        layout,
        22,
        "bob@jump",
        "08:40",
        &first[0],
        Change::Note {
            text: "order LG-1001 for 3 cylinders".into(),
        },
    ));
    events.push(event(
        layout,
        23,
        "bob@jump",
        "09:05",
        &first[1],
        Change::Tick,
    ));
    events
}

pub fn app_at(layout: Layout, hm: &str, events: Vec<Stored>) -> App {
    let now = at(&layout, hm);
    let author = Author {
        operator: "ann".to_string(),
        origin: "local on warroom-pc".to_string(),
    };
    let mut layout = layout;
    layout.launch.date = Some(day());
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::from_events(events),
    ));
    app.local_offset = FixedOffset::east_opt(0).expect("UTC");
    app.db_path = "/data/warroom.db".into();
    app.log_path = "/data/warroom.log".into();
    app
}

pub fn render(app: &App, width: u16, height: u16) -> String {
    render_with(app, width, height, &Theme::default())
}

/// [`render`] with a theme of its own (a palette, `--ascii`).
pub fn render_with(app: &App, width: u16, height: u16, theme: &Theme) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| ui::draw(f, app, theme)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if skip > 0 {
                // Covered by the wide character before it: anything drawn here (a pop-up's
                // border) would not show on a real terminal.
                assert!(
                    cell.symbol() == " " || cell.symbol().is_empty(),
                    "line {y}: {:?} at column {x} is hidden behind a wide character",
                    cell.symbol()
                );
                skip -= 1;
                continue;
            }
            let symbol = cell.symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            line.push_str(symbol);
        }
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(line.as_str()),
            width as usize,
            "line {y} is not exactly {width} columns:\n{line}"
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
pub mod db;
pub mod live;
pub mod log;
pub mod relay;
pub mod rig;
