//! The checked layout: what the rest of warroom works with. Every value here has passed
//! validation, so the UI and the store never need to second-guess it.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

/// Text as the layout gives it: English, with an optional Traditional Chinese version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub zh: Option<String>,
}

impl Text {
    pub fn new(en: impl Into<String>, zh: Option<String>) -> Self {
        Self {
            en: en.into(),
            zh: zh.filter(|z| !z.trim().is_empty()),
        }
    }

    /// The text in `lang`: the Chinese version when there is one, else the English.
    pub fn get(&self, lang: crate::i18n::Lang) -> &str {
        match (lang, &self.zh) {
            (crate::i18n::Lang::ZhTw, Some(zh)) => zh,
            _ => &self.en,
        }
    }

    /// True when either language contains `needle` (already lower-cased), so search finds an
    /// item by its Chinese or its English text.
    pub fn matches(&self, needle: &str) -> bool {
        self.en.to_lowercase().contains(needle)
            || self
                .zh
                .as_deref()
                .is_some_and(|zh| zh.to_lowercase().contains(needle))
    }
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// Where the layout was read from, for messages.
    pub source: String,
    pub launch: Launch,
    pub pilot: Pilot,
    pub document: Document,
    pub blocks: Vec<Block>,
    pub prelaunch: Vec<PrelaunchSection>,
    pub criteria: Vec<CriteriaWeek>,
    pub expansion: Vec<Section>,
    pub contacts: Vec<ContactGroup>,
    pub timeline: Vec<Phase>,
    pub signoffs: Vec<Signoff>,
    pub sources: Vec<LiveSource>,
    pub panels: Vec<Panel>,
    /// `${NAME}`s the layout uses that are not set: the sources using them stay unconfigured;
    /// `warroom check` reports each as an error.
    pub unset_env: Vec<super::Problem>,
    /// Each source's index by id, made with the layout: panels and alerts name sources by id,
    /// and with a thousand of them a scan per lookup was most of a frame's cost.
    pub(crate) ids: std::collections::HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Launch {
    pub id: String,
    pub name: Text,
    pub zone: Tz,
    /// The launch date; `None` means "today in the launch's zone".
    pub date: Option<NaiveDate>,
    pub overview: Option<Text>,
    pub expansion_intro: Option<Text>,
}

/// The pilot beyond launch day (`[pilot]`); the calendar is worked out in
/// [`calendar`](super::calendar).
#[derive(Debug, Clone, Default)]
pub struct Pilot {
    /// Day 1, as `[pilot] start` names it (see [`Layout::pilot_start`]).
    pub start: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub title: Option<Text>,
    pub version: Option<String>,
    pub last_updated: Option<String>,
    pub next_review: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub id: String,
    pub title: Text,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub quiet: bool,
    pub sections: Vec<Section>,
}

impl Block {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }
}

/// A titled list of tickable items.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub note: Option<Text>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone)]
pub struct Item {
    /// Stable slug: ticks are stored against it, so editing `text` never orphans them.
    pub id: String,
    pub text: Text,
    pub evidence: Option<Evidence>,
}

/// The live condition that proves a checklist item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// That source is ok.
    Source(String),
    /// Every source of that panel is ok.
    Panel(String),
    /// No critical alert is open.
    NoCriticalAlerts,
}

#[derive(Debug, Clone)]
pub struct PrelaunchSection {
    pub id: String,
    pub number: Option<u32>,
    pub title: Text,
    pub note: Option<Text>,
    pub groups: Vec<Section>,
}

impl PrelaunchSection {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.groups.iter().flat_map(|g| g.items.iter())
    }
}

#[derive(Debug, Clone)]
pub struct CriteriaWeek {
    pub week: u32,
    pub title: Text,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    Equal,
}

