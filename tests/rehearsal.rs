//! A whole demo day, 06:00 to 19:00, rehearsed headless at high speed: the real poller and the
//! real http probes against the simulator, answers fed through the app's update as the TUI
//! would. The scripted incidents must show as alerts at their times, and at 19:00 the
//! deliveries panel must hold exactly what the simulator says happened.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use tokio::sync::mpsc;
use warroom::app::{App, Clock, Ledger};
use warroom::poller::Poller;
use warroom::sim::{self, SimConfig};
use warroom::store::worker::Reply;
use warroom::store::{Author, Change, Stored};
use warroom::update::{Effect, Msg, update};

/// Simulated seconds per real second: the 13-hour day in under 20 s.
const SPEED: f64 = 2400.0;
/// Real poll interval: 48 simulated seconds at that speed.
const INTERVAL: Duration = Duration::from_millis(20);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

fn at(hm: &str) -> DateTime<Utc> {
    sim::clock::at_zone_time(day(), NaiveTime::parse_from_str(hm, "%H:%M").expect("time"))
}

#[derive(Debug)]
struct Seen {
    source: String,
    raised: DateTime<Utc>,
    cleared: Option<DateTime<Utc>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_demo_day_shows_the_scripted_incidents_and_ends_with_the_true_counts() {
    let mut config = SimConfig::new(day()).expect("default demo config");
    config.seed = 7;
    config.speed = SPEED;
    let sim = sim::serve(config).await.expect("the simulator starts");

    let text = std::fs::read_to_string("layouts/luckygas-pilot.toml").expect("seed layout");
    let text = text.replace("${LUCKYGAS_API}", &sim.base_url());
    let mut layout = warroom::layout::parse(
        "layouts/luckygas-pilot.toml",
        &text,
        &warroom::layout::Env::empty(),
    )
    .expect("layout");
    layout.launch.date = Some(day());
    // Only what the incidents touch, polled fast: enough to see them, light on 2 cores.
    let wanted = ["error-rate", "maps", "tickets-breach", "deliveries"];
    for source in &mut layout.sources {
        source.spec.interval = INTERVAL;
        source.spec.timeout = Duration::from_secs(2);
    }
    let clock = Clock::scaled(sim.clock().start(), SPEED);
    let author = Author {
        operator: "rehearsal".into(),
        origin: "test".into(),
    };
    let mut app = App::new(Arc::new(layout), clock, author, Ledger::default());
    let probes = app
        .layout
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| wanted.contains(&s.spec.id.as_str()))
        .map(|(i, s)| {
            (
                i,
                s.spec.clone(),
                warroom::sources::build(&s.spec).expect("probe"),
            )
        })
        .collect();
    let (tx, mut rx) = mpsc::channel(1024);
    let poller = Poller::start(probes, clock, tx);

    let mut seen: Vec<Seen> = Vec::new();
    let end = at("19:00") + chrono::Duration::minutes(3);
    let mut seq = 0;
    while app.clock.now() < end {
        let result = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("polls keep coming")
            .expect("poller running");
        let polled_at = result.at;
        let (_, effects) = update(&mut app, Msg::Poll(result));
        for effect in effects {
            let Effect::Persist(event) = effect else {
                continue;
            };
            match &event.change {
                Change::AlertRaised { source, .. } if app.ledger.open_alert(source).is_none() => {
                    seen.push(Seen {
                        source: source.clone(),
                        raised: polled_at,
                        cleared: None,
                    });
                }
                Change::AlertCleared { source, .. } => {
                    if let Some(s) = seen
                        .iter_mut()
                        .rev()
                        .find(|s| &s.source == source && s.cleared.is_none())
                    {
                        s.cleared = Some(polled_at);
                    }
                }
                _ => {}
            }
            seq += 1;
            update(
                &mut app,
                Msg::Store(Reply::Committed(Stored { seq, event })),
            );
        }
    }
    drop(poller);

