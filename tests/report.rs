//! The end-of-day report (issue 7): a rehearsal of the demo day through the real alert logic
//! into a real SQLite store, then the report from that store (counts against `/sim/truth`,
//! incident windows, a Markdown snapshot, the JSON against its schema); the HTML in headless
//! Chromium; an empty day, a day in progress, and a database of an older schema.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::layout::{self, Layout};
use warroom::poller::PollResult;
use warroom::report::{self, DayState, Lang, Report};
use warroom::sim::{self, SimConfig};
use warroom::sources::{self, Kind};
use warroom::store::{Author, Change, Event, Sample, Store, Stored};

mod common;
use common::relay::AtRelay;
use common::rig::Rig;

const DATE: &str = "2026-12-01";
const PILOT: &str = include_str!("../layouts/luckygas-pilot.toml");

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

fn pilot() -> Layout {
    layout::parse("luckygas-pilot.toml", PILOT, &layout::Env::empty())
        .expect("the pilot layout parses")
}

/// An instant on the launch's clock (Asia/Taipei) on the launch day.
fn at(hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(chrono_tz::Asia::Taipei, date().and_time(time))
}

fn ann() -> Author {
    Author {
        operator: "ann".into(),
        origin: "test".into(),
    }
}

fn schema() -> Value {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
    )
    .expect("schemas/report.schema.json is readable");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn assert_valid(report: &Report) {
    let json: Value =
        serde_json::from_str(&report::json::render(report).expect("JSON")).expect("JSON parses");
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report breaks its schema: {errors:#?}"
    );
}

/// What an operator does, at the app's current time: written through the store task in turn
/// with what the app itself records.
async fn act(rig: &mut Rig, item: Option<&str>, change: Change) {
    let app = rig.app();
    let event = Event::new(
        &app.author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        item.map(str::to_string),
        change,
    );
    rig.write(event).await;
}

/// Walks the simulated day minute by minute from 06:00 to 19:00: every source of the pilot
/// layout polls the demo backend for that instant (`?at=`), through the real probes, the real
/// runtime and alert logic and the real store task, into the SQLite file at `db`. A few
/// operator actions along the way give the report ticks, a skip, notes, an acknowledgement and
/// sign-offs.
async fn rehearse(db: &Path, relay: &AtRelay) -> Result<App> {
    let base = format!("http://{}", relay.addr);
    // Response times of this machine's debug build are not the day's: without the API's
    // `[RESPONSE_TIME]` warn a busy CI box cannot add an alert to the snapshot.
    let text = PILOT
        .replace("${LUCKYGAS_API}", &base)
        .replace("warn = [\"[RESPONSE_TIME] < 300\"]\n", "");
    let layout = layout::parse("luckygas-pilot.toml", &text, &layout::Env::empty())?;
    ensure!(layout.unset_env.is_empty(), "every source is configured");
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(at("06:00")),
        ann(),
        Ledger::default(),
    ));
    app.bell = false;
    let probes = app
        .layout
        .sources
        .iter()
        .map(|s| sources::build(&s.spec))
        .collect::<Result<Vec<_>, _>>()?;
    // A small terminal: the frames are drawn, but nobody reads them.
    let mut rig = Rig::sqlite(app, 80, 24, db).await;
    let mut t = at("06:00");
    let end = at("19:00");
    while t <= end {
        rig.tick_at(t).await;
        let stamp = t
            .with_timezone(&chrono_tz::Asia::Taipei)
            .format("%Y-%m-%dT%H:%M:%S%%2B08:00")
            .to_string();
        relay.set(&stamp);
        let polls = probes.iter().enumerate().map(|(index, probe)| async move {
            PollResult {
                source: index,
                at: t,
                result: probe.poll().await,
            }
        });
        for result in futures::future::join_all(polls).await {
            rig.poll(result).await;
        }
        rig.settle().await;
        let hm = t
            .with_timezone(&chrono_tz::Asia::Taipei)
            .format("%H:%M")
            .to_string();
        script(&mut rig, &hm).await;
        t += chrono::Duration::minutes(1);
    }
    ensure!(
        !rig.store().seen("failed"),
        "every write committed: {:?}",
        rig.store().kinds()
    );
    // Quitting hands the last samples to the store task, which writes everything queued.
    Ok(rig.finish().await)
}

