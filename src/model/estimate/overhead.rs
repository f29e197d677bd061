//! What vLLM subtracts besides the weights before sizing the KV cache: the activation peak of
//! its profiling run, memory allocated outside torch, and (from 0.21) CUDA graph memory.

use crate::model::ModelFacts;

/// Memory allocated outside torch's allocator on every worker after vLLM's start-up snapshot:
/// cuBLAS and cuBLASLt workspaces, the attention backend's workspace, CUDA's module loading.
/// vLLM logs it as "non-torch memory"; 0.2-0.3 GiB is what it prints for single-GPU runs.
pub const NON_TORCH_GIB: f64 = 0.25;
/// Extra non-torch memory with tensor parallelism over PCIe: NCCL communicator buffers (no
/// custom all-reduce without peer-to-peer access). Eight L40S over PCIe print 0.21 GiB of
/// non-torch memory in all with vLLM 0.10.2, which still counts the start-up communicators
/// (the calibration set's TP 8 point): NCCL over PCIe allocates little.
pub const NON_TORCH_TP_PCIE_GIB: f64 = 0.125;
/// Extra non-torch memory with tensor parallelism over NVLink, vLLM 0.11 and later: the
/// start-up snapshot follows the distributed initialisation, so what counts is what the
/// profiling run adds: torch's NCCL communicator for the TP group, created by the first
/// collective torch runs on that group (the logits all-gather, `DeviceCommunicatorBase::
/// all_gather`). Measured with `tools/tp_non_torch_memory.py` (2026-11-29, torch 2.11.0,
/// NCCL 2.28.9, two H200s over NV18, NVLink SHARP off): 616 MiB per rank, 556 MiB with
/// NCCL's cuMem allocations; vLLM's own communicator and custom all-reduce buffers (850 MiB)
/// land before the snapshot. A vLLM 0.26.0 start-up log in a public GitHub file (found by its
/// text in a code index that did not name the repository; GLM-5.2-NVFP4, TP 4 + EP
/// on four 184.31 GiB B200s, NCCL 2.28.9, FlashInfer's all-reduce workspace besides) prints
/// "0.95 GiB for non-torch memory": 0.70 over [`NON_TORCH_GIB`].
pub const NON_TORCH_TP_NVLINK_GIB: f64 = 0.6;
/// Extra non-torch memory with tensor parallelism over NVLink before vLLM 0.11, whose
/// start-up snapshot precedes the distributed initialisation: vLLM's own NCCL communicator
/// (`PyNcclCommunicator`, with its warm-up all-reduce), the custom all-reduce's IPC buffers
/// and torch's communicator all count. Measured as above: 832 + 18 + 616 = 1,466 MiB (1.43
/// GiB) per rank with `NCCL_CUMEM_ENABLE=0`, 1.31 GiB with cuMem. A vLLM 0.10.2 start-up
/// log in a public GitHub file (found the same way; Qwen3-Next-80B-A3B-Instruct, TP 2 on
/// H200s of 139.81 GiB, NCCL 2.27.3, 2025-10-23) prints "1.38 GiB
/// for non-torch memory", 1.13 over [`NON_TORCH_GIB`]; 1.25 sits between the two. NVLink
/// SHARP (NVLS) buffers, which NCCL adds on NVSwitch systems that support multicast, are not
/// in either figure; vllm PR #25359 reports about 4.5 GiB of NCCL buffers per 80 GB GPU
/// for a TP deployment, which this does not model.
pub const NON_TORCH_TP_NVLINK_EAGER_GIB: f64 = 1.25;
/// CUDA graph pool memory per layer and captured batch size, as vLLM 0.21+ counts it: the
/// calibration set's vLLM 0.28 points (Qwen3-14B on L40S and L4, 40 layers, 51 sizes) leave
/// about 0.4 GiB for it beside the activation peak and non-torch memory.
pub const CUDA_GRAPH_MIB_PER_LAYER_SIZE: f64 = 0.2;
/// Intermediate-wide tensors alive per token at the MLP's peak: the fused gate/up output (2),
/// the activation's output (1) and the temporaries of the compiled SiLU-and-mul and of the
/// down projection's input; the calibration set's 8192-token profile (Qwen3-14B-AWQ on an
/// L40S: 2.28 GiB of non-KV memory besides the weights) puts it at about 6.
const MLP_LIVE: f64 = 6.0;
/// Values per (token, routed expert) slot of fused_moe's caches, from the expert
/// intermediate width `I` of this rank and the hidden size `K` (vLLM's
/// `fused_experts_impl`): `cache13` holds `max(2I, K)` values per slot (the gate/up output,
/// then reused for the expert outputs) and `intermediate_cache2` `I` (the activation), all in
/// the activation dtype.
fn moe_slot_values(inter: f64, hidden: f64) -> f64 {
    (2.0 * inter).max(hidden) + inter
}

const GIB: f64 = 1_073_741_824.0;

/// GPU names that are NVLink/NVSwitch parts (SXM modules and superchips).
pub fn is_nvlink(gpu_name: Option<&str>) -> bool {
    let Some(name) = gpu_name else { return false };
    let n = name.to_ascii_uppercase();
    n.contains("SXM")
        || n.contains("NVL")
        || [
            "H100", "H200", "H800", "H20", "B200", "B300", "GB200", "GB300", "A800",
        ]
        .iter()
        .any(|g| {
            n.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == *g)
        }) && !n.contains("PCIE")
}

