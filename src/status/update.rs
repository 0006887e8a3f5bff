//! The status update a war room posts every hour, in the reader's language: where the pilot
//! and the day stand, the current block and its progress, announcements, the open alerts and
//! who is on them, the measures against their targets, and the next block. Plain text for a
//! chat window: `warroom status --update` prints it, the TUI's `U` copies it. Pure: built
//! from what the caller has already read, so both say the same.

use chrono::{DateTime, Utc};

use crate::app::clock::countdown;
use crate::app::{Ledger, Phase, Schedule};
use crate::i18n::{Lang, Msg, date_long, t, tf};
use crate::judge::week::{Week, WeekState};
use crate::judge::{self, Bindings, Measures, Verdict};
use crate::layout::{CriteriaWeek, Layout, Target};
use crate::sources::clean::clean;
use crate::words;

/// The targets the update holds the measures against, as judged.
pub struct Targets<'a> {
    pub criteria: &'a CriteriaWeek,
    /// Where the values come from: the week so far or as it ended, or today alone.
    pub scope: Scope,
    pub items: Vec<(&'a Target, Option<f64>, Verdict)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Week(WeekState),
    /// Today's numbers (no pilot calendar to give the week).
    Today,
}

impl<'a> Targets<'a> {
    /// A week as `judge::week` judged it.
    pub fn week(week: &Week<'a>) -> Self {
        Self {
            criteria: week.criteria,
            scope: Scope::Week(week.state),
            items: week
                .targets
                .iter()
                .map(|t| (t.target, t.reading.value, t.verdict))
                .collect(),
        }
    }

    /// The watched criteria week held against today's measures.
    pub fn today(
        layout: &'a Layout,
        bindings: &Bindings,
        m: &dyn Measures,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        let criteria = bindings.week(layout)?;
        let b = Bindings {
            week: criteria.week,
            ..bindings.clone()
        };
        let items = judge::criteria(layout, &b, m, now)
            .into_iter()
            .map(|j| (j.target, j.reading.value, j.verdict))
            .collect();
        Some(Self {
            criteria,
            scope: Scope::Today,
            items,
        })
    }
}

/// What the update is made of.
pub struct Inputs<'a> {
    pub layout: &'a Layout,
    /// Today's log: blocks' progress, alerts, announcements.
    pub ledger: &'a Ledger,
    pub schedule: &'a Schedule,
    pub now: DateTime<Utc>,
    pub targets: Option<Targets<'a>>,
}

/// The update as text, one line each, in `lang`.
pub fn compose(inputs: &Inputs<'_>, lang: Lang) -> String {
    let layout = inputs.layout;
    let zone = layout.launch.zone;
    let local = inputs.now.with_timezone(&zone);
    let hm = |at: DateTime<Utc>| at.with_timezone(&zone).format("%H:%M").to_string();
    let mut out: Vec<String> = Vec::new();
    out.push(tf(
        lang,
        Msg::UpdHead,
        &[
            &layout.launch.name.get(lang),
            &local.format("%H:%M").to_string(),
            &date_long(lang, local.date_naive()),
            &zone.name(),
        ],
    ));
    if let Some(line) = pilot_line(layout, &layout.pilot_day(inputs.now), lang) {
        out.push(line);
    }
    for a in inputs.ledger.pilot().current_announcements(inputs.now) {
        let until = a
            .until
            .map(|u| tf(lang, Msg::UpdUntil, &[&hm(u)]))
            .unwrap_or_default();
        out.push(tf(
            lang,
            Msg::UpdAnnouncement,
            &[&clean(&a.text), &clean(&a.by), &hm(a.at), &until],
        ));
    }
    out.push(block_line(inputs, lang));
    out.extend(alert_lines(inputs, lang));
    if let Some(targets) = &inputs.targets {
        out.extend(target_lines(targets, lang));
    }
    out.push(next_line(inputs, lang));
    out.join("\n")
}

pub use crate::words::pilot_line;

