//! Digits for reading across a room: each character a grid of 3 x 5 "pixels" (the colon one
//! wide), every pixel `scale` rows tall and `2 * scale` columns wide so that it looks square,
//! drawn with full blocks (`#` under `--ascii`, by the ASCII pass).
//!
//! Each glyph keeps its own columns: a ticking second changes only the cells of the digit
//! that changed, and the terminal is sent only those.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Rows of a glyph at scale 1.
pub const ROWS: u16 = 5;

/// The pixels of a character, row by row (`#` set); `None` for what has no glyph.
fn glyph(c: char) -> Option<[&'static str; 5]> {
    Some(match c {
        '0' => ["###", "# #", "# #", "# #", "###"],
        '1' => ["  #", "  #", "  #", "  #", "  #"],
        '2' => ["###", "  #", "###", "#  ", "###"],
        '3' => ["###", "  #", "###", "  #", "###"],
        '4' => ["# #", "# #", "###", "  #", "  #"],
        '5' => ["###", "#  ", "###", "  #", "###"],
        '6' => ["###", "#  ", "###", "# #", "###"],
        '7' => ["###", "  #", "  #", "  #", "  #"],
        '8' => ["###", "# #", "###", "# #", "###"],
        '9' => ["###", "# #", "###", "  #", "###"],
        'd' => ["  #", "  #", "###", "# #", "###"],
        ':' => [" ", "#", " ", "#", " "],
        ' ' => [" ", " ", " ", " ", " "],
        _ => return None,
    })
}

/// Pixels across `text`, one blank pixel between characters.
fn pixels_wide(text: &str) -> u16 {
    let glyphs: Vec<_> = text.chars().filter_map(glyph).collect();
    let inked: usize = glyphs.iter().map(|g| g[0].len()).sum();
    (inked + glyphs.len().saturating_sub(1)) as u16
}

/// Columns and rows `text` takes at `scale`.
pub fn size(text: &str, scale: u16) -> (u16, u16) {
    (pixels_wide(text) * 2 * scale, ROWS * scale)
}

/// The largest scale (up to `most`) at which `text` fits in `cols` x `rows`; 0: not at all.
pub fn scale_to_fit(text: &str, cols: u16, rows: u16, most: u16) -> u16 {
    (1..=most)
        .rev()
        .find(|&s| {
            let (w, h) = size(text, s);
            w <= cols && h <= rows
        })
        .unwrap_or(0)
}

/// Draws `text` at `scale`, centred in `area` (cut where it does not fit).
pub fn render(buf: &mut Buffer, area: Rect, text: &str, scale: u16, style: Style) {
    if scale == 0 {
        return;
    }
    let (w, h) = size(text, scale);
    let x0 = area.x + area.width.saturating_sub(w) / 2;
    let y0 = area.y + area.height.saturating_sub(h) / 2;
    let mut px = 0u16;
    for c in text.chars() {
        let Some(rows) = glyph(c) else { continue };
        for (row, bits) in rows.iter().enumerate() {
            for (col, bit) in bits.chars().enumerate() {
                if bit != '#' {
                    continue;
                }
                let left = x0 + (px + col as u16) * 2 * scale;
                let top = y0 + row as u16 * scale;
                for y in top..top + scale {
                    for x in left..left + 2 * scale {
                        if x < area.right() && y < area.bottom() {
                            buf[(x, y)].set_symbol("█").set_style(style);
                        }
                    }
                }
            }
        }
        px += rows[0].len() as u16 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(text: &str, scale: u16) -> Vec<String> {
        let (w, h) = size(text, scale);
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        render(&mut buf, area, text, scale, Style::new());
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
            .collect()
    }

    #[test]
    fn digits_are_drawn_large_and_square() {
        assert_eq!(
            drawn("1:05", 1),
            [
                "    ██      ██████  ██████",
                "    ██  ██  ██  ██  ██    ",
                "    ██      ██  ██  ██████",
                "    ██  ██  ██  ██      ██",
                "    ██      ██████  ██████",
            ]
        );
        assert_eq!(size("1:05", 2), (52, 10));
    }

    #[test]
    fn the_scale_is_the_largest_that_fits() {
        assert_eq!(scale_to_fit("2:28:55", 200, 12, 4), 2);
        assert_eq!(scale_to_fit("2:28:55", 80, 24, 4), 1);
        assert_eq!(scale_to_fit("2:28:55", 40, 24, 4), 0);
    }
}
