//! The writer: commits the changes the keeper journaled, one at a time and in journal order,
//! and rides out the times the database cannot be written.
//!
//! Nothing the operator waits on waits here. By the time a change reaches the writer it is
//! fsynced in the journal and the UI has been told so (`Kept`, or `Journaled` during an
//! outage); the writer only says when it is saved (its COMMIT returned) or that it has to
//! wait for the database ("not yet saved"). So connecting, timing out and replaying all
//! happen here, inline and in order, without holding up the next change.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use uuid::Uuid;

use super::calls::{FIRST_RETRY, MAX_RETRY, blocking, timed};
use super::journal::{Journal, JournalError, Position};
use super::reply::{Gone, Reply};
use super::samples::Samples;
use super::{Event, Outage, Reach, Sample, Store, StoreError, Stored};
use crate::backoff::Backoff;

/// Samples held while the database cannot be written: about a day of a large layout.
const MAX_HELD_SAMPLES: usize = 50_000;

/// What the keeper hands on, in the order the operator made it.
#[derive(Debug)]
pub(super) enum Work {
    Commit(Box<Commit>),
    Samples(Vec<Sample>),
    /// The launch's day turned: samples from here on are that day's.
    Day(NaiveDate),
}

#[derive(Debug)]
pub(super) struct Commit {
    pub event: Event,
    pub kept: Kept,
}

/// Whether, and how, a change is kept on this machine.
#[derive(Debug)]
pub(super) enum Kept {
    /// Fsynced in the journal at this position; the UI was told `told`.
    At { position: Position, told: Told },
    /// The journal could not take it: it exists only here until it is committed.
    Not(JournalError),
    /// There is no journal (tools and tests).
    NoJournal,
}

/// What the UI was told of a journaled change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Told {
    /// Safe on this machine, its commit in flight ("saving…").
    Kept,
    /// Safe on this machine, waiting for the database ("not yet saved").
    Journaled,
}

/// Why a change is refused: the database cannot take it, and neither can the journal.
pub(super) fn refusal(cause: &Outage, journal: Option<&JournalError>) -> String {
    match journal {
        Some(e) if e.is_full() && *cause == Outage::DiskFull => cause.to_string(),
        Some(e) if e.is_full() => format!("{cause}; and the disk of the journal is full"),
        Some(e) => format!("{cause}; and {e}"),
        None => cause.to_string(),
    }
}

pub(super) struct Writer {
    store: Store,
    launch: String,
    day: NaiveDate,
    replies: mpsc::Sender<Reply>,
    journal: Option<Arc<Journal>>,
    /// Our own commits are reported as `Committed`; the follower skips them.
    own: Arc<Mutex<HashSet<Uuid>>>,
    /// The outage as the keeper sees it, so that it says "not yet saved" at once.
    shared: watch::Sender<Option<Outage>>,
    /// Since when, and why, the database cannot be written.
    outage: Option<(DateTime<Utc>, Outage)>,
    /// The journal holds changes not known to be committed (an outage, or left by a crash):
    /// new ones wait behind them, to keep their order.
    unsaved: bool,
    /// Changes told `Kept` that wait for a replay: told "not yet saved" if an outage comes
    /// before it.
    waiting: Vec<Event>,
    /// A replay committed (or refused) everything the journal held up to here: changes still
    /// queued from before it are done.
    replayed: Position,
    /// Journaled changes already reported committed by a replay that stopped part-way.
    confirmed: HashSet<Uuid>,
    /// Changes the database refused for what they are: never tried again.
    refused: HashSet<Uuid>,
    retry_at: Instant,
    backoff: Backoff,
    /// Samples waiting for the database to be written again, by (source, series, minute).
    held: Samples,
}

impl Writer {
    pub fn new(
        store: Store,
        launch: String,
        day: NaiveDate,
        replies: mpsc::Sender<Reply>,
        journal: Option<Arc<Journal>>,
        own: Arc<Mutex<HashSet<Uuid>>>,
        shared: watch::Sender<Option<Outage>>,
    ) -> Self {
        Self {
            store,
            launch,
            day,
            replies,
            journal,
            own,
            shared,
            outage: None,
            unsaved: false,
            waiting: Vec::new(),
            replayed: Position::default(),
            confirmed: HashSet::new(),
            refused: HashSet::new(),
            retry_at: Instant::now(),
            backoff: Backoff::new(FIRST_RETRY, MAX_RETRY),
            held: Samples::new(),
        }
    }

