//! The flag tables a project can target: the embedded ones and the project's own
//! (`vllm_tables_dir` in vprof.toml, `*.json` files in the format `vprof vllm dump-script`
//! prints), loaded and checked the same way. A project table for a version overrides the
//! embedded one.

use std::path::Path;

use super::table::{FlagTable, RawTable, problems};
use super::{Release, Version, embedded};
use crate::diagnostics::{Check, Diagnostic, Diagnostics, FileId, Label, SourceMap};
use crate::error::Error;

/// How a requested version found its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The table of that very version.
    Exact(Version),
    /// No table of its own: the table of the same minor release (`0.11.2` → `0.11.0`).
    Minor(Version),
}

/// The project tables (loaded from `vllm_tables_dir`), searched before the embedded ones.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    project: Vec<Version>,
}

impl Tables {
    /// Read every `*.json` of `dir` (sorted by name). A file that does not parse or fails the
    /// table checks is a located `vllm-table` finding and is left out; an unreadable
    /// directory is an error.
    pub fn load(
        dir: &Path,
        shown: &str,
        sources: &mut SourceMap,
        diags: &mut Diagnostics,
    ) -> Result<Tables, Error> {
        let read_err = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        files.sort();
        let mut tables = Tables::default();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let name = format!(
                "{shown}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let file = sources.add(name, text.clone());
            let Some(raw) = parse(&text, file, diags) else {
                continue;
            };
            if let Some(other) = tables.project.iter().find(|v| v.as_str() == raw.version) {
                diags.push(
                    Diagnostic::new(
                        Check::VllmTable,
                        format!("a second project table for vLLM {}", raw.version),
                    )
                    .at(locate(&text, file, &raw.version, "this version"))
                    .with_help(format!(
                        "{} already has it; keep one",
                        other
                            .table()
                            .project_file
                            .as_deref()
                            .unwrap_or(dir)
                            .display()
                    )),
                );
                continue;
            }
            let table: &'static FlagTable = Box::leak(Box::new(FlagTable::build(raw, Some(path))));
            tables.project.push(Version(table));
        }
        Ok(tables)
    }

    /// The project tables, in file-name order.
    pub fn project(&self) -> &[Version] {
        &self.project
    }

    /// The table for a requested version (`0.27.1`, `v0.11.2`, or a project table's exact
    /// name): that version's own, else the newest table of its minor release.
    pub fn find(&self, requested: &str) -> Option<Found> {
        let bare = requested.strip_prefix('v').unwrap_or(requested);
        if let Some(v) = self.project.iter().find(|v| v.as_str() == bare) {
            return Some(Found::Exact(*v));
        }
        let release = Release::parse(bare)?;
        let embedded = || {
            embedded::names()
                .iter()
                .filter_map(|n| Some((Release::parse(n)?, n)))
        };
        if let Some(v) = self.project.iter().find(|v| v.release() == Some(release)) {
            return Some(Found::Exact(*v));
        }
        if let Some((_, name)) = embedded().find(|(r, _)| *r == release) {
            return embedded::named(name).map(Found::Exact);
        }
        let project = self
            .project
            .iter()
            .filter_map(|v| Some((v.release()?, *v)))
            .filter(|(r, _)| r.same_minor(release))
            .max_by_key(|(r, _)| *r);
        let builtin = embedded()
            .filter(|(r, _)| r.same_minor(release))
            .max_by_key(|(r, _)| *r);
        match (project, builtin) {
            (Some((p, v)), Some((b, _))) if p >= b => Some(Found::Minor(v)),
            (Some((_, v)), None) => Some(Found::Minor(v)),
            (_, Some((_, name))) => embedded::named(name).map(Found::Minor),
            (None, None) => None,
        }
    }
}

/// The file as a table, or a `vllm-table` finding at the place that is wrong.
fn parse(text: &str, file: FileId, diags: &mut Diagnostics) -> Option<RawTable> {
    let raw: RawTable = match serde_json::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let at = byte_offset(text, err.line(), err.column());
            diags.push(
                Diagnostic::new(Check::VllmTable, format!("not a vLLM flag table: {err}"))
                    .at(Label::new(file, at..at, "here"))
                    .with_help("make it with `vprof vllm dump-script` (schemas/vllm-table.schema.json describes it)"),
            );
            return None;
        }
    };
    let found = problems(&raw);
    if found.is_empty() {
        return Some(raw);
    }
    for problem in found {
        // point at the flag the problem names, else at the version
        let needle = problem
            .split('`')
            .nth(1)
            .unwrap_or(&raw.version)
            .to_string();
        diags.push(
            Diagnostic::new(
                Check::VllmTable,
                format!("invalid vLLM flag table: {problem}"),
            )
            .at(locate(text, file, &needle, "here")),
        );
    }
    None
}

/// A label on the first JSON string equal to `needle`, else the file start.
fn locate(text: &str, file: FileId, needle: &str, message: &str) -> Label {
    let quoted = format!("\"{needle}\"");
    match text.find(&quoted) {
        Some(at) => Label::new(file, at..at + quoted.len(), message),
        None => Label::new(file, 0..0, message),
    }
}

/// serde_json's 1-based line and column as a byte offset.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}
