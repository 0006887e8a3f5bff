//! What a poll result does: record it, judge the source's health, and raise, escalate, remind
//! or clear its alert — on the crossing, after `raise_after` bad polls in a row, never on every
//! poll — so one slow answer does not flap the screen.

use crate::i18n::{Msg, tf};
use std::sync::Arc;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use super::{Effect, record, say};
use crate::app::live::severity;
use crate::app::{App, Phase};
use crate::poller::PollResult;
use crate::sources::{self, Health};
use crate::store::{Change, Sample};

/// An unacknowledged critical alert rings again after this long.
pub const REMIND_AFTER_SECONDS: i64 = 600;
/// Samples are written to the store in batches at most this often.
pub const SAMPLE_FLUSH_SECONDS: i64 = 15;

pub fn poll(app: &mut App, result: PollResult, effects: &mut Vec<Effect>) -> bool {
    let layout = Arc::clone(&app.layout);
    let Some(source) = layout.sources.get(result.source) else {
        return false;
    };
    if result.source >= app.live.sources.len() {
        return false;
    }
    let spec = &source.spec;
    let (health, reason) = sources::evaluate(spec, &result.result);
    let minute = result
        .at
        .duration_trunc(TimeDelta::minutes(1))
        .unwrap_or(result.at);
    if let Ok(observation) = &result.result {
        if let Some(value) = observation.value {
            app.samples.push(Sample {
                source: spec.id.clone(),
                series: "value".into(),
                minute,
                value,
            });
        }
        for (name, value) in &observation.fields {
            app.samples.push(Sample {
                source: spec.id.clone(),
                series: name.clone(),
                minute,
                value: *value,
            });
        }
    }
    app.samples.push(Sample {
        source: spec.id.clone(),
        series: "_polls".into(),
        minute,
        value: 1.0,
    });
    app.samples.push(Sample {
        source: spec.id.clone(),
        series: "_up".into(),
        minute,
        value: f64::from(u8::from(health != Health::Critical)),
    });
    let detail = reason
        .as_ref()
        .map_or_else(|| "ok".to_string(), ToString::to_string);
    app.live.record(
        &layout,
        result.source,
        result.at,
        result.result,
        health,
        reason,
    );
    let Some(state) = app.live.sources.get(result.source) else {
        return false;
    };
    let (bad, good) = (state.bad_streak, state.good_streak);
    let rang_at = state.rang_at;

    let open = app.ledger.open_alert(&spec.id).cloned();
    let in_flight = |app: &App| {
        app.pending
            .values()
            .any(|e| e.change.alert_source() == Some(spec.id.as_str()))
    };
    match open {
        None if health != Health::Ok && bad >= spec.raise_after && !in_flight(app) => {
            let change = Change::AlertRaised {
                source: spec.id.clone(),
                severity: severity(health).into(),
                detail,
            };
            record(app, None, change, effects);
            ring(app, result.source, result.at, effects);
        }
        Some(alert)
            if health == Health::Critical
                && !alert.is_critical()
                && bad >= spec.raise_after
                && !in_flight(app) =>
        {
            let change = Change::AlertRaised {
                source: spec.id.clone(),
                severity: "critical".into(),
                detail,
            };
            record(app, None, change, effects);
            ring(app, result.source, result.at, effects);
        }
        Some(_) if health == Health::Ok && good >= spec.clear_after && !in_flight(app) => {
            let change = Change::AlertCleared {
                source: spec.id.clone(),
                detail: format!("ok for {good} polls in a row"),
            };
            record(app, None, change, effects);
        }
        Some(alert)
            if health == Health::Critical
                && alert.ack.is_none()
                && rang_at
                    .is_none_or(|t| (result.at - t).num_seconds() >= REMIND_AFTER_SECONDS) =>
        {
            ring(app, result.source, result.at, effects);
            say(
                app,
                tf(
                    app.lang,
                    Msg::FlashStillCritical,
                    &[&source.title.get(app.lang), &detail],
                ),
                true,
            );
        }
        _ => {}
    }
    true
}

/// Rings the terminal bell once, unless switched off or the current block is a quiet one.
fn ring(app: &mut App, source: usize, at: DateTime<Utc>, effects: &mut Vec<Effect>) {
    if let Some(state) = app.live.sources.get_mut(source) {
        state.rang_at = Some(at);
    }
    let quiet = match app.phase() {
        Phase::In { index, .. } => app.layout.blocks.get(index).is_some_and(|b| b.quiet),
        _ => false,
    };
    if app.bell && !quiet {
        effects.push(Effect::Bell);
    }
}

/// Sends buffered samples to the store when enough time has passed.
pub fn flush_samples(app: &mut App, effects: &mut Vec<Effect>, force: bool) {
    if app.samples.is_empty() {
        return;
    }
    let due = app.samples_flushed_at.is_none_or(|t| {
        // Real seconds, like the bell and messages: a fast rehearsal writes no more often.
        (app.now - t).num_seconds() as f64 / app.clock.speed() >= SAMPLE_FLUSH_SECONDS as f64
    });
    if force || due {
        app.samples_flushed_at = Some(app.now);
        effects.push(Effect::SaveSamples(std::mem::take(&mut app.samples)));
    }
}
