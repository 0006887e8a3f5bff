//! What each panel reads from its source, checked against the shape the panel kind needs, once
//! per poll: a deliveries panel needs counts, a latency panel two durations, a tickets panel a
//! list of rows with an opening time. An answer of another shape is the panel's error in words
//! ("tickets: expected a list at $, got an HTML page"), never a zero; a field that is null is
//! "no data". Rendering then only formats what is here.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::layout::{Panel, PanelKind, Rows};
use crate::sources::{BodyKind, Observation, Unit, describe_json};

/// One number a panel shows: a value, "no data" (null, or nothing to measure yet), or why it
/// cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    Value(f64),
    NoData,
    Invalid(String),
}

impl Reading {
    pub fn value(&self) -> Option<f64> {
        match self {
            Reading::Value(v) => Some(*v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub title: String,
    pub priority: String,
    pub opened: DateTime<Utc>,
}

/// A panel's data, read from its source's latest answer.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelData {
    ErrorRate {
        rate: Reading,
        unit: Unit,
    },
    Latency {
        p95: Reading,
        avg: Reading,
    },
    Deliveries {
        delivered: f64,
        failed: f64,
        total: f64,
        in_progress: f64,
    },
    Tickets {
        /// Open tickets, oldest first.
        open: Vec<Ticket>,
        /// Rows that are not tickets (no id or no valid opening time): counted, not guessed.
        malformed: usize,
    },
}

/// The panel's data from `obs` (the latest answer of the panel's first source), or why the
/// answer is not of the shape the panel needs. `None` for kinds that read source states
/// directly (health, criteria, alerts).
pub fn read(
    panel: &Panel,
    obs: &Observation,
    units: &crate::sources::Units,
) -> Option<Result<PanelData, String>> {
    let kind = panel.kind.name();
    let data = match &panel.kind {
        PanelKind::ErrorRate => Ok(PanelData::ErrorRate {
            rate: reading(obs, None),
            unit: units.of(None).shown(),
        }),
        PanelKind::Latency {
            p95_field,
            avg_field,
            ..
        } => Ok(PanelData::Latency {
            p95: reading(obs, Some(p95_field)),
            avg: reading(obs, Some(avg_field)),
        }),
        PanelKind::Deliveries { .. } => deliveries(obs),
        PanelKind::Tickets { rows, .. } => tickets(obs, rows),
        PanelKind::Health | PanelKind::Criteria { .. } | PanelKind::Alerts => return None,
    };
    Some(data.map_err(|why| format!("{kind}: {why}")))
}

/// A named number of the answer (`None`: its value).
fn reading(obs: &Observation, field: Option<&str>) -> Reading {
    let name = field.unwrap_or("value");
    let value = match field {
        None => obs.value,
        Some(f) => obs.fields.get(f).copied(),
    };
    match (value, obs.invalid.get(name)) {
        (Some(v), _) => Reading::Value(v),
        (None, Some(why)) => Reading::Invalid(why.clone()),
        (None, None) => Reading::NoData,
    }
}

fn deliveries(obs: &Observation) -> Result<PanelData, String> {
    let count = |name: &str| match reading(obs, Some(name)) {
        Reading::Value(v) if v >= 0.0 && v.fract() == 0.0 => Ok(v),
        Reading::Value(v) => Err(format!("{name} is {v}, not a count")),
        Reading::Invalid(why) => Err(why),
        Reading::NoData => Err(format!("expected a count `{name}`, got none")),
    };
    let (delivered, failed, total) = (count("delivered")?, count("failed")?, count("total")?);
    if delivered + failed > total {
        return Err(format!(
            "{delivered} delivered and {failed} failed of only {total}: the counts do not add up"
        ));
    }
    let in_progress = match reading(obs, Some("in_progress")) {
        Reading::Value(v) => v,
        _ => total - delivered - failed,
    };
    Ok(PanelData::Deliveries {
        delivered,
        failed,
        total,
        in_progress,
    })
}

fn tickets(obs: &Observation, rows: &Rows) -> Result<PanelData, String> {
    let Some(body) = obs
        .body
        .as_ref()
        .filter(|_| obs.body_kind == BodyKind::Json)
    else {
        return Err(format!(
            "expected a list at {}, got {}",
            rows.list.as_ref().map_or(rows.text.as_str(), |(t, _)| t),
            obs.body_kind.describe()
        ));
    };
    if let Some((text, path)) = &rows.list {
        let nodes = path.query(body).all();
        match nodes.as_slice() {
            [Value::Array(_)] => {}
            [] => {
                return Err(format!(
                    "expected a list at {text}, got nothing there (the answer is {})",
                    describe_json(body)
                ));
            }
            [other] => {
                return Err(format!(
                    "expected a list at {text}, got {}",
                    describe_json(other)
                ));
            }
            many => {
                return Err(format!(
                    "expected one list at {text}, got {} values",
                    many.len()
                ));
            }
        }
    }
    let text = |row: &Value, key: &str| {
        row.get(key).and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
    };
    let mut open = Vec::new();
    let mut malformed = 0;
    for row in rows.path.query(body).all() {
        if !row.is_object() {
            malformed += 1;
            continue;
        }
        let resolved = row.get("resolved_at").is_some_and(|v| !v.is_null())
            || matches!(text(row, "status").as_deref(), Some("resolved" | "closed"));
        let opened = text(row, "opened_at")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        match (opened, text(row, "id")) {
            (Some(opened), Some(id)) if !resolved => open.push(Ticket {
                id,
                title: text(row, "title").unwrap_or_default(),
                priority: text(row, "priority").unwrap_or_default(),
                opened,
            }),
            (Some(_), Some(_)) => {}
            _ => malformed += 1,
        }
    }
    if open.is_empty() && malformed > 0 {
        return Err(format!(
            "expected tickets with an id and an opened_at time at {}, got {malformed} rows without",
            rows.text
        ));
    }
    open.sort_by_key(|t| t.opened);
    Ok(PanelData::Tickets { open, malformed })
}
