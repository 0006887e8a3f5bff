//! How long a frame takes to build at 200x60 and 80x24 (the launch-day view with a morning of
//! history), how long replaying a busy day's log takes on start-up, and a frame of view 3
//! judging 24 days of a pilot's stored samples (as many a minute as the demo stores for the
//! targets' sources, 06:00–19:00).

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::layout;
use warroom::store::{Author, Change, Event, Stored};
use warroom::ui::{self, Theme};

fn setup() -> (App, Vec<Stored>) {
    let mut layout = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty(),
    )
    .expect("seed layout");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    layout.launch.date = Some(day);
    let now = at_zone(
        layout.launch.zone,
        day.and_time(NaiveTime::from_hms_opt(9, 31, 0).expect("time")),
    );
    let author = Author {
        operator: "ann".into(),
        origin: "bench".into(),
    };
    // A heavy day: every item ticked, unticked and ticked again with a note, by two operators.
    let mut events = Vec::new();
    let ids: Vec<String> = layout
        .tickables()
        .map(|(_, id, _)| id.to_string())
        .collect();
    for (n, id) in ids.iter().enumerate() {
        for change in [
            Change::Tick,
            Change::Untick,
            Change::Note {
                text: "checked with the depot".into(),
            },
            Change::Tick,
        ] {
            let seq = events.len() as i64 + 1;
            let who = if n % 2 == 0 {
                &author
            } else {
                &Author {
                    operator: "bob".into(),
                    origin: "bench".into(),
                }
            };
            events.push(Stored {
                seq,
                event: Event::new(who, &layout.launch.id, day, now, Some(id.clone()), change),
            });
        }
    }
    let ledger = Ledger::from_events(events.iter().take(60).cloned());
    (
        App::new(warroom::app::Config::new(
            Arc::new(layout),
            Clock::frozen(now),
            author,
            ledger,
        )),
        events,
    )
}

/// Day 24 of a pilot from 2026-12-01, on view 3, with every minute 06:00–19:00 of every day
/// stored for the sources the targets read.
fn pilot_app() -> (App, usize) {
    let text = std::fs::read_to_string("layouts/luckygas-pilot.toml")
        .expect("seed layout")
        .replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n");
    let layout = layout::parse("pilot.toml", &text, &layout::Env::empty()).expect("layout");
    let zone = layout.launch.zone;
    let mut samples = std::collections::BTreeMap::new();
    let mut count = 0;
    for d in 1..=24 {
        let date = NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        let mut day = Vec::new();
        for minute in 0..13 * 60 {
            let at = at_zone(
                zone,
                date.and_time(NaiveTime::from_hms_opt(6, 0, 0).expect("6:00")),
            ) + chrono::Duration::minutes(minute);
            for (source, series, value) in [
                ("api", "_polls", 12.0),
                ("api", "_up", 12.0),
                ("deliveries", "delivered", minute as f64),
                ("deliveries", "failed", 1.0),
                ("latency", "avg_ms", 120.0),
                ("latency", "p95_ms", 180.0),
                ("satisfaction", "value", 4.5),
                ("satisfaction", "ratings", 10.0),
            ] {
                day.push(warroom::store::Sample {
                    source: source.into(),
                    series: series.into(),
                    minute: at,
                    value,
                });
            }
        }
        count += day.len();
        samples.insert(date, day);
    }
    let now = at_zone(
        zone,
        NaiveDate::from_ymd_opt(2026, 12, 24)
            .expect("date")
            .and_time(NaiveTime::from_hms_opt(10, 0, 0).expect("time")),
    );
    let author = Author {
        operator: "ann".into(),
        origin: "bench".into(),
    };
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ));
    app.pilot_samples = samples;
    app.view = warroom::app::View::Criteria;
    (app, count)
}

fn bench(c: &mut Criterion) {
    let (app, events) = setup();
    let theme = Theme::default();
    for (w, h) in [(200, 60), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        c.bench_function(&format!("frame {w}x{h}"), |b| {
            b.iter(|| {
                terminal
                    .draw(|f| ui::draw(f, &app, &theme))
                    .map(|_| ())
                    .expect("draw")
            })
        });
    }
    let (pilot, count) = pilot_app();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    c.bench_function(&format!("frame 200x60, view 3 over {count} samples"), |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, &pilot, &theme))
                .map(|_| ())
                .expect("draw")
        })
    });
    c.bench_function(&format!("replay {} events", events.len()), |b| {
        b.iter(|| Ledger::from_events(events.iter().cloned()))
    });
    c.bench_function("load and validate the seed layout", |b| {
        b.iter(|| {
            layout::load(
                Path::new("layouts/luckygas-pilot.toml"),
                &layout::Env::empty(),
            )
            .expect("layout")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
