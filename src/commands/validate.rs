//! `vprof validate [PATH|NAME ...]`: every check on the given profiles (all by default).

use super::{Context, plural, report};
use crate::error::Error;
use crate::exit::Outcome;

pub fn run(ctx: &Context, args: &[String]) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let targets = run.validation_targets(args)?;
    run.load(&targets)?;
    let summary = format!("vprof: {} checked", plural(targets.len(), "file"));
    Ok(report(ctx, &run, Some(summary)))
}
