//! Model facts and the GPU memory planner.
//!
//! Facts (layers, heads, sizes, context, quantization) come, in order, from the profile's
//! `[model]` table, the model's `config.json` in the local Hugging Face cache, and a catalog
//! built into vprof. The estimator sizes GPU memory the way vLLM's V1 engine does at start-up:
//! weights, a profiling forward pass (activation peak), non-torch memory, and what is left of
//! `gpu_memory_utilization x total` becomes the KV cache.

mod catalog;
mod estimate;
mod facts;
mod hf_cache;

pub use catalog::catalog;
pub use estimate::{GpuPlan, Plan, PlanInput, estimate};
pub use facts::{ModelFacts, ModelTable, Quant, context_limit, resolve_facts, tp_problems};
pub use hf_cache::{from_hf_cache, hf_cache_dirs};
