//! The layout file exactly as written on disk: serde structs that keep the byte span of every
//! value that validation may complain about, so that errors can name line and column.
//!
//! Nothing here is interpreted; `validate` turns a [`LayoutFile`] into a checked
//! [`Layout`](super::Layout).

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutFile {
    pub launch: LaunchFile,
    #[serde(default)]
    pub pilot: Option<PilotFile>,
    #[serde(default)]
    pub document: Option<DocumentFile>,
    #[serde(default, rename = "block")]
    pub blocks: Vec<BlockFile>,
    #[serde(default)]
    pub prelaunch: Vec<PrelaunchFile>,
    #[serde(default)]
    pub criteria: Vec<CriteriaWeekFile>,
    #[serde(default)]
    pub expansion: Vec<SectionFile>,
    #[serde(default)]
    pub contacts: Vec<ContactGroupFile>,
    #[serde(default)]
    pub timeline: Vec<PhaseFile>,
    #[serde(default, rename = "signoff")]
    pub signoffs: Vec<SignoffFile>,
    // `[[source]]` tables are taken out before this struct is read: each is dispatched on its
    // `kind` to the kind's own serde form (see `validate_live`).
    #[serde(default, rename = "panel")]
    pub panels: Vec<PanelFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchFile {
    pub id: Spanned<String>,
    pub name: String,
    pub name_zh: Option<String>,
    pub timezone: Spanned<String>,
    pub date: Option<Spanned<String>>,
    pub overview: Option<String>,
    pub overview_zh: Option<String>,
    pub expansion_intro: Option<String>,
    pub expansion_intro_zh: Option<String>,
}

/// `[pilot]`: the pilot beyond launch day.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PilotFile {
    /// Day 1 of the pilot, YYYY-MM-DD [default: `launch.date`].
    pub start: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentFile {
    pub title: Option<String>,
    pub title_zh: Option<String>,
    pub version: Option<String>,
    pub last_updated: Option<String>,
    pub next_review: Option<String>,
    pub next_review_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockFile {
    pub id: Spanned<String>,
    pub title: String,
    pub title_zh: Option<String>,
    pub start: Spanned<TimeOfDay>,
    pub end: Spanned<TimeOfDay>,
    /// Alerts still show but do not ring during this block (e.g. a deploy window).
    #[serde(default)]
    pub quiet: bool,
    #[serde(default, rename = "section")]
    pub sections: Vec<SectionFile>,
}

/// A titled list of tickable items: a launch-day section, a pre-launch group or an
/// expansion-criteria section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFile {
    pub id: Spanned<String>,
    pub title: String,
    pub title_zh: Option<String>,
    pub note: Option<String>,
    pub note_zh: Option<String>,
    #[serde(default)]
    pub items: Vec<ItemFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFile {
    pub id: Spanned<String>,
    pub text: Spanned<String>,
    pub text_zh: Option<String>,
    /// What proves the item: `source:ID`, `panel:ID` or `no-critical-alerts`.
    pub evidence: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrelaunchFile {
    pub id: Spanned<String>,
    pub number: Option<u32>,
    pub title: String,
    pub title_zh: Option<String>,
    pub note: Option<String>,
    pub note_zh: Option<String>,
    #[serde(default, rename = "group")]
    pub groups: Vec<SectionFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaWeekFile {
    pub week: Spanned<u32>,
    pub title: String,
    pub title_zh: Option<String>,
    #[serde(default)]
    pub targets: Vec<TargetFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub id: Spanned<String>,
    pub metric: String,
    pub text: String,
    pub text_zh: Option<String>,
    pub op: Spanned<String>,
    pub value: Spanned<TargetValueFile>,
    pub unit: Option<String>,
}

/// A target's value: a number, or true/false for statements ("no critical data loss").
#[derive(Debug, Clone)]
pub enum TargetValueFile {
    Bool(bool),
    Number(f64),
}

impl<'de> Deserialize<'de> for TargetValueFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = TargetValueFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or true/false")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(TargetValueFile::Bool(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(TargetValueFile::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                // Targets are small numbers; an integer too large for f64 is out of range anyway.
                Ok(TargetValueFile::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(TargetValueFile::Number(v as f64))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactGroupFile {
    pub id: Spanned<String>,
    pub group: String,
    pub group_zh: Option<String>,
    #[serde(default)]
    pub people: Vec<ContactFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactFile {
    pub id: Spanned<String>,
    pub role: String,
    pub role_zh: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseFile {
    pub id: Spanned<String>,
    pub period: String,
    /// The pilot weeks the phase covers: `[1]`, or first and last `[2, 3]`.
    pub weeks: Option<Spanned<Vec<u32>>>,
    pub title: String,
    pub title_zh: Option<String>,
    #[serde(default)]
    pub entries: Vec<TimelineEntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntryFile {
    pub id: Spanned<String>,
    pub when: Option<String>,
    /// The pilot days the entry covers: `[5]`, or first and last `[1, 2]`.
    pub days: Option<Spanned<Vec<u32>>>,
    /// How many customers the pilot serves on those days (the group as it stands, not the
    /// customers added).
    pub customers: Option<Spanned<u32>>,
    pub text: String,
    pub text_zh: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffFile {
    pub id: Spanned<String>,
    pub role: String,
    pub role_zh: Option<String>,
    /// The operator names that hold the role: only they may sign it. Without any, whoever
    /// signs confirms their name.
    #[serde(default)]
    pub holders: Vec<Spanned<String>>,
}

/// A block's start or end: `"06:00"` as the docs write it, or a bare TOML time `06:00`
/// (which TOML reads as a time value, not a string).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TimeOfDay {
    Text(String),
    Toml(toml::value::Datetime),
}

impl TimeOfDay {
    pub fn as_text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Toml(d) => d.to_string(),
        }
    }
}

/// The keys every `[[source]]` takes, whatever its kind; the others belong to the kind, whose
/// own serde form (in `sources/<kind>.rs`) refuses any it does not know.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceCommonFile {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub title: Option<String>,
    pub title_zh: Option<String>,
    pub interval: Option<Spanned<DurationValue>>,
    pub timeout: Option<Spanned<DurationValue>>,
    /// The unit `value` arrives in (`"s"`, `"ratio"`, `"count"`...).
    pub unit: Option<Spanned<String>>,
    /// The unit of each named field, when not a plain number.
    pub units: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    #[serde(default)]
    pub warn: Vec<Spanned<String>>,
    #[serde(default)]
    pub critical: Vec<Spanned<String>>,
    pub raise_after: Option<Spanned<u32>>,
    pub clear_after: Option<Spanned<u32>>,
    /// Ring when an acknowledged alert escalates (default: it shows, quietly).
    pub escalation_rings: Option<Spanned<bool>>,
    #[serde(default)]
    pub notify: Vec<Spanned<String>>,
}

/// The keys of [`SourceCommonFile`], to split a `[[source]]` table between it and the kind.
pub const SOURCE_COMMON_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "title_zh",
    "interval",
    "timeout",
    "unit",
    "units",
    "warn",
    "critical",
    "raise_after",
    "clear_after",
    "escalation_rings",
    "notify",
];

/// `"5s"`, `"500ms"`, `"2m"`, or a bare number of seconds.
#[derive(Debug, Clone)]
pub enum DurationValue {
    Seconds(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for DurationValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DurationValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a duration such as \"5s\", \"500ms\" or \"2m\"")
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DurationValue::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(DurationValue::Seconds(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(DurationValue::Seconds(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(DurationValue::Seconds(v as f64))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A `[[panel]]`: what to show, fed by which sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelFile {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub title: Option<String>,
    pub title_zh: Option<String>,
    /// Health panels: one row per source.
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// Single-source panels.
    pub source: Option<Spanned<String>>,
    /// Criteria panel: which week's targets to hold the live values against.
    pub week: Option<Spanned<u32>>,
    /// Criteria panel: target metric → live value (`source` or `source.field`, or `uptime:source`).
    pub bind: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    /// Latency panel: field names of p95 and average (ms) and their targets.
    pub p95_field: Option<Spanned<String>>,
    pub avg_field: Option<Spanned<String>>,
    pub p95_target_ms: Option<Spanned<f64>>,
    pub avg_target_ms: Option<Spanned<f64>>,
    /// Deliveries panel: the week-1 completion target in percent.
    pub completion_target: Option<Spanned<f64>>,
    /// Tickets panel: JSONPath of the ticket rows in the body, and the resolution target.
    pub rows: Option<Spanned<String>>,
    pub target_hours: Option<Spanned<f64>>,
}