/// GPU names of parts before Hopper (compute capability below 9.0: Volta, Turing, Ampere,
/// Ada), where vLLM runs mxfp4 MoE on Marlin.
pub fn is_pre_hopper(gpu_name: Option<&str>) -> bool {
    let Some(name) = gpu_name else { return false };
    let n = name.to_ascii_uppercase();
    let words: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let model = |w: &&str| {
        [
            "V100", "T4", "A100", "A800", "A10", "A10G", "A30", "A40", "A16", "A2", "L4", "L40",
            "L40S", "L20", "A6000", "A5000", "A4000",
        ]
        .contains(w)
            || ((w.starts_with("30") || w.starts_with("40")) && w.len() == 4)
    };
    words.iter().any(model)
}

/// vLLM's default batch limits for the API server (V1 `_set_default_args`): on GPUs of at
/// least 70 GiB other than the A100, 8192 batched tokens and 1024 sequences; else 2048 and 256.
pub fn default_limits(gpu_total_gib: f64, gpu_name: Option<&str>) -> (u64, u64) {
    let a100 = gpu_name.is_some_and(|n| n.to_ascii_uppercase().contains("A100"));
    if gpu_total_gib >= 70.0 && !a100 {
        (8192, 1024)
    } else {
        (2048, 256)
    }
}

/// The captured batch sizes of CUDA graphs: 1, 2, 4, then steps of 8 to 256 and of 16 to the
/// largest, which is twice max_num_seqs capped at 512.
pub fn cuda_graph_sizes(max_num_seqs: u64) -> u64 {
    let largest = (2 * max_num_seqs).min(512);
    let mut n = [1u64, 2, 4].iter().filter(|s| **s <= largest).count() as u64;
    n += (8..256).step_by(8).filter(|s| *s <= largest).count() as u64;
    n += (256..=512).step_by(16).filter(|s| *s <= largest).count() as u64;
    n.max(1)
}

/// CUDA graph memory (GiB) vLLM 0.21+ takes from the budget.
pub fn cuda_graph_gib(f: &ModelFacts, pp: u64, max_num_seqs: u64) -> f64 {
    let layers = f.layers.div_ceil(pp.max(1)) as f64;
    cuda_graph_sizes(max_num_seqs) as f64 * layers * CUDA_GRAPH_MIB_PER_LAYER_SIZE / 1024.0
}

/// Non-torch memory (GiB) of one worker; `communicators_counted`: the release counts the
/// NCCL communicators created at start-up ([`Accounting::communicators_counted`]).
///
/// [`Accounting::communicators_counted`]: super::Accounting::communicators_counted
pub fn non_torch_gib(tp: u64, nvlink: bool, communicators_counted: bool) -> f64 {
    NON_TORCH_GIB
        + match (tp > 1, nvlink, communicators_counted) {
            (false, _, _) => 0.0,
            (true, false, _) => NON_TORCH_TP_PCIE_GIB,
            (true, true, true) => NON_TORCH_TP_NVLINK_EAGER_GIB,
            (true, true, false) => NON_TORCH_TP_NVLINK_GIB,
        }
}

/// The activation peak (GiB) of the profiling pass on one worker. The forward pass over
/// `tokens` dummy tokens and the sampler warm-up over `seqs` rows run one after the other, so
/// the peak is the larger of the two; the forward's output hidden states stay alive through
/// the warm-up (`profile_run` holds them), and a multimodal model's encoder runs first over a
/// budget of as many embeddings, whose outputs wait in the encoder cache.
pub fn activation_gib(
    f: &ModelFacts,
    tp: u64,
    expert_parallel: bool,
    tokens: u64,
    seqs: u64,
    sampler_bytes_per_logit: f64,
) -> f64 {
    let t = tokens as f64;
    let b = f.dtype_bytes;
    let tp = tp as f64;
    let h = f.hidden_size as f64;
    // Residual stream and normalised hidden states stay alive through each layer.
    let residual = 2.0 * t * h * b;
    let mlp = match &f.moe {
        Some(m) => {
            // Expert parallelism keeps each expert whole on its rank.
            let inter = if expert_parallel {
                m.expert_intermediate as f64
            } else {
                (m.expert_intermediate as f64 / tp).max(1.0)
            };
            let routed = t * m.experts_per_token as f64 * moe_slot_values(inter, h) * b;
            routed.max(MLP_LIVE * t * m.dense_intermediate as f64 / tp * b)
        }
        None => MLP_LIVE * t * f.intermediate_size as f64 / tp * b,
    };
    // Attention: q, k, v and the output, for this GPU's heads.
    let heads = f.attention_heads as f64 / tp;
    let attn = match &f.mla {
        Some(m) => {
            t * heads * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim) as f64 * 2.0 * b
        }
        None => {
            let kv = (f.kv_heads as f64 / tp).max(1.0);
            t * (2.0 * heads + 2.0 * kv) * f.head_dim as f64 * b
        }
    };
    let forward = residual + mlp.max(attn);
    // Every TP rank gathers the whole vocabulary and samples.
    let logits = seqs.min(tokens.max(1)) as f64 * f.vocab_size as f64;
    let sampler = t * h * b + logits * sampler_bytes_per_logit;
    let encoder = f.vision.as_ref().map_or(0.0, |v| {
        let patches = 4.0 * t;
        patches * (3.0 * v.hidden_size as f64 + v.intermediate_size as f64 / tp) * b
    });
    let encoder_cache = if f.vision.is_some() { t * h * b } else { 0.0 };
    (encoder_cache + forward.max(sampler).max(encoder)) / GIB
}
