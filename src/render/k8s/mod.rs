//! The Kubernetes target: a resolved profile → `deploy/NAME/k8s/`, one object per file plus a
//! `kustomization.yaml`, so that users customise with overlays instead of editing output.
//!
//! - one pod holds TP x PP GPUs ([`layout`]): a `Deployment` ([`deployment`]), strategy
//!   `Recreate` (a rolling update would wait for GPUs the old pod still holds);
//! - TP x PP larger than `gpus_per_node`: a `LeaderWorkerSet` ([`leaderworkerset`]) whose
//!   groups span the nodes, started with vLLM's own multi-node flags;
//! - a `Service` ([`service`]) on the profile's port, a `PersistentVolumeClaim` ([`claim`])
//!   for the Hugging Face cache unless the profile names one, the `kustomization.yaml`
//!   ([`kustomization`]).
//!
//! The container runs exactly the compose target's vLLM arguments ([`crate::render::args`]),
//! one list item per argument. Compose-only settings are mapped (`gpu_ids` → a GPU count,
//! `ipc = "host"` and `shm_size` → a memory `emptyDir` at `/dev/shm`, `hf_cache` → the claim,
//! `secrets` and `api_key` → `secretKeyRef`) or reported by the `k8s-unmapped` check.
//!
//! **Templates, not typed structs.** The objects are minijinja templates like the compose
//! file (`templates/k8s/*.yaml.j2`, overridable by a project's `templates/k8s/`), through the
//! same quoting filters: no value can leave its YAML scalar, and `$` is doubled where
//! Kubernetes expands `$(VAR)` (args, env values). `k8s-openapi` would give typed objects,
//! but it is one of the heaviest crates to compile (every API group of a Kubernetes version),
//! needs a YAML serializer at run time on top, and would make the output's shape Rust code
//! that users cannot override. The shape is checked instead: a test reads every rendered
//! object back into strict serde types (`tests/k8s.rs`), golden files pin the bytes, and CI
//! validates every object with `kubernetes-validate --strict` and the vendored LWS schema.

pub mod claim;
pub mod deployment;
pub mod kustomization;
pub mod layout;
pub mod leaderworkerset;
pub mod names;
pub mod pod;
pub mod quantity;
pub mod service;

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

use self::layout::Layout;
use self::pod::Role;
use super::{File, Kind, MANIFEST_NOTE, template_error, with_header};
use crate::error::Error;
use crate::profile::Profile;
use crate::project::Project;

/// The templates of the target, by file name under `templates/k8s/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "k8s/pod.yaml.j2",
        include_str!("../../../templates/k8s/pod.yaml.j2"),
    ),
    (
        "k8s/deployment.yaml.j2",
        include_str!("../../../templates/k8s/deployment.yaml.j2"),
    ),
    (
        "k8s/leaderworkerset.yaml.j2",
        include_str!("../../../templates/k8s/leaderworkerset.yaml.j2"),
    ),
    (
        "k8s/service.yaml.j2",
        include_str!("../../../templates/k8s/service.yaml.j2"),
    ),
    (
        "k8s/persistentvolumeclaim.yaml.j2",
        include_str!("../../../templates/k8s/persistentvolumeclaim.yaml.j2"),
    ),
    (
        "k8s/kustomization.yaml.j2",
        include_str!("../../../templates/k8s/kustomization.yaml.j2"),
    ),
];

/// The directory under `deploy/NAME/` the target renders into.
pub const SUBDIR: &str = "k8s";

/// Labels vprof sets; a profile's `k8s.labels` cannot override them.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
pub const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
pub const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// The names and labels of a profile's objects.
#[derive(Debug, Clone, Serialize)]
pub struct Names {
    /// The Deployment / LeaderWorkerSet / Service name.
    pub base: String,
    pub namespace: Option<String>,
    pub claim: String,
    /// Whether vprof renders the claim (no `k8s.cache_claim`).
    pub own_claim: bool,
    pub secret: String,
    pub labels: BTreeMap<String, String>,
    pub selector: BTreeMap<String, String>,
}

