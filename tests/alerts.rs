//! Alerts: raised on the crossing after N bad polls, cleared after M good ones, no flapping,
//! acknowledged with a reason, reminded when still critical and unacknowledged, quiet during a
//! quiet block — and all of it stored in the event log and reloaded.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ratatui::crossterm::event::KeyCode;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::i18n::Lang;
use warroom::layout::{self, Layout};
use warroom::poller::PollResult;
use warroom::runtime::{Exit, Input};
use warroom::sources::Health;
use warroom::sources::{Observation, SourceError};
use warroom::store::worker::Request;
use warroom::store::{Author, Change, Evidence, Store, WARROOM};

mod common;
use common::rig::{Outcome, Rig};

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

/// The app on the real runtime, its changes committed by the real store task to a SQLite file
/// of its own.
struct Room {
    rig: Rig,
    _dir: tempfile::TempDir,
}

impl Room {
    async fn new(app: App) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let rig = Rig::sqlite(app, 200, 60, &dir.path().join("w.db")).await;
        Self { rig, _dir: dir }
    }

    fn app(&self) -> &App {
        self.rig.app()
    }

    /// Applies a poll; what it stored, and whether it rang, once the store has answered.
    async fn poll(&mut self, result: PollResult) -> Outcome {
        self.rig.poll_settled(result).await
    }

    async fn press(&mut self, code: KeyCode) -> Outcome {
        self.rig.press(code).await
    }

    async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c)).await;
        }
    }
}

fn raised(outcome: &Outcome) -> bool {
    outcome
        .stored
        .iter()
        .any(|ev| matches!(ev.change, Change::AlertRaised { .. }))
}

fn cleared(outcome: &Outcome) -> bool {
    outcome
        .stored
        .iter()
        .any(|ev| matches!(ev.change, Change::AlertCleared { .. }))
}

fn rings(outcome: &Outcome) -> bool {
    outcome.rang()
}

#[tokio::test]
async fn raised_after_three_bad_polls_and_cleared_after_two_good_ones() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    let t = |s| at(&layout(), "09:00", s);
    let (t0, t1, t2, t3, t4) = (t(0), t(5), t(10), t(15), t(20));
    assert!(!raised(&room.poll(bad(t0)).await));
    assert!(!raised(&room.poll(bad(t1)).await));
    let third = room.poll(bad(t2)).await;
    assert!(
        raised(&third) && rings(&third),
        "the third bad poll raises and rings: {third:?}"
    );
    assert!(room.app().ledger.open_alert("api").is_some());
    assert!(
        !raised(&room.poll(bad(t3)).await),
        "raised on the crossing, not on every poll"
    );
    assert!(
        !cleared(&room.poll(good(t4)).await),
        "one good poll does not clear"
    );
    let t5 = t(25);
    assert!(cleared(&room.poll(good(t5)).await), "two good polls clear");
    assert!(room.app().ledger.open_alert("api").is_none());
    assert_eq!(room.app().ledger.alerts().len(), 1);
}

#[tokio::test]
async fn the_status_line_keeps_the_operators_confirmation_when_warroom_raises_an_alert() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    // i2 is ticked against its source, which has not answered yet: asked, and confirmed.
    room.press(KeyCode::Char(' ')).await;
    let ticked = room.press(KeyCode::Char('y')).await;
    assert!(
        ticked.stored.iter().any(|ev| ev.change == Change::Tick),
        "{ticked:?}"
    );
    let said = |room: &Room| room.app().flash.as_ref().map(|f| f.text.clone());
    let confirmation = said(&room).unwrap_or_default();
    assert!(confirmation.starts_with("Saved: "), "{confirmation:?}");
    let t = |s| at(&layout(), "09:00", s);
    for s in [0, 5, 10] {
        room.poll(bad(t(s))).await;
    }
    assert!(
        room.app().ledger.open_alert("api").is_some(),
        "raised and saved"
    );
    assert_eq!(
        said(&room),
        Some(confirmation),
        "warroom's own alert is on its panel and rang; the operator's 'Saved' stays"
    );
}

#[tokio::test]
async fn a_flapping_source_never_raises() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    for n in 0..20 {
        let at = at(&layout(), "09:00", n * 5);
        let outcome = if n % 3 == 2 {
            room.poll(good(at)).await
        } else {
            room.poll(bad(at)).await
        };
        assert!(
            !raised(&outcome),
            "poll {n} raised an alert for a flapping source"
        );
    }
}

