//! Persistence: the append-only event log in SQLite or PostgreSQL (sqlx), behind a small API.
//!
//! A change is durable before anyone sees it: `append` returns only after the transaction
//! committed — with `synchronous = FULL` in WAL mode on SQLite (the WAL was fsynced), or
//! acknowledged by the PostgreSQL server.
//!
//! Both backends share one schema and, where the SQL is the same, one query: `$N` placeholders
//! work on both.

mod event;
mod redact;

pub use event::{
    Author, Change, Event, Evidence, EvidenceFact, NoData, SourceSaid, WARROOM, Watched,
};
pub use redact::redact;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static PG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The `LISTEN` channel the events table's insert trigger notifies (migrations/postgres).
pub const CHANNEL: &str = "warroom_events";

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
    #[error("database {path}: no answer within {} s", after.as_secs())]
    TimedOut { path: String, after: Duration },
    #[error("database {path}: event {id} has an unreadable {field}: {value:?}")]
    Corrupt {
        path: String,
        id: String,
        field: &'static str,
        value: String,
    },
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
        self.series.starts_with('_')
    }
}

impl StoreError {
    /// Is the database out of reach (network, server restart, terminated connection) rather
    /// than refusing this particular write? Only then is a change worth keeping and retrying.
    pub fn is_unreachable(&self) -> bool {
        let source = match self {
            Self::Sql { source, .. } => source,
            Self::TimedOut { .. } => return true,
            _ => return false,
        };
        match source {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception) and 57P (operator intervention: admin
            // shutdown, terminated backend, cannot connect now).
            sqlx::Error::Database(e) => e
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
            _ => false,
        }
    }
}

/// An event together with its position in the log.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: i64,
    pub event: Event,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store has: the same SQL, compiled
/// once per database type.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Pg($pool) => $body,
        }
    };
}

// After the macro, so that these modules can use it.
pub mod journal;
pub mod presence;
pub mod worker;

/// The columns of `events` as read back, in SELECT order.
type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    /// The SQLite file, or the PostgreSQL URL without its password.
    location: String,
    path: PathBuf,
}

