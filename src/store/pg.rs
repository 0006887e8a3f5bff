//! One PostgreSQL connection per warroom, for LISTEN and for every read and write alike.
//!
//! A war room of 90 operators on a server of `max_connections = 100` must not run out of
//! connections, so the link holds exactly one: a `PgListener` (which can run queries on its
//! own connection). Every task of the store takes turns on it; the follower, which waits for
//! notifications on it, gives it up whenever someone else needs it. A second connection is
//! opened only to learn why a connection attempt timed out (the pool hides "too many clients"
//! behind its retries), and closed at once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgListener, PgPool, PgPoolOptions};
use sqlx::{Acquire, Connection, Executor};
use tokio::sync::{Mutex, MutexGuard, Notify, watch};
use tokio::time::error::Elapsed;

use super::outage::outage_of;
use super::{CHANNEL, DB_TIMEOUT, Outage, PG_MIGRATIONS, Reach, StoreError};

/// How long one connection attempt may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub(super) struct Link {
    options: PgConnectOptions,
    shown: String,
    slot: Mutex<Slot>,
    /// Someone other than the notification waiter is waiting for the connection.
    wanted: Notify,
    reach: watch::Sender<Reach>,
    /// A reader (the wall display): never migrates, so that a role with SELECT only will do.
    read_only: bool,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link").field("db", &self.shown).finish()
    }
}

#[derive(Default)]
struct Slot {
    /// Of one connection, the listener's: it only (re)connects. A new one for every new
    /// connection, so that a dead connection still being let go of never blocks the next.
    pool: Option<PgPool>,
    listener: Option<PgListener>,
    migrated: bool,
    /// Connected since the notification waiter last looked: it may have missed some.
    fresh: bool,
}

/// The connection, checked out for one piece of work. Dropped unfinished (a cancelled or
/// timed-out query), the listener goes with it and the next user connects afresh.
pub(super) struct Session<'a> {
    slot: MutexGuard<'a, Slot>,
    listener: PgListener,
}

impl Session<'_> {
    pub(super) fn listener(&mut self) -> &mut PgListener {
        &mut self.listener
    }
}

impl Link {
    pub(super) fn new(options: PgConnectOptions, shown: &str) -> (Self, watch::Receiver<Reach>) {
        let (reach, rx) = watch::channel(Reach::Up);
        let link = Self {
            options,
            shown: shown.to_string(),
            slot: Mutex::new(Slot::default()),
            wanted: Notify::new(),
            reach,
            read_only: false,
        };
        (link, rx)
    }

    /// A link that only reads: it LISTENs (which needs no privilege) and never migrates.
    pub(super) fn reader(options: PgConnectOptions, shown: &str) -> (Self, watch::Receiver<Reach>) {
        let (mut link, rx) = Self::new(options, shown);
        link.read_only = true;
        (link, rx)
    }

    /// An error while connecting: the server's own refusal if it gave one.
    fn refused(&self, source: sqlx::Error) -> StoreError {
        match &source {
            sqlx::Error::Database(e) => StoreError::Refused {
                path: self.shown.clone(),
                sqlstate: e.code().map(|c| c.to_string()).unwrap_or_default(),
                message: e.message().to_string(),
            },
            _ => self.error(source),
        }
    }

    fn error(&self, source: sqlx::Error) -> StoreError {
        StoreError::Sql {
            path: self.shown.clone(),
            source,
        }
    }

    /// The connection, for one piece of work: connected (migrated, listening) if need be.
    // Boxed: spelled out as `Send` here, the futures of the store's tasks stay provably
    // `Send` where they are spawned (rustc cannot always see it through several layers).
    pub(super) fn session(&self) -> BoxFuture<'_, Result<Session<'_>, StoreError>> {
        Box::pin(async move {
            self.wanted.notify_one();
            let slot = self.slot.lock().await;
            self.checkout(slot).await
        })
    }

