//! `vprof render NAME ... [--out DIR] [--check] [--dry-run] [--yes] [--force]`.
//!
//! Validate first (errors stop here, exit 1); render everything in memory; show the diff of
//! each file against the disk on stdout; then `--check` (exit 1 on drift), `--dry-run`, or
//! write (after a confirmation on a terminal, unless `--yes`).

use std::path::{Path, PathBuf};

use super::{Context, Session, Target, shown};
use crate::error::Error;
use crate::exit::Outcome;
use crate::profile::Profile;
use crate::render::write::{self, Planned, State};
use crate::render::{self, ENV_FILE, Target as RenderTarget, diff};

/// The flags of `vprof render`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub out: Option<PathBuf>,
    pub check: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub force: bool,
    pub target: RenderTarget,
}

/// Load and validate the profiles named for a target (compose profiles rendered into one file
/// are also checked together: GPUs, ports); `None` when findings stop the run (they have been
/// reported).
pub fn load_valid(
    ctx: &Context,
    session: &mut Session,
    names: &[String],
    together: bool,
    render_targets: &[RenderTarget],
) -> Result<Option<Vec<Profile>>, Error> {
    let mut targets: Vec<Target> = Vec::new();
    for name in names {
        let t = session.target(ctx, name)?;
        if t.is_partial() {
            return Err(Error::Usage(format!(
                "`{}` is a partial (its name starts with `_`): it is only extended, never rendered",
                t.name
            )));
        }
        if targets.iter().any(|o| o.path == t.path) {
            return Err(Error::Usage(format!("`{}` is named twice", t.name)));
        }
        targets.push(t);
    }
    let profiles = session.load_checked(ctx, &targets)?;
    for p in &profiles {
        for t in render_targets {
            crate::check::target(p, *t, &mut session.diags);
        }
    }
    if together && profiles.len() > 1 {
        crate::check::together(&profiles, &mut session.diags);
    }
    // In JSON the findings document is printed only when it stops the run, so that stdout
    // holds one document (the command's own) otherwise.
    let leveled = session
        .project
        .apply_levels(std::mem::take(&mut session.diags));
    let errors = leveled.has_errors();
    session.diags = leveled;
    if ctx.format == crate::cli::Format::Json && !errors && profiles.len() == targets.len() {
        return Ok(Some(profiles));
    }
    let outcome = session.report(ctx, None);
    if outcome != crate::exit::Outcome::Success || profiles.len() != targets.len() {
        return Ok(None);
    }
    Ok(Some(profiles))
}

pub fn run(ctx: &Context, names: &[String], opts: &Options) -> Result<Outcome, Error> {
    if opts.target == RenderTarget::K8s {
        return run_k8s(ctx, names, opts);
    }
    if names.len() > 1 && opts.out.is_none() {
        return Err(Error::Usage(String::from(
            "several profiles render into one compose file: say where with --out DIR",
        )));
    }
    let mut session = Session::open(ctx)?;
    let Some(profiles) = load_valid(ctx, &mut session, names, true, &[RenderTarget::Compose])?
    else {
        return Ok(Outcome::Findings);
    };
    let dir = match &opts.out {
        Some(out) => ctx.cwd.join(out),
        None => default_dir(&session.project.deploy_dir, &profiles[0].name),
    };
    let existing_env = write::read_existing(&dir.join(ENV_FILE))?;
    let files = render::render(&profiles, &session.project, &dir, existing_env.as_deref())?;
    apply(ctx, files, opts)
}

