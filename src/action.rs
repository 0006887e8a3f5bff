//! What a key means, given the mode. Kept apart from `update` so that the key map is one
//! readable table (and the help screen can be checked against it).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Mode, View};
use crate::i18n::Msg;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    ShowView(View),
    NextView,
    PreviousView,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Space: tick an open item, untick a done one.
    Toggle,
    Skip,
    Note,
    Undo,
    /// `a`: acknowledge an open alert (the selected one; ↑↓ choose another in the dialog).
    Acknowledge,
    /// `!`: the alerts list (the live view, on the alerts panel).
    Alerts,
    /// `R`: write the day's report.
    Report,
    /// `p`: the live view shows the next panel full size (small terminals).
    NextPanel,
    /// `y` while asked to confirm a tick against failing evidence.
    Confirm,
    Search,
    /// Enter: open the detail of the selected item.
    Detail,
    /// Esc: close a pop-up, or clear the search filter.
    Back,
    /// `A`: announce something to the room.
    Announce,
    /// `C`: take down the newest announcement showing.
    ClearAnnouncement,
    /// `U`: the status update, shown for review and copied to the clipboard.
    StatusUpdate,
    /// `c` while the status update is shown: copy it again.
    Copy,
    /// `J`: judge a target no source measures.
    Judge,
    /// Typing into a prompt.
    Input(char),
    Erase,
    Submit,
    Cancel,
}

/// One help line: keys and what they do (a catalogue key). The single source for the `?`
/// screen.
pub const KEY_HELP: &[(&str, Msg)] = &[
    ("↑ ↓  j k", Msg::KeyMove),
    ("PgUp PgDn", Msg::KeyPage),
    ("g  G", Msg::KeyFirstLast),
    ("space", Msg::KeyToggle),
    ("s", Msg::KeySkip),
    ("n", Msg::KeyNote),
    ("u", Msg::KeyUndo),
    ("R", Msg::KeyReport),
    ("a", Msg::KeyAck),
    ("!", Msg::KeyAlerts),
    ("A  C", Msg::KeyAnnounce),
    ("U", Msg::KeyStatusUpdate),
    ("J", Msg::KeyJudge),
    ("p", Msg::KeyPanel),
    ("Enter", Msg::KeyDetail),
    ("/", Msg::KeySearch),
    ("Tab  S-Tab", Msg::KeyViews),
    ("1 … 8", Msg::KeyGoto),
    ("?", Msg::KeyHelp),
    ("q  Ctrl-C", Msg::KeyQuit),
];

pub fn from_key(mode: &Mode, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    match mode {
        Mode::Prompt(_) => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Backspace => Some(Action::Erase),
            // Choosing which alert an acknowledgement is for.
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        // Help scrolls; any other key closes it.
        Mode::Help => match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
            KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
            _ => Some(Action::ToggleHelp),
        },
        // Only an answer closes the question: a stray key typed ahead is not taken as "no".
        Mode::Confirm { .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Some(Action::Confirm),
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => Some(Action::Cancel),
            _ => None,
        },
        // Nothing to type into: what is typed is swallowed until Enter or Esc.
        Mode::Notice(_) => match key.code {
            KeyCode::Enter | KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        // The status update under review: it scrolls; `c` copies it again.
        Mode::Update { .. } => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
            KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
            KeyCode::Char('c') => Some(Action::Copy),
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('U') => {
                Some(Action::Cancel)
            }
            _ => None,
        },
        Mode::Detail => match key.code {
            KeyCode::Esc | KeyCode::Enter => Some(Action::Back),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => normal(key.code),
        },
        Mode::Normal => normal(key.code),
    }
}

fn normal(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') | KeyCode::F(1) => Action::ToggleHelp,
        KeyCode::Tab => Action::NextView,
        KeyCode::BackTab => Action::PreviousView,
        KeyCode::Char(c @ '1'..='8') => {
            let index = c as usize - '1' as usize;
            Action::ShowView(View::ALL[index])
        }
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::Char(' ') | KeyCode::Char('x') => Action::Toggle,
        KeyCode::Char('s') => Action::Skip,
        KeyCode::Char('n') => Action::Note,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('a') => Action::Acknowledge,
        KeyCode::Char('!') => Action::Alerts,
        KeyCode::Char('R') => Action::Report,
        KeyCode::Char('A') => Action::Announce,
        KeyCode::Char('C') => Action::ClearAnnouncement,
        KeyCode::Char('U') => Action::StatusUpdate,
        KeyCode::Char('J') => Action::Judge,
        KeyCode::Char('p') => Action::NextPanel,
        KeyCode::Char('/') => Action::Search,
        KeyCode::Enter => Action::Detail,
        KeyCode::Esc => Action::Back,
        _ => return None,
    })
}
