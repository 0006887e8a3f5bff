//! The status update under review (`U`): the text as copied, in a box as wide as the screen
//! allows, wrapped and scrolled, with what was done (copied over OSC 52) and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use super::text::{fit, truncate, wrap};
use crate::app::{App, Mode};
use crate::i18n::{Msg, t};

/// Wide enough for a chat line, narrower than a 200-column war-room screen.
const MAX_WIDTH: u16 = 110;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (Mode::Update { scroll }, Some(text)) = (&app.mode, &app.update_text) else {
        return;
    };
    let box_width = area.width.min(MAX_WIDTH);
    if box_width < 12 || area.height < 5 {
        return;
    }
    let cols = box_width.saturating_sub(4) as usize;
    let lang = app.lang;
    // Each line of the update wrapped on its own; a scroll step is one line of the update.
    let wrapped: Vec<Vec<String>> = text.lines().map(|l| wrap_line(l, cols)).collect();
    let footer = [
        wrap(t(lang, Msg::UpdateCopied), cols),
        wrap(t(lang, Msg::UpdateKeys), cols),
    ]
    .concat();
    let room = area.height.saturating_sub(2 + 1) as usize;
    let body_rows = room.saturating_sub(footer.len()).max(1);
    let mut body: Vec<Line> = Vec::new();
    for line in wrapped.iter().skip(*scroll).flatten() {
        if body.len() == body_rows {
            break;
        }
        body.push(Line::styled(format!(" {} ", fit(line, cols)), theme.text()));
    }
    let mut lines = body;
    lines.push(Line::raw(""));
    for (i, l) in footer.iter().enumerate() {
        let style = if i + 1 == footer.len() {
            theme.key()
        } else {
            theme.dim()
        };
        lines.push(Line::styled(format!(" {} ", fit(l, cols)), style));
    }
    lines.truncate(area.height.saturating_sub(2) as usize);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - box_width) / 2,
        y: area.y + (area.height - height) / 2,
        width: box_width,
        height,
    };
    super::clear(frame, popup);
    let position = format!(" {}/{} ", scroll + 1, wrapped.len().max(1));
    let block = theme
        .block()
        .border_style(theme.border_focus())
        .title(Span::styled(
            truncate(t(lang, Msg::UpdateTitle), cols),
            theme.title(),
        ))
        .title_bottom(Line::from(Span::styled(position, theme.dim())).right_aligned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A line of the update wrapped to `cols`, its indent kept on the lines it continues onto.
fn wrap_line(line: &str, cols: usize) -> Vec<String> {
    let indent = line.len() - line.trim_start().len();
    let lead = &line[..indent];
    let rest = wrap(line.trim_start(), cols.saturating_sub(indent).max(8));
    if rest.is_empty() {
        return vec![String::new()];
    }
    rest.into_iter().map(|l| format!("{lead}{l}")).collect()
}
