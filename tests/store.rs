//! The event log against real SQLite files: what is appended comes back, survives a reopen,
//! is never doubled, changed or deleted, and reaches other handles on the same file.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tempfile::TempDir;
use tokio::sync::mpsc;
use uuid::Uuid;
use warroom::app::{Ledger, Mark};
use warroom::store::worker::{self, Reply, Request};
use warroom::store::{Author, Change, Event, Store, Stored};

const LAUNCH: &str = "luckygas-pilot";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid day")
}

fn other_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).expect("valid day")
}

fn author(who: &str) -> Author {
    Author {
        operator: who.to_string(),
        origin: format!("{who}-laptop"),
    }
}

/// Whole milliseconds from a fixed morning, so that a timestamp survives the store's
/// millisecond RFC 3339 text unchanged and events compare equal after a round trip.
fn at(ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 22, 0, 0)
        .single()
        .expect("valid instant")
        + chrono::Duration::milliseconds(ms)
}

fn event(who: &str, ms: i64, item: &str, change: Change) -> Event {
    Event::new(
        &author(who),
        LAUNCH,
        day(),
        at(ms),
        Some(item.to_string()),
        change,
    )
}

fn temp_dir() -> TempDir {
    tempfile::tempdir().expect("create a temporary folder")
}

async fn open(path: &Path) -> Store {
    match tokio::time::timeout(Duration::from_secs(20), Store::open(path)).await {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => panic!("opening {} failed: {e}", path.display()),
        Err(_) => panic!("opening {} hung for 20 s", path.display()),
    }
}

async fn append(store: &Store, event: &Event) -> i64 {
    store
        .append(event)
        .await
        .unwrap_or_else(|e| panic!("append {:?} on {:?}: {e}", event.change, event.item))
}

async fn day_events(store: &Store, launch: &str, day: NaiveDate) -> Vec<Stored> {
    store
        .day_events(launch, day)
        .await
        .unwrap_or_else(|e| panic!("day_events({launch}, {day}): {e}"))
}

async fn raw_connection(path: &Path) -> SqliteConnection {
    let options = SqliteConnectOptions::from_str("sqlite:")
        .expect("sqlite options")
        .filename(path);
    SqliteConnection::connect_with(&options)
        .await
        .unwrap_or_else(|e| panic!("raw connection to {}: {e}", path.display()))
}

async fn row_count(path: &Path) -> i64 {
    let mut conn = raw_connection(path).await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&mut conn)
        .await
        .expect("count events");
    conn.close().await.expect("close raw connection");
    n
}

/// Everything the UI shows about an item, in a comparable form.
#[derive(Debug, PartialEq)]
struct Derived {
    mark: Mark,
    by: Option<(String, DateTime<Utc>)>,
    notes: Vec<String>,
    history: usize,
}

fn derive(ledger: &Ledger, items: &[&str]) -> HashMap<String, Derived> {
    items
        .iter()
        .map(|&id| {
            let state = ledger.item(id);
            let notes = state
                .notes
                .iter()
                .map(|&i| match ledger.event(i).map(|e| &e.change) {
                    Some(Change::Note { text }) => text.clone(),
                    other => panic!("note index {i} of {id} points at {other:?}"),
                })
                .collect();
            (
                id.to_string(),
                Derived {
                    mark: state.mark.clone(),
                    by: state.by.clone(),
                    notes,
                    history: state.history.len(),
                },
            )
        })
        .collect()
}

const ITEMS: [&str; 5] = [
    "health-checks-passing",
    "db-connections-stable",
    "external-apis-responding",
    "dashboards-normal",
    "no-critical-alerts",
];

