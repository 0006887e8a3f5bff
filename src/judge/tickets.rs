//! Support tickets as facts: when each opened and when it was resolved, read off the tickets
//! source's rows as they are polled and kept in the day's samples (one row per ticket and
//! event), so the report can say how many opened, resolved and stayed open, and how long each
//! took — week 2's "issue resolution time < 2 hours" measured, not guessed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, DurationRound, TimeDelta, Utc};
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::store::Sample;

/// Samples of ticket facts: series `ticket.opened:ID` / `ticket.resolved:ID`, value the instant
/// in Unix seconds. Not counters (no leading `_`): saving one again keeps it as it is.
const OPENED: &str = "ticket.opened:";
const RESOLVED: &str = "ticket.resolved:";

/// One ticket's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    pub opened: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
}

impl Ticket {
    /// Open at `at`: opened by then and not yet resolved.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.opened <= at && self.resolved.is_none_or(|r| r > at)
    }

    /// Opening to resolution; for a ticket still open, its age at `at`.
    pub fn took(&self, at: DateTime<Utc>) -> Duration {
        self.resolved.unwrap_or(at).min(at.max(self.opened)) - self.opened
    }
}

/// Every ticket seen today, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tickets {
    pub by_id: BTreeMap<String, Ticket>,
}

/// What the day's tickets add up to at an instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketStats {
    pub opened: usize,
    pub resolved: usize,
    pub open: usize,
    /// Open for longer than the target.
    pub open_past_target: usize,
    /// Resolved within the target, of those resolved or already past it: `None` when none is.
    pub within_target_pct: Option<f64>,
    /// Mean time to resolve, counting a ticket still open by its age so far (hours).
    pub mean_hours: Option<f64>,
}

impl Tickets {
    /// Reads the source's rows (`rows`, a JSONPath such as `$[*]`): each with an `id` and an
    /// `opened_at`, resolved when it has a `resolved_at` or a `state`/`status` of resolved or
    /// closed (then at the poll's instant, when the row does not say). Returns the facts that
    /// are new, as samples to keep.
    pub fn observe(
        &mut self,
        source: &str,
        body: &Value,
        rows: &str,
        polled: DateTime<Utc>,
    ) -> Vec<Sample> {
        let Ok(path) = JsonPath::parse(rows) else {
            return Vec::new();
        };
        let text = |row: &Value, key: &str| {
            row.get(key).and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
        };
        let instant = |row: &Value, key: &str| {
            DateTime::parse_from_rfc3339(&text(row, key)?)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        };
        let minute = polled
            .duration_trunc(TimeDelta::minutes(1))
            .unwrap_or(polled);
        let mut new = Vec::new();
        for row in path.query(body).all() {
            let (Some(id), Some(opened)) = (text(row, "id"), instant(row, "opened_at")) else {
                continue;
            };
            let closed = matches!(
                text(row, "state")
                    .or_else(|| text(row, "status"))
                    .as_deref(),
                Some("resolved" | "closed")
            );
            let resolved = instant(row, "resolved_at").or((closed).then_some(polled));
            let known = self.by_id.get(&id).copied();
            let mut fact = |series: &str, at: DateTime<Utc>| {
                new.push(Sample {
                    source: source.to_string(),
                    series: format!("{series}{id}"),
                    minute,
                    value: at.timestamp() as f64,
                })
            };
            if known.is_none() {
                fact(OPENED, opened);
            }
            if let Some(resolved) = resolved
                && known.is_none_or(|k| k.resolved.is_none())
            {
                fact(RESOLVED, resolved);
            }
            let entry = self.by_id.entry(id).or_insert(Ticket {
                opened,
                resolved: None,
            });
            entry.resolved = entry.resolved.or(resolved);
        }
        new
    }

    /// The tickets kept in the day's samples.
    pub fn from_samples(samples: &[Sample]) -> Self {
        let mut tickets = Self::default();
        tickets.restore(samples);
        tickets
    }

