//! One entry of the append-only event log.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// What an operator did to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Tick,
    Untick,
    /// Marked not applicable, with the operator's reason.
    Skip {
        reason: String,
    },
    Note {
        text: String,
    },
    /// Takes back an earlier event of the same operator; state is replayed without it.
    Undo {
        target: Uuid,
    },
    /// What an item's live evidence said when it was ticked (recorded with the tick).
    Evidence {
        text: String,
    },
    /// A source went bad for `raise_after` polls in a row.
    AlertRaised {
        source: String,
        severity: String,
        detail: String,
    },
    /// An operator took ownership of an open alert; the bell stays quiet until it clears.
    AlertAcknowledged {
        source: String,
        reason: String,
    },
    /// The source passed `clear_after` polls in a row.
    AlertCleared {
        source: String,
        detail: String,
    },
    /// A kind written by a newer warroom: kept and listed, never interpreted.
    Unknown {
        kind: String,
        payload: String,
    },
}

impl Change {
    pub fn kind(&self) -> &str {
        match self {
            Self::Tick => "tick",
            Self::Untick => "untick",
            Self::Skip { .. } => "skip",
            Self::Note { .. } => "note",
            Self::Undo { .. } => "undo",
            Self::Evidence { .. } => "evidence",
            Self::AlertRaised { .. } => "alert_raised",
            Self::AlertAcknowledged { .. } => "alert_ack",
            Self::AlertCleared { .. } => "alert_cleared",
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The short word the audit log shows ("tick", "skip", "alert").
    pub fn verb(&self) -> &str {
        match self {
            Self::Tick => "tick",
            Self::Untick => "reopen",
            Self::Skip { .. } => "skip",
            Self::Note { .. } => "note",
            Self::Undo { .. } => "undo",
            Self::Evidence { .. } => "evidence",
            Self::AlertRaised { .. } => "alert",
            Self::AlertAcknowledged { .. } => "ack",
            Self::AlertCleared { .. } => "cleared",
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// What goes with the verb: a reason, a note's text, an alert's detail.
    pub fn detail(&self) -> String {
        match self {
            Self::Skip { reason } | Self::AlertAcknowledged { reason, .. } => reason.clone(),
            Self::Note { text } | Self::Evidence { text } => text.clone(),
            Self::AlertRaised {
                severity, detail, ..
            } => format!("{severity}: {detail}"),
            Self::AlertCleared { detail, .. } => detail.clone(),
            Self::Tick | Self::Untick | Self::Undo { .. } | Self::Unknown { .. } => String::new(),
        }
    }

    /// The source an alert event is about.
    pub fn alert_source(&self) -> Option<&str> {
        match self {
            Self::AlertRaised { source, .. }
            | Self::AlertAcknowledged { source, .. }
            | Self::AlertCleared { source, .. } => Some(source),
            _ => None,
        }
    }

    pub fn payload(&self) -> String {
        match self {
            Self::Tick | Self::Untick => "{}".to_string(),
            Self::Skip { reason } => json!({ "reason": reason }).to_string(),
            Self::Note { text } => json!({ "text": text }).to_string(),
            Self::Undo { target } => json!({ "target": target.to_string() }).to_string(),
            Self::Evidence { text } => json!({ "text": text }).to_string(),
            Self::AlertRaised {
                source,
                severity,
                detail,
            } => json!({ "source": source, "severity": severity, "detail": detail }).to_string(),
            Self::AlertAcknowledged { source, reason } => {
                json!({ "source": source, "reason": reason }).to_string()
            }
            Self::AlertCleared { source, detail } => {
                json!({ "source": source, "detail": detail }).to_string()
            }
            Self::Unknown { payload, .. } => payload.clone(),
        }
    }

    /// Reads a stored kind and payload back. A payload that does not parse keeps the event as
    /// `Unknown` rather than failing the whole day's load.
    pub fn from_stored(kind: &str, payload: &str) -> Self {
        let value: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
        let parsed = match kind {
            "tick" => Some(Self::Tick),
            "untick" => Some(Self::Untick),
            "skip" => field("reason").map(|reason| Self::Skip { reason }),
            "note" => field("text").map(|text| Self::Note { text }),
            "undo" => field("target")
                .and_then(|t| Uuid::parse_str(&t).ok())
                .map(|target| Self::Undo { target }),
            "evidence" => field("text").map(|text| Self::Evidence { text }),
            "alert_raised" => field("source").map(|source| Self::AlertRaised {
                source,
                severity: field("severity").unwrap_or_else(|| "critical".into()),
                detail: field("detail").unwrap_or_default(),
            }),
            "alert_ack" => field("source").map(|source| Self::AlertAcknowledged {
                source,
                reason: field("reason").unwrap_or_default(),
            }),
            "alert_cleared" => field("source").map(|source| Self::AlertCleared {
                source,
                detail: field("detail").unwrap_or_default(),
            }),
            _ => None,
        };
        parsed.unwrap_or_else(|| Self::Unknown {
            kind: kind.to_string(),
            payload: payload.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub launch: String,
    pub day: NaiveDate,
    pub operator: String,
    pub origin: String,
    /// The item's stable id (`None` for events about the day as a whole).
    pub item: Option<String>,
    pub change: Change,
}

/// Who is making changes, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub operator: String,
    pub origin: String,
}

impl Event {
    /// A new event with a fresh time-ordered id.
    pub fn new(
        author: &Author,
        launch: &str,
        day: NaiveDate,
        at: DateTime<Utc>,
        item: Option<String>,
        change: Change,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            at,
            launch: launch.to_string(),
            day,
            operator: author.operator.clone(),
            origin: author.origin.clone(),
            item,
            change,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_survives_the_round_trip_through_kind_and_payload() {
        let changes = [
            Change::Tick,
            Change::Untick,
            Change::Skip {
                reason: "not today".into(),
            },
            Change::Note {
                text: "called \"depot\"".into(),
            },
            Change::Undo {
                target: Uuid::now_v7(),
            },
            Change::Evidence {
                text: "ok at 09:00:00".into(),
            },
            Change::AlertRaised {
                source: "api".into(),
                severity: "warn".into(),
                detail: "slow".into(),
            },
            Change::AlertAcknowledged {
                source: "api".into(),
                reason: "on it".into(),
            },
            Change::AlertCleared {
                source: "api".into(),
                detail: "ok for 2 polls".into(),
            },
        ];
        for change in changes {
            let back = Change::from_stored(change.kind(), &change.payload());
            assert_eq!(back, change, "{} did not round-trip", change.kind());
        }
        let future = Change::from_stored("escalate", "{}");
        assert!(
            matches!(future, Change::Unknown { .. }),
            "a newer kind is kept, not lost"
        );
    }
}
