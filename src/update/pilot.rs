//! The pilot's keys: announcements (`A`, `C`), sign-offs by name (space on a sign-off), an
//! operator's verdict on a target (`J`), the status update (`U`), and the periodic read of
//! the pilot's earlier days. Each change is checked by [`crate::app::rules`] first and
//! recorded as the event it returns; a refusal says why, in the status bar.

use crate::app::beyond::PILOT_READ_SECONDS;
use crate::app::rules::{self, SignCheck};
use crate::app::{App, Mode, Prompt, PromptPurpose};
use crate::i18n::{Msg as UiMsg, t, tf};
use crate::judge::Bindings;

use super::{Effect, record, say};

/// Lines a page of the status update scrolls.
const PAGE: usize = 10;

fn refuse(app: &mut App, refusal: &rules::Refusal) {
    let text = tf(app.lang, UiMsg::FlashRefused, &[&refusal.text(app.lang)]);
    say(app, text, true);
}

fn ask(app: &mut App, purpose: PromptPurpose, input: String) {
    app.mode = Mode::Prompt(Prompt::new(purpose, input));
}

/// `A`.
pub fn announce(app: &mut App) {
    ask(app, PromptPurpose::Announce, String::new());
}

/// `C`: the newest announcement showing is taken down (each press, the next).
pub fn clear_announcement(app: &mut App, effects: &mut Vec<Effect>) {
    let log = app.pilot_ledger();
    let newest = log
        .pilot()
        .current_announcements(app.now)
        .first()
        .map(|a| a.id);
    let Some(id) = newest else {
        drop(log);
        say(app, t(app.lang, UiMsg::FlashNoAnnouncement), false);
        return;
    };
    let change = rules::clear(log.pilot(), id, app.now);
    drop(log);
    match change {
        Ok(change) => record(app, None, change, effects),
        Err(refusal) => refuse(app, &refusal),
    }
}

/// Enter in the announcement dialog: `text` or `text | until`.
pub fn submit_announcement(
    app: &mut App,
    input: &str,
    effects: &mut Vec<Effect>,
) -> Result<(), String> {
    let zone = app.layout.launch.zone;
    let (text, until) = match input.rsplit_once('|') {
        Some((text, until)) => {
            let until = rules::parse_until(until, app.now, zone).map_err(|r| r.text(app.lang))?;
            (text, Some(until))
        }
        None => (input, None),
    };
    let change = rules::announce(text, until, app.now, zone).map_err(|r| r.text(app.lang))?;
    record(app, None, change, effects);
    Ok(())
}

/// Space on a sign-off: a holder signs as themselves; without holders the signer confirms
/// their name in a dialog; a signed one asks why it is withdrawn.
pub fn toggle_signoff(app: &mut App, signoff: String, effects: &mut Vec<Effect>) {
    let operator = app.author.operator.clone();
    let log = app.pilot_ledger();
    if log.pilot().signature(&signoff).is_some() {
        // Asked before the reason is typed: whether this operator may take it back at all
        // (the reason given here only stands in for the one the dialog will ask).
        let check = rules::withdraw(&app.layout, log.pilot(), &signoff, &operator, "-");
        drop(log);
        match check {
            Ok(_) => ask(app, PromptPurpose::Withdraw { signoff }, String::new()),
            Err(refusal) => refuse(app, &refusal),
        }
        return;
    }
    let check = rules::may_sign(&app.layout, log.pilot(), &signoff, &operator);
    let signed = match check {
        Ok(SignCheck::Holder) => {
            rules::sign(&app.layout, log.pilot(), &signoff, &operator, None).map(Some)
        }
        Ok(SignCheck::ConfirmName) => Ok(None),
        Err(refusal) => Err(refusal),
    };
    drop(log);
    match signed {
        Ok(Some(change)) => record(app, Some(signoff), change, effects),
        // The operator's own name, to confirm or correct ("ann@jump" → "ann").
        Ok(None) => {
            let name = operator.split('@').next().unwrap_or(&operator).to_string();
            ask(app, PromptPurpose::Sign { signoff }, name);
        }
        Err(refusal) => refuse(app, &refusal),
    }
}

pub fn submit_sign(
    app: &mut App,
    signoff: String,
    name: &str,
    effects: &mut Vec<Effect>,
) -> Result<(), String> {
    let log = app.pilot_ledger();
    let change = rules::sign(
        &app.layout,
        log.pilot(),
        &signoff,
        &app.author.operator,
        Some(name),
    );
    drop(log);
    let change = change.map_err(|r| r.text(app.lang))?;
    record(app, Some(signoff), change, effects);
    Ok(())
}

