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

use std::path::{Path, PathBuf};

use crate::check;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::error::Error;
use crate::profile::batch;
use crate::profile::load::{self, LoadedText};
use crate::profile::node::Node;
use crate::profile::{Loader, Profile, resolve};
use crate::project::Project;
use crate::render::Target as RenderTarget;

mod targets;
pub use targets::{Target, is_partial_name};

/// Whether a profile's `host` names a file of `hosts/` (its table came from there), which
/// other profiles may name too.
pub fn names_host(p: &Profile) -> bool {
    p.node("host").is_some() && !p.files.contains(&p.origin("host").file)
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