/// The operators' part of the rehearsal.
async fn script(rig: &mut Rig, hm: &str) {
    match hm {
        "06:10" => {
            for item in [
                "health-checks-passing",
                "db-connections-stable",
                "external-apis-responding",
            ] {
                act(rig, Some(item), Change::Tick).await;
            }
        }
        "06:20" => {
            act(
                rig,
                Some("dashboards-normal"),
                Change::Skip {
                    reason: "Grafana replaced by the warroom panels".into(),
                },
            )
            .await
        }
        "07:45" => {
            act(
                rig,
                Some("drivers-briefed"),
                Change::Note {
                    text: "two drivers briefed by phone".into(),
                },
            )
            .await
        }
        "09:37" if rig.app().ledger.open_alert("error-rate").is_some() => {
            act(
                rig,
                None,
                Change::AlertAcknowledged {
                    source: "error-rate".into(),
                    reason: "backend rolling back the 09:25 deploy".into(),
                },
            )
            .await;
        }
        "18:50" => {
            act(rig, Some("signoff-operations-director"), Change::Tick).await;
        }
        _ => {}
    }
}

/// `/sim/truth` at an instant, read through a probe of the layout's own kind.
async fn truth(base: &str, at: &str) -> Result<Value> {
    let layout = pilot();
    let mut spec = layout.sources[0].spec.clone();
    spec.critical.clear();
    spec.warn.clear();
    if let Kind::Http(http) = &mut spec.kind {
        http.url = format!("{base}/sim/truth?at={at}");
    }
    let observation = sources::build(&spec)?.poll().await?;
    observation
        .body
        .context("/sim/truth answered without a body")
}

fn minute_of(at: &str) -> &str {
    at.get(11..16).unwrap_or(at)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rehearsed_demo_day_gives_the_report_the_truth_and_the_log_agree_on() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("rehearsal.db");
    let mut config = SimConfig::new(date())?;
    config.seed = 7;
    let sim = sim::serve(config).await?;
    let started = Instant::now();
    let relay = AtRelay::start(sim.addr()).await?;
    rehearse(&db, &relay).await?;
    eprintln!("rehearsal took {:?}", started.elapsed());
    let store = Store::open(&db).await?;

    let layout = pilot();
    let now = at("19:05");
    let report = report::load(&store, &layout, date(), now, Lang::En).await?;
    assert_eq!(report.state, DayState::Over);

    // Deliveries: the last samples of the day are the backend's truth at 19:00.
    let truth = truth(&sim.base_url(), &format!("{DATE}T19:00:00%2B08:00")).await?;
    let delivered = truth["deliveries"]["delivered"]
        .as_f64()
        .context("delivered")?;
    let failed = truth["deliveries"]["failed"].as_f64().context("failed")?;
    assert_eq!(
        report.charts.delivered.last().map(|p| p.value),
        Some(delivered)
    );
    assert_eq!(report.charts.failed.last().map(|p| p.value), Some(failed));
    let completion = report
        .measures
        .iter()
        .find(|m| m.id == "order_completion")
        .and_then(|m| m.value)
        .context("completion is measured")?;
    let expected = delivered * 100.0 / (delivered + failed);
    assert!(
        (completion - expected).abs() < 0.01,
        "completion {completion} vs truth {expected}"
    );

    // The incidents of the scenario, as alerts with the right windows.
    let error_rate = report
        .alerts
        .iter()
        .find(|a| a.source == "error-rate")
        .context("the 09:30 error-rate incident raised an alert")?;
    let raised = minute_of(&error_rate.raised_at);
    assert!(
        ("09:30".."09:40").contains(&raised),
        "error-rate raised at {raised}"
    );
    let cleared = error_rate.cleared_at.as_deref().map(minute_of);
    assert!(
        cleared.is_some_and(|c| c >= "09:40"),
        "error-rate cleared after the incident: {cleared:?}"
    );
    assert_eq!(error_rate.acknowledged_by.as_deref(), Some("ann"));
    let maps = report
        .alerts
        .iter()
        .find(|a| a.source == "maps")
        .context("the 10:15 maps outage raised an alert")?;
    let raised = minute_of(&maps.raised_at);
    assert!(
        ("10:15".."10:21").contains(&raised),
        "maps raised at {raised}"
    );
    assert!(
        maps.cleared_at.as_deref().map(minute_of) >= Some("10:20"),
        "maps cleared after its outage: {:?}",
        maps.cleared_at
    );

    // Alerts: as many as the log holds.
    let ledger = Ledger::from_events(store.day_events(&layout.launch.id, date()).await?);
    assert_eq!(report.alerts.len(), ledger.alerts().len());
    assert_eq!(report.totals.alerts, ledger.alerts().len());
    let raises = ledger
        .events()
        .iter()
        .filter(|s| matches!(s.event.change, Change::AlertRaised { .. }))
        .count();
    assert!(raises >= report.alerts.len());
    for (a, b) in report.alerts.iter().zip(ledger.alerts()) {
        assert_eq!(a.source, b.source);
        assert_eq!(a.open, b.is_open());
    }

    assert_valid(&report);
    let html = report::html::render(&report);
    assert_eq!(html.matches("<svg").count(), 3);
    // For a look in a browser: target/tmp/rehearsal.html.
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("rehearsal.html"),
        &html,
    )?;
    let zh = report::load(&store, &layout, date(), now, Lang::ZhTw).await?;
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("rehearsal-zh.html"),
        report::html::render(&zh),
    )?;
    insta::assert_snapshot!("rehearsal_md", report::markdown::render(&report));
    insta::assert_snapshot!("rehearsal_md_zh", report::markdown::render(&zh));
    store.close().await;
    sim.shutdown().await?;
    Ok(())
}

