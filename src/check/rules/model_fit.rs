//! `tp-divides-heads`, `weights-fit`, `kv-cache-fit`, `context-length`, `model-facts`:
//! what vLLM would only report after loading the model for minutes, predicted from the
//! profile and the model's facts (see `crate::model`).

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::model::{self, ModelFacts, Plan, PlanInput};
use crate::profile::Profile;
use crate::profile::raw::HumanInt;
use crate::vllm::parse_human_int;

/// vLLM's KV-cache block size when the profile does not set one.
const DEFAULT_BLOCK_SIZE: u64 = 16;

/// The model facts of a profile, or the names of the missing ones.
pub fn facts(profile: &Profile) -> Result<ModelFacts, Vec<&'static str>> {
    let dirs = model::hf_cache_dirs(profile.deploy().hf_cache.as_deref());
    model::resolve_facts(&profile.model, profile.raw.model.as_ref(), &dirs)
}

/// The rope scaling a profile applies through `hf_overrides`.
fn rope_override(profile: &Profile) -> Option<&serde_json::Value> {
    let o = profile.vllm().hf_overrides.as_ref()?;
    o.get("rope_scaling").or_else(|| o.get("rope_parameters"))
}

/// max_model_len as vLLM resolves it: the profile's, else the model's limit.
pub fn max_model_len(profile: &Profile, facts: &ModelFacts) -> u64 {
    let limit = model::context_limit(facts, rope_override(profile));
    match &profile.vllm().max_model_len {
        Some(HumanInt::Int(n)) => *n,
        Some(HumanInt::Text(t)) => parse_human_int(t)
            .filter(|n| *n > 0)
            .map_or(limit, |n| n as u64),
        None => limit,
    }
}

/// The GPUs a plan lists: the profile's ids; for a Kubernetes-only profile, the GPUs of its
/// pod (`"0"`, `"1"`, ...) or of every node of a group (`"node-0/0"`, ..., `"node-1/7"`).
pub fn plan_gpu_ids(profile: &Profile) -> Vec<String> {
    use crate::render::k8s::layout;
    if !profile.k8s_only() {
        return profile.gpu_ids.clone();
    }
    match layout::layout(profile) {
        Ok(l) if l.multi_node() => (0..l.nodes)
            .flat_map(|n| (0..l.gpus_per_pod).map(move |g| format!("node-{n}/{g}")))
            .collect(),
        Ok(l) => (0..l.gpus_per_pod).map(|g| g.to_string()).collect(),
        Err(_) => (0..layout::world(profile)).map(|g| g.to_string()).collect(),
    }
}

/// The planner's input, or what is missing to build it.
pub fn plan_input(profile: &Profile, facts: &ModelFacts) -> Result<PlanInput, String> {
    let host = profile
        .host
        .as_ref()
        .ok_or("a [host] (gpu_count and gpu_memory_gib)")?;
    let total = host
        .gpu_memory_gib
        .ok_or("host.gpu_memory_gib (or gpu_memory_mib)")?;
    let v = profile.vllm();
    let batched = match &v.max_num_batched_tokens {
        Some(HumanInt::Int(n)) => Some(*n),
        Some(HumanInt::Text(t)) => parse_human_int(t).filter(|n| *n > 0).map(|n| n as u64),
        None => None,
    };
    let block = v
        .other
        .get("block_size")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(DEFAULT_BLOCK_SIZE);
    let flag = |key: &str| v.other.get(key).and_then(serde_json::Value::as_bool) == Some(true);
    Ok(PlanInput {
        gpu_ids: plan_gpu_ids(profile),
        gpu_total_gib: total,
        gpu_name: host.gpu_name.clone(),
        gpu_memory_utilization: profile.gpu_memory_fraction(),
        tensor_parallel_size: profile.tensor_parallel_size,
        pipeline_parallel_size: profile.pipeline_parallel_size,
        max_model_len: max_model_len(profile, facts),
        max_num_seqs: v.max_num_seqs,
        max_num_batched_tokens: batched,
        enable_chunked_prefill: v.enable_chunked_prefill,
        kv_cache_dtype: v
            .kv_cache_dtype
            .clone()
            .unwrap_or_else(|| String::from("auto")),
        block_size: block,
        enforce_eager: flag("enforce_eager"),
        enable_expert_parallel: flag("enable_expert_parallel"),
        data_parallel_size: v
            .other
            .get("data_parallel_size")
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(1),
        disable_hybrid_kv_cache_manager: flag("disable_hybrid_kv_cache_manager"),
        vllm_version: profile.version.as_str().to_string(),
        // The vllm/vllm-openai images ship FlashInfer.
        flashinfer: true,
    })
}

