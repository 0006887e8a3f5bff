//! Where warroom keeps its files: the XDG data dir (`~/.local/share/warroom`) unless told.

use std::path::PathBuf;

pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "warroom")
        .map_or_else(|| PathBuf::from(".warroom"), |d| d.data_dir().to_path_buf())
}

pub fn default_db() -> PathBuf {
    data_dir().join("warroom.db")
}

pub fn log_file() -> PathBuf {
    data_dir().join("warroom.log")
}
