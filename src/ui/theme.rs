//! Colours and symbols, chosen for the terminal at hand (after tokio-console's `styles.rs`).
//!
//! A [`Palette`] is the colour depth the terminal can show: millions of colours, the 256 of
//! xterm, the 16 or 8 ANSI ones, or none (`NO_COLOR`, `--no-color`, `TERM=dumb`). States and
//! headings take the terminal's own ANSI colours on every depth, so the operator's theme picks
//! their shade (one tuned to its background) and each costs a 5-byte code; the deeper palettes
//! add only what the 16 lack (a grey and a selection background). Every state stays
//! distinguishable on every depth: the 16-colour palette never asks for colour 236 (a
//! 16-colour terminal shows nothing for it), and without colour the states differ by symbol
//! and by bold, dim and reverse. The backend
//! (`tui::QuietBackend`) writes each colour in the terminal's own terms, so a 16-colour terminal
//! never receives a 256-colour code even from a style that asked for one.
//!
//! `--ascii` swaps every symbol for an ASCII one (OK reads "ok", never "[x]"), draws borders
//! with `+-|`, and [`super::ascii`] turns the remaining typography of the text (`·`, `≤`, `…`)
//! into ASCII on the finished frame.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::widgets::{Block, Borders};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Palette {
    /// No colour at all: `NO_COLOR`, `--no-color`, `TERM=dumb`.
    None,
    /// The 8 ANSI colours (no bright variants).
    Ansi8,
    /// The 16 ANSI colours.
    Ansi16,
    /// xterm's 256 colours.
    Ansi256,
    /// 24-bit colour (`COLORTERM=truecolor`).
    TrueColor,
}

