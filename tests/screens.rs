//! Screens rendered into ratatui's TestBackend at 80x24 and 200x60 and compared with insta
//! snapshots, in English and in Traditional Chinese (`--lang zh-TW`, snapshots prefixed
//! `zh_`): the launch-day view before, during, between and after the blocks, and every other
//! view. A second check on every screen: each rendered line is exactly the terminal's width in
//! display columns, so CJK text (two columns a character) never pushes a table out of line or
//! gets cut in the middle of a character.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::{App, View};
use warroom::i18n::Lang;
use warroom::layout::Layout;
use warroom::store::Stored;
use warroom::ui::{self, Theme};
use warroom::update::{Msg, update};

mod common;
use common::{morning_history, render, seed};

const LANGS: [Lang; 2] = [Lang::En, Lang::ZhTw];

/// The common app, in a language.
fn app_in(lang: Lang, layout: Layout, hm: &str, events: Vec<Stored>) -> App {
    let mut app = common::app_at(layout, hm, events);
    app.lang = lang;
    app
}

/// A snapshot's name: the English one as it is, the Chinese one prefixed `zh_`.
fn name(lang: Lang, base: &str) -> String {
    match lang {
        Lang::En => base.to_string(),
        Lang::ZhTw => format!("zh_{base}"),
    }
}

/// The text a screen must show, in each language.
fn says(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhTw => zh,
    }
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn launch_day_before_the_first_block() {
    for lang in LANGS {
        let app = app_in(lang, seed(), "05:30", Vec::new());
        let small = render(&app, 80, 24);
        let starts = says(
            lang,
            "Morning of Launch starts in 30:00",
            "距「上線當天早上」開始 30:00",
        );
        assert!(small.contains(starts), "{small}");
        assert!(
            small.contains(says(lang, "Tue", "週二")),
            "weekday:\n{small}"
        );
        insta::assert_snapshot!(name(lang, "before_80x24"), small);
        let big = render(&app, 200, 60);
        let date = says(
            lang,
            "Tue 2026-12-01 05:30",
            "週二 2026-12-01 05:30 Asia/Taipei",
        );
        assert!(big.contains(date), "{big}");
        insta::assert_snapshot!(name(lang, "before_200x60"), big);
    }
}

#[test]
fn launch_day_during_a_block() {
    for lang in LANGS {
        let layout = seed();
        let history = morning_history(&layout);
        let app = app_in(lang, layout, "09:31", history);
        let small = render(&app, 80, 24);
        let ends = says(lang, "First Orders · ends in 2:29:00", "剩餘 2:29:00");
        assert!(small.contains(ends), "{small}");
        assert!(
            small.contains(says(lang, "! 1 overdue", "逾期")),
            "the morning's open item is overdue:\n{small}"
        );
        if lang == Lang::ZhTw {
            assert!(
                !small.contains("Launch day"),
                "no English view title:\n{small}"
            );
        }
        insta::assert_snapshot!(name(lang, "during_80x24"), small);
        let big = render(&app, 200, 60);
        let (timeline, item) = (says(lang, "Timeline", "時間軸"), says(lang, "Item", "項目"));
        assert!(big.contains(timeline) && big.contains(item), "{big}");
        insta::assert_snapshot!(name(lang, "during_200x60"), big);
    }
}

#[test]
fn launch_day_in_the_lunch_gap() {
    for lang in LANGS {
        let layout = seed();
        let history = morning_history(&layout);
        let app = app_in(lang, layout, "13:15", history);
        let small = render(&app, 80, 24);
        let gap = says(lang, "Break · Afternoon Review in 45:00", "休息中");
        assert!(small.contains(gap), "{small}");
        insta::assert_snapshot!(name(lang, "gap_80x24"), small);
        insta::assert_snapshot!(name(lang, "gap_200x60"), render(&app, 200, 60));
    }
}

#[test]
fn launch_day_after_the_last_block() {
    for lang in LANGS {
        let layout = seed();
        let history = morning_history(&layout);
        let app = app_in(lang, layout, "19:30", history);
        let small = render(&app, 80, 24);
        assert!(
            small.contains(says(lang, "Launch day over", "上線日已結束")),
            "{small}"
        );
        insta::assert_snapshot!(name(lang, "after_80x24"), small);
        insta::assert_snapshot!(name(lang, "after_200x60"), render(&app, 200, 60));
    }
}

#[test]
fn every_other_view_at_both_sizes() {
    for lang in LANGS {
        for view in View::ALL.into_iter().skip(1) {
            let layout = seed();
            let history = morning_history(&layout);
            let mut app = app_in(lang, layout, "09:31", history);
            key(
                &mut app,
                KeyCode::Char(char::from(b'0' + view.number() as u8)),
            );
            assert_eq!(app.view, view);
            let base = view.short_title().to_lowercase();
            let small = render(&app, 80, 24);
            assert!(
                small.contains(view.title_in(lang)) || small.contains(view.short_title_in(lang)),
                "{small}"
            );
            insta::assert_snapshot!(name(lang, &format!("{base}_80x24")), small);
            insta::assert_snapshot!(name(lang, &format!("{base}_200x60")), render(&app, 200, 60));
        }
    }
}

