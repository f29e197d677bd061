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
