//! A crossterm backend that writes nothing when nothing changed, and colours in the
//! terminal's own terms.
//!
//! ratatui asks the backend to draw even an empty diff, and the crossterm backend answers every
//! draw with colour resets and every frame with a hide-cursor sequence: about 25 bytes a second
//! for a screen whose only change is none. Over SSH on launch day, bytes are latency, so this
//! wrapper skips empty draws and repeated cursor commands.
//!
//! crossterm writes even the 16 ANSI colours as 256-colour codes (`38;5;9` for bright red),
//! which a 16-colour terminal (the Linux console, `TERM=xterm-16color`) ignores or misreads.
//! This backend writes each colour for the terminal's [`Palette`]: `30`–`37` and `90`–`97` for
//! the 16, `38;5;n` only where 256 colours exist, `38;2;r;g;b` only with 24-bit colour, and no
//! colour at all without (`NO_COLOR`) — bringing a colour the palette lacks down to its nearest.

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::{execute, queue};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

use crate::ui::theme::Palette;

pub struct QuietBackend<W: Write> {
    writer: W,
    /// Whether the cursor is known to be hidden (`None`: unknown, so always send).
    cursor_hidden: Option<bool>,
    palette: Palette,
}

impl<W: Write> QuietBackend<W> {
    /// A backend for a terminal of 24-bit colour (every colour written as asked).
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            cursor_hidden: None,
            palette: Palette::TrueColor,
        }
    }

    /// The same, writing colours for a terminal of `palette`.
    pub fn with_palette(mut self, palette: Palette) -> Self {
        self.palette = palette;
        self
    }

    /// What has been written to (tests read the bytes a real terminal would get).
    pub fn writer(&self) -> &W {
        &self.writer
    }
}

