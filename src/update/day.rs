//! Midnight on the launch's clock (or the date turning on a rehearsal's clock): the checklist,
//! the day's counts and what is stored move to the new date together. The day's last samples
//! go out first, under the day they belong to; the day's log stays the pilot's (sign-offs,
//! verdicts and announcements outlive it).

use crate::app::{App, Schedule};
use crate::i18n::{Msg as UiMsg, tf};

use super::{Effect, live, say};

/// Turns the day if the clock has crossed midnight; true when it did.
pub fn turn(app: &mut App, effects: &mut Vec<Effect>) -> bool {
    // A layout that pins `launch.date` stays on it whatever the clock says.
    let today = Schedule::launch_day(&app.layout, app.now);
    if today == app.day() {
        return false;
    }
    let before = app.day();
    live::flush_samples(app, effects, true);
    effects.push(Effect::NewDay(today));
    let ended = std::mem::take(&mut app.ledger);
    app.keep_earlier(ended.events().iter().cloned());
    app.schedule = Schedule::new(&app.layout, today);
    // Uptime "since the day began" begins again; the latest answers and history stay.
    for source in &mut app.live.sources {
        source.polls = 0;
        source.polls_up = 0;
    }
    app.tickets = crate::judge::Tickets::default();
    app.select_default();
    app.pilot_asked = None;
    tracing::info!(%before, %today, "the launch's day turned");
    say(
        app,
        tf(app.lang, UiMsg::FlashNewDay, &[&today, &before]),
        false,
    );
    true
}
