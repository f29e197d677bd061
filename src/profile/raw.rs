//! What users write: the profile format as serde + schemars types.
//!
//! Every field is optional here because a partial may set any subset; what a renderable
//! profile must have is checked after `extends` is resolved (see `resolve.rs`). Doc comments
//! become the descriptions of `schemas/profile.schema.json`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::ModelTable;

/// A vLLM serving profile: one docker compose service running `vllm/vllm-openai`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vprof profile")]
pub struct Profile {
    /// A profile or partial (`_name`) in the same directory, without `.toml`, whose values this
    /// profile starts from. Tables merge key by key; this file wins.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"))]
    pub extends: Option<String>,
    /// What this configuration is for (shown by `vprof list` and in rendered headers).
    pub description: Option<String>,
    /// The GPU host: a table, or the name of a file in `hosts/` (without `.toml`).
    pub host: Option<HostSpec>,
    /// How the service is deployed with docker compose.
    pub deploy: Option<Deploy>,
    /// `vllm serve` arguments, named as vLLM names them (`--max-model-len` is `max_model_len`).
    /// Keys not listed here are checked against the flag table of the target vLLM version.
    pub vllm: Option<Vllm>,
    /// Model facts for the memory planner, overriding the local Hugging Face cache and the
    /// built-in catalog.
    pub model: Option<ModelTable>,
    /// The Kubernetes target (`vprof render NAME --target k8s`). With this table the profile is
    /// also checked for Kubernetes; without `deploy.gpu_ids` it is for Kubernetes only.
    pub k8s: Option<K8s>,
}

/// A host inline, or by name.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HostSpec {
    /// The name of `hosts/NAME.toml`.
    Name(#[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"))] String),
    /// The host described inline.
    Inline(Host),
}

/// The GPU inventory of a host (also the format of `hosts/NAME.toml`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// Number of GPUs on the host; GPU ids run from 0 to gpu_count - 1.
    #[schemars(range(min = 1, max = 1024))]
    pub gpu_count: Option<u32>,
    /// Memory of one GPU in GiB (2^30 bytes), e.g. 23.99 for a 24564 MiB RTX 4090.
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 4096))]
    pub gpu_memory_gib: Option<f64>,
    /// Memory of one GPU in MiB as `nvidia-smi` prints it (alternative to gpu_memory_gib).
    #[schemars(range(min = 1, max = 4194304))]
    pub gpu_memory_mib: Option<u64>,
    /// GPU model, for humans (e.g. "RTX 4090").
    pub gpu_name: Option<String>,
}

/// The docker compose side of the service.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// Compose service name (default: the profile name with `_` as `-`).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"))]
    pub service: Option<String>,
    /// Container image; its tag selects the vLLM version whose flags apply
    /// (`vllm/vllm-openai:v0.11.0`).
    #[schemars(length(min = 1))]
    pub image: Option<String>,
    /// The vLLM version the image runs, for tags that do not say it (`nightly-<sha>`,
    /// `qwen3-final`, a digest): "0.27.1". Overrides `vllm_version` of vprof.toml; a version
    /// tag on the image wins over both. A patch release without a table of its own uses its
    /// minor release's table.
    #[schemars(regex(pattern = r"^v?[0-9]+\.[0-9]+"))]
    pub vllm_version: Option<String>,
    /// Container name (default: none, compose chooses).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$"))]
    pub container_name: Option<String>,
    /// Physical GPU ids given to the container; their count must equal TP x PP.
    pub gpu_ids: Option<Vec<String>>,
    /// Host port published for the OpenAI-compatible API (the container listens on 8000).
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<u32>,
    /// Host address the port is bound to, an IPv4 or IPv6 address (default: all interfaces).
    #[schemars(regex(pattern = r"^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"))]
    pub bind_address: Option<String>,
    /// Shared memory size for the container (`16gb`); needed with TP x PP > 1 unless ipc = "host".
    /// At most one space before the unit, as Docker's size parser reads it.
    #[schemars(regex(pattern = r"^[0-9]+(\.[0-9]+)? ?([bkmgBKMG]|[kmgKMG][bB])?$"))]
    pub shm_size: Option<String>,
    /// IPC mode, e.g. "host".
    pub ipc: Option<String>,
    /// Host directory of the Hugging Face cache, mounted at /root/.cache/huggingface (no `:`,
    /// which would let the path choose the mount point). A relative path (`./models`) is
    /// relative to the project root, not to deploy/NAME/.
    #[schemars(regex(pattern = r"^[^:\x00-\x1F\x7F]+$"))]
    pub hf_cache: Option<String>,
    /// Names of environment variables holding secrets (values live in .env, never here).
    pub secrets: Option<Vec<SecretName>>,
    /// Plain environment variables for the container; names are environment variable names
    /// of at most 256 characters (a YAML key longer than 1024 is not valid YAML).
    #[schemars(extend("propertyNames" = {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 256}))]
    pub env: Option<BTreeMap<String, String>>,
    /// Extra volumes in compose short syntax (`./data:/data:ro`): a source, an absolute target
    /// and an optional mode. A relative source is relative to the project root (vprof rewrites
    /// it for the compose file's directory).
    // The two patterns together say `SOURCE:/TARGET(:MODE)?` without an optional group: each
    // is a plain sequence of classes, which jsonschema decides without compiling a regex for
    // ASCII values (the Unicode regex of the grouped form was half of the page faults of a
    // one-file `validate`).
    #[schemars(extend("items" = {
        "type": "string",
        "pattern": r"^[^:\x00-\x1F\x7F]+:/[^:\x00-\x1F\x7F]*:?[A-Za-z,]*$",
        "allOf": [{"pattern": r"^[^\x00-\x1F\x7F]*[^:\x00-\x1F\x7F]$"}]
    }))]
    pub volumes: Option<Vec<String>>,
    /// Healthcheck start period: how long model loading may take (default "600s").
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"))]
    pub start_period: Option<String>,
}

