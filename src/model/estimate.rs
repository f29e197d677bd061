//! GPU memory per worker, sized the way vLLM's V1 engine sizes it at start-up
//! (`Worker.determine_available_memory`): after loading the weights it runs one forward pass
//! of `max_num_batched_tokens` dummy tokens plus a sampler pass over `max_num_seqs`
//! sequences, measures the peak, adds memory allocated outside torch, and gives what is left
//! of `gpu_memory_utilization x total` to the KV cache, in whole blocks.

use serde::{Serialize, Serializer};

use super::facts::ModelFacts;

const GIB: f64 = 1_073_741_824.0;

/// Memory allocated outside torch's allocator during profiling on every worker: cuBLAS and
/// cuBLASLt workspaces, the attention backend's workspace, CUDA's module loading. vLLM logs it
/// as "non-torch memory"; 0.2-0.3 GiB is what it prints for single-GPU runs of mid-size models.
const NON_TORCH_GIB: f64 = 0.25;
/// Extra non-torch memory with tensor parallelism: NCCL communicator buffers and vLLM's
/// custom all-reduce IPC buffers (a few 64 MiB buffers per peer).
const NON_TORCH_TP_GIB: f64 = 0.125;
/// Bytes of one logit: the sampler works on float32 logits.
const LOGIT_BYTES: f64 = 4.0;
/// The sampler keeps logits and probabilities (softmax output) alive together.
const SAMPLER_COPIES: f64 = 2.0;
/// vLLM's default max_num_seqs for the OpenAI server.
const DEFAULT_MAX_NUM_SEQS: u64 = 256;

/// What the planner needs from a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub gpu_ids: Vec<String>,
    /// GiB of one GPU.
    pub gpu_total_gib: f64,
    pub gpu_memory_utilization: f64,
    pub tensor_parallel_size: u32,
    pub pipeline_parallel_size: u32,
    pub max_model_len: u64,
    pub max_num_seqs: Option<u64>,
    pub max_num_batched_tokens: Option<u64>,
    pub enable_chunked_prefill: Option<bool>,
    pub kv_cache_dtype: String,
    pub block_size: u64,
}

fn gib2<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((v * 100.0).round() / 100.0)
}

/// One GPU's memory (GiB).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GpuPlan {
    pub id: String,
    #[serde(serialize_with = "gib2")]
    pub total_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub budget_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub weights_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub activation_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub overhead_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub kv_cache_gib: f64,
}

/// The plan of one profile.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub fits: bool,
    pub weights_fit: bool,
    pub gpus: Vec<GpuPlan>,
    pub kv_cache_tokens: u64,
    #[serde(serialize_with = "gib2")]
    pub max_concurrency: f64,
    /// The longest sequence the KV cache holds (vLLM's "estimated maximum model length").
    pub max_fitting_model_len: u64,
    pub kv_bytes_per_token: u64,
    pub max_num_batched_tokens: u64,
}

/// Bytes of the weights one worker holds.
pub fn weight_bytes_per_gpu(f: &ModelFacts, tp: u64, pp: u64) -> f64 {
    let tp_f = tp as f64;
    let shards = (tp * pp) as f64;
    if let Some(total) = f.weight_bytes {
        // The checkpoint's own size: every tensor is split over TP and PP, closely enough.
        return total as f64 / shards;
    }
    let h = f.hidden_size as f64;
    let q = (f.attention_heads * f.head_dim) as f64;
    // K/V projections are replicated when there are fewer KV heads than GPUs.
    let kv_per_gpu = (f.kv_heads as f64 / tp_f).max(1.0) * f.head_dim as f64;
    let inter = f.intermediate_size as f64;
    // Per layer and GPU: q and o split over TP, k and v by KV heads, gate/up/down over TP.
    let linear = h * q / tp_f * 2.0 + h * kv_per_gpu * 2.0 + 3.0 * h * inter / tp_f;
    let per_param = match &f.quant {
        // int4 AWQ/GPTQ: packed weights, one fp16 scale and a packed zero per group and column.
        Some(qz) if qz.bits <= 4 => {
            f64::from(qz.bits) / 8.0
                + (2.0 + f64::from(qz.bits) / 8.0) / qz.group_size.max(1) as f64
        }
        // fp8 (and int8): one byte, block scales are negligible.
        Some(_) => 1.0,
        None => f.dtype_bytes,
    };
    let layers = (f.layers as f64 / pp as f64).ceil();
    // Embedding and lm_head stay unquantized and are split over TP by vocabulary.
    let embed = f.vocab_size as f64 * h * f.dtype_bytes / tp_f;
    let head = if f.tie_word_embeddings { 0.0 } else { embed };
    layers * linear * per_param + embed + head
}

