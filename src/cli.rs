//! The command-line interface (clap derive); doc comments are the `--help` text.

use clap::Parser;

/// Typed vLLM serving profiles, validated and rendered into docker compose files.
#[derive(Debug, Parser)]
#[command(name = "vprof", version)]
pub struct Cli {}
