//! The KV cache vLLM allocates from the memory left over, and whether one max_model_len
//! sequence fits in it.
//!
//! Page size: one block holds `block_size` tokens of one layer: K and V for the layer's KV
//! heads on this GPU (`ceil(kv_heads / TP)`, replicated below one head per GPU), or for
//! multi-head latent attention one `kv_lora_rank + qk_rope_head_dim` vector per token, the
//! same on every TP rank (the latent is not split across heads).
//!
//! Model of vLLM's hybrid KV cache manager (0.10+; `vllm/v1/core/kv_cache_utils.py`,
//! `_get_kv_cache_groups_uniform_page_size` and `get_kv_cache_config_from_groups`): layers are
//! grouped by kind (full attention, sliding window), each kind cut into groups of
//! `group_size` layers = the smallest kind's layer count (the largest's when it is under
//! 1.25 times the smallest, which avoids padding), the last group of a kind padded. The
//! memory is cut into `group_size` tensors, each shared by one layer of every group, so
//! `num_blocks = memory / (page_size x group_size)`, and vLLM reports
//! `GPU KV cache size = num_blocks / groups x block_size` tokens. A full-attention layer
//! needs a block per `block_size` tokens of a sequence; a sliding layer only
//! `cdiv(window - 1 + max_num_batched_tokens, block_size) + 1` blocks
//! (`SlidingWindowSpec.max_memory_usage_bytes`), which is how one long sequence fits where a
//! dense model's would not. Without the hybrid manager (before 0.10, or with
//! `disable_hybrid_kv_cache_manager`) every layer is sized as full attention.

use crate::model::ModelFacts;

/// The KV cache of one worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Kv {
    /// Tokens vLLM reports ("GPU KV cache size").
    pub tokens: u64,
    /// Bytes one reported token costs on this GPU (all layers of the groups).
    pub bytes_per_token: u64,
    /// Bytes one max_model_len sequence needs.
    pub bytes_for_one: f64,
    /// The longest sequence that fits.
    pub max_len: u64,
}

/// What sizing needs besides the model.
#[derive(Debug, Clone, Copy)]
pub struct KvInput {
    pub tp: u64,
    pub pp: u64,
    pub kv_bytes: f64,
    pub block: u64,
    pub hybrid: bool,
    pub max_model_len: u64,
    pub batched_tokens: u64,
}

/// Bytes of one token of one layer on this GPU.
pub fn layer_token_bytes(f: &ModelFacts, tp: u64, kv_bytes: f64) -> f64 {
    match &f.mla {
        Some(m) => (m.kv_lora_rank + m.qk_rope_head_dim) as f64 * kv_bytes,
        None => (2 * f.kv_heads.div_ceil(tp).max(1) * f.head_dim) as f64 * kv_bytes,
    }
}

/// Size the KV cache in `memory` bytes.
pub fn size(f: &ModelFacts, input: KvInput, memory: f64) -> Kv {
    let pp = input.pp.max(1);
    let block = input.block.max(1);
    let per_layer = layer_token_bytes(f, input.tp, input.kv_bytes);
    let page = per_layer * block as f64;
    let hybrid = input.hybrid && f.sliding_layers > 0 && f.sliding_window.is_some();
    let (full, sliding) = if hybrid {
        (f.full_layers().div_ceil(pp), f.sliding_layers.div_ceil(pp))
    } else {
        (f.layers.div_ceil(pp), 0)
    };
    let kinds: Vec<u64> = [full, sliding].into_iter().filter(|n| *n > 0).collect();
    let smallest = kinds.iter().copied().min().unwrap_or(1).max(1);
    let largest = kinds.iter().copied().max().unwrap_or(1).max(1);
    let group_size = if (largest as f64) < smallest as f64 * 1.25 {
        largest
    } else {
        smallest
    };
    let groups: u64 = kinds
        .iter()
        .map(|n| n.div_ceil(group_size))
        .sum::<u64>()
        .max(1);
    let num_blocks = if memory > 0.0 && page > 0.0 {
        (memory / (page * group_size as f64)) as u64
    } else {
        0
    };
    let tokens = num_blocks / groups * block;
    let window = f.sliding_window.unwrap_or(0);
    let need = |len: u64| -> f64 {
        let full_blocks = len.div_ceil(block);
        let sliding_blocks = (window.saturating_sub(1) + input.batched_tokens)
            .min(len)
            .div_ceil(block)
            + 1;
        (full as f64 * full_blocks as f64 + sliding as f64 * sliding_blocks.min(full_blocks) as f64)
            * page
    };
    let bytes_for_one = need(input.max_model_len.max(1));
    // The longest length whose need fits, by bisection (need grows with the length).
    let (mut lo, mut hi) = (
        0u64,
        input.max_model_len.max(1).max(tokens.saturating_mul(2)),
    );
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if need(mid) <= memory {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Kv {
        tokens,
        bytes_per_token: (per_layer * (group_size * groups) as f64) as u64,
        bytes_for_one,
        max_len: lo,
    }
}
