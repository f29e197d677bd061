//! GPU memory per worker, sized the way vLLM's V1 engine sizes it at start-up
//! (`Worker.determine_available_memory`): after loading the weights it runs one forward pass
//! of `max_num_batched_tokens` dummy tokens plus a sampler pass over `max_num_seqs`
//! sequences, measures the peak, adds memory allocated outside torch (and, from 0.21, CUDA
//! graph memory), and gives what is left of `gpu_memory_utilization x total` to the KV cache,
//! in whole blocks. The pieces live in `weights`, `overhead` and `kv`; `accounting` says what
//! each vLLM release counts.

mod accounting;
mod kv;
mod overhead;
mod weights;

use serde::{Serialize, Serializer};

pub use accounting::Accounting;

use super::facts::ModelFacts;

const GIB: f64 = 1_073_741_824.0;

/// What the planner needs from a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanInput {
    pub gpu_ids: Vec<String>,
    /// GiB of one GPU.
    pub gpu_total_gib: f64,
    /// The GPU's name ("H100 80GB HBM3"), when the host says it: NVLink and defaults.
    pub gpu_name: Option<String>,
    pub gpu_memory_utilization: f64,
    pub tensor_parallel_size: u32,
    pub pipeline_parallel_size: u32,
    pub max_model_len: u64,
    pub max_num_seqs: Option<u64>,
    pub max_num_batched_tokens: Option<u64>,
    pub enable_chunked_prefill: Option<bool>,
    pub kv_cache_dtype: String,
    pub block_size: u64,
    /// `enforce_eager`: no CUDA graphs.
    pub enforce_eager: bool,
    /// `disable_hybrid_kv_cache_manager`: sliding layers sized as full attention.
    pub disable_hybrid_kv_cache_manager: bool,
    /// `enable_expert_parallel`: whole experts spread over the TP x DP ranks.
    pub enable_expert_parallel: bool,
    /// `data_parallel_size` (1 without data parallelism).
    pub data_parallel_size: u32,
    /// The vLLM release whose accounting applies ("0.11.0").
    pub vllm_version: String,
    /// FlashInfer is installed: true in the vllm/vllm-openai images, false for a plain
    /// `pip install vllm` of the releases that did not depend on it (the sampler warm-up of
    /// 0.8 to 0.11.0 then sorts the logits).
    pub flashinfer: bool,
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
    /// Non-torch memory plus counted CUDA graph memory.
    #[serde(serialize_with = "gib2")]
    pub overhead_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub non_torch_gib: f64,
    #[serde(serialize_with = "gib2")]
    pub cuda_graph_gib: f64,
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
    /// KV cache one max_model_len sequence needs on one GPU.
    #[serde(serialize_with = "gib2")]
    pub kv_needed_gib: f64,
    pub max_num_batched_tokens: u64,
    pub max_num_seqs: u64,
    /// Which vLLM release's accounting the plan follows.
    pub accounting: Accounting,
}

/// max_num_batched_tokens as vLLM resolves it: the profile's, else its default; with chunked
/// prefill switched off a whole prompt is one batch, so it is at least max_model_len.
pub fn batched_tokens(input: &PlanInput) -> u64 {
    let (default, _) = overhead::default_limits(input.gpu_total_gib, input.gpu_name.as_deref());
    let chosen = input.max_num_batched_tokens.unwrap_or(default);
    if input.enable_chunked_prefill == Some(false) {
        chosen.max(input.max_model_len)
    } else {
        chosen
    }
}

fn kv_dtype_bytes(f: &ModelFacts, dtype: &str) -> f64 {
    match dtype {
        "auto" => f.dtype_bytes,
        d if d.starts_with("fp8") || d.contains("int8") => 1.0,
        "float32" => 4.0,
        _ => 2.0,
    }
}

fn finite(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_finite() { v.clamp(lo, hi) } else { 0.0 }
}

