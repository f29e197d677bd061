//! Built-in facts of common models, copied from the `config.json` each model publishes on
//! the Hugging Face hub (the repository named in each row). A lookup needs no I/O.

use serde_json::json;

use super::facts::{ModelFacts, Quant};

/// One architecture: layers, heads, kv heads, head dim, hidden, intermediate, vocab,
/// context, tied embeddings.
struct Arch(u64, u64, u64, u64, u64, u64, u64, u64, bool);

// Qwen/Qwen3-0.6B/config.json: 28 layers, 16 heads, 8 KV heads, head_dim 128, hidden 1024,
// intermediate 3072, vocab 151936, max_position_embeddings 40960, tie_word_embeddings true.
const QWEN3_0_6B: Arch = Arch(28, 16, 8, 128, 1024, 3072, 151_936, 40_960, true);
// Qwen/Qwen3-1.7B/config.json
const QWEN3_1_7B: Arch = Arch(28, 16, 8, 128, 2048, 6144, 151_936, 40_960, true);
// Qwen/Qwen3-4B/config.json
const QWEN3_4B: Arch = Arch(36, 32, 8, 128, 2560, 9728, 151_936, 40_960, true);
// Qwen/Qwen3-8B/config.json
const QWEN3_8B: Arch = Arch(36, 32, 8, 128, 4096, 12_288, 151_936, 40_960, false);
// Qwen/Qwen3-14B/config.json
const QWEN3_14B: Arch = Arch(40, 40, 8, 128, 5120, 17_408, 151_936, 40_960, false);
// Qwen/Qwen3-32B/config.json
const QWEN3_32B: Arch = Arch(64, 64, 8, 128, 5120, 25_600, 151_936, 40_960, false);
// meta-llama/Llama-3.1-8B-Instruct/config.json (rope_scaling llama3, factor 8 over 8192)
const LLAMA31_8B: Arch = Arch(32, 32, 8, 128, 4096, 14_336, 128_256, 131_072, false);
// meta-llama/Llama-3.1-70B-Instruct/config.json; Llama-3.3-70B-Instruct has the same shape.
const LLAMA_70B: Arch = Arch(80, 64, 8, 128, 8192, 28_672, 128_256, 131_072, false);
// mistralai/Mistral-7B-Instruct-v0.3/config.json
const MISTRAL_7B: Arch = Arch(32, 32, 8, 128, 4096, 14_336, 32_768, 32_768, false);

/// Checkpoint variants: (suffix, quantization from the variant's quantization_config).
fn variant(suffix: &str) -> Option<Option<Quant>> {
    match suffix {
        "" => Some(None),
        // Qwen/Qwen3-*-AWQ: {"quant_method": "awq", "bits": 4, "group_size": 128}
        "-awq" => Some(Some(Quant {
            method: "awq".into(),
            bits: 4,
            group_size: 128,
        })),
        // Qwen/Qwen3-*-FP8: {"quant_method": "fp8", "weight_block_size": [128, 128]}
        "-fp8" => Some(Some(Quant {
            method: "fp8".into(),
            bits: 8,
            group_size: 128,
        })),
        _ => None,
    }
}

/// Facts of a model id from the catalog (case-insensitive).
pub fn catalog(model_id: &str) -> Option<ModelFacts> {
    let id = model_id.to_ascii_lowercase();
    let (arch, rest, llama3) = if let Some(rest) = id.strip_prefix("qwen/qwen3-") {
        let (size, suffix) = rest
            .split_once('-')
            .map_or((rest, ""), |(s, _)| (s, &rest[s.len()..]));
        let arch = match size {
            "0.6b" => QWEN3_0_6B,
            "1.7b" => QWEN3_1_7B,
            "4b" => QWEN3_4B,
            "8b" => QWEN3_8B,
            "14b" => QWEN3_14B,
            "32b" => QWEN3_32B,
            _ => return None,
        };
        (arch, suffix.to_string(), false)
    } else {
        let arch = match id.as_str() {
            "meta-llama/llama-3.1-8b" | "meta-llama/llama-3.1-8b-instruct" => LLAMA31_8B,
            "meta-llama/llama-3.1-70b"
            | "meta-llama/llama-3.1-70b-instruct"
            | "meta-llama/llama-3.3-70b-instruct" => LLAMA_70B,
            "mistralai/mistral-7b-instruct-v0.3" | "mistralai/mistral-7b-v0.3" => MISTRAL_7B,
            _ => return None,
        };
        let llama3 = id.starts_with("meta-llama/");
        (arch, String::new(), llama3)
    };
    let quant = variant(&rest)?;
    let Arch(layers, heads, kv, head_dim, hidden, inter, vocab, context, tied) = arch;
    Some(ModelFacts {
        layers,
        attention_heads: heads,
        kv_heads: kv,
        head_dim,
        hidden_size: hidden,
        intermediate_size: inter,
        vocab_size: vocab,
        tie_word_embeddings: tied,
        max_position_embeddings: context,
        rope_scaling: llama3.then(|| {
            json!({"rope_type": "llama3", "factor": 8.0, "original_max_position_embeddings": 8192})
        }),
        original_max_position_embeddings: llama3.then_some(8192),
        dtype_bytes: 2.0,
        quant,
        weight_bytes: None,
        source: format!("vprof's catalog ({model_id} config.json)"),
    })
}

#[cfg(test)]
mod tests {
    use super::catalog;

    #[test]
    fn lookups() {
        let f = catalog("Qwen/Qwen3-32B-AWQ").unwrap();
        assert_eq!(
            (f.layers, f.attention_heads, f.kv_heads, f.intermediate_size),
            (64, 64, 8, 25_600)
        );
        assert_eq!(f.quant.unwrap().bits, 4);
        assert_eq!(catalog("qwen/qwen3-8b").unwrap().hidden_size, 4096);
        assert_eq!(
            catalog("Qwen/Qwen3-8B-FP8").unwrap().quant.unwrap().method,
            "fp8"
        );
        assert_eq!(
            catalog("meta-llama/Llama-3.3-70B-Instruct").unwrap().layers,
            80
        );
        assert_eq!(
            catalog("mistralai/Mistral-7B-Instruct-v0.3")
                .unwrap()
                .vocab_size,
            32_768
        );
        assert!(catalog("Qwen/Qwen3-33B").is_none());
        assert!(catalog("Qwen/Qwen3-8B-GGUF").is_none());
    }
}
