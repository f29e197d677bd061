//! How a vLLM release accounts GPU memory before it sizes the KV cache. The estimator follows
//! the release the profile targets; `vprof plan` names the accounting it used.
//!
//! - Hybrid KV cache manager (vLLM 0.10, PR #17996 "Hybrid Memory Allocator"): sliding-window
//!   and chunked-local layers keep only their window per sequence and share one block pool
//!   with the full-attention layers in groups of equal size. Before it, every layer was
//!   sized as full attention.
//! - CUDA graph memory (vLLM 0.21): "CUDA graph memory profiling is enabled (default since
//!   v0.21.0)" — vLLM's own start-up log (noonghunna/club-3090#104); the graphs' memory is
//!   estimated during profiling and taken from the KV cache budget. Before 0.21 the graphs
//!   were captured after the KV cache was allocated, outside `gpu_memory_utilization`.
//! - Non-torch memory (NCCL and custom all-reduce buffers, cuBLAS workspaces) allocated after
//!   the worker's start-up snapshot is subtracted in every V1 release. Up to 0.10 that
//!   snapshot came before the worker's distributed initialisation, so the TP group's NCCL
//!   communicators and custom all-reduce buffers counted; vllm PR #25359 ("Fix OOM in vLLM
//!   replicas by ensuring consistent NCCL memory accounting", merged 2025-09-22, after 0.10.2)
//!   took the snapshot after it from 0.11, leaving only what the profiling run adds (see
//!   [`Accounting::communicators_counted`]).
//! - The sampler warm-up (`_dummy_sampler_run`, every V1 release) samples `max_num_seqs`
//!   rows of logits with top-k = vocab - 1 and top-p = 0.9, and its peak counts in the
//!   profile. Which code samples decides that peak (see [`SamplerWarmup`]):
//!   - up to 0.11.0 FlashInfer's kernel when FlashInfer is installed (the vllm/vllm-openai
//!     images; `VLLM_USE_FLASHINFER_SAMPLER` unset meant on), else PyTorch's sort;
//!   - 0.11.1 to 0.16 PyTorch's sort: FlashInfer became opt-in (vllm PR #26859; 0.11.2's and
//!     0.16.0's `topk_topp_sampler.py` read `if envs.VLLM_USE_FLASHINFER_SAMPLER:`);
//!   - from 0.17 a Triton kernel that masks the logits in place
//!     (`apply_top_k_top_p_triton`, 0.17.1's and 0.19.1's `topk_topp_sampler.py`), and from
//!     0.2x FlashInfer again by default (0.24.0's `envs.py`: `VLLM_USE_FLASHINFER_SAMPLER:
//!     bool = True`); both fused.

use serde::Serialize;

/// The accounting rules of one vLLM release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Accounting {
    /// The release, as the profile targets it ("0.11.0").
    pub vllm_version: String,
    /// Sliding-window layers hold only their window (hybrid KV cache manager).
    pub hybrid_kv_cache: bool,
    /// CUDA graph memory is estimated and taken from the KV cache budget.
    pub cuda_graphs_counted: bool,
    /// How the profiling run's sampler warm-up holds its logits.
    pub sampler_warmup: SamplerWarmup,
    /// The NCCL communicator and custom all-reduce buffers that vLLM creates when a worker
    /// joins its tensor-parallel group count as non-torch memory (releases before 0.11, whose
    /// start-up memory snapshot precedes the distributed initialisation).
    pub communicators_counted: bool,
}

/// The sampler warm-up's code path, which sets its memory peak per logit (max_num_seqs x
/// vocabulary rows and columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SamplerWarmup {
    /// PyTorch's `apply_top_k_top_p`: a full sort of the float32 logits (values, int64
    /// indices and the segmented radix sort's own buffers) beside the bf16 logits and their
    /// float32 copy. Measured with that sequence of operations
    /// (`tools/sampler_warmup_peak.py`, torch 2.11 on an H200): 38.0 bytes per logit at the
    /// peak, 7.29 GiB for 1024 x 201,088.
    Sort,
    /// FlashInfer's `top_k_top_p_sampling_from_logits` (a masked copy and its softmax) or
    /// the Triton kernel (in place, then softmax and the exponential noise): the bf16 logits,
    /// their float32 copy and two more float32 tensors, 14 bytes per logit.
    Fused,
}

impl SamplerWarmup {
    /// Bytes alive per logit at the warm-up's peak.
    pub fn bytes_per_logit(self) -> f64 {
        match self {
            SamplerWarmup::Sort => 38.0,
            SamplerWarmup::Fused => 14.0,
        }
    }
}

