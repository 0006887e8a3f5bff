//! Conditions in the style of gatus: `[STATUS] == 200`, `[BODY].status == "UP"`,
//! `[RESPONSE_TIME] < 300`, `[CONNECTED] == true`, `value < 1%`, `fields.failed <= 3`.
//!
//! A condition is parsed once, when the layout is loaded, so a typo is a layout error with a
//! precise message rather than a panel that is silently always red. Body paths are RFC 9535
//! JSONPaths evaluated by `serde_json_path`: `[BODY].checks.db` means `$.checks.db`.
//!
//! A threshold may carry a unit (`300ms`, `0.3s`, `5%`, `4/5`); it is converted to the unit the
//! value is shown in, and a bare number on a value that is converted (a ratio shown as %) is
//! refused, since `value < 0.01` would otherwise quietly mean 0.01 %.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::Observation;
use super::finding::{Finding, Got};
use super::units::{self, Unit};

/// A parsed condition. Its text is kept for display ("[STATUS] == 200: got 500").
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// As written in the layout.
    pub text: String,
    /// As shown: the threshold in the value's unit (`value < 5 %`).
    pub shown: String,
    pub left: Operand,
    pub op: Op,
    pub right: Literal,
    /// The unit the left side is read in (as shown).
    pub unit: Unit,
}

/// What the left side reads from an [`Observation`].
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `[STATUS]`: the HTTP status.
    Status,
    /// `[RESPONSE_TIME]`: the poll's duration in milliseconds.
    ResponseTime,
    /// `[CONNECTED]`: whether the connection was made (tcp, tls, postgres, redis).
    Connected,
    /// `[BODY]` (no path: the whole body) or `[BODY].a.b` / `[BODY][0].id`.
    Body(Option<BodyPath>),
    /// `len([BODY].items)`: length of an array, object or string in the body.
    Len(Option<BodyPath>),
    /// `value`: the source's main number.
    Value,
    /// `fields.NAME`.
    Field(String),
    /// `fields.a / (fields.a + fields.b)`: a share of numbers the source reads (a ratio,
    /// shown as %), e.g. deliveries completed of those that reached an end.
    Share {
        part: Box<Operand>,
        whole: Vec<Operand>,
    },
}

/// A body path as written (`.checks.db`) and as compiled (`$.checks.db`).
#[derive(Debug, Clone, PartialEq)]
pub struct BodyPath {
    pub written: String,
    pub path: JsonPath,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The right side: what the left side is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    /// A number written with a unit (`300ms`, `5%`), until [`Condition::resolve`] converts it.
    Measured(f64, Unit),
    Bool(bool),
    /// A quoted string or a bare word such as `UP` (compared as text, like gatus).
    Text(String),
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn ordering(self) -> bool {
        !matches!(self, Op::Eq | Op::Ne)
    }

    fn holds(self, ord: Ordering) -> bool {
        match self {
            Op::Eq => ord == Ordering::Equal,
            Op::Ne => ord != Ordering::Equal,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

const LEFT_EXPECTED: &str = "[STATUS], [RESPONSE_TIME], [CONNECTED], [BODY], [BODY].path, \
     len([BODY].path), value or fields.NAME";
const RIGHT_EXPECTED: &str = "a number (with a unit such as 300ms or 5% if you like), a quoted string, true/false or a word such as UP";

impl Condition {
    /// Parses `<left> <operator> <right>`. The error says what was expected where, since it is
    /// shown to whoever edits the layout.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(
                "empty condition: expected `<left> <operator> <right>`, e.g. `[STATUS] == 200`"
                    .to_string(),
            );
        }
        let (at, op, op_len) = find_operator(trimmed)?;
        let left_text = trimmed[..at].trim();
        let right_text = trimmed[at + op_len..].trim();
        if left_text.is_empty() {
            return Err(format!(
                "missing left side before `{}` in `{trimmed}`: expected {LEFT_EXPECTED}",
                op.symbol()
            ));
        }
        if right_text.is_empty() {
            return Err(format!(
                "missing right side after `{}` in `{trimmed}`: expected {RIGHT_EXPECTED}",
                op.symbol()
            ));
        }
        let left = parse_left(left_text)?;
        let right = parse_right(right_text)?;
        if op.ordering() && !matches!(right, Literal::Number(_) | Literal::Measured(..)) {
            return Err(format!(
                "`{}` compares numbers, but the right side of `{trimmed}` is `{right_text}`: \
                 expected a number (use == or != for text)",
                op.symbol()
            ));
        }
        let unit = match &left {
            Operand::ResponseTime => Unit::Ms,
            Operand::Len(_) => Unit::Count,
            _ => Unit::Plain,
        };
        let mut condition = Condition {
            text: trimmed.to_string(),
            shown: trimmed.to_string(),
            left,
            op,
            right,
            unit,
        };
        // Units known without the source: [RESPONSE_TIME] is in ms, len() counts.
        if matches!(condition.left, Operand::ResponseTime | Operand::Len(_))
            || !matches!(condition.right, Literal::Measured(..))
        {
            condition.resolve(condition.unit)?;
        }
        Ok(condition)
    }

