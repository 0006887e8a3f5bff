//! The store's task: takes writes from the UI over a channel, commits them one at a time in
//! order, and reports each outcome back, so the UI never awaits the database.
//!
//! It also picks up events other warrooms committed: on PostgreSQL when the insert trigger's
//! NOTIFY arrives (with a slow poll as a safety net), on SQLite by polling the file.
//!
//! With a journal configured, an unreachable database does not lose changes: they are written
//! to the journal, reported as `Journaled`, and replayed (idempotently) once it answers again.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::mpsc;
use tokio::time::Instant;
use uuid::Uuid;

use super::journal::Journal;
use super::presence::{self, Peer, Presence};
use super::{CHANNEL, Event, Store, StoreError, Stored};

#[derive(Debug)]
pub enum Request {
    Append(Event),
    /// Downsampled live values; a failure is logged and reported, never retried forever
    /// (live history is a convenience, the event log is what must not be lost).
    Samples(Vec<super::Sample>),
    /// Write the day's report (Markdown and HTML) into `dir`; the reply names the files.
    Report {
        layout: std::sync::Arc<crate::layout::Layout>,
        now: DateTime<Utc>,
        lang: crate::i18n::Lang,
        dir: std::path::PathBuf,
    },
    /// The operator switched views; announced with the next presence refresh.
    View(String),
}

#[derive(Debug)]
pub enum Reply {
    /// Something done on request, to tell the operator (the report's file names).
    Notice(String),
    /// The event is durable in the database.
    Committed(Stored),
    /// The write failed; the event is not in the log.
    Failed { event: Event, error: String },
    /// Events committed by someone else (another warroom on the same database).
    Arrived(Vec<Stored>),
    /// Reading others' events failed (shown once, retried on the next poll).
    ReadFailed(String),
    /// The database is out of reach: the event is in the local journal (fsynced), not yet in
    /// the log. It comes back as `Committed` once the journal is replayed.
    Journaled(Event),
    /// The database stopped answering at `since`; writes go to the journal until it answers.
    Outage { since: DateTime<Utc> },
    /// The database answers again and the journal is replayed: `saved` changes, each already
    /// reported as `Committed`.
    Reconnected { saved: usize },
    /// Who else is in the war room (other warrooms), refreshed every few seconds.
    Present(Vec<Peer>),
}

/// How often to look for events written by other processes on SQLite.
pub const FOLLOW_INTERVAL: Duration = Duration::from_millis(500);
/// On PostgreSQL notifications do the work; this poll only covers a notification lost while
/// the listener reconnected.
const SAFETY_POLL: Duration = Duration::from_secs(5);
const FIRST_RETRY: Duration = Duration::from_millis(250);
/// A connection that died without a word (a cable pulled, a VPN dropped) can leave a query
/// waiting through minutes of TCP retries; past this the database counts as unreachable.
/// A write that timed out may still have committed: its replay from the journal is a no-op.
const DB_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_RETRY: Duration = Duration::from_secs(4);

