//! `.env`: every variable the compose file reads, sorted, with empty placeholders.
//!
//! Rendering again keeps what the user wrote: the value of each listed variable exactly as
//! written (quotes included), and every other line of the previous file (other variables,
//! comments) at the end, under a comment. Lines are taken one by one: a quoted value that
//! spans several lines is not supported.

use minijinja::Environment;
use serde::Serialize;

use super::{ENV_TEMPLATE, is_env_name, split_header, template_error};
use crate::error::Error;

/// Introduces the lines kept from a previous `.env`.
pub const KEPT_HEADER: &str = "# Kept from the previous .env (compose.yaml does not read these):";

#[derive(Serialize)]
struct Var<'a> {
    name: &'a str,
    value: &'a str,
}

/// `NAME=value` (or `export NAME=value`): the name and the raw value text.
pub fn assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (name, value) = line.split_once('=')?;
    let name = name.trim_end();
    is_env_name(name).then_some((name, value))
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
    for line in previous.lines() {
        if line.trim().is_empty() || line == KEPT_HEADER || generated.contains(&line) {
            continue;
        }
        match assignment(line) {
            Some((name, value)) if names.iter().any(|n| n == name) => {
                if let Some(var) = values.iter_mut().find(|v| v.name == name) {
                    var.value = value;
                }
            }
            _ => kept.push(line),
        }
    }
    fill(env, &values, &kept)
}

/// What the header hash of `.env` covers: the body with every value removed, so that filling
/// in values is not a hand edit.
pub fn hashed_form(body: &str) -> String {
    body.lines()
        .map(|line| match assignment(line) {
            Some((name, _)) => format!("{name}=\n"),
            None => format!("{line}\n"),
        })
        .collect()
}

/// The file with every value replaced by `********` (for diffs and logs).
pub fn masked(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match assignment(line) {
            Some((name, value)) if !value.trim().is_empty() => {
                let end = if line.ends_with('\n') { "\n" } else { "" };
                format!("{name}=********{end}")
            }
            _ => line.to_string(),
        })
        .collect()
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
    }
}