#[tokio::test]
async fn acknowledged_alerts_stay_quiet_unacknowledged_ones_are_reminded() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    let layout = layout();
    for s in [0, 5, 10] {
        room.poll(bad(at(&layout, "09:00", s))).await;
    }
    // Eleven minutes later, still critical and nobody on it: reminded.
    let outcome = room.poll(bad(at(&layout, "09:11", 0))).await;
    assert!(
        rings(&outcome),
        "a reminder rings after the reminder interval"
    );
    assert!(
        room.app()
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("Still critical"))
    );

    room.press(KeyCode::Char('a')).await;
    assert!(
        room.press(KeyCode::Enter).await.is_empty(),
        "an acknowledgement needs a reason"
    );
    room.type_text("ann calling devops").await;
    room.press(KeyCode::Enter).await;
    let alert = room.app().ledger.open_alert("api").expect("still open");
    assert_eq!(
        alert
            .ack
            .as_ref()
            .map(|(who, _, why)| (who.as_str(), why.as_str())),
        Some(("ann", "ann calling devops"))
    );

    assert!(
        !rings(&room.poll(bad(at(&layout, "09:40", 0))).await),
        "acknowledged: the bell stays quiet"
    );
    // The check keeps running; when it clears, the acknowledgement ends with the alert.
    for s in [5, 10] {
        room.poll(good(at(&layout, "09:40", s))).await;
    }
    assert!(room.app().ledger.open_alert("api").is_none());
    for s in [15, 20, 25] {
        room.poll(bad(at(&layout, "09:40", s))).await;
    }
    assert!(
        room.app()
            .ledger
            .open_alert("api")
            .is_some_and(|a| a.ack.is_none()),
        "a new alert starts unacknowledged"
    );
}

#[tokio::test]
async fn a_quiet_block_shows_alerts_without_ringing() {
    let mut room = Room::new(app_at("06:30", Ledger::default())).await;
    let (mut raised_any, mut rang) = (false, false);
    for s in [0, 5, 10] {
        let outcome = room.poll(bad(at(&layout(), "06:30", s))).await;
        raised_any |= raised(&outcome);
        rang |= rings(&outcome);
    }
    assert!(raised_any, "the alert is still raised and shown");
    assert!(!rang, "but it does not ring in the deploy window");
}

#[tokio::test]
async fn ticking_against_failing_evidence_asks_first_and_records_the_evidence() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    room.poll(bad(at(&layout(), "09:00", 0))).await;
    assert_eq!(room.app().selected(), Some("i2"));
    let outcome = room.press(KeyCode::Char(' ')).await;
    assert!(outcome.is_empty(), "failing evidence asks before ticking");
    assert!(matches!(
        room.app().mode,
        warroom::app::Mode::Confirm { .. }
    ));
    room.press(KeyCode::Char('n')).await;
    assert_eq!(room.app().ledger.mark("i2"), &warroom::app::Mark::Open);
    room.press(KeyCode::Char(' ')).await;
    let outcome = room.press(KeyCode::Char('y')).await;
    assert_eq!(
        outcome.kinds(),
        ["tick", "evidence"],
        "the tick carries what the evidence said"
    );
    let (tick_at, evidence) = outcome
        .stored
        .iter()
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
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    let db = room._dir.path().join("w.db");
    for s in [0, 5, 10] {
        room.poll(bad(at(&layout(), "09:00", s))).await;
    }
    room.press(KeyCode::Char('a')).await;
    room.type_text("on it").await;
    room.press(KeyCode::Enter).await;
    for s in [15, 20] {
        room.poll(good(at(&layout(), "09:00", s))).await;
    }
    assert!(
        !room.rig.store().seen("failed"),
        "every write committed: {:?}",
        room.rig.store().kinds()
    );
    let Room { rig, _dir } = room;
    let app = rig.finish().await;
    assert_eq!(app.ledger.alerts().len(), 1, "in the running app");

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
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    let db = room._dir.path().join("w.db");
    // Ten polls over two minutes: eight good, two bad.
    for n in 0..10 {
        let at = at(&layout(), "09:00", n * 12);
        let result = if n == 4 || n == 5 { bad(at) } else { good(at) };
        room.poll(result).await;
    }
    let before = room.app().live.sources[0].uptime().expect("uptime");
    assert!((before - 80.0).abs() < 1e-9, "{before}");
    // Quitting hands the buffered samples to the store task, which writes them.
    let Room { rig, _dir } = room;
    let app = rig.finish().await;
    let store = Store::open(&db).await.expect("reopen");
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

