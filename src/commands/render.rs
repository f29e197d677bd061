//! `vprof render NAME ... [--out DIR] [--check] [--dry-run] [--yes] [--force]`.
//!
//! Validate first (errors stop here, exit 1); render everything in memory; show the diff of
//! each file against the disk on stdout; then `--check` (exit 1 on drift), `--dry-run`, or
//! write (after a confirmation on a terminal, unless `--yes`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Context, shown};
use crate::cli::Format;
use crate::diagnostics::{Check, Diagnostic};
use crate::error::Error;
use crate::exit::Outcome;
use crate::pipeline::Pipeline;
use crate::profile::Profile;
use crate::render::write::{self, Planned, State};
use crate::render::{self, ENV_FILE, Kind, Target as RenderTarget, commit, diff};
use crate::report::Report;
use crate::report::documents::{RenderReport, RenderedFile};

/// The flags of `vprof render` are its command-line arguments.
pub use crate::cli::RenderArgs as Options;

pub fn run(ctx: &Context, opts: &Options) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let names = names_to_render(ctx, &run, &opts.names, opts)?;
    // Compose with --out: the profiles run together on one host, one compose file, checked
    // together. Otherwise each profile renders into its own directory (k8s: deploy/NAME/k8s).
    let together = opts.out.is_some() && opts.target == RenderTarget::Compose;
    let Some(profiles) = run.load_for(&names, together, &[opts.target])? else {
        return Ok(Report::findings(run));
    };
    let groups: Vec<(Vec<Profile>, PathBuf, String)> = match opts.target {
        RenderTarget::Compose => compose_groups(ctx, &run, &profiles, &names, opts),
        RenderTarget::K8s => k8s_groups(ctx, &run, &profiles, &names, opts),
    };
    let mut planned: Vec<Planned> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    // Held from reading the old `.env` until the last rename: concurrent renders of one
    // directory run one after the other, and none loses a value another kept.
    // With many output directories (`--all` without --out) each is locked only while it is
    // written, one at a time: holding 10,000 locks would exhaust the open-file limit.
    let writing = !opts.check && !opts.dry_run;
    let single = groups.len() == 1;
    let mut locks = Vec::new();
    for (group, dir, fix) in groups {
        if writing && single {
            locks.push(commit::lock_exclusive(&dir)?);
            commit::remove_stale(&dir);
        } else if single && let Some(lock) = commit::lock_shared(&dir) {
            locks.push(lock);
        }
        let files = match opts.target {
            RenderTarget::K8s => render::k8s::render(&group[0], &run.project, &dir)?,
            RenderTarget::Compose => {
                if let Some(finding) = open_env(ctx, &dir.join(ENV_FILE)) {
                    run.push(finding);
                }
                let existing_env = write::read_existing(&dir.join(ENV_FILE))?;
                render::render(&group, &run.project, &dir, existing_env.as_deref())?
            }
        };
        for p in write::plan(files, opts.force)? {
            planned.push(p);
            fixes.push(fix.clone());
        }
    }
    let diffs = show_diffs(ctx, &planned, opts.check, false);
    finish(ctx, run, opts, planned, (fixes, diffs), (writing, locks))
}

/// The compose target's output directories: one compose file per profile in deploy/NAME, or
/// one for all with `--out`; with the command that rewrites each.
fn compose_groups(
    ctx: &Context,
    run: &Pipeline,
    profiles: &[Profile],
    names: &[String],
    opts: &Options,
) -> Vec<(Vec<Profile>, PathBuf, String)> {
    match &opts.out {
        Some(out) => vec![(
            profiles.to_vec(),
            ctx.cwd.join(out),
            format!("vprof render {} --out {}", names.join(" "), out.display()),
        )],
        None => profiles
            .iter()
            .zip(names)
            .map(|(p, name)| {
                (
                    vec![p.clone()],
                    default_dir(&run.project.deploy_dir, &p.name),
                    format!("vprof render {name}"),
                )
            })
            .collect(),
    }
}

