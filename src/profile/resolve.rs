//! The strict, resolved profile that checks and rendering consume: required values present,
//! defaults applied, the target vLLM version decided, every value still locatable.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Check, Diagnostic, Diagnostics, FileId, Label};
use crate::profile::node::{Node, Origin};
use crate::profile::raw::{self, HostSpec};
use crate::project::Project;
use crate::vllm::{Target, Version, target};

/// Default host port of the OpenAI-compatible API.
pub const DEFAULT_PORT: u32 = 8000;

/// The GPU host a profile runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    pub gpu_count: u32,
    /// GiB (2^30 bytes) of one GPU.
    pub gpu_memory_gib: Option<f64>,
    pub gpu_name: Option<String>,
}

/// A profile after `extends`, with the values vprof needs.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The name commands take (file stem).
    pub name: String,
    pub path: PathBuf,
    /// The files of the chain, the profile itself first.
    pub files: Vec<FileId>,
    /// The merged tree: every value with its origin.
    pub tree: Node,
    /// The merged typed values.
    pub raw: raw::Profile,
    pub service: String,
    pub image: String,
    pub model: String,
    pub gpu_ids: Vec<String>,
    pub tensor_parallel_size: u32,
    pub pipeline_parallel_size: u32,
    pub host: Option<Host>,
    /// The flag table that applies (`target.version`).
    pub version: Version,
    /// How that version was decided: image tag, `vllm_version`, fallbacks and problems.
    pub target: Target,
}

/// Where an effective value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueSource {
    /// Written in a profile file of the chain (or a host file).
    Profile(Origin),
    /// Not written: vLLM's default in the flag table of this version.
    VllmDefault(Version),
}

/// A value as the deployment will see it, with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    pub value: serde_json::Value,
    pub source: ValueSource,
}

impl Effective {
    pub fn is_default(&self) -> bool {
        matches!(self.source, ValueSource::VllmDefault(_))
    }
}

/// vLLM's gpu_memory_utilization when no flag table carries one (every supported table
/// does; a test holds them to it).
const FALLBACK_GPU_MEMORY_UTILIZATION: f64 = 0.9;

impl Profile {
    pub fn file(&self) -> FileId {
        self.files[0]
    }

    /// The node at a dotted path (`vllm.max_model_len`).
    pub fn node(&self, dotted: &str) -> Option<&Node> {
        self.tree.lookup(dotted.split('.'))
    }

    /// The origin of a value, or of the profile file's start when it is not set anywhere.
    pub fn origin(&self, dotted: &str) -> Origin {
        self.node(dotted).map_or_else(
            || Origin {
                file: self.file(),
                span: 0..0,
                key_span: None,
            },
            |n| n.origin.clone(),
        )
    }

    /// A label on `key = value` of a path, or the file start.
    pub fn label(&self, dotted: &str, message: impl Into<String>) -> Label {
        self.origin(dotted).line_label(message)
    }

    pub fn vllm(&self) -> &raw::Vllm {
        static EMPTY: std::sync::OnceLock<raw::Vllm> = std::sync::OnceLock::new();
        self.raw
            .vllm
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(raw::Vllm::default))
    }

    pub fn deploy(&self) -> &raw::Deploy {
        static EMPTY: std::sync::OnceLock<raw::Deploy> = std::sync::OnceLock::new();
        self.raw
            .deploy
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(raw::Deploy::default))
    }

    /// The `[k8s]` table (empty when the profile has none).
    pub fn k8s(&self) -> &raw::K8s {
        static EMPTY: std::sync::OnceLock<raw::K8s> = std::sync::OnceLock::new();
        self.raw
            .k8s
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(raw::K8s::default))
    }

    /// Whether the profile is for Kubernetes only: a `[k8s]` table and no `deploy.gpu_ids`.
    pub fn k8s_only(&self) -> bool {
        self.raw.k8s.is_some() && self.deploy().gpu_ids.is_none()
    }

    pub fn port(&self) -> u32 {
        self.deploy().port.unwrap_or(DEFAULT_PORT)
    }

    /// gpu_memory_utilization as written in the profile (`None`: not set).
    pub fn gpu_memory_utilization(&self) -> Option<f64> {
        self.vllm().gpu_memory_utilization
    }

    /// The value of a dotted key as deployed: the profile's, else (for a `[vllm]` key)
    /// vLLM's default of the target version. `None`: not set and no known default.
    pub fn effective(&self, dotted: &str) -> Option<Effective> {
        if let Some(node) = self.node(dotted) {
            return Some(Effective {
                value: node.to_json(),
                source: ValueSource::Profile(node.origin.clone()),
            });
        }
        let key = dotted.strip_prefix("vllm.")?;
        crate::vllm::flag_default(self.version, key).map(|v| Effective {
            value: v.clone(),
            source: ValueSource::VllmDefault(self.version),
        })
    }

    /// The fraction of each GPU's memory vLLM claims: the profile's, else the default of
    /// the target version (what gpu-overlap, kv-cache-fit, plan and diff all read).
    pub fn gpu_memory_fraction(&self) -> f64 {
        self.gpu_memory_utilization()
            .or_else(|| {
                self.effective("vllm.gpu_memory_utilization")
                    .and_then(|e| e.value.as_f64())
            })
            .unwrap_or(FALLBACK_GPU_MEMORY_UTILIZATION)
    }
}

