//! Alerts: raised on the crossing after N bad polls, cleared after M good ones, no flapping,
//! acknowledged with a reason, reminded when still critical and unacknowledged, quiet during a
//! quiet block — and all of it stored in the event log and reloaded.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::i18n::Lang;
use warroom::layout::{self, Layout};
use warroom::poller::PollResult;
use warroom::sources::Health;
use warroom::sources::{Observation, SourceError};
use warroom::store::worker::{self, Reply, Request};
use warroom::store::{Author, Change, Evidence, Store, Stored, WARROOM};
use warroom::update::{Effect, Msg, update};

const LAYOUT: &str = r#"
[launch]
id = "alerts-test"
name = "Alerts test"
timezone = "Asia/Taipei"
date = "2026-12-01"

[[block]]
id = "deploy"
title = "Deploy window"
start = "06:00"
end = "08:00"
quiet = true

[[block.section]]
id = "s1"
title = "S1"
items = [{ id = "i1", text = "Deploy done" }]

[[block]]
id = "day"
title = "Day"
start = "08:00"
end = "19:00"

[[block.section]]
id = "s2"
title = "S2"
items = [{ id = "i2", text = "Watch the API", evidence = "source:api" }]

[[contacts]]
id = "tech"
group = "Technical Team"
people = [{ id = "devops-lead", role = "DevOps Lead", phone = "+886-900-000-000" }]

[[source]]
id = "api"
kind = "tcp"
title = "API"
address = "127.0.0.1:9"
notify = ["devops-lead"]

[[source]]
id = "lat"
kind = "tcp"
title = "Latency"
address = "127.0.0.1:9"
warn = ["value < 100"]
critical = ["value < 1000"]

[[source]]
id = "loud"
kind = "tcp"
title = "Loud"
address = "127.0.0.1:9"
warn = ["value < 100"]
critical = ["value < 1000"]
escalation_rings = true

[[panel]]
id = "alerts"
kind = "alerts"
title = "Alerts"
"#;

fn layout() -> Layout {
    layout::parse("alerts-test.toml", LAYOUT, &layout::Env::empty()).expect("test layout")
}

fn at(layout: &Layout, hm: &str, secs: i64) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    at_zone(
        layout.launch.zone,
        day.and_time(NaiveTime::parse_from_str(hm, "%H:%M").expect("time")),
    ) + chrono::Duration::seconds(secs)
}

fn app_at(hm: &str, ledger: Ledger) -> App {
    let layout = layout();
    let now = at(&layout, hm, 0);
    App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        Author {
            operator: "ann".into(),
            origin: "test".into(),
        },
        ledger,
    ))
}

fn bad(at: DateTime<Utc>) -> PollResult {
    PollResult {
        source: 0,
        at,
        result: Err(SourceError::Connect("connection refused".into())),
    }
}

fn good(at: DateTime<Utc>) -> PollResult {
    PollResult {
        source: 0,
        at,
        result: Ok(Observation {
            value: Some(1.0),
            elapsed: Duration::from_millis(3),
            ..Observation::default()
        }),
    }
}

/// Applies a poll; commits any event it records straight into the ledger (as the store would).
fn poll(app: &mut App, result: PollResult) -> Vec<Effect> {
    let (_, effects) = update(app, Msg::Poll(result));
    commit(app, &effects);
    effects
}

fn commit(app: &mut App, effects: &[Effect]) {
    for effect in effects {
        if let Effect::Persist(event) = effect {
            let seq = app.ledger.last_seq() + 1;
            update(
                app,
                Msg::Store(Reply::Committed(Stored {
                    seq,
                    event: event.clone(),
                })),
            );
        }
    }
}

fn raised(effects: &[Effect]) -> bool {
    effects.iter().any(
        |e| matches!(e, Effect::Persist(ev) if matches!(ev.change, Change::AlertRaised { .. })),
    )
}

fn cleared(effects: &[Effect]) -> bool {
    effects.iter().any(
        |e| matches!(e, Effect::Persist(ev) if matches!(ev.change, Change::AlertCleared { .. })),
    )
}

