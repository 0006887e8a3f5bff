//! `warroom status`: the day's progress as text or JSON, from the same ledger the TUI uses.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::clock::countdown;
use crate::app::{Ledger, Mark, Phase, Schedule};
use crate::layout::Layout;

#[derive(Debug, Serialize)]
pub struct Status {
    pub launch: String,
    pub name: String,
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

pub fn status(layout: &Layout, ledger: &Ledger, schedule: &Schedule, now: DateTime<Utc>) -> Status {
    let phase = schedule.phase(now);
    let title = |i: usize| layout.blocks.get(i).map(|b| b.title.en.clone());
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
        signoffs: progress(ledger, layout.signoffs.iter().map(|s| s.id.as_str())),
        events: ledger.events().len(),
    }
}

impl Progress {
    fn settled(&self) -> usize {
        self.done + self.skipped
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} — {} ({}), now {}",
            self.name, self.day, self.timezone, &self.now
        )?;
        match (self.phase, &self.current_block, &self.countdown) {
            ("in", Some(b), Some(c)) => writeln!(f, "Now: {b}, ends in {c}")?,
            ("gap", Some(b), Some(c)) => writeln!(f, "Break: {b} starts in {c}")?,
            ("before", Some(b), Some(c)) => writeln!(f, "Not started: {b} starts in {c}")?,
            _ => writeln!(f, "Launch day over")?,
        }
        let overdue: usize = self.blocks.iter().map(|b| b.overdue).sum();
        let d = &self.launch_day;
        writeln!(
            f,
            "Launch day: {}/{} settled ({} done, {} skipped), {} overdue",
            d.settled(),
            d.total,
            d.done,
            d.skipped,
            overdue
        )?;
        for b in &self.blocks {
            let flag = if b.overdue > 0 {
                format!("  {} overdue", b.overdue)
            } else {
                String::new()
            };
            writeln!(
                f,
                "  {}–{} {:<24} {:>3}/{:<3}{flag}",
                b.start,
                b.end,
                b.title,
                b.progress.settled(),
                b.progress.total
            )?;
        }
        writeln!(
            f,
            "Pre-launch: {}/{} · Expansion: {}/{} · Sign-offs: {}/{}",
            self.prelaunch.settled(),
            self.prelaunch.total,
            self.expansion.settled(),
            self.expansion.total,
            self.signoffs.settled(),
            self.signoffs.total
        )?;
        write!(f, "{} changes recorded today", self.events)
    }
}
