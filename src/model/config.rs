//! Reading model facts from a `config.json` (a Hugging Face cache snapshot, a catalog entry,
//! or either with the profile's `[model]` table laid over it). Names and defaults follow the
//! Transformers configuration classes vLLM loads. A fact the estimator needs and the config
//! does not give is reported by name; nothing is guessed from a dense shape.

use serde_json::{Map, Value};

use super::facts::{Mla, ModelFacts, Moe, Quant, Vision, dtype_bytes};

/// What a model without any base needs from `[model]`.
pub const REQUIRED: &[&str] = &[
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "hidden_size",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
];

/// Architectures whose routed experts are `intermediate_size` wide (their configs have no
/// `moe_intermediate_size`): Mixtral, gpt-oss, Llama 4, PhiMoE, Granite MoE, OLMoE.
const EXPERTS_USE_INTERMEDIATE: &[&str] = &[
    "mixtral",
    "gpt_oss",
    "llama4",
    "llama4_text",
    "phimoe",
    "granitemoe",
    "granitemoeshared",
    "olmoe",
];

/// A multimodal config's language-model part (`text_config`) over its top level, so that
/// the same keys describe every checkpoint; `vision_config` and `quantization_config` stay.
pub fn flatten(config: &Value) -> Map<String, Value> {
    let mut out = config.as_object().cloned().unwrap_or_default();
    if let Some(Value::Object(text)) = out.remove("text_config") {
        for (k, v) in text {
            if k == "model_type" && out.contains_key("model_type") {
                out.insert(String::from("text_model_type"), v);
                continue;
            }
            out.insert(k, v);
        }
    }
    out
}

fn uint(c: &Map<String, Value>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| c.get(*k).and_then(Value::as_u64))
}

fn quant(c: &Map<String, Value>) -> Option<Quant> {
    let q = c.get("quantization_config")?;
    let method = q
        .get("quant_method")
        .and_then(Value::as_str)?
        .to_ascii_lowercase();
    // compressed-tensors keeps bits and groups per scheme group; modelopt names an algorithm.
    let group0 = q
        .get("config_groups")
        .and_then(Value::as_object)
        .and_then(|g| g.values().next())
        .and_then(|g| g.get("weights"));
    let algo = q
        .get("quant_algo")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    // modelopt names its algorithm ("FP8", "NVFP4") instead of a method with bits.
    let method = match method.as_str() {
        "modelopt" if !algo.is_empty() => algo,
        _ => method,
    };
    let bits = q
        .get("bits")
        .or_else(|| q.get("w_bit"))
        .or_else(|| group0.and_then(|w| w.get("num_bits")))
        .and_then(Value::as_u64)
        .and_then(|b| u32::try_from(b).ok());
    let group = q
        .get("group_size")
        .or_else(|| q.get("q_group_size"))
        .or_else(|| group0.and_then(|w| w.get("group_size")))
        .and_then(Value::as_u64);
    Some(Quant::with_defaults(method, bits, group))
}

