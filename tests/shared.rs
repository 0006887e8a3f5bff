//! Several warrooms on one database, live: against the machine's real PostgreSQL
//! (`WARROOM_TEST_DATABASE_URL`, default 127.0.0.1:5432, database `test`, user `postgres`;
//! see tests/common/db.rs), private clusters for outages and connection limits, and one
//! SQLite file.
//!
//! Each PostgreSQL test works in its own schema (`warroom_test_<uuid>`, dropped at the end even
//! when the test fails) so the tests run in parallel and leave nothing behind. They fail, not
//! skip, when PostgreSQL is unreachable: a shared war room that was never tested is not one.

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use ratatui::crossterm::event::KeyCode;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use uuid::Uuid;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, Mark};
use warroom::layout;
use warroom::store::journal::Journal;
use warroom::store::presence::Presence;
use warroom::store::worker::{Options, Reply, Request};
use warroom::store::{Author, Change, Event, Store};

mod common;

use common::db::{self, Cluster};
use common::rig::Rig;

fn admin_url() -> String {
    db::admin_url()
}

// ---------------------------------------------------------------------------------------------
// A schema per test

/// The test's own schema; dropped on drop, also when the test panics.
struct Schema {
    name: String,
    /// The random end of the name: tags the test's connections (`application_name`).
    tag: String,
}

async fn admin() -> PgPool {
    let url = admin_url();
    let options = PgConnectOptions::from_str(&url).expect("admin URL parses");
    match tokio::time::timeout(
        Duration::from_secs(5),
        PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options),
    )
    .await
    {
        Ok(Ok(pool)) => pool,
        Ok(Err(e)) => panic!("PostgreSQL at {url} is unreachable: {e}"),
        Err(_) => panic!("PostgreSQL at {url} did not answer within 5 s"),
    }
}

impl Schema {
    async fn create() -> Self {
        let id = Uuid::now_v7().simple().to_string();
        // A v7 id starts with the time; its random end tells concurrent tests apart.
        let tag = format!("wt{}", &id[16..]);
        let name = format!("warroom_test_{id}");
        let admin = admin().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .unwrap_or_else(|e| panic!("create schema {name}: {e}"));
        admin.close().await;
        Self { name, tag }
    }

    /// Connection options inside the schema, tagged so the test can find its backends.
    fn options(&self, client: &str) -> PgConnectOptions {
        PgConnectOptions::from_str(&admin_url())
            .expect("URL parses")
            .options([("search_path", self.name.as_str())])
            .application_name(&self.app_name(client))
    }

    fn app_name(&self, client: &str) -> String {
        format!("{}_{client}", self.tag)
    }

    async fn store(&self, client: &str) -> Store {
        open_pg(self.options(client)).await
    }

    /// A store whose every connection goes through `proxy` (which the test can cut).
    async fn store_via(&self, client: &str, proxy: &Proxy) -> Store {
        open_pg(self.options(client).port(proxy.port)).await
    }

    /// Kills every server connection of the named clients, as a restarted server or a
    /// network cut would.
    async fn terminate(&self, clients: &[&str]) -> i64 {
        let admin = admin().await;
        let names: Vec<String> = clients.iter().map(|c| self.app_name(c)).collect();
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = ANY($1) AND pid <> pg_backend_pid()) t",
        )
        .bind(&names)
        .fetch_one(&admin)
        .await
        .unwrap_or_else(|e| panic!("pg_terminate_backend: {e}"));
        admin.close().await;
        killed
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let name = self.name.clone();
        let tag = self.tag.clone();
        // Drop runs outside async (and during a panic): a thread with its own runtime.
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let admin = admin().await;
                // Terminate leftovers first, or DROP waits on their locks.
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE application_name LIKE '{tag}%' AND pid <> pg_backend_pid()"
                )))
                .execute(&admin)
                .await;
                if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {name} CASCADE"
                )))
                .execute(&admin)
                .await
                {
                    eprintln!("could not drop schema {name}: {e}");
                }
                admin.close().await;
            });
        })
        .join();
        if done.is_err() {
            eprintln!("dropping schema {} panicked", self.name);
        }
    }
}

async fn open_pg(options: PgConnectOptions) -> Store {
    match tokio::time::timeout(
        Duration::from_secs(20),
        Store::open_postgres(options, "postgres://postgres@127.0.0.1/test"),
    )
    .await
    {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => panic!("PostgreSQL store: {e}"),
        Err(_) => panic!("opening the PostgreSQL store hung for 20 s"),
    }
}

// ---------------------------------------------------------------------------------------------
// A cuttable TCP proxy in front of PostgreSQL, for real outages

struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    /// Connections stay open but carry nothing, as through a dropped VPN.
    frozen: Arc<AtomicBool>,
    /// Bumped on every cut: connections of an older generation close.
    generation: Arc<AtomicU64>,
    /// The connections open and silent now (by number, in the order accepted): a client
    /// waiting on one of them is waiting for an answer that does not come.
    silent: Arc<std::sync::Mutex<std::collections::BTreeSet<u64>>>,
    task: JoinHandle<()>,
}

