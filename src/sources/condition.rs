//! Conditions in the style of gatus: `[STATUS] == 200`, `[BODY].status == "UP"`,
//! `[RESPONSE_TIME] < 300`, `value < 0.01`, `fields.failed <= 3`.
//! (Parser and evaluator: see the sources helper's work.)

use super::Observation;

/// A parsed condition. Its text is kept for display ("[STATUS] == 200 failed: got 500").
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub text: String,
}

impl Condition {
    /// Placeholder until the parser lands from the sources branch.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Self {
            text: text.to_string(),
        })
    }

    /// Placeholder until the evaluator lands from the sources branch.
    pub fn check(&self, _observation: &Observation) -> Result<(), String> {
        Ok(())
    }
}
