//! Loading profiles and resolving `extends` chains (child wins, tables merge key by key),
//! plus `host = "NAME"` references into `hosts/`. Each file is read, parsed and
//! schema-checked once per run, however many profiles share it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::check::schema::{self, SchemaKind};
use crate::diagnostics::{Check, Diagnostic, Diagnostics, FileId, Label, SourceMap, did_you_mean};
use crate::error::Error;
use crate::profile::load::{self, LoadedText};
use crate::profile::name;
use crate::profile::node::{Node, Value};
use crate::profile::resolve::{self, Profile};
use crate::project::Project;

/// Longest `extends` chain accepted; deeper chains are almost certainly a mistake.
const MAX_CHAIN: usize = 32;

/// What one link of an `extends` chain leads to.
enum Parent {
    /// No `extends`: the root of the chain.
    None,
    /// The next file of the chain.
    File(PathBuf),
    /// The chain is broken; the finding has been pushed.
    Broken,
}

/// A parsed, schema-checked file.
#[derive(Debug)]
pub(super) struct Parsed {
    pub(super) file: FileId,
    pub(super) node: Node,
    /// False when the file has syntax or schema errors.
    pub(super) valid: bool,
}

/// What the loader remembers of a file it has read (its findings are reported once).
#[derive(Debug)]
pub(super) enum Seen {
    /// Parsed and kept: a file others extend, or not built yet.
    Kept(Rc<Parsed>),
    /// A built profile's own file, whose tree was let go (memory stays flat over thousands
    /// of profiles); parsed again, silently, if another profile extends it.
    Released { file: FileId, valid: bool },
    /// Unreadable or not TOML (the finding is reported).
    Failed,
    /// Read ahead by [`Loader::preparse`]: its findings are reported at its first use, so
    /// the order of findings is that of reading the files one by one.
    Pending {
        parsed: Option<Parsed>,
        findings: Diagnostics,
    },
}

impl Seen {
    /// What to remember of a file just parsed: its tree, or that it failed.
    pub(super) fn of(parsed: &Option<Rc<Parsed>>) -> Seen {
        parsed
            .as_ref()
            .map_or(Seen::Failed, |p| Seen::Kept(Rc::clone(p)))
    }
}

/// A profile's files merged into one tree, not yet built (see [`Merged::build`]).
#[derive(Debug)]
pub struct Merged {
    pub name: String,
    pub path: PathBuf,
    /// The chain's files, leaf first.
    pub files: Vec<FileId>,
    pub tree: Node,
}

impl Merged {
    /// Resolve the tree into a strict [`Profile`]; `None` after findings.
    pub fn build(self, project: &Project, diags: &mut Diagnostics) -> Option<Profile> {
        resolve::build(
            &self.name, &self.path, self.files, self.tree, project, diags,
        )
    }
}

/// An `extends` chain, leaf first: each file and its parsed tree.
type Chain = Vec<(PathBuf, Rc<Parsed>)>;

/// Reads profiles of one project into the caller's sources and findings (see
/// `crate::pipeline`, which owns them).
#[derive(Debug)]
pub struct Loader<'p> {
    pub project: &'p Project,
    pub cwd: &'p Path,
    pub sources: &'p mut SourceMap,
    pub diags: &'p mut Diagnostics,
    pub(super) files: HashMap<PathBuf, Seen>,
}

impl<'p> Loader<'p> {
    pub fn new(
        project: &'p Project,
        cwd: &'p Path,
        sources: &'p mut SourceMap,
        diags: &'p mut Diagnostics,
    ) -> Self {
        Loader {
            project,
            cwd,
            sources,
            diags,
            files: HashMap::new(),
        }
    }

