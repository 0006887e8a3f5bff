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

mod common;
use common::log::{append, open, replies_until, spawn_worker};

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
    let (request_tx, mut reply_rx, worker) = spawn_worker(store, LAUNCH, day(), 0, 256);

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

    let (request_tx, mut reply_rx, worker) = spawn_worker(store, LAUNCH, day(), last_seq, 16);

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

// ---------------------------------------------------------------------------------------------
// Faults: a full disk, a read-only file, a lock held by another process, a foreign file, a
// malformed row. "Saved" must mean committed through all of them.

/// How many pages the file has now, read by a connection of its own.
async fn page_count(path: &Path) -> i64 {
    let mut conn = raw_connection(path).await;
    let n: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut conn)
        .await
        .expect("page_count");
    conn.close().await.expect("close raw connection");
    n
}

/// Another process's bulk on the same disk: fills the file up to `pages`, or frees it all.
struct Filler {
    conn: SqliteConnection,
}

impl Filler {
    async fn new(path: &Path) -> Self {
        let mut conn = raw_connection(path).await;
        sqlx::query("CREATE TABLE IF NOT EXISTS filler (b BLOB)")
            .execute(&mut conn)
            .await
            .expect("create filler");
        Self { conn }
    }

    /// Fills the file up to exactly `pages` (the cap the warroom has), not a page beyond.
    async fn fill(&mut self, pages: i64) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {pages}"
        )))
        .execute(&mut self.conn)
        .await
        .expect("cap the filler");
        for size in [16000, 1000, 100] {
            loop {
                let sql = format!("INSERT INTO filler VALUES (zeroblob({size}))");
                match sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut self.conn)
                    .await
                {
                    Ok(_) => continue,
                    Err(e) if e.to_string().contains("full") => break,
                    Err(e) => panic!("fill: {e}"),
                }
            }
        }
    }

    /// Space comes back (the pages go to SQLite's free list, to be reused).
    async fn free(&mut self) {
        sqlx::query("DELETE FROM filler")
            .execute(&mut self.conn)
            .await
            .expect("free");
    }
}

async fn ids_in_file(path: &Path) -> HashMap<Uuid, i64> {
    let mut conn = raw_connection(path).await;
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT id, COUNT(*) FROM events GROUP BY id")
        .fetch_all(&mut conn)
        .await
        .expect("read ids");
    conn.close().await.expect("close");
    rows.into_iter()
        .map(|(id, n)| (Uuid::parse_str(&id).expect("uuid"), n))
        .collect()
}

#[tokio::test]
async fn after_a_full_disk_every_append_that_returned_ok_is_in_the_file() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    open(&path).await.close().await;
    let cap = page_count(&path).await + 20;
    let store = Store::open_capped(&path, cap as u32)
        .await
        .expect("open capped");
    let mut filler = Filler::new(&path).await;
    let mut ok = Vec::new();
    let mut failed = 0;
    for cycle in 0..3 {
        filler.fill(cap).await;
        for n in 0..30 {
            let e = event(
                "ann",
                cycle * 1000 + n,
                ITEMS[n as usize % 5],
                Change::Note {
                    text: "x".repeat(3000),
                },
            );
            match store.append(&e).await {
                Ok(_) => ok.push(e.id),
                Err(err) => {
                    assert_eq!(
                        err.outage(),
                        Some(warroom::store::Outage::DiskFull),
                        "{err}"
                    );
                    failed += 1;
                }
            }
        }
        filler.free().await;
        for n in 0..10 {
            let e = event("ann", cycle * 1000 + 500 + n, ITEMS[0], Change::Tick);
            ok.push(e.id);
            append(&store, &e).await;
        }
    }
    assert!(failed > 0, "the disk never filled");
    let stored = ids_in_file(&path).await;
    let lost: Vec<&Uuid> = ok.iter().filter(|id| !stored.contains_key(id)).collect();
    assert!(
        lost.is_empty(),
        "{} appends returned Ok and are not in the file ({failed} failed)",
        lost.len()
    );
    store.close().await;
}

