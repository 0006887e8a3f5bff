//! Validation of a layout's `[[source]]`s: the keys every source shares are checked here, the
//! kind's own keys by the kind itself (`sources/<kind>.rs`), dispatched on `kind` through
//! [`Kind::from_layout`]. Each problem points at the value at fault, like the rest of the layout.

use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use super::file::{DurationValue, SOURCE_COMMON_KEYS, SourceCommonFile};
use super::model::{LiveSource, Text};
use super::validate::{Validator, toml_problem};
use crate::sources::clean::Secrets;
use crate::sources::condition::{Condition, Operand};
use crate::sources::spec::{self, Check, Reads, Units};
use crate::sources::units::{UNIT_NAMES, Unit};
use crate::sources::{KIND_NAMES, Kind, SourceSpec};

/// Polling faster than this is a load test, not a war room; slower than this is not live.
pub const INTERVAL_RANGE: (Duration, Duration) =
    (Duration::from_millis(100), Duration::from_secs(24 * 3600));
pub const TIMEOUT_RANGE: (Duration, Duration) =
    (Duration::from_millis(10), Duration::from_secs(600));
/// Polls in a row to raise or clear an alert.
const STREAK_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

/// "5s", "500ms", "2m", "1h 30m" (humantime) or a number of seconds; `None` when it is not a
/// duration at all. Never panics, whatever the number: range checks come after.
pub fn parse_duration(value: &DurationValue) -> Option<Duration> {
    duration_value(value).ok()
}

/// The duration, or whether it failed for being out of range (`true`) rather than not being a
/// duration (`false`).
fn duration_value(value: &DurationValue) -> Result<Duration, bool> {
    match value {
        DurationValue::Seconds(s) if s.is_finite() && *s >= 0.0 => {
            Duration::try_from_secs_f64(*s).map_err(|_| true)
        }
        DurationValue::Seconds(_) => Err(true),
        DurationValue::Text(text) => humantime::parse_duration(text.trim())
            .map_err(|e| matches!(e, humantime::DurationError::NumberOverflow)),
    }
}

/// A duration for humans: "100ms", "24h".
fn shown(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// One `[[source]]` table split in two: the keys every source takes, and the kind's own.
struct SplitSource<'i> {
    common: Spanned<DeValue<'i>>,
    kind: Spanned<DeValue<'i>>,
}

fn split<'i>(table: &Spanned<DeValue<'i>>) -> Option<SplitSource<'i>> {
    let DeValue::Table(entries) = table.get_ref() else {
        return None;
    };
    let mut common = toml::de::DeTable::default();
    let mut kind = toml::de::DeTable::default();
    for (key, value) in entries {
        let (key, value) = (key.clone(), value.clone());
        if SOURCE_COMMON_KEYS.contains(&key.get_ref().as_ref()) {
            common.insert(key, value);
        } else {
            kind.insert(key, value);
        }
    }
    Some(SplitSource {
        common: Spanned::new(table.span(), DeValue::Table(common)),
        kind: Spanned::new(table.span(), DeValue::Table(kind)),
    })
}

