//! Reading numbers out of JSON with RFC 9535 paths, shared by the http and command kinds so both
//! treat `"12"`, `12` and `true` alike and fail with the same words.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::SourceError;

/// The `value` and `fields` paths of a source, compiled once when the probe is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paths {
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

    /// The value and fields read from `body`.
    /// A `null` where a number is expected (an average with nothing to average yet) is "no
    /// value", not an error: the panel shows "–" and the source stays ok.
    pub fn read(&self, body: &Value) -> Result<(Option<f64>, BTreeMap<String, f64>), SourceError> {
        let value = match &self.value {
            Some((text, path)) => number_at(body, text, path)?,
            None => None,
        };
        let mut fields = BTreeMap::new();
        for (name, text, path) in &self.fields {
            if let Some(number) = number_at(body, text, path)? {
                fields.insert(name.clone(), number);
            }
        }
        Ok((value, fields))
    }
}

fn number_at(body: &Value, text: &str, path: &JsonPath) -> Result<Option<f64>, SourceError> {
    let nodes = path.query(body);
    let node = match nodes.len() {
        0 => {
            return Err(SourceError::NoMatch {
                path: text.to_string(),
            });
        }
        1 => nodes
            .exactly_one()
            .map_err(|e| SourceError::Invalid(format!("{text}: {e}")))?,
        n => {
            return Err(SourceError::Invalid(format!(
                "{text} matched {n} values, expected one"
            )));
        }
    };
    if node.is_null() {
        return Ok(None);
    }
    to_number(node).map(Some).ok_or_else(|| {
        let mut shown = node.to_string();
        if shown.chars().count() > 40 {
            shown = shown.chars().take(40).collect::<String>() + "…";
        }
        SourceError::Invalid(format!("{text} is {shown}, not a number"))
    })
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

/// Parses `bytes` as JSON, or says why not with the start of what came instead.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, SourceError> {
    serde_json::from_slice(bytes)
        .map_err(|e| SourceError::NotJson(format!("{e} (answer starts `{}`)", snippet(bytes))))
}