impl Palette {
    /// The palette for this terminal, in this order: `NO_COLOR` (any non-empty value, as
    /// no-color.org says) or `--no-color`; `COLORTERM=truecolor|24bit`; the name in `TERM`
    /// (`dumb`, `*-mono`, `*-256color`, `*-16color`, `*-88color`, `*-8color`); the `colors`
    /// capability of `TERM`'s terminfo entry (`terminfo_colors`, looked up by the caller);
    /// else 16 colours, which every colour terminal has.
    pub fn detect(
        no_color: bool,
        colorterm: Option<&str>,
        term: Option<&str>,
        terminfo_colors: impl FnOnce(&str) -> Option<i32>,
    ) -> Palette {
        if no_color {
            return Palette::None;
        }
        let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return Palette::TrueColor;
        }
        let term = term.unwrap_or("").trim();
        let lower = term.to_ascii_lowercase();
        if lower.is_empty() || lower == "dumb" || lower.ends_with("-mono") || lower.ends_with("-m")
        {
            // No TERM at all is not a terminal that said it has colour.
            return if lower.is_empty() {
                Palette::Ansi16
            } else {
                Palette::None
            };
        }
        for (suffix, palette) in [
            ("-truecolor", Palette::TrueColor),
            ("-direct", Palette::TrueColor),
            ("-256color", Palette::Ansi256),
            ("-88color", Palette::Ansi16),
            ("-16color", Palette::Ansi16),
            ("-8color", Palette::Ansi8),
        ] {
            if lower.ends_with(suffix) {
                return palette;
            }
        }
        match terminfo_colors(term) {
            Some(n) if n >= 1 << 24 => Palette::TrueColor,
            Some(n) if n >= 256 => Palette::Ansi256,
            Some(n) if n >= 16 => Palette::Ansi16,
            Some(n) if n >= 8 => Palette::Ansi8,
            Some(_) => Palette::None,
            None => Palette::Ansi16,
        }
    }

    /// For `--help`, logs and the help screen.
    pub fn describe(self) -> &'static str {
        match self {
            Palette::None => "no colour",
            Palette::Ansi8 => "8 colours",
            Palette::Ansi16 => "16 colours",
            Palette::Ansi256 => "256 colours",
            Palette::TrueColor => "24-bit colour",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    /// Checklist marks.
    pub done: &'static str,
    pub open: &'static str,
    pub skipped: &'static str,
    pub overdue: &'static str,
    pub saving: &'static str,
    /// A state that is fine (a source, a target, evidence): never "[x]", which reads as failed.
    pub ok: &'static str,
    /// A state that is not (warn or critical).
    pub bad: &'static str,
    /// No data.
    pub none: &'static str,
    pub now: &'static str,
    pub bar_full: &'static str,
    pub bar_empty: &'static str,
    pub ellipsis_dot: &'static str,
    pub note: &'static str,
    /// A row's cursor in a list without a highlight (the alerts list).
    pub cursor: &'static str,
    /// Eight heights, lowest first, for sparklines.
    pub spark: [&'static str; 8],
}

pub const UNICODE: Symbols = Symbols {
    done: "✓",
    open: "○",
    skipped: "⊘",
    overdue: "!",
    saving: "…",
    ok: "✓",
    bad: "!",
    none: "·",
    now: "▶",
    bar_full: "█",
    bar_empty: "░",
    ellipsis_dot: "·",
    note: "✎",
    cursor: "▶",
    spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
};

pub const ASCII: Symbols = Symbols {
    done: "[x]",
    open: "[ ]",
    skipped: "[-]",
    overdue: "[!]",
    saving: "[~]",
    ok: "ok",
    bad: "!",
    none: "-",
    now: ">",
    bar_full: "#",
    bar_empty: ".",
    ellipsis_dot: "|",
    note: "n",
    cursor: ">",
    spark: ["_", "_", ".", ".", "-", "-", "=", "#"],
};

/// Borders in ASCII: `+` corners, `-` and `|` sides.
pub const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// The colours of one palette, by what they mean.
#[derive(Debug, Clone, Copy)]
struct Colors {
    ok: Color,
    warn: Color,
    bad: Color,
    /// Secondary text and "no data"; `None`: dim instead of a colour (8 colours, no grey).
    dim: Option<Color>,
    heading: Color,
    subheading: Color,
    key: Color,
    /// The selected row's background; `None`: reverse video instead.
    selection: Option<Color>,
    accent: Color,
    error_fg: Color,
    error_bg: Color,
}

/// 24-bit colour: the terminal's own colours (as [`ANSI16`]) for everything the 16 have, so
/// that states and headings follow the operator's theme and cost a 5-byte code instead of one
/// of up to 19 bytes; fixed colours only for what the 16 lack: a grey that no theme turns into
/// the background (Solarized Dark's bright black is its background) and a selection background.
const TRUECOLOR: Colors = Colors {
    dim: Some(Color::Rgb(135, 135, 135)),
    selection: Some(Color::Rgb(48, 52, 64)),
    ..ANSI16
};

/// xterm's 256 colours, on the same terms as [`TRUECOLOR`]: a state colour written as
/// `38;5;n` is 6 bytes more than the theme's own, on every change, over every SSH link.
const ANSI256: Colors = Colors {
    dim: Some(Color::Indexed(245)),
    selection: Some(Color::Indexed(236)),
    ..ANSI16
};

/// The 16 ANSI colours: bright red for critical so it differs from the yellow of warn, grey
/// (bright black) for secondary text, and reverse video for the selection, since no
/// background colour of the 16 leaves every foreground readable.
const ANSI16: Colors = Colors {
    ok: Color::Green,
    warn: Color::Yellow,
    bad: Color::LightRed,
    dim: Some(Color::DarkGray),
    heading: Color::Cyan,
    subheading: Color::LightBlue,
    key: Color::Yellow,
    selection: None,
    accent: Color::Cyan,
    error_fg: Color::White,
    error_bg: Color::Red,
};

/// The 8 base colours: no grey, so secondary text is dim instead.
const ANSI8: Colors = Colors {
    ok: Color::Green,
    warn: Color::Yellow,
    bad: Color::Red,
    dim: None,
    heading: Color::Cyan,
    subheading: Color::Blue,
    key: Color::Yellow,
    selection: None,
    accent: Color::Cyan,
    error_fg: Color::White,
    error_bg: Color::Red,
};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub palette: Palette,
    pub symbols: Symbols,
    /// Only ASCII on screen: borders, symbols and the text's typography.
    pub ascii: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(Palette::Ansi256, false)
    }
}

impl Theme {
    pub fn new(palette: Palette, ascii: bool) -> Self {
        Self {
            palette,
            symbols: if ascii { ASCII } else { UNICODE },
            ascii,
        }
    }

