//! What a poll result does: record it, judge the source's health, and raise, escalate, remind
//! or clear its alert — on the crossing, after `raise_after` bad polls in a row, never on every
//! poll — so one slow answer does not flap the screen.

use std::sync::Arc;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use super::{Effect, Shown, persist, say, tickets};
use crate::app::live::SourceState;
use crate::app::{App, Phase};
use crate::i18n::{Msg, tf};
use crate::poller::PollResult;
use crate::sources::{self, Failure, Finding, Health, Observation, SourceError};
use crate::store::{Author, Change, Event, WARROOM};
use crate::words;

/// An unacknowledged critical alert rings again after this long.
pub const REMIND_AFTER_SECONDS: i64 = 600;
/// Samples are written to the store in batches at most this often.
pub const SAMPLE_FLUSH_SECONDS: i64 = 15;

pub fn poll(app: &mut App, result: PollResult, effects: &mut Vec<Effect>) -> Shown {
    let layout = Arc::clone(&app.layout);
    let Some(source) = layout.sources.get(result.source) else {
        return Shown::Unchanged;
    };
    let Some(before) = app.live.sources.get(result.source) else {
        return Shown::Unchanged;
    };
    let spec = &source.spec;
    let (health, finding) = sources::evaluate(spec, &result.result);
    let news = is_news(
        before,
        app.now,
        app.interval(source),
        &result.result,
        health,
        &finding,
    );
    let (effects_before, flash_before) = (effects.len(), app.flash_at);
    let failure = finding.as_ref().map(Failure::from);
    let at = result.at;
    let minute = at.duration_trunc(TimeDelta::minutes(1)).unwrap_or(at);
    if let Ok(observation) = &result.result {
        if let Some(value) = observation.value {
            app.samples.add(&spec.id, "value", minute, value);
        }
        for (name, value) in &observation.fields {
            app.samples.add(&spec.id, name, minute, *value);
        }
    }
    app.samples.add(&spec.id, "_polls", minute, 1.0);
    let up = f64::from(u8::from(health != Health::Critical));
    app.samples.add(&spec.id, "_up", minute, up);
    app.live
        .record(&layout, result.source, at, result.result, health, finding);
    let Some(state) = app.live.sources.get(result.source) else {
        return Shown::Unchanged;
    };
    let (bad, good, level) = (state.bad_streak, state.good_streak, state.level_streak);
    let rang_at = state.rang_at;
    tickets::observe(app, result.source, at);

    // One alert event in flight per source: the next poll sees it committed first.
    let in_flight = app
        .pending
        .values()
        .any(|e| e.change.alert_source() == Some(spec.id.as_str()));
    if in_flight {
        return shown(news, effects, effects_before, app, flash_before);
    }
    let failure = failure.unwrap_or_default();
    match app.ledger.open_alert(&spec.id).cloned() {
        None if health != Health::Ok && bad >= spec.raise_after => {
            let change = Change::AlertRaised {
                source: spec.id.clone(),
                severity: health,
                failure: Box::new(failure),
            };
            raise(app, change, at, effects);
            ring(app, result.source, at, effects);
        }
        Some(_) if health == Health::Ok && good >= spec.clear_after => {
            let change = Change::AlertCleared {
                source: spec.id.clone(),
                ok_polls: Some(good),
            };
            raise(app, change, at, effects);
        }
        // Escalated or eased: the new level held as long as a raise (or a clear) must.
        Some(alert)
            if health != Health::Ok
                && health != alert.severity
                && level
                    >= if health > alert.severity {
                        spec.raise_after
                    } else {
                        spec.clear_after
                    } =>
        {
            let escalated = health > alert.severity;
            let change = Change::AlertSeverity {
                source: spec.id.clone(),
                from: alert.severity,
                to: health,
                failure: Box::new(failure),
            };
            raise(app, change, at, effects);
            // Acknowledged: someone is on it, so the escalation shows without ringing
            // (unless the layout asks for it). Easing never rings.
            if escalated && (alert.ack.is_none() || spec.escalation_rings) {
                ring(app, result.source, at, effects);
            }
        }
        Some(alert)
            if health == Health::Critical
                && alert.is_critical()
                && alert.ack.is_none()
                && rang_at.is_none_or(|t| (at - t).num_seconds() >= REMIND_AFTER_SECONDS) =>
        {
            ring(app, result.source, at, effects);
            let detail = words::failure(app.lang, &failure);
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
    shown(news, effects, effects_before, app, flash_before)
}

/// Whether an answer says something the source's last one did not, beyond its latency: a
/// new health or reason, other numbers, status or body, another error, or an answer after a
/// stale one.
fn is_news(
    before: &SourceState,
    now: DateTime<Utc>,
    interval: std::time::Duration,
    result: &Result<Observation, SourceError>,
    health: Health,
    finding: &Option<Finding>,
) -> bool {
    if before.health != Some(health) || before.reason != *finding || before.is_stale(now, interval)
    {
        return true;
    }
    match (&before.latest, result) {
        (Some((_, Ok(old))), Ok(new)) => !old.says_same(new),
        (Some((_, Err(old))), Err(new)) => old != new,
        _ => true,
    }
}

/// News (or an alert, a bell, a message it led to) goes out in the next frame slot; an answer
/// that changed only its latency, with the next frame made anyway.
fn shown(
    news: bool,
    effects: &[Effect],
    effects_before: usize,
    app: &App,
    flash_before: Option<std::time::Instant>,
) -> Shown {
    if news || effects.len() != effects_before || app.flash_at != flash_before {
        Shown::Soon
    } else {
        Shown::WithNextFrame
    }
}

/// Records an alert's step as warroom's own, at the instant of the poll that caused it.
fn raise(app: &mut App, change: Change, at: DateTime<Utc>, effects: &mut Vec<Effect>) {
    let author = Author {
        operator: WARROOM.to_string(),
        origin: app.author.origin.clone(),
    };
    let event = Event::new(&author, &app.layout.launch.id, app.day(), at, None, change);
    persist(app, event, effects);
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
        effects.push(Effect::SaveSamples(app.samples.take()));
    }
}
