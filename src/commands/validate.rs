//! `vprof validate [PATH|NAME ...]`: every check on the given profiles (all by default).

use super::{Context, plural};
use crate::error::Error;
use crate::report::Report;

pub fn run(ctx: &Context, args: &[String]) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let targets = run.validation_targets(args)?;
    run.load(&targets)?;
    let summary = format!("vprof: {} checked", plural(targets.len(), "file"));
    Ok(Report::findings(run).summary(summary))
}
