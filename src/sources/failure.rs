//! Why a source is not ok, as the event log keeps it: which condition failed, the number it read
//! and its unit, and the reason in words. The judgement branch's alert events store this shape;
//! here it is made from the structured [`Finding`] that [`evaluate`] produces, so the numbers are
//! the converted ones (a ratio as %, seconds as ms) and the words are already scrubbed.

use serde::{Deserialize, Serialize};

use super::finding::{Finding, Got};
use super::units::Unit;
use super::{Health, Observation, SourceError, SourceSpec, evaluate};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The condition as shown (`value < 5 %`), when a condition failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The number the condition read, in its shown unit, when it read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<f64>,
    /// The unit of `got` (`%`, `ms`, `/5`...), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The reason in words: "value < 5 %: got 6.40 %", "timed out after 3s".
    pub text: String,
}

impl Failure {
    /// A reason known only in words (an error, or an event an older warroom wrote).
    pub fn said(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

impl From<&Finding> for Failure {
    fn from(finding: &Finding) -> Failure {
        match finding {
            Finding::Condition {
                condition,
                got,
                unit,
            } => Failure {
                condition: Some(condition.clone()),
                got: match got {
                    Got::Number(n) => Some(*n),
                    _ => None,
                },
                unit: (*unit != Unit::Plain).then(|| unit.shown().name()),
                text: finding.to_string(),
            },
            other => Failure::said(other.to_string()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Judges one poll like [`evaluate`], keeping the failure as a fact.
pub fn judge(
    spec: &SourceSpec,
    result: &Result<Observation, SourceError>,
) -> (Health, Option<Failure>) {
    let (health, finding) = evaluate(spec, result);
    (health, finding.as_ref().map(Failure::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_condition_keeps_its_number_and_unit() {
        let finding = Finding::Condition {
            condition: "value < 5 %".into(),
            got: Got::Number(6.4),
            unit: Unit::Percent,
        };
        let failure = Failure::from(&finding);
        assert_eq!(failure.condition.as_deref(), Some("value < 5 %"));
        assert_eq!(
            (failure.got, failure.unit.as_deref()),
            (Some(6.4), Some("%"))
        );
        assert_eq!(failure.text, "value < 5 %: got 6.40 %");
        let error = Failure::from(&Finding::error("timed out after 3s"));
        assert_eq!(
            (error.got, error.text.as_str()),
            (None, "timed out after 3s")
        );
    }
}