impl Validator<'_> {
    pub(super) fn sources(
        &mut self,
        raw: Option<Spanned<DeValue<'_>>>,
        contacts: &[String],
    ) -> Vec<LiveSource> {
        let Some(raw) = raw else {
            return Vec::new();
        };
        let DeValue::Array(tables) = raw.get_ref() else {
            self.problem(
                raw.span(),
                "source",
                "expected [[source]] tables, one per source",
            );
            return Vec::new();
        };
        let mut sources: Vec<LiveSource> = tables
            .iter()
            .filter_map(|t| self.source(t, contacts))
            .collect();
        // Every source learns every secret: a backend may echo any of them.
        let secrets = Secrets::new(std::mem::take(&mut self.secrets));
        for s in &mut sources {
            s.spec.secrets = secrets.clone();
        }
        sources
    }

    fn source(&mut self, table: &Spanned<DeValue<'_>>, contacts: &[String]) -> Option<LiveSource> {
        let Some(parts) = split(table) else {
            self.problem(table.span(), "source", "expected a table: [[source]]");
            return None;
        };
        let common =
            match SourceCommonFile::deserialize(toml::de::ValueDeserializer::from(parts.common)) {
                Ok(c) => c,
                Err(e) => {
                    let p = toml_problem(&self.locator, &e);
                    self.problems.push(p);
                    return None;
                }
            };
        let id = self.id(&common.id, "source.id");
        let path = format!("source.{id}");
        let kind = self.kind(&common, parts.kind, &path)?;
        let units = self.units(&common, &kind.reads(), &kind, &path);
        let (critical, warn) = self.conditions(&common, &kind.kind, &units, &path);
        self.notify(&common, contacts, &path);
        let spec = SourceSpec {
            id: id.clone(),
            title: common.title.clone().unwrap_or_else(|| id.clone()),
            interval: self.duration(
                &common.interval,
                &format!("{path}.interval"),
                spec::DEFAULT_INTERVAL,
                INTERVAL_RANGE,
            ),
            timeout: self.duration(
                &common.timeout,
                &format!("{path}.timeout"),
                spec::DEFAULT_TIMEOUT,
                TIMEOUT_RANGE,
            ),
            critical,
            warn,
            raise_after: self.streak(
                &common.raise_after,
                &path,
                "raise_after",
                spec::DEFAULT_RAISE_AFTER,
            ),
            clear_after: self.streak(
                &common.clear_after,
                &path,
                "clear_after",
                spec::DEFAULT_CLEAR_AFTER,
            ),
            escalation_rings: common
                .escalation_rings
                .as_ref()
                .is_some_and(|v| *v.get_ref()),
            notify: common.notify.iter().map(|c| c.get_ref().clone()).collect(),
            units,
            secrets: Secrets::default(),
            kind: kind.kind,
        };
        Some(LiveSource {
            spec,
            title: Text::new(common.title.unwrap_or(id), common.title_zh),
            missing_env: kind.unset,
        })
    }

    /// The kind's own keys, checked by the kind; `${NAME}`s not set are remembered.
    fn kind(
        &mut self,
        common: &SourceCommonFile,
        table: Spanned<DeValue<'_>>,
        path: &str,
    ) -> Option<CheckedKind> {
        let name = common.kind.get_ref().as_str();
        let env = self.env;
        let lookup = |n: &str| env.get(n);
        let mut check = Check::new(path.to_string(), common.id.span(), &lookup);
        let kind = match Kind::from_layout(name, table, &mut check) {
            None => {
                self.problem(
                    common.kind.span(),
                    format!("{path}.kind"),
                    format!(
                        "unknown source kind {name:?}: use one of {}",
                        KIND_NAMES.join(", ")
                    ),
                );
                return None;
            }
            Some(Err(e)) => {
                let mut p = toml_problem(&self.locator, &e);
                kind_key_problem(&mut p, name, path);
                self.problems.push(p);
                return None;
            }
            Some(Ok(kind)) => kind,
        };
        for (span, field, message) in std::mem::take(&mut check.problems) {
            self.problem(span, field, message);
        }
        let mut unset = Vec::new();
        for (var, span, field) in std::mem::take(&mut check.unset) {
            let problem = self.locator_problem(
                span,
                field,
                format!("environment variable {var} is not set: export it before starting (the layout never holds secrets)"),
            );
            self.missing_env.push(problem);
            if !unset.contains(&var) {
                unset.push(var);
            }
        }
        for pair in std::mem::take(&mut check.substituted) {
            if !self.secrets.contains(&pair) {
                self.secrets.push(pair);
            }
        }
        Some(CheckedKind { kind, unset })
    }

    /// `unit` and `units`: what the backend sends, where the kind does not fix it.
    fn units(
        &mut self,
        common: &SourceCommonFile,
        reads: &Reads,
        kind: &CheckedKind,
        path: &str,
    ) -> Units {
        let parse = |this: &mut Self, text: &str, span: Range<usize>, field: String| {
            Unit::parse(text).unwrap_or_else(|| {
                this.problem(
                    span,
                    field,
                    format!("unknown unit {text:?}: use one of {UNIT_NAMES}"),
                );
                Unit::Plain
            })
        };
        let mut units = Units::fixed(reads.value_unit);
        if let Some(unit) = &common.unit {
            match reads.value_unit {
                Some(fixed) => self.problem(
                    unit.span(),
                    format!("{path}.unit"),
                    format!(
                        "a {} source's value is always in {}: it takes no `unit`",
                        kind.kind.name(),
                        fixed.name()
                    ),
                ),
                None => {
                    units.value = parse(self, unit.get_ref(), unit.span(), format!("{path}.unit"));
                    units.others = units.value;
                }
            }
        }
        if let Some(table) = &common.units {
            for (field, text) in table.get_ref() {
                let unit = parse(self, text, table.span(), format!("{path}.units.{field}"));
                let declared = match &kind.kind {
                    Kind::Http(h) => h.paths.field_names().any(|n| n == field),
                    Kind::Command(c) => c.paths.field_names().any(|n| n == field),
                    _ => false,
                };
                if !declared {
                    self.problem(
                        table.span(),
                        format!("{path}.units.{field}"),
                        format!("no field `{field}` in this source's `fields`"),
                    );
                }
                units.fields.insert(field.clone(), unit);
            }
        }
        units
    }

    /// `critical` and `warn`, parsed, each checked against what the kind offers and given the
    /// unit of what it reads.
    fn conditions(
        &mut self,
        common: &SourceCommonFile,
        kind: &Kind,
        units: &Units,
        path: &str,
    ) -> (Vec<Condition>, Vec<Condition>) {
        let reads = &kind.reads();
        let parse = |this: &mut Self, raw: &[Spanned<String>], field: String| {
            raw.iter()
                .filter_map(|c| {
                    let parsed = Condition::parse(c.get_ref()).and_then(|mut condition| {
                        offered(&condition.left, reads)?;
                        declared_fields(&condition.left, kind)?;
                        let unit = match &condition.left {
                            Operand::Value => units.of(None),
                            Operand::Field(name) => units.of(Some(name)),
                            Operand::ResponseTime => Unit::Ms,
                            Operand::Len(_) => Unit::Count,
                            Operand::Share { .. } => Unit::Ratio,
                            _ => Unit::Plain,
                        };
                        condition.resolve(unit)?;
                        Ok(condition)
                    });
                    match parsed {
                        Ok(condition) => Some(condition),
                        Err(message) => {
                            this.problem(c.span(), field.clone(), message);
                            None
                        }
                    }
                })
                .collect()
        };
        let critical = parse(self, &common.critical, format!("{path}.critical"));
        let warn = parse(self, &common.warn, format!("{path}.warn"));
        (critical, warn)
    }

    fn notify(&mut self, common: &SourceCommonFile, contacts: &[String], path: &str) {
        for contact in &common.notify {
            if !contacts.contains(contact.get_ref()) {
                self.problem(
                    contact.span(),
                    format!("{path}.notify"),
                    format!("no emergency contact has id {:?}", contact.get_ref()),
                );
            }
        }
    }

    fn duration(
        &mut self,
        value: &Option<Spanned<DurationValue>>,
        field: &str,
        default: Duration,
        (min, max): (Duration, Duration),
    ) -> Duration {
        let Some(value) = value else { return default };
        let out_of_range = match duration_value(value.get_ref()) {
            Ok(d) if (min..=max).contains(&d) => return d,
            Ok(_) => true,
            Err(too_large) => too_large,
        };
        let message = if out_of_range {
            format!(
                "out of range: expected a duration from {} to {}",
                shown(min),
                shown(max)
            )
        } else {
            "expected a duration such as \"5s\", \"500ms\" or \"2m\"".to_string()
        };
        self.problem(value.span(), field, message);
        default
    }

    fn streak(
        &mut self,
        value: &Option<Spanned<u32>>,
        path: &str,
        name: &str,
        default: u32,
    ) -> u32 {
        let Some(v) = value else { return default };
        let n = *v.get_ref();
        if STREAK_RANGE.contains(&n) {
            n
        } else {
            self.problem(
                v.span(),
                format!("{path}.{name}"),
                format!(
                    "{n} is out of range: expected {} to {} polls in a row",
                    STREAK_RANGE.start(),
                    STREAK_RANGE.end()
                ),
            );
            default
        }
    }
}

