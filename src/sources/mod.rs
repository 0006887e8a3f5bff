//! Live data sources: one file per kind, all behind the [`Probe`] trait. A probe answers one
//! poll with an [`Observation`] or a [`SourceError`]; scheduling, timeouts, backoff and history
//! live in the poller, alert logic in `alerts`, so a kind only knows how to ask its service.

pub mod condition;
pub mod spec;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;

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

/// A source's state as an operator reads it: three levels, not two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    Ok,
    Warn,
    Critical,
}

/// The health one poll gives: an error is critical; else the first failing critical
/// condition, else the first failing warn condition; the reason says which and why.
pub fn evaluate(
    spec: &SourceSpec,
    result: &Result<Observation, SourceError>,
) -> (Health, Option<String>) {
    let observation = match result {
        Ok(o) => o,
        Err(e) => return (Health::Critical, Some(e.to_string())),
    };
    for condition in &spec.critical {
        if let Err(reason) = condition.check(observation) {
            return (Health::Critical, Some(reason));
        }
    }
    for condition in &spec.warn {
        if let Err(reason) = condition.check(observation) {
            return (Health::Warn, Some(reason));
        }
    }
    (Health::Ok, None)
}
