//! The shared-room parts of the header: the outage ("DB unreachable 0:42 · 3 changes not yet
//! saved") and who is here ("here: ann (ssh 10.1.2.3), bob").

use crate::app::App;
use crate::app::clock::countdown;
use crate::store::presence::short_origin;

/// The outage line, split like the phase text (label, running time) so the header can draw
/// it in the phase's place; `None` while the database answers and nothing waits.
pub fn outage_text(app: &App) -> Option<(String, String)> {
    let waiting = match app.unsaved.len() {
        0 => String::new(),
        1 => " · 1 change not yet saved".to_string(),
        n => format!(" · {n} changes not yet saved"),
    };
    match app.outage {
        Some(since) => Some((
            "DB unreachable ".to_string(),
            format!("{}{waiting}", countdown(app.now - since)),
        )),
        None if !waiting.is_empty() => Some(("Saving…".to_string(), waiting)),
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
        return Some(format!("{} here", app.peers.len() + 1));
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
    Some(format!("here: {}", names.join(", ")))
}
