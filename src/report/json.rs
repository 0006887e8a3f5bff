//! The report as JSON, for other tools; its shape is `schemas/report.schema.json`.

use anyhow::{Context, Result};

use super::model::Report;

pub fn render(report: &Report) -> Result<String> {
    serde_json::to_string_pretty(report).context("cannot write the report as JSON")
}