/// Does this look like a PostgreSQL URL rather than a file name?
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Store {
    /// A `postgres://` URL opens PostgreSQL; anything else is a SQLite file path.
    pub async fn connect(url_or_path: &str) -> Result<Self, StoreError> {
        if is_postgres_url(url_or_path) {
            let shown = redact(url_or_path);
            let options =
                PgConnectOptions::from_str(url_or_path).map_err(|source| StoreError::Sql {
                    path: shown.clone(),
                    source,
                })?;
            // Named so that an administrator can tell warrooms apart in pg_stat_activity,
            // unless the URL names itself.
            let options = if url_or_path.contains("application_name=") {
                options
            } else {
                options.application_name("warroom")
            };
            Self::open_postgres(options, &shown).await
        } else {
            Self::open(Path::new(url_or_path)).await
        }
    }

    /// Opens (creating if needed) the SQLite database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                path: shown.clone(),
                source,
            })?;
        }
        let sql = |source| StoreError::Sql {
            path: shown.clone(),
            source,
        };
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(sql)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL in WAL mode fsyncs the WAL on every commit: a committed tick survives power loss.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // The day's log is small; SQLite's default 2 MiB page cache per connection is most
            // of warroom's memory otherwise.
            .pragma("cache_size", "-512");
        // One connection writes, one follows the log: more would only hold more page cache.
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .map_err(sql)?;
        SQLITE_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                path: shown.clone(),
                source,
            })?;
        Ok(Self::sqlite(pool, path))
    }

    fn sqlite(pool: SqlitePool, path: &Path) -> Self {
        Self {
            backend: Backend::Sqlite(pool),
            location: path.display().to_string(),
            path: path.to_path_buf(),
        }
    }

    /// Opens an existing SQLite database read-only, as it is: no migrations, nothing written.
    /// For reading a database whose schema cannot be brought up to date (the report does this
    /// rather than refuse a database an older warroom wrote); tables it lacks fail their reads.
    pub async fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        let sql = |source| StoreError::Sql {
            path: shown.clone(),
            source,
        };
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(sql)?
            .filename(path)
            .read_only(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(sql)?;
        Ok(Self::sqlite(pool, path))
    }

    /// Opens PostgreSQL with explicit options (tests set `search_path` and `application_name`
    /// here); `shown` names the database in errors and must not carry a password.
    pub async fn open_postgres(options: PgConnectOptions, shown: &str) -> Result<Self, StoreError> {
        let sql = |source| StoreError::Sql {
            path: shown.to_string(),
            source,
        };
        let pool = PgPoolOptions::new()
            .max_connections(4)
            // Short, so that an unreachable server turns into an outage quickly instead of
            // holding writes for the pool's default 30 s. The worker is the pool's only user,
            // so this is in effect a connect timeout.
            .acquire_timeout(Duration::from_secs(2))
            .connect_with(options)
            .await
            .map_err(sql)?;
        PG_MIGRATIONS
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                path: shown.to_string(),
                source,
            })?;
        Ok(Self {
            backend: Backend::Pg(pool),
            location: shown.to_string(),
            path: PathBuf::from(shown),
        })
    }

    /// The SQLite file (for PostgreSQL: the redacted URL as a path, for display only).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the log lives, safe to show and log: a file path or a URL without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The PostgreSQL pool, for LISTEN; `None` on SQLite.
    pub fn pg_pool(&self) -> Option<&PgPool> {
        match &self.backend {
            Backend::Pg(pool) => Some(pool),
            Backend::Sqlite(_) => None,
        }
    }

    fn sql_error(&self, source: sqlx::Error) -> StoreError {
        StoreError::Sql {
            path: self.location.clone(),
            source,
        }
    }

    /// Appends one event in its own transaction. Appending an event whose id is already in the
    /// log is a no-op, so a retried write never doubles an event. Returns its sequence number.
    pub async fn append(&self, event: &Event) -> Result<i64, StoreError> {
        // PostgreSQL hands out identity values at insert but makes rows visible at commit, so
        // two concurrent appends could commit out of seq order and a follower reading
        // `seq > last` would skip one for good. The lock (self-conflicting, readers unaffected)
        // makes seq order and commit order the same. SQLite's single writer already does that.
        let lock = matches!(self.backend, Backend::Pg(_))
            .then_some("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE");
        let id = event.id.to_string();
        let result: Result<i64, sqlx::Error> = with_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            if let Some(lock) = lock {
                sqlx::query(lock).execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO events (id, at, launch, day, operator, origin, kind, item, payload)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&id)
            .bind(event.at.to_rfc3339_opts(SecondsFormat::Millis, true))
            .bind(&event.launch)
            .bind(event.day.to_string())
            .bind(&event.operator)
            .bind(&event.origin)
            .bind(event.change.kind())
            .bind(&event.item)
            .bind(event.change.payload())
            .execute(&mut *tx)
            .await?;
            let seq: i64 = sqlx::query_scalar("SELECT seq FROM events WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(seq)
        }.await);
        result.map_err(|e| self.sql_error(e))
    }

    /// Every event of one launch day, in commit order.
    pub async fn day_events(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Stored>, StoreError> {
        self.events_after(launch, day, 0).await
    }

    /// The day's events committed after `seq` (by this or any other process on the database).
    pub async fn events_after(
        &self,
        launch: &str,
        day: NaiveDate,
        seq: i64,
    ) -> Result<Vec<Stored>, StoreError> {
        const SQL: &str = "SELECT seq, id, at, launch, day, operator, origin, kind, item, payload
             FROM events WHERE launch = $1 AND day = $2 AND seq > $3 ORDER BY seq";
        let day_text = day.to_string();
        let rows: Result<Vec<Row>, sqlx::Error> = with_pool!(self, pool => {
            sqlx::query_as(SQL)
                .bind(launch)
                .bind(&day_text)
                .bind(seq)
                .fetch_all(pool)
                .await
        });
        let rows = rows.map_err(|e| self.sql_error(e))?;
        rows.into_iter().map(|row| self.decode(row)).collect()
    }

    fn decode(&self, row: Row) -> Result<Stored, StoreError> {
        let (seq, id_text, at_text, launch, day_text, operator, origin, kind, item, payload) = row;
        let corrupt = |field: &'static str, value: &str| StoreError::Corrupt {
            path: self.location.clone(),
            id: id_text.clone(),
            field,
            value: value.to_string(),
        };
        let id = Uuid::parse_str(&id_text).map_err(|_| corrupt("id", &id_text))?;
        let at = DateTime::parse_from_rfc3339(&at_text)
            .map_err(|_| corrupt("at", &at_text))?
            .with_timezone(&Utc);
        let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
            .map_err(|_| corrupt("day", &day_text))?;
        Ok(Stored {
            seq,
            event: Event {
                id,
                at,
                launch,
                day,
                operator,
                origin,
                item,
                change: Change::from_stored(&kind, &payload),
            },
        })
    }

    /// Saves a batch of samples in one transaction.
    pub async fn save_samples(
        &self,
        launch: &str,
        day: NaiveDate,
        samples: &[Sample],
    ) -> Result<(), StoreError> {
        let day = day.to_string();
        let result: Result<(), sqlx::Error> = with_pool!(self, pool => async {
            let mut tx = pool.begin().await?;
            for s in samples {
                sqlx::query(
                    "INSERT INTO samples (launch, day, source, series, minute, value)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (launch, day, source, series, minute) DO UPDATE SET value =
                     CASE WHEN substr(excluded.series, 1, 1) = '_'
                          THEN samples.value + excluded.value ELSE excluded.value END",
                )
                .bind(launch)
                .bind(&day)
                .bind(&s.source)
                .bind(&s.series)
                .bind(s.minute.to_rfc3339_opts(SecondsFormat::Secs, true))
                .bind(s.value)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        }.await);
        result.map_err(|e| self.sql_error(e))
    }

    /// The day's samples, oldest first.
    pub async fn day_samples(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Sample>, StoreError> {
        let day = day.to_string();
        let rows: Result<Vec<(String, String, String, f64)>, sqlx::Error> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT source, series, minute, value FROM samples
                 WHERE launch = $1 AND day = $2 ORDER BY minute",
            )
            .bind(launch)
            .bind(&day)
            .fetch_all(pool)
            .await
        });
        let rows = rows.map_err(|e| self.sql_error(e))?;
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

    /// Waits for in-flight work and closes the database cleanly (checkpointing the WAL).
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
