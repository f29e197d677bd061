//! `vprof plan NAME`: the GPU memory plan per GPU, maximum concurrency and a verdict. The
//! verdict comes from the same estimate as validate's `weights-fit` and `kv-cache-fit`.

use super::Context;
use crate::check::rules::model_fit;
use crate::error::Error;
use crate::exit::Outcome;
use crate::model::{ModelFacts, Plan, PlanInput};
use crate::profile::Profile;
use crate::report::documents::PlanReport;
use crate::report::{Align, Report, Table};

fn gib(v: f64) -> String {
    format!("{v:.2}")
}

pub fn run(ctx: &Context, name: &str) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(Report::findings(run));
    };
    // A profile that does not fit, or cannot be planned, is a finding-level outcome.
    match model_fit::plan(&profile) {
        Err(missing) => Ok(Report::findings(run)
            .note(format!(
                "vprof plan: cannot plan `{}`: {missing}\n",
                profile.name
            ))
            .at_least(Outcome::Findings)),
        Ok((facts, input, plan)) => {
            let text = human(&profile, &facts, &input, &plan);
            let verdict = if plan.fits {
                Outcome::Success
            } else {
                Outcome::Findings
            };
            let doc = PlanReport {
                profile: profile.name.clone(),
                model: profile.model.clone(),
                facts_source: facts.source.to_string(),
                plan,
                findings: run.finding_list(),
            };
            Ok(Report::new(run, &doc).stdout(text).at_least(verdict))
        }
    }
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
    let mut table = Table::new(&[
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
        Align::Right,
    ]);
    table.row([
        "GPU",
        "TOTAL",
        "BUDGET",
        "WEIGHTS",
        "ACTIVATION",
        "OVERHEAD",
        "KV CACHE",
    ]);
    for g in &plan.gpus {
        table.row([
            g.id.clone(),
            gib(g.total_gib),
            gib(g.budget_gib),
            gib(g.weights_gib),
            gib(g.activation_gib),
            gib(g.overhead_gib),
            gib(g.kv_cache_gib),
        ]);
    }
    text.push_str(&table.render());
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
