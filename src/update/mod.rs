//! What events do to the state: keys, clock ticks and store replies in; effects (writes to
//! persist) out. No I/O happens here, which keeps every behaviour testable without a terminal.

mod day;
mod live;
mod pilot;
mod prompt;
mod reload;
mod tickets;
pub mod wall;

use crate::i18n::{Msg as UiMsg, t, tf};
use crate::words;

use chrono::Utc;
use crossterm::event::KeyEvent;

use crate::action::{self, Action};
use crate::app::{App, Flash, Mark, Mode, Prompt, PromptPurpose, View};
use crate::poller::PollResult;
use crate::sources::Status;
use crate::store::presence::Peer;
use crate::store::worker::Reply;
use crate::store::{Change, Event, Evidence, EvidenceFact, Sample, Stored, WARROOM};
use std::mem::discriminant;

/// Everything the main loop feeds into the app.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize,
    /// The clock moved on (once a second).
    Tick,
    Store(Reply),
    /// A live source answered (or failed to).
    Poll(PollResult),
    /// warroom is stopping (quit, signal, hangup): hand over whatever is still buffered.
    Shutdown,
    /// The layout file was edited: the layout it now holds, or why it cannot be used.
    Layout(crate::layout::watch::Reloaded),
}

/// What the main loop must do after an update.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Write this event; show it only once the store says it committed.
    Persist(Event),
    /// Ring the terminal bell once (an alert was raised, or a reminder is due).
    Bell,
    /// Save downsampled live values.
    SaveSamples(Vec<Sample>),
    /// Put this text on the operator's clipboard (OSC 52 on the terminal).
    Copy(String),
    /// Write the day's report from the store (the store task does the reading and writing).
    WriteReport,
    /// Read the pilot's days `first..=last` from the store: the events of all but `today`
    /// and every day's samples.
    ReadPilot {
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    /// The layout's sources changed: poll the new ones (and only them).
    RestartSources,
    /// The launch's day turned: the store follows and stores the new one.
    NewDay(chrono::NaiveDate),
}

/// How long an informational message stays in the status bar, and an error.
const FLASH_SECONDS: i64 = 8;
const ERROR_SECONDS: i64 = 60;
const PAGE: usize = 10;

/// How soon what a message changed must reach the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shown {
    /// Nothing visible changed.
    Unchanged,
    /// Only what is shown to the 10 ms changed (a poll's latency): it goes out with the next
    /// frame made anyway, within a second. A thousand sources that keep saying the same thing
    /// would otherwise cost thirty full frames a second.
    WithNextFrame,
    /// A poll said something new, or the clock's second turned: in the next frame slot, while
    /// polls stream in. Polls start on the clock's seconds, so a tick's frame waits for the
    /// answers of the polls due with it (milliseconds, at most a slot) and shows both.
    Soon,
    /// A key, a store's reply: at once.
    AtOnce,
}

/// Applies one message; returns the effects and whether the screen needs redrawing.
pub fn update(app: &mut App, msg: Msg) -> (bool, Vec<Effect>) {
    let (shown, effects) = apply(app, msg);
    (shown != Shown::Unchanged, effects)
}

