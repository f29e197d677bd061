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

/// Why a file's bytes could not be had.
#[derive(Debug)]
pub enum ReadFailure {
    /// A FIFO, device, socket or directory (what it is): reading it could block or never end.
    NotRegular(&'static str),
    /// More than the cap: only cap + 1 bytes were read.
    TooLarge,
    Io(std::io::Error),
}

/// What kind of non-regular file `meta` describes, if it is not a regular file.
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Some("a FIFO");
        }
        if ft.is_char_device() {
            return Some("a character device");
        }
        if ft.is_block_device() {
            return Some("a block device");
        }
        if ft.is_socket() {
            return Some("a socket");
        }
    }
    if ft.is_dir() {
        return Some("a directory");
    }
    Some("not a regular file")
}

/// Read a regular file (symlinks followed) of at most `cap` bytes. The type is checked before
/// opening, so a FIFO is never opened (opening one blocks), and again on the open handle; at
/// most `cap + 1` bytes are read, so a huge file or a device costs `cap` bytes, not its size.
pub fn read_capped(path: &Path, cap: usize) -> Result<Vec<u8>, ReadFailure> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    if let Some(what) = not_regular(&meta) {
        return Err(ReadFailure::NotRegular(what));
    }
    let file = std::fs::File::open(path).map_err(ReadFailure::Io)?;
    let meta = file.metadata().map_err(ReadFailure::Io)?;
    if let Some(what) = not_regular(&meta) {
        return Err(ReadFailure::NotRegular(what));
    }
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let hint = usize::try_from(meta.len().min(limit)).unwrap_or(cap);
    let mut bytes = Vec::with_capacity(hint);
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() > cap {
        return Err(ReadFailure::TooLarge);
    }
    Ok(bytes)
}

/// Read a file; non-UTF-8, oversized and non-regular files become diagnostics, missing or
/// unreadable files errors.
pub fn read_source(
    path: &Path,
    display: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<LoadedText, crate::error::Error> {
    source_from(read_capped(path, MAX_FILE_BYTES), display, sources, diags)
}

/// [`read_source`] for bytes already read (or the failure to read them).
pub fn source_from(
    read: Result<Vec<u8>, ReadFailure>,
    display: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Result<LoadedText, crate::error::Error> {
    let refuse = |sources: &mut SourceMap, diags: &mut Diagnostics, message: String, label| {
        let file = sources.add(display, "");
        diags.push(Diagnostic::new(Check::Syntax, message).at(Label::new(file, 0..0, label)));
        Ok(LoadedText::Invalid)
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(ReadFailure::TooLarge) => {
            return refuse(
                sources,
                diags,
                format!("file is larger than {MAX_FILE_BYTES} bytes, the limit for profiles"),
                "file too large",
            );
        }
        Err(ReadFailure::NotRegular(what)) => {
            return refuse(
                sources,
                diags,
                format!("{display} is {what}, not a regular file: vprof reads only regular files"),
                "not a regular file",
            );
        }
        Err(ReadFailure::Io(source)) => {
            return Err(crate::error::Error::Read {
                path: display.into(),
                source,
            });
        }
    };
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