/// Keeps a connection open and silent until the client gives up on it or the cut; its number
/// is in `silent` meanwhile.
async fn hold_silent(
    client: &mut TcpStream,
    number: u64,
    silent: &std::sync::Mutex<std::collections::BTreeSet<u64>>,
    cut: impl std::future::Future<Output = ()>,
) {
    use tokio::io::AsyncReadExt;
    silent.lock().expect("silent set").insert(number);
    let mut sink = [0u8; 1024];
    let given_up = async {
        while let Ok(n) = client.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::select! {
        _ = given_up => {}
        _ = cut => {}
    }
    silent.lock().expect("silent set").remove(&number);
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let up = Arc::new(AtomicBool::new(true));
        let frozen = Arc::new(AtomicBool::new(false));
        let generation = Arc::new(AtomicU64::new(0));
        let silent = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
        let (up2, gen2, frozen2, silent2) = (
            up.clone(),
            generation.clone(),
            frozen.clone(),
            silent.clone(),
        );
        let task = tokio::spawn(async move {
            let mut accepted = 0u64;
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                accepted += 1;
                let number = accepted;
                let born = gen2.load(Ordering::SeqCst);
                let (gen3, frozen3, silent3) = (gen2.clone(), frozen2.clone(), silent2.clone());
                tokio::spawn(async move {
                    let cut = async {
                        while gen3.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    };
                    let freeze = async {
                        while !frozen3.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                    };
                    if frozen3.load(Ordering::SeqCst) {
                        // Accepted, never answered: the client waits until it gives up, or
                        // the cut.
                        hold_silent(&mut client, number, &silent3, cut).await;
                        return;
                    }
                    let Ok(mut server) = TcpStream::connect(db::address(&admin_url())).await else {
                        return;
                    };
                    tokio::pin!(cut);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = &mut cut => {}
                        // Stop forwarding but keep both sockets open until the cut.
                        _ = freeze => hold_silent(&mut client, number, &silent3, cut).await,
                    }
                });
            }
        });
        Self {
            port,
            up,
            frozen,
            generation,
            silent,
            task,
        }
    }

    /// Waits for a connection accepted from now on to be held silent (a client now waits on
    /// it for an answer), and returns its number.
    async fn next_silent(&self) -> u64 {
        let before = self.silent.lock().expect("silent set").last().copied();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let newest = self.silent.lock().expect("silent set").last().copied();
            if let Some(number) = newest
                && Some(number) > before
            {
                return number;
            }
            assert!(
                Instant::now() < deadline,
                "no client tried to connect within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Is connection `number` still open and silent (its client still waiting)?
    fn is_silent(&self, number: u64) -> bool {
        self.silent.lock().expect("silent set").contains(&number)
    }

    /// Keeps every connection open but silent: no error, no answer.
    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// The network comes back; the silent connections are gone (as after a real timeout).
    fn thaw(&self) {
        self.frozen.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Drops every connection and refuses new ones: the database is unreachable.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

// ---------------------------------------------------------------------------------------------
// A warroom on a headless terminal: the real runtime and the real store task (tests/common/rig.rs)

/// The items the store tests change. They are ticked as an operator ticks them: the arrow keys
/// to the item, then space.
fn test_items() -> Vec<String> {
    let mut items: Vec<String> = ["before", "during", "kept", "a", "b", "earlier"]
        .into_iter()
        .chain(["ann-first", "bob-while-refused", "x", "y", "z"])
        .map(str::to_string)
        .collect();
    items.extend((0..3).map(|n| format!("item-{n}")));
    items.extend((0..3).map(|n| format!("shared-{n}")));
    items.extend((0..40).map(|n| format!("tick-{n}")));
    items.extend((0..5).map(|n| format!("during-{n}")));
    items.extend((0..10).map(|n| format!("kept-{n}")));
    for round in 0..2 {
        items.extend((0..10).map(|n| format!("kept-{round}-{n}")));
    }
    items
}

/// A launch day of one block, open all day, holding [`test_items`] in that order.
fn test_layout() -> layout::Layout {
    let mut text = String::from(
        r#"
[launch]
id = "shared-test"
name = "Shared test"
timezone = "Asia/Taipei"
date = "2026-12-01"

[[block]]
id = "day"
title = "Day"
start = "06:00"
end = "20:00"

[[block.section]]
id = "store"
title = "Store"
items = [
"#,
    );
    for id in test_items() {
        text.push_str(&format!("  {{ id = \"{id}\", text = \"Item {id}\" }},\n"));
    }
    text.push_str("]\n");
    layout::parse("shared-test.toml", &text, &layout::Env::empty())
        .unwrap_or_else(|e| panic!("the test layout: {e}"))
}

/// `operator`'s warroom at 09:30 on the launch day, before it reads anything.
fn app(operator: &str) -> App {
    app_on(test_layout(), operator)
}

fn app_on(mut layout: layout::Layout, operator: &str) -> App {
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    layout.launch.date = Some(day);
    let now = at_zone(
        layout.launch.zone,
        day.and_time(NaiveTime::from_hms_opt(9, 30, 0).expect("time")),
    );
    let author = Author {
        operator: operator.into(),
        origin: format!("ssh from 10.1.2.{} to jump", operator.len()),
    };
    App::new(warroom::app::Config::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    ))
}

/// The seed layout's warroom, for the tests that draw its checklist.
fn seed_app(operator: &str) -> App {
    let layout = layout::load(
        Path::new("layouts/luckygas-pilot.toml"),
        &layout::Env::empty(),
    )
    .expect("seed layout");
    app_on(layout, operator)
}

/// `operator`'s warroom on `store`, started as the TUI starts it: the day read first, then
/// the runtime and the store task.
async fn warroom(store: Store, operator: &str, options: Options) -> Rig {
    let mut app = app(operator);
    let events = store
        .day_events(&app.layout.launch.id, app.day())
        .await
        .expect("initial read");
    app.ledger = Ledger::from_events(events);
    Rig::with_worker(app, 120, 40, store, options)
}

/// `operator`'s warroom started as warroom starts when the database does not answer: without
/// the day, which the store sends (joins) once it does. Its terminal is wide enough for the
/// header to say the whole cause.
fn blind_warroom(store: Store, operator: &str, mut options: Options) -> Rig {
    options.load_day = true;
    Rig::with_worker(app(operator), 200, 40, store, options)
}

/// Replies no test here expects: a write the log refused, a read that failed, rows that could
/// not be read, a database file that is not there.
const FAILURES: [&str; 4] = ["failed", "read failed", "unreadable", "absent"];

/// Fails the test if the store said any of [`FAILURES`] to `rig`.
fn no_failures(rig: &Rig) {
    let kinds = rig.store().kinds();
    assert!(
        FAILURES.iter().all(|k| !kinds.contains(k)),
        "{}'s store failed: {kinds:?} ({:?})",
        rig.app().author.operator,
        rig.app().flash
    );
}

/// Runs `rig` until `done` holds; fails after `limit`, or as soon as the store reports a
/// failure. How long it took.
async fn wait(
    rig: &mut Rig,
    limit: Duration,
    what: &str,
    mut done: impl FnMut(&App) -> bool,
) -> Duration {
    let start = Instant::now();
    // The store and the runtime are separate parts of the rig: one is watched while the
    // other runs.
    let store = rig.store.as_ref().expect("the rig has a store task");
    let waited = tokio::time::timeout(
        limit,
        rig.runtime
            .run_until(|app, _| done(app) || FAILURES.iter().any(|kind| store.seen(kind))),
    )
    .await;
    let app = rig.app();
    match waited {
        Ok(Ok(())) => {}
        Ok(Err(exit)) => panic!(
            "{}'s runtime stopped ({exit:?}) before: {what}",
            app.author.operator
        ),
        Err(_) => panic!(
            "{}: not within {limit:?}: {what} ({} events, outage {:?}, {} pending, {} unsaved, seen {:?})",
            app.author.operator,
            app.ledger.events().len(),
            app.outage,
            app.pending.len(),
            app.unsaved.len(),
            rig.store().kinds()
        ),
    }
    no_failures(rig);
    start.elapsed()
}

/// Selects `item` and presses space (a tick, or an untick of a ticked item); the write is on
/// its way to the store, not yet answered.
async fn toggle(rig: &mut Rig, item: &str) {
    rig.select(item).await;
    assert!(
        !rig.app().is_pending(item),
        "{item} is still saving: the key would be refused"
    );
    rig.key(KeyCode::Char(' ')).await;
    rig.applied().await;
}

/// The id of the last change `rig`'s own warroom made to `item`, whatever became of it.
fn made(rig: &Rig, item: &str) -> Uuid {
    let app = rig.app();
    let me = &app.author.operator;
    let mine = |e: &&Event| e.item.as_deref() == Some(item) && &e.operator == me;
    app.pending
        .values()
        .find(mine)
        .or_else(|| app.unsaved.values().find(mine))
        .or_else(|| {
            app.ledger
                .events()
                .iter()
                .map(|s| &s.event)
                .rev()
                .find(mine)
        })
        .map(|e| e.id)
        .unwrap_or_else(|| panic!("{me} made no change to {item}"))
}

/// Quits the warroom as the operator does: the store task finishes its queued writes. The app
/// as it last was.
async fn quit(rig: Rig) -> App {
    no_failures(&rig);
    rig.finish().await
}

fn marks(ledger: &Ledger, items: &[String]) -> Vec<Mark> {
    items.iter().map(|i| ledger.mark(i).clone()).collect()
}

async fn replay(store: &Store, app: &App) -> Ledger {
    Ledger::from_events(
        store
            .day_events(&app.layout.launch.id, app.day())
            .await
            .expect("read the log"),
    )
}

// ---------------------------------------------------------------------------------------------
// (a) a tick on one warroom reaches another within a second

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tick_reaches_the_other_warroom_within_a_second() {
    let schema = Schema::create().await;
    let mut ann = warroom(schema.store("ann").await, "ann", Options::default()).await;
    let mut bob = warroom(schema.store("bob").await, "bob", Options::default()).await;
    // Let both listeners subscribe before measuring.
    tokio::time::sleep(Duration::from_millis(300)).await;
    bob.applied().await;

    let mut delays = Vec::new();
    for round in 0..6 {
        let item = format!("item-{}", round % 3);
        // Space ticks an open item and unticks a ticked one.
        let (kind, want) = if round < 3 {
            ("tick", Mark::Done)
        } else {
            ("untick", Mark::Open)
        };
        ann.select(&item).await;
        let sent = Instant::now();
        let saved = ann.press(KeyCode::Char(' ')).await;
        assert_eq!(saved.kinds(), [kind], "ann's change to {item}, saved");
        wait(
            &mut bob,
            Duration::from_secs(5),
            "bob shows ann's change",
            |b| b.ledger.mark(&item) == &want,
        )
        .await;
        delays.push(sent.elapsed());
    }
    delays.sort();
    eprintln!(
        "PostgreSQL propagation ann→bob (commit + NOTIFY + fetch): min {:?}, median {:?}, max {:?}",
        delays[0],
        delays[delays.len() / 2],
        delays[delays.len() - 1]
    );
    assert!(
        delays.iter().all(|d| *d < Duration::from_secs(1)),
        "every change must reach the other warroom within 1 s: {delays:?}"
    );
    assert!(bob.store().seen("arrived"));
    quit(ann).await;
    quit(bob).await;
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// (b) ten warrooms ticking and unticking the same items at once converge on the replay

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_warrooms_ticking_the_same_items_converge_on_the_replay() {
    let schema = Schema::create().await;
    let items: Vec<String> = (0..3).map(|i| format!("shared-{i}")).collect();
    let mut rooms = Vec::new();
    for n in 0..10 {
        let name = format!("op{n}");
        rooms.push(warroom(schema.store(&name).await, &name, Options::default()).await);
    }
    const EACH: usize = 12;
    for round in 0..EACH {
        // Every warroom presses space on its item of the round, one right after the other:
        // ten writes in flight at once, each committed on its own connection, while the
        // others' changes to the same items arrive.
        for (n, room) in rooms.iter_mut().enumerate() {
            toggle(room, &items[(n + round) % items.len()]).await;
        }
        // An operator sees "saving…" and waits for it before changing anything again (the
        // key is refused meanwhile).
        for room in &mut rooms {
            room.settle().await;
        }
    }
    let total = rooms.len() * EACH;
    for room in &mut rooms {
        wait(room, Duration::from_secs(15), "every change in", |a| {
            a.pending.is_empty() && a.ledger.events().len() == total
        })
        .await;
    }
    let probe = schema.store("probe").await;
    let log = replay(&probe, rooms[0].app()).await;
    probe.close().await;
    assert_eq!(log.events().len(), total, "every change is in the log once");
    let kinds: HashSet<&str> = log.events().iter().map(|s| s.event.change.kind()).collect();
    assert_eq!(
        kinds,
        HashSet::from(["tick", "untick"]),
        "space ticked what a warroom showed open and unticked what it showed ticked"
    );
    let seqs: Vec<i64> = log.events().iter().map(|s| s.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "a definite order");
    let expected = marks(&log, &items);
    for room in &rooms {
        let app = room.app();
        assert_eq!(
            marks(&app.ledger, &items),
            expected,
            "{} shows the replay of the log",
            app.author.operator
        );
        let order: Vec<i64> = app.ledger.events().iter().map(|s| s.seq).collect();
        assert_eq!(order, seqs, "{} holds the log's order", app.author.operator);
    }
    for room in rooms {
        quit(room).await;
    }
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// (c) connections killed and the database cut mid-stream: every tick lands exactly once

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_mid_stream_loses_nothing_and_doubles_nothing() {
    let schema = Schema::create().await;
    let proxy = Proxy::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::at(dir.path().join("journal.jsonl")).expect("journal");
    let journal_path = journal.path().to_path_buf();
    let options = Options {
        journal: Some(journal),
        ..Options::default()
    };
    let mut ann = warroom(schema.store_via("ann", &proxy).await, "ann", options).await;
    let mut bob = warroom(schema.store("bob").await, "bob", Options::default()).await;

    const TICKS: usize = 40;
    let mut sent = Vec::new();
    for n in 0..TICKS {
        if n == 10 {
            let killed = schema.terminate(&["ann", "bob"]).await;
            assert!(
                killed > 0,
                "the clients' backends were found and terminated"
            );
        }
        if n == 20 {
            proxy.cut();
        }
        if n == 32 {
            proxy.restore();
        }
        let item = format!("tick-{n}");
        toggle(&mut ann, &item).await;
        sent.push(made(&ann, &item));
        tokio::time::sleep(Duration::from_millis(25)).await;
        ann.applied().await;
        bob.applied().await;
    }
    wait(&mut ann, Duration::from_secs(15), "all saved", |a| {
        a.pending.is_empty() && a.unsaved.is_empty() && a.outage.is_none()
    })
    .await;
    for seen in ["outage", "journaled", "reconnected"] {
        assert!(
            ann.store().seen(seen),
            "the outage path was taken: no {seen}"
        );
    }
    wait(
        &mut bob,
        Duration::from_secs(10),
        "bob has every tick",
        |b| b.ledger.events().len() == TICKS,
    )
    .await;

    let probe = schema.store("probe").await;
    let log = replay(&probe, ann.app()).await;
    let ids: Vec<Uuid> = log.events().iter().map(|s| s.event.id).collect();
    assert_eq!(ids.len(), TICKS, "nothing lost, nothing doubled");
    assert_eq!(
        ids.iter().collect::<HashSet<_>>(),
        sent.iter().collect::<HashSet<_>>(),
        "exactly the ticks sent"
    );
    for n in 0..TICKS {
        let item = format!("tick-{n}");
        assert_eq!(log.mark(&item), &Mark::Done);
        assert_eq!(ann.app().ledger.mark(&item), &Mark::Done);
        assert_eq!(bob.app().ledger.mark(&item), &Mark::Done);
    }
    assert!(
        ann.app().ledger.events().iter().all(|s| s.seq > 0),
        "no provisional event left"
    );
    assert!(
        std::fs::metadata(&journal_path).map_or(0, |m| m.len()) == 0,
        "the journal is emptied after replay"
    );
    probe.close().await;
    quit(ann).await;
    quit(bob).await;
    drop(proxy);
    drop(schema);
}

/// A database that goes silent (no reset, no error) must not leave ticks "saving…" forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_goes_silent_becomes_an_outage() {
    let schema = Schema::create().await;
    let proxy = Proxy::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let options = Options {
        journal: Some(Journal::at(dir.path().join("journal.jsonl")).expect("journal")),
        ..Options::default()
    };
    let mut ann = warroom(schema.store_via("ann", &proxy).await, "ann", options).await;
    ann.select("before").await;
    let saved = ann.press(KeyCode::Char(' ')).await;
    assert_eq!(saved.kinds(), ["tick"], "saved while the database answers");

    proxy.freeze();
    tokio::time::sleep(Duration::from_millis(50)).await;
    toggle(&mut ann, "during").await;
    let silent = made(&ann, "during");
    // Shown as soon as it is safe on this machine: before its commit gives up (counted in
    // events: before the outage is declared), and never as saved.
    wait(&mut ann, Duration::from_secs(10), "'during' shown", |a| {
        a.ledger.mark("during") == &Mark::Done
    })
    .await;
    assert!(
        ann.app().outage.is_none(),
        "shown while its commit was still in flight"
    );
    assert!(ann.app().is_pending("during") && !ann.app().is_sending("during"));
    assert!(ann.store().seen("kept"));
    // Changes made while that commit hangs do not wait for it.
    const MORE: usize = 5;
    for n in 0..MORE {
        toggle(&mut ann, &format!("during-{n}")).await;
    }
    wait(&mut ann, Duration::from_secs(10), "all shown", |a| {
        (0..MORE).all(|n| a.ledger.mark(&format!("during-{n}")) == &Mark::Done)
    })
    .await;
    assert!(
        ann.app().outage.is_none(),
        "all shown before the hanging commit gave up"
    );
    let kept = wait(&mut ann, Duration::from_secs(10), "all kept", |a| {
        a.unsaved.len() == MORE + 1
    })
    .await;
    eprintln!("a silent database became an outage after {kept:?}");
    assert!(ann.app().outage.is_some());
    assert!(ann.app().pending.is_empty(), "all 'not yet saved' now");
    assert!(ann.app().unsaved.contains_key(&silent));

    proxy.thaw();
    wait(&mut ann, Duration::from_secs(15), "all saved", |a| {
        a.unsaved.is_empty() && a.outage.is_none()
    })
    .await;
    let probe = schema.store("probe").await;
    let log = replay(&probe, ann.app()).await;
    assert_eq!(log.events().len(), MORE + 2, "every tick, once each");
    probe.close().await;
    quit(ann).await;
    drop(proxy);
    drop(schema);
}

/// Quitting during an outage leaves the journal; the next warroom on the database saves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quitting_during_an_outage_keeps_the_journal_for_the_next_start() {
    let schema = Schema::create().await;
    let proxy = Proxy::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = schema.store_via("ann", &proxy).await;
    let db = store.location().to_string();
    let (journal, _) = Journal::open(dir.path(), &db, Uuid::now_v7()).expect("journal");
    let options = Options {
        journal: Some(journal),
        ..Options::default()
    };
    let mut ann = warroom(store, "ann", options).await;
    proxy.cut();
    // The proxy's connections notice the cut within 10 ms.
    tokio::time::sleep(Duration::from_millis(50)).await;
    toggle(&mut ann, "kept").await;
    let kept = made(&ann, "kept");
    wait(&mut ann, Duration::from_secs(10), "'kept' journaled", |a| {
        a.unsaved.contains_key(&kept)
    })
    .await;
    quit(ann).await;
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(
        left.len(),
        1,
        "the journal stays while the database is out of reach"
    );

    proxy.restore();
    let store = schema.store_via("ann", &proxy).await;
    let (journal, adopted) = Journal::open(dir.path(), &db, Uuid::now_v7()).expect("journal");
    assert_eq!(adopted, 1);
    let options = Options {
        journal: Some(journal),
        ..Options::default()
    };
    let mut again = warroom(store, "ann", options).await;
    wait(&mut again, Duration::from_secs(10), "'kept' saved", |a| {
        a.unsaved.is_empty() && a.ledger.mark("kept") == &Mark::Done
    })
    .await;
    let app = quit(again).await;
    let probe = schema.store("probe").await;
    assert_eq!(replay(&probe, &app).await.events().len(), 1);
    probe.close().await;
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(left.is_empty(), "{left:?}");
    drop(proxy);
    drop(schema);
}

/// A journal left by a warroom that died is adopted and replayed at start-up, once, even when
/// part of it had already reached the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_left_behind_is_replayed_at_start_exactly_once() {
    let schema = Schema::create().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let template = app("ann");
    let make = |item: &str| {
        Event::new(
            &template.author,
            &template.layout.launch.id,
            template.day(),
            template.now,
            Some(item.to_string()),
            Change::Tick,
        )
    };
    let (committed, lost) = (make("a"), make("b"));
    let store = schema.store("ann").await;
    let db = store.location().to_string();
    store.append(&committed).await.expect("append");
    {
        let (dead, _) = Journal::open(dir.path(), &db, Uuid::now_v7()).expect("journal");
        dead.write(&committed).expect("journal");
        dead.write(&lost).expect("journal");
    }
    let (journal, adopted) = Journal::open(dir.path(), &db, Uuid::now_v7()).expect("journal");
    assert_eq!(adopted, 2);
    let options = Options {
        journal: Some(journal),
        ..Options::default()
    };
    let mut ann = warroom(store, "ann", options).await;
    wait(
        &mut ann,
        Duration::from_secs(10),
        "the journal replayed",
        |a| a.unsaved.is_empty() && a.ledger.mark("b") == &Mark::Done,
    )
    .await;
    assert!(ann.store().seen("journaled"), "shown before it is saved");
    let probe = schema.store("probe").await;
    let log = replay(&probe, ann.app()).await;
    assert_eq!(log.events().len(), 2, "a and b, each once");
    probe.close().await;
    quit(ann).await;
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(
        left.is_empty(),
        "no journal left once all is saved: {left:?}"
    );
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// (d) two warrooms on one SQLite file

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_warrooms_on_one_sqlite_file_see_each_other_within_a_second() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let open = |p: std::path::PathBuf| async move { Store::open(&p).await.expect("open sqlite") };
    let mut ann = warroom(open(path.clone()).await, "ann", Options::default()).await;
    let mut bob = warroom(open(path.clone()).await, "bob", Options::default()).await;
    let mut delays = Vec::new();
    for (who, item) in [(0, "x"), (1, "y"), (0, "z")] {
        let (writer, reader) = if who == 0 {
            (&mut ann, &mut bob)
        } else {
            (&mut bob, &mut ann)
        };
        writer.select(item).await;
        let sent = Instant::now();
        writer.key(KeyCode::Char(' ')).await;
        writer.applied().await;
        wait(reader, Duration::from_secs(3), "the other's tick", |a| {
            a.ledger.mark(item) == &Mark::Done
        })
        .await;
        delays.push(sent.elapsed());
    }
    eprintln!("SQLite propagation (500 ms poll): {delays:?}");
    assert!(
        delays.iter().all(|d| *d < Duration::from_secs(1)),
        "{delays:?}"
    );
    quit(ann).await;
    quit(bob).await;
}

// ---------------------------------------------------------------------------------------------
// An announcement typed on one warroom is a banner on the other's screen within a second

/// ann presses `A`, types and saves; bob's banner shows it, who and until when, within 1 s;
/// ann's `C` takes it down on bob's screen too.
async fn announcement_banner_reaches_the_other(ann_store: Store, bob_store: Store) -> Duration {
    let mut ann = warroom(ann_store, "ann", Options::default()).await;
    let mut bob = warroom(bob_store, "bob", Options::default()).await;
    // Let the listener subscribe before measuring.
    tokio::time::sleep(Duration::from_millis(300)).await;
    bob.applied().await;
    let sent = Instant::now();
    ann.key(KeyCode::Char('A')).await;
    ann.type_text("Rolling back v2.3 | 30m").await;
    ann.key(KeyCode::Enter).await;
    ann.applied().await;
    bob.until_shows("Rolling back v2.3").await;
    let took = sent.elapsed();
    let shown = bob.screen();
    let banner = shown
        .lines()
        .find(|l| l.contains("Rolling back v2.3"))
        .unwrap_or_default()
        .to_string();
    assert!(
        banner.contains("ann") && banner.contains("until 10:00"),
        "who and until when: {banner}"
    );
    ann.settle().await;
    ann.key(KeyCode::Char('C')).await;
    ann.applied().await;
    bob.until("the banner gone from bob's screen", |_, sink| {
        !sink.shows("(C clears)")
    })
    .await;
    quit(ann).await;
    quit(bob).await;
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announcement_is_on_the_other_warrooms_banner_within_a_second_on_postgres() {
    let schema = Schema::create().await;
    let took =
        announcement_banner_reaches_the_other(schema.store("ann").await, schema.store("bob").await)
            .await;
    eprintln!("PostgreSQL: announcement on the other banner after {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
    drop(schema);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announcement_is_on_the_other_warrooms_banner_within_a_second_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let ann = Store::open(&path).await.expect("open sqlite");
    let bob = Store::open(&path).await.expect("open sqlite");
    let took = announcement_banner_reaches_the_other(ann, bob).await;
    eprintln!("SQLite: announcement on the other banner after {took:?}");
    assert!(took < Duration::from_secs(1), "{took:?}");
}

// ---------------------------------------------------------------------------------------------
// (e) presence appears and expires, on both backends

fn presence_options(operator: &str, view: &str) -> Options {
    let template = app(operator);
    Options {
        presence: Some(Presence {
            session: Uuid::now_v7(),
            launch: template.layout.launch.id.clone(),
            operator: template.author.operator.clone(),
            origin: template.author.origin.clone(),
            view: view.to_string(),
        }),
        presence_refresh: Duration::from_millis(200),
        presence_expiry: Duration::from_millis(1500),
        ..Options::default()
    }
}

async fn presence_appears_and_expires(first: Store, second: Store) {
    let mut ann = warroom(first, "ann", presence_options("ann", "Launch day")).await;
    let bob = warroom(second, "bob", presence_options("bob", "Audit log")).await;

    wait(&mut ann, Duration::from_secs(3), "bob here", |a| {
        a.peers
            .iter()
            .any(|p| p.operator == "bob" && p.view == "Audit log")
    })
    .await;
    assert_eq!(ann.app().peers.len(), 1, "ann sees bob, not herself");
    assert_eq!(ann.app().peers[0].origin, "ssh from 10.1.2.3 to jump");

    // bob's warroom dies without a goodbye: he drops out once the expiry passes.
    bob.store().worker.abort();
    let gone = wait(&mut ann, Duration::from_secs(4), "bob gone", |a| {
        a.peers.is_empty()
    })
    .await;
    eprintln!("presence expired {gone:?} after the peer died (expiry 1.5 s)");
    drop(bob);
    quit(ann).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_appears_and_expires_on_postgres() {
    let schema = Schema::create().await;
    presence_appears_and_expires(schema.store("ann").await, schema.store("bob").await).await;
    drop(schema);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_appears_and_expires_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let first = Store::open(&path).await.expect("open");
    let second = Store::open(&path).await.expect("open");
    presence_appears_and_expires(first, second).await;
}

/// Rows of warrooms gone for an hour are swept out, but only on the refreshes that ask for it
/// (one in [`warroom::store::presence::SWEEP`]), not with every heartbeat.
#[tokio::test]
async fn presence_sweeps_rows_an_hour_dead_only_when_asked() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("warroom.db");
    let store = Store::open(&path).await.expect("open sqlite");
    let me = presence_options("ann", "Launch day")
        .presence
        .expect("presence options name ann");
    let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("a second connection to the file");
    let two_hours_ago = chrono::Utc::now().timestamp_millis() - 7_200_000;
    sqlx::query(
        "INSERT INTO presence (session, launch, operator, origin, view, seen_ms)
         VALUES ('dead', $1, 'bob', 'local', 'Launch day', $2)",
    )
    .bind(&me.launch)
    .bind(two_hours_ago)
    .execute(&mut raw)
    .await
    .expect("a row of a warroom that died two hours ago");
    let count = "SELECT count(*) FROM presence";

    store.announce(&me, false).await.expect("a refresh");
    let rows: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut raw)
        .await
        .expect("count");
    assert_eq!(rows, 2, "no sweep: the dead row stays");
    store
        .announce(&me, true)
        .await
        .expect("a refresh that sweeps");
    let rows: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut raw)
        .await
        .expect("count");
    assert_eq!(rows, 1, "swept: only ann is left");
    raw.close().await.expect("close");
}

// ---------------------------------------------------------------------------------------------
// The URL and its password

#[tokio::test]
async fn connect_by_url_and_never_show_the_password() {
    let schema = Schema::create().await;
    let base = admin_url();
    let with_password = base.replacen("://postgres@", "://postgres:hunter2@", 1);
    assert_ne!(with_password, base, "the test URL names user postgres");
    let url = format!("{with_password}?options[search_path]={}", schema.name);
    let store = Store::connect(&url)
        .await
        .expect("trust auth ignores the password");
    let shown = base.replacen("://postgres@", "://postgres:***@", 1);
    assert!(
        store.location().starts_with(&format!("{shown}?")),
        "{}",
        store.location()
    );
    store.close().await;
    let err = Store::connect("postgres://postgres:hunter2@127.0.0.1:1/test")
        .await
        .expect_err("nothing listens on port 1");
    let shown = format!("{err:#} {err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// What the header says

fn header(app: &App, width: u16) -> Vec<String> {
    use ratatui::{Terminal, backend::TestBackend};
    let mut terminal = Terminal::new(TestBackend::new(width, 24)).expect("test terminal");
    terminal
        .draw(|f| warroom::ui::draw(f, app, &warroom::ui::Theme::default()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..2)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}

/// The seed layout's warroom for `operator` on the real runtime, its store played by the test.
async fn scripted(operator: &str) -> Rig {
    let mut rig = Rig::new(seed_app(operator), 200, 50);
    rig.applied().await;
    rig
}

/// Answers `reply` as the store would and waits until the runtime has applied it.
async fn answer(rig: &mut Rig, reply: Reply) {
    rig.reply(reply).await;
    rig.applied().await;
}

/// The change `rig`'s app has asked the store to write, made by a key.
fn asked(rig: &mut Rig) -> Event {
    let requests = rig.requests.as_mut().expect("the rig keeps the requests");
    loop {
        match requests.try_recv() {
            Ok(Request::Append(event)) => return event,
            Ok(_) => {}
            Err(e) => panic!("the app asked no write: {e}"),
        }
    }
}

#[tokio::test]
async fn the_header_shows_the_outage_and_who_is_here() {
    let mut ann = scripted("ann").await;
    let event = |app: &App, item: &str| {
        Event::new(
            &app.author,
            &app.layout.launch.id,
            app.day(),
            app.now,
            Some(item.to_string()),
            Change::Tick,
        )
    };
    let (a, b) = (
        event(ann.app(), "first-order-created"),
        event(ann.app(), "x"),
    );
    let since = chrono::Utc::now() - chrono::Duration::seconds(42);
    answer(
        &mut ann,
        Reply::Outage {
            since,
            cause: warroom::store::Outage::Unreachable,
        },
    )
    .await;
    answer(&mut ann, Reply::Journaled(a.clone())).await;
    answer(&mut ann, Reply::Journaled(b)).await;
    assert_eq!(
        ann.app().ledger.mark("first-order-created"),
        &Mark::Done,
        "shown provisionally"
    );
    answer(
        &mut ann,
        Reply::Present(vec![warroom::store::presence::Peer {
            session: Uuid::now_v7(),
            operator: "bob".into(),
            origin: "ssh from 10.1.2.3 to jump".into(),
            view: "Audit log".into(),
            seen_ms: 0,
        }]),
    )
    .await;
    let lines = header(ann.app(), 200);
    assert!(
        lines[0].contains("DB unreachable 00:42 · 2 changes not yet saved"),
        "{lines:#?}"
    );
    assert!(
        lines[1].contains("here: bob (ssh 10.1.2.3)") && !lines[1].contains("ann"),
        "{lines:#?}"
    );
    let narrow = header(ann.app(), 80);
    assert!(narrow[0].contains("DB unreachable"), "{narrow:#?}");
    // The same outage for another reason says that reason.
    answer(
        &mut ann,
        Reply::Outage {
            since,
            cause: warroom::store::Outage::DiskFull,
        },
    )
    .await;
    let full = header(ann.app(), 200);
    assert!(
        full[0].contains("disk full 00:42 · 2 changes not yet saved"),
        "{full:#?}"
    );
    assert!(
        ann.app()
            .flash
            .as_ref()
            .is_some_and(|f| f.error && f.text.starts_with("disk full: changes are kept")),
        "{:?}",
        ann.app().flash
    );
    // At 80 columns the others by name still fit beside the short tabs.
    assert!(narrow[1].ends_with("here: bob "), "{narrow:#?}");

    // The journal replayed: confirmed once, not applied twice, and the header is back.
    answer(
        &mut ann,
        Reply::Committed(warroom::store::Stored { seq: 7, event: a }),
    )
    .await;
    answer(&mut ann, Reply::Reconnected { saved: 2 }).await;
    assert_eq!(ann.app().unsaved.len(), 1);
    assert_eq!(ann.app().ledger.events().len(), 2);
    assert!(!header(ann.app(), 200)[0].contains("DB unreachable"));
}

/// The checklist line of `item` (its mark, its text and what is said aside), as drawn on a
/// 200×50 terminal: of the panes that show the item's text, the one where something comes
/// before it (the item pane's title starts with it).
fn item_line(app: &App, item: &str) -> String {
    use ratatui::{Terminal, backend::TestBackend};
    let text = app
        .item_text(item)
        .map(|t| t.get(app.lang).to_string())
        .expect("a seed item");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test terminal");
    terminal
        .draw(|f| warroom::ui::draw(f, app, &warroom::ui::Theme::default()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..50)
        .map(|y| {
            (0..200)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .flat_map(|line| line.split('│').map(str::to_string).collect::<Vec<_>>())
        .find(|pane| pane.contains(&text) && !pane.trim_start().starts_with(&text))
        .unwrap_or_else(|| panic!("{item} is not in the checklist on screen"))
}

/// Kept on this machine (fsynced to the journal) while its commit is in flight: shown as made
/// at once, still "saving…", never "Saved" before the COMMIT returned. A change the log then
/// refuses is taken back off the screen.
#[tokio::test]
async fn a_change_kept_on_this_machine_shows_at_once_and_saving_until_committed() {
    let mut ann = scripted("ann").await;
    let item = "first-order-created";
    toggle(&mut ann, item).await;
    let tick = asked(&mut ann);
    assert!(ann.app().is_sending(item));
    let sent = item_line(ann.app(), item);
    assert!(sent.contains('…') && sent.contains("saving…"), "{sent}");

    answer(&mut ann, Reply::Kept(tick.clone())).await;
    let app = ann.app();
    assert_eq!(app.ledger.mark(item), &Mark::Done, "shown as made");
    assert!(app.is_pending(item) && !app.is_sending(item));
    let kept = item_line(app, item);
    assert!(kept.contains('✓') && kept.contains("saving…"), "{kept}");
    assert!(
        !app.flash.as_ref().is_some_and(|f| f.text.contains("Saved")),
        "{:?}",
        app.flash
    );

    answer(
        &mut ann,
        Reply::Committed(warroom::store::Stored {
            seq: 1,
            event: tick.clone(),
        }),
    )
    .await;
    let app = ann.app();
    assert!(app.pending.is_empty());
    assert!(!app.ledger.is_provisional(&tick.id));
    assert_eq!(app.ledger.events().len(), 1, "applied once");
    let saved = item_line(app, item);
    assert!(!saved.contains("saving…"), "{saved}");
    assert!(
        app.flash
            .as_ref()
            .is_some_and(|f| f.text.starts_with("Saved")),
        "{:?}",
        app.flash
    );

    let other = "driver-assigned";
    toggle(&mut ann, other).await;
    let refused = asked(&mut ann);
    answer(&mut ann, Reply::Kept(refused.clone())).await;
    assert_eq!(ann.app().ledger.mark(other), &Mark::Done);
    answer(
        &mut ann,
        Reply::Failed {
            event: refused.clone(),
            error: "refused".into(),
        },
    )
    .await;
    let app = ann.app();
    assert_eq!(app.ledger.mark(other), &Mark::Open, "taken back");
    assert!(!app.is_pending(other));
    assert_eq!(app.ledger.events().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_log_is_append_only_and_a_repeated_append_is_a_no_op() {
    let schema = Schema::create().await;
    let store = schema.store("ann").await;
    let template = app("ann");
    let event = Event::new(
        &template.author,
        &template.layout.launch.id,
        template.day(),
        template.now,
        Some("a".into()),
        Change::Tick,
    );
    let seq = store.append(&event).await.expect("append");
    assert_eq!(store.append(&event).await.expect("again"), seq, "same seq");
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(schema.options("admin"))
        .await
        .expect("admin in schema");
    for sql in [
        "UPDATE events SET operator = 'mallory'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let err = sqlx::query(sql)
            .execute(&admin)
            .await
            .expect_err("the log refuses it");
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    admin.close().await;
    let log = replay(&store, &template).await;
    assert_eq!(log.events().len(), 1);
    assert_eq!(log.events()[0].event, event, "round-trips unchanged");
    store.close().await;
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// A database down at start, a server out of connections

fn journal_in(dir: &Path, store: &Store) -> Options {
    let (journal, _) = Journal::open(dir, store.location(), Uuid::now_v7()).expect("journal");
    Options {
        journal: Some(journal),
        ..Options::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down_at_start_then_up_everything_lands_once() {
    let cluster = Cluster::start(&[]);
    let url = cluster.url("postgres");
    // Someone else's change, made before the outage: the warroom that starts blind must
    // join it later.
    let before = Store::connect(&url).await.expect("cluster up");
    let template = app("bob");
    let theirs = Event::new(
        &template.author,
        &template.layout.launch.id,
        template.day(),
        template.now,
        Some("earlier".into()),
        Change::Tick,
    );
    before.append(&theirs).await.expect("append");
    before.close().await;
    cluster.stop();

    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::postgres_url(&url).expect("URL parses");
    let err = store.ping().await.expect_err("the server is down");
    assert!(err.outage().is_some(), "an outage, not a refusal: {err}");
    let options = journal_in(dir.path(), &store);
    let mut ann = blind_warroom(store, "ann", options);
    wait(&mut ann, Duration::from_secs(10), "the outage", |a| {
        a.outage.is_some()
    })
    .await;
    let mut sent = Vec::new();
    for n in 0..10 {
        let item = format!("kept-{n}");
        toggle(&mut ann, &item).await;
        sent.push(made(&ann, &item));
    }
    wait(&mut ann, Duration::from_secs(10), "all ten kept", |a| {
        a.unsaved.len() == 10
    })
    .await;
    assert_eq!(
        ann.app().ledger.mark("kept-3"),
        &Mark::Done,
        "shown, provisionally"
    );

    cluster.start_again();
    wait(&mut ann, Duration::from_secs(20), "joined and saved", |a| {
        a.unsaved.is_empty() && a.outage.is_none() && a.ledger.mark("earlier") == &Mark::Done
    })
    .await;
    assert!(ann.store().seen("joined"), "the day was loaded on joining");
    let app = quit(ann).await;
    let probe = Store::connect(&url).await.expect("probe");
    let log = replay(&probe, &app).await;
    probe.close().await;
    let ids: Vec<Uuid> = log.events().iter().map(|s| s.event.id).collect();
    assert_eq!(
        ids.len(),
        11,
        "bob's tick and ann's ten, once each: {ids:?}"
    );
    for id in &sent {
        assert!(ids.contains(id));
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .collect();
    assert!(left.is_empty(), "no journal left: {left:?}");
}

/// A folder for journals on a RAM disk where there is one: the tests below count in events
/// (answered before an attempt that hangs for seconds is over), which a loaded disk's fsync
/// must not turn into a race.
fn journal_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("temp dir")
}

/// PostgreSQL down at start, behind a port that takes connections and never answers: each
/// connection attempt hangs until its timeout. A change made meanwhile never waits for one.
/// Every one is journaled and shown "not yet saved" while the attempt under way still hangs
/// (counted in events: the proxy still holds that attempt's connection open when the last
/// answer arrives), and each lands exactly once when the server answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_while_a_connection_attempt_hangs_are_journaled_at_once() {
    let schema = Schema::create().await;
    let proxy = Proxy::start().await;
    proxy.freeze();
    let dir = journal_dir();
    let store = Store::postgres(
        schema.options("ann").port(proxy.port),
        "postgres://postgres@127.0.0.1/test",
    );
    // As at start-up: the first attempt fails after its timeout, and warroom opens anyway.
    let began = Instant::now();
    let err = store.ping().await.expect_err("nothing answers");
    let first_attempt = began.elapsed();
    assert_eq!(
        err.outage(),
        Some(warroom::store::Outage::Unreachable),
        "{err}"
    );
    let options = journal_in(dir.path(), &store);
    let mut ann = blind_warroom(store, "ann", options);
    wait(&mut ann, Duration::from_secs(10), "the outage", |a| {
        a.outage.is_some()
    })
    .await;
    assert_eq!(
        ann.store().kinds(),
        HashSet::from(["outage"]),
        "the outage is the first thing said"
    );
    let outage = ann.app().outage.expect("an outage");
    let counted = (ann.app().now - outage).to_std().unwrap_or_default();
    assert!(
        counted + Duration::from_millis(100) >= first_attempt,
        "the header counts from the first attempt ({first_attempt:?} ago), not from when \
         warroom opened: {counted:?}"
    );

    const N: usize = 10;
    let mut sent = Vec::new();
    for round in 0..2 {
        // The store tries again (the writer, the follower or the listener: they take turns on
        // its one connection); the changes are made while that attempt hangs.
        let hanging = proxy.next_silent().await;
        for n in 0..N {
            let item = format!("kept-{round}-{n}");
            toggle(&mut ann, &item).await;
            sent.push(made(&ann, &item));
        }
        let count = sent.len();
        wait(&mut ann, Duration::from_secs(20), "all journaled", |a| {
            a.unsaved.len() == count
        })
        .await;
        assert!(
            proxy.is_silent(hanging),
            "round {round}: every change was answered while the attempt still hung"
        );
        assert!(ann.store().seen("journaled"));
        assert!(
            !ann.store().seen("kept"),
            "told 'not yet saved' from the start"
        );
        assert_eq!(
            ann.app().ledger.mark(&format!("kept-{round}-3")),
            &Mark::Done
        );
        assert!(ann.app().pending.is_empty(), "nothing left 'saving…'");
    }

    proxy.thaw();
    wait(&mut ann, Duration::from_secs(30), "all saved", |a| {
        a.unsaved.is_empty() && a.outage.is_none()
    })
    .await;
    let app = quit(ann).await;
    let probe = schema.store("probe").await;
    let log = replay(&probe, &app).await;
    probe.close().await;
    let ids: Vec<Uuid> = log.events().iter().map(|s| s.event.id).collect();
    assert_eq!(ids, sent, "every change once, in the order made");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .collect();
    assert!(left.is_empty(), "no journal left: {left:?}");
    drop(proxy);
    drop(schema);
}

/// A role allowed one connection: one warroom runs live on it, a second says why it cannot
/// and keeps working in outage mode, and catches up once the first quits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_warroom_on_a_one_connection_role_says_so_and_catches_up() {
    let schema = Schema::create().await;
    let role = format!("{}_role", schema.tag);
    let admin = admin().await;
    for sql in [
        format!("CREATE ROLE {role} LOGIN CONNECTION LIMIT 1"),
        format!("GRANT ALL ON SCHEMA {} TO {role}", schema.name),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .expect("role");
    }
    let options = |client: &str| schema.options(client).username(&role);
    let dir = tempfile::tempdir().expect("temp dir");

    let first = Store::open_postgres(options("ann"), "postgres://role@db/test")
        .await
        .expect("the role's one connection");
    let mut ann = warroom(first, "ann", Options::default()).await;
    ann.select("ann-first").await;
    let saved = ann.press(KeyCode::Char(' ')).await;
    assert_eq!(
        saved.kinds(),
        ["tick"],
        "saved on the role's one connection"
    );

    let second = Store::postgres(options("bob"), "postgres://role@db/test");
    let refused = second.ping().await.expect_err("only one connection");
    assert!(
        refused
            .to_string()
            .contains("too many connections for role"),
        "the server's words: {refused}"
    );
    let bob_options = journal_in(dir.path(), &second);
    let mut bob = blind_warroom(second, "bob", bob_options);
    wait(&mut bob, Duration::from_secs(10), "the cause", |b| {
        b.outage_cause.is_some()
    })
    .await;
    let cause = bob.app().outage_cause.clone().expect("a cause");
    assert!(
        matches!(&cause, warroom::store::Outage::Refused(why) if why.contains("too many connections for role")),
        "{cause:?}"
    );
    // The header says it in the server's words.
    bob.until_shows("PostgreSQL refused: too many connections for role")
        .await;
    toggle(&mut bob, "bob-while-refused").await;
    let kept = made(&bob, "bob-while-refused");
    wait(&mut bob, Duration::from_secs(5), "kept", |b| {
        b.unsaved.contains_key(&kept)
    })
    .await;
    assert_eq!(bob.app().ledger.mark("bob-while-refused"), &Mark::Done);

    quit(ann).await;
    wait(&mut bob, Duration::from_secs(20), "caught up", |b| {
        b.unsaved.is_empty() && b.outage.is_none() && b.ledger.mark("ann-first") == &Mark::Done
    })
    .await;
    let app = quit(bob).await;
    let probe = schema.store("probe").await;
    let log = replay(&probe, &app).await;
    probe.close().await;
    assert_eq!(log.events().len(), 2, "ann's and bob's, once each");
    for sql in [
        format!("DROP SCHEMA IF EXISTS {} CASCADE", schema.name),
        format!("DROP ROLE IF EXISTS {role}"),
    ] {
        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&admin).await;
    }
    admin.close().await;
    drop(schema);
}

/// A server with every connection taken: the refusal is said in the server's words, not as a
/// pool timeout, and clears once a connection is free.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_is_named_as_too_many_clients() {
    use sqlx::Connection;
    let cluster = Cluster::start(&["max_connections=3", "superuser_reserved_connections=0"]);
    let url = cluster.url("postgres");
    let mut taken = Vec::new();
    for _ in 0..3 {
        taken.push(
            sqlx::postgres::PgConnection::connect(&url)
                .await
                .expect("a connection"),
        );
    }
    let store = Store::postgres_url(&url).expect("URL parses");
    let err = store.ping().await.expect_err("the server is full");
    assert_eq!(
        err.outage(),
        Some(warroom::store::Outage::Refused("too many clients".into())),
        "{err}"
    );
    let reach = store.reach().borrow().clone();
    assert!(
        matches!(
            &reach,
            warroom::store::Reach::Down { cause: warroom::store::Outage::Refused(why), .. }
                if why == "too many clients"
        ),
        "every task of the store sees it down, and why: {reach:?}"
    );
    let freed = taken.pop().expect("one");
    freed.close().await.expect("close");
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.ping().await.is_err() {
        assert!(Instant::now() < deadline, "never got the freed connection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(*store.reach().borrow(), warroom::store::Reach::Up);
    store.close().await;
    for conn in taken {
        let _ = conn.close().await;
    }
}