    /// Fixes the unit of the left side (`unit`, as the backend sends it): a threshold with a
    /// unit is converted to the shown unit, a bare number on a converted value is refused.
    pub fn resolve(&mut self, unit: Unit) -> Result<(), String> {
        let shown = unit.shown();
        let threshold = match self.right {
            Literal::Measured(n, written) => {
                if written.dimension() != unit.dimension() {
                    return Err(format!(
                        "`{}` compares {} with {}: {} is not in the same kind of unit as {}",
                        self.text,
                        self.left_text(),
                        units::format(n * written.scale(), written),
                        written.name(),
                        describe_unit(unit)
                    ));
                }
                n * written.scale()
            }
            Literal::Number(n) if unit.is_converted() => {
                return Err(format!(
                    "`{}`: {} arrives in {} and is shown in {}: write the threshold with its \
                     unit, e.g. `{} {} {}`",
                    self.text,
                    self.left_text(),
                    unit.name(),
                    shown.name(),
                    self.left_text(),
                    self.op.symbol(),
                    example(n, unit)
                ));
            }
            Literal::Number(n) => n,
            _ => {
                self.unit = shown;
                return Ok(());
            }
        };
        self.right = Literal::Number(threshold);
        self.unit = shown;
        if shown != Unit::Plain && shown != Unit::Count {
            self.shown = format!(
                "{} {} {}",
                self.left_text(),
                self.op.symbol(),
                units::threshold(threshold, shown)
            );
        }
        Ok(())
    }

    /// The left side as written.
    fn left_text(&self) -> &str {
        let at = find_operator(&self.text).map_or(self.text.len(), |(at, _, _)| at);
        self.text[..at].trim()
    }

    /// `Ok(())` when the condition holds; otherwise what failed, what was read and its unit
    /// (shown as e.g. `[STATUS] == 200: got 500`).
    pub fn check(&self, obs: &Observation) -> Result<(), Finding> {
        let failed = |got: Got| Finding::Condition {
            condition: self.shown.clone(),
            got,
            unit: self.unit,
        };
        let got = match self.read(obs) {
            Ok(got) => got,
            // Null in the answer (an average of no traffic yet), or a share of nothing: there
            // is nothing to judge, and nothing passes either (panels show "no data").
            Err(Unread::NoData) => return Ok(()),
            Err(Unread::Missing(why)) => return Err(failed(Got::Missing(why))),
        };
        match compare(&got, &self.right) {
            Some(ord) if self.op.holds(ord) => Ok(()),
            Some(_) => Err(failed(got)),
            None => Err(failed(Got::Incomparable {
                got: got.shown(self.unit),
                with: self.right.describe(),
            })),
        }
    }

    fn read(&self, obs: &Observation) -> Result<Got, Unread> {
        read_operand(&self.left, obs)
    }
}

/// Why a condition's left side has nothing to compare.
enum Unread {
    /// The answer says there is no value yet (null), or a share of zero.
    NoData,
    /// Missing or unreadable: the condition fails with this reason.
    Missing(String),
}

impl From<String> for Unread {
    fn from(why: String) -> Unread {
        Unread::Missing(why)
    }
}

