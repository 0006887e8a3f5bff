//! Why a poll did not come out ok, as a fact rather than a sentence: the error, the status, or
//! the condition that failed with the value read and its unit. Alert events store it; screens
//! and reports turn it into words when they show it ([`fmt::Display`] gives the English).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::units::{self, Unit};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// The poll brought no usable answer (timed out, refused, not the expected shape...).
    Error { message: String },
    /// An HTTP status outside 2xx, and no condition judging the status.
    Status { status: u16 },
    /// A condition that did not hold.
    Condition {
        /// As shown, thresholds in their unit: `value < 5 %`.
        condition: String,
        got: Got,
        /// The unit of what was read (and of the threshold).
        unit: Unit,
    },
}

/// What a condition's left side read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Got {
    Number(f64),
    Bool(bool),
    Text(String),
    Null,
    /// An array or object, as (shortened) JSON text.
    Json(String),
    /// Nothing to read, and why ("no field `x` in this answer").
    Missing(String),
    /// A value that cannot be compared with the threshold.
    Incomparable {
        got: String,
        with: String,
    },
}

impl Finding {
    /// The number the finding is about, with its unit: an alert's current value.
    pub fn value(&self) -> Option<(f64, Unit)> {
        match self {
            Finding::Condition {
                got: Got::Number(n),
                unit,
                ..
            } => Some((*n, *unit)),
            Finding::Status { status } => Some((f64::from(*status), Unit::Plain)),
            _ => None,
        }
    }

    pub fn error(message: impl Into<String>) -> Finding {
        Finding::Error {
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Error { message } => f.write_str(message),
            Finding::Status { status } => write!(f, "HTTP {status}"),
            Finding::Condition {
                condition,
                got,
                unit,
            } => match got {
                Got::Missing(why) => write!(f, "{condition}: {why}"),
                Got::Incomparable { got, with } => {
                    write!(
                        f,
                        "{condition}: got {got}, which cannot be compared with {with}"
                    )
                }
                got => write!(f, "{condition}: got {}", got.shown(*unit)),
            },
        }
    }
}

impl Got {
    /// The value as the operator reads it, in its unit.
    pub fn shown(&self, unit: Unit) -> String {
        match self {
            Got::Number(n) => units::precise(*n, unit),
            Got::Bool(b) => b.to_string(),
            Got::Text(s) => format!("{s:?}"),
            Got::Null => "null".to_string(),
            Got::Json(s) => s.clone(),
            Got::Missing(why) => why.clone(),
            Got::Incomparable { got, .. } => got.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_with_their_unit() {
        let f = Finding::Condition {
            condition: "value < 5 %".into(),
            got: Got::Number(6.4),
            unit: Unit::Percent,
        };
        assert_eq!(f.to_string(), "value < 5 %: got 6.40 %");
        assert_eq!(f.value(), Some((6.4, Unit::Percent)));
        let json = serde_json::to_string(&f).expect("serializes");
        assert_eq!(serde_json::from_str::<Finding>(&json).ok(), Some(f));
        assert_eq!(Finding::Status { status: 503 }.to_string(), "HTTP 503");
    }
}
