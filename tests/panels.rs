//! Every live panel rendered in ok, warn, critical, stale and error state into ratatui's
//! TestBackend: one panel at a time full size at 80x24 (the live view, `p` cycles), and all of
//! them beside the checklist at 200x60. Text assertions pin what matters; snapshots pin the rest.

use std::path::Path;
use std::sync::Arc;

use chrono::FixedOffset;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::{App, Clock, Ledger, View};
use warroom::layout;
use warroom::store::Author;
use warroom::update::{Msg, update};

mod common;
use common::live::{STATES, State, app_in, at, day};
use common::render;
use common::rig::Rig;

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn all_panels_beside_the_checklist_at_200x60() {
    for state in STATES {
        let app = app_in(state);
        let screen = render(&app, 200, 60);
        let name = format!("{state:?}").to_lowercase();
        for title in [
            "Service health",
            "Error rate",
            "Response time",
            "Deliveries today",
            "Support tickets",
            "Week 1 targets, live",
            "Alerts and events",
        ] {
            assert!(
                screen.contains(title),
                "{name}: panel {title:?} missing at 200x60:\n{screen}"
            );
        }
        match state {
            State::Ok => {
                assert!(screen.contains("0.40 %"), "error rate: {screen}");
                assert!(screen.contains("ok · 0 s ago"), "freshness: {screen}");
                assert!(
                    screen.contains("3 open · oldest 2 h 26 min · 1 past 2 h"),
                    "tickets: {screen}"
                );
                assert!(screen.contains("completion 95.5 % ≥ 95 %"), "{screen}");
            }
            State::Warn => assert!(
                screen.contains("2.30 %")
                    && screen.contains("degraded")
                    && screen.contains("242 ms > 200"),
                "{screen}"
            ),
            State::Critical => {
                assert!(screen.contains("6.40 %"), "error rate: {screen}");
                assert!(screen.contains("got 503"), "maps reason: {screen}");
                assert!(
                    screen.contains("ack bob: bob calling GCP")
                        && screen.contains("call Backend Lead"),
                    "alerts say who is on it and whom to call:\n{screen}"
                );
            }
            State::Stale => assert!(
                screen.contains("no data · last answer 3 min ago") && !screen.contains(" ok "),
                "an answer 3 minutes old stands for nothing now: {screen}"
            ),
            State::Error => assert!(
                screen.contains("timed out after 3s")
                    && screen.contains("critical · no success yet"),
                "{screen}"
            ),
        }
        insta::assert_snapshot!(format!("panels_{name}_200x60"), screen);
    }
}

#[test]
fn each_panel_full_size_at_80x24() {
    for state in STATES {
        let mut app = app_in(state);
        key(&mut app, KeyCode::Char('8'));
        assert_eq!(app.view, View::Live);
        let name = format!("{state:?}").to_lowercase();
        for n in 0..app.layout.panels.len() {
            let screen = render(&app, 80, 24);
            let title = &app.layout.panels[n].title.en;
            assert!(
                // Under the two header lines and the pilot's.
                screen
                    .lines()
                    .nth(4)
                    .is_some_and(|l| l.contains(title.as_str())),
                "{name}: panel {n} ({title}) should be shown full size:\n{screen}"
            );
            insta::assert_snapshot!(
                format!("panel_{}_{name}_80x24", app.layout.panels[n].id),
                screen
            );
            key(&mut app, KeyCode::Char('p'));
        }
    }
}

#[test]
fn the_status_strip_sums_up_the_panels_at_80x24() {
    let app = app_in(State::Critical);
    let screen = render(&app, 80, 24);
    // Under the two header lines and the pilot's.
    let alert = screen.lines().nth(3).unwrap_or_default();
    let cells = screen.lines().nth(4).unwrap_or_default();
    // The newest open alert, who is on it (nobody), how many more; then the panels.
    assert!(
        alert.contains("! Error rate critical · nobody on it (a) +1 more")
            && alert.contains("!: alerts"),
        "{screen}"
    );
    assert!(cells.contains("err 6.40% !"), "{screen}");
    // Marks as the panels judge: all three tickets' oldest is past 2 h, so tickets are "!".
    assert!(cells.contains("tix 3 !"), "{screen}");
    let ok = render(&app_in(State::Ok), 80, 24);
    assert!(
        ok.lines()
            .nth(3)
            .is_some_and(|l| l.contains("err 0.40%") && !l.contains("alert")),
        "{ok}"
    );
}

