//! Fitting text into columns by display width: CJK characters take two columns, and nothing
//! is ever cut in the middle of a character or without an ellipsis.

use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, StyledGrapheme, Text};
use ratatui::widgets::Widget;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns; a cut is marked with "…".
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut cut_mid_word = false;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            cut_mid_word = !g.trim().is_empty() && !out.ends_with(' ');
            break;
        }
        out.push_str(g);
        used += w;
    }
    // A word cut in half reads worse than a word left out: drop the fragment when it is short.
    if cut_mid_word
        && let Some(space) = out.rfind(' ')
        && space > 0
        && width(&out[space..]) <= 8
    {
        out.truncate(space);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    out
}

/// Signs that belong to the number before them: "6.40 %" and "200 ms" never break in two.
const UNITS: &[&str] = &["%", "ms", "s", "min", "h", "day", "days", "°C"];
/// Words that belong to the number after them: "got 503", "< 5 %", "實測 503".
const LEADS: &[&str] = &[
    "got",
    "<",
    ">",
    "<=",
    ">=",
    "==",
    "≤",
    "≥",
    "實測",
    "：實測",
];

/// What wrapping keeps together: a run of characters without spaces ("+886-9XX-XXX-XXX",
/// "value<5%"), a number with its unit, a single space; each CJK character stands alone, since
/// CJK text breaks between any two.
fn atoms(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for g in s.graphemes(true) {
        if g == " " || width(g) > 1 {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(g.to_string());
        } else {
            word.push_str(g);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    // Glue a unit to its number (["6.40", " ", "%"] → ["6.40 %"]) and a number to what
    // reads it (["got", " ", "503"] → ["got 503"]).
    let mut glued: Vec<String> = Vec::with_capacity(out.len());
    for atom in out {
        let n = glued.len();
        let spaced = n >= 2 && glued[n - 1] == " ";
        let before = if spaced { glued[n - 2].as_str() } else { "" };
        let unit = before.chars().last().is_some_and(|c| c.is_ascii_digit())
            && UNITS.contains(&atom.as_str());
        let lead = LEADS.iter().any(|l| before.ends_with(l))
            && atom
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+');
        if spaced && (unit || lead) {
            glued.pop();
            if let Some(word) = glued.last_mut() {
                word.push(' ');
                word.push_str(&atom);
            }
        } else {
            glued.push(atom);
        }
    }
    glued
}

/// `s` broken into lines of at most `cols` columns, at spaces (and between CJK characters),
/// never inside a word, a phone number or a number and its unit unless that alone is wider
/// than a line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for atom in atoms(s) {
        let w = width(&atom);
        if line_width + w > cols && !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
            line_width = 0;
        }
        if line_width == 0 && atom == " " && !lines.is_empty() {
            // A line does not start with the space it was broken at.
            continue;
        }
        if w > cols {
            for g in atom.graphemes(true) {
                let gw = width(g);
                if line_width + gw > cols {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push_str(g);
                line_width += gw;
            }
        } else {
            line.push_str(&atom);
            line_width += w;
        }
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// `s` padded with spaces (or truncated) to exactly `cols` columns.
pub fn fit(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let pad = cols.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

/// `s` right-aligned in `cols` columns.
pub fn fit_right(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let pad = cols.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// Lines drawn one to a row, cut at the right edge, each at its own alignment: what
/// [`ratatui::widgets::Paragraph`] draws without wrap, scroll or style, cell for cell, but
/// without first styling every cell of its area with its (empty) style. That pass is a call
/// per cell; on a 200x60 screen of ten such areas it was a sixth of a frame.
pub struct Rows<'a> {
    text: Text<'a>,
}

impl<'a> Rows<'a> {
    pub fn new(text: impl Into<Text<'a>>) -> Self {
        Self { text: text.into() }
    }
}

impl Widget for Rows<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        let max = area.width;
        let mut row: Vec<StyledGrapheme> = Vec::new();
        for (line, y) in self.text.lines.iter().zip(area.top()..area.bottom()) {
            // As Paragraph's truncation: a grapheme wider than the area is left out, and the
            // line ends at the first one that would cross the edge.
            row.clear();
            let mut used: u16 = 0;
            for g in line.styled_graphemes(self.text.style) {
                let w = g.symbol.cell_width();
                if w > max {
                    continue;
                }
                if used.saturating_add(w) > max {
                    break;
                }
                used += w;
                row.push(g);
            }
            let alignment = line.alignment.or(self.text.alignment);
            let mut x = match alignment.unwrap_or(Alignment::Left) {
                Alignment::Left => 0,
                Alignment::Center => (max / 2).saturating_sub(used / 2),
                Alignment::Right => max.saturating_sub(used),
            };
            for StyledGrapheme { symbol, style } in &row {
                let w = symbol.cell_width();
                if w == 0 {
                    continue;
                }
                let symbol = if symbol.is_empty() { " " } else { symbol };
                if let Some(cell) = buf.cell_mut((area.left() + x, y)) {
                    cell.set_symbol(symbol).set_style(*style);
                }
                x += w;
            }
        }
    }
}

/// A box with a title at its top left: what a [`ratatui::widgets::Block`] with all borders
/// and one left-aligned title draws, cell for cell, without first styling every cell of its
/// area with its (empty) style. For the panes that fill the screen that pass was a tenth of
/// an idle warroom's CPU: it touches every cell of the pane, every frame, to change nothing.
pub struct Bordered<'a> {
    set: border::Set<'static>,
    style: Style,
    title: Line<'a>,
}

