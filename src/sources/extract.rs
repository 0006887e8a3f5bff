//! Reading numbers out of JSON with RFC 9535 paths, shared by the http and command kinds so both
//! treat `"12"`, `12` and `true` alike and fail with the same words.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::{BodyKind, SourceError};

/// The `value` and `fields` paths of a source, compiled once when the layout is loaded.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    pub value: Option<(String, JsonPath)>,
    pub fields: Vec<(String, String, JsonPath)>,
}

impl Paths {
    pub fn compile(
        value: Option<&String>,
        fields: &BTreeMap<String, String>,
    ) -> Result<Paths, SourceError> {
        let parse = |text: &str| {
            JsonPath::parse(text)
                .map_err(|e| SourceError::Invalid(format!("invalid JSONPath `{text}`: {e}")))
        };
        Ok(Paths {
            value: value.map(|v| Ok((v.clone(), parse(v)?))).transpose()?,
            fields: fields
                .iter()
                .map(|(name, text)| Ok((name.clone(), text.clone(), parse(text)?)))
                .collect::<Result<_, SourceError>>()?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.fields.is_empty()
    }

    /// The first path, to name what was expected ("a number at $.error_rate").
    pub fn first(&self) -> &str {
        self.value
            .as_ref()
            .map(|(t, _)| t.as_str())
            .or_else(|| self.fields.first().map(|(_, t, _)| t.as_str()))
            .unwrap_or("$")
    }

    /// The names of the fields read.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(n, _, _)| n.as_str())
    }

    /// The value and fields read from `body`, and the ones that could not be read (by name,
    /// with why). A `null` where a number is expected (an average with nothing to average yet)
    /// is "no value", not an error: the panel shows "no data" and the source stays ok. When no
    /// path reads anything, the answer is not the shape this source reads: an error.
    pub(crate) fn read(&self, body: &Value) -> Result<Numbers, SourceError> {
        let mut numbers = Numbers::default();
        let mut first_error = None;
        let mut any_read = false;
        let paths = self
            .value
            .iter()
            .map(|(text, path)| (None, text, path))
            .chain(
                self.fields
                    .iter()
                    .map(|(name, text, path)| (Some(name), text, path)),
            );
        for (name, text, path) in paths {
            match number_at(body, text, path) {
                Ok(n) => {
                    any_read = true;
                    match (name, n) {
                        (None, n) => numbers.value = n,
                        (Some(name), Some(n)) => {
                            numbers.fields.insert(name.clone(), n);
                        }
                        (Some(_), None) => {}
                    }
                }
                Err(why) => {
                    first_error.get_or_insert_with(|| why.clone());
                    numbers
                        .invalid
                        .insert(name.map_or_else(|| "value".to_string(), Clone::clone), why);
                }
            }
        }
        match first_error {
            Some(why) if !any_read => Err(SourceError::Shape(why)),
            _ => Ok(numbers),
        }
    }
}

/// What [`Paths::read`] found.
#[derive(Debug, Default)]
pub(crate) struct Numbers {
    pub value: Option<f64>,
    pub fields: BTreeMap<String, f64>,
    pub invalid: BTreeMap<String, String>,
}

impl Numbers {
    pub fn into_observation(self, obs: &mut super::Observation) {
        obs.value = self.value;
        obs.fields = self.fields;
        obs.invalid = self.invalid;
    }
}

/// A number at `path`, `None` for null, or why not ("expected a number at $.x, got an object").
fn number_at(body: &Value, text: &str, path: &JsonPath) -> Result<Option<f64>, String> {
    let nodes = path.query(body);
    let node = match nodes.len() {
        0 => {
            return Err(format!(
                "expected a number at {text}, got nothing there (the answer is {})",
                describe_json(body)
            ));
        }
        1 => nodes.exactly_one().map_err(|e| format!("{text}: {e}"))?,
        n => return Err(format!("{text} matched {n} values, expected one")),
    };
    if node.is_null() {
        return Ok(None);
    }
    to_number(node).map(Some).ok_or_else(|| {
        let mut shown = json_text(node);
        if shown.chars().count() > 40 {
            shown = shown.chars().take(40).collect::<String>() + "…";
        }
        format!("expected a number at {text}, got {shown}")
    })
}

/// A JSON value as text for a message, its strings cleaned first: serializing would otherwise
/// turn an ESC into the six characters `\u001b`, which no later cleaning recognises.
pub(crate) fn json_text(v: &Value) -> String {
    let mut v = v.clone();
    super::clean::clean_json(&mut v);
    v.to_string()
}

/// "a JSON object", "a list of 3", "the number 4", "the text \"UP\"": what a JSON value is.
pub fn describe_json(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let head: String = s.chars().take(40).collect();
            let more = if s.chars().count() > 40 { "…" } else { "" };
            format!("the text \"{head}{more}\"")
        }
        Value::Array(a) if a.is_empty() => "an empty list".to_string(),
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "a JSON object".to_string(),
    }
}

/// JSON numbers, numeric strings (many exporters quote them) and booleans as 1/0. Words such
/// as "UP" are not numbers: compare those with a `[BODY]` condition instead.
pub(crate) fn to_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

/// A finite decimal number, surrounding whitespace allowed; "inf"/"NaN" are refused so a
/// condition like `value < 0.01` never compares against a non-number.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The start of a body for an error message, on one line.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]);
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    one_line.trim().to_string()
}

/// What an answer's bytes are, and the JSON when they are JSON.
pub(crate) fn classify(bytes: &[u8]) -> (BodyKind, Option<Value>) {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return (BodyKind::Empty, None);
    }
    let Ok(text) = std::str::from_utf8(trimmed) else {
        return (BodyKind::Binary, None);
    };
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        return (BodyKind::Json, Some(json));
    }
    let head = text
        .get(..text.len().min(512))
        .unwrap_or(text)
        .to_ascii_lowercase();
    if head.starts_with('<') && (head.contains("<html") || head.contains("<!doctype")) {
        return (BodyKind::Html, None);
    }
    (BodyKind::Text, None)
}

/// Parses `bytes` as JSON, or says what came instead ("expected JSON, got an HTML page").
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, SourceError> {
    match classify(bytes) {
        (_, Some(json)) => Ok(json),
        (BodyKind::Text, None) => Err(SourceError::NotJson(format!(
            "expected JSON, got text (`{}`)",
            snippet(bytes)
        ))),
        (kind, None) => Err(SourceError::NotJson(format!(
            "expected JSON, got {}",
            kind.describe()
        ))),
    }
}
