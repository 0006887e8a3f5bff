//! A whole demo day, 06:00 to 19:00, rehearsed at high speed as `warroom demo` runs it: the
//! demo backend (seed 7) and the app on one clock, the real poller and http probes, a clock
//! tick every real second, key presses for every launch-day item and an acknowledgement, all
//! through the real runtime, every event committed by the real store task to a SQLite file. Then the report of that file is compared with what
//! the backend says happened (`/sim/truth`, and each source's own answer minute by minute):
//! every alert's raise and clear within one poll of its incident window, every key press at
//! the instant it was pressed, every report figure within tolerance.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use crossterm::event::KeyCode;
use serde_json::Value;
use warroom::app::{App, Ledger, Mode};
use warroom::layout::Layout;
use warroom::poller::Poller;
use warroom::report::{self, Lang, Report};
use warroom::runtime::Input;
use warroom::sim::{self, SimConfig};
use warroom::sources::{self, Health, Kind};
use warroom::store::{Author, Change, Store};

mod common;
use common::rig::Rig;

/// Simulated seconds per real second: the 13-hour day in 39 s.
const SPEED: f64 = 1200.0;
/// Every source polls every 25 ms of real time: 30 simulated seconds.
const INTERVAL: Duration = Duration::from_millis(25);
/// The sources the report and the incidents need.
const POLLED: [&str; 8] = [
    "api",
    "maps",
    "error-rate",
    "latency",
    "deliveries",
    "tickets",
    "tickets-breach",
    "satisfaction",
];

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

fn at(hms: &str) -> DateTime<Utc> {
    let format = if hms.len() > 5 { "%H:%M:%S" } else { "%H:%M" };
    sim::clock::at_zone_time(day(), NaiveTime::parse_from_str(hms, format).expect("time"))
}

fn hms(t: DateTime<Utc>) -> String {
    t.with_timezone(&sim::clock::ZONE)
        .format("%H:%M:%S")
        .to_string()
}

fn interval_sim() -> chrono::Duration {
    chrono::Duration::milliseconds((INTERVAL.as_secs_f64() * SPEED * 1000.0) as i64)
}

fn layout(base: &str) -> Layout {
    // The API's `[RESPONSE_TIME] < 300` measures this machine's debug build, not the day.
    let text = std::fs::read_to_string("layouts/luckygas-pilot.toml")
        .expect("seed layout")
        .replace("${LUCKYGAS_API}", base)
        .replace("warn = [\"[RESPONSE_TIME] < 300\"]\n", "");
    let mut layout = warroom::layout::parse(
        "layouts/luckygas-pilot.toml",
        &text,
        &warroom::layout::Env::empty(),
    )
    .expect("layout");
    layout.launch.date = Some(day());
    for source in &mut layout.sources {
        source.spec.interval = INTERVAL;
        source.spec.timeout = Duration::from_secs(2);
    }
    layout
}

/// One figure of the comparison: what the report says, what the truth says, and whether they
/// agree within tolerance.
struct Figure {
    name: String,
    report: String,
    truth: String,
    ok: bool,
}

#[derive(Default)]
struct Figures(Vec<Figure>);

impl Figures {
    fn check(&mut self, name: impl Into<String>, report: String, truth: String, ok: bool) {
        self.0.push(Figure {
            name: name.into(),
            report,
            truth,
            ok,
        });
    }

    fn time(
        &mut self,
        name: impl Into<String>,
        got: Option<DateTime<Utc>>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) {
        let ok = got.is_some_and(|g| g >= from && g <= to);
        self.check(
            name,
            got.map_or("none".into(), hms),
            format!("{}–{}", hms(from), hms(to)),
            ok,
        );
    }

    fn number(&mut self, name: impl Into<String>, got: Option<f64>, truth: f64, tolerance: f64) {
        let ok = got.is_some_and(|g| (g - truth).abs() <= tolerance);
        self.check(
            name,
            got.map_or("none".into(), |g| format!("{g}")),
            format!("{truth} ± {tolerance}"),
            ok,
        );
    }
}