/// A profile's plan, when its facts and host are known.
pub fn plan(profile: &Profile) -> Result<(ModelFacts, PlanInput, Plan), String> {
    let facts = facts(profile).map_err(|missing| {
        let what = if missing.len() >= model::REQUIRED.len() {
            "no"
        } else {
            "incomplete"
        };
        format!(
            "{what} model facts for `{}` (missing: {})",
            profile.model,
            missing.join(", ")
        )
    })?;
    let input = plan_input(profile, &facts)?;
    let plan = model::estimate(&facts, &input);
    Ok((facts, input, plan))
}

/// The `model-facts` finding: no facts at all, or facts the estimator needs and no source
/// gives (an expert size, a window): never guessed from a dense shape.
fn missing_facts(profile: &Profile, missing: &[&str]) -> Diagnostic {
    let unchecked =
        "tp-divides-heads, weights-fit, kv-cache-fit and context-length were not checked";
    if missing.len() >= model::REQUIRED.len() {
        return Diagnostic::new(
            Check::ModelFacts,
            format!("no model facts for `{}`: {unchecked}", profile.model),
        )
        .at(profile.label("vllm.model", "unknown model"))
        .with_help(format!(
            "add a [model] table with {} or put the model's config.json in the Hugging Face cache",
            missing.join(", ")
        ));
    }
    Diagnostic::new(
        Check::ModelFacts,
        format!(
            "the model facts of `{}` lack {}: {unchecked}",
            profile.model,
            missing.join(", ")
        ),
    )
    .at(profile.label("vllm.model", "incomplete model facts"))
    .with_help(format!(
        "add {} to the [model] table (names as in the model's config.json); vprof does not size experts or sliding windows from a dense shape",
        missing.join(", ")
    ))
}

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let facts = match facts(profile) {
        Ok(f) => f,
        Err(missing) => {
            diags.push(missing_facts(profile, &missing));
            return;
        }
    };
    let tp = profile.tensor_parallel_size;
    for problem in model::tp_problems(&facts, tp) {
        diags.push(
            Diagnostic::new(Check::TpDividesHeads, problem)
                .at(profile.label(
                    "vllm.tensor_parallel_size",
                    format!("tensor_parallel_size = {tp}"),
                ))
                .with_help(format!("model facts from {}", facts.source)),
        );
    }
    let limit = model::context_limit(&facts, rope_override(profile));
    let len = max_model_len(profile, &facts);
    if len > limit {
        let rope = if rope_override(profile).is_some() {
            " with the rope scaling of hf_overrides"
        } else {
            ""
        };
        diags.push(
            Diagnostic::new(
                Check::ContextLength,
                format!("max_model_len {len} is beyond the model's context of {limit} tokens{rope}"),
            )
            .at(profile.label("vllm.max_model_len", format!("at most {limit}")))
            .with_help(format!(
                "lower max_model_len, or extend the context with hf_overrides = {{ rope_scaling = {{ rope_type = \"yarn\", factor = F, original_max_position_embeddings = {} }} }} (facts from {})",
                facts.original_max_position_embeddings.unwrap_or(facts.max_position_embeddings),
                facts.source
            )),
        );
    }
    let input = match plan_input(profile, &facts) {
        Ok(i) => i,
        Err(missing) => {
            diags.push(
                Diagnostic::new(
                    Check::ModelFacts,
                    format!("GPU memory unknown: weights-fit and kv-cache-fit need {missing}"),
                )
                .at(profile.label("host", "no GPU memory"))
                .with_help("describe the host: [host] gpu_count = 2, gpu_memory_gib = 24"),
            );
            return;
        }
    };
    let plan = model::estimate(&facts, &input);
    report_plan(profile, &facts, &input, &plan, diags);
}

