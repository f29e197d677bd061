//! The only place that writes to the terminal. Colour only on a terminal and never when
//! `NO_COLOR` is set.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};

/// Where command output goes.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub color_stdout: bool,
    pub color_stderr: bool,
    pub interactive: bool,
    /// `--quiet`: only findings and errors.
    pub quiet: bool,
}

/// `--color`: when to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    Always,
    Never,
}

impl Printer {
    pub fn from_env() -> Printer {
        Printer::new(ColorChoice::Auto, false)
    }

    /// `--color` and `--quiet`; `auto` colours a terminal unless `NO_COLOR` is set.
    pub fn new(color: ColorChoice, quiet: bool) -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let on = |terminal: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && terminal,
        };
        Printer {
            color_stdout: on(std::io::stdout().is_terminal()),
            color_stderr: on(std::io::stderr().is_terminal()),
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            quiet,
        }
    }

    /// Write to standard output; a closed pipe is not an error worth reporting.
    pub fn out(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    pub fn err(&self, text: &str) {
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
        let _ = stderr.flush();
    }

    /// Ask a yes/no question on the terminal; anything but y/yes is no.
    pub fn confirm(&self, question: &str) -> bool {
        self.err(&format!("{question} [y/N] "));
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}