/// Which layers are MoE layers, as the model classes decide it.
fn moe_layers(c: &Map<String, Value>, layers: u64) -> u64 {
    let first_dense = uint(c, &["first_k_dense_replace"]).unwrap_or(0);
    let only_mlp: Vec<u64> = c
        .get("mlp_only_layers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let step = uint(c, &["decoder_sparse_step", "interleave_moe_layer_step"])
        .unwrap_or(1)
        .max(1);
    let freq = uint(c, &["moe_layer_freq"]).unwrap_or(1).max(1);
    (0..layers)
        .filter(|i| {
            *i >= first_dense
                && !only_mlp.contains(i)
                && (i + 1).is_multiple_of(step)
                && (i - first_dense.min(*i)).is_multiple_of(freq)
        })
        .count() as u64
}

fn moe(c: &Map<String, Value>, layers: u64, missing: &mut Vec<&'static str>) -> Option<Moe> {
    let experts = uint(c, &["num_experts", "n_routed_experts", "num_local_experts"])?;
    if experts == 0 {
        return None;
    }
    let model_type = c.get("model_type").and_then(Value::as_str).unwrap_or("");
    let text_type = c.get("text_model_type").and_then(Value::as_str);
    let experts_use_inter = EXPERTS_USE_INTERMEDIATE.contains(&model_type)
        || text_type.is_some_and(|t| EXPERTS_USE_INTERMEDIATE.contains(&t));
    let per_token = uint(c, &["num_experts_per_tok", "experts_per_token", "moe_topk"]);
    let expert = uint(c, &["moe_intermediate_size"]).or_else(|| {
        experts_use_inter
            .then(|| uint(c, &["intermediate_size"]))
            .flatten()
    });
    if per_token.is_none() {
        missing.push("num_experts_per_tok");
    }
    if expert.is_none() {
        missing.push("moe_intermediate_size");
    }
    let (per_token, expert) = (per_token?, expert?);
    let moe_layers = moe_layers(c, layers);
    let dense = uint(c, &["intermediate_size_mlp", "intermediate_size"]);
    if moe_layers < layers && dense.is_none() {
        missing.push("intermediate_size");
    }
    let llama4 =
        model_type.starts_with("llama4") || text_type.is_some_and(|t| t.starts_with("llama4"));
    let shared = uint(
        c,
        &[
            "shared_expert_intermediate_size",
            "shared_intermediate_size",
        ],
    )
    .unwrap_or_else(|| uint(c, &["n_shared_experts"]).unwrap_or(0) * expert)
        + if llama4 { expert } else { 0 };
    Some(Moe {
        experts,
        experts_per_token: per_token,
        expert_intermediate: expert,
        shared_intermediate: shared,
        moe_layers,
        dense_intermediate: dense.unwrap_or(0),
    })
}

/// Sliding-window (and Llama 4's chunked local) layers: (window, how many layers).
fn sliding(
    c: &Map<String, Value>,
    layers: u64,
    missing: &mut Vec<&'static str>,
) -> (Option<u64>, u64) {
    let window = uint(c, &["sliding_window"]);
    let model_type = c
        .get("text_model_type")
        .or_else(|| c.get("model_type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(chunk) = uint(c, &["attention_chunk_size"]) {
        // Llama 4: the RoPE layers attend within chunks; every 4th (`no_rope_layers` 0) is global.
        let chunked = match c.get("no_rope_layers").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a.iter().filter(|v| v.as_u64() == Some(1)).count() as u64,
            _ => (0..layers).filter(|i| !(i + 1).is_multiple_of(4)).count() as u64,
        };
        return (Some(chunk), chunked);
    }
    let count = if let Some(types) = c.get("layer_types").and_then(Value::as_array) {
        types
            .iter()
            .filter(|t| t.as_str().is_some_and(|t| t.contains("sliding")))
            .count() as u64
    } else if let Some(pattern) = uint(c, &["sliding_window_pattern"]).filter(|p| *p > 0) {
        (0..layers)
            .filter(|i| !(i + 1).is_multiple_of(pattern))
            .count() as u64
    } else if model_type == "gemma2" {
        layers.div_ceil(2)
    } else if window.is_some() && c.get("use_sliding_window") != Some(&Value::Bool(false)) {
        layers
    } else {
        0
    };
    if count > 0 && window.is_none() {
        missing.push("sliding_window");
    }
    (window.filter(|_| count > 0), count.min(layers))
}

fn mla(c: &Map<String, Value>, missing: &mut Vec<&'static str>) -> Option<Mla> {
    let rank = uint(c, &["kv_lora_rank"])?;
    let rope = uint(c, &["qk_rope_head_dim"]);
    let nope = uint(c, &["qk_nope_head_dim"]);
    let v = uint(c, &["v_head_dim"]);
    for (name, value) in [
        ("qk_rope_head_dim", rope),
        ("qk_nope_head_dim", nope),
        ("v_head_dim", v),
    ] {
        if value.is_none() {
            missing.push(name);
        }
    }
    Some(Mla {
        kv_lora_rank: rank,
        qk_rope_head_dim: rope?,
        qk_nope_head_dim: nope?,
        v_head_dim: v?,
        q_lora_rank: uint(c, &["q_lora_rank"]),
    })
}

fn vision(c: &Map<String, Value>, missing: &mut Vec<&'static str>) -> Option<Vision> {
    let v = c.get("vision_config")?.as_object()?;
    let layers = uint(v, &["num_hidden_layers", "depth"]);
    let hidden = uint(v, &["hidden_size", "embed_dim"]);
    let inter = uint(v, &["intermediate_size"]);
    for (name, value) in [
        ("vision_num_hidden_layers", layers),
        ("vision_hidden_size", hidden),
        ("vision_intermediate_size", inter),
    ] {
        if value.is_none() {
            missing.push(name);
        }
    }
    Some(Vision {
        layers: layers?,
        hidden_size: hidden?,
        intermediate_size: inter?,
    })
}

/// Facts from a flattened config; `Err` names every missing fact.
pub fn parse(
    c: &Map<String, Value>,
    weight_bytes: Option<u64>,
    source: String,
) -> Result<ModelFacts, Vec<&'static str>> {
    let mut missing = Vec::new();
    let mut need = |name: &'static str, keys: &[&str]| {
        let v = uint(c, keys).filter(|v| *v > 0);
        if v.is_none() {
            missing.push(name);
        }
        v.unwrap_or(1)
    };
    let layers = need("num_hidden_layers", &["num_hidden_layers", "n_layer"]);
    let heads = need("num_attention_heads", &["num_attention_heads"]);
    let hidden = need("hidden_size", &["hidden_size"]);
    let vocab = need("vocab_size", &["vocab_size"]);
    let context = need("max_position_embeddings", &["max_position_embeddings"]);
    let moe = moe(c, layers, &mut missing);
    let inter = uint(c, &["intermediate_size"]);
    if inter.is_none() && moe.is_none() {
        missing.push("intermediate_size");
    }
    let (sliding_window, sliding_layers) = sliding(c, layers, &mut missing);
    let mla = mla(c, &mut missing);
    let vision = vision(c, &mut missing);
    if !missing.is_empty() {
        missing.dedup();
        return Err(missing);
    }
    let rope = c.get("rope_scaling").filter(|r| r.is_object()).cloned();
    Ok(ModelFacts {
        layers,
        attention_heads: heads,
        kv_heads: uint(c, &["num_key_value_heads"]).unwrap_or(heads).max(1),
        head_dim: uint(c, &["head_dim"]).unwrap_or(hidden / heads.max(1)),
        hidden_size: hidden,
        intermediate_size: moe
            .as_ref()
            .map_or(inter.unwrap_or(0), |m| m.dense_intermediate),
        vocab_size: vocab,
        tie_word_embeddings: c
            .get("tie_word_embeddings")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        max_position_embeddings: context,
        original_max_position_embeddings: rope
            .as_ref()
            .and_then(|r| r.get("original_max_position_embeddings"))
            .and_then(Value::as_u64),
        rope_scaling: rope,
        dtype_bytes: c
            .get("torch_dtype")
            .or_else(|| c.get("dtype"))
            .and_then(Value::as_str)
            .map_or(2.0, dtype_bytes),
        quant: quant(c),
        weight_bytes,
        moe,
        mla,
        sliding_window,
        sliding_layers,
        vision,
        source,
    })
}
