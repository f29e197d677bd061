//! The pod template shared by the Deployment and both templates of a LeaderWorkerSet: the vLLM
//! container (the same arguments as the compose target), GPUs, the Hugging Face cache claim,
//! `/dev/shm`, secrets by `secretKeyRef`, probes on `/health`, scheduling.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Names;
use super::layout::Layout;
use super::quantity::{duration_secs, shm_quantity};
use crate::error::Error;
use crate::profile::Profile;
use crate::profile::raw::{TaintEffect, Toleration, TolerationOperator};
use crate::render::args::vllm_args;
use crate::render::compose::{DEFAULT_START_PERIOD, EnvVar, HF_CACHE_TARGET, environment};
use crate::render::yaml_quote;

/// The port vLLM listens on unless `[vllm] port` says otherwise.
pub const DEFAULT_CONTAINER_PORT: u64 = 8000;
/// Seconds between two startup probes; the failure threshold covers the startup budget.
pub const STARTUP_PERIOD: u64 = 10;

/// Which pod of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The only pod of a Deployment, or the leader of a LeaderWorkerSet group: serves the API.
    Server,
    /// A headless worker of a LeaderWorkerSet group.
    Worker,
}

#[derive(Debug, Serialize)]
pub struct PodSpec {
    pub runtime_class_name: Option<String>,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<TolerationCtx>,
    pub image: String,
    /// Profile values: every `$` is doubled so that Kubernetes' `$(VAR)` expansion leaves
    /// them literal.
    pub args: Vec<String>,
    /// References vprof creates (`$(LWS_LEADER_ADDRESS)`), expanded by Kubernetes.
    pub bootstrap_args: Vec<String>,
    pub env: Vec<EnvVar>,
    pub hf_home: Option<String>,
    pub secret_name: String,
    pub port: u64,
    pub gpus: u32,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub shm: bool,
    pub shm_size: Option<String>,
    pub cache_claim: String,
    pub probes: bool,
    pub startup_failure_threshold: u64,
}

/// One toleration as its YAML fields, values already written as YAML scalars.
pub type TolerationCtx = Vec<(&'static str, String)>;

fn toleration(t: &Toleration) -> TolerationCtx {
    let mut fields = Vec::new();
    if let Some(key) = &t.key {
        fields.push(("key", yaml_quote(key, false)));
    }
    if let Some(op) = t.operator {
        let op = match op {
            TolerationOperator::Exists => "Exists",
            TolerationOperator::Equal => "Equal",
        };
        fields.push(("operator", op.to_string()));
    }
    if let Some(value) = &t.value {
        fields.push(("value", yaml_quote(value, false)));
    }
    if let Some(effect) = t.effect {
        let effect = match effect {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        };
        fields.push(("effect", effect.to_string()));
    }
    if let Some(secs) = t.toleration_seconds {
        fields.push(("tolerationSeconds", secs.to_string()));
    }
    fields
}

/// The default: tolerate the taint the GPU operator's guides put on GPU nodes.
fn default_tolerations() -> Vec<Toleration> {
    vec![Toleration {
        key: Some(String::from("nvidia.com/gpu")),
        operator: Some(TolerationOperator::Exists),
        value: None,
        effect: Some(TaintEffect::NoSchedule),
        toleration_seconds: None,
    }]
}

/// Node labels the pods select: the GPU product (GPU feature discovery) or any GPU node,
/// then the profile's own.
pub fn node_selector(profile: &Profile) -> BTreeMap<String, String> {
    let k8s = profile.k8s();
    let mut out = BTreeMap::new();
    match &k8s.gpu_product {
        Some(product) => out.insert("nvidia.com/gpu.product".into(), product.clone()),
        None => out.insert("nvidia.com/gpu.present".into(), "true".into()),
    };
    out.extend(k8s.node_selector.clone().unwrap_or_default());
    out
}

/// The startup budget in seconds: `k8s.startup_budget`, else `deploy.start_period`, else 600s.
pub fn startup_budget_secs(profile: &Profile) -> Option<u64> {
    let text = profile
        .k8s()
        .startup_budget
        .as_deref()
        .or(profile.deploy().start_period.as_deref())
        .unwrap_or(DEFAULT_START_PERIOD);
    duration_secs(text)
}

/// The port the container listens on: `[vllm] port`, else vLLM's 8000.
pub fn container_port(profile: &Profile) -> u64 {
    profile
        .vllm()
        .other
        .get("port")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(DEFAULT_CONTAINER_PORT)
}

/// The arguments vprof adds for a multi-node group (vLLM's own flags, with the variables the
/// LeaderWorkerSet controller injects into every pod).
pub fn bootstrap_args(layout: &Layout, role: Role) -> Vec<String> {
    if !layout.multi_node() {
        return Vec::new();
    }
    let rank = match role {
        Role::Server => "0",
        Role::Worker => "$(LWS_WORKER_INDEX)",
    };
    let mut args: Vec<String> = [
        "--nnodes",
        &layout.nodes.to_string(),
        "--node-rank",
        rank,
        "--master-addr",
        "$(LWS_LEADER_ADDRESS)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if role == Role::Worker {
        args.push(String::from("--headless"));
    }
    args
}

pub fn pod_spec(
    profile: &Profile,
    names: &Names,
    layout: &Layout,
    role: Role,
) -> Result<PodSpec, Error> {
    let k8s = profile.k8s();
    let fail = |m: String| Error::Usage(format!("cannot render `{}`: {m}", profile.name));
    let args = vllm_args(profile).map_err(fail)?;
    let env = environment(profile)?;
    let hf_home = (!env.iter().any(|e| e.name == "HF_HOME")).then(|| HF_CACHE_TARGET.to_string());
    let budget = startup_budget_secs(profile)
        .ok_or_else(|| fail(String::from("the startup budget is not a duration")))?;
    let shm_size = match (&k8s.shm_size, &profile.deploy().shm_size) {
        (Some(q), _) => Some(q.clone()),
        (None, Some(docker)) => Some(
            shm_quantity(docker)
                .ok_or_else(|| fail(format!("deploy.shm_size \"{docker}\" is not a size")))?,
        ),
        (None, None) => None,
    };
    Ok(PodSpec {
        runtime_class_name: k8s.runtime_class_name.clone(),
        node_selector: node_selector(profile),
        tolerations: k8s
            .tolerations
            .clone()
            .unwrap_or_else(default_tolerations)
            .iter()
            .map(toleration)
            .collect(),
        image: profile.image.clone(),
        args,
        bootstrap_args: bootstrap_args(layout, role),
        env,
        hf_home,
        secret_name: names.secret.clone(),
        port: container_port(profile),
        gpus: layout.gpus_per_pod,
        cpu: k8s.cpu.clone(),
        memory: k8s.memory.clone(),
        shm: layout.world > 1,
        shm_size,
        cache_claim: names.claim.clone(),
        probes: role == Role::Server,
        startup_failure_threshold: budget.div_ceil(STARTUP_PERIOD).max(1),
    })
}
