//! What the planner needs to know about a model: its shape, its mixture of experts, its
//! attention layout (sliding windows, latent attention), its vision encoder, its quantization.
//! Facts are read from a `config.json` (see `config.rs`), whatever its origin: the profile's
//! `[model]` table laid over the Hugging Face cache or the built-in catalog.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// Quantized linear layers.
#[derive(Debug, Clone, PartialEq)]
pub struct Quant {
    pub method: String,
    pub bits: u32,
    pub group_size: u64,
    /// Only the routed experts are quantized (gpt-oss's mxfp4 keeps attention, router,
    /// embeddings and head in bf16: its `modules_to_not_convert`).
    pub experts_only: bool,
}

impl Quant {
    /// The one place quantization defaults are decided: 8 bits for fp8 methods, else 4;
    /// groups of 128 weights (32 for mxfp4, 16 for NVFP4). mxfp4 (gpt-oss) quantizes only the
    /// routed experts.
    pub fn with_defaults(method: String, bits: Option<u32>, group_size: Option<u64>) -> Quant {
        let method = method.to_ascii_lowercase();
        let bits = bits.unwrap_or(if method.contains("fp8") { 8 } else { 4 });
        let group = match method.as_str() {
            "mxfp4" => 32,
            m if m.contains("nvfp4") => 16,
            _ => 128,
        };
        Quant {
            experts_only: method == "mxfp4",
            method,
            bits,
            group_size: group_size.unwrap_or(group),
        }
    }
}

/// A mixture-of-experts MLP.
#[derive(Debug, Clone, PartialEq)]
pub struct Moe {
    /// Routed experts per MoE layer.
    pub experts: u64,
    /// Routed experts each token goes through.
    pub experts_per_token: u64,
    /// Intermediate size of one routed expert.
    pub expert_intermediate: u64,
    /// Intermediate size of all shared experts of a layer together (0: none).
    pub shared_intermediate: u64,
    /// How many of the layers are MoE layers; the others are dense MLPs of
    /// `dense_intermediate`.
    pub moe_layers: u64,
    /// Intermediate size of the dense layers' MLP.
    pub dense_intermediate: u64,
}

/// Multi-head latent attention (DeepSeek V2/V3): the KV cache holds one latent vector of
/// `kv_lora_rank` plus the rotary key of `qk_rope_head_dim` per token and layer, the same on
/// every tensor-parallel rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Mla {
    pub kv_lora_rank: u64,
    pub qk_rope_head_dim: u64,
    pub qk_nope_head_dim: u64,
    pub v_head_dim: u64,
    pub q_lora_rank: Option<u64>,
}

/// The vision encoder of a multimodal checkpoint (`vision_config`).
#[derive(Debug, Clone, PartialEq)]
pub struct Vision {
    pub layers: u64,
    pub hidden_size: u64,
    pub intermediate_size: u64,
}

/// Everything the planner and the model checks use.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFacts {
    pub layers: u64,
    pub attention_heads: u64,
    pub kv_heads: u64,
    pub head_dim: u64,
    pub hidden_size: u64,
    /// Intermediate size of a dense MLP (for a MoE model, of its dense layers).
    pub intermediate_size: u64,
    pub vocab_size: u64,
    pub tie_word_embeddings: bool,
    pub max_position_embeddings: u64,
    /// The model's own rope scaling (from its config), as JSON.
    pub rope_scaling: Option<Value>,
    pub original_max_position_embeddings: Option<u64>,
    /// Bytes per unquantized parameter (2 for bf16/fp16).
    pub dtype_bytes: f64,
    pub quant: Option<Quant>,
    /// Total bytes of the weight files, when known.
    pub weight_bytes: Option<u64>,
    pub moe: Option<Moe>,
    pub mla: Option<Mla>,
    /// Tokens a sliding-window (or chunked local) attention layer keeps.
    pub sliding_window: Option<u64>,
    /// How many layers use the sliding window; the others attend to the whole sequence.
    pub sliding_layers: u64,
    pub vision: Option<Vision>,
    /// Where the facts came from, for messages.
    pub source: String,
}

impl ModelFacts {
    /// Layers that attend to the whole sequence.
    pub fn full_layers(&self) -> u64 {
        self.layers - self.sliding_layers.min(self.layers)
    }

    /// The intermediate size whose slices the quantization groups must divide.
    pub fn sharded_intermediate(&self) -> u64 {
        self.moe
            .as_ref()
            .map_or(self.intermediate_size, |m| m.expert_intermediate)
    }
}

