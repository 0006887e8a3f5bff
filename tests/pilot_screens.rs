//! The pilot's screens (issue 15, UI side): view 3 with three weeks judged over stored
//! samples, view 4's go/no-go both ways, the announcement banner, the status update under
//! review (en and zh-TW, 80x24 and 200x60), and the keys that record sign-offs, verdicts and
//! announcements through the rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, Mode, PromptPurpose, View};
use warroom::i18n::Lang;
use warroom::layout::{self, Layout};
use warroom::store::worker::{PilotRead, Reply};
use warroom::store::{Author, Change, Event, Sample, Stored};
use warroom::update::{Effect, Msg, update};

mod common;
use common::rig::Rig;

const PILOT: &str = include_str!("../layouts/luckygas-pilot.toml");

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).expect("a December date")
}

fn at(d: u32, hm: &str) -> DateTime<Utc> {
    let time = NaiveTime::parse_from_str(hm, "%H:%M").expect("HH:MM");
    at_zone(chrono_tz::Asia::Taipei, date(d).and_time(time))
}

/// The pilot layout with its calendar from 2026-12-01; `holders` for the CEO's sign-off.
fn layout(holders: Option<&str>) -> Layout {
    let mut text = PILOT.replace("[pilot]\n", "[pilot]\nstart = \"2026-12-01\"\n");
    if let Some(h) = holders {
        text = text.replace(
            "id = \"signoff-ceo\"\n",
            &format!("id = \"signoff-ceo\"\nholders = [{h}]\n"),
        );
    }
    layout::parse("luckygas-pilot.toml", &text, &layout::Env::empty()).expect("the pilot layout")
}

fn sample(source: &str, series: &str, at: DateTime<Utc>, value: f64) -> Sample {
    Sample {
        source: source.into(),
        series: series.into(),
        minute: at,
        value,
    }
}

/// A day's numbers: polls up of polls, delivered and failed, two minutes of response time,
/// a satisfaction score over its ratings.
fn day_samples(d: u32, up: f64, delivered: f64, failed: f64, ms: f64, sat: f64) -> Vec<Sample> {
    let t = at(d, "10:00");
    vec![
        sample("api", "_polls", t, 1000.0),
        sample("api", "_up", t, up),
        sample("deliveries", "delivered", t, delivered),
        sample("deliveries", "failed", t, failed),
        sample("latency", "avg_ms", t, ms),
        sample("latency", "avg_ms", t + Duration::minutes(1), ms + 10.0),
        sample("satisfaction", "value", t, sat),
        sample("satisfaction", "ratings", t, 20.0),
    ]
}

/// Weeks 1 and 2 over (week 1 passing, week 2 failing on uptime), week 4 on its day 3:
/// `good` makes week 4 pass everything measured.
fn three_weeks(good: bool) -> BTreeMap<NaiveDate, Vec<Sample>> {
    let mut days = BTreeMap::new();
    for d in 1..=7 {
        days.insert(date(d), day_samples(d, 995.0, 96.0, 4.0, 210.0, 4.4));
    }
    for d in 8..=14 {
        days.insert(date(d), day_samples(d, 990.0, 98.0, 2.0, 180.0, 4.5));
    }
    for d in 22..=24 {
        let up = if good { 1000.0 } else { 997.0 };
        days.insert(date(d), day_samples(d, up, 99.0, 1.0, 150.0, 4.6));
    }
    days
}

fn stored(seq: i64, who: &str, at: DateTime<Utc>, item: Option<&str>, change: Change) -> Stored {
    let author = Author {
        operator: who.into(),
        origin: "local on ops-1".into(),
    };
    let day = at.with_timezone(&chrono_tz::Asia::Taipei).date_naive();
    Stored {
        seq,
        event: Event::new(
            &author,
            "luckygas-pilot",
            day,
            at,
            item.map(str::to_string),
            change,
        ),
    }
}

fn app(layout: Layout, now: DateTime<Utc>, events: Vec<Stored>) -> App {
    let author = Author {
        operator: "ann".into(),
        origin: "local on ops-1".into(),
    };
    let mut app = App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::from_events(events),
    ));
    app.local_offset = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    app
}

