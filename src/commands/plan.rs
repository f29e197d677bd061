//! `vprof plan NAME`: the GPU memory plan per GPU, maximum concurrency and a verdict. The
//! verdict comes from the same estimate as validate's `weights-fit` and `kv-cache-fit`.

use serde_json::{Value, json};

use super::{Context, report, report_json};
use crate::check::rules::model_fit;
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::model::{ModelFacts, Plan, PlanInput};
use crate::profile::Profile;

fn gib(v: f64) -> String {
    format!("{v:.2}")
}

pub fn run(ctx: &Context, name: &str) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let planned = match run.load_one(name)? {
        None => None,
        Some(profile) => Some(match model_fit::plan(&profile) {
            Ok(plan) => Ok((profile, plan)),
            Err(missing) => Err(format!(
                "vprof plan: cannot plan `{}`: {missing}\n",
                profile.name
            )),
        }),
    };
    // A profile that does not fit, or cannot be planned, is a finding-level outcome.
    let fits = match &planned {
        Some(Ok((profile, (facts, input, plan)))) => {
            match ctx.format {
                Format::Json => {
                    let doc = json_doc(profile, facts, plan);
                    let outcome = report_json(ctx, &run, doc);
                    return Ok(outcome.worst(verdict(plan.fits)));
                }
                Format::Human => ctx.printer.out(&human(profile, facts, input, plan)),
            }
            plan.fits
        }
        _ => false,
    };
    let outcome = report(ctx, &run, None);
    if let (Some(Err(cannot)), Format::Human) = (&planned, ctx.format) {
        ctx.printer.err(cannot);
    }
    Ok(outcome.worst(verdict(fits || planned.is_none())))
}

fn verdict(fits: bool) -> Outcome {
    if fits {
        Outcome::Success
    } else {
        Outcome::Findings
    }
}

fn json_doc(profile: &Profile, facts: &ModelFacts, plan: &Plan) -> Value {
    let mut doc =
        json!({ "profile": profile.name, "model": profile.model, "facts_source": facts.source });
    if let (Value::Object(d), Ok(Value::Object(p))) = (&mut doc, serde_json::to_value(plan)) {
        d.extend(p);
    }
    doc
}

fn human(profile: &Profile, facts: &ModelFacts, input: &PlanInput, plan: &Plan) -> String {
    let mut text = format!(
        "{}: {} on {} GPU{} (TP {} x PP {}), vLLM {}\nmodel facts: {}\naccounting: {}\n\n",
        profile.name,
        profile.model,
        input.gpu_ids.len(),
        if input.gpu_ids.len() == 1 { "" } else { "s" },
        input.tensor_parallel_size,
        input.pipeline_parallel_size,
        profile.version.as_str(),
        facts.source,
        plan.accounting.describe()
    );
    let mut rows = vec![
        [
            "GPU",
            "TOTAL",
            "BUDGET",
            "WEIGHTS",
            "ACTIVATION",
            "OVERHEAD",
            "KV CACHE",
        ]
        .map(String::from),
    ];
    for g in &plan.gpus {
        rows.push([
            g.id.clone(),
            gib(g.total_gib),
            gib(g.budget_gib),
            gib(g.weights_gib),
            gib(g.activation_gib),
            gib(g.overhead_gib),
            gib(g.kv_cache_gib),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        text.push_str(&cells.join("  "));
        text.push('\n');
    }
    text.push_str(&format!(
        "(GiB per GPU; budget = gpu_memory_utilization {} x total; overhead = non-torch {:.2} + CUDA graphs {:.2})\n\nKV cache: {} tokens ({} bytes per token per GPU)\nmax concurrency at max_model_len {}: {:.2}\n",
        input.gpu_memory_utilization, plan.gpus.first().map_or(0.0, |g| g.non_torch_gib), plan.gpus.first().map_or(0.0, |g| g.cuda_graph_gib), plan.kv_cache_tokens, plan.kv_bytes_per_token, input.max_model_len, plan.max_concurrency
    ));
    text.push_str(&if plan.fits {
        String::from("verdict: fits\n")
    } else if !plan.weights_fit {
        String::from("verdict: does not start: the weights do not fit (weights-fit)\n")
    } else {
        format!("verdict: does not start: one {}-token sequence does not fit the KV cache; at most {} would (kv-cache-fit)\n", input.max_model_len, plan.max_fitting_model_len)
    });
    text
}
