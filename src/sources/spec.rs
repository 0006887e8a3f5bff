//! A source as the layout declares it, after validation: the settings every kind shares, and
//! the contract each kind fulfils in its own file ([`SourceKind`]): its serde form, its checks,
//! what its observations offer, and its probe. `${NAME}`s are already substituted.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::clean::Secrets;
use super::condition::{Condition, Operand};
use super::units::Unit;
use super::{Kind, Probe, SourceError};

/// Defaults from the live-panels issue.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024;
pub const DEFAULT_MAX_REDIRECTS: usize = 3;
pub const DEFAULT_RAISE_AFTER: u32 = 3;
pub const DEFAULT_CLEAR_AFTER: u32 = 2;

#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub id: String,
    pub title: String,
    pub interval: Duration,
    pub timeout: Duration,
    /// Any failing → the source is critical.
    pub critical: Vec<Condition>,
    /// Any failing (and no critical one) → the source is degraded.
    pub warn: Vec<Condition>,
    /// Bad polls in a row before an alert is raised, good polls in a row before it clears.
    pub raise_after: u32,
    pub clear_after: u32,
    /// An acknowledged alert stays quiet until it clears; `true` rings when it escalates.
    pub escalation_rings: bool,
    /// Contact ids (from the layout's emergency contacts) to call when it alerts.
    pub notify: Vec<String>,
    /// The units of the numbers this source reads, as its backend sends them.
    pub units: Units,
    /// The layout's `${NAME}` values: scrubbed from everything this source reports.
    pub secrets: Secrets,
    pub kind: Kind,
}

impl SourceSpec {
    /// A spec with every shared setting at its default, for tests and tools.
    pub fn new(id: &str, kind: Kind) -> SourceSpec {
        let units = Units::fixed(kind.reads().value_unit);
        SourceSpec {
            id: id.to_string(),
            title: id.to_string(),
            interval: DEFAULT_INTERVAL,
            timeout: DEFAULT_TIMEOUT,
            critical: Vec::new(),
            warn: Vec::new(),
            raise_after: DEFAULT_RAISE_AFTER,
            clear_after: DEFAULT_CLEAR_AFTER,
            escalation_rings: false,
            notify: Vec::new(),
            units,
            secrets: Secrets::default(),
            kind,
        }
    }

    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.critical.iter().chain(&self.warn)
    }

    /// Whether a condition reads this operand (e.g. `[STATUS]`, `[CONNECTED]`): then an answer
    /// that is otherwise a failure is an observation for the condition to judge.
    pub fn judges(&self, operand: &Operand) -> bool {
        self.conditions().any(|c| &c.left == operand)
    }
}

/// The unit of each number a source reads, as the backend sends it (`unit = "s"`): numbers are
/// converted to their shown unit as each poll arrives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Units {
    pub value: Unit,
    pub fields: BTreeMap<String, Unit>,
    /// Fields the layout does not name (a Prometheus vector's series): the value's unit.
    pub others: Unit,
}

impl Units {
    pub fn fixed(value: Option<Unit>) -> Units {
        let value = value.unwrap_or_default();
        Units {
            value,
            fields: BTreeMap::new(),
            others: value,
        }
    }

    /// The unit a number named `field` (None: the value) arrives in.
    pub fn of(&self, field: Option<&str>) -> Unit {
        match field {
            None => self.value,
            Some(name) => self.fields.get(name).copied().unwrap_or(self.others),
        }
    }
}

/// What one kind's observations offer, so that the layout can refuse a condition the kind can
/// never satisfy (`[STATUS]` on a tcp source) instead of a panel that is always red.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Reads {
    /// `[STATUS]`: an HTTP status.
    pub status: bool,
    /// `[BODY]` and `len([BODY]...)`: a body.
    pub body: bool,
    /// `[CONNECTED]`: whether the connection was made (the tcp family).
    pub connected: bool,
    /// The unit of `value` when the kind fixes it (a connect time in ms, days left); `None`
    /// when the layout's `unit` says it.
    pub value_unit: Option<Unit>,
    /// Whether the layout may name `fields` (and their `units`).
    pub fields: bool,
    /// Whether the source has a value at all (an http source without `value` has none).
    pub value: bool,
}