/// Estimate the memory plan.
pub fn estimate(f: &ModelFacts, input: &PlanInput) -> Plan {
    let accounting = Accounting::for_version(&input.vllm_version, input.flashinfer);
    let tp = u64::from(input.tensor_parallel_size.max(1));
    let pp = u64::from(input.pipeline_parallel_size.max(1));
    let total = finite(input.gpu_total_gib, 0.0, f64::MAX);
    let util = finite(input.gpu_memory_utilization, 0.0, 1.0);
    let budget = total * util;
    let ep = if input.enable_expert_parallel {
        tp * u64::from(input.data_parallel_size.max(1))
    } else {
        0
    };
    let gpu_name = input.gpu_name.as_deref();
    let layout = if accounting.mxfp4_marlin(overhead::is_pre_hopper(gpu_name), input.flashinfer) {
        weights::Mxfp4Layout::Marlin
    } else {
        weights::Mxfp4Layout::Padded
    };
    let weights = weights::bytes_per_gpu(f, tp, pp, ep, layout) / GIB;
    let tokens = batched_tokens(input);
    let (_, default_seqs) = overhead::default_limits(total, input.gpu_name.as_deref());
    let seqs = input.max_num_seqs.unwrap_or(default_seqs);
    let activation = overhead::activation_gib(
        f,
        tp,
        ep > 0,
        tokens,
        seqs,
        accounting.sampler_warmup.bytes_per_logit(),
    );
    let non_torch = overhead::non_torch_gib(
        tp,
        overhead::is_nvlink(input.gpu_name.as_deref()),
        accounting.communicators_counted,
    );
    let cuda_graph = if accounting.cuda_graphs_counted && !input.enforce_eager {
        overhead::cuda_graph_gib(f, pp, seqs)
    } else {
        0.0
    };
    let overhead = non_torch + cuda_graph;
    let kv_gib = budget - weights - activation - overhead;
    let kv = kv::size(
        f,
        kv::KvInput {
            tp,
            pp,
            kv_bytes: kv_dtype_bytes(f, &input.kv_cache_dtype),
            block: input.block_size,
            hybrid: accounting.hybrid_kv_cache && !input.disable_hybrid_kv_cache_manager,
            max_model_len: input.max_model_len,
            batched_tokens: tokens,
        },
        kv_gib.max(0.0) * GIB,
    );
    let weights_fit = kv_gib > 0.0;
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
            non_torch_gib: non_torch,
            cuda_graph_gib: cuda_graph,
            kv_cache_gib: kv_gib,
        })
        .collect();
    let fits = weights_fit && kv.bytes_for_one <= kv_gib * GIB;
    Plan {
        fits,
        weights_fit,
        gpus,
        kv_cache_tokens: kv.tokens,
        max_concurrency: if kv.bytes_for_one > 0.0 {
            (kv_gib.max(0.0) * GIB / kv.bytes_for_one).max(0.0)
        } else {
            0.0
        },
        max_fitting_model_len: kv.max_len,
        kv_bytes_per_token: kv.bytes_per_token,
        kv_needed_gib: kv.bytes_for_one / GIB,
        max_num_batched_tokens: tokens,
        max_num_seqs: seqs,
        accounting,
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
            gpu_name: Some("RTX 4090".into()),
            gpu_memory_utilization: util,
            tensor_parallel_size: 2,
            pipeline_parallel_size: 1,
            max_model_len: 131_072,
            max_num_seqs: None,
            max_num_batched_tokens: None,
            enable_chunked_prefill: None,
            kv_cache_dtype: "fp8".into(),
            block_size: 16,
            enforce_eager: false,
            disable_hybrid_kv_cache_manager: false,
            enable_expert_parallel: false,
            data_parallel_size: 1,
            vllm_version: "0.11.0".into(),
            flashinfer: true,
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
                max_num_batched_tokens: batched, enable_chunked_prefill: None, kv_cache_dtype: "auto".into(), block_size: block,
                gpu_name: None, enforce_eager: false, disable_hybrid_kv_cache_manager: false,
                enable_expert_parallel: false, data_parallel_size: 1, vllm_version: "0.33.0".into(), flashinfer: true };
            let plan = estimate(&facts, &input);
            prop_assert!(plan.max_concurrency.is_finite());
            prop_assert!(plan.gpus.iter().all(|g| g.kv_cache_gib.is_finite() && g.weights_gib >= 0.0));
        }
    }
}
