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
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uuid::Uuid;
use warroom::app::clock::at_zone;
use warroom::app::{App, Clock, Ledger, Mark};
use warroom::layout;
use warroom::store::journal::Journal;
use warroom::store::presence::Presence;
use warroom::store::worker::{self, Options, Reply, Request};
use warroom::store::{Author, Change, Event, Store};
use warroom::update::{Msg, update};

mod common;

use common::db::{self, Cluster};

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
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let up = Arc::new(AtomicBool::new(true));
        let frozen = Arc::new(AtomicBool::new(false));
        let generation = Arc::new(AtomicU64::new(0));
        let (up2, gen2, frozen2) = (up.clone(), generation.clone(), frozen.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let born = gen2.load(Ordering::SeqCst);
                let (gen3, frozen3) = (gen2.clone(), frozen2.clone());
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
                        // Accepted, never answered: the client waits until the cut.
                        cut.await;
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
                        _ = freeze => cut.await,
                    }
                });
            }
        });
        Self {
            port,
            up,
            frozen,
            generation,
            task,
        }
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
// A warroom without a terminal: the real App, update and worker

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
        origin: format!("ssh from 10.1.2.{} to jump", operator.len()),
    };
    App::new(
        Arc::new(layout),
        Clock::frozen(now),
        author,
        Ledger::default(),
    )
}

struct Client {
    app: App,
    tx: Option<mpsc::Sender<Request>>,
    rx: mpsc::Receiver<Reply>,
    worker: JoinHandle<()>,
    /// Every kind of reply seen, for asserting the outage path was taken.
    seen: HashSet<&'static str>,
}

impl Client {
    async fn start(store: Store, operator: &str, options: Options) -> Self {
        let app = app(operator);
        let launch = app.layout.launch.id.clone();
        let day = app.day();
        let events = store.day_events(&launch, day).await.expect("initial read");
        let mut app = app;
        app.ledger = Ledger::from_events(events);
        let (tx, requests) = mpsc::channel(1024);
        let (replies, rx) = mpsc::channel(1024);
        let worker = tokio::spawn(worker::run_with(
            store,
            launch,
            day,
            app.ledger.last_seq(),
            requests,
            replies,
            options,
        ));
        Self {
            app,
            tx: Some(tx),
            rx,
            worker,
            seen: HashSet::new(),
        }
    }

    fn event(&self, item: &str, change: Change) -> Event {
        Event::new(
            &self.app.author,
            &self.app.layout.launch.id,
            self.app.day(),
            self.app.now,
            Some(item.to_string()),
            change,
        )
    }

    /// Sends a change as the main loop does (marked pending, then to the worker).
    async fn change(&mut self, item: &str, change: Change) -> Event {
        let event = self.event(item, change);
        self.app.pending.insert(event.id, event.clone());
        self.tx
            .as_ref()
            .expect("client running")
            .send(Request::Append(event.clone()))
            .await
            .expect("worker takes requests");
        event
    }

    fn feed(&mut self, reply: Reply) {
        self.seen.insert(match &reply {
            Reply::Committed(_) => "committed",
            Reply::Failed { event, error } => panic!("write of {} failed: {error}", event.id),
            Reply::Arrived(_) => "arrived",
            Reply::ReadFailed(e) => panic!("read failed: {e}"),
            Reply::Journaled(_) => "journaled",
            Reply::Outage { .. } => "outage",
            Reply::Reconnected { .. } => "reconnected",
            Reply::Present(_) => "present",
            Reply::Notice(_) => "notice",
            Reply::Joined { .. } => "joined",
            Reply::Unreadable(rows) => panic!("unreadable rows: {rows:?}"),
        });
        update(&mut self.app, Msg::Store(reply));
    }

