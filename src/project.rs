//! Project settings: `vprof.toml` (directories, policy, target vLLM version, check levels).
//!
//! The project root is the nearest directory, from the working directory upwards, that holds
//! a `vprof.toml`; without one, the working directory with default settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Check, Diagnostic, Diagnostics, Label, Level, SourceMap, did_you_mean};
use crate::profile::load::{self, LoadedText, read_source};
use crate::vllm::{Tables, Version};

/// The file name of the project settings.
pub const SETTINGS_FILE: &str = "vprof.toml";

/// Default ceiling on gpu_memory_utilization: vLLM needs some memory outside its budget
/// (CUDA context, NCCL, other processes); above 0.95 start-up failures are common.
pub const DEFAULT_GPU_MEMORY_CEILING: f64 = 0.95;

const SETTINGS_KEYS: &[&str] = &[
    "profiles_dir",
    "hosts_dir",
    "templates_dir",
    "deploy_dir",
    "vllm_version",
    "vllm_tables_dir",
    "policy",
    "checks",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    profiles_dir: Option<String>,
    hosts_dir: Option<String>,
    templates_dir: Option<String>,
    deploy_dir: Option<String>,
    vllm_version: Option<String>,
    vllm_tables_dir: Option<String>,
    policy: Option<RawPolicy>,
    checks: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    gpu_memory_ceiling: Option<f64>,
}

/// Resolved project settings.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub profiles_dir: PathBuf,
    pub hosts_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub deploy_dir: PathBuf,
    /// Used when neither the image tag nor the profile names a version (checked at load:
    /// it has a table).
    pub vllm_version: Option<String>,
    /// The project's own flag tables (`vllm_tables_dir`), then the embedded ones.
    pub vllm_tables: Tables,
    pub gpu_memory_ceiling: f64,
    levels: BTreeMap<Check, Level>,
}

impl Project {
    /// Defaults rooted at `root`.
    pub fn with_root(root: PathBuf) -> Project {
        Project {
            profiles_dir: root.join("profiles"),
            hosts_dir: root.join("hosts"),
            templates_dir: root.join("templates"),
            deploy_dir: root.join("deploy"),
            root,
            vllm_version: None,
            vllm_tables: Tables::default(),
            gpu_memory_ceiling: DEFAULT_GPU_MEMORY_CEILING,
            levels: BTreeMap::new(),
        }
    }

    /// Find and read the project settings from `start` upwards.
    pub fn discover(
        start: &Path,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Result<Project, crate::error::Error> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let candidate = d.join(SETTINGS_FILE);
            if candidate.is_file() {
                return Project::load(d, &candidate, start, sources, diags);
            }
            dir = d.parent();
        }
        Ok(Project::with_root(start.to_path_buf()))
    }

    fn load(
        root: &Path,
        path: &Path,
        cwd: &Path,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Result<Project, crate::error::Error> {
        let mut project = Project::with_root(root.to_path_buf());
        let Some((doc, raw)) = read_settings(path, cwd, sources, diags)? else {
            return Ok(project);
        };
        let dir = |v: &Option<String>, default: &Path| {
            v.as_ref().map_or(default.to_path_buf(), |s| root.join(s))
        };
        project.profiles_dir = dir(&raw.profiles_dir, &project.profiles_dir);
        project.hosts_dir = dir(&raw.hosts_dir, &project.hosts_dir);
        project.templates_dir = dir(&raw.templates_dir, &project.templates_dir);
        project.deploy_dir = dir(&raw.deploy_dir, &project.deploy_dir);
        let locate = |path: &[&str]| -> Label {
            doc.lookup(path.iter().copied())
                .map_or(doc.origin.value_label("here"), |n| {
                    n.origin.line_label("here")
                })
        };
        if let Some(dir) = &raw.vllm_tables_dir {
            let shown = crate::paths::display(&root.join(dir), cwd);
            project.vllm_tables = Tables::load(&root.join(dir), &shown, sources, diags)?;
        }
        if let Some(v) = &raw.vllm_version {
            match project.vllm_tables.find(v) {
                Some(_) => project.vllm_version = Some(v.clone()),
                None => diags.push(unknown_version(v, locate(&["vllm_version"]))),
            }
        }
        if let Some(ceiling) = raw.policy.as_ref().and_then(|p| p.gpu_memory_ceiling) {
            if ceiling > 0.0 && ceiling <= 1.0 {
                project.gpu_memory_ceiling = ceiling;
            } else {
                diags.push(
                    Diagnostic::new(
                        Check::Schema,
                        format!("gpu_memory_ceiling must be in (0, 1], got {ceiling}"),
                    )
                    .at(locate(&["policy", "gpu_memory_ceiling"])),
                );
            }
        }
        for (name, level) in raw.checks.iter().flatten() {
            match check_level(name, level, locate(&["checks", name])) {
                Ok((check, level)) => {
                    project.levels.insert(check, level);
                }
                Err(d) => diags.push(*d),
            }
        }
        Ok(project)
    }

    /// The level a finding of `check` is reported at in this project.
    pub fn level(&self, check: Check) -> Level {
        self.levels
            .get(&check)
            .copied()
            .unwrap_or(check.default_level())
    }

    /// Apply the project's levels; findings set to `off` are dropped.
    pub fn apply_levels(&self, diags: Diagnostics) -> Diagnostics {
        let mut out = Diagnostics::default();
        for d in diags.into_vec() {
            match self.levels.get(&d.check) {
                Some(Level::Off) => {}
                Some(level) => out.push(d.with_level(*level)),
                None => out.push(d),
            }
        }
        out
    }
}