/// Build the strict profile; missing required values are `schema` findings.
pub fn build(
    name: &str,
    path: &Path,
    files: Vec<FileId>,
    tree: Node,
    project: &Project,
    diags: &mut Diagnostics,
) -> Option<Profile> {
    let leaf = files[0];
    let raw: raw::Profile = match serde_json::from_value(tree.to_json()) {
        Ok(raw) => raw,
        Err(err) => {
            diags.push(
                Diagnostic::new(
                    Check::Schema,
                    format!("profile does not match the format: {err}"),
                )
                .at(Label::new(leaf, 0..0, "in this profile")),
            );
            return None;
        }
    };
    let missing = |what: &str, help: &str| {
        Diagnostic::new(Check::Schema, format!("missing `{what}`"))
            .at(Label::new(
                leaf,
                0..0,
                format!("`{what}` is not set by this profile or any profile it extends"),
            ))
            .with_help(help.to_string())
    };
    let deploy = raw.deploy.clone().unwrap_or_default();
    let vllm = raw.vllm.clone().unwrap_or_default();
    let image = deploy.image.clone();
    let model = vllm.model.clone();
    let gpu_ids = deploy.gpu_ids.clone();
    for (unset, what, help) in [
        (
            image.is_none(),
            "deploy.image",
            "e.g. image = \"vllm/vllm-openai:v0.11.0\" in [deploy]",
        ),
        (
            model.is_none(),
            "vllm.model",
            "e.g. model = \"Qwen/Qwen3-8B\" in [vllm]",
        ),
        (
            // A profile with a `[k8s]` table and no GPU ids is for Kubernetes only: pods
            // get a GPU count.
            gpu_ids.is_none() && raw.k8s.is_none(),
            "deploy.gpu_ids",
            "e.g. gpu_ids = [\"0\", \"1\"] in [deploy]: one id per GPU, TP x PP in all",
        ),
    ] {
        if unset {
            diags.push(missing(what, help));
        }
    }
    let host = host(&raw).unwrap_or_else(|| {
        diags.push(missing(
            "host.gpu_count",
            "the number of GPUs on the host, e.g. gpu_count = 2 in [host]",
        ));
        None
    });
    let (Some(image), Some(model)) = (image, model) else {
        return None;
    };
    let gpu_ids = gpu_ids.unwrap_or_default();
    let target = target(
        &image,
        deploy.vllm_version.as_deref(),
        project.vllm_version.as_deref(),
        &project.vllm_tables,
    );
    let service = deploy
        .service
        .clone()
        .unwrap_or_else(|| name.replace('_', "-"));
    Some(Profile {
        name: name.to_string(),
        path: path.to_path_buf(),
        files,
        tensor_parallel_size: vllm.tensor_parallel_size.unwrap_or(1),
        pipeline_parallel_size: vllm.pipeline_parallel_size.unwrap_or(1),
        tree,
        raw,
        service,
        image,
        model,
        gpu_ids,
        host,
        version: target.version,
        target,
    })
}

/// The host of an inline `[host]` table: `Some(None)` without one, `None` when it lacks
/// `gpu_count`.
fn host(raw: &raw::Profile) -> Option<Option<Host>> {
    let Some(HostSpec::Inline(h)) = &raw.host else {
        return Some(None);
    };
    let count = h.gpu_count?;
    Some(Some(Host {
        gpu_count: count,
        gpu_memory_gib: h
            .gpu_memory_gib
            .or(h.gpu_memory_mib.map(|mib| mib as f64 / 1024.0)),
        gpu_name: h.gpu_name.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use crate::vllm::{Version, flag_default};

    #[test]
    fn every_table_knows_the_default_gpu_memory_utilization() {
        for v in Version::embedded() {
            let d = flag_default(v, "gpu_memory_utilization").and_then(|d| d.as_f64());
            assert!(d.is_some_and(|d| d > 0.0 && d <= 1.0), "{}", v.as_str());
        }
    }
}
