//! Alerts and event log: open alerts first — with the value now, who is on it and whom to
//! call, each wrapped onto as many lines as it needs so that no number or phone is cut — then
//! everything that happened, newest first, one line each (the audit view has them whole).
//! In the live view ↑↓ move the cursor along the open alerts; `a` acknowledges the one it is on.

use ratatui::text::Line;

use crate::app::{App, View};
use crate::i18n::{Msg, age, t, tf};
use crate::sources::Health;
use crate::store::{Change, WARROOM};
use crate::ui::text::{width, wrap};
use crate::ui::{Theme, launch_hm};
use crate::words;

/// "DevOps Lead +886-9XX-XXX-XXX" for each contact a source names.
fn whom_to_call(app: &App, source: &str) -> Vec<String> {
    let Some(spec) = app.layout.source(source).map(|s| &s.spec) else {
        return Vec::new();
    };
    spec.notify
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
        .collect()
}

/// `text` wrapped to `cols`, every line after the first indented by `indent` columns.
fn hanging(text: &str, cols: usize, indent: usize) -> Vec<String> {
    let first = wrap(text, cols);
    let Some(head) = first.first().cloned() else {
        return Vec::new();
    };
    let rest = text[..]
        .strip_prefix(head.as_str())
        .unwrap_or("")
        .trim_start();
    let mut out = vec![head];
    if !rest.is_empty() {
        let pad = " ".repeat(indent);
        out.extend(
            wrap(rest, cols.saturating_sub(indent).max(1))
                .into_iter()
                .map(|l| format!("{pad}{l}")),
        );
    }
    out
}

/// The open alerts that fit in `rows`, whole, around the one the cursor is on; when some do
/// not fit, the last row says how many more there are (↑↓ reach them).
fn open_window<'a>(
    app: &App,
    entries: Vec<(Vec<Line<'a>>, bool)>,
    cols: usize,
    rows: usize,
) -> Vec<Line<'a>> {
    let total: usize = entries.iter().map(|(l, _)| l.len()).sum();
    if total <= rows {
        return entries.into_iter().flat_map(|(l, _)| l).collect();
    }
    let room = rows.saturating_sub(1);
    let chosen = entries.iter().position(|(_, c)| *c).unwrap_or(0);
    // From the chosen one back as far as still fits, then forward.
    let mut first = chosen;
    let mut used = entries[chosen].0.len();
    while first > 0 && used + entries[first - 1].0.len() <= room {
        first -= 1;
        used += entries[first].0.len();
    }
    let mut last = chosen;
    while last + 1 < entries.len() && used + entries[last + 1].0.len() <= room {
        last += 1;
        used += entries[last].0.len();
    }
    let hidden = entries.len() - (last + 1 - first);
    let mut out: Vec<Line<'a>> = entries
        .into_iter()
        .skip(first)
        .take(last + 1 - first)
        .flat_map(|(l, _)| l)
        .take(room)
        .collect();
    if hidden > 0 {
        let text = tf(app.lang, Msg::AlertsMore, &[&hidden]);
        out.push(Line::raw(crate::ui::text::truncate(&text, cols)));
    }
    out
}

pub fn lines<'a>(app: &App, theme: &Theme, cols: usize, rows: usize) -> Vec<Line<'a>> {
    let lang = app.lang;
    let choosing = app.view == View::Live;
    let chosen = app.alert_to_acknowledge();
    // Each open alert's lines, whole, and which is the one the cursor is on.
    let mut entries: Vec<(Vec<Line<'a>>, bool)> = Vec::new();
    for alert in app.open_alerts() {
        let mut lines: Vec<Line<'a>> = Vec::new();
        let style = if alert.is_critical() {
            theme.overdue()
        } else {
            theme.saving()
        };
        let title = app.source_title(&alert.source);
        let state = match &alert.ack {
            Some((who, _, why)) => tf(lang, Msg::AlertAck, &[who, why]),
            // The wall cannot acknowledge: it says that nobody has, not which key to press.
            None if app.wall.is_some() => t(lang, Msg::WallNobodyOnIt).into(),
            None => t(lang, Msg::AlertPressA).into(),
        };
        // The value now, as the latest poll read it; the logged one while the source is ok
        // again (about to clear) or has not answered since a restart.
        let now = app
            .layout
            .source_index(&alert.source)
            .and_then(|i| app.live.sources.get(i))
            .filter(|s| s.health.is_some_and(|h| h != Health::Ok))
            .and_then(|s| s.reason.as_ref())
            .map_or_else(|| alert.failure.clone(), crate::sources::Failure::from);
        let is_chosen = choosing && chosen.as_deref() == Some(alert.source.as_str());
        let mark = if is_chosen {
            theme.symbols.cursor
        } else {
            theme.symbols.bad
        };
        let head = format!(
            "{mark} {} {} {} · {} · {}",
            launch_hm(app, alert.raised_at),
            words::health(lang, Some(alert.severity)),
            title,
            age(lang, app.now - alert.raised_at),
            words::failure(lang, &now)
        );
        let head_style = if is_chosen {
            style.patch(theme.selected())
        } else {
            style
        };
        for l in hanging(&head, cols, 2) {
            lines.push(Line::styled(l, head_style));
        }
        for l in hanging(&format!("  {state}"), cols, 4) {
            lines.push(Line::styled(l, theme.dim()));
        }
        let call = whom_to_call(app, &alert.source);
        if !call.is_empty() {
            let text = tf(lang, Msg::AlertCall, &[&call.join(", ")]);
            let indent = width(&tf(lang, Msg::AlertCall, &[&""]));
            for l in hanging(&text, cols, indent) {
                lines.push(Line::styled(l, theme.key()));
            }
        }
        entries.push((lines, is_chosen));
    }
    let mut lines = open_window(app, entries, cols, rows);
    if lines.is_empty() {
        lines.push(Line::styled(
            tf(lang, Msg::AlertNone, &[&theme.symbols.ok]),
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
        // Wrapped like the alerts above: a value cut off ("got…") tells nothing.
        // Whole events only: a first line without the rest would be a cut by another name.
        let parts = hanging(&text, cols, 6);
        if lines.len() + parts.len() > rows {
            break;
        }
        lines.extend(parts.into_iter().map(|l| Line::styled(l, style)));
    }
    lines
}
