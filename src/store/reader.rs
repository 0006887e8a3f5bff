//! The store as the wall display sees it: read, never written. No migrations, no journal, no
//! presence row, no samples; on SQLite the file is opened read-only (and not created when it
//! is not there), on PostgreSQL one connection that LISTENs and SELECTs.
//!
//! The reader sends what it finds as the store's [`Reply`]s: the day as a whole
//! ([`Reply::Joined`]) whenever it (re)opens a file or first reaches the server, what others
//! committed since ([`Reply::Arrived`]), the file missing ([`Reply::Absent`]), the database
//! out of reach ([`Reply::Outage`]) and back ([`Reply::Reconnected`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use tokio::sync::mpsc;

use super::calls::{FIRST_RETRY, MAX_RETRY, timed};
use super::reply::Reply;
use super::sqlite::Quiet;
use super::worker::{FOLLOW_INTERVAL, SAFETY_POLL};
use super::{Outage, Store, StoreError};
use crate::backoff::Backoff;

/// How often a missing SQLite file is looked for again.
pub const ABSENT_RETRY: Duration = Duration::from_secs(1);

/// What the wall reads.
pub enum Target {
    /// A SQLite file, opened read-only whenever it is there.
    Sqlite(PathBuf),
    /// A PostgreSQL store made by [`Store::postgres_reader`].
    Postgres(Store),
}

/// The UI has gone: nothing more to read for.
struct Gone;

/// Which file is open: a file moved away and another put in its place is read afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity {
    dev: u64,
    ino: u64,
}

fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some(Identity {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

/// Why following an open store stopped.
enum Stop {
    /// The SQLite file is gone, or is another file now: open it again.
    Moved,
}

struct Reader {
    launch: String,
    day: NaiveDate,
    replies: mpsc::Sender<Reply>,
    /// The outage last told, so that each is said once, and since when.
    down: Option<Outage>,
    since: chrono::DateTime<Utc>,
    /// The absent file was told.
    absent: bool,
    read_failing: bool,
    backoff: Backoff,
}

/// Runs until `replies` closes (the wall quit).
pub async fn run(target: Target, launch: String, day: NaiveDate, replies: mpsc::Sender<Reply>) {
    let mut reader = Reader {
        launch,
        day,
        replies,
        down: None,
        since: Utc::now(),
        absent: false,
        read_failing: false,
        backoff: Backoff::new(FIRST_RETRY, MAX_RETRY),
    };
    let _ = match target {
        Target::Sqlite(path) => reader.sqlite(&path).await,
        Target::Postgres(store) => reader.postgres(store).await,
    };
}

impl Reader {
    async fn send(&self, reply: Reply) -> Result<(), Gone> {
        self.replies.send(reply).await.map_err(|_| Gone)
    }

    async fn sqlite(&mut self, path: &Path) -> Result<(), Gone> {
        let shown = path.display().to_string();
        loop {
            let Some(opened) = identity(path) else {
                if !std::mem::replace(&mut self.absent, true) {
                    self.send(Reply::Absent(shown.clone())).await?;
                }
                tokio::time::sleep(ABSENT_RETRY).await;
                continue;
            };
            self.absent = false;
            let store = match Store::open_read_only(path).await {
                Ok(store) => store,
                Err(e) => {
                    self.failed(&e).await?;
                    tokio::time::sleep(self.backoff.fail()).await;
                    continue;
                }
            };
            let outcome = self.follow(&store, Some((path, opened)), None).await;
            store.close().await;
            match outcome {
                Ok(Stop::Moved) => {}
                Err(Gone) => return Err(Gone),
            }
        }
    }

    async fn postgres(&mut self, store: Store) -> Result<(), Gone> {
        let (wake_tx, wake_rx) = mpsc::channel(1);
        let listener = tokio::spawn(listen(store.clone(), wake_tx));
        let outcome = self.follow(&store, None, Some(wake_rx)).await;
        listener.abort();
        store.close().await;
        outcome.map(|_| ())
    }

    /// Reads the day whole, then what is committed after it, until the file moves.
    async fn follow(
        &mut self,
        store: &Store,
        file: Option<(&Path, Identity)>,
        mut wake: Option<mpsc::Receiver<()>>,
    ) -> Result<Stop, Gone> {
        let mut last_seq = None;
        let mut poll = tokio::time::interval(if file.is_some() {
            FOLLOW_INTERVAL
        } else {
            SAFETY_POLL
        });
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // A look at the file costs less than a read (see `Stamp`).
        let mut quiet = Quiet::default();
        loop {
            if let Some((path, opened)) = file
                && identity(path) != Some(opened)
            {
                return Ok(Stop::Moved);
            }
            let stamp = file.and_then(|_| store.stamp());
            if last_seq.is_none() || !quiet.holds(stamp, &(), SAFETY_POLL) {
                let read = match last_seq {
                    None => self.whole_day(store).await,
                    Some(seq) => self.since(store, seq).await,
                };
                quiet.read(stamp, (), read.is_ok());
                match read {
                    Ok(seq) => {
                        last_seq = Some(seq);
                        self.backoff.reset();
                        if self.down.take().is_some() {
                            self.send(Reply::Reconnected { saved: 0 }).await?;
                        }
                        self.read_failing = false;
                    }
                    Err(Some(e)) => {
                        self.failed(&e).await?;
                        // Out of reach: try again sooner than the safety poll, but backing off.
                        if e.outage().is_some() {
                            tokio::time::sleep(self.backoff.fail()).await;
                            continue;
                        }
                    }
                    Err(None) => return Err(Gone),
                }
            }
            match wake.as_mut() {
                Some(wake) => {
                    tokio::select! {
                        Some(()) = wake.recv() => {}
                        _ = poll.tick() => {}
                    }
                }
                None => {
                    poll.tick().await;
                }
            }
        }
    }

    /// The whole day: sent as `Joined`. Returns the last position read.
    async fn whole_day(&self, store: &Store) -> Result<i64, Option<StoreError>> {
        let read = timed(store, store.read(&self.launch, self.day, 0))
            .await
            .map_err(Some)?;
        let samples = timed(store, store.day_samples(&self.launch, self.day))
            .await
            .map_err(Some)?;
        let last = read.last_seq;
        if !read.unreadable.is_empty() {
            self.send(Reply::Unreadable(read.unreadable))
                .await
                .map_err(|_| None)?;
        }
        let joined = Reply::Joined {
            events: read.events,
            samples,
        };
        self.send(joined).await.map_err(|_| None)?;
        Ok(last)
    }

    /// What was committed after `seq`: sent as `Arrived`.
    async fn since(&self, store: &Store, seq: i64) -> Result<i64, Option<StoreError>> {
        let read = timed(store, store.read(&self.launch, self.day, seq))
            .await
            .map_err(Some)?;
        let last = read.last_seq;
        if !read.unreadable.is_empty() {
            self.send(Reply::Unreadable(read.unreadable))
                .await
                .map_err(|_| None)?;
        }
        if !read.events.is_empty() {
            self.send(Reply::Arrived(read.events))
                .await
                .map_err(|_| None)?;
        }
        Ok(last)
    }

    /// A failed open or read, said once per cause: out of reach (the header says since
    /// when), or the reading itself failing (a file that is not a warroom database).
    async fn failed(&mut self, error: &StoreError) -> Result<(), Gone> {
        match error.outage() {
            Some(cause) if self.down.as_ref() != Some(&cause) => {
                tracing::warn!(%error, "the wall cannot read its database");
                // Since when: the first failure of this outage, whatever its cause now.
                let since = match &self.down {
                    Some(_) => self.since,
                    None => Utc::now(),
                };
                self.since = since;
                self.down = Some(cause.clone());
                self.send(Reply::Outage { since, cause }).await
            }
            Some(_) => Ok(()),
            None if !self.read_failing => {
                self.read_failing = true;
                tracing::warn!(%error, "the wall cannot read its database");
                self.send(Reply::ReadFailed(error.to_string())).await
            }
            None => Ok(()),
        }
    }
}

/// PostgreSQL: wakes the reader on every NOTIFY, and after each (re)connection.
async fn listen(store: Store, wake: mpsc::Sender<()>) {
    let mut backoff = Backoff::new(FIRST_RETRY, MAX_RETRY);
    loop {
        match store.wait_news().await {
            Ok(()) => {
                backoff.reset();
                let _ = wake.try_send(());
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot listen");
                tokio::time::sleep(backoff.fail()).await;
            }
        }
    }
}