impl<'a> Bordered<'a> {
    pub fn new(set: border::Set<'static>, style: Style, title: impl Into<Line<'a>>) -> Self {
        Self {
            set,
            style,
            title: title.into(),
        }
    }

    /// The area inside the border, as [`ratatui::widgets::Block::inner`] gives it.
    pub fn inner(&self, area: Rect) -> Rect {
        let mut inner = area;
        inner.x = inner.x.saturating_add(1).min(inner.right());
        inner.width = inner.width.saturating_sub(1);
        inner.y = inner.y.saturating_add(1).min(inner.bottom());
        inner.height = inner.height.saturating_sub(1);
        inner.width = inner.width.saturating_sub(1);
        inner.height = inner.height.saturating_sub(1);
        inner
    }
}

impl Widget for Bordered<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (left, top) = (area.left(), area.top());
        let right = area.right().saturating_sub(1);
        let bottom = area.bottom().saturating_sub(1);
        // Block's order: the sides, then the corners over them, then the title.
        let sides = [
            (left..=left, top..=bottom, self.set.vertical_left),
            (left..=right, top..=top, self.set.horizontal_top),
            (right..=right, top..=bottom, self.set.vertical_right),
            (left..=right, bottom..=bottom, self.set.horizontal_bottom),
        ];
        for (xs, ys, symbol) in sides {
            for x in xs {
                for y in ys.clone() {
                    buf[(x, y)].set_symbol(symbol).set_style(self.style);
                }
            }
        }
        for (x, y, symbol) in [
            (right, bottom, self.set.bottom_right),
            (right, top, self.set.top_right),
            (left, bottom, self.set.bottom_left),
            (left, top, self.set.top_left),
        ] {
            buf[(x, y)].set_symbol(symbol).set_style(self.style);
        }
        let room = area.width.saturating_sub(2);
        if room > 0 {
            let width = u16::try_from(self.title.width()).unwrap_or(u16::MAX);
            let title = Rect {
                x: left.saturating_add(1),
                y: top,
                width: width.min(room),
                height: 1,
            };
            self.title.render(title, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bordered is Block with all borders and one title, minus the style pass: the same
    /// cells, symbols and styles, at every size from nothing to a screen, for plain and ASCII
    /// borders, titles short, long, wide (CJK) and styled.
    #[test]
    fn bordered_draws_what_a_block_draws() {
        use ratatui::style::{Color, Modifier};
        use ratatui::text::Span;
        use ratatui::widgets::{Block, Borders};
        let ascii = crate::ui::theme::ASCII_BORDER;
        let styles = [
            Style::new(),
            Style::new().fg(Color::Cyan),
            Style::new()
                .fg(Color::Indexed(245))
                .add_modifier(Modifier::BOLD),
        ];
        let titles: Vec<Line<'static>> = vec![
            Line::from(""),
            Line::from("Timeline"),
            Line::from("Checklist — all items, 3 of 45 done, search: gas"),
            Line::from("清單：全部項目"),
            Line::from(Span::styled(
                " Health ",
                Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            )),
        ];
        let sizes = (0..=6u16)
            .flat_map(|w| (0..=4u16).map(move |h| (w, h)))
            .chain([(9, 3), (17, 5), (80, 24), (200, 60)]);
        for (w, h) in sizes {
            for set in [border::PLAIN, ascii] {
                for style in styles {
                    for title in &titles {
                        // Offset inside a larger, already drawn screen: nothing outside the
                        // area may change, and what is inside must match.
                        let screen = Rect::new(0, 0, w + 4, h + 3);
                        let area = Rect::new(2, 1, w, h);
                        let mut expected = Buffer::filled(
                            screen,
                            ratatui::buffer::Cell::new("x")
                                .set_style(Style::new().fg(Color::Red))
                                .clone(),
                        );
                        let mut got = expected.clone();
                        let block = Block::default()
                            .borders(Borders::ALL)
                            .border_set(set)
                            .border_style(style)
                            .title(title.clone());
                        let inner = block.inner(area);
                        block.render(area, &mut expected);
                        let bordered = Bordered::new(set, style, title.clone());
                        assert_eq!(bordered.inner(area), inner, "inner of {area:?}");
                        bordered.render(area, &mut got);
                        assert_eq!(got, expected, "{area:?} {title:?} {style:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn truncates_by_display_width_with_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(
            truncate("All services health checks passing", 20),
            "All services health…"
        );
        assert_eq!(width(&truncate("所有服務健康檢查通過", 7)), 7);
        assert_eq!(truncate("所有服務健康檢查通過", 7), "所有服…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn wraps_at_spaces_and_within_width() {
        let text = "This checklist ensures all necessary steps are completed before launching";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        let zh = wrap("本檢查清單確保在試營運上線前完成所有必要步驟", 10);
        assert!(zh.iter().all(|l| width(l) <= 10), "{zh:?}");
        assert_eq!(zh.concat(), "本檢查清單確保在試營運上線前完成所有必要步驟");
    }

    #[test]
    fn numbers_and_phones_are_never_cut() {
        assert_eq!(
            wrap("call DevOps Lead +886-9XX-XXX-XXX", 24),
            ["call DevOps Lead", "+886-9XX-XXX-XXX"]
        );
        assert_eq!(
            wrap("value < 5 %: got 6.40 %", 20),
            ["value < 5 %:", "got 6.40 %"]
        );
        assert_eq!(wrap("p95 is 182 ms now", 9), ["p95 is", "182 ms", "now"]);
        // Longer than a line: split, as nothing else can be done.
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
    }

    #[test]
    fn fit_pads_to_exact_width() {
        assert_eq!(width(&fit("資料庫", 10)), 10);
        assert_eq!(width(&fit("資料庫連線穩定", 5)), 5);
        assert_eq!(fit_right("3/5", 5), "  3/5");
    }

    /// Rows draws what Paragraph (no wrap) draws, cell for cell: alignments, lines cut at
    /// the edge, two-column characters at the edge, styles and alignments of lines, spans and
    /// the text.
    #[test]
    fn rows_draw_what_a_paragraph_draws() {
        use ratatui::style::{Color, Modifier, Style};
        use ratatui::text::{Line, Span};
        use ratatui::widgets::Paragraph;
        let lines = || {
            let mut text = Text::from(vec![
                Line::from("short").left_aligned(),
                Line::from("the text's own"),
                Line::from("a line far longer than the twelve columns").right_aligned(),
                Line::from(vec![
                    Span::styled("ok", Style::new().fg(Color::Green)),
                    Span::raw(" · "),
                    Span::styled("危險", Style::new().add_modifier(Modifier::BOLD)),
                ])
                .centered(),
                Line::styled("啟用前檢查清單", Style::new().fg(Color::Red)).right_aligned(),
                Line::from("e\u{301}\u{200b}x"),
                Line::from(""),
                Line::from("beyond the area's last row"),
            ]);
            text.style = Style::new().bg(Color::Blue);
            text.alignment = Some(ratatui::layout::Alignment::Center);
            text
        };
        for width in [1, 5, 12, 13, 30] {
            let area = Rect::new(2, 1, width, 6);
            let mut by_paragraph = Buffer::empty(Rect::new(0, 0, 40, 8));
            let mut by_rows = by_paragraph.clone();
            Paragraph::new(lines()).render(area, &mut by_paragraph);
            Rows::new(lines()).render(area, &mut by_rows);
            assert_eq!(by_rows, by_paragraph, "width {width}");
        }
    }
}
