//! Screens rendered into ratatui's TestBackend at 80x24 and 200x60 and compared with insta
//! snapshots: the launch-day view before, during, between and after the blocks, and every
//! other view. A second check on every screen: no line is wider than the terminal.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::{App, View};
use warroom::ui::{self, Theme};
use warroom::update::{Msg, update};

mod common;
use common::{app_at, morning_history, render, seed};

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
