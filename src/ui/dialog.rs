//! The dialogs: a skip's reason, a note, who is on an alert, "tick anyway?", and the notice
//! that there is nothing to type into. A box in the middle of the screen, opaque, sized to its
//! text; the question wraps instead of being cut, and the line of keys is always there, at every
//! size: when rows run short the question gives way first, never the keys or the input.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, truncate, width, wrap};
use super::{Theme, launch_hm};
use crate::app::{App, Mode, Prompt, PromptPurpose};
use crate::i18n::{Msg, t, tf};
use crate::sources::Status;

/// The widest a dialog gets: a line of text the eye takes in at once.
const MAX_WIDTH: u16 = 76;

/// What a dialog shows, before it is fitted to the screen.
struct Dialog {
    title: String,
    question: String,
    /// Alerts to choose from (acknowledging): their lines, and which is chosen.
    choices: Vec<(String, Style)>,
    chosen: Option<usize>,
    /// The text being typed (`None`: nothing to type).
    input: Option<String>,
    problem: Option<String>,
    keys: String,
    style: Style,
}

/// Draws the dialog of the current mode, if it has one.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = dialog(app, theme) else {
        return;
    };
    draw(frame, area, theme, dialog);
}

fn item_text(app: &App, id: &str) -> String {
    app.item_text(id)
        .map_or_else(|| id.to_string(), |t| t.get(app.lang).to_string())
}

fn dialog(app: &App, theme: &Theme) -> Option<Dialog> {
    let lang = app.lang;
    Some(match &app.mode {
        Mode::Prompt(Prompt {
            purpose,
            input,
            problem,
        }) => {
            let (title, question, keys) = match purpose {
                PromptPurpose::Search => return None,
                PromptPurpose::Skip { item } => (
                    Msg::DialogSkip,
                    tf(lang, Msg::PromptSkip, &[&item_text(app, item)]),
                    Msg::DialogKeys,
                ),
                PromptPurpose::Note { item } => (
                    Msg::DialogNote,
                    tf(lang, Msg::PromptNote, &[&item_text(app, item)]),
                    Msg::DialogKeys,
                ),
                PromptPurpose::Ack { source } => (
                    Msg::DialogAck,
                    tf(lang, Msg::PromptAck, &[&app.source_title(source)]),
                    Msg::DialogAckKeys,
                ),
                PromptPurpose::Announce => (
                    Msg::DialogAnnounce,
                    tf(
                        lang,
                        Msg::PromptAnnounce,
                        &[&crate::app::rules::MAX_ANNOUNCEMENT],
                    ),
                    Msg::DialogKeys,
                ),
                PromptPurpose::Sign { signoff } => (
                    Msg::DialogSign,
                    tf(lang, Msg::PromptSign, &[&item_text(app, signoff)]),
                    Msg::DialogKeys,
                ),
                PromptPurpose::Withdraw { signoff } => {
                    let log = app.pilot_ledger();
                    let name = log
                        .pilot()
                        .signature(signoff)
                        .map_or_else(String::new, |s| s.name.clone());
                    (
                        Msg::DialogWithdraw,
                        tf(
                            lang,
                            Msg::PromptWithdraw,
                            &[&item_text(app, signoff), &name],
                        ),
                        Msg::DialogKeys,
                    )
                }
                PromptPurpose::Judge { .. } => (
                    Msg::DialogJudge,
                    t(lang, Msg::PromptJudge).to_string(),
                    Msg::DialogJudgeKeys,
                ),
            };
            let (choices, chosen) = match purpose {
                PromptPurpose::Ack { source } => alert_choices(app, theme, source),
                PromptPurpose::Judge { choice } => judge_choices(app, theme, *choice),
                _ => (Vec::new(), None),
            };
            Dialog {
                title: t(lang, title).to_string(),
                question,
                choices,
                chosen,
                input: Some(input.clone()),
                problem: problem.clone(),
                keys: t(lang, keys).to_string(),
                style: theme.border_focus(),
            }
        }
        Mode::Confirm { item, why, status } => {
            let question = if *status == Status::NoData {
                Msg::ConfirmTickNoData
            } else {
                Msg::ConfirmTick
            };
            Dialog {
                title: t(lang, Msg::ConfirmTitle).to_string(),
                question: tf(lang, question, &[&item_text(app, item), why]),
                choices: Vec::new(),
                chosen: None,
                input: None,
                problem: None,
                keys: t(lang, Msg::ConfirmKeys).to_string(),
                style: if *status == Status::NoData {
                    theme.saving()
                } else {
                    theme.overdue()
                },
            }
        }
        Mode::Notice(text) => Dialog {
            title: t(lang, Msg::NoticeTitle).to_string(),
            question: text.clone(),
            choices: Vec::new(),
            chosen: None,
            input: None,
            problem: None,
            keys: t(lang, Msg::NoticeKeys).to_string(),
            style: theme.border_focus(),
        },
        Mode::Normal | Mode::Help | Mode::Detail | Mode::Update { .. } => return None,
    })
}

