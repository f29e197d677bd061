//! Loaded files: display path and text, with line/column lookup for diagnostics.

use codespan_reporting::files::{Files, SimpleFiles};

/// Index of a file in the [`SourceMap`].
pub type FileId = usize;

/// Every file read during one run, so that any diagnostic can show its line.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
}

impl SourceMap {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.add(name.into(), text.into())
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, byte: usize) -> (usize, usize) {
        let text = self.text(id);
        let mut byte = byte.min(text.len());
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        match self.files.location(id, byte) {
            Ok(loc) => (loc.line_number, loc.column_number),
            Err(_) => (1, 1),
        }
    }

    /// Hide the text of `span` (a secret value) in every snippet shown from now on: each
    /// byte becomes `*`, except the quotes around a string, so spans and lines stay valid.
    pub fn redact(&mut self, id: FileId, span: std::ops::Range<usize>) {
        let mut rebuilt = SimpleFiles::new();
        let mut i = 0;
        while let Ok(file) = self.files.get(i) {
            let mut text = file.source().clone();
            if i == id && span.start < span.end && span.end <= text.len() {
                let inner = text.as_bytes()[span.clone()].to_vec();
                let quoted = |b: u8| b == b'"' || b == b'\'';
                let (mut a, mut b) = (span.start, span.end);
                if inner.len() >= 2 && quoted(inner[0]) && inner[inner.len() - 1] == inner[0] {
                    a += 1;
                    b -= 1;
                }
                let stars = "*".repeat(b - a);
                if text.is_char_boundary(a) && text.is_char_boundary(b) {
                    text.replace_range(a..b, &stars);
                }
            }
            rebuilt.add(file.name().clone(), text);
            i += 1;
        }
        self.files = rebuilt;
    }

    pub(crate) fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }
}
