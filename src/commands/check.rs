//! `warroom check FILE`: what the layout holds on stdout, its problems on stderr.

use std::path::Path;
use std::process::ExitCode;

use super::say;
use crate::layout;

/// `warroom check`: what the layout holds on stdout, its problems on stderr.
pub fn check(file: &Path, strict: bool) -> ExitCode {
    let outcome = crate::check::check(file, &layout::Env::process(), strict);
    for line in &outcome.out {
        println!("{line}");
    }
    for line in &outcome.err {
        say(line);
    }
    if outcome.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
