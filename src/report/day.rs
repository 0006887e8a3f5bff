//! Where the day stands in the report: the instant it is "as of", its state, the status
//! sentence and the headline.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::model::{BlockReport, DayState, Totals, fmt_number};
use crate::app::{Ledger, Phase, Schedule};
use crate::clock::at_zone;
use crate::i18n::{Lang, Msg, t, tf};
use crate::store::Sample;

/// The instant the report describes: `now`; for a day that is over, its last second; and
/// never before the latest thing recorded (a rehearsal recorded on a simulated clock, read
/// back before that day, must not read as "not started" beside its ticks).
pub fn as_of(
    schedule: &Schedule,
    ledger: &Ledger,
    samples: &[Sample],
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let next_day = schedule.day.succ_opt().unwrap_or(schedule.day);
    let day_end = at_zone(schedule.zone, next_day.and_time(NaiveTime::MIN)) - Duration::seconds(1);
    let latest_event = ledger.events().iter().map(|s| s.event.at).max();
    let latest_sample = samples
        .iter()
        .map(|s| s.minute + Duration::seconds(59))
        .max();
    let latest = latest_event.max(latest_sample);
    let at = match latest {
        Some(latest) if latest > now => latest,
        _ => now,
    };
    at.min(day_end)
}

pub fn state(totals: &Totals, phase: Phase) -> DayState {
    if totals.events == 0 && totals.samples == 0 {
        return DayState::NothingRecorded;
    }
    match phase {
        Phase::Before { .. } => DayState::NotStarted,
        Phase::In { .. } | Phase::Gap { .. } => DayState::InProgress,
        Phase::After => DayState::Over,
    }
}

pub fn status_line(
    lang: Lang,
    state: DayState,
    phase: Phase,
    blocks: &[BlockReport],
    as_of_hm: &str,
) -> String {
    let (comma, colon, stop) = (
        t(lang, Msg::RptComma),
        t(lang, Msg::RptColon),
        t(lang, Msg::RptStop),
    );
    let first_start = blocks.first().map(|b| b.start.clone()).unwrap_or_default();
    let mut in_progress = tf(lang, Msg::RptInProgress, &[&as_of_hm]);
    if let Some(current) = blocks.iter().find(|b| b.current) {
        in_progress.push_str(comma);
        in_progress.push_str(&tf(lang, Msg::RptNow, &[&current.title, &current.end]));
    }
    let to_come: Vec<String> = blocks
        .iter()
        .filter(|b| b.to_come)
        .map(|b| format!("{} ({}–{})", b.title, b.start, b.end))
        .collect();
    if !to_come.is_empty() {
        in_progress.push_str(comma);
        in_progress.push_str(t(lang, Msg::RptBlocksToCome));
        in_progress.push_str(colon);
        in_progress.push_str(&to_come.join(t(lang, Msg::RptListSep)));
    }
    in_progress.push_str(stop);
    match state {
        DayState::NothingRecorded if matches!(phase, Phase::After) => {
            t(lang, Msg::RptNothingRecorded).to_string()
        }
        // Nothing yet, but the day is not over: say both, so an empty report early in the
        // morning does not read as a lost day.
        DayState::NothingRecorded => {
            format!("{} {in_progress}", t(lang, Msg::RptNothingRecorded))
        }
        DayState::NotStarted => tf(lang, Msg::RptNotStarted, &[&first_start]),
        DayState::InProgress => in_progress,
        DayState::Over => t(lang, Msg::RptDayOver).to_string(),
    }
}

pub fn headline(
    lang: Lang,
    totals: &Totals,
    uptime: Option<f64>,
    completion: Option<f64>,
) -> String {
    let mut parts = vec![
        tf(lang, Msg::RptHeadlineItems, &[&totals.done, &totals.total]),
        format!(
            "{} {}",
            totals.alerts,
            t(
                lang,
                if totals.alerts == 1 {
                    Msg::RptAlertWord
                } else {
                    Msg::RptAlertsWord
                }
            )
        ),
    ];
    if totals.against_evidence > 0 {
        parts.push(tf(lang, Msg::RptAgainstCount, &[&totals.against_evidence]));
    }
    if let Some(u) = uptime {
        parts.push(format!(
            "{} {} %",
            t(lang, Msg::RptUptime),
            fmt_number(u, 1)
        ));
    }
    if let Some(c) = completion {
        parts.push(format!(
            "{} {} %",
            t(lang, Msg::RptCompletion),
            fmt_number(c, 0)
        ));
    }
    let verdict = match totals.on_target {
        Some(true) => Msg::RptOnTarget,
        Some(false) => Msg::RptOffTarget,
        None => Msg::RptTargetsNotMeasured,
    };
    format!(
        "{}{}{}",
        parts.join(t(lang, Msg::RptComma)),
        t(lang, Msg::RptColon),
        t(lang, verdict)
    )
}
