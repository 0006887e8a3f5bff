//! The store's tasks, behind one request channel so that the UI never awaits the database:
//!
//! - the writer commits changes one at a time, in order, and journals them: each change goes
//!   to the fsynced journal first, then to the database; while the database cannot be written
//!   (unreachable, refusing connections, disk full, read-only, locked) changes stay in the
//!   journal, shown as "not yet saved", and are replayed once each when writing works again;
//! - the follower picks up what other warrooms committed: on PostgreSQL when the insert
//!   trigger's NOTIFY arrives (with a slow poll as a safety net), on SQLite by polling;
//! - presence announces this warroom and reports who else is here;
//! - each report is written by a task of its own, never inside the commit loop.
//!
//! On PostgreSQL they all take turns on the store's one connection.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use uuid::Uuid;

use super::journal::{Journal, JournalError};
use super::presence::{self, Peer, Presence};
use super::{Event, Outage, Reach, Read, Sample, Store, StoreError, Stored, Unreadable};
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
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Append(event) => f.debug_tuple("Append").field(event).finish(),
            Self::Samples(samples) => write!(f, "Samples({} values)", samples.len()),
            Self::Run(_) => f.write_str("Run(..)"),
            Self::View(view) => f.debug_tuple("View").field(view).finish(),
        }
    }
}

#[derive(Debug)]
pub enum Reply {
    /// Something done on request, to tell the operator (the report's file names).
    Notice(String),
    /// The event is durable in the database: its COMMIT returned success.
    Committed(Stored),
    /// The change is in neither the database nor the journal: refused, not done.
    Failed { event: Event, error: String },
    /// Events committed by someone else (another warroom on the same database).
    Arrived(Vec<Stored>),
    /// The database answered for the first time (it was unreachable at start): the day so far.
    Joined {
        events: Vec<Stored>,
        samples: Vec<Sample>,
    },
    /// Rows of the log that cannot be read back; skipped.
    Unreadable(Vec<Unreadable>),
    /// Reading others' events failed (shown once, retried on the next poll).
    ReadFailed(String),
    /// The change is in the local journal (fsynced), not yet in the log: the database cannot
    /// be written. It comes back as `Committed` once the journal is replayed.
    Journaled(Event),
    /// The database cannot be written since `since`, for `cause`; changes go to the journal
    /// until it can. Sent again when the cause changes.
    Outage { since: DateTime<Utc>, cause: Outage },
    /// The database is written again and the journal replayed: `saved` changes, each already
    /// reported as `Committed`.
    Reconnected { saved: usize },
    /// Who else is in the war room (other warrooms), refreshed every few seconds.
    Present(Vec<Peer>),
}