/// `--target k8s`: each profile into its own directory, `deploy/NAME/k8s` (with `--out`, that
/// directory for one profile, `OUT/NAME` for several); with the command that rewrites each.
fn k8s_groups(
    ctx: &Context,
    run: &Pipeline,
    profiles: &[Profile],
    names: &[String],
    opts: &Options,
) -> Vec<(Vec<Profile>, PathBuf, String)> {
    profiles
        .iter()
        .zip(names)
        .map(|(p, name)| {
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
            (vec![p.clone()], dir, fix)
        })
        .collect()
}

/// Finish a render whose files are planned (locks held): the diffs, then `--check` or the
/// writes, and the report.
fn finish(
    ctx: &Context,
    run: Pipeline,
    opts: &Options,
    planned: Vec<Planned>,
    (fixes, diffs): (Vec<String>, Vec<String>),
    (writing, locks): (bool, Vec<commit::DirLock>),
) -> Result<Report, Error> {
    let mut stdout = if ctx.printer.color_stdout && ctx.format == Format::Human {
        show_diffs(ctx, &planned, opts.check, true).concat()
    } else {
        diffs.concat()
    };
    let (outcome, notes, written) = if opts.check {
        let (outcome, notes) = check_outcome(ctx, &planned, &fixes);
        (outcome, notes, HashSet::new())
    } else {
        // Asking needs the diff on the screen first.
        let ask = ctx.printer.interactive && !opts.yes;
        if ask && !opts.dry_run && ctx.format == Format::Human {
            ctx.printer.out(&std::mem::take(&mut stdout));
        }
        let (notes, written) = write_planned(ctx, opts, &planned, ask, !locks.is_empty())?;
        if writing {
            make_env_private(&planned)?;
        }
        (Outcome::Success, notes, written)
    };
    drop(locks);
    let doc = RenderReport {
        files: planned
            .iter()
            .zip(diffs)
            .map(|(p, diff)| RenderedFile {
                path: shown(ctx, &p.file.path),
                state: state_name(&p.state).to_string(),
                diff,
                written: written.contains(&p.file.path),
            })
            .collect(),
        drift: opts.check && outcome != Outcome::Success,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc)
        .stdout(stdout)
        .note(notes)
        .at_least(outcome))
}

/// `env-permissions`: a `.env` that group or others may read (it holds secrets).
fn open_env(ctx: &Context, path: &Path) -> Option<Diagnostic> {
    let mode = commit::open_mode(path)?;
    Some(
        Diagnostic::new(
            Check::EnvPermissions,
            format!(
                "{} is readable or writable by group or others (mode {mode:04o}); it holds secrets: vprof makes it 0600 when it writes",
                shown(ctx, path)
            ),
        )
        .with_help(format!("chmod 600 {}", shown(ctx, path))),
    )
}

/// Every existing `.env` of the output, 0600 (also one left unchanged).
fn make_env_private(planned: &[Planned]) -> Result<(), Error> {
    for p in planned.iter().filter(|p| p.file.kind == Kind::Env) {
        if p.file.path.exists() {
            commit::make_private(&p.file.path).map_err(|source| Error::Write {
                path: p.file.path.clone(),
                source,
            })?;
        }
    }
    Ok(())
}

/// The names given, or every profile with `--all`.
fn names_to_render(
    ctx: &Context,
    run: &Pipeline,
    names: &[String],
    opts: &Options,
) -> Result<Vec<String>, Error> {
    if !opts.all {
        return Ok(names.to_vec());
    }
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
    Ok(all)
}

fn state_name(state: &State) -> &'static str {
    match state {
        State::Create => "create",
        State::Update => "update",
        State::Unchanged => "unchanged",
        State::Refused(_) => "refused",
    }
}

