//! The command-line interface (clap derive); doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use crate::render::Target;

/// Shell completion of an argument that takes a profile: the project's profile names.
fn profile_completer() -> clap_complete::ArgValueCompleter {
    clap_complete::ArgValueCompleter::new(crate::commands::completions::profile_or_path)
}

/// Typed vLLM serving profiles, validated and rendered into docker compose files.
///
/// Exit codes: 0 success, 1 findings at error level or `--check` drift, 2 usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "vprof", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Output format: human, json (one document), sarif (SARIF 2.1.0 for code scanning) or
    /// github (workflow annotations).
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print only findings and errors (no summaries, tables or diffs).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// When to colour: auto (a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = crate::output::ColorChoice::Auto)]
    pub color: crate::output::ColorChoice,
}

pub use crate::report::Format;

/// What `vprof completions` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    /// A roff man page (`man ./vprof.1`).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check profiles: schema, vLLM flags of the target version, GPUs, secrets, images.
    ///
    /// Profiles that name the same `host` are also checked together (gpu-overlap,
    /// port-conflict), as they would run on one machine.
    #[command(
        after_help = "Examples:\n  vprof validate\n  vprof validate chunked_only_safe examples/\n  vprof validate --format json profiles/*.toml"
    )]
    Validate {
        /// Profile names, file paths or directories (their *.toml files); all profiles by
        /// default. Paths of partials also check every profile that extends them; a host file
        /// (hosts/NAME.toml) checks every profile.
        #[arg(add = profile_completer())]
        targets: Vec<String>,
        /// Also run this target's checks (profiles with a [k8s] table get the k8s checks anyway).
        #[arg(long, value_enum)]
        target: Option<Target>,
    },
    /// Render compose.yaml and .env for profiles, showing a diff before writing.
    #[command(
        after_help = "Examples:\n  vprof render chunked_only_safe --dry-run\n  vprof render --all --check\n  vprof render chunked_only_safe safe_conservative --out deploy/both"
    )]
    Render(RenderArgs),
    /// Compare two resolved profiles key by key, then their rendered files.
    ///
    /// With --b-target, B is rendered for another target than A: `vprof diff X X --b-target
    /// k8s` compares the vLLM arguments of X's compose service and of its Kubernetes pods.
    #[command(after_help = "Example:\n  vprof diff chunked_only_safe aggressive_cache")]
    Diff {
        /// The first profile (name or path): the `-` side.
        #[arg(add = profile_completer())]
        a: String,
        /// The second profile (name or path): the `+` side.
        #[arg(add = profile_completer())]
        b: String,
        /// The target both sides are rendered for.
        #[arg(long, value_enum, default_value_t = Target::Compose)]
        target: Target,
        /// Render B for this target instead; the files then differ entirely, so only the vLLM
        /// arguments are compared.
        #[arg(long, value_enum)]
        b_target: Option<Target>,
    },
    /// Show the resolved profile, each value with the file:line it came from.
    #[command(after_help = "Example:\n  vprof show chunked_only_safe")]
    Show {
        /// The profile (name or path; not a partial: show a profile that extends it).
        #[arg(add = profile_completer())]
        name: String,
    },
    /// List profiles: model, TP, GPU memory fraction, prefix caching, chunked prefill, context.
    #[command(after_help = "Example:\n  vprof list --format json")]
    List,
    /// The GPU memory plan of a profile: weights, overhead, KV cache, concurrency, verdict.
    #[command(after_help = "Example:\n  vprof plan chunked_only_safe")]
    Plan {
        /// The profile (name or path; not a partial: plan a profile that extends it).
        #[arg(add = profile_completer())]
        name: String,
    },
    /// Expand a grid of settings over a base profile; write the points that would start.
    #[command(
        after_help = "Example:\n  vprof sweep examples/sweeps/seed_grid.toml --out /tmp/seed-sweep"
    )]
    Sweep {
        /// The grid file (`base`, `[grid]` lists, `[[points]]`).
        grid: PathBuf,
        /// Directory for the generated profiles.
        #[arg(long)]
        out: PathBuf,
    },
    /// vLLM flag tables: the versions vprof knows, and adding the table of any other image.
    #[command(after_help = "Examples:\n  vprof vllm versions\n  vprof vllm dump-script > dump.py")]
    Vllm {
        #[command(subcommand)]
        command: VllmCommand,
    },
    /// Turn compose files that run vLLM into profiles; report what cannot be mapped, by line.
    ///
    /// Example: vprof import docker-compose.yml --out profiles
    Import(ImportArgs),
    /// Compare a running vLLM server with the profile (/v1/models, /metrics, /version).
    #[command(after_help = "Example:\n  vprof verify qwen3_8b --url http://gpu-host:8000")]
    Verify {
        #[arg(add = profile_completer())]
        name: String,
        /// The server (default: http://127.0.0.1:PORT, the profile's published port).
        #[arg(long)]
        url: Option<String>,
        /// Seconds each request may take.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
    /// Measure a running server with prefix-cache miss/hit pairs; --compare saved runs.
    ///
    /// Waits for /health, then sends K pairs of streamed chat completions that share a long
    /// random prefix (a miss, then a hit): time to first token, end to end, tokens per second,
    /// and the server's prefix-cache counters. The result is saved for --compare.
    #[command(after_help = "Example:\n  vprof bench qwen3_8b --url http://gpu-host:8000")]
    Bench(BenchArgs),
    /// Scaffold a project: settings, a profile, a partial, a host, pre-commit; never overwrites.
    ///
    /// Writes vprof.toml, profiles/ (a partial and a profile that validates clean), hosts/,
    /// schemas/profile.schema.json (for the `#:schema` line), a .gitignore entry for .env and
    /// a .pre-commit-config.yaml. Existing files are skipped and reported.
    #[command(
        after_help = "Example:\n  vprof init && vprof validate && vprof render qwen3_8b --dry-run"
    )]
    Init {
        /// The project directory (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Check a profile against this machine: GPUs, memory, vLLM's free-memory rule, docker.
    ///
    /// Reads `nvidia-smi --query-gpu=index,name,memory.total,memory.used,memory.free
    /// --format=csv,noheader,nounits` and compares: the GPUs the profile assigns and TP x PP
    /// with the GPUs present; the host table's memory per GPU with theirs (suggesting the exact
    /// gpu_memory_mib); the free memory of each assigned GPU with gpu_memory_utilization x total
    /// (vLLM refuses to start below it); docker and the NVIDIA container runtime. Exit 0 when
    /// nothing is at error level, 1 otherwise, 2 without nvidia-smi.
    #[command(after_help = "Example:\n  vprof doctor qwen3_8b")]
    Doctor {
        /// The profile (name or path).
        #[arg(add = profile_completer())]
        name: String,
    },
    /// Print shell completions (bash, zsh, fish) or the man page (man).
    #[command(
        after_help = "Examples:\n  vprof completions bash > ~/.local/share/bash-completion/completions/vprof\n  vprof completions zsh > ~/.zfunc/_vprof\n  vprof completions fish > ~/.config/fish/completions/vprof.fish\n  vprof completions man > vprof.1"
    )]
    Completions {
        /// bash, zsh, fish, or man for a roff man page.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the JSON Schema of the profile format (or of every command's JSON output).
    #[command(
        after_help = "Examples:\n  vprof schema > schemas/profile.schema.json\n  vprof schema --check"
    )]
    Schema {
        /// Fail when the committed schema (schemas/profile.schema.json, or
        /// schemas/output.schema.json with --output) differs from the generated one.
        #[arg(long)]
        check: bool,
        /// The schema of the JSON documents vprof prints with --format json.
        #[arg(long)]
        output: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum VllmCommand {
    /// List the flag tables: embedded versions and the project's (`vllm_tables_dir`).
    Versions,
    /// Print a version's flag table in the file format project tables use.
    Table { version: String },
    /// Print the Python program that dumps the flag table of the vLLM it runs under:
    /// `docker run --rm --entrypoint python3 IMAGE - < dump.py > vllm/flags-TAG.json`.
    DumpScript,
    /// Print the JSON Schema of a flag table file.
    Schema {
        /// Fail when schemas/vllm-table.schema.json differs from the generated schema.
        #[arg(long)]
        check: bool,
    },
}

/// The arguments of `vprof render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Profile names or paths; each renders into deploy/NAME, or all into one compose file
    /// with --out.
    #[arg(required_unless_present = "all", conflicts_with = "all", add = profile_completer())]
    pub names: Vec<String>,
    /// Every profile of the project (partials excepted), each into deploy/NAME.
    #[arg(long, conflicts_with = "out")]
    pub all: bool,
    /// Output directory: the named profiles run together on one host, in one compose file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write nothing; exit 1 when the files on disk differ from what would be rendered.
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Show the diff only.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Overwrite files that were not generated by vprof or were edited since.
    #[arg(long)]
    pub force: bool,
    /// What to render: compose files, or Kubernetes manifests (default dir deploy/NAME/k8s).
    #[arg(long, value_enum, default_value_t = Target::Compose)]
    pub target: Target,
}