/// On 12-24 10:30 (week 4, day 3) with three weeks of samples; `go` adds everything GO
/// needs: the expansion items done, five signatures, the operators' verdicts passing.
fn pilot_app(go: bool) -> App {
    let layout = layout(None);
    let mut events = Vec::new();
    let mut seq = 0;
    let mut push = |who: &str, at: DateTime<Utc>, item: Option<&str>, change: Change| {
        seq += 1;
        events.push(stored(seq, who, at, item, change));
    };
    push(
        "ann",
        at(3, "18:00"),
        Some("w1-no-critical-data-loss"),
        Change::TargetJudged {
            passed: true,
            reason: "backups restored and verified".into(),
        },
    );
    push(
        "bob",
        at(14, "17:00"),
        Some("w2-feature-adoption"),
        Change::TargetJudged {
            passed: false,
            reason: "survey: 54 % use scheduling".into(),
        },
    );
    let expansion: Vec<String> = layout
        .expansion
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| i.id.clone())
        .collect();
    let signoffs: Vec<(String, String)> = layout
        .signoffs
        .iter()
        .map(|s| (s.id.clone(), s.role.en.clone()))
        .collect();
    let names = ["Lin Mei-hua", "Tom Lin", "Chen Wei", "Wu Ling", "Huang Kai"];
    let (done, signed) = if go {
        (expansion.len(), signoffs.len())
    } else {
        (expansion.len().saturating_sub(3), 2)
    };
    for id in expansion.iter().take(done) {
        push("ann", at(24, "09:00"), Some(id), Change::Tick);
    }
    for ((id, role), name) in signoffs.iter().zip(names).take(signed) {
        push(
            "ann",
            at(24, "09:30"),
            Some(id),
            Change::SignedOff {
                name: name.into(),
                role: role.clone(),
            },
        );
    }
    if go {
        for target in ["w4-feature-adoption", "w4-ready-for-rollout"] {
            push(
                "mei",
                at(24, "10:00"),
                Some(target),
                Change::TargetJudged {
                    passed: true,
                    reason: "steering committee 12-24".into(),
                },
            );
        }
    } else {
        // A signature taken back stays in the log and blocks.
        push(
            "ann",
            at(24, "09:40"),
            Some(&signoffs[2].0),
            Change::SignedOff {
                name: "Chen Wei".into(),
                role: signoffs[2].1.clone(),
            },
        );
        push(
            "ann",
            at(24, "09:50"),
            Some(&signoffs[2].0),
            Change::SignoffWithdrawn {
                reason: "uptime below 99.9 %".into(),
            },
        );
    }
    // The earlier days' events come from the store, as the minute's read brings them.
    let (earlier, today): (Vec<Stored>, Vec<Stored>) =
        events.into_iter().partition(|s| s.event.day != date(24));
    let mut app = app(layout, at(24, "10:30"), today);
    update(
        &mut app,
        Msg::Store(Reply::Pilot(PilotRead {
            earlier,
            samples: three_weeks(go),
        })),
    );
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::ZhTw => "zh",
    }
}

/// The seq the store gives the next change (after the log the app holds).
fn next_seq(app: &App) -> i64 {
    1001 + app.ledger.events().len() as i64
}

#[test]
fn view_3_shows_three_weeks_of_values_and_how_each_was_computed() {
    for lang in [Lang::En, Lang::ZhTw] {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let mut app = pilot_app(false);
            app.lang = lang;
            key(&mut app, KeyCode::Char('3'));
            // Tall enough to see it all; the pane scrolls at smaller sizes.
            let shown = common::render(&app, w, h);
            if lang == Lang::En && h == 60 {
                for text in [
                    "Pilot day 24 · week 4 · 20 customers",
                    "Week 1 Targets · 2026-12-01 to 2026-12-07 · final",
                    "99.5 % (> 99%)",
                    "6965 of 7000 polls not critical, over 7 days, from api",
                    "judged pass by ann",
                    "Week 4 Targets · 2026-12-22 to 2026-12-28 · day 3 of 7, the week so far",
                    "awaiting an operator's verdict",
                ] {
                    assert!(shown.contains(text), "{text:?} missing:\n{shown}");
                }
            }
            insta::assert_snapshot!(format!("criteria_{}_{w}x{h}", lang_name(lang)), shown);
        }
    }
}

