//! Live data sources: one file per kind, all behind the [`Probe`] trait. A probe answers one
//! poll with an [`Observation`] or a [`SourceError`]; scheduling, timeouts, backoff and history
//! live in the poller, alert logic in `alerts`, so a kind only knows how to ask its service.

pub mod boundary;
pub mod clean;
pub mod condition;
mod extract;
pub mod failure;
pub mod finding;
pub mod spec;
pub mod units;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::future::BoxFuture;

pub use condition::{Condition, Operand};
pub use extract::{Paths, describe_json};
pub use failure::{Failure, judge};
pub use finding::{Finding, Got};
pub use spec::{Check, Reads, SourceKind, SourceSpec, Units};
pub use units::Unit;

/// Every kind of source, one line each: `"name" => Variant(module)`, where `sources/module.rs`
/// holds a `Spec` implementing [`SourceKind`]. The line declares the module, adds the variant
/// and its name; the layout dispatches on `kind = "name"` through this list.
macro_rules! kinds {
    ($($name:literal => $variant:ident($module:ident)),* $(,)?) => {
        $(pub mod $module;)*

        /// A source's kind with its own settings, checked.
        #[derive(Debug, Clone)]
        pub enum Kind {
            $($variant($module::Spec),)*
        }

        /// The names a layout may give as `kind`.
        pub const KIND_NAMES: &[&str] = &[$($name),*];

        impl Kind {
            pub fn name(&self) -> &'static str {
                match self {
                    $(Kind::$variant(_) => $name,)*
                }
            }

            pub fn reads(&self) -> Reads {
                match self {
                    $(Kind::$variant(k) => k.reads(),)*
                }
            }

            fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
                match self {
                    $(Kind::$variant(k) => k.probe(spec),)*
                }
            }

            /// Deserializes and checks the kind's own keys of a `[[source]]` table; `None` for
            /// a kind that does not exist. Deserialization errors are returned for the layout
            /// to place (they carry the span of the key or value at fault).
            pub fn from_layout(
                name: &str,
                table: toml::Spanned<toml::de::DeValue<'_>>,
                check: &mut Check<'_>,
            ) -> Option<Result<Kind, toml::de::Error>> {
                match name {
                    $($name => Some(
                        <<$module::Spec as SourceKind>::File as serde::Deserialize>::deserialize(
                            toml::de::ValueDeserializer::from(table),
                        )
                        .map(|file| Kind::$variant(<$module::Spec as SourceKind>::check(file, check))),
                    ),)*
                    _ => None,
                }
            }
        }
    };
}

// The order is the order `warroom check` lists them in.
kinds! {
    "http" => Http(http),
    "prometheus" => Prometheus(prometheus),
    "tcp" => Tcp(tcp),
    "tls" => Tls(tls),
    "postgres" => Postgres(postgres),
    "redis" => Redis(redis),
    "command" => Command(command),
    "ssh" => Ssh(ssh),
}

/// What the body of an answer was, so that a panel expecting a list can say it got an HTML page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyKind {
    /// No body was read (tcp, redis...).
    #[default]
    None,
    Empty,
    Json,
    Html,
    /// Text that is neither JSON nor HTML (garbage, a plain "pong").
    Text,
    /// Bytes that are not UTF-8 text.
    Binary,
}

impl BodyKind {
    /// "an HTML page", "an empty answer": what came instead of what was expected.
    pub fn describe(self) -> &'static str {
        match self {
            BodyKind::None => "no body",
            BodyKind::Empty => "an empty answer",
            BodyKind::Json => "JSON",
            BodyKind::Html => "an HTML page",
            BodyKind::Text => "text that is not JSON",
            BodyKind::Binary => "bytes that are not text",
        }
    }
}

/// What one successful poll saw. Numbers are in their shown unit (see [`units`]), strings are
/// cleaned of terminal escapes and secrets ([`clean`]): an observation is safe to store and show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    /// HTTP status, for `[STATUS]` conditions (http and prometheus kinds).
    pub status: Option<u16>,
    /// Whether the connection was made, for `[CONNECTED]` (the tcp family).
    pub connected: Option<bool>,
    /// The source's main number (the JSONPath `value`, a PromQL scalar, a query's result,
    /// a connect time in ms for tcp, days left for tls).
    pub value: Option<f64>,
    /// Further named numbers: `fields` of an http source, the series of a labelled PromQL vector
    /// (keyed by their labels, e.g. `route="/orders"`), counters of a deliveries endpoint.
    pub fields: BTreeMap<String, f64>,
    /// Numbers that could not be read, by name (`value` or a field): why. One bad field marks
    /// that field; the rest of the answer stands.
    pub invalid: BTreeMap<String, String>,
    /// The parsed JSON body (or the text, when it is not JSON), for `[BODY]` conditions and
    /// panels that list rows (tickets).
    pub body: Option<serde_json::Value>,
    pub body_kind: BodyKind,
    /// How long the poll took, for `[RESPONSE_TIME]` (ms) and latency columns.
    pub elapsed: Duration,
}

