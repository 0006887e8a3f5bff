//! The store's tasks, behind one request channel so that the UI never awaits the database:
//!
//! - the keeper writes each change to the fsynced journal and tells the UI at once that it is
//!   safe on this machine — before any database work, so that a change never waits behind a
//!   connection attempt, a timeout or a replay;
//! - the writer commits the journaled changes one at a time, in journal order, and says when
//!   each is saved; while the database cannot be written (unreachable, refusing connections,
//!   disk full, read-only, locked) they stay in the journal, shown as "not yet saved", and are
//!   replayed once each when writing works again (see [`super::writer`]);
//! - the follower picks up what other warrooms committed: on PostgreSQL when the insert
//!   trigger's NOTIFY arrives (with a slow poll as a safety net), on SQLite by polling;
//! - presence announces this warroom and reports who else is here;
//! - each report is written by a task of its own, never inside the commit loop.
//!
//! On PostgreSQL they all take turns on the store's one connection.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::calls::{FIRST_RETRY, MAX_RETRY, OP_TIMEOUT, blocking, timed};
use super::journal::Journal;
use super::presence::{self, Presence};
use super::reply::Gone;
pub use super::reply::{PilotRead, Reply};
use super::sqlite::Quiet;
use super::writer::{Commit, Kept, Told, Work, Writer, refusal};
use super::{Event, Outage, Reach, Read, Sample, Store, StoreError, Stored};
use crate::backoff::Backoff;

/// See [`Request::Run`].
pub type Job = Box<dyn FnOnce(Store) -> futures::future::BoxFuture<'static, Reply> + Send + Sync>;

pub enum Request {
    Append(Event),
    /// Downsampled live values. Kept in memory while the database cannot be written, and
    /// written once it can (live history is a convenience; the event log must not be lost).
    Samples(Vec<Sample>),
    /// Reading work (the day's report) to run on a task of its own with the store; what it
    /// returns goes to the UI.
    Run(Job),
    /// The operator switched views; announced with the next presence refresh.
    View(String),
    /// The launch's day turned (midnight on its clock): follow and store that day from now
    /// on. Samples sent before it are the day before's.
    Day(NaiveDate),
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Append(event) => f.debug_tuple("Append").field(event).finish(),
            Self::Samples(samples) => write!(f, "Samples({} values)", samples.len()),
            Self::Run(_) => f.write_str("Run(..)"),
            Self::View(view) => f.debug_tuple("View").field(view).finish(),
            Self::Day(day) => f.debug_tuple("Day").field(day).finish(),
        }
    }
}

/// Reads the pilot's days `first..=last` for the UI: their events (those of `today` left
/// out) and their samples. A read that fails is said, and retried by the next request.
pub fn pilot_job(launch: String, first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Job {
    Box::new(move |store| {
        Box::pin(async move {
            let read = async {
                let events = store.read_days(&launch, first, last).await?;
                let samples = store.samples_of_days(&launch, first, last).await?;
                Ok::<_, StoreError>((events, samples))
            };
            match tokio::time::timeout(OP_TIMEOUT, read).await {
                Ok(Ok((events, samples))) => Reply::Pilot(PilotRead {
                    earlier: events
                        .events
                        .into_iter()
                        .filter(|s| s.event.day != today)
                        .collect(),
                    samples,
                }),
                Ok(Err(e)) => Reply::ReadFailed(format!("the pilot's days {first} to {last}: {e}")),
                Err(_) => Reply::ReadFailed(format!(
                    "the pilot's days {first} to {last}: no answer within {} s",
                    OP_TIMEOUT.as_secs()
                )),
            }
        })
    })
}

/// How often to look for events written by other processes on SQLite: a look at the file,
/// and a read only when it changed (or [`SAFETY_POLL`] after the last).
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);
/// On PostgreSQL notifications do the work; this poll only covers a notification lost while
/// the listener reconnected, and a server that cannot be listened to. On SQLite, a read at
/// least this often whatever the file looks like: its times are too coarse to be the only
/// word.
pub(super) const SAFETY_POLL: Duration = Duration::from_secs(5);