    /// Feeds replies until `done` holds; panics after `limit`. Returns how long it took.
    async fn until(&mut self, limit: Duration, done: impl Fn(&App) -> bool) -> Duration {
        let start = Instant::now();
        while !done(&self.app) {
            let left = limit.saturating_sub(start.elapsed());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(reply)) => self.feed(reply),
                Ok(None) => panic!("{}'s worker stopped", self.app.author.operator),
                Err(_) => panic!(
                    "{}: not there within {limit:?} ({} events, outage {:?}, {} unsaved, seen {:?})",
                    self.app.author.operator,
                    self.app.ledger.events().len(),
                    self.app.outage,
                    self.app.unsaved.len(),
                    self.seen
                ),
            }
        }
        start.elapsed()
    }

    /// Feeds whatever replies are waiting, without blocking.
    fn drain(&mut self) {
        while let Ok(reply) = self.rx.try_recv() {
            self.feed(reply);
        }
    }

    /// Quits like the UI does: the worker finishes queued writes and closes the store.
    /// Returns the app as it last was, for checks after the worker has gone.
    async fn stop(mut self) -> App {
        self.tx = None;
        let worker = self.worker;
        let mut rx = self.rx;
        let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
        tokio::time::timeout(Duration::from_secs(10), worker)
            .await
            .expect("worker ends within 10 s")
            .expect("worker did not panic");
        let _ = drain.await;
        self.app
    }
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
    let mut ann = Client::start(schema.store("ann").await, "ann", Options::default()).await;
    let mut bob = Client::start(schema.store("bob").await, "bob", Options::default()).await;
    // Let both listeners subscribe before measuring.
    tokio::time::sleep(Duration::from_millis(300)).await;
    bob.drain();

    let mut delays = Vec::new();
    for round in 0..6 {
        let item = format!("item-{}", round % 3);
        let change = if round < 3 {
            Change::Tick
        } else {
            Change::Untick
        };
        let want = if round < 3 { Mark::Done } else { Mark::Open };
        let sent = Instant::now();
        let event = ann.change(&item, change).await;
        ann.until(Duration::from_secs(5), |a| {
            !a.pending.contains_key(&event.id)
        })
        .await;
        bob.until(Duration::from_secs(5), |b| b.ledger.mark(&item) == &want)
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
    assert!(bob.seen.contains("arrived"));
    ann.stop().await;
    bob.stop().await;
    drop(schema);
}

