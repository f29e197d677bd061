//! Reading one file: bytes → UTF-8 text in the [`SourceMap`] → TOML [`Node`] tree.
//! Each failure is a located diagnostic; only an unreadable file is an operational error.

use std::path::Path;

use toml::de::DeTable;

use crate::diagnostics::{Check, Diagnostic, Diagnostics, FileId, Label, SourceMap};
use crate::profile::node::Node;

/// Profiles larger than this are refused: no real profile comes close, and it bounds the work
/// a hostile input can cause.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// The outcome of reading a file into the source map.
#[derive(Debug)]
pub enum LoadedText {
    Text(FileId),
    /// Not UTF-8 or too large: a diagnostic was pushed.
    Invalid,
}

/// Read a file; non-UTF-8 and oversized input become diagnostics, missing files errors.
pub fn read_source(
    path: &Path,
    display: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<LoadedText, crate::error::Error> {
    let bytes = std::fs::read(path).map_err(|source| crate::error::Error::Read {
        path: display.into(),
        source,
    })?;
    if bytes.len() > MAX_FILE_BYTES {
        let file = sources.add(display, "");
        diags.push(
            Diagnostic::new(
                Check::Syntax,
                format!(
                    "file is {} bytes; profiles are limited to {MAX_FILE_BYTES}",
                    bytes.len()
                ),
            )
            .at(Label::new(file, 0..0, "file too large")),
        );
        return Ok(LoadedText::Invalid);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(LoadedText::Text(sources.add(display, text))),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let file = sources.add(display, lossy);
            // The lossy text has the same bytes up to the first invalid sequence.
            diags.push(
                Diagnostic::new(Check::Syntax, "file is not valid UTF-8")
                    .at(Label::new(file, valid..valid + 1, "invalid byte here"))
                    .with_help("TOML files must be UTF-8"),
            );
            Ok(LoadedText::Invalid)
        }
    }
}

/// Parse the file's text as TOML; a syntax error becomes a diagnostic at its span.
pub fn parse(file: FileId, sources: &SourceMap, diags: &mut Diagnostics) -> Option<Node> {
    let text = sources.text(file);
    match DeTable::parse(text) {
        Ok(doc) => {
            let mut bad = Vec::new();
            let node = Node::from_document(doc.get_ref(), doc.span(), file, &mut bad);
            for number in &bad {
                diags.push(
                    Diagnostic::new(
                        Check::Syntax,
                        format!("number `{}` is out of range", number.text),
                    )
                    .at(Label::new(file, number.span.clone(), "out of range"))
                    .with_help("integers must fit in 64 bits; floats must be finite"),
                );
            }
            bad.is_empty().then_some(node)
        }
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim_end().to_string();
            diags.push(
                Diagnostic::new(Check::Syntax, format!("invalid TOML: {message}"))
                    .at(Label::new(file, span, message)),
            );
            None
        }
    }
}
