//! `vprof import COMPOSE_FILE... [--service NAME] [--env-file FILE]... [--out DIR] [--dry-run]
//! [--yes] [--force]`.
//!
//! Import in memory (`crate::import`), validate the profiles as `vprof validate` would (in a
//! staging copy, so nothing is written before the user agrees), show the diff of each file
//! against the disk, then write atomically. An existing profile that differs is never replaced
//! without `--force`, the same rule as `render`. Findings: what could not be mapped (at its
//! line in the compose file, secrets masked), then validation findings of the profiles.

use std::path::{Path, PathBuf};

use super::{Context, plural, shown};
use crate::cli::Format;
use crate::diagnostics::{Diagnostic, Diagnostics, Label};
use crate::error::Error;
use crate::exit::Outcome;
use crate::import::{self, Import, Input, Note, Values};
use crate::pipeline::Pipeline;
use crate::profile::Loader;
use crate::render::diff;
use crate::render::write::{self, State};
use crate::render::{File, Kind};
use crate::report::Report;
use crate::report::documents::{ImportReport, ImportedFile, ImportedProfile, OtherService};

/// Compose files larger than this are refused.
const MAX_COMPOSE_BYTES: u64 = 4 << 20;

/// The flags of `vprof import` are its command-line arguments.
pub use crate::cli::ImportArgs as Options;

/// A text file named on the command line, and how to show its name: as the user wrote it
/// when relative (`../x.yml` stays so), else relative to the cwd.
fn read_text(ctx: &Context, path: &Path, what: &str) -> Result<(String, String), Error> {
    let abs = ctx.cwd.join(path);
    let failed = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(&abs).map_err(failed)?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    if meta.len() > MAX_COMPOSE_BYTES {
        return Err(Error::Usage(format!(
            "{} is {} bytes; {what} are limited to {MAX_COMPOSE_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    let bytes = std::fs::read(&abs).map_err(failed)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("{} is not UTF-8", path.display())))?;
    let display = if path.is_relative() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        shown(ctx, &abs)
    };
    Ok((display, text))
}

/// Add the env file at `path` to `values`.
fn read_env_file(ctx: &Context, path: &Path, values: &mut Values) -> Result<(), Error> {
    let (display, text) = read_text(ctx, path, "env files")?;
    values.read(&display, &text).map_err(|refused| {
        Error::Usage(format!(
            "{display}:{}: not a `NAME=value` line; docker compose would refuse this env file",
            refused.line
        ))
    })
}

/// The compose files, each with the variables compose would read for it: the `--env-file`s
/// given, else the `.env` beside the compose file when there is one.
fn read_inputs(ctx: &Context, opts: &Options) -> Result<Vec<Input>, Error> {
    let mut given = Values::default();
    for f in &opts.env_files {
        read_env_file(ctx, f, &mut given)?;
    }
    let mut inputs = Vec::new();
    for f in &opts.files {
        let (display, text) = read_text(ctx, f, "compose files")?;
        let mut values = given.clone();
        let beside = f.parent().unwrap_or(Path::new("")).join(".env");
        if opts.env_files.is_empty() && ctx.cwd.join(&beside).is_file() {
            read_env_file(ctx, &beside, &mut values)?;
        }
        inputs.push(Input::new(display, &text).with_values(values));
    }
    Ok(inputs)
}

fn line_span(text: &str, line: usize) -> std::ops::Range<usize> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']);
            let indent = body.len() - body.trim_start().len();
            return start + indent..start + body.len();
        }
        start += l.len();
    }
    text.len()..text.len()
}

fn to_diagnostic(note: &Note, file: usize, text: &str) -> Diagnostic {
    let mut d = Diagnostic::new(note.check, note.message.clone())
        .with_level(note.level)
        .at(Label::new(file, line_span(text, note.line), ""));
    if let Some(h) = &note.help {
        d = d.with_help(h.clone());
    }
    d
}

pub fn run(ctx: &Context, opts: &Options) -> Result<Report, Error> {
    let mut session = super::open(ctx)?;
    let inputs = read_inputs(ctx, opts)?;
    let result = import::import(&inputs, opts.service.as_deref());
    if let Some(s) = &opts.service
        && result.matched_services == 0
    {
        return Err(Error::Usage(format!(
            "no service named `{s}` in the compose files given"
        )));
    }
    for (index, notes) in result.notes.iter().enumerate() {
        let masked = import::mask_secrets(&inputs[index].text);
        let file = session
            .sources
            .add(inputs[index].display.clone(), masked.clone());
        for note in notes {
            session.push(to_diagnostic(note, file, &masked));
        }
    }
    let out_dir = match &opts.out {
        Some(o) => ctx.cwd.join(o),
        None => session.project.profiles_dir.clone(),
    };
    let outputs: Vec<(PathBuf, String, bool)> = result
        .partials
        .iter()
        .map(|o| (o, true))
        .chain(result.profiles.iter().map(|o| (o, false)))
        .map(|(o, partial)| {
            (
                out_dir.join(format!("{}.toml", o.name)),
                o.text(&inputs),
                partial,
            )
        })
        .collect();
    validate_staged(ctx, &mut session, &out_dir, &outputs)?;
    let planned = write::plan(
        outputs
            .iter()
            .map(|(path, text, _)| File {
                path: path.clone(),
                kind: Kind::Compose,
                text: text.clone(),
            })
            .collect(),
        false,
    )?;
    let mut refused = Vec::new();
    let mut to_write = Vec::new();
    for mut p in planned {
        if let State::Refused(_) = p.state {
            if opts.force {
                p.state = State::Update;
            } else {
                refused.push(p.file.path.clone());
                p.state = State::Refused(String::from("it exists and differs"));
            }
        }
        to_write.push(p);
    }
    if ctx.format == Format::Human {
        for p in &to_write {
            if p.state == State::Unchanged {
                continue;
            }
            let path = shown(ctx, &p.file.path);
            let old = p.old.clone().unwrap_or_default();
            ctx.printer.out(&diff::unified(
                &old,
                &p.file.text,
                &path,
                &path,
                ctx.printer.color_stdout,
            ));
        }
    }
    let mut written = Vec::new();
    let changed = to_write
        .iter()
        .any(|p| matches!(p.state, State::Create | State::Update));
    let blocked = !refused.is_empty();
    if !opts.dry_run && !blocked && changed {
        let agreed = !ctx.printer.interactive
            || opts.yes
            || ctx.format == Format::Json
            || ctx.printer.confirm("Write these profiles?");
        if agreed {
            written = write::write_all(&to_write)?;
        }
    }
    let mut report = finish(ctx, session, &result, &inputs, &to_write, &written, opts);
    if blocked && !opts.dry_run {
        let names: Vec<String> = refused.iter().map(|p| shown(ctx, p)).collect();
        report = report
            .note(format!(
                "error: refusing to overwrite {}: it exists and differs from the import; re-run with --force to overwrite, or import into another --out\n",
                names.join(", ")
            ))
            .at_least(Outcome::Failure);
    }
    Ok(report)
}

