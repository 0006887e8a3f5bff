//! The `ssh` kind: is an SSH server there (the jump host the war room works through), and
//! what it says it is. Connects, reads the server's identification line (RFC 4253 §4.2,
//! `SSH-2.0-OpenSSH_9.6`) and hangs up before any key exchange: no credentials, no session.
//! `value` is the time to the banner in ms, `[BODY]` the banner, `[CONNECTED]` whether the
//! port answered.
//!
//! This kind is the whole of what adding one takes: this file, and its line in
//! `sources::kinds!`.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use toml::Spanned;

use super::spec::{Check, Reads, SourceKind};
use super::tcp::{check_address, connect_timeout, not_connected};
use super::units::Unit;
use super::{BodyKind, Observation, Operand, Probe, SourceError, SourceSpec, with_timeout};

/// RFC 4253 allows the server other lines before its identification; this many at most.
const MAX_LINES: usize = 20;
/// And an identification line of at most 255 bytes.
const MAX_LINE: usize = 255;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    address: Spanned<String>,
}

#[derive(Debug, Clone)]
pub struct Spec {
    /// host:port
    pub address: String,
}

impl SourceKind for Spec {
    type File = File;

    fn check(f: File, check: &mut Check<'_>) -> Spec {
        let address = check.env(&f.address, "address");
        check_address(check, &f.address, &address);
        Spec { address }
    }

    fn reads(&self) -> Reads {
        Reads {
            connected: true,
            body: true,
            value: true,
            value_unit: Some(Unit::Ms),
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(SshProbe {
            address: self.address.clone(),
            timeout: spec.timeout,
            judges_connected: spec.judges(&Operand::Connected),
        }))
    }
}

pub struct SshProbe {
    address: String,
    timeout: Duration,
    judges_connected: bool,
}

impl SshProbe {
    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let stream = match tokio::time::timeout(
            connect_timeout(self.timeout),
            TcpStream::connect(&self.address),
        )
        .await
        {
            Ok(Ok(stream)) => stream,
            _ if self.judges_connected => return Ok(not_connected(started.elapsed())),
            Ok(Err(e)) => {
                return Err(SourceError::Connect(super::connect_cause(&e, &self.address)));
            }
            Err(_) => return Err(SourceError::Timeout(self.timeout)),
        };
        let mut reader = Lines(BufReader::new(stream));
        for _ in 0..MAX_LINES {
            let line = reader
                .next_line()
                .await
                .map_err(|e| SourceError::Failed(format!("reading the SSH banner: {e}")))?
                .ok_or_else(|| {
                    SourceError::Shape("the server closed before sending an SSH banner".into())
                })?;
            if line.starts_with("SSH-") {
                let elapsed = started.elapsed();
                return Ok(Observation {
                    connected: Some(true),
                    value: Some(elapsed.as_secs_f64() * 1000.0),
                    body: Some(Value::String(line.trim_end().to_string())),
                    body_kind: BodyKind::Text,
                    elapsed,
                    ..Observation::default()
                });
            }
        }
        Err(SourceError::Shape(format!(
            "expected an SSH banner (SSH-2.0-…) within {MAX_LINES} lines, got none"
        )))
    }
}

impl Probe for SshProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}

/// Lines of at most [`MAX_LINE`] bytes, so a server that never sends a newline costs a bounded
/// buffer, not memory without end.
struct Lines<R>(R);

impl<R: tokio::io::AsyncBufRead + Unpin> Lines<R> {
    async fn next_line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = Vec::new();
        loop {
            let buf = self.0.fill_buf().await?;
            if buf.is_empty() {
                return Ok((!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned()));
            }
            let (take, done) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            line.extend_from_slice(&buf[..take]);
            self.0.consume(take);
            if line.len() > MAX_LINE + 2 {
                return Err(std::io::Error::other(format!(
                    "a banner line longer than {MAX_LINE} bytes"
                )));
            }
            if done {
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
        }
    }
}