    fn colors(&self) -> Option<&'static Colors> {
        match self.palette {
            Palette::None => None,
            Palette::Ansi8 => Some(&ANSI8),
            Palette::Ansi16 => Some(&ANSI16),
            Palette::Ansi256 => Some(&ANSI256),
            Palette::TrueColor => Some(&TRUECOLOR),
        }
    }

    /// `color` of the palette as the foreground; without colour, `plain` instead.
    fn fg(&self, color: impl Fn(&Colors) -> Color, plain: Modifier) -> Style {
        match self.colors() {
            Some(c) => Style::new().fg(color(c)),
            None => Style::new().add_modifier(plain),
        }
    }

    /// A box with `title` at its top left, in the theme's border set: for the panes that fill
    /// the screen (see [`crate::ui::text::Bordered`]).
    pub fn bordered<'a>(
        &self,
        style: Style,
        title: impl Into<ratatui::text::Line<'a>>,
    ) -> crate::ui::text::Bordered<'a> {
        let set = if self.ascii {
            ASCII_BORDER
        } else {
            ratatui::symbols::border::PLAIN
        };
        crate::ui::text::Bordered::new(set, style, title)
    }

    /// A bordered block in the theme's border set.
    pub fn block(&self) -> Block<'static> {
        let block = Block::default().borders(Borders::ALL);
        if self.ascii {
            block.border_set(ASCII_BORDER)
        } else {
            block
        }
    }

    pub fn text(&self) -> Style {
        Style::new()
    }
    pub fn dim(&self) -> Style {
        match self.colors().and_then(|c| c.dim) {
            Some(grey) => Style::new().fg(grey),
            None => Style::new().add_modifier(Modifier::DIM),
        }
    }
    pub fn heading(&self) -> Style {
        self.fg(|c| c.heading, Modifier::UNDERLINED)
            .add_modifier(Modifier::BOLD)
    }
    pub fn subheading(&self) -> Style {
        self.fg(|c| c.subheading, Modifier::empty())
            .add_modifier(Modifier::BOLD)
    }
    pub fn done(&self) -> Style {
        self.fg(|c| c.ok, Modifier::empty())
    }
    pub fn skipped(&self) -> Style {
        self.dim()
    }
    pub fn overdue(&self) -> Style {
        self.fg(|c| c.bad, Modifier::empty())
            .add_modifier(Modifier::BOLD)
    }
    pub fn saving(&self) -> Style {
        self.fg(|c| c.warn, Modifier::ITALIC)
    }
    pub fn current(&self) -> Style {
        self.fg(|c| c.warn, Modifier::empty())
            .add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        match self.colors().and_then(|c| c.selection) {
            Some(bg) => Style::new().bg(bg).add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED),
        }
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn border_focus(&self) -> Style {
        self.fg(|c| c.accent, Modifier::empty())
    }
    pub fn error(&self) -> Style {
        match self.colors() {
            Some(c) => Style::new()
                .fg(c.error_fg)
                .bg(c.error_bg)
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }
    pub fn info(&self) -> Style {
        self.fg(|c| c.ok, Modifier::empty())
    }
    pub fn key(&self) -> Style {
        self.fg(|c| c.key, Modifier::empty())
            .add_modifier(Modifier::BOLD)
    }
    pub fn tab(&self) -> Style {
        self.dim()
    }
    pub fn tab_active(&self) -> Style {
        match self.colors() {
            Some(c) => Style::new()
                .fg(Color::Black)
                .bg(c.accent)
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(no_color: bool, colorterm: &str, term: &str, info: Option<i32>) -> Palette {
        Palette::detect(no_color, Some(colorterm), Some(term), |_| info)
    }

    #[test]
    fn the_terminal_says_how_many_colours_it_has() {
        assert_eq!(
            detect(true, "truecolor", "xterm-256color", None),
            Palette::None
        );
        assert_eq!(
            detect(false, "truecolor", "xterm", None),
            Palette::TrueColor
        );
        assert_eq!(
            detect(false, "24bit", "screen", Some(8)),
            Palette::TrueColor
        );
        assert_eq!(detect(false, "", "xterm-256color", None), Palette::Ansi256);
        assert_eq!(
            detect(false, "", "tmux-256color", Some(8)),
            Palette::Ansi256
        );
        assert_eq!(detect(false, "", "xterm-16color", None), Palette::Ansi16);
        assert_eq!(
            detect(false, "", "xterm-16color", Some(256)),
            Palette::Ansi16
        );
        assert_eq!(detect(false, "", "xterm", Some(8)), Palette::Ansi8);
        assert_eq!(detect(false, "", "rxvt", Some(88)), Palette::Ansi16);
        assert_eq!(detect(false, "", "foot", Some(256)), Palette::Ansi256);
        assert_eq!(detect(false, "", "dumb", Some(256)), Palette::None);
        assert_eq!(detect(false, "", "xterm-mono", None), Palette::None);
        assert_eq!(detect(false, "", "vt100", Some(-1)), Palette::None);
        assert_eq!(detect(false, "", "unknown-thing", None), Palette::Ansi16);
        assert_eq!(detect(false, "", "", None), Palette::Ansi16);
    }

    /// Every state a screen tells apart has a style of its own on every palette.
    #[test]
    fn every_state_stays_distinguishable_on_every_palette() {
        for palette in [
            Palette::None,
            Palette::Ansi8,
            Palette::Ansi16,
            Palette::Ansi256,
            Palette::TrueColor,
        ] {
            let t = Theme::new(palette, false);
            let states = [
                ("ok", t.done()),
                ("warn", t.saving()),
                ("critical", t.overdue()),
                ("no data", t.dim()),
            ];
            for (i, (a, sa)) in states.iter().enumerate() {
                for (b, sb) in &states[i + 1..] {
                    assert_ne!(sa, sb, "{palette:?}: {a} and {b} look the same");
                }
            }
            if palette <= Palette::Ansi16 {
                for style in [
                    t.selected(),
                    t.dim(),
                    t.overdue(),
                    t.error(),
                    t.tab_active(),
                ] {
                    for color in [style.fg, style.bg].into_iter().flatten() {
                        assert!(
                            !matches!(color, Color::Indexed(_) | Color::Rgb(..)),
                            "{palette:?} asks for {color:?}"
                        );
                    }
                }
            }
        }
    }
}