/// A warroom's store task with a journal, driven like the UI drives it.
struct Warroom {
    tx: Option<mpsc::Sender<Request>>,
    rx: mpsc::Receiver<Reply>,
    worker: tokio::task::JoinHandle<()>,
    /// Every id shown saved, shown kept (not yet saved), and refused.
    committed: Vec<Uuid>,
    journaled: Vec<Uuid>,
    refused: Vec<Uuid>,
    /// Kept and not yet confirmed committed.
    unsaved: std::collections::HashSet<Uuid>,
    outage: Option<warroom::store::Outage>,
    outages: usize,
    /// Every reply, in the order said: what it was, and of which change.
    said: Vec<(&'static str, Option<Uuid>)>,
}

impl Warroom {
    fn start(store: Store, journal_dir: &Path) -> Self {
        let (journal, _) =
            warroom::store::journal::Journal::open(journal_dir, store.location(), Uuid::now_v7())
                .expect("journal");
        let (tx, requests) = mpsc::channel(256);
        let (replies, rx) = mpsc::channel(256);
        let options = worker::Options {
            journal: Some(journal),
            ..worker::Options::default()
        };
        let worker = tokio::spawn(worker::run_with(
            store,
            LAUNCH.to_string(),
            day(),
            0,
            requests,
            replies,
            options,
        ));
        Self {
            tx: Some(tx),
            rx,
            worker,
            committed: Vec::new(),
            journaled: Vec::new(),
            refused: Vec::new(),
            unsaved: Default::default(),
            outage: None,
            outages: 0,
            said: Vec::new(),
        }
    }

    fn take(&mut self, reply: Reply) {
        self.said.push(match &reply {
            Reply::Kept(e) => ("kept", Some(e.id)),
            Reply::Committed(s) => ("committed", Some(s.event.id)),
            Reply::Journaled(e) => ("journaled", Some(e.id)),
            Reply::Failed { event, .. } => ("failed", Some(event.id)),
            Reply::Outage { .. } => ("outage", None),
            Reply::Reconnected { .. } => ("reconnected", None),
            _ => ("other", None),
        });
        match reply {
            Reply::Committed(s) => {
                self.unsaved.remove(&s.event.id);
                self.committed.push(s.event.id);
            }
            Reply::Journaled(e) => {
                self.unsaved.insert(e.id);
                self.journaled.push(e.id);
            }
            Reply::Failed { event, .. } => self.refused.push(event.id),
            Reply::Outage { cause, .. } => {
                self.outage = Some(cause);
                self.outages += 1;
            }
            Reply::Reconnected { .. } => self.outage = None,
            _ => {}
        }
    }

    async fn next(&mut self, limit: Duration) {
        match tokio::time::timeout(limit, self.rx.recv()).await {
            Ok(Some(reply)) => self.take(reply),
            Ok(None) => panic!("the store stopped"),
            Err(_) => panic!(
                "no reply within {limit:?} ({} unsaved, outage {:?})",
                self.unsaved.len(),
                self.outage
            ),
        }
    }

    /// Sends one change and waits for what the screen would show of it.
    async fn change(&mut self, e: Event) {
        let id = e.id;
        self.tx
            .as_ref()
            .expect("running")
            .send(Request::Append(e))
            .await
            .expect("send");
        while !(self.committed.contains(&id)
            || self.journaled.contains(&id)
            || self.refused.contains(&id))
        {
            self.next(Duration::from_secs(20)).await;
        }
    }

    async fn settle(&mut self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while !self.unsaved.is_empty() || self.outage.is_some() {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            self.next(left).await;
        }
    }

