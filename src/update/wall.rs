//! What the wall display does differently (`warroom wall`): every key that would write — a
//! tick, a skip, a note, an acknowledgement, a report, and any key added later — says
//! "read-only" instead; the views move on by themselves with `--cycle`; and nothing it
//! observes is ever handed to the store.

use std::time::Instant;

use chrono::{DateTime, Utc};

use super::{Effect, say};
use crate::action::Action;
use crate::app::wall::Wall;
use crate::app::{App, Ledger, Mode, PromptPurpose, View};
use crate::i18n::{Msg, t};
use crate::store::{Outage, Sample, Stored};

/// What a key is on the wall.
#[derive(Debug, PartialEq, Eq)]
pub enum Key {
    /// Only looks: done as anywhere else.
    Looks,
    /// Would write: refused, and said so.
    Writes,
    /// Means nothing here (search on the board, which has no list): ignored.
    Nothing,
}

/// Keys that only look are listed, not the ones that write, so that a key added later is
/// read-only here until someone decides otherwise.
pub fn judge(app: &App, action: &Action) -> Key {
    match action {
        Action::Quit
        | Action::ToggleHelp
        | Action::ShowView(_)
        | Action::NextView
        | Action::PreviousView
        | Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Alerts
        | Action::NextPanel
        | Action::Back => Key::Looks,
        // The board has no list to search or open: the checklist views do.
        Action::Search | Action::Detail if app.view == View::LaunchDay => Key::Nothing,
        Action::Search | Action::Detail => Key::Looks,
        // Typing is only ever into the search.
        Action::Input(_) | Action::Erase | Action::Submit | Action::Cancel
            if matches!(
                &app.mode,
                Mode::Prompt(p) if p.purpose == PromptPurpose::Search
            ) =>
        {
            Key::Looks
        }
        _ => Key::Writes,
    }
}

/// A write key on the wall: nothing done, and said so.
pub fn refuse(app: &mut App) {
    say(app, t(app.lang, Msg::WallReadOnly), false);
}

/// After a key: a view the viewer chose stays a whole cycle.
pub fn viewed(wall: &mut Wall) {
    wall.shown_at = Some(Instant::now());
}

/// On the clock's tick: the next view when the cycle is due (not while help or a search is
/// open: someone is reading or typing).
pub fn tick(app: &mut App) -> bool {
    let open = app.mode != Mode::Normal;
    let Some(wall) = app.wall.as_mut() else {
        return false;
    };
    let now = Instant::now();
    if open || wall.remaining(now) != Some(std::time::Duration::ZERO) {
        return wall.cycle.is_some();
    }
    wall.shown_at = Some(now);
    app.view = Wall::next_view(app.view);
    true
}

/// What an update asked of the store, dropped: the wall writes nothing. An alert its own
/// polls would raise is not recorded (operators' warrooms do that, and the wall shows it
/// when it arrives), and is not left waiting as if it were being saved.
pub fn drop_effects(app: &mut App, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Persist(event) = effect {
            app.pending.remove(&event.id);
        }
    }
    app.samples.clear();
}

/// The day as the database holds it, read whole: replaces what was shown (the file may be
/// another one since, after it was moved away and back).
pub fn loaded(app: &mut App, events: Vec<Stored>, samples: Vec<Sample>) {
    app.ledger = Ledger::from_events(events);
    let layout = std::sync::Arc::clone(&app.layout);
    app.live.restore(&layout, &samples);
    app.tickets.restore(&samples);
    if let Some(wall) = app.wall.as_mut() {
        wall.absent = None;
    }
    app.outage = None;
    app.outage_cause = None;
}

/// The database out of reach: the board says so and since when (on the app's clock, as the
/// header counts it); nothing waits to be saved, so nothing is said about keeping changes.
pub fn unreachable(app: &mut App, since: DateTime<Utc>, cause: Outage) {
    let real = (Utc::now() - since).to_std().unwrap_or_default();
    app.outage = Some(app.now - app.clock.over(real));
    app.outage_cause = Some(cause);
}
