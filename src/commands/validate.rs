//! `vprof validate [PATH|NAME|DIR ...]`: every check on the given profiles (all by default),
//! and the checks across profiles for those that name the same `host`.

use super::{Context, plural};
use crate::error::Error;
use crate::render::Target as RenderTarget;
use crate::report::Report;

/// `render_target`: also run that target's checks (a `[k8s]` table runs the k8s ones anyway).
pub fn run(
    ctx: &Context,
    args: &[String],
    render_target: Option<RenderTarget>,
) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let targets = run.validation_targets(args)?;
    // Only the checks across profiles of one host, and a render target's checks, need the
    // profiles again: the others are let go as soon as they are checked.
    let profiles = run.load_kept(&targets, |p| {
        render_target.is_some() || crate::pipeline::names_host(p)
    })?;
    run.check_by_host(&profiles);
    if let Some(t) = render_target {
        run.check_targets(&profiles, &[t]);
    }
    let summary = format!("vprof: {} checked", plural(targets.len(), "file"));
    Ok(Report::findings(run).summary(summary))
}