/// The activation peak of the profiling pass on one worker.
fn activation_bytes(f: &ModelFacts, tp: u64, tokens: u64, seqs: u64) -> f64 {
    let t = tokens as f64;
    let b = f.dtype_bytes;
    let tp = tp as f64;
    let h = f.hidden_size as f64;
    // Residual stream and normalised hidden states stay alive through each layer.
    let residual = 2.0 * t * h * b;
    // MLP: the fused gate/up output (2 x intermediate / TP) and the activation output.
    let mlp = 3.0 * t * f.intermediate_size as f64 / tp * b;
    // Attention: q, k, v and the output, for this GPU's heads.
    let heads = f.attention_heads as f64 / tp;
    let kv = (f.kv_heads as f64 / tp).max(1.0);
    let attn = t * (2.0 * heads + 2.0 * kv) * f.head_dim as f64 * b;
    let sampler =
        seqs.min(tokens.max(1)) as f64 * f.vocab_size as f64 * LOGIT_BYTES * SAMPLER_COPIES;
    residual + mlp.max(attn) + sampler
}

/// vLLM's default max_num_batched_tokens for the API server (V1 `_set_default_args`): 8192 on
/// GPUs with at least 70 GiB, 2048 below; with chunked prefill switched off a whole prompt
/// is one batch, so it is at least max_model_len.
pub fn batched_tokens(input: &PlanInput) -> u64 {
    let default = if input.gpu_total_gib >= 70.0 {
        8192
    } else {
        2048
    };
    let chosen = input.max_num_batched_tokens.unwrap_or(default);
    if input.enable_chunked_prefill == Some(false) {
        chosen.max(input.max_model_len)
    } else {
        chosen
    }
}

