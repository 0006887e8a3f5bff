//! The day's alerts in the report: raised by warroom, with each escalation and easing, the
//! acknowledgement and the clear, and how long each lasted.

use super::model::AlertReport;
use super::{Context, hm, local};
use crate::store::WARROOM;
use crate::words;

pub fn alerts(cx: &Context<'_>) -> Vec<AlertReport> {
    let lang = cx.lang;
    cx.ledger
        .alerts()
        .iter()
        .filter(|a| a.raised_at <= cx.as_of)
        .map(|a| {
            let cleared = a.cleared.filter(|(at, _)| *at <= cx.as_of);
            let end = cleared.map_or(cx.as_of, |(at, _)| at);
            let seconds = (end - a.raised_at).num_seconds().max(0);
            let mut steps = vec![words::health(lang, Some(a.raised_severity)).to_string()];
            for (at, _, to) in a.steps.iter().filter(|(at, _, _)| *at <= cx.as_of) {
                steps.push(format!(
                    "{} {}",
                    words::health(lang, Some(*to)),
                    hm(cx.zone, *at)
                ));
            }
            AlertReport {
                source: a.source.clone(),
                source_title: cx.source_title(&a.source),
                severity: words::health(lang, Some(a.severity)).to_string(),
                steps,
                detail: words::failure(lang, &a.failure),
                raised_at: local(cx.zone, a.raised_at),
                // Alerts are the system's: an older warroom logged them under the operator.
                raised_by: WARROOM.to_string(),
                acknowledged_at: a.ack.as_ref().map(|(_, at, _)| local(cx.zone, *at)),
                acknowledged_by: a.ack.as_ref().map(|(who, _, _)| who.clone()),
                note: a
                    .ack
                    .as_ref()
                    .map(|(_, _, why)| why.clone())
                    .filter(|n| !n.is_empty()),
                cleared_at: cleared.map(|(at, _)| local(cx.zone, at)),
                cleared_detail: cleared.and_then(|(_, polls)| {
                    polls.map(|n| crate::i18n::tf(lang, crate::i18n::Msg::ClearedAfter, &[&n]))
                }),
                duration_seconds: seconds,
                duration_minutes: (seconds + 30) / 60,
                open: cleared.is_none(),
            }
        })
        .collect()
}