#[test]
fn view_4_says_no_go_with_each_blocker_and_go_when_nothing_blocks() {
    for (go, name) in [(false, "nogo"), (true, "go")] {
        for lang in [Lang::En, Lang::ZhTw] {
            for (w, h) in [(80, 24), (200, 60)] {
                let mut app = pilot_app(go);
                app.lang = lang;
                key(&mut app, KeyCode::Char('4'));
                let shown = common::render(&app, w, h);
                if lang == Lang::En && w == 200 {
                    if go {
                        assert!(shown.contains("GO: 5 of 5 targets pass"), "{shown}");
                        assert!(!shown.contains("NO-GO"), "{shown}");
                        assert!(shown.contains("signed: Lin Mei-hua"), "{shown}");
                    } else {
                        for text in [
                            "NO-GO: 1 target failing, 2 targets without a verdict, 3 expansion items open, 2 of 5 sign-offs",
                            "System uptime (> 99.9%): failing at 99.7 %",
                            "Chen Wei's sign-off withdrawn by ann (uptime below 99.9 %)",
                            "withdrawn",
                        ] {
                            assert!(shown.contains(text), "{text:?} missing:\n{shown}");
                        }
                    }
                }
                insta::assert_snapshot!(
                    format!("expansion_{name}_{}_{w}x{h}", lang_name(lang)),
                    shown
                );
            }
        }
    }
}

#[tokio::test]
async fn an_announcement_is_a_banner_on_every_screen_until_cleared() {
    let mut rig = Rig::new(pilot_app(false), 200, 60);
    rig.key(KeyCode::Char('A')).await;
    rig.applied().await;
    assert!(matches!(
        &rig.app().mode,
        Mode::Prompt(p) if p.purpose == PromptPurpose::Announce
    ));
    rig.type_text("Deploy freeze until 15:00 | 15:00").await;
    rig.key(KeyCode::Enter).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(
        matches!(&made[..], [e] if matches!(&e.change, Change::Announced { text, until: Some(_) } if text == "Deploy freeze until 15:00")),
        "{made:?}"
    );
    for view in ['1', '3', '4', '8'] {
        rig.key(KeyCode::Char(view)).await;
        rig.applied().await;
        for (w, h) in [(80, 24), (200, 60)] {
            let shown = common::render(rig.app(), w, h);
            assert!(
                shown.contains("Deploy freeze until 15:00"),
                "{view}:\n{shown}"
            );
            if view == '1' {
                insta::assert_snapshot!(format!("banner_{w}x{h}"), shown);
            }
        }
    }
    // A blank one is refused inside the dialog, which stays.
    rig.key(KeyCode::Char('A')).await;
    rig.type_text("   ").await;
    rig.key(KeyCode::Enter).await;
    assert!(rig.commit_requests(next_seq(rig.app())).await.is_empty());
    assert!(matches!(&rig.app().mode, Mode::Prompt(p) if p.problem.is_some()));
    rig.key(KeyCode::Esc).await;
    // C takes it down.
    rig.key(KeyCode::Char('C')).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(matches!(&made[..], [e] if matches!(e.change, Change::AnnouncementCleared { .. })));
    rig.key(KeyCode::Char('1')).await;
    rig.applied().await;
    let shown = common::render(rig.app(), 200, 60);
    // Gone from the banner; the log (the recent changes panel) keeps it.
    assert!(!shown.contains("(C clears)"), "{shown}");
    assert!(shown.contains("cleared announcement"), "{shown}");
}

#[test]
fn the_status_update_is_shown_for_review_and_copied() {
    for lang in [Lang::En, Lang::ZhTw] {
        for (w, h) in [(80, 24), (200, 60)] {
            let mut app = pilot_app(false);
            app.lang = lang;
            let effects = key(&mut app, KeyCode::Char('U'));
            let copied: Vec<&String> = effects
                .iter()
                .filter_map(|e| match e {
                    Effect::Copy(text) => Some(text),
                    _ => None,
                })
                .collect();
            assert_eq!(copied.len(), 1, "{effects:?}");
            assert_eq!(Some(copied[0]), app.update_text.as_ref());
            let pilot = if lang == Lang::En {
                "Pilot day 24 · week 4"
            } else {
                "試營運第 24 天 · 第 4 週"
            };
            assert!(copied[0].contains(pilot), "{}", copied[0]);
            let shown = common::render(&app, w, h);
            assert!(shown.contains(pilot), "{shown}");
            insta::assert_snapshot!(format!("update_{}_{w}x{h}", lang_name(lang)), shown);
            // It scrolls within its text; Esc closes it.
            for _ in 0..50 {
                key(&mut app, KeyCode::Down);
            }
            let lines = copied[0].lines().count();
            assert!(matches!(app.mode, Mode::Update { scroll } if scroll == lines - 1));
            let again = key(&mut app, KeyCode::Char('c'));
            assert!(again.iter().any(|e| matches!(e, Effect::Copy(_))));
            key(&mut app, KeyCode::Esc);
            assert_eq!(app.mode, Mode::Normal);
        }
    }
}