/// What the store's tasks do beyond committing writes.
#[derive(Debug)]
pub struct Options {
    /// Keep changes here first, and while the database cannot be written (none: such writes
    /// fail).
    pub journal: Option<Journal>,
    /// Announce this warroom and report who else is here.
    pub presence: Option<Presence>,
    pub presence_refresh: Duration,
    pub presence_expiry: Duration,
    /// The day was not read at start (the database was unreachable): the first read sends it
    /// all as `Joined`.
    pub load_day: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            journal: None,
            presence: None,
            presence_refresh: presence::REFRESH,
            presence_expiry: presence::EXPIRY,
            load_day: false,
        }
    }
}

/// Runs until `requests` closes (the UI quit), then finishes every write already queued.
pub async fn run(
    store: Store,
    launch: String,
    day: NaiveDate,
    last_seq: i64,
    requests: mpsc::Receiver<Request>,
    replies: mpsc::Sender<Reply>,
) {
    run_with(
        store,
        launch,
        day,
        last_seq,
        requests,
        replies,
        Options::default(),
    )
    .await;
}

/// Like [`run`], with a journal for outages and presence.
pub async fn run_with(
    store: Store,
    launch: String,
    day: NaiveDate,
    last_seq: i64,
    mut requests: mpsc::Receiver<Request>,
    replies: mpsc::Sender<Reply>,
    options: Options,
) {
    let own = Arc::new(Mutex::new(HashSet::new()));
    let journal = options.journal.map(Arc::new);
    let (outage_tx, outage_rx) = watch::channel(None);
    let mut writer = Writer::new(
        store.clone(),
        launch.clone(),
        day,
        replies.clone(),
        journal.clone(),
        Arc::clone(&own),
        outage_tx,
    );
    // Said before the first change is taken: an outage already known, a journal left behind.
    let started = writer.start().await;
    let (work_tx, work_rx) = mpsc::unbounded_channel();
    let keeper = Keeper {
        journal,
        replies: replies.clone(),
        outage: outage_rx,
        writer: work_tx,
    };
    let mut writer = Owned(tokio::spawn(async move {
        match started {
            Ok(()) => writer.run(work_rx).await,
            Err(Gone) => false,
        }
    }));
    let (day_tx, day_rx) = watch::channel(day);
    let follower = Follower {
        store: store.clone(),
        launch: launch.clone(),
        day: day_rx,
        last_seq,
        replies: replies.clone(),
        own,
        read_failing: false,
        load_day: options.load_day,
        quiet: Quiet::default(),
    };
    // Owned: if this task is dropped or aborted, they stop with it, as in a process that died.
    let mut tasks: Vec<Owned<()>> = Vec::new();
    let (wake_tx, wake_rx) = mpsc::channel(1);
    if store.is_postgres() {
        tasks.push(Owned(tokio::spawn(listen(store.clone(), wake_tx))));
    }
    tasks.push(Owned(tokio::spawn(follower.run(wake_rx))));
    let (view_tx, view_rx) = watch::channel(String::new());
    let me = options.presence.clone();
    if let Some(me) = options.presence {
        tasks.push(Owned(tokio::spawn(announce(
            store.clone(),
            me,
            view_rx,
            options.presence_refresh,
            options.presence_expiry,
            replies.clone(),
        ))));
    }
    while let Some(request) = requests.recv().await {
        match request {
            Request::Append(event) => {
                if keeper.append(event).await.is_err() {
                    break;
                }
            }
            Request::Samples(samples) => {
                if keeper.writer.send(Work::Samples(samples)).is_err() {
                    break;
                }
            }
            Request::Run(job) => {
                let (store, replies) = (store.clone(), replies.clone());
                tokio::spawn(async move {
                    let reply = job(store).await;
                    let _ = replies.send(reply).await;
                });
            }
            Request::View(view) => {
                let _ = view_tx.send(view);
            }
            Request::Day(day) => {
                if keeper.writer.send(Work::Day(day)).is_err() {
                    break;
                }
                let _ = day_tx.send(day);
            }
        }
    }
    // The UI has quit: the writer finishes what is queued (and tries the journal once more).
    drop(keeper);
    let clean = (&mut writer.0).await.unwrap_or(false);
    for mut task in tasks {
        task.0.abort();
        let _ = (&mut task.0).await;
    }
    if let Some(me) = me
        && clean
        && let Err(e) = timed(&store, store.leave(me.session)).await
    {
        tracing::debug!(error = %e, "could not remove the presence row; it expires");
    }
    store.close().await;
}