    pub fn restore(&mut self, samples: &[Sample]) {
        let instant = |v: f64| DateTime::from_timestamp(v as i64, 0);
        for s in samples {
            if let Some(id) = s.series.strip_prefix(OPENED) {
                if let Some(opened) = instant(s.value) {
                    self.by_id
                        .entry(id.to_string())
                        .or_insert(Ticket {
                            opened,
                            resolved: None,
                        })
                        .opened = opened;
                }
            } else if let Some(id) = s.series.strip_prefix(RESOLVED)
                && let Some(resolved) = instant(s.value)
            {
                let entry = self.by_id.entry(id.to_string()).or_insert(Ticket {
                    opened: resolved,
                    resolved: None,
                });
                entry.resolved = Some(resolved);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The tickets as of `at`, against a resolution target.
    pub fn stats(&self, at: DateTime<Utc>, target: Duration) -> TicketStats {
        let seen: Vec<&Ticket> = self.by_id.values().filter(|t| t.opened <= at).collect();
        let resolved: Vec<&&Ticket> = seen
            .iter()
            .filter(|t| t.resolved.is_some_and(|r| r <= at))
            .collect();
        let open: Vec<&&Ticket> = seen.iter().filter(|t| t.is_open_at(at)).collect();
        let past = open.iter().filter(|t| t.took(at) > target).count();
        // Judged: every resolved ticket, and every open one already past the target (it can
        // no longer make it); open ones still within it are not judged yet.
        let judged = resolved.len() + past;
        let within = resolved.iter().filter(|t| t.took(at) <= target).count();
        let hours: Vec<f64> = seen
            .iter()
            .map(|t| t.took(at).num_seconds() as f64 / 3600.0)
            .collect();
        TicketStats {
            opened: seen.len(),
            resolved: resolved.len(),
            open: open.len(),
            open_past_target: past,
            within_target_pct: (judged > 0).then(|| within as f64 * 100.0 / judged as f64),
            mean_hours: (!hours.is_empty()).then(|| hours.iter().sum::<f64>() / hours.len() as f64),
        }
    }

    /// The ticket series a sample belongs to (they are facts, not a chart).
    pub fn is_ticket_series(series: &str) -> bool {
        series.starts_with(OPENED) || series.starts_with(RESOLVED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn tickets_are_kept_once_and_come_back_from_samples() {
        let mut tickets = Tickets::default();
        let body = json!([
            {"id": "LG-1", "opened_at": "2026-12-01T01:00:00Z", "state": "open"},
            {"id": "LG-2", "opened_at": "2026-12-01T01:30:00Z",
             "resolved_at": "2026-12-01T02:00:00Z", "state": "resolved"},
        ]);
        let first = tickets.observe("tickets", &body, "$[*]", at(2, 5));
        assert_eq!(first.len(), 3, "two openings, one resolution: {first:?}");
        assert!(
            tickets
                .observe("tickets", &body, "$[*]", at(2, 6))
                .is_empty()
        );
        let body = json!([
            {"id": "LG-1", "opened_at": "2026-12-01T01:00:00Z", "state": "resolved"},
        ]);
        let later = tickets.observe("tickets", &body, "$[*]", at(4, 0));
        assert_eq!(
            later.len(),
            1,
            "resolved at the poll that saw it: {later:?}"
        );
        let all: Vec<Sample> = first.into_iter().chain(later).collect();
        let back = Tickets::from_samples(&all);
        assert_eq!(back, tickets);
        let stats = back.stats(at(5, 0), Duration::hours(2));
        assert_eq!((stats.opened, stats.resolved, stats.open), (2, 2, 0));
        // LG-2 took 30 min, LG-1 3 h: one of two within 2 h.
        assert_eq!(stats.within_target_pct, Some(50.0));
        assert_eq!(stats.mean_hours, Some(1.75));
        let early = back.stats(at(3, 30), Duration::hours(2));
        assert_eq!((early.open, early.open_past_target), (1, 1));
    }
}