/// An environment variable name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct SecretName(#[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))] pub String);

/// A reference to a secret held in an environment variable: `{ env = "VLLM_API_KEY" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The variable's name; its value lives in `.env`.
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub env: String,
}

/// A secret: an environment reference. A literal string is accepted by the schema only so
/// that the `inline-secret` check can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Secret {
    Ref(SecretRef),
    Literal(String),
}

/// An integer, or vLLM's human-readable form (`128k` = 128000, `128K` = 131072).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HumanInt {
    Int(#[schemars(range(min = 1))] u64),
    Text(#[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?[kKmMgG]?|auto|-1)$"))] String),
}

/// One string or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `vllm serve` arguments. The common ones are typed here; any other key is one of vLLM's
/// own argument names, checked against the target version's flag table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
pub struct Vllm {
    /// Hugging Face model id or path (rendered as `--model`); it cannot start with `-`, which
    /// vLLM's parser would read as an option.
    #[schemars(
        length(min = 1),
        regex(pattern = r"^[^-\x00-\x1F\x7F][^\x00-\x1F\x7F]*$")
    )]
    pub model: Option<String>,
    /// Name(s) the API serves the model under.
    pub served_model_name: Option<OneOrMany>,
    /// Model revision (a branch, tag or commit hash).
    pub revision: Option<String>,
    /// Tokenizer revision.
    pub tokenizer_revision: Option<String>,
    /// Tensor parallel size (`-tp`).
    #[schemars(range(min = 1, max = 1024))]
    pub tensor_parallel_size: Option<u32>,
    /// Pipeline parallel size (`-pp`).
    #[schemars(range(min = 1, max = 1024))]
    pub pipeline_parallel_size: Option<u32>,
    /// Fraction of each GPU's memory vLLM may use, in (0, 1].
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1))]
    pub gpu_memory_utilization: Option<f64>,
    /// Maximum context length (prompt + output) in tokens.
    pub max_model_len: Option<HumanInt>,
    /// Maximum number of sequences per iteration.
    #[schemars(range(min = 1))]
    pub max_num_seqs: Option<u64>,
    /// Maximum number of batched tokens per iteration.
    pub max_num_batched_tokens: Option<HumanInt>,
    /// Data type of the KV cache (`auto`, `fp8`, ...).
    pub kv_cache_dtype: Option<String>,
    /// Quantization method of the weights (`awq_marlin`, `fp8`, ...).
    pub quantization: Option<String>,
    /// Data type of weights and activations (`auto`, `half`, `bfloat16`, ...).
    pub dtype: Option<String>,
    /// Chunked prefill: absent = vLLM's default; false renders the negative flag.
    pub enable_chunked_prefill: Option<bool>,
    /// Prefix caching (on by default in vLLM's V1 engine): false renders
    /// `--no-enable-prefix-caching`.
    pub enable_prefix_caching: Option<bool>,
    /// Let the model choose tools; needs tool_call_parser.
    pub enable_auto_tool_choice: Option<bool>,
    /// Tool-call parser name (checked against vLLM's registry).
    pub tool_call_parser: Option<String>,
    /// Reasoning parser name (checked against vLLM's registry).
    pub reasoning_parser: Option<String>,
    /// Allow custom model code from the hub.
    pub trust_remote_code: Option<bool>,
    /// API key, as an environment reference: `{ env = "VLLM_API_KEY" }`.
    pub api_key: Option<Secret>,
    /// Overrides of the model's Hugging Face config (e.g. `rope_scaling`), rendered as JSON.
    pub hf_overrides: Option<serde_json::Map<String, serde_json::Value>>,
    /// Speculative decoding configuration, rendered as JSON.
    pub speculative_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// torch.compile / CUDA graph configuration, rendered as JSON.
    pub compilation_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Any other `vllm serve` argument of the target version, by its own name.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// A Kubernetes resource quantity (`8`, `7500m`, `64Gi`).