struct CheckedKind {
    kind: Kind,
    unset: Vec<String>,
}

impl std::ops::Deref for CheckedKind {
    type Target = Kind;
    fn deref(&self) -> &Kind {
        &self.kind
    }
}

/// Whether the kind can give what a condition's left side reads.
fn offered(left: &Operand, reads: &Reads) -> Result<(), String> {
    let (ok, what, kinds) = match left {
        Operand::Status => (reads.status, "[STATUS]", "http and prometheus sources"),
        Operand::Connected => (
            reads.connected,
            "[CONNECTED]",
            "kinds that open a connection (tcp, tls, postgres, redis, ssh...)",
        ),
        Operand::Body(_) | Operand::Len(_) => (
            reads.body,
            "[BODY]",
            "sources with a body (http, prometheus, command, ssh...)",
        ),
        Operand::Value => (
            reads.value,
            "value",
            "sources that read a value (give it `value`)",
        ),
        Operand::ResponseTime | Operand::Field(_) | Operand::Share { .. } => (true, "", ""),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("this source has no {what}: {what} is for {kinds}"))
    }
}

/// A condition on `fields.NAME` of a source that names its fields must name one of them: a typo
/// would otherwise be a condition that never has anything to judge.
fn declared_fields(left: &Operand, kind: &Kind) -> Result<(), String> {
    let names: Vec<&str> = match kind {
        Kind::Http(h) => h.paths.field_names().collect(),
        Kind::Command(c) => c.paths.field_names().collect(),
        _ => return Ok(()),
    };
    let mut fields = Vec::new();
    match left {
        Operand::Field(name) => fields.push(name),
        Operand::Share { part, whole } => {
            for o in std::iter::once(part.as_ref()).chain(whole) {
                if let Operand::Field(name) = o {
                    fields.push(name);
                }
            }
        }
        _ => {}
    }
    for name in fields {
        if !names.contains(&name.as_str()) {
            let known = if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            };
            return Err(format!(
                "this source reads no field `{name}` (its fields: {known}): add it to `fields`"
            ));
        }
    }
    Ok(())
}

