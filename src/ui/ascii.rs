//! `--ascii`: the finished frame in ASCII only. Symbols and borders already come from the
//! theme; what is left is the typography inside text — `·`, `≤`, `…`, quotes, dashes, arrows —
//! from the catalogue, the layout and the sources. One pass over the frame spells each in ASCII,
//! so a screen added later cannot forget to.
//!
//! An ASCII spelling may be wider than the character (`≤` is `<=`, `…` is `...`). The columns it
//! needs come out of the nearest run of padding to its right in the same pane (two spaces or
//! more, or the spaces before the pane's border), so that what stands after that run keeps its
//! column; without such padding, out of the text just before it (a cut text loses one more
//! letter to its `...`). Nothing ever moves across a border.

use ratatui::buffer::{Buffer, Cell};
use unicode_width::UnicodeWidthStr;

/// The ASCII spelling of a character that is not ASCII; `None` for those kept (wide CJK text,
/// which has no ASCII spelling: a zh-TW screen stays Chinese).
pub fn spell(c: char) -> Option<&'static str> {
    Some(match c {
        '·' | '•' | '∙' => "-",
        '…' => "...",
        '–' | '—' | '−' | '─' | '━' | '═' => "-",
        '“' | '”' | '„' | '«' | '»' => "\"",
        '‘' | '’' => "'",
        '›' | '▶' | '►' | '▸' => ">",
        '‹' | '◀' => "<",
        '→' => "->",
        '←' => "<-",
        '↑' => "^",
        '↓' => "v",
        '≤' => "<=",
        '≥' => ">=",
        '≠' => "!=",
        '×' => "x",
        '∞' => "inf",
        '✓' | '✔' => "ok",
        '✗' | '✘' => "x",
        '✎' => "n",
        '○' => "o",
        '⊘' => "-",
        '█' | '▇' | '▆' => "#",
        '▅' | '▄' => "=",
        '▃' | '▂' => "-",
        '▁' => "_",
        '░' | '▒' | '▓' => ".",
        '│' | '┃' | '║' => "|",
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' => {
            "+"
        }
        '\u{a0}' => " ",
        c if c.is_ascii() => return None,
        c if UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str) > 1 => return None,
        _ => "?",
    })
}

/// One cell of a row as the pass sees it: its text and the cell it came from (style).
#[derive(Clone)]
struct Glyph {
    text: String,
    cell: Cell,
    width: usize,
    /// A border: panes end here.
    wall: bool,
    /// Spelled out in ASCII.
    spelled: bool,
    /// The extra width of a spelling, on its last glyph: what the row has to find room for.
    grown: usize,
}

/// Spells every cell of `buf` in ASCII (see the module's comment).
pub fn transliterate(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let glyphs = row(buf, y);
        let fixed = fit_row(glyphs, area.width as usize);
        let mut x = area.left();
        for g in fixed {
            if x >= area.right() {
                break;
            }
            let cell = &mut buf[(x, y)];
            *cell = g.cell.clone();
            cell.set_symbol(&g.text);
            // A wide glyph's second column stays as ratatui leaves it: a blank it draws over.
            for _ in 1..g.width {
                x += 1;
                if x < area.right() {
                    buf[(x, y)].reset();
                }
            }
            x += 1;
        }
    }
}

fn row(buf: &Buffer, y: u16) -> Vec<Glyph> {
    let area = buf.area;
    let mut out = Vec::new();
    let mut x = area.left();
    while x < area.right() {
        let cell = &buf[(x, y)];
        let symbol = cell.symbol();
        let width = UnicodeWidthStr::width(symbol).max(1);
        let wall = symbol
            .chars()
            .next()
            .is_some_and(|c| ('\u{2500}'..='\u{257f}').contains(&c) && c != '─' && c != '━')
            || matches!(symbol, "|" | "+");
        let mut spelled = String::new();
        let mut changed = false;
        for c in symbol.chars() {
            match spell(c) {
                Some(ascii) => {
                    spelled.push_str(ascii);
                    changed = true;
                }
                None => spelled.push(c),
            }
        }
        if changed {
            // Each ASCII character is a cell of its own, in the cell's style.
            let n = spelled.chars().count();
            for (i, c) in spelled.chars().enumerate() {
                out.push(Glyph {
                    text: c.to_string(),
                    cell: cell.clone(),
                    width: 1,
                    wall,
                    spelled: true,
                    grown: if i == n - 1 {
                        n.saturating_sub(width)
                    } else {
                        0
                    },
                });
            }
        } else {
            out.push(Glyph {
                text: symbol.to_string(),
                cell: cell.clone(),
                width,
                wall,
                spelled: false,
                grown: 0,
            });
        }
        x += width as u16;
    }
    out
}

/// Gives back the columns that spelled-out glyphs took, pane by pane.
fn fit_row(mut glyphs: Vec<Glyph>, cols: usize) -> Vec<Glyph> {
    let mut i = 0;
    while i < glyphs.len() {
        let grown = std::mem::take(&mut glyphs[i].grown);
        for _ in 0..grown {
            if let Some(at) = padding_after(&glyphs, i) {
                glyphs.remove(at);
            } else if let Some(at) = text_before(&glyphs, i) {
                glyphs.remove(at);
                i -= 1;
            } else {
                break;
            }
        }
        i += 1;
    }
    // Whatever could not be given back is cut at the screen's edge.
    let mut used = 0;
    glyphs.retain(|g| {
        used += g.width;
        used <= cols
    });
    glyphs
}

/// A space right of `i`, before the next wall, in a run of two or more or at the pane's end.
fn padding_after(glyphs: &[Glyph], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < glyphs.len() && !glyphs[j].wall {
        if glyphs[j].text == " " {
            let next = glyphs.get(j + 1);
            let run = next.is_none_or(|n| n.wall || n.text == " ");
            if run {
                return Some(j);
            }
        }
        j += 1;
    }
    None
}

/// The glyph just before the spelling that ends at `i` (never a wall): the spelling itself
/// stays whole.
fn text_before(glyphs: &[Glyph], i: usize) -> Option<usize> {
    let mut j = i;
    while j > 0 && glyphs[j - 1].spelled && !glyphs[j - 1].wall {
        j -= 1;
    }
    (j > 0 && !glyphs[j - 1].wall).then_some(j - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn line(text: &str, cols: u16) -> String {
        let mut buf = Buffer::empty(Rect::new(0, 0, cols, 1));
        buf.set_string(0, 0, text, ratatui::style::Style::new());
        transliterate(&mut buf);
        let mut out = String::new();
        let mut x = 0;
        while x < cols {
            let symbol = buf[(x, 0)].symbol();
            out.push_str(symbol);
            x += UnicodeWidthStr::width(symbol).max(1) as u16;
        }
        out
    }

    #[test]
    fn typography_becomes_ascii_and_columns_stay() {
        assert_eq!(line("ok · 4 s ago      |", 19), "ok - 4 s ago      |");
        assert_eq!(
            line("182 ms ≤ 200 ms ✓    |x", 23),
            "182 ms <= 200 ms ok  |x"
        );
        assert_eq!(line("│a “b” c…  │", 12), "|a \"b\" c...|");
        // No padding: the cut text gives up a letter to its dots.
        assert_eq!(line("│health checks… live│", 21), "|health chec... live|");
        assert_eq!(line("所有服務 ok", 11), "所有服務 ok");
        assert!(line("é ∞", 6).is_ascii());
    }
}
