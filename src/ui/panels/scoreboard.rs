//! Success criteria, live: each target of the chosen week with the measured value, the target
//! and pass / fail, as `judge` says; a target with no reading says "no data", one that nothing
//! measures says "not live", and a reading older than its source's freshness shows its age.

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::app::measures::Live;
use crate::i18n::{self, Msg, tf};
use crate::judge::{self, Bindings, Verdict};
use crate::layout::{Panel, PanelKind};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right};

pub fn lines<'a>(app: &App, theme: &Theme, panel: &Panel, cols: usize) -> Vec<Line<'a>> {
    let PanelKind::Criteria { week, bind } = &panel.kind else {
        return Vec::new();
    };
    let Some(targets) = app.layout.criteria.iter().find(|w| w.week == *week) else {
        return vec![Line::styled(
            tf(app.lang, Msg::ScoreNoWeek, &[week]),
            theme.dim(),
        )];
    };
    // This panel's own week and bindings, judged as the report judges them.
    let bindings = Bindings {
        week: *week,
        criteria: bind.clone(),
        ..Bindings::of(&app.layout)
    };
    let measures = Live(app);
    let name_cols = cols.saturating_sub(22).clamp(8, 26);
    targets
        .targets
        .iter()
        .map(|t| {
            let judged = judge::judge(t, &bindings, &measures, app.now);
            let unit = t.unit.as_deref().unwrap_or("");
            let value = judged.reading.value;
            let stale = judged.reading.source.as_deref().is_some_and(|s| {
                app.layout
                    .sources
                    .iter()
                    .position(|d| d.spec.id == s)
                    .and_then(|i| Some((app.live.sources.get(i)?, &app.layout.sources[i])))
                    .is_some_and(|(state, d)| state.is_stale(app.now, d.spec.interval))
            });
            let shown = |v: f64| format!("{v:.1}{unit}");
            let (shown, verdict, style) = match (judged.verdict, value) {
                (Verdict::NotMeasured | Verdict::NotYetBegun, _) => (
                    i18n::t(app.lang, Msg::ScoreNotLive).to_string(),
                    String::new(),
                    theme.dim(),
                ),
                (Verdict::NoData, _) | (_, None) => (
                    i18n::t(app.lang, Msg::NoData).to_string(),
                    String::new(),
                    theme.dim(),
                ),
                // An old reading is shown as such, never judged as current.
                (_, Some(v)) if stale => (
                    shown(v),
                    format!(" {}", i18n::t(app.lang, Msg::ScoreStale)),
                    theme.dim(),
                ),
                (Verdict::Pass, Some(v)) => {
                    (shown(v), format!(" {}", theme.symbols.done), theme.done())
                }
                (Verdict::Fail, Some(v)) => (
                    shown(v),
                    format!(" {}", theme.symbols.overdue),
                    theme.overdue(),
                ),
            };
            Line::from(vec![
                Span::styled(fit(t.text.get(app.lang), name_cols), theme.text()),
                // Right-aligned by display width: `{:>9}` would count a CJK character as one.
                Span::styled(format!(" {}", fit_right(&shown, 9)), style),
                Span::styled(
                    format!(
                        " {}",
                        fit_right(
                            &if t.is_statement() {
                                i18n::t(app.lang, Msg::CriteriaRequired).to_string()
                            } else {
                                t.threshold()
                            },
                            9
                        )
                    ),
                    theme.dim(),
                ),
                Span::styled(verdict, style),
            ])
        })
        .collect()
}