/// One line per open alert, newest first: "! 09:29 critical Google Maps · bob on it".
fn alert_choices(app: &App, theme: &Theme, chosen: &str) -> (Vec<(String, Style)>, Option<usize>) {
    let lang = app.lang;
    let open = app.open_alerts();
    let lines = open
        .iter()
        .map(|a| {
            let who = match &a.ack {
                Some((who, _, _)) => tf(lang, Msg::AckWho, &[who]),
                None => t(lang, Msg::AckNobody).to_string(),
            };
            let text = format!(
                "{} {} {} {} · {who}",
                theme.symbols.bad,
                launch_hm(app, a.raised_at),
                crate::words::health(lang, Some(a.severity)),
                app.source_title(&a.source),
            );
            let style = if a.is_critical() {
                theme.overdue()
            } else {
                theme.saving()
            };
            (text, style)
        })
        .collect();
    let index = open.iter().position(|a| a.source == chosen);
    (lines, index)
}

/// "✓ Week 2 · Feature adoption > 60 %: pass", for each target no source measures, each
/// verdict a line of its own.
fn judge_choices(app: &App, theme: &Theme, chosen: usize) -> (Vec<(String, Style)>, Option<usize>) {
    let lang = app.lang;
    let lines = app
        .judge_choices()
        .iter()
        .map(|(id, passed)| {
            let found = app
                .layout
                .criteria
                .iter()
                .find_map(|w| w.targets.iter().find(|t| t.id == *id).map(|t| (w, t)));
            let (week, target) = found.map_or_else(
                || (String::new(), id.clone()),
                |(w, t)| (w.title.get(lang).to_string(), t.text.get(lang).to_string()),
            );
            let (mark, verdict, style) = if *passed {
                (theme.symbols.done, Msg::RptPass, theme.done())
            } else {
                (theme.symbols.bad, Msg::RptFail, theme.overdue())
            };
            let text = tf(lang, Msg::JudgeChoice, &[&week, &target, &t(lang, verdict)]);
            (format!("{mark} {text}"), style)
        })
        .collect();
    (lines, Some(chosen))
}

/// The last `rows` lines of `text` wrapped to `cols`: where the typing happens stays in view.
fn input_lines(text: &str, cols: usize, rows: usize) -> Vec<String> {
    let mut lines = if text.is_empty() {
        vec![String::new()]
    } else {
        wrap_keeping_spaces(text, cols)
    };
    // The cursor goes after the last character: a full last line needs a fresh one.
    if lines.last().is_some_and(|l| width(l) >= cols) {
        lines.push(String::new());
    }
    let skip = lines.len().saturating_sub(rows.max(1));
    lines.split_off(skip)
}

/// Wraps typed text by columns only: what was typed is shown as typed, spaces included.
fn wrap_keeping_spaces(text: &str, cols: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]));
        if used + w > cols {
            lines.push(String::new());
            used = 0;
        }
        if let Some(last) = lines.last_mut() {
            last.push(c);
        }
        used += w;
    }
    lines
}