// ---------------------------------------------------------------------------------------------
// (b) ten warrooms ticking and unticking the same items at once converge on the replay

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_warrooms_ticking_the_same_items_converge_on_the_replay() {
    let schema = Schema::create().await;
    let items: Vec<String> = (0..3).map(|i| format!("shared-{i}")).collect();
    let mut clients = Vec::new();
    for n in 0..10 {
        let name = format!("op{n}");
        clients.push(Client::start(schema.store(&name).await, &name, Options::default()).await);
    }
    const EACH: usize = 12;
    // Everyone sends a burst at once; workers commit concurrently on their own connections.
    for round in 0..EACH {
        for (n, client) in clients.iter_mut().enumerate() {
            let item = &items[(n + round) % items.len()];
            let change = if (n + round) % 2 == 0 {
                Change::Tick
            } else {
                Change::Untick
            };
            client.change(item, change).await;
        }
    }
    let total = clients.len() * EACH;
    for client in &mut clients {
        client
            .until(Duration::from_secs(15), |a| {
                a.pending.is_empty() && a.ledger.events().len() == total
            })
            .await;
    }
    let probe = schema.store("probe").await;
    let log = replay(&probe, &clients[0].app).await;
    probe.close().await;
    assert_eq!(log.events().len(), total, "every change is in the log once");
    let seqs: Vec<i64> = log.events().iter().map(|s| s.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "a definite order");
    let expected = marks(&log, &items);
    for client in &clients {
        assert_eq!(
            marks(&client.app.ledger, &items),
            expected,
            "{} shows the replay of the log",
            client.app.author.operator
        );
        let order: Vec<i64> = client.app.ledger.events().iter().map(|s| s.seq).collect();
        assert_eq!(
            order, seqs,
            "{} holds the log's order",
            client.app.author.operator
        );
    }
    for client in clients {
        client.stop().await;
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
    let mut ann = Client::start(schema.store_via("ann", &proxy).await, "ann", options).await;
    let mut bob = Client::start(schema.store("bob").await, "bob", Options::default()).await;

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
        sent.push(ann.change(&format!("tick-{n}"), Change::Tick).await.id);
        tokio::time::sleep(Duration::from_millis(25)).await;
        ann.drain();
        bob.drain();
    }
    ann.until(Duration::from_secs(15), |a| {
        a.pending.is_empty() && a.unsaved.is_empty() && a.outage.is_none()
    })
    .await;
    for seen in ["outage", "journaled", "reconnected"] {
        assert!(
            ann.seen.contains(seen),
            "the outage path was taken: no {seen}"
        );
    }
    bob.until(Duration::from_secs(10), |b| {
        b.ledger.events().len() == TICKS
    })
    .await;

    let probe = schema.store("probe").await;
    let log = replay(&probe, &ann.app).await;
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
        assert_eq!(ann.app.ledger.mark(&item), &Mark::Done);
        assert_eq!(bob.app.ledger.mark(&item), &Mark::Done);
    }
    assert!(
        ann.app.ledger.events().iter().all(|s| s.seq > 0),
        "no provisional event left"
    );
    assert!(
        std::fs::metadata(&journal_path).map_or(0, |m| m.len()) == 0,
        "the journal is emptied after replay"
    );
    probe.close().await;
    ann.stop().await;
    bob.stop().await;
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
    let mut ann = Client::start(schema.store_via("ann", &proxy).await, "ann", options).await;
    let first = ann.change("before", Change::Tick).await;
    ann.until(Duration::from_secs(5), |a| {
        !a.pending.contains_key(&first.id)
    })
    .await;

    proxy.freeze();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let silent = ann.change("during", Change::Tick).await;
    let kept = ann
        .until(Duration::from_secs(10), |a| {
            a.unsaved.contains_key(&silent.id)
        })
        .await;
    eprintln!("a silent database became an outage after {kept:?}");
    assert!(ann.app.outage.is_some());
    assert_eq!(
        ann.app.ledger.mark("during"),
        &Mark::Done,
        "shown provisionally"
    );

    proxy.thaw();
    ann.until(Duration::from_secs(15), |a| {
        a.unsaved.is_empty() && a.outage.is_none()
    })
    .await;
    let probe = schema.store("probe").await;
    let log = replay(&probe, &ann.app).await;
    assert_eq!(log.events().len(), 2, "both ticks, once each");
    probe.close().await;
    ann.stop().await;
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
    let mut ann = Client::start(store, "ann", options).await;
    proxy.cut();
    // The proxy's connections notice the cut within 10 ms.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let kept = ann.change("kept", Change::Tick).await;
    ann.until(Duration::from_secs(10), |a| {
        a.unsaved.contains_key(&kept.id)
    })
    .await;
    ann.stop().await;
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
    let mut again = Client::start(store, "ann", options).await;
    again
        .until(Duration::from_secs(10), |a| {
            a.unsaved.is_empty() && a.ledger.mark("kept") == &Mark::Done
        })
        .await;
    let app = again.stop().await;
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
    let mut ann = Client::start(store, "ann", options).await;
    ann.until(Duration::from_secs(10), |a| {
        a.unsaved.is_empty() && a.ledger.mark("b") == &Mark::Done
    })
    .await;
    assert!(ann.seen.contains("journaled"), "shown before it is saved");
    let probe = schema.store("probe").await;
    let log = replay(&probe, &ann.app).await;
    assert_eq!(log.events().len(), 2, "a and b, each once");
    probe.close().await;
    ann.stop().await;
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
    let mut ann = Client::start(open(path.clone()).await, "ann", Options::default()).await;
    let mut bob = Client::start(open(path.clone()).await, "bob", Options::default()).await;
    let mut delays = Vec::new();
    for (who, item) in [(0, "x"), (1, "y"), (0, "z")] {
        let (writer, reader) = if who == 0 {
            (&mut ann, &mut bob)
        } else {
            (&mut bob, &mut ann)
        };
        let sent = Instant::now();
        writer.change(item, Change::Tick).await;
        reader
            .until(Duration::from_secs(3), |a| {
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
    ann.stop().await;
    bob.stop().await;
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
    let mut ann = Client::start(first, "ann", presence_options("ann", "Launch day")).await;
    let bob = Client::start(second, "bob", presence_options("bob", "Audit log")).await;

    ann.until(Duration::from_secs(3), |a| {
        a.peers
            .iter()
            .any(|p| p.operator == "bob" && p.view == "Audit log")
    })
    .await;
    assert_eq!(ann.app.peers.len(), 1, "ann sees bob, not herself");
    assert_eq!(ann.app.peers[0].origin, "ssh from 10.1.2.3 to jump");

    // bob's warroom dies without a goodbye: he drops out once the expiry passes.
    bob.worker.abort();
    let gone = ann
        .until(Duration::from_secs(4), |a| a.peers.is_empty())
        .await;
    eprintln!("presence expired {gone:?} after the peer died (expiry 1.5 s)");
    ann.stop().await;
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

#[test]
fn the_header_shows_the_outage_and_who_is_here() {
    let mut ann = app("ann");
    let event = |item: &str| {
        Event::new(
            &ann.author,
            &ann.layout.launch.id,
            ann.day(),
            ann.now,
            Some(item.to_string()),
            Change::Tick,
        )
    };
    let (a, b) = (event("first-order-created"), event("x"));
    let since = chrono::Utc::now() - chrono::Duration::seconds(42);
    update(
        &mut ann,
        Msg::Store(Reply::Outage {
            since,
            cause: warroom::store::Outage::Unreachable,
        }),
    );
    update(&mut ann, Msg::Store(Reply::Journaled(a.clone())));
    update(&mut ann, Msg::Store(Reply::Journaled(b)));
    assert_eq!(
        ann.ledger.mark("first-order-created"),
        &Mark::Done,
        "shown provisionally"
    );
    update(
        &mut ann,
        Msg::Store(Reply::Present(vec![warroom::store::presence::Peer {
            session: Uuid::now_v7(),
            operator: "bob".into(),
            origin: "ssh from 10.1.2.3 to jump".into(),
            view: "Audit log".into(),
            seen_ms: 0,
        }])),
    );
    let lines = header(&ann, 200);
    assert!(
        lines[0].contains("DB unreachable 00:42 · 2 changes not yet saved"),
        "{lines:#?}"
    );
    assert!(
        lines[1].contains("here: ann, bob (ssh 10.1.2.3)"),
        "{lines:#?}"
    );
    let narrow = header(&ann, 80);
    assert!(narrow[0].contains("DB unreachable"), "{narrow:#?}");
    // The same outage for another reason says that reason.
    update(
        &mut ann,
        Msg::Store(Reply::Outage {
            since,
            cause: warroom::store::Outage::DiskFull,
        }),
    );
    let full = header(&ann, 200);
    assert!(
        full[0].contains("disk full 00:42 · 2 changes not yet saved"),
        "{full:#?}"
    );
    assert!(
        ann.flash
            .as_ref()
            .is_some_and(|f| f.error && f.text.starts_with("disk full: changes are kept")),
        "{:?}",
        ann.flash
    );
    assert!(narrow[1].ends_with("2 here"), "{narrow:#?}");

    // The journal replayed: confirmed once, not applied twice, and the header is back.
    update(
        &mut ann,
        Msg::Store(Reply::Committed(warroom::store::Stored {
            seq: 7,
            event: a,
        })),
    );
    update(&mut ann, Msg::Store(Reply::Reconnected { saved: 2 }));
    assert_eq!(ann.unsaved.len(), 1);
    assert_eq!(ann.ledger.events().len(), 2);
    assert!(!header(&ann, 200)[0].contains("DB unreachable"));
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

impl Client {
    /// Starts without reading the day first, as warroom does when the database does not
    /// answer at start: the store joins (and sends the day) when it does.
    fn start_unread(store: Store, operator: &str, mut options: Options) -> Self {
        let app = app(operator);
        let launch = app.layout.launch.id.clone();
        let day = app.day();
        options.load_day = true;
        let (tx, requests) = mpsc::channel(1024);
        let (replies, rx) = mpsc::channel(1024);
        let worker = tokio::spawn(worker::run_with(
            store, launch, day, 0, requests, replies, options,
        ));
        Self {
            app,
            tx: Some(tx),
            rx,
            worker,
            seen: HashSet::new(),
        }
    }
}

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
    let mut ann = Client::start_unread(store, "ann", options);
    ann.until(Duration::from_secs(10), |a| a.outage.is_some())
        .await;
    let mut sent = Vec::new();
    for n in 0..10 {
        let event = ann.change(&format!("kept-{n}"), Change::Tick).await;
        sent.push(event.id);
    }
    ann.until(Duration::from_secs(10), |a| a.unsaved.len() == 10)
        .await;
    assert_eq!(
        ann.app.ledger.mark("kept-3"),
        &Mark::Done,
        "shown, provisionally"
    );

    cluster.start_again();
    ann.until(Duration::from_secs(20), |a| {
        a.unsaved.is_empty() && a.outage.is_none() && a.ledger.mark("earlier") == &Mark::Done
    })
    .await;
    assert!(ann.seen.contains("joined"), "the day was loaded on joining");
    let app = ann.stop().await;
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
    let mut ann = Client::start(first, "ann", Options::default()).await;
    let tick = ann.change("ann-first", Change::Tick).await;
    ann.until(Duration::from_secs(5), |a| {
        !a.pending.contains_key(&tick.id)
    })
    .await;

    let second = Store::postgres(options("bob"), "postgres://role@db/test");
    let refused = second.ping().await.expect_err("only one connection");
    assert!(
        refused
            .to_string()
            .contains("too many connections for role"),
        "the server's words: {refused}"
    );
    let bob_options = journal_in(dir.path(), &second);
    let mut bob = Client::start_unread(second, "bob", bob_options);
    bob.until(Duration::from_secs(10), |b| b.outage_cause.is_some())
        .await;
    let cause = bob.app.outage_cause.clone().expect("a cause");
    assert!(
        matches!(&cause, warroom::store::Outage::Refused(why) if why.contains("too many connections for role")),
        "{cause:?}"
    );
    let lines = header(&bob.app, 200);
    assert!(
        lines[0].contains("PostgreSQL refused: too many connections for role"),
        "{lines:#?}"
    );
    let kept = bob.change("bob-while-refused", Change::Tick).await;
    bob.until(Duration::from_secs(5), |b| b.unsaved.contains_key(&kept.id))
        .await;
    assert_eq!(bob.app.ledger.mark("bob-while-refused"), &Mark::Done);

    ann.stop().await;
    bob.until(Duration::from_secs(20), |b| {
        b.unsaved.is_empty() && b.outage.is_none() && b.ledger.mark("ann-first") == &Mark::Done
    })
    .await;
    let app = bob.stop().await;
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
