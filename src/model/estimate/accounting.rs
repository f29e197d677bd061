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
//!   the worker's start-up snapshot is subtracted in every V1 release.

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
}

fn minor(version: &str) -> Option<(u64, u64)> {
    let v = version.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts
        .next()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()?;
    Some((major, minor))
}

impl Accounting {
    /// The rules of `version` ("0.11.0", "v0.21.1"); an unreadable version gets the newest.
    pub fn for_version(version: &str) -> Accounting {
        let v = minor(version).unwrap_or((u64::MAX, u64::MAX));
        Accounting {
            vllm_version: version.trim_start_matches('v').to_string(),
            hybrid_kv_cache: v >= (0, 10),
            cuda_graphs_counted: v >= (0, 21),
        }
    }

    /// One line for humans.
    pub fn describe(&self) -> String {
        format!(
            "vLLM {}: {}, {}",
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
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Accounting;

    #[test]
    fn rules_by_release() {
        let old = Accounting::for_version("0.9.2");
        assert!(!old.hybrid_kv_cache && !old.cuda_graphs_counted);
        let mid = Accounting::for_version("0.11.0");
        assert!(mid.hybrid_kv_cache && !mid.cuda_graphs_counted);
        let new = Accounting::for_version("v0.21.0");
        assert!(new.hybrid_kv_cache && new.cuda_graphs_counted);
        assert_eq!(new.vllm_version, "0.21.0");
        assert!(Accounting::for_version("0.33.0").cuda_graphs_counted);
        assert!(Accounting::for_version("nightly").cuda_graphs_counted);
    }
}
