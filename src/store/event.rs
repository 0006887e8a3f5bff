//! One entry of the append-only event log. Events store facts — enums, numbers, ids and the
//! operator's own words — and the reader's language makes text of them when shown
//! (`i18n::verb`, `i18n::detail`). Events of an older warroom (an alert's severity and detail
//! as English text, evidence as a sentence) still load, as their words.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::sources::{Failure, Health, Status};

/// The operator name of events warroom raises itself (alerts): never whoever is at the keyboard.
pub const WARROOM: &str = "warroom";

/// What an item's live evidence said when it was ticked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFact {
    /// What the item watches, as the layout names it.
    pub of: Watched,
    /// The worst of what it said (no data is worse than ok, better than a fault).
    pub status: Status,
    /// Each source it looked at (or each critical alert open, for "no critical alerts").
    pub sources: Vec<SourceSaid>,
}

/// What an item's evidence watches (the layout's `evidence = "…"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Watched {
    Source { id: String },
    Panel { id: String },
    NoCriticalAlerts,
}

/// One source's part of an item's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSaid {
    pub source: String,
    /// No data says why in `no_data`.
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_data: Option<NoData>,
}

/// Why a source had nothing to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum NoData {
    /// The layout names a source or panel it does not declare.
    NotDeclared,
    /// `${NAME}`s the source needs are not set.
    NotConfigured { missing: Vec<String> },
    /// Configured, but no poll has answered yet.
    NoAnswer,
    /// Its latest answer was this many seconds old: too old to stand for now.
    Stale { seconds: i64 },
    /// "No critical alerts" with no source to raise one.
    NoSources,
}

/// What an item's evidence said: facts, or the sentence an older warroom stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    Fact(EvidenceFact),
    Said(String),
}

impl Evidence {
    /// The level it stood at; `None` for an old sentence that does not say.
    pub fn status(&self) -> Option<Status> {
        match self {
            Self::Fact(fact) => Some(fact.status),
            Self::Said(text) => [
                ("critical", Status::Critical),
                ("warn", Status::Warn),
                ("ok", Status::Ok),
                ("no data", Status::NoData),
            ]
            .iter()
            .find(|(word, _)| text.starts_with(word))
            .map(|(_, status)| *status),
        }
    }
}

