//! A launch day with live data, for the screen tests: every source of the seed layout fed an
//! answer as a poll would record it, in one of five states (ok, warn, critical, stale, error),
//! and in the critical state two alerts — one acknowledged by bob, one nobody is on.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde_json::json;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::layout::{self, Layout};
use warroom::sources::{BodyKind, Observation, SourceError};
use warroom::store::{Author, Change, Event, Stored};
use warroom::update::update;

/// The seed layout with a backend URL that answers nothing (tests feed the answers).
pub fn seed() -> Layout {
    let text =
        std::fs::read_to_string(Path::new("layouts/luckygas-pilot.toml")).expect("seed layout");
    // The backend URL comes from the environment; tests must not mutate theirs.
    let text = text.replace("${LUCKYGAS_API}", "http://127.0.0.1:9");
    let mut layout = layout::parse("layouts/luckygas-pilot.toml", &text, &layout::Env::empty())
        .expect("seed layout parses");
    layout.launch.date = Some(day());
    layout
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

pub fn at(layout: &Layout, hm: &str) -> DateTime<Utc> {
    at_zone(
        layout.launch.zone,
        day().and_time(NaiveTime::parse_from_str(hm, "%H:%M").expect("time")),
    )
}

#[derive(Clone, Copy, Debug)]
pub enum State {
    Ok,
    Warn,
    Critical,
    Stale,
    Error,
}

pub fn obs(
    value: Option<f64>,
    fields: &[(&str, f64)],
    body: Option<serde_json::Value>,
    status: u16,
    ms: u64,
) -> Observation {
    Observation {
        status: Some(status),
        value,
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<BTreeMap<_, _>>(),
        body_kind: if body.is_some() {
            BodyKind::Json
        } else {
            BodyKind::None
        },
        body,
        elapsed: Duration::from_millis(ms),
        ..Observation::default()
    }
}

pub fn tickets(layout: &Layout) -> serde_json::Value {
    let opened = |hm: &str| {
        at(layout, hm)
            .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("+8"))
            .to_rfc3339()
    };
    json!([
        { "id": "LG-1001", "priority": "P2", "title": "Driver app cannot scan QR on cylinder", "opened_at": opened("07:05"), "resolved_at": null },
        { "id": "LG-1002", "priority": "P3", "title": "Invoice shows old price", "opened_at": opened("08:40"), "resolved_at": null },
        { "id": "LG-1003", "priority": "P1", "title": "Customer not notified of delivery window", "opened_at": opened("09:10"), "resolved_at": null },
        { "id": "LG-0999", "priority": "P2", "title": "Resolved already", "opened_at": opened("06:30"), "resolved_at": opened("07:00") },
    ])
}

/// Feeds every source a poll result matching `state`, `polls` times, the last at `now`.
pub fn feed(app: &mut App, state: State) {
    let layout = Arc::clone(&app.layout);
    let now = app.now;
    let when = match state {
        State::Stale => now - chrono::Duration::minutes(3),
        _ => now,
    };
    for (index, source) in layout.sources.iter().enumerate() {
        let id = source.spec.id.as_str();
        let bad = matches!(state, State::Critical) && matches!(id, "maps" | "error-rate");
        let result: Result<Observation, SourceError> = match (state, id) {
            (State::Error, _) => Err(SourceError::Timeout(Duration::from_secs(3))),
            (_, "error-rate") => Ok(obs(
                // In the shown unit (the layout's `unit = "ratio"` makes these percent).
                Some(match state {
                    State::Warn => 2.3,
                    State::Critical => 6.4,
                    _ => 0.4,
                }),
                &[],
                None,
                200,
                35,
            )),
            (_, "latency") => {
                let p95 = if matches!(state, State::Warn) {
                    242.0
                } else {
                    182.0
                };
                Ok(obs(
                    Some(p95),
                    &[("p95_ms", p95), ("avg_ms", 96.0)],
                    None,
                    200,
                    31,
                ))
            }
            (_, "deliveries") => Ok(obs(
                Some(95.5),
                &[
                    ("total", 40.0),
                    ("delivered", 21.0),
                    ("failed", 1.0),
                    ("out_for_delivery", 9.0),
                    ("assigned", 6.0),
                    ("created", 3.0),
                    ("completion_rate", 95.5),
                ],
                None,
                200,
                44,
            )),
            (_, "tickets") => Ok(obs(None, &[], Some(tickets(&layout)), 200, 52)),
            (_, "tickets-breach") => Ok(obs(Some(1.0), &[], None, 200, 20)),
            (_, "satisfaction") => Ok(obs(Some(4.4), &[], None, 200, 18)),
            (_, "maps") if bad => Ok(obs(None, &[], Some(json!({"status": "DOWN"})), 503, 1200)),
            _ => Ok(obs(None, &[], Some(json!({"status": "UP"})), 200, 40)),
        };
        // Judged by the layout's own conditions, as a poll would be.
        let (health, reason) = warroom::sources::evaluate(&source.spec, &result);
        for n in 0..4 {
            let t = when - chrono::Duration::seconds(2 * (3 - n));
            app.live
                .record(&layout, index, t, result.clone(), health, reason.clone());
        }
    }
}

/// The launch day at 09:31 with its sources in `state`.
pub fn app_in(state: State) -> App {
    let layout = seed();
    let now = at(&layout, "09:31");
    let author = Author {
        operator: "ann".into(),
        origin: "local on warroom-pc".into(),
    };
    let mut events = Vec::new();
    if matches!(state, State::Critical) {
        let ops = Author {
            operator: "bob".into(),
            origin: "ssh from 10.1.2.3 to jump".into(),
        };
        let raised = Event::new(
            &author,
            &layout.launch.id,
            day(),
            at(&layout, "09:29"),
            None,
            Change::AlertRaised {
                source: "maps".into(),
                severity: warroom::sources::Health::Critical,
                failure: Box::new(warroom::sources::Failure {
                    condition: Some("[STATUS] == 200".into()),
                    got: Some(503.0),
                    unit: None,
                    text: "[STATUS] == 200: got 503".into(),
                }),
            },
        );
        let ack = Event::new(
            &ops,
            &layout.launch.id,
            day(),
            at(&layout, "09:30"),
            None,
            Change::AlertAcknowledged {
                source: "maps".into(),
                reason: "bob calling GCP".into(),
            },
        );
        let err = Event::new(
            &author,
            &layout.launch.id,
            day(),
            at(&layout, "09:30"),
            None,
            Change::AlertRaised {
                source: "error-rate".into(),
                severity: warroom::sources::Health::Critical,
                failure: Box::new(warroom::sources::Failure {
                    condition: Some("value < 0.05".into()),
                    got: Some(0.064),
                    unit: None,
                    text: "value < 0.05: got 0.064".into(),
                }),
            },
        );
        events = vec![
            Stored {
                seq: 1,
                event: raised,
            },
            Stored { seq: 2, event: ack },
            Stored { seq: 3, event: err },
        ];
    }
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::from_events(events),
    ));
    app.local_offset = FixedOffset::east_opt(0).expect("UTC");
    feed(&mut app, state);
    app
}

pub const STATES: [State; 5] = [
    State::Ok,
    State::Warn,
    State::Critical,
    State::Stale,
    State::Error,
];

/// Applies `change` as a committed event of the store (seq `seq`), by the app's operator.
pub fn commit(app: &mut App, seq: i64, change: Change) {
    let event = Event::new(
        &app.author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        None,
        change,
    );
    update(
        app,
        warroom::update::Msg::Store(warroom::store::worker::Reply::Committed(Stored {
            seq,
            event,
        })),
    );
}
