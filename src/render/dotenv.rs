//! `.env`: every variable the compose file reads, sorted, with empty placeholders.
//!
//! Rendering again keeps what the user wrote: the value of each listed variable exactly as
//! written (quotes included, over several lines for a quoted multi-line value), and every
//! other entry of the previous file (other variables, comments, lines compose would not
//! read) at the end, under a comment. Entries are read the way compose reads them
//! ([`super::envfile`]).

use minijinja::Environment;
use serde::Serialize;

use super::envfile::{EntryKind, entries};
use super::{ENV_TEMPLATE, HASH_PREFIX, HEADER_FIRST, split_header, template_error};
use crate::error::Error;

/// Introduces the lines kept from a previous `.env`.
pub const KEPT_HEADER: &str = "# Kept from the previous .env (compose.yaml does not read these):";

/// What a masked value shows.
pub const MASK: &str = "********";

#[derive(Serialize)]
struct Var<'a> {
    name: &'a str,
    value: &'a str,
}

fn fill(env: &Environment<'_>, vars: &[Var<'_>], kept: &[&str]) -> Result<String, Error> {
    env.get_template(ENV_TEMPLATE)
        .and_then(|t| {
            t.render(minijinja::context! {
                variables => minijinja::value::Serde(vars),
                kept => minijinja::value::Serde(kept),
                kept_header => KEPT_HEADER,
            })
        })
        .map_err(|e| template_error(ENV_TEMPLATE, &e))
}

/// The body of `.env` (without the vprof header).
pub fn render(
    env: &Environment<'_>,
    names: &[String],
    existing: Option<&str>,
) -> Result<String, Error> {
    let previous = existing.map_or("", |text| split_header(text).map_or(text, |(_, body)| body));
    let empty: Vec<Var<'_>> = names.iter().map(|n| Var { name: n, value: "" }).collect();
    let skeleton = fill(env, &empty, &[])?;
    let generated: Vec<&str> = skeleton
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    let mut values: Vec<Var<'_>> = empty;
    let mut kept: Vec<&str> = Vec::new();
    for entry in entries(previous) {
        match entry.kind {
            EntryKind::Blank => {}
            EntryKind::Comment
                if entry.raw == KEPT_HEADER
                    || generated.contains(&entry.raw)
                    || is_header_line(entry.raw) => {}
            EntryKind::Assignment { name, value } if names.iter().any(|n| n == name) => {
                // The last assignment wins, as in compose.
                if let Some(var) = values.iter_mut().find(|v| v.name == name) {
                    var.value = value;
                }
            }
            _ => kept.push(entry.raw),
        }
    }
    fill(env, &values, &kept)
}

/// A line of a vprof header (left in the body when the header was damaged).
fn is_header_line(line: &str) -> bool {
    line.starts_with(HEADER_FIRST) || line.starts_with(HASH_PREFIX)
}

/// What the header hash of `.env` covers: the body with every value removed, so that filling
/// in values is not a hand edit.
pub fn hashed_form(body: &str) -> String {
    entries(body)
        .into_iter()
        .map(|e| match e.kind {
            EntryKind::Assignment { name, .. } => format!("{name}=\n"),
            _ => format!("{}\n", e.raw),
        })
        .collect()
}

/// The file as it may be shown (diffs, logs): every value replaced by `********`, every line
/// compose would not read as `NAME=VALUE` hidden, and every comment that could hold a value
/// (one with `=` or `:`) hidden, except vprof's own header lines. The text of a secret never
/// appears, whatever form the file has.
pub fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for e in entries(text) {
        match e.kind {
            EntryKind::Assignment { name, value } if value.trim().is_empty() => {
                out.push_str(&format!("{name}="));
            }
            EntryKind::Assignment { name, .. } => out.push_str(&format!("{name}={MASK}")),
            EntryKind::Blank => {}
            EntryKind::Comment
                if is_header_line(e.raw) || e.raw == KEPT_HEADER || !e.raw.contains(['=', ':']) =>
            {
                out.push_str(e.raw);
            }
            EntryKind::Comment => out.push_str(&format!("# {MASK} (a comment, hidden)")),
            EntryKind::Unreadable => {
                out.push_str(&format!(
                    "{MASK} (a line compose does not read as NAME=VALUE, hidden)"
                ));
            }
        }
        out.push('\n');
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_hides_values_only() {
        assert_eq!(
            masked("# c\nA=secret\nB=\nexport C='x'\n"),
            "# c\nA=********\nB=\nC=********\n"
        );
        let odd =
            masked("HF_TOKEN=\"line1\nSECRET_LINE2\"\nVLLM_X: sk-COLON\n# old=sk-OLD\nsk-BARE\n");
        for secret in ["line1", "SECRET_LINE2", "sk-COLON", "sk-OLD", "sk-BARE"] {
            assert!(!odd.contains(secret), "{odd}");
        }
        assert!(
            odd.starts_with("HF_TOKEN=********\nVLLM_X=********\n"),
            "{odd}"
        );
    }
}
