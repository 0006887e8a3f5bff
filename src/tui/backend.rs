//! A crossterm backend that writes nothing when nothing changed, and colours in the
//! terminal's own terms.
//!
//! ratatui asks the backend to draw even an empty diff, and the crossterm backend answers every
//! draw with colour resets and every frame with a hide-cursor sequence: about 25 bytes a second
//! for a screen whose only change is none. Over SSH on launch day, bytes are latency, so this
//! wrapper skips empty draws and repeated cursor commands, remembers the attributes and the
//! cursor position the terminal has from one frame to the next (a frame starts where the last
//! one left off, with no reset), and moves the cursor by the shortest sequence that gets there
//! (none when the next cell follows; a backspace, `ESC[3C`, `\r`, `ESC[2B` before
//! `ESC[12;40H`).
//!
//! crossterm writes even the 16 ANSI colours as 256-colour codes (`38;5;9` for bright red),
//! which a 16-colour terminal (the Linux console, `TERM=xterm-16color`) ignores or misreads.
//! This backend writes each colour for the terminal's [`Palette`]: `30`–`37` and `90`–`97` for
//! the 16, `38;5;n` only where 256 colours exist, `38;2;r;g;b` only with 24-bit colour, and no
//! colour at all without (`NO_COLOR`) — bringing a colour the palette lacks down to its nearest.

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::execute;
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
    /// The attributes the terminal draws with now, kept from frame to frame.
    pen: Pen,
    /// Where the terminal's cursor is (`None`: unknown, so the next move is absolute). Past
    /// the last column it may be waiting to wrap: only moves that set the column follow.
    cursor: Option<Position>,
    /// The terminal's size as last asked: ratatui asks before every frame, and asking is
    /// three system calls (crossterm opens /dev/tty each time); [`QuietBackend::forget_size`]
    /// on a resize event asks again. The width tells a cursor waiting to wrap from one
    /// inside the row.
    size: std::cell::Cell<Option<Size>>,
}

impl<W: Write> QuietBackend<W> {
    /// A backend for a terminal of 24-bit colour (every colour written as asked).
    pub fn new(writer: W) -> Self {
        Self {
            writer,
            cursor_hidden: None,
            palette: Palette::TrueColor,
            pen: Pen::default(),
            cursor: None,
            size: std::cell::Cell::new(None),
        }
    }

    /// The same, writing colours for a terminal of `palette`.
    pub fn with_palette(mut self, palette: Palette) -> Self {
        self.palette = palette;
        self
    }

    /// The terminal may have changed size: the next frame asks it.
    pub fn forget_size(&self) {
        self.size.set(None);
    }

    /// What has been written to (tests read the bytes a real terminal would get).
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// One cell: the cursor moved there if it is not, the pen changed if it must, the symbol.
    fn put(&mut self, x: u16, y: u16, cell: &Cell) -> io::Result<()> {
        let out = &mut self.writer;
        let to = Position { x, y };
        if self.cursor != Some(to) {
            let from = self.cursor.map(|p| Moved {
                at: p,
                in_row: self.size.get().is_some_and(|size| p.x < size.width),
            });
            out.write_all(cursor_move(from, to).as_bytes())?;
        }
        let sgr = self.pen.change(cell, self.palette);
        if !sgr.is_empty() {
            write!(out, "\x1b[{sgr}m")?;
        }
        let symbol = cell.symbol();
        out.write_all(symbol.as_bytes())?;
        let advance = unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
        self.cursor = Some(Position {
            x: x.saturating_add(advance),
            y,
        });
        Ok(())
    }
}

impl<W: Write> Backend for QuietBackend<W> {
    type Error = io::Error;

