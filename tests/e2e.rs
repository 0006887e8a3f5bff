//! End-to-end: the real `warroom` binary in a pseudo-terminal, its output fed through a
//! terminal emulator (`vt100`), keys typed into it and the resulting screen checked as text.
//!
//! Every test gets its own temporary directory (database and log), so they run in parallel.
//! A failing wait prints the whole screen, which is usually all it takes to see what went wrong.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const LAYOUT: &str = "layouts/luckygas-pilot.toml";
const NOW: &str = "2026-12-01T09:30";

const START: Duration = Duration::from_secs(10);
const STEP: Duration = Duration::from_secs(5);
/// How long the output must pause before a screen counts as fully drawn.
const QUIET: Duration = Duration::from_millis(40);

/// The list cursor's background (`Theme::selected` with the 256-colour palette).
const SELECTED_BG: vt100::Color = vt100::Color::Idx(236);

const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";

const FIRST: &str = "First order created successfully";
const SECOND: &str = "Route optimization working";

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// What the emulated terminal shows: one string per row (trailing blanks trimmed), plus which
/// rows carry the list's selection highlight.
#[derive(Clone)]
struct Screen {
    rows: Vec<String>,
    /// Rows with cells on the list cursor's background.
    selected: Vec<usize>,
    size: (u16, u16),
}

impl Screen {
    fn from(screen: &vt100::Screen) -> Self {
        let (height, width) = screen.size();
        let rows: Vec<String> = screen
            .rows(0, width)
            .map(|r| r.trim_end().to_string())
            .collect();
        let selected = (0..height)
            .filter(|&r| {
                (0..width).any(|c| {
                    screen
                        .cell(r, c)
                        .is_some_and(|c| c.bgcolor() == SELECTED_BG)
                })
            })
            .map(usize::from)
            .collect();
        Self {
            rows,
            selected,
            size: (height, width),
        }
    }

    fn has(&self, needle: &str) -> bool {
        self.rows.iter().any(|r| r.contains(needle))
    }

    /// The list row of the item titled `name`: from its mark (✓ ○ ⊘ ! …) up to the pane's
    /// right border, so that panes beside the list do not get in the way.
    fn item(&self, name: &str) -> Option<&str> {
        self.rows.iter().find_map(|r| {
            let at = r.find(&format!(" {name}"))?;
            let start = r[..at].char_indices().next_back().map(|(i, _)| i)?;
            if !['✓', '○', '⊘', '!', '…']
                .iter()
                .any(|m| r[start..].starts_with(*m))
            {
                return None;
            }
            let end = r[at..].find('│').map_or(r.len(), |e| at + e);
            Some(r[start..end].trim_end())
        })
    }

    /// The bottom line (prompt, message or key hints).
    fn status(&self) -> &str {
        self.rows.last().map_or("", String::as_str)
    }

    /// Text of the highlighted list rows.
    fn selected_rows(&self) -> Vec<&str> {
        self.selected
            .iter()
            .map(|&i| self.rows[i].as_str())
            .collect()
    }

    fn dump(&self) -> String {
        let (h, w) = self.size;
        let rule = "-".repeat(usize::from(w) + 2);
        let mut out = format!(
            "screen {w}x{h}, highlighted rows {:?}\n+{rule}+\n",
            self.selected
        );
        for row in &self.rows {
            out.push_str(&format!("|{row}\n"));
        }
        out.push_str(&format!("+{rule}+"));
        out
    }
}

/// `warroom` running in a pseudo-terminal.
struct Term {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, for checks on escape sequences.
    raw: Arc<Mutex<Vec<u8>>>,
    eof: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    label: String,
}

