//! Service health: one row per service — status, latency, since when. Names get the columns
//! they need (up to what the status and latency leave); a reason or an error that does not
//! fit goes on to the lines below while the panel has rows to spare, and is cut with `…` only
//! when it has none (the panel full size, in view 8, has them).

use ratatui::text::{Line, Span};

use super::{health_word, no_data, sources, status_style};
use crate::app::App;
use crate::i18n::{Msg, tf};
use crate::layout::Panel;
use crate::sources::Status;
use crate::ui::text::{fit, fit_right, truncate, width, wrap};
use crate::ui::{Theme, launch_hm};

/// Columns of the status word and the latency.
const WORD: usize = 9;
const LATENCY: usize = 8;
/// The fewest columns worth giving a reason on the row itself.
const MIN_TAIL: usize = 12;

/// One service: the row's spans up to its tail, the tail, and the tail's style.
struct Row<'a> {
    head: Vec<Span<'a>>,
    tail: String,
    /// The tail without what can go when rows run short ("since 09:30").
    short: String,
    tail_style: ratatui::style::Style,
}

pub fn lines<'a>(
    app: &App,
    theme: &Theme,
    panel: &Panel,
    cols: usize,
    rows_available: usize,
) -> Vec<Line<'a>> {
    let lang = app.lang;
    let mut list = sources(app, panel);
    let mark_cols = [theme.symbols.ok, theme.symbols.bad, theme.symbols.none]
        .iter()
        .map(|s| width(s))
        .max()
        .unwrap_or(1);
    let longest = list
        .iter()
        .map(|(s, _)| width(s.title.get(lang)))
        .max()
        .unwrap_or(8);
    let fixed = mark_cols + 1 + 1 + WORD + LATENCY + 1;
    let name_cols = longest
        .min(cols.saturating_sub(fixed + MIN_TAIL))
        .max(longest.min(8));
    // More services than rows: those that are not ok come first and a last line counts the
    // rest, so no trouble is ever below the fold, and only the rows shown are made (a thousand
    // sources made every frame were most of its cost). When all fit: layout order.
    let mut hidden = None;
    if list.len() > rows_available.max(1) {
        let mut ranked: Vec<_> = list
            .into_iter()
            .map(|entry| (entry.1.status(app.now, app.interval(entry.0)), entry))
            .collect();
        // Stable: layout order within a status.
        ranked.sort_by_key(|(status, _)| std::cmp::Reverse(*status));
        let rest = ranked.split_off(rows_available.saturating_sub(1));
        let ok = rest.iter().filter(|(s, _)| *s == Status::Ok).count();
        hidden = Some((rest.len(), ok));
        list = ranked.into_iter().map(|(_, entry)| entry).collect();
    }
    let rows_available = rows_available.saturating_sub(usize::from(hidden.is_some()));
    let rows: Vec<Row> = list
        .into_iter()
        .map(|(source, state)| {
            let interval = app.interval(source);
            let status = state.status(app.now, interval);
            let style = status_style(theme, status);
            let mark = match status {
                Status::Ok => theme.symbols.ok,
                Status::Warn | Status::Critical => theme.symbols.bad,
                Status::NoData => theme.symbols.none,
            };
            let mut head = vec![
                Span::styled(fit(mark, mark_cols), style),
                Span::raw(" "),
                Span::styled(fit(source.title.get(lang), name_cols), theme.text()),
                Span::raw(" "),
            ];
            if let Some(why) = no_data(lang, source, state) {
                let tail_style = if source.missing_env.is_empty() {
                    theme.overdue()
                } else {
                    theme.dim()
                };
                return Row {
                    head,
                    short: why.clone(),
                    tail: why,
                    tail_style,
                };
            }
            // An answer too old to stand for now: its age, not its word.
            if state.is_stale(app.now, interval) {
                let at = state
                    .answered_at()
                    .map_or(String::new(), |at| crate::i18n::age(lang, app.now - at));
                let tail = tf(lang, Msg::FreshStaleFor, &[&at]);
                return Row {
                    head,
                    short: tail.clone(),
                    tail,
                    tail_style: theme.dim(),
                };
            }
            let latency = state.observation().map_or(String::new(), |o| {
                // To 10 ms: a health row is read against hundreds of ms, and single-digit
                // jitter would repaint it on every poll.
                let ms = o.elapsed.as_millis();
                let shown = if ms < 10 {
                    "<10".to_string()
                } else {
                    (ms / 10 * 10).to_string()
                };
                tf(lang, Msg::AgeMs, &[&shown])
            });
            let since = state.since.map_or(String::new(), |at| {
                tf(lang, Msg::HealthSince, &[&launch_hm(app, at)])
            });
            head.push(Span::styled(
                fit(health_word(lang, state.health), WORD),
                style,
            ));
            head.push(Span::styled(fit_right(&latency, LATENCY), theme.text()));
            head.push(Span::raw(" "));
            let (tail, short) = match &state.reason {
                Some(reason) => (format!("{reason} · {since}"), reason.to_string()),
                None => (since.clone(), since),
            };
            Row {
                head,
                tail,
                short,
                tail_style: theme.dim(),
            }
        })
        .collect();
    // Every service gets its row; the rows left over go to tails that do not fit, in order.
    let mut spare = rows_available.saturating_sub(rows.len());
    let mut out = Vec::new();
    for row in rows {
        let used: usize = row.head.iter().map(|s| width(&s.content)).sum();
        let room = cols.saturating_sub(used).max(1);
        let mut parts = wrap(&row.tail, room);
        // Out of rows: the reason without its "since", before anything is cut.
        if parts.len() > spare + 1 {
            parts = wrap(&row.short, room);
        }
        let extra = parts.len().saturating_sub(1).min(spare);
        spare -= extra;
        if parts.len() > extra + 1 {
            // Out of rows: the last line shown ends in `…`; view 8 shows it whole.
            let rest = parts[extra..].join(" ");
            parts.truncate(extra);
            parts.push(truncate(&rest, room));
        }
        let mut head = row.head;
        let mut parts = parts.into_iter();
        head.push(Span::styled(
            parts.next().unwrap_or_default(),
            row.tail_style,
        ));
        out.push(Line::from(head));
        for part in parts {
            out.push(Line::from(vec![
                Span::raw(" ".repeat(used)),
                Span::styled(part, row.tail_style),
            ]));
        }
    }
    if let Some((count, ok)) = hidden {
        let text = if ok == count {
            tf(lang, Msg::HealthMoreAllOk, &[&count.to_string()])
        } else {
            tf(
                lang,
                Msg::HealthMore,
                &[
                    &count.to_string(),
                    &ok.to_string(),
                    &(count - ok).to_string(),
                ],
            )
        };
        out.push(Line::from(Span::styled(truncate(&text, cols), theme.dim())));
    }
    out
}
