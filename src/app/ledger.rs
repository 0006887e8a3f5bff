//! The day's state, derived from the event log and nothing else: replaying the same events
//! always yields the same marks, which is what lets several operators converge.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::pilot::Pilot;
use crate::sources::{Failure, Health};
use crate::store::{Change, Event, Stored};

/// Where an item stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mark {
    #[default]
    Open,
    Done,
    Skipped {
        reason: String,
    },
}

/// An item's current state and the event that set it.
#[derive(Debug, Clone, Default)]
pub struct ItemState {
    pub mark: Mark,
    /// Who set the current mark, and when (none while the item was never touched).
    pub by: Option<(String, DateTime<Utc>)>,
    /// Indices into [`Ledger::events`] of the notes still standing.
    pub notes: Vec<usize>,
    /// Indices into [`Ledger::events`] of everything ever done to the item, undone ones included.
    pub history: Vec<usize>,
}

/// An alert from raise to clear, as the log tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRecord {
    pub source: String,
    /// Warn or critical, as of now: escalations and easings update it.
    pub severity: Health,
    /// Why, as of the raise or the latest severity change.
    pub failure: Failure,
    /// The severity it was raised with.
    pub raised_severity: Health,
    pub raised_at: DateTime<Utc>,
    pub raised_by: String,
    /// Severity changes while it was open: when, from, to.
    pub steps: Vec<(DateTime<Utc>, Health, Health)>,
    /// Who acknowledged it, when, and why.
    pub ack: Option<(String, DateTime<Utc>, String)>,
    /// When it cleared, and after how many good polls (unknown for an older warroom's event).
    pub cleared: Option<(DateTime<Utc>, Option<u32>)>,
}

impl AlertRecord {
    pub fn is_open(&self) -> bool {
        self.cleared.is_none()
    }

    pub fn is_critical(&self) -> bool {
        self.severity == Health::Critical
    }
}

#[derive(Debug, Default)]
pub struct Ledger {
    events: Vec<Stored>,
    ids: HashSet<Uuid>,
    /// Undone event id → the undo event's index.
    undone: HashMap<Uuid, usize>,
    items: HashMap<String, ItemState>,
    /// Every alert of the day, in the order raised.
    alerts: Vec<AlertRecord>,
    /// Sign-offs, operators' verdicts on targets, announcements.
    pilot: Pilot,
    /// Events shown before they are in the log (journaled during an outage). They sort after
    /// every committed event, where their commit will put them, until it comes back.
    provisional: HashSet<Uuid>,
}

static OPEN: ItemState = ItemState {
    mark: Mark::Open,
    by: None,
    notes: Vec::new(),
    history: Vec::new(),
};

impl Ledger {
    pub fn from_events(events: impl IntoIterator<Item = Stored>) -> Self {
        let mut ledger = Self::default();
        for e in events {
            ledger.apply(e);
        }
        ledger
    }

    /// Adds a committed event. Returns false when it was already known (our own write coming
    /// back from the log, a repeated delivery, or a provisional event now committed), which
    /// changes nothing on screen but the event's place in the order.
    ///
    /// Events are kept in seq order whatever order they arrive in (our own commit may be
    /// reported before an earlier one of another operator's arrives), so that the state is
    /// always the replay of the log.
    pub fn apply(&mut self, stored: Stored) -> bool {
        let id = stored.event.id;
        if self.ids.contains(&id) {
            if self.provisional.remove(&id) {
                let mut events = std::mem::take(&mut self.events);
                if let Some(known) = events.iter_mut().find(|s| s.event.id == id) {
                    known.seq = stored.seq;
                }
                self.rebuild(events);
            }
            return false;
        }
        let behind = self
            .events
            .iter()
            .rev()
            .find(|s| !self.provisional.contains(&s.event.id))
            .is_some_and(|last| last.seq > stored.seq);
        if behind || !self.provisional.is_empty() {
            let mut events = std::mem::take(&mut self.events);
            events.push(stored);
            self.rebuild(events);
            return true;
        }
        self.push(stored)
    }

    /// Shows an event that is not in the log yet (see `provisional`); its commit later
    /// confirms it through [`Ledger::apply`] without applying it twice.
    pub fn apply_provisional(&mut self, event: Event) -> bool {
        if self.ids.contains(&event.id) {
            return false;
        }
        self.provisional.insert(event.id);
        self.push(Stored { seq: 0, event })
    }

    /// Takes back an event shown before it was in the log, which the log refused: the screen
    /// goes back to what the log holds. Returns whether there was one.
    pub fn withdraw(&mut self, id: &Uuid) -> bool {
        if !self.provisional.remove(id) {
            return false;
        }
        let events = std::mem::take(&mut self.events)
            .into_iter()
            .filter(|s| s.event.id != *id)
            .collect();
        self.rebuild(events);
        true
    }

    pub fn is_provisional(&self, id: &Uuid) -> bool {
        self.provisional.contains(id)
    }

