//! The shared-room parts of the header: the outage ("DB unreachable 0:42 · 3 changes not yet
//! saved") and who else is here ("here: bob (ssh 10.1.2.3), carol").

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

/// Who is here, richest first: the others by name and origin ("here: bob (ssh 10.1.2.3),
/// carol"), by name only, the first and how many more, how many; alone, this operator (with
/// where from, then the name alone).
pub fn who_variants(app: &App) -> Vec<String> {
    let lang = app.lang;
    if app.peers.is_empty() {
        let me = &app.author.operator;
        let short = me.split('@').next().unwrap_or(me).to_string();
        return vec![format!("{me} · {}", app.author.origin), me.clone(), short];
    }
    let with_origin: Vec<String> = app
        .peers
        .iter()
        .map(|peer| match short_origin(&peer.origin) {
            Some(origin) => format!("{} ({origin})", peer.operator),
            None => peer.operator.clone(),
        })
        .collect();
    let names: Vec<String> = app.peers.iter().map(|p| p.operator.clone()).collect();
    let mut out = vec![
        tf(lang, Msg::Here, &[&with_origin.join(", ")]),
        tf(lang, Msg::Here, &[&names.join(", ")]),
    ];
    if names.len() > 1 {
        out.push(tf(lang, Msg::HereMore, &[&names[0], &(names.len() - 1)]));
        out.push(tf(lang, Msg::HereCount, &[&names.len()]));
    }
    out
}
