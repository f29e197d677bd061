//! The profile's `[model]` table: model facts named as the model's `config.json` names them,
//! laid over the Hugging Face cache or the built-in catalog key by key.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Model facts written in a profile (`[model]`); each field overrides the Hugging Face cache
/// and the built-in catalog. Names follow the model's `config.json` (for a multimodal
/// checkpoint, its `text_config`; the encoder's fields start with `vision_`).
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
    /// MLP intermediate size of the dense layers.
    pub intermediate_size: Option<u64>,
    /// Vocabulary size.
    pub vocab_size: Option<u64>,
    /// Whether the output head shares the embedding matrix.
    pub tie_word_embeddings: Option<bool>,
    /// Native context length.
    pub max_position_embeddings: Option<u64>,
    /// Weight dtype: "bfloat16", "float16" or "float32".
    pub torch_dtype: Option<String>,
    /// Quantization of the linear layers ("awq", "gptq", "fp8", "mxfp4", ...).
    pub quant_method: Option<String>,
    /// Bits per quantized weight (4 for AWQ/GPTQ int4, 8 for fp8).
    pub quant_bits: Option<u32>,
    /// Quantization group size (128 for most AWQ/GPTQ checkpoints).
    pub quant_group_size: Option<u64>,
    /// Total size of the weight files in bytes (overrides the size computed from the shape).
    pub weight_bytes: Option<u64>,
    /// Mixture of experts: routed experts per MoE layer (`num_experts`, `n_routed_experts`
    /// or `num_local_experts` in config.json).
    pub num_experts: Option<u64>,
    /// Mixture of experts: routed experts each token goes through.
    pub num_experts_per_tok: Option<u64>,
    /// Mixture of experts: intermediate size of one routed expert.
    pub moe_intermediate_size: Option<u64>,
    /// Mixture of experts: shared experts in every MoE layer (DeepSeek), each of
    /// moe_intermediate_size.
    pub n_shared_experts: Option<u64>,
    /// Mixture of experts: intermediate size of the one shared expert (Qwen2 MoE).
    pub shared_expert_intermediate_size: Option<u64>,
    /// Mixture of experts: the first K layers are dense (DeepSeek).
    pub first_k_dense_replace: Option<u64>,
    /// Mixture of experts: indices of the layers that are dense (Qwen MoE).
    pub mlp_only_layers: Option<Vec<u64>>,
    /// Mixture of experts: every N-th layer is sparse (Qwen MoE; 1 = all).
    pub decoder_sparse_step: Option<u64>,
    /// Tokens a sliding-window attention layer sees.
    pub sliding_window: Option<u64>,
    /// Attention kind of every layer: "full_attention" or "sliding_attention".
    pub layer_types: Option<Vec<String>>,
    /// Gemma's pattern: every N-th layer is full attention, the others slide.
    pub sliding_window_pattern: Option<u64>,
    /// Multi-head latent attention (DeepSeek): rank of the compressed KV.
    pub kv_lora_rank: Option<u64>,
    /// Multi-head latent attention: the rotary part of each head, cached beside the latent.
    pub qk_rope_head_dim: Option<u64>,
    /// Multi-head latent attention: the non-rotary part of each query/key head.
    pub qk_nope_head_dim: Option<u64>,
    /// Multi-head latent attention: dimension of each value head.
    pub v_head_dim: Option<u64>,
    /// Multi-head latent attention: rank of the compressed query (absent: no compression).
    pub q_lora_rank: Option<u64>,
    /// Multimodal: layers of the vision encoder.
    pub vision_num_hidden_layers: Option<u64>,
    /// Multimodal: hidden size of the vision encoder.
    pub vision_hidden_size: Option<u64>,
    /// Multimodal: MLP intermediate size of the vision encoder.
    pub vision_intermediate_size: Option<u64>,
}

impl ModelTable {
    /// The table as config.json keys (`quant_*` become a `quantization_config`, `vision_*` a
    /// `vision_config`), to lay over a base config.
    pub fn overlay(&self, base: &mut Map<String, Value>) {
        let Ok(Value::Object(own)) = serde_json::to_value(self) else {
            return;
        };
        for (key, value) in own {
            if value.is_null() || key == "weight_bytes" {
                continue;
            }
            let (section, name) = if let Some(rest) = key.strip_prefix("quant_") {
                let name = match rest {
                    "method" => "quant_method",
                    "bits" => "bits",
                    _ => "group_size",
                };
                (Some("quantization_config"), name.to_string())
            } else if let Some(rest) = key.strip_prefix("vision_") {
                (Some("vision_config"), rest.to_string())
            } else {
                (None, key)
            };
            match section {
                None => {
                    base.insert(name, value);
                }
                Some(section) => {
                    let entry = base
                        .entry(section)
                        .or_insert_with(|| Value::Object(Map::new()));
                    if !entry.is_object() {
                        *entry = Value::Object(Map::new());
                    }
                    if let Value::Object(m) = entry {
                        if section == "quantization_config" && name == "quant_method" {
                            // Another method's settings do not carry over.
                            if m.get("quant_method") != Some(&value) {
                                m.clear();
                            }
                        }
                        m.insert(name, value);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::ModelTable;

    #[test]
    fn overlays_config_keys_and_sections() {
        let mut base = json!({"num_hidden_layers": 4, "quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 64}})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let table = ModelTable {
            num_hidden_layers: Some(8),
            quant_group_size: Some(128),
            vision_hidden_size: Some(1152),
            num_experts: Some(8),
            ..ModelTable::default()
        };
        table.overlay(&mut base);
        assert_eq!(base["num_hidden_layers"], 8);
        assert_eq!(
            base["quantization_config"],
            json!({"quant_method": "awq", "bits": 4, "group_size": 128})
        );
        assert_eq!(base["vision_config"], json!({"hidden_size": 1152}));
        assert_eq!(base["num_experts"], 8);
        let mut other = Map::new();
        ModelTable {
            quant_method: Some("fp8".into()),
            ..ModelTable::default()
        }
        .overlay(&mut other);
        assert_eq!(other["quantization_config"], json!({"quant_method": "fp8"}));
    }
}
