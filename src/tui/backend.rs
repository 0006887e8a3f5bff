//! A crossterm backend that writes nothing when nothing changed.
//!
//! ratatui asks the backend to draw even an empty diff, and the crossterm backend answers every
//! draw with colour resets and every frame with a hide-cursor sequence: about 25 bytes a second
//! for a screen whose only change is none. Over SSH on launch day, bytes are latency, so this
//! wrapper skips empty draws and repeated cursor commands.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

pub struct QuietBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// Whether the cursor is known to be hidden (`None`: unknown, so always send).
    cursor_hidden: Option<bool>,
}

impl<W: Write> QuietBackend<W> {
    pub fn new(writer: W) -> Self {
        Self {
            inner: CrosstermBackend::new(writer),
            cursor_hidden: None,
        }
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
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(true) {
            self.inner.hide_cursor()?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    /// Never fails: ratatui shows the cursor again when the terminal is dropped and prints a
    /// failure to stderr — which, after a hangup, is the terminal that is gone, and printing
    /// to it panics. The guard's restore shows the cursor anyway, ignoring a dead terminal.
    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(false) {
            if let Err(e) = self.inner.show_cursor() {
                tracing::debug!(error = %e, "cannot show the cursor: the terminal is gone");
            }
            self.cursor_hidden = Some(false);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
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
}
