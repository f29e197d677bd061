//! `vprof vllm versions|table|dump-script|schema`: the flag tables vprof knows, and how a
//! project adds the table of an image vprof does not embed.

use serde_json::json;

use super::Context;
use crate::cli::{Format, VllmCommand};
use crate::error::Error;
use crate::exit::Outcome;
use crate::vllm::{self, Found, Version};

/// Where the committed table schema lives, relative to the project root.
pub const TABLE_SCHEMA_PATH: &str = "schemas/vllm-table.schema.json";

/// The table schema as committed: pretty JSON and a newline.
pub fn table_schema_text() -> String {
    let text = serde_json::to_string_pretty(&vllm::table_schema()).unwrap_or_default();
    format!("{text}\n")
}

pub fn run(ctx: &Context, command: &VllmCommand) -> Result<Outcome, Error> {
    match command {
        VllmCommand::DumpScript => {
            ctx.printer.out(vllm::DUMP_SCRIPT);
            Ok(Outcome::Success)
        }
        VllmCommand::Schema { check } => schema(ctx, *check),
        VllmCommand::Versions => versions(ctx),
        VllmCommand::Table { version } => table(ctx, version),
    }
}

fn schema(ctx: &Context, check: bool) -> Result<Outcome, Error> {
    let text = table_schema_text();
    if !check {
        ctx.printer.out(&text);
        return Ok(Outcome::Success);
    }
    let committed =
        std::fs::read_to_string(ctx.cwd.join(TABLE_SCHEMA_PATH)).map_err(|source| Error::Read {
            path: TABLE_SCHEMA_PATH.into(),
            source,
        })?;
    if committed == text {
        ctx.printer
            .err(&format!("{TABLE_SCHEMA_PATH} is up to date\n"));
        Ok(Outcome::Success)
    } else {
        ctx.printer.err(&format!(
            "{TABLE_SCHEMA_PATH} is stale: regenerate it with `vprof vllm schema > {TABLE_SCHEMA_PATH}`\n"
        ));
        Ok(Outcome::Findings)
    }
}

fn versions(ctx: &Context) -> Result<Outcome, Error> {
    let run = super::open(ctx)?;
    let project: Vec<Version> = run.project.vllm_tables.project().to_vec();
    match ctx.format {
        Format::Json => {
            let rows: Vec<_> = project
                .iter()
                .map(|v| {
                    let file = v
                        .table()
                        .project_file
                        .as_deref()
                        .map(|p| super::shown(ctx, p));
                    json!({"version": v.as_str(), "file": file})
                })
                .collect();
            let doc = json!({"embedded": crate::vllm::Version::embedded().iter().map(|v| v.as_str()).collect::<Vec<_>>(), "project": rows});
            Ok(super::report_json(ctx, &run, doc))
        }
        Format::Human => {
            let mut text = String::from("embedded (the latest patch of each minor release):\n");
            for v in Version::embedded() {
                text.push_str(&format!("  {v}\n"));
            }
            if !project.is_empty() {
                text.push_str("project tables:\n");
                for v in &project {
                    let file = v
                        .table()
                        .project_file
                        .as_deref()
                        .map(|p| super::shown(ctx, p));
                    text.push_str(&format!("  {v}  {}\n", file.unwrap_or_default()));
                }
            }
            ctx.printer.out(&text);
            Ok(super::report(ctx, &run, None))
        }
    }
}

fn table(ctx: &Context, requested: &str) -> Result<Outcome, Error> {
    let run = super::open(ctx)?;
    let found = run.project.vllm_tables.find(requested);
    let version = match found {
        Some(Found::Exact(v) | Found::Minor(v)) => v,
        None => {
            return Err(Error::Usage(format!(
                "vprof has no flag table for vLLM {requested} (embedded: {})",
                Version::embedded_range()
            )));
        }
    };
    if let Some(Found::Minor(v)) = found {
        ctx.printer
            .err(&format!("note: vLLM {requested} uses the {v} table\n"));
    }
    let raw = match &version.table().project_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            ctx.printer.out(&text);
            return Ok(super::report(ctx, &run, None));
        }
        None => vllm::embedded_table(version.as_str()),
    };
    let Some(raw) = raw else {
        return Err(Error::Usage(format!("no embedded table for {version}")));
    };
    ctx.printer.out(&render_table(&raw));
    Ok(super::report(ctx, &run, None))
}

/// The table file layout `tools/vllm/dump_table.py` prints: one flag per line, keys sorted.
pub fn render_table(raw: &vllm::RawTable) -> String {
    let sorted = |v: serde_json::Value| -> String {
        // serde_json keeps insertion order here (preserve_order): sort object keys as
        // Python's json.dumps(sort_keys=True) does, with its ", " and ": " separators.
        python_json(&sort_keys(v))
    };
    let rows: Vec<String> = raw
        .flags
        .iter()
        .map(|f| {
            format!(
                "    {}",
                sorted(serde_json::to_value(f).unwrap_or_default())
            )
        })
        .collect();
    format!(
        "{{\n  \"version\": {},\n  \"registries\": {},\n  \"flags\": [\n{}\n  ]\n}}\n",
        python_json(&json!(raw.version)),
        sorted(serde_json::to_value(&raw.registries).unwrap_or_default()),
        rows.join(",\n")
    )
}

fn sort_keys(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sort_keys).collect())
        }
        other => other,
    }
}

/// JSON as Python's `json.dumps` writes it by default (`", "`, `": "`, ASCII only).
fn python_json(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", python_json(&json!(k)), python_json(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(python_json).collect();
            format!("[{}]", items.join(", "))
        }
        serde_json::Value::String(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        other => other.to_string(),
    }
}