/// The same panels in zh-TW: live values, ages and verdicts in Chinese, every line still exactly
/// the terminal's width (CJK takes two columns), in the war-room column and full size.
#[test]
fn panels_in_chinese_at_both_sizes() {
    for state in STATES {
        let mut app = app_in(state);
        app.lang = warroom::i18n::Lang::ZhTw;
        let name = format!("{state:?}").to_lowercase();
        let screen = render(&app, 200, 60);
        if matches!(state, State::Ok) {
            assert!(screen.contains("正常 · 0 秒前"), "freshness: {screen}");
            assert!(
                screen.contains("3 筆未結案 · 最久 2 小時 26 分"),
                "tickets: {screen}"
            );
            assert!(screen.contains("完成率 95.5 % ≥ 95 %"), "{screen}");
        }
        insta::assert_snapshot!(format!("zh_panels_{name}_200x60"), screen);
        key(&mut app, KeyCode::Char('8'));
        for n in 0..app.layout.panels.len() {
            let screen = render(&app, 80, 24);
            let title = app.layout.panels[n].title.get(app.lang).to_string();
            assert!(
                screen.contains(&title),
                "{name}: panel {n} ({title}):\n{screen}"
            );
            if matches!(state, State::Critical) {
                insta::assert_snapshot!(
                    format!("zh_panel_{}_{name}_80x24", app.layout.panels[n].id),
                    screen
                );
            }
            key(&mut app, KeyCode::Char('p'));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every panel kind against answers of the wrong shape, from a real server

/// What a broken backend answers, for every path.
#[derive(Clone, Copy, Debug)]
enum Bad {
    Html500,
    Html200,
    GarbageJson,
    NotUtf8,
    Empty,
    WrongShape,
    Huge,
}

const BAD: [Bad; 7] = [
    Bad::Html500,
    Bad::Html200,
    Bad::GarbageJson,
    Bad::NotUtf8,
    Bad::Empty,
    Bad::WrongShape,
    Bad::Huge,
];

fn answer(bad: Bad) -> (u16, &'static str, Vec<u8>) {
    let html =
        b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>0 errors</body></html>".to_vec();
    match bad {
        Bad::Html500 => (500, "text/html", html),
        Bad::Html200 => (200, "text/html", html),
        Bad::GarbageJson => (200, "application/json", b"{\"tick".to_vec()),
        Bad::NotUtf8 => (200, "application/json", vec![0xff, 0xfe, 0x00, 0x30, 0xc3]),
        Bad::Empty => (200, "application/json", Vec::new()),
        // JSON, but of no shape any panel reads: zeros everywhere a careless reader would look.
        Bad::WrongShape => (
            200,
            "application/json",
            br#"{"data": {"total": 0, "error_rate": 0, "items": []}, "count": 0}"#.to_vec(),
        ),
        Bad::Huge => (200, "application/json", vec![b' '; 1024 * 1024 + 10]),
    }
}

/// A server on 127.0.0.1:0 answering `bad` to every request.
async fn bad_backend(bad: Bad) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a test port");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let (status, content_type, body) = answer(bad);
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Polls every source of the seed layout `rounds` times against `base`, through the real
/// probes, the real runtime and the real store task.
async fn app_against(base: &str, rounds: usize) -> App {
    let mut layout = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty().with("LUCKYGAS_API", base),
    )
    .expect("seed layout");
    layout.launch.date = Some(day());
    let now = at(&layout, "09:31");
    let author = Author {
        operator: "ann".into(),
        origin: "test".into(),
    };
    let probes: Vec<_> = layout
        .sources
        .iter()
        .map(|s| warroom::sources::build(&s.spec).expect("probe builds"))
        .collect();
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ));
    app.local_offset = FixedOffset::east_opt(0).expect("UTC");
    // Through the real runtime: the alerts the answers raise are committed by the real store
    // task.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rig = Rig::sqlite(app, 80, 24, &dir.path().join("w.db")).await;
    for round in 0..rounds {
        for (index, probe) in probes.iter().enumerate() {
            let result = probe.poll().await;
            rig.poll(warroom::poller::PollResult {
                source: index,
                at: now - chrono::Duration::seconds((rounds - round) as i64),
                result,
            })
            .await;
        }
    }
    rig.settle().await;
    rig.finish().await
}