#[test]
fn detail_popup_help_and_search_at_80x24() {
    for lang in LANGS {
        let layout = seed();
        let history = morning_history(&layout);
        let mut app = app_in(lang, layout, "09:31", history);
        // Up from "Driver assigned properly" lands on the item bob ticked and noted.
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Up);
        key(&mut app, KeyCode::Enter);
        let detail = render(&app, 80, 24);
        assert!(detail.contains("order LG-1001"), "{detail}");
        let (notes, history) = (says(lang, "Notes", "備註"), says(lang, "History", "歷程"));
        assert!(
            detail.contains(notes) && detail.contains(history),
            "{detail}"
        );
        insta::assert_snapshot!(name(lang, "detail_popup_80x24"), detail);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('?'));
        let help = render(&app, 80, 24);
        assert!(
            help.contains(says(lang, "tick / untick", "勾選／取消勾選")),
            "{help}"
        );
        insta::assert_snapshot!(name(lang, "help_80x24"), help);
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('/'));
        for c in "客戶".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        let search = render(&app, 80, 24);
        assert!(search.contains(says(lang, "search", "搜尋")), "{search}");
        if lang == Lang::En {
            assert!(
                search.contains("Customer notified"),
                "Chinese search finds the English item:\n{search}"
            );
            assert!(
                !search.contains("Prices current"),
                "non-matching items are filtered out:\n{search}"
            );
        }
        insta::assert_snapshot!(name(lang, "search_80x24"), search);
    }
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    for lang in LANGS {
        let layout = seed();
        let history = morning_history(&layout);
        let app = app_in(lang, layout, "09:31", history);
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
}

/// Search matches the English text too, while the list shows the Chinese one.
#[test]
fn search_in_zh_matches_english_and_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_in(Lang::ZhTw, layout, "09:31", history);
    let customer = app
        .layout
        .blocks
        .iter()
        .flat_map(|b| b.items())
        .find(|i| i.text.en.contains("Customer notified"))
        .map(|i| i.text.get(Lang::ZhTw).to_string())
        .expect("the seed has the customer-notified item");
    key(&mut app, KeyCode::Char('/'));
    for c in "customer notified".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let by_english = render(&app, 200, 60);
    let shown: String = customer.chars().take(6).collect();
    assert!(
        by_english.contains(&shown),
        "English search finds the item, shown in Chinese:\n{by_english}"
    );
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    for c in "客戶".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let by_chinese = render(&app, 200, 60);
    assert!(by_chinese.contains(&shown), "{by_chinese}");
    assert!(!by_chinese.contains("Prices current"), "{by_chinese}");
}

#[test]
fn status_text_in_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_in(Lang::ZhTw, layout, "09:31", history);
    let report = warroom::status::status(&app.layout, &app.ledger, &app.schedule, app.now);
    let zh = report.render(Lang::ZhTw);
    assert!(
        zh.contains("進行中：") && zh.contains("上線日：已完成或略過"),
        "{zh}"
    );
    assert_eq!(report.render(Lang::En), report.to_string());
    insta::assert_snapshot!("zh_status", zh);
}

#[test]
fn odd_sizes_stay_within_the_terminal() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_in(Lang::ZhTw, layout, "09:31", history);
    for view in View::ALL {
        key(
            &mut app,
            KeyCode::Char(char::from(b'0' + view.number() as u8)),
        );
        for (w, h) in [
            (40, 10),
            (79, 23),
            (99, 30),
            (100, 30),
            (120, 40),
            (139, 40),
            (140, 40),
        ] {
            // `render` asserts every line is exactly `w` columns wide.
            render(&app, w, h);
        }
    }
}

/// Prompts and status-bar messages are in Chinese too, and still exactly the terminal's width.
#[test]
fn prompts_and_messages_in_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_in(Lang::ZhTw, layout, "09:31", history);
    key(&mut app, KeyCode::Char('s'));
    let prompt = render(&app, 80, 24);
    assert!(
        prompt.contains("將「已正確指派司機」略過") && prompt.contains("必須填寫"),
        "{prompt}"
    );
    assert!(prompt.contains("Enter 儲存 · Esc 取消"), "{prompt}");
    insta::assert_snapshot!("zh_skip_prompt_80x24", prompt);
    // An empty reason is refused, in Chinese, inside the dialog, which stays open.
    key(&mut app, KeyCode::Enter);
    let refused = render(&app, 80, 24);
    assert!(refused.contains("未略過：略過必須填寫原因"), "{refused}");
    assert!(matches!(app.mode, warroom::app::Mode::Prompt(_)));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('a'));
    let no_alert = render(&app, 80, 24);
    assert!(
        no_alert.contains("沒有需要確認（ack）的未處理告警"),
        "{no_alert}"
    );
    assert!(no_alert.contains("按 Enter 或 Esc 關閉"), "{no_alert}");
}

/// The outage header ("DB unreachable 00:42") in Chinese, in the phase's place.
#[test]
fn outage_header_in_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_in(Lang::ZhTw, layout, "09:31", history);
    app.outage = Some(app.now - chrono::Duration::seconds(42));
    let small = render(&app, 80, 24);
    assert!(small.contains("資料庫無法連線 00:42"), "{small}");
    render(&app, 200, 60);
}

/// A demo at the end of its day says its clock stopped, instead of looking frozen.
#[test]
fn the_demo_says_its_day_is_over() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_in(Lang::En, layout, "19:00", history);
    let end = common::at(&app.layout, "19:00");
    app.clock = warroom::app::Clock::frozen(end + chrono::Duration::hours(1)).stopping_at(end);
    app.now = app.clock.now();
    app.demo = true;
    assert_eq!(app.now, end);
    let screen = render(&app, 120, 40);
    let header = screen.lines().next().unwrap_or_default();
    assert!(
        header.contains("Demo day over: the clock stopped at 19:00"),
        "{header}"
    );
    render(&app, 80, 24);
}
