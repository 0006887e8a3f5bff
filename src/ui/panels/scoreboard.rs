//! Success criteria, live: each target of the chosen week with the measured value, the target
//! and pass / fail, as `judge` says; a target with no reading says "no data", one that nothing
//! measures says "not live", and a reading older than its source's freshness shows its age.
//! Freshness is the panels' one rule (three intervals on the launch's clock, which a rehearsal
//! runs faster), so a row is never "stale" under a corner that says "ok · 5 s ago".

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::measures::Live;
use crate::i18n::{self, Msg, tf};
use crate::judge::{self, Bindings, Judged, Verdict};
use crate::layout::{Panel, PanelKind, Target};
use crate::sources::units::{self, Unit};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right, width};

/// A target as the panel shows it: judged, and whether its reading is too old to judge.
struct Row<'a> {
    judged: Judged<'a>,
    stale: bool,
}

fn rows<'a>(app: &App, panel: &Panel, targets: &'a [Target]) -> Vec<Row<'a>> {
    let PanelKind::Criteria { week, bind } = &panel.kind else {
        return Vec::new();
    };
    // This panel's own week and bindings, judged as the report judges them.
    let bindings = Bindings {
        week: *week,
        criteria: bind.clone(),
        ..Bindings::of(&app.layout)
    };
    let measures = Live(app);
    targets
        .iter()
        .map(|t| {
            let judged = judge::judge(t, &bindings, &measures, app.now);
            let stale = judged.reading.source.as_deref().is_some_and(|s| {
                app.layout
                    .source_index(s)
                    .and_then(|i| Some((app.live.sources.get(i)?, &app.layout.sources[i])))
                    .is_some_and(|(state, d)| state.is_stale(app.now, app.interval(d)))
            });
            Row { judged, stale }
        })
        .collect()
}

fn week<'a>(app: &'a App, panel: &Panel) -> Option<&'a [Target]> {
    let PanelKind::Criteria { week, .. } = &panel.kind else {
        return None;
    };
    app.layout
        .criteria
        .iter()
        .find(|w| w.week == *week)
        .map(|w| w.targets.as_slice())
}

/// Do all the targets read now pass? `None` when none can be judged (no data, stale, not
/// measured): the strip's mark and the panel's agree.
pub fn on_target(app: &App, panel: &Panel) -> Option<bool> {
    let targets = week(app, panel)?;
    let verdicts: Vec<Verdict> = rows(app, panel, targets)
        .iter()
        .filter(|r| !r.stale)
        .map(|r| r.judged.verdict)
        .collect();
    if verdicts.contains(&Verdict::Fail) {
        Some(false)
    } else if verdicts.contains(&Verdict::Pass) {
        Some(true)
    } else {
        None
    }
}

/// A reading in its target's unit, as the other panels write it: "76.4 ms", "99.6 %", "4.4/5".
fn shown(value: f64, unit: Option<&str>) -> String {
    match unit.and_then(Unit::parse) {
        Some(unit) => units::precise(value, unit),
        None => match unit {
            Some(u) => format!("{} {u}", crate::words::number(value)),
            None => crate::words::number(value),
        },
    }
}

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Criteria { week: number, .. } = &panel.kind else {
        return Vec::new();
    };
    let Some(targets) = week(app, panel) else {
        return vec![Line::styled(
            tf(app.lang, Msg::ScoreNoWeek, &[number]),
            theme.dim(),
        )];
    };
    let lang = app.lang;
    let rows = rows(app, panel, targets);
    let cells: Vec<(String, String, String, ratatui::style::Style)> = rows
        .iter()
        .map(|row| {
            let t = row.judged.target;
            let value = row.judged.reading.value;
            let (value, verdict, style) = match (row.judged.verdict, value) {
                (Verdict::NotMeasured | Verdict::NotYetBegun, _) => (
                    i18n::t(lang, Msg::ScoreNotLive).to_string(),
                    String::new(),
                    theme.dim(),
                ),
                (Verdict::NoData, _) | (_, None) => (
                    i18n::t(lang, Msg::NoData).to_string(),
                    String::new(),
                    theme.dim(),
                ),
                // An old reading is shown as such, never judged as current.
                (_, Some(v)) if row.stale => (
                    shown(v, t.unit.as_deref()),
                    i18n::t(lang, Msg::ScoreStale).to_string(),
                    theme.dim(),
                ),
                (Verdict::Pass, Some(v)) => (
                    shown(v, t.unit.as_deref()),
                    theme.symbols.ok.to_string(),
                    theme.done(),
                ),
                (Verdict::Fail, Some(v)) => (
                    shown(v, t.unit.as_deref()),
                    theme.symbols.bad.to_string(),
                    theme.overdue(),
                ),
            };
            let threshold = if t.is_statement() {
                i18n::t(lang, Msg::CriteriaRequired).to_string()
            } else {
                t.threshold()
            };
            (value, threshold, verdict, style)
        })
        .collect();
    // Columns from what is there: numbers and verdicts whole, the names take what is left.
    let widest = |f: fn(&(String, String, String, ratatui::style::Style)) -> &String| {
        cells.iter().map(|c| width(f(c))).max().unwrap_or(0)
    };
    let (value_cols, threshold_cols, verdict_cols) =
        (widest(|c| &c.0), widest(|c| &c.1), widest(|c| &c.2));
    let name_want = targets
        .iter()
        .map(|t| width(t.text.get(lang)))
        .max()
        .unwrap_or(0);
    let numbers = value_cols + threshold_cols + verdict_cols + 3;
    let name_cols = name_want.min(cols.saturating_sub(numbers)).max(4);
    targets
        .iter()
        .zip(cells)
        .map(|(t, (value, threshold, verdict, style))| {
            Line::from(vec![
                Span::styled(fit(t.text.get(lang), name_cols), theme.text()),
                // Right-aligned by display width: `{:>9}` would count a CJK character as one.
                Span::styled(format!(" {}", fit_right(&value, value_cols)), style),
                Span::styled(
                    format!(" {}", fit_right(&threshold, threshold_cols)),
                    theme.dim(),
                ),
                Span::styled(format!(" {verdict}"), style),
            ])
        })
        .collect()
}