/// An operator's key press, and when the app's clock read when it was pressed.
struct Pressed {
    item: Option<String>,
    change: &'static str,
    at: DateTime<Utc>,
}

/// The day as it ended: the app the runtime gave back, and the operators' presses.
struct Day {
    app: App,
    pressed: Vec<Pressed>,
}

/// Ticks an item with the keyboard, as an operator would: `space`, and `y` when warroom asks
/// whether to tick against failing evidence. When the key was pressed.
async fn tick(rig: &mut Rig, item: &str) -> Pressed {
    rig.select(item).await;
    let mut pressed = rig.app().clock.now();
    rig.press(KeyCode::Char(' ')).await;
    if matches!(rig.app().mode, Mode::Confirm { .. }) {
        pressed = rig.app().clock.now();
        rig.press(KeyCode::Char('y')).await;
    }
    Pressed {
        item: Some(item.to_string()),
        change: "tick",
        at: pressed,
    }
}

/// `a`, a reason, Enter: the acknowledgement is made when Enter is pressed.
async fn acknowledge(rig: &mut Rig, reason: &str) -> Pressed {
    rig.key(KeyCode::Char('a')).await;
    rig.type_text(reason).await;
    rig.applied().await;
    let pressed = rig.app().clock.now();
    rig.press(KeyCode::Enter).await;
    Pressed {
        item: None,
        change: "alert_ack",
        at: pressed,
    }
}

/// Each source's bad spells: from, to, and the worst level reached.
type Windows = BTreeMap<String, Vec<(DateTime<Utc>, DateTime<Utc>, Health)>>;

/// What each polled source's conditions say of the backend's answer at every minute of the
/// day: the incident windows as the backend serves them (an error rate over five minutes
/// shows a minute after its incident starts and lingers five minutes after it ends).
async fn windows(layout: &Layout) -> Windows {
    let mut out = BTreeMap::new();
    for source in layout
        .sources
        .iter()
        .filter(|s| !s.spec.critical.is_empty() || !s.spec.warn.is_empty())
        .filter(|s| POLLED.contains(&s.spec.id.as_str()))
    {
        let mut runs: Vec<(DateTime<Utc>, DateTime<Utc>, Health)> = Vec::new();
        let mut current: Option<(DateTime<Utc>, Health)> = None;
        let mut minute = at("06:00");
        while minute <= at("19:00") {
            let mut spec = source.spec.clone();
            let stamp = minute
                .with_timezone(&sim::clock::ZONE)
                .format("%Y-%m-%dT%H:%M:%S%%2B08:00");
            if let Kind::Http(http) = &mut spec.kind {
                http.url = format!("{}?at={stamp}", http.url);
            }
            let result = sources::build(&spec).expect("probe").poll().await;
            let (health, _) = sources::judge(&spec, &result);
            // A window is the whole bad spell; its worst level is what the alert reaches.
            current = match (current, health) {
                (None, Health::Ok) => None,
                (None, h) => Some((minute, h)),
                (Some((from, worst)), Health::Ok) => {
                    runs.push((from, minute, worst));
                    None
                }
                (Some((from, worst)), h) => Some((from, worst.max(h))),
            };
            minute += chrono::Duration::minutes(1);
        }
        if let Some((from, worst)) = current {
            runs.push((from, at("23:59:59"), worst));
        }
        out.insert(source.spec.id.clone(), runs);
    }
    out
}

async fn truth(base: &str, hm: &str) -> Value {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!("{base}/sim/truth?at=2026-12-01T{hm}:00%2B08:00");
    let body = reqwest::get(url)
        .await
        .expect("truth")
        .text()
        .await
        .expect("truth body");
    serde_json::from_str(&body).expect("truth is JSON")
}