    /// Replays everything from scratch in log order, provisional events last.
    fn rebuild(&mut self, mut events: Vec<Stored>) {
        let provisional = std::mem::take(&mut self.provisional);
        // Stable: provisional events keep the order they were made in.
        events.sort_by_key(|s| (provisional.contains(&s.event.id), s.seq));
        *self = Self::default();
        for stored in events {
            self.push(stored);
        }
        self.provisional = provisional;
    }

    fn push(&mut self, stored: Stored) -> bool {
        if !self.ids.insert(stored.event.id) {
            return false;
        }
        let index = self.events.len();
        let touched = match &stored.event.change {
            Change::Undo { target } => {
                self.undone.insert(*target, index);
                self.events
                    .iter()
                    .find(|s| s.event.id == *target)
                    .and_then(|s| s.event.item.clone())
            }
            _ => stored.event.item.clone(),
        };
        if let Some(item) = &stored.event.item {
            self.items
                .entry(item.clone())
                .or_default()
                .history
                .push(index);
        }
        self.apply_alert(&stored.event);
        let undoes_pilot = match &stored.event.change {
            Change::Undo { target } => self
                .events
                .iter()
                .any(|s| s.event.id == *target && s.event.change.is_pilot()),
            _ => false,
        };
        if stored.event.change.is_pilot() {
            self.pilot.apply(&stored.event);
        }
        self.events.push(stored);
        if undoes_pilot {
            let undone = &self.undone;
            self.pilot = Pilot::replay(self.events.iter().map(|s| &s.event), |id| {
                undone.contains_key(id)
            });
        }
        if let Some(item) = touched {
            self.replay(&item);
        }
        true
    }

    /// The pilot beyond the day: sign-offs, verdicts on targets, announcements.
    pub fn pilot(&self) -> &Pilot {
        &self.pilot
    }

    fn apply_alert(&mut self, event: &Event) {
        let Some(source) = event.change.alert_source() else {
            return;
        };
        let open = self
            .alerts
            .iter_mut()
            .rev()
            .find(|a| a.source == source && a.is_open());
        match (&event.change, open) {
            // Raised again while open: another operator's warroom raising the same alert (one
            // record), or an older warroom's escalation, which it logged as a raise.
            (
                Change::AlertRaised {
                    severity, failure, ..
                },
                Some(record),
            ) if *severity > record.severity => {
                record.steps.push((event.at, record.severity, *severity));
                record.severity = *severity;
                record.failure = (**failure).clone();
            }
            (
                Change::AlertRaised {
                    severity, failure, ..
                },
                None,
            ) => self.alerts.push(AlertRecord {
                source: source.to_string(),
                severity: *severity,
                failure: (**failure).clone(),
                raised_severity: *severity,
                raised_at: event.at,
                raised_by: event.operator.clone(),
                steps: Vec::new(),
                ack: None,
                cleared: None,
            }),
            // Two warrooms may both log the same step; the first one counts.
            (
                Change::AlertSeverity {
                    from, to, failure, ..
                },
                Some(record),
            ) if record.severity != *to => {
                record.steps.push((event.at, *from, *to));
                record.severity = *to;
                record.failure = (**failure).clone();
            }
            (Change::AlertAcknowledged { reason, .. }, Some(record)) => {
                record.ack = Some((event.operator.clone(), event.at, reason.clone()));
            }
            (Change::AlertCleared { ok_polls, .. }, Some(record)) => {
                record.cleared = Some((event.at, *ok_polls));
            }
            _ => {}
        }
    }

    pub fn alerts(&self) -> &[AlertRecord] {
        &self.alerts
    }

    pub fn open_alert(&self, source: &str) -> Option<&AlertRecord> {
        self.alerts
            .iter()
            .rev()
            .find(|a| a.source == source && a.is_open())
    }

    /// Recomputes one item from its history, leaving out undone events.
    fn replay(&mut self, item: &str) {
        let Some(state) = self.items.get_mut(item) else {
            return;
        };
        state.mark = Mark::Open;
        state.by = None;
        state.notes.clear();
        for &index in &state.history {
            let event = &self.events[index].event;
            if self.undone.contains_key(&event.id) {
                continue;
            }
            let by = Some((event.operator.clone(), event.at));
            match &event.change {
                // A named sign-off settles its item as a tick does; a withdrawal reopens it.
                Change::Tick | Change::SignedOff { .. } => {
                    (state.mark, state.by) = (Mark::Done, by)
                }
                Change::Untick | Change::SignoffWithdrawn { .. } => {
                    (state.mark, state.by) = (Mark::Open, by)
                }
                Change::Skip { reason } => {
                    (state.mark, state.by) = (
                        Mark::Skipped {
                            reason: reason.clone(),
                        },
                        by,
                    )
                }
                Change::Note { .. } => state.notes.push(index),
                _ => {}
            }
        }
    }

    pub fn item(&self, id: &str) -> &ItemState {
        self.items.get(id).unwrap_or(&OPEN)
    }

    pub fn mark(&self, id: &str) -> &Mark {
        &self.item(id).mark
    }

    pub fn is_settled(&self, id: &str) -> bool {
        !matches!(self.mark(id), Mark::Open)
    }

    pub fn events(&self) -> &[Stored] {
        &self.events
    }

