//! Success criteria, live: each target of the chosen week with the measured value, the target
//! and pass / fail. Targets with no live measure say so rather than guess.

use ratatui::text::{Line, Span};

use crate::app::App;
use crate::i18n::{self, Msg, tf};
use crate::layout::{Comparison, Panel, PanelKind, Target, TargetValue, ValueRef};
use crate::ui::Theme;
use crate::ui::text::{fit, fit_right};

/// The live number a binding points at, in the target's unit.
pub fn measure(app: &App, r: &ValueRef) -> Option<f64> {
    let index = app
        .layout
        .sources
        .iter()
        .position(|s| s.spec.id == r.source)?;
    let state = &app.live.sources[index];
    let raw = if r.uptime {
        state.uptime()
    } else {
        match r.field.as_deref() {
            Some("completion_rate") => state.completion_rate(),
            Some(f) => state.field(f),
            None => state.value(),
        }
    }?;
    Some(raw * r.scale)
}

pub fn passes(target: &Target, value: f64) -> Option<bool> {
    let TargetValue::Number(goal) = target.value else {
        return None;
    };
    Some(match target.comparison {
        Comparison::Greater => value > goal,
        Comparison::GreaterOrEqual => value >= goal,
        Comparison::Less => value < goal,
        Comparison::LessOrEqual => value <= goal,
        Comparison::Equal => (value - goal).abs() < f64::EPSILON,
    })
}

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
    let name_cols = cols.saturating_sub(22).clamp(8, 26);
    targets
        .targets
        .iter()
        .map(|t| {
            let binding = bind
                .iter()
                .find(|(metric, _)| metric == &t.metric)
                .map(|(_, r)| r);
            let value = binding.and_then(|r| measure(app, r));
            let unit = t.unit.as_deref().unwrap_or("");
            let (shown, verdict, style) = match (binding, value) {
                (None, _) => (
                    i18n::t(app.lang, Msg::ScoreNotLive).to_string(),
                    String::new(),
                    theme.dim(),
                ),
                (Some(_), None) => ("–".to_string(), String::new(), theme.dim()),
                (Some(_), Some(v)) => match passes(t, v) {
                    Some(true) => (
                        format!("{v:.1}{unit}"),
                        format!(" {}", theme.symbols.done),
                        theme.done(),
                    ),
                    Some(false) => (
                        format!("{v:.1}{unit}"),
                        format!(" {}", theme.symbols.overdue),
                        theme.overdue(),
                    ),
                    None => (format!("{v:.1}"), String::new(), theme.text()),
                },
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
