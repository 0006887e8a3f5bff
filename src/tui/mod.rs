//! The real terminal: raw mode and the alternate screen, the quiet backend, and putting it
//! back on every way out: quit, error, panic, SIGINT, SIGTERM and SIGHUP. The loop that draws
//! on it is [`crate::runtime`].

mod backend;

use std::io::{self, Stdout, Write};

use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;

pub use backend::QuietBackend;

pub type Term = Terminal<QuietBackend<Stdout>>;

/// Switches to raw mode and the alternate screen; switches back when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        Self::enter_with(crate::ui::theme::Palette::TrueColor)
    }

    /// Raw mode and the alternate screen, cleared, for a terminal of `palette`.
    pub fn enter_with(palette: crate::ui::theme::Palette) -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let mut stdout = io::stdout();
        // Cleared: after a warroom killed with -9 the terminal may still be on the alternate
        // screen with its last frame, and ratatui draws only what differs from a blank one.
        if let Err(e) = execute!(
            stdout,
            terminal::EnterAlternateScreen,
            terminal::Clear(terminal::ClearType::All),
            cursor::Hide
        ) {
            restore();
            return Err(e);
        }
        let backend = QuietBackend::new(stdout).with_palette(palette);
        let terminal = Terminal::new(backend).inspect_err(|_| restore())?;
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as the shell expects it. Safe to call twice, and when the terminal
/// is already gone (a dropped SSH session): errors are ignored because there is no one to tell.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut stdout = io::stdout();
    // The backend keeps its colours from frame to frame: the shell gets none of them.
    let _ = execute!(
        stdout,
        crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = stdout.flush();
}

/// On panic: restore the terminal first so the message is readable, log it, and say where the
/// log is. Everything the operator did is already committed or journaled, so nothing is lost.
pub fn install_panic_hook(log_path: String) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(%info, %backtrace, "panic");
        // Written, not printed: on a terminal that hung up, printing would panic again.
        let _ = write!(
            io::stderr(),
            "\nwarroom stopped on an internal error. Every change you saw saved is on disk.\n\
             Details are in the log: {log_path}\n\n"
        );
        default(info);
    }));
}
