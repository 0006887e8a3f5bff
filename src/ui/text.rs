//! Fitting text into columns by display width: CJK characters take two columns, and nothing
//! is ever cut in the middle of a character or without an ellipsis.

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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn fit_pads_to_exact_width() {
        assert_eq!(width(&fit("資料庫", 10)), 10);
        assert_eq!(width(&fit("資料庫連線穩定", 5)), 5);
        assert_eq!(fit_right("3/5", 5), "  3/5");
    }
}