/// Facts of `model_id`: the profile's `[model]` table laid over the Hugging Face cache or the
/// catalog; `Err` names the facts nobody gave.
pub fn resolve_facts(
    model_id: &str,
    table: Option<&super::ModelTable>,
    hf_dirs: &[PathBuf],
) -> Result<ModelFacts, Vec<&'static str>> {
    if table.is_some() {
        return read_facts(model_id, table, hf_dirs);
    }
    // Once per model and cache directories, however many profiles serve it.
    static MEMO: super::memo::Memo<Result<ModelFacts, Vec<&'static str>>> = OnceLock::new();
    super::memo::once(&MEMO, model_id, hf_dirs, || {
        read_facts(model_id, None, hf_dirs)
    })
}

fn read_facts(
    model_id: &str,
    table: Option<&super::ModelTable>,
    hf_dirs: &[PathBuf],
) -> Result<ModelFacts, Vec<&'static str>> {
    let base = super::hf_cache::from_hf_cache(model_id, hf_dirs).or_else(|| {
        super::catalog::entry(model_id)
            .map(|(config, source)| (config, None, format!("vprof's catalog ({source})")))
    });
    let (mut config, weight_bytes, source) = match (base, table) {
        (Some(b), _) => b,
        (None, Some(_)) => (Map::new(), None, String::new()),
        (None, None) => return Err(super::config::REQUIRED.to_vec()),
    };
    let source = match table {
        Some(t) => {
            t.overlay(&mut config);
            if source.is_empty() {
                String::from("profile [model]")
            } else {
                format!("profile [model] over {source}")
            }
        }
        None => source,
    };
    let weight_bytes = table.and_then(|t| t.weight_bytes).or(weight_bytes);
    super::config::parse(&config, weight_bytes, source)
}

/// Bytes of a torch dtype name.
pub fn dtype_bytes(name: &str) -> f64 {
    match name {
        "float32" | "float" => 4.0,
        "float8_e4m3fn" | "fp8" => 1.0,
        _ => 2.0,
    }
}

/// The longest context vLLM accepts for the model, as its `_get_and_verify_max_len` derives
/// it: YaRN scales `original_max_position_embeddings` by the factor; `llama3`/`longrope`
/// scaling is already in `max_position_embeddings`; other types scale it.
pub fn context_limit(facts: &ModelFacts, rope_override: Option<&Value>) -> u64 {
    let rope = rope_override.or(facts.rope_scaling.as_ref());
    let Some(rope) = rope else {
        return facts.max_position_embeddings;
    };
    let kind = rope
        .get("rope_type")
        .or_else(|| rope.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let factor = rope.get("factor").and_then(Value::as_f64).unwrap_or(1.0);
    if matches!(kind, "llama3" | "longrope" | "su" | "default" | "mrope") || factor <= 1.0 {
        return facts.max_position_embeddings;
    }
    let base = if kind == "yarn" {
        rope.get("original_max_position_embeddings")
            .and_then(Value::as_u64)
            .or(facts.original_max_position_embeddings)
            .unwrap_or(facts.max_position_embeddings)
    } else {
        facts.max_position_embeddings
    };
    (base as f64 * factor) as u64
}

/// Why tensor parallelism `tp` cannot shard this model (vLLM's own wording where it has one).
pub fn tp_problems(facts: &ModelFacts, tp: u32) -> Vec<String> {
    let tp = u64::from(tp.max(1));
    let mut out = Vec::new();
    if !facts.attention_heads.is_multiple_of(tp) {
        out.push(format!(
            "Total number of attention heads ({}) must be divisible by tensor parallel size ({tp}).",
            facts.attention_heads
        ));
    }
    let kv = facts.kv_heads;
    if (kv >= tp && !kv.is_multiple_of(tp)) || (kv < tp && tp % kv != 0) {
        out.push(format!(
            "Total number of key-value heads ({kv}) must be divisible by tensor parallel size ({tp}), or divide it (replication)."
        ));
    }
    if let Some(q) = facts
        .quant
        .as_ref()
        // mxfp4 pads each rank's expert slice to 256 columns instead of refusing.
        .filter(|q| q.bits <= 4 && q.group_size > 0 && q.method != "mxfp4")
    {
        let o_proj = facts.attention_heads * facts.head_dim / tp;
        let inter = facts.sharded_intermediate();
        let down_proj = inter / tp;
        for (layer, size) in [("down_proj", down_proj), ("o_proj", o_proj)] {
            if size % q.group_size != 0 || !inter.is_multiple_of(tp) {
                out.push(format!(
                    "The input size is not aligned with the quantized weight shape. This can be caused by too large tensor parallel size. ({layer}: {size} inputs per GPU is not a multiple of the group size {})",
                    q.group_size
                ));
                break;
            }
        }
    }
    out
}