    let hm = |t: DateTime<Utc>| {
        t.with_timezone(&sim::clock::ZONE)
            .format("%H:%M")
            .to_string()
    };
    let log: Vec<String> = seen
        .iter()
        .map(|s| {
            format!(
                "{} {}–{}",
                s.source,
                hm(s.raised),
                s.cleared.map_or("open".into(), hm)
            )
        })
        .collect();
    let find = |source: &str, from: &str, to: &str| {
        seen.iter()
            .find(|s| s.source == source && s.raised >= at(from) && s.raised <= at(to))
    };

    // 09:30 error rate to 6 % for 10 minutes (the backend's rate is over 5 minutes): raised
    // during it, cleared after it.
    let errors = find("error-rate", "09:30", "09:45")
        .unwrap_or_else(|| panic!("no error-rate alert in the incident: {log:?}"));
    let cleared = errors
        .cleared
        .unwrap_or_else(|| panic!("the error-rate alert never cleared: {log:?}"));
    assert!(
        cleared >= at("09:40") && cleared <= at("10:05"),
        "error-rate cleared at {}: {log:?}",
        hm(cleared)
    );
    // 10:15 maps down for 5 minutes.
    let maps = find("maps", "10:15", "10:21")
        .unwrap_or_else(|| panic!("no maps alert during its outage: {log:?}"));
    assert!(
        maps.cleared.is_some_and(|c| c <= at("10:30")),
        "maps back after 10:20: {log:?}"
    );
    // 11:00 a ticket left open: past the 2 h target from 13:00.
    let breach = find("tickets-breach", "13:00", "13:10")
        .unwrap_or_else(|| panic!("no 2 h ticket breach alert: {log:?}"));
    assert!(breach.raised >= at("13:00"), "{log:?}");
    // 17:30 two deliveries fail: completion falls below 95 % and stays there.
    find("deliveries", "17:30", "17:40")
        .unwrap_or_else(|| panic!("no completion alert after the failed deliveries: {log:?}"));
    // Nothing alerted outside the scripted incidents (maps being down also fails the requests
    // that need it, so the error rate may rise with it).
    for s in &seen {
        let scripted = [
            ("error-rate", "09:30", "09:45"),
            ("maps", "10:15", "10:21"),
            ("error-rate", "10:15", "10:25"),
            ("tickets-breach", "13:00", "13:10"),
            // Completion is judged against 95 % whenever a delivery fails: the simulator's own
            // failures (one among twenty) dip it below the target for a while, as on a real day.
            ("deliveries", "06:00", "19:00"),
        ]
        .iter()
        .any(|(src, from, to)| s.source == *src && s.raised >= at(from) && s.raised <= at(to));
        assert!(scripted, "an alert outside the scenario: {s:?} in {log:?}");
    }
    assert_eq!(
        app.ledger.alerts().len(),
        seen.len(),
        "every alert is in the log"
    );

    // At 19:00 the deliveries panel holds exactly what happened.
    // warroom builds its own TLS config; a bare reqwest client needs the provider named.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let body = reqwest::get(format!(
        "{}/sim/truth?at=2026-12-01T19:00:00%2B08:00",
        sim.base_url()
    ))
    .await
    .expect("truth")
    .text()
    .await
    .expect("truth body");
    let truth: serde_json::Value = serde_json::from_str(&body).expect("truth is JSON");
    let index = app
        .layout
        .sources
        .iter()
        .position(|s| s.spec.id == "deliveries")
        .expect("deliveries source");
    let state = &app.live.sources[index];
    for field in ["total", "delivered", "failed"] {
        let shown = state.field(field).unwrap_or(f64::NAN);
        let real = truth["deliveries"][field].as_f64().unwrap_or(f64::NAN);
        assert_eq!(
            shown, real,
            "deliveries {field}: panel {shown}, truth {real}"
        );
    }
    sim.shutdown().await.expect("the simulator stops");
}
