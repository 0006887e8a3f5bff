//! The `tcp` kind: can we open a connection, and how long did it take (ms, as `value`).
//!
//! `[CONNECTED] == true` (gatus's name) judges the connection itself: when a condition reads
//! it, a refused or timed-out connection is an observation with `connected = false` for the
//! condition to judge (so `[CONNECTED] == false` can watch a port that must stay closed);
//! otherwise it is an error, as for any source.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde::Deserialize;
use tokio::net::TcpStream;
use toml::Spanned;

use super::spec::{Check, Reads, SourceKind};
use super::units::Unit;
use super::{Observation, Operand, Probe, SourceError, SourceSpec, with_timeout};

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
            value: true,
            value_unit: Some(Unit::Ms),
            ..Reads::default()
        }
    }

    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
        Ok(Box::new(TcpProbe {
            address: self.address.clone(),
            timeout: spec.timeout,
            judges_connected: spec.judges(&Operand::Connected),
        }))
    }
}

/// `host:port`, checked once `${NAME}`s are known; the message quotes what was written.
pub(crate) fn check_address(check: &mut Check<'_>, written: &Spanned<String>, address: &str) {
    if check
        .unset
        .iter()
        .any(|(_, span, _)| *span == written.span())
    {
        return;
    }
    let port = address
        .rsplit_once(':')
        .and_then(|(host, port)| (!host.is_empty()).then_some(port))
        .and_then(|port| port.parse::<u16>().ok());
    if port.is_none_or(|p| p == 0) {
        check.problem(
            written.span(),
            "address",
            format!(
                "{:?}: expected host:port, e.g. \"db.internal:5432\"",
                written.get_ref()
            ),
        );
    }
}

pub struct TcpProbe {
    address: String,
    timeout: Duration,
    judges_connected: bool,
}

impl TcpProbe {
    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        // Dropped right away: the question is only whether the port accepts.
        let connected = tokio::time::timeout(
            connect_timeout(self.timeout),
            TcpStream::connect(&self.address),
        )
        .await;
        let elapsed = started.elapsed();
        match connected {
            Ok(Ok(_)) => Ok(Observation {
                connected: Some(true),
                value: Some(elapsed.as_secs_f64() * 1000.0),
                elapsed,
                ..Observation::default()
            }),
            _ if self.judges_connected => Ok(not_connected(elapsed)),
            Ok(Err(e)) => Err(SourceError::Connect(super::connect_cause(&e, &self.address))),
            Err(_) => Err(SourceError::Timeout(self.timeout)),
        }
    }
}

/// The connect gives up a little before the poll does, so that a connection that never comes
/// is "not connected" for `[CONNECTED]` rather than the poll's own timeout.
pub(crate) fn connect_timeout(timeout: Duration) -> Duration {
    timeout.mul_f64(0.9)
}

/// A connection that was not made, for a `[CONNECTED]` condition to judge.
pub(crate) fn not_connected(elapsed: Duration) -> Observation {
    Observation {
        connected: Some(false),
        elapsed,
        ..Observation::default()
    }
}

impl Probe for TcpProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}