/// How often to look for events written by other processes on SQLite.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);
/// On PostgreSQL notifications do the work; this poll only covers a notification lost while
/// the listener reconnected, and a server that cannot be listened to.
const SAFETY_POLL: Duration = Duration::from_secs(5);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const MAX_RETRY: Duration = Duration::from_secs(4);
/// A safety net around every use of the database: the store's own timeouts come first.
const OP_TIMEOUT: Duration = Duration::from_secs(15);
/// Samples held while the database cannot be written: about a day of a large layout.
const MAX_HELD_SAMPLES: usize = 50_000;

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
    let (write_tx, write_rx) = mpsc::channel(1024);
    let writer = Writer {
        store: store.clone(),
        launch: launch.clone(),
        day,
        replies: replies.clone(),
        journal: options.journal.map(Arc::new),
        own: Arc::clone(&own),
        outage: None,
        unsaved: false,
        retry_at: Instant::now(),
        backoff: Backoff::new(FIRST_RETRY, MAX_RETRY),
        held: HashMap::new(),
        confirmed: HashSet::new(),
    };
    let mut writer = Owned(tokio::spawn(writer.run(write_rx)));
    let follower = Follower {
        store: store.clone(),
        launch: launch.clone(),
        day,
        last_seq,
        replies: replies.clone(),
        own,
        read_failing: false,
        load_day: options.load_day,
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
            Request::Append(_) | Request::Samples(_) => {
                if write_tx.send(request).await.is_err() {
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
        }
    }
    // The UI has quit: the writer finishes what is queued (and tries the journal once more).
    drop(write_tx);
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

/// The UI has gone; nothing more to report to.
struct Gone;

struct Writer {
    store: Store,
    launch: String,
    day: NaiveDate,
    replies: mpsc::Sender<Reply>,
    journal: Option<Arc<Journal>>,
    /// Our own commits are reported as `Committed`; the follower skips them.
    own: Arc<Mutex<HashSet<Uuid>>>,
    /// Since when, and why, the database cannot be written.
    outage: Option<(DateTime<Utc>, Outage)>,
    /// The journal holds changes not known to be committed (an outage, or left by a crash).
    unsaved: bool,
    retry_at: Instant,
    backoff: Backoff,
    /// Samples waiting for the database to be written again, by (source, series, minute).
    held: HashMap<(String, String, DateTime<Utc>), Sample>,
    /// Journaled changes already reported committed by a replay that stopped part-way.
    confirmed: HashSet<Uuid>,
}

impl Writer {
    /// Returns whether everything was saved (no journal left behind).
    async fn run(mut self, mut requests: mpsc::Receiver<Request>) -> bool {
        let mut reach = self.store.reach();
        // SQLite's never changes (its sender is gone at once).
        let mut reach_open = self.store.is_postgres();
        if self.recover().await.is_ok() {
            loop {
                let waiting = self.unsaved || self.outage.is_some();
                let step = tokio::select! {
                    request = requests.recv() => match request {
                        Some(Request::Append(event)) => self.append(event).await,
                        Some(Request::Samples(samples)) => self.samples(samples).await,
                        Some(_) => Ok(()),
                        None => break,
                    },
                    _ = tokio::time::sleep_until(self.retry_at), if waiting => self.retry().await,
                    changed = reach.changed(), if reach_open => match changed {
                        Ok(()) => {
                            let now = reach.borrow_and_update().clone();
                            self.reach(now).await
                        }
                        Err(_) => {
                            reach_open = false;
                            Ok(())
                        }
                    },
                };
                if step.is_err() {
                    break;
                }
            }
        }
        // Changes still waiting (the UI quit during an outage, or right after start-up): one
        // last try, so the journal is left behind only if the database really cannot be
        // written.
        if self.unsaved && self.replay().await.1.is_ok() {
            self.unsaved = false;
            self.outage = None;
        }
        if !self.held.is_empty() && self.outage.is_none() {
            let held: Vec<Sample> = std::mem::take(&mut self.held).into_values().collect();
            if let Err(e) = self.save(&held).await {
                tracing::warn!(error = %e, count = held.len(), "live samples not saved at quit");
            }
        }
        !self.unsaved
    }

    async fn send(&self, reply: Reply) -> Result<(), Gone> {
        self.replies.send(reply).await.map_err(|_| Gone)
    }

    fn is_today(&self, event: &Event) -> bool {
        event.launch == self.launch && event.day == self.day
    }

    /// A journal left by a crash or an earlier outage: show its changes provisionally and
    /// replay them before anything else is written.
    async fn recover(&mut self) -> Result<(), Gone> {
        let Some(journal) = self.journal.clone() else {
            return Ok(());
        };
        match blocking(move || journal.read()).await {
            Ok(events) if events.is_empty() => Ok(()),
            Ok(events) => {
                tracing::info!(count = events.len(), "replaying the outage journal");
                self.unsaved = true;
                for event in events.into_iter().filter(|e| self.is_today(e)) {
                    self.send(Reply::Journaled(event)).await?;
                }
                Ok(())
            }
            Err(e) => self.set_aside(e).await,
        }
    }

    /// A journal that cannot be read is not replayed (nor deleted): it is kept aside, said
    /// so, and new changes start a fresh one.
    async fn set_aside(&mut self, error: JournalError) -> Result<(), Gone> {
        tracing::error!(%error, "cannot read the outage journal");
        let Some(journal) = self.journal.clone() else {
            return Ok(());
        };
        let text = match blocking(move || journal.set_aside()).await {
            Ok(aside) => format!("{error}; it is kept as {}", aside.display()),
            Err(e) => format!("{error}; and it cannot be moved aside: {e}"),
        };
        self.send(Reply::ReadFailed(text)).await
    }

    async fn append(&mut self, event: Event) -> Result<(), Gone> {
        // First the journal: from here on the change survives a crash, a kill -9, an outage.
        let journaled = match self.journal.clone() {
            Some(journal) => {
                let copy = event.clone();
                Some(blocking(move || journal.write(&copy)).await)
            }
            None => None,
        };
        if let Some(Err(e)) = &journaled {
            tracing::error!(event = %event.id, error = %e, "journal write failed");
        }
        // While changes wait in the journal, new ones queue behind them to keep their order.
        if self.unsaved || self.outage.is_some() {
            let cause = self
                .outage
                .as_ref()
                .map_or(Outage::Unreachable, |(_, c)| c.clone());
            return self.kept_or_refused(event, journaled, cause).await;
        }
        if let Ok(mut own) = self.own.lock() {
            own.insert(event.id);
        }
        match timed(&self.store, self.store.append(&event)).await {
            Ok(seq) => {
                if matches!(journaled, Some(Ok(()))) {
                    self.forget_journal().await;
                }
                self.send(Reply::Committed(Stored { seq, event })).await
            }
            Err(e) => match e.outage() {
                Some(cause) => {
                    tracing::warn!(event = %event.id, error = %e, "cannot write the database; outage");
                    self.start_outage(cause.clone()).await?;
                    self.kept_or_refused(event, journaled, cause).await
                }
                None => {
                    tracing::error!(event = %event.id, item = ?event.item, error = %e, "write refused");
                    // It was alone in the journal (nothing else waited): it goes again.
                    if matches!(journaled, Some(Ok(()))) {
                        self.forget_journal().await;
                    }
                    let error = e.to_string();
                    self.send(Reply::Failed { event, error }).await
                }
            },
        }
    }

    /// The database cannot take `event`: it is kept if the journal took it, else refused.
    async fn kept_or_refused(
        &mut self,
        event: Event,
        journaled: Option<Result<(), JournalError>>,
        cause: Outage,
    ) -> Result<(), Gone> {
        match journaled {
            Some(Ok(())) => {
                self.unsaved = true;
                self.send(Reply::Journaled(event)).await
            }
            Some(Err(e)) => {
                let error = if e.is_full() && cause == Outage::DiskFull {
                    cause.to_string()
                } else if e.is_full() {
                    format!("{cause}; and the disk of the journal is full")
                } else {
                    format!("{cause}; and {e}")
                };
                self.send(Reply::Failed { event, error }).await
            }
            None => {
                let error = cause.to_string();
                self.send(Reply::Failed { event, error }).await
            }
        }
    }

    /// Everything journaled is committed: the journal goes.
    async fn forget_journal(&mut self) {
        if let Some(journal) = self.journal.clone()
            && let Err(e) = blocking(move || journal.clear()).await
        {
            // Committed all the same; a journal we cannot empty only replays as no-ops.
            tracing::error!(error = %e, "cannot empty the journal");
            self.unsaved = true;
        }
    }

    async fn samples(&mut self, samples: Vec<Sample>) -> Result<(), Gone> {
        if self.outage.is_some() {
            self.hold(samples);
            return Ok(());
        }
        match self.save(&samples).await {
            Ok(()) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, count = samples.len(), "saving live samples failed");
                if let Some(cause) = e.outage() {
                    self.hold(samples);
                    self.start_outage(cause).await?;
                }
                Ok(())
            }
        }
    }

    async fn save(&self, samples: &[Sample]) -> Result<(), StoreError> {
        timed(
            &self.store,
            self.store.save_samples(&self.launch, self.day, samples),
        )
        .await
    }

    /// Keeps samples for later, merged as the database would merge them.
    fn hold(&mut self, samples: Vec<Sample>) {
        for sample in samples {
            let key = (sample.source.clone(), sample.series.clone(), sample.minute);
            let room = self.held.len() < MAX_HELD_SAMPLES;
            match self.held.get_mut(&key) {
                Some(kept) if sample.is_counter() => kept.value += sample.value,
                Some(kept) => kept.value = sample.value,
                None if room => {
                    self.held.insert(key, sample);
                }
                None => {}
            }
        }
    }

    async fn start_outage(&mut self, cause: Outage) -> Result<(), Gone> {
        let since = match &self.outage {
            Some((_, was)) if *was == cause => return Ok(()),
            Some((since, _)) => *since,
            None => {
                self.backoff.reset();
                self.retry_at = Instant::now() + self.backoff.fail();
                Utc::now()
            }
        };
        self.outage = Some((since, cause.clone()));
        self.send(Reply::Outage { since, cause }).await
    }

    /// The store found the database down, or back.
    async fn reach(&mut self, reach: Reach) -> Result<(), Gone> {
        match reach {
            Reach::Down { cause, .. } => self.start_outage(cause).await,
            Reach::Up => {
                // Back: try at once rather than at the end of the backoff.
                self.retry_at = Instant::now();
                Ok(())
            }
        }
    }

    /// Replays the journal and writes held samples; on failure tries again later, backing off.
    async fn retry(&mut self) -> Result<(), Gone> {
        let (saved, outcome) = self.replay().await;
        // What did commit is shown saved at once, even if the replay stopped part-way (the
        // disk had room for some): only the rest stays "not yet saved".
        let mut count = 0;
        for stored in saved {
            count += 1;
            if self.is_today(&stored.event) && self.confirmed.insert(stored.event.id) {
                self.send(Reply::Committed(stored)).await?;
            }
        }
        let outcome = match outcome {
            Ok(()) => self.flush_held().await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => {
                self.unsaved = false;
                self.confirmed.clear();
                self.backoff.reset();
                let was_out = self.outage.take().is_some();
                if was_out || count > 0 {
                    tracing::info!(saved = count, "database written again; journal replayed");
                    self.send(Reply::Reconnected { saved: count }).await?;
                }
                Ok(())
            }
            Err(e) => {
                tracing::debug!(error = %e, "still cannot write");
                match e.outage() {
                    Some(cause) => self.start_outage(cause).await?,
                    None if self.outage.is_none() => {
                        self.start_outage(Outage::Unreachable).await?;
                    }
                    None => {}
                }
                self.retry_at = Instant::now() + self.backoff.fail();
                Ok(())
            }
        }
    }

    /// Appends every journaled change (a no-op for any already committed before a crash or a
    /// lost acknowledgement), then removes the journal; returns what it committed, and why it
    /// stopped if it did. Reports no commits itself, so that a replay at shutdown, with the UI
    /// gone, still empties the journal. With nothing to replay, a read shows whether the
    /// database answers.
    async fn replay(&mut self) -> (Vec<Stored>, Result<(), StoreError>) {
        let events = match self.journal.clone() {
            Some(journal) => match blocking(move || journal.read()).await {
                Ok(events) => events,
                Err(e) => {
                    // Not the database's fault, and not one to retry into: kept aside, said.
                    let _ = self.set_aside(e).await;
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        if events.is_empty() {
            let ping = timed(&self.store, self.store.ping()).await;
            return (Vec::new(), ping);
        }
        let mut saved = Vec::with_capacity(events.len());
        for event in events {
            if let Ok(mut own) = self.own.lock() {
                own.insert(event.id);
            }
            match timed(&self.store, self.store.append(&event)).await {
                Ok(seq) => saved.push(Stored { seq, event }),
                Err(e) if e.outage().is_some() => return (saved, Err(e)),
                Err(e) => {
                    // This one change is refused (not the database being out): it cannot
                    // ever be saved, and must not hold up the ones after it.
                    tracing::error!(event = %event.id, error = %e, "a journaled change is refused");
                    let error = e.to_string();
                    if self.is_today(&event) {
                        let _ = self.replies.send(Reply::Failed { event, error }).await;
                    }
                }
            }
        }
        self.forget_journal().await;
        (saved, Ok(()))
    }

    async fn flush_held(&mut self) -> Result<(), StoreError> {
        if self.held.is_empty() {
            return Ok(());
        }
        let held: Vec<Sample> = self.held.values().cloned().collect();
        match self.save(&held).await {
            Ok(()) => {}
            Err(e) if e.outage().is_some() => return Err(e),
            // Refused for what they are, not for the database being out: they would never
            // go, and must not hold the outage open.
            Err(e) => tracing::warn!(error = %e, count = held.len(), "held live samples dropped"),
        }
        self.held.clear();
        Ok(())
    }
}

struct Follower {
    store: Store,
    launch: String,
    day: NaiveDate,
    last_seq: i64,
    replies: mpsc::Sender<Reply>,
    own: Arc<Mutex<HashSet<Uuid>>>,
    read_failing: bool,
    load_day: bool,
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
            if self.follow().await.is_err() {
                return;
            }
        }
    }

    async fn send(&self, reply: Reply) -> Result<(), Gone> {
        self.replies.send(reply).await.map_err(|_| Gone)
    }

    /// Fetches what others committed since we last looked.
    async fn follow(&mut self) -> Result<(), Gone> {
        let read = self.store.read(&self.launch, self.day, self.last_seq);
        match timed(&self.store, read).await {
            Ok(read) => {
                self.read_failing = false;
                self.arrived(read).await
            }
            // The writer shows the outage; the next poll tries again.
            Err(e) if e.outage().is_some() => Ok(()),
            Err(e) if !self.read_failing => {
                self.read_failing = true;
                tracing::warn!(error = %e, "reading new events failed");
                self.send(Reply::ReadFailed(e.to_string())).await
            }
            Err(_) => Ok(()),
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
            let samples = timed(&self.store, self.store.day_samples(&self.launch, self.day))
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
        let peers = match timed(&store, store.announce(&me)).await {
            Ok(()) => timed(&store, store.present(&me.launch, expiry)).await,
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

async fn timed<T>(
    store: &Store,
    op: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(OP_TIMEOUT, op)
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::TimedOut {
                path: store.location().to_string(),
                after: OP_TIMEOUT,
            })
        })
}

/// Runs journal file I/O (fsync included) on the blocking pool, off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, JournalError> + Send + 'static,
) -> Result<T, JournalError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) => Err(JournalError::Io {
            path: String::new(),
            source: std::io::Error::other(format!("journal task failed: {e}")),
        }),
    }
}