impl<W: Write> Backend for QuietBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut content = content.peekable();
        if content.peek().is_none() {
            return Ok(());
        }
        let out = &mut self.writer;
        let mut pen = Pen::default();
        let mut last: Option<Position> = None;
        for (x, y, cell) in content {
            if !matches!(last, Some(p) if x == p.x + 1 && y == p.y) {
                queue!(out, MoveTo(x, y))?;
            }
            last = Some(Position { x, y });
            let sgr = pen.change(cell, self.palette);
            if !sgr.is_empty() {
                write!(out, "\x1b[{sgr}m")?;
            }
            out.write_all(cell.symbol().as_bytes())?;
        }
        out.write_all(b"\x1b[0m")
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(true) {
            execute!(self.writer, Hide)?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    /// Never fails: ratatui shows the cursor again when the terminal is dropped and prints a
    /// failure to stderr — which, after a hangup, is the terminal that is gone, and printing
    /// to it panics. The guard's restore shows the cursor anyway, ignoring a dead terminal.
    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(false) {
            if let Err(e) = execute!(self.writer, Show) {
                tracing::debug!(error = %e, "cannot show the cursor: the terminal is gone");
            }
            self.cursor_hidden = Some(false);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(io::Error::other)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        execute!(self.writer, MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use crossterm::terminal::{Clear, ClearType as Region};
        let region = match clear_type {
            ClearType::All => Region::All,
            ClearType::AfterCursor => Region::FromCursorDown,
            ClearType::BeforeCursor => Region::FromCursorUp,
            ClearType::CurrentLine => Region::CurrentLine,
            ClearType::UntilNewLine => Region::UntilNewLine,
        };
        execute!(self.writer, Clear(region))
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            self.writer.write_all(b"\n")?;
        }
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: size.columns,
                height: size.rows,
            },
            pixels: Size {
                width: size.width,
                height: size.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// What the terminal is drawing with: the attributes and colours last written.
#[derive(Default)]
struct Pen {
    modifier: Modifier,
    fg: Option<Color>,
    bg: Option<Color>,
}

impl Pen {
    /// The SGR parameters that turn the pen into `cell`'s ("" when it already is).
    fn change(&mut self, cell: &Cell, palette: Palette) -> String {
        let mut params: Vec<String> = Vec::new();
        let removed = self.modifier - cell.modifier;
        let mut added = cell.modifier - self.modifier;
        if !removed.is_empty() {
            // Attributes switch off in pairs (bold and dim share one code): start over.
            params.push("0".into());
            added = cell.modifier;
            self.fg = None;
            self.bg = None;
        }
        for (flag, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::SLOW_BLINK, "5"),
            (Modifier::RAPID_BLINK, "6"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if added.contains(flag) {
                params.push(code.into());
            }
        }
        self.modifier = cell.modifier;
        if self.fg != Some(cell.fg) {
            if let Some(code) = sgr_color(cell.fg, palette, false) {
                params.push(code);
            }
            self.fg = Some(cell.fg);
        }
        if self.bg != Some(cell.bg) {
            if let Some(code) = sgr_color(cell.bg, palette, true) {
                params.push(code);
            }
            self.bg = Some(cell.bg);
        }
        params.join(";")
    }
}

/// The SGR code of a colour on a terminal of `palette`; `None` without colour.
pub fn sgr_color(color: Color, palette: Palette, background: bool) -> Option<String> {
    if palette == Palette::None {
        return None;
    }
    let base = if background { 40 } else { 30 };
    let color = downgrade(color, palette);
    Some(match color {
        Color::Reset => (base + 9).to_string(),
        Color::Indexed(n) => format!("{};5;{n}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
        named => {
            let n = ansi_index(named).unwrap_or(7);
            if n < 8 {
                (base + n).to_string()
            } else {
                (base + 60 + n - 8).to_string()
            }
        }
    })
}

/// The ANSI index (0–15) of a named colour.
fn ansi_index(color: Color) -> Option<u8> {
    Some(match color {
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        _ => return None,
    })
}

const NAMED: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// xterm's RGB for the 16 ANSI colours.
const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The RGB of one of xterm's 256 colours.
fn indexed_rgb(n: u8) -> (u8, u8, u8) {
    match n {
        0..=15 => ANSI_RGB[n as usize],
        16..=231 => {
            let i = n - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            (level(i / 36), level(i / 6 % 6), level(i % 6))
        }
        _ => {
            let v = 8 + 10 * (n - 232);
            (v, v, v)
        }
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    d(a.0, b.0).pow(2) + d(a.1, b.1).pow(2) + d(a.2, b.2).pow(2)
}

/// The nearest of the first `count` ANSI colours to `rgb`.
fn nearest_ansi(rgb: (u8, u8, u8), count: usize) -> Color {
    let best = (0..count)
        .min_by_key(|&i| distance(rgb, ANSI_RGB[i]))
        .unwrap_or(7);
    NAMED[best]
}

/// `color` as a terminal of `palette` can show it.
fn downgrade(color: Color, palette: Palette) -> Color {
    match (palette, color) {
        (_, Color::Reset) | (Palette::TrueColor, _) => color,
        (Palette::Ansi256, Color::Rgb(r, g, b)) => {
            let rgb = (r, g, b);
            let best = (16..=255u8)
                .min_by_key(|&n| distance(rgb, indexed_rgb(n)))
                .unwrap_or(7);
            Color::Indexed(best)
        }
        (Palette::Ansi256, c) => c,
        (Palette::Ansi16, Color::Indexed(n)) if n < 16 => NAMED[n as usize],
        (Palette::Ansi16, Color::Indexed(n)) => nearest_ansi(indexed_rgb(n), 16),
        (Palette::Ansi16, Color::Rgb(r, g, b)) => nearest_ansi((r, g, b), 16),
        (Palette::Ansi16, c) => c,
        // Eight colours: bright ones fall to their base colour, grey to the default.
        (_, c) => {
            let index = match c {
                Color::Indexed(n) if n < 16 => n,
                Color::Indexed(n) => ansi_index(nearest_ansi(indexed_rgb(n), 8)).unwrap_or(7),
                Color::Rgb(r, g, b) => ansi_index(nearest_ansi((r, g, b), 8)).unwrap_or(7),
                named => ansi_index(named).unwrap_or(7),
            };
            match index {
                8 => Color::Reset,
                n if n > 8 => NAMED[(n - 8) as usize],
                n => NAMED[n as usize],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    /// Collects what the backend writes, shared with the test.
    #[derive(Clone, Default)]
    struct Sink(Rc<RefCell<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_unchanged_frame_writes_nothing() {
        let sink = Sink::default();
        let written = || sink.0.borrow().len();
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 20, 2)),
        };
        let mut terminal =
            Terminal::with_options(QuietBackend::new(sink.clone()), options).expect("terminal");
        let frame = |text: &'static str| {
            move |f: &mut ratatui::Frame| f.render_widget(Paragraph::new(text), f.area())
        };
        terminal.draw(frame("12:00:01")).expect("first draw");
        let first = written();
        assert!(first > 0);
        terminal.draw(frame("12:00:01")).expect("same frame");
        assert_eq!(written(), first, "an identical frame wrote bytes");
        terminal.draw(frame("12:00:02")).expect("one cell changed");
        let one_cell = written() - first;
        assert!(one_cell < 30, "one changed cell cost {one_cell} bytes");
    }

    #[test]
    fn colours_are_written_for_the_terminals_palette() {
        use ratatui::style::Color::*;
        let code = |c, p| sgr_color(c, p, false);
        assert_eq!(code(LightRed, Palette::Ansi16).as_deref(), Some("91"));
        assert_eq!(code(Red, Palette::Ansi16).as_deref(), Some("31"));
        assert_eq!(code(DarkGray, Palette::Ansi16).as_deref(), Some("90"));
        assert_eq!(code(Indexed(236), Palette::Ansi16).as_deref(), Some("30"));
        assert_eq!(code(Indexed(9), Palette::Ansi16).as_deref(), Some("91"));
        assert_eq!(
            code(Rgb(250, 85, 85), Palette::Ansi16).as_deref(),
            Some("91")
        );
        assert_eq!(
            code(Indexed(203), Palette::Ansi256).as_deref(),
            Some("38;5;203")
        );
        assert_eq!(
            code(Rgb(255, 0, 0), Palette::Ansi256).as_deref(),
            Some("38;5;196")
        );
        assert_eq!(
            code(Rgb(1, 2, 3), Palette::TrueColor).as_deref(),
            Some("38;2;1;2;3")
        );
        assert_eq!(code(LightRed, Palette::Ansi8).as_deref(), Some("31"));
        assert_eq!(code(DarkGray, Palette::Ansi8).as_deref(), Some("39"));
        assert_eq!(code(Red, Palette::None), None);
        assert_eq!(
            sgr_color(Cyan, Palette::Ansi16, true).as_deref(),
            Some("46")
        );
    }
}