/// Applies one message; returns how soon the screen must show it, and the effects.
pub fn apply(app: &mut App, msg: Msg) -> (Shown, Vec<Effect>) {
    let mut effects = Vec::new();
    let before = app.now.timestamp();
    // Whatever happens is stamped with the instant it happens at: a key press, a reply, a poll
    // (whose own instant, taken when it answered, stamps what it raises).
    app.now = app.clock.now();
    let view = app.view;
    let tick = matches!(msg, Msg::Tick);
    let redraw = match msg {
        Msg::Key(key) => match action::from_key(&app.mode, key) {
            Some(action) if app.wall.is_some() && wall::judge(app, &action) != wall::Key::Looks => {
                let writes = wall::judge(app, &action) == wall::Key::Writes;
                if writes {
                    wall::refuse(app);
                }
                writes
            }
            Some(action) => {
                let context = context(app);
                let said = app.flash_at;
                perform(app, action, &mut effects);
                // A message is about where it was said: moving on (another view, a dialog, the
                // search cleared) takes an old one away, unless it is an error.
                if context != self::context(app)
                    && app.flash_at == said
                    && app.flash.as_ref().is_some_and(|f| !f.error)
                {
                    app.flash = None;
                }
                true
            }
            None => false,
        },
        Msg::Resize => true,
        Msg::Tick => {
            expire_flash(app);
            let turned = day::turn(app, &mut effects);
            pilot::read_pilot(app, &mut effects);
            live::flush_samples(app, &mut effects, false);
            let cycled = wall::tick(app);
            turned || app.now.timestamp() != before || cycled
        }
        Msg::Store(Reply::Joined { events, samples }) if app.wall.is_some() => {
            wall::loaded(app, events, samples);
            true
        }
        Msg::Store(Reply::Outage { since, cause }) if app.wall.is_some() => {
            wall::unreachable(app, since, cause);
            true
        }
        // Every few seconds, mostly to say the same people are still here.
        Msg::Store(Reply::Present(peers)) => present(app, peers),
        Msg::Store(reply) => {
            store_reply(app, reply);
            true
        }
        Msg::Poll(result) => {
            let shown = live::poll(app, result, &mut effects);
            return wall_or(app, view, shown, effects);
        }
        Msg::Shutdown => {
            live::flush_samples(app, &mut effects, true);
            false
        }
        Msg::Layout(reloaded) => reload::reloaded(app, reloaded, &mut effects),
    };
    let shown = match (redraw, tick) {
        (false, _) => Shown::Unchanged,
        (true, true) => Shown::Soon,
        (true, false) => Shown::AtOnce,
    };
    wall_or(app, view, shown, effects)
}

/// On the wall display, effects that would write are dropped (and a view change is noted).
fn wall_or(app: &mut App, view: View, shown: Shown, effects: Vec<Effect>) -> (Shown, Vec<Effect>) {
    if let Some(wall) = app.wall.as_mut() {
        if app.view != view {
            wall::viewed(wall);
        }
        wall::drop_effects(app, effects);
        return (shown, Vec::new());
    }
    (shown, effects)
}

/// Where the operator is: a message said in one place is cleared on leaving it.
fn context(app: &App) -> (View, std::mem::Discriminant<Mode>, bool, Option<String>) {
    (
        app.view,
        discriminant(&app.mode),
        app.filter.is_empty(),
        app.selected()
            .map(str::to_string)
            .filter(|_| app.mode == Mode::Detail),
    )
}

fn expire_flash(app: &mut App) {
    if let Some(flash) = &app.flash {
        let limit = if flash.error {
            ERROR_SECONDS
        } else {
            FLASH_SECONDS
        };
        if flash_age(app) >= limit {
            app.flash = None;
        }
    }
}

/// In real seconds: a message must stay readable however fast a rehearsal clock runs.
fn flash_age(app: &App) -> i64 {
    app.flash_at
        .map_or(i64::MAX, |at| at.elapsed().as_secs() as i64)
}

fn say(app: &mut App, text: impl Into<String>, error: bool) {
    app.flash = Some(Flash {
        text: text.into(),
        error,
    });
    app.flash_at = Some(std::time::Instant::now());
}

