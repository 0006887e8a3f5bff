//! Persistence: the append-only event log in SQLite or PostgreSQL (sqlx), behind a small API.
//!
//! A change is durable before anyone sees it: `append` returns only after its COMMIT returned
//! success on that connection — with `synchronous = FULL` in WAL mode on SQLite (the WAL was
//! fsynced), or acknowledged by the PostgreSQL server. Any error on the way rolls back and
//! drops the connection, so that no later write can land in a transaction that will never
//! commit.
//!
//! Both backends share one schema and, where the SQL is the same, one query: `$N` placeholders
//! work on both.

mod calls;
mod event;
mod outage;
mod pg;
mod redact;
mod sqlite;

pub use event::{
    Author, Change, Event, Evidence, EvidenceFact, NoData, SourceSaid, WARROOM, Watched,
};
pub use outage::Outage;
pub use redact::redact;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqlitePool;
use tokio::sync::watch;
use uuid::Uuid;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The `LISTEN` channel the events table's insert trigger notifies (migrations/postgres).
pub const CHANNEL: &str = "warroom_events";

/// Past this a query on PostgreSQL counts as unanswered: a connection that died without a
/// word (a cable pulled, a VPN dropped) can otherwise wait through minutes of TCP retries.
/// A write that timed out may still have committed: its replay from the journal is a no-op.
pub const DB_TIMEOUT: Duration = Duration::from_secs(5);
/// Sample rows per INSERT: six parameters each stays far below SQLite's 32,766 and
/// PostgreSQL's 65,535.
pub const SAMPLE_ROWS: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: cannot create its folder: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database {path}: {source}")]
    Sql {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database {path}: migration failed: {source}")]
    Migrate {
        path: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The server turned the connection away (too many clients, a wrong password, no such
    /// database), in its own words.
    #[error("database {path}: PostgreSQL refused the connection: {message}")]
    Refused {
        path: String,
        sqlstate: String,
        message: String,
    },
    #[error("database {path}: no answer within {} s", after.as_secs())]
    TimedOut { path: String, after: Duration },
    #[error(
        "{path} is not a warroom database (it holds {}); warroom left it unchanged — name another file with --db",
        tables.join(", ")
    )]
    NotWarroom { path: String, tables: Vec<String> },
}

/// One downsampled live value: the last value of a series in a minute, or a counter's sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub source: String,
    pub series: String,
    pub minute: DateTime<Utc>,
    pub value: f64,
}

impl Sample {
    /// Counters (`_polls`, `_up`) add up within their minute; other series keep the last value.
    pub fn is_counter(&self) -> bool {
        samples::is_counter(&self.series)
    }
}

/// An event together with its position in the log.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: i64,
    pub event: Event,
}

/// A row of the log that cannot be read back (written by hand, or by a broken tool): skipped,
/// and said so, so that the rest of the day still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub seq: i64,
    /// The column at fault: "id", "at" or "day".
    pub field: &'static str,
    pub value: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "event {} unreadable: bad {} {:?}",
            self.seq, self.field, self.value
        )
    }
}

/// What a read of the log found: the events in commit order, the rows it had to skip, and the
/// highest position it saw (so that a follower moves past skipped rows too).
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub events: Vec<Stored>,
    pub unreadable: Vec<Unreadable>,
    pub last_seq: i64,
}

/// Whether the database answers: shared by every task using one store. On SQLite it is always
/// `Up` (a file does not go away); writes that fail say why through their own errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Up,
    Down { since: DateTime<Utc>, cause: Outage },
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Pg(Arc<pg::Link>),
}

