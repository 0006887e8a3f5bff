//! Every screen at every size in both languages: one table of screens, rendered at 80x24,
//! 100x30, 120x40, 160x50 and 200x60 in English and zh-TW, each compared with its snapshot
//! (`matrix__SCREEN_LANG_WxH`) and checked for what no screen may do at any size:
//!
//! - a line that is not exactly the terminal's width in display columns (CJK takes two);
//! - a character hidden behind a wide one (a pop-up's border under a CJK character);
//! - a dialog without its keys (`y / n`, `Enter`, `Esc`) on one line of the screen;
//! - a text the screen exists to show missing (`must` below).
//!
//! A screen added later (a wall display, a weeks view, go/no-go, a banner, a status update) is
//! one more row in `SCREENS`: a name, how to get there from a launch day, and what it must show.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::{App, Mode, PromptPurpose, View};
use warroom::i18n::{Lang, Msg, t};
use warroom::update::{Msg as Update, update};

mod common;
use common::live::{State, app_in};

const SIZES: [(u16, u16); 5] = [(80, 24), (100, 30), (120, 40), (160, 50), (200, 60)];
const LANGS: [Lang; 2] = [Lang::En, Lang::ZhTw];

/// One screen of the matrix.
struct Screen {
    name: &'static str,
    /// From the launch day at 09:31 with two open alerts (one acknowledged) and the sources
    /// critical: the keys an operator presses to get there.
    setup: fn(&mut App),
    /// Texts the screen must show at every size, in each language: (en, zh).
    must: &'static [(&'static str, &'static str)],
}

const SCREENS: &[Screen] = &[
    Screen {
        name: "launch_day",
        setup: |_| {},
        must: &[("Launch", "上線"), ("Error rate", "錯誤率")],
    },
    Screen {
        name: "evidence_prompt",
        // "External APIs responding" reads the external panel, where Google Maps is down.
        setup: |app| {
            select(app, "external-apis-responding");
            key(app, KeyCode::Char(' '));
        },
        must: &[("is failing", "未通過"), ("Google Maps", "Google 地圖")],
    },
    Screen {
        name: "evidence_prompt_no_data",
        setup: |app| {
            // The evidence's source answered long ago: no data, not failing.
            let layout = std::sync::Arc::clone(&app.layout);
            let index = layout
                .sources
                .iter()
                .position(|s| s.spec.id == "db")
                .expect("a db source");
            app.live.sources[index].latest = app.live.sources[index]
                .latest
                .take()
                .map(|(at, r)| (at - chrono::Duration::minutes(10), r));
            select(app, "db-connections-stable");
            key(app, KeyCode::Char(' '));
        },
        must: &[("has no data", "沒有資料")],
    },
    Screen {
        name: "alerts_list",
        setup: |app| {
            key(app, KeyCode::Char('!'));
            key(app, KeyCode::Down);
        },
        must: &[
            ("ack bob: bob calling GCP", "bob calling GCP"),
            ("+886-9XX-XXX-XXX", "+886-9XX-XXX-XXX"),
            ("6.40 %", "6.40 %"),
        ],
    },
    Screen {
        name: "acknowledge",
        setup: |app| {
            key(app, KeyCode::Char('a'));
            for c in "ann calling devops".chars() {
                key(app, KeyCode::Char(c));
            }
        },
        must: &[("ann calling devops", "ann calling devops")],
    },
    Screen {
        name: "skip",
        setup: |app| {
            key(app, KeyCode::Char('s'));
            key(app, KeyCode::Enter);
        },
        must: &[("a skip needs a reason", "略過必須填寫原因")],
    },
    Screen {
        name: "help",
        setup: |app| key(app, KeyCode::Char('?')),
        must: &[
            ("/data/warroom.db", "/data/warroom.db"),
            ("/data/warroom.log", "/data/warroom.log"),
        ],
    },
    Screen {
        name: "panels",
        setup: |app| key(app, KeyCode::Char('8')),
        must: &[("Service health", "服務健康狀態")],
    },
    Screen {
        name: "nothing_to_acknowledge",
        setup: |app| {
            key(app, KeyCode::Char('1'));
            // Every alert cleared: `a` finds nothing, and says so.
            let sources: Vec<String> = app.open_alerts().iter().map(|a| a.source.clone()).collect();
            for (n, source) in sources.into_iter().enumerate() {
                common::live::commit(
                    app,
                    100 + n as i64,
                    warroom::store::Change::AlertCleared {
                        source,
                        ok_polls: Some(2),
                    },
                );
            }
            key(app, KeyCode::Char('a'));
            for c in "it, rolling back".chars() {
                key(app, KeyCode::Char(c));
            }
        },
        must: &[("No open alert to acknowledge", "沒有需要確認")],
    },
    Screen {
        name: "announce",
        setup: |app| {
            key(app, KeyCode::Char('A'));
            for c in "Deploy freeze | 15:00".chars() {
                key(app, KeyCode::Char(c));
            }
        },
        must: &[("Deploy freeze | 15:00", "Deploy freeze | 15:00")],
    },
    Screen {
        name: "banner",
        setup: |app| {
            common::live::commit(
                app,
                300,
                warroom::store::Change::Announced {
                    text: "Rolling back v2.3: hold new orders".into(),
                    until: None,
                },
            );
        },
        must: &[
            (
                "Rolling back v2.3: hold new orders",
                "Rolling back v2.3: hold new orders",
            ),
            ("Pilot day 1 · week 1", "試營運第 1 天 · 第 1 週"),
        ],
    },
    Screen {
        name: "status_update",
        setup: |app| key(app, KeyCode::Char('U')),
        must: &[
            ("Status update", "狀態更新"),
            ("Open alerts (2)", "未解除告警（2）"),
        ],
    },
    Screen {
        name: "wall",
        setup: |app| app.wall = Some(warroom::app::wall::Wall::new(None)),
        must: &[
            ("WALL · read-only", "牆面 · 唯讀"),
            ("Open alerts (2)", "未處理告警（2）"),
            ("First Orders", "首批訂單"),
        ],
    },
    Screen {
        name: "wall_banner",
        setup: |app| {
            app.wall = Some(warroom::app::wall::Wall::new(None));
            common::live::commit(
                app,
                300,
                warroom::store::Change::Announced {
                    text: "Rolling back v2.3: hold new orders".into(),
                    until: None,
                },
            );
        },
        must: &[
            (
                "Rolling back v2.3: hold new orders",
                "Rolling back v2.3: hold new orders",
            ),
            ("WALL · read-only", "牆面 · 唯讀"),
        ],
    },
    Screen {
        name: "wall_write_key",
        setup: |app| {
            app.wall = Some(warroom::app::wall::Wall::new(None));
            key(app, KeyCode::Char(' '));
        },
        must: &[(
            "read-only: this is a wall display",
            "唯讀：這是牆面顯示畫面",
        )],
    },
    Screen {
        name: "wall_panels",
        setup: |app| {
            app.wall = Some(warroom::app::wall::Wall::new(None));
            key(app, KeyCode::Char('8'));
        },
        must: &[("Service health", "服務健康狀態"), ("board", "總覽")],
    },
];

