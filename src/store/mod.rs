//! Persistence: the append-only event log in SQLite (sqlx), behind a small API.
//!
//! A change is durable before anyone sees it: `append` returns only after the transaction
//! committed with `synchronous = FULL` in WAL mode, i.e. after the WAL was fsynced.

mod event;
pub mod worker;

pub use event::{Author, Change, Event};

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, migrate::Migrator};
use uuid::Uuid;

static MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");

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

/// An event together with its position in the log.
#[derive(Debug, Clone)]
pub struct Stored {
    pub seq: i64,
    pub event: Event,
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
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
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(sql)?;
        MIGRATIONS
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate {
                path: shown.clone(),
                source,
            })?;
        Ok(Self {
            pool,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql_error(&self, source: sqlx::Error) -> StoreError {
        StoreError::Sql {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// Appends one event in its own transaction. Appending an event whose id is already in the
    /// log is a no-op, so a retried write never doubles an event. Returns its sequence number.
    pub async fn append(&self, event: &Event) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.sql_error(e))?;
        sqlx::query(
            "INSERT INTO events (id, at, launch, day, operator, origin, kind, item, payload)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(event.id.to_string())
        .bind(event.at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .bind(&event.launch)
        .bind(event.day.to_string())
        .bind(&event.operator)
        .bind(&event.origin)
        .bind(event.change.kind())
        .bind(&event.item)
        .bind(event.change.payload())
        .execute(&mut *tx)
        .await
        .map_err(|e| self.sql_error(e))?;
        let seq: i64 = sqlx::query_scalar("SELECT seq FROM events WHERE id = ?")
            .bind(event.id.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| self.sql_error(e))?;
        tx.commit().await.map_err(|e| self.sql_error(e))?;
        Ok(seq)
    }

    /// Every event of one launch day, in commit order.
    pub async fn day_events(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Stored>, StoreError> {
        self.events_after(launch, day, 0).await
    }

    /// The day's events committed after `seq` (by this or any other process on the same file).
    pub async fn events_after(
        &self,
        launch: &str,
        day: NaiveDate,
        seq: i64,
    ) -> Result<Vec<Stored>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, at, launch, day, operator, origin, kind, item, payload
             FROM events WHERE launch = ? AND day = ? AND seq > ? ORDER BY seq",
        )
        .bind(launch)
        .bind(day.to_string())
        .bind(seq)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.sql_error(e))?;
        rows.iter().map(|row| self.decode(row)).collect()
    }

    fn decode(&self, row: &sqlx::sqlite::SqliteRow) -> Result<Stored, StoreError> {
        let get = |name: &str| -> Result<String, StoreError> {
            row.try_get::<String, _>(name)
                .map_err(|e| self.sql_error(e))
        };
        let id_text = get("id")?;
        let corrupt = |field: &'static str, value: String| StoreError::Corrupt {
            path: self.path.display().to_string(),
            id: id_text.clone(),
            field,
            value,
        };
        let id = Uuid::parse_str(&id_text).map_err(|_| corrupt("id", id_text.clone()))?;
        let at_text = get("at")?;
        let at = DateTime::parse_from_rfc3339(&at_text)
            .map_err(|_| corrupt("at", at_text.clone()))?
            .with_timezone(&Utc);
        let day_text = get("day")?;
        let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
            .map_err(|_| corrupt("day", day_text.clone()))?;
        let item: Option<String> = row.try_get("item").map_err(|e| self.sql_error(e))?;
        let seq: i64 = row.try_get("seq").map_err(|e| self.sql_error(e))?;
        Ok(Stored {
            seq,
            event: Event {
                id,
                at,
                launch: get("launch")?,
                day,
                operator: get("operator")?,
                origin: get("origin")?,
                item,
                change: Change::from_stored(&get("kind")?, &get("payload")?),
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
        let mut tx = self.pool.begin().await.map_err(|e| self.sql_error(e))?;
        for s in samples {
            sqlx::query(
                "INSERT INTO samples (launch, day, source, series, minute, value) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (launch, day, source, series, minute) DO UPDATE SET
                 value = CASE WHEN substr(excluded.series, 1, 1) = '_' THEN samples.value + excluded.value ELSE excluded.value END",
            )
            .bind(launch)
            .bind(day.to_string())
            .bind(&s.source)
            .bind(&s.series)
            .bind(s.minute.to_rfc3339_opts(SecondsFormat::Secs, true))
            .bind(s.value)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.sql_error(e))?;
        }
        tx.commit().await.map_err(|e| self.sql_error(e))
    }

    /// The day's samples, oldest first.
    pub async fn day_samples(
        &self,
        launch: &str,
        day: NaiveDate,
    ) -> Result<Vec<Sample>, StoreError> {
        let rows = sqlx::query("SELECT source, series, minute, value FROM samples WHERE launch = ? AND day = ? ORDER BY minute")
            .bind(launch)
            .bind(day.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.sql_error(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let minute: String = row.try_get("minute").map_err(|e| self.sql_error(e))?;
            let Ok(minute) = DateTime::parse_from_rfc3339(&minute) else {
                continue;
            };
            out.push(Sample {
                source: row.try_get("source").map_err(|e| self.sql_error(e))?,
                series: row.try_get("series").map_err(|e| self.sql_error(e))?,
                minute: minute.with_timezone(&Utc),
                value: row.try_get("value").map_err(|e| self.sql_error(e))?,
            });
        }
        Ok(out)
    }

    /// Waits for in-flight work and closes the database cleanly (checkpointing the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
