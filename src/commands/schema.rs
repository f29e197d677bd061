//! `vprof schema [--check]`: print the profile JSON Schema, or check the committed copy.

use super::Context;
use crate::check::schema::profile_schema_text;
use crate::error::Error;
use crate::exit::Outcome;

/// Where the committed schema lives, relative to the project root.
pub const SCHEMA_PATH: &str = "schemas/profile.schema.json";

pub fn run(ctx: &Context, check: bool) -> Result<Outcome, Error> {
    let text = profile_schema_text();
    if !check {
        ctx.printer.out(&text);
        return Ok(Outcome::Success);
    }
    let path = ctx.cwd.join(SCHEMA_PATH);
    let committed = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: SCHEMA_PATH.into(),
        source,
    })?;
    if committed == text {
        ctx.printer.err(&format!("{SCHEMA_PATH} is up to date\n"));
        Ok(Outcome::Success)
    } else {
        ctx.printer.err(&format!(
            "{SCHEMA_PATH} is stale: regenerate it with `vprof schema > {SCHEMA_PATH}`\n"
        ));
        Ok(Outcome::Findings)
    }
}