#[tokio::test]
async fn changes_round_trip_and_survive_reopen() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;

    let [a, b, c, d, untouched] = ITEMS;
    let tick_a = event("ann", 0, a, Change::Tick);
    let tick_b = event("bob", 100, b, Change::Tick);
    let untick_b = event("bob", 200, b, Change::Untick);
    let skip_c = event(
        "ann",
        300,
        c,
        Change::Skip {
            reason: "no external APIs on day one".into(),
        },
    );
    let note_a = event(
        "ann",
        400,
        a,
        Change::Note {
            text: "db ok, 12 ms".into(),
        },
    );
    let note_a2 = event(
        "bob",
        500,
        a,
        Change::Note {
            text: "confirmed by bob".into(),
        },
    );
    let tick_d = event("bob", 600, d, Change::Tick);
    let undo_note = event("bob", 700, a, Change::Undo { target: note_a2.id });
    let undo_tick_d = event("bob", 800, d, Change::Undo { target: tick_d.id });
    let sent = [
        tick_a,
        tick_b,
        untick_b,
        skip_c,
        note_a,
        note_a2,
        tick_d,
        undo_note,
        undo_tick_d,
    ];

    let mut seqs = Vec::new();
    for e in &sent {
        seqs.push(append(&store, e).await);
    }
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "sequence numbers must increase in append order: {seqs:?}"
    );

    let loaded = day_events(&store, LAUNCH, day()).await;
    assert_eq!(loaded.iter().map(|s| s.seq).collect::<Vec<_>>(), seqs);
    assert_eq!(
        loaded.iter().map(|s| s.event.clone()).collect::<Vec<_>>(),
        sent.to_vec(),
        "events must come back exactly as appended"
    );

    let ledger = Ledger::from_events(loaded);
    let state = derive(&ledger, &ITEMS);
    let expected = HashMap::from([
        (
            a.to_string(),
            Derived {
                mark: Mark::Done,
                by: Some(("ann".into(), at(0))),
                notes: vec!["db ok, 12 ms".into()],
                history: 4,
            },
        ),
        (
            b.to_string(),
            Derived {
                mark: Mark::Open,
                by: Some(("bob".into(), at(200))),
                notes: vec![],
                history: 2,
            },
        ),
        (
            c.to_string(),
            Derived {
                mark: Mark::Skipped {
                    reason: "no external APIs on day one".into(),
                },
                by: Some(("ann".into(), at(300))),
                notes: vec![],
                history: 1,
            },
        ),
        (
            d.to_string(),
            Derived {
                mark: Mark::Open,
                by: None,
                notes: vec![],
                history: 2,
            },
        ),
        (
            untouched.to_string(),
            Derived {
                mark: Mark::Open,
                by: None,
                notes: vec![],
                history: 0,
            },
        ),
    ]);
    assert_eq!(state, expected);
    assert!(ledger.is_undone(&sent[5].id) && ledger.is_undone(&sent[6].id));
    assert_eq!(ledger.last_seq(), *seqs.last().expect("seqs"));
    assert_eq!(
        ledger.last_undoable("bob").map(|e| e.id),
        Some(sent[2].id),
        "bob's latest change still standing is the untick"
    );

    store.close().await;
    drop(store);

    let reopened = open(&path).await;
    let again = day_events(&reopened, LAUNCH, day()).await;
    assert_eq!(
        again.iter().map(|s| s.seq).collect::<Vec<_>>(),
        seqs,
        "sequence numbers are stable across reopen"
    );
    let ledger_again = Ledger::from_events(again);
    assert_eq!(
        derive(&ledger_again, &ITEMS),
        expected,
        "derived state after reopen"
    );
    assert_eq!(ledger_again.events().len(), sent.len());
    reopened.close().await;
}

#[tokio::test]
async fn appending_the_same_event_twice_is_a_no_op() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let tick = event("ann", 0, ITEMS[0], Change::Tick);
    let first = append(&store, &tick).await;
    let other = append(&store, &event("ann", 1, ITEMS[1], Change::Tick)).await;
    let second = append(&store, &tick).await;
    assert_eq!(
        second, first,
        "a repeated append returns the original sequence number"
    );
    assert_ne!(other, first);
    let loaded = day_events(&store, LAUNCH, day()).await;
    assert_eq!(loaded.iter().filter(|s| s.event.id == tick.id).count(), 1);
    assert_eq!(loaded.len(), 2);
    store.close().await;
    assert_eq!(row_count(&path).await, 2, "exactly one row per event id");
}