fn block_line(inputs: &Inputs<'_>, lang: Lang) -> String {
    let layout = inputs.layout;
    let progress = |i: usize| {
        layout
            .blocks
            .get(i)
            .map(|b| inputs.ledger.progress(b.items().map(|i| i.id.as_str())))
            .unwrap_or_default()
    };
    let span = |i: usize| {
        layout
            .blocks
            .get(i)
            .map(|b| format!("{}–{}", b.start.format("%H:%M"), b.end.format("%H:%M")))
            .unwrap_or_default()
    };
    let title = |i: usize| {
        layout
            .blocks
            .get(i)
            .map(|b| b.title.get(lang).to_string())
            .unwrap_or_default()
    };
    match inputs.schedule.phase(inputs.now) {
        Phase::In { index, remaining } => {
            let (done, total) = progress(index);
            tf(
                lang,
                Msg::UpdNow,
                &[
                    &title(index),
                    &span(index),
                    &done,
                    &total,
                    &countdown(remaining),
                ],
            )
        }
        Phase::Gap { next, .. } | Phase::Before { next, .. } => {
            let overdue: usize = (0..next)
                .map(|i| {
                    let (done, total) = progress(i);
                    total - done
                })
                .sum();
            tf(lang, Msg::UpdBetween, &[&overdue])
        }
        Phase::After => {
            let (done, total) = inputs.ledger.progress(
                layout
                    .blocks
                    .iter()
                    .flat_map(|b| b.items())
                    .map(|i| i.id.as_str()),
            );
            tf(lang, Msg::UpdDayOver, &[&done, &total])
        }
    }
}

fn alert_lines(inputs: &Inputs<'_>, lang: Lang) -> Vec<String> {
    let zone = inputs.layout.launch.zone;
    let hm = |at: DateTime<Utc>| at.with_timezone(&zone).format("%H:%M").to_string();
    let open: Vec<_> = inputs
        .ledger
        .alerts()
        .iter()
        .filter(|a| a.is_open())
        .collect();
    if open.is_empty() {
        return vec![t(lang, Msg::UpdNoAlerts).to_string()];
    }
    let mut out = vec![tf(lang, Msg::UpdAlerts, &[&open.len()])];
    for a in open {
        let title = inputs
            .layout
            .source(&a.source)
            .map_or_else(|| clean(&a.source), |s| s.title.get(lang).to_string());
        let who = match &a.ack {
            Some((by, at, reason)) if reason.trim().is_empty() => {
                tf(lang, Msg::UpdOnIt, &[&clean(by), &hm(*at)])
            }
            Some((by, at, reason)) => tf(
                lang,
                Msg::UpdOnItWhy,
                &[&clean(by), &hm(*at), &clean(reason)],
            ),
            None => t(lang, Msg::UpdNobody).to_string(),
        };
        out.push(tf(
            lang,
            Msg::UpdAlert,
            &[
                &title,
                &words::health(lang, Some(a.severity)),
                &hm(a.raised_at),
                &words::failure(lang, &a.failure),
                &who,
            ],
        ));
    }
    out
}

fn target_lines(targets: &Targets<'_>, lang: Lang) -> Vec<String> {
    let title = targets.criteria.title.get(lang);
    let mut out = vec![match targets.scope {
        Scope::Week(WeekState::InProgress { day }) => tf(lang, Msg::UpdWeekSoFar, &[&title, &day]),
        Scope::Week(WeekState::Over) => tf(lang, Msg::UpdWeekFinal, &[&title]),
        Scope::Week(WeekState::NotYetBegun) => tf(lang, Msg::UpdWeekNotBegun, &[&title]),
        Scope::Today => tf(lang, Msg::UpdToday, &[&title]),
    }];
    for (target, value, verdict) in &targets.items {
        let mark = match verdict {
            Verdict::Pass => "✓",
            Verdict::Fail => "✗",
            _ => "·",
        };
        let shown = match (verdict, value) {
            (Verdict::Pass | Verdict::Fail, Some(v)) => {
                words::target_value(*v, target.unit.as_deref())
            }
            (Verdict::Pass, None) => t(lang, Msg::RptPass).to_string(),
            (Verdict::Fail, None) => t(lang, Msg::RptFail).to_string(),
            (Verdict::NoData, _) => t(lang, Msg::NoData).to_string(),
            (Verdict::NotMeasured, _) => t(lang, Msg::GoAwaitingVerdict).to_string(),
            (Verdict::NotYetBegun, _) => t(lang, Msg::RptNotYetBegun).to_string(),
        };
        out.push(tf(
            lang,
            Msg::UpdTarget,
            &[&mark, &target.text.get(lang), &shown, &target.threshold()],
        ));
    }
    out
}