/// A day of made-up samples and a few events, without a backend: enough for the renderers.
fn synthetic() -> Report {
    let layout = pilot();
    let mut events = Vec::new();
    let mut push = |hm: &str, item: Option<&str>, change: Change| {
        let seq = events.len() as i64 + 1;
        events.push(Stored {
            seq,
            event: Event::new(
                &ann(),
                &layout.launch.id,
                date(),
                at(hm),
                item.map(str::to_string),
                change,
            ),
        });
    };
    push("06:05", Some("health-checks-passing"), Change::Tick);
    // Ticked an hour and forty minutes after the morning block ended at 08:00.
    push("09:40", Some("db-connections-stable"), Change::Tick);
    push(
        "09:33",
        None,
        Change::AlertRaised {
            source: "error-rate".into(),
            severity: warroom::sources::Health::Critical,
            failure: Box::new(warroom::sources::Failure {
                condition: Some("value < 0.05".into()),
                got: Some(0.06),
                unit: None,
                text: "value < 0.05: got 0.06".into(),
            }),
        },
    );
    push(
        "09:46",
        None,
        Change::AlertCleared {
            source: "error-rate".into(),
            ok_polls: Some(2),
        },
    );
    let ledger = Ledger::from_events(events);
    let mut samples = Vec::new();
    for m in 0..=780i64 {
        let minute = at("06:00") + chrono::Duration::minutes(m);
        let incident = (210..220).contains(&m);
        let mut sample = |source: &str, series: &str, value: f64| {
            samples.push(Sample {
                source: source.into(),
                series: series.into(),
                minute,
                value,
            })
        };
        sample("error-rate", "value", if incident { 0.06 } else { 0.005 });
        sample("latency", "p95_ms", 180.0 + (m as f64 / 40.0).sin() * 20.0);
        sample("latency", "avg_ms", 90.0);
        sample("deliveries", "delivered", (m / 20) as f64);
        sample("deliveries", "failed", (m / 300) as f64);
        sample("api", "_polls", 30.0);
        sample(
            "api",
            "_up",
            if (100..105).contains(&m) { 0.0 } else { 30.0 },
        );
    }
    report::build(
        &layout,
        &ledger,
        Some(&samples),
        date(),
        at("19:30"),
        Lang::En,
    )
}

#[test]
fn the_json_of_a_day_validates_against_its_schema() {
    let report = synthetic();
    assert_valid(&report);
    let uptime = report.measures.iter().find(|m| m.id == "uptime");
    // 5 minutes of 30 polls down out of 781 minutes: 1 - 150 / 23 430.
    assert_eq!(uptime.and_then(|m| m.value), Some(99.36));
    let avg = report.measures.iter().find(|m| m.id == "avg_response_time");
    assert_eq!(avg.and_then(|m| m.value), Some(90.0));
}

