//! Which files a command works on: names and paths given on the command line, every profile
//! of the project, the siblings a partial brings in, and the usage errors of names that are
//! no profile, partials and names given twice.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::Pipeline;
use crate::diagnostics::did_you_mean;
use crate::error::Error;
use crate::profile::inherit::profile_stems;

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

/// The partial rule: a profile whose name starts with `_` only exists to be extended.
pub fn is_partial_name(name: &str) -> bool {
    name.starts_with('_')
}

impl Pipeline {
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

    pub(super) fn partial_error(&self, partial: &Target) -> Error {
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
}
