//! Layout errors that point at the spot in the file: `file:line:col: field: message`.

use std::fmt;
use std::ops::Range;

/// One problem found in a layout file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    /// Dotted path of the offending field, e.g. `block[2].end` (empty when unknown).
    pub field: String,
    pub message: String,
}

/// Why a layout could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render_problems(.file, .problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl LayoutError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Read { .. } => &[],
            Self::Invalid { problems, .. } => problems,
        }
    }
}

/// `file:line:col: field: message`, one problem a line (also used for demo scenario files).
pub fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for (n, p) in problems.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("{file}:{}:{}: ", p.line, p.column));
        if !p.field.is_empty() {
            out.push_str(&p.field);
            out.push_str(": ");
        }
        out.push_str(&p.message);
    }
    out
}

/// Maps byte offsets to 1-based line and column (columns count characters, as editors do).
pub struct Locator<'a> {
    text: &'a str,
    /// Where each line after the first starts: a layout of ten thousand sources asks for a
    /// position per id, and counting newlines from the top each time made loading quadratic.
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        let line_starts = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        Self { text, line_starts }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // Lines that start at or before the offset, the first line included.
        let line = self.line_starts.partition_point(|&start| start <= offset) + 1;
        let line_start = line
            .checked_sub(2)
            .and_then(|i| self.line_starts.get(i))
            .copied()
            .unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    pub fn problem(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        let (line, column) = self.position(span.start);
        Problem {
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.field, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Locator;

    #[test]
    fn positions_are_lines_and_columns_in_characters() {
        let text = "a = 1\n名稱 = \"x\"\n\nlast";
        let at = Locator::new(text);
        assert_eq!(at.position(0), (1, 1));
        assert_eq!(at.position(4), (1, 5));
        // The newline itself is the end of its line.
        assert_eq!(at.position(5), (1, 6));
        assert_eq!(at.position(6), (2, 1));
        // After two characters of three bytes each: column 3.
        assert_eq!(at.position(12), (2, 3));
        assert_eq!(at.position(text.find("last").unwrap_or(0)), (4, 1));
        // Past the end: the end.
        assert_eq!(at.position(usize::MAX), (4, 5));
    }
}
