//! Findings as data: every stage pushes [`Diagnostic`]s into a sink; the printer renders them.
//!
//! A diagnostic carries a stable check name ([`Check`]), a level, a primary location in a
//! profile (file id + byte span, resolved to line and column by the [`SourceMap`]),
//! optional secondary labels (e.g. the base profile of an `extends` chain) and a help line.

mod check;
mod print;
mod source_map;
mod suggest;

use std::ops::Range;

pub use check::{Check, Level};
pub use print::{finding_json, render_human, render_json};
pub use source_map::{FileId, SourceMap};
pub use suggest::did_you_mean;

/// A place in a loaded file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub check: Check,
    pub level: Level,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding of `check` at its default level.
    pub fn new(check: Check, message: impl Into<String>) -> Self {
        Diagnostic {
            check,
            level: check.default_level(),
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, label: Label) -> Self {
        self.primary = Some(label);
        self
    }

    pub fn with_secondary(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Where findings accumulate: stages never return early on a finding.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// `items[..unique]` hold no duplicates; `index` maps their hashes to positions.
    unique: usize,
    index: std::collections::HashMap<u64, Vec<usize>>,
    hasher: std::hash::RandomState,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// The findings from `at` on, taken out (never those already deduplicated).
    pub fn split_off(&mut self, at: usize) -> Vec<Diagnostic> {
        self.items.split_off(at.max(self.unique))
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Remove exact duplicates (the same finding reached through two profiles sharing a
    /// partial), keeping the first of each. Incremental and linear: only the findings added
    /// since the last call are hashed and looked up, so a run over 10,000 profiles that
    /// deduplicates after each one stays linear.
    pub fn dedup(&mut self) {
        use std::hash::BuildHasher;
        let added: Vec<Diagnostic> = self.items.drain(self.unique..).collect();
        for d in added {
            let same = self.index.entry(self.hasher.hash_one(&d)).or_default();
            if !same.iter().any(|&i| self.items[i] == d) {
                same.push(self.items.len());
                self.items.push(d);
            }
        }
        self.unique = self.items.len();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::{Check, Diagnostic, Diagnostics};

    #[test]
    fn dedup_is_incremental_and_keeps_order() {
        let d = |m: &str| Diagnostic::new(Check::Schema, m);
        let mut all = Diagnostics::default();
        all.extend([d("a"), d("b"), d("a")]);
        all.dedup();
        all.extend([d("c"), d("b"), d("c")]);
        all.dedup();
        let messages: Vec<&str> = all.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(messages, ["a", "b", "c"]);
    }
}
