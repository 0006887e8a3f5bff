//! Support tickets seen by a poll become facts kept with the day's samples (see
//! `judge::tickets`), so the report can measure resolution times.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::layout::PanelKind;

pub fn observe(app: &mut App, source: usize, at: DateTime<Utc>) {
    // Called on every poll of every source: borrowed, not cloned, until there is a match.
    let layout = Arc::clone(&app.layout);
    let Some(id) = layout.sources.get(source).map(|s| s.spec.id.as_str()) else {
        return;
    };
    let Some(rows) = layout.panels.iter().find_map(|p| match &p.kind {
        PanelKind::Tickets { rows, .. } if p.sources.first().is_some_and(|s| s == id) => {
            Some(rows.text.as_str())
        }
        _ => None,
    }) else {
        return;
    };
    let Some(body) = app
        .live
        .sources
        .get(source)
        .and_then(|s| s.observation())
        .and_then(|o| o.body.as_ref())
    else {
        return;
    };
    let facts = app.tickets.observe(id, body, rows, at);
    app.samples.extend(facts);
}