impl Comparison {
    pub fn parse(op: &str) -> Option<Self> {
        Some(match op {
            ">" => Self::Greater,
            ">=" => Self::GreaterOrEqual,
            "<" => Self::Less,
            "<=" => Self::LessOrEqual,
            "==" => Self::Equal,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Self::Greater => ">",
            Self::GreaterOrEqual => "≥",
            Self::Less => "<",
            Self::LessOrEqual => "≤",
            Self::Equal => "=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TargetValue {
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    /// Snake-case measure name shared by the same measure across weeks (e.g. `uptime`).
    pub metric: String,
    pub text: Text,
    pub comparison: Comparison,
    pub value: TargetValue,
    pub unit: Option<String>,
}

impl Target {
    /// "> 99 %", "< 300 ms", "> 4/5": the threshold as an operator reads it.
    pub fn threshold(&self) -> String {
        match (&self.value, self.comparison) {
            (TargetValue::Bool(true), _) => "yes".to_string(),
            (TargetValue::Bool(false), _) => "no".to_string(),
            (TargetValue::Number(n), cmp) => {
                let number = format_number(*n);
                match self.unit.as_deref() {
                    Some(unit) if unit.starts_with('/') => {
                        format!("{} {number}{unit}", cmp.symbol())
                    }
                    Some("%") => format!("{} {number}%", cmp.symbol()),
                    Some(unit) => format!("{} {number} {unit}", cmp.symbol()),
                    None => format!("{} {number}", cmp.symbol()),
                }
            }
        }
    }

    /// Statements like "No critical data loss" carry their whole meaning in the text.
    pub fn is_statement(&self) -> bool {
        matches!(self.value, TargetValue::Bool(_))
            || (self.comparison == Comparison::Equal && self.value == TargetValue::Number(0.0))
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[derive(Debug, Clone)]
pub struct ContactGroup {
    pub id: String,
    pub title: Text,
    pub people: Vec<Contact>,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub id: String,
    pub role: Text,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub id: String,
    pub period: String,
    /// The pilot weeks it covers, first and last (inclusive).
    pub weeks: Option<(u32, u32)>,
    pub title: Text,
    pub entries: Vec<TimelineEntry>,
}

#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub id: String,
    pub when: Option<String>,
    /// The pilot days it covers, first and last (inclusive).
    pub days: Option<(u32, u32)>,
    /// Customers served on those days.
    pub customers: Option<u32>,
    pub text: Text,
}

#[derive(Debug, Clone)]
pub struct Signoff {
    pub id: String,
    pub role: Text,
    /// Operator names that hold the role; empty: the signer confirms their name.
    pub holders: Vec<String>,
}

/// Where a tickable item lives; used by the audit log and the detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    LaunchDay,
    Prelaunch,
    Expansion,
    Signoff,
}

/// Counts printed by `warroom check` and asserted by the seed test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub blocks: usize,
    pub launch_sections: usize,
    pub launch_items: usize,
    pub prelaunch_sections: usize,
    pub prelaunch_groups: usize,
    pub prelaunch_items: usize,
    pub criteria_weeks: usize,
    pub targets: usize,
    pub expansion_sections: usize,
    pub expansion_items: usize,
    pub contact_groups: usize,
    pub contacts: usize,
    pub timeline_phases: usize,
    pub timeline_entries: usize,
    pub signoffs: usize,
}

impl Layout {
    /// The index in [`Layout::sources`] of the source with this id.
    pub fn source_index(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&LiveSource> {
        self.source_index(id).and_then(|i| self.sources.get(i))
    }

    /// Indexes sources by id; the first of two with one id wins (validation reports the other).
    pub(crate) fn index_sources(
        sources: &[LiveSource],
    ) -> std::collections::HashMap<String, usize> {
        let mut ids = std::collections::HashMap::with_capacity(sources.len());
        for (i, source) in sources.iter().enumerate() {
            ids.entry(source.spec.id.clone()).or_insert(i);
        }
        ids
    }

    pub fn counts(&self) -> Counts {
        Counts {
            blocks: self.blocks.len(),
            launch_sections: self.blocks.iter().map(|b| b.sections.len()).sum(),
            launch_items: self.blocks.iter().map(|b| b.items().count()).sum(),
            prelaunch_sections: self.prelaunch.len(),
            prelaunch_groups: self.prelaunch.iter().map(|s| s.groups.len()).sum(),
            prelaunch_items: self.prelaunch.iter().map(|s| s.items().count()).sum(),
            criteria_weeks: self.criteria.len(),
            targets: self.criteria.iter().map(|w| w.targets.len()).sum(),
            expansion_sections: self.expansion.len(),
            expansion_items: self.expansion.iter().map(|s| s.items.len()).sum(),
            contact_groups: self.contacts.len(),
            contacts: self.contacts.iter().map(|g| g.people.len()).sum(),
            timeline_phases: self.timeline.len(),
            timeline_entries: self.timeline.iter().map(|p| p.entries.len()).sum(),
            signoffs: self.signoffs.len(),
        }
    }

    /// Every tickable thing in the layout with the text to show for it and where it lives.
    pub fn tickables(&self) -> impl Iterator<Item = (Area, &str, &Text)> {
        let launch = self
            .blocks
            .iter()
            .flat_map(|b| b.items())
            .map(|i| (Area::LaunchDay, i.id.as_str(), &i.text));
        let pre = self
            .prelaunch
            .iter()
            .flat_map(|s| s.items())
            .map(|i| (Area::Prelaunch, i.id.as_str(), &i.text));
        let exp = self
            .expansion
            .iter()
            .flat_map(|s| s.items.iter())
            .map(|i| (Area::Expansion, i.id.as_str(), &i.text));
        let sign = self
            .signoffs
            .iter()
            .map(|s| (Area::Signoff, s.id.as_str(), &s.role));
        launch.chain(pre).chain(exp).chain(sign)
    }

    /// A launch-day item by id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.blocks
            .iter()
            .flat_map(|b| b.items())
            .find(|i| i.id == id)
    }

    /// The block an item belongs to, for overdue checks.
    pub fn block_of(&self, item_id: &str) -> Option<&Block> {
        self.blocks
            .iter()
            .find(|b| b.items().any(|i| i.id == item_id))
    }
}

/// A declared source; `missing_env` lists `${NAME}`s that are not set, which leaves the source
/// unconfigured (its panel says how to configure it) rather than polling a broken URL.
#[derive(Debug, Clone)]
pub struct LiveSource {
    pub spec: crate::sources::SourceSpec,
    pub title: Text,
    pub missing_env: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub id: String,
    pub title: Text,
    pub sources: Vec<String>,
    pub kind: PanelKind,
}

/// Where a panel reads a number: a source's value, one of its fields, or the uptime computed
/// from its health history; `scale` converts units (e.g. 100 for a fraction shown in %).
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRef {
    pub source: String,
    pub field: Option<String>,
    pub uptime: bool,
    pub scale: f64,
}

#[derive(Debug, Clone)]
pub enum PanelKind {
    Health,
    ErrorRate,
    Latency {
        p95_field: String,
        avg_field: String,
        p95_target_ms: f64,
        avg_target_ms: f64,
    },
    Deliveries {
        completion_target: f64,
    },
    Tickets {
        rows: Rows,
        target_hours: f64,
    },
    Criteria {
        week: u32,
        bind: Vec<(String, ValueRef)>,
    },
    Alerts,
}

/// Where a panel's rows are in its source's JSON body: a JSONPath selecting each row (`$[*]`,
/// `$.tickets[*]`), compiled when the layout is loaded. When it ends in `[*]`, the list itself
/// is known too, so a body without it can be named ("expected a list at $.tickets").
#[derive(Debug, Clone)]
pub struct Rows {
    pub text: String,
    pub path: serde_json_path::JsonPath,
    pub list: Option<(String, serde_json_path::JsonPath)>,
}

impl Rows {
    pub fn parse(text: &str) -> Result<Rows, serde_json_path::ParseError> {
        let path = serde_json_path::JsonPath::parse(text)?;
        let list = match text.trim().strip_suffix("[*]") {
            Some(prefix) if !prefix.is_empty() => serde_json_path::JsonPath::parse(prefix)
                .ok()
                .map(|p| (prefix.to_string(), p)),
            _ => None,
        };
        Ok(Rows {
            text: text.to_string(),
            path,
            list,
        })
    }
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            text: "$[*]".into(),
            path: serde_json_path::JsonPath::default(),
            list: None,
        }
    }
}

impl PanelKind {
    pub fn name(&self) -> &'static str {
        match self {
            PanelKind::Health => "health",
            PanelKind::ErrorRate => "error_rate",
            PanelKind::Latency { .. } => "latency",
            PanelKind::Deliveries { .. } => "deliveries",
            PanelKind::Tickets { .. } => "tickets",
            PanelKind::Criteria { .. } => "criteria",
            PanelKind::Alerts => "alerts",
        }
    }
}