    /// Before the first change: an outage the store already knows of (PostgreSQL did not
    /// answer at start) is declared at once, dated from the first attempt; a journal left by
    /// a crash is shown and queued for replay.
    pub async fn start(&mut self) -> Result<(), Gone> {
        let reach = self.store.reach().borrow().clone();
        if let Reach::Down { since, cause } = reach {
            self.start_outage(cause, since).await?;
        }
        self.recover().await
    }

    /// Returns whether everything was saved (no journal left behind).
    pub async fn run(mut self, mut work: mpsc::UnboundedReceiver<Work>) -> bool {
        // Not marked seen: a change since `start` is taken up at once (the same outage again
        // is a no-op).
        let mut reach = self.store.reach();
        // SQLite's never changes (its sender is gone at once).
        let mut reach_open = self.store.is_postgres();
        loop {
            let waiting = self.unsaved || self.outage.is_some();
            let step = tokio::select! {
                // What is queued first: it may need telling "not yet saved".
                biased;
                work = work.recv() => match work {
                    Some(Work::Commit(commit)) => {
                        let Commit { event, kept } = *commit;
                        self.commit(event, kept).await
                    }
                    Some(Work::Samples(samples)) => self.samples(samples).await,
                    Some(Work::Day(day)) => {
                        self.day = day;
                        Ok(())
                    }
                    None => break,
                },
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
                _ = tokio::time::sleep_until(self.retry_at), if waiting => self.retry().await,
            };
            if step.is_err() {
                break;
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
            let held = self.held.take();
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

    /// When the outage now found began: when the store first failed to reach the database
    /// (the connection attempt that failed started then), else now.
    fn since(&self) -> DateTime<Utc> {
        match &*self.store.reach().borrow() {
            Reach::Down { since, .. } => *since,
            Reach::Up => Utc::now(),
        }
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

    async fn commit(&mut self, event: Event, kept: Kept) -> Result<(), Gone> {
        if let Kept::At { position, .. } = &kept
            && (*position <= self.replayed || self.confirmed.contains(&event.id))
        {
            // A replay that read it from the journal committed it already, and said so.
            return Ok(());
        }
        if self.unsaved && self.outage.is_none() && !matches!(kept, Kept::At { .. }) {
            // Only in memory, behind journaled changes that wait for a replay: the replay
            // first, so that the log keeps the order the changes were made in.
            self.retry().await?;
        }
        if self.unsaved || self.outage.is_some() {
            return self.wait(event, kept).await;
        }
        if let Ok(mut own) = self.own.lock() {
            own.insert(event.id);
        }
        match timed(&self.store, self.store.append(&event)).await {
            Ok(seq) => {
                if let Kept::At { position, .. } = kept {
                    self.forget_through(position).await;
                }
                self.send(Reply::Committed(Stored { seq, event })).await
            }
            Err(e) => match e.outage() {
                Some(cause) => {
                    tracing::warn!(event = %event.id, error = %e, "cannot write the database; outage");
                    self.start_outage(cause, self.since()).await?;
                    self.wait(event, kept).await
                }
                None => {
                    tracing::error!(event = %event.id, item = ?event.item, error = %e, "write refused");
                    // Never to be tried again: out of the journal with the ones before it.
                    self.refused.insert(event.id);
                    if let Kept::At { position, .. } = kept {
                        self.forget_through(position).await;
                    }
                    let error = e.to_string();
                    self.send(Reply::Failed { event, error }).await
                }
            },
        }
    }

    /// The database cannot take `event` now: it waits in the journal if it is there, and is
    /// refused if not.
    async fn wait(&mut self, event: Event, kept: Kept) -> Result<(), Gone> {
        let cause = self.outage.as_ref().map(|(_, c)| c.clone());
        match (kept, cause) {
            (Kept::At { told, .. }, cause) => {
                self.unsaved = true;
                match (told, cause) {
                    (Told::Journaled, _) => Ok(()),
                    (Told::Kept, Some(_)) => self.send(Reply::Journaled(event)).await,
                    // Only a replay ahead of it, which is likely to commit it soon.
                    (Told::Kept, None) => {
                        self.waiting.push(event);
                        Ok(())
                    }
                }
            }
            (Kept::Not(e), cause) => {
                let error = refusal(&cause.unwrap_or(Outage::Unreachable), Some(&e));
                self.send(Reply::Failed { event, error }).await
            }
            (Kept::NoJournal, cause) => {
                let error = cause.unwrap_or(Outage::Unreachable).to_string();
                self.send(Reply::Failed { event, error }).await
            }
        }
    }

    /// Everything the journal holds up to `position` is committed: it goes, unless a
    /// change was written after it.
    async fn forget_through(&mut self, position: Position) {
        if let Some(journal) = self.journal.clone()
            && let Err(e) = blocking(move || journal.forget_through(position)).await
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
                    self.start_outage(cause, self.since()).await?;
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
        for s in samples {
            // Past the limit new rows are dropped; rows already held still count their polls.
            self.held
                .add_within(&s.source, &s.series, s.minute, s.value, MAX_HELD_SAMPLES);
        }
    }

    async fn start_outage(&mut self, cause: Outage, since: DateTime<Utc>) -> Result<(), Gone> {
        let since = match &self.outage {
            Some((_, was)) if *was == cause => return Ok(()),
            Some((since, _)) => *since,
            None => {
                self.backoff.reset();
                self.retry_at = Instant::now() + self.backoff.fail();
                since
            }
        };
        self.outage = Some((since, cause.clone()));
        self.shared.send_replace(Some(cause.clone()));
        self.send(Reply::Outage { since, cause }).await?;
        // They were "saving…"; now they wait for the database.
        for event in std::mem::take(&mut self.waiting) {
            if !self.confirmed.contains(&event.id) {
                self.send(Reply::Journaled(event)).await?;
            }
        }
        Ok(())
    }

    /// The store found the database down, or back.
    async fn reach(&mut self, reach: Reach) -> Result<(), Gone> {
        match reach {
            Reach::Down { cause, since } => self.start_outage(cause, since).await,
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
                self.waiting.clear();
                self.confirmed.clear();
                self.backoff.reset();
                let was_out = self.outage.take().is_some();
                self.shared.send_replace(None);
                if was_out || count > 0 {
                    tracing::info!(saved = count, "database written again; journal replayed");
                    self.send(Reply::Reconnected { saved: count }).await?;
                }
                Ok(())
            }
            Err(e) => {
                tracing::debug!(error = %e, "still cannot write");
                let cause = match (e.outage(), &self.outage) {
                    (Some(cause), _) => Some(cause),
                    (None, None) => Some(Outage::Unreachable),
                    (None, Some(_)) => None,
                };
                if let Some(cause) = cause {
                    self.start_outage(cause, self.since()).await?;
                }
                self.retry_at = Instant::now() + self.backoff.fail();
                Ok(())
            }
        }
    }

    /// Appends every journaled change (a no-op for any already committed before a crash or a
    /// lost acknowledgement), then removes the journal if nothing was written meanwhile;
    /// returns what it committed, and why it stopped if it did. Reports no commits itself, so
    /// that a replay at shutdown, with the UI gone, still empties the journal. With nothing
    /// to replay, a read shows whether the database answers.
    async fn replay(&mut self) -> (Vec<Stored>, Result<(), StoreError>) {
        let (events, through) = match self.journal.clone() {
            Some(journal) => match blocking(move || journal.read_through()).await {
                Ok(read) => read,
                Err(e) => {
                    // Not the database's fault, and not one to retry into: kept aside, said.
                    let _ = self.set_aside(e).await;
                    (Vec::new(), Position::default())
                }
            },
            None => (Vec::new(), Position::default()),
        };
        if events.is_empty() {
            let ping = timed(&self.store, self.store.ping()).await;
            return (Vec::new(), ping);
        }
        let mut saved = Vec::with_capacity(events.len());
        for event in events {
            if self.refused.contains(&event.id) {
                continue;
            }
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
                    self.refused.insert(event.id);
                    let error = e.to_string();
                    if self.is_today(&event) {
                        let _ = self.replies.send(Reply::Failed { event, error }).await;
                    }
                }
            }
        }
        self.replayed = self.replayed.max(through);
        self.forget_through(through).await;
        (saved, Ok(()))
    }

    async fn flush_held(&mut self) -> Result<(), StoreError> {
        if self.held.is_empty() {
            return Ok(());
        }
        let held = self.held.rows();
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
