//! `vprof validate [PATH|NAME|DIR ...]`: every check on the given profiles (all by default),
//! and the checks across profiles for those that name the same `host`.

use super::{Context, plural, report};
use crate::error::Error;
use crate::exit::Outcome;

pub fn run(ctx: &Context, args: &[String]) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let targets = run.validation_targets(args)?;
    let profiles = run.load(&targets)?;
    run.check_by_host(&profiles);
    let summary = format!("vprof: {} checked", plural(targets.len(), "file"));
    Ok(report(ctx, &run, Some(summary)))
}
