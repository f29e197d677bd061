//! One module per subcommand: arguments in, `crate::pipeline` for loading and checking,
//! a `crate::report::Report` out (printed by `crate::report::emit`). This one holds what
//! they share.

pub mod bench;
pub mod completions;
pub mod diff;
pub mod doctor;
pub mod import;
pub mod init;
pub mod list;
pub mod plan;
pub mod render;
pub mod schema;
pub mod show;
pub mod sweep;
pub mod validate;
pub mod verify;
pub mod vllm;

use std::path::{Path, PathBuf};

use crate::cli::Format;
use crate::error::Error;
use crate::output::Printer;
use crate::pipeline::Pipeline;

/// What every command gets.
#[derive(Debug)]
pub struct Context {
    pub cwd: PathBuf,
    pub printer: Printer,
    pub format: Format,
}

/// Open the pipeline of the project around the working directory.
pub fn open(ctx: &Context) -> Result<Pipeline, Error> {
    Pipeline::open(&ctx.cwd)
}

pub use crate::report::plural;

/// Relative display of a path.
pub fn shown(ctx: &Context, path: &Path) -> String {
    crate::paths::display(path, &ctx.cwd)
}
