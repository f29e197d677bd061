//! Bytes of the weights one worker holds (vLLM's "Model loading took X GiB").
//!
//! With the checkpoint's size known (`model.safetensors.index.json` or `weight_bytes`), every
//! tensor is taken as split over TP and PP. Otherwise the size is computed from the shape:
//! attention (grouped-query or latent), dense and mixture-of-experts MLPs, embeddings, head and
//! vision encoder, each at the bytes per parameter of its quantization.
//!
//! Expert parallelism (`enable_expert_parallel`): vLLM gives each of the TP x DP ranks whole
//! experts (`experts / (TP x DP)`, rounded up) instead of a 1/TP slice of every expert, while
//! attention stays split over TP (and replicated over DP). With DP = 1 that is the same
//! expert bytes per GPU as TP slicing, to first order (the expert count rounds up where the
//! slices would not); with DP > 1 each GPU holds 1/(TP x DP) of the experts but 1/TP of the
//! rest.

use crate::model::{ModelFacts, Quant, context_limit};

/// vLLM pads each rank's slice of an mxfp4 expert's intermediate size to a multiple of 256
/// (`vllm/model_executor/layers/quantization/mxfp4.py`, `round_up(..., 256)`): gpt-oss's
/// 2880 becomes 3072.
const MXFP4_PAD: u64 = 256;
/// The Marlin mxfp4 MoE kernel needs `n % 256 == 0` and `k % 128 == 0` for each expert
/// matrix, so vLLM pads the intermediate slice to 128 and the hidden size to 256 (0.10.1's
/// and 0.11.0's `mxfp4.py`, `if self.use_marlin:`): gpt-oss's 2880 x 2880 becomes
/// 2944 x 3072, 2.2% more expert bytes than the Triton layout (its e8m0 scales stay a byte
/// per 32 values, `mxfp4_marlin_process_scales`).
const MARLIN_INTER_PAD: u64 = 128;
const MARLIN_HIDDEN_PAD: u64 = 256;

/// How an mxfp4 MoE checkpoint is laid out on the GPU (vLLM's `get_mxfp4_backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mxfp4Layout {
    /// Triton or FlashInfer: the intermediate slice padded to 256.
    Padded,
    /// Marlin: before Hopper, or on Hopper without the Triton path (torch < 2.8 in vLLM
    /// 0.10; no `triton_kernels` package in a pip install of 0.11).
    Marlin,
}

/// Bytes per parameter of a linear layer.
fn per_param(f: &ModelFacts, expert: bool) -> f64 {
    match &f.quant {
        Some(q) if q.experts_only && !expert => f.dtype_bytes,
        Some(Quant {
            method, bits: 4, ..
        }) if method == "mxfp4" => {
            // 4-bit values and one 8-bit scale per 32.
            0.5 + 1.0 / 32.0
        }
        // int4 AWQ/GPTQ: packed weights, one fp16 scale and a packed zero per group and column.
        Some(q) if q.bits <= 4 => {
            f64::from(q.bits) / 8.0 + (2.0 + f64::from(q.bits) / 8.0) / q.group_size.max(1) as f64
        }
        // fp8 and int8: one byte, block scales are negligible.
        Some(_) => 1.0,
        None => f.dtype_bytes,
    }
}

/// Attention parameters of one layer on one GPU, in bytes.
fn attention(f: &ModelFacts, tp: f64) -> f64 {
    let h = f.hidden_size as f64;
    let heads = f.attention_heads as f64;
    let b = per_param(f, false);
    if let Some(m) = &f.mla {
        let qk = (m.qk_nope_head_dim + m.qk_rope_head_dim) as f64;
        let q = match m.q_lora_rank {
            // q_a is replicated, q_b split by heads.
            Some(r) => h * r as f64 + r as f64 * heads * qk / tp,
            None => h * heads * qk / tp,
        };
        // kv_a (latent + rotary key) is replicated; kv_b and o are split by heads.
        let kv_a = h * (m.kv_lora_rank + m.qk_rope_head_dim) as f64;
        let kv_b = m.kv_lora_rank as f64 * heads * (m.qk_nope_head_dim + m.v_head_dim) as f64 / tp;
        let o = heads * m.v_head_dim as f64 * h / tp;
        return (q + kv_a + kv_b + o) * b;
    }
    let d = f.head_dim as f64;
    // K/V projections are replicated when there are fewer KV heads than GPUs.
    let kv_per_gpu = (f.kv_heads as f64 / tp).max(1.0) * d;
    (2.0 * h * heads * d / tp + 2.0 * h * kv_per_gpu) * b
}

