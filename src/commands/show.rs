//! `vprof show NAME`: the resolved profile, each value with the file:line that set it.

use serde_json::json;

use super::{Context, report, report_json};
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::pipeline::Pipeline;
use crate::profile::node::Node;

/// A leaf of the merged tree: dotted key, value, where it was written.
#[derive(Debug)]
pub struct Entry {
    pub key: String,
    pub value: serde_json::Value,
    pub file: String,
    pub line: usize,
}

/// The leaves of a tree (`Node::leaves`), each with the file and line that set it.
pub fn entries(tree: &Node, run: &Pipeline) -> Vec<Entry> {
    tree.leaves()
        .into_iter()
        .map(|(key, node)| {
            let start = node
                .origin
                .key_span
                .as_ref()
                .map_or(node.origin.span.start, |k| k.start);
            let (line, _) = run.sources.line_col(node.origin.file, start);
            Entry {
                key,
                value: node.to_json(),
                file: run.sources.name(node.origin.file).to_string(),
                line,
            }
        })
        .collect()
}

pub fn run(ctx: &Context, name: &str) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(report(ctx, &run, None));
    };
    let list = entries(&profile.tree, &run);
    let version_source = profile.version_source.describe();
    match ctx.format {
        Format::Json => {
            let values: Vec<_> = list
                .iter()
                .map(|e| json!({"key": e.key, "value": e.value, "file": e.file, "line": e.line}))
                .collect();
            let doc = json!({
                "profile": profile.name,
                "file": super::shown(ctx, &profile.path),
                "vllm_version": profile.version.as_str(),
                "service": profile.service,
                "values": values,
            });
            return Ok(report_json(ctx, &run, doc));
        }
        Format::Human => {
            let mut text = format!(
                "# {} ({}), vLLM {} from the {version_source}\n",
                profile.name,
                super::shown(ctx, &profile.path),
                profile.version.as_str(),
            );
            let rows: Vec<(String, String)> = list
                .iter()
                .map(|e| {
                    (
                        format!("{} = {}", e.key, e.value),
                        format!("{}:{}", e.file, e.line),
                    )
                })
                .collect();
            let width = rows
                .iter()
                .map(|(l, _)| l.chars().count())
                .filter(|w| *w <= 60)
                .max()
                .unwrap_or(0);
            for (left, right) in rows {
                let pad = width.saturating_sub(left.chars().count());
                text.push_str(&format!("{left}{}  # {right}\n", " ".repeat(pad)));
            }
            ctx.printer.out(&text);
        }
    }
    Ok(report(ctx, &run, None))
}
