//! `vprof completions bash|zsh|fish|man`: shell completion scripts (clap_complete) and a roff
//! man page (clap_mangen), generated from the same clap definition as `--help`. They complete
//! commands, options and their values; profile names are not completed (clap's completion of
//! runtime values is still unstable), so `vprof list` shows them.

use clap::CommandFactory;

use crate::cli::{Cli, Shell};
use crate::error::Error;
use crate::report::Report;

pub fn run(shell: Shell) -> Result<Report, Error> {
    let mut cmd = Cli::command();
    let mut out: Vec<u8> = Vec::new();
    match shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "vprof", &mut out)
        }
        Shell::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "vprof", &mut out)
        }
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "vprof", &mut out)
        }
        Shell::Man => clap_mangen::Man::new(cmd)
            .render(&mut out)
            .map_err(|e| Error::Internal(format!("the man page does not render: {e}")))?,
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    Ok(Report::plain(&serde_json::json!({ "script": text, "findings": [] })).stdout(text))
}