/// MLP parameters of all layers on one GPU (before pipeline splitting), in bytes; `ep` is
/// the number of expert-parallel ranks (0: experts sliced over TP).
fn mlps(f: &ModelFacts, tp: u64, ep: u64, layout: Mxfp4Layout) -> f64 {
    let h = f.hidden_size as f64;
    let tp_f = tp as f64;
    let dense = |layers: u64, inter: u64| layers as f64 * 3.0 * h * inter as f64 / tp_f;
    let Some(m) = &f.moe else {
        return dense(f.layers, f.intermediate_size) * per_param(f, false);
    };
    let mxfp4 = f.quant.as_ref().is_some_and(|q| q.method == "mxfp4");
    let marlin = mxfp4 && layout == Mxfp4Layout::Marlin;
    let pad = |inter: u64| {
        let to = if marlin { MARLIN_INTER_PAD } else { MXFP4_PAD };
        if mxfp4 {
            inter.div_ceil(to) * to
        } else {
            inter
        }
    };
    let expert_h = if marlin {
        (f.hidden_size.div_ceil(MARLIN_HIDDEN_PAD) * MARLIN_HIDDEN_PAD) as f64
    } else {
        h
    };
    // Expert-intermediate columns this GPU holds, over all experts of one layer.
    let columns = if ep > 0 {
        m.experts.div_ceil(ep) * pad(m.expert_intermediate)
    } else {
        m.experts * pad(m.expert_intermediate.div_ceil(tp))
    } as f64;
    let experts = m.moe_layers as f64 * 3.0 * expert_h * columns * per_param(f, true);
    let shared = dense(m.moe_layers, m.shared_intermediate) * per_param(f, false);
    // The router stays unquantized and replicated.
    let router = m.moe_layers as f64 * h * m.experts as f64 * f.dtype_bytes;
    let dense_layers = dense(f.layers - m.moe_layers, m.dense_intermediate) * per_param(f, false);
    experts + shared + router + dense_layers
}

/// The vision encoder (attention 4h^2 + MLP 2h*i per layer) and its projector, split over TP.
fn vision(f: &ModelFacts, tp: f64) -> f64 {
    let Some(v) = &f.vision else { return 0.0 };
    let hv = v.hidden_size as f64;
    let per_layer = 4.0 * hv * hv + 2.0 * hv * v.intermediate_size as f64;
    let projector = hv * f.hidden_size as f64;
    (v.layers as f64 * per_layer + projector) * f.dtype_bytes / tp
}

/// vLLM's rotary embedding keeps a cos/sin row for every position the model may see, as a
/// buffer in the model dtype (`cos_sin_cache`, `rotary_embedding/base.py`, 0.33's too), one
/// per distinct rope, counted in "Model loading took" on every GPU: the context vLLM derives
/// ([`context_limit`]: linear and dynamic scaling multiply `max_position_embeddings` by the
/// factor, as `linear_scaling_rope.py`'s `max_len` does; YaRN the original length) times the
/// rotary dimension. Gemma 3's linear factor of 8 makes it 0.25 GiB; a Llama 3.1 32 MiB.
/// (Gemma 3's second, local rope of 32 MiB is left out: the facts do not say a model has one.)
fn rope_cache(f: &ModelFacts) -> f64 {
    let rotary = f.mla.as_ref().map_or(f.head_dim, |m| m.qk_rope_head_dim);
    (context_limit(f, None) * rotary) as f64 * f.dtype_bytes
}

/// Bytes of the weights one worker holds (`ep`: expert-parallel ranks, 0 without).
pub fn bytes_per_gpu(f: &ModelFacts, tp: u64, pp: u64, ep: u64, layout: Mxfp4Layout) -> f64 {
    let tp_f = tp as f64;
    if let Some(total) = f.weight_bytes {
        // The checkpoint's own size: every tensor split over TP and PP, closely enough (with
        // DP expert parallelism the experts are split further; the shape decides then).
        if ep <= tp || f.moe.is_none() {
            return total as f64 / (tp * pp) as f64 + rope_cache(f);
        }
    }
    let layers = f.layers as f64;
    let stage = (layers / pp as f64).ceil() / layers.max(1.0);
    let blocks = (layers * attention(f, tp_f) + mlps(f, tp, ep, layout)) * stage;
    // Embedding and lm_head stay unquantized and are split over TP by vocabulary. With
    // pipeline stages the first holds the embedding and the last the head (a tied head is
    // copied there), so the fullest GPU holds one of them.
    let embed = f.vocab_size as f64 * f.hidden_size as f64 * f.dtype_bytes / tp_f;
    let head = if f.tie_word_embeddings || pp > 1 {
        0.0
    } else {
        embed
    };
    blocks + embed + head + vision(f, tp_f) + rope_cache(f)
}