/// Numbers in `text` that are zero and not an age ("0 s ago"): a zero shown as data.
fn zeros_as_data(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '%'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let number = w.trim_end_matches('%');
        let is_zero = number.parse::<f64>().is_ok_and(|n| n == 0.0);
        let is_age = words.get(i + 1) == Some(&"s") || words.get(i + 1) == Some(&"min");
        if is_zero && !is_age {
            found.push(format!(
                "`{w}` in {:?}",
                words[i.saturating_sub(3)..(i + 3).min(words.len())].join(" ")
            ));
        }
    }
    found
}

/// A 500 or 200 HTML page, garbage, bytes that are not text, an empty body, JSON of the wrong
/// shape, more than 1 MiB: no panel shows ok, ✓ or a zero as if it were data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_panel_kind_says_what_is_wrong_with_a_broken_answer_never_ok_or_zero() {
    for bad in BAD {
        let base = bad_backend(bad).await;
        let mut app = app_against(&base, 3).await;
        key(&mut app, KeyCode::Char('8'));
        for n in 0..app.layout.panels.len() {
            let panel = app.layout.panels[n].clone();
            let screen = render(&app, 80, 24);
            let body: Vec<&str> = screen.lines().skip(3).take(20).collect();
            let body = body.join("\n");
            let context = format!(
                "{bad:?}, panel {} ({}):\n{screen}",
                panel.id,
                panel.kind.name()
            );
            assert!(!body.contains('✓'), "a ✓ on broken data: {context}");
            assert!(
                !body.contains(" ok ") && !body.contains(" ok\n") && !body.contains("ok ·"),
                "ok on broken data: {context}"
            );
            // The targets panel's uptime measures these very failures: 0 % is its truth.
            let zeros: Vec<String> = zeros_as_data(&body)
                .into_iter()
                .filter(|z| !z.contains("uptime"))
                .collect();
            assert!(zeros.is_empty(), "zeros shown as data {zeros:?}: {context}");
            if panel.kind.name() == "tickets" {
                let why = match bad {
                    Bad::Html500 => "HTTP 500",
                    Bad::Html200 => "tickets: expected a list at $, got an HTML page",
                    Bad::GarbageJson => "tickets: expected a list at $, got text that is not JSON",
                    Bad::NotUtf8 => "tickets: expected a list at $, got bytes that are not text",
                    Bad::Empty => "tickets: expected a list at $, got an empty answer",
                    Bad::WrongShape => "tickets: expected a list at $, got a JSON object",
                    Bad::Huge => "answer larger than 1048576 bytes",
                };
                assert!(screen.contains(why), "{bad:?}: expected {why:?}:\n{screen}");
            }
            key(&mut app, KeyCode::Char('p'));
        }
    }
}

/// Before any answer a panel is waiting, never "stale 0 s ago"; with no backend configured the
/// "No critical alerts" evidence is no data, never ✓; a source whose answer is old is no data.
#[test]
fn no_answer_no_backend_and_old_answers_are_no_data_never_ok() {
    let mut layout = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty().with("LUCKYGAS_API", "http://127.0.0.1:9"),
    )
    .expect("seed layout");
    layout.launch.date = Some(day());
    let now = at(&layout, "06:30");
    let author = Author {
        operator: "ann".into(),
        origin: "test".into(),
    };
    let app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author.clone(),
        Ledger::default(),
    ));
    let first = render(&app, 200, 60);
    assert!(!first.contains("stale"), "first frame:\n{first}");
    assert!(
        first.contains("waiting for first answer"),
        "first frame:\n{first}"
    );
    let line = first
        .lines()
        .find(|l| l.contains("No critical alerts"))
        .expect("the item is listed");
    assert!(line.contains("no data") && !line.contains('✓'), "{line}");

    let mut unconfigured = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty(),
    )
    .expect("seed layout");
    unconfigured.launch.date = Some(day());
    let app = App::new(warroom::app::Config::new(
        Arc::new(unconfigured),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ));
    let item = app
        .layout
        .item("no-critical-alerts")
        .and_then(|i| i.evidence.clone())
        .expect("evidence");
    let (status, why) = warroom::app::live::evidence(&app, &item);
    assert_eq!(status, warroom::sources::Status::NoData, "{why}");
    let screen = render(&app, 200, 60);
    let line = screen
        .lines()
        .find(|l| l.contains("No critical alerts"))
        .expect("the item is listed");
    assert!(line.contains("no data") && !line.contains('✓'), "{line}");
}