fn rfc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rehearsed_demo_day_reports_what_the_simulator_says_happened() {
    let mut config = SimConfig::new(day()).expect("default demo config");
    config.seed = 7;
    config.speed = SPEED;
    let sim = sim::serve(config).await.expect("the simulator starts");
    let base = sim.base_url();
    let layout = layout(&base);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");

    // One clock: the backend's own, as `warroom demo` hands it to the app.
    let author = Author {
        operator: "ann".into(),
        origin: "rehearsal".into(),
    };
    let app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        sim.clock(),
        author,
        Ledger::default(),
    ));
    let probes = app
        .layout
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| POLLED.contains(&s.spec.id.as_str()))
        .map(|(i, s)| (i, s.spec.clone(), sources::build(&s.spec).expect("probe")))
        .collect();
    // The real runtime on a small headless terminal, every change and sample to the real store
    // task, the real poller feeding it.
    let mut rig = Rig::sqlite(app, 100, 30, &db).await;
    let poller = Poller::start(probes, rig.app().clock, rig.polls.clone());
    // A clock tick every real second, as the TUI's runtime makes them.
    let events = rig.events.clone();
    let ticker = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(1));
        loop {
            ticks.tick().await;
            if events.send(Input::Tick).await.is_err() {
                return;
            }
        }
    });
    let mut pressed = Vec::new();

    // The operators' day: each launch-day item ticked a few minutes into its block, in order;
    // "watch error rates" during the error-rate incident (ticked against failing evidence);
    // the error-rate alert acknowledged three minutes after it is raised.
    let mut plan: Vec<(DateTime<Utc>, String)> = Vec::new();
    for (b, block) in rig.app().layout.blocks.iter().enumerate() {
        let start = rig.app().schedule.spans[b].0;
        for (n, item) in block.items().enumerate() {
            let when = if item.id == "watch-error-rates" {
                at("09:38")
            } else {
                start + chrono::Duration::minutes(3 + 4 * n as i64)
            };
            plan.push((when, item.id.clone()));
        }
    }
    plan.sort();
    let mut plan = plan.into_iter().peekable();
    let mut acknowledged = false;
    // The demo's clock stops at 19:00, where its day ends.
    let end = at("19:00");
    let ack_due = |app: &App, now: DateTime<Utc>| {
        app.ledger
            .open_alert("error-rate")
            .is_some_and(|a| now - a.raised_at >= chrono::Duration::minutes(3))
    };
    while rig.app().clock.now() < end {
        let next = plan.peek().map(|(when, _)| *when);
        rig.until("the next key press is due", |app, _| {
            let now = app.clock.now();
            now >= end
                || next.is_some_and(|when| when <= now)
                || (!acknowledged && ack_due(app, now))
        })
        .await;
        let now = rig.app().clock.now();
        while let Some((_, item)) = plan.next_if(|(when, _)| *when <= now) {
            pressed.push(tick(&mut rig, &item).await);
        }
        if !acknowledged && ack_due(rig.app(), now) {
            pressed.push(acknowledge(&mut rig, "backend rolling back the 09:25 deploy").await);
            acknowledged = true;
        }
    }
    drop(poller);
    ticker.abort();
    rig.settle().await;
    // Quitting hands the last samples to the store task, which writes everything queued.
    let day = Day {
        app: rig.finish().await,
        pressed,
    };
    let date = day.app.day();
    let store = Store::open(&db).await.expect("store");
    let samples = store
        .day_samples(&day.app.layout.launch.id, date)
        .await
        .expect("samples");
    assert!(!samples.is_empty(), "samples were kept");

    // The report, from the database alone, as `warroom report --date` reads it after the day.
    let report = report::load(&store, &day.app.layout, date, at("19:05"), Lang::En)
        .await
        .expect("report");
    // The truth at the instant the report is as of (an open ticket keeps ageing past 19:00).
    let truth_end = truth(&base, "19:05").await;
    let windows = windows(&day.app.layout).await;
    let mut figures = Figures::default();
    compare_alerts(&report, &day, &windows, &mut figures);
    compare_presses(&report, &day, &mut figures);
    compare_counts(&report, &truth_end, &mut figures);

    for f in &figures.0 {
        let mark = if f.ok { "ok  " } else { "MISS" };
        eprintln!("{mark} {}: report {}, truth {}", f.name, f.report, f.truth);
    }
    let missed: Vec<String> = figures
        .0
        .iter()
        .filter(|f| !f.ok)
        .map(|f| format!("{}: report {}, truth {}", f.name, f.report, f.truth))
        .collect();
    eprintln!(
        "{} of {} report figures within tolerance of /sim/truth",
        figures.0.len() - missed.len(),
        figures.0.len()
    );
    assert!(figures.0.len() >= 38, "the comparison covers the day");
    assert!(
        missed.is_empty(),
        "figures off the truth:\n{}",
        missed.join("\n")
    );
    let md = report::markdown::render(&report);
    assert!(
        md.contains("ticked anyway, the evidence said: critical"),
        "the tick against failing evidence says so:\n{md}"
    );
    assert!(
        md.contains("(warroom)"),
        "alerts credited to warroom:\n{md}"
    );
    store.close().await;
    sim.shutdown().await.expect("the simulator stops");
}

