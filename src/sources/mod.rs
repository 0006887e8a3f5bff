//! Live data sources: one file per kind, all behind the [`Probe`] trait. A probe answers one
//! poll with an [`Observation`] or a [`SourceError`]; scheduling, timeouts, backoff and history
//! live in the poller, alert logic in `alerts`, so a kind only knows how to ask its service.

pub mod command;
pub mod condition;
mod extract;
pub mod http;
pub mod postgres;
pub mod prometheus;
pub mod redis;
pub mod spec;
pub mod tcp;
pub mod tls;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;

pub use condition::{Condition, Operand};
pub use spec::{Kind, SourceSpec};

/// What one successful poll saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    /// HTTP status, for `[STATUS]` conditions (http and prometheus kinds).
    pub status: Option<u16>,
    /// The source's main number (the JSONPath `value`, a PromQL scalar, a query's result,
    /// a connect time in ms for tcp, days left for tls).
    pub value: Option<f64>,
    /// Further named numbers: `fields` of an http source, the series of a labelled PromQL vector
    /// (keyed by their labels, e.g. `route="/orders"`), counters of a deliveries endpoint.
    pub fields: BTreeMap<String, f64>,
    /// The parsed JSON body, for `[BODY].path` conditions and panels that list rows (tickets).
    pub body: Option<serde_json::Value>,
    /// How long the poll took, for `[RESPONSE_TIME]` (ms) and latency columns.
    pub elapsed: Duration,
}

/// Why a poll produced no observation. The message is shown on the source's own panel, so it
/// says what happened in an operator's words ("timed out after 3 s", "HTTP 500", "not JSON").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("HTTP {status}")]
    Status { status: u16 },
    #[error("answer larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("answer is not JSON: {0}")]
    NotJson(String),
    #[error("{path} matched nothing")]
    NoMatch { path: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Failed(String),
}

/// One kind of source, ready to poll. Built once from its [`SourceSpec`]; `poll` is called by the
/// poller on the source's interval, under the source's timeout (a probe need not time itself
/// out, but must not block a thread: everything is async).
pub trait Probe: Send + Sync {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>>;
}

/// Builds the probe for a validated spec. Fails only on things the layout check could not see
/// (a method or header reqwest rejects, a Redis URL its client cannot parse, no TLS roots).
pub fn build(spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
    Ok(match &spec.kind {
        Kind::Http { .. } => Box::new(http::HttpProbe::new(spec)?),
        Kind::Prometheus { .. } => Box::new(prometheus::PrometheusProbe::new(spec)?),
        Kind::Tcp { .. } => Box::new(tcp::TcpProbe::new(spec)?),
        Kind::Tls { .. } => Box::new(tls::TlsProbe::new(spec)?),
        Kind::Postgres { .. } => Box::new(postgres::PostgresProbe::new(spec)?),
        Kind::Redis { .. } => Box::new(redis::RedisProbe::new(spec)?),
        Kind::Command { .. } => Box::new(command::CommandProbe::new(spec)?),
    })
}

/// How a source is doing after one poll; ordered so the worst of several is their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    Ok,
    Warn,
    Critical,
}

/// Judges one poll: an error is critical; then the first failing critical condition; then the
/// first failing warn condition. The reason is what the panel shows next to the colour.
///
/// An HTTP observation with a non-2xx status is critical ("HTTP 500") unless a condition looks
/// at `[STATUS]` itself: the http probe returns such answers as observations so that
/// `[STATUS] == 200` can be written, but a source without status conditions must not look
/// healthy while its endpoint answers 500.
pub fn evaluate(
    spec: &SourceSpec,
    result: &Result<Observation, SourceError>,
) -> (Health, Option<String>) {
    let obs = match result {
        Ok(obs) => obs,
        Err(e) => return (Health::Critical, Some(e.to_string())),
    };
    if let Some(status) = obs.status {
        let judged_by_conditions = spec
            .critical
            .iter()
            .chain(&spec.warn)
            .any(|c| c.left == Operand::Status);
        if !(200..300).contains(&status) && !judged_by_conditions {
            return (
                Health::Critical,
                Some(SourceError::Status { status }.to_string()),
            );
        }
    }
    for c in &spec.critical {
        if let Err(why) = c.check(obs) {
            return (Health::Critical, Some(why));
        }
    }
    for c in &spec.warn {
        if let Err(why) = c.check(obs) {
            return (Health::Warn, Some(why));
        }
    }
    (Health::Ok, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(critical: &[&str], warn: &[&str]) -> SourceSpec {
        let parse = |t: &&str| Condition::parse(t).expect("test condition parses");
        SourceSpec {
            id: "api".into(),
            title: "API".into(),
            interval: spec::DEFAULT_INTERVAL,
            timeout: spec::DEFAULT_TIMEOUT,
            critical: critical.iter().map(parse).collect(),
            warn: warn.iter().map(parse).collect(),
            raise_after: spec::DEFAULT_RAISE_AFTER,
            clear_after: spec::DEFAULT_CLEAR_AFTER,
            notify: vec![],
            kind: Kind::Tcp {
                address: "127.0.0.1:1".into(),
            },
        }
    }

    fn obs(status: Option<u16>, value: f64) -> Result<Observation, SourceError> {
        Ok(Observation {
            status,
            value: Some(value),
            ..Observation::default()
        })
    }

    #[test]
    fn health_orders_worst_last() {
        assert!(Health::Critical > Health::Warn && Health::Warn > Health::Ok);
        assert_eq!(
            [Health::Warn, Health::Critical, Health::Ok]
                .into_iter()
                .max(),
            Some(Health::Critical)
        );
    }

    #[test]
    fn evaluate_picks_error_then_critical_then_warn() {
        let s = spec(&["value < 10"], &["value < 1"]);
        let err = Err(SourceError::Timeout(std::time::Duration::from_secs(3)));
        assert_eq!(
            evaluate(&s, &err),
            (Health::Critical, Some("timed out after 3s".into()))
        );
        assert_eq!(
            evaluate(&s, &obs(None, 20.0)),
            (Health::Critical, Some("value < 10: got 20".into()))
        );
        assert_eq!(
            evaluate(&s, &obs(None, 5.0)),
            (Health::Warn, Some("value < 1: got 5".into()))
        );
        assert_eq!(evaluate(&s, &obs(None, 0.5)), (Health::Ok, None));
    }

    #[test]
    fn non_2xx_is_critical_unless_a_condition_judges_the_status() {
        let plain = spec(&[], &[]);
        assert_eq!(
            evaluate(&plain, &obs(Some(500), 0.0)),
            (Health::Critical, Some("HTTP 500".into()))
        );
        let judged = spec(&["[STATUS] == 200"], &[]);
        assert_eq!(
            evaluate(&judged, &obs(Some(500), 0.0)),
            (Health::Critical, Some("[STATUS] == 200: got 500".into()))
        );
        let tolerant = spec(&["[STATUS] < 600"], &[]);
        assert_eq!(evaluate(&tolerant, &obs(Some(503), 0.0)).0, Health::Ok);
    }
}