/// The pilot app on view 4 (the expansion list) with the cursor on `item`, on the runtime.
fn on_expansion(mut app: App, item: &str) -> Rig {
    key(&mut app, KeyCode::Char('4'));
    app.view_state_mut(View::Expansion).selected = Some(item.into());
    Rig::new(app, 200, 60)
}

#[tokio::test]
async fn a_sign_off_is_signed_by_name_never_ticked_and_withdrawn_with_a_reason() {
    // Without holders: space asks the signer to confirm their name.
    let mut rig = on_expansion(pilot_app(false), "signoff-fleet-manager");
    rig.key(KeyCode::Char(' ')).await;
    rig.applied().await;
    assert!(
        matches!(&rig.app().mode, Mode::Prompt(p) if p.input == "ann" && matches!(p.purpose, PromptPurpose::Sign { .. })),
        "{:?}",
        rig.app().mode
    );
    for _ in 0..3 {
        rig.key(KeyCode::Backspace).await;
    }
    rig.type_text("Huang Kai").await;
    rig.key(KeyCode::Enter).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(
        matches!(&made[..], [e] if matches!(&e.change, Change::SignedOff { name, .. } if name == "Huang Kai")),
        "{made:?}"
    );
    assert!(!made.iter().any(|e| e.change == Change::Tick));
    // `s` does not skip a sign-off.
    rig.key(KeyCode::Char('s')).await;
    assert!(rig.commit_requests(next_seq(rig.app())).await.is_empty());
    assert_eq!(rig.app().mode, Mode::Normal);
    // Space again: withdraw, with a reason.
    rig.key(KeyCode::Char(' ')).await;
    rig.applied().await;
    assert!(
        matches!(&rig.app().mode, Mode::Prompt(p) if matches!(p.purpose, PromptPurpose::Withdraw { .. }))
    );
    rig.type_text("signed the wrong week").await;
    rig.key(KeyCode::Enter).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(
        matches!(&made[..], [e] if matches!(&e.change, Change::SignoffWithdrawn { reason } if reason == "signed the wrong week"))
    );
    assert!(
        rig.app()
            .pilot_ledger()
            .pilot()
            .signature("signoff-fleet-manager")
            .is_none()
    );

    // With holders: only they sign, as themselves, without a dialog.
    let mut app = pilot_app(false);
    app.layout = Arc::new(layout(Some("\"mei\"")));
    let mut rig = on_expansion(app, "signoff-ceo");
    // Signed on day 24 by Lin Mei-hua already in this app: withdraw it first as its signer.
    rig.key(KeyCode::Char(' ')).await;
    rig.type_text("re-sign by the holder").await;
    rig.key(KeyCode::Enter).await;
    rig.commit_requests(next_seq(rig.app())).await;
    rig.key(KeyCode::Char(' ')).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(made.is_empty(), "ann holds no CEO role: {made:?}");
    let said = rig
        .app()
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(said.contains("mei"), "{said}");
    // mei at her own warroom, on the same log.
    let mut mei = rig.finish().await;
    mei.author.operator = "mei@ops-2".into();
    let mut rig = Rig::new(mei, 200, 60);
    rig.key(KeyCode::Char(' ')).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(
        matches!(&made[..], [e] if matches!(&e.change, Change::SignedOff { name, .. } if name == "mei@ops-2")),
        "{made:?}"
    );
}

