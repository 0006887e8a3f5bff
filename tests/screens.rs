//! Screens rendered into ratatui's TestBackend at 80x24 and 200x60 and compared with insta
//! snapshots: the launch-day view before, during, between and after the blocks, and every
//! other view. A second check on every screen: no line is wider than the terminal.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, View};
use warroom::layout::{self, Layout};
use warroom::store::{Author, Change, Event, Stored};
use warroom::ui::{self, Theme};
use warroom::update::{Msg, update};

fn seed() -> Layout {
    layout::load(Path::new("layouts/luckygas-pilot.toml")).expect("the seed layout loads")
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid date")
}

/// An instant on the launch day, on the launch's clock (Asia/Taipei).
fn at(layout: &Layout, hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(layout.launch.zone, day().and_time(time))
}

fn event(layout: &Layout, seq: i64, who: &str, hm: &str, item: &str, change: Change) -> Stored {
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
fn morning_history(layout: &Layout) -> Vec<Stored> {
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

fn app_at(layout: Layout, hm: &str, events: Vec<Stored>) -> App {
    let now = at(&layout, hm);
    let author = Author {
        operator: "ann".to_string(),
        origin: "local on warroom-pc".to_string(),
    };
    let mut layout = layout;
    layout.launch.date = Some(day());
    let mut app = App::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::from_events(events),
    );
    app.local_offset = FixedOffset::east_opt(0).expect("UTC");
    app.db_path = "/data/warroom.db".into();
    app.log_path = "/data/warroom.log".into();
    app
}

fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| ui::draw(f, app, &Theme::default()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..width {
            let cell = &buffer[(x, y)];
            if skip > 0 {
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

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn launch_day_before_the_first_block() {
    let layout = seed();
    let app = app_at(layout, "05:30", Vec::new());
    let small = render(&app, 80, 24);
    assert!(
        small.contains("Morning of Launch starts in 30:00"),
        "{small}"
    );
    insta::assert_snapshot!("before_80x24", small);
    insta::assert_snapshot!("before_200x60", render(&app, 200, 60));
}

#[test]
fn launch_day_during_a_block() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "09:31", history);
    let small = render(&app, 80, 24);
    assert!(small.contains("First Orders · ends in 2:29:00"), "{small}");
    assert!(
        small.contains("! 1 overdue"),
        "the morning's open item is overdue:\n{small}"
    );
    insta::assert_snapshot!("during_80x24", small);
    let big = render(&app, 200, 60);
    assert!(big.contains("Timeline") && big.contains("Item"), "{big}");
    insta::assert_snapshot!("during_200x60", big);
}

#[test]
fn launch_day_in_the_lunch_gap() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "13:15", history);
    let small = render(&app, 80, 24);
    assert!(
        small.contains("Break · Afternoon Review in 45:00"),
        "{small}"
    );
    insta::assert_snapshot!("gap_80x24", small);
    insta::assert_snapshot!("gap_200x60", render(&app, 200, 60));
}

#[test]
fn launch_day_after_the_last_block() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "19:30", history);
    let small = render(&app, 80, 24);
    assert!(small.contains("Launch day over"), "{small}");
    insta::assert_snapshot!("after_80x24", small);
    insta::assert_snapshot!("after_200x60", render(&app, 200, 60));
}

#[test]
fn every_other_view_at_both_sizes() {
    for view in View::ALL.into_iter().skip(1) {
        let layout = seed();
        let history = morning_history(&layout);
        let mut app = app_at(layout, "09:31", history);
        key(
            &mut app,
            KeyCode::Char(char::from(b'0' + view.number() as u8)),
        );
        assert_eq!(app.view, view);
        let name = view.short_title().to_lowercase();
        insta::assert_snapshot!(format!("{name}_80x24"), render(&app, 80, 24));
        insta::assert_snapshot!(format!("{name}_200x60"), render(&app, 200, 60));
    }
}

#[test]
fn detail_popup_help_and_search_at_80x24() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_at(layout, "09:31", history);
    // Up from "Driver assigned properly" lands on the item bob ticked and noted.
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    let detail = render(&app, 80, 24);
    assert!(detail.contains("order LG-1001"), "{detail}");
    insta::assert_snapshot!("detail_popup_80x24", detail);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", render(&app, 80, 24));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    for c in "客戶".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let search = render(&app, 80, 24);
    assert!(
        search.contains("Customer notified"),
        "Chinese search finds the English item:\n{search}"
    );
    assert!(
        !search.contains("Prices current"),
        "non-matching items are filtered out:\n{search}"
    );
    insta::assert_snapshot!("search_80x24", search);
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "09:31", history);
    for (w, h) in [
        (1, 1),
        (10, 3),
        (20, 6),
        (40, 10),
        (79, 23),
        (99, 30),
        (100, 30),
        (139, 40),
        (140, 40),
        (300, 100),
    ] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal
            .draw(|f| ui::draw(f, &app, &Theme::default()))
            .expect("draw");
    }
}
