//! One module per subcommand; this one holds what they share: finding the project, turning
//! arguments into profile files, loading them, and reporting findings.

pub mod diff;
pub mod list;
pub mod plan;
pub mod render;
pub mod schema;
pub mod show;
pub mod sweep;
pub mod validate;
pub mod vllm;

use std::path::{Path, PathBuf};

use crate::check;
use crate::cli::Format;
use crate::diagnostics::{self, Diagnostics, SourceMap, did_you_mean};
use crate::error::Error;
use crate::exit::Outcome;
use crate::output::Printer;
use crate::profile::{Loader, Profile, inherit::profile_stems};
use crate::project::Project;

/// What every command gets.
#[derive(Debug)]
pub struct Context {
    pub cwd: PathBuf,
    pub printer: Printer,
    pub format: Format,
}

/// A profile to load: its file and the name commands show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub name: String,
}

impl Target {
    fn from_path(path: PathBuf) -> Target {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Target { path, name }
    }

    pub fn is_partial(&self) -> bool {
        self.name.starts_with('_')
    }
}

/// The project and everything read so far.
#[derive(Debug)]
pub struct Session {
    pub project: Project,
    pub sources: SourceMap,
    pub diags: Diagnostics,
}

impl Session {
    pub fn open(ctx: &Context) -> Result<Session, Error> {
        let mut sources = SourceMap::default();
        let mut diags = Diagnostics::default();
        let project = Project::discover(&ctx.cwd, &mut sources, &mut diags)?;
        Ok(Session {
            project,
            sources,
            diags,
        })
    }

    /// A name (`chunked_only_safe`) or a path (`profiles/x.toml`).
    pub fn target(&self, ctx: &Context, arg: &str) -> Result<Target, Error> {
        let as_path = ctx.cwd.join(arg);
        if arg.ends_with(".toml") || arg.contains('/') || as_path.is_file() {
            if !as_path.is_file() {
                return Err(Error::Read {
                    path: arg.into(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
                });
            }
            return Ok(Target::from_path(as_path));
        }
        let path = self.project.profiles_dir.join(format!("{arg}.toml"));
        if path.is_file() {
            return Ok(Target::from_path(path));
        }
        let known = profile_stems(&self.project.profiles_dir);
        let hint = did_you_mean(arg, known.iter().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        Err(Error::UnknownProfile {
            name: arg.to_string(),
            dir: crate::paths::display(&self.project.profiles_dir, &ctx.cwd),
            hint,
        })
    }

    /// Every profile file of the project, partials included, sorted by name.
    pub fn all_targets(&self) -> Vec<Target> {
        profile_stems(&self.project.profiles_dir)
            .into_iter()
            .map(|stem| Target::from_path(self.project.profiles_dir.join(format!("{stem}.toml"))))
            .collect()
    }

    /// Load and check profiles; returns those that could be built.
    pub fn load_checked(
        &mut self,
        ctx: &Context,
        targets: &[Target],
    ) -> Result<Vec<Profile>, Error> {
        let sources = std::mem::take(&mut self.sources);
        let diags = std::mem::take(&mut self.diags);
        let mut loader = Loader::new(&self.project, ctx.cwd.clone(), sources, diags);
        let mut profiles = Vec::new();
        for t in targets {
            if t.is_partial() {
                loader.check_only(&t.path)?;
                continue;
            }
            if let Some(p) = loader.profile(&t.path, &t.name)? {
                check::profile(&p, loader.project, &mut loader.diags);
                profiles.push(p);
            }
        }
        self.sources = loader.sources;
        self.diags = loader.diags;
        Ok(profiles)
    }

    /// Load and check the one profile a command is about; `None` when it could not be built
    /// (its findings are in `self.diags`).
    pub fn load_one(&mut self, ctx: &Context, name: &str) -> Result<Option<Profile>, Error> {
        let target = self.target(ctx, name)?;
        Ok(self
            .load_checked(ctx, std::slice::from_ref(&target))?
            .into_iter()
            .next())
    }

    /// Print the findings (human on stderr, JSON on stdout) and decide the outcome.
    pub fn report(&mut self, ctx: &Context, summary: Option<String>) -> Outcome {
        self.finish(ctx, summary, None)
    }

    /// Like `report`, for commands with a JSON document of their own: the findings go into
    /// it as `"findings"`, so stdout holds exactly one JSON document.
    pub fn report_json(&mut self, ctx: &Context, doc: serde_json::Value) -> Outcome {
        self.finish(ctx, None, Some(doc))
    }

    fn finish(
        &mut self,
        ctx: &Context,
        summary: Option<String>,
        doc: Option<serde_json::Value>,
    ) -> Outcome {
        let mut diags = self.project.apply_levels(std::mem::take(&mut self.diags));
        diags.dedup();
        match (ctx.format, doc) {
            (Format::Json, Some(mut doc)) => {
                let findings: Vec<serde_json::Value> = diags
                    .iter()
                    .map(|d| diagnostics::finding_json(d, &self.sources))
                    .collect();
                if let serde_json::Value::Object(map) = &mut doc {
                    map.insert("findings".into(), serde_json::Value::Array(findings));
                }
                let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
                ctx.printer.out(&format!("{text}\n"));
            }
            (Format::Json, None) => ctx
                .printer
                .out(&diagnostics::render_json(diags.iter(), &self.sources)),
            (Format::Human, _) => {
                ctx.printer.err(&diagnostics::render_human(
                    diags.iter(),
                    &self.sources,
                    ctx.printer.color_stderr,
                ));
                if let Some(summary) = summary {
                    let errors = diags.error_count();
                    let warnings = diags
                        .iter()
                        .filter(|d| d.level == crate::diagnostics::Level::Warning)
                        .count();
                    ctx.printer.err(&format!(
                        "{summary}: {}, {}\n",
                        plural(errors, "error"),
                        plural(warnings, "warning")
                    ));
                }
            }
        }
        let outcome = if diags.has_errors() {
            Outcome::Findings
        } else {
            Outcome::Success
        };
        self.diags = diags;
        outcome
    }
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Relative display of a path.
pub fn shown(ctx: &Context, path: &Path) -> String {
    crate::paths::display(path, &ctx.cwd)
}
