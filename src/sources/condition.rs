//! Conditions in the style of gatus: `[STATUS] == 200`, `[BODY].status == "UP"`,
//! `[RESPONSE_TIME] < 300`, `value < 0.01`, `fields.failed <= 3`.
//! (Parser and evaluator: see the sources helper's work.)

/// A parsed condition. Its text is kept for display ("[STATUS] == 200 failed: got 500").
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub text: String,
}