fn read_operand(left: &Operand, obs: &Observation) -> Result<Got, Unread> {
    let invalid = |name: &str| obs.invalid.get(name).cloned();
    match left {
        Operand::Status => obs
            .status
            .map(|s| Got::Number(f64::from(s)))
            .ok_or_else(|| Unread::Missing("no HTTP status in this answer".to_string())),
        Operand::ResponseTime => Ok(Got::Number(obs.elapsed.as_secs_f64() * 1000.0)),
        Operand::Connected => obs
            .connected
            .map(Got::Bool)
            .ok_or_else(|| Unread::Missing("no connection attempt in this answer".to_string())),
        Operand::Value => match (obs.value, invalid("value")) {
            (Some(v), _) => Ok(Got::Number(v)),
            (None, Some(why)) => Err(Unread::Missing(why)),
            (None, None) => Err(Unread::NoData),
        },
        Operand::Field(name) => match (obs.fields.get(name), invalid(name)) {
            (Some(v), _) => Ok(Got::Number(*v)),
            (None, Some(why)) => Err(Unread::Missing(why)),
            (None, None) => Err(Unread::NoData),
        },
        Operand::Share { part, whole } => {
            let number = |o: &Operand| match read_operand(o, obs)? {
                Got::Number(n) => Ok(n),
                other => Err(Unread::Missing(format!(
                    "{} is not a number",
                    other.shown(Unit::Plain)
                ))),
            };
            let part = number(part)?;
            let mut total = 0.0;
            for o in whole {
                total += number(o)?;
            }
            if total == 0.0 {
                return Err(Unread::NoData);
            }
            // Shown as a percentage, like every ratio.
            Ok(Got::Number(part * 100.0 / total))
        }
        Operand::Body(path) => Ok(body_node(obs, path.as_ref()).map(Got::from_json)?),
        Operand::Len(path) => {
            let node = body_node(obs, path.as_ref())?;
            let len = match node {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::String(s) => s.chars().count(),
                other => {
                    return Err(Unread::Missing(format!(
                        "len() of {other}, which has no length"
                    )));
                }
            };
            // Lengths are far below 2^53, so the conversion is exact.
            Ok(Got::Number(len as f64))
        }
    }
}

fn body_node<'a>(obs: &'a Observation, path: Option<&BodyPath>) -> Result<&'a Value, String> {
    let body = obs
        .body
        .as_ref()
        .ok_or_else(|| format!("expected a body, got {}", obs.body_kind.describe()))?;
    let Some(path) = path else {
        return Ok(body);
    };
    // A path into text that is not JSON (an HTML error page) can only miss: say what came.
    if obs.body_kind != super::BodyKind::Json {
        return Err(format!(
            "expected JSON at {}, got {}",
            path.written,
            obs.body_kind.describe()
        ));
    }
    let nodes = path.path.query(body);
    match nodes.len() {
        0 => Err(format!("{} matched nothing", path.written)),
        1 => nodes
            .exactly_one()
            .map_err(|e| format!("{}: {e}", path.written)),
        n => Err(format!("{} matched {n} values, expected one", path.written)),
    }
}

impl Got {
    fn from_json(v: &Value) -> Got {
        match v {
            Value::Null => Got::Null,
            Value::Bool(b) => Got::Bool(*b),
            Value::Number(n) => n
                .as_f64()
                .map(Got::Number)
                .unwrap_or_else(|| Got::Text(n.to_string())),
            Value::String(s) => Got::Text(s.clone()),
            other => {
                // A whole body can be long; the panel has one line for the reason.
                let s = other.to_string();
                Got::Json(if s.chars().count() > 60 {
                    s.chars().take(60).collect::<String>() + "…"
                } else {
                    s
                })
            }
        }
    }
}

/// "seconds (shown in ms)", "a ratio (shown in %)", "ms", "a plain number".
fn describe_unit(unit: Unit) -> String {
    match unit {
        Unit::Plain => "a plain number".to_string(),
        u if u.is_converted() => format!("{} (shown in {})", u.name(), u.shown().name()),
        u => u.name(),
    }
}

/// A threshold as the layout should write it: `0.01` on a ratio is `1%`, on seconds `10ms`.
fn example(n: f64, unit: Unit) -> String {
    let shown = n * unit.scale();
    let number = units::format(shown, Unit::Plain);
    match unit.shown() {
        Unit::Percent => format!("{number}%"),
        Unit::Ms => format!("{number}ms"),
        _ => number,
    }
}

impl Literal {
    fn describe(&self) -> String {
        match self {
            Literal::Number(n) => format!("the number {}", units::format(*n, Unit::Plain)),
            Literal::Measured(n, u) => units::format(n * u.scale(), *u),
            Literal::Bool(b) => format!("{b}"),
            Literal::Text(s) => format!("{s:?}"),
        }
    }
}

