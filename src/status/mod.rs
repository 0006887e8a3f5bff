//! `warroom status`: the day's progress as text or JSON, from the same ledger the TUI uses;
//! `--update` prints the hourly [`update`] for chat.

pub mod update;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::clock::countdown;
use crate::app::{Ledger, Mark, Phase, Schedule};
use crate::i18n::{Lang, Msg, t, tf};
use crate::layout::Layout;

#[derive(Debug, Serialize)]
pub struct Status {
    pub launch: String,
    pub name: String,
    /// The Chinese texts, for `render(Lang::ZhTw)`; the JSON stays English (it is for scripts).
    #[serde(skip)]
    pub name_zh: Option<String>,
    #[serde(skip)]
    pub current_block_zh: Option<String>,
    pub day: String,
    pub timezone: String,
    pub now: String,
    /// "before", "in", "gap" or "after".
    pub phase: &'static str,
    pub current_block: Option<String>,
    pub countdown: Option<String>,
    pub launch_day: Progress,
    pub blocks: Vec<BlockStatus>,
    pub prelaunch: Progress,
    pub expansion: Progress,
    pub signoffs: Progress,
    pub events: usize,
}

#[derive(Debug, Serialize, Default)]
pub struct Progress {
    pub done: usize,
    pub skipped: usize,
    pub open: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct BlockStatus {
    pub id: String,
    pub title: String,
    #[serde(skip)]
    pub title_zh: Option<String>,
    pub start: String,
    pub end: String,
    pub progress: Progress,
    pub overdue: usize,
}

fn progress<'a>(ledger: &Ledger, ids: impl IntoIterator<Item = &'a str>) -> Progress {
    let mut p = Progress::default();
    for id in ids {
        p.total += 1;
        match ledger.mark(id) {
            Mark::Done => p.done += 1,
            Mark::Skipped { .. } => p.skipped += 1,
            Mark::Open => p.open += 1,
        }
    }
    p
}

/// Sign-offs count as given only with a name: a signature in the log, not a tick.
fn signed(layout: &Layout, ledger: &Ledger) -> Progress {
    let total = layout.signoffs.len();
    let done = layout
        .signoffs
        .iter()
        .filter(|s| ledger.pilot().signature(&s.id).is_some())
        .count();
    Progress {
        done,
        skipped: 0,
        open: total - done,
        total,
    }
}

pub fn status(layout: &Layout, ledger: &Ledger, schedule: &Schedule, now: DateTime<Utc>) -> Status {
    let phase = schedule.phase(now);
    let title = |i: usize| layout.blocks.get(i).map(|b| b.title.en.clone());
    let title_zh = |i: usize| {
        layout
            .blocks
            .get(i)
            .map(|b| b.title.get(Lang::ZhTw).to_string())
    };
    let current_zh = match phase {
        Phase::Before { next, .. } | Phase::Gap { next, .. } => title_zh(next),
        Phase::In { index, .. } => title_zh(index),
        Phase::After => None,
    };
    let (phase_name, current_block, count) = match phase {
        Phase::Before { next, until } => ("before", title(next), Some(countdown(until))),
        Phase::In { index, remaining } => ("in", title(index), Some(countdown(remaining))),
        Phase::Gap { next, until } => ("gap", title(next), Some(countdown(until))),
        Phase::After => ("after", None, None),
    };
    let blocks = layout
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let progress = progress(ledger, b.items().map(|i| i.id.as_str()));
            let overdue = if schedule.has_ended(i, now) {
                progress.open
            } else {
                0
            };
            BlockStatus {
                id: b.id.clone(),
                title: b.title.en.clone(),
                title_zh: b.title.zh.clone(),
                start: b.start.format("%H:%M").to_string(),
                end: b.end.format("%H:%M").to_string(),
                progress,
                overdue,
            }
        })
        .collect();
    Status {
        launch: layout.launch.id.clone(),
        name: layout.launch.name.en.clone(),
        name_zh: layout.launch.name.zh.clone(),
        current_block_zh: current_zh,
        day: schedule.day.to_string(),
        timezone: layout.launch.zone.name().to_string(),
        now: now
            .with_timezone(&layout.launch.zone)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        phase: phase_name,
        current_block,
        countdown: count,
        launch_day: progress(
            ledger,
            layout
                .blocks
                .iter()
                .flat_map(|b| b.items())
                .map(|i| i.id.as_str()),
        ),
        blocks,
        prelaunch: progress(
            ledger,
            layout
                .prelaunch
                .iter()
                .flat_map(|s| s.items())
                .map(|i| i.id.as_str()),
        ),
        expansion: progress(
            ledger,
            layout
                .expansion
                .iter()
                .flat_map(|s| s.items.iter())
                .map(|i| i.id.as_str()),
        ),
        signoffs: signed(layout, ledger),
        events: ledger.events().len(),
    }
}

impl Progress {
    fn done_or_skipped(&self) -> usize {
        self.done + self.skipped
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl Status {
    /// The report as text in `lang` (the JSON stays English: it is for scripts).
    pub fn render(&self, lang: Lang) -> String {
        let mut out: Vec<String> = Vec::new();
        let zh = lang == Lang::ZhTw;
        let pick = |en: &'_ str, zh_text: &Option<String>| -> String {
            match zh_text {
                Some(z) if zh => z.clone(),
                _ => en.to_string(),
            }
        };
        let name = pick(&self.name, &self.name_zh);
        let current = self
            .current_block
            .as_ref()
            .map(|b| pick(b, &self.current_block_zh));
        out.push(tf(
            lang,
            Msg::StatusHead,
            &[&name, &self.day, &self.timezone, &self.now],
        ));
        out.push(match (self.phase, &current, &self.countdown) {
            ("in", Some(b), Some(c)) => tf(lang, Msg::StatusNow, &[b, c]),
            ("gap", Some(b), Some(c)) => tf(lang, Msg::StatusBreak, &[b, c]),
            ("before", Some(b), Some(c)) => tf(lang, Msg::StatusBefore, &[b, c]),
            _ => t(lang, Msg::StatusOver).to_string(),
        });
        let overdue: usize = self.blocks.iter().map(|b| b.overdue).sum();
        let d = &self.launch_day;
        out.push(tf(
            lang,
            Msg::StatusDay,
            &[
                &d.done_or_skipped(),
                &d.total,
                &d.done,
                &d.skipped,
                &overdue,
            ],
        ));
        // Block titles are padded by display width, so Chinese titles line up too.
        let title_cols = 24;
        for b in &self.blocks {
            let title = pick(&b.title, &b.title_zh);
            let flag = if b.overdue > 0 {
                tf(lang, Msg::StatusBlockOverdue, &[&b.overdue])
            } else {
                String::new()
            };
            out.push(format!(
                "  {}–{} {} {:>3}/{:<3}{flag}",
                b.start,
                b.end,
                crate::ui::text::fit(&title, title_cols.max(crate::ui::text::width(&title))),
                b.progress.done_or_skipped(),
                b.progress.total
            ));
        }
        out.push(tf(
            lang,
            Msg::StatusOthers,
            &[
                &self.prelaunch.done_or_skipped(),
                &self.prelaunch.total,
                &self.expansion.done_or_skipped(),
                &self.expansion.total,
                &self.signoffs.done_or_skipped(),
                &self.signoffs.total,
            ],
        ));
        out.push(tf(lang, Msg::StatusEvents, &[&self.events]));
        out.join("\n")
    }
}
