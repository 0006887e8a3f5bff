//! Screens on degraded terminals, checked in the bytes a real backend writes (warroom's own
//! `QuietBackend`, as the TUI uses it), not only in the buffer: with the 16-colour palette no
//! 256-colour or 24-bit code is written; with 256 or 24-bit colour only the grey and the
//! selection are; with `NO_COLOR` no colour at all; with `--ascii`
//! every cell of the screen and every byte written is ASCII.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use warroom::app::App;
use warroom::tui::QuietBackend;
use warroom::ui::{self, Theme, theme::Palette};
use warroom::update::{Msg, update};

mod common;
use common::live::{State, app_in};

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

fn key(app: &mut App, code: KeyCode) {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// The screens that carry the most styles: the launch day with alerts, the tick-anyway
/// question, the alerts list, help, the panels.
fn screens() -> Vec<(&'static str, App)> {
    let day = app_in(State::Critical);
    let mut question = app_in(State::Critical);
    question
        .view_state_mut(warroom::app::View::LaunchDay)
        .selected = Some("external-apis-responding".into());
    key(&mut question, KeyCode::Char(' '));
    let mut alerts = app_in(State::Critical);
    key(&mut alerts, KeyCode::Char('!'));
    let mut help = app_in(State::Warn);
    key(&mut help, KeyCode::Char('?'));
    let mut panels = app_in(State::Stale);
    key(&mut panels, KeyCode::Char('8'));
    vec![
        ("launch day", day),
        ("tick anyway", question),
        ("alerts", alerts),
        ("help", help),
        ("panels", panels),
    ]
}

/// What the backend writes for one frame of `app`, and the frame.
fn written(app: &App, theme: &Theme, w: u16, h: u16) -> (Vec<u8>, Buffer) {
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
    };
    let backend = QuietBackend::new(Vec::new()).with_palette(theme.palette);
    let mut terminal = Terminal::with_options(backend, options).expect("terminal");
    let frame = terminal
        .draw(|f| ui::draw(f, app, theme))
        .expect("draw")
        .buffer
        .clone();
    (terminal.backend().writer().clone(), frame)
}

/// Every SGR sequence's parameters, as written: `ESC [ p ; p … m`.
fn sgr_params(bytes: &[u8]) -> Vec<Vec<u16>> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("\x1b[") {
        let after = &rest[start + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[end..].starts_with('m') {
            let params = after[..end]
                .split(';')
                .filter(|p| !p.is_empty())
                .map(|p| p.parse().expect("a number"))
                .collect();
            out.push(params);
        }
        rest = &after[end..];
    }
    out
}

