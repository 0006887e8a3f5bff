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

/// `s` broken into lines of at most `cols` columns, at spaces where possible (a word longer
/// than a line is split, CJK text breaks anywhere since it has no spaces).
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for word in s.split_word_bounds() {
        let w = width(word);
        if line_width + w > cols && !line.is_empty() {
            lines.push(line.trim_end().to_string());
            line.clear();
            line_width = 0;
            if word.trim().is_empty() {
                continue;
            }
        }
        if w > cols {
            for g in word.graphemes(true) {
                let gw = width(g);
                if line_width + gw > cols {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0;
                }
                line.push_str(g);
                line_width += gw;
            }
        } else {
            line.push_str(word);
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
    fn fit_pads_to_exact_width() {
        assert_eq!(width(&fit("資料庫", 10)), 10);
        assert_eq!(width(&fit("資料庫連線穩定", 5)), 5);
        assert_eq!(fit_right("3/5", 5), "  3/5");
    }
}
