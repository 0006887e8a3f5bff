//! The dialogs that ask for text — a skip's reason, a note, who is on an alert, a search —
//! and the question before ticking against evidence. A dialog holds the keyboard until it is
//! answered or cancelled. A key that asks for text but finds nothing to ask about (`a` with no
//! open alert, `n` on a view without items) opens a notice that says so and swallows what is
//! typed next, so a reason typed blind is never taken as keys (a space ticking an item, an `n`
//! starting a note).

use crate::app::{App, Mode, Prompt, PromptPurpose, View};
use crate::i18n::{Msg as UiMsg, t, tf};
use crate::store::Change;

use super::{Effect, keep_selection_visible, record, say, selected_item};

/// Opens a dialog for `purpose`.
fn ask(app: &mut App, purpose: PromptPurpose) {
    app.mode = Mode::Prompt(Prompt::new(purpose, String::new()));
}

/// Nothing to ask about: say so, modally.
fn nothing(app: &mut App, why: UiMsg) {
    app.mode = Mode::Notice(t(app.lang, why).to_string());
}

/// `n`: a note on the selected item.
pub fn note(app: &mut App) {
    match selected_item(app) {
        Some(item) => ask(app, PromptPurpose::Note { item }),
        None => nothing(app, UiMsg::NoticeNoItem),
    }
}

/// `s` on an item that is not skipped: asks the reason (a skip needs one).
pub fn skip(app: &mut App, item: String) {
    ask(app, PromptPurpose::Skip { item });
}

/// `s` where there is no item to skip.
pub fn no_item(app: &mut App) {
    nothing(app, UiMsg::NoticeNoItem);
}

/// `a`: who is on an alert, for the selected open alert (↑↓ choose another).
pub fn acknowledge(app: &mut App) {
    match app.alert_to_acknowledge() {
        Some(source) => {
            app.alert_selected = Some(source.clone());
            ask(app, PromptPurpose::Ack { source });
        }
        None => nothing(app, UiMsg::NoticeNoAlert),
    }
}

/// `!`: the alerts list, pointing at the newest open alert (or the one already chosen).
pub fn show_alerts(app: &mut App) {
    app.view = View::Live;
    if let Some(index) = app
        .layout
        .panels
        .iter()
        .position(|p| matches!(p.kind, crate::layout::PanelKind::Alerts))
    {
        app.panel_focus = index;
    }
    let open = app.open_alerts();
    let keep = app
        .alert_selected
        .as_ref()
        .is_some_and(|s| open.iter().any(|a| &a.source == s));
    if !keep {
        app.alert_selected = open.first().map(|a| a.source.clone());
    }
}

/// ↑↓ among the open alerts (newest first), in the alerts list and in the `a` dialog.
/// Returns false when there is nothing to choose from.
pub fn choose_alert(app: &mut App, delta: isize) -> bool {
    let open: Vec<String> = app.open_alerts().iter().map(|a| a.source.clone()).collect();
    if open.is_empty() {
        return false;
    }
    let current = app
        .alert_selected
        .as_ref()
        .and_then(|s| open.iter().position(|o| o == s));
    let next = match current {
        None => 0,
        Some(i) => i.saturating_add_signed(delta).min(open.len() - 1),
    };
    let chosen = open[next].clone();
    app.alert_selected = Some(chosen.clone());
    if let Mode::Prompt(Prompt {
        purpose: PromptPurpose::Ack { source },
        problem,
        ..
    }) = &mut app.mode
    {
        *source = chosen;
        *problem = None;
    }
    true
}

pub fn edit(app: &mut App, edit: impl FnOnce(&mut String)) {
    let Mode::Prompt(prompt) = &mut app.mode else {
        // A notice swallows what is typed: that is its point.
        return;
    };
    edit(&mut prompt.input);
    prompt.problem = None;
    if prompt.purpose == PromptPurpose::Search {
        app.filter = prompt.input.trim().to_lowercase();
        keep_selection_visible(app);
    }
}

pub fn cancel(app: &mut App) {
    if let Mode::Prompt(Prompt {
        purpose: PromptPurpose::Search,
        ..
    }) = app.mode
    {
        app.filter.clear();
        keep_selection_visible(app);
    }
    app.mode = Mode::Normal;
}

/// Enter in a dialog. Text that cannot be taken (an empty reason) keeps the dialog open and
/// says why inside it, where the operator is looking.
pub fn submit(app: &mut App, effects: &mut Vec<Effect>) {
    let Mode::Prompt(prompt) = std::mem::replace(&mut app.mode, Mode::Normal) else {
        return;
    };
    let text = prompt.input.trim().to_string();
    let refuse = |app: &mut App, why: UiMsg| {
        app.mode = Mode::Prompt(Prompt {
            problem: Some(t(app.lang, why).to_string()),
            ..prompt.clone()
        });
    };
    match prompt.purpose.clone() {
        PromptPurpose::Search => {
            if app.item_ids(app.view).is_empty() && !app.filter.is_empty() {
                let text = tf(app.lang, UiMsg::FlashNoMatch, &[&app.filter]);
                say(app, text, false);
            }
        }
        PromptPurpose::Skip { .. } if text.is_empty() => refuse(app, UiMsg::FlashSkipNeedsReason),
        PromptPurpose::Skip { item } => {
            record(app, Some(item), Change::Skip { reason: text }, effects)
        }
        PromptPurpose::Note { .. } if text.is_empty() => refuse(app, UiMsg::FlashNoteNeedsText),
        PromptPurpose::Note { item } => record(app, Some(item), Change::Note { text }, effects),
        PromptPurpose::Ack { .. } if text.is_empty() => refuse(app, UiMsg::FlashAckNeedsReason),
        PromptPurpose::Announce
        | PromptPurpose::Sign { .. }
        | PromptPurpose::Withdraw { .. }
        | PromptPurpose::Judge { .. } => {
            let done = match prompt.purpose.clone() {
                PromptPurpose::Sign { signoff } => {
                    super::pilot::submit_sign(app, signoff, &text, effects)
                }
                PromptPurpose::Withdraw { signoff } => {
                    super::pilot::submit_withdraw(app, signoff, &text, effects)
                }
                PromptPurpose::Judge { choice } => {
                    super::pilot::submit_judgement(app, choice, &text, effects)
                }
                _ => super::pilot::submit_announcement(app, &text, effects),
            };
            // Refused: the dialog stays, saying why, with what was typed.
            if let Err(why) = done {
                app.mode = Mode::Prompt(Prompt {
                    problem: Some(why),
                    ..prompt.clone()
                });
            }
        }
        PromptPurpose::Ack { source } => {
            // It may have cleared while the reason was typed: nothing is left to acknowledge.
            if app.ledger.open_alert(&source).is_none() {
                let title = app.source_title(&source);
                say(app, tf(app.lang, UiMsg::FlashAckCleared, &[&title]), true);
                return;
            }
            record(
                app,
                None,
                Change::AlertAcknowledged {
                    source,
                    reason: text,
                },
                effects,
            );
        }
    }
}
