//! Colours and symbols. Colour can be switched off (`NO_COLOR`, `--no-color`) and every
//! symbol has an ASCII stand-in for terminals and SSH sessions that mangle Unicode (`--ascii`).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub done: &'static str,
    pub open: &'static str,
    pub skipped: &'static str,
    pub overdue: &'static str,
    pub saving: &'static str,
    pub now: &'static str,
    pub bar_full: &'static str,
    pub bar_empty: &'static str,
    pub ellipsis_dot: &'static str,
    pub note: &'static str,
}

pub const UNICODE: Symbols = Symbols {
    done: "✓",
    open: "○",
    skipped: "⊘",
    overdue: "!",
    saving: "…",
    now: "▶",
    bar_full: "█",
    bar_empty: "░",
    ellipsis_dot: "·",
    note: "✎",
};

pub const ASCII: Symbols = Symbols {
    done: "[x]",
    open: "[ ]",
    skipped: "[-]",
    overdue: "[!]",
    saving: "[~]",
    now: ">",
    bar_full: "#",
    bar_empty: ".",
    ellipsis_dot: "|",
    note: "n",
};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub symbols: Symbols,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            color: true,
            symbols: UNICODE,
        }
    }
}

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Self {
        Self {
            color,
            symbols: if ascii { ASCII } else { UNICODE },
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub fn heading(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn subheading(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }
    pub fn done(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn skipped(&self) -> Style {
        self.dim()
    }
    pub fn overdue(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn saving(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub fn current(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Indexed(236))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn border_focus(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn error(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn tab(&self) -> Style {
        self.dim()
    }
    pub fn tab_active(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// "████░░░░" of `cols` columns for done/total.
    pub fn bar(&self, done: usize, total: usize, cols: usize) -> (String, String) {
        let filled = if total == 0 {
            0
        } else {
            (done * cols).div_ceil(total).min(cols)
        };
        let filled = if done < total {
            filled.min(cols.saturating_sub(1))
        } else {
            filled
        };
        (
            self.symbols.bar_full.repeat(filled),
            self.symbols.bar_empty.repeat(cols - filled),
        )
    }
}
