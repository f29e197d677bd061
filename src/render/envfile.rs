//! Reading a `.env` the way docker compose reads it: `NAME=value`, `export NAME=value` and
//! `NAME: value`; single- and double-quoted values that may span lines (a `"` inside double
//! quotes is escaped with `\`); `#` comments and blank lines. Anything else is kept as an
//! unreadable entry, so that nothing is lost and its text is never shown.

/// One entry of a `.env`: its whole text (several lines for a quoted multi-line value,
/// without the final newline) and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub raw: &'a str,
    pub kind: EntryKind<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind<'a> {
    Blank,
    Comment,
    /// The name and the value as written after the separator (quotes included).
    Assignment {
        name: &'a str,
        value: &'a str,
    },
    /// A line compose would reject or read differently: never shown, always kept.
    Unreadable,
}

/// Split `text` into entries; the concatenation of every `raw` plus newlines is `text`.
pub fn entries(text: &str) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = &rest[..line_end];
        let trimmed = line.trim();
        let (raw, kind) = if trimmed.is_empty() {
            (line, EntryKind::Blank)
        } else if trimmed.starts_with('#') {
            (line, EntryKind::Comment)
        } else {
            match assignment(rest, line_end) {
                Some((len, name, value)) => (&rest[..len], EntryKind::Assignment { name, value }),
                None => (line, EntryKind::Unreadable),
            }
        };
        out.push(Entry { raw, kind });
        rest = &rest[raw.len()..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out
}

/// An assignment starting at `text` (whose first line ends at `line_end`): its length, name
/// and value text.
fn assignment(text: &str, line_end: usize) -> Option<(usize, &str, &str)> {
    let line = &text[..line_end];
    let start = line.len() - line.trim_start().len();
    let mut body = &line[start..];
    if let Some(after) = body.strip_prefix("export ") {
        body = after.trim_start();
    }
    let sep = body.find(['=', ':'])?;
    let name = body[..sep].trim_end();
    if !super::is_env_name(name) {
        return None;
    }
    let after_sep = &body[sep + 1..];
    let value_start = line_end - after_sep.len() + (after_sep.len() - after_sep.trim_start().len());
    // `NAME: value` needs the space after the colon (YAML style); `NAME:value` is not one.
    if body.as_bytes()[sep] == b':' && !after_sep.starts_with([' ', '\t']) && !after_sep.is_empty()
    {
        return None;
    }
    let value_text = &text[value_start..];
    let len = match value_text.chars().next() {
        Some(q @ ('"' | '\'')) => value_start + closing_quote(value_text, q)? + 1,
        _ => line_end,
    };
    // Whatever follows a closing quote on its line (a comment) belongs to the entry.
    let len = text[len..].find('\n').map_or(text.len(), |n| len + n);
    Some((len, name, text[value_start..len].trim_end()))
}

/// The byte offset of the quote closing the one at the start of `text`.
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote == '"' {
            escaped = true;
        } else if c == quote {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{EntryKind, entries};

    fn kinds(text: &str) -> Vec<(String, EntryKind<'_>)> {
        entries(text)
            .into_iter()
            .map(|e| (e.raw.to_string(), e.kind))
            .collect()
    }

    #[test]
    fn the_forms_compose_reads() {
        let text = "# c\n\nA=1\nexport B = 'x'\nC: sk-COLON\nD=\"line1\nSECRET_LINE2\" # note\nE:x\nnot a line\nF=\"open\n";
        let got = kinds(text);
        assert_eq!(got[0].1, EntryKind::Comment);
        assert_eq!(got[1].1, EntryKind::Blank);
        assert_eq!(
            got[2].1,
            EntryKind::Assignment {
                name: "A",
                value: "1"
            }
        );
        assert_eq!(
            got[3].1,
            EntryKind::Assignment {
                name: "B",
                value: "'x'"
            }
        );
        assert_eq!(
            got[4].1,
            EntryKind::Assignment {
                name: "C",
                value: "sk-COLON"
            }
        );
        assert_eq!(got[5].0, "D=\"line1\nSECRET_LINE2\" # note");
        assert_eq!(
            got[5].1,
            EntryKind::Assignment {
                name: "D",
                value: "\"line1\nSECRET_LINE2\" # note"
            }
        );
        assert_eq!(got[6].1, EntryKind::Unreadable);
        assert_eq!(got[7].1, EntryKind::Unreadable);
        // An unterminated quote is not an assignment: compose rejects it.
        assert_eq!(got[8].1, EntryKind::Unreadable);
        let joined: Vec<&str> = entries(text).iter().map(|e| e.raw).collect();
        assert_eq!(format!("{}\n", joined.join("\n")), text);
    }

    #[test]
    fn escaped_quotes_do_not_close() {
        let got = kinds("A=\"a\\\"b\nc\"\nB=2\n");
        assert_eq!(got[0].0, "A=\"a\\\"b\nc\"");
        assert_eq!(
            got[1].1,
            EntryKind::Assignment {
                name: "B",
                value: "2"
            }
        );
    }
}