/// A tick after its block ended is late in the report, as in the list and the detail.
#[test]
fn a_late_tick_is_marked_late_in_the_report() {
    let report = synthetic();
    let item = |id: &str| {
        report
            .blocks
            .iter()
            .flat_map(|b| &b.sections)
            .flat_map(|s| &s.items)
            .find(|i| i.id == id)
            .cloned()
            .expect("the item is reported")
    };
    assert_eq!(item("db-connections-stable").late_minutes, Some(100));
    assert_eq!(item("health-checks-passing").late_minutes, None);
    let md = warroom::report::markdown::render(&report);
    let line = md
        .lines()
        .find(|l| l.contains("Database connections stable"))
        .unwrap_or_default();
    assert!(
        line.contains("**late**: 1 h 40 min after its block ended"),
        "{line}"
    );
}

/// Chromium, as CI installs it (`.ci/run`); missing is a failure with a clear message, never
/// a skip, so a green run always means the page was rendered.
fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser"] {
        if let Some(path) = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        }) {
            return path;
        }
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    panic!(
        "chromium is not installed{}: `apt-get install -y chromium` (the HTML report test renders the page in headless Chromium)",
        if ci {
            " on CI (.ci/run should have installed it)"
        } else {
            ""
        }
    );
}

#[test]
fn the_html_report_renders_in_headless_chromium() -> Result<()> {
    let report = synthetic();
    let html = report::html::render(&report);
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
    // Self-contained: no stylesheet, script or image fetched from anywhere.
    assert!(!html.contains("<link") && !html.contains("<script") && !html.contains("src="));
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html)?;
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let profile = dir.path().join("profile");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1200,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("cannot start chromium")?;
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("chromium did not finish the screenshot within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    ensure!(status.success(), "chromium failed: {status}");
    let png =
        std::fs::read(&shot).with_context(|| format!("no screenshot at {}", shot.display()))?;
    ensure!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
    ensure!(
        png.len() > 20_000,
        "a screenshot of {} bytes is too small to hold the report",
        png.len()
    );
    Ok(())
}

#[tokio::test]
async fn a_day_with_nothing_recorded_says_so() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("empty.db")).await?;
    let layout = pilot();
    let day_after = at("06:00") + chrono::Duration::days(1);
    let report = report::load(&store, &layout, date(), day_after, Lang::En).await?;
    assert_eq!(report.state, DayState::NothingRecorded);
    let md = report::markdown::render(&report);
    assert!(md.contains("Nothing was recorded on this day"), "{md}");
    assert!(md.contains("0 of 45 items done, 0 alerts"), "{md}");
    assert!(md.contains("No alerts were raised."));
    assert!(report.measures.iter().all(|m| m.value.is_none()));
    assert_valid(&report);
    let zh = report::load(&store, &layout, date(), day_after, Lang::ZhTw).await?;
    let md = report::markdown::render(&zh);
    assert!(md.contains("本日沒有任何紀錄"), "{md}");
    assert!(
        md.contains("所有服務的健康檢查皆通過"),
        "item texts in Chinese: {md}"
    );
    assert!(md.contains("未量測"), "{md}");
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn a_day_in_progress_says_as_of_when_and_what_is_to_come() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("today.db")).await?;
    let layout = pilot();
    for (hm, item) in [
        ("06:10", "health-checks-passing"),
        ("08:30", "first-order-created"),
    ] {
        if layout.item(item).is_none() {
            continue;
        }
        let event = Event::new(
            &ann(),
            &layout.launch.id,
            date(),
            at(hm),
            Some(item.into()),
            Change::Tick,
        );
        store.append(&event).await?;
    }
    let report = report::load(&store, &layout, date(), at("14:32"), Lang::En).await?;
    assert_eq!(report.state, DayState::InProgress);
    // The current block is named as the current one, never as "still to come".
    let (now, to_come) = report
        .status_line
        .split_once("blocks still to come: ")
        .unwrap_or_else(|| panic!("{}", report.status_line));
    assert_eq!(
        now,
        "The day is still in progress: as of 14:32, now in Afternoon Review until 16:00, "
    );
    for block in &layout.blocks {
        let start = block.start.format("%H:%M").to_string();
        assert_eq!(
            to_come.contains(&block.title.en),
            start.as_str() > "14:32",
            "{} starts at {start}: {}",
            block.title.en,
            report.status_line
        );
    }
    let morning = &layout.blocks[0].title.en;
    assert!(!report.status_line.contains(morning.as_str()));
    let item = report
        .blocks
        .iter()
        .flat_map(|b| &b.sections)
        .flat_map(|s| &s.items)
        .find(|i| i.id == "health-checks-passing")
        .context("item")?;
    assert_eq!((item.status, item.by.as_deref()), ("done", Some("ann")));
    assert_eq!(item.at.as_deref(), Some("2026-12-01T06:10:00+08:00"));
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn a_database_of_an_older_schema_gives_a_report_or_a_clear_error() -> Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.db");
    // Migration 0001 alone, by hand: an `events` table and no `samples` table.
    {
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await?;
        sqlx::raw_sql(include_str!("../migrations/sqlite/0001_events.sql"))
            .execute(&pool)
            .await?;
        sqlx::query(
            "INSERT INTO events (id, at, launch, day, operator, origin, kind, item, payload)
             VALUES ('0190f5c2-0000-7000-8000-000000000001', '2026-11-30T22:10:00.000Z',
                     'luckygas-pilot', '2026-12-01', 'bob', 'old', 'tick',
                     'health-checks-passing', '{}')",
        )
        .execute(&pool)
        .await?;
        pool.close().await;
    }
    let output = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "--now", "2026-12-01T20:00", "--db"])
        .arg(&path)
        .env_remove("WARROOM_DATABASE_URL")
        .env_remove("WARROOM_LAYOUT")
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    // Read as it is: bob's tick is there, the missing samples are "not measured", and the
    // report says why instead of failing.
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("1 of 45 items done, 0 alerts"), "{stdout}");
    assert!(stdout.contains("done by bob 06:10"), "{stdout}");
    assert!(stdout.contains("older schema"), "{stdout}");
    assert!(
        stdout.contains("live samples could not be read"),
        "{stdout}"
    );
    Ok(())
}

