//! The end-of-day report as data, so every renderer (Markdown, HTML, JSON) says the same
//! thing. Built by [`super::build`]; every text in it is already in the report's language.

use serde::Serialize;

pub use crate::i18n::Lang;
use crate::judge::Verdict;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub launch: String,
    pub name: String,
    pub date: String,
    pub timezone: String,
    pub lang: Lang,
    /// The instant the report describes the day up to, on the launch's clock: now, the day's
    /// end for a past day, or the latest thing recorded when that is later than now.
    pub as_of: String,
    pub state: DayState,
    /// One line for the top: items, alerts, uptime, completion, on or off target.
    pub headline: String,
    /// A sentence on where the day stands (nothing recorded, in progress, over).
    pub status_line: String,
    pub totals: Totals,
    pub blocks: Vec<BlockReport>,
    pub alerts: Vec<AlertReport>,
    pub tickets: TicketsReport,
    pub measures: Vec<Measure>,
    pub criteria: Option<CriteriaReport>,
    pub notes: Vec<NoteReport>,
    pub signoffs: Vec<SignoffReport>,
    pub prelaunch: Vec<ProgressReport>,
    pub charts: Charts,
    /// Things the report could not read (e.g. samples missing from an older database).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// No event and no sample for the day.
    NothingRecorded,
    NotStarted,
    InProgress,
    Over,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub total: usize,
    /// Items ticked while their live evidence was failing ("tick anyway").
    pub against_evidence: usize,
    pub alerts: usize,
    pub alerts_open: usize,
    pub events: usize,
    pub samples: usize,
    /// All measured targets pass (`None`: none could be measured).
    pub on_target: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockReport {
    pub id: String,
    pub title: String,
    pub start: String,
    pub end: String,
    /// Not started yet at `as_of` (the current block is not "to come").
    pub to_come: bool,
    /// The block `as_of` falls in.
    pub current: bool,
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub sections: Vec<SectionReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionReport {
    pub id: String,
    pub title: String,
    pub items: Vec<ItemReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub text: String,
    /// "done", "skipped" or "open".
    pub status: &'static str,
    pub by: Option<String>,
    /// When the current mark was set, on the launch's clock (RFC 3339).
    pub at: Option<String>,
    pub reason: Option<String>,
    /// What the item's live evidence said when it was ticked, when it said anything.
    pub evidence: Option<EvidenceReport>,
    /// Ticked this many minutes after its block ended (launch-day items ticked late).
    pub late_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceReport {
    /// "ok", "warn", "critical" or "no_data".
    pub level: &'static str,
    /// In the report's language: "critical — Error rate: value < 0.05: got 0.06".
    pub said: String,
    /// Ticked although the evidence was failing.
    pub against: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertReport {
    pub source: String,
    pub source_title: String,
    /// The severity now (or when it cleared), in the report's language.
    pub severity: String,
    /// Raised with, then each escalation or easing: "warn", "critical 09:35", "warn 09:41".
    pub steps: Vec<String>,
    /// Why, as of the raise or the last change, in the report's language.
    pub detail: String,
    pub raised_at: String,
    /// Always warroom: alerts are raised by the system, never by whoever was at the keyboard.
    pub raised_by: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
    /// The operator's note given with the acknowledgement.
    pub note: Option<String>,
    pub cleared_at: Option<String>,
    pub cleared_detail: Option<String>,
    /// Raise to clear, or raise to `as_of` while still open.
    pub duration_seconds: i64,
    /// The same, to the nearest minute.
    pub duration_minutes: i64,
    pub open: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TicketsReport {
    /// The tickets source, when the layout has one.
    pub source: Option<String>,
    pub target_hours: f64,
    pub opened: usize,
    pub resolved: usize,
    pub open: usize,
    pub open_past_target: usize,
    pub within_target_pct: Option<f64>,
    pub mean_resolution_hours: Option<f64>,
    pub items: Vec<TicketReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TicketReport {
    pub id: String,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    /// Opening to resolution, or to `as_of` while open.
    pub minutes: i64,
    pub open: bool,
    pub within_target: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// uptime, order_completion, avg_response_time, p95_response_time, tickets_within_2h,
    /// issue_resolution_time.
    pub id: String,
    pub label: String,
    pub value: Option<f64>,
    pub unit: String,
    /// How it was computed, and from which source.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriteriaReport {
    pub week: u32,
    pub title: String,
    pub targets: Vec<TargetReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub id: String,
    pub metric: String,
    pub text: String,
    /// The threshold as read: "> 99%".
    pub target: String,
    pub measured: Option<f64>,
    pub unit: Option<String>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteReport {
    pub at: String,
    pub by: String,
    pub item: Option<String>,
    pub item_text: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignoffReport {
    pub id: String,
    pub role: String,
    pub signed: bool,
    pub by: Option<String>,
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProgressReport {
    pub id: String,
    pub title: String,
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub total: usize,
}

/// Per-minute series for the HTML charts: (minute on the launch clock "HH:MM", value).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Charts {
    /// Error rate in percent.
    pub error_rate: Vec<Point>,
    pub p95_ms: Vec<Point>,
    pub delivered: Vec<Point>,
    pub failed: Vec<Point>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub minute: String,
    pub value: f64,
}

/// A number with at most `places` decimals, trailing zeros dropped.
pub fn fmt_number(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
