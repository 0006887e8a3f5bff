//! The screens of tests/screens.rs in Traditional Chinese (`--lang zh-TW`), at 80x24 and
//! 200x60, compared with insta snapshots. The same check on every screen: each rendered line is
//! exactly the terminal's width in display columns, so CJK text (two columns a character) never
//! pushes a table out of line or gets cut in the middle of a character.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::{App, View};
use warroom::i18n::Lang;
use warroom::layout::Layout;
use warroom::store::Stored;
use warroom::update::{Msg, update};

mod common;
use common::{morning_history, render, seed};

/// The common app, in Traditional Chinese.
fn app_at(layout: Layout, hm: &str, events: Vec<Stored>) -> App {
    let mut app = common::app_at(layout, hm, events);
    app.lang = Lang::ZhTw;
    app
}

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn launch_day_before_the_first_block() {
    let layout = seed();
    let app = app_at(layout, "05:30", Vec::new());
    let small = render(&app, 80, 24);
    assert!(small.contains("距「上線當天早上」開始 30:00"), "{small}");
    assert!(small.contains("週二"), "weekday in Chinese:\n{small}");
    insta::assert_snapshot!("zh_before_80x24", small);
    let big = render(&app, 200, 60);
    assert!(big.contains("週二 2026-12-01 05:30 Asia/Taipei"), "{big}");
    insta::assert_snapshot!("zh_before_200x60", big);
}

#[test]
fn launch_day_during_a_block() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "09:31", history);
    let small = render(&app, 80, 24);
    assert!(small.contains("剩餘 2:29:00"), "{small}");
    assert!(
        small.contains("逾期"),
        "the morning's open item is overdue:\n{small}"
    );
    assert!(
        !small.contains("Launch day"),
        "no English view title:\n{small}"
    );
    insta::assert_snapshot!("zh_during_80x24", small);
    let big = render(&app, 200, 60);
    assert!(big.contains("時間軸") && big.contains("項目"), "{big}");
    insta::assert_snapshot!("zh_during_200x60", big);
}

#[test]
fn launch_day_in_the_lunch_gap() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "13:15", history);
    let small = render(&app, 80, 24);
    assert!(small.contains("休息中"), "{small}");
    insta::assert_snapshot!("zh_gap_80x24", small);
    insta::assert_snapshot!("zh_gap_200x60", render(&app, 200, 60));
}

#[test]
fn launch_day_after_the_last_block() {
    let layout = seed();
    let history = morning_history(&layout);
    let app = app_at(layout, "19:30", history);
    let small = render(&app, 80, 24);
    assert!(small.contains("上線日已結束"), "{small}");
    insta::assert_snapshot!("zh_after_80x24", small);
    insta::assert_snapshot!("zh_after_200x60", render(&app, 200, 60));
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
        let small = render(&app, 80, 24);
        assert!(
            small.contains(view.title_in(Lang::ZhTw))
                || small.contains(view.short_title_in(Lang::ZhTw)),
            "{small}"
        );
        insta::assert_snapshot!(format!("zh_{name}_80x24"), small);
        insta::assert_snapshot!(format!("zh_{name}_200x60"), render(&app, 200, 60));
    }
}

#[test]
fn detail_popup_help_and_search_at_80x24() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_at(layout, "09:31", history);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    let detail = render(&app, 80, 24);
    assert!(detail.contains("order LG-1001"), "{detail}");
    assert!(
        detail.contains("備註") && detail.contains("歷程"),
        "{detail}"
    );
    insta::assert_snapshot!("zh_detail_popup_80x24", detail);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    let help = render(&app, 80, 24);
    assert!(help.contains("勾選／取消勾選"), "{help}");
    insta::assert_snapshot!("zh_help_80x24", help);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('/'));
    for c in "客戶".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let search = render(&app, 80, 24);
    assert!(search.contains("搜尋"), "{search}");
    insta::assert_snapshot!("zh_search_80x24", search);
}

/// Search matches the English text too, while the list shows the Chinese one.
#[test]
fn search_in_zh_matches_english_and_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_at(layout, "09:31", history);
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
    let app = app_at(layout, "09:31", history);
    let report = warroom::status::status(&app.layout, &app.ledger, &app.schedule, app.now);
    let zh = report.render(Lang::ZhTw);
    assert!(
        zh.contains("進行中：") && zh.contains("上線日：已處理"),
        "{zh}"
    );
    assert_eq!(report.render(Lang::En), report.to_string());
    insta::assert_snapshot!("zh_status", zh);
}

#[test]
fn odd_sizes_stay_within_the_terminal() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_at(layout, "09:31", history);
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
    let mut app = app_at(layout, "09:31", history);
    key(&mut app, KeyCode::Char('s'));
    let prompt = render(&app, 80, 24);
    assert!(
        prompt.contains("略過「已正確") && prompt.contains("的原因："),
        "{prompt}"
    );
    insta::assert_snapshot!("zh_skip_prompt_80x24", prompt);
    // An empty reason is refused, in Chinese (the prompt stays open, the message waits).
    key(&mut app, KeyCode::Enter);
    let refused = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert_eq!(refused, "未略過：略過必須填寫原因");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('a'));
    let no_alert = render(&app, 80, 24);
    assert!(no_alert.contains("沒有等待確認（ack）的告警"), "{no_alert}");
}

/// The outage header ("DB unreachable 00:42") in Chinese, in the phase's place.
#[test]
fn outage_header_in_chinese() {
    let layout = seed();
    let history = morning_history(&layout);
    let mut app = app_at(layout, "09:31", history);
    app.outage = Some(app.now - chrono::Duration::seconds(42));
    let small = render(&app, 80, 24);
    assert!(small.contains("資料庫無法連線 00:42"), "{small}");
    render(&app, 200, 60);
}
