//! The pilot beyond launch day, data and command-line side (issue 15): announcements through
//! a real store seen by a second warroom on the same database (SQLite and PostgreSQL), the
//! status update's text in English and Traditional Chinese, `warroom status --update`,
//! `report --week`, `check --strict` and `completions` as a user runs them.

use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use warroom::app::clock::at_zone;
use warroom::app::{Ledger, Schedule, rules};
use warroom::i18n::Lang;
use warroom::judge::Bindings;
use warroom::judge::week::{self, OperatorVerdict};
use warroom::layout::{self, Layout};
use warroom::sources::{Failure, Health};
use warroom::status::update::{self, Targets};
use warroom::store::{Author, Change, Event, Sample, Store, Stored};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");
const PILOT: &str = include_str!("../layouts/luckygas-pilot.toml");

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, n).expect("a date")
}

fn at(date: NaiveDate, hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(chrono_tz::Asia::Taipei, date.and_time(time))
}

/// The pilot layout with its calendar from 2026-12-01 and the CEO role held by "mei".
fn layout() -> Layout {
    let text = PILOT
        .replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n")
        .replace(
            "id = \"signoff-ceo\"\n",
            "id = \"signoff-ceo\"\nholders = [\"mei\"]\n",
        );
    layout::parse("luckygas-pilot.toml", &text, &layout::Env::empty()).expect("the pilot layout")
}

fn author(who: &str) -> Author {
    Author {
        operator: who.into(),
        origin: "test".into(),
    }
}

fn event(
    layout: &Layout,
    who: &str,
    at: DateTime<Utc>,
    item: Option<&str>,
    change: Change,
) -> Event {
    let date = at.with_timezone(&chrono_tz::Asia::Taipei).date_naive();
    Event::new(
        &author(who),
        &layout.launch.id,
        date,
        at,
        item.map(str::to_string),
        change,
    )
}

// ---------------------------------------------------------------------------------------------
// Announcements: one warroom records, another on the same database shows