#[tokio::test]
async fn events_are_scoped_by_launch_and_day() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let today = event("ann", 0, ITEMS[0], Change::Tick);
    let tomorrow = Event::new(
        &author("ann"),
        LAUNCH,
        other_day(),
        at(1),
        Some(ITEMS[0].into()),
        Change::Tick,
    );
    let other_launch = Event::new(
        &author("ann"),
        "another-launch",
        day(),
        at(2),
        Some(ITEMS[0].into()),
        Change::Tick,
    );
    let day_note = Event::new(
        &author("ann"),
        LAUNCH,
        day(),
        at(3),
        None,
        Change::Note {
            text: "all hands at 06:00".into(),
        },
    );
    for e in [&today, &tomorrow, &other_launch, &day_note] {
        append(&store, e).await;
    }
    let ids = |events: Vec<Stored>| events.into_iter().map(|s| s.event.id).collect::<Vec<_>>();
    assert_eq!(
        ids(day_events(&store, LAUNCH, day()).await),
        vec![today.id, day_note.id]
    );
    assert_eq!(
        ids(day_events(&store, LAUNCH, other_day()).await),
        vec![tomorrow.id]
    );
    assert_eq!(
        ids(day_events(&store, "another-launch", day()).await),
        vec![other_launch.id]
    );
    assert!(
        day_events(&store, "another-launch", other_day())
            .await
            .is_empty()
    );

    let ledger = Ledger::from_events(day_events(&store, LAUNCH, other_day()).await);
    assert_eq!(ledger.mark(ITEMS[0]), &Mark::Done);
    let ledger = Ledger::from_events(day_events(&store, LAUNCH, day()).await);
    assert_eq!(
        ledger.events().last().map(|s| s.event.item.clone()),
        Some(None),
        "a note about the day has no item"
    );
    store.close().await;
}

#[tokio::test]
async fn the_events_table_is_append_only() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let tick = event("ann", 0, ITEMS[0], Change::Tick);
    append(&store, &tick).await;
    store.close().await;

    let mut conn = raw_connection(&path).await;
    let update = sqlx::query("UPDATE events SET kind = 'untick'")
        .execute(&mut conn)
        .await;
    let err = update.expect_err("UPDATE on events must be refused");
    assert!(
        err.to_string().contains("append-only"),
        "UPDATE refused for the wrong reason: {err}"
    );
    let delete = sqlx::query("DELETE FROM events").execute(&mut conn).await;
    let err = delete.expect_err("DELETE on events must be refused");
    assert!(
        err.to_string().contains("append-only"),
        "DELETE refused for the wrong reason: {err}"
    );
    let kind: String = sqlx::query_scalar("SELECT kind FROM events WHERE id = ?")
        .bind(tick.id.to_string())
        .fetch_one(&mut conn)
        .await
        .expect("read the tick back");
    assert_eq!(kind, "tick");
    conn.close().await.expect("close raw connection");
    assert_eq!(row_count(&path).await, 1);
}

#[tokio::test]
async fn open_creates_missing_folders() {
    let dir = temp_dir();
    let path = dir
        .path()
        .join("not")
        .join("there")
        .join("yet")
        .join("warroom.db");
    let store = open(&path).await;
    assert_eq!(store.path(), path.as_path());
    append(&store, &event("ann", 0, ITEMS[0], Change::Tick)).await;
    store.close().await;
    assert!(path.is_file(), "{} should exist", path.display());
}

#[tokio::test]
async fn opening_a_directory_is_an_error_naming_the_path() {
    let dir = temp_dir();
    let path = dir.path().join("a-folder.db");
    std::fs::create_dir(&path).expect("create folder");
    let result = tokio::time::timeout(Duration::from_secs(20), Store::open(&path))
        .await
        .expect("Store::open on a directory hung");
    let err = result.expect_err("opening a directory as a database must fail");
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "message must name the path: {message}"
    );
}