/// Write (unless `--dry-run`, or the user says no); the notes for stderr and the files
/// written.
fn write_planned(
    ctx: &Context,
    opts: &Options,
    planned: &[Planned],
    ask: bool,
    locked: bool,
) -> Result<(String, HashSet<PathBuf>), Error> {
    let mut notes = String::new();
    let refused: Vec<(&Planned, &str)> = planned
        .iter()
        .filter_map(|p| match &p.state {
            State::Refused(reason) => Some((p, reason.as_str())),
            _ => None,
        })
        .collect();
    if opts.dry_run {
        for (p, reason) in refused {
            notes.push_str(&format!(
                "note: {} would not be overwritten without --force: {reason}\n",
                shown(ctx, &p.file.path)
            ));
        }
        return Ok((notes, HashSet::new()));
    }
    if let Some((p, reason)) = refused.first() {
        return Err(write::refused_error(&shown(ctx, &p.file.path), reason));
    }
    let changed = planned
        .iter()
        .any(|p| matches!(p.state, State::Create | State::Update));
    if !changed {
        for p in planned {
            notes.push_str(&format!("{} is up to date\n", shown(ctx, &p.file.path)));
        }
        return Ok((notes, HashSet::new()));
    }
    if ask && !ctx.printer.confirm("Write these changes?") {
        return Ok((String::from("nothing written\n"), HashSet::new()));
    }
    let written: HashSet<PathBuf> = if locked {
        write::write_all_locked(planned)?
    } else {
        write::write_all(planned)?
    }
    .into_iter()
    .collect();
    for p in planned {
        let path = shown(ctx, &p.file.path);
        if written.contains(&p.file.path) {
            notes.push_str(&format!("wrote {path}\n"));
        } else {
            notes.push_str(&format!("{path} is up to date\n"));
        }
    }
    Ok((notes, written))
}

/// The diff of each planned file against the disk (secrets masked), `color`ed or not.
fn show_diffs(ctx: &Context, planned: &[Planned], check: bool, color: bool) -> Vec<String> {
    planned
        .iter()
        .map(|p| {
            if p.state == State::Unchanged || (check && missing_env(p)) {
                return String::new();
            }
            let path = shown(ctx, &p.file.path);
            let old = p
                .old
                .as_deref()
                .map_or_else(String::new, |o| diff::shown(p.file.kind, o));
            let new = diff::shown(p.file.kind, &p.file.text);
            let text = diff::unified(&old, &new, &path, &path, color);
            if text.is_empty() && write::only_secrets_differ(p) {
                return format!("{path}: only secret values differ (masked)\n");
            }
            text
        })
        .collect()
}

/// `--check`: drift is a compose file that is missing or differs, or a `.env` that exists and
/// differs. A missing `.env` is not drift: it holds secrets, stays out of version control, and
/// so is absent from every fresh clone (CI included).
fn check_outcome(ctx: &Context, planned: &[Planned], fixes: &[String]) -> (Outcome, String) {
    let mut notes = String::new();
    let mut drift = false;
    for (p, fix) in planned.iter().zip(fixes) {
        let path = shown(ctx, &p.file.path);
        match p.state {
            State::Unchanged => {}
            State::Create if missing_env(p) => {}
            State::Create => {
                drift = true;
                notes.push_str(&format!("{path} is missing: run `{fix}` to write it\n"));
            }
            State::Update | State::Refused(_) => {
                drift = true;
                notes.push_str(&format!(
                    "{path} differs from the rendered profile: run `{fix}` to update it\n"
                ));
            }
        }
    }
    if drift {
        return (Outcome::Findings, notes);
    }
    for p in planned {
        let path = shown(ctx, &p.file.path);
        if p.state == State::Unchanged {
            notes.push_str(&format!("{path} is up to date\n"));
        } else {
            notes.push_str(&format!("{path} is absent (not drift: it holds secrets)\n"));
        }
    }
    (Outcome::Success, notes)
}

/// Where a profile renders by default.
pub fn default_dir(deploy_dir: &Path, name: &str) -> PathBuf {
    deploy_dir.join(name)
}

/// A `.env` that does not exist yet (not drift for `--check`).
fn missing_env(p: &Planned) -> bool {
    p.file.kind == Kind::Env && p.state == State::Create
}