#[tokio::test]
async fn the_command_line_writes_each_format_and_refuses_bad_arguments() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("day.db");
    let store = Store::open(&db).await?;
    let layout = pilot();
    let tick = Event::new(
        &ann(),
        &layout.launch.id,
        date(),
        at("06:10"),
        Some("health-checks-passing".into()),
        Change::Tick,
    );
    store.append(&tick).await?;
    store.close().await;
    let warroom = |args: &[&str], db: &Path| {
        Command::new(env!("CARGO_BIN_EXE_warroom"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["report", "--now", "2026-12-01T20:00", "--db"])
            .arg(db)
            .args(args)
            .env_remove("WARROOM_DATABASE_URL")
            .env_remove("WARROOM_LAYOUT")
            .output()
    };

    let json = dir.path().join("out/report.json");
    let out = warroom(
        &["--format", "json", "--out", &json.display().to_string()],
        &db,
    )?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
    let validator = jsonschema::validator_for(&schema()).context("the schema compiles")?;
    assert!(
        validator.is_valid(&value),
        "the CLI's JSON follows the schema"
    );
    assert_eq!(value["totals"]["done"], 1);

    let html = dir.path().join("report.html");
    let out = warroom(
        &["--format", "html", "--out", &html.display().to_string()],
        &db,
    )?;
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&html)?.matches("<svg").count(), 3);

    let out = warroom(&["--lang", "zh-TW"], &db)?;
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("45 項中 1 項完成"), "{md}");

    let out = warroom(&["--lang", "fr"], &db)?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use en or zh-TW"));

    let missing = dir.path().join("typo.db");
    let out = warroom(&[], &missing)?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    assert!(!missing.exists(), "a report never creates a database");
    Ok(())
}

/// The TUI's `R`: the store task writes the day's Markdown and HTML next to the database and
/// the status bar names them.
#[tokio::test]
async fn the_tui_key_writes_the_report_through_the_store_task() -> Result<()> {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir()?;
    let layout = std::sync::Arc::new(warroom::layout::load(
        std::path::Path::new("layouts/luckygas-pilot.toml"),
        &warroom::layout::Env::empty(),
    )?);
    let mut app = warroom::app::App::new(warroom::app::Config::new(
        layout,
        warroom::app::Clock::frozen(chrono::Utc::now()),
        ann(),
        warroom::app::Ledger::default(),
    ));
    let reports = dir.path().join("reports");
    app.report_dir = reports.clone();
    let mut rig = Rig::sqlite(app, 200, 60, &dir.path().join("w.db")).await;
    rig.input(warroom::runtime::Input::Key(KeyEvent::new(
        KeyCode::Char('R'),
        KeyModifiers::SHIFT,
    )))
    .await;
    rig.until("the report named in the status bar", |app, _| {
        app.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("report-luckygas-pilot-"))
    })
    .await;
    assert!(rig.store().seen("notice"), "{:?}", rig.store().kinds());
    let mut written = Vec::new();
    for entry in std::fs::read_dir(&reports)? {
        let path = entry?.path();
        let text = std::fs::read_to_string(&path)?;
        assert!(text.contains("LuckyGas Pilot Launch"), "{}", path.display());
        written.push(path);
    }
    assert_eq!(written.len(), 2, "the Markdown and the HTML: {written:?}");
    rig.finish().await;
    Ok(())
}