/// Every alert the report lists starts and ends within one poll of its source's bad spell (a
/// raise needs `raise_after` bad polls, a clear `clear_after` good ones), and every bad spell
/// has its alert.
fn compare_alerts(report: &Report, day: &Day, windows: &Windows, figures: &mut Figures) {
    let poll = interval_sim();
    for (source, runs) in windows {
        let spec = &day
            .app
            .layout
            .sources
            .iter()
            .find(|s| &s.spec.id == source)
            .expect("polled source")
            .spec;
        let raise_by = poll * (spec.raise_after as i32 + 1);
        let clear_by = poll * (spec.clear_after as i32 + 1);
        let mut alerts = report.alerts.iter().filter(|a| &a.source == source);
        for (from, to, worst) in runs {
            let name = format!("{source} {}–{}", hms(*from), hms(*to));
            let alert = alerts.next();
            let raised = alert.map(|a| rfc(&a.raised_at));
            figures.time(format!("{name} raised"), raised, *from, *from + raise_by);
            if *to < at("19:00") {
                let cleared = alert.and_then(|a| a.cleared_at.as_deref()).map(rfc);
                figures.time(format!("{name} cleared"), cleared, *to, *to + clear_by);
                let seconds = alert.map(|a| a.duration_seconds as f64);
                let truth = (*to - *from).num_seconds() as f64;
                figures.number(
                    format!("{name} duration (s)"),
                    seconds,
                    truth,
                    (raise_by.max(clear_by)).num_seconds() as f64,
                );
            }
            let severity = alert.map(|a| a.severity.clone());
            let peak = alert.map(|a| a.steps.iter().any(|s| s.starts_with("critical")));
            let reached = if *worst == Health::Critical {
                peak == Some(true)
            } else {
                peak == Some(false)
            };
            figures.check(
                format!("{name} severity reached"),
                format!("{severity:?} via {:?}", alert.map(|a| &a.steps)),
                format!("{worst:?}"),
                reached,
            );
        }
        if let Some(extra) = alerts.next() {
            figures.check(
                format!("{source} alerts"),
                format!("an alert at {}", extra.raised_at),
                "no alert outside its bad spells".into(),
                false,
            );
        }
    }
    for alert in &report.alerts {
        figures.check(
            format!("{} raised by", alert.source),
            alert.raised_by.clone(),
            "warroom".into(),
            alert.raised_by == "warroom",
        );
    }
}

