//! Support tickets seen by a poll become facts kept with the day's samples (see
//! `judge::tickets`), so the report can measure resolution times.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::layout::PanelKind;

pub fn observe(app: &mut App, source: usize, at: DateTime<Utc>) {
    let Some(id) = app.layout.sources.get(source).map(|s| s.spec.id.clone()) else {
        return;
    };
    let Some(rows) = app.layout.panels.iter().find_map(|p| match &p.kind {
        PanelKind::Tickets { rows, .. } if p.sources.first() == Some(&id) => {
            Some(rows.text.clone())
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
    let facts = app.tickets.observe(&id, body, &rows, at);
    app.samples.extend(facts);
}