/// The colour codes among SGR parameters (38;5;n and 38;2;r;g;b counted once each).
fn colour_codes(params: &[u16]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < params.len() {
        match params[i] {
            38 | 48 => {
                let n = match params.get(i + 1) {
                    Some(5) => 3,
                    Some(2) => 5,
                    _ => 1,
                };
                out.push(
                    params[i..(i + n).min(params.len())]
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(";"),
                );
                i += n;
            }
            p @ (30..=37 | 39 | 40..=47 | 49 | 90..=97 | 100..=107) => {
                out.push(p.to_string());
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// The colour codes of every SGR sequence one frame of `app` writes.
fn colours_written(app: &App, theme: &Theme, w: u16, h: u16) -> Vec<String> {
    let (bytes, _) = written(app, theme, w, h);
    sgr_params(&bytes)
        .iter()
        .flat_map(|p| colour_codes(p))
        .collect()
}

#[test]
fn sixteen_colours_write_only_the_sixteen_colour_codes() {
    let theme = Theme::new(Palette::Ansi16, false);
    for (name, app) in screens() {
        for (w, h) in SIZES {
            let codes = colours_written(&app, &theme, w, h);
            assert!(
                !codes.is_empty(),
                "{name} {w}x{h}: no colour written at all"
            );
            let extended: Vec<&String> = codes.iter().filter(|c| c.contains(';')).collect();
            assert!(
                extended.is_empty(),
                "{name} {w}x{h}: 256-colour or 24-bit codes on a 16-colour terminal: {extended:?}"
            );
            // Critical, ok and no data still differ: bright red, green, grey.
            let needed: &[&str] = if name == "launch day" {
                &["91", "32", "90"]
            } else {
                &[]
            };
            for needed in needed {
                assert!(
                    codes.iter().any(|c| c == needed),
                    "{name} {w}x{h}: colour {needed} missing from {codes:?}"
                );
            }
        }
    }
}

/// On 256 and 24-bit terminals, states and headings are the theme's own colours, written as
/// the 16's short codes; the only extended codes are the grey and the selection background,
/// which the 16 do not have.
#[test]
fn deeper_palettes_use_the_themes_colours_and_add_only_a_grey_and_a_selection() {
    for (palette, grey, selection) in [
        (Palette::Ansi256, "38;5;245", "48;5;236"),
        (Palette::TrueColor, "38;2;135;135;135", "48;2;48;52;64"),
    ] {
        let theme = Theme::new(palette, false);
        for (name, app) in screens() {
            for (w, h) in SIZES {
                let codes = colours_written(&app, &theme, w, h);
                let extended: Vec<&String> = codes
                    .iter()
                    .filter(|c| c.contains(';') && *c != grey && *c != selection)
                    .collect();
                assert!(
                    extended.is_empty(),
                    "{palette:?} {name} {w}x{h}: extended codes beyond the grey and the selection: {extended:?}"
                );
                assert!(
                    codes.iter().any(|c| c == grey),
                    "{palette:?} {name} {w}x{h}: no grey in {codes:?}"
                );
                if name == "launch day" {
                    // Critical, ok and the selected row: bright red, green, the background.
                    for needed in ["91", "32", selection] {
                        assert!(
                            codes.iter().any(|c| c == needed),
                            "{palette:?} {name} {w}x{h}: colour {needed} missing from {codes:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn no_color_writes_no_colour_and_keeps_states_apart_by_attribute() {
    let theme = Theme::new(Palette::None, false);
    for (name, app) in screens() {
        for (w, h) in SIZES {
            let (bytes, _) = written(&app, &theme, w, h);
            let params = sgr_params(&bytes);
            let codes: Vec<String> = params.iter().flat_map(|p| colour_codes(p)).collect();
            assert!(
                codes.is_empty(),
                "{name} {w}x{h}: colours written: {codes:?}"
            );
            // Critical is bold and the selection reversed: states still show.
            let all: Vec<u16> = params.into_iter().flatten().collect();
            assert!(all.contains(&1), "{name} {w}x{h}: nothing bold");
            assert!(all.contains(&7), "{name} {w}x{h}: nothing reversed");
        }
    }
}

#[test]
fn ascii_writes_only_ascii() {
    for palette in [Palette::Ansi16, Palette::None] {
        let theme = Theme::new(palette, true);
        for (name, app) in screens() {
            for (w, h) in SIZES {
                let (bytes, frame) = written(&app, &theme, w, h);
                for y in 0..h {
                    for x in 0..w {
                        let symbol = frame[(x, y)].symbol();
                        assert!(
                            symbol.is_ascii(),
                            "{name} {w}x{h}: {symbol:?} at {x},{y}:\n{}",
                            common::render_with(&app, w, h, &theme)
                        );
                    }
                }
                assert!(bytes.is_ascii(), "{name} {w}x{h}: a byte above 127 written");
                let screen = common::render_with(&app, w, h, &theme);
                assert!(!screen.contains("[x]") || name != "panels", "{screen}");
                // Spelled out, not replaced by question marks.
                assert!(!screen.contains("??"), "{name} {w}x{h}:\n{screen}");
            }
        }
    }
    // What OK looks like in ASCII: "ok", never "[x]".
    let theme = Theme::new(Palette::None, true);
    let mut app = app_in(State::Ok);
    key(&mut app, KeyCode::Char('8'));
    let health = common::render_with(&app, 80, 24, &theme);
    assert!(health.contains("ok API"), "{health}");
    assert!(health.contains("+-"), "borders in ASCII:\n{health}");
    let day = common::render_with(&app_in(State::Ok), 200, 60, &theme);
    assert!(day.contains("live ok"), "{day}");
}

/// The deliveries bar's failed part is plain red: bold changes nothing on a full block, and
/// switching it on and off around the part costs bytes on every poll that moves the bar.
#[test]
fn the_failed_part_of_the_deliveries_bar_is_not_bold() {
    let theme = Theme::new(Palette::Ansi256, false);
    let (_, frame) = written(&app_in(State::Critical), &theme, 200, 60);
    let red_blocks: Vec<_> = frame
        .content()
        .iter()
        .filter(|c| c.symbol() == "█" && c.fg == ratatui::style::Color::LightRed)
        .collect();
    assert!(!red_blocks.is_empty(), "no failed part on the bar");
    for cell in red_blocks {
        assert!(
            !cell.modifier.contains(ratatui::style::Modifier::BOLD),
            "{cell:?}"
        );
    }
}