fn rings(effects: &[Effect]) -> bool {
    effects.contains(&Effect::Bell)
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

#[test]
fn raised_after_three_bad_polls_and_cleared_after_two_good_ones() {
    let mut app = app_at("09:00", Ledger::default());
    let t = |s| at(&app.layout, "09:00", s);
    let (t0, t1, t2, t3, t4) = (t(0), t(5), t(10), t(15), t(20));
    assert!(!raised(&poll(&mut app, bad(t0))));
    assert!(!raised(&poll(&mut app, bad(t1))));
    let third = poll(&mut app, bad(t2));
    assert!(
        raised(&third) && rings(&third),
        "the third bad poll raises and rings: {third:?}"
    );
    assert!(app.ledger.open_alert("api").is_some());
    assert!(
        !raised(&poll(&mut app, bad(t3))),
        "raised on the crossing, not on every poll"
    );
    assert!(
        !cleared(&poll(&mut app, good(t4))),
        "one good poll does not clear"
    );
    let t5 = at(&app.layout, "09:00", 25);
    assert!(cleared(&poll(&mut app, good(t5))), "two good polls clear");
    assert!(app.ledger.open_alert("api").is_none());
    assert_eq!(app.ledger.alerts().len(), 1);
}

#[test]
fn a_flapping_source_never_raises() {
    let mut app = app_at("09:00", Ledger::default());
    for n in 0..20 {
        let at = at(&app.layout, "09:00", n * 5);
        let effects = if n % 3 == 2 {
            poll(&mut app, good(at))
        } else {
            poll(&mut app, bad(at))
        };
        assert!(
            !raised(&effects),
            "poll {n} raised an alert for a flapping source"
        );
    }
}

#[test]
fn acknowledged_alerts_stay_quiet_unacknowledged_ones_are_reminded() {
    let mut app = app_at("09:00", Ledger::default());
    for s in [0, 5, 10] {
        let at = at(&app.layout, "09:00", s);
        poll(&mut app, bad(at));
    }
    // Eleven minutes later, still critical and nobody on it: reminded.
    let later = at(&app.layout, "09:11", 0);
    let effects = poll(&mut app, bad(later));
    assert!(
        rings(&effects),
        "a reminder rings after the reminder interval"
    );
    assert!(
        app.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("Still critical"))
    );

    press(&mut app, KeyCode::Char('a'));
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "an acknowledgement needs a reason"
    );
    for c in "ann calling devops".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = press(&mut app, KeyCode::Enter);
    commit(&mut app, &effects);
    let alert = app.ledger.open_alert("api").expect("still open");
    assert_eq!(
        alert
            .ack
            .as_ref()
            .map(|(who, _, why)| (who.as_str(), why.as_str())),
        Some(("ann", "ann calling devops"))
    );

    let much_later = at(&app.layout, "09:40", 0);
    assert!(
        !rings(&poll(&mut app, bad(much_later))),
        "acknowledged: the bell stays quiet"
    );
    // The check keeps running; when it clears, the acknowledgement ends with the alert.
    for s in [5, 10] {
        let at = at(&app.layout, "09:40", s);
        poll(&mut app, good(at));
    }
    assert!(app.ledger.open_alert("api").is_none());
    for s in [15, 20, 25] {
        let at = at(&app.layout, "09:40", s);
        poll(&mut app, bad(at));
    }
    assert!(
        app.ledger
            .open_alert("api")
            .is_some_and(|a| a.ack.is_none()),
        "a new alert starts unacknowledged"
    );
}

#[test]
fn a_quiet_block_shows_alerts_without_ringing() {
    let mut app = app_at("06:30", Ledger::default());
    let mut all = Vec::new();
    for s in [0, 5, 10] {
        let at = at(&app.layout, "06:30", s);
        all.extend(poll(&mut app, bad(at)));
    }
    assert!(raised(&all), "the alert is still raised and shown");
    assert!(!rings(&all), "but it does not ring in the deploy window");
}

