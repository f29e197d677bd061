//! Variable values from env files, as `docker compose --env-file FILE` reads them for
//! interpolation: `NAME=value`, `export NAME=value` and `NAME: value` entries (the reading of
//! `crate::render::envfile`); a single-quoted value is literal, a double-quoted one knows
//! `\n`, `\t`, `\\`, `\"` and `\$`; an unquoted value ends at a ` #` comment. Unquoted and
//! double-quoted values interpolate variables set earlier (`${A}-x`). A later file overrides
//! an earlier one, a later line an earlier line.
//!
//! Each value remembers its file and line, so that the import can say where it came from. The
//! shell environment is never read: an imported profile does not depend on who imports it.

use std::collections::BTreeMap;

use super::interpolate::interpolate;
use crate::render::envfile::{EntryKind, entries};

/// Where an env file set a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file as the user named it.
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One variable's value and where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub value: String,
    pub origin: Origin,
}

/// The variables of the env files read for one compose file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    vars: BTreeMap<String, Set>,
    /// The files read, in order.
    pub files: Vec<String>,
}

/// A line of an env file compose would refuse (its text is not shown: it may hold a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub line: usize,
}

impl Values {
    pub fn get(&self, name: &str) -> Option<&Set> {
        self.vars.get(name)
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Every variable, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Set)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Add the entries of one env file (`display` is how findings name it).
    pub fn read(&mut self, display: &str, text: &str) -> Result<(), Refused> {
        let text = text.replace("\r\n", "\n");
        let mut line = 1;
        for entry in entries(&text) {
            match entry.kind {
                EntryKind::Assignment { name, value } => {
                    let value = self.decode(value);
                    self.vars.insert(
                        name.to_string(),
                        Set {
                            value,
                            origin: Origin {
                                file: display.to_string(),
                                line,
                            },
                        },
                    );
                }
                EntryKind::Unreadable => return Err(Refused { line }),
                EntryKind::Blank | EntryKind::Comment => {}
            }
            line += entry.raw.matches('\n').count() + 1;
        }
        self.files.push(display.to_string());
        Ok(())
    }

    /// The value of an entry as written after `=` (quotes and trailing comment included).
    fn decode(&self, raw: &str) -> String {
        if let Some(rest) = raw.strip_prefix('\'') {
            return rest
                .rfind('\'')
                .map_or(rest, |end| &rest[..end])
                .to_string();
        }
        if let Some(rest) = raw.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('r') => out.push('\r'),
                        // `\$` stays a literal dollar through interpolation
                        Some('$') => out.push_str("$$"),
                        Some(other @ ('"' | '\\')) => out.push(other),
                        Some(other) => {
                            out.push('\\');
                            out.push(other);
                        }
                        None => out.push('\\'),
                    },
                    _ => out.push(c),
                }
            }
            return self.expand(&out);
        }
        let end = raw
            .char_indices()
            .find(|&(i, c)| c == '#' && raw[..i].ends_with([' ', '\t']))
            .map_or(raw.len(), |(i, _)| i);
        self.expand(raw[..end].trim())
    }

    /// Variables set earlier in these files, in `text`; malformed references stay as written.
    fn expand(&self, text: &str) -> String {
        interpolate(text, self).map_or_else(|_| text.to_string(), |i| i.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Values {
        let mut v = Values::default();
        v.read("a.env", text).unwrap();
        v
    }

    fn value<'a>(v: &'a Values, name: &str) -> &'a str {
        &v.get(name).unwrap().value
    }

    #[test]
    fn values_as_compose_reads_them() {
        let v = read(
            "# comment\n\nA=0.88\nexport B = 'lit ${A} # kept'\nC=\"x\\ny\\$A\" # c\nD=${A}-gpu # trailing\nE: yaml\nF=\"multi\nline\"\nG=a#b\n",
        );
        assert_eq!(value(&v, "A"), "0.88");
        assert_eq!(value(&v, "B"), "lit ${A} # kept");
        assert_eq!(value(&v, "C"), "x\ny$A");
        assert_eq!(value(&v, "D"), "0.88-gpu");
        assert_eq!(value(&v, "E"), "yaml");
        assert_eq!(value(&v, "F"), "multi\nline");
        assert_eq!(value(&v, "G"), "a#b");
        // lines count the lines of a multi-line value
        assert_eq!(v.get("A").unwrap().origin.to_string(), "a.env:3");
        assert_eq!(v.get("G").unwrap().origin.line, 10);
        assert_eq!(v.files, vec![String::from("a.env")]);
    }

    #[test]
    fn later_files_and_lines_win() {
        let mut v = read("A=1\nA=2\nB=x\n");
        assert_eq!(value(&v, "A"), "2");
        v.read("b.env", "B=y\n").unwrap();
        assert_eq!(value(&v, "B"), "y");
        assert_eq!(v.get("B").unwrap().origin.file, "b.env");
        assert_eq!(value(&v, "A"), "2");
    }

    #[test]
    fn a_line_compose_refuses_is_refused() {
        let mut v = Values::default();
        assert_eq!(
            v.read("a.env", "A=1\nnot a line\n"),
            Err(Refused { line: 2 })
        );
        assert!(v.files.is_empty());
    }
}