/// Runs `$body` (an async block) with `$conn` bound to one connection of the store — a
/// `&mut SqliteConnection` or `&mut PgConnection` — and its `BEGIN` statement in `$begin`:
/// the same SQL, compiled once per database type. A connection whose work failed is closed,
/// never handed to the next caller (it may be inside a transaction that will never commit).
macro_rules! with_conn {
    ($store:expr, ($conn:ident, $begin:ident) => $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite(pool) => {
                let $begin = "BEGIN IMMEDIATE";
                match pool.acquire().await {
                    Ok(mut pooled) => {
                        let result = {
                            let $conn: &mut sqlx::SqliteConnection = &mut pooled;
                            $body.await
                        };
                        if result.is_err() {
                            $crate::store::sqlite::discard(pooled).await;
                        }
                        result.map_err(|e| $store.sql_error(e))
                    }
                    Err(e) => Err($store.sql_error(e)),
                }
            }
            $crate::store::Backend::Pg(link) => {
                let $begin = "BEGIN";
                let mut session = link.session().await?;
                let result = match sqlx::Acquire::acquire(session.listener()).await {
                    Ok($conn) => tokio::time::timeout($crate::store::DB_TIMEOUT, $body).await,
                    Err(e) => Ok(Err(e)),
                };
                link.settle(session, result).await
            }
        }
    };
}

// After the macro, so that these modules can use it.
pub mod journal;
pub mod presence;
pub mod reader;
pub mod reply;
pub mod samples;
pub mod worker;
mod writer;

/// The columns of `events` as read back, in SELECT order, all as text so that a row with a
/// value of the wrong type is reported, not fatal to the whole read.
type Row = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// The SQLite file, or the PostgreSQL URL without its password.
    location: String,
    path: PathBuf,
    reach: watch::Receiver<Reach>,
}