#[tokio::test]
async fn an_operator_judges_a_target_no_source_measures() {
    let mut rig = Rig::new(pilot_app(false), 200, 60);
    rig.key(KeyCode::Char('3')).await;
    rig.key(KeyCode::Char('J')).await;
    rig.applied().await;
    let choices = rig.app().judge_choices();
    assert!(
        choices.iter().all(|(id, _)| [
            "w1-no-critical-data-loss",
            "w2-feature-adoption",
            "w4-feature-adoption",
            "w4-ready-for-rollout"
        ]
        .contains(&id.as_str())),
        "{choices:?}"
    );
    let want = choices
        .iter()
        .position(|(id, passed)| id == "w4-ready-for-rollout" && !passed)
        .expect("a choice to fail readiness");
    for _ in 0..want {
        rig.key(KeyCode::Down).await;
    }
    rig.applied().await;
    let shown = common::render(rig.app(), 120, 40);
    assert!(shown.contains("Ready for full rollout: fail"), "{shown}");
    // A verdict needs a reason.
    rig.key(KeyCode::Enter).await;
    assert!(rig.commit_requests(next_seq(rig.app())).await.is_empty());
    rig.type_text("two depots not trained").await;
    rig.key(KeyCode::Enter).await;
    let made = rig.commit_requests(next_seq(rig.app())).await;
    assert!(
        matches!(&made[..], [e] if e.item.as_deref() == Some("w4-ready-for-rollout") && matches!(&e.change, Change::TargetJudged { passed: false, reason } if reason == "two depots not trained")),
        "{made:?}"
    );
    let shown = common::render(rig.app(), 200, 60);
    assert!(shown.contains("judged fail by ann"), "{shown}");
}

#[test]
fn the_timeline_marks_the_current_phase_and_says_before_and_after() {
    for (now, want) in [
        (at(24, "10:00"), "Pilot day 24 · week 4 · 20 customers"),
        (
            at(3, "10:00") - Duration::days(5),
            "Pilot starts in 3 days (2026-12-01)",
        ),
        (at(29, "10:00"), "Pilot over: day 29, past its 4 weeks"),
    ] {
        let mut app = app(layout(None), now, Vec::new());
        key(&mut app, KeyCode::Char('6'));
        let shown = common::render(&app, 120, 40);
        assert!(shown.contains(want), "{want:?}:\n{shown}");
        assert_eq!(
            shown.contains("(now)"),
            want.starts_with("Pilot day"),
            "{shown}"
        );
    }
}

#[test]
fn a_quiet_block_says_so() {
    let text = PILOT.replacen("id = \"morning\"\n", "id = \"morning\"\nquiet = true\n", 1);
    let layout = layout::parse("p.toml", &text, &layout::Env::empty()).expect("a quiet morning");
    let morning = at(1, "06:30");
    let app = app(layout, morning, Vec::new());
    let shown = common::render(&app, 120, 40);
    assert!(shown.contains("quiet: no bell until 08:00"), "{shown}");
}

#[test]
fn at_midnight_the_checklist_moves_to_the_new_date() {
    let layout = layout(None);
    let first: Vec<String> = layout.blocks[1].items().map(|i| i.id.clone()).collect();
    let events = vec![
        stored(1, "ann", at(3, "09:00"), Some(&first[0]), Change::Tick),
        stored(
            2,
            "bob",
            at(3, "22:00"),
            None,
            Change::Announced {
                text: "Night shift: call bob".into(),
                until: None,
            },
        ),
    ];
    let mut app = app(layout, at(3, "23:59"), events);
    assert_eq!(app.day(), date(3));
    assert_eq!(app.ledger.mark(&first[0]), &warroom::app::Mark::Done);
    app.clock = Clock::frozen(at(4, "00:00") + Duration::seconds(1));
    let (redraw, effects) = update(&mut app, Msg::Tick);
    assert!(redraw);
    assert_eq!(app.day(), date(4));
    // The store is told, after the day's last samples (which are the day before's).
    let new_day = effects
        .iter()
        .position(|e| *e == Effect::NewDay(date(4)))
        .expect("the store is told the new day");
    assert!(
        effects[new_day..]
            .iter()
            .all(|e| !matches!(e, Effect::SaveSamples(_))),
        "{effects:?}"
    );
    // The checklist starts again; the announcement outlives the day, the tick is the day
    // before's (its report has it).
    assert_eq!(app.ledger.mark(&first[0]), &warroom::app::Mark::Open);
    assert_eq!(app.pilot_earlier.len(), 1);
    let shown = common::render(&app, 120, 40);
    assert!(shown.contains("Pilot day 4 · week 1"), "{shown}");
    assert!(shown.contains("A new day: 2026-12-04"), "{shown}");
    assert!(shown.contains("Night shift: call bob"), "{shown}");
    assert!(app.ledger.events().is_empty());
    // Ticks made now are the new day's.
    app.view_state_mut(View::LaunchDay).selected = Some(first[0].clone());
    let effects = key(&mut app, KeyCode::Char(' '));
    let made: Vec<&Event> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Persist(event) => Some(event),
            _ => None,
        })
        .collect();
    assert!(made.iter().all(|e| e.day == date(4)), "{made:?}");
}