impl Observation {
    /// The same answer but for how long it took: nothing a panel shows (but the latency)
    /// changed.
    pub fn says_same(&self, other: &Observation) -> bool {
        // Spelled out, so that a new field is a compile error here until it is decided.
        let Observation {
            status,
            connected,
            value,
            fields,
            invalid,
            body,
            body_kind,
            elapsed: _,
        } = self;
        *status == other.status
            && *connected == other.connected
            && *value == other.value
            && *fields == other.fields
            && *invalid == other.invalid
            && *body_kind == other.body_kind
            && *body == other.body
    }
}

/// Why a poll produced no observation. The message is shown on the source's own panel, so it
/// says what happened in an operator's words ("timed out after 3 s", "HTTP 500", "not JSON").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// Cause first, then where: "connection refused 127.0.0.1:8787" (see [`connect_cause`]).
    #[error("{0}")]
    Connect(String),
    #[error("HTTP {status}")]
    Status { status: u16 },
    #[error("answer larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    NotJson(String),
    #[error("{path} matched nothing")]
    NoMatch { path: String },
    /// The answer is not of the shape the source reads: "expected a number at $.x, got an HTML
    /// page".
    #[error("{0}")]
    Shape(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Failed(String),
}

impl SourceError {
    /// The same error with its text made safe (see [`clean`]).
    pub fn scrubbed(self, secrets: &clean::Secrets) -> SourceError {
        let s = |t: String| secrets.scrub(&t);
        match self {
            SourceError::Timeout(d) => SourceError::Timeout(d),
            SourceError::Connect(t) => SourceError::Connect(s(t)),
            SourceError::Status { status } => SourceError::Status { status },
            SourceError::TooLarge { limit } => SourceError::TooLarge { limit },
            SourceError::NotJson(t) => SourceError::NotJson(s(t)),
            SourceError::NoMatch { path } => SourceError::NoMatch { path: s(path) },
            SourceError::Shape(t) => SourceError::Shape(s(t)),
            SourceError::Invalid(t) => SourceError::Invalid(s(t)),
            SourceError::Failed(t) => SourceError::Failed(s(t)),
        }
    }
}

/// One kind of source, ready to poll. Built once from its [`SourceSpec`]; `poll` is called by the
/// poller on the source's interval, under the source's timeout (a probe need not time itself
/// out, but must not block a thread: everything is async).
pub trait Probe: Send + Sync {
    fn poll(&self) -> BoxFuture<'_, Result<Observation, SourceError>>;
}

