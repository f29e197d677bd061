//! Model facts and the GPU memory planner.
//!
//! Facts (layers, heads, sizes, experts, attention layout, context, quantization) come from a
//! `config.json`: the profile's `[model]` table laid over the model's config in the local
//! Hugging Face cache or over the catalog built into vprof. The estimator sizes GPU memory the
//! way vLLM's V1 engine does at start-up, by version: weights, a profiling forward pass
//! (activation peak), non-torch memory, CUDA graphs where that version counts them, and what is
//! left of `gpu_memory_utilization x total` becomes the KV cache.

mod catalog;
mod config;
mod estimate;
mod facts;
mod hf_cache;
mod memo;
mod table;
#[cfg(test)]
mod tests;

pub use catalog::{entry as catalog_entry, ids as catalog_ids};
pub use config::{REQUIRED, flatten, parse as parse_config};
pub use estimate::{Accounting, GpuPlan, Plan, PlanInput, estimate};
pub use facts::{Mla, ModelFacts, Moe, Quant, Vision, context_limit, resolve_facts, tp_problems};
pub use hf_cache::{from_hf_cache, hf_cache_dirs};
pub use table::ModelTable;

/// Facts of a catalog model (the planner's own tests and benches).
pub fn catalog(model_id: &str) -> Option<ModelFacts> {
    let (config, source) = catalog::entry(model_id)?;
    config::parse(&config, None, format!("vprof's catalog ({source})")).ok()
}