    async fn stop(mut self) {
        self.tx = None;
        let mut rx = self.rx;
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        tokio::time::timeout(Duration::from_secs(20), self.worker)
            .await
            .expect("store stops")
            .expect("no panic");
        let _ = drain.await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_loses_nothing_and_doubles_nothing_over_fill_free_cycles() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    open(&path).await.close().await;
    // Room for the whole test's changes once the filler's pages are freed.
    let cap = page_count(&path).await + 300;
    let store = Store::open_capped(&path, cap as u32)
        .await
        .expect("open capped");
    let mut filler = Filler::new(&path).await;
    let journals = dir.path().join("journals");
    let mut room = Warroom::start(store, &journals);
    let mut sent = 0i64;
    for _cycle in 0..4 {
        filler.fill(cap).await;
        let before = room.journaled.len();
        for n in 0..55 {
            let change = if n % 3 == 0 {
                Change::Tick
            } else {
                Change::Note {
                    text: format!("note {sent}: {}", "x".repeat(2000)),
                }
            };
            room.change(event("ann", sent, ITEMS[n % 5], change)).await;
            sent += 1;
        }
        assert!(
            room.journaled.len() > before,
            "this cycle never found the disk full"
        );
        assert_eq!(room.outage, Some(warroom::store::Outage::DiskFull));
        filler.free().await;
        room.settle(Duration::from_secs(30)).await;
    }
    assert!(sent >= 200);
    assert!(
        room.refused.is_empty(),
        "the journal's disk had room: nothing refused"
    );
    let stored = ids_in_file(&path).await;
    for id in room.committed.iter().chain(&room.journaled) {
        assert_eq!(stored.get(id), Some(&1), "{id}: in the file exactly once");
    }
    assert_eq!(
        stored.len() as i64,
        sent,
        "every change sent is in the file, once"
    );
    assert!(room.outages >= 4);
    room.stop().await;
    let left: Vec<_> = std::fs::read_dir(&journals)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "no journal left once all is saved: {left:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_by_another_process_is_an_outage_not_a_loss() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let mut room = Warroom::start(store, dir.path());
    room.change(event("ann", 0, ITEMS[0], Change::Tick)).await;
    assert_eq!(room.committed.len(), 1);

    let mut other = raw_connection(&path).await;
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .expect("take the write lock");
    let held = event("ann", 1, ITEMS[1], Change::Tick);
    let held_id = held.id;
    room.change(held).await;
    assert!(
        room.journaled.contains(&held_id),
        "kept, not lost, not shown saved"
    );
    assert_eq!(room.outage, Some(warroom::store::Outage::Locked));
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("release");
    other.close().await.expect("close");
    room.settle(Duration::from_secs(20)).await;
    assert!(room.committed.contains(&held_id));
    assert_eq!(ids_in_file(&path).await.get(&held_id), Some(&1));
    room.stop().await;
}

/// A commit waiting out another process's write lock holds up no change: every change made
/// meanwhile is fsynced to the journal and said to be kept at once — before the waiting commit
/// gives up (counted in replies, not time) — then "not yet saved" while the lock is held, and
/// saved once each, in the order made, when it goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_change_waits_behind_a_commit_that_waits_out_a_lock() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let mut room = Warroom::start(store, dir.path());
    let first = event("ann", 0, ITEMS[0], Change::Tick);
    let first_id = first.id;
    room.change(first).await;
    assert_eq!(room.committed, vec![first_id]);

