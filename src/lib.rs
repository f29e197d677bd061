//! vprof: typed vLLM serving profiles, validated, rendered into docker compose files.
//!
//! The pipeline, stage by stage; each stage pushes findings into one sink and the run stops
//! after a stage only if that stage found errors, so one run shows every problem:
//!
//! ```text
//! profile::load      read a file (UTF-8, size limit), parse TOML keeping spans → syntax
//! check::schema      JSON Schema generated from profile::raw, errors mapped to spans → schema
//! profile::inherit   resolve `extends` chains and `host = "NAME"`; merge with provenance → extends
//! profile::resolve   the strict Profile: required values, defaults, target vLLM version
//! check::rules       semantic checks against vllm:: flag tables and model:: facts
//! render             minijinja templates → compose.yaml and .env (deterministic)
//! write              diff preview, --check drift, atomic writes that never lose a file
//! report             one Report per command → human text, or one JSON document (findings inside)
//! ```
//!
//! `pipeline` runs the stages from `load` to `check::rules` for every command and test
//! (findings with the project's levels applied once); `commands` are thin: arguments in,
//! pipeline, a `report::Report` out. `report` prints every report (human text or one JSON
//! document whose types generate `schemas/output.schema.json`) and holds the table helper.
//! `diagnostics` holds the finding type; `output` is the only module that writes to the
//! terminal; `exit` maps outcomes to exit codes.
//!
//! After deployment: `live` talks to a running vLLM (plain HTTP, bounded), `verify` compares
//! what it exposes with a profile, `bench` measures prefix-cache misses and hits.

pub mod bench;
pub mod check;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod doctor;
pub mod error;
pub mod exit;
pub mod import;
pub mod live;
pub mod model;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod profile;
pub mod project;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod verify;
pub mod vllm;

use cli::{Cli, Command};
use commands::Context;
use exit::Outcome;

/// Run one command line; the binary maps the outcome to an exit code.
pub fn run(cli: Cli) -> Outcome {
    let printer = output::Printer::new(cli.color, cli.quiet);
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(err) => {
            printer.err(&format!(
                "error: cannot read the working directory: {err}\n"
            ));
            return Outcome::Failure;
        }
    };
    let ctx = Context {
        cwd,
        printer,
        format: cli.format,
    };
    let result = match &cli.command {
        Command::Validate { targets, target } => commands::validate::run(&ctx, targets, *target),
        Command::Schema { check, output } => commands::schema::run(&ctx, *check, *output),
        Command::Show { name } => commands::show::run(&ctx, name),
        Command::Vllm { command } => commands::vllm::run(&ctx, command),
        Command::List => commands::list::run(&ctx),
        Command::Plan { name } => commands::plan::run(&ctx, name),
        Command::Sweep { grid, out } => commands::sweep::run(&ctx, grid, out),
        Command::Diff {
            a,
            b,
            target,
            b_target,
        } => commands::diff::run(&ctx, a, b, *target, b_target.unwrap_or(*target)),
        Command::Import(args) => commands::import::run(&ctx, args),
        Command::Verify { name, url, timeout } => {
            commands::verify::run(&ctx, name, url.as_deref(), *timeout)
        }
        Command::Bench(args) => commands::bench::dispatch(&ctx, args),
        Command::Init { dir } => commands::init::run(&ctx, dir),
        Command::Completions { shell } => commands::completions::run(*shell),
        Command::Doctor { name } => commands::doctor::run(&ctx, name),
        Command::Render(args) => commands::render::run(&ctx, args),
    };
    match result {
        Ok(report) => report::emit(&printer, cli.format, &report),
        Err(err) => report::emit_error(&printer, cli.format, &err.to_string()),
    }
}
