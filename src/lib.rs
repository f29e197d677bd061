//! vprof: typed vLLM serving profiles, validated, rendered into docker compose files.

pub mod cli;
pub mod exit;
pub mod model;
pub mod vllm;

/// Run one command line; the binary maps the outcome to an exit code.
pub fn run(cli: cli::Cli) -> exit::Outcome {
    let _ = cli;
    exit::Outcome::Success
}