    let mut other = raw_connection(&path).await;
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .expect("take the write lock");
    const N: i64 = 8;
    let made: Vec<Event> = (1..=N)
        .map(|n| event("ann", n, ITEMS[n as usize % ITEMS.len()], Change::Tick))
        .collect();
    let tx = room.tx.clone().expect("running");
    for e in &made {
        tx.send(Request::Append(e.clone())).await.expect("send");
    }
    drop(tx);
    while room.journaled.len() < made.len() {
        room.next(Duration::from_secs(20)).await;
    }
    let position = |what: &str, id: Option<Uuid>| {
        room.said
            .iter()
            .position(|s| *s == (what, id))
            .unwrap_or_else(|| panic!("no {what} {id:?} in {:?}", room.said))
    };
    let outage = position("outage", None);
    for e in &made {
        assert!(
            position("kept", Some(e.id)) < outage,
            "{} was said kept before the waiting commit gave up: {:?}",
            e.id,
            room.said
        );
        assert!(position("journaled", Some(e.id)) > outage);
    }
    assert!(
        room.committed.len() == 1,
        "nothing saved while the lock is held"
    );
    assert_eq!(room.outage, Some(warroom::store::Outage::Locked));

    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("release");
    other.close().await.expect("close");
    room.settle(Duration::from_secs(30)).await;
    let ids: Vec<Uuid> = made.iter().map(|e| e.id).collect();
    assert_eq!(room.committed[1..], ids[..], "saved once each, in order");
    room.stop().await;
    let stored = day_events(&open(&path).await, LAUNCH, day()).await;
    let stored: Vec<Uuid> = stored.iter().map(|s| s.event.id).collect();
    assert_eq!(stored[0], first_id);
    assert_eq!(
        stored[1..],
        ids[..],
        "in the log once each, in the order made"
    );
    let journals: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("journal-"))
        .collect();
    assert!(journals.is_empty(), "{journals:?}");
}

const AS_NOBODY: &str = "WARROOM_TEST_AS_NOBODY";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_keeps_changes_in_the_journal_until_it_can_be_written() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // File modes do not stop root: the test runs again as nobody, in a child process.
        let exe = std::env::current_exe().expect("test binary");
        let out = std::process::Command::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(exe)
            .args([
                "--exact",
                "a_read_only_database_keeps_changes_in_the_journal_until_it_can_be_written",
                "--nocapture",
            ])
            .env(AS_NOBODY, "1")
            .env("TMPDIR", "/tmp")
            .output()
            .expect("run the test as nobody");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "as nobody: {text}");
        assert!(text.contains("1 passed"), "the child ran the test: {text}");
        return;
    }
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    append(&store, &event("ann", 0, ITEMS[0], Change::Tick)).await;
    store.close().await;
    // Write-protected while no warroom has it open: SQLite then opens it read-only.
    chmod(dir.path(), 0o444);
    let store = open(&path).await;
    let mut room = Warroom::start(store, &dir.path().join("journals"));
    let kept = event("ann", 1, ITEMS[1], Change::Tick);
    let kept_id = kept.id;
    room.change(kept).await;
    assert!(room.journaled.contains(&kept_id), "{:?}", room.refused);
    assert!(
        matches!(
            room.outage,
            Some(warroom::store::Outage::ReadOnly | warroom::store::Outage::Io)
        ),
        "{:?}",
        room.outage
    );
    chmod(dir.path(), 0o644);
    room.settle(Duration::from_secs(20)).await;
    assert_eq!(ids_in_file(&path).await.get(&kept_id), Some(&1));
    room.stop().await;
}

/// Sets the mode of every file directly in `dir` (the database, its WAL and shared memory).
fn chmod(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        if entry.path().is_file() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))
                .expect("chmod");
        }
    }
}

