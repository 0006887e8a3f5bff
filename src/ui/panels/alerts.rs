//! Alerts and event log: open alerts first (with whom to call), then everything that
//! happened — alerts raised, acknowledged and cleared, ticks and notes — newest first.

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::i18n::{Msg, age, t, tf};
use crate::sources::Health;
use crate::store::{Change, WARROOM};
use crate::ui::text::truncate;
use crate::ui::{Theme, launch_hm};
use crate::words;

/// "DevOps Lead +886-9XX-XXX-XXX" for the contacts a source names.
fn whom_to_call(app: &App, source: &str) -> Option<String> {
    let spec = &app
        .layout
        .sources
        .iter()
        .find(|s| s.spec.id == source)?
        .spec;
    let people: Vec<String> = spec
        .notify
        .iter()
        .filter_map(|id| {
            app.layout
                .contacts
                .iter()
                .flat_map(|g| &g.people)
                .find(|p| &p.id == id)
        })
        .map(|p| {
            format!(
                "{} {}",
                p.role.get(app.lang),
                p.phone.as_deref().or(p.reference.as_deref()).unwrap_or("")
            )
        })
        .collect();
    (!people.is_empty()).then(|| people.join(", "))
}

pub fn lines<'a>(app: &App, theme: &Theme, cols: usize, rows: usize) -> Vec<Line<'a>> {
    let lang = app.lang;
    let mut lines = Vec::new();
    for alert in app.ledger.alerts().iter().rev().filter(|a| a.is_open()) {
        let style = if alert.is_critical() {
            theme.overdue()
        } else {
            theme.saving()
        };
        let title = app.source_title(&alert.source);
        let state = match &alert.ack {
            Some((who, _, why)) => tf(lang, Msg::AlertAck, &[who, why]),
            None => t(lang, Msg::AlertPressA).into(),
        };
        // The value now, as the latest poll read it; the logged one while the source is ok
        // again (about to clear) or has not answered since a restart.
        let now = app
            .layout
            .sources
            .iter()
            .position(|s| s.spec.id == alert.source)
            .and_then(|i| app.live.sources.get(i))
            .filter(|s| s.health.is_some_and(|h| h != Health::Ok))
            .and_then(|s| s.reason.as_ref())
            .map_or_else(|| alert.failure.clone(), crate::sources::Failure::from);
        let head = format!(
            "{} {} {} {} · {} · {}",
            theme.symbols.overdue,
            launch_hm(app, alert.raised_at),
            words::health(lang, Some(alert.severity)),
            title,
            age(lang, app.now - alert.raised_at),
            words::failure(lang, &now)
        );
        lines.push(Line::styled(truncate(&head, cols), style));
        lines.push(Line::styled(
            truncate(&format!("  {state}"), cols),
            theme.dim(),
        ));
        if let Some(call) = whom_to_call(app, &alert.source) {
            lines.push(Line::styled(
                truncate(&tf(lang, Msg::AlertCall, &[&call]), cols),
                theme.key(),
            ));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            tf(lang, Msg::AlertNone, &[&theme.symbols.done]),
            theme.done(),
        ));
    }
    for stored in app.ledger.events().iter().rev() {
        if lines.len() >= rows {
            break;
        }
        let e = &stored.event;
        let about = match (&e.change, e.change.alert_source(), e.item.as_deref()) {
            (Change::Evidence(_) | Change::Undo { .. }, _, _) => continue,
            (_, Some(source), _) => app.source_title(source),
            (_, None, Some(item)) => app
                .item_text(item)
                .map_or_else(|| item.to_string(), |t| t.get(lang).to_string()),
            _ => String::new(),
        };
        let style = match &e.change {
            Change::AlertRaised { .. } => theme.overdue(),
            Change::AlertSeverity { from, to, .. } if to > from => theme.overdue(),
            Change::AlertCleared { .. } | Change::AlertSeverity { .. } => theme.done(),
            _ => theme.dim(),
        };
        let detail = words::detail(lang, &e.change, |id| app.source_title(id));
        // Alerts are the system's, also in logs an older warroom wrote under the operator.
        let who = if e.change.is_system() {
            WARROOM
        } else {
            &e.operator
        };
        let verb = words::verb(lang, &e.change);
        let text = if detail.is_empty() {
            format!("{} {who} {} {}", launch_hm(app, e.at), verb, about)
        } else {
            format!(
                "{} {who} {} {} — {detail}",
                launch_hm(app, e.at),
                verb,
                about
            )
        };
        lines.push(Line::from(Span::styled(truncate(&text, cols), style)));
    }
    lines
}