/// Read and parse `vprof.toml` into its typed settings; `None` after a finding.
fn read_settings(
    path: &Path,
    cwd: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<Option<(crate::profile::node::Node, RawSettings)>, crate::error::Error> {
    let display = crate::paths::display(path, cwd);
    let LoadedText::Text(file) = read_source(path, &display, sources, diags)? else {
        return Ok(None);
    };
    let Some(doc) = load::parse(file, sources, diags) else {
        return Ok(None);
    };
    match serde_json::from_value(doc.to_json()) {
        Ok(raw) => Ok(Some((doc, raw))),
        Err(err) => {
            diags.push(invalid_settings(&doc, &err.to_string()));
            Ok(None)
        }
    }
}

/// Settings that do not match their format: an unknown key (with a suggestion) if there is
/// one, else serde's message.
fn invalid_settings(doc: &crate::profile::node::Node, err: &str) -> Diagnostic {
    let unknown = doc
        .as_table()
        .and_then(|t| t.iter().find(|(k, _)| !SETTINGS_KEYS.contains(&k.as_str())));
    let Some((key, node)) = unknown else {
        return Diagnostic::new(Check::Schema, format!("invalid {SETTINGS_FILE}: {err}"))
            .at(doc.origin.value_label("in this file"));
    };
    let d = Diagnostic::new(
        Check::Schema,
        format!("unknown key `{key}` in {SETTINGS_FILE}"),
    )
    .at(node.origin.key_label("unknown key"));
    match did_you_mean(key, SETTINGS_KEYS.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d,
    }
}

fn unknown_version(v: &str, here: Label) -> Diagnostic {
    Diagnostic::new(
        Check::VllmVersion,
        format!("vllm_version `{v}` is not a version vprof has a flag table for"),
    )
    .at(here)
    .with_help(format!(
        "embedded: every minor release from {} (a patch uses its minor's table); add a table for others with `vprof vllm dump-script` and `vllm_tables_dir`",
        Version::embedded_range()
    ))
}

/// One `[checks]` entry: the check and its level, or the finding that rejects it.
fn check_level(name: &str, level: &str, here: Label) -> Result<(Check, Level), Box<Diagnostic>> {
    match (Check::from_name(name), Level::parse(level)) {
        (Some(Check::Syntax | Check::Extends | Check::ProfileName), _) => Err(Box::new(Diagnostic::new(
            Check::Schema,
            format!(
                "the level of `{name}` cannot be changed: without it vprof cannot read the profile"
            ),
        )
        .at(here))),
        (Some(Check::ApiKeyReference), _) => Err(Box::new(Diagnostic::new(
            Check::Schema,
            format!(
                "the level of `{name}` cannot be changed: a profile it finds cannot be rendered"
            ),
        )
        .at(here))),
        (Some(check), Some(level)) => Ok((check, level)),
        (None, _) => {
            let d = Diagnostic::new(Check::Schema, format!("unknown check `{name}`")).at(here);
            Err(Box::new(
                match did_you_mean(name, Check::ALL.iter().map(|c| c.name())) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d,
                },
            ))
        }
        (Some(_), None) => Err(Box::new(Diagnostic::new(
            Check::Schema,
            format!("invalid level `{level}` for `{name}`"),
        )
        .at(here)
        .with_help("use \"error\", \"warning\", \"note\" or \"off\""))),
    }
}