/// `None` when the two sides have no sensible order (e.g. a JSON object and a number).
fn compare(got: &Got, right: &Literal) -> Option<Ordering> {
    match (got, right) {
        (_, Literal::Measured(..)) | (Got::Missing(_) | Got::Incomparable { .. }, _) => None,
        (Got::Number(a), Literal::Number(b)) => a.partial_cmp(b),
        // Numbers often arrive as strings ("12", a Prometheus sample): compare them as numbers.
        (Got::Text(a), Literal::Number(b)) => a.trim().parse::<f64>().ok()?.partial_cmp(b),
        (Got::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Got::Number(a), Literal::Bool(b)) => Some(a.partial_cmp(&f64::from(u8::from(*b)))?),
        (Got::Text(a), Literal::Bool(b)) => Some(a.as_str().cmp(if *b { "true" } else { "false" })),
        (Got::Text(a), Literal::Text(b)) => Some(a.as_str().cmp(b.as_str())),
        // Only == / != reach here for text (the parser rejects ordering a word), so comparing
        // the rendered text gives the gatus behaviour: `[STATUS] == "200"` holds for 200.
        (Got::Number(a), Literal::Text(b)) => Some(a.to_string().as_str().cmp(b.as_str())),
        (Got::Bool(a), Literal::Text(b)) => Some(a.to_string().as_str().cmp(b.as_str())),
        (Got::Null, Literal::Text(b)) => Some("null".cmp(b.as_str())),
        (Got::Json(a), Literal::Text(b)) => Some(a.as_str().cmp(b.as_str())),
        (Got::Null | Got::Json(_), _) | (Got::Bool(_), Literal::Number(_)) => None,
    }
}

/// Finds the operator outside quotes, brackets and braces (JSONPath filters and Prometheus
/// label sets such as `fields.{route="/a"}` contain `=` and `<` of their own).
fn find_operator(text: &str) -> Result<(usize, Op, usize), String> {
    let bytes = text.as_bytes();
    let mut depth: i32 = 0;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        match c {
            b'"' | b'\'' => quote = Some(c),
            b'[' | b'{' | b'(' => depth += 1,
            b']' | b'}' | b')' => depth -= 1,
            _ if depth > 0 => {}
            b'=' if next == Some(b'=') => return Ok((i, Op::Eq, 2)),
            b'!' if next == Some(b'=') => return Ok((i, Op::Ne, 2)),
            b'<' if next == Some(b'=') => return Ok((i, Op::Le, 2)),
            b'>' if next == Some(b'=') => return Ok((i, Op::Ge, 2)),
            b'<' => return Ok((i, Op::Lt, 1)),
            b'>' => return Ok((i, Op::Gt, 1)),
            b'=' => {
                return Err(format!(
                    "single `=` at column {} of `{text}`: did you mean `==`?",
                    i + 1
                ));
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!(
            "unclosed bracket in `{text}`: expected `]`, `}}` or `)` before the operator"
        ));
    }
    if let Some(q) = quote {
        return Err(format!(
            "unterminated {} quote in `{text}`",
            if q == b'"' { "double" } else { "single" }
        ));
    }
    Err(format!(
        "no comparison operator in `{text}`: expected one of == != < <= > >= between \
         the left side and the right side, e.g. `[STATUS] == 200`"
    ))
}

/// `a / b` at the top level of a left side that starts with `value` or `fields.` (a label key
/// such as `fields.{route="/orders"}` has slashes of its own).
fn split_share(text: &str) -> Option<(&str, &str)> {
    if !(text.starts_with("value") || text.starts_with("fields.")) {
        return None;
    }
    let (mut depth, mut quote) = (0i32, None);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[' | '(') => depth += 1,
            (None, '}' | ']' | ')') => depth -= 1,
            (None, '/') if depth == 0 => return Some((&text[..i], &text[i + 1..])),
            _ => {}
        }
    }
    None
}