#[tokio::test]
async fn opening_below_a_file_is_an_error_naming_the_path() {
    let dir = temp_dir();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "not a folder").expect("write file");
    let path = file.join("warroom.db");
    let err = Store::open(&path)
        .await
        .expect_err("a database below a plain file cannot be created");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn events_after_and_two_handles_on_one_file() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let first = open(&path).await;
    let second = open(&path).await;

    let mut seqs = Vec::new();
    let mut ids = Vec::new();
    for n in 0..5 {
        let e = event("ann", n, ITEMS[n as usize], Change::Tick);
        seqs.push(append(&first, &e).await);
        ids.push(e.id);
    }
    let after = first
        .events_after(LAUNCH, day(), seqs[1])
        .await
        .expect("events_after");
    assert_eq!(
        after.iter().map(|s| s.seq).collect::<Vec<_>>(),
        seqs[2..].to_vec()
    );
    assert_eq!(
        after.iter().map(|s| s.event.id).collect::<Vec<_>>(),
        ids[2..].to_vec()
    );
    assert!(
        first
            .events_after(LAUNCH, day(), seqs[4])
            .await
            .expect("events_after last")
            .is_empty()
    );
    assert!(
        first
            .events_after(LAUNCH, other_day(), 0)
            .await
            .expect("events_after other day")
            .is_empty()
    );

    // The second handle sees the first one's appends, and the other way round.
    let seen = day_events(&second, LAUNCH, day()).await;
    assert_eq!(seen.iter().map(|s| s.event.id).collect::<Vec<_>>(), ids);
    let from_second = event("bob", 10, ITEMS[0], Change::Untick);
    let seq = append(&second, &from_second).await;
    assert!(seq > seqs[4]);
    let new = first
        .events_after(LAUNCH, day(), seqs[4])
        .await
        .expect("events_after from first");
    assert_eq!(
        new.iter().map(|s| (s.seq, s.event.id)).collect::<Vec<_>>(),
        vec![(seq, from_second.id)]
    );

    // Interleaved concurrent appends from both handles all land, each exactly once.
    tokio::join!(
        async {
            for n in 0..20 {
                append(
                    &first,
                    &event(
                        "ann",
                        100 + n,
                        ITEMS[1],
                        Change::Note {
                            text: format!("a{n}"),
                        },
                    ),
                )
                .await;
            }
        },
        async {
            for n in 0..20 {
                append(
                    &second,
                    &event(
                        "bob",
                        100 + n,
                        ITEMS[2],
                        Change::Note {
                            text: format!("b{n}"),
                        },
                    ),
                )
                .await;
            }
        }
    );
    let all = day_events(&first, LAUNCH, day()).await;
    assert_eq!(
        all.len(),
        5 + 1 + 20 + 20,
        "every append from both handles lands once"
    );
    let unique: std::collections::HashSet<Uuid> = all.iter().map(|s| s.event.id).collect();
    assert_eq!(unique.len(), all.len());
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    first.close().await;
    second.close().await;
}

/// Collects worker replies until `done` says enough, or panics after `limit`.
async fn replies_until(
    rx: &mut mpsc::Receiver<Reply>,
    limit: Duration,
    mut done: impl FnMut(&[Reply]) -> bool,
) -> Vec<Reply> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + limit;
    while !done(&got) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(reply)) => got.push(reply),
            Ok(None) => panic!("worker stopped replying; got so far: {got:?}"),
            Err(_) => panic!("no complete answer within {limit:?}; got so far: {got:?}"),
        }
    }
    got
}

