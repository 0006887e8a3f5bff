//! Layout files (`layouts/*.toml`): the file format, its validation, and the checked model.

mod error;
mod file;
mod model;
mod validate;
mod validate_live;

pub use error::{LayoutError, Locator, Problem, render_problems};
pub use model::*;

use std::path::Path;

/// Reads and validates a layout file.
pub fn load(path: &Path) -> Result<Layout, LayoutError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LayoutError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&file, &text)
}

/// Validates layout text; `file` is only used to name the source in messages.
pub fn parse(file: &str, text: &str) -> Result<Layout, LayoutError> {
    validate::parse(file, text).map_err(|problems| LayoutError::Invalid {
        file: file.to_string(),
        problems,
    })
}

pub use validate_live::set_env_override;