fn parse_left(text: &str) -> Result<Operand, String> {
    let upper = text.to_ascii_uppercase();
    if upper == "[STATUS]" {
        return Ok(Operand::Status);
    }
    if upper == "[RESPONSE_TIME]" {
        return Ok(Operand::ResponseTime);
    }
    if upper == "[CONNECTED]" {
        return Ok(Operand::Connected);
    }
    if upper.starts_with("[BODY]") {
        return parse_body(text, &text["[BODY]".len()..]).map(Operand::Body);
    }
    if upper.starts_with("LEN(") {
        let inner = text["len(".len()..]
            .strip_suffix(')')
            .ok_or_else(|| format!("`{text}`: expected `)` closing `len(`"))?
            .trim();
        if !inner.to_ascii_uppercase().starts_with("[BODY]") {
            return Err(format!(
                "`{text}`: len() takes [BODY] or [BODY].path, found `{inner}`"
            ));
        }
        return parse_body(inner, &inner["[BODY]".len()..]).map(Operand::Len);
    }
    if let Some((part, whole)) = split_share(text) {
        let simple = |t: &str| match parse_left(t.trim())? {
            o @ (Operand::Value | Operand::Field(_)) => Ok(o),
            _ => Err(format!(
                "`{text}`: a share divides `value` or `fields.NAME` by a sum of them"
            )),
        };
        let whole = whole.trim();
        let whole = whole
            .strip_prefix('(')
            .and_then(|w| w.strip_suffix(')'))
            .unwrap_or(whole);
        return Ok(Operand::Share {
            part: Box::new(simple(part)?),
            whole: whole.split('+').map(simple).collect::<Result<_, _>>()?,
        });
    }
    if text == "value" {
        return Ok(Operand::Value);
    }
    if let Some(name) = text.strip_prefix("fields.") {
        if name.is_empty() {
            return Err(format!("`{text}`: expected a field name after `fields.`"));
        }
        return Ok(Operand::Field(name.to_string()));
    }
    Err(format!(
        "unknown left side `{text}`: expected {LEFT_EXPECTED}"
    ))
}

fn parse_body(whole: &str, rest: &str) -> Result<Option<BodyPath>, String> {
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok(None);
    }
    if !(rest.starts_with('.') || rest.starts_with('[')) {
        return Err(format!(
            "`{whole}`: expected `.` or `[` after [BODY], found `{rest}`"
        ));
    }
    let json_path = format!("${rest}");
    let path = JsonPath::parse(&json_path)
        .map_err(|e| format!("`{whole}`: `{rest}` is not a valid path ({e})"))?;
    Ok(Some(BodyPath {
        written: rest.to_string(),
        path,
    }))
}

fn parse_right(text: &str) -> Result<Literal, String> {
    let first = text.as_bytes()[0];
    if first == b'"' || first == b'\'' {
        return parse_quoted(text, first);
    }
    if let Some(extra) = text.split_whitespace().nth(1) {
        return Err(format!(
            "unexpected `{extra}` in the right side `{text}`: quote text that contains spaces"
        ));
    }
    match text {
        "true" => return Ok(Literal::Bool(true)),
        "false" => return Ok(Literal::Bool(false)),
        _ => {}
    }
    if text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+' || c == '.') {
        let not_a_number = || {
            format!(
                "`{text}` on the right side looks like a number but is not one: \
                 expected e.g. 200, 0.01, -3, 300ms, 0.3s, 5% or 4/5"
            )
        };
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let n = number
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(not_a_number)?;
        return match suffix.trim() {
            "" => Ok(Literal::Number(n)),
            "ms" => Ok(Literal::Measured(n, Unit::Ms)),
            "s" => Ok(Literal::Measured(n, Unit::Seconds)),
            "%" => Ok(Literal::Measured(n, Unit::Percent)),
            "days" | "d" => Ok(Literal::Measured(n, Unit::Days)),
            other => match Unit::parse(other) {
                Some(u @ Unit::OutOf(_)) => Ok(Literal::Measured(n, u)),
                _ => Err(not_a_number()),
            },
        };
    }
    Ok(Literal::Text(text.to_string()))
}

