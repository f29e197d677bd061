//! One module per subcommand: arguments in, `crate::pipeline` for loading and checking,
//! a report out. This one holds what they share: the context and reporting findings.

pub mod bench;
pub mod diff;
pub mod import;
pub mod init;
pub mod list;
pub mod plan;
pub mod render;
pub mod schema;
pub mod show;
pub mod sweep;
pub mod validate;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::cli::Format;
use crate::diagnostics;
use crate::error::Error;
use crate::exit::Outcome;
use crate::output::Printer;
use crate::pipeline::Pipeline;
use crate::profile::Profile;

/// What every command gets.
#[derive(Debug)]
pub struct Context {
    pub cwd: PathBuf,
    pub printer: Printer,
    pub format: Format,
}

/// Open the pipeline of the project around the working directory.
pub fn open(ctx: &Context) -> Result<Pipeline, Error> {
    Pipeline::open(&ctx.cwd)
}

/// Load profiles deployed together (`render`, `diff`); `None` when findings stop the run
/// (they have been reported). In JSON the findings document is printed only when it stops
/// the run, so that stdout holds one document (the command's own) otherwise.
pub fn load_deployment(
    ctx: &Context,
    run: &mut Pipeline,
    names: &[String],
    together: bool,
) -> Result<Option<Vec<Profile>>, Error> {
    let loaded = run.load_deployment(names, together)?;
    if ctx.format == Format::Json && loaded.is_some() {
        return Ok(loaded);
    }
    report(ctx, run, None);
    Ok(loaded)
}

/// Print the findings (human on stderr, JSON on stdout) and decide the outcome.
pub fn report(ctx: &Context, run: &Pipeline, summary: Option<String>) -> Outcome {
    finish(ctx, run, summary, None)
}

/// Like `report`, for commands with a JSON document of their own: the findings go into
/// it as `"findings"`, so stdout holds exactly one JSON document.
pub fn report_json(ctx: &Context, run: &Pipeline, doc: serde_json::Value) -> Outcome {
    finish(ctx, run, None, Some(doc))
}

fn finish(
    ctx: &Context,
    run: &Pipeline,
    summary: Option<String>,
    doc: Option<serde_json::Value>,
) -> Outcome {
    let diags = run.findings();
    match (ctx.format, doc) {
        (Format::Json, Some(mut doc)) => {
            let findings: Vec<serde_json::Value> = diags
                .iter()
                .map(|d| diagnostics::finding_json(d, &run.sources))
                .collect();
            if let serde_json::Value::Object(map) = &mut doc {
                map.insert("findings".into(), serde_json::Value::Array(findings));
            }
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            ctx.printer.out(&format!("{text}\n"));
        }
        (Format::Json, None) => ctx
            .printer
            .out(&diagnostics::render_json(diags.iter(), &run.sources)),
        (Format::Human, _) => {
            ctx.printer.err(&diagnostics::render_human(
                diags.iter(),
                &run.sources,
                ctx.printer.color_stderr,
            ));
            if let Some(summary) = summary {
                let errors = diags.error_count();
                let warnings = diags.len() - errors;
                ctx.printer.err(&format!(
                    "{summary}: {}, {}\n",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                ));
            }
        }
    }
    if diags.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Relative display of a path.
pub fn shown(ctx: &Context, path: &Path) -> String {
    crate::paths::display(path, &ctx.cwd)
}