#[test]
fn ticking_against_failing_evidence_asks_first_and_records_the_evidence() {
    let mut app = app_at("09:00", Ledger::default());
    let at0 = at(&app.layout, "09:00", 0);
    poll(&mut app, bad(at0));
    assert_eq!(app.selected(), Some("i2"));
    let effects = press(&mut app, KeyCode::Char(' '));
    assert!(effects.is_empty(), "failing evidence asks before ticking");
    assert!(matches!(app.mode, warroom::app::Mode::Confirm { .. }));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.ledger.mark("i2"), &warroom::app::Mark::Open);
    press(&mut app, KeyCode::Char(' '));
    let effects = press(&mut app, KeyCode::Char('y'));
    let kinds: Vec<&str> = effects
        .iter()
        .filter_map(|e| {
            if let Effect::Persist(ev) = e {
                Some(ev.change.kind())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        kinds,
        ["tick", "evidence"],
        "the tick carries what the evidence said"
    );
    let (tick_at, evidence) = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(ev) => Some(ev),
            _ => None,
        })
        .fold((None, None), |(at, evidence), ev| match &ev.change {
            Change::Tick => (Some(ev.at), evidence),
            Change::Evidence(Evidence::Fact(fact)) => (at, Some((ev.at, fact.clone()))),
            _ => (at, evidence),
        });
    let (evidence_at, fact) = evidence.expect("the evidence is recorded as a fact");
    assert_eq!(Some(evidence_at), tick_at, "at the instant of the tick");
    assert_eq!(fact.status, warroom::sources::Status::Critical);
    assert_eq!(fact.sources.len(), 1);
    assert!(
        fact.sources[0]
            .failure
            .as_ref()
            .is_some_and(|f| f.text.starts_with("connection refused")),
        "what the evidence said: {fact:?}"
    );
    assert_eq!(
        warroom::words::evidence_record(Lang::ZhTw, &Evidence::Fact(fact), |id| id.to_string()),
        "嚴重 — api：connection refused",
        "shown in the reader's language"
    );
}

#[tokio::test]
async fn raise_ack_clear_is_persisted_and_reloaded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    let store = Store::open(&db).await.expect("store");
    let mut app = app_at("09:00", Ledger::default());
    let (tx, requests) = mpsc::channel(64);
    let (replies, mut rx) = mpsc::channel(64);
    let writer = tokio::spawn(worker::run(
        store,
        app.layout.launch.id.clone(),
        app.day(),
        0,
        requests,
        replies,
    ));
    let mut send = async |app: &mut App, effects: Vec<Effect>| {
        for effect in effects {
            if let Effect::Persist(event) = effect {
                tx.send(Request::Append(event)).await.expect("worker");
                let reply = tokio::time::timeout(Duration::from_secs(5), rx.recv())
                    .await
                    .expect("reply in time")
                    .expect("worker");
                assert!(matches!(reply, Reply::Committed(_)), "{reply:?}");
                update(app, Msg::Store(reply));
            }
        }
    };
    for s in [0, 5, 10] {
        let at = at(&app.layout, "09:00", s);
        let effects = update(&mut app, Msg::Poll(bad(at))).1;
        send(&mut app, effects).await;
    }
    press(&mut app, KeyCode::Char('a'));
    for c in "on it".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = press(&mut app, KeyCode::Enter);
    send(&mut app, effects).await;
    for s in [15, 20] {
        let at = at(&app.layout, "09:00", s);
        let effects = update(&mut app, Msg::Poll(good(at))).1;
        send(&mut app, effects).await;
    }
    assert_eq!(app.ledger.alerts().len(), 1, "in the running app");
    drop(tx);
    writer.await.expect("writer");

    let store = Store::open(&db).await.expect("reopen");
    let ledger = Ledger::from_events(
        store
            .day_events("alerts-test", app.day())
            .await
            .expect("events"),
    );
    let alerts = ledger.alerts();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let alert = &alerts[0];
    assert_eq!(alert.source, "api");
    assert_eq!(alert.severity, Health::Critical);
    assert!(
        alert.failure.text.contains("connection refused"),
        "{alert:?}"
    );
    assert_eq!(alert.raised_by, WARROOM, "raised by warroom, not by ann");
    assert_eq!(alert.ack.as_ref().map(|a| a.2.as_str()), Some("on it"));
    assert!(alert.cleared.is_some(), "cleared, and stored as such");
    let kinds: Vec<String> = ledger
        .events()
        .iter()
        .map(|s| s.event.change.kind().to_string())
        .collect();
    assert_eq!(kinds, ["alert_raised", "alert_ack", "alert_cleared"]);
}

