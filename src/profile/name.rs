//! Profile, partial and host names: file stems that become compose service names, output
//! directory names and `extends`/`host` references, so they are checked as names before any
//! file is read or written under them.
//!
//! A name is 1 to [`MAX_NAME_LEN`] characters of `A-Z a-z 0-9 _ . -`, starting with a letter
//! or digit (a partial adds one leading `_`). That is what compose accepts for a service and a
//! directory name in every shell and file system, and it excludes `..`, `/`, spaces and every
//! character that could break out of a YAML comment or a diagnostic line.

/// Longest profile name accepted.
pub const MAX_NAME_LEN: usize = 100;

/// What a valid name looks like, for messages.
pub const NAME_RULE: &str = "names are letters, digits, `_`, `.` and `-`, start with a letter or digit (a partial with one `_`), and have at most 100 characters";

/// Why `name` is not a valid profile name, if it is not.
pub fn invalid(name: &str) -> Option<&'static str> {
    let body = name.strip_prefix('_').unwrap_or(name);
    if name.is_empty() || body.is_empty() {
        return Some("it is empty");
    }
    if name.len() > MAX_NAME_LEN {
        return Some("it is too long");
    }
    if !body.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("it does not start with a letter or digit");
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Some("it holds a character other than letters, digits, `_`, `.` and `-`");
    }
    None
}

/// A name as it may be shown in a message: escaped and shortened, never a raw control
/// character or a 100,000-character line.
pub fn shown(name: &str) -> String {
    const SHOWN: usize = 60;
    let mut out: String = name
        .chars()
        .take(SHOWN)
        .flat_map(char::escape_debug)
        .collect();
    if name.chars().count() > SHOWN {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::invalid;

    #[test]
    fn names() {
        for ok in ["a", "chunked_only_safe", "_base", "qwen3-8b.tp2", "A1"] {
            assert_eq!(invalid(ok), None, "{ok}");
        }
        for bad in [
            "",
            "_",
            "..",
            ".",
            "_..",
            "My Profile!",
            "a/b",
            "../x",
            "x\nname: y",
            "-x",
            "__x",
        ] {
            assert!(invalid(bad).is_some(), "{bad:?}");
        }
        assert!(invalid(&"a".repeat(101)).is_some());
    }
}
