//! `vprof schema [--output] [--check]`: print the profile JSON Schema (or, with `--output`,
//! the schema of every command's JSON output), or check the committed copy.

use super::Context;
use crate::check::schema::profile_schema_text;
use crate::error::Error;
use crate::exit::Outcome;
use crate::report::documents::SchemaCheckReport;
use crate::report::{Report, output_schema_text};

/// Where the committed profile schema lives, relative to the project root.
pub const SCHEMA_PATH: &str = "schemas/profile.schema.json";
/// Where the committed output schema lives, relative to the project root.
pub const OUTPUT_SCHEMA_PATH: &str = "schemas/output.schema.json";

pub fn run(ctx: &Context, check: bool, output: bool) -> Result<Report, Error> {
    let (text, path) = if output {
        (output_schema_text()?, OUTPUT_SCHEMA_PATH)
    } else {
        (profile_schema_text()?, SCHEMA_PATH)
    };
    if !check {
        // The schema is itself the one JSON document.
        let doc: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::Internal(format!("the generated schema is not JSON: {e}")))?;
        return Ok(Report::plain(&doc).stdout(text));
    }
    let committed = std::fs::read_to_string(ctx.cwd.join(path)).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    let up_to_date = committed == text;
    let doc = SchemaCheckReport {
        path: path.to_string(),
        up_to_date,
        findings: Vec::new(),
    };
    let flag = if output { " --output" } else { "" };
    Ok(if up_to_date {
        Report::plain(&doc).note(format!("{path} is up to date\n"))
    } else {
        Report::plain(&doc)
            .note(format!(
                "{path} is stale: regenerate it with `vprof schema{flag} > {path}`\n"
            ))
            .at_least(Outcome::Findings)
    })
}
