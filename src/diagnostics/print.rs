//! Rendering findings: human (codespan-reporting, optionally coloured) and JSON.

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config};
use serde_json::{Value, json};

use super::{Diagnostic, Level, SourceMap};

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<usize> {
    let severity = match d.level {
        Level::Error => Severity::Error,
        Level::Note => Severity::Note,
        Level::Warning | Level::Off => Severity::Warning,
    };
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(CsLabel::primary(p.file, p.span.clone()).with_message(p.message.clone()));
    }
    for s in &d.secondary {
        labels.push(CsLabel::secondary(s.file, s.span.clone()).with_message(s.message.clone()));
    }
    let notes = d.help.iter().map(|h| format!("help: {h}")).collect();
    CsDiagnostic::new(severity)
        .with_code(d.check.name())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// Human-readable findings, ANSI-coloured when `color` is set.
pub fn render_human<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    color: bool,
) -> String {
    let config = Config::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for d in diagnostics {
        if term::emit_to_write_style(&mut buffer, &config, sources.files(), &to_codespan(d))
            .is_err()
        {
            // A span outside its file is a bug in vprof; still say what was found.
            let _ = buffer.reset();
            let _ = std::io::Write::write_fmt(
                &mut buffer,
                format_args!("{}[{}]: {}\n", d.level.as_str(), d.check, d.message),
            );
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// One finding as the stable JSON object of DESIGN.md.
pub fn finding_json(d: &Diagnostic, sources: &SourceMap) -> Value {
    let (file, line, column) = match &d.primary {
        Some(label) => {
            let (line, column) = sources.line_col(label.file, label.span.start);
            (
                Value::from(sources.name(label.file)),
                Value::from(line),
                Value::from(column),
            )
        }
        None => (Value::Null, Value::Null, Value::Null),
    };
    json!({
        "check": d.check.name(),
        "level": d.level.as_str(),
        "file": file,
        "line": line,
        "column": column,
        "message": d.message,
        "help": d.help,
    })
}

/// `{"findings": [...]}`, pretty-printed with a trailing newline.
pub fn render_json<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
) -> String {
    let findings: Vec<Value> = diagnostics
        .into_iter()
        .map(|d| finding_json(d, sources))
        .collect();
    let mut out = serde_json::to_string_pretty(&json!({ "findings": findings }))
        .unwrap_or_else(|_| String::from("{\"findings\": []}"));
    out.push('\n');
    out
}
