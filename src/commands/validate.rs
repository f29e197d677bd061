//! `vprof validate [PATH|NAME ...]`: every check on the given profiles (all by default).

use std::collections::BTreeSet;

use super::{Context, Session, Target, plural};
use crate::error::Error;
use crate::exit::Outcome;
use crate::render::Target as RenderTarget;

pub fn run(
    ctx: &Context,
    args: &[String],
    render_target: Option<RenderTarget>,
) -> Result<Outcome, Error> {
    let mut session = Session::open(ctx)?;
    let mut targets: Vec<Target> = Vec::new();
    if args.is_empty() {
        targets = session.all_targets();
    } else {
        for arg in args {
            targets.push(session.target(ctx, arg)?);
        }
    }
    // A partial is checked through the profiles of its directory (they may extend it);
    // on its own it is only parsed and schema-checked.
    let mut expanded: Vec<Target> = Vec::new();
    let mut seen = BTreeSet::new();
    for t in targets {
        if t.is_partial() {
            if seen.insert(t.path.clone()) {
                expanded.push(t.clone());
            }
            if let Some(dir) = t.path.parent() {
                for stem in crate::profile::inherit::profile_stems(dir) {
                    if !stem.starts_with('_') {
                        let sibling = Target {
                            path: dir.join(format!("{stem}.toml")),
                            name: stem,
                        };
                        if seen.insert(sibling.path.clone()) {
                            expanded.push(sibling);
                        }
                    }
                }
            }
        } else if seen.insert(t.path.clone()) {
            expanded.push(t);
        }
    }
    let profiles = session.load_checked(ctx, &expanded)?;
    let summary = format!("vprof: {} checked", plural(expanded.len(), "file"));
    if let Some(t) = render_target {
        for p in &profiles {
            crate::check::target(p, t, &mut session.diags);
        }
    }
    Ok(session.report(ctx, Some(summary)))
}
