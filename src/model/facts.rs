//! What the planner needs to know about a model, and where it comes from.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Model facts written in a profile (`[model]`); each field overrides the Hugging Face cache
/// and the built-in catalog. Names follow the model's `config.json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelTable {
    /// Number of transformer layers (`num_hidden_layers`).
    pub num_hidden_layers: Option<u64>,
    /// Number of attention (query) heads.
    pub num_attention_heads: Option<u64>,
    /// Number of key/value heads (grouped-query attention); defaults to the attention heads.
    pub num_key_value_heads: Option<u64>,
    /// Dimension of one attention head (default: hidden_size / num_attention_heads).
    pub head_dim: Option<u64>,
    /// Hidden size.
    pub hidden_size: Option<u64>,
    /// MLP intermediate size.
    pub intermediate_size: Option<u64>,
    /// Vocabulary size.
    pub vocab_size: Option<u64>,
    /// Whether the output head shares the embedding matrix.
    pub tie_word_embeddings: Option<bool>,
    /// Native context length.
    pub max_position_embeddings: Option<u64>,
    /// Weight dtype: "bfloat16", "float16" or "float32".
    pub torch_dtype: Option<String>,
    /// Quantization of the linear layers ("awq", "gptq", "fp8", ...).
    pub quant_method: Option<String>,
    /// Bits per quantized weight (4 for AWQ/GPTQ int4, 8 for fp8).
    pub quant_bits: Option<u32>,
    /// Quantization group size (128 for most AWQ/GPTQ checkpoints).
    pub quant_group_size: Option<u64>,
    /// Total size of the weight files in bytes (overrides the size computed from the shape).
    pub weight_bytes: Option<u64>,
}

/// Quantized linear layers.
#[derive(Debug, Clone, PartialEq)]
pub struct Quant {
    pub method: String,
    pub bits: u32,
    pub group_size: u64,
}

impl Quant {
    /// The one place quantization defaults are decided: 8 bits for fp8 methods, else 4;
    /// groups of 128 weights.
    pub fn with_defaults(method: String, bits: Option<u32>, group_size: Option<u64>) -> Quant {
        let bits = bits.unwrap_or(if method.contains("fp8") { 8 } else { 4 });
        Quant {
            method,
            bits,
            group_size: group_size.unwrap_or(128),
        }
    }
}

/// Everything the planner and the model checks use.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFacts {
    pub layers: u64,
    pub attention_heads: u64,
    pub kv_heads: u64,
    pub head_dim: u64,
    pub hidden_size: u64,
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
    /// Where the facts came from, for messages.
    pub source: String,
}

/// Bytes of a torch dtype name.
pub fn dtype_bytes(name: &str) -> f64 {
    match name {
        "float32" | "float" => 4.0,
        "float8_e4m3fn" | "fp8" => 1.0,
        _ => 2.0,
    }
}

/// Facts from `[model]` over a base (cache or catalog); `Err` names what is missing.
pub fn resolve_facts(
    model_id: &str,
    table: Option<&ModelTable>,
    hf_dirs: &[PathBuf],
) -> Result<ModelFacts, Vec<&'static str>> {
    let base =
        super::hf_cache::from_hf_cache(model_id, hf_dirs).or_else(|| super::catalog(model_id));
    let Some(t) = table else {
        return base.ok_or_else(|| REQUIRED.to_vec());
    };
    let pick = |own: Option<u64>, base_value: Option<u64>| own.or(base_value);
    let b = base.as_ref();
    let layers = pick(t.num_hidden_layers, b.map(|f| f.layers));
    let heads = pick(t.num_attention_heads, b.map(|f| f.attention_heads));
    let hidden = pick(t.hidden_size, b.map(|f| f.hidden_size));
    let inter = pick(t.intermediate_size, b.map(|f| f.intermediate_size));
    let vocab = pick(t.vocab_size, b.map(|f| f.vocab_size));
    let context = pick(
        t.max_position_embeddings,
        b.map(|f| f.max_position_embeddings),
    );
    let mut missing = Vec::new();
    for (name, v) in [
        ("num_hidden_layers", layers),
        ("num_attention_heads", heads),
        ("hidden_size", hidden),
        ("intermediate_size", inter),
        ("vocab_size", vocab),
        ("max_position_embeddings", context),
    ] {
        if v.is_none_or(|v| v == 0) {
            missing.push(name);
        }
    }
    let (Some(layers), Some(heads), Some(hidden), Some(inter), Some(vocab), Some(context)) =
        (layers, heads, hidden, inter, vocab, context)
    else {
        return Err(missing);
    };
    if !missing.is_empty() {
        return Err(missing);
    }
    let quant = match (&t.quant_method, b.and_then(|f| f.quant.clone())) {
        (Some(method), base_quant) => Some(Quant::with_defaults(
            method.clone(),
            t.quant_bits.or(base_quant.as_ref().map(|q| q.bits)),
            t.quant_group_size
                .or(base_quant.as_ref().map(|q| q.group_size)),
        )),
        (None, q) => q,
    };
    Ok(ModelFacts {
        layers,
        attention_heads: heads,
        kv_heads: pick(t.num_key_value_heads, b.map(|f| f.kv_heads))
            .unwrap_or(heads)
            .max(1),
        head_dim: pick(t.head_dim, b.map(|f| f.head_dim)).unwrap_or(hidden / heads.max(1)),
        hidden_size: hidden,
        intermediate_size: inter,
        vocab_size: vocab,
        tie_word_embeddings: t
            .tie_word_embeddings
            .or(b.map(|f| f.tie_word_embeddings))
            .unwrap_or(false),
        max_position_embeddings: context,
        rope_scaling: b.and_then(|f| f.rope_scaling.clone()),
        original_max_position_embeddings: b.and_then(|f| f.original_max_position_embeddings),
        dtype_bytes: t
            .torch_dtype
            .as_deref()
            .map(dtype_bytes)
            .or(b.map(|f| f.dtype_bytes))
            .unwrap_or(2.0),
        quant,
        weight_bytes: t.weight_bytes.or(b.and_then(|f| f.weight_bytes)),
        source: match b {
            Some(f) => format!("profile [model] over {}", f.source),
            None => String::from("profile [model]"),
        },
    })
}

const REQUIRED: &[&str] = &[
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "hidden_size",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
];

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
        .filter(|q| q.bits <= 4 && q.group_size > 0)
    {
        let o_proj = facts.attention_heads * facts.head_dim / tp;
        let down_proj = facts.intermediate_size / tp;
        for (layer, size) in [("down_proj", down_proj), ("o_proj", o_proj)] {
            if size % q.group_size != 0 || !facts.intermediate_size.is_multiple_of(tp) {
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