/// What the worker does beyond committing writes.
#[derive(Debug)]
pub struct Options {
    /// Keep changes here while the database is unreachable (none: such writes fail).
    pub journal: Option<Journal>,
    /// Announce this warroom and report who else is here.
    pub presence: Option<Presence>,
    pub presence_refresh: Duration,
    pub presence_expiry: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            journal: None,
            presence: None,
            presence_refresh: presence::REFRESH,
            presence_expiry: presence::EXPIRY,
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

/// The UI has gone; nothing more to report to.
struct Gone;

struct Worker {
    store: Store,
    launch: String,
    day: NaiveDate,
    last_seq: i64,
    replies: mpsc::Sender<Reply>,
    journal: Option<Journal>,
    /// Our own commits were already reported as `Committed`; following skips them.
    own: HashSet<Uuid>,
    read_failing: bool,
    /// Since when the database has been unreachable.
    outage: Option<DateTime<Utc>>,
    /// The journal holds changes to replay (after an outage, or left by a crash).
    unsaved: bool,
    retry_at: Instant,
    backoff: Duration,
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
    let (wake_tx, mut wake_rx) = mpsc::channel::<()>(1);
    let listener = store
        .pg_pool()
        .cloned()
        .map(|pool| tokio::spawn(listen(pool, wake_tx)));
    let mut follow = tokio::time::interval(if listener.is_some() {
        SAFETY_POLL
    } else {
        FOLLOW_INTERVAL
    });
    follow.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut refresh = tokio::time::interval(options.presence_refresh);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut me = options.presence;
    let expiry = options.presence_expiry;
    let mut w = Worker {
        store,
        launch,
        day,
        last_seq,
        replies,
        journal: options.journal,
        own: HashSet::new(),
        read_failing: false,
        outage: None,
        unsaved: false,
        retry_at: Instant::now(),
        backoff: FIRST_RETRY,
    };
    if w.recover().await.is_ok() {
        loop {
            let step = tokio::select! {
                request = requests.recv() => match request {
                    Some(Request::Append(event)) => w.append(event).await,
                    Some(Request::Samples(samples)) => w.samples(&samples).await,
                    Some(Request::Report { layout, now, lang, dir }) => {
                        let reply = match crate::report::write_day(&w.store, &layout, w.day, now, lang, &dir).await {
                            Ok(paths) => Reply::Notice(paths.join(", ")),
                            Err(e) => Reply::ReadFailed(format!("{e:#}")),
                        };
                        w.send(reply).await
                    }
                    Some(Request::View(view)) => {
                        if let Some(me) = &mut me {
                            me.view = view;
                        }
                        Ok(())
                    }
                    None => break,
                },
                Some(()) = wake_rx.recv() => w.follow().await,
                _ = follow.tick() => w.follow().await,
                _ = tokio::time::sleep_until(w.retry_at), if w.unsaved || w.outage.is_some() => {
                    w.retry().await
                }
                _ = refresh.tick(), if me.is_some() => match &me {
                    Some(me) => w.presence(me, expiry).await,
                    None => Ok(()),
                },
            };
            if step.is_err() {
                break;
            }
        }
    }
    // Changes still waiting (the UI quit during an outage, or right after start-up): one last
    // try, so the journal is left behind only if the database really is out of reach.
    if w.unsaved && w.replay().await.is_ok() {
        w.unsaved = false;
        w.outage = None;
    }
    if let Some(listener) = listener {
        // It holds a pooled connection, which `close` would otherwise wait for forever.
        listener.abort();
    }
    if let Some(me) = &me
        && w.outage.is_none()
        && !w.unsaved
        && let Err(e) = timed(&w.store, w.store.leave(me.session)).await
    {
        tracing::debug!(error = %e, "could not remove the presence row; it expires");
    }
    w.store.close().await;
}

impl Worker {
    async fn samples(&mut self, samples: &[super::Sample]) -> Result<(), Gone> {
        if self.outage.is_some() {
            return Ok(());
        }
        match timed(
            &self.store,
            self.store.save_samples(&self.launch, self.day, samples),
        )
        .await
        {
            Ok(()) => Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, count = samples.len(), "saving live samples failed");
                Ok(())
            }
        }
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
        let Some(journal) = &self.journal else {
            return Ok(());
        };
        match journal.read() {
            Ok(events) if events.is_empty() => Ok(()),
            Ok(events) => {
                tracing::info!(count = events.len(), journal = %journal.path().display(), "replaying the outage journal");
                self.unsaved = true;
                for event in events.into_iter().filter(|e| self.is_today(e)) {
                    self.send(Reply::Journaled(event)).await?;
                }
                Ok(())
            }
            Err(e) => {
                // Do not write behind an unreadable journal: the order would be lost. Say so.
                tracing::error!(error = %e, "cannot read the outage journal");
                self.send(Reply::ReadFailed(e.to_string())).await
            }
        }
    }

    async fn append(&mut self, event: Event) -> Result<(), Gone> {
        // While changes wait in the journal, new ones queue behind them to keep their order.
        if self.unsaved || self.outage.is_some() {
            return self.journal_write(event, None).await;
        }
        match timed(&self.store, self.store.append(&event)).await {
            Ok(seq) => {
                self.own.insert(event.id);
                self.send(Reply::Committed(Stored { seq, event })).await
            }
            Err(e) if e.is_unreachable() && self.journal.is_some() => {
                tracing::warn!(event = %event.id, error = %e, "database unreachable; journaling");
                self.journal_write(event, Some(e.to_string())).await
            }
            Err(e) => {
                tracing::error!(event = %event.id, item = ?event.item, error = %e, "write failed");
                let error = e.to_string();
                self.send(Reply::Failed { event, error }).await
            }
        }
    }

    async fn journal_write(&mut self, event: Event, why: Option<String>) -> Result<(), Gone> {
        let Some(journal) = &self.journal else {
            let error = why.unwrap_or_else(|| "the database is unreachable".into());
            return self.send(Reply::Failed { event, error }).await;
        };
        match journal.write(&event) {
            Ok(()) => {
                self.unsaved = true;
                self.start_outage().await?;
                self.send(Reply::Journaled(event)).await
            }
            Err(e) => {
                tracing::error!(event = %event.id, error = %e, "journal write failed");
                let error = match why {
                    Some(why) => format!("{why}; and {e}"),
                    None => e.to_string(),
                };
                self.send(Reply::Failed { event, error }).await
            }
        }
    }

    async fn start_outage(&mut self) -> Result<(), Gone> {
        if self.outage.is_some() {
            return Ok(());
        }
        let since = Utc::now();
        self.outage = Some(since);
        self.backoff = FIRST_RETRY;
        self.retry_at = Instant::now() + self.backoff;
        self.send(Reply::Outage { since }).await
    }

    /// Fetches what others committed since we last looked.
    async fn follow(&mut self) -> Result<(), Gone> {
        if self.outage.is_some() || self.unsaved {
            // The retry catches up once the journal is replayed.
            return Ok(());
        }
        match timed(
            &self.store,
            self.store
                .events_after(&self.launch, self.day, self.last_seq),
        )
        .await
        {
            Ok(events) => {
                self.read_failing = false;
                let Some(last) = events.last() else {
                    return Ok(());
                };
                self.last_seq = last.seq;
                let others: Vec<Stored> = events
                    .into_iter()
                    .filter(|s| !self.own.remove(&s.event.id))
                    .collect();
                if others.is_empty() {
                    Ok(())
                } else {
                    self.send(Reply::Arrived(others)).await
                }
            }
            Err(e) if e.is_unreachable() && self.journal.is_some() => {
                tracing::warn!(error = %e, "database unreachable");
                self.start_outage().await
            }
            Err(e) if !self.read_failing => {
                self.read_failing = true;
                tracing::warn!(error = %e, "reading new events failed");
                self.send(Reply::ReadFailed(e.to_string())).await
            }
            Err(_) => Ok(()),
        }
    }

    /// Replays the journal, then catches up; on failure tries again later, backing off.
    async fn retry(&mut self) -> Result<(), Gone> {
        match self.replay().await {
            Ok(saved) => {
                self.unsaved = false;
                let was_out = self.outage.take().is_some();
                let count = saved.len();
                for stored in saved.into_iter().filter(|s| self.is_today(&s.event)) {
                    self.send(Reply::Committed(stored)).await?;
                }
                self.follow().await?;
                if was_out || count > 0 {
                    tracing::info!(saved = count, "database reachable again; journal replayed");
                    self.send(Reply::Reconnected { saved: count }).await?;
                }
                Ok(())
            }
            Err(why) => {
                tracing::debug!(error = %why, "still unreachable");
                if self.outage.is_none() {
                    self.start_outage().await?;
                }
                self.backoff = (self.backoff * 2).min(MAX_RETRY);
                self.retry_at = Instant::now() + self.backoff;
                Ok(())
            }
        }
    }

    /// Appends every journaled change (a no-op for any already committed before a crash or a
    /// lost acknowledgement), then empties the journal; returns what it committed, or why it
    /// stopped. Reports nothing itself, so that a replay at shutdown, with the UI gone, still
    /// empties the journal.
    async fn replay(&mut self) -> Result<Vec<Stored>, String> {
        let Some(journal) = &self.journal else {
            return Ok(Vec::new());
        };
        let events = journal.read().map_err(|e| e.to_string())?;
        if events.is_empty() {
            // Nothing to write: reachable again once a read succeeds.
            let read = self
                .store
                .events_after(&self.launch, self.day, self.last_seq);
            return timed(&self.store, read)
                .await
                .map(|_| Vec::new())
                .map_err(|e| e.to_string());
        }
        let mut saved = Vec::with_capacity(events.len());
        for event in events {
            let seq = timed(&self.store, self.store.append(&event))
                .await
                .map_err(|e| e.to_string())?;
            if self.is_today(&event) {
                self.own.insert(event.id);
            }
            saved.push(Stored { seq, event });
        }
        if let Err(e) = journal.clear() {
            // Everything is committed; a journal we cannot empty only replays as no-ops.
            tracing::error!(error = %e, "cannot empty the replayed journal");
        }
        Ok(saved)
    }

    async fn presence(&mut self, me: &Presence, expiry: Duration) -> Result<(), Gone> {
        if self.outage.is_some() {
            return Ok(());
        }
        let peers = match timed(&self.store, self.store.announce(me)).await {
            Ok(()) => timed(&self.store, self.store.present(&self.launch, expiry)).await,
            Err(e) => Err(e),
        };
        match peers {
            Ok(peers) => {
                let others = peers.into_iter().filter(|p| p.session != me.session);
                self.send(Reply::Present(others.collect())).await
            }
            Err(e) => {
                tracing::debug!(error = %e, "presence refresh failed");
                Ok(())
            }
        }
    }
}

async fn timed<T>(
    store: &Store,
    op: impl Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(DB_TIMEOUT, op)
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::TimedOut {
                path: store.location().to_string(),
                after: DB_TIMEOUT,
            })
        })
}

/// Wakes the worker on every NOTIFY on the events channel, and after each (re)connection,
/// since notifications sent while not listening are lost.
async fn listen(pool: PgPool, wake: mpsc::Sender<()>) {
    let mut backoff = FIRST_RETRY;
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    backoff = FIRST_RETRY;
                    let _ = wake.try_send(());
                    loop {
                        match listener.try_recv().await {
                            // Full channel: a wake is already pending, which fetches this too.
                            Ok(Some(_)) | Ok(None) => {
                                let _ = wake.try_send(());
                            }
                            Err(e) => {
                                tracing::debug!(error = %e, "listener lost its connection");
                                break;
                            }
                        }
                    }
                }
                Err(e) => tracing::debug!(error = %e, "LISTEN failed"),
            },
            Err(e) => tracing::debug!(error = %e, "listener cannot connect"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_RETRY);
    }
}
