//! Unified diffs (3 lines of context, `--- a/PATH` / `+++ b/PATH`), coloured on request.
//! Secret values of `.env` files are masked before diffing, so they never reach a terminal
//! or a CI log.

use similar::TextDiff;

use super::{Kind, dotenv};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// What a diff of `kind` shows of a text.
pub fn shown(kind: Kind, text: &str) -> String {
    match kind {
        Kind::Env => dotenv::masked(text),
        Kind::Compose | Kind::Manifest => text.to_string(),
    }
}

/// The unified diff of `old` and `new` (already masked); empty when they are equal.
pub fn unified(old: &str, new: &str, a: &str, b: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{a}"), &format!("b/{b}"))
        .to_string();
    if !color {
        return text;
    }
    text.split_inclusive('\n')
        .map(|line| {
            let colour = if line.starts_with("+++") || line.starts_with("---") {
                ""
            } else if line.starts_with('+') {
                GREEN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with("@@") {
                CYAN
            } else {
                ""
            };
            if colour.is_empty() {
                line.to_string()
            } else {
                let body = line.strip_suffix('\n').unwrap_or(line);
                let end = if line.ends_with('\n') { "\n" } else { "" };
                format!("{colour}{body}{RESET}{end}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_context() {
        let d = unified(
            "a\nb\n",
            "a\nc\n",
            "x/compose.yaml",
            "x/compose.yaml",
            false,
        );
        assert!(d.starts_with("--- a/x/compose.yaml\n+++ b/x/compose.yaml\n@@"));
        assert!(d.contains("-b\n+c\n"));
    }
}
