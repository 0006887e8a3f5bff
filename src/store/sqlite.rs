//! The SQLite side: opening the file (and refusing one that belongs to another application)
//! and letting go of a connection whose work failed.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection, Sqlite, SqliteConnection};

use super::StoreError;

/// Another warroom writing holds the lock for milliseconds; a lock held past this is an
/// outage ("database locked"), kept in the journal, not a change lost.
const BUSY_TIMEOUT: Duration = Duration::from_secs(3);

/// The tables a warroom database may hold (SQLite's own aside).
const OURS: [&str; 4] = ["events", "presence", "samples", "_sqlx_migrations"];

/// The pool over the file: one connection writes, one follows the log; more would only hold
/// more page cache. `writable`: create it if missing, in WAL mode; else open it read-only, as
/// it is.
pub(super) async fn open_pool(
    path: &Path,
    writable: bool,
    max_pages: Option<u32>,
) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .busy_timeout(BUSY_TIMEOUT)
        // The day's log is small; SQLite's default 2 MiB page cache per connection is most
        // of warroom's memory otherwise.
        .pragma("cache_size", "-512");
    let options = match max_pages {
        Some(pages) => options.pragma("max_page_count", pages.to_string()),
        None => options,
    };
    let options = if writable {
        options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL in WAL mode fsyncs the WAL on every commit: a committed tick survives power
            // loss.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
    } else {
        options.read_only(true)
    };
    SqlitePoolOptions::new()
        .max_connections(if writable { 2 } else { 1 })
        // A local file's connection cannot go stale the way a server's can, and one that fails
        // is closed by the caller (`discard`): a ping before every use was a second trip to
        // the connection's thread for each statement.
        .test_before_acquire(false)
        .connect_with(options)
        .await
}

/// The file and its write-ahead log as seen from outside: the length and modification time of
/// each. Every commit, by this process or another, appends to the log or (after a checkpoint)
/// rewrites it, so while the stamp stays the same there is nothing new to read. Modification
/// times are coarse (a few milliseconds), so a follower trusting it still reads now and then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp([Option<(u64, SystemTime)>; 2]);

pub(super) fn stamp(path: &Path) -> Stamp {
    let look = |path: &Path| {
        std::fs::metadata(path)
            .ok()
            .and_then(|m| Some((m.len(), m.modified().ok()?)))
    };
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    Stamp([look(path), look(Path::new(&wal))])
}

/// How the file looked before a follower's last read that succeeded, of what (`K`: the day
/// read, or nothing), and when. While it looks the same, nothing new was committed.
#[derive(Debug)]
pub(super) struct Quiet<K = ()>(Option<(Stamp, K, tokio::time::Instant)>);

impl<K> Default for Quiet<K> {
    fn default() -> Self {
        Self(None)
    }
}

impl<K: PartialEq> Quiet<K> {
    /// A read of `of` can be skipped: the file looks as it did before the last one, which was
    /// less than `within` ago. `now` is `None` on PostgreSQL: never.
    pub(super) fn holds(&self, now: Option<Stamp>, of: &K, within: Duration) -> bool {
        matches!((now, &self.0), (Some(now), Some((seen, seen_of, at)))
            if now == *seen && seen_of == of && at.elapsed() < within)
    }

    /// The read of `of` that started when the file looked like `stamp` is over: `ok` when it
    /// succeeded (a failed one is tried again at the next look).
    pub(super) fn read(&mut self, stamp: Option<Stamp>, of: K, ok: bool) {
        self.0 = stamp
            .filter(|_| ok)
            .map(|stamp| (stamp, of, tokio::time::Instant::now()));
    }
}

/// Refuses a file that is not a warroom database — another application's tables, or an
/// `events` table that is not ours — before anything is written to it (not even WAL mode).
/// A missing or empty file is fine: it becomes one.
pub(super) async fn refuse_foreign(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() == 0 => return Ok(()),
        Ok(_) => {}
        // Missing (created next) or unreadable (the open that follows says why).
        Err(_) => return Ok(()),
    }
    let sql = |source| StoreError::Sql {
        path: shown.clone(),
        source,
    };
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(sql)?
        .filename(path)
        .read_only(true)
        .busy_timeout(BUSY_TIMEOUT);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(sql)?;
    let tables: Result<Vec<String>, sqlx::Error> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await;
    let events_columns: Result<Vec<String>, sqlx::Error> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('events')")
            .fetch_all(&mut conn)
            .await;
    let _ = conn.close().await;
    let tables = tables.map_err(sql)?;
    let events_columns = events_columns.map_err(sql)?;
    let foreign: Vec<String> = tables
        .iter()
        .filter(|t| !OURS.contains(&t.as_str()))
        .cloned()
        .collect();
    let events_are_ours = events_columns.is_empty()
        || ["seq", "id", "at", "launch", "day", "kind", "payload"]
            .iter()
            .all(|c| events_columns.iter().any(|have| have == c));
    if foreign.is_empty() && events_are_ours {
        return Ok(());
    }
    let mut named = if foreign.is_empty() {
        vec!["an events table of another shape".to_string()]
    } else {
        foreign
    };
    if named.len() > 5 {
        let more = named.len() - 5;
        named.truncate(5);
        named.push(format!("{more} more tables"));
    }
    Err(StoreError::NotWarroom {
        path: shown,
        tables: named,
    })
}

/// Closes a connection whose work failed instead of returning it to the pool: after a failed
/// COMMIT (disk full, lock timeout) SQLite may or may not have rolled back, and sqlx's count
/// of open transactions may no longer match; on a fresh connection nothing is pending.
pub(super) async fn discard(pooled: PoolConnection<Sqlite>) {
    let conn = pooled.detach();
    if let Err(e) = conn.close().await {
        tracing::debug!(error = %e, "closing a failed connection");
    }
}