/// A database written by the previous warroom: alerts with severity and detail as English
/// text, credited to the operator at the keyboard; evidence as a sentence.
async fn old_style_day(store: &Store, layout: &Layout) -> Result<()> {
    let old = |hm: &str, kind: &str, item: Option<&str>, payload: &str| {
        let event = Event::new(
            &ann(),
            &layout.launch.id,
            date(),
            at(hm),
            item.map(str::to_string),
            Change::from_stored(kind, payload),
        );
        assert!(
            !matches!(event.change, Change::Unknown { .. }),
            "{kind} {payload} reads as what it was"
        );
        event
    };
    for event in [
        old("06:10", "tick", Some("watch-error-rates"), "{}"),
        old(
            "06:10",
            "evidence",
            Some("watch-error-rates"),
            r#"{"text":"critical at 06:10:00: Error rate: value < 0.05: got 0.06"}"#,
        ),
        old(
            "09:31",
            "alert_raised",
            None,
            r#"{"source":"error-rate","severity":"warn","detail":"value < 0.01: got 0.012"}"#,
        ),
        old(
            "09:35",
            "alert_raised",
            None,
            r#"{"source":"error-rate","severity":"critical","detail":"value < 0.05: got 0.06"}"#,
        ),
        old(
            "09:46",
            "alert_cleared",
            None,
            r#"{"source":"error-rate","detail":"ok for 2 polls in a row"}"#,
        ),
    ] {
        store.append(&event).await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_past_day_of_an_older_warroom_reports_as_of_its_end_with_alerts_by_warroom() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("old.db")).await?;
    let layout = pilot();
    old_style_day(&store, &layout).await?;
    // A week later.
    let later = at("10:00") + chrono::Duration::days(7);
    let report = report::load(&store, &layout, date(), later, Lang::En).await?;
    assert_eq!(report.state, DayState::Over);
    assert_eq!(
        report.as_of, "2026-12-01T23:59:59+08:00",
        "a past day is as of its end"
    );
    let alert = report.alerts.first().context("the old alert")?;
    assert_eq!(
        report.alerts.len(),
        1,
        "one alert, escalated: {:?}",
        report.alerts
    );
    assert_eq!(
        alert.raised_by, "warroom",
        "credited to warroom, not to ann"
    );
    assert_eq!(alert.steps, ["warn", "critical 09:35"]);
    assert_eq!(alert.duration_minutes, 15);
    let item = report
        .blocks
        .iter()
        .flat_map(|b| &b.sections)
        .flat_map(|s| &s.items)
        .find(|i| i.id == "watch-error-rates")
        .context("item")?;
    let evidence = item.evidence.as_ref().context("the old evidence is read")?;
    assert!(evidence.against, "{evidence:?}");
    assert_eq!(report.totals.against_evidence, 1);
    let md = report::markdown::render(&report);
    assert!(md.contains("As of: 23:59"), "{md}");
    assert!(
        md.contains("ticked anyway, the evidence said: critical at 06:10:00: Error rate"),
        "{md}"
    );
    assert!(md.contains("09:31 (warroom)"), "{md}");
    assert_valid(&report);
    store.close().await;
    Ok(())
}

/// `report --date D` without `--now`, read before D on the machine's clock (a rehearsal
/// recorded on a simulated clock): the day is as recorded, never "not started".
#[tokio::test]
async fn a_day_recorded_ahead_of_the_clock_is_reported_as_recorded() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&dir.path().join("ahead.db")).await?;
    let layout = pilot();
    old_style_day(&store, &layout).await?;
    let before = at("06:00") - chrono::Duration::days(2);
    let report = report::load(&store, &layout, date(), before, Lang::En).await?;
    assert_ne!(report.state, DayState::NotStarted, "{}", report.status_line);
    assert!(
        !report.status_line.contains("not started"),
        "{}",
        report.status_line
    );
    assert_eq!(
        report.as_of, "2026-12-01T09:46:00+08:00",
        "as of the last thing recorded"
    );
    store.close().await;
    Ok(())
}