/// A task that ends with its owner.
struct Owned<T>(JoinHandle<T>);

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The keeper: puts each change in the fsynced journal and tells the UI at once — before any
/// database work, which the writer does behind it, in the same order.
struct Keeper {
    journal: Option<Arc<Journal>>,
    replies: mpsc::Sender<Reply>,
    /// The writer's outage, if any: then a kept change is "not yet saved" from the start.
    outage: watch::Receiver<Option<Outage>>,
    writer: mpsc::UnboundedSender<Work>,
}

impl Keeper {
    async fn append(&self, event: Event) -> Result<(), Gone> {
        let written = match self.journal.clone() {
            Some(journal) => {
                let copy = event.clone();
                Some(blocking(move || journal.write(&copy)).await)
            }
            None => None,
        };
        let outage = self.outage.borrow().clone();
        let kept = match written {
            Some(Ok(position)) => {
                // From here on the change survives a crash, a kill -9, an outage.
                let (told, reply) = match outage {
                    Some(_) => (Told::Journaled, Reply::Journaled(event.clone())),
                    None => (Told::Kept, Reply::Kept(event.clone())),
                };
                self.replies.send(reply).await.map_err(|_| Gone)?;
                Kept::At { position, told }
            }
            Some(Err(e)) => {
                tracing::error!(event = %event.id, error = %e, "journal write failed");
                if let Some(cause) = outage {
                    let error = refusal(&cause, Some(&e));
                    let reply = Reply::Failed { event, error };
                    return self.replies.send(reply).await.map_err(|_| Gone);
                }
                Kept::Not(e)
            }
            None => Kept::NoJournal,
        };
        self.writer
            .send(Work::Commit(Box::new(Commit { event, kept })))
            .map_err(|_| Gone)
    }
}

struct Follower {
    store: Store,
    launch: String,
    /// The day followed: the launch's day, which turns at midnight.
    day: watch::Receiver<NaiveDate>,
    last_seq: i64,
    replies: mpsc::Sender<Reply>,
    own: Arc<Mutex<HashSet<Uuid>>>,
    read_failing: bool,
    load_day: bool,
    /// On SQLite: how the file looked before the last day's read that succeeded.
    quiet: Quiet<NaiveDate>,
}