/// One kind of source: its serde form (with spans and `deny_unknown_fields`), its validation
/// into a spec, what it offers, and its probe. Adding a kind is one file implementing this and
/// one line in `sources::kinds!`.
pub trait SourceKind: Sized {
    /// The kind's own keys of a `[[source]]` table, as written.
    type File: DeserializeOwned;
    /// Checks the file's values, reporting each problem through `check`; substitutes `${NAME}`s.
    fn check(file: Self::File, check: &mut Check<'_>) -> Self;
    /// What this source's observations offer.
    fn reads(&self) -> Reads;
    /// The probe that polls it (fails only on what the layout check could not see).
    fn probe(&self, spec: &SourceSpec) -> Result<Box<dyn Probe>, SourceError>;
}

/// Where a kind reports problems and reads the environment while its file is checked.
pub struct Check<'a> {
    /// `source.ID`: the prefix of every field named in a problem.
    pub path: String,
    /// The span of the source's id, for problems about the source as a whole.
    pub at: Range<usize>,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    /// (span, field, message)
    pub problems: Vec<(Range<usize>, String, String)>,
    /// `${NAME}`s that are not set: (name, span, field).
    pub unset: Vec<(String, Range<usize>, String)>,
    /// `${NAME}`s substituted: (name, value).
    pub substituted: Vec<(String, String)>,
}

impl<'a> Check<'a> {
    pub fn new(path: String, at: Range<usize>, lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Check {
            path,
            at,
            lookup,
            problems: Vec::new(),
            unset: Vec::new(),
            substituted: Vec::new(),
        }
    }

    pub fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    pub fn problem(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        let field = self.field(field);
        self.problems.push((span, field, message.into()));
    }

    /// The text with `${NAME}` replaced from the environment; unset names are remembered
    /// (the source stays unconfigured and `warroom check` lists them).
    pub fn env(&mut self, value: &Spanned<String>, field: &str) -> String {
        let (text, used, unset) = substitute(value.get_ref(), self.lookup);
        for name in unset {
            let field = self.field(field);
            self.unset.push((name, value.span(), field));
        }
        for pair in used {
            if !self.substituted.contains(&pair) {
                self.substituted.push(pair);
            }
        }
        text
    }

    /// Every value of a table with `${NAME}` substituted (headers).
    pub fn env_map(
        &mut self,
        map: &Spanned<BTreeMap<String, String>>,
        field: &str,
    ) -> BTreeMap<String, String> {
        map.get_ref()
            .iter()
            .map(|(k, v)| {
                let spanned = Spanned::new(map.span(), v.clone());
                (k.clone(), self.env(&spanned, &format!("{field}.{k}")))
            })
            .collect()
    }

    /// A number of the layout that must lie in `range`, else a problem at its span.
    pub fn within<T: PartialOrd + Copy + std::fmt::Display>(
        &mut self,
        value: &Spanned<T>,
        field: &str,
        range: std::ops::RangeInclusive<T>,
    ) -> Option<T> {
        let v = *value.get_ref();
        if range.contains(&v) {
            Some(v)
        } else {
            self.problem(
                value.span(),
                field,
                format!(
                    "{v} is out of range: expected {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}

/// Replaces `${NAME}`; returns the text, the (name, value) pairs used and the names not set.
pub fn substitute(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> (String, Vec<(String, String)>, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut used = Vec::new();
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match lookup(name).filter(|v| !v.is_empty()) {
                    Some(value) => {
                        out.push_str(&value);
                        used.push((name.to_string(), value));
                    }
                    None => missing.push(name.to_string()),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, used, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_reports_used_and_missing_names() {
        let lookup = |name: &str| (name == "SET").then(|| "v4lue".to_string());
        let (text, used, missing) = substitute("${SET}/health?t=${UNSET_X}&${UNSET_Y}", &lookup);
        assert_eq!(text, "v4lue/health?t=&");
        assert_eq!(used, vec![("SET".to_string(), "v4lue".to_string())]);
        assert_eq!(missing, vec!["UNSET_X", "UNSET_Y"]);
        let (text, _, missing) = substitute("http://x/${unterminated", &lookup);
        assert_eq!(
            (text.as_str(), missing.len()),
            ("http://x/${unterminated", 0)
        );
    }
}