/// What happened: an operator's change to an item, or an alert's step.
#[derive(Debug, Clone, PartialEq)]
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
    Evidence(Evidence),
    /// A source went bad for `raise_after` polls in a row.
    AlertRaised {
        source: String,
        /// Warn or critical.
        severity: Health,
        /// Boxed: an event travels through channels by value, and most are small.
        failure: Box<Failure>,
    },
    /// An open alert's severity changed: escalated (warn → critical) or eased.
    AlertSeverity {
        source: String,
        from: Health,
        to: Health,
        failure: Box<Failure>,
    },
    /// An operator took ownership of an open alert; the bell stays quiet until it clears.
    AlertAcknowledged {
        source: String,
        reason: String,
    },
    /// The source passed `clear_after` polls in a row (`None`: an older warroom's event).
    AlertCleared {
        source: String,
        ok_polls: Option<u32>,
    },
    /// A sign-off given (item: the `[[signoff]]` id): the signer's name as they confirmed it
    /// (or as the layout lists them) and the role, as its text read when signed.
    SignedOff {
        name: String,
        role: String,
    },
    /// A sign-off taken back (item: the `[[signoff]]` id), with why.
    SignoffWithdrawn {
        reason: String,
    },
    /// An operator's verdict on a target no source measures (item: the target's id): "no
    /// critical data loss", "feature adoption > 60 %", "ready for full rollout".
    TargetJudged {
        passed: bool,
        reason: String,
    },
    /// A short announcement to the room ("Deploy freeze until 15:00"), shown on every
    /// warroom of the log until cleared or until `until`.
    Announced {
        text: String,
        until: Option<DateTime<Utc>>,
    },
    /// An announcement taken down; `target` is the announcement's event id.
    AnnouncementCleared {
        target: Uuid,
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
            Self::Evidence(_) => "evidence",
            Self::AlertRaised { .. } => "alert_raised",
            Self::AlertSeverity { .. } => "alert_severity",
            Self::AlertAcknowledged { .. } => "alert_ack",
            Self::AlertCleared { .. } => "alert_cleared",
            Self::SignedOff { .. } => "signoff",
            Self::SignoffWithdrawn { .. } => "signoff_withdrawn",
            Self::TargetJudged { .. } => "target_judged",
            Self::Announced { .. } => "announcement",
            Self::AnnouncementCleared { .. } => "announcement_cleared",
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The source an alert event is about.
    pub fn alert_source(&self) -> Option<&str> {
        match self {
            Self::AlertRaised { source, .. }
            | Self::AlertSeverity { source, .. }
            | Self::AlertAcknowledged { source, .. }
            | Self::AlertCleared { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Raised by warroom itself rather than by an operator.
    pub fn is_system(&self) -> bool {
        matches!(
            self,
            Self::AlertRaised { .. } | Self::AlertSeverity { .. } | Self::AlertCleared { .. }
        )
    }

    pub fn payload(&self) -> String {
        match self {
            Self::Tick | Self::Untick => "{}".to_string(),
            Self::Skip { reason } => json!({ "reason": reason }).to_string(),
            Self::Note { text } => json!({ "text": text }).to_string(),
            Self::Undo { target } => json!({ "target": target.to_string() }).to_string(),
            Self::Evidence(Evidence::Said(text)) => json!({ "text": text }).to_string(),
            Self::Evidence(Evidence::Fact(fact)) => json!(fact).to_string(),
            // `detail` keeps the reason readable to an older warroom sharing the database.
            Self::AlertRaised {
                source,
                severity,
                failure,
            } => json!({ "source": source, "severity": severity, "failure": failure,
                         "detail": failure.text })
            .to_string(),
            Self::AlertSeverity {
                source,
                from,
                to,
                failure,
            } => {
                json!({ "source": source, "from": from, "to": to, "failure": failure }).to_string()
            }
            Self::AlertAcknowledged { source, reason } => {
                json!({ "source": source, "reason": reason }).to_string()
            }
            Self::AlertCleared { source, ok_polls } => match ok_polls {
                Some(n) => json!({ "source": source, "ok_polls": n,
                                   "detail": format!("ok for {n} polls in a row") }),
                None => json!({ "source": source }),
            }
            .to_string(),
            Self::SignedOff { name, role } => json!({ "name": name, "role": role }).to_string(),
            Self::SignoffWithdrawn { reason } => json!({ "reason": reason }).to_string(),
            Self::TargetJudged { passed, reason } => {
                json!({ "passed": passed, "reason": reason }).to_string()
            }
            Self::Announced { text, until } => json!({
                "text": text,
                "until": until.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            })
            .to_string(),
            Self::AnnouncementCleared { target } => {
                json!({ "target": target.to_string() }).to_string()
            }
            Self::Unknown { payload, .. } => payload.clone(),
        }
    }

    /// Part of the pilot beyond the day: sign-offs, operators' verdicts on targets and
    /// announcements (see `app::pilot`).
    pub fn is_pilot(&self) -> bool {
        matches!(
            self,
            Self::SignedOff { .. }
                | Self::SignoffWithdrawn { .. }
                | Self::TargetJudged { .. }
                | Self::Announced { .. }
                | Self::AnnouncementCleared { .. }
        )
    }

    /// Reads a stored kind and payload back. A payload that does not parse keeps the event as
    /// `Unknown` rather than failing the whole day's load.
    pub fn from_stored(kind: &str, payload: &str) -> Self {
        let value: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
        let health = |name: &str| {
            value
                .get(name)
                .and_then(|v| serde_json::from_value::<Health>(v.clone()).ok())
        };
        // An older warroom stored the reason as `detail` text.
        let failure = || {
            Box::new(
                value
                    .get("failure")
                    .and_then(|v| serde_json::from_value::<Failure>(v.clone()).ok())
                    .unwrap_or_else(|| Failure::said(field("detail").unwrap_or_default())),
            )
        };
        let parsed = match kind {
            "tick" => Some(Self::Tick),
            "untick" => Some(Self::Untick),
            "skip" => field("reason").map(|reason| Self::Skip { reason }),
            "note" => field("text").map(|text| Self::Note { text }),
            "undo" => field("target")
                .and_then(|t| Uuid::parse_str(&t).ok())
                .map(|target| Self::Undo { target }),
            "evidence" => match field("text") {
                Some(text) => Some(Self::Evidence(Evidence::Said(text))),
                None => serde_json::from_value::<EvidenceFact>(value.clone())
                    .ok()
                    .map(|fact| Self::Evidence(Evidence::Fact(fact))),
            },
            "alert_raised" => field("source").map(|source| Self::AlertRaised {
                source,
                // As an older warroom read a missing severity.
                severity: health("severity").unwrap_or(Health::Critical),
                failure: failure(),
            }),
            "alert_severity" => match (field("source"), health("from"), health("to")) {
                (Some(source), Some(from), Some(to)) => Some(Self::AlertSeverity {
                    source,
                    from,
                    to,
                    failure: failure(),
                }),
                _ => None,
            },
            "alert_ack" => field("source").map(|source| Self::AlertAcknowledged {
                source,
                reason: field("reason").unwrap_or_default(),
            }),
            "alert_cleared" => field("source").map(|source| Self::AlertCleared {
                source,
                ok_polls: value
                    .get("ok_polls")
                    .and_then(Value::as_u64)
                    .or_else(|| {
                        // "ok for 2 polls in a row", as an older warroom wrote it.
                        field("detail")?
                            .strip_prefix("ok for ")?
                            .split_whitespace()
                            .next()?
                            .parse()
                            .ok()
                    })
                    .and_then(|n| u32::try_from(n).ok()),
            }),
            "signoff" => match (field("name"), field("role")) {
                (Some(name), Some(role)) => Some(Self::SignedOff { name, role }),
                _ => None,
            },
            "signoff_withdrawn" => Some(Self::SignoffWithdrawn {
                reason: field("reason").unwrap_or_default(),
            }),
            "target_judged" => {
                value
                    .get("passed")
                    .and_then(Value::as_bool)
                    .map(|passed| Self::TargetJudged {
                        passed,
                        reason: field("reason").unwrap_or_default(),
                    })
            }
            "announcement" => {
                // An expiry that does not read as a time is not silently "never": the event
                // stays unknown (listed, not shown as a banner that never ends).
                let until = match value.get("until") {
                    None | Some(Value::Null) => Some(None),
                    Some(v) => v
                        .as_str()
                        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| Some(t.with_timezone(&Utc))),
                };
                match (field("text"), until) {
                    (Some(text), Some(until)) => Some(Self::Announced { text, until }),
                    _ => None,
                }
            }
            "announcement_cleared" => field("target")
                .and_then(|t| Uuid::parse_str(&t).ok())
                .map(|target| Self::AnnouncementCleared { target }),
            _ => None,
        };
        parsed.unwrap_or_else(|| Self::Unknown {
            kind: kind.to_string(),
            payload: payload.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
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

    fn failure() -> Failure {
        Failure {
            condition: Some("value < 0.05".into()),
            got: Some(0.0582),
            unit: None,
            text: "value < 0.05: got 0.0582".into(),
        }
    }

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
            Change::Evidence(Evidence::Said("ok at 09:00:00".into())),
            Change::Evidence(Evidence::Fact(EvidenceFact {
                of: Watched::Panel {
                    id: "health".into(),
                },
                status: Status::Critical,
                sources: vec![
                    SourceSaid {
                        source: "api".into(),
                        status: Status::Critical,
                        failure: Some(failure()),
                        no_data: None,
                    },
                    SourceSaid {
                        source: "db".into(),
                        status: Status::NoData,
                        failure: None,
                        no_data: Some(NoData::NotConfigured {
                            missing: vec!["DB_URL".into()],
                        }),
                    },
                ],
            })),
            Change::AlertRaised {
                source: "api".into(),
                severity: Health::Warn,
                failure: Box::new(failure()),
            },
            Change::AlertSeverity {
                source: "api".into(),
                from: Health::Warn,
                to: Health::Critical,
                failure: Box::new(failure()),
            },
            Change::AlertAcknowledged {
                source: "api".into(),
                reason: "on it".into(),
            },
            Change::AlertCleared {
                source: "api".into(),
                ok_polls: Some(2),
            },
            Change::SignedOff {
                name: "林美華 Lin Mei-hua".into(),
                role: "CEO/General Manager".into(),
            },
            Change::SignoffWithdrawn {
                reason: "week 4 uptime failed".into(),
            },
            Change::TargetJudged {
                passed: false,
                reason: "adoption survey: 54 %".into(),
            },
            Change::Announced {
                text: "Deploy freeze until 15:00".into(),
                until: DateTime::from_timestamp_millis(1_796_000_400_123),
            },
            Change::Announced {
                text: "Rolling back v2.3".into(),
                until: None,
            },
            Change::AnnouncementCleared {
                target: Uuid::now_v7(),
            },
        ];
        for change in changes {
            let back = Change::from_stored(change.kind(), &change.payload());
            assert_eq!(back, change, "{} did not round-trip", change.kind());
        }
        let bad_expiry = Change::from_stored("announcement", r#"{"text":"x","until":"soon"}"#);
        assert!(
            matches!(bad_expiry, Change::Unknown { .. }),
            "an expiry that is not a time is not read as 'never': {bad_expiry:?}"
        );
        let future = Change::from_stored("escalate", "{}");
        assert!(
            matches!(future, Change::Unknown { .. }),
            "a newer kind is kept, not lost"
        );
    }

    #[test]
    fn events_of_an_older_warroom_still_read() {
        let raised = Change::from_stored(
            "alert_raised",
            r#"{"source":"api","severity":"warn","detail":"slow"}"#,
        );
        assert_eq!(
            raised,
            Change::AlertRaised {
                source: "api".into(),
                severity: Health::Warn,
                failure: Box::new(Failure::said("slow")),
            }
        );
        let cleared = Change::from_stored(
            "alert_cleared",
            r#"{"source":"api","detail":"ok for 2 polls in a row"}"#,
        );
        assert_eq!(
            cleared,
            Change::AlertCleared {
                source: "api".into(),
                ok_polls: Some(2),
            }
        );
        let evidence = Change::from_stored("evidence", r#"{"text":"critical at 09:00:00: API"}"#);
        let Change::Evidence(said) = evidence else {
            panic!("evidence reads as evidence: {evidence:?}")
        };
        assert_eq!(said.status(), Some(Status::Critical));
    }
}
