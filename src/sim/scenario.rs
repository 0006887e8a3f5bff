//! Demo scenario files (`layouts/luckygas-demo-scenario.toml`): the incidents the rehearsal
//! backend plays during the launch day. Errors name `file:line:col: field: message`, exactly
//! like layout errors, so an operator editing a scenario gets the same help as with a layout.

use std::ops::Range;
use std::path::Path;

use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::layout::{Locator, Problem, render_problems};

/// The scenario shipped with warroom, used when `--scenario` is not given.
pub const BUILTIN_SCENARIO: &str = include_str!("../../layouts/luckygas-demo-scenario.toml");
pub const BUILTIN_SCENARIO_NAME: &str = "layouts/luckygas-demo-scenario.toml (built in)";

/// The simulated day's bounds (launch zone): the pilot's launch-day blocks run 06:00–19:00.
pub const DAY_START_MINUTE: u32 = 6 * 60;
pub const DAY_END_MINUTE: u32 = 19 * 60;

/// Backend components reported by `/health`, in the order they are listed.
pub const COMPONENTS: [&str; 5] = ["db", "redis", "maps", "sms", "email"];

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render_problems(.file, .problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Read { .. } => &[],
            Self::Invalid { problems, .. } => problems,
        }
    }
}

/// A checked scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub name: String,
    /// Pilot customers (10–20).
    pub customers: u32,
    /// Share of requests failing with a 5xx outside incidents, in percent.
    pub base_error_percent: f64,
    /// p95 latency outside incidents, in milliseconds.
    pub base_p95_ms: f64,
    pub incidents: Vec<Incident>,
}

/// One incident: when it starts (minute of the day on the launch's clock), how long it lasts,
/// and what it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Incident {
    /// Minutes since midnight, launch zone.
    pub start_minute: u32,
    /// Minutes; instant incidents (a ticket, failed deliveries) last 0.
    pub minutes: u32,
    #[serde(flatten)]
    pub effect: Effect,
}

impl Incident {
    pub fn end_minute(&self) -> u32 {
        self.start_minute + self.minutes
    }

    /// Whether the incident is in force during minute `m` (minutes since midnight).
    pub fn covers(&self, m: u32) -> bool {
        m >= self.start_minute && m < self.end_minute()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// Share of requests answered with a 5xx.
    ErrorRate { percent: f64 },
    /// A health component reports DOWN (and requests that need it fail with 503).
    ComponentDown { component: String },
    /// Request latency shifts so that the p95 is this many milliseconds.
    Latency { p95_ms: f64 },
    /// A support ticket opened at the start and left open (past the 2 h target).
    StaleTicket { priority: String, title: String },
    /// This many deliveries still on the road fail at the start.
    DeliveriesFailed { count: u32 },
}

impl Effect {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ErrorRate { .. } => "error_rate",
            Self::ComponentDown { .. } => "component_down",
            Self::Latency { .. } => "latency",
            Self::StaleTicket { .. } => "stale_ticket",
            Self::DeliveriesFailed { .. } => "deliveries_failed",
        }
    }
}

const KINDS: [&str; 5] = [
    "error_rate",
    "component_down",
    "latency",
    "stale_ticket",
    "deliveries_failed",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    scenario: Option<HeaderFile>,
    #[serde(default, rename = "incident")]
    incidents: Vec<IncidentFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderFile {
    name: Option<String>,
    customers: Option<Spanned<i64>>,
    base_error_percent: Option<Spanned<f64>>,
    base_p95_ms: Option<Spanned<f64>>,
}

/// One `[[incident]]` as written: every kind's fields are optional here, and validation says
/// which belong to which kind (serde's tagged enums lose the spans we need for messages).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentFile {
    kind: Spanned<String>,
    at: Spanned<TimeOfDay>,
    minutes: Option<Spanned<i64>>,
    percent: Option<Spanned<f64>>,
    component: Option<Spanned<String>>,
    p95_ms: Option<Spanned<f64>>,
    count: Option<Spanned<i64>>,
    priority: Option<Spanned<String>>,
    title: Option<Spanned<String>>,
}

/// `"09:30"` as a string, or a bare TOML time `09:30`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum TimeOfDay {
    Text(String),
    Toml(toml::value::Datetime),
}

impl TimeOfDay {
    fn as_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Toml(d) => d.to_string(),
        }
    }
}

/// Reads and checks a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&file, &text)
}

/// The built-in scenario.
pub fn builtin() -> Result<Scenario, ScenarioError> {
    parse(BUILTIN_SCENARIO_NAME, BUILTIN_SCENARIO)
}

/// Checks scenario text; `file` only names the source in messages.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let locator = Locator::new(text);
    let invalid = |problems| ScenarioError::Invalid {
        file: file.to_string(),
        problems,
    };
    let raw: ScenarioFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|_| {
                message.starts_with("unknown field") || message.starts_with("missing field")
            })
            .unwrap_or("")
            .to_string();
        invalid(vec![locator.problem(span, field, message)])
    })?;
    let mut v = Checker {
        locator: &locator,
        problems: Vec::new(),
    };
    let scenario = v.scenario(raw);
    if v.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(invalid(v.problems))
    }
}

