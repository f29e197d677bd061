//! Operational failures (exit code 2): unreadable files, bad arguments, broken templates.
//! Findings about a profile are not errors; they are `Diagnostic`s (exit code 1).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Writing the files of an output directory failed part-way: which were written.
    #[error(
        "cannot write {}: {source}; {}",
        failed.display(),
        commit_status(written, old)
    )]
    Commit {
        failed: PathBuf,
        source: std::io::Error,
        written: Vec<PathBuf>,
        old: Vec<PathBuf>,
    },
    #[error("no profile named `{name}` in {dir}{hint}")]
    UnknownProfile {
        name: String,
        dir: String,
        hint: String,
    },
    #[error("{0}")]
    Usage(String),
    /// A bug or a broken build of vprof (a schema that does not build, a flag table that
    /// does not load): never a silent pass.
    #[error("internal error: {0}")]
    Internal(String),
    /// A server that `verify` or `bench` talks to cannot be reached or answers wrongly.
    #[error("{0}")]
    Server(String),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
}

fn commit_status(written: &[PathBuf], old: &[PathBuf]) -> String {
    let list = |paths: &[PathBuf]| {
        let mut shown: Vec<String> = paths
            .iter()
            .take(10)
            .map(|p| p.display().to_string())
            .collect();
        if paths.len() > 10 {
            shown.push(format!("and {} more", paths.len() - 10));
        }
        shown.join(", ")
    };
    match (written.is_empty(), old.is_empty()) {
        (true, _) => format!("nothing was written: {} unchanged", list(old)),
        (false, true) => format!("written: {}", list(written)),
        (false, false) => format!(
            "written: {}; NOT written (still the previous version): {}",
            list(written),
            list(old)
        ),
    }
}
