//! The `redis` kind: PING (round-trip time in ms as `value`) or a command returning a number,
//! such as `LLEN queue:orders`.
//!
//! One multiplexed connection is kept between polls, taken out for a poll and put back unless
//! the connection itself failed (a server error such as WRONGTYPE leaves it usable), so a
//! restarted Redis is reconnected on the next poll.

use std::time::{Duration, Instant};

use ::redis::aio::MultiplexedConnection;
use ::redis::{Client, RedisError, Value};
use futures::future::BoxFuture;
use serde::Deserialize;
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
    command: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub url: String,
    /// A command such as `LLEN queue:orders` returning a number; default: PING.
    pub command: Option<String>,
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let url = check.env(&f.url, "url");
        let unset = check.unset.iter().any(|(_, span, _)| *span == f.url.span());
        if !unset && Client::open(url.as_str()).is_err() {
            check.problem(
                f.url.span(),
                "url",
                format!(
                    "{:?} is not a Redis URL such as redis://host:6379",
                    f.url.get_ref()
                ),
            );
        }
        let command = f.command.as_ref().map(|c| check.env(c, "command"));
        if let (Some(written), Some(c)) = (&f.command, &command)
            && c.trim().is_empty()
        {
            check.problem(written.span(), "command", "the Redis command is empty");
        }
        Spec { url, command }
    }

    fn reads(&self) -> Reads {
        Reads {
            connected: true,
            value: true,
            value_unit: self.command.is_none().then_some(Unit::Ms),
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        // The URL may hold a password: report the error, not the URL.
        let client = Client::open(self.url.as_str())
            .map_err(|e| SourceError::Invalid(format!("invalid Redis URL: {e}")))?;
        let command = self
            .command
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        Ok(Box::new(RedisProbe {
            client,
            command,
            connection: Mutex::new(None),
            timeout: spec.timeout,
            judges_connected: spec.judges(&Operand::Connected),
        }))
    }
}

pub struct RedisProbe {
    client: Client,
    /// Command name and arguments; empty means PING.
    command: Vec<String>,
    connection: Mutex<Option<MultiplexedConnection>>,
    timeout: Duration,
    judges_connected: bool,
}

impl RedisProbe {
    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let mut slot = self.connection.lock().await;
        let mut conn = match slot.take() {
            Some(conn) => conn,
            None => match tokio::time::timeout(
                connect_timeout(self.timeout),
                self.client.get_multiplexed_async_connection(),
            )
            .await
            {
                Ok(Ok(conn)) => conn,
                _ if self.judges_connected => return Ok(not_connected(started.elapsed())),
                Ok(Err(e)) => return Err(SourceError::Connect(super::connect_cause(&e, ""))),
                Err(_) => return Err(SourceError::Timeout(self.timeout)),
            },
        };
        let cmd = match self.command.split_first() {
            Some((name, args)) => {
                let mut cmd = ::redis::cmd(name);
                cmd.arg(args);
                cmd
            }
            None => ::redis::cmd("PING"),
        };
        let answer: Result<Value, RedisError> = cmd.query_async(&mut conn).await;
        let elapsed = started.elapsed();
        match &answer {
            Err(e) if connection_broken(e) => {}
            _ => *slot = Some(conn),
        }
        let answer = answer.map_err(|e| {
            if connection_broken(&e) {
                SourceError::Connect(e.to_string())
            } else {
                SourceError::Failed(format!("Redis: {e}"))
            }
        })?;
        let value = if self.command.is_empty() {
            elapsed.as_secs_f64() * 1000.0
        } else {
            number(&answer)?
        };
        Ok(Observation {
            connected: Some(true),
            value: Some(value),
            elapsed,
            ..Observation::default()
        })
    }
}

impl Probe for RedisProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

fn connection_broken(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}

fn number(answer: &Value) -> Result<f64, SourceError> {
    let not_a_number = || SourceError::Invalid(format!("Redis answered {answer:?}, not a number"));
    match answer {
        // Counters fit f64 exactly up to 2^53; beyond that a panel number is approximate anyway.
        Value::Int(i) => Ok(*i as f64),
        Value::Double(d) => Ok(*d),
        Value::Boolean(b) => Ok(f64::from(u8::from(*b))),
        Value::BulkString(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(parse_number)
            .ok_or_else(not_a_number),
        Value::SimpleString(s) => parse_number(s).ok_or_else(not_a_number),
        Value::Nil => Err(SourceError::Invalid("Redis answered nil".into())),
        _ => Err(not_a_number()),
    }
}
