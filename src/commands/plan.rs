//! `vprof plan NAME`: the GPU memory plan per GPU, maximum concurrency and a verdict. The
//! verdict comes from the same estimate as validate's `weights-fit` and `kv-cache-fit`.

use serde_json::{Value, json};

use super::{Context, Session};
use crate::check::rules::model_fit;
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;

fn gib(v: f64) -> String {
    format!("{v:.2}")
}

pub fn run(ctx: &Context, name: &str) -> Result<Outcome, Error> {
    let mut session = Session::open(ctx)?;
    let Some(profile) = session.load_one(ctx, name)? else {
        return Ok(session.report(ctx, None));
    };
    let (facts, input, plan) = match model_fit::plan(&profile) {
        Ok(p) => p,
        Err(missing) => {
            let outcome = session.report(ctx, None);
            if ctx.format == Format::Human {
                ctx.printer.err(&format!(
                    "vprof plan: cannot plan `{}`: {missing}\n",
                    profile.name
                ));
            }
            return Ok(if outcome == Outcome::Success {
                Outcome::Findings
            } else {
                outcome
            });
        }
    };
    match ctx.format {
        Format::Json => {
            let mut doc = json!({ "profile": profile.name, "model": profile.model, "facts_source": facts.source });
            if let (Value::Object(d), Ok(Value::Object(p))) =
                (&mut doc, serde_json::to_value(&plan))
            {
                d.extend(p);
            }
            let outcome = session.report_json(ctx, doc);
            return Ok(if plan.fits {
                outcome
            } else {
                Outcome::Findings
            });
        }
        Format::Human => {
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
            ctx.printer.out(&text);
        }
    }
    let outcome = session.report(ctx, None);
    Ok(if plan.fits {
        outcome
    } else {
        Outcome::Findings
    })
}
