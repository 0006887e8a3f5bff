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
use tokio::sync::Mutex;

use super::extract::parse_number;
use super::http::{with_timeout, wrong_kind};
use super::{Kind, Observation, Probe, SourceError, SourceSpec};

pub struct RedisProbe {
    client: Client,
    /// Command name and arguments; empty means PING.
    command: Vec<String>,
    connection: Mutex<Option<MultiplexedConnection>>,
    timeout: Duration,
}

impl RedisProbe {
    pub fn new(spec: &SourceSpec) -> Result<RedisProbe, SourceError> {
        let Kind::Redis { url, command } = &spec.kind else {
            return Err(wrong_kind(spec));
        };
        // The URL may hold a password: report the error, not the URL.
        let client = Client::open(url.as_str())
            .map_err(|e| SourceError::Invalid(format!("invalid Redis URL: {e}")))?;
        let command = command
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        Ok(RedisProbe {
            client,
            command,
            connection: Mutex::new(None),
            timeout: spec.timeout,
        })
    }

    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let mut slot = self.connection.lock().await;
        let mut conn = match slot.take() {
            Some(conn) => conn,
            None => self
                .client
                .get_multiplexed_async_connection()
                .await
                .map_err(|e| SourceError::Connect(e.to_string()))?,
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
