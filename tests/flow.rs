//! What keys do, end to end through `update` and the real store worker: a tick is shown only
//! after its commit, a failed write leaves the item as it was and says so, undo and skip work
//! on the replayed log.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, Mark, Mode, View};
use warroom::layout;
use warroom::store::worker::{self, Reply, Request};
use warroom::store::{Author, Change, Store};
use warroom::update::{Effect, Msg, update};

fn app(operator: &str) -> App {
    let mut layout = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty(),
    )
    .expect("seed layout");
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    layout.launch.date = Some(day);
    let now = at_zone(
        layout.launch.zone,
        day.and_time(NaiveTime::from_hms_opt(9, 30, 0).expect("time")),
    );
    let author = Author {
        operator: operator.into(),
        origin: "test".into(),
    };
    App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).1
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Sends the effects to the worker and feeds its replies back, like the main loop does.
async fn settle(
    app: &mut App,
    effects: Vec<Effect>,
    tx: &mpsc::Sender<Request>,
    rx: &mut mpsc::Receiver<Reply>,
) {
    let mut waiting = 0;
    for effect in effects {
        if let Effect::Persist(event) = effect {
            tx.send(Request::Append(event))
                .await
                .expect("worker running");
            waiting += 1;
        }
    }
    while waiting > 0 {
        let reply = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("a reply within 5 s")
            .expect("worker running");
        if matches!(reply, Reply::Committed(_) | Reply::Failed { .. }) {
            waiting -= 1;
        }
        update(app, Msg::Store(reply));
    }
}

#[tokio::test]
async fn tick_is_shown_only_after_commit_and_survives_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    let store = Store::open(&db).await.expect("open store");
    let mut app = app("ann");
    let (tx, requests) = mpsc::channel(16);
    let (replies, mut rx) = mpsc::channel(16);
    let writer = tokio::spawn(worker::run(
        store,
        app.layout.launch.id.clone(),
        app.day(),
        0,
        requests,
        replies,
    ));

    let item = app.selected().expect("a selected item").to_string();
    assert_eq!(
        item, "first-order-created",
        "the cursor starts on the current block's first open item"
    );
    let effects = press(&mut app, KeyCode::Char(' '));
    assert_eq!(effects.len(), 1);
    assert_eq!(
        app.ledger.mark(&item),
        &Mark::Open,
        "not shown before the commit"
    );
    assert!(app.is_pending(&item));
    settle(&mut app, effects, &tx, &mut rx).await;
    assert_eq!(app.ledger.mark(&item), &Mark::Done);
    assert!(!app.is_pending(&item));

    // Skip the next item with a reason; an empty reason is refused.
    press(&mut app, KeyCode::Down);
    let next = app.selected().expect("selection").to_string();
    press(&mut app, KeyCode::Char('s'));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(
        effects.is_empty(),
        "a skip without a reason is not recorded"
    );
    assert!(
        matches!(app.mode, Mode::Prompt(_)),
        "the prompt stays open for the reason"
    );
    type_text(&mut app, "done by phone");
    let effects = press(&mut app, KeyCode::Enter);
    settle(&mut app, effects, &tx, &mut rx).await;
    assert_eq!(
        app.ledger.mark(&next),
        &Mark::Skipped {
            reason: "done by phone".into()
        }
    );

    // A note, then undo takes the note back (not the skip).
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "called the depot");
    let effects = press(&mut app, KeyCode::Enter);
    settle(&mut app, effects, &tx, &mut rx).await;
    assert_eq!(app.ledger.item(&next).notes.len(), 1);
    let effects = press(&mut app, KeyCode::Char('u'));
    settle(&mut app, effects, &tx, &mut rx).await;
    assert!(app.ledger.item(&next).notes.is_empty());
    assert_eq!(
        app.ledger.mark(&next),
        &Mark::Skipped {
            reason: "done by phone".into()
        }
    );

    drop(tx);
    writer.await.expect("writer finished");
    let reopened = Store::open(&db).await.expect("reopen");
    let ledger = Ledger::from_events(
        reopened
            .day_events(&app.layout.launch.id, app.day())
            .await
            .expect("read"),
    );
    assert_eq!(ledger.mark(&item), &Mark::Done);
    assert_eq!(
        ledger.mark(&next),
        &Mark::Skipped {
            reason: "done by phone".into()
        }
    );
    assert!(ledger.item(&next).notes.is_empty());
    assert_eq!(ledger.events().len(), 4, "tick, skip, note, undo");
}

#[tokio::test]
async fn a_failed_write_leaves_the_item_as_it_was_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("w.db"))
        .await
        .expect("open store");
    // A closed pool makes every write fail, as a vanished disk would.
    store.close().await;
    let mut app = app("ann");
    let (tx, requests) = mpsc::channel(16);
    let (replies, mut rx) = mpsc::channel(16);
    let _writer = tokio::spawn(worker::run(
        store,
        app.layout.launch.id.clone(),
        app.day(),
        0,
        requests,
        replies,
    ));
    let item = app.selected().expect("selection").to_string();
    let effects = press(&mut app, KeyCode::Char(' '));
    settle(&mut app, effects, &tx, &mut rx).await;
    assert_eq!(app.ledger.mark(&item), &Mark::Open);
    assert!(!app.is_pending(&item));
    let flash = app.flash.clone().expect("a message");
    assert!(
        flash.error && flash.text.starts_with("NOT SAVED"),
        "{flash:?}"
    );
}

#[test]
fn views_search_and_help_keys() {
    let mut app = app("ann");
    for (key, view) in [
        ('2', View::Prelaunch),
        ('3', View::Criteria),
        ('4', View::Expansion),
        ('5', View::Contacts),
        ('6', View::Timeline),
        ('7', View::Audit),
        ('1', View::LaunchDay),
    ] {
        press(&mut app, KeyCode::Char(key));
        assert_eq!(app.view, view);
    }
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.view, View::Prelaunch);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.view, View::LaunchDay);

    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "司機");
    let ids = app.item_ids(View::LaunchDay);
    assert!(
        !ids.is_empty()
            && ids
                .iter()
                .all(|id| app.item_text(id).is_some_and(|t| t.matches("司機"))),
        "{ids:?}"
    );
    assert!(
        ids.iter()
            .any(|id| id == app.selected().unwrap_or_default()),
        "the cursor sits on a match"
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    assert!(app.filter.is_empty());
    assert_eq!(app.item_ids(View::LaunchDay).len(), 45);

    press(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode, Mode::Normal);

    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected(), Some("next-day-planning-completed"));
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected(), Some("health-checks-passing"));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn undo_only_takes_back_your_own_changes() {
    let mut app = app("ann");
    let author = Author {
        operator: "bob".into(),
        origin: "test".into(),
    };
    let event = warroom::store::Event::new(
        &author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        Some("health-checks-passing".into()),
        Change::Tick,
    );
    update(
        &mut app,
        Msg::Store(Reply::Arrived(vec![warroom::store::Stored {
            seq: 1,
            event,
        }])),
    );
    assert_eq!(
        app.ledger.mark("health-checks-passing"),
        &Mark::Done,
        "bob's tick arrives"
    );
    let effects = press(&mut app, KeyCode::Char('u'));
    assert!(effects.is_empty(), "ann has nothing to undo");
    assert!(
        app.flash
            .as_ref()
            .is_some_and(|f| f.text.contains("Nothing"))
    );
}
