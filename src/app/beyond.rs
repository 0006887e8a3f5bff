//! The pilot beyond today, as this warroom knows it: the earlier days' log read from the
//! store (see [`crate::store::worker::pilot_job`]) joined to today's, and the weeks judged
//! over the stored samples. Views 3 and 4, `U` and the sign-off keys read it from here, so
//! they agree with `warroom status --update` and `report --week`.

use chrono::NaiveDate;

use super::App;
use super::gonogo::{self, GoNoGo};
use super::ledger::Ledger;
use crate::judge::Bindings;
use crate::judge::week::{self, Inputs, Week};
use crate::layout::PilotDay;

/// How often the earlier days and the week's samples are read again, in real seconds: the
/// samples of today are flushed once a minute.
pub const PILOT_READ_SECONDS: u64 = 60;

/// Today's ledger when no earlier day has anything, else the days joined.
pub enum PilotLog<'a> {
    Today(&'a Ledger),
    Joined(Box<Ledger>),
}

impl std::ops::Deref for PilotLog<'_> {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        match self {
            PilotLog::Today(ledger) => ledger,
            PilotLog::Joined(ledger) => ledger,
        }
    }
}

impl App {
    /// The days the pilot has had up to now (`None` without a calendar or before Day 1).
    pub fn pilot_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.layout.pilot_start()?;
        let today = match self.layout.pilot_day(self.now) {
            PilotDay::During { date, .. } | PilotDay::After { date, .. } => date,
            PilotDay::NoStart | PilotDay::Before { .. } => return None,
        };
        // The pilot's last day is as far as its numbers go.
        let weeks = self.layout.pilot_weeks().max(1);
        let last = self
            .layout
            .week_dates(weeks)
            .map_or(today, |(_, last)| last.min(today));
        Some((start, last))
    }

    /// The pilot's log: the earlier days' events and today's, as one ledger. Sign-offs,
    /// verdicts, announcements and expansion items outlive the day they were given on.
    pub fn pilot_ledger(&self) -> PilotLog<'_> {
        if self.pilot_earlier.is_empty() {
            return PilotLog::Today(&self.ledger);
        }
        PilotLog::Joined(Box::new(Ledger::from_events(
            self.pilot_earlier
                .iter()
                .chain(self.ledger.events())
                .cloned(),
        )))
    }

    /// Keeps of the earlier days' events what outlives a day: sign-offs, verdicts and
    /// announcements, the expansion items' and sign-offs' marks, and undos (an undo names its
    /// target's item). The launch-day ticks and alerts of 28 days are left out: the views
    /// that read the pilot's log replay it on every frame.
    pub fn keep_earlier(&mut self, events: impl IntoIterator<Item = crate::store::Stored>) {
        let layout = std::sync::Arc::clone(&self.layout);
        let beyond_the_day = |item: &str| {
            layout.signoffs.iter().any(|s| s.id == item)
                || layout
                    .expansion
                    .iter()
                    .flat_map(|s| &s.items)
                    .any(|i| i.id == item)
        };
        self.pilot_earlier.extend(events.into_iter().filter(|s| {
            s.event.change.is_pilot()
                || s.event.item.as_deref().is_some_and(beyond_the_day)
                || matches!(s.event.change, crate::store::Change::Undo { .. })
        }));
    }

    /// Keeps of the pilot's stored samples those of the sources a target is measured from:
    /// four weeks of every series would be a million samples held for a few.
    pub fn keep_samples(
        &mut self,
        samples: std::collections::BTreeMap<NaiveDate, Vec<crate::store::Sample>>,
    ) {
        let bindings = Bindings::of(&self.layout);
        let sources: std::collections::HashSet<String> = self
            .layout
            .criteria
            .iter()
            .flat_map(|w| &w.targets)
            .filter_map(|t| crate::judge::source_of(&bindings, &t.metric))
            .collect();
        self.pilot_samples = samples
            .into_iter()
            .map(|(date, day)| {
                let kept: Vec<_> = day
                    .into_iter()
                    .filter(|s| sources.contains(&s.source))
                    .collect();
                (date, kept)
            })
            .filter(|(_, day)| !day.is_empty())
            .collect();
    }

    /// Every criteria week, judged now over the stored samples, with the operators'
    /// verdicts from `ledger`; empty without a calendar.
    pub fn weeks<'a>(&'a self, ledger: &Ledger) -> Vec<Week<'a>> {
        let bindings = Bindings::of(&self.layout);
        let verdicts = |id: &str| ledger.pilot().judgement(id).cloned();
        let inputs = Inputs {
            layout: &self.layout,
            bindings: &bindings,
            samples: &self.pilot_samples,
            verdicts: &verdicts,
            now: self.now,
        };
        week::weeks(&inputs)
    }

    /// What `J` offers: each target no source measures, to pass or to fail, in the
    /// layout's order.
    pub fn judge_choices(&self) -> Vec<(String, bool)> {
        let bindings = Bindings::of(&self.layout);
        self.layout
            .criteria
            .iter()
            .flat_map(|w| &w.targets)
            .filter(|t| crate::judge::source_of(&bindings, &t.metric).is_none())
            .flat_map(|t| [(t.id.clone(), true), (t.id.clone(), false)])
            .collect()
    }

    /// Done and all of `ids`: a sign-off counts once signed by name (a plain tick does
    /// not), any other item once done or skipped.
    pub fn progress<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> (usize, usize) {
        let (signoffs, items): (Vec<&str>, Vec<&str>) =
            ids.into_iter().partition(|id| self.is_signoff(id));
        let (mut settled, mut total) = self.ledger.progress(items);
        if !signoffs.is_empty() {
            let log = self.pilot_ledger();
            total += signoffs.len();
            settled += signoffs
                .iter()
                .filter(|id| log.pilot().signature(id).is_some())
                .count();
        }
        (settled, total)
    }

    /// Whether an item of the expansion view is a sign-off (signed by name, not ticked).
    pub fn is_signoff(&self, id: &str) -> bool {
        self.layout.signoffs.iter().any(|s| s.id == id)
    }

    /// The go/no-go as of now: the evaluation week, the expansion items and the sign-offs
    /// as the pilot's log has them.
    pub fn gonogo(&self, ledger: &Ledger, weeks: &[Week<'_>]) -> GoNoGo {
        let evaluation = weeks.iter().max_by_key(|w| w.criteria.week);
        gonogo::decide(&self.layout, evaluation, ledger)
    }
}