#[tokio::test]
async fn live_history_and_uptime_survive_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("w.db")).await.expect("store");
    let mut app = app_at("09:00", Ledger::default());
    // Ten polls over two minutes: eight good, two bad.
    for n in 0..10 {
        let at = at(&app.layout, "09:00", n * 12);
        let result = if n == 4 || n == 5 { bad(at) } else { good(at) };
        update(&mut app, Msg::Poll(result));
    }
    let before = app.live.sources[0].uptime().expect("uptime");
    assert!((before - 80.0).abs() < 1e-9, "{before}");
    let samples = std::mem::take(&mut app.samples);
    store
        .save_samples("alerts-test", app.day(), &samples)
        .await
        .expect("save");
    // Saving the same minute again adds counters and keeps the last value, as the worker does.
    let stored = store
        .day_samples("alerts-test", app.day())
        .await
        .expect("load");
    assert_eq!(
        stored
            .iter()
            .filter(|s| s.series == "_polls")
            .map(|s| s.value)
            .sum::<f64>(),
        10.0
    );
    assert_eq!(
        stored
            .iter()
            .filter(|s| s.series == "_up")
            .map(|s| s.value)
            .sum::<f64>(),
        8.0
    );

    let mut restarted = app_at("09:05", Ledger::default());
    restarted.live.restore(&restarted.layout, &stored);
    let after = restarted.live.sources[0]
        .uptime()
        .expect("uptime after restart");
    assert!(
        (after - before).abs() < 1e-9,
        "uptime since the day began survives: {before} → {after}"
    );
    assert!(
        restarted.live.sources[0].points("value").count() >= 2,
        "the sparkline has its history back"
    );
}

fn reading(source: usize, at: DateTime<Utc>, value: f64) -> PollResult {
    PollResult {
        source,
        at,
        result: Ok(Observation {
            value: Some(value),
            elapsed: Duration::from_millis(3),
            ..Observation::default()
        }),
    }
}

fn persisted(effects: &[Effect]) -> Vec<&warroom::store::Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(ev) => Some(ev),
            _ => None,
        })
        .collect()
}

#[test]
fn an_alert_escalates_and_eases_as_events_and_shows_its_current_value() {
    let mut app = app_at("09:00", Ledger::default());
    let zone_layout = layout();
    let t = |s: i64| at(&zone_layout, "09:00", s);
    let mut log = Vec::new();
    let mut step = |app: &mut App, s: i64, value: f64| {
        let effects = poll(app, reading(1, t(s), value));
        for ev in persisted(&effects) {
            log.push((ev.at, ev.change.kind().to_string(), ev.operator.clone()));
        }
        effects
    };
    // Three slow polls: a warning, raised at the third poll's instant, by warroom.
    for s in [0, 5, 10] {
        step(&mut app, s, 228.2);
    }
    let alert = app.ledger.open_alert("lat").expect("raised").clone();
    assert_eq!(alert.severity, Health::Warn);
    assert_eq!(alert.failure.got, Some(228.2));
    assert_eq!(alert.raised_at, t(10), "stamped at the poll that raised it");
    assert_eq!(alert.raised_by, WARROOM);
    // It gets worse: the panel shows the value now, not the one it was raised with.
    step(&mut app, 15, 322.0);
    let screen = common_render(&app);
    let row = screen
        .lines()
        .find(|l| l.contains("warn Latency"))
        .unwrap_or_else(|| panic!("the open alert is listed:\n{screen}"));
    assert!(
        row.contains("got 322") && !row.contains("got 228.2"),
        "the value now, not the one it was raised with: {row}"
    );
    // Critical for three polls in a row: escalated, as its own event, and it rings.
    let mut rang = false;
    for s in [20, 25, 30] {
        rang |= rings(&step(&mut app, s, 1500.0));
    }
    let alert = app.ledger.open_alert("lat").expect("still open").clone();
    assert_eq!(alert.severity, Health::Critical);
    assert_eq!(alert.steps, vec![(t(30), Health::Warn, Health::Critical)]);
    assert!(rang, "an unacknowledged escalation rings");
    // Back to a warning for two polls: eased, quietly.
    let mut rang = false;
    for s in [35, 40] {
        rang |= rings(&step(&mut app, s, 150.0));
    }
    assert!(!rang, "easing never rings");
    assert_eq!(
        app.ledger.open_alert("lat").map(|a| a.severity),
        Some(Health::Warn)
    );
    for s in [45, 50] {
        step(&mut app, s, 10.0);
    }
    assert!(app.ledger.open_alert("lat").is_none(), "cleared");
    let kinds: Vec<&str> = log.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "alert_raised",
            "alert_severity",
            "alert_severity",
            "alert_cleared"
        ],
        "escalation and easing are events in the log: {log:?}"
    );
    assert!(log.iter().all(|(_, _, who)| who == WARROOM), "{log:?}");
    assert_eq!(log[3].0, t(50), "cleared at the poll's instant");
    let audit: Vec<String> = app
        .ledger
        .events()
        .iter()
        .map(|s| warroom::words::detail(Lang::En, &s.event.change, |id| id.to_string()))
        .collect();
    assert_eq!(
        audit[1], "warn → critical: value < 1000 ms: got 1500 ms",
        "{audit:?}"
    );
}

