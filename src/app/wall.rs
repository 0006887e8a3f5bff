//! The wall display's state (`warroom wall`): which views it cycles through and when it last
//! moved on, and what it knows about its database beyond what the header already shows.

use std::time::{Duration, Instant};

use super::View;

/// The views a cycling wall shows, in turn: the board first, then the live panels, the
/// week's targets and the pilot's timeline. The others are a key away (read-only).
pub const CYCLE: [View; 4] = [View::LaunchDay, View::Live, View::Criteria, View::Timeline];

#[derive(Debug, Clone, Default)]
pub struct Wall {
    /// Move on to the next view this often (`--cycle`); `None`: stay.
    pub cycle: Option<Duration>,
    /// When the view last changed, by the timer or a key (real time: a rehearsal's faster
    /// clock must not spin the views).
    pub shown_at: Option<Instant>,
    /// The SQLite file the wall reads does not exist (yet, or any more): its path.
    pub absent: Option<String>,
}

impl Wall {
    pub fn new(cycle: Option<Duration>) -> Self {
        Self {
            cycle,
            shown_at: Some(Instant::now()),
            absent: None,
        }
    }

    /// The view after `view` in the cycle (the board after a view outside it).
    pub fn next_view(view: View) -> View {
        match CYCLE.iter().position(|v| *v == view) {
            Some(i) => CYCLE[(i + 1) % CYCLE.len()],
            None => CYCLE[0],
        }
    }

    /// How long until the cycle moves on (`None` when it does not cycle).
    pub fn remaining(&self, now: Instant) -> Option<Duration> {
        let cycle = self.cycle?;
        let shown = self.shown_at.unwrap_or(now);
        Some(cycle.saturating_sub(now.saturating_duration_since(shown)))
    }
}