fn key(app: &mut App, code: KeyCode) {
    update(app, Update::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn select(app: &mut App, item: &str) {
    app.view = View::LaunchDay;
    app.view_state_mut(View::LaunchDay).selected = Some(item.to_string());
}

/// The keys a dialog must show, in the app's language.
fn dialog_keys(app: &App) -> Option<&'static str> {
    let lang = app.lang;
    Some(t(
        lang,
        match &app.mode {
            Mode::Confirm { .. } => Msg::ConfirmKeys,
            Mode::Notice(_) => Msg::NoticeKeys,
            Mode::Prompt(p) => match p.purpose {
                PromptPurpose::Search => Msg::SearchKeys,
                PromptPurpose::Ack { .. } => Msg::DialogAckKeys,
                PromptPurpose::Judge { .. } => Msg::DialogJudgeKeys,
                _ => Msg::DialogKeys,
            },
            Mode::Update { .. } => Msg::UpdateKeys,
            Mode::Normal | Mode::Help | Mode::Detail => return None,
        },
    ))
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhTw => "zh",
    }
}

#[test]
fn every_screen_at_every_size_in_both_languages() {
    for screen in SCREENS {
        for lang in LANGS {
            for (w, h) in SIZES {
                let mut app = app_in(State::Critical);
                app.lang = lang;
                app.db_path = "/data/warroom.db".into();
                app.log_path = "/data/warroom.log".into();
                (screen.setup)(&mut app);
                let name = format!("{}_{}_{w}x{h}", screen.name, lang_name(lang));
                // `render` checks the width of every line and that nothing hides behind a
                // wide character.
                let shown = common::render(&app, w, h);
                if let Some(keys) = dialog_keys(&app) {
                    assert!(
                        shown.lines().any(|l| l.contains(keys)),
                        "{name}: the dialog's keys {keys:?} are not on screen:\n{shown}"
                    );
                    if matches!(app.mode, Mode::Confirm { .. }) {
                        assert!(shown.contains("y / n"), "{name}:\n{shown}");
                    }
                }
                for (en, zh) in screen.must {
                    let text = if lang == Lang::En { en } else { zh };
                    assert!(shown.contains(text), "{name}: {text:?} missing:\n{shown}");
                }
                insta::assert_snapshot!(name, shown);
            }
        }
    }
}

/// Below 80x24 nothing is promised but that nothing panics and nothing is drawn outside the
/// terminal: every screen of the table at tiny and odd sizes.
#[test]
fn every_screen_survives_tiny_and_odd_sizes() {
    for screen in SCREENS {
        for lang in LANGS {
            let mut app = app_in(State::Critical);
            app.lang = lang;
            (screen.setup)(&mut app);
            for (w, h) in [
                (1, 1),
                (8, 3),
                (20, 6),
                (30, 8),
                (40, 10),
                (60, 15),
                (79, 23),
            ] {
                let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h))
                    .expect("test terminal");
                terminal
                    .draw(|f| warroom::ui::draw(f, &app, &warroom::ui::Theme::default()))
                    .expect("draw");
            }
            // From 40 columns up every line is still exactly the terminal's width.
            for (w, h) in [
                (40, 10),
                (60, 15),
                (79, 23),
                (99, 29),
                (139, 39),
                (300, 100),
            ] {
                common::render(&app, w, h);
            }
        }
    }
}