/// Every tick and acknowledgement is stored at the instant its key was pressed.
fn compare_presses(report: &Report, day: &Day, figures: &mut Figures) {
    // The app stamps at the press; the comparison allows one poll as the issue does, and
    // prints how far off each one was.
    let tolerance = interval_sim();
    let items: BTreeMap<&str, &warroom::report::model::ItemReport> = report
        .blocks
        .iter()
        .flat_map(|b| &b.sections)
        .flat_map(|s| &s.items)
        .map(|i| (i.id.as_str(), i))
        .collect();
    for p in &day.pressed {
        match (&p.item, p.change) {
            (Some(item), _) => {
                let stored = items
                    .get(item.as_str())
                    .and_then(|i| i.at.as_deref())
                    .map(rfc);
                figures.time(
                    format!("tick {item}"),
                    stored,
                    p.at - tolerance,
                    p.at + tolerance,
                );
            }
            (None, _) => {
                let stored = report
                    .alerts
                    .iter()
                    .find_map(|a| a.acknowledged_at.as_deref())
                    .map(rfc);
                figures.time(
                    "acknowledgement",
                    stored,
                    p.at - tolerance,
                    p.at + tolerance,
                );
            }
        }
    }
    let against = items
        .get("watch-error-rates")
        .and_then(|i| i.evidence.as_ref())
        .is_some_and(|e| e.against && e.level != "ok");
    figures.check(
        "watch-error-rates ticked against failing evidence",
        format!("{:?}", items.get("watch-error-rates").map(|i| &i.evidence)),
        "against failing evidence".into(),
        against,
    );
    let stored: Vec<&Change> = day
        .app
        .ledger
        .events()
        .iter()
        .map(|s| &s.event.change)
        .filter(|c| matches!(c, Change::Tick))
        .collect();
    figures.check(
        "ticks stored",
        stored.len().to_string(),
        day.pressed
            .iter()
            .filter(|p| p.item.is_some())
            .count()
            .to_string(),
        stored.len() == day.pressed.iter().filter(|p| p.item.is_some()).count(),
    );
}

/// Deliveries, tickets and uptime at the end of the day against `/sim/truth` as of the report.
fn compare_counts(report: &Report, truth: &Value, figures: &mut Figures) {
    let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    let last = |points: &[warroom::report::model::Point]| points.last().map(|p| p.value);
    let deliveries = &truth["deliveries"];
    let (delivered, failed) = (
        number(&deliveries["delivered"]),
        number(&deliveries["failed"]),
    );
    figures.number("delivered", last(&report.charts.delivered), delivered, 0.0);
    figures.number("failed", last(&report.charts.failed), failed, 0.0);
    let measure = |id: &str| {
        report
            .measures
            .iter()
            .find(|m| m.id == id)
            .and_then(|m| m.value)
    };
    figures.number(
        "order completion (%)",
        measure("order_completion"),
        delivered * 100.0 / (delivered + failed),
        0.5,
    );
    figures.number(
        "uptime (%)",
        measure("uptime"),
        number(&truth["metrics"]["uptime_pct"]),
        0.5,
    );

    let tickets = &report.tickets;
    let items = truth["ticket_items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let resolved: Vec<&Value> = items
        .iter()
        .filter(|t| !t["resolved_at"].is_null())
        .collect();
    figures.number(
        "tickets opened",
        Some(tickets.opened as f64),
        items.len() as f64,
        0.0,
    );
    figures.number(
        "tickets resolved",
        Some(tickets.resolved as f64),
        number(&truth["tickets"]["resolved"]),
        0.0,
    );
    figures.number(
        "tickets still open",
        Some(tickets.open as f64),
        number(&truth["tickets"]["open"]),
        0.0,
    );
    figures.number(
        "tickets open past 2 h",
        Some(tickets.open_past_target as f64),
        number(&truth["tickets"]["breaching_2h"]),
        0.0,
    );
    let poll_minutes = interval_sim().num_seconds() as f64 / 60.0;
    for t in &items {
        let id = t["id"].as_str().unwrap_or("");
        let took = tickets
            .items
            .iter()
            .find(|k| k.id == id)
            .map(|k| k.minutes as f64);
        figures.number(
            format!("ticket {id} minutes to resolve"),
            took,
            number(&t["age_minutes"]),
            poll_minutes.max(1.0),
        );
    }
    let within = resolved
        .iter()
        .filter(|t| number(&t["age_minutes"]) <= 120.0)
        .count();
    let judged = resolved.len() + number(&truth["tickets"]["breaching_2h"]) as usize;
    figures.number(
        "tickets resolved within 2 h (%)",
        measure("tickets_within_2h"),
        within as f64 * 100.0 / judged.max(1) as f64,
        0.5,
    );
}
