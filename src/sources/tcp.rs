//! The `tcp` kind: can we open a connection, and how long did it take (ms, as `value`).

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::net::TcpStream;

use super::http::{with_timeout, wrong_kind};
use super::{Kind, Observation, Probe, SourceError, SourceSpec};

pub struct TcpProbe {
    address: String,
    timeout: Duration,
}

impl TcpProbe {
    pub fn new(spec: &SourceSpec) -> Result<TcpProbe, SourceError> {
        let Kind::Tcp { address } = &spec.kind else {
            return Err(wrong_kind(spec));
        };
        Ok(TcpProbe {
            address: address.clone(),
            timeout: spec.timeout,
        })
    }

    async fn poll_once(&self) -> Result<Observation, SourceError> {
        let started = Instant::now();
        // Dropped right away: the question is only whether the port accepts.
        TcpStream::connect(&self.address)
            .await
            .map_err(|e| SourceError::Connect(format!("{}: {e}", self.address)))?;
        let elapsed = started.elapsed();
        Ok(Observation {
            value: Some(elapsed.as_secs_f64() * 1000.0),
            elapsed,
            ..Observation::default()
        })
    }
}

impl Probe for TcpProbe {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>> {
        Box::pin(with_timeout(self.timeout, self.poll_once()))
    }
}
