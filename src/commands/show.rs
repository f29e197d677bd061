//! `vprof show NAME`: the resolved profile, each value with the file:line that set it.

use serde_json::json;

use super::{Context, Session};
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::profile::node::{Node, Value};

/// A leaf of the merged tree: dotted key, value, where it was written.
#[derive(Debug)]
pub struct Entry {
    pub key: String,
    pub value: serde_json::Value,
    pub file: String,
    pub line: usize,
}

/// Flatten a tree into leaves (arrays and scalars; tables recurse), in key order.
pub fn entries(tree: &Node, session: &Session) -> Vec<Entry> {
    let mut out = Vec::new();
    flatten(tree, &mut Vec::new(), session, &mut out);
    out
}

fn flatten(node: &Node, path: &mut Vec<String>, session: &Session, out: &mut Vec<Entry>) {
    match &node.value {
        Value::Table(t) if !t.is_empty() => {
            for (k, v) in t {
                path.push(k.clone());
                flatten(v, path, session, out);
                path.pop();
            }
        }
        _ => {
            let start = node
                .origin
                .key_span
                .as_ref()
                .map_or(node.origin.span.start, |k| k.start);
            let (line, _) = session.sources.line_col(node.origin.file, start);
            out.push(Entry {
                key: path.join("."),
                value: node.to_json(),
                file: session.sources.name(node.origin.file).to_string(),
                line,
            });
        }
    }
}

pub fn run(ctx: &Context, name: &str) -> Result<Outcome, Error> {
    let mut session = Session::open(ctx)?;
    let Some(profile) = session.load_one(ctx, name)? else {
        return Ok(session.report(ctx, None));
    };
    let list = entries(&profile.tree, &session);
    let version_source = profile.target.source.describe();
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
            return Ok(session.report_json(ctx, doc));
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
    Ok(session.report(ctx, None))
}