// ---------------------------------------------------------------------------------------------
// What the lead saw trying main, and widths from the space there is (issue 16)

/// `demo --speed 120`: sources polled every 100 ms real (12 s simulated, as `warroom demo`
/// scales them). The scoreboard's rows judge freshness by the corner's rule, on the launch's
/// clock: never "stale" under a corner that says "ok · 5 s ago".
#[test]
fn the_scoreboard_is_fresh_when_its_corner_is_under_a_fast_demo_clock() {
    let mut layout = common::live::seed();
    for source in &mut layout.sources {
        // As main.rs's faster_polls: the interval divided by the speed, at least 100 ms.
        let scaled = source.spec.interval.div_f64(120.0);
        source.spec.interval = scaled.max(std::time::Duration::from_millis(100));
    }
    let now = at(&layout, "09:31");
    let author = Author {
        operator: "ann".into(),
        origin: "test".into(),
    };
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ));
    app.local_offset = FixedOffset::east_opt(0).expect("UTC");
    common::live::feed(&mut app, State::Ok);
    // Five simulated seconds later on the demo's clock (42 ms real): an answer that old is
    // fresh for a source polled every 12 simulated seconds, stale only after 36.
    app.clock = Clock::scaled(now, 120.0);
    app.now = now + chrono::Duration::seconds(5);
    let screen = render(&app, 200, 60);
    let board = rows_from(&screen, "Week 1 targets, live", 7).join("\n");
    assert!(board.contains("ok · 5 s ago"), "{board}");
    assert!(!board.contains("stale"), "{board}");
    // Response times as every panel writes them: a space before the unit, tenths kept.
    assert!(board.contains("96 ms < 300 ms ✓"), "{board}");
}

/// Names take the columns they need: two long names that share a prefix both read whole at
/// 160 columns, not as two "TLS self-signed…".
#[test]
fn long_source_names_read_whole_when_there_is_room() {
    let mut app = app_in(State::Ok);
    let mut layout = (*app.layout).clone();
    for (source, name) in [
        ("sms", "TLS self-signed certificate, SMS gateway"),
        ("email", "TLS self-signed certificate, e-mail relay"),
    ] {
        if let Some(s) = layout.sources.iter_mut().find(|s| s.spec.id == source) {
            s.title = warroom::layout::Text::new(name, None);
        }
    }
    app.layout = Arc::new(layout);
    key(&mut app, KeyCode::Char('8'));
    let screen = render(&app, 160, 50);
    for name in [
        "TLS self-signed certificate, SMS gateway",
        "TLS self-signed certificate, e-mail relay",
    ] {
        assert!(screen.contains(name), "{name}:\n{screen}");
    }
}

/// The scoreboard grows with its week: every target shows where there are rows for them.
#[test]
fn the_scoreboard_shows_every_target_of_its_week() {
    let mut app = app_in(State::Ok);
    let mut layout = (*app.layout).clone();
    let week = layout
        .criteria
        .iter_mut()
        .find(|w| w.week == 1)
        .expect("week 1");
    let model = week.targets[0].clone();
    for n in 0..5 {
        let mut extra = model.clone();
        extra.id = format!("extra-{n}");
        extra.metric = format!("extra_{n}");
        extra.text = warroom::layout::Text::new(format!("Extra target {n}"), None);
        week.targets.push(extra);
    }
    app.layout = Arc::new(layout);
    app.live = warroom::app::live::Live::new(&app.layout);
    common::live::feed(&mut app, State::Ok);
    // Beside the checklist at 200x60, and in view 8's grid at 120x40.
    for (view, w, h) in [(View::LaunchDay, 200, 60), (View::Live, 120, 40)] {
        app.view = view;
        let screen = render(&app, w, h);
        let shown = screen
            .lines()
            .filter(|l| l.contains("Extra target"))
            .count();
        assert_eq!(shown, 5, "{w}x{h}:\n{screen}");
    }
}