/// Validate the imported profiles in a staging directory laid out like the output, so that
/// findings name the files as they will be.
fn validate_staged(
    ctx: &Context,
    session: &mut Pipeline,
    out_dir: &Path,
    outputs: &[(PathBuf, String, bool)],
) -> Result<(), Error> {
    let stage = tempfile::tempdir().map_err(|source| Error::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let relative = shown(ctx, out_dir);
    let rel = if relative.starts_with('/') || relative.contains("..") {
        String::from("profiles")
    } else {
        relative
    };
    let staged_dir = stage.path().join(&rel);
    std::fs::create_dir_all(&staged_dir).map_err(|source| Error::Write {
        path: staged_dir.clone(),
        source,
    })?;
    let mut targets = Vec::new();
    for (path, text, partial) in outputs {
        let name = path.file_name().map(PathBuf::from).unwrap_or_default();
        let staged = staged_dir.join(&name);
        std::fs::write(&staged, text).map_err(|source| Error::Write {
            path: staged.clone(),
            source,
        })?;
        targets.push((staged, *partial));
    }
    let mut project = session.project.clone();
    project.profiles_dir = staged_dir;
    let mut raw = Diagnostics::default();
    {
        let mut loader = Loader::new(&project, stage.path(), &mut session.sources, &mut raw);
        for (path, partial) in &targets {
            if *partial {
                loader.check_only(path)?;
                continue;
            }
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some(p) = loader.profile(path, &name)? {
                crate::check::profile(&p, &project, loader.diags);
            }
        }
    }
    session.absorb(raw);
    Ok(())
}

fn finish(
    ctx: &Context,
    session: Pipeline,
    result: &Import,
    inputs: &[Input],
    planned: &[write::Planned],
    written: &[PathBuf],
    opts: &Options,
) -> Report {
    let state = |p: &write::Planned| -> &'static str {
        if written.contains(&p.file.path) {
            "written"
        } else {
            match p.state {
                State::Unchanged => "unchanged",
                State::Refused(_) => "refused",
                _ if opts.dry_run => "dry-run",
                _ => "not written",
            }
        }
    };
    let mut lead = String::new();
    let mut env_files: Vec<&str> = Vec::new();
    for f in inputs.iter().flat_map(|i| &i.values.files) {
        if !env_files.contains(&f.as_str()) {
            env_files.push(f);
        }
    }
    if !env_files.is_empty() {
        lead.push_str(&format!("variables from {}\n", env_files.join(", ")));
    }
    for o in &result.others {
        lead.push_str(&format!(
            "left alone: service `{}` ({}:{}): {}\n",
            o.service, inputs[o.file].display, o.line, o.reason
        ));
    }
    for p in planned {
        lead.push_str(&format!("{}: {}\n", shown(ctx, &p.file.path), state(p)));
    }
    let summary = format!(
        "imported {} and {} from {}",
        plural(result.profiles.len(), "profile"),
        plural(result.partials.len(), "partial"),
        plural(inputs.len(), "compose file")
    );
    let doc = ImportReport {
        profiles: result
            .profiles
            .iter()
            .map(|o| {
                let (file, service) = o.source.clone().unwrap_or_default();
                ImportedProfile {
                    name: o.name.clone(),
                    from: inputs[file].display.clone(),
                    service,
                }
            })
            .collect(),
        partials: result.partials.iter().map(|p| p.name.clone()).collect(),
        other_services: result
            .others
            .iter()
            .map(|o| OtherService {
                file: inputs[o.file].display.clone(),
                line: o.line,
                service: o.service.clone(),
                reason: o.reason.clone(),
            })
            .collect(),
        files: planned
            .iter()
            .map(|p| ImportedFile {
                file: shown(ctx, &p.file.path),
                state: state(p).to_string(),
            })
            .collect(),
        findings: session.finding_list(),
    };
    Report::new(session, &doc).lead(lead).summary(summary)
}