pub fn submit_withdraw(
    app: &mut App,
    signoff: String,
    reason: &str,
    effects: &mut Vec<Effect>,
) -> Result<(), String> {
    let log = app.pilot_ledger();
    let change = rules::withdraw(
        &app.layout,
        log.pilot(),
        &signoff,
        &app.author.operator,
        reason,
    );
    drop(log);
    let change = change.map_err(|r| r.text(app.lang))?;
    record(app, Some(signoff), change, effects);
    Ok(())
}

/// `J`: the targets no source measures, each to pass or fail.
pub fn judge(app: &mut App) {
    if app.judge_choices().is_empty() {
        app.mode = Mode::Notice(t(app.lang, UiMsg::NoticeNoJudgeable).to_string());
        return;
    }
    ask(app, PromptPurpose::Judge { choice: 0 }, String::new());
}

/// ↑↓ in the verdict dialog.
pub fn choose_judgement(app: &mut App, delta: isize) -> bool {
    let count = app.judge_choices().len();
    let Mode::Prompt(Prompt {
        purpose: PromptPurpose::Judge { choice },
        problem,
        ..
    }) = &mut app.mode
    else {
        return false;
    };
    *choice = choice
        .saturating_add_signed(delta)
        .min(count.saturating_sub(1));
    *problem = None;
    true
}

pub fn submit_judgement(
    app: &mut App,
    choice: usize,
    reason: &str,
    effects: &mut Vec<Effect>,
) -> Result<(), String> {
    let Some((target, passed)) = app.judge_choices().get(choice).cloned() else {
        return Err(t(app.lang, UiMsg::NoticeNoJudgeable).to_string());
    };
    let bindings = Bindings::of(&app.layout);
    let change = rules::judge(&app.layout, &bindings, &target, passed, reason)
        .map_err(|r| r.text(app.lang))?;
    record(app, Some(target), change, effects);
    Ok(())
}

/// `U`: the update composed as `warroom status --update` composes it, shown and copied.
pub fn status_update(app: &mut App, effects: &mut Vec<Effect>) {
    let text = compose(app);
    effects.push(Effect::Copy(text.clone()));
    app.update_text = Some(text);
    app.mode = Mode::Update { scroll: 0 };
    say(app, t(app.lang, UiMsg::FlashCopied), false);
}

/// `c` in the update: copy it again (another pane of tmux, a second try).
pub fn copy_again(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(text) = &app.update_text {
        effects.push(Effect::Copy(text.clone()));
        say(app, t(app.lang, UiMsg::FlashCopied), false);
    }
}

fn compose(app: &App) -> String {
    use crate::status::update::{self, Inputs, Targets};
    let log = app.pilot_ledger();
    let weeks = app.weeks(&log);
    let shown = update::week_to_show(&app.layout, app.now).map(|c| c.week);
    let week = weeks.iter().find(|w| Some(w.criteria.week) == shown);
    let bindings = Bindings::of(&app.layout);
    let live = crate::app::measures::Live(app);
    let targets = match week {
        Some(week) => Some(Targets::week(week)),
        None => Targets::today(&app.layout, &bindings, &live, app.now),
    };
    update::compose(
        &Inputs {
            layout: &app.layout,
            ledger: &log,
            schedule: &app.schedule,
            now: app.now,
            targets,
        },
        app.lang,
    )
}

/// ↑↓ PgUp PgDn g G while the update is shown; the dialog keeps it within its text.
pub fn scroll_update(app: &mut App, action: &crate::action::Action) {
    use crate::action::Action;
    let lines = app.update_text.as_deref().map_or(0, |t| t.lines().count());
    if let Mode::Update { scroll } = &mut app.mode {
        let max = lines.saturating_sub(1);
        *scroll = match action {
            Action::Top => 0,
            Action::Bottom => max,
            Action::Up => scroll.saturating_sub(1),
            Action::PageUp => scroll.saturating_sub(PAGE),
            Action::Down => *scroll + 1,
            _ => *scroll + PAGE,
        }
        .min(max);
    }
}

/// On the clock's tick: the pilot's earlier days and samples are read again once a minute
/// (and at once on start), while the layout has a calendar and the pilot has begun.
pub fn read_pilot(app: &mut App, effects: &mut Vec<Effect>) {
    let Some((first, last)) = app.pilot_span() else {
        return;
    };
    let due = app
        .pilot_asked
        .is_none_or(|at| at.elapsed().as_secs() >= PILOT_READ_SECONDS);
    if due {
        app.pilot_asked = Some(std::time::Instant::now());
        effects.push(Effect::ReadPilot {
            first,
            last,
            today: app.day(),
        });
    }
}