fn next_line(inputs: &Inputs<'_>, lang: Lang) -> String {
    let layout = inputs.layout;
    let next = match inputs.schedule.phase(inputs.now) {
        Phase::In { index, .. } => Some(index + 1),
        Phase::Gap { next, .. } | Phase::Before { next, .. } => Some(next),
        Phase::After => None,
    };
    match next.and_then(|i| Some((i, layout.blocks.get(i)?))) {
        Some((i, block)) => {
            let until = inputs
                .schedule
                .spans
                .get(i)
                .map(|(start, _)| countdown(*start - inputs.now))
                .unwrap_or_default();
            tf(
                lang,
                Msg::UpdNext,
                &[
                    &block.title.get(lang),
                    &format!(
                        "{}–{}",
                        block.start.format("%H:%M"),
                        block.end.format("%H:%M")
                    ),
                    &until,
                ],
            )
        }
        None => t(lang, Msg::UpdNoNext).to_string(),
    }
}

/// What `warroom status --update` reads: today's log, and the targets of the pilot's current
/// week over that week's stored days (or, without a calendar, today's). `store` is `None`
/// when nothing has been recorded yet. Rows that cannot be read are skipped and returned, to
/// be said.
pub async fn load(
    store: Option<&crate::store::Store>,
    layout: &Layout,
    now: DateTime<Utc>,
    lang: Lang,
) -> anyhow::Result<(String, Vec<String>)> {
    use anyhow::Context as _;
    use std::collections::BTreeMap;

    let launch = &layout.launch.id;
    let day = Schedule::launch_day(layout, now);
    let schedule = Schedule::new(layout, day);
    let bindings = Bindings::of(layout);
    let mut skipped = Vec::new();
    let (ledger, today) = match store {
        Some(store) => {
            let read = store
                .read(launch, day, 0)
                .await
                .with_context(|| format!("cannot read the events of {day}"))?;
            skipped.extend(read.unreadable.iter().map(|u| u.to_string()));
            let samples = store
                .day_samples(launch, day)
                .await
                .with_context(|| format!("cannot read the samples of {day}"))?;
            // As of `now`: a rehearsal's `--now` in the past does not see what came after.
            let events = read.events.into_iter().filter(|s| s.event.at <= now);
            (Ledger::from_events(events), samples)
        }
        None => (Ledger::default(), Vec::new()),
    };
    // The calendar's today, which a layout pinning `launch.date` does not move.
    let date = now.with_timezone(&layout.launch.zone).date_naive();
    let criteria = week_to_show(layout, now);
    let mut samples: BTreeMap<chrono::NaiveDate, Vec<crate::store::Sample>> = BTreeMap::new();
    let mut pilot = Ledger::default();
    if let (Some(store), Some(criteria), Some(start)) = (store, criteria, layout.pilot_start()) {
        if let Some((first, last)) = layout.week_dates(criteria.week)
            && first <= date
        {
            samples = store
                .samples_of_days(launch, first, last.min(date))
                .await
                .with_context(|| format!("cannot read the samples of {first} to {last}"))?;
        }
        let read = store
            .read_days(launch, start.min(date), date.max(start))
            .await
            .context("cannot read the pilot's events")?;
        skipped.extend(read.unreadable.iter().map(|u| u.to_string()));
        pilot = Ledger::from_events(read.events.into_iter().filter(|s| s.event.at <= now));
    }
    let verdicts = |id: &str| pilot.pilot().judgement(id).cloned();
    let inputs = crate::judge::week::Inputs {
        layout,
        bindings: &bindings,
        samples: &samples,
        verdicts: &verdicts,
        now,
    };
    let judged = criteria.and_then(|c| crate::judge::week::week(&inputs, c));
    let day_measures = crate::judge::samples::Day::new(&today, now);
    let targets = match &judged {
        Some(week) => Some(Targets::week(week)),
        None => Targets::today(layout, &bindings, &day_measures, now),
    };
    let text = compose(
        &Inputs {
            layout,
            ledger: &ledger,
            schedule: &schedule,
            now,
            targets,
        },
        lang,
    );
    Ok((text, skipped))
}

/// The criteria week an update holds the measures against: the pilot's current week when it
/// has targets, else the latest one before it (week 3 reports week 2's final numbers), else
/// the first. `None` without a calendar.
pub fn week_to_show(layout: &Layout, now: DateTime<Utc>) -> Option<&CriteriaWeek> {
    let current = layout.pilot_day(now).week()?;
    layout
        .criteria
        .iter()
        .filter(|c| c.week <= current)
        .max_by_key(|c| c.week)
        .or_else(|| layout.criteria.first())
}
