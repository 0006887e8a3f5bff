//! Text of the log's facts in the reader's language: the verb and detail of an event, an
//! alert's failure, what evidence said. The TUI, `status` and the report all speak through
//! these, from the [`crate::i18n`] catalogue; events themselves keep only facts.

use crate::i18n::{Lang, Msg, t, tf};
use crate::sources::units::{self, Unit};
use crate::sources::{Failure, Health, Status};
use crate::store::{Change, Evidence, EvidenceFact, NoData, SourceSaid, Watched};

/// "ok", "warn", "critical" or "no data".
pub fn health(lang: Lang, health: Option<Health>) -> &'static str {
    t(
        lang,
        match health {
            None => Msg::NoData,
            Some(Health::Ok) => Msg::SeverityOk,
            Some(Health::Warn) => Msg::SeverityWarn,
            Some(Health::Critical) => Msg::SeverityCritical,
        },
    )
}

/// "ok", "no data", "warn" or "critical".
pub fn status(lang: Lang, status: Status) -> &'static str {
    match status {
        Status::Ok => health(lang, Some(Health::Ok)),
        Status::NoData => health(lang, None),
        Status::Warn => health(lang, Some(Health::Warn)),
        Status::Critical => health(lang, Some(Health::Critical)),
    }
}

/// A number as an operator reads it: whole numbers without decimals, others to four
/// significant places at most; never "inf" or "NaN" as if they were values.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "invalid".to_string();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let places = match value.abs() {
        v if v >= 100.0 => 1,
        v if v >= 1.0 => 2,
        _ => 4,
    };
    let text = format!("{value:.places$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Why a source failed: "value < 0.05: got 0.0582"; an error as the source words it.
pub fn failure(lang: Lang, failure: &Failure) -> String {
    match (&failure.condition, failure.got) {
        (Some(condition), Some(got)) => {
            // The number as the panels show it: one formatting, the sources' own.
            let shown = match failure.unit.as_deref().and_then(Unit::parse) {
                Some(unit) => units::precise(got, unit),
                None => number(got),
            };
            tf(lang, Msg::FailureGot, &[condition, &shown])
        }
        _ => failure.text.clone(),
    }
}

/// What evidence said: "API: cannot connect…", "all 6 sources ok", "critical: API, Maps".
pub fn evidence(lang: Lang, fact: &EvidenceFact, title: impl Fn(&str) -> String) -> String {
    let said = |s: &SourceSaid| -> String {
        match (&s.no_data, s.status) {
            (Some(NoData::NotDeclared), _) => tf(lang, Msg::EvidenceNotDeclared, &[&s.source]),
            (Some(NoData::NotConfigured { missing }), _) => tf(
                lang,
                Msg::EvidenceNotConfigured,
                &[&title(&s.source), &missing.join(", ")],
            ),
            (Some(NoData::Stale { seconds }), _) => tf(
                lang,
                Msg::EvidenceStale,
                &[
                    &title(&s.source),
                    &crate::i18n::age(lang, chrono::Duration::seconds(*seconds)),
                ],
            ),
            (Some(NoData::NoSources), _) => t(lang, Msg::EvidenceNoSources).to_string(),
            (Some(NoData::NoAnswer), _) | (None, Status::NoData) => {
                tf(lang, Msg::EvidenceNoAnswer, &[&title(&s.source)])
            }
            (None, st) => {
                let why = s
                    .failure
                    .as_ref()
                    .map_or_else(|| status(lang, st).to_string(), |f| failure(lang, f));
                tf(lang, Msg::FlashFrom, &[&title(&s.source), &why])
            }
        }
    };
    let not_ok = || {
        fact.sources
            .iter()
            .filter(|s| s.status != Status::Ok)
            .map(said)
            .collect::<Vec<_>>()
    };
    match &fact.of {
        Watched::Source { .. } => fact.sources.iter().map(said).collect::<Vec<_>>().join("; "),
        Watched::Panel { .. } => {
            let bad = not_ok();
            if bad.is_empty() {
                tf(lang, Msg::EvidenceAllOk, &[&fact.sources.len()])
            } else {
                bad.join("; ")
            }
        }
        Watched::NoCriticalAlerts => match fact.status {
            Status::Critical => {
                let open: Vec<String> = fact.sources.iter().map(|s| title(&s.source)).collect();
                tf(lang, Msg::EvidenceCritical, &[&open.join(", ")])
            }
            Status::NoData => {
                let names: Vec<String> = fact
                    .sources
                    .iter()
                    .filter(|s| s.no_data != Some(NoData::NoSources))
                    .map(|s| title(&s.source))
                    .collect();
                let names = if names.is_empty() {
                    t(lang, Msg::EvidenceNoSources).to_string()
                } else {
                    names.join(", ")
                };
                tf(lang, Msg::EvidenceNoCriticalNoData, &[&names])
            }
            _ => t(lang, Msg::EvidenceNoCritical).to_string(),
        },
    }
}

/// "critical — API: cannot connect…": the level and what evidence said, as stored with a tick.
pub fn evidence_record(lang: Lang, evidence: &Evidence, title: impl Fn(&str) -> String) -> String {
    match evidence {
        Evidence::Fact(fact) => tf(
            lang,
            Msg::EvidenceLevel,
            &[
                &status(lang, fact.status),
                &self::evidence(lang, fact, title),
            ],
        ),
        // As an older warroom wrote it.
        Evidence::Said(text) => text.clone(),
    }
}

/// A measured value beside its target, precise enough that the comparison reads true:
/// "99.86 %" against "> 99.9%", "212.4 ms", "4.27/5", "1.75 h".
pub fn target_value(value: f64, unit: Option<&str>) -> String {
    if !value.is_finite() {
        return "invalid".to_string();
    }
    let places = |n: usize| {
        let text = format!("{value:.n$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    };
    match unit.map(str::trim) {
        None | Some("") => places(2),
        Some("%") => format!("{} %", places(2)),
        Some("ms") => format!("{} ms", places(1)),
        Some(u) if u.starts_with('/') => format!("{}{u}", places(2)),
        Some(u) => format!("{} {u}", places(2)),
    }
}

/// How a week's target was computed, with the counts behind it ("6 050 of 6 089 polls not
/// critical, over 7 days, from api"); an operator's verdict by whom and why; a week not
/// begun, when it begins.
pub fn week_how(
    lang: Lang,
    target: &crate::judge::week::WeekTarget<'_>,
    zone: chrono_tz::Tz,
) -> String {
    use crate::judge::{How, Verdict};
    let n = |v: Option<f64>| v.map(number).unwrap_or_else(|| "0".into());
    let b = &target.basis;
    let days = b.days;
    let from = target.reading.source.clone().unwrap_or_default();
    if let Some(v) = &target.by_operator {
        let when =
            v.at.with_timezone(&zone)
                .format("%Y-%m-%d %H:%M")
                .to_string();
        let verdict = t(lang, if v.passed { Msg::RptPass } else { Msg::RptFail });
        return tf(lang, Msg::WkHowJudged, &[&verdict, &v.by, &when, &v.reason]);
    }
    if target.verdict == Verdict::NotYetBegun {
        return t(lang, Msg::RptNotYetBegun).to_string();
    }
    if target.reading.source.is_some() && days == 0 {
        return tf(lang, Msg::WkHowNoSamples, &[&from]);
    }
    match &target.reading.how {
        How::NotMeasured => t(lang, Msg::WkHowAwaiting).to_string(),
        How::Uptime => tf(
            lang,
            Msg::WkHowUptime,
            &[&n(b.part), &n(b.of), &days, &from],
        ),
        How::Completion => tf(
            lang,
            Msg::WkHowCompletion,
            &[&n(b.part), &n(b.of), &days, &from],
        ),
        How::CompletionRate => tf(lang, Msg::WkHowCompletionRate, &[&days, &from]),
        How::MinuteMean { field } => {
            tf(lang, Msg::WkHowMinuteMean, &[&n(b.of), field, &days, &from])
        }
        How::TicketResolution => tf(lang, Msg::WkHowTickets, &[&n(b.of), &n(b.part), &from]),
        How::TicketsWithin => tf(lang, Msg::WkHowTicketsWithin, &[&n(b.of), &from]),
        How::DailyMean {
            field,
            weighted_by: Some(weight),
        } => tf(
            lang,
            Msg::WkHowWeighted,
            &[field, weight, &n(b.of), &days, &from],
        ),
        How::DailyMean {
            field,
            weighted_by: None,
        } => tf(lang, Msg::WkHowDaily, &[field, &days, &from]),
    }
}

/// The verb of a logged change ("tick", "alert", "escalated") in the language; unknown kinds
/// as stored.
pub fn verb(lang: Lang, change: &Change) -> String {
    let msg = match change {
        Change::Tick => Msg::VerbTick,
        Change::Untick => Msg::VerbReopen,
        Change::Skip { .. } => Msg::VerbSkip,
        Change::Note { .. } => Msg::VerbNote,
        Change::Undo { .. } => Msg::VerbUndo,
        Change::Evidence(_) => Msg::VerbEvidence,
        Change::AlertRaised { .. } => Msg::VerbAlert,
        Change::AlertSeverity { from, to, .. } if to > from => Msg::VerbEscalated,
        Change::AlertSeverity { .. } => Msg::VerbEased,
        Change::AlertAcknowledged { .. } => Msg::VerbAck,
        Change::AlertCleared { .. } => Msg::VerbCleared,
        Change::SignedOff { .. } => Msg::VerbSignedOff,
        Change::SignoffWithdrawn { .. } => Msg::VerbSignoffWithdrawn,
        Change::TargetJudged { .. } => Msg::VerbJudged,
        Change::Announced { .. } => Msg::VerbAnnounced,
        Change::AnnouncementCleared { .. } => Msg::VerbAnnouncementCleared,
        Change::Unknown { kind, .. } => return kind.clone(),
    };
    t(lang, msg).to_string()
}

/// What goes with the verb: a reason, a note's text, an alert's severity and value, what
/// evidence said. Operators' own words are shown as written.
pub fn detail(lang: Lang, change: &Change, title: impl Fn(&str) -> String) -> String {
    match change {
        Change::Skip { reason }
        | Change::AlertAcknowledged { reason, .. }
        | Change::SignoffWithdrawn { reason } => reason.clone(),
        Change::SignedOff { name, role } => tf(lang, Msg::DetailSignedAs, &[name, role]),
        Change::TargetJudged { passed, reason } => tf(
            lang,
            Msg::DetailJudged,
            &[
                &t(lang, if *passed { Msg::RptPass } else { Msg::RptFail }),
                reason,
            ],
        ),
        Change::Announced { text, .. } => text.clone(),
        Change::Note { text } => text.clone(),
        Change::Evidence(evidence) => evidence_record(lang, evidence, title),
        Change::AlertRaised {
            severity, failure, ..
        } => tf(
            lang,
            Msg::FlashFrom,
            &[
                &health(lang, Some(*severity)),
                &self::failure(lang, failure),
            ],
        ),
        Change::AlertSeverity {
            from, to, failure, ..
        } => tf(
            lang,
            Msg::AlertStep,
            &[
                &health(lang, Some(*from)),
                &health(lang, Some(*to)),
                &self::failure(lang, failure),
            ],
        ),
        Change::AlertCleared {
            ok_polls: Some(n), ..
        } => tf(lang, Msg::ClearedAfter, &[n]),
        Change::AlertCleared { ok_polls: None, .. }
        | Change::Tick
        | Change::Untick
        | Change::Undo { .. }
        | Change::AnnouncementCleared { .. }
        | Change::Unknown { .. } => String::new(),
    }
}

/// "Pilot day 3 · week 1 · 10 customers · Soft Launch"; before Day 1, when it comes; after
/// the last week, that the pilot is over. `None` without a calendar.
pub fn pilot_line(
    layout: &crate::layout::Layout,
    day: &crate::layout::PilotDay,
    lang: Lang,
) -> Option<String> {
    let line = match day {
        crate::layout::PilotDay::NoStart => return None,
        crate::layout::PilotDay::Before { start, in_days: 1 } => {
            tf(lang, Msg::PilotTomorrow, &[start])
        }
        crate::layout::PilotDay::Before { start, in_days } => {
            tf(lang, Msg::PilotStartsIn, &[in_days, start])
        }
        crate::layout::PilotDay::During {
            day: number,
            week,
            customers,
            ..
        } => {
            let mut line = tf(lang, Msg::PilotDayWeek, &[number, week]);
            if let Some(n) = customers {
                line.push_str(&tf(lang, Msg::PilotCustomers, &[n]));
            }
            if let Some(phase) = day.phase(layout) {
                line.push_str(" · ");
                line.push_str(phase.title.get(lang));
            }
            line
        }
        crate::layout::PilotDay::After { day, weeks, .. } => {
            tf(lang, Msg::PilotOver, &[day, weeks])
        }
    };
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_numbers() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(11.999910325968155), "12");
        assert_eq!(number(0.0582), "0.0582");
        assert_eq!(number(228.24), "228.2");
        assert_eq!(number(f64::INFINITY), "invalid");
        assert_eq!(number(-1.0), "-1");
    }

    #[test]
    fn a_failure_is_told_in_the_readers_language() {
        let f = Failure {
            condition: Some("value < 0.05".into()),
            got: Some(0.0582),
            unit: None,
            text: "value < 0.05: got 0.0582".into(),
        };
        assert_eq!(failure(Lang::En, &f), "value < 0.05: got 0.0582");
        assert_eq!(failure(Lang::ZhTw, &f), "value < 0.05：實測 0.0582");
        assert_eq!(failure(Lang::ZhTw, &Failure::said("HTTP 500")), "HTTP 500");
    }
}
