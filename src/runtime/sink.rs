//! Where the runtime's output goes: frames, the bell and clipboard writes. The real terminal
//! is one sink; tests use [`Headless`], which records what would have been shown.

use std::io::{self, Write};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::app::App;
use crate::tui::TerminalGuard;
use crate::ui::{self, Theme};

/// The output side of the runtime. An error from `draw` or `resize` means the terminal is
/// gone; the bell and the clipboard are best effort.
pub trait Sink {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()>;
    /// The terminal changed size: the next frame is drawn whole at the new size.
    fn resize(&mut self) -> io::Result<()>;
    fn bell(&mut self) -> io::Result<()>;
    /// Puts `text` on the operator's clipboard (OSC 52: works over SSH and in tmux).
    fn copy(&mut self, text: &str) -> io::Result<()>;
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding: the one encoding OSC 52 takes.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The real terminal: raw mode, the alternate screen, the [`crate::tui::QuietBackend`].
pub struct TerminalSink {
    guard: TerminalGuard,
}

impl TerminalSink {
    /// Enters the terminal (cleared) with the theme's palette; restored when dropped.
    pub fn enter(theme: &Theme) -> io::Result<Self> {
        Ok(Self {
            guard: TerminalGuard::enter_with(theme.palette)?,
        })
    }
}

impl Sink for TerminalSink {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        self.guard
            .terminal
            .draw(|f| ui::draw(f, app, theme))
            .map(|_| ())
    }

    fn resize(&mut self) -> io::Result<()> {
        self.guard.terminal.backend().forget_size();
        self.guard.terminal.autoresize()
    }

    fn bell(&mut self) -> io::Result<()> {
        let mut stdout = io::stdout();
        stdout.write_all(b"\x07").and_then(|()| stdout.flush())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        let mut stdout = io::stdout();
        stdout
            .write_all(osc52(text).as_bytes())
            .and_then(|()| stdout.flush())
    }
}

/// A terminal in memory (ratatui's TestBackend): counts frames, bells and clipboard writes,
/// and keeps the last screen for tests and the scale run.
pub struct Headless {
    terminal: Terminal<TestBackend>,
    pub frames: u64,
    pub bells: u64,
    pub copied: Vec<String>,
}

impl Headless {
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            terminal: Terminal::new(TestBackend::new(width, height))
                .unwrap_or_else(|never| match never {}),
            frames: 0,
            bells: 0,
            copied: Vec::new(),
        }
    }

    /// The last frame drawn.
    pub fn buffer(&self) -> &Buffer {
        self.terminal.backend().buffer()
    }

    /// The last frame as text, one line per row.
    pub fn screen(&self) -> String {
        let buffer = self.buffer();
        let width = usize::from(buffer.area.width.max(1));
        let mut out = String::new();
        for (i, cell) in buffer.content.iter().enumerate() {
            if i > 0 && i % width == 0 {
                out.push('\n');
            }
            out.push_str(cell.symbol());
        }
        out
    }

    /// Does the last frame show `text` (on one line)?
    pub fn shows(&self, text: &str) -> bool {
        self.screen().lines().any(|l| l.contains(text))
    }

    /// A new size for the next frame, as a terminal's resize would.
    pub fn set_size(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
    }
}

impl Sink for Headless {
    fn draw(&mut self, app: &App, theme: &Theme) -> io::Result<()> {
        if let Err(never) = self.terminal.draw(|f| ui::draw(f, app, theme)) {
            match never {}
        }
        self.frames += 1;
        Ok(())
    }

    fn resize(&mut self) -> io::Result<()> {
        if let Err(never) = self.terminal.autoresize() {
            match never {}
        }
        Ok(())
    }

    fn bell(&mut self) -> io::Result<()> {
        self.bells += 1;
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.copied.push(text.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one_with_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
