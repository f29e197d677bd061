//! The one shape of a finding in every JSON document.

use schemars::JsonSchema;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, SourceMap};

/// A finding: which check, at what level, where (file, 1-based line and column; null when
/// it has no place in a file), what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Finding {
    /// The check's kebab-case name (README lists them).
    pub check: String,
    /// "error", "warning" or "note" (after the project's levels).
    pub level: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    pub fn new(d: &Diagnostic, sources: &SourceMap) -> Finding {
        let place = d.primary.as_ref().map(|label| {
            let (line, column) = sources.line_col(label.file, label.span.start);
            (sources.name(label.file).to_string(), line, column)
        });
        Finding {
            check: d.check.name().to_string(),
            level: d.level.as_str().to_string(),
            file: place.as_ref().map(|p| p.0.clone()),
            line: place.as_ref().map(|p| p.1),
            column: place.as_ref().map(|p| p.2),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    /// Every finding of a list.
    pub fn all<'a>(
        diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
        sources: &SourceMap,
    ) -> Vec<Finding> {
        diagnostics
            .into_iter()
            .map(|d| Finding::new(d, sources))
            .collect()
    }
}