/// The arguments of `vprof import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Compose files to read.
    #[arg(required = true, value_name = "COMPOSE_FILE")]
    pub files: Vec<PathBuf>,
    /// Import only this service.
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Take `${VAR}` values from this env file, as `docker compose --env-file` does
    /// (repeatable, a later file wins). Without it, a `.env` beside each compose file is read
    /// when there is one. Secrets stay references; the shell's environment is never read.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Directory for the profiles (default: the project's profiles directory).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Show what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation on a terminal.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Overwrite existing profiles that differ from the import.
    #[arg(long)]
    pub force: bool,
}

/// The arguments of `vprof bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The profile the server runs.
    #[arg(
        required_unless_present = "compare",
        conflicts_with = "compare",
        add = profile_completer()
    )]
    pub name: Option<String>,
    /// The server (default: http://127.0.0.1:PORT, the profile's published port).
    #[arg(long)]
    pub url: Option<String>,
    /// Miss/hit pairs to send.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::bench::MAX_PAIRS)))]
    pub pairs: u32,
    /// Length of the shared random prefix, in (about) tokens.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=crate::bench::MAX_PREFIX_TOKENS as u64))]
    pub prefix_tokens: u64,
    /// Output tokens of each request (exactly: ignore_eos and min_tokens).
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::bench::MAX_OUTPUT_TOKENS)))]
    pub max_tokens: u32,
    /// Seconds to wait for /health before giving up.
    #[arg(long, default_value_t = 600)]
    pub wait: u64,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// Seed of the random prefixes (default: the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Where to save the result (default: deploy/NAME/bench.json).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Print the table of saved runs (TTFT miss, TTFT hit, acceleration) instead.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub compare: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