/// Builds the probe for a validated spec, wrapped in the [`boundary`] that converts units and
/// scrubs text, so nothing unsafe leaves a probe. Fails only on things the layout check could
/// not see (a method or header reqwest rejects, a Redis URL its client cannot parse, no TLS
/// roots); the error is scrubbed too.
pub fn build(spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError> {
    match spec.kind.probe(spec) {
        Ok(probe) => Ok(Box::new(boundary::Boundary::new(spec, probe))),
        Err(e) => Err(e.scrubbed(&spec.secrets)),
    }
}

/// Runs a poll under the source's own timeout: reqwest's timeout covers the request, this one
/// also covers anything else the probe awaits, and both give the same error.
pub(crate) async fn with_timeout<T>(
    timeout: Duration,
    fut: impl Future<Output = Result<T, SourceError>>,
) -> Result<T, SourceError> {
    tokio::time::timeout(timeout, fut)
        .await
        .unwrap_or(Err(SourceError::Timeout(timeout)))
}

/// Why a connection failed, cause first and then where: "connection refused 127.0.0.1:8787",
/// "connection timed out db.internal:5432", "dns: name or service not known api.example.tw:443".
/// A library's own words ("error sending request for url (…): client error (Connect): tcp
/// connect error: …") put the cause last, where a narrow panel cuts it off.
pub fn connect_cause(e: &(dyn std::error::Error + 'static), target: &str) -> String {
    let mut innermost: &(dyn std::error::Error + 'static) = e;
    let mut io: Option<&std::io::Error> = e.downcast_ref::<std::io::Error>();
    while let Some(next) = innermost.source() {
        innermost = next;
        if let Some(found) = next.downcast_ref::<std::io::Error>() {
            io = Some(found);
        }
    }
    use std::io::ErrorKind as K;
    let words = match io.map(std::io::Error::kind) {
        Some(K::ConnectionRefused) => "connection refused".to_string(),
        Some(K::TimedOut) => "connection timed out".to_string(),
        Some(K::ConnectionReset) => "connection reset".to_string(),
        Some(K::ConnectionAborted) => "connection aborted".to_string(),
        Some(K::HostUnreachable) => "host unreachable".to_string(),
        Some(K::NetworkUnreachable) => "network unreachable".to_string(),
        Some(K::AddrNotAvailable) => "address not available".to_string(),
        _ => {
            let text = innermost.to_string();
            let text = match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            let lower = text.to_lowercase();
            if chain(e).to_lowercase().contains("dns error") && !lower.starts_with("dns") {
                format!("dns: {lower}")
            } else {
                lower
            }
        }
    };
    if target.is_empty() {
        words
    } else {
        format!("{words} {target}")
    }
}

/// The error and its causes on one line: a library's own message ("error sending request")
/// often hides the useful part ("Connection refused") in its sources.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// How a source is doing after one poll; ordered so the worst of several is their `max`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Warn,
    Critical,
}

/// What a panel, an evidence mark or a strip cell can say: the three healths, or "no data"
/// (nothing configured, no answer yet, an answer too old to stand for now). Ordered so that the
/// worst of several is their `max`: no data is worse than ok, better than a known fault.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    NoData,
    Warn,
    Critical,
}

impl From<Health> for Status {
    fn from(h: Health) -> Status {
        match h {
            Health::Ok => Status::Ok,
            Health::Warn => Status::Warn,
            Health::Critical => Status::Critical,
        }
    }
}

/// Judges one poll: an error is critical; then the first failing critical condition; then the
/// first failing warn condition. The finding says why, as a fact the panel and the alert keep.
///
/// An HTTP observation with a non-2xx status is critical ("HTTP 500") unless a condition looks
/// at `[STATUS]` itself: the http probe returns such answers as observations so that
/// `[STATUS] == 200` can be written, but a source without status conditions must not look
/// healthy while its endpoint answers 500. Likewise a failed connection is critical unless a
/// condition looks at `[CONNECTED]`.
pub fn evaluate(
    spec: &SourceSpec,
    result: &Result<Observation, SourceError>,
) -> (Health, Option<Finding>) {
    let obs = match result {
        Ok(obs) => obs,
        Err(e) => return (Health::Critical, Some(Finding::error(e.to_string()))),
    };
    if let Some(status) = obs.status
        && !(200..300).contains(&status)
        && !spec.judges(&Operand::Status)
    {
        return (Health::Critical, Some(Finding::Status { status }));
    }
    if obs.connected == Some(false) && !spec.judges(&Operand::Connected) {
        return (
            Health::Critical,
            Some(Finding::error("cannot connect".to_string())),
        );
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
        let mut spec = SourceSpec::new(
            "api",
            Kind::Tcp(tcp::Spec {
                address: "127.0.0.1:1".into(),
            }),
        );
        spec.critical = critical.iter().map(parse).collect();
        spec.warn = warn.iter().map(parse).collect();
        spec
    }

    fn shown(r: (Health, Option<Finding>)) -> (Health, Option<String>) {
        (r.0, r.1.map(|f| f.to_string()))
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
            shown(evaluate(&s, &err)),
            (Health::Critical, Some("timed out after 3s".into()))
        );
        assert_eq!(
            shown(evaluate(&s, &obs(None, 20.0))),
            (Health::Critical, Some("value < 10: got 20".into()))
        );
        assert_eq!(
            shown(evaluate(&s, &obs(None, 5.0))),
            (Health::Warn, Some("value < 1: got 5".into()))
        );
        assert_eq!(evaluate(&s, &obs(None, 0.5)), (Health::Ok, None));
    }

    #[test]
    fn non_2xx_is_critical_unless_a_condition_judges_the_status() {
        let plain = spec(&[], &[]);
        assert_eq!(
            shown(evaluate(&plain, &obs(Some(500), 0.0))),
            (Health::Critical, Some("HTTP 500".into()))
        );
        let judged = spec(&["[STATUS] == 200"], &[]);
        assert_eq!(
            shown(evaluate(&judged, &obs(Some(500), 0.0))),
            (Health::Critical, Some("[STATUS] == 200: got 500".into()))
        );
        let tolerant = spec(&["[STATUS] < 600"], &[]);
        assert_eq!(evaluate(&tolerant, &obs(Some(503), 0.0)).0, Health::Ok);
    }
}