/// serde's "unknown field `url`, expected `address`" in the layout's words.
fn kind_key_problem(p: &mut super::Problem, kind: &str, path: &str) {
    if let Some(rest) = p.message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        let takes = rest
            .split_once("expected ")
            .map(|(_, list)| list.replace("one of ", ""))
            .unwrap_or_default();
        p.field = format!("{path}.{key}");
        p.message = format!(
            "a {kind} source does not take `{key}` (it takes {takes}, and the keys every source takes)"
        );
    } else if let Some(rest) = p.message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default().to_string();
        p.field = format!("{path}.{key}");
        p.message = format!("a {kind} source needs `{key}`");
    } else if !p.field.is_empty() {
        p.field = format!("{path}.{}", p.field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let text = |t: &str| parse_duration(&DurationValue::Text(t.into()));
        assert_eq!(text("5s"), Some(Duration::from_secs(5)));
        assert_eq!(text("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(text("2m"), Some(Duration::from_secs(120)));
        assert_eq!(text("1h 30m"), Some(Duration::from_secs(5400)));
        assert_eq!(
            parse_duration(&DurationValue::Seconds(1.5)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(text("soon"), None);
        assert_eq!(
            text("18446744073709551615s").filter(|d| *d < INTERVAL_RANGE.1),
            None
        );
        assert_eq!(parse_duration(&DurationValue::Seconds(1e308)), None);
        assert_eq!(parse_duration(&DurationValue::Seconds(f64::NAN)), None);
    }
}
