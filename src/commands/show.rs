//! `vprof show NAME`: the resolved profile, each value with the file:line that set it.

use super::Context;
use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::profile::node::Node;
use crate::report::documents::{ShowReport, ShowValue};
use crate::report::{Align, Report, Table};

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
            // A secret written into the profile is reported by `inline-secret`; never shown.
            let value = match node.as_str() {
                Some(text) if crate::check::rules::secrets::secret_reason(&key, text).is_some() => {
                    serde_json::Value::from(crate::render::dotenv::MASK)
                }
                _ => node.to_json(),
            };
            Entry {
                key,
                value,
                file: run.sources.name(node.origin.file).to_string(),
                line,
            }
        })
        .collect()
}

pub fn run(ctx: &Context, name: &str) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        return Ok(Report::findings(run));
    };
    let list = entries(&profile.tree, &run);
    let table_file = match &profile.version.table().project_file {
        Some(file) => format!(", project table {}", super::shown(ctx, file)),
        None => String::new(),
    };
    let mut text = format!(
        "# {} ({}), vLLM {} from the {}{table_file}\n",
        profile.name,
        super::shown(ctx, &profile.path),
        profile.version.as_str(),
        profile.target.source.describe(),
    );
    let mut table = Table::new(&[Align::Left, Align::Left]).separator(0, "  # ");
    for e in &list {
        table.row([
            format!("{} = {}", e.key, e.value),
            format!("{}:{}", e.file, e.line),
        ]);
    }
    text.push_str(&table.render());
    let doc = ShowReport {
        profile: profile.name.clone(),
        file: super::shown(ctx, &profile.path),
        vllm_version: profile.version.as_str().to_string(),
        service: profile.service.clone(),
        values: list
            .into_iter()
            .map(|e| ShowValue {
                key: e.key,
                value: e.value,
                file: e.file,
                line: e.line,
            })
            .collect(),
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(text))
}
