//! The `postgres` kind: a query returning one number, or reachability (`SELECT 1`, with the
//! connect+query time in ms as `value`).
//!
//! One connection is kept between polls (a pool per poll would reconnect every few seconds);
//! it is taken out of its slot for the duration of a poll and put back only after success, so
//! an error or a poll cancelled by the poller's timeout drops it and the next poll reconnects.
//!
//! The query runs over the simple-query protocol (`raw_sql`), where PostgreSQL sends every
//! value as text: int, float, numeric and bool all arrive as "42", "0.5", "t", and one text
//! parser reads them all (sqlx cannot decode NUMERIC without an extra decimal crate).

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgValueFormat};
use sqlx::{AssertSqlSafe, Connection, Row, ValueRef};
use tokio::sync::Mutex;
use toml::Spanned;

use super::extract::parse_number;
use super::spec::{Check, Reads, SourceKind};
use super::tcp::{connect_timeout, not_connected};
use super::units::Unit;
use super::{Observation, Operand, Probe, SourceError, SourceSpec, with_timeout};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    url: Spanned<String>,
    query: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub url: String,
    /// A query returning one number; without it the probe only checks reachability.
    pub query: Option<String>,
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let url = check.env(&f.url, "url");
        let unset = check.unset.iter().any(|(_, span, _)| *span == f.url.span());
        if !unset && url.parse::<PgConnectOptions>().is_err() {
            // Quoted as written: the substituted URL usually carries a password.
            check.problem(
                f.url.span(),
                "url",
                format!(
                    "{:?} is not a PostgreSQL URL such as postgres://user@host/db",
                    f.url.get_ref()
                ),
            );
        }
        Spec {
            url,
            query: f.query.as_ref().map(|q| check.env(q, "query")),
        }
    }

    fn reads(&self) -> Reads {
        Reads {
            connected: true,
            value: true,
            value_unit: self.query.is_none().then_some(Unit::Ms),
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(PostgresProbe {
            url: self.url.clone(),
            query: self.query.clone(),
            connection: Mutex::new(None),
            timeout: spec.timeout,
            judges_connected: spec.judges(&Operand::Connected),
        }))
    }
}

/// `[CONNECTED]`: whether a connection was made (or kept); a query that fails on a live
/// connection is an error with its reason, not "not connected".
pub struct PostgresProbe {
    url: String,
    query: Option<String>,
    connection: Mutex<Option<PgConnection>>,
    timeout: Duration,
    judges_connected: bool,
}

impl PostgresProbe {
    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let mut slot = self.connection.lock().await;
        let mut conn = match slot.take() {
            Some(conn) => conn,
            None => match tokio::time::timeout(
                connect_timeout(self.timeout),
                PgConnection::connect(&self.url),
            )
            .await
            {
                Ok(Ok(conn)) => conn,
                _ if self.judges_connected => return Ok(not_connected(started.elapsed())),
                Ok(Err(e)) => return Err(connect_error(&e)),
                Err(_) => return Err(SourceError::Timeout(self.timeout)),
            },
        };
        let sql = self.query.clone().unwrap_or_else(|| "SELECT 1".to_string());
        // The query is the layout's own text, written by the operator: not user input.
        let row = sqlx::raw_sql(AssertSqlSafe(sql))
            .fetch_optional(&mut conn)
            .await
            .map_err(|e| SourceError::Failed(format!("query failed: {e}")))?;
        let elapsed = started.elapsed();
        // The connection answered: keep it for the next poll whatever the row holds.
        *slot = Some(conn);
        let value = match &self.query {
            None => elapsed.as_secs_f64() * 1000.0,
            Some(_) => {
                let row =
                    row.ok_or_else(|| SourceError::Invalid("query returned no rows".into()))?;
                number_in(&row)?
            }
        };
        Ok(Observation {
            connected: Some(true),
            value: Some(value),
            elapsed,
            ..Observation::default()
        })
    }
}

impl Probe for PostgresProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

fn number_in(row: &sqlx::postgres::PgRow) -> Result<f64, SourceError> {
    let raw = row
        .try_get_raw(0)
        .map_err(|e| SourceError::Invalid(format!("query returned no column: {e}")))?;
    if raw.is_null() {
        return Err(SourceError::Invalid("query returned NULL".into()));
    }
    if raw.format() != PgValueFormat::Text {
        return Err(SourceError::Invalid(
            "query result came in binary form; expected text".into(),
        ));
    }
    let text = raw
        .as_str()
        .map_err(|e| SourceError::Invalid(format!("query result is not text: {e}")))?;
    match text {
        "t" => Ok(1.0),
        "f" => Ok(0.0),
        _ => parse_number(text)
            .ok_or_else(|| SourceError::Invalid(format!("query returned {text:?}, not a number"))),
    }
}

fn connect_error(e: &sqlx::Error) -> SourceError {
    // Never echo the URL: it usually carries the password.
    match e {
        sqlx::Error::Io(io) => SourceError::Connect(super::connect_cause(io, "")),
        sqlx::Error::Tls(tls) => SourceError::Connect(format!("TLS: {tls}")),
        other => SourceError::Connect(other.to_string()),
    }
}
