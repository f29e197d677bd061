//! The pipeline every command, test and render target shares: find the project, turn
//! names into profile files, load them (syntax, schema, `extends`, host), resolve them into
//! strict [`Profile`]s and run the semantic checks. Findings go into one list with the
//! project's levels applied once, as they come in; nothing here prints.
//!
//! ```no_run
//! use vprof::pipeline::Pipeline;
//!
//! let mut run = Pipeline::open(std::path::Path::new("."))?;
//! let targets = run.all_targets();
//! let profiles = run.load(&targets)?; // the profiles that could be built
//! run.check_together(&profiles); // gpu-overlap, port-conflict (one host)
//! for finding in run.findings().iter() {
//!     eprintln!("{}: {}", finding.check, finding.message);
//! }
//! let render_files = !run.has_errors();
//! # let _ = render_files;
//! # Ok::<(), vprof::error::Error>(())
//! ```
//!
//! A command then renders ([`crate::render`]) or reports what it found.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::check;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap, did_you_mean};
use crate::error::Error;
use crate::profile::batch;
use crate::profile::inherit::profile_stems;
use crate::profile::load::{self, LoadedText};
use crate::profile::node::Node;
use crate::profile::{Loader, Profile, resolve};
use crate::project::Project;
use crate::render::Target as RenderTarget;

/// A profile to load: its file and the name commands show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    pub name: String,
}

impl Target {
    /// The target of a file; its name is the file stem.
    pub fn from_path(path: PathBuf) -> Target {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Target { path, name }
    }

    /// A partial (`_name.toml`) is only extended, never built on its own.
    pub fn is_partial(&self) -> bool {
        is_partial_name(&self.name)
    }
}

/// Whether a profile's `host` names a file of `hosts/` (its table came from there), which
/// other profiles may name too.
pub fn names_host(p: &Profile) -> bool {
    p.node("host").is_some() && !p.files.contains(&p.origin("host").file)
}

/// The partial rule: a profile whose name starts with `_` only exists to be extended.
pub fn is_partial_name(name: &str) -> bool {
    name.starts_with('_')
}

/// One run over a project: the files read so far and the findings, levels applied.
#[derive(Debug)]
pub struct Pipeline {
    /// Where relative arguments and displayed paths start.
    pub cwd: PathBuf,
    pub project: Project,
    /// Every file read; findings point into them.
    pub sources: SourceMap,
    findings: Diagnostics,
}

impl Pipeline {
    /// Find the project from `cwd` upwards (`vprof.toml`) and read its settings.
    pub fn open(cwd: &Path) -> Result<Pipeline, Error> {
        check::schema::warm_up();
        let mut sources = SourceMap::default();
        let mut raw = Diagnostics::default();
        let project = Project::discover(cwd, &mut sources, &mut raw)?;
        let mut run = Pipeline {
            cwd: cwd.to_path_buf(),
            project,
            sources,
            findings: Diagnostics::default(),
        };
        run.absorb(raw);
        Ok(run)
    }

    /// A run over a project built in code (tests, tools).
    pub fn with_project(project: Project, cwd: &Path) -> Pipeline {
        Pipeline {
            cwd: cwd.to_path_buf(),
            project,
            sources: SourceMap::default(),
            findings: Diagnostics::default(),
        }
    }