const QUANTITY: &str = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";

/// How the profile runs on Kubernetes: a Deployment when one node holds TP x PP GPUs, a
/// LeaderWorkerSet across `TP x PP / gpus_per_node` nodes otherwise.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct K8s {
    /// Namespace of every rendered object (default: none, so `kubectl apply -n` or the
    /// context's namespace applies). A DNS-1123 label.
    pub namespace: Option<String>,
    /// Labels added to every object and pod, next to the `app.kubernetes.io/*` ones vprof sets.
    pub labels: Option<BTreeMap<String, String>>,
    /// Serving replicas: pods of the Deployment, or groups of the LeaderWorkerSet (default 1).
    #[schemars(range(min = 0, max = 1000))]
    pub replicas: Option<u32>,
    /// GPUs of one node (default: `host.gpu_count`, else TP x PP). When TP x PP is larger, the
    /// server spans TP x PP / gpus_per_node nodes, which must divide exactly.
    #[schemars(range(min = 1, max = 1024))]
    pub gpus_per_node: Option<u32>,
    /// The GPU product as GPU feature discovery labels nodes (`nvidia.com/gpu.product`, e.g.
    /// "NVIDIA-H100-80GB-HBM3"); without it pods select `nvidia.com/gpu.present: "true"`.
    pub gpu_product: Option<String>,
    /// More node labels the pods must match.
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations of the pods (default: `nvidia.com/gpu` Exists NoSchedule; `[]` for none).
    pub tolerations: Option<Vec<Toleration>>,
    /// RuntimeClass of the pods (e.g. "nvidia"), for clusters whose default container runtime
    /// does not expose GPUs (default: none).
    pub runtime_class_name: Option<String>,
    /// CPU request of each pod (a Kubernetes quantity: "8", "7500m").
    #[schemars(regex(pattern = QUANTITY))]
    pub cpu: Option<String>,
    /// Memory request of each pod ("64Gi").
    #[schemars(regex(pattern = QUANTITY))]
    pub memory: Option<String>,
    /// Size limit of the memory-backed `/dev/shm` (default: `deploy.shm_size` converted, else
    /// no limit beyond the pod's memory).
    #[schemars(regex(pattern = QUANTITY))]
    pub shm_size: Option<String>,
    /// An existing PersistentVolumeClaim holding the Hugging Face cache; without it vprof renders
    /// a claim named `NAME-hf-cache`.
    pub cache_claim: Option<String>,
    /// Storage requested by the claim vprof renders (default "200Gi").
    #[schemars(regex(pattern = QUANTITY))]
    pub cache_size: Option<String>,
    /// StorageClass of the claim vprof renders (default: the cluster's default class).
    pub cache_storage_class: Option<String>,
    /// The Secret holding the API key and every `deploy.secrets` variable, one key per variable
    /// name (default: `NAME-secrets`). vprof never renders its values.
    pub secret_name: Option<String>,
    /// How long model loading may take (`"20m"`): the startup probe allows it and the
    /// Deployment's progress deadline exceeds it (default: `deploy.start_period`, else "600s").
    #[schemars(regex(pattern = r"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"))]
    pub startup_budget: Option<String>,
}

/// A pod toleration (Kubernetes' own fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Toleration {
    /// The taint key (empty with Exists: every taint).
    pub key: Option<String>,
    /// `Exists` or `Equal` (default `Equal`).
    pub operator: Option<TolerationOperator>,
    /// The taint value (with `Equal`).
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute` (default: every effect).
    pub effect: Option<TaintEffect>,
    /// With `NoExecute`: seconds the pod stays bound after the taint appears.
    pub toleration_seconds: Option<i64>,
}

/// How a toleration matches a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TolerationOperator {
    Exists,
    Equal,
}

/// The effect of a taint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}