/// Does this look like a PostgreSQL URL rather than a file name?
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Store {
    /// A `postgres://` URL opens PostgreSQL (and waits for it to answer); anything else is a
    /// SQLite file path.
    pub async fn connect(url_or_path: &str) -> Result<Self, StoreError> {
        if is_postgres_url(url_or_path) {
            let store = Self::postgres_url(url_or_path)?;
            store.ping().await?;
            Ok(store)
        } else {
            Self::open(Path::new(url_or_path)).await
        }
    }

    /// A PostgreSQL store that has not connected yet: it connects on first use, and again
    /// whenever its connection is lost. For starting while the database is down.
    pub fn postgres_url(url: &str) -> Result<Self, StoreError> {
        let shown = redact(url);
        let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Sql {
            path: shown.clone(),
            source,
        })?;
        // Named so that an administrator can tell warrooms apart in pg_stat_activity, unless
        // the URL names itself.
        let options = if url.contains("application_name=") {
            options
        } else {
            options.application_name("warroom")
        };
        Ok(Self::postgres(options, &shown))
    }

    /// Like [`Self::postgres_url`] with explicit options (tests set `search_path` and
    /// `application_name` here); `shown` names the database and must not carry a password.
    pub fn postgres(options: PgConnectOptions, shown: &str) -> Self {
        let (link, reach) = pg::Link::new(options, shown);
        Self {
            backend: Backend::Pg(Arc::new(link)),
            location: shown.to_string(),
            path: PathBuf::from(shown),
            reach,
        }
    }

    /// A PostgreSQL store that only reads (the wall display): one connection, made on first
    /// use and again when lost, no migrations, no presence row; SELECT on the tables is all
    /// the role needs.
    pub fn postgres_reader(url: &str) -> Result<Self, StoreError> {
        let shown = redact(url);
        let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Sql {
            path: shown.clone(),
            source,
        })?;
        let options = if url.contains("application_name=") {
            options
        } else {
            options.application_name("warroom-wall")
        };
        Ok(Self::postgres_reading(options, &shown))
    }

    /// Like [`Self::postgres_reader`] with explicit options (tests set `search_path`).
    pub fn postgres_reading(options: PgConnectOptions, shown: &str) -> Self {
        let (link, reach) = pg::Link::reader(options, shown);
        Self {
            backend: Backend::Pg(Arc::new(link)),
            location: shown.to_string(),
            path: PathBuf::from(shown),
            reach,
        }
    }

    /// Opens PostgreSQL now: connects, brings the schema up to date and LISTENs.
    pub async fn open_postgres(options: PgConnectOptions, shown: &str) -> Result<Self, StoreError> {
        let store = Self::postgres(options, shown);
        store.ping().await?;
        Ok(store)
    }

    /// Opens (creating if needed) the SQLite database at `path` and brings its schema up to
    /// date. A file that holds another application's tables is refused, unchanged.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_sqlite(path, None).await
    }

    /// Like [`Self::open`], with the file capped at `max_pages` pages (SQLite's
    /// `PRAGMA max_page_count`), as a full disk would cap it: for drills and tests of what
    /// warroom does when the disk fills, without filling one.
    pub async fn open_capped(path: &Path, max_pages: u32) -> Result<Self, StoreError> {
        Self::open_sqlite(path, Some(max_pages)).await
    }

    async fn open_sqlite(path: &Path, max_pages: Option<u32>) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                path: shown.clone(),
                source,
            })?;
        }
        sqlite::refuse_foreign(path).await?;
        let pool = sqlite::open_pool(path, true, max_pages)
            .await
            .map_err(|source| StoreError::Sql {
                path: shown.clone(),
                source,
            })?;
        if let Err(source) = SQLITE_MIGRATIONS.run(&pool).await {
            pool.close().await;
            return Err(StoreError::Migrate {
                path: shown,
                source,
            });
        }
        Ok(Self::sqlite(pool, path))
    }

    fn sqlite(pool: SqlitePool, path: &Path) -> Self {
        // A file does not go away: never `Down`. Writes that fail say why in their errors.
        let (_, reach) = watch::channel(Reach::Up);
        Self {
            backend: Backend::Sqlite(pool),
            location: path.display().to_string(),
            path: path.to_path_buf(),
            reach,
        }
    }

    /// Opens an existing SQLite database read-only, as it is: no migrations, nothing written.
    /// For reading a database whose schema cannot be brought up to date (the report does this
    /// rather than refuse a database an older warroom wrote); tables it lacks fail their reads.
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        sqlite::refuse_foreign(path).await?;
        let pool = sqlite::open_pool(path, false, None)
            .await
            .map_err(|source| StoreError::Sql {
                path: shown,
                source,
            })?;
        Ok(Self::sqlite(pool, path))
    }

    /// The SQLite file (for PostgreSQL: the redacted URL as a path, for display only).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the log lives, safe to show and log: a file path or a URL without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// On SQLite, how the file looks now: unchanged since a read, nothing was committed after
    /// it. PostgreSQL says so by notifications instead (`None`).
    pub(crate) fn stamp(&self) -> Option<sqlite::Stamp> {
        match self.backend {
            Backend::Sqlite(_) => Some(sqlite::stamp(&self.path)),
            Backend::Pg(_) => None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Pg(_))
    }

    /// Whether the database answers, as the last use of it found; changes as it does.
    pub fn reach(&self) -> watch::Receiver<Reach> {
        self.reach.clone()
    }

    fn sql_error(&self, source: sqlx::Error) -> StoreError {
        StoreError::Sql {
            path: self.location.clone(),
            source,
        }
    }

    /// Connects if need be and asks the database something trivial: is it there?
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_conn!(self, (conn, _begin) => async {
            sqlx::query("SELECT 1").execute(&mut *conn).await.map(|_| ())
        })
    }

    /// On PostgreSQL, waits until another warroom's commit is announced (NOTIFY), or the
    /// connection was (re)established, when notifications may have been missed. Gives the
    /// connection up to anyone else who needs it meanwhile. On SQLite it never returns.
    pub async fn wait_news(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Pg(link) => link.wait_news().await,
            Backend::Sqlite(_) => std::future::pending().await,
        }
    }

    /// Appends one event in its own transaction. Appending an event whose id is already in the
    /// log is a no-op, so a retried write never doubles an event. Returns its sequence number,
    /// only once the COMMIT returned success.
    pub async fn append(&self, event: &Event) -> Result<i64, StoreError> {
        // PostgreSQL hands out identity values at insert but makes rows visible at commit, so
        // two concurrent appends could commit out of seq order and a follower reading
        // `seq > last` would skip one for good. The lock (self-conflicting, readers unaffected)
        // makes seq order and commit order the same. SQLite's single writer already does that.
        let lock = self
            .is_postgres()
            .then_some("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE");
        let id = event.id.to_string();
        let at = event.at.to_rfc3339_opts(SecondsFormat::Millis, true);
        let day = event.day.to_string();
        let payload = event.change.payload();
        with_conn!(self, (conn, begin) => async {
            let mut tx = sqlx::Connection::begin_with(conn, begin).await?;
            if let Some(lock) = lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO events (id, at, launch, day, operator, origin, kind, item, payload)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&id)
            .bind(&at)
            .bind(&event.launch)
            .bind(&day)
            .bind(&event.operator)
            .bind(&event.origin)
            .bind(event.change.kind())
            .bind(&event.item)
            .bind(&payload)
            .execute(&mut *tx)
            .await?;
            let seq: i64 = sqlx::query_scalar("SELECT seq FROM events WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(seq)
        })
    }

    /// Every readable event of one launch day, in commit order; unreadable rows are logged
    /// and skipped ([`Self::read`] says which).
    pub async fn day_events(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Stored>, StoreError> {
        self.events_after(launch, day, 0).await
    }

    /// The day's readable events committed after `seq` (by this or any other process).
    pub async fn events_after(
        &self,
        launch: &str,
        day: NaiveDate,
        seq: i64,
    ) -> Result<Vec<Stored>, StoreError> {
        Ok(self.read(launch, day, seq).await?.events)
    }

    /// The day's events committed after `seq`, with the rows that could not be read.
    pub async fn read(&self, launch: &str, day: NaiveDate, seq: i64) -> Result<Read, StoreError> {
        const SQL: &str = "SELECT seq, CAST(id AS TEXT), CAST(at AS TEXT), CAST(launch AS TEXT),
                    CAST(day AS TEXT), CAST(operator AS TEXT), CAST(origin AS TEXT),
                    CAST(kind AS TEXT), CAST(item AS TEXT), CAST(payload AS TEXT)
             FROM events WHERE launch = $1 AND day = $2 AND seq > $3 ORDER BY seq";
        let day_text = day.to_string();
        let rows: Vec<Row> = with_conn!(self, (conn, _begin) => async {
            sqlx::query_as(SQL)
                .bind(launch)
                .bind(&day_text)
                .bind(seq)
                .fetch_all(&mut *conn)
                .await
        })?;
        Ok(self.decode_all(rows, seq))
    }

    /// Rows as events, the unreadable ones set aside and said so.
    fn decode_all(&self, rows: Vec<Row>, after: i64) -> Read {
        let mut read = Read {
            last_seq: after,
            ..Read::default()
        };
        for row in rows {
            read.last_seq = read.last_seq.max(row.0);
            match decode(row) {
                Ok(stored) => read.events.push(stored),
                Err(bad) => {
                    tracing::warn!(db = %self.location, "{bad}; skipped");
                    read.unreadable.push(bad);
                }
            }
        }
        read
    }

    /// The readable events of every day from `first` to `last` (inclusive), in commit order:
    /// the pilot's log across its days, for what outlives a day (sign-offs, verdicts on
    /// targets, the expansion items as last ticked).
    pub async fn read_days(
        &self,
        launch: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Read, StoreError> {
        // Days are stored as YYYY-MM-DD: as text they sort as dates.
        const SQL: &str = "SELECT seq, CAST(id AS TEXT), CAST(at AS TEXT), CAST(launch AS TEXT),
                    CAST(day AS TEXT), CAST(operator AS TEXT), CAST(origin AS TEXT),
                    CAST(kind AS TEXT), CAST(item AS TEXT), CAST(payload AS TEXT)
             FROM events WHERE launch = $1 AND day >= $2 AND day <= $3 ORDER BY seq";
        let (first, last) = (first.to_string(), last.to_string());
        let rows: Vec<Row> = with_conn!(self, (conn, _begin) => async {
            sqlx::query_as(SQL)
                .bind(launch)
                .bind(&first)
                .bind(&last)
                .fetch_all(&mut *conn)
                .await
        })?;
        Ok(self.decode_all(rows, 0))
    }

    /// Saves a batch of samples in one transaction, merged first as the table merges them
    /// and written [`SAMPLE_ROWS`] rows per statement: a thousand sources' quarter-minute is
    /// a few dozen statements, not thousands.
    pub async fn save_samples(
        &self,
        launch: &str,
        day: NaiveDate,
        samples: &[Sample],
    ) -> Result<(), StoreError> {
        let day = day.to_string();
        let rows = samples.iter().cloned().collect::<samples::Samples>().take();
        with_conn!(self, (conn, begin) => async {
            let mut tx = sqlx::Connection::begin_with(conn, begin).await?;
            for chunk in rows.chunks(SAMPLE_ROWS) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO samples (launch, day, source, series, minute, value) ",
                );
                insert.push_values(chunk, |mut row, s| {
                    row.push_bind(launch)
                        .push_bind(&day)
                        .push_bind(&s.source)
                        .push_bind(&s.series)
                        .push_bind(s.minute.to_rfc3339_opts(SecondsFormat::Secs, true))
                        .push_bind(s.value);
                });
                insert.push(
                    " ON CONFLICT (launch, day, source, series, minute) DO UPDATE SET value =
                     CASE WHEN substr(excluded.series, 1, 1) = '_'
                          THEN samples.value + excluded.value ELSE excluded.value END",
                );
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await
        })
    }

    /// The day's samples, oldest first.
    pub async fn day_samples(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Sample>, StoreError> {
        let day = day.to_string();
        let rows: Vec<(String, String, String, f64)> = with_conn!(self, (conn, _begin) => async {
            sqlx::query_as(
                "SELECT source, series, minute, value FROM samples
                 WHERE launch = $1 AND day = $2 ORDER BY minute",
            )
            .bind(launch)
            .bind(&day)
            .fetch_all(&mut *conn)
            .await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(source, series, minute, value)| {
                let minute = DateTime::parse_from_rfc3339(&minute)
                    .ok()?
                    .with_timezone(&Utc);
                Some(Sample {
                    source,
                    series,
                    minute,
                    value,
                })
            })
            .collect())
    }

    /// The samples of every day from `first` to `last` (inclusive), by day, each oldest
    /// first: a pilot week's numbers in one read. Days without samples are absent.
    pub async fn samples_of_days(
        &self,
        launch: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<std::collections::BTreeMap<NaiveDate, Vec<Sample>>, StoreError> {
        let (first, last) = (first.to_string(), last.to_string());
        let rows: Vec<(String, String, String, String, f64)> = with_conn!(self, (conn, _begin) => async {
            sqlx::query_as(
                "SELECT day, source, series, minute, value FROM samples
                 WHERE launch = $1 AND day >= $2 AND day <= $3 ORDER BY day, minute",
            )
            .bind(launch)
            .bind(&first)
            .bind(&last)
            .fetch_all(&mut *conn)
            .await
        })?;
        let mut days: std::collections::BTreeMap<NaiveDate, Vec<Sample>> =
            std::collections::BTreeMap::new();
        for (day, source, series, minute, value) in rows {
            // A row that does not read (written by hand) is left out, as `day_samples` does.
            let (Ok(day), Ok(minute)) = (
                NaiveDate::parse_from_str(&day, "%Y-%m-%d"),
                DateTime::parse_from_rfc3339(&minute),
            ) else {
                continue;
            };
            days.entry(day).or_default().push(Sample {
                source,
                series,
                minute: minute.with_timezone(&Utc),
                value,
            });
        }
        Ok(days)
    }

    /// Waits for in-flight work and closes the database cleanly (checkpointing the WAL).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Pg(link) => link.close().await,
        }
    }
}

fn decode(row: Row) -> Result<Stored, Unreadable> {
    let (seq, id, at, launch, day, operator, origin, kind, item, payload) = row;
    let bad = |field: &'static str, value: &Option<String>| Unreadable {
        seq,
        field,
        value: value.clone().unwrap_or_default(),
    };
    let parsed_id = id
        .as_deref()
        .and_then(|t| Uuid::parse_str(t).ok())
        .ok_or_else(|| bad("id", &id))?;
    let parsed_at = at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(|| bad("at", &at))?
        .with_timezone(&Utc);
    let parsed_day = day
        .as_deref()
        .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .ok_or_else(|| bad("day", &day))?;
    let kind = kind.ok_or_else(|| bad("kind", &None))?;
    Ok(Stored {
        seq,
        event: Event {
            id: parsed_id,
            at: parsed_at,
            launch: launch.unwrap_or_default(),
            day: parsed_day,
            operator: operator.unwrap_or_default(),
            origin: origin.unwrap_or_default(),
            item,
            change: Change::from_stored(&kind, payload.as_deref().unwrap_or("{}")),
        },
    })
}
