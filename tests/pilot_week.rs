//! A pilot week on the demo backend (issue 15): the simulator serves seven dates, each a day
//! of its own; every day is walked minute by minute from 06:00 to 19:00 through the pilot
//! layout's real probes, the real runtime and store task and a real SQLite file, as `warroom`
//! records a day. Then week 1 is judged from the store alone, as `warroom report --week 1` and
//! the status update read it, and held against what the simulator says happened on those days
//! (`/sim/truth`): uptime, order completion and the average response time within 0.5 points.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, ensure};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger};
use warroom::i18n::Lang;
use warroom::judge::week::{self, WeekState};
use warroom::judge::{Bindings, Verdict};
use warroom::layout::{self, Layout};
use warroom::poller::PollResult;
use warroom::sim::{self, SimConfig};
use warroom::sources;
use warroom::store::{Author, Change, Event, Sample, Store};
use warroom::{report, status};

mod common;
use common::relay::AtRelay;
use common::rig::Rig;

const PILOT: &str = include_str!("../layouts/luckygas-pilot.toml");
const DAYS: u32 = 7;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

fn date(n: u32) -> NaiveDate {
    start()
        .checked_add_days(Days::new(u64::from(n)))
        .expect("a date")
}

fn at(date: NaiveDate, hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(chrono_tz::Asia::Taipei, date.and_time(time))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Taipei)
        .format("%Y-%m-%dT%H:%M:%S%%2B08:00")
        .to_string()
}

/// The pilot layout against `base`, with its calendar starting on the first day and no
/// launch date: each day is recorded under its own date, as a pilot's are.
fn layout(base: &str) -> Result<Layout> {
    // The API's `[RESPONSE_TIME] < 300` measures this machine's debug build, not the day.
    let text = PILOT
        .replace("${LUCKYGAS_API}", base)
        .replace("warn = [\"[RESPONSE_TIME] < 300\"]\n", "")
        .replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n");
    let layout = layout::parse("luckygas-pilot.toml", &text, &layout::Env::empty())?;
    ensure!(layout.unset_env.is_empty(), "every source is configured");
    ensure!(layout.launch.date.is_none(), "no launch date pins the day");
    Ok(layout)
}

/// One pilot day, 06:00 to 19:00, every source polled each minute at that minute, through the
/// real runtime and the real store task into the SQLite file at `db`.
async fn record_day(
    layout: &Arc<Layout>,
    db: &Path,
    relay: &AtRelay,
    day: NaiveDate,
) -> Result<()> {
    let author = Author {
        operator: "ann".into(),
        origin: "pilot-week".into(),
    };
    let mut app = App::new(warroom::app::Config::new(
        Arc::clone(layout),
        Clock::frozen(at(day, "06:00")),
        author,
        Ledger::default(),
    ));
    app.bell = false;
    ensure!(app.day() == day, "the app records {day}");
    let probes = app
        .layout
        .sources
        .iter()
        .map(|s| sources::build(&s.spec))
        .collect::<Result<Vec<_>, _>>()?;
    // A small terminal: the frames are drawn, but nobody reads them.
    let mut rig = Rig::sqlite(app, 80, 24, db).await;
    let mut t = at(day, "06:00");
    let end = at(day, "19:00");
    while t <= end {
        rig.tick_at(t).await;
        relay.set(&stamp(t));
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
        t += chrono::Duration::minutes(1);
    }
    ensure!(
        !rig.store().seen("failed"),
        "every write committed: {:?}",
        rig.store().kinds()
    );
    // Quitting hands the last samples to the store task, which writes everything queued.
    rig.finish().await;
    Ok(())
}

async fn truth(base: &str, at: DateTime<Utc>) -> Result<Value> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!("{base}/sim/truth?at={}", stamp(at));
    let body = reqwest::get(url).await?.text().await?;
    serde_json::from_str(&body).context("/sim/truth is JSON")
}

/// What the simulator says week 1 was: uptime over its minutes, completion over its
/// deliveries, the mean of its minutes' average response times.
struct WeekTruth {
    uptime: f64,
    completion: f64,
    avg_ms: f64,
    differs: bool,
}

async fn week_truth(base: &str) -> Result<WeekTruth> {
    let (mut up, mut minutes) = (0.0, 0.0);
    let (mut delivered, mut ended) = (0.0, 0.0);
    let (mut latency, mut counted) = (0.0, 0.0);
    let mut per_day = Vec::new();
    for n in 0..DAYS {
        let truth = truth(base, at(date(n), "19:00")).await?;
        let number = |v: &Value| v.as_f64().context("a number");
        let day_minutes = truth["per_minute"].as_array().context("per_minute")?.len() as f64;
        up += number(&truth["metrics"]["uptime_pct"])? / 100.0 * day_minutes;
        minutes += day_minutes;
        let d = number(&truth["deliveries"]["delivered"])?;
        let f = number(&truth["deliveries"]["failed"])?;
        delivered += d;
        ended += d + f;
        for m in truth["per_minute"].as_array().context("per_minute")? {
            latency += number(&m["avg_ms"])?;
            counted += 1.0;
        }
        per_day.push((d, f));
    }
    Ok(WeekTruth {
        uptime: up * 100.0 / minutes,
        completion: delivered * 100.0 / ended,
        avg_ms: latency / counted,
        // Seven dates, seven different days.
        differs: per_day.windows(2).any(|w| w[0] != w[1]),
    })
}