    /// A name (`chunked_only_safe`) or a path (`profiles/x.toml`).
    pub fn target(&self, arg: &str) -> Result<Target, Error> {
        let as_path = self.cwd.join(arg);
        if arg.ends_with(".toml") || arg.contains('/') || as_path.is_file() {
            // Anything that exists goes to the loader, which explains a FIFO or a device.
            if !as_path.exists() {
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
            dir: crate::paths::display(&self.project.profiles_dir, &self.cwd),
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

    /// What `validate ARGS` checks: all files by default; a partial also brings in every
    /// profile of its directory (they may extend it). Each file once, in order.
    pub fn validation_targets(&self, args: &[String]) -> Result<Vec<Target>, Error> {
        let named = if args.is_empty() {
            self.all_targets()
        } else {
            let mut named = Vec::new();
            // Two system calls per file named, not a dozen: 1,000 paths from a shell glob
            // spent a third of `validate` resolving the same parent directory.
            let hosts = self.project.hosts_dir.canonicalize().ok();
            let mut parents = std::collections::HashMap::new();
            for a in args {
                let dir = self.cwd.join(a);
                let meta = std::fs::metadata(&dir).ok();
                let in_hosts = |parents: &mut std::collections::HashMap<PathBuf, _>| {
                    let parent = dir.parent()?;
                    let canonical = parents
                        .entry(parent.to_path_buf())
                        .or_insert_with(|| parent.canonicalize().ok());
                    Some(canonical.is_some() && *canonical == hosts)
                };
                if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
                    // A directory: its *.toml files (not its subdirectories, e.g. sweeps/).
                    named.extend(
                        profile_stems(&dir)
                            .into_iter()
                            .map(|stem| Target::from_path(dir.join(format!("{stem}.toml")))),
                    );
                } else if meta.as_ref().is_some_and(std::fs::Metadata::is_file)
                    && dir.extension().is_some_and(|e| e == "toml")
                    && in_hosts(&mut parents) == Some(true)
                {
                    // A host file is shared: every profile may name it.
                    named.extend(self.all_targets());
                } else if meta.as_ref().is_some_and(std::fs::Metadata::is_file) {
                    // What `target` makes of an existing file, without asking again.
                    named.push(Target::from_path(dir));
                } else {
                    named.push(self.target(a)?);
                }
            }
            named
        };
        let mut expanded = Vec::new();
        let mut seen = BTreeSet::new();
        for t in named {
            let siblings = match (t.is_partial(), t.path.parent()) {
                (true, Some(dir)) => profile_stems(dir)
                    .into_iter()
                    .filter(|stem| !is_partial_name(stem))
                    .map(|stem| Target::from_path(dir.join(format!("{stem}.toml"))))
                    .collect(),
                _ => Vec::new(),
            };
            for t in std::iter::once(t).chain(siblings) {
                if seen.insert(t.path.clone()) {
                    expanded.push(t);
                }
            }
        }
        Ok(expanded)
    }

    /// The targets of profiles deployed together (`render A B`, `diff A B`): partials and
    /// names given twice are usage errors.
    pub fn deployment_targets(&self, names: &[String]) -> Result<Vec<Target>, Error> {
        let mut targets: Vec<Target> = Vec::new();
        // A set, not a scan of `targets`: `render --all` over 10,000 profiles stays linear.
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let t = self.target(name)?;
            if t.is_partial() {
                return Err(Error::Usage(format!(
                    "`{}` is a partial (its name starts with `_`): it is only extended, never rendered",
                    t.name
                )));
            }
            if !seen.insert(t.path.clone()) {
                return Err(Error::Usage(format!("`{}` is named twice", t.name)));
            }
            targets.push(t);
        }
        Ok(targets)
    }

    /// Load, resolve and check profiles; partials are parsed and schema-checked only.
    /// Returns the profiles that could be built (the others have findings).
    pub fn load(&mut self, targets: &[Target]) -> Result<Vec<Profile>, Error> {
        self.load_kept(targets, |_| true)
    }

    /// [`Pipeline::load`], keeping only the profiles `keep` selects once they are checked:
    /// `validate` of thousands of profiles holds the few that name a host, not every one.
    pub fn load_kept(
        &mut self,
        targets: &[Target],
        keep: impl Fn(&Profile) -> bool + Sync,
    ) -> Result<Vec<Profile>, Error> {
        let mut raw = Diagnostics::default();
        let mut profiles = Vec::new();
        {
            let mut loader = Loader::new(&self.project, &self.cwd, &mut self.sources, &mut raw);
            for batch in targets.chunks(batch::BATCH) {
                let paths: Vec<&Path> = batch.iter().map(|t| t.path.as_path()).collect();
                loader.preparse(&paths)?;
                // Chains on this thread (they share files), each target's findings set aside;
                // building and checking on every core; then everything out in target order.
                let mut before = Vec::with_capacity(batch.len());
                let mut merged = Vec::new();
                for t in batch {
                    let start = loader.diags.len();
                    let m = if t.is_partial() {
                        loader.check_only(&t.path)?;
                        None
                    } else {
                        loader.merged(&t.path, &t.name)?
                    };
                    before.push((loader.diags.split_off(start), m.is_some()));
                    merged.extend(m);
                }
                let mut built = batch::build_all(merged, &self.project, &keep).into_iter();
                for (findings, was_merged) in before {
                    loader.diags.extend(findings);
                    if !was_merged {
                        continue;
                    }
                    let Some((profile, findings)) = built.next() else {
                        break;
                    };
                    loader.diags.extend(findings.into_vec());
                    if let Some(p) = profile {
                        profiles.push(p);
                    }
                }
            }
        }
        self.absorb(raw);
        Ok(profiles)
    }

    /// Load the one profile a command is about; `None` when it could not be built. A
    /// partial is a usage error (exit 2) naming the profiles that extend it: on its own it has
    /// no model, GPUs or service to show or plan.
    pub fn load_one(&mut self, name: &str) -> Result<Option<Profile>, Error> {
        let target = self.target(name)?;
        if target.is_partial() {
            return Err(self.partial_error(&target));
        }
        Ok(self.load(std::slice::from_ref(&target))?.into_iter().next())
    }

    fn partial_error(&self, partial: &Target) -> Error {
        let dir = partial.path.parent().unwrap_or(&self.project.profiles_dir);
        let users: Vec<String> = profile_stems(dir)
            .into_iter()
            .filter(|stem| !is_partial_name(stem))
            .filter(|stem| {
                std::fs::read_to_string(dir.join(format!("{stem}.toml")))
                    .ok()
                    .and_then(|text| text.parse::<toml::Table>().ok())
                    .and_then(|t| {
                        t.get("extends")
                            .and_then(|e| e.as_str().map(str::to_string))
                    })
                    .is_some_and(|e| e == partial.name)
            })
            .map(|stem| format!("`{stem}`"))
            .collect();
        let hint = if users.is_empty() {
            String::from("no profile in its directory extends it")
        } else {
            format!("name a profile that extends it: {}", users.join(", "))
        };
        Error::Usage(format!(
            "`{}` is a partial (its name starts with `_`): it is only extended, never run on its own; {hint}",
            partial.name
        ))
    }

    /// Load profiles deployed together and, when `together`, check them as one host.
    /// `None` when one could not be built or a finding is an error.
    pub fn load_deployment(
        &mut self,
        names: &[String],
        together: bool,
    ) -> Result<Option<Vec<Profile>>, Error> {
        self.load_for(names, together, &[RenderTarget::Compose])
    }

    /// Like [`Pipeline::load_deployment`], with the checks of each render target the
    /// profiles are rendered for (`k8s-*` rules for Kubernetes).
    pub fn load_for(
        &mut self,
        names: &[String],
        together: bool,
        render_targets: &[RenderTarget],
    ) -> Result<Option<Vec<Profile>>, Error> {
        let targets = self.deployment_targets(names)?;
        let profiles = self.load(&targets)?;
        self.check_targets(&profiles, render_targets);
        if together {
            self.check_together(&profiles);
        }
        let complete = profiles.len() == targets.len() && !self.has_errors();
        Ok(complete.then_some(profiles))
    }

    /// The rules of render targets (`k8s-*` for Kubernetes; for compose, a Kubernetes-only
    /// profile is refused).
    pub fn check_targets(&mut self, profiles: &[Profile], render_targets: &[RenderTarget]) {
        let mut raw = Diagnostics::default();
        for p in profiles {
            for t in render_targets {
                check::target(p, *t, &mut raw);
            }
        }
        self.absorb(raw);
    }

    /// `check_together` for each group of profiles that name the same host file
    /// (`host = "NAME"`): they run on one machine, so their GPU fractions and ports meet.
    pub fn check_by_host(&mut self, profiles: &[Profile]) {
        let mut groups: std::collections::BTreeMap<FileId, Vec<Profile>> = Default::default();
        for p in profiles.iter().filter(|p| names_host(p)) {
            groups
                .entry(p.origin("host").file)
                .or_default()
                .push(p.clone());
        }
        for group in groups.values() {
            self.check_together(group);
        }
    }

    /// The rules across profiles that run on one host (`gpu-overlap`, `port-conflict`).
    pub fn check_together(&mut self, profiles: &[Profile]) {
        if profiles.len() > 1 {
            let mut raw = Diagnostics::default();
            check::together(profiles, &mut raw);
            self.absorb(raw);
        }
    }

    /// Read and parse a TOML file that is not a profile (a sweep grid); `None` after a
    /// finding.
    pub fn read_toml(&mut self, path: &Path) -> Result<Option<(FileId, Node)>, Error> {
        let display = crate::paths::display(path, &self.cwd);
        let mut raw = Diagnostics::default();
        let node = match load::read_source(path, &display, &mut self.sources, &mut raw)? {
            LoadedText::Text(file) => load::parse(file, &self.sources, &mut raw).map(|n| (file, n)),
            LoadedText::Invalid => None,
        };
        self.absorb(raw);
        Ok(node)
    }

    /// Resolve and check a merged tree built in code (a sweep point) on its own: its
    /// findings, levels applied, are returned rather than kept.
    pub fn resolve_tree(
        &self,
        name: &str,
        path: &Path,
        files: Vec<FileId>,
        tree: Node,
    ) -> (Option<Profile>, Diagnostics) {
        let mut raw = Diagnostics::default();
        let built = resolve::build(name, path, files, tree, &self.project, &mut raw);
        if let Some(p) = &built {
            check::profile(p, &self.project, &mut raw);
        }
        (built, self.project.apply_levels(raw))
    }

    /// Add findings of a stage, applying the project's levels (`off` drops them) and
    /// dropping exact duplicates (one finding reached through two profiles sharing a partial).
    pub fn absorb(&mut self, raw: Diagnostics) {
        // A secret found in a file is hidden from every snippet of that file.
        for d in raw.iter().filter(|d| {
            matches!(
                d.check,
                crate::diagnostics::Check::InlineSecret
                    | crate::diagnostics::Check::ApiKeyReference
            )
        }) {
            if let Some(label) = &d.primary {
                self.sources.redact(label.file, label.span.clone());
            }
        }
        self.findings
            .extend(self.project.apply_levels(raw).into_vec());
        self.findings.dedup();
    }

    /// Add one finding (levels applied).
    pub fn push(&mut self, finding: Diagnostic) {
        let mut raw = Diagnostics::default();
        raw.push(finding);
        self.absorb(raw);
    }

    /// Every finding so far, levels applied.
    pub fn findings(&self) -> &Diagnostics {
        &self.findings
    }

    /// Whether a finding so far is at error level.
    pub fn has_errors(&self) -> bool {
        self.findings.has_errors()
    }

    /// The findings so far in the JSON shape of every report.
    pub fn finding_list(&self) -> Vec<crate::report::Finding> {
        crate::report::Finding::all(self.findings.iter(), &self.sources)
    }

    /// The files read and the findings, for a report.
    pub fn into_parts(self) -> (SourceMap, Diagnostics) {
        (self.sources, self.findings)
    }

    /// Forget the findings so far (a sweep's base profile is not the sweep's subject).
    pub fn clear_findings(&mut self) {
        self.findings = Diagnostics::default();
    }
}