impl Follower {
    async fn run(mut self, mut wake: mpsc::Receiver<()>) {
        let mut poll = tokio::time::interval(if self.store.is_postgres() {
            SAFETY_POLL
        } else {
            FOLLOW_INTERVAL
        });
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                Some(()) = wake.recv() => {}
                _ = poll.tick() => {}
            }
            // One look at the file instead of a query: two reads a second of nothing new
            // were most of an idle warroom's store work.
            let stamp = self.store.stamp();
            let day = *self.day.borrow();
            if self.quiet.holds(stamp, &day, SAFETY_POLL) {
                continue;
            }
            match self.follow().await {
                Ok(read) => self.quiet.read(stamp, day, read),
                Err(Gone) => return,
            }
        }
    }

    async fn send(&self, reply: Reply) -> Result<(), Gone> {
        self.replies.send(reply).await.map_err(|_| Gone)
    }

    /// Fetches what others committed since we last looked; `true` when the read succeeded.
    async fn follow(&mut self) -> Result<bool, Gone> {
        let day = *self.day.borrow();
        let read = self.store.read(&self.launch, day, self.last_seq);
        match timed(&self.store, read).await {
            Ok(read) => {
                self.read_failing = false;
                self.arrived(read).await.map(|()| true)
            }
            // The writer shows the outage; the next poll tries again.
            Err(e) if e.outage().is_some() => Ok(false),
            Err(e) if !self.read_failing => {
                self.read_failing = true;
                tracing::warn!(error = %e, "reading new events failed");
                self.send(Reply::ReadFailed(e.to_string()))
                    .await
                    .map(|()| false)
            }
            Err(_) => Ok(false),
        }
    }

    async fn arrived(&mut self, read: Read) -> Result<(), Gone> {
        let Read {
            events,
            unreadable,
            last_seq,
        } = read;
        self.last_seq = last_seq;
        if !unreadable.is_empty() {
            self.send(Reply::Unreadable(unreadable)).await?;
        }
        if std::mem::take(&mut self.load_day) {
            let day = *self.day.borrow();
            let samples = timed(&self.store, self.store.day_samples(&self.launch, day))
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "live history not loaded");
                    Vec::new()
                });
            return self.send(Reply::Joined { events, samples }).await;
        }
        let others: Vec<Stored> = match self.own.lock() {
            Ok(mut own) => events
                .into_iter()
                .filter(|s| !own.remove(&s.event.id))
                .collect(),
            Err(_) => events,
        };
        if others.is_empty() {
            Ok(())
        } else {
            self.send(Reply::Arrived(others)).await
        }
    }
}

/// PostgreSQL: wakes the follower on every NOTIFY on the events channel, and after each
/// (re)connection, since notifications sent while not listening are lost. Backs off while the
/// server cannot be reached (the store says so: "DB unreachable").
async fn listen(store: Store, wake: mpsc::Sender<()>) {
    let mut backoff = Backoff::new(FIRST_RETRY, MAX_RETRY);
    loop {
        match store.wait_news().await {
            Ok(()) => {
                backoff.reset();
                // Full channel: a wake is already pending, which fetches this too.
                let _ = wake.try_send(());
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot listen");
                tokio::time::sleep(backoff.fail()).await;
            }
        }
    }
}

/// Presence: refreshes this warroom's row and reports the others, while the database answers.
async fn announce(
    store: Store,
    mut me: Presence,
    mut view: watch::Receiver<String>,
    refresh: Duration,
    expiry: Duration,
    replies: mpsc::Sender<Reply>,
) {
    let mut tick = tokio::time::interval(refresh);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let reach = store.reach();
    let mut swept: Option<tokio::time::Instant> = None;
    loop {
        tick.tick().await;
        if view.has_changed().unwrap_or(false) {
            let now = view.borrow_and_update().clone();
            if !now.is_empty() {
                me.view = now;
            }
        }
        if *reach.borrow() != Reach::Up {
            continue;
        }
        let sweep = swept.is_none_or(|at| at.elapsed() >= presence::SWEEP);
        let peers = match timed(&store, store.announce(&me, sweep)).await {
            Ok(()) => {
                if sweep {
                    swept = Some(tokio::time::Instant::now());
                }
                timed(&store, store.present(&me.launch, expiry)).await
            }
            Err(e) => Err(e),
        };
        match peers {
            Ok(peers) => {
                let others = peers.into_iter().filter(|p| p.session != me.session);
                if replies
                    .send(Reply::Present(others.collect()))
                    .await
                    .is_err()
                {
                    return;
                }
            }
            Err(e) => tracing::debug!(error = %e, "presence refresh failed"),
        }
    }
}