/// Warroom A announces; warroom B, on its own connection to the same database, reads the log
/// and shows it; A clears it and B stops showing it.
async fn announcement_reaches_the_other_warroom(a: &Store, b: &Store, news: bool) -> Result<()> {
    let layout = layout();
    let now = at(day(3), "13:00");
    let launch = layout.launch.id.clone();
    let mut seen = Ledger::from_events(b.read(&launch, day(3), 0).await?.events);
    let mut last = seen.last_seq();
    assert!(seen.pilot().current_announcements(now).is_empty());

    let change = rules::announce(
        "Deploy freeze until 15:00",
        Some(at(day(3), "15:00")),
        now,
        layout.launch.zone,
    )
    .map_err(|r| anyhow::anyhow!("{r}"))?;
    let announced = event(&layout, "ann", now, None, change);
    let id = announced.id;
    let waiting = news.then(|| {
        let b = b.clone();
        tokio::spawn(async move { b.wait_news().await })
    });
    a.append(&announced).await?;
    if let Some(waiting) = waiting {
        // PostgreSQL tells B at once (NOTIFY): a banner need not wait for a poll.
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .context("B heard of the announcement within 1 s")???;
    }
    for stored in b.events_after(&launch, day(3), last).await? {
        last = last.max(stored.seq);
        seen.apply(stored);
    }
    let current = seen.pilot().current_announcements(now);
    ensure!(current.len() == 1, "B shows the announcement: {current:?}");
    assert_eq!(current[0].text, "Deploy freeze until 15:00");
    assert_eq!(current[0].by, "ann");
    assert_eq!(current[0].at, now);
    assert_eq!(current[0].until, Some(at(day(3), "15:00")));
    assert!(
        seen.pilot()
            .current_announcements(at(day(3), "15:00"))
            .is_empty(),
        "expired at 15:00"
    );

    let clear =
        rules::clear(seen.pilot(), id, at(day(3), "13:30")).map_err(|r| anyhow::anyhow!("{r}"))?;
    a.append(&event(&layout, "bob", at(day(3), "13:30"), None, clear))
        .await?;
    for stored in b.events_after(&launch, day(3), last).await? {
        seen.apply(stored);
    }
    assert!(
        seen.pilot()
            .current_announcements(at(day(3), "13:31"))
            .is_empty()
    );
    assert_eq!(
        seen.pilot().announcements()[0]
            .cleared
            .as_ref()
            .map(|(by, _)| by.as_str()),
        Some("bob")
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_warrooms_on_one_sqlite_file_see_one_announcement() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("room.db");
    let a = Store::open(&path).await?;
    let b = Store::open(&path).await?;
    announcement_reaches_the_other_warroom(&a, &b, false).await?;
    a.close().await;
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_warrooms_on_one_postgresql_see_one_announcement() -> Result<()> {
    let url = common::db::admin_url();
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(PgConnectOptions::from_str(&url)?)
        .await?;
    let schema = format!("warroom_pilot_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    let options = || -> Result<PgConnectOptions> {
        Ok(PgConnectOptions::from_str(&url)?.options([("search_path", schema.as_str())]))
    };
    let outcome = async {
        let a = Store::open_postgres(options()?, "postgres://a").await?;
        let b = Store::open_postgres(options()?, "postgres://b").await?;
        let result = announcement_reaches_the_other_warroom(&a, &b, true).await;
        a.close().await;
        b.close().await;
        result
    }
    .await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await?;
    admin.close().await;
    outcome
}

// ---------------------------------------------------------------------------------------------
// The status update's text

/// Day 3 at 10:30: the first-orders block under way, an announcement, an error-rate alert an
/// operator is on and a deliveries alert nobody has taken, week 1 so far from two and a half
/// days of samples, and a verdict on "no critical data loss".
fn day_3() -> (
    Layout,
    Ledger,
    BTreeMap<NaiveDate, Vec<Sample>>,
    DateTime<Utc>,
) {
    let layout = layout();
    let now = at(day(3), "10:30");
    let failure = |condition: &str, got: f64, unit: &str| Failure {
        condition: Some(condition.into()),
        got: Some(got),
        unit: Some(unit.into()),
        text: format!("{condition}: got {got}"),
    };
    let mut seq = 0;
    let mut stored = |e: Event| {
        seq += 1;
        Stored { seq, event: e }
    };
    let first_orders: Vec<String> = layout.blocks[1].items().map(|i| i.id.clone()).collect();
    let events = vec![
        stored(event(
            &layout,
            "ann",
            at(day(3), "08:05"),
            Some(&first_orders[0]),
            Change::Tick,
        )),
        stored(event(
            &layout,
            "bob",
            at(day(3), "08:40"),
            Some(&first_orders[1]),
            Change::Tick,
        )),
        stored(event(
            &layout,
            "ann",
            at(day(3), "09:00"),
            None,
            Change::Announced {
                text: "Deploy freeze until 15:00".into(),
                until: Some(at(day(3), "15:00")),
            },
        )),
        stored(event(
            &layout,
            "warroom",
            at(day(3), "09:41"),
            None,
            Change::AlertRaised {
                source: "error-rate".into(),
                severity: Health::Critical,
                failure: Box::new(failure("value < 5%", 6.2, "%")),
            },
        )),
        stored(event(
            &layout,
            "ann",
            at(day(3), "09:44"),
            None,
            Change::AlertAcknowledged {
                source: "error-rate".into(),
                reason: "rolling back v2.3".into(),
            },
        )),
        stored(event(
            &layout,
            "warroom",
            at(day(3), "10:12"),
            None,
            Change::AlertRaised {
                source: "deliveries".into(),
                severity: Health::Warn,
                failure: Box::new(failure("value >= 95%", 93.1, "%")),
            },
        )),
    ];
    let ledger = Ledger::from_events(events);
    let mut samples = BTreeMap::new();
    for d in 1..=3 {
        let t = at(day(d), "09:00");
        let s = |source: &str, series: &str, value: f64| Sample {
            source: source.into(),
            series: series.into(),
            minute: t,
            value,
        };
        samples.insert(
            day(d),
            vec![
                s("api", "_polls", 600.0),
                s("api", "_up", 598.0),
                s("deliveries", "delivered", 30.0),
                s("deliveries", "failed", 2.0),
                s("latency", "avg_ms", 212.5),
                s("satisfaction", "value", 4.4),
                s("satisfaction", "ratings", 12.0),
            ],
        );
    }
    (layout, ledger, samples, now)
}

fn compose(lang: Lang) -> String {
    let (layout, ledger, samples, now) = day_3();
    let bindings = Bindings::of(&layout);
    let verdicts = |id: &str| {
        (id == "w1-no-critical-data-loss").then(|| OperatorVerdict {
            passed: true,
            reason: "backups checked".into(),
            by: "ann".into(),
            at: at(day(2), "18:00"),
        })
    };
    let inputs = week::Inputs {
        layout: &layout,
        bindings: &bindings,
        samples: &samples,
        verdicts: &verdicts,
        now,
    };
    let w1 = week::week(&inputs, &layout.criteria[0]).expect("a calendar");
    let schedule = Schedule::new(&layout, day(3));
    update::compose(
        &update::Inputs {
            layout: &layout,
            ledger: &ledger,
            schedule: &schedule,
            now,
            targets: Some(Targets::week(&w1)),
        },
        lang,
    )
}

#[test]
fn the_status_update_says_where_the_pilot_and_the_day_stand() {
    let en = compose(Lang::En);
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(
        lines[0],
        "LuckyGas Pilot Launch — status at 10:30, Thu 2026-12-03 (Asia/Taipei)"
    );
    assert_eq!(
        lines[1],
        "Pilot day 3 · week 1 · 10 customers · Soft Launch"
    );
    assert_eq!(
        lines[2],
        "Announcement: Deploy freeze until 15:00 — ann at 09:00, until 15:00"
    );
    assert_eq!(
        lines[3],
        "Now: First Orders (08:00–12:00), 2/12 done, ends in 1:30:00"
    );
    assert_eq!(lines[4], "Open alerts (2):");
    assert_eq!(
        lines[5],
        "  • Error rate critical since 09:41: value < 5%: got 6.20 % — on it: ann since 09:44 (rolling back v2.3)"
    );
    assert_eq!(
        lines[6],
        "  • Deliveries warn since 10:12: value >= 95%: got 93.1 % — nobody on it yet"
    );
    assert_eq!(lines[7], "Week 1 Targets, the week so far (day 3 of 7):");
    // 1794 of 1800 polls; 90 of 96 deliveries.
    assert_eq!(lines[8], "  ✓ System uptime: 99.67 % (target > 99%)");
    assert_eq!(
        lines[9],
        "  ✗ Order completion rate: 93.75 % (target > 95%)"
    );
    assert_eq!(
        lines[10],
        "  ✓ Average response time: 212.5 ms (target < 300 ms)"
    );
    assert_eq!(lines[11], "  ✓ Customer satisfaction: 4.4/5 (target > 4/5)");
    assert_eq!(
        lines[12],
        "  ✓ No critical data loss: pass (target = 0 incidents)"
    );
    assert_eq!(lines[13], "Next: Afternoon Review (14:00–16:00) in 3:30:00");
    assert_eq!(lines.len(), 14, "{en}");
    insta::assert_snapshot!("status_update_en", en);
}

#[test]
fn the_status_update_in_chinese_keeps_every_line() {
    let zh = compose(Lang::ZhTw);
    let en = compose(Lang::En);
    assert_eq!(zh.lines().count(), en.lines().count());
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(
        lines[1],
        "試營運第 3 天 · 第 1 週 · 10 位客戶 · 小規模試營運"
    );
    assert!(
        lines[5].contains("處理中：ann（09:44 起，rolling back v2.3）"),
        "{}",
        lines[5]
    );
    assert!(lines[6].ends_with("尚無人處理"), "{}", lines[6]);
    insta::assert_snapshot!("status_update_zh", zh);
}

#[test]
fn without_a_calendar_the_update_holds_todays_numbers_and_says_no_pilot_day() {
    let (layout, ledger, samples, now) = day_3();
    let mut layout = layout;
    layout.pilot.start = None;
    let today = warroom::judge::samples::Day::new(&samples[&day(3)], now);
    let bindings = Bindings::of(&layout);
    let schedule = Schedule::new(&layout, day(3));
    let text = update::compose(
        &update::Inputs {
            layout: &layout,
            ledger: &ledger,
            schedule: &schedule,
            now,
            targets: Targets::today(&layout, &bindings, &today, now),
        },
        Lang::En,
    );
    assert!(!text.contains("Pilot day"), "{text}");
    assert!(text.contains("Week 1 Targets, today's numbers:"), "{text}");
    assert!(
        text.contains("No critical data loss: awaiting an operator's verdict"),
        "a statement is never a check mark without a verdict: {text}"
    );
    // Before Day 1 and after the last week.
    let before = update::pilot_line(
        &self::layout(),
        &self::layout().pilot_day(at(day(1), "06:00") - chrono::Duration::days(2)),
        Lang::En,
    );
    assert_eq!(
        before.as_deref(),
        Some("Pilot starts in 2 days (2026-12-01)")
    );
    let after = update::pilot_line(
        &self::layout(),
        &self::layout().pilot_day(at(day(29), "09:00")),
        Lang::En,
    );
    assert_eq!(
        after.as_deref(),
        Some("Pilot over: day 29, past its 4 weeks")
    );
}

#[test]
fn an_announcement_from_the_log_carries_no_terminal_escapes_into_the_update() {
    let (layout, _, _, now) = day_3();
    let hostile = event(
        &layout,
        "mallory\u{1b}]52;c;ZWNobw==\u{7}",
        at(day(3), "10:00"),
        None,
        Change::Announced {
            text: "\u{1b}[2Jall clear\u{1b}[31m".into(),
            until: None,
        },
    );
    let ledger = Ledger::from_events([Stored {
        seq: 1,
        event: hostile,
    }]);
    let schedule = Schedule::new(&layout, day(3));
    let text = update::compose(
        &update::Inputs {
            layout: &layout,
            ledger: &ledger,
            schedule: &schedule,
            now,
            targets: None,
        },
        Lang::En,
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("Announcement: all clear — mallory at 10:00"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The command line

fn warroom(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env_remove("WARROOM_DB")
        .env_remove("WARROOM_LAYOUT")
        .env_remove("WARROOM_DATABASE_URL")
        .env_remove("LUCKYGAS_API")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("warroom runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_lists_an_unset_variable_as_a_warning_and_strict_makes_it_an_error() {
    let loose = warroom(&["check", "layouts/luckygas-pilot.toml"]);
    assert_eq!(loose.status.code(), Some(0), "{}", text(&loose.stderr));
    let out = text(&loose.stdout);
    assert!(
        out.starts_with(
            "layouts/luckygas-pilot.toml: ok, with 1 unset environment variable (LUCKYGAS_API)"
        ),
        "{out}"
    );
    assert!(out.contains("  criteria     3 weeks, 15 targets"), "{out}");
    let err = text(&loose.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(": warning: environment variable LUCKYGAS_API is not set"),
        "{err}"
    );
    let strict = warroom(&["check", "--strict", "layouts/luckygas-pilot.toml"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        strict.stdout.is_empty(),
        "no 'ok' before an error: {}",
        text(&strict.stdout)
    );
    assert!(
        text(&strict.stderr).contains("with --strict"),
        "{}",
        text(&strict.stderr)
    );
    let set = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--strict", "layouts/luckygas-pilot.toml"])
        .env("LUCKYGAS_API", "http://127.0.0.1:8787")
        .output()
        .expect("warroom runs");
    assert_eq!(set.status.code(), Some(0), "{}", text(&set.stderr));
    assert!(set.stderr.is_empty(), "{}", text(&set.stderr));
}

#[test]
fn completions_for_bash_zsh_and_fish_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = warroom(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        for word in [
            "check",
            "status",
            "report",
            "demo",
            "completions",
            "strict",
            "week",
            "update",
        ] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bad = warroom(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_week_and_status_update_from_the_command_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("pilot.db");
    let layout_path = dir.path().join("pilot.toml");
    std::fs::write(
        &layout_path,
        PILOT.replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n"),
    )?;
    let (layout, ledger, samples, _) = day_3();
    let store = Store::open(&db).await?;
    for stored in ledger.events() {
        store.append(&stored.event).await?;
    }
    for (date, list) in &samples {
        store.save_samples(&layout.launch.id, *date, list).await?;
    }
    store.close().await;
    let (db, layout_arg) = (db.display().to_string(), layout_path.display().to_string());
    let common = [
        "--db",
        db.as_str(),
        "--layout",
        layout_arg.as_str(),
        "--now",
        "2026-12-03T10:30",
    ];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(common);
        warroom(&args)
    };

    let update = run(&["status", "--update"]);
    assert_eq!(update.status.code(), Some(0), "{}", text(&update.stderr));
    let out = text(&update.stdout);
    assert!(out.contains("Pilot day 3 · week 1 · 10 customers"), "{out}");
    assert!(out.contains("on it: ann since 09:44"), "{out}");
    assert!(out.contains("✓ System uptime: 99.67 %"), "{out}");
    let zh = run(&["status", "--update", "--lang", "zh-TW"]);
    assert!(
        text(&zh.stdout).contains("試營運第 3 天"),
        "{}",
        text(&zh.stdout)
    );

    for (format, needle) in [
        ("md", "| System uptime | > 99% | 99.67 % | pass |"),
        ("html", "<svg"),
        ("json", "\"state\": \"in_progress\""),
    ] {
        let out = run(&["report", "--week", "1", "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{format}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(needle),
            "{format}: {}",
            text(&out.stdout)
        );
    }
    let week3 = run(&["report", "--week", "3"]);
    assert_eq!(week3.status.code(), Some(1));
    assert!(
        text(&week3.stderr).contains("no targets for week 3 (weeks with targets: 1, 2, 4)"),
        "{}",
        text(&week3.stderr)
    );
    let both = run(&["report", "--week", "1", "--date", "2026-12-01"]);
    assert_eq!(both.status.code(), Some(2), "--week and --date conflict");
    // Without a calendar a week cannot be placed: said, before the database is opened.
    let undated = warroom(&[
        "report",
        "--week",
        "1",
        "--db",
        "/nonexistent/x.db",
        "--layout",
        "layouts/luckygas-pilot.toml",
    ]);
    assert_eq!(undated.status.code(), Some(1));
    assert!(
        text(&undated.stderr).contains("no pilot start date"),
        "{}",
        text(&undated.stderr)
    );
    Ok(())
}