/// More open alerts than the panel has rows for: whole alerts around the cursor, and a line
/// that says how many more there are, never an alert cut after its first lines.
#[test]
fn open_alerts_that_do_not_fit_are_counted_not_cut() {
    let mut app = app_in(State::Critical);
    for (seq, source) in [(10, "api"), (11, "db"), (12, "redis")] {
        common::live::commit(
            &mut app,
            seq,
            warroom::store::Change::AlertRaised {
                source: source.into(),
                severity: warroom::sources::Health::Critical,
                failure: Box::new(warroom::sources::Failure::said("HTTP 503")),
            },
        );
    }
    assert_eq!(app.open_alerts().len(), 5);
    let screen = render(&app, 200, 60);
    let panel: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("Alerts and events"))
        .skip(1)
        .take_while(|l| !l.contains('└'))
        .collect();
    let panel = panel.join("\n");
    assert!(panel.contains("more open: ! then ↑↓"), "{panel}");
    // Each alert shown is shown whole: its head, who is on it, whom to call.
    // Alerts' heads, not the log's lines under them ("warroom alert Redis — critical").
    let heads = panel.matches("! 09:31 critical").count();
    let states = panel.matches("press a to acknowledge").count() + panel.matches("ack bob").count();
    assert!(heads >= 1 && heads == states, "{panel}");
}

/// Before the first request a backend answers `"error_rate": null` and `"p95_ms": null`: the
/// source answered, but there is no rate and no latency yet. Never a ✓ beside a dash, never 0.
#[test]
fn a_null_rate_and_latency_are_no_data_not_a_pass() {
    let mut app = app_in(State::Ok);
    let layout = Arc::clone(&app.layout);
    for id in ["error-rate", "latency"] {
        let source = layout
            .sources
            .iter()
            .position(|s| s.spec.id == id)
            .expect("the seed layout has the source");
        let body = serde_json::json!({ "error_rate": null, "p95_ms": null, "avg_ms": null });
        let now = app.now;
        update(
            &mut app,
            Msg::Poll(warroom::poller::PollResult {
                source,
                at: now,
                result: Ok(common::live::obs(None, &[], Some(body), 200, 30)),
            }),
        );
    }
    let screen = render(&app, 80, 24);
    let cells = screen.lines().nth(3).unwrap_or_default();
    assert!(
        cells.contains("err – ·") && cells.contains("p95 – ·"),
        "no rate and no latency yet: no ✓ and no number\n{screen}"
    );
    assert!(
        !cells.contains("0.00%") && !cells.contains("0ms"),
        "{screen}"
    );
    let wide = render(&app, 200, 60);
    let rate_panel = rows_from(&wide, "Error rate", 3);
    assert!(
        rate_panel.iter().all(|l| !l.contains("0.00 %")),
        "{}",
        rate_panel.join("\n")
    );
    // Nor does the panel itself say "ok" over a value it does not have.
    for title in ["Error rate", "Response time"] {
        let title_row = rows_from(&wide, title, 1).join("");
        let head = &title_row[title_row.find(title).unwrap_or(0)..];
        assert!(
            head.contains("no data ·") && !head.contains(" ok "),
            "{title}: {head}"
        );
    }
    let value_row = rows_from(&wide, "Error rate", 2).join("");
    assert_eq!(
        value_row.matches("no data").count(),
        2,
        "title and value, once each: {value_row}"
    );
}

/// `count` rows of `screen` from the first that contains `marker`.
fn rows_from<'a>(screen: &'a str, marker: &str, count: usize) -> Vec<&'a str> {
    screen
        .lines()
        .skip_while(|l| !l.contains(marker))
        .take(count)
        .collect()
}