/// The object name of a profile (`deploy.service` made DNS-1123), if it has one.
pub fn base_name(profile: &Profile) -> Option<String> {
    names::object_name(&profile.service)
}

pub fn object_names(profile: &Profile) -> Result<Names, Error> {
    let k8s = profile.k8s();
    let base = base_name(profile).ok_or_else(|| {
        Error::Usage(format!(
            "cannot render `{}`: the service name `{}` does not make a Kubernetes name",
            profile.name, profile.service
        ))
    })?;
    let selector: BTreeMap<String, String> = [
        (NAME_LABEL.to_string(), String::from("vllm")),
        (INSTANCE_LABEL.to_string(), base.clone()),
    ]
    .into();
    let mut labels = k8s.labels.clone().unwrap_or_default();
    labels.extend(selector.clone());
    labels.insert(MANAGED_BY_LABEL.into(), String::from("vprof"));
    Ok(Names {
        namespace: k8s.namespace.clone(),
        claim: k8s
            .cache_claim
            .clone()
            .unwrap_or_else(|| format!("{base}-hf-cache")),
        own_claim: k8s.cache_claim.is_none(),
        secret: k8s
            .secret_name
            .clone()
            .unwrap_or_else(|| format!("{base}-secrets")),
        base,
        labels,
        selector,
    })
}

/// The layout of a profile, or the error rendering gives (validation reports it first).
pub fn layout_of(profile: &Profile) -> Result<Layout, Error> {
    layout::layout(profile).map_err(|e| {
        Error::Usage(format!(
            "cannot render `{}`: {}",
            profile.name,
            e.message(profile)
        ))
    })
}

/// The vLLM arguments of the serving container (leader): the compose target's, plus the
/// multi-node flags of a LeaderWorkerSet.
pub fn server_args(profile: &Profile) -> Result<Vec<String>, Error> {
    let layout = layout_of(profile)?;
    let mut args = super::args::vllm_args(profile)
        .map_err(|m| Error::Usage(format!("cannot render `{}`: {m}", profile.name)))?;
    args.extend(pod::bootstrap_args(&layout, Role::Server));
    Ok(args)
}

/// Render one template to a string.
fn render_template(
    env: &Environment<'_>,
    name: &str,
    ctx: &impl Serialize,
) -> Result<String, Error> {
    env.get_template(name)
        .and_then(|t| t.render(minijinja::value::Serde(ctx)))
        .map_err(|e| template_error(name, &e))
}

/// Indent every non-empty line of `text` by `n` spaces (a pod spec placed in an object).
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.split_inclusive('\n')
        .map(|line| {
            if line.trim().is_empty() {
                line.to_string()
            } else {
                format!("{pad}{line}")
            }
        })
        .collect::<String>()
        .trim_end_matches('\n')
        .to_string()
}

/// Render the objects of one profile into `dir`.
pub fn render(profile: &Profile, project: &Project, dir: &Path) -> Result<Vec<File>, Error> {
    let env = super::environment(project)?;
    let source = crate::paths::display(&profile.path, &project.root);
    let layout = layout_of(profile)?;
    let names = object_names(profile)?;
    let mut bodies: Vec<(&str, String)> = Vec::new();
    if layout.multi_node() {
        bodies.push((
            leaderworkerset::FILE,
            leaderworkerset::render(&env, profile, &names, &layout)?,
        ));
    } else {
        bodies.push((
            deployment::FILE,
            deployment::render(&env, profile, &names, &layout)?,
        ));
    }
    bodies.push((
        service::FILE,
        service::render(&env, profile, &names, &layout)?,
    ));
    if names.own_claim {
        bodies.push((claim::FILE, claim::render(&env, profile, &names, &layout)?));
    }
    let resources: Vec<&str> = bodies.iter().map(|(f, _)| *f).collect();
    let kustomization = kustomization::render(&env, profile, &names, &resources)?;
    bodies.push((kustomization::FILE, kustomization));
    Ok(bodies
        .into_iter()
        .map(|(file, body)| File {
            path: dir.join(file),
            kind: Kind::Manifest,
            text: with_header(std::slice::from_ref(&source), MANIFEST_NOTE, &body, &body),
        })
        .collect())
}
