//! `vprof validate [PATH|NAME|DIR ...]`: every check on the given profiles (all by default),
//! and the checks across profiles for those that name the same `host`.

use super::{Context, plural};
use crate::error::Error;
use crate::report::Report;

pub fn run(ctx: &Context, args: &[String]) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let targets = run.validation_targets(args)?;
    let profiles = run.load(&targets)?;
    run.check_by_host(&profiles);
    let summary = format!("vprof: {} checked", plural(targets.len(), "file"));
    Ok(Report::findings(run).summary(summary))
}