    async fn checkout<'a>(
        &'a self,
        mut slot: MutexGuard<'a, Slot>,
    ) -> Result<Session<'a>, StoreError> {
        let listener = match slot.listener.take() {
            Some(listener) => listener,
            None => {
                // No answer since at least the start of this attempt, which may have waited
                // out a timeout or two: the outage is dated from there.
                let began = Utc::now();
                match self.connect(&mut slot).await {
                    Ok(listener) => listener,
                    Err(e) => {
                        if let Some(cause) = e.outage() {
                            self.down_since(cause, began);
                        }
                        return Err(e);
                    }
                }
            }
        };
        Ok(Session { slot, listener })
    }

    async fn connect(&self, slot: &mut Slot) -> Result<PgListener, StoreError> {
        forget_pool(slot);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .acquire_timeout(CONNECT_TIMEOUT)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .connect_lazy_with(self.options.clone());
        slot.pool = Some(pool.clone());
        let attempt = async {
            let mut listener = match PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(sqlx::Error::PoolTimedOut) => return Err(self.refused(self.diagnose().await)),
                Err(e) => return Err(self.refused(e)),
            };
            listener.ignore_pool_close_event(true);
            // A lost connection is ours to notice and report, not to be re-made silently.
            listener.eager_reconnect(false);
            if !slot.migrated && !self.read_only {
                let conn = listener.acquire().await.map_err(|e| self.error(e))?;
                migrate(conn).await.map_err(|source| StoreError::Migrate {
                    path: self.shown.clone(),
                    source,
                })?;
                slot.migrated = true;
            }
            listener.listen(CHANNEL).await.map_err(|e| self.error(e))?;
            Ok(listener)
        };
        // Migrations may wait on another warroom's migration lock: more than a query's time.
        let listener = tokio::time::timeout(DB_TIMEOUT * 2, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(StoreError::TimedOut {
                    path: self.shown.clone(),
                    after: DB_TIMEOUT * 2,
                })
            })?;
        slot.fresh = true;
        self.up();
        Ok(listener)
    }

    /// The pool retries "too many clients" and "starting up" until its timeout and then says
    /// only that it timed out; one direct attempt says why, in the server's words.
    async fn diagnose(&self) -> sqlx::Error {
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&self.options)).await
        {
            Ok(Err(e)) => e,
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                sqlx::Error::PoolTimedOut
            }
            Err(_) => sqlx::Error::PoolTimedOut,
        }
    }

    /// Ends a piece of work: the connection goes back for the next user if it is sound, and
    /// is dropped otherwise (lost, timed out, or possibly inside a transaction).
    pub(super) fn settle<'a, T: Send + 'a>(
        &'a self,
        session: Session<'a>,
        result: Result<Result<T, sqlx::Error>, Elapsed>,
    ) -> BoxFuture<'a, Result<T, StoreError>> {
        Box::pin(self.settle_now(session, result))
    }

    async fn settle_now<T>(
        &self,
        session: Session<'_>,
        result: Result<Result<T, sqlx::Error>, Elapsed>,
    ) -> Result<T, StoreError> {
        let Session {
            mut slot,
            mut listener,
        } = session;
        match result {
            Ok(Ok(value)) => {
                slot.listener = Some(listener);
                self.up();
                Ok(value)
            }
            Err(_) => {
                drop(listener);
                forget_pool(&mut slot);
                self.down(Outage::Unreachable);
                Err(StoreError::TimedOut {
                    path: self.shown.clone(),
                    after: DB_TIMEOUT,
                })
            }
            Ok(Err(e)) => {
                let connection_lost = matches!(
                    e,
                    sqlx::Error::Io(_)
                        | sqlx::Error::Tls(_)
                        | sqlx::Error::Protocol(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::WorkerCrashed
                );
                if connection_lost {
                    drop(listener);
                    forget_pool(&mut slot);
                    self.down(outage_of(&e).unwrap_or(Outage::Unreachable));
                } else {
                    // The server answered: the connection is sound, but a failed transaction
                    // must not linger on it. ROLLBACK outside one is only a warning.
                    let reset =
                        tokio::time::timeout(DB_TIMEOUT, (&mut listener).execute("ROLLBACK")).await;
                    if matches!(reset, Ok(Ok(_))) {
                        slot.listener = Some(listener);
                    } else {
                        drop(listener);
                        forget_pool(&mut slot);
                    }
                }
                Err(self.error(e))
            }
        }
    }

    /// Waits for a notification, giving the connection up whenever another task asks for it.
    pub(super) fn wait_news(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(self.wait_news_now())
    }

    async fn wait_news_now(&self) -> Result<(), StoreError> {
        loop {
            let slot = self.slot.lock().await;
            let mut session = self.checkout(slot).await?;
            if std::mem::take(&mut session.slot.fresh) {
                session.slot.listener = Some(session.listener);
                return Ok(());
            }
            // A wish left over from a turn already taken only sends this round once more.
            let outcome = tokio::select! {
                biased;
                _ = self.wanted.notified() => None,
                received = session.listener.try_recv() => Some(received),
            };
            let Session { mut slot, listener } = session;
            match outcome {
                None => {
                    slot.listener = Some(listener);
                    drop(slot);
                    // Let the one who asked take its turn first (the lock is fair).
                    tokio::task::yield_now().await;
                }
                Some(Ok(Some(_))) => {
                    slot.listener = Some(listener);
                    return Ok(());
                }
                Some(Ok(None)) => {
                    drop(listener);
                    forget_pool(&mut slot);
                    self.down(Outage::Unreachable);
                    return Err(StoreError::Sql {
                        path: self.shown.clone(),
                        source: sqlx::Error::Io(std::io::ErrorKind::ConnectionAborted.into()),
                    });
                }
                Some(Err(e)) => {
                    drop(listener);
                    forget_pool(&mut slot);
                    self.down(outage_of(&e).unwrap_or(Outage::Unreachable));
                    return Err(self.error(e));
                }
            }
        }
    }

    fn up(&self) {
        self.reach.send_if_modified(|reach| {
            let changed = *reach != Reach::Up;
            *reach = Reach::Up;
            changed
        });
    }

    fn down(&self, cause: Outage) {
        self.down_since(cause, Utc::now());
    }

    fn down_since(&self, cause: Outage, since: DateTime<Utc>) {
        self.reach.send_if_modified(|reach| match reach {
            Reach::Down { cause: was, .. } if *was == cause => false,
            Reach::Down { cause: was, .. } => {
                *was = cause;
                true
            }
            Reach::Up => {
                *reach = Reach::Down { since, cause };
                true
            }
        });
    }

    pub(super) async fn close(&self) {
        self.wanted.notify_one();
        let mut slot = self.slot.lock().await;
        drop(slot.listener.take());
        if let Some(pool) = slot.pool.take() {
            // A connection that died silently would hold this up for minutes.
            let _ = tokio::time::timeout(CONNECT_TIMEOUT, pool.close()).await;
        }
    }
}

/// Brings the schema up to date on the link's own connection (boxed for the same reason as
/// [`Link::session`]).
fn migrate(conn: &mut PgConnection) -> BoxFuture<'_, Result<(), sqlx::migrate::MigrateError>> {
    Box::pin(PG_MIGRATIONS.run_direct(None, conn, false))
}

/// Lets go of the pool of a connection given up on, without waiting: its listener, dropped,
/// says UNLISTEN and gives its connection back first, which on a dead connection can take as
/// long as TCP takes to notice.
fn forget_pool(slot: &mut Slot) {
    if let Some(pool) = slot.pool.take() {
        tokio::spawn(async move { pool.close().await });
    }
}
