//! How a profile's TP x PP GPUs spread over pods: one pod (a Deployment) when a node holds
//! them all, else a group of `TP x PP / gpus_per_node` pods (a LeaderWorkerSet), one per node.

use crate::profile::Profile;
use crate::vllm;

/// vLLM's own multi-node flags; a version whose flag table lacks one of them cannot start a
/// server across nodes without Ray, which vprof does not render.
pub const MULTI_NODE_FLAGS: &[&str] = &["nnodes", "node_rank", "master_addr", "headless"];

/// The pods of one serving replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// TP x PP: the GPUs one server needs.
    pub world: u32,
    pub gpus_per_node: u32,
    /// Pods (= nodes) of one replica: 1 renders a Deployment, more a LeaderWorkerSet.
    pub nodes: u32,
    pub gpus_per_pod: u32,
}

impl Layout {
    pub fn multi_node(&self) -> bool {
        self.nodes > 1
    }
}

/// Why a profile cannot be laid out on nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// TP x PP is larger than a node and not a multiple of it.
    NotDivisible { world: u32, gpus_per_node: u32 },
    /// Several nodes are needed but the vLLM version lacks these multi-node flags.
    NoMultiNodeFlags { missing: Vec<&'static str> },
    /// Several nodes are needed but the profile asks for another executor backend.
    Backend(String),
}

impl LayoutError {
    pub fn message(&self, profile: &Profile) -> String {
        match self {
            LayoutError::NotDivisible {
                world,
                gpus_per_node,
            } => format!(
                "tensor_parallel_size x pipeline_parallel_size = {world} GPUs do not divide into nodes of {gpus_per_node} GPUs"
            ),
            LayoutError::NoMultiNodeFlags { missing } => format!(
                "this profile needs several nodes, but vLLM {} has no {} flag{}: vprof renders multi-node servers with vLLM's own --nnodes/--node-rank/--master-addr/--headless, and does not render the Ray bootstrap older versions need",
                profile.version.as_str(),
                missing
                    .iter()
                    .map(|k| format!("--{}", k.replace('_', "-")))
                    .collect::<Vec<_>>()
                    .join(", "),
                if missing.len() == 1 { "" } else { "s" }
            ),
            LayoutError::Backend(backend) => format!(
                "distributed_executor_backend = \"{backend}\" cannot span nodes with --nnodes: vLLM's multi-node flags start multiprocessing workers (\"mp\")"
            ),
        }
    }
}

/// The GPUs of one node and the dotted key that decided it (`None`: TP x PP by default).
pub fn gpus_per_node(profile: &Profile) -> (u32, Option<&'static str>) {
    if let Some(n) = profile.k8s().gpus_per_node {
        return (n, Some("k8s.gpus_per_node"));
    }
    if let Some(host) = &profile.host {
        return (host.gpu_count, Some("host.gpu_count"));
    }
    (world(profile), None)
}

pub fn world(profile: &Profile) -> u32 {
    profile
        .tensor_parallel_size
        .saturating_mul(profile.pipeline_parallel_size)
}

pub fn layout(profile: &Profile) -> Result<Layout, LayoutError> {
    let world = world(profile);
    let (gpus_per_node, _) = gpus_per_node(profile);
    if world <= gpus_per_node {
        return Ok(Layout {
            world,
            gpus_per_node,
            nodes: 1,
            gpus_per_pod: world,
        });
    }
    if !world.is_multiple_of(gpus_per_node) {
        return Err(LayoutError::NotDivisible {
            world,
            gpus_per_node,
        });
    }
    let table = vllm::table(profile.version);
    let missing: Vec<&'static str> = MULTI_NODE_FLAGS
        .iter()
        .copied()
        .filter(|k| table.get(k).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(LayoutError::NoMultiNodeFlags { missing });
    }
    if let Some(backend) = profile
        .vllm()
        .other
        .get("distributed_executor_backend")
        .and_then(serde_json::Value::as_str)
        && backend != "mp"
    {
        return Err(LayoutError::Backend(backend.to_string()));
    }
    Ok(Layout {
        world,
        gpus_per_node,
        nodes: world / gpus_per_node,
        gpus_per_pod: gpus_per_node,
    })
}