/// Major, minor and patch ("0.11.0" -> (0, 11, 0); a missing patch reads 0).
fn release(version: &str) -> Option<(u64, u64, u64)> {
    let v = version.trim_start_matches('v');
    let mut parts = v.split('.');
    let mut number = |required: bool| -> Option<u64> {
        match parts.next() {
            Some(p) => p
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok(),
            None if required => None,
            None => Some(0),
        }
    };
    Some((number(true)?, number(true)?, number(false).unwrap_or(0)))
}

impl Accounting {
    /// The rules of `version` ("0.11.0", "v0.21.1"); an unreadable version gets the newest.
    /// `flashinfer`: FlashInfer is installed (it is in the vllm/vllm-openai images; a plain
    /// `pip install vllm` of those releases lacks it).
    pub fn for_version(version: &str, flashinfer: bool) -> Accounting {
        let v = release(version).unwrap_or((u64::MAX, u64::MAX, u64::MAX));
        let sampler_warmup = if v >= (0, 17, 0) || (v < (0, 11, 1) && flashinfer) {
            SamplerWarmup::Fused
        } else {
            SamplerWarmup::Sort
        };
        Accounting {
            vllm_version: version.trim_start_matches('v').to_string(),
            hybrid_kv_cache: (v.0, v.1) >= (0, 10),
            cuda_graphs_counted: (v.0, v.1) >= (0, 21),
            sampler_warmup,
            communicators_counted: (v.0, v.1) < (0, 11),
        }
    }

    /// Whether an mxfp4 MoE runs on Marlin (0.10.1's and 0.11.0's `get_mxfp4_backend`): on
    /// GPUs before Hopper always; on Hopper in 0.10 (its torch 2.7 is below the Triton path's
    /// 2.8) and in a pip install of 0.11 (no `triton_kernels`), which `flashinfer = false`
    /// stands for.
    pub fn mxfp4_marlin(&self, pre_hopper: bool, flashinfer: bool) -> bool {
        let v = release(&self.vllm_version).unwrap_or((u64::MAX, u64::MAX, u64::MAX));
        pre_hopper || (v.0, v.1) < (0, 11) || ((v.0, v.1) == (0, 11) && !flashinfer)
    }

    /// One line for humans.
    pub fn describe(&self) -> String {
        format!(
            "vLLM {}: {}, {}, {}",
            self.vllm_version,
            if self.hybrid_kv_cache {
                "hybrid KV cache manager (sliding-window layers hold their window)"
            } else {
                "every layer sized as full attention"
            },
            if self.cuda_graphs_counted {
                "CUDA graph memory taken from the KV cache budget"
            } else {
                "CUDA graphs outside the budget"
            },
            match self.sampler_warmup {
                SamplerWarmup::Sort => "sampler warm-up sorts the logits",
                SamplerWarmup::Fused => "fused sampler warm-up",
            }
        ) + if self.communicators_counted {
            ", start-up NCCL communicators counted as non-torch memory"
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Accounting, SamplerWarmup};

    #[test]
    fn rules_by_release() {
        let old = Accounting::for_version("0.9.2", true);
        assert!(!old.hybrid_kv_cache && !old.cuda_graphs_counted);
        assert!(old.communicators_counted);
        assert!(Accounting::for_version("0.10.2", true).communicators_counted);
        let mid = Accounting::for_version("0.11.0", true);
        assert!(mid.hybrid_kv_cache && !mid.cuda_graphs_counted);
        assert!(!mid.communicators_counted);
        assert!(!Accounting::for_version("nightly", true).communicators_counted);
        let new = Accounting::for_version("v0.21.0", true);
        assert!(new.hybrid_kv_cache && new.cuda_graphs_counted);
        assert_eq!(new.vllm_version, "0.21.0");
        assert!(Accounting::for_version("0.33.0", true).cuda_graphs_counted);
        assert!(Accounting::for_version("nightly", true).cuda_graphs_counted);
    }

    #[test]
    fn sampler_warmup_by_release_and_install() {
        let warmup = |v: &str, fi: bool| Accounting::for_version(v, fi).sampler_warmup;
        assert_eq!(warmup("0.10.1", true), SamplerWarmup::Fused);
        assert_eq!(warmup("0.10.1", false), SamplerWarmup::Sort);
        assert_eq!(warmup("0.11.0", false), SamplerWarmup::Sort);
        assert_eq!(warmup("0.11.2", true), SamplerWarmup::Sort);
        assert_eq!(warmup("0.14.1", true), SamplerWarmup::Sort);
        assert_eq!(warmup("0.17.1", false), SamplerWarmup::Fused);
        assert_eq!(warmup("0.33.0", false), SamplerWarmup::Fused);
        assert_eq!(warmup("0.11", true), SamplerWarmup::Fused);
    }
}