#[tokio::test]
async fn another_applications_file_is_refused_and_left_unchanged() {
    let dir = temp_dir();
    let path = dir.path().join("crm.db");
    {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .expect("options")
            .filename(&path)
            .create_if_missing(true);
        let mut conn = SqliteConnection::connect_with(&options)
            .await
            .expect("create");
        sqlx::query("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            .execute(&mut conn)
            .await
            .expect("table");
        sqlx::query("INSERT INTO customers (name) VALUES ('LuckyGas')")
            .execute(&mut conn)
            .await
            .expect("row");
        conn.close().await.expect("close");
    }
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path)
        .await
        .expect_err("another application's database is refused");
    let message = err.to_string();
    assert!(
        message.contains("not a warroom database") && message.contains("customers"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "not one byte changed"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["crm.db"], "no WAL, no journal, nothing beside it");
    assert!(Store::open_read_only(&path).await.is_err());
}

#[tokio::test]
async fn a_malformed_row_is_reported_and_skipped_and_the_day_still_loads() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let good = event("ann", 0, ITEMS[0], Change::Tick);
    append(&store, &good).await;
    let mut conn = raw_connection(&path).await;
    for (id, at) in [
        ("not-a-uuid", "2026-11-30T22:00:01.000Z"),
        ("0190aa00-0000-7000-8000-000000000001", "yesterday-ish"),
    ] {
        sqlx::query(
            "INSERT INTO events (id, at, launch, day, operator, origin, kind, item, payload)
             VALUES (?, ?, ?, '2026-12-01', 'mallory', 'x', 'tick', ?, '{}')",
        )
        .bind(id)
        .bind(at)
        .bind(LAUNCH)
        .bind(ITEMS[1])
        .execute(&mut conn)
        .await
        .expect("insert by hand");
    }
    conn.close().await.expect("close");
    let later = event("bob", 10, ITEMS[2], Change::Tick);
    append(&store, &later).await;

    let read = store.read(LAUNCH, day(), 0).await.expect("the day loads");
    assert_eq!(
        read.events.iter().map(|s| s.event.id).collect::<Vec<_>>(),
        vec![good.id, later.id]
    );
    let said: Vec<String> = read.unreadable.iter().map(|u| u.to_string()).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].ends_with("unreadable: bad id \"not-a-uuid\""),
        "{said:?}"
    );
    assert!(said[1].contains("unreadable: bad at"), "{said:?}");
    assert_eq!(
        read.last_seq, read.events[1].seq,
        "a follower moves past them"
    );
    let ledger = Ledger::from_events(read.events);
    assert_eq!(
        ledger.mark(ITEMS[1]),
        &Mark::Open,
        "the unreadable ticks do not count"
    );
    store.close().await;
}

#[tokio::test]
async fn samples_sent_before_the_store_is_told_to_stop_are_saved() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let (tx, mut rx, worker) = spawn_worker(store, LAUNCH, day(), 0, 16);
    let minute = at(0);
    let samples: Vec<warroom::store::Sample> = (0..3)
        .map(|n| warroom::store::Sample {
            source: "api".into(),
            series: "value".into(),
            minute: minute + chrono::Duration::minutes(n),
            value: n as f64,
        })
        .collect();
    tx.send(Request::Samples(samples.clone()))
        .await
        .expect("send");
    drop(tx);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    worker.await.expect("worker");
    let reopened = open(&path).await;
    let stored = reopened.day_samples(LAUNCH, day()).await.expect("samples");
    assert_eq!(stored, samples, "the last samples, up to the quit");
    reopened.close().await;
}

/// A real full filesystem (a 256 KiB tmpfs): there the COMMIT itself fails (the WAL cannot
/// grow), which `max_page_count` does not reach. Needs root to mount; elsewhere the
/// `max_page_count` tests above stand in.
#[tokio::test]
async fn on_a_full_filesystem_every_append_that_returned_ok_is_in_the_file() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: no tmpfs to fill; the max_page_count tests cover the rest");
        return;
    }
    let dir = temp_dir();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    assert!(mounted, "root could not mount a tmpfs");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
    let _unmount = Unmount(mount.clone());
    let path = mount.join("warroom.db");
    let store = open(&path).await;
    let mut ok = Vec::new();
    let mut failed = 0;
    for n in 0..400 {
        let e = event(
            "ann",
            n,
            ITEMS[n as usize % 5],
            Change::Note {
                text: format!("{n} {}", "x".repeat(1500)),
            },
        );
        match store.append(&e).await {
            Ok(_) => ok.push(e.id),
            Err(err) => {
                assert!(err.outage().is_some(), "{err}");
                failed += 1;
            }
        }
    }
    assert!(failed > 0, "the filesystem never filled");
    store.close().await;
    let stored = ids_in_file(&path).await;
    let lost = ok.iter().filter(|id| !stored.contains_key(id)).count();
    assert_eq!(
        lost,
        0,
        "{lost} of {} appends shown saved are not in the file ({failed} failed)",
        ok.len()
    );
}

