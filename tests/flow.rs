//! What keys do, end to end through the real runtime and the real store worker: a tick is
//! shown only after its commit, a failed write leaves the item as it was and says so, undo and
//! skip work on the replayed log.

mod common;

use ratatui::crossterm::event::KeyCode;
use warroom::app::{App, Ledger, Mark, Mode, View};
use warroom::store::worker::{Options, Reply, Request};
use warroom::store::{Author, Change, Store};

use common::rig::Rig;

fn app() -> App {
    common::app_at(common::seed(), "09:30", Vec::new())
}

#[tokio::test]
async fn tick_is_shown_only_after_commit_and_survives_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("w.db");
    let store = Store::open(&db).await.expect("open store");
    // The store task starts once the tick has been seen waiting for it.
    let mut rig = Rig::new(app(), 200, 60);

    let item = rig.app().selected().expect("a selected item").to_string();
    assert_eq!(
        item, "first-order-created",
        "the cursor starts on the current block's first open item"
    );
    rig.key(KeyCode::Char(' ')).await;
    rig.applied().await;
    assert_eq!(
        rig.app().ledger.mark(&item),
        &Mark::Open,
        "not shown before the commit"
    );
    assert!(rig.app().is_pending(&item));
    rig.start_worker(store, Options::default());
    rig.settle().await;
    assert_eq!(rig.app().ledger.mark(&item), &Mark::Done);
    assert!(!rig.app().is_pending(&item));

    // Skip the next item with a reason; an empty reason is refused.
    rig.press(KeyCode::Down).await;
    let next = rig.app().selected().expect("selection").to_string();
    rig.press(KeyCode::Char('s')).await;
    let outcome = rig.press(KeyCode::Enter).await;
    assert!(
        outcome.stored.is_empty(),
        "a skip without a reason is not recorded"
    );
    assert!(
        matches!(rig.app().mode, Mode::Prompt(_)),
        "the prompt stays open for the reason"
    );
    rig.type_text("done by phone").await;
    rig.press(KeyCode::Enter).await;
    assert_eq!(
        rig.app().ledger.mark(&next),
        &Mark::Skipped {
            reason: "done by phone".into()
        }
    );

    // A note, then undo takes the note back (not the skip).
    rig.key(KeyCode::Char('n')).await;
    rig.type_text("called the depot").await;
    rig.press(KeyCode::Enter).await;
    assert_eq!(rig.app().ledger.item(&next).notes.len(), 1);
    rig.press(KeyCode::Char('u')).await;
    assert!(rig.app().ledger.item(&next).notes.is_empty());
    assert_eq!(
        rig.app().ledger.mark(&next),
        &Mark::Skipped {
            reason: "done by phone".into()
        }
    );

    let app = rig.finish().await;
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
    let mut rig = Rig::with_worker(app(), 200, 60, store, Options::default());
    let item = rig.app().selected().expect("selection").to_string();
    rig.press(KeyCode::Char(' ')).await;
    assert_eq!(rig.app().ledger.mark(&item), &Mark::Open);
    assert!(!rig.app().is_pending(&item));
    let flash = rig.app().flash.clone().expect("a message");
    assert!(
        flash.error && flash.text.starts_with("NOT SAVED"),
        "{flash:?}"
    );
}

#[tokio::test]
async fn views_search_and_help_keys() {
    let mut rig = Rig::new(app(), 200, 60);
    for (key, view) in [
        ('2', View::Prelaunch),
        ('3', View::Criteria),
        ('4', View::Expansion),
        ('5', View::Contacts),
        ('6', View::Timeline),
        ('7', View::Audit),
        ('1', View::LaunchDay),
    ] {
        rig.key(KeyCode::Char(key)).await;
        rig.applied().await;
        assert_eq!(rig.app().view, view);
    }
    rig.key(KeyCode::Tab).await;
    rig.applied().await;
    assert_eq!(rig.app().view, View::Prelaunch);
    rig.key(KeyCode::BackTab).await;
    rig.applied().await;
    assert_eq!(rig.app().view, View::LaunchDay);

    rig.key(KeyCode::Char('/')).await;
    rig.type_text("司機").await;
    rig.applied().await;
    let app = rig.app();
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
    rig.key(KeyCode::Enter).await;
    rig.key(KeyCode::Esc).await;
    rig.applied().await;
    assert!(rig.app().filter.is_empty());
    assert_eq!(rig.app().item_ids(View::LaunchDay).len(), 45);

    rig.key(KeyCode::Char('?')).await;
    rig.applied().await;
    assert_eq!(rig.app().mode, Mode::Help);
    rig.key(KeyCode::Char('x')).await;
    rig.applied().await;
    assert_eq!(rig.app().mode, Mode::Normal);

    rig.key(KeyCode::Char('G')).await;
    rig.applied().await;
    assert_eq!(rig.app().selected(), Some("next-day-planning-completed"));
    rig.key(KeyCode::Char('g')).await;
    rig.applied().await;
    assert_eq!(rig.app().selected(), Some("health-checks-passing"));
    rig.key(KeyCode::Char('q')).await;
    assert_eq!(rig.until_exit().await, warroom::runtime::Exit::Quit);
}

#[tokio::test]
async fn undo_only_takes_back_your_own_changes() {
    let mut rig = Rig::new(app(), 200, 60);
    let author = Author {
        operator: "bob".into(),
        origin: "test".into(),
    };
    let app = rig.app();
    let event = warroom::store::Event::new(
        &author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        Some("health-checks-passing".into()),
        Change::Tick,
    );
    rig.reply(Reply::Arrived(vec![warroom::store::Stored {
        seq: 1,
        event,
    }]))
    .await;
    rig.applied().await;
    assert_eq!(
        rig.app().ledger.mark("health-checks-passing"),
        &Mark::Done,
        "bob's tick arrives"
    );
    rig.key(KeyCode::Char('u')).await;
    rig.applied().await;
    let mut requests = rig.requests.take().expect("the rig keeps the requests");
    while let Ok(request) = requests.try_recv() {
        assert!(
            !matches!(request, Request::Append(_)),
            "ann has nothing to undo: {request:?}"
        );
    }
    assert!(
        rig.app()
            .flash
            .as_ref()
            .is_some_and(|f| f.text.contains("Nothing"))
    );
}