fn perform(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    match action {
        Action::Quit => {
            // The live values of the last seconds are the day's too: the report reads them.
            live::flush_samples(app, effects, true);
            app.quit = true;
        }
        Action::ToggleHelp => {
            app.mode = if app.mode == Mode::Help {
                Mode::Normal
            } else {
                app.help_scroll = 0;
                Mode::Help
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if app.mode == Mode::Help =>
        {
            let max = app.help_max.get();
            app.help_scroll = match action {
                Action::Top => 0,
                Action::Bottom => max,
                Action::Up => app.help_scroll.saturating_sub(1),
                Action::PageUp => app.help_scroll.saturating_sub(PAGE),
                Action::Down => app.help_scroll + 1,
                _ => app.help_scroll + PAGE,
            }
            .min(max);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if matches!(app.mode, Mode::Update { .. }) =>
        {
            pilot::scroll_update(app, &action);
        }
        Action::Up | Action::Down
            if matches!(
                app.mode,
                Mode::Prompt(Prompt {
                    purpose: PromptPurpose::Judge { .. },
                    ..
                })
            ) =>
        {
            pilot::choose_judgement(app, if action == Action::Up { -1 } else { 1 });
        }
        // In a dialog, ↑↓ choose the alert an acknowledgement is for.
        Action::Up | Action::Down if app.mode.is_modal() => {
            prompt::choose_alert(app, if action == Action::Up { -1 } else { 1 });
        }
        // The live view's ↑↓ move along the open alerts: what `a` acknowledges.
        Action::Up | Action::Down if app.view == View::Live && !app.open_alerts().is_empty() => {
            prompt::choose_alert(app, if action == Action::Up { -1 } else { 1 });
        }
        Action::ShowView(view) => show(app, view),
        Action::NextView => show(app, app.view.next()),
        Action::PreviousView => show(app, app.view.previous()),
        Action::Up => step(app, -1),
        Action::Down => step(app, 1),
        Action::PageUp => step(app, -(PAGE as isize)),
        Action::PageDown => step(app, PAGE as isize),
        Action::Top => step(app, isize::MIN),
        Action::Bottom => step(app, isize::MAX),
        Action::Toggle => toggle(app, effects),
        Action::Skip => skip(app, effects),
        Action::Note => prompt::note(app),
        Action::Undo => undo(app, effects),
        Action::Acknowledge => prompt::acknowledge(app),
        Action::Alerts => {
            prompt::show_alerts(app);
            keep_selection_visible(app);
        }
        Action::Report => {
            say(app, t(app.lang, UiMsg::FlashReportWriting), false);
            effects.push(Effect::WriteReport);
        }
        Action::NextPanel => {
            if app.view == View::Live {
                app.panel_focus = (app.panel_focus + 1) % app.layout.panels.len().max(1);
            } else {
                show(app, View::Live);
            }
        }
        Action::Confirm => {
            if let Mode::Confirm { item, .. } = std::mem::replace(&mut app.mode, Mode::Normal) {
                // What the evidence says now, as the key is pressed: that is what was overruled.
                let evidence = item_evidence(app, &item);
                tick(app, item, evidence, effects);
            }
        }
        Action::Search => {
            app.mode = Mode::Prompt(Prompt::new(PromptPurpose::Search, app.filter.clone()));
        }
        Action::Detail => {
            if app.view.is_checklist() && app.selected().is_some() {
                app.mode = if app.mode == Mode::Detail {
                    Mode::Normal
                } else {
                    Mode::Detail
                };
            }
        }
        Action::Back => {
            if app.mode != Mode::Normal {
                app.mode = Mode::Normal;
            } else if !app.filter.is_empty() {
                app.filter.clear();
                keep_selection_visible(app);
            } else if app.flash.is_some() {
                app.flash = None;
            }
        }
        Action::Announce => pilot::announce(app),
        Action::ClearAnnouncement => pilot::clear_announcement(app, effects),
        Action::StatusUpdate => pilot::status_update(app, effects),
        Action::Copy => pilot::copy_again(app, effects),
        Action::Judge => pilot::judge(app),
        Action::Input(c) => prompt::edit(app, |input| input.push(c)),
        Action::Erase => prompt::edit(app, |input| {
            input.pop();
        }),
        Action::Submit => prompt::submit(app, effects),
        Action::Cancel => prompt::cancel(app),
    }
}

fn show(app: &mut App, view: View) {
    app.view = view;
    if app.mode == Mode::Detail {
        app.mode = Mode::Normal;
    }
    keep_selection_visible(app);
}

/// Moves the cursor `delta` items (checklist views) or lines (other views).
fn step(app: &mut App, delta: isize) {
    let view = app.view;
    if !view.is_checklist() {
        // `offset` holds how far the pane can scroll, as measured by its last render.
        let state = app.view_state_mut(view);
        let max = state.offset.get();
        state.scroll = state.scroll.min(max).saturating_add_signed(delta).min(max);
        return;
    }
    let ids = app.item_ids(view);
    if ids.is_empty() {
        return;
    }
    let current = app.selected().and_then(|s| ids.iter().position(|i| i == s));
    let last = ids.len() - 1;
    let next = match (current, delta) {
        (_, isize::MIN) => 0,
        (_, isize::MAX) => last,
        (None, _) => 0,
        (Some(i), d) => i.saturating_add_signed(d).min(last),
    };
    app.view_state_mut(view).selected = Some(ids[next].clone());
}

/// After a filter change, the cursor must sit on a visible item.
fn keep_selection_visible(app: &mut App) {
    let view = app.view;
    if !view.is_checklist() {
        return;
    }
    let ids = app.item_ids(view);
    let visible = app.selected().is_some_and(|s| ids.iter().any(|i| i == s));
    if !visible {
        app.view_state_mut(view).selected = ids.into_iter().next();
    }
}

fn selected_item(app: &App) -> Option<String> {
    if app.view.is_checklist() {
        app.selected().map(str::to_string)
    } else {
        None
    }
}

fn describe(app: &App, item: &str) -> String {
    app.item_text(item)
        .map_or_else(|| item.to_string(), |t| t.get(app.lang).to_string())
}

/// Queues the operator's change, made now, for the store.
fn record(app: &mut App, item: Option<String>, change: Change, effects: &mut Vec<Effect>) {
    let event = Event::new(
        &app.author,
        &app.layout.launch.id,
        app.day(),
        app.now,
        item,
        change,
    );
    persist(app, event, effects);
}

/// Queues an event for the store. It shows as "saving…" at once, as made once it is kept on
/// this machine (fsynced to the journal), and as saved only once its COMMIT returned.
fn persist(app: &mut App, event: Event, effects: &mut Vec<Effect>) {
    app.pending.insert(event.id, event.clone());
    effects.push(Effect::Persist(event));
}

fn toggle(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(item) = selected_item(app) else {
        return;
    };
    if app.is_pending(&item) {
        say(app, t(app.lang, UiMsg::FlashStillSaving), false);
        return;
    }
    // A sign-off is given by name and taken back with a reason, never ticked.
    if app.is_signoff(&item) {
        pilot::toggle_signoff(app, item, effects);
        return;
    }
    if *app.ledger.mark(&item) == Mark::Done {
        record(app, Some(item), Change::Untick, effects);
        return;
    }
    // Failing evidence and evidence with no data both ask first: neither proves the item.
    match item_evidence(app, &item) {
        Some(fact) if fact.status != Status::Ok => {
            let why = words::evidence(app.lang, &fact, |id| app.source_title(id));
            app.mode = Mode::Confirm {
                item,
                why,
                status: fact.status,
            };
        }
        found => tick(app, item, found, effects),
    }
}

/// What the live evidence of an item that names one says now.
fn item_evidence(app: &App, item: &str) -> Option<EvidenceFact> {
    let evidence = app.layout.item(item).and_then(|i| i.evidence.as_ref())?;
    Some(crate::app::evidence::fact(app, evidence))
}

/// Ticks an item, recording what its evidence said at that moment alongside (the event's
/// time is the moment; the fact is the levels, sources and values, not a sentence).
fn tick(app: &mut App, item: String, evidence: Option<EvidenceFact>, effects: &mut Vec<Effect>) {
    record(app, Some(item.clone()), Change::Tick, effects);
    if let Some(fact) = evidence {
        record(
            app,
            Some(item),
            Change::Evidence(Evidence::Fact(fact)),
            effects,
        );
    }
}

fn skip(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(item) = selected_item(app) else {
        prompt::no_item(app);
        return;
    };
    if app.is_pending(&item) {
        say(app, t(app.lang, UiMsg::FlashStillSaving), false);
        return;
    }
    if app.is_signoff(&item) && !matches!(app.ledger.mark(&item), Mark::Skipped { .. }) {
        say(app, t(app.lang, UiMsg::FlashSignoffKeys), true);
        return;
    }
    if matches!(app.ledger.mark(&item), Mark::Skipped { .. }) {
        record(app, Some(item), Change::Untick, effects);
    } else {
        prompt::skip(app, item);
    }
}

fn undo(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(target) = app.ledger.last_undoable(&app.author.operator).cloned() else {
        say(
            app,
            tf(app.lang, UiMsg::FlashNothingToUndo, &[&app.author.operator]),
            false,
        );
        return;
    };
    if app
        .pending
        .values()
        .any(|e| e.change == Change::Undo { target: target.id })
    {
        return;
    }
    record(
        app,
        target.item.clone(),
        Change::Undo { target: target.id },
        effects,
    );
}

fn store_reply(app: &mut App, reply: Reply) {
    match reply {
        Reply::Committed(stored) => {
            app.pending.remove(&stored.event.id);
            app.unsaved.remove(&stored.event.id);
            let message = summary(app, &stored.event);
            // The evidence saved with a tick is part of that tick: "Saved: ticked …" stands.
            // The status line confirms what the operator did: warroom's own alerts are on their
            // panel, the strip and the bell, and an error rate flapping at its threshold put
            // "Saved: alert …" over the operator's last "Saved: ticked …" every few seconds.
            let said = !matches!(stored.event.change, Change::Evidence(_))
                && stored.event.operator != WARROOM;
            app.ledger.apply(stored);
            if said {
                say(app, tf(app.lang, UiMsg::FlashSaved, &[&message]), false);
            }
        }
        Reply::Failed { event, error } => {
            app.pending.remove(&event.id);
            app.unsaved.remove(&event.id);
            // Shown while it was kept on this machine; the log will never have it.
            app.ledger.withdraw(&event.id);
            let message = summary(app, &event);
            let text = tf(app.lang, UiMsg::FlashNotSaved, &[&message, &error]);
            say(app, text, true);
        }
        Reply::Arrived(events) => arrived(app, events),
        Reply::Notice(path) => {
            let text = tf(app.lang, UiMsg::FlashReportWritten, &[&path]);
            say(app, text, false);
        }
        Reply::ReadFailed(error) => {
            let text = tf(app.lang, UiMsg::FlashReadFailed, &[&error]);
            say(app, text, true)
        }
        Reply::Kept(event) => {
            // Safe on this machine: shown as made, still "saving…" until its commit returns.
            if app.pending.contains_key(&event.id) {
                app.ledger.apply_provisional(event);
            }
        }
        Reply::Journaled(event) => {
            app.pending.remove(&event.id);
            let message = summary(app, &event);
            let said = !matches!(event.change, Change::Evidence(_));
            app.ledger.apply_provisional(event.clone());
            app.unsaved.insert(event.id, event);
            if said {
                say(app, tf(app.lang, UiMsg::FlashKept, &[&message]), false);
            }
        }
        Reply::Outage { since, cause } => {
            // `since` is wall-clock; the header counts on the app's clock (which a rehearsal
            // may run faster), so keep the same distance from now, on that clock.
            let real = (Utc::now() - since).to_std().unwrap_or_default();
            app.outage = Some(app.now - app.clock.over(real));
            let words = crate::i18n::outage(app.lang, &cause);
            app.outage_cause = Some(cause);
            say(app, tf(app.lang, UiMsg::FlashOutage, &[&words]), true);
        }
        Reply::Joined { events, samples } => {
            for stored in events {
                app.pending.remove(&stored.event.id);
                app.unsaved.remove(&stored.event.id);
                app.ledger.apply(stored);
            }
            let layout = std::sync::Arc::clone(&app.layout);
            app.live.restore(&layout, &samples);
            app.tickets.restore(&samples);
            say(app, t(app.lang, UiMsg::FlashJoined), false);
        }
        Reply::Unreadable(rows) => {
            if let Some(first) = rows.first() {
                let text = tf(app.lang, UiMsg::FlashUnreadable, &[&rows.len(), first]);
                say(app, text, true);
            }
            app.unreadable.extend(rows);
        }
        Reply::Reconnected { saved } => {
            app.outage = None;
            app.outage_cause = None;
            let text = match saved {
                0 => t(app.lang, UiMsg::FlashReconnected).to_string(),
                n => tf(app.lang, UiMsg::FlashReconnectedSaved, &[&n]),
            };
            say(app, text, false);
        }
        Reply::Pilot(read) => {
            app.pilot_earlier.clear();
            app.keep_earlier(read.earlier);
            app.keep_samples(read.samples);
        }
        Reply::Absent(path) => match app.wall.as_mut() {
            Some(wall) => wall.absent = Some(path),
            None => {
                let text = tf(app.lang, UiMsg::WallNoDatabase, &[&path]);
                say(app, text, true);
            }
        },
        Reply::Present(peers) => {
            present(app, peers);
        }
    }
}

/// Who else is here; `true` when that changed what the header can show (who, from where),
/// not only when each was last seen.
fn present(app: &mut App, peers: Vec<Peer>) -> bool {
    // The same operator from the same place is this warroom's own past (a restart after
    // kill -9 leaves its row until it expires), not someone else.
    let mut others: Vec<_> = peers
        .into_iter()
        .filter(|p| !(p.operator == app.author.operator && p.origin == app.author.origin))
        .collect();
    others.sort_by(|a, b| (&a.operator, &a.origin).cmp(&(&b.operator, &b.origin)));
    others.dedup_by(|a, b| a.operator == b.operator && a.origin == b.origin);
    let changed = others.len() != app.peers.len()
        || others
            .iter()
            .zip(&app.peers)
            .any(|(new, old)| (&new.operator, &new.origin) != (&old.operator, &old.origin));
    app.peers = others;
    changed
}

/// Events from other warrooms on the same database.
fn arrived(app: &mut App, events: Vec<Stored>) {
    let mut latest_other = None;
    for stored in events {
        let from_other = stored.event.operator != app.author.operator
            || !app.pending.contains_key(&stored.event.id);
        app.pending.remove(&stored.event.id);
        app.unsaved.remove(&stored.event.id);
        let event = stored.event.clone();
        if app.ledger.apply(stored) && from_other && !matches!(event.change, Change::Evidence(_)) {
            latest_other = Some(event);
        }
    }
    if let Some(event) = latest_other {
        let message = tf(
            app.lang,
            UiMsg::FlashFrom,
            &[&event.operator, &summary(app, &event)],
        );
        say(app, message, false);
    }
}

/// "ticked “All services health checks passing”" — for the status bar.
pub fn summary(app: &App, event: &Event) -> String {
    let item = event
        .item
        .as_deref()
        .map(|i| describe(app, i))
        .unwrap_or_default();
    let lang = app.lang;
    match &event.change {
        Change::Tick => tf(lang, UiMsg::SumTicked, &[&item]),
        Change::Untick => tf(lang, UiMsg::SumReopened, &[&item]),
        Change::Skip { reason } => tf(lang, UiMsg::SumSkipped, &[&item, reason]),
        Change::Note { .. } => tf(lang, UiMsg::SumNote, &[&item]),
        Change::Undo { .. } => tf(lang, UiMsg::SumUndid, &[&item]),
        // Said by what they are about: the announcement's words, the role and who signed.
        Change::Announced { text, .. } => tf(
            lang,
            UiMsg::SumOther,
            &[&words::verb(lang, &event.change), text],
        ),
        Change::SignedOff { name, .. } => tf(
            lang,
            UiMsg::SumOther,
            &[
                &words::verb(lang, &event.change),
                &format!("{item} ({name})"),
            ],
        ),
        Change::AnnouncementCleared { .. } => words::verb(lang, &event.change),
        Change::TargetJudged { passed, .. } => {
            let target = app
                .layout
                .criteria
                .iter()
                .find_map(|w| {
                    let t = w
                        .targets
                        .iter()
                        .find(|t| Some(t.id.as_str()) == event.item.as_deref())?;
                    Some(format!("{} · {}", w.title.get(lang), t.text.get(lang)))
                })
                .unwrap_or(item);
            let verdict = t(
                lang,
                if *passed {
                    UiMsg::RptPass
                } else {
                    UiMsg::RptFail
                },
            );
            tf(
                lang,
                UiMsg::SumOther,
                &[
                    &words::verb(lang, &event.change),
                    &format!("{target}: {verdict}"),
                ],
            )
        }
        other => match other.alert_source() {
            Some(source) => tf(
                lang,
                UiMsg::SumAlert,
                &[
                    &words::verb(lang, other),
                    &app.source_title(source),
                    &words::detail(lang, other, |id| app.source_title(id)),
                ],
            ),
            None => tf(lang, UiMsg::SumOther, &[&words::verb(lang, other), &item]),
        },
    }
}