fn committed(replies: &[Reply]) -> Vec<&Stored> {
    replies
        .iter()
        .filter_map(|r| match r {
            Reply::Committed(s) => Some(s),
            Reply::Failed { event, error } => panic!("write of {} failed: {error}", event.id),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn worker_commits_in_order_and_finishes_queued_writes_when_closed() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let (request_tx, request_rx) = mpsc::channel(256);
    let (reply_tx, mut reply_rx) = mpsc::channel(256);
    let worker = tokio::spawn(worker::run(
        store,
        LAUNCH.to_string(),
        day(),
        0,
        request_rx,
        reply_tx,
    ));

    // First batch: wait for every reply while the worker keeps running.
    let first: Vec<Event> = (0..10)
        .map(|n| event("ann", n, ITEMS[n as usize % ITEMS.len()], Change::Tick))
        .collect();
    for e in &first {
        request_tx
            .send(Request::Append(e.clone()))
            .await
            .expect("worker takes requests");
    }
    let replies = replies_until(&mut reply_rx, Duration::from_secs(20), |r| {
        committed(r).len() == first.len()
    })
    .await;
    let done = committed(&replies);
    assert_eq!(
        done.iter().map(|s| s.event.id).collect::<Vec<_>>(),
        first.iter().map(|e| e.id).collect::<Vec<_>>(),
        "committed in the order sent"
    );
    assert!(
        done.windows(2).all(|w| w[0].seq < w[1].seq),
        "sequence numbers increase"
    );
    assert!(
        done.iter().zip(&first).all(|(s, e)| s.event == *e),
        "replies carry the event that was sent"
    );

    // Second batch: queue and hang up at once; the worker must write all of it before it ends.
    let second: Vec<Event> = (0..30)
        .map(|n| {
            event(
                "bob",
                100 + n,
                ITEMS[n as usize % ITEMS.len()],
                Change::Note {
                    text: format!("note {n}"),
                },
            )
        })
        .collect();
    for e in &second {
        request_tx
            .send(Request::Append(e.clone()))
            .await
            .expect("worker takes requests");
    }
    drop(request_tx);
    // Drain replies while waiting so that the worker never blocks on a full reply channel.
    let drain = tokio::spawn(async move {
        let mut rest = Vec::new();
        while let Some(r) = reply_rx.recv().await {
            rest.push(r);
        }
        rest
    });
    tokio::time::timeout(Duration::from_secs(30), worker)
        .await
        .expect("worker must end once its requests close")
        .expect("worker task panicked");
    let rest = drain.await.expect("drain task");
    let done = committed(&rest);
    assert_eq!(
        done.iter().map(|s| s.event.id).collect::<Vec<_>>(),
        second.iter().map(|e| e.id).collect::<Vec<_>>()
    );

    let reopened = open(&path).await;
    let stored = day_events(&reopened, LAUNCH, day()).await;
    let expected: Vec<Uuid> = first.iter().chain(&second).map(|e| e.id).collect();
    assert_eq!(
        stored.iter().map(|s| s.event.id).collect::<Vec<_>>(),
        expected,
        "everything queued is on disk, in order"
    );
    reopened.close().await;
}

#[tokio::test]
async fn worker_delivers_other_handles_events() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let other = open(&path).await;
    let earlier = event("ann", 0, ITEMS[0], Change::Tick);
    let last_seq = append(&store, &earlier).await;

    let (request_tx, request_rx) = mpsc::channel(16);
    let (reply_tx, mut reply_rx) = mpsc::channel(16);
    let worker = tokio::spawn(worker::run(
        store,
        LAUNCH.to_string(),
        day(),
        last_seq,
        request_rx,
        reply_tx,
    ));

    // Let the worker's first poll pass, then write from the other handle.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let theirs = event("bob", 1, ITEMS[1], Change::Tick);
    let their_seq = append(&other, &theirs).await;
    let off_day = Event::new(
        &author("bob"),
        LAUNCH,
        other_day(),
        at(2),
        Some(ITEMS[2].into()),
        Change::Tick,
    );
    append(&other, &off_day).await;

    let arrived_ids = |replies: &[Reply]| -> Vec<(i64, Uuid)> {
        replies
            .iter()
            .flat_map(|r| match r {
                Reply::Arrived(events) => events.iter().map(|s| (s.seq, s.event.id)).collect(),
                Reply::ReadFailed(e) => panic!("worker failed to read: {e}"),
                _ => Vec::new(),
            })
            .collect()
    };
    let replies = replies_until(&mut reply_rx, Duration::from_millis(2500), |r| {
        arrived_ids(r).iter().any(|(_, id)| *id == theirs.id)
    })
    .await;
    let arrived = arrived_ids(&replies);
    assert_eq!(
        arrived,
        vec![(their_seq, theirs.id)],
        "only the new event of this launch day arrives, not {} nor the earlier one",
        off_day.id
    );

    drop(request_tx);
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("worker ends")
        .expect("worker task panicked");
    other.close().await;
}