#[tokio::test]
async fn an_alert_escalates_and_eases_as_events_and_shows_its_current_value() {
    let mut room = Room::new(app_at("09:00", Ledger::default())).await;
    let zone_layout = layout();
    let t = |s: i64| at(&zone_layout, "09:00", s);
    let mut log = Vec::new();
    let mut step = async |room: &mut Room, s: i64, value: f64| {
        let outcome = room.poll(reading(1, t(s), value)).await;
        for ev in &outcome.stored {
            log.push((ev.at, ev.change.kind().to_string(), ev.operator.clone()));
        }
    };
    // Three slow polls: a warning, raised at the third poll's instant, by warroom.
    for s in [0, 5, 10] {
        step(&mut room, s, 228.2).await;
    }
    let alert = room.app().ledger.open_alert("lat").expect("raised").clone();
    assert_eq!(alert.severity, Health::Warn);
    assert_eq!(alert.failure.got, Some(228.2));
    assert_eq!(alert.raised_at, t(10), "stamped at the poll that raised it");
    assert_eq!(alert.raised_by, WARROOM);
    // It gets worse: the panel shows the value now, not the one it was raised with.
    step(&mut room, 15, 322.0).await;
    let screen = common_render(room.app());
    let row = screen
        .lines()
        .find(|l| l.contains("warn Latency"))
        .unwrap_or_else(|| panic!("the open alert is listed:\n{screen}"));
    assert!(
        row.contains("got 322") && !row.contains("got 228.2"),
        "the value now, not the one it was raised with: {row}"
    );
    // Critical for three polls in a row: escalated, as its own event, and it rings.
    let bells = room.rig.sink().bells;
    for s in [20, 25, 30] {
        step(&mut room, s, 1500.0).await;
    }
    let alert = room
        .app()
        .ledger
        .open_alert("lat")
        .expect("still open")
        .clone();
    assert_eq!(alert.severity, Health::Critical);
    assert_eq!(alert.steps, vec![(t(30), Health::Warn, Health::Critical)]);
    assert!(
        room.rig.sink().bells > bells,
        "an unacknowledged escalation rings"
    );
    // Back to a warning for two polls: eased, quietly.
    let bells = room.rig.sink().bells;
    for s in [35, 40] {
        step(&mut room, s, 150.0).await;
    }
    assert_eq!(room.rig.sink().bells, bells, "easing never rings");
    assert_eq!(
        room.app().ledger.open_alert("lat").map(|a| a.severity),
        Some(Health::Warn)
    );
    for s in [45, 50] {
        step(&mut room, s, 10.0).await;
    }
    assert!(room.app().ledger.open_alert("lat").is_none(), "cleared");
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
    let audit: Vec<String> = room
        .app()
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

#[tokio::test]
async fn an_acknowledged_alert_escalates_without_ringing_unless_the_layout_asks() {
    for (source, id, should_ring) in [(1, "lat", false), (2, "loud", true)] {
        let mut room = Room::new(app_at("09:00", Ledger::default())).await;
        let zone_layout = layout();
        let t = |s: i64| at(&zone_layout, "09:00", s);
        for s in [0, 5, 10] {
            room.poll(reading(source, t(s), 228.2)).await;
        }
        assert!(room.app().ledger.open_alert(id).is_some());
        room.press(KeyCode::Char('a')).await;
        room.type_text("on it").await;
        room.press(KeyCode::Enter).await;
        assert!(
            room.app()
                .ledger
                .open_alert(id)
                .is_some_and(|a| a.ack.is_some())
        );
        let mut rang = false;
        for s in [15, 20, 25] {
            rang |= rings(&room.poll(reading(source, t(s), 1500.0)).await);
        }
        assert_eq!(
            room.app().ledger.open_alert(id).map(|a| a.severity),
            Some(Health::Critical),
            "{id}: the escalation shows"
        );
        assert_eq!(rang, should_ring, "{id}: escalation_rings = {should_ring}");
        // And no reminder either while acknowledged, however long it stays critical.
        let later = at(&zone_layout, "09:30", 0);
        assert!(!rings(&room.poll(reading(source, later, 1500.0)).await));
    }
}

#[tokio::test]
async fn an_acknowledgement_is_stamped_when_its_key_is_pressed() {
    let layout = layout();
    let start = at(&layout, "10:14", 55);
    let app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        // A rehearsal clock: two simulated minutes pass every real second.
        Clock::scaled(start, 120.0),
        Author {
            operator: "ann".into(),
            origin: "test".into(),
        },
        Ledger::default(),
    ));
    let mut room = Room::new(app).await;
    for s in [0, 1, 2] {
        let at = room.app().clock.now() + chrono::Duration::milliseconds(s);
        room.poll(bad(at)).await;
    }
    assert!(room.app().ledger.open_alert("api").is_some());
    room.press(KeyCode::Char('a')).await;
    room.type_text("on it").await;
    let before = room.app().clock.now();
    let outcome = room.press(KeyCode::Enter).await;
    let after = room.app().clock.now();
    let ack = outcome
        .stored
        .iter()
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

#[tokio::test]
async fn quitting_hands_the_last_samples_to_the_store() {
    let app = app_at("09:00", Ledger::default());
    let t = at(&app.layout, "09:00", 1);
    let mut rig = Rig::new(app, 200, 60);
    // The tick first and alone: it starts the flush clock. Sent together, the runtime may take
    // the poll first, and the tick would then flush its sample before the quit could.
    rig.input(Input::Tick).await;
    rig.applied().await;
    rig.poll(bad(t)).await;
    rig.applied().await;
    assert!(
        !rig.app().samples.is_empty(),
        "buffered until the next flush"
    );
    rig.key(KeyCode::Char('q')).await;
    assert_eq!(rig.until_exit().await, Exit::Quit);
    assert!(rig.app().samples.is_empty());
    let mut requests = rig.requests.take().expect("the rig keeps the requests");
    let mut saved = Vec::new();
    while let Ok(request) = requests.try_recv() {
        if let Request::Samples(samples) = request {
            saved.push(samples.len());
        }
    }
    assert!(
        saved.iter().any(|n| *n > 0),
        "the buffered samples go to the store before warroom stops: {saved:?}"
    );
}
