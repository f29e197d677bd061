//! Exit codes: 0 success, 1 findings at error level or `--check` drift, 2 usage or I/O error.

use std::process::ExitCode;

/// What a run ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Findings,
    Failure,
}

impl Outcome {
    /// The more severe of two outcomes (success < findings < failure).
    pub fn worst(self, other: Outcome) -> Outcome {
        let rank = |o: Outcome| match o {
            Outcome::Success => 0,
            Outcome::Findings => 1,
            Outcome::Failure => 2,
        };
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
            Outcome::Failure => ExitCode::from(2),
        }
    }
}

/// clap's own errors: `--help`/`--version` succeed, everything else is a usage error (2).
pub fn clap_error(err: &clap::Error) -> ExitCode {
    let _ = err.print();
    if err.use_stderr() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