    /// The top row is written last: it holds the countdown, the one change every second, and
    /// a frame that ends beside its digit, unstyled, lets the next second be a backspace and
    /// the digit (2 bytes) instead of a move from wherever the panels left the cursor and the
    /// colours they left set (13).
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut top = Vec::new();
        for (x, y, cell) in content {
            if y == 0 {
                top.push((x, cell));
            } else {
                self.put(x, y, cell)?;
            }
        }
        for (x, cell) in top {
            self.put(x, 0, cell)?;
        }
        Ok(())
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
        execute!(self.writer, MoveTo(x, y))?;
        self.cursor = Some(Position { x, y });
        Ok(())
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
        // Erased cells take the current background: clear with none, and say so to the pen.
        if !self.pen.is_plain() {
            self.writer.write_all(b"\x1b[0m")?;
            self.pen = Pen::default();
        }
        execute!(self.writer, Clear(region))
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.cursor = None;
        for _ in 0..n {
            self.writer.write_all(b"\n")?;
        }
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.size.get() {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        let size = Size { width, height };
        self.size.set(Some(size));
        Ok(size)
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

/// Where the cursor is, and whether that is known to be inside the row (not past its last
/// column, waiting to wrap).
#[derive(Clone, Copy)]
struct Moved {
    at: Position,
    in_row: bool,
}

/// The shortest bytes that move the cursor from `from` (`None`: unknown) to `to`. Relative
/// moves count from a known column only when the row does not change or the column is set
/// again: after the last column a terminal waits to wrap, one column short of where the
/// count says.
fn cursor_move(from: Option<Moved>, to: Position) -> String {
    let absolute = format!("\x1b[{};{}H", to.y + 1, to.x + 1);
    let Some(Moved { at: from, in_row }) = from else {
        return absolute;
    };
    // The column, set from anywhere on the row.
    let column = if to.x == 0 {
        "\r".to_string()
    } else {
        format!("\x1b[{}G", to.x + 1)
    };
    let count = |n: u16| if n == 1 { String::new() } else { n.to_string() };
    let mut options = vec![absolute];
    if from.x == to.x && from.y != to.y {
        // A column the cursor is really in (the target's): no pending wrap to fear.
        options.push(if to.y > from.y {
            format!("\x1b[{}B", count(to.y - from.y))
        } else {
            format!("\x1b[{}A", count(from.y - to.y))
        });
    }
    if from.y == to.y {
        if to.x > from.x {
            options.push(format!("\x1b[{}C", count(to.x - from.x)));
        } else if in_row {
            options.push(format!("\x1b[{}D", count(from.x - to.x)));
            // A backspace or three: the countdown's digit, a second later.
            if from.x - to.x <= 3 {
                options.push("\x08".repeat(usize::from(from.x - to.x)));
            }
        }
        options.push(column.clone());
    } else {
        let vertical = if to.y > from.y {
            format!("\x1b[{}B", count(to.y - from.y))
        } else {
            format!("\x1b[{}A", count(from.y - to.y))
        };
        options.push(format!("{column}{vertical}"));
    }
    options
        .into_iter()
        .min_by_key(String::len)
        .unwrap_or_default()
}

/// What the terminal is drawing with: the attributes and colours last written.
#[derive(Default)]
struct Pen {
    modifier: Modifier,
    fg: Option<Color>,
    bg: Option<Color>,
}

impl Pen {
    /// Nothing set since the last reset.
    fn is_plain(&self) -> bool {
        self.modifier.is_empty()
            && matches!(self.fg, None | Some(Color::Reset))
            && matches!(self.bg, None | Some(Color::Reset))
    }

    /// The SGR parameters that turn the pen into what `cell` needs ("" when it already is):
    /// attributes switched off by their own codes or by a reset, whichever is shorter, and
    /// for a blank only what a blank shows.
    fn change(&mut self, cell: &Cell, palette: Palette) -> String {
        // A blank shows its background and the attributes drawn across a cell, not its
        // colour or weight: the pen keeps those for the text that follows.
        let blank = cell.symbol() == " " && !cell.modifier.intersects(SHOWN_ON_BLANK);
        let (modifier, fg) = if blank {
            (self.modifier - SHOWN_ON_BLANK, self.fg)
        } else {
            (cell.modifier, Some(cell.fg))
        };
        let color = |c: Color, background| sgr_color(c, palette, background);
        // Attributes off one by one (bold and dim share `22`: the one kept comes back).
        let mut stepwise: Vec<String> = Vec::new();
        let removed = self.modifier - modifier;
        let mut added = modifier - self.modifier;
        for (flags, code) in OFF_CODES {
            if removed.intersects(flags) {
                stepwise.push(code.into());
                added |= modifier & flags;
            }
        }
        stepwise.extend(on_codes(added));
        if let Some(fg) = fg.filter(|fg| self.fg != Some(*fg)) {
            stepwise.extend(color(fg, false));
        }
        if self.bg != Some(cell.bg) {
            stepwise.extend(color(cell.bg, true));
        }
        // Or from nothing: a reset leaves the default colours.
        let mut reset = vec!["0".to_string()];
        reset.extend(on_codes(modifier));
        if let Some(fg) = fg.filter(|fg| *fg != Color::Reset) {
            reset.extend(color(fg, false));
        }
        if cell.bg != Color::Reset {
            reset.extend(color(cell.bg, true));
        }
        let params = if removed.is_empty() || joined_len(&stepwise) <= joined_len(&reset) {
            self.fg = fg.or(self.fg);
            stepwise
        } else {
            self.fg = fg.or(Some(Color::Reset));
            reset
        };
        self.modifier = modifier;
        self.bg = Some(cell.bg);
        params.join(";")
    }
}

/// Attributes a blank cell shows.
const SHOWN_ON_BLANK: Modifier = Modifier::UNDERLINED
    .union(Modifier::REVERSED)
    .union(Modifier::CROSSED_OUT);

/// The codes that switch attributes off.
const OFF_CODES: [(Modifier, &str); 7] = [
    (Modifier::BOLD.union(Modifier::DIM), "22"),
    (Modifier::ITALIC, "23"),
    (Modifier::UNDERLINED, "24"),
    (Modifier::SLOW_BLINK.union(Modifier::RAPID_BLINK), "25"),
    (Modifier::REVERSED, "27"),
    (Modifier::HIDDEN, "28"),
    (Modifier::CROSSED_OUT, "29"),
];

/// The codes that switch `modifier`'s attributes on.
fn on_codes(modifier: Modifier) -> impl Iterator<Item = String> {
    [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ]
    .into_iter()
    .filter(move |(flag, _)| modifier.contains(*flag))
    .map(|(_, code)| code.to_string())
}

/// The length of `params` joined by `;`.
fn joined_len(params: &[String]) -> usize {
    params.iter().map(|p| p.len() + 1).sum()
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

    /// A terminal of `w` x `h` drawing into a shared sink.
    fn terminal(sink: &Sink, w: u16, h: u16) -> Terminal<QuietBackend<Sink>> {
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        };
        Terminal::with_options(
            QuietBackend::new(sink.clone()).with_palette(Palette::Ansi256),
            options,
        )
        .expect("terminal")
    }

    /// What the next draw of `lines` writes.
    fn frame_bytes(
        terminal: &mut Terminal<QuietBackend<Sink>>,
        sink: &Sink,
        lines: Vec<ratatui::text::Line<'static>>,
    ) -> String {
        sink.0.borrow_mut().clear();
        terminal
            .draw(|f| f.render_widget(Paragraph::new(lines.clone()), f.area()))
            .expect("draw");
        String::from_utf8_lossy(&sink.0.borrow()).into_owned()
    }

    #[test]
    fn a_ticking_countdown_costs_its_digit_and_a_short_move() {
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};
        let screen = |count: &'static str| {
            vec![
                Line::from(vec![
                    Span::styled(" LuckyGas", Style::new().bold()),
                    Span::raw(" 09:31 "),
                    Span::styled("▶ First Orders · ends in ", Style::new().yellow()),
                    Span::raw(count),
                ]),
                Line::styled("┌ Service health ─────┐", Style::new().red()),
            ]
        };
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 60, 3);
        terminal.backend().size.set(Some(Size::new(60, 3)));
        frame_bytes(&mut terminal, &sink, screen("2:28:55"));
        let second = frame_bytes(&mut terminal, &sink, screen("2:28:54"));
        // From the end of the last frame (row 2) up to the digit: `\x1b[40G\x1b[A` (or
        // shorter), the unstyled digit after the red border needs its colour back (`39`).
        assert!(second.ends_with('4'), "{second:?}");
        assert!(
            second.len() <= 16,
            "one digit cost {} bytes: {second:?}",
            second.len()
        );
        assert!(!second.contains("\x1b[0m"), "a reset: {second:?}");
        let third = frame_bytes(&mut terminal, &sink, screen("2:28:53"));
        // The pen is unstyled already, the cursor right after the digit: one backspace.
        assert_eq!(third, "\x083");
        let same = frame_bytes(&mut terminal, &sink, screen("2:28:53"));
        assert_eq!(same, "", "nothing changed, nothing written");
    }

    #[test]
    fn a_frame_ends_on_the_top_row_so_the_next_second_is_a_backspace() {
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};
        let screen = |count: &'static str, value: &'static str| {
            vec![
                Line::from(vec![
                    Span::styled("▶ First Orders · ends in ", Style::new().yellow()),
                    Span::raw(count),
                ]),
                Line::styled("┌ Error rate ─────┐", Style::new().red()),
                Line::styled(value, Style::new().red().bold()),
            ]
        };
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 60, 3);
        terminal.backend().size.set(Some(Size::new(60, 3)));
        frame_bytes(&mut terminal, &sink, screen("2:28:55", "0.0091"));
        // A second and a new value in one frame: the value first, the digit last.
        let both = frame_bytes(&mut terminal, &sink, screen("2:28:54", "0.0096"));
        assert!(both.ends_with('4'), "{both:?}");
        assert!(both.find('6') < both.find('4'), "{both:?}");
        // The next second alone: where the last frame ended, with the pen it left.
        let next = frame_bytes(&mut terminal, &sink, screen("2:28:53", "0.0096"));
        assert_eq!(next, "\x083");
    }

    #[test]
    fn no_frame_ends_with_a_reset() {
        use ratatui::style::Style;
        use ratatui::text::Line;
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 30, 2);
        let first = frame_bytes(
            &mut terminal,
            &sink,
            vec![Line::styled("critical", Style::new().red().bold())],
        );
        assert!(!first.contains("\x1b[0m"), "{first:?}");
        assert!(!first.contains("\x1b[39m\x1b[49m"), "{first:?}");
        // Bold goes by its own code; the colour stays set.
        let second = frame_bytes(
            &mut terminal,
            &sink,
            vec![Line::styled("critical", Style::new().red())],
        );
        assert!(second.ends_with("\x1b[22mcritical"), "{second:?}");
        assert!(!second.contains("\x1b[0"), "{second:?}");
        // Bold and a colour going back to plain: a reset, shorter than `22;39`.
        let third = frame_bytes(
            &mut terminal,
            &sink,
            vec![Line::styled("critical", Style::new().bold())],
        );
        let fourth = frame_bytes(&mut terminal, &sink, vec![Line::raw("critical")]);
        assert!(third.contains("\x1b[1;39m"), "{third:?}");
        assert!(fourth.ends_with("\x1b[0mcritical"), "{fourth:?}");
    }

    #[test]
    fn cursor_moves_are_the_shortest_that_are_safe() {
        let at = |x, y| Position { x, y };
        let from = |x, y| {
            Some(Moved {
                at: at(x, y),
                in_row: x < 200,
            })
        };
        assert_eq!(cursor_move(None, at(0, 0)), "\x1b[1;1H");
        assert_eq!(cursor_move(from(3, 4), at(4, 4)), "\x1b[C");
        assert_eq!(cursor_move(from(3, 4), at(10, 4)), "\x1b[7C");
        assert_eq!(cursor_move(from(30, 4), at(0, 4)), "\r");
        assert_eq!(cursor_move(from(30, 4), at(0, 5)), "\r\x1b[B");
        assert_eq!(cursor_move(from(12, 9), at(12, 7)), "\x1b[2A");
        assert_eq!(cursor_move(from(150, 40), at(2, 3)), "\x1b[4;3H");
        assert_eq!(cursor_move(from(12, 4), at(10, 4)), "\x08\x08");
        assert_eq!(cursor_move(from(12, 4), at(5, 4)), "\x1b[7D");
        // Past the last column (waiting to wrap) a move on the row sets the column outright.
        assert_eq!(cursor_move(from(200, 4), at(190, 4)), "\x1b[191G");
    }

    #[test]
    fn blanks_take_the_pen_as_it_is() {
        use ratatui::style::Style;
        use ratatui::text::{Line, Span};
        let sink = Sink::default();
        let mut terminal = terminal(&sink, 30, 1);
        let line = Line::from(vec![
            Span::styled("ab", Style::new().red()),
            Span::styled("  ", Style::new().green().bold()),
            Span::styled("cd", Style::new().red()),
            Span::styled(" ", Style::new().underlined()),
        ]);
        let first = frame_bytes(&mut terminal, &sink, vec![line]);
        // The green bold blanks change nothing that shows; the underlined one does.
        assert!(first.contains("\x1b[31;49mab  cd\x1b[4;39m "), "{first:?}");
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
