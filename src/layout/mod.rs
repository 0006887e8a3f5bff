//! Layout files (`layouts/*.toml`): the file format, its validation, and the checked model.

pub mod calendar;
mod env;
mod error;
mod file;
mod model;
mod validate;
mod validate_live;
mod validate_panels;
pub mod watch;

pub use calendar::PilotDay;
pub use env::Env;
pub use error::{LayoutError, Locator, Problem, render_problems};
pub use model::*;
pub use validate_live::parse_duration;
pub use validate_panels::parse_value_ref;

use std::path::Path;

/// Reads and validates a layout file; `${NAME}`s are read from `env`.
pub fn load(path: &Path, env: &Env) -> Result<Layout, LayoutError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| LayoutError::Read {
        file: file.clone(),
        source,
    })?;
    parse_bytes(&file, &bytes, env)
}

/// Validates a layout as read from disk: text that is not UTF-8 is refused at its line.
pub fn parse_bytes(file: &str, bytes: &[u8], env: &Env) -> Result<Layout, LayoutError> {
    let text = std::str::from_utf8(bytes).map_err(|e| LayoutError::Invalid {
        file: file.to_string(),
        problems: vec![not_utf8(bytes, &e)],
    })?;
    parse(file, text, env)
}

/// Validates layout text; `file` is only used to name the source in messages.
pub fn parse(file: &str, text: &str, env: &Env) -> Result<Layout, LayoutError> {
    validate::parse(file, text, env).map_err(|problems| LayoutError::Invalid {
        file: file.to_string(),
        problems,
    })
}

/// Where the first byte that is not UTF-8 is, as line and column of the text before it.
fn not_utf8(bytes: &[u8], e: &std::str::Utf8Error) -> Problem {
    let good = &bytes[..e.valid_up_to()];
    // The prefix is valid UTF-8 by definition of valid_up_to.
    let before = std::str::from_utf8(good).unwrap_or_default();
    let (line, column) = Locator::new(before).position(before.len());
    let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
    Problem {
        line,
        column,
        field: String::new(),
        message: format!(
            "invalid UTF-8 (byte 0x{byte:02X}): a layout must be UTF-8 text; save it as UTF-8"
        ),
    }
}