    pub fn event(&self, index: usize) -> Option<&Event> {
        self.events.get(index).map(|s| &s.event)
    }

    pub fn last_seq(&self) -> i64 {
        // Provisional events carry seq 0 and never raise it.
        self.events.iter().map(|s| s.seq).max().unwrap_or(0)
    }

    pub fn is_undone(&self, id: &Uuid) -> bool {
        self.undone.contains_key(id)
    }

    /// The latest change by `operator` that can still be undone.
    pub fn last_undoable(&self, operator: &str) -> Option<&Event> {
        self.events.iter().rev().map(|s| &s.event).find(|e| {
            e.operator == operator
                && e.item.is_some()
                && !matches!(
                    e.change,
                    Change::Undo { .. } | Change::Unknown { .. } | Change::Evidence(_)
                )
                && !self.is_undone(&e.id)
        })
    }

    /// (settled, total) over the given item ids: an item counts when done or skipped.
    pub fn progress<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
        ids.into_iter().fold((0, 0), |(done, total), id| {
            (done + usize::from(self.is_settled(id)), total + 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Author;
    use chrono::NaiveDate;

    fn event(seq: i64, who: &str, item: &str, change: Change) -> Stored {
        let author = Author {
            operator: who.into(),
            origin: "test".into(),
        };
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        Stored {
            seq,
            event: Event::new(&author, "l", day, Utc::now(), Some(item.into()), change),
        }
    }

    #[test]
    fn tick_untick_skip_replay() {
        let mut l = Ledger::default();
        l.apply(event(1, "ann", "a", Change::Tick));
        assert_eq!(l.mark("a"), &Mark::Done);
        l.apply(event(2, "bob", "a", Change::Untick));
        assert_eq!(l.mark("a"), &Mark::Open);
        l.apply(event(
            3,
            "bob",
            "a",
            Change::Skip {
                reason: "n/a".into(),
            },
        ));
        assert_eq!(
            l.mark("a"),
            &Mark::Skipped {
                reason: "n/a".into()
            }
        );
        assert_eq!(l.item("a").by.as_ref().map(|b| b.0.as_str()), Some("bob"));
        assert_eq!(l.progress(["a", "b"]), (1, 2));
    }

    #[test]
    fn undo_replays_without_the_undone_event() {
        let mut l = Ledger::default();
        let tick = event(1, "ann", "a", Change::Tick);
        let tick_id = tick.event.id;
        l.apply(tick);
        l.apply(event(
            2,
            "ann",
            "a",
            Change::Note {
                text: "db ok".into(),
            },
        ));
        assert_eq!(l.item("a").notes.len(), 1);
        let note_id = l.last_undoable("ann").map(|e| e.id);
        let note_id = note_id.unwrap_or_default();
        l.apply(event(3, "ann", "a", Change::Undo { target: note_id }));
        assert!(l.item("a").notes.is_empty());
        assert_eq!(l.mark("a"), &Mark::Done);
        assert_eq!(l.last_undoable("ann").map(|e| e.id), Some(tick_id));
        l.apply(event(4, "ann", "a", Change::Undo { target: tick_id }));
        assert_eq!(l.mark("a"), &Mark::Open);
        assert!(l.last_undoable("ann").is_none());
        assert_eq!(
            l.item("a").history.len(),
            4,
            "undo events are listed on the item they touched"
        );
    }

    #[test]
    fn a_repeated_event_changes_nothing() {
        let mut l = Ledger::default();
        let tick = event(1, "ann", "a", Change::Tick);
        assert!(l.apply(tick.clone()));
        assert!(!l.apply(tick));
        assert_eq!(l.events().len(), 1);
    }

    #[test]
    fn late_arrivals_are_replayed_in_seq_order() {
        let mut l = Ledger::default();
        let theirs = event(11, "bob", "a", Change::Tick);
        l.apply(event(12, "ann", "a", Change::Untick));
        assert!(l.apply(theirs));
        assert_eq!(l.mark("a"), &Mark::Open, "seq 12 (untick) is the last word");
        assert_eq!(
            l.events().iter().map(|s| s.seq).collect::<Vec<_>>(),
            [11, 12]
        );
    }

    #[test]
    fn a_provisional_event_is_confirmed_not_doubled() {
        let mut l = Ledger::default();
        let mine = event(0, "ann", "a", Change::Tick);
        assert!(l.apply_provisional(mine.event.clone()));
        assert!(l.is_provisional(&mine.event.id));
        assert_eq!(l.mark("a"), &Mark::Done);
        // Someone else's untick committed during the outage comes first in the log.
        assert!(l.apply(event(5, "bob", "a", Change::Untick)));
        assert_eq!(l.mark("a"), &Mark::Done, "provisional events sort last");
        assert!(!l.apply(Stored {
            seq: 6,
            ..mine.clone()
        }));
        assert!(!l.is_provisional(&mine.event.id));
        assert_eq!(l.events().len(), 2);
        assert_eq!(l.last_seq(), 6);
        assert_eq!(l.mark("a"), &Mark::Done);
    }
}
