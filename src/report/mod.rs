//! One report contract: every command returns a [`Report`] and this module alone prints it,
//! as human text or as exactly one JSON document on stdout ([`documents`] holds the
//! document types; `schemas/output.schema.json` is generated from them).
//!
//! Human: a lead, the findings (codespan) and an optional summary on stderr, the command's
//! text on stdout, then its notes on stderr. JSON: the command's document, findings inside it.
//! A new format (SARIF, GitHub annotations) is a new [`Format`] variant and one arm in
//! [`emit`].

pub mod ci;
pub mod documents;
mod finding;
pub mod table;

use clap::ValueEnum;
use serde::Serialize;

pub use documents::Output;
pub use finding::Finding;
pub use table::{Align, Table};

use crate::diagnostics::{self, Diagnostics, SourceMap};
use crate::error::Error;
use crate::exit::Outcome;
use crate::output::Printer;
use crate::pipeline::Pipeline;

/// How a report is printed (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 on stdout (GitHub code scanning): the findings only.
    Sarif,
    /// GitHub Actions annotations on stdout (`::error file=...::...`), human text on stderr.
    Github,
}

/// What a command hands back: its document, its human text, the findings and the outcome.
#[derive(Debug)]
pub struct Report {
    /// The JSON document (findings included).
    pub doc: serde_json::Value,
    /// Human text for stderr, before the findings.
    pub lead: String,
    /// Human text for stdout.
    pub stdout: String,
    /// Human text for stderr, after the findings.
    pub notes: String,
    /// Human: a line on stderr after the findings ("vprof: 3 files checked: ...").
    pub summary: Option<String>,
    pub findings: Diagnostics,
    pub sources: SourceMap,
    pub outcome: Outcome,
}

impl Report {
    /// A report of a pipeline run: `doc` is the command's document (built with
    /// `run.finding_list()`); the outcome is 1 when a finding is an error.
    pub fn new<T: Serialize>(run: Pipeline, doc: &T) -> Report {
        let (sources, findings) = run.into_parts();
        let outcome = if findings.has_errors() {
            Outcome::Findings
        } else {
            Outcome::Success
        };
        Report {
            doc: to_value(doc),
            lead: String::new(),
            stdout: String::new(),
            notes: String::new(),
            summary: None,
            findings,
            sources,
            outcome,
        }
    }

    /// A run that stopped at its findings: `{"findings": [...]}`.
    pub fn findings(run: Pipeline) -> Report {
        let doc = documents::FindingsReport {
            findings: run.finding_list(),
        };
        Report::new(run, &doc)
    }

    /// A report with no pipeline behind it (`init`, `schema`).
    pub fn plain<T: Serialize>(doc: &T) -> Report {
        Report {
            doc: to_value(doc),
            lead: String::new(),
            stdout: String::new(),
            notes: String::new(),
            summary: None,
            findings: Diagnostics::default(),
            sources: SourceMap::default(),
            outcome: Outcome::Success,
        }
    }

    pub fn stdout(mut self, text: impl Into<String>) -> Report {
        self.stdout.push_str(&text.into());
        self
    }

    pub fn lead(mut self, text: impl Into<String>) -> Report {
        self.lead.push_str(&text.into());
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Report {
        self.notes.push_str(&text.into());
        self
    }

    pub fn summary(mut self, text: impl Into<String>) -> Report {
        self.summary = Some(text.into());
        self
    }

    /// Raise the outcome (a plan that does not fit, drift).
    pub fn at_least(mut self, outcome: Outcome) -> Report {
        self.outcome = self.outcome.worst(outcome);
        self
    }
}

fn to_value<T: Serialize>(doc: &T) -> serde_json::Value {
    serde_json::to_value(doc).unwrap_or_else(|e| {
        serde_json::json!({"error": format!("vprof bug: a report did not serialize: {e}"), "findings": []})
    })
}

/// Print a report in `format`; the outcome is the exit status.
pub fn emit(printer: &Printer, format: Format, report: &Report) -> Outcome {
    match format {
        Format::Json => printer.out(&json_text(&report.doc)),
        Format::Sarif => printer.out(&json_text(&ci::sarif(&report.findings, &report.sources))),
        Format::Github => {
            printer.out(&ci::github(&report.findings, &report.sources));
            if !printer.quiet {
                printer.err(&report.lead);
                printer.err(&report.stdout);
                printer.err(&report.notes);
            }
        }
        Format::Human if printer.quiet => {
            // Only what is wrong: the findings (and an error's message, printed elsewhere).
            printer.err(&diagnostics::render_human(
                report.findings.iter(),
                &report.sources,
                printer.color_stderr,
            ));
        }
        Format::Human => {
            printer.err(&report.lead);
            printer.err(&diagnostics::render_human(
                report.findings.iter(),
                &report.sources,
                printer.color_stderr,
            ));
            if let Some(summary) = &report.summary {
                let errors = report.findings.error_count();
                let warnings = report
                    .findings
                    .iter()
                    .filter(|d| d.level == diagnostics::Level::Warning)
                    .count();
                printer.err(&format!(
                    "{summary}: {}, {}\n",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                ));
            }
            printer.out(&report.stdout);
            printer.err(&report.notes);
        }
    }
    report.outcome
}

/// A usage or I/O error (exit 2): the message on stderr; in JSON also a document on stdout.
pub fn emit_error(printer: &Printer, format: Format, message: &str) -> Outcome {
    if format == Format::Sarif {
        printer.out(&json_text(&ci::sarif(
            &Diagnostics::default(),
            &SourceMap::default(),
        )));
    }
    if format == Format::Json {
        let doc = documents::ErrorReport {
            error: message.to_string(),
            findings: Vec::new(),
        };
        printer.out(&json_text(&to_value(&doc)));
    }
    printer.err(&format!("error: {message}\n"));
    Outcome::Failure
}

/// Pretty JSON with a trailing newline.
pub fn json_text(doc: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// "1 error", "2 warnings".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The JSON Schema of every command's output, generated from [`Output`].
pub fn output_schema() -> Result<serde_json::Value, Error> {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<Output>())
        .map_err(|e| Error::Internal(format!("the output schema does not build: {e}")))
}

/// The committed form of the output schema: pretty JSON with a trailing newline.
pub fn output_schema_text() -> Result<String, Error> {
    Ok(json_text(&output_schema()?))
}
