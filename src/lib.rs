//! warroom: the launch-day command center. Layers, lowest first: a module imports only
//! from the ones listed before it.
//!
//! - [`clock`]: the one clock every stored time is read from.
//! - [`layout`]: the layout file format and its validation.
//! - [`store`]: the append-only event log (sqlx, SQLite or PostgreSQL), its tasks and the
//!   outage journal; imports nothing above it but [`backoff`].
//! - [`backoff`]: the one exponential backoff, for the store and the [`poller`].
//! - [`app`]: state — the day's ledger, clock, cursor and mode.
//! - [`action`] / [`update`]: what keys, ticks and store replies do.
//! - [`ui`]: pure rendering, one file per pane.
//! - [`report`]: `warroom report`, the end-of-day report (Markdown, HTML, JSON).
//! - [`sim`]: `warroom demo`, a simulated LuckyGas backend to rehearse against.
//! - [`tui`]: the real terminal — raw mode, restore on every way out, the quiet backend.
//! - [`runtime`]: the one runtime — owns the app, runs every effect, makes frames into a sink.
//! - [`commands`]: one file per subcommand; main.rs only parses arguments and calls one.

pub mod action;
pub mod app;
pub mod backoff;
pub mod check;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod i18n;
pub mod judge;
pub mod layout;
pub mod operator;
pub mod paths;
pub mod poller;
pub mod report;
pub mod runtime;
pub mod sim;
pub mod sources;
pub mod status;
pub mod store;
pub mod tui;
pub mod ui;
pub mod update;
pub mod words;

/// The LuckyGas pilot layout, built in so that `warroom` works from any directory.
pub const BUILTIN_LAYOUT: &str = include_str!("../layouts/luckygas-pilot.toml");
pub const BUILTIN_LAYOUT_NAME: &str = "layouts/luckygas-pilot.toml (built in)";