    fn parse_file(&mut self, path: &Path, kind: SchemaKind) -> Result<Option<Rc<Parsed>>, Error> {
        let key = path.to_path_buf();
        match self.files.get(&key) {
            Some(Seen::Kept(parsed)) => return Ok(Some(Rc::clone(parsed))),
            Some(Seen::Failed) => return Ok(None),
            Some(Seen::Pending { .. }) => return Ok(self.take_pending(path).flatten()),
            Some(Seen::Released { file, valid }) => {
                let (file, valid) = (*file, *valid);
                // Its findings were reported when it was first read.
                let mut quiet = Diagnostics::default();
                let parsed = load::parse(file, self.sources, &mut quiet)
                    .map(|node| Rc::new(Parsed { file, node, valid }));
                self.files.insert(key, Seen::of(&parsed));
                return Ok(parsed);
            }
            None => {}
        }
        let display = crate::paths::display(path, self.cwd);
        let parsed = match load::read_source(path, &display, self.sources, self.diags)? {
            LoadedText::Invalid => None,
            LoadedText::Text(file) => match load::parse(file, self.sources, self.diags) {
                None => None,
                Some(node) => {
                    let before = self.diags.error_count();
                    schema::validate(&node, kind, self.diags)?;
                    let valid = self.diags.error_count() == before;
                    Some(Rc::new(Parsed { file, node, valid }))
                }
            },
        };
        self.files.insert(key, Seen::of(&parsed));
        Ok(parsed)
    }

    /// Let go of the tree of a file that was built into a profile: its findings are out.
    fn release(&mut self, path: &Path) {
        if let Some(seen) = self.files.get_mut(path)
            && let Seen::Kept(parsed) = seen
        {
            *seen = Seen::Released {
                file: parsed.file,
                valid: parsed.valid,
            };
        }
    }

    /// Parse and schema-check a file without building a profile from it (partials).
    pub fn check_only(&mut self, path: &Path) -> Result<(), Error> {
        if !self.name_ok(path) {
            return Ok(());
        }
        self.parse_file(path, SchemaKind::Profile).map(|_| ())
    }

    /// Whether the file's stem is a valid name; if not, a finding located at the file (which
    /// is not read: its name already says it cannot be rendered).
    fn name_ok(&mut self, path: &Path) -> bool {
        let name = stem(path);
        let Some(reason) = name::invalid(&name) else {
            return true;
        };
        let display = crate::paths::display(path, self.cwd);
        let file = self.sources.add(name::shown(&display), "");
        self.diags.push(
            Diagnostic::new(
                Check::ProfileName,
                format!(
                    "`{}` is not a valid profile name: {reason}",
                    name::shown(&name)
                ),
            )
            .at(Label::new(file, 0..0, "rename this file"))
            .with_help(name::NAME_RULE),
        );
        false
    }

    /// Load the profile at `path` (named `name`), resolve its chain and host, and build it.
    /// `Ok(None)` means findings were reported that stop this profile from being built.
    pub fn profile(&mut self, path: &Path, name: &str) -> Result<Option<Profile>, Error> {
        let Some(m) = self.merged(path, name)? else {
            return Ok(None);
        };
        Ok(m.build(self.project, self.diags))
    }

    /// The profile at `path` with its `extends` chain merged and its host grafted, ready to
    /// be built; `Ok(None)` after findings that stop it.
    pub fn merged(&mut self, path: &Path, name: &str) -> Result<Option<Merged>, Error> {
        if !self.name_ok(path) {
            return Ok(None);
        }
        let Some(chain) = self.extends_chain(path)? else {
            return Ok(None);
        };
        // Merge from the root of the chain down to the leaf.
        let mut iter = chain.iter().rev();
        let Some((_, root)) = iter.next() else {
            return Ok(None);
        };
        let mut tree = root.node.clone();
        for (_, child) in iter {
            tree.merge(&child.node);
        }
        let files: Vec<FileId> = chain.iter().map(|(_, p)| p.file).collect();
        drop(chain);
        self.release(path);
        if !self.graft_host(&mut tree)? {
            return Ok(None);
        }
        Ok(Some(Merged {
            name: name.to_string(),
            path: path.to_path_buf(),
            files,
            tree,
        }))
    }

    /// The profile at `path` followed by each file it extends, leaf first; `None` when a file
    /// of the chain is invalid or the chain is broken (its findings are in `self.diags`).
    fn extends_chain(&mut self, path: &Path) -> Result<Option<Chain>, Error> {
        let Some(leaf) = self.parse_file(path, SchemaKind::Profile)? else {
            return Ok(None);
        };
        let mut valid = leaf.valid;
        let mut chain = vec![(path.to_path_buf(), leaf)];
        loop {
            let parent_path = match self.parent_of(&chain) {
                Parent::None => break,
                Parent::Broken => return Ok(None),
                Parent::File(parent_path) => parent_path,
            };
            let Some(parent) = self.parse_file(&parent_path, SchemaKind::Profile)? else {
                return Ok(None);
            };
            valid &= parent.valid;
            chain.push((parent_path, parent));
        }
        Ok(valid.then_some(chain))
    }

