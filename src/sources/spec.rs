//! A source as the layout declares it, after validation: everything a probe needs to start.
//! Environment variables (`${NAME}`) are already substituted.

use std::collections::BTreeMap;
use std::time::Duration;

use super::condition::Condition;

/// Defaults from the live-panels issue.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024;
pub const DEFAULT_MAX_REDIRECTS: usize = 3;
pub const DEFAULT_RAISE_AFTER: u32 = 3;
pub const DEFAULT_CLEAR_AFTER: u32 = 2;

#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub id: String,
    pub title: String,
    pub interval: Duration,
    pub timeout: Duration,
    /// Any failing → the source is critical.
    pub critical: Vec<Condition>,
    /// Any failing (and no critical one) → the source is degraded.
    pub warn: Vec<Condition>,
    /// Bad polls in a row before an alert is raised, good polls in a row before it clears.
    pub raise_after: u32,
    pub clear_after: u32,
    /// Contact ids (from the layout's emergency contacts) to call when it alerts.
    pub notify: Vec<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Http {
        method: String,
        url: String,
        headers: BTreeMap<String, String>,
        body: Option<String>,
        /// JSONPath (RFC 9535) of the main value, e.g. `$.error_rate`.
        value: Option<String>,
        /// Named JSONPaths for further numbers, e.g. `completed = "$.completed"`.
        fields: BTreeMap<String, String>,
        max_bytes: u64,
        max_redirects: usize,
        /// Only when the layout says `insecure_skip_verify = true` in so many words.
        insecure_skip_verify: bool,
    },
    Prometheus {
        /// Base URL of the Prometheus server (the probe calls `/api/v1/query`).
        url: String,
        query: String,
        headers: BTreeMap<String, String>,
        max_bytes: u64,
        insecure_skip_verify: bool,
    },
    Tcp {
        /// host:port
        address: String,
    },
    Tls {
        /// host:port
        address: String,
        /// SNI / certificate name; default: the host of `address`.
        server_name: Option<String>,
        insecure_skip_verify: bool,
    },
    Postgres {
        url: String,
        /// A query returning one number; without it the probe only checks reachability.
        query: Option<String>,
    },
    Redis {
        url: String,
        /// A command such as `LLEN queue:orders` returning a number; default: PING.
        command: Option<String>,
    },
    Command {
        /// Run with `sh -c`; stdout is a number, or JSON read with `value` / `fields`.
        command: String,
        value: Option<String>,
        fields: BTreeMap<String, String>,
    },
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Http { .. } => "http",
            Kind::Prometheus { .. } => "prometheus",
            Kind::Tcp { .. } => "tcp",
            Kind::Tls { .. } => "tls",
            Kind::Postgres { .. } => "postgres",
            Kind::Redis { .. } => "redis",
            Kind::Command { .. } => "command",
        }
    }
}