/// The smallest change that makes the weights fit: a larger tensor_parallel_size on GPUs of
/// the same size, or fp8 quantization on the GPUs given. Raising gpu_memory_utilization is
/// named only when it could be enough.
fn smallest_fit(facts: &ModelFacts, input: &PlanInput, total_gib: f64) -> String {
    let fits = |f: &ModelFacts, i: &PlanInput| {
        let p = model::estimate(f, i);
        p.weights_fit && p.kv_cache_tokens >= i.max_model_len
    };
    let mut options = Vec::new();
    let tp_now = input.tensor_parallel_size;
    if let Some(tp) = [2u32, 4, 8, 16].into_iter().find(|&tp| {
        let mut i = input.clone();
        i.tensor_parallel_size = tp;
        i.gpu_ids = (0..tp * input.pipeline_parallel_size)
            .map(|n| n.to_string())
            .collect();
        tp > tp_now && model::tp_problems(facts, tp).is_empty() && fits(facts, &i)
    }) {
        options.push(format!(
            "tensor_parallel_size = {tp} on {} GPUs of {total_gib:.0} GiB",
            tp * input.pipeline_parallel_size
        ));
    }
    if facts.quant.is_none() {
        let mut fp8 = facts.clone();
        fp8.quant = Some(model::Quant {
            method: String::from("fp8"),
            bits: 8,
            group_size: 128,
            experts_only: false,
        });
        fp8.weight_bytes = facts
            .weight_bytes
            .map(|b| (b as f64 / facts.dtype_bytes) as u64);
        if fits(&fp8, input) {
            options.push(format!(
                "quantization = \"fp8\" on the {} given",
                crate::commands::plural(input.gpu_ids.len(), "GPU")
            ));
        }
    }
    let mut ceiling = input.clone();
    ceiling.gpu_memory_utilization = crate::project::DEFAULT_GPU_MEMORY_CEILING;
    if ceiling.gpu_memory_utilization > input.gpu_memory_utilization && fits(facts, &ceiling) {
        options.push(format!(
            "gpu_memory_utilization = {}",
            crate::project::DEFAULT_GPU_MEMORY_CEILING
        ));
    }
    if options.is_empty() {
        String::from(
            "no tensor_parallel_size up to 16 nor fp8 fits these GPUs: use a 4-bit (AWQ/GPTQ) checkpoint or larger GPUs",
        )
    } else {
        format!("the smallest change that fits: {}", options.join(", or "))
    }
}

fn report_plan(
    profile: &Profile,
    facts: &ModelFacts,
    input: &PlanInput,
    plan: &Plan,
    diags: &mut Diagnostics,
) {
    let Some(gpu) = plan.gpus.first() else { return };
    if !plan.weights_fit {
        let prefill = input.enable_chunked_prefill == Some(false)
            && gpu.activation_gib > gpu.weights_gib / 2.0;
        let (place, label, help) = if prefill {
            (
                "vllm.enable_chunked_prefill",
                format!(
                    "a {}-token prefill in one step",
                    plan.max_num_batched_tokens
                ),
                String::from(
                    "without chunked prefill vLLM profiles a whole max_model_len prompt in one forward pass: enable chunked prefill or lower max_model_len",
                ),
            )
        } else {
            (
                "vllm.model",
                String::from("does not fit"),
                smallest_fit(facts, input, gpu.total_gib),
            )
        };
        diags.push(
            Diagnostic::new(
                Check::WeightsFit,
                format!(
                    "weights ({:.2} GiB) + activation peak ({:.2} GiB) + overhead ({:.2} GiB) per GPU exceed the {:.2} GiB budget ({} x {:.2} GiB): no memory is left for the KV cache",
                    gpu.weights_gib, gpu.activation_gib, gpu.overhead_gib, gpu.budget_gib, input.gpu_memory_utilization, gpu.total_gib
                ),
            )
            .at(profile.label(place, label))
            .with_help(help),
        );
        return;
    }
    if !plan.fits {
        let needed = plan.kv_needed_gib;
        diags.push(
            Diagnostic::new(
                Check::KvCacheFit,
                format!(
                    "To serve at least one request with the model's max seq len ({}), ({needed:.2} GiB KV cache is needed, which is larger than the available KV cache memory ({:.2} GiB). Based on the available memory, the estimated maximum model length is {}.",
                    input.max_model_len, gpu.kv_cache_gib.max(0.0), plan.max_fitting_model_len
                ),
            )
            .at(profile.label("vllm.max_model_len", format!("needs {needed:.2} GiB of KV cache per GPU")))
            .with_help("increase gpu_memory_utilization, decrease max_model_len, use kv_cache_dtype = \"fp8\", or more GPUs"),
        );
    }
}
