//! Conditions in the style of gatus: `[STATUS] == 200`, `[BODY].status == "UP"`,
//! `[RESPONSE_TIME] < 300`, `value < 0.01`, `fields.failed <= 3`.
//!
//! A condition is parsed once, when the layout is loaded, so a typo is a layout error with a
//! precise message rather than a panel that is silently always red. Body paths are RFC 9535
//! JSONPaths evaluated by `serde_json_path`: `[BODY].checks.db` means `$.checks.db`.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::Observation;

/// A parsed condition. Its text is kept for display ("[STATUS] == 200: got 500").
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub text: String,
    pub left: Operand,
    pub op: Op,
    pub right: Literal,
}

/// What the left side reads from an [`Observation`].
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `[STATUS]`: the HTTP status.
    Status,
    /// `[RESPONSE_TIME]`: the poll's duration in milliseconds.
    ResponseTime,
    /// `[BODY]` (no path: the whole body) or `[BODY].a.b` / `[BODY][0].id`.
    Body(Option<BodyPath>),
    /// `len([BODY].items)`: length of an array, object or string in the body.
    Len(Option<BodyPath>),
    /// `value`: the source's main number.
    Value,
    /// `fields.NAME`.
    Field(String),
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

const LEFT_EXPECTED: &str =
    "[STATUS], [RESPONSE_TIME], [BODY], [BODY].path, len([BODY].path), value or fields.NAME";
const RIGHT_EXPECTED: &str = "a number, a quoted string, true/false or a word such as UP";

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
        if op.ordering() && !matches!(right, Literal::Number(_)) {
            return Err(format!(
                "`{}` compares numbers, but the right side of `{trimmed}` is `{right_text}`: \
                 expected a number (use == or != for text)",
                op.symbol()
            ));
        }
        Ok(Condition {
            text: trimmed.to_string(),
            left,
            op,
            right,
        })
    }

    /// `Ok(())` when the condition holds; otherwise a short reason for the panel,
    /// e.g. `[STATUS] == 200: got 500`.
    pub fn check(&self, obs: &Observation) -> Result<(), String> {
        let got = self
            .resolve(obs)
            .map_err(|why| format!("{}: {why}", self.text))?;
        match compare(&got, &self.right) {
            Some(ord) if self.op.holds(ord) => Ok(()),
            Some(_) => Err(format!("{}: got {}", self.text, got)),
            None => Err(format!(
                "{}: got {}, which cannot be compared with {}",
                self.text,
                got,
                self.right.describe()
            )),
        }
    }

    fn resolve(&self, obs: &Observation) -> Result<Got, String> {
        match &self.left {
            Operand::Status => obs
                .status
                .map(|s| Got::Number(f64::from(s)))
                .ok_or_else(|| "no HTTP status in this observation".to_string()),
            Operand::ResponseTime => Ok(Got::Number(obs.elapsed.as_secs_f64() * 1000.0)),
            Operand::Value => obs
                .value
                .map(Got::Number)
                .ok_or_else(|| "no value in this observation".to_string()),
            Operand::Field(name) => obs
                .fields
                .get(name)
                .map(|v| Got::Number(*v))
                .ok_or_else(|| format!("no field `{name}` in this observation")),
            Operand::Body(path) => body_node(obs, path.as_ref()).map(Got::from_json),
            Operand::Len(path) => {
                let node = body_node(obs, path.as_ref())?;
                let len = match node {
                    Value::Array(a) => a.len(),
                    Value::Object(o) => o.len(),
                    Value::String(s) => s.chars().count(),
                    other => return Err(format!("len() of {other}, which has no length")),
                };
                // Lengths are far below 2^53, so the conversion is exact.
                Ok(Got::Number(len as f64))
            }
        }
    }
}

fn body_node<'a>(obs: &'a Observation, path: Option<&BodyPath>) -> Result<&'a Value, String> {
    let body = obs
        .body
        .as_ref()
        .ok_or_else(|| "no body in this observation".to_string())?;
    let Some(path) = path else {
        return Ok(body);
    };
    let nodes = path.path.query(body);
    match nodes.len() {
        0 => Err(format!("{} matched nothing", path.written)),
        1 => nodes
            .exactly_one()
            .map_err(|e| format!("{}: {e}", path.written)),
        n => Err(format!("{} matched {n} values, expected one", path.written)),
    }
}

/// The left side's value, as compared and as shown after "got".
#[derive(Debug, Clone, PartialEq)]
enum Got {
    Number(f64),
    Bool(bool),
    Text(String),
    Null,
    /// An array or object, compared as its JSON text.
    Json(String),
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
            other => Got::Json(other.to_string()),
        }
    }
}

impl fmt::Display for Got {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Got::Number(n) => write!(f, "{n}"),
            Got::Bool(b) => write!(f, "{b}"),
            Got::Text(s) => write!(f, "{s:?}"),
            Got::Null => f.write_str("null"),
            Got::Json(s) => {
                // A whole body can be long; the panel has one line for the reason.
                if s.chars().count() > 60 {
                    let head: String = s.chars().take(60).collect();
                    write!(f, "{head}…")
                } else {
                    f.write_str(s)
                }
            }
        }
    }
}

impl Literal {
    fn describe(&self) -> String {
        match self {
            Literal::Number(n) => format!("the number {n}"),
            Literal::Bool(b) => format!("{b}"),
            Literal::Text(s) => format!("{s:?}"),
        }
    }
}

/// `None` when the two sides have no sensible order (e.g. a JSON object and a number).
fn compare(got: &Got, right: &Literal) -> Option<Ordering> {
    match (got, right) {
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

fn parse_left(text: &str) -> Result<Operand, String> {
    let upper = text.to_ascii_uppercase();
    if upper == "[STATUS]" {
        return Ok(Operand::Status);
    }
    if upper == "[RESPONSE_TIME]" {
        return Ok(Operand::ResponseTime);
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
        return match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Literal::Number(n)),
            _ => Err(format!(
                "`{text}` on the right side looks like a number but is not one: \
                 expected e.g. 200, 0.01 or -3"
            )),
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
        }
    }

    fn check(text: &str) -> Result<(), String> {
        Condition::parse(text)
            .expect("test condition parses")
            .check(&obs())
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
        assert!(
            check("fields.gone == 1")
                .expect_err("no field")
                .contains("no field `gone`")
        );
        let empty = Observation::default();
        let c = Condition::parse("[STATUS] == 200").expect("parses");
        assert!(
            c.check(&empty)
                .expect_err("no status")
                .contains("no HTTP status")
        );
        let c = Condition::parse("[BODY].checks > 1").expect("parses");
        assert!(
            c.check(&obs())
                .expect_err("object")
                .contains("cannot be compared")
        );
    }
}