    /// The file the last profile of `chain` extends. A bad name, a cycle, an over-long chain
    /// or a missing parent is a finding (pushed here) and breaks the chain.
    fn parent_of(&mut self, chain: &Chain) -> Parent {
        let (current_path, current) = &chain[chain.len() - 1];
        let Some(ext) = current.node.get("extends") else {
            return Parent::None;
        };
        let Some(parent_name) = ext.as_str() else {
            return Parent::None;
        };
        let dir = current_path.parent().unwrap_or(Path::new("."));
        let parent_path = dir.join(format!("{parent_name}.toml"));
        let finding = if let Some(reason) = name::invalid(parent_name) {
            // Never joined to a path that is read, so `../../outside/x` stays outside.
            Diagnostic::new(
                Check::Extends,
                format!(
                    "`extends` must name a profile in the same directory; `{}` is not a profile name: {reason}",
                    name::shown(parent_name)
                ),
            )
            .at(ext.origin.value_label("not a profile name"))
            .with_help(name::NAME_RULE)
        } else if let Some(pos) = chain.iter().position(|(p, _)| *p == parent_path) {
            let mut names: Vec<String> = chain[pos..].iter().map(|(p, _)| stem(p)).collect();
            names.push(stem(&parent_path));
            Diagnostic::new(
                Check::Extends,
                format!("`extends` forms a cycle: {}", names.join(" → ")),
            )
            .at(ext.origin.value_label("this closes the cycle"))
            .with_help("remove `extends` from one of these profiles")
        } else if chain.len() >= MAX_CHAIN {
            Diagnostic::new(
                Check::Extends,
                format!("`extends` chain longer than {MAX_CHAIN} profiles"),
            )
            .at(ext.origin.value_label("chain continues here"))
        } else if !matches!(
            self.files.get(&parent_path),
            Some(Seen::Kept(_) | Seen::Released { .. })
        ) && !parent_path.is_file()
        {
            let mut names: Vec<String> = chain.iter().map(|(p, _)| stem(p)).collect();
            names.push(parent_name.to_string());
            let d = Diagnostic::new(
                Check::Extends,
                format!(
                    "`extends` names a missing profile: {} ({} does not exist)",
                    names.join(" → "),
                    crate::paths::display(&parent_path, self.cwd)
                ),
            )
            .at(ext.origin.value_label("no such profile"));
            let siblings = profile_stems(dir);
            match did_you_mean(parent_name, siblings.iter().map(String::as_str)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d,
            }
        } else {
            return Parent::File(parent_path);
        };
        self.diags.push(finding);
        Parent::Broken
    }

    /// Replace `host = "NAME"` by the table of `hosts/NAME.toml` (keeping that file's spans).
    fn graft_host(&mut self, merged: &mut Node) -> Result<bool, Error> {
        let Value::Table(table) = &mut merged.value else {
            return Ok(true);
        };
        let Some(host) = table.get("host") else {
            return Ok(true);
        };
        let Some(host_name) = host.as_str().map(str::to_string) else {
            return Ok(true);
        };
        if let Some(reason) = name::invalid(&host_name) {
            self.diags.push(
                Diagnostic::new(
                    Check::Host,
                    format!(
                        "`host` must name a file in hosts/; `{}` is not a host name: {reason}",
                        name::shown(&host_name)
                    ),
                )
                .at(host.origin.value_label("not a host name"))
                .with_help(name::NAME_RULE),
            );
            return Ok(false);
        }
        let path = self.project.hosts_dir.join(format!("{host_name}.toml"));
        if !path.is_file() {
            let mut d = Diagnostic::new(
                Check::Host,
                format!(
                    "host `{host_name}` not found: {} does not exist",
                    crate::paths::display(&path, self.cwd)
                ),
            )
            .at(host.origin.value_label("no such host"));
            let known = profile_stems(&self.project.hosts_dir);
            if let Some(s) = did_you_mean(&host_name, known.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.diags.push(d);
            return Ok(false);
        }
        let Some(parsed) = self.parse_file(&path, SchemaKind::Host)? else {
            return Ok(false);
        };
        if !parsed.valid {
            return Ok(false);
        }
        table.insert("host".into(), parsed.node.clone());
        Ok(true)
    }
}

pub(super) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Names of the `.toml` files in a directory (for suggestions).
pub fn profile_stems(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| stem(&p))
        .collect();
    names.sort();
    names
}
