//! `vprof vllm versions|table|dump-script|schema`: the flag tables vprof knows, and how a
//! project adds the table of an image vprof does not embed.

use serde_json::json;

use super::Context;
use crate::cli::VllmCommand;
use crate::error::Error;
use crate::exit::Outcome;
use crate::report::Report;
use crate::report::documents::{
    SchemaCheckReport, VllmDumpScriptReport, VllmProjectTable, VllmTableReport, VllmVersionsReport,
};
use crate::vllm::{self, Found, Version};

/// Where the committed table schema lives, relative to the project root.
pub const TABLE_SCHEMA_PATH: &str = "schemas/vllm-table.schema.json";

/// The table schema as committed: pretty JSON and a newline.
pub fn table_schema_text() -> String {
    let text = serde_json::to_string_pretty(&vllm::table_schema()).unwrap_or_default();
    format!("{text}\n")
}

pub fn run(ctx: &Context, command: &VllmCommand) -> Result<Report, Error> {
    match command {
        VllmCommand::DumpScript => {
            let doc = VllmDumpScriptReport {
                script: vllm::DUMP_SCRIPT.to_string(),
                findings: Vec::new(),
            };
            Ok(Report::plain(&doc).stdout(vllm::DUMP_SCRIPT))
        }
        VllmCommand::Schema { check } => schema(ctx, *check),
        VllmCommand::Versions => versions(ctx),
        VllmCommand::Table { version } => table(ctx, version),
    }
}

fn schema(ctx: &Context, check: bool) -> Result<Report, Error> {
    let text = table_schema_text();
    if !check {
        return Ok(Report::plain(&vllm::table_schema()).stdout(text));
    }
    let committed =
        std::fs::read_to_string(ctx.cwd.join(TABLE_SCHEMA_PATH)).map_err(|source| Error::Read {
            path: TABLE_SCHEMA_PATH.into(),
            source,
        })?;
    let up_to_date = committed == text;
    let doc = SchemaCheckReport {
        path: TABLE_SCHEMA_PATH.to_string(),
        up_to_date,
        findings: Vec::new(),
    };
    Ok(if up_to_date {
        Report::plain(&doc).note(format!("{TABLE_SCHEMA_PATH} is up to date\n"))
    } else {
        Report::plain(&doc)
            .note(format!(
                "{TABLE_SCHEMA_PATH} is stale: regenerate it with `vprof vllm schema > {TABLE_SCHEMA_PATH}`\n"
            ))
            .at_least(Outcome::Findings)
    })
}

fn versions(ctx: &Context) -> Result<Report, Error> {
    let run = super::open(ctx)?;
    let project: Vec<VllmProjectTable> = run
        .project
        .vllm_tables
        .project()
        .iter()
        .map(|v| VllmProjectTable {
            version: v.as_str().to_string(),
            file: v
                .table()
                .project_file
                .as_deref()
                .map(|p| super::shown(ctx, p))
                .unwrap_or_default(),
        })
        .collect();
    let embedded: Vec<String> = Version::embedded()
        .iter()
        .map(|v| v.as_str().to_string())
        .collect();
    let mut text = String::from("embedded (the latest patch of each minor release):\n");
    for v in &embedded {
        text.push_str(&format!("  {v}\n"));
    }
    if !project.is_empty() {
        text.push_str("project tables:\n");
        for t in &project {
            text.push_str(&format!("  {}  {}\n", t.version, t.file));
        }
    }
    let doc = VllmVersionsReport {
        embedded,
        project,
        findings: run.finding_list(),
    };
    Ok(Report::new(run, &doc).stdout(text))
}

fn table(ctx: &Context, requested: &str) -> Result<Report, Error> {
    let run = super::open(ctx)?;
    let found = run.project.vllm_tables.find(requested);
    let (version, fallback) = match found {
        Some(Found::Exact(v)) => (v, false),
        Some(Found::Minor(v)) => (v, true),
        None => {
            return Err(Error::Usage(format!(
                "vprof has no flag table for vLLM {requested} (embedded: {}; add others with `vprof vllm dump-script`)",
                Version::embedded_range()
            )));
        }
    };
    let raw = match &version.table().project_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            serde_json::from_str(&text)
                .map_err(|e| Error::Internal(format!("{}: {e}", path.display())))?
        }
        None => vllm::embedded_table(version.as_str()).ok_or_else(|| {
            Error::Internal(format!("the embedded table of {version} does not expand"))
        })?,
    };
    let note = fallback.then(|| format!("vLLM {requested} uses the {version} table"));
    let text = render_table(&raw);
    let doc = VllmTableReport {
        note: note.clone(),
        table: raw,
        findings: run.finding_list(),
    };
    let mut report = Report::new(run, &doc).stdout(text);
    if let Some(note) = note {
        report = report.lead(format!("note: {note}\n"));
    }
    Ok(report)
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
