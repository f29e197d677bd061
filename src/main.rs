//! The `vprof` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A shell asking for completions (`VPROF_COMPLETE=bash vprof -- ...`) is answered here.
    vprof::commands::completions::answer();
    let cli = match vprof::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return vprof::exit::clap_error(&err),
    };
    vprof::run(cli).into()
}