/// `--target k8s`: each profile into its own directory (`deploy/NAME/k8s`; with `--out`, that
/// directory for one profile, `OUT/NAME` for several).
fn run_k8s(ctx: &Context, names: &[String], opts: &Options) -> Result<Outcome, Error> {
    let mut session = Session::open(ctx)?;
    let Some(profiles) = load_valid(ctx, &mut session, names, false, &[RenderTarget::K8s])? else {
        return Ok(Outcome::Findings);
    };
    let mut files = Vec::new();
    for p in &profiles {
        let dir = match &opts.out {
            Some(out) if profiles.len() == 1 => ctx.cwd.join(out),
            Some(out) => ctx.cwd.join(out).join(&p.name),
            None => default_dir(&session.project.deploy_dir, &p.name).join(render::k8s::SUBDIR),
        };
        files.extend(render::k8s::render(p, &session.project, &dir)?);
    }
    apply(ctx, files, opts)
}

/// Compare rendered files with the disk, show the diff, then `--check`, `--dry-run` or write.
fn apply(ctx: &Context, files: Vec<render::File>, opts: &Options) -> Result<Outcome, Error> {
    let planned = write::plan(files, opts.force)?;
    show_diffs(ctx, &planned);
    if opts.check {
        return Ok(check_outcome(ctx, &planned));
    }
    let refused: Vec<(&Planned, &str)> = planned
        .iter()
        .filter_map(|p| match &p.state {
            State::Refused(reason) => Some((p, reason.as_str())),
            _ => None,
        })
        .collect();
    if opts.dry_run {
        for (p, reason) in refused {
            ctx.printer.err(&format!(
                "note: {} would not be overwritten without --force: {reason}\n",
                shown(ctx, &p.file.path)
            ));
        }
        return Ok(Outcome::Success);
    }
    if let Some((p, reason)) = refused.first() {
        return Err(write::refused_error(&shown(ctx, &p.file.path), reason));
    }
    let changed = planned
        .iter()
        .any(|p| matches!(p.state, State::Create | State::Update));
    if !changed {
        for p in &planned {
            ctx.printer
                .err(&format!("{} is up to date\n", shown(ctx, &p.file.path)));
        }
        return Ok(Outcome::Success);
    }
    if ctx.printer.interactive && !opts.yes && !ctx.printer.confirm("Write these changes?") {
        ctx.printer.err("nothing written\n");
        return Ok(Outcome::Success);
    }
    let written = write::write_all(&planned)?;
    for p in &planned {
        let path = shown(ctx, &p.file.path);
        if written.contains(&p.file.path) {
            ctx.printer.err(&format!("wrote {path}\n"));
        } else {
            ctx.printer.err(&format!("{path} is up to date\n"));
        }
    }
    Ok(Outcome::Success)
}

fn show_diffs(ctx: &Context, planned: &[Planned]) {
    for p in planned {
        if p.state == State::Unchanged {
            continue;
        }
        let path = shown(ctx, &p.file.path);
        let old = p
            .old
            .as_deref()
            .map_or_else(String::new, |o| diff::shown(p.file.kind, o));
        let new = diff::shown(p.file.kind, &p.file.text);
        let text = diff::unified(&old, &new, &path, &path, ctx.printer.color_stdout);
        if text.is_empty() && write::only_secrets_differ(p) {
            ctx.printer
                .out(&format!("{path}: only secret values differ (masked)\n"));
        }
        ctx.printer.out(&text);
    }
}

fn check_outcome(ctx: &Context, planned: &[Planned]) -> Outcome {
    let mut drift = false;
    for p in planned {
        let path = shown(ctx, &p.file.path);
        match p.state {
            State::Unchanged => {}
            State::Create => {
                drift = true;
                ctx.printer.err(&format!("{path} is missing\n"));
            }
            State::Update | State::Refused(_) => {
                drift = true;
                ctx.printer
                    .err(&format!("{path} differs from the rendered profile\n"));
            }
        }
    }
    if drift {
        Outcome::Findings
    } else {
        for p in planned {
            ctx.printer
                .err(&format!("{} is up to date\n", shown(ctx, &p.file.path)));
        }
        Outcome::Success
    }
}

/// Where a profile renders by default.
pub fn default_dir(deploy_dir: &Path, name: &str) -> PathBuf {
    deploy_dir.join(name)
}