impl Term {
    fn spawn(args: &[&str], cols: u16, rows: u16) -> Self {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(MANIFEST_DIR);
        cmd.env("TERM", "xterm-256color");
        for var in [
            "WARROOM_DB",
            "WARROOM_LOG",
            "WARROOM_LAYOUT",
            "WARROOM_OPERATOR",
            "NO_COLOR",
            // The palette follows TERM alone (xterm-256color: the 256-colour one).
            "COLORTERM",
            "SSH_CONNECTION",
            "SSH_CLIENT",
            // The English assertions must not depend on the developer's locale (zh_TW → 中文).
            "LC_ALL",
            "LANG",
        ] {
            cmd.env_remove(var);
        }
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn warroom in the pty");
        // Our copy of the slave must go, or the reader never sees the end of the output.
        drop(pair.slave);

        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        let mut source = pair.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (parser, raw, eof) = (parser.clone(), raw.clone(), eof.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match source.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                            parser.lock().unwrap().process(&buf[..n]);
                        }
                    }
                }
                eof.store(true, Ordering::SeqCst);
            })
        };
        let writer = pair.master.take_writer().expect("pty writer");
        Self {
            master: pair.master,
            writer,
            child,
            parser,
            raw,
            eof,
            reader: Some(reader),
            label: format!("warroom {}", args.join(" ")),
        }
    }

    /// The TUI on a fresh or existing database in `dir`.
    fn tui(dir: &Path, cols: u16, rows: u16) -> Self {
        let (db, log) = (db_path(dir), dir.join("w.log"));
        Self::spawn(
            &[
                "--db",
                s(&db),
                "--log",
                s(&log),
                "--layout",
                LAYOUT,
                "--operator",
                "e2e",
                "--now",
                NOW,
            ],
            cols,
            rows,
        )
    }

    fn screen(&self) -> Screen {
        Screen::from(self.parser.lock().unwrap().screen())
    }

    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
    }

    fn send(&mut self, keys: &str) {
        self.writer
            .write_all(keys.as_bytes())
            .expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Esc on its own: a lone ESC byte followed closely by more input reads as Alt+key.
    fn esc(&mut self) {
        std::thread::sleep(Duration::from_millis(50));
        self.send("\x1b");
        std::thread::sleep(Duration::from_millis(50));
    }

    /// Polls the screen until `ok` holds; panics with the screen if it does not within `timeout`.
    #[track_caller]
    fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if ok(&screen) {
                // A frame may arrive in several writes: accept the screen only once the output
                // has paused and the condition still holds, so follow-up checks see whole frames.
                let seen = self.raw.lock().unwrap().len();
                std::thread::sleep(QUIET);
                let screen = self.screen();
                if self.raw.lock().unwrap().len() == seen && ok(&screen) {
                    return screen;
                }
                continue;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{}: timed out after {timeout:?} waiting for {what}\n{}",
                    self.label,
                    screen.dump()
                );
            }
            if self.eof.load(Ordering::SeqCst) {
                // The program is gone; give it one more look, then report.
                let screen = self.screen();
                if ok(&screen) {
                    return screen;
                }
                panic!(
                    "{}: the program ended while waiting for {what}\n{}\nraw output tail: {:?}",
                    self.label,
                    screen.dump(),
                    tail(&self.raw(), 600)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the start-up screen of the launch day.
    #[track_caller]
    fn wait_started(&self) -> Screen {
        self.wait_for(
            "the launch-day screen (\"LuckyGas Pilot Launch\" and \"First Orders\")",
            START,
            |s| s.has("LuckyGas Pilot Launch") && s.has("First Orders") && s.has(FIRST),
        )
    }

    fn resize(&mut self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Is the pty in raw mode (no line editing)? Read from the kernel's termios of the pty.
    fn canonical(&self) -> Option<bool> {
        let termios = self.master.get_termios()?;
        Some(format!("{:?}", termios.local_flags).contains("ICANON"))
    }

    /// Waits for the process to end within `timeout`, then for the last of its output.
    #[track_caller]
    fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{}: did not exit within {timeout:?}\n{}",
                    self.label,
                    self.screen().dump()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let drained = Instant::now() + Duration::from_secs(2);
        while !self.eof.load(Ordering::SeqCst) && Instant::now() < drained {
            std::thread::sleep(Duration::from_millis(10));
        }
        status
    }

    /// After exit: the alternate screen was left after it was last entered, the cursor shown
    /// again, and line editing is back on.
    #[track_caller]
    fn assert_restored(&self) {
        let raw = self.raw();
        let entered = raw.rfind(ENTER_ALT);
        let left = raw.rfind(LEAVE_ALT);
        assert!(
            entered.is_some(),
            "{}: never entered the alternate screen",
            self.label
        );
        assert!(
            left.is_some() && left > entered,
            "{}: the terminal was not restored (no {LEAVE_ALT:?} after the last {ENTER_ALT:?}); output ends with {:?}",
            self.label,
            tail(&raw, 300)
        );
        let after = &raw[left.unwrap()..];
        assert!(
            after.contains("\x1b[?25h"),
            "{}: cursor not shown again; output ends with {:?}",
            self.label,
            tail(&raw, 300)
        );
        if let Some(canonical) = self.canonical() {
            assert!(canonical, "{}: the pty was left in raw mode", self.label);
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if let Some(reader) = self.reader.take()
            && self.eof.load(Ordering::SeqCst)
        {
            let _ = reader.join();
        }
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn db_path(dir: &Path) -> PathBuf {
    dir.join("w.db")
}

fn tail(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("warroom-e2e-")
        .tempdir()
        .expect("temp dir")
}

/// `warroom status --json` on the database in `dir`, at the same pretend time.
fn status_json(dir: &Path) -> serde_json::Value {
    let out = std::process::Command::new(BIN)
        .current_dir(MANIFEST_DIR)
        .args([
            "status",
            "--json",
            "--db",
            s(&db_path(dir)),
            "--layout",
            LAYOUT,
            "--now",
            NOW,
        ])
        .env_remove("WARROOM_DB")
        .env_remove("WARROOM_LAYOUT")
        .output()
        .expect("run warroom status");
    assert!(
        out.status.success(),
        "warroom status failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "status is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// "e2e 09:30": who ticked the item, and when (a launch-clock time) at the end of its row.
fn ticked_by_e2e(row: &str) -> bool {
    row.contains('✓')
        && row.match_indices("e2e ").any(|(i, m)| {
            let t: Vec<char> = row[i + m.len()..].chars().take(5).collect();
            t.len() == 5 && t[2] == ':' && [0, 1, 3, 4].iter().all(|&k| t[k].is_ascii_digit())
        })
}

/// Ticks the item under the cursor at start (the first open one of the current block) and
/// waits until the screen shows it saved.
#[track_caller]
fn tick_first(term: &mut Term) -> Screen {
    term.send(" ");
    term.wait_for(&format!("{FIRST:?} ticked by e2e and saved"), STEP, |s| {
        s.item(FIRST).is_some_and(ticked_by_e2e)
            && s.status().contains(&format!("Saved: ticked “{FIRST}”"))
    })
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn tick_quit_and_restart_keep_the_tick() {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 80, 24);
    let screen = term.wait_started();
    assert!(
        term.canonical() != Some(true),
        "{}: the pty is not in raw mode while the TUI runs",
        term.label
    );

    // The cursor starts on the first open item of the current block (08:00–12:00).
    assert!(
        screen.has("08:00–12:00"),
        "current block not shown\n{}",
        screen.dump()
    );
    let selected = screen.selected_rows();
    assert!(
        selected.len() == 1 && selected[0].contains(FIRST),
        "cursor should start on {FIRST:?}, highlighted: {selected:?}\n{}",
        screen.dump()
    );
    assert!(
        selected[0].contains('○'),
        "{FIRST:?} should start open\n{}",
        screen.dump()
    );

    let screen = tick_first(&mut term);
    assert!(
        screen.selected_rows().iter().any(|r| r.contains(FIRST)),
        "the cursor should stay on the ticked item\n{}",
        screen.dump()
    );

    term.send("q");
    let status = term.wait_exit(STEP);
    assert!(
        status.success(),
        "q should exit with status 0, got {status:?}\n{}",
        term.screen().dump()
    );
    term.assert_restored();
    drop(term);

    let report = status_json(dir.path());
    assert_eq!(
        report["launch_day"]["done"], 1,
        "status --json after quit: {report:#}"
    );
    assert_eq!(report["phase"], "in", "{report:#}");
    assert_eq!(report["current_block"], "First Orders", "{report:#}");

    // Same database again: the tick is there, and the cursor moved on to the next open item.
    let mut term = Term::tui(dir.path(), 80, 24);
    let screen = term.wait_started();
    let row = screen.item(FIRST).unwrap_or_default();
    assert!(
        ticked_by_e2e(row),
        "after restart {FIRST:?} should show ✓ and e2e, row: {row:?}\n{}",
        screen.dump()
    );
    assert!(
        screen.selected_rows().iter().any(|r| r.contains(SECOND)),
        "after restart the cursor should be on {SECOND:?}\n{}",
        screen.dump()
    );
    term.send("q");
    assert!(term.wait_exit(STEP).success());
    term.assert_restored();
}

#[test]
fn skip_note_undo_help_views_and_search() {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 80, 24);
    term.wait_started();

    // Skip the next item, with a reason.
    term.send("j");
    term.wait_for(&format!("cursor on {SECOND:?}"), STEP, |s| {
        s.selected_rows().iter().any(|r| r.contains(SECOND))
    });
    term.send("s");
    term.wait_for("the skip dialog, with its keys", STEP, |s| {
        s.has(&format!("Skip “{SECOND}” as not applicable.")) && s.has("Enter saves · Esc cancels")
    });
    term.send("not today\r");
    let screen = term.wait_for(&format!("{SECOND:?} skipped"), STEP, |s| {
        s.item(SECOND)
            .is_some_and(|r| r.contains("skipped") && r.contains('⊘'))
            && s.status()
                .contains(&format!("Saved: skipped “{SECOND}” (not today)"))
    });
    assert!(
        !screen.item(FIRST).unwrap_or_default().contains("skipped"),
        "only {SECOND:?} is skipped\n{}",
        screen.dump()
    );

    // A note shows as a count on the row; undo takes it away again.
    term.send("n");
    term.wait_for("the note dialog", STEP, |s| {
        s.has(&format!("Note on “{SECOND}”:")) && s.has("Enter saves · Esc cancels")
    });
    term.send("hello\r");
    term.wait_for("a note count on the row", STEP, |s| {
        s.item(SECOND).is_some_and(|r| r.contains("✎1 skipped"))
            && s.status().contains("Saved: note on")
    });
    term.send("u");
    let screen = term.wait_for("the note undone", STEP, |s| {
        s.status()
            .contains(&format!("Saved: undid a change to “{SECOND}”"))
    });
    let row = screen.item(SECOND).unwrap_or_default();
    assert!(
        !row.contains('✎') && row.contains("skipped"),
        "after undo the note count should be gone and the skip kept: {row:?}\n{}",
        screen.dump()
    );

    // Help.
    term.send("?");
    term.wait_for("the help", STEP, |s| {
        s.has("tick / untick") && s.has("Keys · ↑↓ scroll · any other key closes")
    });
    term.send("?");
    term.wait_for("the help closed", STEP, |s| {
        !s.has("tick / untick") && s.has(SECOND)
    });

    // Views 2–7, each with its title, then back to the day.
    for (key, title) in [
        ("2", "Pre-launch"),
        ("3", "Success criteria"),
        ("4", "Expansion"),
        ("5", "Emergency contacts"),
        ("6", "Pilot timeline"),
        ("7", "Audit log"),
    ] {
        term.send(key);
        term.wait_for(
            &format!("view {key} titled {title:?} (and the launch-day list gone)"),
            STEP,
            |s| s.rows.iter().take(4).any(|r| r.contains(title)) && !s.has(FIRST),
        );
    }
    // The audit log lists what happened, newest first: the undo, the note (marked undone),
    // the skip with its reason.
    term.wait_for(
        "the audit log: undo, note*, skip by e2e, newest first",
        STEP,
        |s| {
            let at = |what: &str| s.rows.iter().position(|r| audit_entry(r, what));
            let (undo, note, skip) = (at("undo"), at("note*"), at("skip"));
            s.has("3 changes")
                && undo.is_some()
                && undo < note
                && note < skip
                && s.rows[skip.unwrap_or(0)].contains("not today")
        },
    );
    term.send("1");
    term.wait_for("the launch day again", STEP, |s| {
        s.has(FIRST) && s.rows.iter().any(|r| r.contains("Launch day"))
    });

    // Search in Chinese: only matching items stay, and Esc clears the filter.
    term.send("/");
    term.wait_for("the search prompt", STEP, |s| {
        s.status().contains("Search:")
    });
    term.send("報");
    // 報 is in the Chinese text of three launch-day items; blocks without a match disappear.
    let matches = [
        "Executive briefing prepared",
        "Reports generated",
        "Executive summary sent",
    ];
    term.wait_for(
        "the list filtered by 報 to its three items, without other blocks",
        STEP,
        |s| {
            s.has("search “報”")
                && matches.iter().all(|m| s.item(m).is_some())
                && !s.has(FIRST)
                && !s.has("First Orders  08:00")
        },
    );
    term.send("\r");
    term.wait_for("the search prompt closed with the filter kept", STEP, |s| {
        !s.status().contains("Search:") && s.has("search “報”") && !s.has(FIRST)
    });
    term.esc();
    // The cursor stays on the item found; the rest of the list is back around it.
    term.wait_for(
        "the filter cleared, the cursor still on the item found",
        STEP,
        |s| {
            !s.has("search “")
                && s.has("Support ticket review")
                && s.selected_rows()
                    .iter()
                    .any(|r| r.contains("Executive briefing prepared"))
        },
    );

    term.send("q");
    assert!(term.wait_exit(STEP).success());
    term.assert_restored();

    let report = status_json(dir.path());
    assert_eq!(report["launch_day"]["skipped"], 1, "{report:#}");
    assert_eq!(report["launch_day"]["done"], 0, "{report:#}");
    assert_eq!(report["events"], 3, "{report:#}");
}

/// An audit-log row: operator e2e, then the kind of change.
fn audit_entry(row: &str, what: &str) -> bool {
    let words: Vec<&str> = row.split_whitespace().collect();
    words.windows(2).any(|w| w == ["e2e", what])
}

/// The row with all three pane titles of the wide layout, left to right.
/// The war-room layout: timeline, list and the live panels' column side by side, with the
/// item's detail under the list.
fn three_panes(s: &Screen) -> bool {
    let columns = s.rows.iter().any(|r| {
        let (t, l, p) = (
            r.find("┌ Timeline "),
            r.find("┌ Launch day "),
            r.find("┌ Service health "),
        );
        matches!((t, l, p), (Some(t), Some(l), Some(p)) if t < l && l < p)
    });
    columns && s.rows.iter().any(|r| r.contains("┌ Item "))
}

#[test]
fn resize_from_80x24_to_200x60_and_back() {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 80, 24);
    let screen = term.wait_started();
    assert!(
        !three_panes(&screen),
        "80x24 should show the list alone\n{}",
        screen.dump()
    );

    term.resize(200, 60);
    // The detail pane shows the item under the cursor, the header has room for the full tab
    // titles, and the panes reach down to the status bar (their bottom border on row 59 of 60).
    let wide = [
        "第一筆訂單成功建立",
        "Launch day › First Orders 08:00–12:00 › Order Processing",
        "1 Launch day",
        "7 Audit log",
        "now · until 12:00",
    ];
    term.wait_for(
        &format!("timeline, list and item panes side by side at 200x60, with {wide:?}"),
        STEP,
        |s| {
            three_panes(s)
                && wide.iter().all(|w| s.has(w))
                && s.rows.iter().rposition(|r| r.starts_with('└')) == Some(58)
        },
    );

    term.resize(80, 24);
    term.wait_for(
        "the narrow layout again, with the two-line timeline strip",
        STEP,
        |s| !three_panes(s) && s.has(FIRST) && s.has("Day 0/45 done or skipped"),
    );
    term.send("q");
    assert!(term.wait_exit(STEP).success());
    term.assert_restored();
}

#[test]
fn wide_200x60_tick_shows_in_the_detail_pane() {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 200, 60);
    let screen = term.wait_started();
    assert!(
        three_panes(&screen),
        "200x60 should start with three panes\n{}",
        screen.dump()
    );
    assert!(screen.has("Status  Open"), "{}", screen.dump());
    tick_first(&mut term);
    term.wait_for(
        "the detail pane updated, with the tick in its history",
        STEP,
        |s| s.has("Status  ✓ Done") && s.has("By      e2e") && s.has("e2e ticked"),
    );
    term.send("q");
    assert!(term.wait_exit(STEP).success());
    term.assert_restored();
    assert_eq!(status_json(dir.path())["launch_day"]["done"], 1);
}

/// A signal ends the TUI promptly, restores the terminal and loses nothing saved.
fn signal_exits_cleanly(signal: &str, code: u32) {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 80, 24);
    term.wait_started();
    tick_first(&mut term);
    term.signal(signal);
    let status = term.wait_exit(STEP);
    assert!(
        status.exit_code() == code && status.signal().is_none(),
        "{signal}: expected a handled exit with code {code} (128 + the signal), got {status:?}"
    );
    let raw = term.raw();
    assert!(
        !raw.contains("panicked") && !raw.contains("internal error"),
        "{signal}: quiet exit, got {:?}",
        tail(&raw, 300)
    );
    term.assert_restored();
    drop(term);
    let report = status_json(dir.path());
    assert_eq!(
        report["launch_day"]["done"], 1,
        "after {signal}: {report:#}"
    );
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_tick() {
    signal_exits_cleanly("TERM", 143);
}

#[test]
fn sighup_restores_the_terminal_and_keeps_the_tick() {
    signal_exits_cleanly("HUP", 129);
}

#[test]
fn invalid_layout_fails_before_touching_the_terminal() {
    let dir = temp();
    let good = std::fs::read_to_string(Path::new(MANIFEST_DIR).join(LAYOUT))
        .expect("read the bundled layout");
    let anchor = "timezone = \"Asia/Taipei\"\n";
    let at = good.find(anchor).expect("the layout sets a timezone") + anchor.len();
    let line = good[..at].lines().count() + 1;
    let bad = format!("{}colour = \"red\"\n{}", &good[..at], &good[at..]);
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, bad).unwrap();

    let db = db_path(dir.path());
    let log = dir.path().join("w.log");
    let mut term = Term::spawn(
        &[
            "--db",
            s(&db),
            "--log",
            s(&log),
            "--layout",
            s(&path),
            "--operator",
            "e2e",
            "--now",
            NOW,
        ],
        80,
        24,
    );
    let status = term.wait_exit(STEP);
    let raw = term.raw();
    assert!(
        !status.success(),
        "a bad layout must fail, got {status:?}; output {raw:?}"
    );
    assert!(
        !raw.contains(ENTER_ALT) && !raw.contains("\x1b[?25l"),
        "the terminal was touched before the layout was checked: {raw:?}"
    );

    let prefix = format!("{}:{line}:", path.display());
    let at = raw
        .find(&prefix)
        .unwrap_or_else(|| panic!("the message should start with {prefix:?}<col>: …, got {raw:?}"));
    let rest = &raw[at + prefix.len()..];
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        !col.is_empty() && rest[col.len()..].starts_with(": "),
        "expected <file>:<line>:<col>: …, got {raw:?}"
    );
    assert!(
        rest.contains("colour"),
        "the message should name the unknown field: {raw:?}"
    );
    assert!(!db.exists(), "a bad layout should not create the database");
}

/// `warroom status` as text in the language of `--lang`, else of LC_ALL / LANG.
fn status_text(dir: &Path, flag: Option<&str>, env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(BIN);
    cmd.current_dir(MANIFEST_DIR)
        .args([
            "status",
            "--db",
            s(&db_path(dir)),
            "--layout",
            LAYOUT,
            "--now",
            NOW,
        ])
        .env_remove("WARROOM_DB")
        .env_remove("WARROOM_LAYOUT")
        .env_remove("LC_ALL")
        .env_remove("LANG");
    if let Some(lang) = flag {
        cmd.args(["--lang", lang]);
    }
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("run warroom status");
    assert!(
        out.status.success(),
        "warroom status failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn status_speaks_the_language_of_the_flag_or_the_locale() {
    let dir = temp();
    let zh = status_text(dir.path(), Some("zh-TW"), &[]);
    assert!(
        zh.contains("進行中：首批訂單") && zh.contains("上線日：已完成或略過"),
        "{zh}"
    );
    let en = status_text(dir.path(), None, &[]);
    assert!(en.contains("Now: First Orders"), "{en}");
    let by_lang = status_text(dir.path(), None, &[("LANG", "zh_TW.UTF-8")]);
    assert!(
        by_lang.contains("進行中："),
        "LANG=zh_TW selects Chinese:\n{by_lang}"
    );
    let lc_all_wins = status_text(
        dir.path(),
        None,
        &[("LANG", "zh_TW.UTF-8"), ("LC_ALL", "en_US.UTF-8")],
    );
    assert!(
        lc_all_wins.contains("Now: "),
        "LC_ALL wins over LANG:\n{lc_all_wins}"
    );
    let flag_wins = status_text(dir.path(), Some("en"), &[("LC_ALL", "zh_TW.UTF-8")]);
    assert!(flag_wins.contains("Now: "), "--lang wins:\n{flag_wins}");
}

#[test]
fn tui_in_chinese_with_lang_flag() {
    let dir = temp();
    let (db, log) = (db_path(dir.path()), dir.path().join("w.log"));
    let mut term = Term::spawn(
        &[
            "--db",
            s(&db),
            "--log",
            s(&log),
            "--layout",
            LAYOUT,
            "--operator",
            "e2e",
            "--now",
            NOW,
            "--lang",
            "zh-TW",
        ],
        80,
        24,
    );
    term.wait_for("the launch day in Chinese", START, |s| {
        s.has("LuckyGas 試營運上線") && s.has("首批訂單") && s.has("勾選")
    });
    term.send("q");
    let status = term.wait_exit(STEP);
    assert!(
        status.success(),
        "q should exit with status 0, got {status:?}"
    );
}

/// `warroom status | head -1` and `warroom check FILE | head -1`: the reader goes away; warroom
/// ends quietly, as any Unix filter does, without a panic.
#[test]
fn a_closed_pipe_ends_status_and_check_quietly() {
    let dir = temp();
    let db = db_path(dir.path());
    for args in [
        format!("status --db {} --layout {LAYOUT} --now {NOW}", s(&db)),
        format!("check {LAYOUT}"),
        format!(
            "report --db {} --layout {LAYOUT} --now {NOW} --format html",
            s(&db)
        ),
    ] {
        if args.starts_with("report") && !db.exists() {
            // The report needs a database: let status's sibling, the TUI, make one.
            let mut term = Term::tui(dir.path(), 80, 24);
            term.wait_started();
            term.send("q");
            term.wait_exit(STEP);
        }
        let out = std::process::Command::new("sh")
            .current_dir(MANIFEST_DIR)
            .arg("-c")
            // Slow reader: head exits after one line, long before warroom has written all.
            .arg(format!("'{BIN}' {args} | head -c 1 >/dev/null; exit 0"))
            .env_remove("WARROOM_DB")
            .env_remove("WARROOM_LAYOUT")
            .output()
            .expect("run through a pipe");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args}: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hot reload: the layout of a running warroom edited four times
// ---------------------------------------------------------------------------------------------

/// Replaces `from` by `to` in the layout file, whole (as an editor's save does).
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read the layout copy");
    assert!(text.contains(from), "{from:?} is not in the layout");
    std::fs::write(path, text.replacen(from, to, 1)).expect("write the layout copy");
}

/// What warroom.log says, as text.
fn log_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("w.log")).unwrap_or_default()
}