/// The journal on the same full disk: a change neither the database nor the journal can take
/// is refused ("NOT SAVED: disk full") and is not in the file; everything shown saved or kept
/// is there once after space returns. Needs root to mount the tmpfs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_journal_cannot_be_written_either_the_change_is_refused() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: no tmpfs to fill");
        return;
    }
    let dir = temp_dir();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=384k", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    assert!(mounted, "root could not mount a tmpfs");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.0)
                .status();
        }
    }
    let _unmount = Unmount(mount.clone());
    let ballast = mount.join("ballast");
    std::fs::write(&ballast, vec![0u8; 128 * 1024]).expect("ballast");
    let path = mount.join("warroom.db");
    let store = open(&path).await;
    let mut room = Warroom::start(store, &mount);
    let mut n = 0;
    while room.refused.is_empty() && n < 2000 {
        room.change(event(
            "ann",
            n,
            ITEMS[n as usize % 5],
            Change::Note {
                text: format!("{n} {}", "x".repeat(1500)),
            },
        ))
        .await;
        n += 1;
    }
    assert!(!room.refused.is_empty(), "the disk never filled");
    assert!(
        !room.journaled.is_empty(),
        "some were kept before the journal's disk filled"
    );
    assert_eq!(room.outage, Some(warroom::store::Outage::DiskFull));
    std::fs::remove_file(&ballast).expect("space comes back");
    room.settle(Duration::from_secs(30)).await;
    let refused = room.refused.clone();
    let shown: Vec<Uuid> = room
        .committed
        .iter()
        .chain(&room.journaled)
        .copied()
        .collect();
    room.stop().await;
    let stored = ids_in_file(&path).await;
    for id in &shown {
        assert_eq!(
            stored.get(id),
            Some(&1),
            "{id} shown saved or kept: in the file once"
        );
    }
    for id in &refused {
        assert!(
            !stored.contains_key(id),
            "{id} was refused, yet is in the file"
        );
    }
}

/// A journal damaged in the middle (by hand, by a disk) is neither replayed nor deleted: it
/// is kept aside and said so, and warroom goes on with a fresh one.
#[tokio::test]
async fn an_unreadable_journal_is_kept_aside_not_deleted() {
    let dir = temp_dir();
    let path = dir.path().join("warroom.db");
    let store = open(&path).await;
    let journal_path = dir.path().join("journal-damaged.jsonl");
    std::fs::write(&journal_path, "{\"id\": broken\n{\"also\": \"broken\"}\n").expect("write");
    let journal = warroom::store::journal::Journal::at(journal_path.clone()).expect("journal");
    let (tx, requests) = mpsc::channel(16);
    let (replies, mut rx) = mpsc::channel(16);
    let options = worker::Options {
        journal: Some(journal),
        ..worker::Options::default()
    };
    let worker = tokio::spawn(worker::run_with(
        store,
        LAUNCH.to_string(),
        day(),
        0,
        requests,
        replies,
        options,
    ));
    let said = replies_until(&mut rx, Duration::from_secs(10), |r| {
        r.iter().any(|r| matches!(r, Reply::ReadFailed(_)))
    })
    .await;
    let text = said
        .iter()
        .find_map(|r| match r {
            Reply::ReadFailed(text) => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default();
    assert!(text.contains("kept as"), "{text}");
    let aside: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let tick = event("ann", 0, ITEMS[0], Change::Tick);
    tx.send(Request::Append(tick.clone())).await.expect("send");
    let replies = replies_until(&mut rx, Duration::from_secs(10), |r| {
        r.iter()
            .any(|r| matches!(r, Reply::Committed(s) if s.event.id == tick.id))
    })
    .await;
    assert!(!replies.iter().any(|r| matches!(r, Reply::Failed { .. })));
    drop(tx);
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    worker.await.expect("worker");
    assert!(
        !journal_path.exists(),
        "the fresh journal went once all was saved"
    );
}