#[test]
fn an_acknowledged_alert_escalates_without_ringing_unless_the_layout_asks() {
    for (source, id, should_ring) in [(1, "lat", false), (2, "loud", true)] {
        let mut app = app_at("09:00", Ledger::default());
        let zone_layout = layout();
        let t = |s: i64| at(&zone_layout, "09:00", s);
        for s in [0, 5, 10] {
            poll(&mut app, reading(source, t(s), 228.2));
        }
        assert!(app.ledger.open_alert(id).is_some());
        press(&mut app, KeyCode::Char('a'));
        for c in "on it".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        let effects = press(&mut app, KeyCode::Enter);
        commit(&mut app, &effects);
        assert!(app.ledger.open_alert(id).is_some_and(|a| a.ack.is_some()));
        let mut rang = false;
        for s in [15, 20, 25] {
            rang |= rings(&poll(&mut app, reading(source, t(s), 1500.0)));
        }
        assert_eq!(
            app.ledger.open_alert(id).map(|a| a.severity),
            Some(Health::Critical),
            "{id}: the escalation shows"
        );
        assert_eq!(rang, should_ring, "{id}: escalation_rings = {should_ring}");
        // And no reminder either while acknowledged, however long it stays critical.
        let later = at(&app.layout, "09:30", 0);
        assert!(!rings(&poll(&mut app, reading(source, later, 1500.0))));
    }
}

#[test]
fn an_acknowledgement_is_stamped_when_its_key_is_pressed() {
    let layout = layout();
    let start = at(&layout, "10:14", 55);
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        // A rehearsal clock: two simulated minutes pass every real second.
        Clock::scaled(start, 120.0),
        Author {
            operator: "ann".into(),
            origin: "test".into(),
        },
        Ledger::default(),
    ));
    for s in [0, 1, 2] {
        let at = app.clock.now() + chrono::Duration::milliseconds(s);
        poll(&mut app, bad(at));
    }
    assert!(app.ledger.open_alert("api").is_some());
    press(&mut app, KeyCode::Char('a'));
    for c in "on it".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let before = app.clock.now();
    let effects = press(&mut app, KeyCode::Enter);
    let after = app.clock.now();
    let ack = persisted(&effects)
        .into_iter()
        .find(|e| matches!(e.change, Change::AlertAcknowledged { .. }))
        .expect("acknowledged")
        .clone();
    assert!(
        before <= ack.at && ack.at <= after,
        "stamped {} between {before} and {after}, not at the last clock tick",
        ack.at
    );
    assert_eq!(
        ack.operator, "ann",
        "an acknowledgement is the operator's own"
    );
}

fn common_render(app: &App) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut app_view = TestBackend::new(200, 60);
    let _ = &mut app_view;
    let mut terminal = Terminal::new(app_view).expect("test terminal");
    terminal
        .draw(|f| warroom::ui::draw(f, app, &warroom::ui::Theme::default()))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn quitting_hands_the_last_samples_to_the_store() {
    let mut app = app_at("09:00", Ledger::default());
    let t = at(&app.layout, "09:00", 1);
    update(&mut app, Msg::Tick);
    poll(&mut app, bad(t));
    assert!(!app.samples.is_empty(), "buffered until the next flush");
    let effects = press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::SaveSamples(s) if !s.is_empty())),
        "the buffered samples go to the store before warroom stops: {effects:?}"
    );
    assert!(app.samples.is_empty());
}
