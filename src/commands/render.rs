//! `vprof render NAME ... [--out DIR] [--check] [--dry-run] [--yes] [--force]`.
//!
//! Validate first (errors stop here, exit 1); render everything in memory; show the diff of
//! each file against the disk on stdout; then `--check` (exit 1 on drift), `--dry-run`, or
//! write (after a confirmation on a terminal, unless `--yes`).

use std::path::{Path, PathBuf};

use super::{Context, load_deployment, shown};
use crate::error::Error;
use crate::exit::Outcome;
use crate::profile::Profile;
use crate::render::write::{self, Planned, State};
use crate::render::{self, ENV_FILE, Kind, Target as RenderTarget, diff};

/// The flags of `vprof render`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub out: Option<PathBuf>,
    pub check: bool,
    pub dry_run: bool,
    pub yes: bool,
    pub force: bool,
    pub all: bool,
    pub target: RenderTarget,
}

pub fn run(ctx: &Context, names: &[String], opts: &Options) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let names: Vec<String> = if opts.all {
        let all: Vec<String> = run
            .all_targets()
            .into_iter()
            .filter(|t| !t.is_partial())
            .map(|t| t.name)
            .collect();
        if all.is_empty() {
            return Err(Error::Usage(format!(
                "--all: no profiles in {}",
                shown(ctx, &run.project.profiles_dir)
            )));
        }
        all
    } else {
        names.to_vec()
    };
    if opts.target == RenderTarget::K8s {
        return run_k8s(ctx, &mut run, &names, opts);
    }
    // With --out, the profiles run together on one host: one compose file, checked together.
    // Without it, each profile renders into its own deploy/NAME.
    let together = opts.out.is_some();
    let Some(profiles) =
        load_deployment(ctx, &mut run, &names, together, &[RenderTarget::Compose])?
    else {
        return Ok(Outcome::Findings);
    };
    let groups: Vec<(Vec<Profile>, PathBuf, String)> = match &opts.out {
        Some(out) => vec![(
            profiles.clone(),
            ctx.cwd.join(out),
            format!("vprof render {} --out {}", names.join(" "), out.display()),
        )],
        None => profiles
            .iter()
            .zip(&names)
            .map(|(p, name)| {
                (
                    vec![p.clone()],
                    default_dir(&run.project.deploy_dir, &p.name),
                    format!("vprof render {name}"),
                )
            })
            .collect(),
    };
    let mut planned: Vec<Planned> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    for (group, dir, fix) in groups {
        let existing_env = write::read_existing(&dir.join(ENV_FILE))?;
        let files = render::render(&group, &run.project, &dir, existing_env.as_deref())?;
        for p in write::plan(files, opts.force)? {
            planned.push(p);
            fixes.push(fix.clone());
        }
    }
    show_diffs(ctx, &planned, opts.check);
    if opts.check {
        return Ok(check_outcome(ctx, &planned, &fixes));
    }
    write_planned(ctx, opts, &planned)
}

/// `--target k8s`: each profile into its own directory, `deploy/NAME/k8s` (with `--out`, that
/// directory for one profile, `OUT/NAME` for several); then the same diff, `--check`,
/// `--dry-run` and protected writes as compose.
fn run_k8s(
    ctx: &Context,
    run: &mut crate::pipeline::Pipeline,
    names: &[String],
    opts: &Options,
) -> Result<Outcome, Error> {
    let Some(profiles) = load_deployment(ctx, run, names, false, &[RenderTarget::K8s])? else {
        return Ok(Outcome::Findings);
    };
    let mut planned: Vec<Planned> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    for (p, name) in profiles.iter().zip(names) {
        let (dir, fix) = match &opts.out {
            Some(out) if profiles.len() == 1 => (
                ctx.cwd.join(out),
                format!("vprof render {name} --target k8s --out {}", out.display()),
            ),
            Some(out) => (
                ctx.cwd.join(out).join(&p.name),
                format!(
                    "vprof render {} --target k8s --out {}",
                    names.join(" "),
                    out.display()
                ),
            ),
            None => (
                default_dir(&run.project.deploy_dir, &p.name).join(render::k8s::SUBDIR),
                format!("vprof render {name} --target k8s"),
            ),
        };
        for planned_file in write::plan(render::k8s::render(p, &run.project, &dir)?, opts.force)? {
            planned.push(planned_file);
            fixes.push(fix.clone());
        }
    }
    show_diffs(ctx, &planned, opts.check);
    if opts.check {
        return Ok(check_outcome(ctx, &planned, &fixes));
    }
    write_planned(ctx, opts, &planned)
}

fn write_planned(ctx: &Context, opts: &Options, planned: &[Planned]) -> Result<Outcome, Error> {
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
        for p in planned {
            ctx.printer
                .err(&format!("{} is up to date\n", shown(ctx, &p.file.path)));
        }
        return Ok(Outcome::Success);
    }
    if ctx.printer.interactive && !opts.yes && !ctx.printer.confirm("Write these changes?") {
        ctx.printer.err("nothing written\n");
        return Ok(Outcome::Success);
    }
    let written = write::write_all(planned)?;
    for p in planned {
        let path = shown(ctx, &p.file.path);
        if written.contains(&p.file.path) {
            ctx.printer.err(&format!("wrote {path}\n"));
        } else {
            ctx.printer.err(&format!("{path} is up to date\n"));
        }
    }
    Ok(Outcome::Success)
}

fn show_diffs(ctx: &Context, planned: &[Planned], check: bool) {
    for p in planned {
        if p.state == State::Unchanged || (check && missing_env(p)) {
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

/// `--check`: drift is a compose file that is missing or differs, or a `.env` that exists and
/// differs. A missing `.env` is not drift: it holds secrets, stays out of version control, and
/// so is absent from every fresh clone (CI included).
fn check_outcome(ctx: &Context, planned: &[Planned], fixes: &[String]) -> Outcome {
    let mut drift = false;
    for (p, fix) in planned.iter().zip(fixes) {
        let path = shown(ctx, &p.file.path);
        match p.state {
            State::Unchanged => {}
            State::Create if missing_env(p) => {}
            State::Create => {
                drift = true;
                ctx.printer
                    .err(&format!("{path} is missing: run `{fix}` to write it\n"));
            }
            State::Update | State::Refused(_) => {
                drift = true;
                ctx.printer.err(&format!(
                    "{path} differs from the rendered profile: run `{fix}` to update it\n"
                ));
            }
        }
    }
    if drift {
        Outcome::Findings
    } else {
        for p in planned {
            let path = shown(ctx, &p.file.path);
            if p.state == State::Unchanged {
                ctx.printer.err(&format!("{path} is up to date\n"));
            } else {
                ctx.printer
                    .err(&format!("{path} is absent (not drift: it holds secrets)\n"));
            }
        }
        Outcome::Success
    }
}

/// Where a profile renders by default.
pub fn default_dir(deploy_dir: &Path, name: &str) -> PathBuf {
    deploy_dir.join(name)
}

/// A `.env` that does not exist yet (not drift for `--check`).
fn missing_env(p: &Planned) -> bool {
    p.file.kind == Kind::Env && p.state == State::Create
}
