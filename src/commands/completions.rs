//! `vprof completions bash|zsh|fish|man`: shell completion scripts and a roff man page
//! (clap_mangen), both from the clap definition behind `--help`.
//!
//! The scripts are clap_complete's dynamic ones: at each TAB the shell runs
//! `VPROF_COMPLETE=SHELL vprof -- WORDS...`, and vprof answers from its own clap definition
//! (commands, options, their values, paths) plus the profile names of the project in the
//! current directory for every argument that takes a profile ([`profile_or_path`]). The
//! answer comes from [`answer`], run by `main` before anything else.

use std::ffi::OsStr;

use clap::CommandFactory;
use clap_complete::env::{Bash, EnvCompleter, Fish, Zsh};
use clap_complete::{CompletionCandidate, PathCompleter};

use crate::cli::{Cli, Shell};
use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::report::Report;

/// The variable that turns a run of `vprof` into a completion request (`COMPLETE` is
/// clap_complete's default; a name of vprof's own cannot meet another program's).
pub const VAR: &str = "VPROF_COMPLETE";

/// Answer a completion request and exit, when `VPROF_COMPLETE` asks for one; else return.
pub fn answer() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// The profile names of the project around the current directory (partials excepted),
/// sorted; none outside a project.
pub fn profile_names() -> Vec<String> {
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let Ok(pipeline) = Pipeline::open(&cwd) else {
        return Vec::new();
    };
    let mut names: Vec<String> = pipeline
        .all_targets()
        .into_iter()
        .filter(|t| !t.is_partial())
        .map(|t| t.name)
        .collect();
    names.sort();
    names
}

/// What completes an argument that takes a profile: its names, or a path once the word
/// looks like one (`./`, `../`, `profiles/x`, `~`).
pub fn profile_or_path(current: &OsStr) -> Vec<CompletionCandidate> {
    let word = current.to_string_lossy();
    if word.contains('/') || word.starts_with('.') || word.starts_with('~') {
        return clap_complete::engine::ValueCompleter::complete(&PathCompleter::any(), current);
    }
    profile_names()
        .into_iter()
        .filter(|n| n.starts_with(word.as_ref()))
        .map(|n| CompletionCandidate::new(n).help(Some("profile".into())))
        .collect()
}

pub fn run(shell: Shell) -> Result<Report, Error> {
    let mut out: Vec<u8> = Vec::new();
    let script = |shell: &dyn EnvCompleter, out: &mut Vec<u8>| {
        shell
            .write_registration(VAR, "vprof", "vprof", "vprof", out)
            .map_err(|e| Error::Internal(format!("the completion script does not render: {e}")))
    };
    match shell {
        Shell::Bash => script(&Bash, &mut out)?,
        Shell::Zsh => script(&Zsh, &mut out)?,
        Shell::Fish => script(&Fish, &mut out)?,
        Shell::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut out)
            .map_err(|e| Error::Internal(format!("the man page does not render: {e}")))?,
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    Ok(Report::plain(&serde_json::json!({ "script": text, "findings": [] })).stdout(text))
}