fn parse_quoted(text: &str, quote: u8) -> Result<Literal, String> {
    let mut out = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, escaped)) => out.push(escaped),
                None => break,
            }
        } else if c as u32 == u32::from(quote) {
            let after = text[1 + i + 1..].trim();
            if !after.is_empty() {
                return Err(format!(
                    "unexpected `{after}` after the closing quote in `{text}`"
                ));
            }
            return Ok(Literal::Text(out));
        } else {
            out.push(c);
        }
    }
    Err(format!(
        "unterminated string `{text}`: expected a closing quote"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn obs() -> Observation {
        Observation {
            status: Some(500),
            value: Some(0.063),
            fields: BTreeMap::from([
                ("failed".to_string(), 4.0),
                ("{route=\"/orders\"}".to_string(), 2.0),
            ]),
            body: Some(serde_json::json!({
                "status": "UP",
                "checks": {"db": true, "queue": "12"},
                "items": [{"id": 7}, {"id": 8}],
                "n": null
            })),
            elapsed: Duration::from_millis(250),
            body_kind: crate::sources::BodyKind::Json,
            ..Observation::default()
        }
    }

    fn check(text: &str) -> Result<(), String> {
        Condition::parse(text)
            .expect("test condition parses")
            .check(&obs())
            .map_err(|f| f.to_string())
    }

    #[test]
    fn parses_each_left_side() {
        let c = Condition::parse(" [STATUS] == 200 ").expect("status parses");
        assert_eq!(c.left, Operand::Status);
        assert_eq!(c.op, Op::Eq);
        assert_eq!(c.right, Literal::Number(200.0));
        assert_eq!(c.text, "[STATUS] == 200");
        assert_eq!(
            Condition::parse("[RESPONSE_TIME]<300").expect("rt").left,
            Operand::ResponseTime
        );
        assert_eq!(
            Condition::parse("value >= 1").expect("v").left,
            Operand::Value
        );
        assert_eq!(
            Condition::parse("fields.failed <= 3").expect("f").left,
            Operand::Field("failed".into())
        );
        let c = Condition::parse("[BODY].status == UP").expect("body");
        assert!(matches!(c.left, Operand::Body(Some(ref p)) if p.written == ".status"));
        assert_eq!(c.right, Literal::Text("UP".into()));
        assert!(matches!(
            Condition::parse("[BODY] == pong").expect("whole body").left,
            Operand::Body(None)
        ));
        assert_eq!(
            Condition::parse("[BODY].ok != false").expect("bool").right,
            Literal::Bool(false)
        );
        assert_eq!(
            Condition::parse("[BODY].s == \"a \\\"b\\\" c\"")
                .expect("quoted")
                .right,
            Literal::Text("a \"b\" c".into())
        );
    }

    #[test]
    fn operators_inside_brackets_and_braces_are_not_the_comparison() {
        let c = Condition::parse("fields.{route=\"/orders\"} > 0").expect("label key");
        assert_eq!(c.left, Operand::Field("{route=\"/orders\"}".into()));
        assert_eq!(c.op, Op::Gt);
        let c = Condition::parse("[BODY].items[?@.id > 7].id == 8").expect("filter");
        assert_eq!(c.op, Op::Eq);
    }

    #[test]
    fn parse_errors_say_what_was_expected_where() {
        let err = |t: &str| Condition::parse(t).expect_err("should not parse");
        assert!(err("").contains("empty condition"));
        assert!(err("[STATUS] 200").contains("no comparison operator"));
        assert!(err("[STATUS] = 200").contains("did you mean `==`"));
        assert!(err("== 200").contains("missing left side"));
        assert!(err("[STATUS] ==").contains("missing right side"));
        assert!(err("[STATUSS] == 200").contains("unknown left side `[STATUSS]`"));
        assert!(err("[BODY]status == UP").contains("expected `.` or `[` after [BODY]"));
        assert!(err("[BODY].a[ == 1").contains("unclosed bracket"));
        assert!(err("[BODY].a.. == 1").contains("not a valid path"));
        assert!(err("fields. == 1").contains("field name"));
        assert!(err("[BODY].s == \"UP").contains("unterminated"));
        assert!(err("[BODY].s == UP NOW").contains("quote text"));
        assert!(err("value < UP").contains("compares numbers"));
        assert!(err("value < 1x").contains("not one"));
        assert!(err("len(.a) == 1").contains("len() takes [BODY]"));
    }

    #[test]
    fn evaluates_against_an_observation() {
        assert_eq!(
            check("[STATUS] == 200"),
            Err("[STATUS] == 200: got 500".into())
        );
        assert!(check("[STATUS] >= 500").is_ok());
        assert!(check("[STATUS] == \"500\"").is_ok());
        assert_eq!(check("value < 0.01"), Err("value < 0.01: got 0.063".into()));
        assert!(check("[RESPONSE_TIME] < 300").is_ok());
        assert!(check("[RESPONSE_TIME] < 100").is_err());
        assert!(check("[BODY].status == UP").is_ok());
        assert!(check("[BODY].status == \"UP\"").is_ok());
        assert_eq!(
            check("[BODY].status != UP"),
            Err("[BODY].status != UP: got \"UP\"".into())
        );
        assert!(check("[BODY].checks.db == true").is_ok());
        assert!(check("[BODY].checks.queue < 20").is_ok());
        assert!(check("[BODY].items[0].id == 7").is_ok());
        assert!(check("[BODY].n == null").is_ok());
        assert!(check("len([BODY].items) == 2").is_ok());
        assert!(check("fields.failed <= 3").is_err());
        assert!(check("fields.{route=\"/orders\"} == 2").is_ok());
    }

    #[test]
    fn thresholds_take_units_and_converted_values_require_them() {
        let mut c = Condition::parse("value < 5%").expect("percent threshold");
        c.resolve(Unit::Ratio).expect("a share");
        assert_eq!(c.right, Literal::Number(5.0));
        assert_eq!(c.shown, "value < 5 %");
        let obs = Observation {
            value: Some(6.4),
            ..Observation::default()
        };
        assert_eq!(
            c.check(&obs).map_err(|f| f.to_string()),
            Err("value < 5 %: got 6.40 %".into())
        );
        let mut bare = Condition::parse("value < 0.01").expect("parses");
        assert!(
            bare.resolve(Unit::Ratio)
                .expect_err("a bare number on a ratio is ambiguous")
                .contains("`value < 1%`")
        );
        let mut secs = Condition::parse("fields.p95 < 300ms").expect("ms");
        secs.resolve(Unit::Seconds).expect("time");
        assert_eq!(secs.right, Literal::Number(300.0));
        let mut wrong = Condition::parse("value < 5%").expect("parses");
        assert!(wrong.resolve(Unit::Ms).is_err());
        let rt = Condition::parse("[RESPONSE_TIME] < 0.3s").expect("seconds on a time");
        assert_eq!(rt.right, Literal::Number(300.0));
        let rating = Condition::parse("value >= 4/5").expect("rating");
        assert_eq!(rating.right, Literal::Measured(4.0, Unit::OutOf(5)));
    }

    #[test]
    fn a_share_is_a_percentage_and_a_share_of_nothing_is_not_judged() {
        let mut c =
            Condition::parse("fields.delivered / (fields.delivered + fields.failed) >= 95%")
                .expect("share");
        c.resolve(Unit::Ratio).expect("a share is a ratio");
        let obs = |d: f64, f: f64| Observation {
            fields: BTreeMap::from([("delivered".to_string(), d), ("failed".to_string(), f)]),
            ..Observation::default()
        };
        assert!(c.check(&obs(20.0, 0.0)).is_ok());
        assert_eq!(
            c.check(&obs(20.0, 2.0)).map_err(|f| f.to_string()),
            Err("fields.delivered / (fields.delivered + fields.failed) >= 95 %: got 90.9 %".into())
        );
        assert!(c.check(&obs(0.0, 0.0)).is_ok(), "nothing finished yet");
        let null = Condition::parse("value >= 4").expect("parses");
        assert!(
            null.check(&Observation::default()).is_ok(),
            "null is no data"
        );
    }

    #[test]
    fn connected_reads_whether_the_connection_was_made() {
        let c = Condition::parse("[CONNECTED] == true").expect("connected");
        assert_eq!(c.left, Operand::Connected);
        let up = Observation {
            connected: Some(true),
            ..Observation::default()
        };
        let down = Observation {
            connected: Some(false),
            ..Observation::default()
        };
        assert!(c.check(&up).is_ok());
        assert_eq!(
            c.check(&down).map_err(|f| f.to_string()),
            Err("[CONNECTED] == true: got false".into())
        );
    }

    #[test]
    fn missing_pieces_fail_with_a_reason() {
        assert_eq!(
            check("[BODY].nope == 1"),
            Err("[BODY].nope == 1: .nope matched nothing".into())
        );
        assert!(
            check("[BODY].items[*].id == 1")
                .expect_err("two matches")
                .contains("matched 2 values")
        );
        // A field the answer does not carry is no data (the layout refuses conditions on
        // fields a source does not read); one it carries but cannot read fails.
        assert!(check("fields.gone == 1").is_ok());
        let empty = Observation::default();
        let c = Condition::parse("[STATUS] == 200").expect("parses");
        assert!(
            c.check(&empty)
                .expect_err("no status")
                .to_string()
                .contains("no HTTP status")
        );
        let c = Condition::parse("[BODY].checks > 1").expect("parses");
        assert!(
            c.check(&obs())
                .expect_err("object")
                .to_string()
                .contains("cannot be compared")
        );
    }
}
