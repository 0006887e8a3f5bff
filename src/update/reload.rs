//! An edited layout file applied to the running warroom. Everything the log holds is keyed by
//! id, so ticks, notes and alerts stay with their items and sources; an item removed keeps
//! its history in the log (the audit view shows it by id). What the sources said so far is
//! kept for every source whose definition did not change, and the poller restarts only when
//! one did. An edit that does not validate leaves the running layout in place and is shown
//! in the banner until the file is fixed.

use std::collections::HashSet;
use std::sync::Arc;

use crate::app::live::{Live, SourceState};
use crate::app::{App, Schedule, View};
use crate::i18n::{Msg as UiMsg, tf};
use crate::layout::Layout;
use crate::layout::watch::Reloaded;

use super::{Effect, keep_selection_visible, say};

/// Applies what the watcher sent; true when the screen changes.
pub fn reloaded(app: &mut App, reloaded: Reloaded, effects: &mut Vec<Effect>) -> bool {
    match reloaded {
        Err(error) => {
            if app.layout_error.as_deref() != Some(error.as_str()) {
                tracing::warn!(%error, "the edited layout is not applied: the running one stays");
            }
            app.layout_error = Some(error);
            true
        }
        Ok(layout) => {
            apply(app, layout, effects);
            true
        }
    }
}

fn item_ids(layout: &Layout) -> HashSet<String> {
    layout
        .tickables()
        .map(|(_, id, _)| id.to_string())
        .collect()
}

/// A source's definition, to tell whether it changed (the specs hold no comparable type).
fn definition(layout: &Layout, id: &str) -> Option<String> {
    layout.source(id).map(|s| format!("{:?}", s.spec))
}

fn apply(app: &mut App, layout: Arc<Layout>, effects: &mut Vec<Effect>) {
    // Polled as the running one is (a rehearsal's speed), so that an unchanged source compares
    // equal and keeps polling undisturbed.
    let layout = if app.poll_speed > 1.0 {
        let mut faster = (*layout).clone();
        App::faster_polls(&mut faster, app.poll_speed);
        Arc::new(faster)
    } else {
        layout
    };
    let old = Arc::clone(&app.layout);
    let (before, after) = (item_ids(&old), item_ids(&layout));
    let added = after.difference(&before).count();
    let removed = before.difference(&after).count();
    let sources_changed = old.sources.len() != layout.sources.len()
        || layout
            .sources
            .iter()
            .zip(&old.sources)
            .any(|(new, old_source)| {
                new.spec.id != old_source.spec.id
                    || definition(&layout, &new.spec.id) != definition(&old, &new.spec.id)
            });
    app.live = carried(&old, &app.live, &layout);
    app.layout = layout;
    app.schedule = Schedule::new(&app.layout, app.day());
    app.panel_focus = app
        .panel_focus
        .min(app.layout.panels.len().saturating_sub(1));
    let view = app.view;
    for v in [View::LaunchDay, View::Prelaunch, View::Expansion] {
        app.view = v;
        keep_selection_visible(app);
    }
    app.view = view;
    app.layout_error = None;
    tracing::info!(
        added,
        removed,
        sources_changed,
        layout = %app.layout.source,
        "layout reloaded"
    );
    if sources_changed {
        effects.push(Effect::RestartSources);
    }
    say(
        app,
        tf(app.lang, UiMsg::FlashLayoutReloaded, &[&added, &removed]),
        false,
    );
}

/// What the sources said, carried over by id for those defined as before; a panel's data
/// only when its sources are the same (else it fills on the next answer).
fn carried(old: &Layout, live: &Live, new: &Layout) -> Live {
    let mut next = Live::new(new);
    for (index, source) in new.sources.iter().enumerate() {
        let id = &source.spec.id;
        let same = definition(old, id) == definition(new, id);
        let before = old.source_index(id);
        if let (true, Some(i)) = (same, before) {
            next.sources[index] = live
                .sources
                .get(i)
                .cloned()
                .unwrap_or_else(SourceState::default);
        }
    }
    for (index, panel) in new.panels.iter().enumerate() {
        let before = old.panels.iter().position(|p| {
            p.id == panel.id
                && p.sources == panel.sources
                && format!("{:?}", p.kind) == format!("{:?}", panel.kind)
                && panel
                    .sources
                    .iter()
                    .all(|s| definition(old, s) == definition(new, s))
        });
        if let Some(i) = before {
            next.panels[index] = live.panels.get(i).cloned().flatten();
        }
    }
    next
}
