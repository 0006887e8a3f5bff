//! The shared-room parts of the header: the outage ("DB unreachable 0:42 · 3 changes not yet
//! saved") and who is here ("here: ann (ssh 10.1.2.3), bob").

use crate::app::App;
use crate::app::clock::countdown;
use crate::i18n::{Msg, t, tf};
use crate::store::presence::short_origin;

/// The outage line, split like the phase text (label, running time) so the header can draw
/// it in the phase's place; `None` while the database answers and nothing waits.
pub fn outage_text(app: &App) -> Option<(String, String)> {
    let waiting = match app.unsaved.len() {
        0 => String::new(),
        1 => t(app.lang, Msg::OneUnsaved).to_string(),
        n => tf(app.lang, Msg::ManyUnsaved, &[&n]),
    };
    match app.outage {
        Some(since) => Some((
            match &app.outage_cause {
                Some(cause) => format!("{} ", crate::i18n::outage(app.lang, cause)),
                None => t(app.lang, Msg::DbUnreachable).to_string(),
            },
            format!("{}{waiting}", countdown(app.now - since)),
        )),
        None if !waiting.is_empty() => {
            Some((t(app.lang, Msg::SavingEllipsis).to_string(), waiting))
        }
        None => None,
    }
}

/// "here: ann (ssh 10.1.2.3), bob" once anyone else is here ("2 here" when `compact`, where a
/// list would be cut to nothing); `None` when alone, so a single warroom's header stays as it
/// was.
pub fn here_text(app: &App, compact: bool) -> Option<String> {
    if app.peers.is_empty() {
        return None;
    }
    if compact {
        return Some(tf(app.lang, Msg::HereCount, &[&(app.peers.len() + 1)]));
    }
    let others = app
        .peers
        .iter()
        .map(|peer| match short_origin(&peer.origin) {
            Some(origin) => format!("{} ({origin})", peer.operator),
            None => peer.operator.clone(),
        });
    let names: Vec<String> = std::iter::once(app.author.operator.clone())
        .chain(others)
        .collect();
    Some(tf(app.lang, Msg::Here, &[&names.join(", ")]))
}