struct Checker<'a> {
    locator: &'a Locator<'a>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(
        &mut self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        let p = self.locator.problem(span, field, message);
        self.problems.push(p);
    }

    fn scenario(&mut self, raw: ScenarioFile) -> Scenario {
        let header = raw.scenario;
        let mut scenario = Scenario {
            name: "LuckyGas launch day".to_string(),
            customers: 16,
            base_error_percent: 0.5,
            base_p95_ms: 180.0,
            incidents: Vec::new(),
        };
        if let Some(h) = header {
            if let Some(name) = h.name {
                scenario.name = name;
            }
            if let Some(c) = h.customers {
                // The pilot runs with 10–20 customers; outside that the demo would mislead.
                match u32::try_from(*c.get_ref()) {
                    Ok(n) if (10..=20).contains(&n) => scenario.customers = n,
                    _ => self.problem(
                        c.span(),
                        "scenario.customers",
                        format!("{} customers: the pilot has 10 to 20", c.get_ref()),
                    ),
                }
            }
            if let Some(p) = h.base_error_percent
                && let Some(v) = self.percent(&p, "scenario.base_error_percent")
            {
                scenario.base_error_percent = v;
            }
            if let Some(p) = h.base_p95_ms
                && let Some(v) = self.millis(&p, "scenario.base_p95_ms")
            {
                scenario.base_p95_ms = v;
            }
        }
        // (incident, span of its `at`) for the overlap check.
        let mut checked: Vec<(Incident, Range<usize>)> = Vec::new();
        for (n, inc) in raw.incidents.into_iter().enumerate() {
            let at_span = inc.at.span();
            if let Some(incident) = self.incident(n, inc) {
                for (other, _) in &checked {
                    if same_lane(other, &incident)
                        && incident.start_minute < other.end_minute().max(other.start_minute + 1)
                        && other.start_minute < incident.end_minute().max(incident.start_minute + 1)
                    {
                        let message = format!(
                            "overlaps the {} incident at {}–{}: one {} at a time",
                            other.effect.kind(),
                            hhmm(other.start_minute),
                            hhmm(other.end_minute()),
                            lane_name(&incident),
                        );
                        self.problem(at_span.clone(), format!("incident[{n}].at"), message);
                    }
                }
                checked.push((incident, at_span));
            }
        }
        scenario.incidents = checked.into_iter().map(|(i, _)| i).collect();
        scenario
    }

    fn incident(&mut self, n: usize, raw: IncidentFile) -> Option<Incident> {
        let field = |name: &str| format!("incident[{n}].{name}");
        let kind = raw.kind.get_ref().as_str();
        if !KINDS.contains(&kind) {
            self.problem(
                raw.kind.span(),
                field("kind"),
                format!(
                    "unknown incident kind {kind:?}: expected one of {}",
                    KINDS.join(", ")
                ),
            );
            return None;
        }
        let start = self.time(&raw.at, &field("at"));
        // Which optional fields each kind takes; any other one is a mistake worth naming.
        let allowed: &[&str] = match kind {
            "error_rate" => &["minutes", "percent"],
            "component_down" => &["minutes", "component"],
            "latency" => &["minutes", "p95_ms"],
            "stale_ticket" => &["priority", "title"],
            _ => &["count"],
        };
        let present: [(&str, Option<Range<usize>>); 7] = [
            ("minutes", raw.minutes.as_ref().map(Spanned::span)),
            ("percent", raw.percent.as_ref().map(Spanned::span)),
            ("component", raw.component.as_ref().map(Spanned::span)),
            ("p95_ms", raw.p95_ms.as_ref().map(Spanned::span)),
            ("count", raw.count.as_ref().map(Spanned::span)),
            ("priority", raw.priority.as_ref().map(Spanned::span)),
            ("title", raw.title.as_ref().map(Spanned::span)),
        ];
        let mut ok = true;
        for (name, span) in present {
            if let Some(span) = span
                && !allowed.contains(&name)
            {
                self.problem(
                    span,
                    field(name),
                    format!("`{name}` does not apply to a {kind} incident"),
                );
                ok = false;
            }
        }
        let minutes = if allowed.contains(&"minutes") {
            match &raw.minutes {
                Some(m) if *m.get_ref() > 0 => u32::try_from(*m.get_ref()).ok(),
                Some(m) => {
                    self.problem(
                        m.span(),
                        field("minutes"),
                        format!("duration {} minutes: must be positive", m.get_ref()),
                    );
                    None
                }
                None => {
                    self.problem(
                        raw.kind.span(),
                        field("minutes"),
                        format!("a {kind} incident needs `minutes`"),
                    );
                    None
                }
            }
        } else {
            Some(0)
        };
        let effect = match kind {
            "error_rate" => match &raw.percent {
                Some(p) => self
                    .percent(p, &field("percent"))
                    .map(|percent| Effect::ErrorRate { percent }),
                None => self.missing(&raw.kind, &field("percent"), kind),
            },
            "component_down" => match &raw.component {
                Some(c) if COMPONENTS.contains(&c.get_ref().as_str()) => {
                    Some(Effect::ComponentDown {
                        component: c.get_ref().clone(),
                    })
                }
                Some(c) => {
                    self.problem(
                        c.span(),
                        field("component"),
                        format!(
                            "unknown component {:?}: expected one of {}",
                            c.get_ref(),
                            COMPONENTS.join(", ")
                        ),
                    );
                    None
                }
                None => self.missing(&raw.kind, &field("component"), kind),
            },
            "latency" => match &raw.p95_ms {
                Some(p) => self
                    .millis(p, &field("p95_ms"))
                    .map(|p95_ms| Effect::Latency { p95_ms }),
                None => self.missing(&raw.kind, &field("p95_ms"), kind),
            },
            "stale_ticket" => {
                let priority = match &raw.priority {
                    Some(p) if ["P1", "P2", "P3", "P4"].contains(&p.get_ref().as_str()) => {
                        Some(p.get_ref().clone())
                    }
                    Some(p) => {
                        self.problem(
                            p.span(),
                            field("priority"),
                            format!("priority {:?}: expected P1, P2, P3 or P4", p.get_ref()),
                        );
                        None
                    }
                    None => Some("P2".to_string()),
                };
                let title = raw.title.as_ref().map_or_else(
                    || "Customer reports cylinder not delivered".to_string(),
                    |t| t.get_ref().clone(),
                );
                priority.map(|priority| Effect::StaleTicket { priority, title })
            }
            _ => match &raw.count {
                Some(c) => match u32::try_from(*c.get_ref()) {
                    Ok(count) if (1..=50).contains(&count) => {
                        Some(Effect::DeliveriesFailed { count })
                    }
                    _ => {
                        self.problem(
                            c.span(),
                            field("count"),
                            format!("{} deliveries: must be 1 to 50", c.get_ref()),
                        );
                        None
                    }
                },
                None => self.missing(&raw.kind, &field("count"), kind),
            },
        };
        let (start, minutes, effect) = (start?, minutes?, effect?);
        if !ok {
            return None;
        }
        if start < DAY_START_MINUTE || start + minutes > DAY_END_MINUTE {
            self.problem(
                raw.at.span(),
                field("at"),
                format!(
                    "{}–{} is outside the simulated day 06:00–19:00",
                    hhmm(start),
                    hhmm(start + minutes)
                ),
            );
            return None;
        }
        Some(Incident {
            start_minute: start,
            minutes,
            effect,
        })
    }

    fn missing<T>(&mut self, kind: &Spanned<String>, field: &str, name: &str) -> Option<T> {
        let short = field.rsplit('.').next().unwrap_or(field);
        self.problem(
            kind.span(),
            field,
            format!("a {name} incident needs `{short}`"),
        );
        None
    }

    fn time(&mut self, value: &Spanned<TimeOfDay>, field: &str) -> Option<u32> {
        let text = value.get_ref().as_text();
        let parsed = NaiveTime::parse_from_str(&text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"));
        match parsed {
            Ok(t) => Some(t.hour() * 60 + t.minute()),
            Err(_) => {
                self.problem(
                    value.span(),
                    field,
                    format!("{text:?} is not a time of day as HH:MM (24-hour)"),
                );
                None
            }
        }
    }

    fn percent(&mut self, value: &Spanned<f64>, field: &str) -> Option<f64> {
        let v = *value.get_ref();
        if (0.0..=100.0).contains(&v) {
            Some(v)
        } else {
            self.problem(value.span(), field, format!("{v} %: must be 0 to 100"));
            None
        }
    }

    fn millis(&mut self, value: &Spanned<f64>, field: &str) -> Option<f64> {
        let v = *value.get_ref();
        if v > 0.0 && v <= 60_000.0 {
            Some(v)
        } else {
            self.problem(
                value.span(),
                field,
                format!("{v} ms: must be above 0 and at most 60000"),
            );
            None
        }
    }
}

/// Two incidents compete when they drive the same number: the same kind, and for outages the
/// same component (maps and sms may be down together).
fn same_lane(a: &Incident, b: &Incident) -> bool {
    match (&a.effect, &b.effect) {
        (Effect::ComponentDown { component: x }, Effect::ComponentDown { component: y }) => x == y,
        // Instant incidents add up rather than compete.
        (Effect::StaleTicket { .. }, _) | (Effect::DeliveriesFailed { .. }, _) => false,
        _ => a.effect.kind() == b.effect.kind(),
    }
}

fn lane_name(i: &Incident) -> String {
    match &i.effect {
        Effect::ComponentDown { component } => format!("{component} outage"),
        e => format!("{} incident", e.kind()),
    }
}

/// Minutes since midnight as `HH:MM`.
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}