fn draw(frame: &mut Frame, area: Rect, theme: &Theme, dialog: Dialog) {
    let box_width = area.width.min(MAX_WIDTH);
    if box_width < 8 || area.height < 3 {
        return;
    }
    // One column of margin inside the border on each side.
    let cols = box_width.saturating_sub(4) as usize;
    let keys = wrap(&dialog.keys, cols);
    let mut question = wrap(&dialog.question, cols);
    let problem = dialog
        .problem
        .as_deref()
        .map(|p| wrap(p, cols))
        .unwrap_or_default();
    const PROMPT: &str = "> ";
    let input_cols = cols.saturating_sub(width(PROMPT)).max(1);
    let typed = dialog.input.as_deref().unwrap_or("");
    let want_input = dialog.input.as_ref().map_or(0, |_| {
        input_lines(typed, input_cols, usize::MAX).len().min(3)
    });

    // What must show, in this order: the keys, the input's last line, a line of the question,
    // the chosen alert. Then, as rows allow: the rest of the question, the problem, more of
    // the input, the other alerts, and blank lines between the parts.
    let mut left = area.height.saturating_sub(2) as usize;
    let mut take = |n: usize| {
        let got = n.min(left);
        left -= got;
        got
    };
    let key_rows = take(keys.len());
    let mut input_rows = take(want_input.min(1));
    let mut question_rows = take(question.len().min(1));
    let mut choice_rows = take(dialog.choices.len().min(1));
    question_rows += take(question.len() - question_rows);
    let problem_rows = take(problem.len());
    input_rows += take(want_input - input_rows);
    choice_rows += take(dialog.choices.len() - choice_rows);
    let gaps = [
        !dialog.choices.is_empty(),
        dialog.input.is_some(),
        !problem.is_empty(),
        true,
    ];
    let mut gap_rows = take(gaps.iter().filter(|g| **g).count());
    if question.len() > question_rows {
        question.truncate(question_rows);
        if let Some(last) = question.last_mut() {
            *last = truncate(&format!("{last} …"), cols);
        }
    }

    let mut lines: Vec<Line> = Vec::new();
    let pad = |s: &str| format!(" {} ", fit(s, cols));
    let mut gap = |lines: &mut Vec<Line>, wanted: bool| {
        if wanted && gap_rows > 0 {
            lines.push(Line::raw(""));
            gap_rows -= 1;
        }
    };
    for l in &question {
        lines.push(Line::styled(pad(l), theme.text()));
    }
    gap(&mut lines, gaps[0]);
    if choice_rows > 0 {
        let chosen = dialog.chosen.unwrap_or(0);
        // The chosen alert stays in view however few rows there are.
        let first = (chosen + 1)
            .saturating_sub(choice_rows)
            .min(dialog.choices.len() - choice_rows);
        for (i, (text, style)) in dialog
            .choices
            .iter()
            .enumerate()
            .skip(first)
            .take(choice_rows)
        {
            let is_chosen = Some(i) == dialog.chosen;
            let mark = if is_chosen { theme.symbols.cursor } else { " " };
            let style = if is_chosen {
                style.patch(theme.selected())
            } else {
                *style
            };
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled(fit(&format!("{mark} {text}"), cols), style),
                Span::raw(" "),
            ]));
        }
    }
    gap(&mut lines, gaps[1]);
    let mut cursor = None;
    if dialog.input.is_some() && input_rows > 0 {
        let shown = input_lines(typed, input_cols, input_rows);
        let last = shown.len().saturating_sub(1);
        for (i, l) in shown.into_iter().enumerate() {
            let lead = if i == 0 { PROMPT } else { "  " };
            if i == last {
                cursor = Some((lines.len(), width(lead) + width(&l)));
            }
            lines.push(Line::from(vec![
                Span::raw(" "),
                Span::styled(lead, theme.key()),
                Span::styled(fit(&l, input_cols), theme.title()),
                Span::raw(" "),
            ]));
        }
    }
    gap(&mut lines, gaps[2]);
    for l in problem.iter().take(problem_rows) {
        lines.push(Line::styled(pad(l), theme.overdue()));
    }
    gap(&mut lines, gaps[3]);
    for l in keys.iter().take(key_rows) {
        lines.push(Line::styled(pad(l), theme.key()));
    }

    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - box_width) / 2,
        y: area.y + (area.height - height) / 2,
        width: box_width,
        height,
    };
    // A column of blank around the box, so the screen behind does not crowd its border.
    let margin = Rect {
        x: popup.x.saturating_sub(1).max(area.x),
        width: (popup.width + 2).min(area.width),
        ..popup
    };
    super::clear(frame, margin);
    let block = theme.block().border_style(dialog.style).title(Span::styled(
        truncate(&dialog.title, box_width.saturating_sub(2) as usize),
        dialog.style.patch(theme.title()),
    ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, col)) = cursor {
        frame.set_cursor_position(Position {
            x: (inner.x + 1 + col as u16).min(inner.right().saturating_sub(1)),
            y: inner.y + row as u16,
        });
    }
}