fn assert_valid(report: &report::week::WeekReport) -> Result<()> {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/week-report.schema.json"),
    )?)?;
    let json: Value = serde_json::from_str(&report::week::render(
        report,
        warroom::cli::ReportFormat::Json,
    )?)?;
    let validator = jsonschema::validator_for(&schema).context("the schema compiles")?;
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    ensure!(
        errors.is_empty(),
        "the week report breaks its schema: {errors:#?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pilot_week_on_the_demo_backend_is_judged_as_the_simulator_says_it_went() -> Result<()> {
    let mut config = SimConfig::new(start())?;
    config.seed = 7;
    config.days = DAYS;
    let sim = sim::serve(config).await?;
    let relay = AtRelay::start(sim.addr()).await?;
    let layout = Arc::new(layout(&relay.base_url())?);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("pilot-week.db");
    let started = std::time::Instant::now();
    for n in 0..DAYS {
        record_day(&layout, &path, &relay, date(n)).await?;
    }
    eprintln!("7 days recorded in {:?}", started.elapsed());
    let store = Store::open(&path).await?;
    // An operator's verdict on the target no source measures, recorded on day 7.
    let author = Author {
        operator: "ann".into(),
        origin: "pilot-week".into(),
    };
    let verdict = Event::new(
        &author,
        &layout.launch.id,
        date(6),
        at(date(6), "18:30"),
        Some("w1-no-critical-data-loss".into()),
        Change::TargetJudged {
            passed: true,
            reason: "backups restored and checked each evening".into(),
        },
    );
    store.append(&verdict).await?;

    // Week 1 from the store alone, the morning after it ended.
    let now = at(date(7), "09:00");
    let samples: BTreeMap<NaiveDate, Vec<Sample>> = store
        .samples_of_days(&layout.launch.id, date(0), date(6))
        .await?;
    assert_eq!(samples.len(), DAYS as usize, "a day of samples per date");
    let pilot = Ledger::from_events(
        store
            .read_days(&layout.launch.id, date(0), date(7))
            .await?
            .events,
    );
    let verdicts = |id: &str| pilot.pilot().judgement(id).cloned();
    let bindings = Bindings::of(&layout);
    let inputs = week::Inputs {
        layout: &layout,
        bindings: &bindings,
        samples: &samples,
        verdicts: &verdicts,
        now,
    };
    let weeks = week::weeks(&inputs);
    let w1 = weeks
        .iter()
        .find(|w| w.criteria.week == 1)
        .context("week 1")?;
    assert_eq!(w1.state, WeekState::Over);
    let truth = week_truth(&sim.base_url()).await?;
    assert!(truth.differs, "each date is a day of its own");
    let value = |id: &str| {
        w1.targets
            .iter()
            .find(|t| t.target.id == id)
            .and_then(|t| t.reading.value)
    };
    let mut report = Vec::new();
    let mut missed = Vec::new();
    for (name, id, expected) in [
        ("uptime (%)", "w1-uptime", truth.uptime),
        (
            "order completion (%)",
            "w1-order-completion",
            truth.completion,
        ),
        (
            "average response time (ms)",
            "w1-avg-response-time",
            truth.avg_ms,
        ),
    ] {
        let got = value(id);
        let line = format!("{name}: measured {got:?}, simulator {expected:.3}");
        if !got.is_some_and(|g| (g - expected).abs() <= 0.5) {
            missed.push(line.clone());
        }
        report.push(line);
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        missed.is_empty(),
        "off the simulator's truth by more than 0.5:\n{}",
        missed.join("\n")
    );
    for t in &w1.targets {
        assert_eq!(
            t.daily.len(),
            if t.reading.source.is_some() { 7 } else { 0 },
            "{}",
            t.target.id
        );
    }
    let loss = w1
        .targets
        .iter()
        .find(|t| t.target.id == "w1-no-critical-data-loss")
        .context("the data-loss target")?;
    assert_eq!(loss.verdict, Verdict::Pass);
    assert_eq!(
        loss.by_operator.as_ref().map(|v| v.by.as_str()),
        Some("ann")
    );
    let w2 = weeks
        .iter()
        .find(|w| w.criteria.week == 2)
        .context("week 2")?;
    assert_eq!(w2.state, WeekState::InProgress { day: 1 });

    // `warroom report --week 1`, from the same store, in both languages and every format.
    let en = report::week::load(&store, &layout, 1, now, Lang::En).await?;
    let zh = report::week::load(&store, &layout, 1, now, Lang::ZhTw).await?;
    for r in [&en, &zh] {
        assert_valid(r)?;
        assert_eq!(r.state, "over");
        assert_eq!(r.days.len(), 7);
        assert!(r.days.iter().all(|d| d.samples > 0 && !d.to_come));
        let html = report::week::html::render(r);
        assert_eq!(
            html.matches("<svg").count(),
            r.targets.len(),
            "a chart per target"
        );
    }
    let uptime = en
        .targets
        .iter()
        .find(|t| t.id == "w1-uptime")
        .context("uptime")?;
    assert_eq!(
        uptime.measured,
        value("w1-uptime").map(|v| (v * 100.0).round() / 100.0)
    );
    std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pilot-week-1.html"),
        report::week::html::render(&en),
    )?;
    insta::assert_snapshot!("week_1_md", report::week::markdown::render(&en));
    insta::assert_snapshot!("week_1_md_zh", report::week::markdown::render(&zh));

    // The status update on day 7 at 14:00, as `warroom status --update` prints it.
    let afternoon = at(date(6), "14:00");
    for (lang, name) in [(Lang::En, "update_day_7"), (Lang::ZhTw, "update_day_7_zh")] {
        let (text, skipped) = status::update::load(Some(&store), &layout, afternoon, lang).await?;
        assert!(skipped.is_empty(), "{skipped:?}");
        insta::assert_snapshot!(name, text);
    }
    store.close().await;
    // For a look: the week's database.
    let _ = std::fs::copy(
        &path,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pilot-week.db"),
    );
    sim.shutdown().await?;
    Ok(())
}