#[test]
fn editing_the_layout_of_a_running_warroom() {
    let dir = temp();
    let layout = dir.path().join("layout.toml");
    std::fs::copy(Path::new(MANIFEST_DIR).join(LAYOUT), &layout).expect("copy the layout");
    let (db, log) = (db_path(dir.path()), dir.path().join("w.log"));
    let mut term = Term::spawn(
        &[
            "--db",
            s(&db),
            "--log",
            s(&log),
            "--layout",
            s(&layout),
            "--operator",
            "e2e",
            "--now",
            NOW,
        ],
        120,
        40,
    );
    term.wait_started();
    tick_first(&mut term);

    // 1. A changed text: the ticked item keeps its tick under its new words.
    edit(
        &layout,
        "text = \"First order created successfully\"",
        "text = \"First order created and confirmed\"",
    );
    let screen = term.wait_for("the edited text", STEP, |s| {
        s.item("First order created and confirmed")
            .is_some_and(ticked_by_e2e)
    });
    assert!(
        !screen.has(FIRST),
        "the old text is gone\n{}",
        screen.dump()
    );
    assert!(
        screen
            .status()
            .contains("Layout reloaded: 0 items added, 0 removed"),
        "{}",
        screen.dump()
    );
    assert!(log_text(dir.path()).contains("layout reloaded"));

    // 2. An added item shows in its block, open.
    edit(
        &layout,
        "  { id = \"route-optimization-working\"",
        "  { id = \"cylinders-counted\", text = \"Cylinders counted at the depot\" },\n  { id = \"route-optimization-working\"",
    );
    let screen = term.wait_for("the added item", STEP, |s| {
        s.has("Cylinders counted at the depot") && s.status().contains("1 items added")
    });
    assert!(
        screen
            .item("Cylinders counted at the depot")
            .is_some_and(|row| !row.contains('✓')),
        "{}",
        screen.dump()
    );

    // 3. The ticked item removed: gone from the list, its tick still in the audit view.
    edit(
        &layout,
        "  { id = \"first-order-created\", text = \"First order created and confirmed\", text_zh = \"第一筆訂單成功建立\" },\n",
        "",
    );
    term.wait_for("the removed item gone", STEP, |s| {
        !s.has("First order created") && s.status().contains("1 removed")
    });
    term.send("7");
    let audit = term.wait_for("the removed item's tick in the audit view", STEP, |s| {
        s.has("first-order-created")
    });
    assert!(audit.has("e2e"), "{}", audit.dump());
    term.send("1");
    let log = log_text(dir.path());
    assert!(
        log.contains("removed=1"),
        "warroom.log: {}",
        tail(&log, 2000)
    );

    // 4. A broken line: the running layout stays, the banner says where, until fixed.
    edit(
        &layout,
        "[[block]]\nid = \"morning\"",
        "[[block]\nid = \"morning\"",
    );
    let screen = term.wait_for("the layout error in the banner", STEP, |s| {
        s.has("Layout not reloaded:") && s.has("layout.toml:")
    });
    assert!(
        screen.has("Cylinders counted at the depot"),
        "{}",
        screen.dump()
    );
    let log = log_text(dir.path());
    assert!(
        log.contains("the edited layout is not applied"),
        "warroom.log: {}",
        tail(&log, 2000)
    );
    edit(
        &layout,
        "[[block]\nid = \"morning\"",
        "[[block]]\nid = \"morning\"",
    );
    let screen = term.wait_for("the banner gone once fixed", STEP, |s| {
        !s.has("Layout not reloaded")
    });
    assert!(
        screen.has("Cylinders counted at the depot"),
        "{}",
        screen.dump()
    );
    term.send("q");
    term.wait_exit(STEP);
}

/// Standard base64, for reading back what OSC 52 carried.
fn unbase64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let values: Vec<u32> = text
        .bytes()
        .take_while(|b| *b != b'=')
        .filter_map(|b| ALPHABET.iter().position(|a| *a == b).map(|p| p as u32))
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | (v << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[test]
fn the_status_update_reaches_the_terminal_clipboard_over_osc_52() {
    let dir = temp();
    let mut term = Term::tui(dir.path(), 80, 24);
    term.wait_started();
    term.send("U");
    term.wait_for("the status update dialog", STEP, |s| {
        s.has("Status update") && s.has("c copies again")
    });
    let raw = term.raw();
    let start = raw.find("\x1b]52;c;").expect("an OSC 52 sequence") + "\x1b]52;c;".len();
    let end = raw[start..]
        .find('\x07')
        .expect("the sequence ends with BEL")
        + start;
    let copied = String::from_utf8(unbase64(&raw[start..end])).expect("UTF-8 text");
    assert!(
        copied.starts_with("LuckyGas Pilot Launch — status at 09:30")
            && copied.contains("Now: First Orders"),
        "{copied}"
    );
    term.esc();
    term.send("q");
    term.wait_exit(STEP);
}