/// Estimate the memory plan.
pub fn estimate(f: &ModelFacts, input: &PlanInput) -> Plan {
    let tp = u64::from(input.tensor_parallel_size.max(1));
    let pp = u64::from(input.pipeline_parallel_size.max(1));
    let total = if input.gpu_total_gib.is_finite() {
        input.gpu_total_gib.max(0.0)
    } else {
        0.0
    };
    let util = if input.gpu_memory_utilization.is_finite() {
        input.gpu_memory_utilization.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let budget = total * util;
    let weights = weight_bytes_per_gpu(f, tp, pp) / GIB;
    let tokens = batched_tokens(input);
    let seqs = input.max_num_seqs.unwrap_or(DEFAULT_MAX_NUM_SEQS);
    let activation = activation_bytes(f, tp, tokens, seqs) / GIB;
    let overhead = NON_TORCH_GIB + if tp > 1 { NON_TORCH_TP_GIB } else { 0.0 };
    let kv_gib = budget - weights - activation - overhead;
    let kv_bytes = match input.kv_cache_dtype.as_str() {
        "auto" => f.dtype_bytes,
        d if d.starts_with("fp8") || d.contains("int8") => 1.0,
        "float32" => 4.0,
        _ => 2.0,
    };
    let kv_heads = f.kv_heads.div_ceil(tp).max(1);
    let layers = f.layers.div_ceil(pp);
    let per_token = (2 * layers * kv_heads * f.head_dim) as f64 * kv_bytes;
    let block = input.block_size.max(1);
    let kv_tokens = if kv_gib > 0.0 && per_token > 0.0 {
        ((kv_gib * GIB / per_token) as u64 / block) * block
    } else {
        0
    };
    let weights_fit = kv_gib > 0.0;
    let max_len = input.max_model_len.max(1);
    let gpus = input
        .gpu_ids
        .iter()
        .map(|id| GpuPlan {
            id: id.clone(),
            total_gib: total,
            budget_gib: budget,
            weights_gib: weights,
            activation_gib: activation,
            overhead_gib: overhead,
            kv_cache_gib: kv_gib,
        })
        .collect();
    Plan {
        fits: weights_fit && kv_tokens >= max_len,
        weights_fit,
        gpus,
        kv_cache_tokens: kv_tokens,
        max_concurrency: kv_tokens as f64 / max_len as f64,
        max_fitting_model_len: kv_tokens,
        kv_bytes_per_token: per_token as u64,
        max_num_batched_tokens: tokens,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{PlanInput, estimate};
    use crate::model::catalog;

    fn seed_input(util: f64) -> PlanInput {
        PlanInput {
            gpu_ids: vec!["0".into(), "1".into()],
            gpu_total_gib: 24564.0 / 1024.0,
            gpu_memory_utilization: util,
            tensor_parallel_size: 2,
            pipeline_parallel_size: 1,
            max_model_len: 131_072,
            max_num_seqs: None,
            max_num_batched_tokens: None,
            enable_chunked_prefill: None,
            kv_cache_dtype: "fp8".into(),
            block_size: 16,
        }
    }

    fn within(got: f64, want: f64, tolerance: f64) -> bool {
        (got - want).abs() / want <= tolerance
    }

    /// The public corpus's own report: vLLM printed 9.08 GiB of weights and 11.92 GiB of KV
    /// cache per GPU (195,312 tokens) for this configuration.
    #[test]
    fn calibration_qwen3_32b_awq_on_two_4090() {
        let facts = catalog("Qwen/Qwen3-32B-AWQ").unwrap();
        let plan = estimate(&facts, &seed_input(0.90));
        let g = &plan.gpus[0];
        assert!(
            within(g.weights_gib, 9.08, 0.10),
            "weights {:.3} GiB vs 9.08",
            g.weights_gib
        );
        assert!(
            within(g.kv_cache_gib, 11.92, 0.10),
            "KV cache {:.3} GiB vs 11.92",
            g.kv_cache_gib
        );
        assert!(
            within(plan.kv_cache_tokens as f64, 195_312.0, 0.10),
            "tokens {} vs 195312",
            plan.kv_cache_tokens
        );
        assert!(plan.fits);
        assert_eq!(plan.kv_bytes_per_token, 2 * 64 * 4 * 128);
    }

    #[test]
    fn chunked_prefill_off_prefills_a_whole_context_at_once() {
        let facts = catalog("Qwen/Qwen3-32B-AWQ").unwrap();
        let mut input = seed_input(0.85);
        input.enable_chunked_prefill = Some(false);
        let plan = estimate(&facts, &input);
        assert_eq!(plan.max_num_batched_tokens, 131_072);
        assert!(
            !plan.fits,
            "a 131072-token prefill on a 24 GiB GPU: {plan:?}"
        );
    }

    #[test]
    fn bf16_70b_does_not_fit_one_gpu() {
        let facts = catalog("meta-llama/Llama-3.1-70B-Instruct").unwrap();
        let mut input = seed_input(0.9);
        input.gpu_ids = vec!["0".into()];
        input.tensor_parallel_size = 1;
        input.gpu_total_gib = 80.0;
        let plan = estimate(&facts, &input);
        assert!(!plan.weights_fit);
        assert_eq!(plan.kv_cache_tokens, 0);
    }

    proptest! {
        #[test]
        fn never_panics_nor_nan(tp in 0u32..64, pp in 0u32..8, util in -1.0f64..2.0, total in -1.0f64..200.0,
                                len in 0u64..2_000_000, batched in proptest::option::of(0u64..1_000_000), block in 0u64..64) {
            let facts = catalog("Qwen/Qwen3-8B").unwrap();
            let input = PlanInput { gpu_ids: vec!["0".into()], gpu_total_gib: total, gpu_memory_utilization: util,
                tensor_parallel_size: tp, pipeline_parallel_size: pp, max_model_len: len, max_num_seqs: Some(8),
                max_num_batched_tokens: batched, enable_chunked_prefill: None, kv_cache_dtype: "auto".into(), block_size: block };
            let plan = estimate(&facts, &input);
            prop_assert!(plan.max_concurrency.is_finite());
            prop_assert!(plan.gpus.iter().all(|g| g.kv_cache_gib.is_finite() && g.weights_gib >= 0.0));
        }
    }
}
